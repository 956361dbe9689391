/* format_csv.c: the csv and tsv dataset formats: an interactions file with a header, and an optional items file. */
#include "eval/data/format.h"
#include "lib/utf8.h"
#include <fcntl.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ */
/* csv and tsv                                                         */

struct field {
	char *s;      /* NUL-terminated in place, quotes removed */
	size_t len;
	long line;    /* where the field starts */
};

/*
 * RFC 4180 records, read from the file a window at a time (a large file
 * is never held whole); fields are unquoted in place in the window.
 */
struct csv {
	char *buf;
	size_t len, pos;
	long line;      /* line at pos */
	long rec_line;  /* line where the last record started */
	char sep;
	const char *file;
	struct field *f;
	size_t nf, alloc;
	/* the window: buf[0..len) of cap bytes holds the file from offset base on */
	int fd, eof;
	size_t cap;
};

#define CSV_WINDOW ((size_t)8 << 20)

/* Read more of the file after buf[0..len): 0, or -1 after a message. */
static int csv_read(struct csv *c)
{
	size_t from = c->len;
	const char *nul;

	while (!c->eof && c->len < c->cap) {
		ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return error_at(c->file, 0, "cannot read: %s", strerror(errno));
		if (!got)
			c->eof = 1;
		c->len += (size_t)got;
	}
	c->buf[c->len] = '\0';
	/* a NUL would cut an id where it is stored and merge two users into one (data_read_file() says why) */
	nul = memchr(c->buf + from, '\0', c->len - from);
	if (nul) {
		long line = c->line;
		const char *p;
		for (p = c->buf + c->pos; p < nul; p++)
			line += *p == '\n';
		return error_at(c->file, line, "NUL byte in a text file (is it binary or UTF-16?)");
	}
	return 0;
}

static int csv_open(struct csv *c, const char *path, char sep)
{
	struct stat st;

	memset(c, 0, sizeof(*c));
	c->fd = open(path, O_RDONLY);
	if (c->fd < 0)
		return error_at(path, 0, "cannot read: %s", strerror(errno));
	/*
	 * a small file gets a window its size: 8 MB allocated and freed for
	 * a file of a few lines is most of the time it takes to load
	 */
	c->cap = CSV_WINDOW;
	if (!fstat(c->fd, &st) && S_ISREG(st.st_mode) && (uint64_t)st.st_size + 4096 < CSV_WINDOW)
		c->cap = (size_t)st.st_size + 4096;
	c->buf = xmalloc(c->cap + 1);
	c->line = 1;
	c->sep = sep;
	c->file = path;
	if (csv_read(c) < 0)
		return -1;
	if (c->len >= 3 && !memcmp(c->buf, "\xef\xbb\xbf", 3))
		c->pos = 3;
	return 0;
}

static void csv_close(struct csv *c)
{
	if (c->fd > 0)
		close(c->fd);
	free(c->buf);
	free(c->f);
	memset(c, 0, sizeof(*c));
}

/*
 * Make sure the window holds the next record whole (blank lines before it
 * skipped over): a newline outside quotes after it, or the end of the
 * file. Moves what is left to the front and reads on, growing the window
 * for a record longer than it. 0, or -1 after a message.
 */
static int csv_ensure(struct csv *c)
{
	for (;;) {
		const char *b = c->buf, *end = b + c->len, *p = b + c->pos;
		size_t quotes = 0;

		if (c->eof)
			return 0;
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
			p++;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p)), *q = p;
			if (!nl)
				break;
			/* a newline ends the record when the quotes before it pair up */
			while ((q = memchr(q, '"', (size_t)(nl - q))))
				quotes++, q++;
			if (!(quotes & 1))
				return 0;
			p = nl + 1;
		}
		if (c->pos) {
			memmove(c->buf, c->buf + c->pos, c->len - c->pos);
			c->len -= c->pos;
			c->pos = 0;
		}
		if (c->len == c->cap) {
			c->cap *= 2;
			c->buf = xrealloc(c->buf, c->cap + 1);
		}
		if (csv_read(c) < 0)
			return -1;
	}
}

static int is_pad(const struct csv *c, char ch)
{
	return ch == ' ' || (ch == '\t' && c->sep != '\t');
}

/* Read one record into c->f: 1, 0 at the end of the file, or -1 on a malformed quote or a read error. */
static int csv_next(struct csv *c)
{
	char *b;

	if (csv_ensure(c) < 0)
		return -1;
	b = c->buf;

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
						data_snip(&sn, b + p, n));
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
						data_snip(&a, c->f[*slot].s, c->f[*slot].len),
						data_snip(&b, c->f[i].s, c->f[i].len));
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
	if (data_check_text(c->file, f->line, what[0] == 'u' ? "user id" : "item id", f->s, f->len))
		return NULL;
	return f;
}

