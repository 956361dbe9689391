/* dataset.c: loads interactions and item catalogues (csv/tsv, movielens, reclm) into struct dataset. */
#include <cJSON.h>
#include "eval/data/dataset.h"
#include "lib/strbuf.h"

/* ------------------------------------------------------------------ */
/* Helpers shared by every format                                      */

/*
 * Length of the valid UTF-8 sequence at s (at most len bytes), or 0 when
 * none starts there: overlong forms, UTF-16 surrogates and code points
 * past U+10FFFF are invalid.
 */
static size_t utf8_seq(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t cp;
	size_t n, k;

	if (!len)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* Offset of the first byte of s that starts no valid UTF-8 sequence, or len. */
static size_t utf8_check(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len && (n = utf8_seq(s + i, len - i)))
		i += n;
	return i;
}

/*
 * A copy of s fit for quoting in a one-line message: at most SNIP_MAX
 * bytes, cut on a character boundary, control bytes and invalid UTF-8
 * shown as '?', and "..." when shortened.
 */
#define SNIP_MAX 40
struct snip {
	char buf[SNIP_MAX + 4];
};

static const char *snip(struct snip *sn, const char *s, size_t len)
{
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_seq(s + i, len - i);
		unsigned char ch = (unsigned char)s[i];

		if (!n || ch < 0x20 || ch == 0x7f) {
			if (o + 1 > SNIP_MAX)
				break;
			sn->buf[o++] = '?';
			i++;
			continue;
		}
		if (o + n > SNIP_MAX)
			break;
		memcpy(sn->buf + o, s + i, n);
		o += n;
		i += n;
	}
	if (i < len) {
		memcpy(sn->buf + o, "...", 3);
		o += 3;
	}
	sn->buf[o] = '\0';
	return sn->buf;
}

/* MovieLens 100K is Latin-1: every byte is the code point of the same value. */
static char *latin1_to_utf8(const char *s, size_t len)
{
	char *out = xmalloc(2 * len + 1), *p = out;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch < 0x80) {
			*p++ = (char)ch;
		} else {
			*p++ = (char)(0xc0 | ch >> 6);
			*p++ = (char)(0x80 | (ch & 0x3f));
		}
	}
	*p = '\0';
	return out;
}

static int read_file(struct strbuf *sb, const char *path)
{
	if (strbuf_read_file(sb, path, 0) < 0)
		return error_at(path, 0, "cannot read: %s", strerror(errno));
	return 0;
}

