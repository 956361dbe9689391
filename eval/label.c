/* label.c: how a model is named to people: its `label=`, or its spec shortened readably, with the endpoint it ran against. */
#include <cJSON.h>
#include "eval/label.h"
#include "adapters/adapter.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"

/* "HOST[:PORT]" of a URL (scheme, credentials and path left out); caller frees. */
static char *url_host(const char *url)
{
	const char *p = strstr(url, "://"), *end, *at;

	p = p ? p + 3 : url;
	end = p + strcspn(p, "/?#|");
	at = memchr(p, '@', (size_t)(end - p));
	if (at)
		p = at + 1;
	return xstrndup(p, (size_t)(end - p));
}

/* Whether endpoint is a vendor's default one, which a spec without base_url means. */
static int default_endpoint(const char *endpoint)
{
	return !strncmp(endpoint, "https://api.openai.com", 22);
}

char *spec_label(const char *spec_text, const char *endpoint)
{
	struct model_spec spec;
	struct strbuf sb = STRBUF_INIT;
	const char *label, *url;
	size_t i, left_out = 0;

	if (!spec_text)
		return xstrdup("?");
	if (!strchr(spec_text, '?') || model_spec_parse(&spec, spec_text) < 0) {
		strbuf_addstr(&sb, spec_text);
		if (endpoint && !default_endpoint(endpoint) && strncmp(spec_text, "exec:", 5) &&
		    strncmp(spec_text, "builtin:", 8)) {
			char *host = url_host(endpoint);
			strbuf_addf(&sb, "@%s", host);
			free(host);
		}
		return strbuf_detach(&sb, NULL);
	}
	if ((label = model_spec_get(&spec, "label")) && *label) {
		strbuf_addstr(&sb, label);
		goto out;
	}
	/* the spec without its label and prices is what tells models apart */
	for (i = 0; i < spec.n_params; i++)
		left_out += strcmp(spec.params[i].key, "base_url") && strcmp(spec.params[i].key, "endpoint");
	url = model_spec_get(&spec, "base_url");
	if (!url)
		url = model_spec_get(&spec, "endpoint");
	if (strlen(spec_text) <= LABEL_SHORT) {
		strbuf_addstr(&sb, spec_text);
		/* the spec does not say where it ran: the run does */
		if (!url && endpoint && !default_endpoint(endpoint)) {
			char *host = url_host(endpoint);
			strbuf_addf(&sb, "@%s", host);
			free(host);
		}
		goto out;
	}
	strbuf_addf(&sb, "%s:%s", spec.provider, spec.name);
	if (!url)
		url = endpoint && !default_endpoint(endpoint) ? endpoint : NULL;
	if (url) {
		char *host = url_host(url);
		strbuf_addf(&sb, "@%s", host);
		free(host);
	}
	if (left_out)
		strbuf_addstr(&sb, "?\xe2\x80\xa6");
out:
	model_spec_release(&spec);
	return strbuf_detach(&sb, NULL);
}

char *run_endpoint(const struct run_info *run)
{
	cJSON *c = run->config ? cJSON_Parse(run->config) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "endpoint");
	char *out = cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;

	cJSON_Delete(c);
	return out;
}

char *run_label(const struct run_info *run)
{
	char *endpoint = run_endpoint(run), *out = spec_label(run->model, endpoint);

	free(endpoint);
	return out;
}

/* Byte length of the next character at s (an invalid byte is one). */
static size_t char_len(const char *s)
{
	size_t n = utf8_len(s, strlen(s));

	return n ? n : 1;
}

size_t label_width(const char *s)
{
	size_t n = 0;

	while (*s) {
		s += char_len(s);
		n++;
	}
	return n;
}

char *label_fit(const char *s, size_t width)
{
	size_t n = label_width(s), head, tail, i;
	const char *p = s, *q;
	struct strbuf sb = STRBUF_INIT;

	if (n <= width || width < 3)
		return xstrdup(s);
	/* the head says which model, the tail which server or variant: keep both */
	head = (width - 1) / 2 + (width - 1) % 2;
	tail = width - 1 - head;
	for (i = 0; i < head; i++)
		p += char_len(p);
	strbuf_add(&sb, s, (size_t)(p - s));
	strbuf_addstr(&sb, "\xe2\x80\xa6");
	for (q = p, i = 0; i < n - head - tail; i++)
		q += char_len(q);
	strbuf_addstr(&sb, q);
	return strbuf_detach(&sb, NULL);
}