static int load_csv_items(struct loader *l, const char *path, char sep)
{
	struct csv c;
	int col[COL__ITEMS], r, ret = -1;
	size_t nhdr;

	if (csv_open(&c, path, sep) < 0)
		goto out;
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
				       data_snip(&sn, id->s, id->len));
			goto out;
		}
		title = &c.f[col[COL_TITLE]];
		bad = utf8_valid_prefix(title->s, title->len);
		if (bad < title->len) {
			ret = error_at(path, title->line, "invalid UTF-8 in title '%s'",
				       data_snip(&sn, title->s, title->len));
			goto out;
		}
		if (data_check_text(path, title->line, "title", title->s, title->len))
			goto out;
		if (col[COL_CATEGORIES] >= 0 && c.f[col[COL_CATEGORIES]].len)
			cat = &c.f[col[COL_CATEGORIES]];
		loader_new_item(l, id->s, id->len,
			 title->len ? xstrndup(title->s, title->len) : NULL,
			 cat ? xstrndup(cat->s, cat->len) : NULL);
	}
	if (r < 0)
		goto out;
	l->n_catalogue = l->ds->n_items;
	ret = 0;
out:
	csv_close(&c);
	return ret;
}

/*
 * The plain decimals most files hold ("3.5", "978300760"), without
 * strtod(): m / 10^k with m and 10^k exact doubles is correctly rounded,
 * so the value is strtod()'s. 0, or -1 for anything else (then the
 * general parsers decide).
 */
static int fast_decimal(const char *s, size_t len, double *out, int integer)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15 };
	size_t i = 0, digits = 0, frac = 0;
	uint64_t m = 0;
	int neg = 0, dot = 0;

	if (len && s[0] == '-')
		neg = 1, i = 1;
	for (; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			m = m * 10 + (uint64_t)(s[i] - '0');
			digits++;
			frac += dot;
		} else if (s[i] == '.' && !dot && !integer) {
			dot = 1;
		} else {
			return -1;
		}
	}
	if (!digits || digits > 15 || (dot && !frac))
		return -1;
	*out = (neg ? -(double)m : (double)m) / pow10[frac];
	return 0;
}

static int load_csv(struct loader *l, char sep)
{
	const struct dataset_spec *spec = l->spec;
	const char *path = spec->path;
	struct csv c;
	int col[COL__INTER], r, ret = -1;
	size_t nhdr;
	/* files group a user's rows: the last user's id spares a lookup */
	char *last_user = NULL;
	size_t last_len = 0, last_alloc = 0;
	uint32_t last_idx = 0;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	if (spec->items && load_csv_items(l, spec->items, sep))
		goto out;
	if (csv_open(&c, path, sep) < 0)
		goto out;
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
			if (fast_decimal(f->s, f->len, &d, 0) && parse_double(f->s, &d)) {
				ret = error_at(path, f->line, "non-numeric rating '%s'",
					       data_snip(&sn, f->s, f->len));
				goto out;
			}
			rating = (float)d;
		}
		if (col[COL_TS] >= 0) {
			const struct field *f = &c.f[col[COL_TS]];
			double d;
			if (!fast_decimal(f->s, f->len, &d, 1))
				ts = (int64_t)d;
			else if (data_parse_timestamp(f->s, &ts)) {
				ret = error_at(path, f->line, "non-numeric timestamp '%s'",
					       data_snip(&sn, f->s, f->len));
				goto out;
			}
		}
		if (!last_user || user->len != last_len || memcmp(user->s, last_user, last_len)) {
			last_idx = loader_user(l, user->s, user->len);
			ALLOC_GROW(last_user, user->len + 1, last_alloc);
			memcpy(last_user, user->s, user->len);
			last_len = user->len;
		}
		loader_add_inter(l, last_idx, loader_item(l, item->s, item->len), rating, ts, col[COL_TS] >= 0);
	}
	if (r < 0)
		goto out;
	/* the window goes before the repeats are dropped: they never need both */
	csv_close(&c);
	ret = loader_finish(l, path);
out:
	csv_close(&c);
	free(last_user);
	return ret;
}


static int load_comma(struct loader *l)
{
	return load_csv(l, ',');
}

static int load_tab(struct loader *l)
{
	return load_csv(l, '\t');
}

const struct dataset_format format_csv = { .name = "csv", .load = load_comma };
const struct dataset_format format_tsv = { .name = "tsv", .load = load_tab };
