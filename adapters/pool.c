/* pool.c: the servers of one model: a base URL or a pool of replicas (URL1|URL2|...), checked and named once. */
#include <strings.h>
#include "adapters/pool.h"
#include "lib/strbuf.h"

/* A base URL or endpoint: http(s), no credentials in it, no final '/'. */
static int check_url(const struct model_spec *spec, const char *what, const char *url, char **out)
{
	const char *auth, *end;
	size_t len = strlen(url);

	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return error("model '%s': %s '%s' is not an http:// or https:// URL", spec->text, what, url);
	auth = strstr(url, "://") + 3;
	end = auth + strcspn(auth, "/?#");
	if (memchr(auth, '@', (size_t)(end - auth)))
		return error("model '%s': the %s holds credentials; put the key in the environment instead",
			     spec->text, what);
	if (end == auth)
		return error("model '%s': %s '%s' has no host", spec->text, what, url);
	while (len && url[len - 1] == '/')
		len--;
	*out = xstrndup(url, len);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int pool_parse(struct pool *out, const struct model_spec *spec, const char *what, const char *value)
{
	const char *p = value, *bar;
	char **sorted;
	struct strbuf sb = STRBUF_INIT;
	size_t i, alloc = 0;

	memset(out, 0, sizeof(*out));
	do {
		char *one, *url = NULL;
		bar = strchr(p, '|');
		one = bar ? xstrndup(p, (size_t)(bar - p)) : xstrdup(p);
		if (!*one) {
			free(one);
			pool_release(out);
			return error("model '%s': %s '%s' has an empty URL (write URL1|URL2|...)", spec->text, what, value);
		}
		if (check_url(spec, what, one, &url) < 0) {
			free(one);
			pool_release(out);
			return -1;
		}
		free(one);
		for (i = 0; i < out->n; i++)
			if (!strcmp(out->urls[i], url)) {
				error("model '%s': %s names '%s' twice", spec->text, what, url);
				free(url);
				pool_release(out);
				return -1;
			}
		ALLOC_GROW(out->urls, out->n + 1, alloc);
		out->urls[out->n++] = url;
		p = bar + 1;
	} while (bar);
	sorted = xmalloc(out->n * sizeof(*sorted));
	memcpy(sorted, out->urls, out->n * sizeof(*sorted));
	qsort(sorted, out->n, sizeof(*sorted), cmp_str);
	for (i = 0; i < out->n; i++)
		strbuf_addf(&sb, "%s%s", i ? "|" : "", sorted[i]);
	free(sorted);
	out->identity = strbuf_detach(&sb, NULL);
	return 0;
}

void pool_release(struct pool *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->urls[i]);
	free(p->urls);
	free(p->identity);
	memset(p, 0, sizeof(*p));
}
