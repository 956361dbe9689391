/* format_reclm.c: the reclm dataset format: RecLM-eval's sequential_data.txt, negative_samples.txt and metadata.json(l). */
#include <cJSON.h>
#include "eval/data/format.h"
#include "lib/utf8.h"

/* ------------------------------------------------------------------ */
/* reclm                                                               */

/*
 * Microsoft RecLM-eval's data folder (github.com/microsoft/RecAI,
 * RecLM-eval/preprocess/data-preparation.md, preprocess/generate_data.py,
 * evaluates/evaluate.py and utils.py):
 *
 * - metadata.json is JSON Lines despite its name: one object per line,
 *   read with json.loads line by line. evaluate.py falls back to
 *   metadata.jsonl when metadata.json is absent; so do we. An item's id
 *   is its 1-based line number (the code builds ['padding'] + one entry
 *   per line and indexes it with the ids of sequential_data.txt); an "id"
 *   field, when present, is the source's raw id (a Steam app id) and is
 *   not what the other files use. The title is the first string among
 *   "TitleName", "app_name", "GameName" and "title" (evaluate.py's
 *   order). We also take "genres" or "categories" (strings, or arrays of
 *   strings as in Amazon's metadata) as categories, and accept a single
 *   JSON array of such objects as well.
 * - sequential_data.txt: "user item item ...", space-separated, in time
 *   order; the last item is the one RecLM-eval holds out. No ratings and
 *   no timestamps: ts is the position in the file.
 * - negative_samples.txt: "user neg neg ...", one line per user (the
 *   code pairs line user-1 with user, and asserts the ids match); we look
 *   users up by id instead, so order does not matter. Optional here:
 *   only RecLM-eval's ranking tasks need it.
 */

static const char *const title_keys[] = { "TitleName", "app_name", "GameName", "title" };
static const char *const category_keys[] = { "genres", "categories" };

static void add_category_strings(struct strbuf *sb, const cJSON *v, int depth)
{
	const cJSON *e;

	if (cJSON_IsString(v) && *v->valuestring) {
		if (sb->len)
			strbuf_addch(sb, '|');
		strbuf_addstr(sb, v->valuestring);
	} else if (cJSON_IsArray(v) && depth < 2) {
		cJSON_ArrayForEach(e, v)
			add_category_strings(sb, e, depth + 1);
	}
}

/* Add the item described by object o as the next catalogue entry. */
static int add_meta_item(struct loader *l, const cJSON *o, const char *path, long line)
{
	struct strbuf cat = STRBUF_INIT;
	const char *title = NULL;
	char *id;
	size_t i;

	if (!cJSON_IsObject(o))
		return error_at(path, line, "expected a JSON object for item %zu", l->ds->n_items + 1);
	for (i = 0; i < ARRAY_SIZE(title_keys) && !title; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, title_keys[i]);
		if (cJSON_IsString(v))
			title = v->valuestring;
	}
	if (title && utf8_valid_prefix(title, strlen(title)) < strlen(title)) {
		struct snip sn;
		return error_at(path, line, "invalid UTF-8 in title '%s'",
				data_snip(&sn, title, strlen(title)));
	}
	if (title && data_check_text(path, line, "title", title, strlen(title)))
		return -1;
	for (i = 0; i < ARRAY_SIZE(category_keys) && !cat.len; i++)
		add_category_strings(&cat, cJSON_GetObjectItemCaseSensitive(o, category_keys[i]), 0);
	if (cat.len && utf8_valid_prefix(cat.buf, cat.len) < cat.len)
		strbuf_reset(&cat);  /* categories are a hint; a bad one is not worth failing for */
	id = xstrfmt("%zu", l->ds->n_items + 1);
	loader_new_item(l, id, strlen(id), title && *title ? xstrdup(title) : NULL,
		 cat.len ? strbuf_detach(&cat, NULL) : NULL);
	free(id);
	strbuf_release(&cat);
	return 0;
}

static long line_of(const char *buf, const char *at)
{
	long line = 1;

	for (; buf < at; buf++)
		line += *buf == '\n';
	return line;
}

static int load_metadata(struct loader *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	cJSON *root = NULL;
	size_t start;
	int ret = -1;

	if (data_read_file(&sb, path))
		goto out;
	start = data_skip_bom(&sb);
	while (start < sb.len && isspace((unsigned char)sb.buf[start]))
		start++;
	if (start < sb.len && sb.buf[start] == '[') {
		const char *end = NULL;
		const cJSON *e;

		root = cJSON_ParseWithLengthOpts(sb.buf + start, sb.len - start, &end, 0);
		if (!root) {
			struct snip sn;
			const char *at = end ? end : sb.buf + start;
			ret = error_at(path, line_of(sb.buf, at), "invalid JSON near '%s'",
				       data_snip(&sn, at, strcspn(at, "\n")));
			goto out;
		}
		if (!data_is_blank(end, sb.len - (size_t)(end - sb.buf))) {
			struct snip sn;
			ret = error_at(path, line_of(sb.buf, end), "unexpected text after the JSON array: '%s'",
				       data_snip(&sn, end, strcspn(end, "\n")));
			goto out;
		}
		cJSON_ArrayForEach(e, root)
			if (add_meta_item(l, e, path, 0))
				goto out;
	} else {
		struct lines it;
		char *line;
		size_t len;

		data_lines_init(&it, &sb);
		while (data_next_line(&it, &line, &len)) {
			const char *end = NULL;
			cJSON *o;
			int r;

			if (data_is_blank(line, len))
				continue;
			o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
			if (!o || !data_is_blank(end, len - (size_t)(end - line))) {
				struct snip sn;
				const char *at = end ? end : line;
				cJSON_Delete(o);
				ret = error_at(path, it.no, "invalid JSON at column %ld: '%s'",
					       (long)(at - line) + 1, data_snip(&sn, line, len));
				goto out;
			}
			r = add_meta_item(l, o, path, it.no);
			cJSON_Delete(o);
			if (r)
				goto out;
		}
	}
	l->n_catalogue = l->ds->n_items;
	ret = 0;
out:
	cJSON_Delete(root);
	strbuf_release(&sb);
	return ret;
}

