/* format_movielens.c: the movielens dataset format: a folder in the ml-100k layout (u.data, u.item in Latin-1, u.genre). */
#include "eval/data/format.h"
#include "lib/utf8.h"

/* MovieLens 100K is Latin-1: every byte is the code point of the same value. */
static char *latin1_to_utf8(const char *s, size_t len)
{
	char *out = xmalloc(2 * len + 1), *p = out;
	size_t i;

	for (i = 0; i < len; i++)
		p += utf8_encode(p, (unsigned char)s[i]);
	*p = '\0';
	return out;
}

/* ------------------------------------------------------------------ */
/* movielens (the ml-100k layout)                                      */

/* Up to this many genres are named by u.genre (ml-100k has 19). */
#define MAX_GENRES 64

/* u.genre: "name|index" lines; names[index] = name (UTF-8). */
static int load_genres(const char *path, char **names, size_t *n)
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
		char *f[3];
		struct snip sn;
		long idx;

		if (data_is_blank(line, len))
			continue;
		if (data_split(line, '|', f, 3) != 2 || !*f[0]) {
			ret = error_at(path, it.no, "expected 'name|index', found '%s'",
				       data_snip(&sn, line, len));
			goto out;
		}
		if (parse_long(f[1], &idx) || idx < 0 || idx >= MAX_GENRES) {
			ret = error_at(path, it.no, "bad genre index '%s'",
				       data_snip(&sn, f[1], strlen(f[1])));
			goto out;
		}
		free(names[idx]);
		names[idx] = latin1_to_utf8(f[0], strlen(f[0]));
		if ((size_t)idx + 1 > *n)
			*n = (size_t)idx + 1;
	}
	ret = 0;
out:
	strbuf_release(&sb);
	return ret;
}

/* u.item: id|title|release date|video release date|IMDb URL|19 genre flags, in Latin-1. */
static int load_ml_items(struct loader *l, const char *path, char **genres, size_t n_genres)
{
	struct strbuf sb = STRBUF_INIT, cat = STRBUF_INIT;
	struct lines it;
	char *line;
	size_t len;
	int ret = -1;

	if (data_read_file(&sb, path))
		goto out;
	data_lines_init(&it, &sb);
	while (data_next_line(&it, &line, &len)) {
		char *f[5 + MAX_GENRES];
		size_t nf, g;
		struct snip sn;
		uint32_t dummy;

		if (data_is_blank(line, len))
			continue;
		nf = data_split(line, '|', f, ARRAY_SIZE(f));
		if (nf < 2) {
			ret = error_at(path, it.no, "expected 'id|title|...', found '%s'",
				       data_snip(&sn, line, len));
			goto out;
		}
		if (!*f[0]) {
			ret = error_at(path, it.no, "empty item id");
			goto out;
		}
		if (!strmap_get(&l->ds->item_index, f[0], strlen(f[0]), &dummy)) {
			ret = error_at(path, it.no, "item '%s' listed twice",
				       data_snip(&sn, f[0], strlen(f[0])));
			goto out;
		}
		if (data_check_text(path, it.no, "item id", f[0], strlen(f[0])) ||
		    data_check_text(path, it.no, "title", f[1], strlen(f[1])))
			goto out;
		strbuf_reset(&cat);
		for (g = 0; g < n_genres && 5 + g < nf && 5 + g < ARRAY_SIZE(f); g++) {
			if (strcmp(f[5 + g], "1") || !genres[g])
				continue;
			if (cat.len)
				strbuf_addch(&cat, '|');
			strbuf_addstr(&cat, genres[g]);
		}
		loader_new_item(l, f[0], strlen(f[0]),
			 *f[1] ? latin1_to_utf8(f[1], strlen(f[1])) : NULL,
			 cat.len ? xstrndup(cat.buf, cat.len) : NULL);
	}
	l->n_catalogue = l->ds->n_items;
	ret = 0;
out:
	strbuf_release(&cat);
	strbuf_release(&sb);
	return ret;
}

/* u.data: user TAB item TAB rating TAB timestamp. */
static int load_ml_data(struct loader *l, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct lines it;
	char *line;
	size_t len;
	int ret = -1;

	if (data_read_file(&sb, path))
		goto out;
	data_lines_init(&it, &sb);
	l->ds->has_timestamps = 1;
	while (data_next_line(&it, &line, &len)) {
		char *f[4];
		size_t nf;
		struct snip sn;
		double rating;
		int64_t ts;

		if (data_is_blank(line, len))
			continue;
		nf = data_split(line, '\t', f, 4);
		if (nf != 4) {
			ret = error_at(path, it.no, "expected 4 tab-separated fields (user item rating timestamp), found %zu",
				       nf);
			goto out;
		}
		if (!*f[0] || !*f[1]) {
			ret = error_at(path, it.no, "empty %s id", *f[0] ? "item" : "user");
			goto out;
		}
		if (data_check_text(path, it.no, "user id", f[0], strlen(f[0])) ||
		    data_check_text(path, it.no, "item id", f[1], strlen(f[1])))
			goto out;
		if (parse_double(f[2], &rating)) {
			ret = error_at(path, it.no, "non-numeric rating '%s'",
				       data_snip(&sn, f[2], strlen(f[2])));
			goto out;
		}
		if (data_parse_timestamp(f[3], &ts)) {
			ret = error_at(path, it.no, "non-numeric timestamp '%s'",
				       data_snip(&sn, f[3], strlen(f[3])));
			goto out;
		}
		loader_add_inter(l, loader_user(l, f[0], strlen(f[0])),
			  loader_item(l, f[1], strlen(f[1])), (float)rating, ts, 1);
	}
	ret = loader_finish(l, path);
out:
	strbuf_release(&sb);
	return ret;
}

static int load_movielens(struct loader *l)
{
	const char *dir = l->spec->path;
	char *genre_path = xstrfmt("%s/u.genre", dir);
	char *item_path = xstrfmt("%s/u.item", dir);
	char *data_path = xstrfmt("%s/u.data", dir);
	char *genres[MAX_GENRES] = { NULL };
	size_t n_genres = 0, i;
	int ret = -1;

	/* without u.genre the flags have no names: items get no categories */
	if (data_exists(genre_path) && load_genres(genre_path, genres, &n_genres))
		goto out;
	if (load_ml_items(l, item_path, genres, n_genres))
		goto out;
	ret = load_ml_data(l, data_path);
out:
	for (i = 0; i < MAX_GENRES; i++)
		free(genres[i]);
	free(genre_path);
	free(item_path);
	free(data_path);
	return ret;
}


const struct dataset_format format_movielens = { .name = "movielens", .load = load_movielens };