static size_t skip_bom(const struct strbuf *sb)
{
	return sb->len >= 3 && !memcmp(sb->buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

static int is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* Line iterator over a buffer we own: each line is NUL-terminated in place, its "\r\n" or "\n" cut. */
struct lines {
	char *buf;
	size_t len, pos;
	long no;   /* number of the line last returned, from 1 */
};

static void lines_init(struct lines *it, struct strbuf *sb)
{
	it->buf = sb->buf;
	it->len = sb->len;
	it->pos = skip_bom(sb);
	it->no = 0;
}

static int next_line(struct lines *it, char **line, size_t *len)
{
	char *s, *nl;
	size_t n;

	if (it->pos >= it->len)
		return 0;
	s = it->buf + it->pos;
	nl = memchr(s, '\n', it->len - it->pos);
	n = nl ? (size_t)(nl - s) : it->len - it->pos;
	it->pos += n + (nl != NULL);
	it->no++;
	if (n && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	*line = s;
	*len = n;
	return 1;
}

/*
 * Split s (NUL-terminated) in place at every sep: the fields become
 * NUL-terminated strings. Returns the number of fields, of which at most
 * max are stored in f.
 */
static size_t split(char *s, char sep, char **f, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *end = strchr(s, sep);
		if (n < max)
			f[n] = s;
		n++;
		if (!end)
			return n;
		*end = '\0';
		s = end + 1;
	}
}

/* ------------------------------------------------------------------ */
/* Building the dataset                                                */

struct loader {
	struct dataset *ds;
	const struct dataset_spec *spec;
	size_t alloc_users, alloc_items, alloc_inter;
	size_t n_catalogue;   /* items[0, n_catalogue) came from the catalogue */
};

static uint32_t intern_user(struct loader *l, const char *s, size_t len)
{
	struct dataset *ds = l->ds;
	uint32_t idx;
	char *id;

	if (!strmap_get(&ds->user_index, s, len, &idx))
		return idx;
	id = xstrndup(s, len);
	ALLOC_GROW(ds->user_ids, ds->n_users + 1, l->alloc_users);
	ds->user_ids[ds->n_users] = id;
	strmap_put(&ds->user_index, id, len, (uint32_t)ds->n_users, NULL);
	return (uint32_t)ds->n_users++;
}

/* Append item s (which must not be known yet); it owns title and categories from now on. */
static uint32_t new_item(struct loader *l, const char *s, size_t len,
			 char *title, char *categories)
{
	struct dataset *ds = l->ds;
	struct item *it;

	ALLOC_GROW(ds->items, ds->n_items + 1, l->alloc_items);
	it = &ds->items[ds->n_items];
	it->id = xstrndup(s, len);
	it->title = title;
	it->categories = categories;
	strmap_put(&ds->item_index, it->id, len, (uint32_t)ds->n_items, NULL);
	return (uint32_t)ds->n_items++;
}

static uint32_t intern_item(struct loader *l, const char *s, size_t len)
{
	uint32_t idx;

	if (!strmap_get(&l->ds->item_index, s, len, &idx))
		return idx;
	return new_item(l, s, len, NULL, NULL);
}

/* Record an interaction; seq is its position among the file's interactions. */
static void add_inter(struct loader *l, uint32_t user, uint32_t item,
		      float rating, int64_t ts, int has_ts)
{
	struct dataset *ds = l->ds;
	struct interaction *in;

	ALLOC_GROW(ds->inter, ds->n_inter + 1, l->alloc_inter);
	in = &ds->inter[ds->n_inter];
	in->user = user;
	in->item = item;
	in->seq = (uint32_t)ds->n_inter;
	in->rating = rating;
	in->ts = has_ts ? ts : (int64_t)ds->n_inter;
	ds->n_inter++;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int later(const struct interaction *a, const struct interaction *b)
{
	return a->ts != b->ts ? a->ts > b->ts : a->seq > b->seq;
}

/*
 * Drop every (user, item) occurrence but the last by (ts, seq): an open
 * addressing table keyed by the pair holds the index of the best so far.
 */
static void drop_repeats(struct dataset *ds, unsigned char *keep)
{
	size_t cap = 16, mask, i;
	uint32_t *slot;

	while (cap < ds->n_inter * 2)
		cap <<= 1;
	mask = cap - 1;
	slot = xcalloc(cap, sizeof(*slot));
	for (i = 0; i < ds->n_inter; i++) {
		const struct interaction *in = &ds->inter[i];
		uint64_t key = (uint64_t)in->user << 32 | in->item;
		size_t h = (size_t)mix64(key) & mask;

		for (;; h = (h + 1) & mask) {
			uint32_t j;

			if (!slot[h]) {
				slot[h] = (uint32_t)i + 1;
				break;
			}
			j = slot[h] - 1;
			if (ds->inter[j].user != in->user || ds->inter[j].item != in->item)
				continue;
			if (later(in, &ds->inter[j])) {
				keep[j] = 0;
				slot[h] = (uint32_t)i + 1;
			} else {
				keep[i] = 0;
			}
			ds->duplicates++;
			break;
		}
	}
	free(slot);
}

/*
 * Give users, and items outside the catalogue, indexes in order of first
 * appearance among the kept interactions, freeing ids no interaction uses
 * any more. Nothing moves when nothing was dropped.
 */
static void renumber(struct loader *l)
{
	struct dataset *ds = l->ds;
	uint32_t *umap = xmalloc((ds->n_users + 1) * sizeof(*umap));
	uint32_t *imap = xmalloc((ds->n_items + 1) * sizeof(*imap));
	size_t nu = 0, ni = l->n_catalogue, i;
	int same = 1;

	for (i = 0; i < ds->n_users; i++)
		umap[i] = UINT32_MAX;
	for (i = 0; i < ds->n_items; i++)
		imap[i] = i < l->n_catalogue ? (uint32_t)i : UINT32_MAX;
	for (i = 0; i < ds->n_inter; i++) {
		struct interaction *in = &ds->inter[i];
		if (umap[in->user] == UINT32_MAX)
			umap[in->user] = (uint32_t)nu++;
		if (imap[in->item] == UINT32_MAX)
			imap[in->item] = (uint32_t)ni++;
	}
	for (i = 0; i < ds->n_users && same; i++)
		same = umap[i] == i;
	for (i = 0; i < ds->n_items && same; i++)
		same = imap[i] == i;
	if (!same) {
		char **users = xmalloc((nu + 1) * sizeof(*users));
		struct item *items = xmalloc((ni + 1) * sizeof(*items));

		for (i = 0; i < ds->n_users; i++) {
			if (umap[i] == UINT32_MAX)
				free(ds->user_ids[i]);
			else
				users[umap[i]] = ds->user_ids[i];
		}
		for (i = 0; i < ds->n_items; i++) {
			if (imap[i] != UINT32_MAX) {
				items[imap[i]] = ds->items[i];
				continue;
			}
			free(ds->items[i].id);
			free(ds->items[i].title);
			free(ds->items[i].categories);
		}
		free(ds->user_ids);
		free(ds->items);
		ds->user_ids = users;
		ds->items = items;
		ds->n_users = l->alloc_users = nu;
		ds->n_items = l->alloc_items = ni;

		/* strmap has no delete: build both maps again */
		strmap_release(&ds->user_index);
		strmap_release(&ds->item_index);
		for (i = 0; i < nu; i++)
			strmap_put(&ds->user_index, users[i], strlen(users[i]), (uint32_t)i, NULL);
		for (i = 0; i < ni; i++)
			strmap_put(&ds->item_index, items[i].id, strlen(items[i].id), (uint32_t)i, NULL);
		for (i = 0; i < ds->n_inter; i++) {
			ds->inter[i].user = umap[ds->inter[i].user];
			ds->inter[i].item = imap[ds->inter[i].item];
		}
	}
	free(umap);
	free(imap);
}

/*
 * Once every interaction is read: drop repeats (the last occurrence is
 * the user's latest opinion, so min_rating is applied to it afterwards,
 * not to stale ones), then renumber. file names the interactions file.
 */
static int finish(struct loader *l, const char *file)
{
	struct dataset *ds = l->ds;
	const struct dataset_spec *spec = l->spec;
	unsigned char *keep;
	size_t i, n = 0;

	if (!ds->n_inter)
		return error_at(file, 0, "no interactions");
	keep = xmalloc(ds->n_inter);
	memset(keep, 1, ds->n_inter);
	drop_repeats(ds, keep);
	for (i = 0; i < ds->n_inter; i++) {
		if (!keep[i])
			continue;
		if (spec->has_min_rating && !(ds->inter[i].rating >= spec->min_rating)) {
			ds->filtered++;
			continue;
		}
		ds->inter[n++] = ds->inter[i];
	}
	ds->n_inter = n;
	free(keep);
	if (!n)
		return error_at(file, 0, "no interactions with rating >= %g", spec->min_rating);
	renumber(l);
	ds->untitled = ds->n_items - l->n_catalogue;
	return 0;
}

/* ------------------------------------------------------------------ */
/* csv and tsv                                                         */

struct field {
	char *s;      /* NUL-terminated in place, quotes removed */
	size_t len;
	long line;    /* where the field starts */
};

/* RFC 4180 records over a buffer we own; fields are unquoted in place. */
struct csv {
	char *buf;
	size_t len, pos;
	long line;      /* line at pos */
	long rec_line;  /* line where the last record started */
	char sep;
	const char *file;
	struct field *f;
	size_t nf, alloc;
};

static void csv_init(struct csv *c, struct strbuf *sb, char sep, const char *file)
{
	memset(c, 0, sizeof(*c));
	c->buf = sb->buf;
	c->len = sb->len;
	c->pos = skip_bom(sb);
	c->line = 1;
	c->sep = sep;
	c->file = file;
}

static int is_pad(const struct csv *c, char ch)
{
	return ch == ' ' || (ch == '\t' && c->sep != '\t');
}

/* Read one record into c->f: 1, 0 at the end of the buffer, or -1 on a malformed quote. */
static int csv_next(struct csv *c)
{
	char *b = c->buf;

	/* blank lines between records are skipped */
	for (;;) {
		size_t p = c->pos;
		while (p < c->len && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r'))
			p++;
		if (p >= c->len)
			return 0;
		if (b[p] != '\n')
			break;
		c->pos = p + 1;
		c->line++;
	}
	c->rec_line = c->line;
	c->nf = 0;
	for (;;) {
		struct field *f;
		size_t p = c->pos, start, end;
		long line = c->line;
		char t;

		while (p < c->len && is_pad(c, b[p]))
			p++;
		start = p;
		if (p < c->len && b[p] == '"') {
			size_t w = p;

			for (p++;; p++) {
				if (p >= c->len)
					return error_at(c->file, line, "unterminated quoted field");
				if (b[p] == '"') {
					if (b[p + 1] != '"')
						break;
					p++;
				} else if (b[p] == '\r' && b[p + 1] == '\n') {
					continue;  /* a CRLF inside quotes becomes "\n" */
				} else if (b[p] == '\n') {
					c->line++;
				}
				b[w++] = b[p];
			}
			end = w;
			p++;
			while (p < c->len && (is_pad(c, b[p]) || (b[p] == '\r' && b[p + 1] == '\n')))
				p++;
			if (p < c->len && b[p] != c->sep && b[p] != '\n') {
				struct snip sn;
				size_t n = 0;
				while (p + n < c->len && b[p + n] != '\n' && b[p + n] != c->sep)
					n++;
				return error_at(c->file, c->line, "unexpected text after a closing quote: '%s'",
						snip(&sn, b + p, n));
			}
		} else {
			while (p < c->len && b[p] != c->sep && b[p] != '\n')
				p++;
			end = p;
			if (end > start && b[end - 1] == '\r' && (p >= c->len || b[p] == '\n'))
				end--;
			while (end > start && is_pad(c, b[end - 1]))
				end--;
		}
		t = p < c->len ? b[p] : '\0';
		ALLOC_GROW(c->f, c->nf + 1, c->alloc);
		f = &c->f[c->nf++];
		f->s = b + start;
		f->len = end - start;
		f->line = line;
		b[end] = '\0';   /* end <= p: the terminator was read into t */
		c->pos = p < c->len ? p + 1 : c->len;
		if (t == '\n')
			c->line++;
		if (t != c->sep)
			return 1;
	}
}

struct column_name {
	const char *name;
	int col;
};

enum { COL_USER, COL_ITEM, COL_RATING, COL_TS, COL__INTER };
enum { COL_ID, COL_TITLE, COL_CATEGORIES, COL__ITEMS };

static const struct column_name inter_columns[] = {
	{ "user", COL_USER }, { "user_id", COL_USER }, { "userid", COL_USER },
	{ "item", COL_ITEM }, { "item_id", COL_ITEM }, { "itemid", COL_ITEM },
	{ "movieid", COL_ITEM },
	{ "rating", COL_RATING },
	{ "timestamp", COL_TS }, { "time", COL_TS },
};

static const struct column_name item_columns[] = {
	{ "item", COL_ID }, { "item_id", COL_ID }, { "itemid", COL_ID },
	{ "movieid", COL_ID },
	{ "title", COL_TITLE },
	{ "genres", COL_CATEGORIES }, { "categories", COL_CATEGORIES },
	{ "category", COL_CATEGORIES },
};

/* Read the header record and map each known column (case-insensitive) to its field; -1 when absent. */
static int read_header(struct csv *c, const struct column_name *names, size_t n_names,
		       int *col, size_t n_col)
{
	size_t i, k;
	int r = csv_next(c);

	if (r < 0)
		return -1;
	if (!r)
		return error_at(c->file, 0, "empty file: expected a header row");
	for (k = 0; k < n_col; k++)
		col[k] = -1;
	for (i = 0; i < c->nf; i++) {
		for (k = 0; k < n_names; k++) {
			int *slot = &col[names[k].col];
			if (strcasecmp(c->f[i].s, names[k].name))
				continue;
			if (*slot >= 0) {
				struct snip a, b;
				return error_at(c->file, c->rec_line, "columns '%s' and '%s' name the same thing",
						snip(&a, c->f[*slot].s, c->f[*slot].len),
						snip(&b, c->f[i].s, c->f[i].len));
			}
			*slot = (int)i;
			break;
		}
	}
	return 0;
}

static int check_fields(const struct csv *c, size_t want)
{
	if (c->nf != want)
		return error_at(c->file, c->rec_line, "expected %zu fields, found %zu", want, c->nf);
	return 0;
}

/* The id in column col, or NULL (with the error printed) when it is empty. */
static const struct field *get_id(const struct csv *c, int col, const char *what)
{
	const struct field *f = &c->f[col];

	if (!f->len) {
		error_at(c->file, f->line, "empty %s id", what);
		return NULL;
	}
	return f;
}

static int parse_timestamp(const char *s, int64_t *out)
{
	long v;
	double d;

	if (!parse_long(s, &v)) {
		*out = v;
		return 0;
	}
	/* some exports write timestamps as floats ("978300760.0") */
	if (!parse_double(s, &d) && fabs(d) < 9.2e18) {
		*out = (int64_t)d;
		return 0;
	}
	return -1;
}

static int load_csv_items(struct loader *l, const char *path, char sep)
{
	struct strbuf sb = STRBUF_INIT;
	struct csv c;
	int col[COL__ITEMS], r, ret = -1;
	size_t nhdr;

	memset(&c, 0, sizeof(c));
	if (read_file(&sb, path))
		goto out;
	csv_init(&c, &sb, sep, path);
	if (read_header(&c, item_columns, ARRAY_SIZE(item_columns), col, COL__ITEMS))
		goto out;
	if (col[COL_ID] < 0 || col[COL_TITLE] < 0) {
		ret = error_at(path, c.rec_line, "missing column '%s' in header",
			       col[COL_ID] < 0 ? "item" : "title");
		goto out;
	}
	nhdr = c.nf;
	while ((r = csv_next(&c)) > 0) {
		const struct field *id, *title, *cat = NULL;
		struct snip sn;
		size_t bad;
		uint32_t dummy;

		if (check_fields(&c, nhdr) || !(id = get_id(&c, col[COL_ID], "item")))
			goto out;
		if (!strmap_get(&l->ds->item_index, id->s, id->len, &dummy)) {
			ret = error_at(path, id->line, "item '%s' listed twice",
				       snip(&sn, id->s, id->len));
			goto out;
		}
		title = &c.f[col[COL_TITLE]];
		bad = utf8_check(title->s, title->len);
		if (bad < title->len) {
			ret = error_at(path, title->line, "invalid UTF-8 in title '%s'",
				       snip(&sn, title->s, title->len));
			goto out;
		}
		if (col[COL_CATEGORIES] >= 0 && c.f[col[COL_CATEGORIES]].len)
			cat = &c.f[col[COL_CATEGORIES]];
		new_item(l, id->s, id->len,
			 title->len ? xstrndup(title->s, title->len) : NULL,
			 cat ? xstrndup(cat->s, cat->len) : NULL);
	}
	if (r < 0)
		goto out;
	l->n_catalogue = l->ds->n_items;
	ret = 0;
out:
	free(c.f);
	strbuf_release(&sb);
	return ret;
}

static int load_csv(struct loader *l, char sep)
{
	const struct dataset_spec *spec = l->spec;
	const char *path = spec->path;
	struct strbuf sb = STRBUF_INIT;
	struct csv c;
	int col[COL__INTER], r, ret = -1;
	size_t nhdr;

	memset(&c, 0, sizeof(c));
	if (spec->items && load_csv_items(l, spec->items, sep))
		goto out;
	if (read_file(&sb, path))
		goto out;
	csv_init(&c, &sb, sep, path);
	if (read_header(&c, inter_columns, ARRAY_SIZE(inter_columns), col, COL__INTER))
		goto out;
	if (col[COL_USER] < 0 || col[COL_ITEM] < 0) {
		ret = error_at(path, c.rec_line, "missing column '%s' in header",
			       col[COL_USER] < 0 ? "user" : "item");
		goto out;
	}
	if (spec->has_min_rating && col[COL_RATING] < 0) {
		ret = error_at(path, c.rec_line, "min_rating given but there is no 'rating' column");
		goto out;
	}
	l->ds->has_timestamps = col[COL_TS] >= 0;
	nhdr = c.nf;
	while ((r = csv_next(&c)) > 0) {
		const struct field *user, *item;
		float rating = NAN;
		int64_t ts = 0;
		struct snip sn;

		if (check_fields(&c, nhdr) ||
		    !(user = get_id(&c, col[COL_USER], "user")) ||
		    !(item = get_id(&c, col[COL_ITEM], "item")))
			goto out;
		if (col[COL_RATING] >= 0) {
			const struct field *f = &c.f[col[COL_RATING]];
			double d;
			if (parse_double(f->s, &d)) {
				ret = error_at(path, f->line, "non-numeric rating '%s'",
					       snip(&sn, f->s, f->len));
				goto out;
			}
			rating = (float)d;
		}
		if (col[COL_TS] >= 0) {
			const struct field *f = &c.f[col[COL_TS]];
			if (parse_timestamp(f->s, &ts)) {
				ret = error_at(path, f->line, "non-numeric timestamp '%s'",
					       snip(&sn, f->s, f->len));
				goto out;
			}
		}
		add_inter(l, intern_user(l, user->s, user->len),
			  intern_item(l, item->s, item->len), rating, ts, col[COL_TS] >= 0);
	}
	if (r < 0)
		goto out;
	ret = finish(l, path);
out:
	free(c.f);
	strbuf_release(&sb);
	return ret;
}

/* ------------------------------------------------------------------ */
/* movielens (the ml-100k layout)                                      */

/* Up to this many genres are named by u.genre (ml-100k has 19). */
#define MAX_GENRES 64

static int exists(const char *path)
{
	return !access(path, F_OK);
}

/* u.genre: "name|index" lines; names[index] = name (UTF-8). */
static int load_genres(const char *path, char **names, size_t *n)
{
	struct strbuf sb = STRBUF_INIT;
	struct lines it;
	char *line;
	size_t len;
	int ret = -1;

	if (read_file(&sb, path))
		goto out;
	lines_init(&it, &sb);
	while (next_line(&it, &line, &len)) {
		char *f[3];
		struct snip sn;
		long idx;

		if (is_blank(line, len))
			continue;
		if (split(line, '|', f, 3) != 2 || !*f[0]) {
			ret = error_at(path, it.no, "expected 'name|index', found '%s'",
				       snip(&sn, line, len));
			goto out;
		}
		if (parse_long(f[1], &idx) || idx < 0 || idx >= MAX_GENRES) {
			ret = error_at(path, it.no, "bad genre index '%s'",
				       snip(&sn, f[1], strlen(f[1])));
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

	if (read_file(&sb, path))
		goto out;
	lines_init(&it, &sb);
	while (next_line(&it, &line, &len)) {
		char *f[5 + MAX_GENRES];
		size_t nf, g;
		struct snip sn;
		uint32_t dummy;

		if (is_blank(line, len))
			continue;
		nf = split(line, '|', f, ARRAY_SIZE(f));
		if (nf < 2) {
			ret = error_at(path, it.no, "expected 'id|title|...', found '%s'",
				       snip(&sn, line, len));
			goto out;
		}
		if (!*f[0]) {
			ret = error_at(path, it.no, "empty item id");
			goto out;
		}
		if (!strmap_get(&l->ds->item_index, f[0], strlen(f[0]), &dummy)) {
			ret = error_at(path, it.no, "item '%s' listed twice",
				       snip(&sn, f[0], strlen(f[0])));
			goto out;
		}
		strbuf_reset(&cat);
		for (g = 0; g < n_genres && 5 + g < nf && 5 + g < ARRAY_SIZE(f); g++) {
			if (strcmp(f[5 + g], "1") || !genres[g])
				continue;
			if (cat.len)
				strbuf_addch(&cat, '|');
			strbuf_addstr(&cat, genres[g]);
		}
		new_item(l, f[0], strlen(f[0]),
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

	if (read_file(&sb, path))
		goto out;
	lines_init(&it, &sb);
	l->ds->has_timestamps = 1;
	while (next_line(&it, &line, &len)) {
		char *f[4];
		size_t nf;
		struct snip sn;
		double rating;
		int64_t ts;

		if (is_blank(line, len))
			continue;
		nf = split(line, '\t', f, 4);
		if (nf != 4) {
			ret = error_at(path, it.no, "expected 4 tab-separated fields (user item rating timestamp), found %zu",
				       nf);
			goto out;
		}
		if (!*f[0] || !*f[1]) {
			ret = error_at(path, it.no, "empty %s id", *f[0] ? "item" : "user");
			goto out;
		}
		if (parse_double(f[2], &rating)) {
			ret = error_at(path, it.no, "non-numeric rating '%s'",
				       snip(&sn, f[2], strlen(f[2])));
			goto out;
		}
		if (parse_timestamp(f[3], &ts)) {
			ret = error_at(path, it.no, "non-numeric timestamp '%s'",
				       snip(&sn, f[3], strlen(f[3])));
			goto out;
		}
		add_inter(l, intern_user(l, f[0], strlen(f[0])),
			  intern_item(l, f[1], strlen(f[1])), (float)rating, ts, 1);
	}
	ret = finish(l, path);
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
	if (exists(genre_path) && load_genres(genre_path, genres, &n_genres))
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
	if (title && utf8_check(title, strlen(title)) < strlen(title)) {
		struct snip sn;
		return error_at(path, line, "invalid UTF-8 in title '%s'",
				snip(&sn, title, strlen(title)));
	}
	for (i = 0; i < ARRAY_SIZE(category_keys) && !cat.len; i++)
		add_category_strings(&cat, cJSON_GetObjectItemCaseSensitive(o, category_keys[i]), 0);
	if (cat.len && utf8_check(cat.buf, cat.len) < cat.len)
		strbuf_reset(&cat);  /* categories are a hint; a bad one is not worth failing for */
	id = xstrfmt("%zu", l->ds->n_items + 1);
	new_item(l, id, strlen(id), title && *title ? xstrdup(title) : NULL,
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

	if (read_file(&sb, path))
		goto out;
	start = skip_bom(&sb);
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
				       snip(&sn, at, strcspn(at, "\n")));
			goto out;
		}
		if (!is_blank(end, sb.len - (size_t)(end - sb.buf))) {
			struct snip sn;
			ret = error_at(path, line_of(sb.buf, end), "unexpected text after the JSON array: '%s'",
				       snip(&sn, end, strcspn(end, "\n")));
			goto out;
		}
		cJSON_ArrayForEach(e, root)
			if (add_meta_item(l, e, path, 0))
				goto out;
	} else {
		struct lines it;
		char *line;
		size_t len;

		lines_init(&it, &sb);
		while (next_line(&it, &line, &len)) {
			const char *end = NULL;
			cJSON *o;
			int r;

			if (is_blank(line, len))
				continue;
			o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
			if (!o || !is_blank(end, len - (size_t)(end - line))) {
				struct snip sn;
				const char *at = end ? end : line;
				cJSON_Delete(o);
				ret = error_at(path, it.no, "invalid JSON at column %ld: '%s'",
					       (long)(at - line) + 1, snip(&sn, line, len));
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

	if (read_file(&sb, path))
		goto out;
	lines_init(&it, &sb);
	while (next_line(&it, &line, &len)) {
		char *p = line, *user = next_token(&p), *item;
		uint32_t u;
		size_t n = 0;

		if (!user)
			continue;
		u = intern_user(l, user, strlen(user));
		while ((item = next_token(&p))) {
			add_inter(l, u, intern_item(l, item, strlen(item)), NAN, 0, 0);
			n++;
		}
		if (!n) {
			struct snip sn;
			ret = error_at(path, it.no, "user '%s' has no items",
				       snip(&sn, user, strlen(user)));
			goto out;
		}
	}
	ret = finish(l, path);
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

	if (read_file(&sb, path))
		goto out;
	ds->negatives = xcalloc(ds->n_users, sizeof(*ds->negatives));
	ds->n_negatives = xcalloc(ds->n_users, sizeof(*ds->n_negatives));
	lines_init(&it, &sb);
	while (next_line(&it, &line, &len)) {
		char *p = line, *user = next_token(&p), *item;
		struct snip sn;
		size_t n = 0;
		uint32_t u;

		if (!user)
			continue;
		if (strmap_get(&ds->user_index, user, strlen(user), &u)) {
			ret = error_at(path, it.no, "unknown user '%s'",
				       snip(&sn, user, strlen(user)));
			goto out;
		}
		if (ds->negatives[u]) {
			ret = error_at(path, it.no, "user '%s' listed twice",
				       snip(&sn, user, strlen(user)));
			goto out;
		}
		while ((item = next_token(&p))) {
			size_t before = ds->n_items;
			ALLOC_GROW(buf, n + 1, alloc);
			buf[n++] = intern_item(l, item, strlen(item));
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
	if (!exists(meta)) {
		char *jsonl = xstrfmt("%sl", meta);
		free(meta);
		meta = jsonl;
		if (!exists(meta)) {
			ret = error_at(dir, 0, "no metadata.json or metadata.jsonl");
			goto out;
		}
	}
	if (load_metadata(l, meta) || load_sequences(l, seq))
		goto out;
	ret = exists(neg) ? load_negatives(l, neg) : 0;
out:
	free(meta);
	free(seq);
	free(neg);
	return ret;
}

/* ------------------------------------------------------------------ */

int dataset_load(struct dataset *out, const struct dataset_spec *spec)
{
	struct loader l;
	const char *fmt = spec->format;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!fmt || !spec->path)
		return error("dataset needs a format and a path");
	memset(&l, 0, sizeof(l));
	l.ds = out;
	l.spec = spec;
	out->format = xstrdup(fmt);
	out->path = xstrdup(spec->path);
	if (!strcmp(fmt, "csv"))
		ret = load_csv(&l, ',');
	else if (!strcmp(fmt, "tsv"))
		ret = load_csv(&l, '\t');
	else if (!strcmp(fmt, "movielens"))
		ret = load_movielens(&l);
	else if (!strcmp(fmt, "reclm"))
		ret = load_reclm(&l);
	else
		ret = error("unknown dataset format '%s' (expected csv, tsv, movielens or reclm)", fmt);
	if (ret)
		dataset_release(out);
	return ret;
}

void dataset_release(struct dataset *ds)
{
	size_t i;

	for (i = 0; i < ds->n_users; i++)
		free(ds->user_ids[i]);
	free(ds->user_ids);
	for (i = 0; i < ds->n_items; i++) {
		free(ds->items[i].id);
		free(ds->items[i].title);
		free(ds->items[i].categories);
	}
	free(ds->items);
	free(ds->inter);
	strmap_release(&ds->user_index);
	strmap_release(&ds->item_index);
	if (ds->negatives)
		for (i = 0; i < ds->n_users; i++)
			free(ds->negatives[i]);
	free(ds->negatives);
	free(ds->n_negatives);
	free(ds->format);
	free(ds->path);
	memset(ds, 0, sizeof(*ds));
}

int dataset_category_index(const struct dataset *ds, uint32_t **off_out, uint32_t **cats_out,
			   size_t *n_categories)
{
	struct strmap names = STRMAP_INIT;
	uint32_t *off = xcalloc(ds->n_items + 1, sizeof(*off)), *cats = NULL;
	size_t i, n = 0, alloc = 0;

	for (i = 0; i < ds->n_items; i++) {
		const char *p = ds->items[i].categories;
		size_t first = n, a, b;

		while (p && *p) {
			const char *bar = strchr(p, '|'), *end = bar ? bar : p + strlen(p);
			uint32_t id = (uint32_t)names.n, got;
			if (end > p) {
				/* names point into the dataset, which outlives the map */
				if (!strmap_put(&names, p, (size_t)(end - p), id, &got))
					id = got;
				ALLOC_GROW(cats, n + 1, alloc);
				cats[n++] = id;
			}
			p = bar ? bar + 1 : end;
		}
		/* sort this item's ids (few: insertion sort) and drop repeats */
		for (a = first + 1; a < n; a++)
			for (b = a; b > first && cats[b - 1] > cats[b]; b--) {
				uint32_t t = cats[b];
				cats[b] = cats[b - 1];
				cats[b - 1] = t;
			}
		for (a = b = first; a < n; a++)
			if (a == first || cats[a] != cats[b - 1])
				cats[b++] = cats[a];
		n = b;
		off[i + 1] = (uint32_t)n;
	}
	*n_categories = names.n;
	strmap_release(&names);
	*off_out = off;
	*cats_out = cats ? cats : xcalloc(1, sizeof(*cats));
	return 0;
}
