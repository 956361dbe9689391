/* dataset.c: loads interactions and item catalogues into struct dataset: what every format shares, and the format table. */
#include "eval/data/format.h"
#include "lib/utf8.h"

/* ------------------------------------------------------------------ */
/* Helpers shared by every format                                      */


const char *data_snip(struct snip *sn, const char *s, size_t len)
{
	size_t i = 0, o = 0;

	while (i < len) {
		size_t n = utf8_len(s + i, len - i);
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

int data_read_file(struct strbuf *sb, const char *path)
{
	const char *nul;

	if (strbuf_read_file(sb, path, 0) < 0)
		return error_at(path, 0, "cannot read: %s", strerror(errno));
	/* a NUL would cut an id where it is stored and merge two users into one: refuse it here, once */
	nul = memchr(sb->buf, '\0', sb->len);
	if (nul)
		return error_at(path, text_line(sb->buf, nul), "NUL byte in a text file (is it binary or UTF-16?)");
	return 0;
}

int data_check_utf8(const char *path, const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	size_t bad = utf8_valid_prefix(text, len);

	if (nul)
		return error_at(path, text_line(text, nul), "NUL byte in a text file (is it binary or UTF-16?)");
	if (bad < len)
		return error_at(path, text_line(text, text + bad), "byte 0x%02x is not UTF-8 (is the file Latin-1?)",
				(unsigned char)text[bad]);
	return 0;
}

int data_check_text(const char *file, long line, const char *what, const char *s, size_t len)
{
	/* a title may span lines (a quoted csv field) or hold a tab; an id is one word of text */
	int title = !strcmp(what, "title");
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (title && (ch == '\t' || ch == '\n' || ch == '\r'))
			continue;
		if (ch < 0x20 || ch == 0x7f) {
			struct snip sn;
			return error_at(file, line, "control byte 0x%02x in %s '%s'", ch, what,
					data_snip(&sn, s, len));
		}
	}
	return 0;
}

size_t data_skip_bom(const struct strbuf *sb)
{
	return sb->len >= 3 && !memcmp(sb->buf, "\xef\xbb\xbf", 3) ? 3 : 0;
}

int data_is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

void data_lines_init(struct lines *it, struct strbuf *sb)
{
	it->buf = sb->buf;
	it->len = sb->len;
	it->pos = data_skip_bom(sb);
	it->no = 0;
}

int data_next_line(struct lines *it, char **line, size_t *len)
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

size_t data_split(char *s, char sep, char **f, size_t max)
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

int data_parse_timestamp(const char *s, int64_t *out)
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


int data_exists(const char *path)
{
	return !access(path, F_OK);
}


/* ------------------------------------------------------------------ */
/* Building the dataset                                                */

uint32_t loader_user(struct loader *l, const char *s, size_t len)
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

/* The value of s when it is a plain number below 2^24 written without leading zeros, else -1. */
static long plain_number(const char *s, size_t len)
{
	long v = 0;
	size_t i;

	if (!len || len > 7 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < (1L << 24) ? v : -1;
}

uint32_t loader_new_item(struct loader *l, const char *s, size_t len,
			 char *title, char *categories)
{
	struct dataset *ds = l->ds;
	struct item *it;
	long num = l->num_off ? -1 : plain_number(s, len);

	if (num >= 0) {
		if ((size_t)num >= l->num_cap) {
			size_t cap = l->num_cap ? l->num_cap : 1024;
			while (cap <= (size_t)num)
				cap *= 2;
			l->num_item = xrealloc(l->num_item, cap * sizeof(*l->num_item));
			memset(l->num_item + l->num_cap, 0, (cap - l->num_cap) * sizeof(*l->num_item));
			l->num_cap = cap;
		}
		l->num_item[num] = (uint32_t)ds->n_items + 1;
	}

	ALLOC_GROW(ds->items, ds->n_items + 1, l->alloc_items);
	it = &ds->items[ds->n_items];
	it->id = xstrndup(s, len);
	it->title = title;
	it->categories = categories;
	strmap_put(&ds->item_index, it->id, len, (uint32_t)ds->n_items, NULL);
	return (uint32_t)ds->n_items++;
}

uint32_t loader_item(struct loader *l, const char *s, size_t len)
{
	uint32_t idx;
	long num = l->num_off ? -1 : plain_number(s, len);

	/* numeric ids, the common case, without hashing */
	if (num >= 0)
		return (size_t)num < l->num_cap && l->num_item[num] ? l->num_item[num] - 1 :
			loader_new_item(l, s, len, NULL, NULL);
	if (!strmap_get(&l->ds->item_index, s, len, &idx))
		return idx;
	return loader_new_item(l, s, len, NULL, NULL);
}

void loader_add_inter(struct loader *l, uint32_t user, uint32_t item,
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

static int later(const struct interaction *a, const struct interaction *b)
{
	return a->ts != b->ts ? a->ts > b->ts : a->seq > b->seq;
}

/*
 * Drop every (user, item) occurrence but the last by (ts, seq): the
 * interactions bucketed by user (file order kept), then, user by user,
 * owner[item] / at[item] say whether and where this user met the item
 * before. Arrays over items stay in cache, where a table over pairs
 * would not.
 */
static void drop_repeats(struct dataset *ds, unsigned char *keep)
{
	size_t i, u, n = ds->n_inter;
	size_t *start = xcalloc(ds->n_users + 1, sizeof(*start));
	uint32_t *rows = xmalloc((n ? n : 1) * sizeof(*rows));
	uint32_t *owner = xmalloc((ds->n_items ? ds->n_items : 1) * sizeof(*owner));
	uint32_t *at = xmalloc((ds->n_items ? ds->n_items : 1) * sizeof(*at));

	for (i = 0; i < n; i++)
		start[ds->inter[i].user + 1]++;
	for (u = 0; u < ds->n_users; u++)
		start[u + 1] += start[u];
	for (i = 0; i < n; i++)
		rows[start[ds->inter[i].user]++] = (uint32_t)i;
	/* start[u] is now where user u's rows end */
	memset(owner, 0xff, (ds->n_items ? ds->n_items : 1) * sizeof(*owner));
	for (u = 0, i = 0; u < ds->n_users; u++)
		for (; i < start[u]; i++) {
			const struct interaction *in = &ds->inter[rows[i]];
			uint32_t it = in->item, j;

			if (owner[it] != u) {
				owner[it] = (uint32_t)u;
				at[it] = rows[i];
				continue;
			}
			j = at[it];
			if (later(in, &ds->inter[j])) {
				keep[j] = 0;
				at[it] = rows[i];
			} else {
				keep[rows[i]] = 0;
			}
			ds->duplicates++;
		}
	free(start);
	free(rows);
	free(owner);
	free(at);
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

int loader_finish(struct loader *l, const char *file)
{
	struct dataset *ds = l->ds;
	const struct dataset_spec *spec = l->spec;
	unsigned char *keep;
	size_t i, n = 0;

	/* indexes change below: the numeric map would go stale */
	free(l->num_item);
	l->num_item = NULL;
	l->num_cap = 0;
	l->num_off = 1;
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
/* Loading                                                             */

/* The formats, one line each (format.h says what an entry provides). */
static const struct dataset_format *const formats[] = {
	&format_csv,
	&format_tsv,
	&format_movielens,
	&format_reclm,
};

int dataset_load(struct dataset *out, const struct dataset_spec *spec)
{
	struct loader l;
	const char *fmt = spec->format;
	size_t i;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!fmt || !spec->path)
		return error("dataset needs a format and a path");
	memset(&l, 0, sizeof(l));
	l.ds = out;
	l.spec = spec;
	out->format = xstrdup(fmt);
	out->path = xstrdup(spec->path);
	for (i = 0; i < ARRAY_SIZE(formats) && strcmp(fmt, formats[i]->name); i++)
		;
	if (i < ARRAY_SIZE(formats)) {
		ret = formats[i]->load(&l);
	} else {
		/* "csv, tsv, movielens or reclm", from the table */
		struct strbuf names = STRBUF_INIT;
		for (i = 0; i < ARRAY_SIZE(formats); i++)
			strbuf_addf(&names, "%s%s", i ? (i + 1 < ARRAY_SIZE(formats) ? ", " : " or ") : "",
				    formats[i]->name);
		ret = error("unknown dataset format '%s' (expected %s)", fmt, names.buf);
		strbuf_release(&names);
	}
	free(l.num_item);
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