/* Split a line at runs of spaces and tabs; tokens are NUL-terminated in place. */
static char *next_token(char **s)
{
	char *p = *s, *t;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return NULL;
	t = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return t;
}

static int load_sequences(struct loader *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct lines it;
	char *line;
	size_t len;
	int ret = -1;

	if (data_read_file(&sb, path))
		goto out;
	data_lines_init(&it, &sb);
	while (data_next_line(&it, &line, &len)) {
		char *p = line, *user = next_token(&p), *item;
		uint32_t u;
		size_t n = 0;

		if (!user)
			continue;
		if (data_check_text(path, it.no, "user id", user, strlen(user)))
			goto out;
		u = loader_user(l, user, strlen(user));
		while ((item = next_token(&p))) {
			if (data_check_text(path, it.no, "item id", item, strlen(item)))
				goto out;
			loader_add_inter(l, u, loader_item(l, item, strlen(item)), NAN, 0, 0);
			n++;
		}
		if (!n) {
			struct snip sn;
			ret = error_at(path, it.no, "user '%s' has no items",
				       data_snip(&sn, user, strlen(user)));
			goto out;
		}
	}
	ret = loader_finish(l, path);
out:
	strbuf_release(&sb);
	return ret;
}

static int load_negatives(struct loader *l, const char *path)
{
	struct dataset *ds = l->ds;
	struct strbuf sb = STRBUF_INIT;
	uint32_t *buf = NULL;
	size_t alloc = 0;
	struct lines it;
	char *line;
	size_t len;
	int ret = -1;

	if (data_read_file(&sb, path))
		goto out;
	ds->negatives = xcalloc(ds->n_users, sizeof(*ds->negatives));
	ds->n_negatives = xcalloc(ds->n_users, sizeof(*ds->n_negatives));
	data_lines_init(&it, &sb);
	while (data_next_line(&it, &line, &len)) {
		char *p = line, *user = next_token(&p), *item;
		struct snip sn;
		size_t n = 0;
		uint32_t u;

		if (!user)
			continue;
		if (strmap_get(&ds->user_index, user, strlen(user), &u)) {
			ret = error_at(path, it.no, "unknown user '%s'",
				       data_snip(&sn, user, strlen(user)));
			goto out;
		}
		if (ds->negatives[u]) {
			ret = error_at(path, it.no, "user '%s' listed twice",
				       data_snip(&sn, user, strlen(user)));
			goto out;
		}
		while ((item = next_token(&p))) {
			size_t before = ds->n_items;
			ALLOC_GROW(buf, n + 1, alloc);
			buf[n++] = loader_item(l, item, strlen(item));
			/* a negative outside the catalogue is still an item a ranking can offer */
			ds->untitled += ds->n_items - before;
		}
		/* never NULL once listed, even empty: that is how a repeat is caught */
		ds->negatives[u] = xmalloc((n + 1) * sizeof(**ds->negatives));
		if (n)
			memcpy(ds->negatives[u], buf, n * sizeof(*buf));
		ds->n_negatives[u] = n;
	}
	ret = 0;
out:
	free(buf);
	strbuf_release(&sb);
	return ret;
}

static int load_reclm(struct loader *l)
{
	const char *dir = l->spec->path;
	char *meta = xstrfmt("%s/metadata.json", dir);
	char *seq = xstrfmt("%s/sequential_data.txt", dir);
	char *neg = xstrfmt("%s/negative_samples.txt", dir);
	int ret = -1;

	if (l->spec->has_min_rating) {
		ret = error_at(seq, 0, "min_rating given but reclm data has no ratings");
		goto out;
	}
	if (!data_exists(meta)) {
		char *jsonl = xstrfmt("%sl", meta);
		free(meta);
		meta = jsonl;
		if (!data_exists(meta)) {
			ret = error_at(dir, 0, "no metadata.json or metadata.jsonl");
			goto out;
		}
	}
	if (load_metadata(l, meta) || load_sequences(l, seq))
		goto out;
	ret = data_exists(neg) ? load_negatives(l, neg) : 0;
out:
	free(meta);
	free(seq);
	free(neg);
	return ret;
}


const struct dataset_format format_reclm = { .name = "reclm", .load = load_reclm };
