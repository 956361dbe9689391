/* prices.c: list prices per million tokens (USD) for common hosted models; `?price_in=&price_out=` overrides them. */
#include "adapters/prices.h"

/*
 * List prices as published by OpenAI for standard (non-batch) use, per
 * million tokens, checked 2026-11. They change: a spec's price_in and
 * price_out win over this table, and a model missing here costs "unknown".
 * Longer names come first so that "gpt-4o-mini" is not priced as "gpt-4o".
 */
static const struct {
	const char *prefix;
	double in, out;
} table[] = {
	{ "gpt-4.1-nano", 0.10, 0.40 },
	{ "gpt-4.1-mini", 0.40, 1.60 },
	{ "gpt-4.1", 2.00, 8.00 },
	{ "gpt-4o-mini", 0.15, 0.60 },
	{ "gpt-4o", 2.50, 10.00 },
	{ "gpt-3.5-turbo", 0.50, 1.50 },
	{ "text-embedding-3-small", 0.02, 0 },
	{ "text-embedding-3-large", 0.13, 0 },
	{ "text-embedding-ada-002", 0.10, 0 },
};

static int price_param(const struct model_spec *spec, const char *key, double *out)
{
	const char *v = model_spec_get(spec, key);

	if (!v)
		return 0;
	if (parse_double(v, out) < 0 || *out < 0)
		return error("model '%s': '%s' must be a price in USD per million tokens, not '%s'",
			     spec->text, key, v);
	return 1;
}

/* Whether the list prices apply: the spec names one of OpenAI's models and the requests went to OpenAI itself. */
static int vendor_endpoint(const struct model_spec *spec, const char *endpoint)
{
	return !strcmp(spec->provider, "openai") && endpoint && !strncmp(endpoint, "https://api.openai.com", 22);
}

int price_for(struct price *out, const struct model_spec *spec, const char *endpoint)
{
	size_t i;
	int has_in, has_out;

	out->in = out->out = NAN;
	for (i = 0; i < ARRAY_SIZE(table) && vendor_endpoint(spec, endpoint); i++)
		if (!strncmp(spec->name, table[i].prefix, strlen(table[i].prefix))) {
			out->in = table[i].in;
			out->out = table[i].out;
			break;
		}
	has_in = price_param(spec, "price_in", &out->in);
	has_out = price_param(spec, "price_out", &out->out);
	if (has_in < 0 || has_out < 0)
		return -1;
	return 0;
}

void model_spec_without_prices(struct model_spec *out, const struct model_spec *spec)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->text = xstrdup(spec->text);
	out->provider = xstrdup(spec->provider);
	out->name = xstrdup(spec->name);
	out->params = xcalloc(spec->n_params ? spec->n_params : 1, sizeof(*out->params));
	for (i = 0; i < spec->n_params; i++) {
		if (!strcmp(spec->params[i].key, "price_in") || !strcmp(spec->params[i].key, "price_out") ||
		    !strcmp(spec->params[i].key, "label"))
			continue;
		out->params[out->n_params].key = xstrdup(spec->params[i].key);
		out->params[out->n_params].value = xstrdup(spec->params[i].value);
		out->n_params++;
	}
}

const char *price_endpoint(const struct model_spec *spec)
{
	const char *v;

	if (!strcmp(spec->provider, "openai")) {
		if ((v = model_spec_get(spec, "base_url")) || ((v = getenv("OPENAI_BASE_URL")) && *v))
			return v;
		return "https://api.openai.com/v1";
	}
	if (!strcmp(spec->provider, "azure"))
		return (v = model_spec_get(spec, "endpoint")) ? v : getenv("AZURE_OPENAI_ENDPOINT");
	return NULL;
}
