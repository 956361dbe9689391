/* adapter.c: model spec parsing and the registry of backends. */
#include <strings.h>
#include "adapters/adapter.h"
#include "lib/strbuf.h"

static const struct adapter *const adapters[] = {
	&builtin_adapter,
	&openai_adapter,
	&azure_adapter,
	&exec_adapter,
};

const struct adapter *adapter_find(const char *provider)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(adapters); i++)
		if (!strcmp(adapters[i]->provider, provider))
			return adapters[i];
	return NULL;
}

const char *adapter_providers(void)
{
	static char names[128];
	size_t i, len = 0;

	if (names[0])
		return names;
	for (i = 0; i < ARRAY_SIZE(adapters); i++) {
		int n = snprintf(names + len, sizeof(names) - len, "%s%s", i ? ", " : "",
				 adapters[i]->provider);
		if (n < 0 || (size_t)n >= sizeof(names) - len)
			break;
		len += (size_t)n;
	}
	return names;
}

/* Query keys that carry a credential when they appear in a spec or in a URL inside it. */
static int secret_key(const char *k, size_t len)
{
	static const char *const names[] = {
		"key", "api_key", "apikey", "api-key", "x-api-key", "access_token", "token", "ad_token",
		"auth", "authorization", "password", "passwd", "pass", "pwd", "secret", "client_secret",
		"sig", "signature", "subscription-key", "subscription_key", "code",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == len && !strncasecmp(k, names[i], len))
			return 1;
	return 0;
}

char *model_spec_redact(const char *text, const char **what)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	if (what)
		*what = NULL;
	while (*p) {
		/* userinfo: "scheme://USER[:PASS]@host" */
		if (p[0] == ':' && p[1] == '/' && p[2] == '/') {
			const char *h = p + 3, *end = h + strcspn(h, "/?#&|"), *at = memchr(h, '@', (size_t)(end - h));
			if (at) {
				strbuf_addstr(&sb, "://***@");
				p = at + 1;
				if (what && !*what)
					*what = "a user name or password in a URL";
				continue;
			}
		}
		/* "?KEY=VALUE" or "&KEY=VALUE", at the top or inside a URL's own query string */
		if ((*p == '?' || *p == '&') && p[1]) {
			const char *k = p + 1, *eq = k + strcspn(k, "=?&|#");
			if (*eq == '=' && secret_key(k, (size_t)(eq - k))) {
				strbuf_add(&sb, p, (size_t)(eq + 1 - p));
				strbuf_addstr(&sb, "***");
				p = eq + 1 + strcspn(eq + 1, "&|#");
				if (what && !*what)
					*what = "a key or token in a query string";
				continue;
			}
		}
		strbuf_addch(&sb, *p++);
	}
	return strbuf_detach(&sb, NULL);
}

int model_spec_parse(struct model_spec *out, const char *text)
{
	const char *colon = strchr(text, ':'), *q, *p, *what;
	char *shown = model_spec_redact(text, &what);

	memset(out, 0, sizeof(*out));
	/*
	 * A spec is stored (runs.model, the run's config) and printed (list,
	 * show, reports, progress): one holding a credential is refused, and
	 * every message below quotes it with the credential masked.
	 */
	if (what) {
		error("model spec '%s' holds credentials (%s); put the key in the environment instead "
		      "(OPENAI_API_KEY, AZURE_OPENAI_API_KEY)", shown, what);
		free(shown);
		return -1;
	}
	free(shown);
	/* for the same reason no control byte: an ESC sequence printed by list would drive the terminal */
	if ((p = find_control_byte(text, 0)))
		return error("model spec holds a control byte (0x%02x at offset %zu): specs are printed as they are",
			     (unsigned char)*p, (size_t)(p - text));
	if (!colon || colon == text)
		return error("model spec '%s' has no provider (write PROVIDER:NAME, e.g. builtin:itemknn)", text);
	q = strchr(colon + 1, '?');
	if ((q ? q : colon + 1 + strlen(colon + 1)) == colon + 1)
		return error("model spec '%s' has no model name after '%.*s:'", text,
			     (int)(colon - text), text);
	out->text = xstrdup(text);
	out->provider = xstrndup(text, (size_t)(colon - text));
	out->name = q ? xstrndup(colon + 1, (size_t)(q - colon - 1)) : xstrdup(colon + 1);
	for (p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		struct model_param *mp;

		if (!eq || eq == p) {
			error("model spec '%s': parameter '%.*s' is not key=value", text, (int)(end - p), p);
			model_spec_release(out);
			return -1;
		}
		out->params = xrealloc(out->params, (out->n_params + 1) * sizeof(*out->params));
		mp = &out->params[out->n_params++];
		mp->key = xstrndup(p, (size_t)(eq - p));
		mp->value = xstrndup(eq + 1, (size_t)(end - eq - 1));
		p = amp ? amp + 1 : NULL;
	}
	return 0;
}

void model_spec_release(struct model_spec *s)
{
	size_t i;

	free(s->text);
	free(s->provider);
	free(s->name);
	for (i = 0; i < s->n_params; i++) {
		free(s->params[i].key);
		free(s->params[i].value);
	}
	free(s->params);
	memset(s, 0, sizeof(*s));
}

const char *model_spec_get(const struct model_spec *s, const char *key)
{
	size_t i;

	for (i = s->n_params; i-- > 0;)
		if (!strcmp(s->params[i].key, key))
			return s->params[i].value;
	return NULL;
}

/* Edit distance of a and b (Levenshtein), stopping at 3: a typo is one or two edits away. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return 3;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(*prev));
	}
	return prev[lb];
}

/* The allowed key nearest to key, when it is one or two edits away ("neighbours" → "neighbors"); else NULL. */
static const char *closest(const char *key, const char *const *allowed)
{
	const char *best = NULL;
	size_t j, d, best_d = 3;

	for (j = 0; allowed[j]; j++)
		if ((d = distance(key, allowed[j])) < best_d) {
			best_d = d;
			best = allowed[j];
		}
	return best;
}

int model_spec_check_keys(const struct model_spec *s, const char *const *allowed)
{
	size_t i, j;

	for (i = 0; i < s->n_params; i++) {
		for (j = 0; allowed[j]; j++)
			if (!strcmp(s->params[i].key, allowed[j]))
				break;
		if (!allowed[j]) {
			const char *near = closest(s->params[i].key, allowed);
			if (near)
				return error("model '%s' has no parameter '%s' (did you mean '%s'?)", s->text,
					     s->params[i].key, near);
			{
				struct strbuf keys = STRBUF_INIT;
				size_t k;
				for (k = 0; allowed[k]; k++)
					strbuf_addf(&keys, "%s%s", k ? ", " : "", allowed[k]);
				error("model '%s' has no parameter '%s' (it takes: %s)", s->text, s->params[i].key,
				      k ? keys.buf : "none");
				strbuf_release(&keys);
				return -1;
			}
		}
	}
	return 0;
}

void llm_answer_release(struct llm_answer *a)
{
	free(a->content);
	free(a->embeddings);
	free(a->error);
	free(a->finish_reason);
	memset(a, 0, sizeof(*a));
}

const char *llm_status_name(enum llm_status s)
{
	switch (s) {
	case LLM_OK: return "ok";
	case LLM_ERROR: return "error";
	case LLM_REFUSED: return "refused";
	case LLM_FATAL: return "fatal";
	}
	return "?";
}
