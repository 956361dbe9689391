/* prompt.c: default prompts for retrieval and ranking, and a first reading of answers (numbers and exact titles). */
#include "prompt.h"

static const char system_text[] =
	"You are a recommender system. You answer with a list, one item per line, "
	"best first, and nothing else.";

void prompt_init(struct prompt *p)
{
	strbuf_init(&p->system, 0);
	strbuf_init(&p->user, 0);
}

void prompt_release(struct prompt *p)
{
	strbuf_release(&p->system);
	strbuf_release(&p->user);
}

static void add_history(struct strbuf *sb, const struct dataset *ds, const uint32_t *hist, size_t n)
{
	size_t i;

	strbuf_addstr(sb, "The user interacted with these items, oldest first:\n");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, "- ");
		strbuf_addstr(sb, item_label(ds, hist[i]));
		strbuf_addch(sb, '\n');
	}
}

void prompt_ranking(struct prompt *p, const struct dataset *ds, const uint32_t *hist, size_t n_hist,
		    const uint32_t *cand, size_t n_cand)
{
	size_t i;

	strbuf_reset(&p->system);
	strbuf_reset(&p->user);
	strbuf_addstr(&p->system, system_text);
	add_history(&p->user, ds, hist, n_hist);
	strbuf_addf(&p->user, "\nRank these %zu candidates from the most to the least likely to be the "
		    "user's next item. Answer with the candidate numbers, one per line.\n", n_cand);
	for (i = 0; i < n_cand; i++)
		strbuf_addf(&p->user, "%zu. %s\n", i + 1, item_label(ds, cand[i]));
}

void prompt_retrieval(struct prompt *p, const struct dataset *ds, const uint32_t *hist, size_t n_hist,
		      size_t k)
{
	strbuf_reset(&p->system);
	strbuf_reset(&p->user);
	strbuf_addstr(&p->system, system_text);
	add_history(&p->user, ds, hist, n_hist);
	strbuf_addf(&p->user, "\nRecommend %zu items the user has not interacted with yet, most likely "
		    "first. Answer with their exact titles, one per line.\n", k);
}

void prompt_json(struct strbuf *out, const struct prompt *p)
{
	strbuf_addstr(out, "{\"messages\":[{\"role\":\"system\",\"content\":");
	strbuf_add_json(out, p->system.buf);
	strbuf_addstr(out, "},{\"role\":\"user\",\"content\":");
	strbuf_add_json(out, p->user.buf);
	strbuf_addstr(out, "}]}");
}

/* ASCII case folding: enough for exact-title grounding; fuzzy matching does better. */
static char *fold(const char *s, size_t len)
{
	char *f = xstrndup(s, len);
	size_t i;

	for (i = 0; i < len; i++)
		f[i] = (char)tolower((unsigned char)f[i]);
	return f;
}

void title_index_build(struct title_index *ti, const struct dataset *ds)
{
	size_t i;

	memset(ti, 0, sizeof(*ti));
	ti->keys = xcalloc(ds->n_items ? ds->n_items : 1, sizeof(*ti->keys));
	for (i = 0; i < ds->n_items; i++) {
		const char *t = ds->items[i].title;
		char *k;
		if (!t)
			continue;
		k = fold(t, strlen(t));
		/* the first item of a title wins; a later namesake cannot be told apart by title */
		if (strmap_put(&ti->map, k, strlen(k), (uint32_t)i, NULL))
			ti->keys[ti->n++] = k;
		else
			free(k);
	}
}

void title_index_release(struct title_index *ti)
{
	size_t i;

	for (i = 0; i < ti->n; i++)
		free(ti->keys[i]);
	free(ti->keys);
	strmap_release(&ti->map);
	memset(ti, 0, sizeof(*ti));
}

/* The next line of *text, trimmed, as [*start, *start + *len); 0 at the end. */
static int next_line(const char **text, const char **start, size_t *len)
{
	const char *p = *text, *e;

	if (!*p)
		return 0;
	e = strchr(p, '\n');
	if (!e)
		e = p + strlen(p);
	*text = *e ? e + 1 : e;
	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*start = p;
	*len = (size_t)(e - p);
	return 1;
}

/* Strip "1. ", "1) ", "#1 ", "- ", "* " from the front of a line. */
static void strip_marker(const char **s, size_t *len)
{
	const char *p = *s, *e = *s + *len;

	if (p < e && (*p == '-' || *p == '*' || *p == '#'))
		p++;
	else {
		const char *d = p;
		while (d < e && isdigit((unsigned char)*d))
			d++;
		if (d > p && d < e && (*d == '.' || *d == ')'))
			p = d + 1;
	}
	while (p < e && isspace((unsigned char)*p))
		p++;
	*len = (size_t)(e - p);
	*s = p;
}

static int lookup_title(const struct title_index *ti, const char *s, size_t len, uint32_t *out)
{
	char *f = fold(s, len);
	int rc = strmap_get(&ti->map, f, len, out);

	free(f);
	return rc;
}

size_t answer_ranking(uint32_t *out, const char *text, const struct title_index *ti,
		      const uint32_t *cand, size_t n_cand)
{
	unsigned char *used = xcalloc(n_cand ? n_cand : 1, 1);
	const char *line;
	size_t len, n = 0, i, from_answer;

	while (text && next_line(&text, &line, &len) && n < n_cand) {
		const char *p = line;
		size_t l = len, idx = n_cand;
		uint32_t item;

		if (l && *p == '#') {
			p++;
			l--;
		}
		/*
		 * "3. Title" may be candidate 3 or a list numbered by rank: a title
		 * that names a candidate wins, and the number counts only alone
		 * or with text that names none.
		 */
		{
			const char *q = p;
			size_t ql = l;
			strip_marker(&q, &ql);
			if (ql && !lookup_title(ti, q, ql, &item))
				for (i = 0; i < n_cand; i++)
					if (cand[i] == item) {
						idx = i;
						break;
					}
		}
		if (idx == n_cand && l && isdigit((unsigned char)*p)) {
			size_t v = 0, d = 0;
			while (d < l && isdigit((unsigned char)p[d]) && v < 1000000)
				v = v * 10 + (size_t)(p[d++] - '0');
			if (v >= 1 && v <= n_cand && (d == l || p[d] == '.' || p[d] == ')' || p[d] == ':' ||
						      isspace((unsigned char)p[d])))
				idx = v - 1;
		}
		if (idx < n_cand && !used[idx]) {
			used[idx] = 1;
			out[n++] = cand[idx];
		}
	}
	from_answer = n;
	for (i = 0; i < n_cand; i++)
		if (!used[i])
			out[n++] = cand[i];
	free(used);
	return from_answer;
}

size_t answer_retrieval(uint32_t *out, size_t k, const char *text, const struct title_index *ti,
			size_t *lines)
{
	const char *line;
	size_t len, n = 0, i;

	*lines = 0;
	while (text && next_line(&text, &line, &len) && n < k) {
		uint32_t item;
		int dup = 0;

		if (!len)
			continue;
		(*lines)++;
		strip_marker(&line, &len);
		if (!len || lookup_title(ti, line, len, &item) < 0)
			continue;
		for (i = 0; i < n; i++)
			dup |= out[i] == item;
		if (!dup)
			out[n++] = item;
	}
	return n;
}
