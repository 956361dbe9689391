/* cmd_trec.c: `receval trec`, a drop-in for NIST trec_eval 10.0 on the measures of metrics/trec.h: same inputs, ranks, averages and output bytes. */
#include "lib/util.h"
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "metrics/trec.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>

/*
 * How it goes, and why it is fast (2,000,000 run lines in a fraction of a
 * second where trec_eval takes seconds, in less memory):
 *
 *  1. Files are mapped (or read whole, for stdin); fields are never copied
 *     nor allocated one by one. A docno becomes a 64-bit key (see doc_key()):
 *     docnos of up to 8 bytes are packed into it, so that equality and
 *     strcmp order are integer comparisons; a longer one keeps a hash and
 *     its offset, and is read again from the file when compared.
 *  2. The qrels are parsed on one thread and grouped by query; each query's
 *     judgement levels are counted.
 *  3. The run is cut into one chunk per thread at line boundaries. Pass 1
 *     parses every line into a compact (score, key) array per chunk and
 *     counts the lines of every query, handing the file's pages back as it
 *     goes; pass 2 moves the documents to one array grouped by query (a
 *     counting sort: the run may come in any order). Lines of queries absent
 *     from the qrels are checked and dropped, as trec_eval ignores them.
 *  4. The queries are shared out between the threads: each checks for
 *     repeated documents, ranks them as trec_eval does (score descending,
 *     then docno descending by strcmp), finds their judgements through a
 *     small table of the query's qrels, and computes the measures into its
 *     row of a table.
 *  5. One thread sums the rows in qid order (the order trec_eval adds them
 *     in, so that the sums agree to the last bit) and prints.
 */

#define MAX_THREADS 8
#define NO_QUERY UINT32_MAX

/* trec_eval evaluates a qrels query absent from the run under -c as a run of this one document. */
static const char bogus_docno[] = "ceci_nest_pas_un_docno";

/* ---------------------------------------------------------------- input */

struct input {
	const char *path;   /* as given; "-" is stdin */
	const char *name;   /* for messages */
	const char *buf;
	size_t len;
	size_t map_len;     /* > 0 when buf is a mapping */
};

static int input_load(struct input *in)
{
	int fd = 0;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, alloc = 0;

	in->name = strcmp(in->path, "-") ? in->path : "stdin";
	if (strcmp(in->path, "-") && (fd = open(in->path, O_RDONLY)) < 0)
		return error("cannot open '%s': %s", in->path, strerror(errno));
	if (fd && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ,
			       MAP_PRIVATE | MAP_POPULATE, fd, 0);

		if (p != MAP_FAILED) {
			in->buf = p;
			in->len = in->map_len = (size_t)st.st_size;
			close(fd);
			goto out;
		}
	}
	for (;;) {
		ssize_t n;

		ALLOC_GROW(buf, len + 65536, alloc);
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			if (fd)
				close(fd);
			return error("cannot read '%s': %s", in->name, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd)
		close(fd);
	in->buf = buf;
	in->len = len;
out:
	/* documents are kept as 32-bit offsets into the file */
	if (in->len > UINT32_MAX)
		return error("'%s' is too large (4 GiB at most)", in->name);
	return 0;
}

static void input_release(struct input *in)
{
	if (in->map_len)
		munmap((void *)in->buf, in->map_len);
	else
		free((void *)in->buf);
	in->buf = NULL;
	in->len = in->map_len = 0;
}

/* The line number of byte off, counted from 1. */
static long line_of(const struct input *in, size_t off)
{
	const char *p = in->buf, *end = in->buf + off;
	long line = 1;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		line++;
		p++;
	}
	return line;
}

/* ----------------------------------------------------------- scanning */

/* isspace() in the C locale, which is how trec_eval splits fields */
static inline int is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Skip white space other than the newline. */
static inline const char *skip_blank(const char *p, const char *end)
{
	while (p < end && *p != '\n' && is_ws((unsigned char)*p))
		p++;
	return p;
}

/*
 * The end of the field at p. Eight bytes at a time: a byte below 0x21 is
 * white space or a control character, and the first such byte is checked
 * (the classic has-less-than bit trick marks the first one exactly).
 */
static inline const char *token_end(const char *p, const char *end)
{
	while (end - p >= 8) {
		uint64_t w, m;

		memcpy(&w, p, 8);
		m = (w - 0x2121212121212121ULL) & ~w & 0x8080808080808080ULL;
		if (!m) {
			p += 8;
			continue;
		}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		p += __builtin_clzll(m) / 8;
#else
		p += __builtin_ctzll(m) / 8;   /* little-endian: the lowest byte is the first */
#endif
		if (is_ws((unsigned char)*p))
			return p;
		p++;   /* a control character inside the field */
	}
	while (p < end && !is_ws((unsigned char)*p))
		p++;
	return p;
}

/* The start of the next line (end if none). */
static inline const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

/*
 * Move *p to the first field of the next content line, skipping blank lines
 * and '#' comments; returns 0 at the end of the buffer.
 */
static inline int next_content(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end) {
		s = skip_blank(s, end);
		if (s == end)
			break;
		if (*s == '\n') {
			s++;
			continue;
		}
		if (*s == '#') {
			s = next_line(s, end);
			continue;
		}
		*p = s;
		return 1;
	}
	*p = end;
	return 0;
}

/* Read one field: *tok, *len; returns 0 when the line has no more fields. */
static inline int field(const char **p, const char *end, const char **tok, size_t *len)
{
	const char *s = skip_blank(*p, end), *e;

	if (s == end || *s == '\n')
		return 0;
	e = token_end(s, end);
	*tok = s;
	*len = (size_t)(e - s);
	*p = e;
	return 1;
}

/* At the end of the line (only white space left)? Moves *p past the newline. */
static inline int line_done(const char **p, const char *end)
{
	const char *s = skip_blank(*p, end);

	if (s < end && *s != '\n')
		return 0;
	*p = s < end ? s + 1 : end;
	return 1;
}

static inline uint64_t doc_hash(const char *s, size_t len)
{
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ len, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		while (len--)
			w = (w << 8) | (unsigned char)s[len];
		h = (h ^ w) * 0x94d049bb133111ebULL;
		h ^= h >> 29;
	}
	h = (h ^ (h >> 32)) * 0xd6e8feb86659fd93ULL;
	return h ^ (h >> 32);
}

/* strcmp() order of two strings given by pointer and length (docnos hold no NUL) */
static inline int str_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A score, exactly as strtod() reads it (trec_eval uses atof), but without
 * its cost for the usual short decimals: when the digits fit in 53 bits and
 * the power of ten is exact, one multiplication or division is correctly
 * rounded, hence the same double (Clinger's fast path). Anything else goes
 * to strtod(). Returns -1 unless the whole token is a number.
 */
static int parse_score(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	uint64_t m = 0;
	int digits = 0, exp10 = 0, neg = 0, any = 0;
	char small[64], *copy;
	char *stop;
	double v;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		any = 1;
		if (m || *p != '0') {
			m = m * 10 + (uint64_t)(*p - '0');
			if (++digits > 18)
				goto slow;
		}
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			any = 1;
			if (m || *p != '0') {
				m = m * 10 + (uint64_t)(*p - '0');
				if (++digits > 18)
					goto slow;
			}
			exp10--;
		}
	}
	if (!any)
		goto slow;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0, e = 0, edigits = 0;

		p++;
		if (p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			e = e * 10 + (*p - '0');
			if (++edigits > 4)
				goto slow;
		}
		if (!edigits)
			goto slow;
		exp10 += eneg ? -e : e;
	}
	if (p != end || m > (1ULL << 53) || exp10 < -22 || exp10 > 22)
		goto slow;
	v = (double)m;
	if (exp10 < 0)
		v /= pow10_exact[-exp10];
	else
		v *= pow10_exact[exp10];
	*out = neg ? -v : v;
	return 0;
slow:
	copy = len < sizeof(small) ? small : xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	v = strtod(copy, &stop);
	any = stop == copy + len && len > 0;
	if (copy != small)
		free(copy);
	if (!any)
		return -1;
	*out = v;
	return 0;
}

/* A judgement: optional sign and digits, within 32 bits. */
static int parse_rel(const char *s, size_t len, int32_t *out)
{
	const char *p = s, *end = s + len;
	int neg = 0;
	int64_t v = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return -1;
	}
	if (neg)
		v = -v;
	if (v < INT32_MIN || v > INT32_MAX)
		return -1;
	*out = (int32_t)v;
	return 0;
}

/* --------------------------------------------------------- docno keys */

/*
 * A docno as 64 bits. One of 1 to 8 bytes, none of them NUL, is packed
 * big-endian with zeros after it: the top byte is its first byte (not 0),
 * two keys are equal exactly when the docnos are, and comparing keys as
 * integers is strcmp() order. Any other docno gets a key whose top byte is
 * 0: 24 bits of a hash of it, and its offset in its file, where it is read
 * again to compare it.
 */
#define KEY_SHORT(k) (((k) >> 56) != 0)

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static inline uint64_t doc_key(const char *s, size_t len, size_t off)
{
	uint64_t k = 0;
	size_t i;

	if (len && len <= 8) {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!c)
				goto hashed;
			k |= (uint64_t)c << (56 - 8 * i);
		}
		return k;
	}
hashed:
	return (doc_hash(s, len) & 0xffffffULL) << 32 | (uint32_t)off;
}

/* Where a key goes in a hash table: equal docnos of either file land alike. */
static inline uint64_t key_slot(uint64_t k)
{
	return mix64(KEY_SHORT(k) ? k : k >> 32);
}

/* The docno of key k of file in: its length, *s pointing to it (into tmp for a short key). */
static inline size_t key_name(uint64_t k, const struct input *in, char tmp[8], const char **s)
{
	size_t n = 0;

	if (KEY_SHORT(k)) {
		for (; n < 8 && (k >> (56 - 8 * n)) & 0xff; n++)
			tmp[n] = (char)((k >> (56 - 8 * n)) & 0xff);
		*s = tmp;
		return n;
	}
	*s = in->buf + (uint32_t)k;
	return (size_t)(token_end(*s, in->buf + in->len) - *s);
}

/* Do key a of file ia and key b of file ib name the same docno? */
static int key_same(uint64_t a, const struct input *ia, uint64_t b, const struct input *ib)
{
	char ta[8], tb[8];
	const char *x, *y;
	size_t xl, yl;

	if (KEY_SHORT(a) || KEY_SHORT(b))
		return a == b;
	if ((a >> 32) != (b >> 32))
		return 0;
	xl = key_name(a, ia, ta, &x);
	yl = key_name(b, ib, tb, &y);
	return xl == yl && !memcmp(x, y, xl);
}

/* strcmp() order of the docnos of two keys of file in. */
static int key_cmp(uint64_t a, uint64_t b, const struct input *in)
{
	char ta[8], tb[8];
	const char *x, *y;
	size_t xl, yl;

	if (KEY_SHORT(a) && KEY_SHORT(b))
		return a < b ? -1 : a > b;
	xl = key_name(a, in, ta, &x);
	yl = key_name(b, in, tb, &y);
	return str_cmp(x, xl, y, yl);
}

/* ------------------------------------------------------------- qids */

/*
 * The qids of the qrels. Every thread looks every run line up here at once
 * (read-only by then), so a lookup should touch one slot of a small table:
 * a qid of up to 8 bytes is packed in its slot's key as docnos are (see
 * doc_key()), and only a longer one is compared with its copy in an arena.
 */
struct qid_slot {
	uint64_t key;
	uint32_t q1;         /* query index + 1; 0: empty */
	uint32_t len;
};

struct qid_name {
	uint32_t off, len;   /* in the arena */
};

struct qids {
	struct qid_slot *slots;
	size_t mask, n;
	struct qid_name *names;   /* by query index */
	size_t alloc_names;
	char *arena;
	size_t arena_len, arena_alloc;
};

static inline int bytes_eq(const char *a, const char *b, size_t n)
{
	size_t i;

	if (n > 16)
		return !memcmp(a, b, n);
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

static inline uint64_t qid_key(const char *s, size_t len)
{
	uint64_t k = 0;
	size_t i;

	if (len && len <= 8) {
		for (i = 0; i < len; i++) {
			unsigned char c = (unsigned char)s[i];

			if (!c)
				goto hashed;
			k |= (uint64_t)c << (56 - 8 * i);
		}
		return k;
	}
hashed:
	return doc_hash(s, len) >> 8;   /* top byte 0: not a packed qid */
}

/* Start fetching the slot of qid key k, to look it up a little later. */
static inline void qids_prefetch(const struct qids *t, uint64_t k)
{
	if (t->slots)
		__builtin_prefetch(&t->slots[(size_t)mix64(k) & t->mask]);
}

/* The query index of qid s (len bytes, key k = qid_key(s, len)), or NO_QUERY. */
static uint32_t qids_find(const struct qids *t, const char *s, size_t len, uint64_t k)
{
	size_t i;

	if (!t->slots)
		return NO_QUERY;
	for (i = (size_t)mix64(k) & t->mask; t->slots[i].q1; i = (i + 1) & t->mask) {
		const struct qid_slot *e = &t->slots[i];

		if (e->key == k && e->len == len) {
			const struct qid_name *nm = &t->names[e->q1 - 1];

			if (KEY_SHORT(k) || bytes_eq(t->arena + nm->off, s, len))
				return e->q1 - 1;
		}
	}
	return NO_QUERY;
}

static uint32_t qids_get(const struct qids *t, const char *s, size_t len)
{
	return qids_find(t, s, len, qid_key(s, len));
}

static void qids_insert(struct qids *t, uint64_t k, uint32_t len, uint32_t q1)
{
	size_t i;

	for (i = (size_t)mix64(k) & t->mask; t->slots[i].q1; i = (i + 1) & t->mask)
		;
	t->slots[i].key = k;
	t->slots[i].q1 = q1;
	t->slots[i].len = len;
}

/* Add qid s as query q, the next index (absent: the caller looked). */
static void qids_add(struct qids *t, const char *s, size_t len, uint32_t q)
{
	/* at most 3/4 full */
	if (!t->slots || (t->n + 1) * 4 > (t->mask + 1) * 3) {
		struct qid_slot *old = t->slots;
		size_t cap = t->slots ? 2 * (t->mask + 1) : 256, j;

		t->slots = xcalloc(cap, sizeof(*t->slots));
		t->mask = cap - 1;
		for (j = 0; old && j < cap / 2; j++)
			if (old[j].q1)
				qids_insert(t, old[j].key, old[j].len, old[j].q1);
		free(old);
	}
	ALLOC_GROW(t->names, t->n + 1, t->alloc_names);
	ALLOC_GROW(t->arena, t->arena_len + len, t->arena_alloc);
	memcpy(t->arena + t->arena_len, s, len);
	t->names[q].off = (uint32_t)t->arena_len;
	t->names[q].len = (uint32_t)len;
	t->arena_len += len;
	qids_insert(t, qid_key(s, len), (uint32_t)len, q + 1);
	t->n++;
}

static void qids_release(struct qids *t)
{
	free(t->slots);
	free(t->names);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

/* -------------------------------------------------------------- qrels */

struct qrel {
	uint64_t key;        /* of the docno */
	int32_t rel;
	uint32_t q;          /* query index */
};

struct qquery {
	uint32_t name, len;  /* qid in the qids arena */
	size_t first, n;     /* its judgements in qrels.r */
	size_t level0;       /* first of its levels in qrels.levels */
	size_t nlevels;
};

struct qrels {
	struct input in;
	struct qids qids;
	struct qquery *q;
	size_t nq, alloc_q;
	struct qrel *r;                /* grouped by query, file order within one */
	size_t nr;
	struct trec_level *levels;
	uint32_t *order;               /* query indexes by qid in strcmp order */
	size_t positive;               /* judgements > 0 */
	int long_keys;                 /* some docno is read again from the file */
};

static const struct qrels *sort_qrels;

static int by_qid(const void *a, const void *b)
{
	const struct qquery *x = &sort_qrels->q[*(const uint32_t *)a];
	const struct qquery *y = &sort_qrels->q[*(const uint32_t *)b];
	const char *arena = sort_qrels->qids.arena;

	return str_cmp(arena + x->name, x->len, arena + y->name, y->len);
}

static int by_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* A query's judgement levels >= 0 with their counts, ascending, from qq->level0 on. */
static void query_levels(struct qrels *qr, struct qquery *qq, int32_t *scratch)
{
	size_t n = qq->n, i, j, nlev;

	for (i = 0; i < n; i++)
		scratch[i] = qr->r[qq->first + i].rel;
	if (n < 32) {
		for (i = 1; i < n; i++) {
			int32_t v = scratch[i];

			for (j = i; j > 0 && scratch[j - 1] > v; j--)
				scratch[j] = scratch[j - 1];
			scratch[j] = v;
		}
	} else {
		qsort(scratch, n, sizeof(*scratch), by_int32);
	}
	nlev = qq->level0;
	for (i = 0; i < n; i++) {
		if (scratch[i] < 0)
			continue;
		if (nlev > qq->level0 && qr->levels[nlev - 1].rel == scratch[i]) {
			qr->levels[nlev - 1].count++;
		} else {
			qr->levels[nlev].rel = scratch[i];
			qr->levels[nlev].count = 1;
			nlev++;
		}
	}
	qq->nlevels = nlev - qq->level0;
}

/* A (query, docno) found twice; only the error path looks for its line. */
struct repeat {
	uint32_t q;
	uint64_t key;
	const struct input *in;   /* the file of key */
};

/* The i-th of keys placed stride bytes apart (a field of an array of structs). */
static inline uint64_t key_at(const uint64_t *keys, size_t stride, size_t i)
{
	return *(const uint64_t *)(const void *)((const char *)keys + i * stride);
}

/*
 * Every occurrence after the first of a docno among n keys (of file in,
 * stride bytes apart) of query q, appended to *out. seen is a zeroed table
 * of cap slots (a power of two, at least 2n), left zeroed.
 */
static void find_repeats(const uint64_t *keys, size_t stride, size_t n, const struct input *in,
			 uint32_t q, uint32_t *seen, size_t cap, struct repeat **out,
			 size_t *nout, size_t *alloc)
{
	size_t mask = cap - 1, i, s;

	for (i = 0; i < n; i++) {
		uint64_t k = key_at(keys, stride, i);

		for (s = (size_t)key_slot(k) & mask; seen[s]; s = (s + 1) & mask) {
			if (key_same(key_at(keys, stride, seen[s] - 1), in, k, in))
				break;
		}
		if (seen[s]) {
			ALLOC_GROW(*out, *nout + 1, *alloc);
			(*out)[*nout].q = q;
			(*out)[*nout].key = k;
			(*out)[*nout].in = in;
			(*nout)++;
		} else {
			seen[s] = (uint32_t)i + 1;
		}
	}
	memset(seen, 0, cap * sizeof(*seen));
}

static size_t table_size(size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

/*
 * Error path: read the file again and report the first line that names a
 * (query, docno) already named, among the repeats found.
 */
static int report_repeat(const struct qids *qids, const struct input *in,
			 const struct repeat *rep, size_t nrep, const char *what)
{
	const char *buf = in->buf, *end = buf + in->len, *p = buf;
	unsigned char *count = xcalloc(nrep, 1);
	size_t i;
	int ret = -1;

	while (next_content(&p, end)) {
		const char *line = p, *qid, *iter, *doc;
		size_t qlen, ilen, dlen;
		uint32_t q;
		uint64_t k;

		if (!field(&p, end, &qid, &qlen) || !field(&p, end, &iter, &ilen) ||
		    !field(&p, end, &doc, &dlen)) {
			p = next_line(p, end);
			continue;
		}
		p = next_line(p, end);
		q = qids_get(qids, qid, qlen);
		k = doc_key(doc, dlen, (size_t)(doc - buf));
		for (i = 0; i < nrep; i++) {
			if (rep[i].q != q || !key_same(rep[i].key, rep[i].in, k, in))
				continue;
			if (++count[i] == 2) {
				ret = error_at(in->name, line_of(in, (size_t)(line - buf)),
					       "document '%.*s' is %s twice for query '%.*s'",
					       (int)dlen, doc, what, (int)qlen, qid);
				goto out;
			}
		}
	}
	ret = error_at(in->name, 0, "a document is %s twice for its query", what);
out:
	free(count);
	return ret;
}

static int qrels_parse(struct qrels *qr)
{
	const char *buf = qr->in.buf, *end = buf + qr->in.len, *p = buf, *line;
	const char *last = NULL;
	size_t last_len = 0, nr = 0, i, *fill, maxn = 0, nrep = 0, alloc_rep = 0;
	size_t alloc_flat = qr->in.len / 12 + 16;   /* lines are rarely shorter */
	uint32_t last_q = NO_QUERY, *seen;
	struct qrel *flat = xmalloc(alloc_flat * sizeof(*flat));
	struct repeat *rep = NULL;
	int32_t *scratch;

	while (next_content(&p, end)) {
		const char *tok[4];
		size_t len[4];
		int32_t rel;
		uint32_t q;
		struct qrel *r;

		line = p;
		for (i = 0; i < 4; i++)
			if (!field(&p, end, &tok[i], &len[i]))
				break;
		if (i < 4 || !line_done(&p, end)) {
			free(flat);
			return error_at(qr->in.name, line_of(&qr->in, (size_t)(line - buf)),
					"malformed line: expected 'qid iter docno rel'");
		}
		if (parse_rel(tok[3], len[3], &rel) < 0) {
			free(flat);
			return error_at(qr->in.name, line_of(&qr->in, (size_t)(line - buf)),
					"relevance '%.*s' is not a whole number",
					len[3] > 64 ? 64 : (int)len[3], tok[3]);
		}
		/* qrels usually come grouped by query: most lines have the last line's qid */
		if (last && len[0] == last_len && !memcmp(tok[0], last, last_len)) {
			q = last_q;
		} else {
			q = qids_get(&qr->qids, tok[0], len[0]);
			if (q == NO_QUERY) {
				q = (uint32_t)qr->nq;
				ALLOC_GROW(qr->q, qr->nq + 1, qr->alloc_q);
				memset(&qr->q[q], 0, sizeof(qr->q[q]));
				qr->q[q].name = (uint32_t)qr->qids.arena_len;
				qr->q[q].len = (uint32_t)len[0];
				qids_add(&qr->qids, tok[0], len[0], q);
				qr->nq++;
			}
			last = tok[0];
			last_len = len[0];
			last_q = q;
		}
		ALLOC_GROW(flat, nr + 1, alloc_flat);
		r = &flat[nr++];
		r->key = doc_key(tok[2], len[2], (size_t)(tok[2] - buf));
		r->rel = rel;
		r->q = q;
		qr->q[q].n++;
		qr->positive += rel > 0;
		qr->long_keys |= !KEY_SHORT(r->key);
	}

	/* group by query, keeping file order within a query */
	qr->nr = nr;
	qr->r = xmalloc((nr ? nr : 1) * sizeof(*qr->r));
	fill = xmalloc((qr->nq ? qr->nq : 1) * sizeof(*fill));
	for (i = 0; i < qr->nq; i++) {
		qr->q[i].first = i ? qr->q[i - 1].first + qr->q[i - 1].n : 0;
		fill[i] = qr->q[i].first;
		if (qr->q[i].n > maxn)
			maxn = qr->q[i].n;
	}
	for (i = 0; i < nr; i++)
		qr->r[fill[flat[i].q]++] = flat[i];
	free(fill);
	free(flat);

	/* repeated judgements, and each query's levels */
	seen = xcalloc(table_size(maxn), sizeof(*seen));
	scratch = xmalloc((maxn ? maxn : 1) * sizeof(*scratch));
	qr->levels = xmalloc((nr ? nr : 1) * sizeof(*qr->levels));
	for (i = 0; i < qr->nq; i++) {
		struct qquery *qq = &qr->q[i];

		find_repeats(&qr->r[qq->first].key, sizeof(*qr->r), qq->n, &qr->in, (uint32_t)i,
			     seen, table_size(qq->n), &rep, &nrep, &alloc_rep);
		qq->level0 = i ? qr->q[i - 1].level0 + qr->q[i - 1].nlevels : 0;
		query_levels(qr, qq, scratch);
	}
	free(seen);
	free(scratch);
	if (nrep) {
		int ret = report_repeat(&qr->qids, &qr->in, rep, nrep, "judged");

		free(rep);
		return ret;
	}

	qr->order = xmalloc((qr->nq ? qr->nq : 1) * sizeof(*qr->order));
	for (i = 0; i < qr->nq; i++)
		qr->order[i] = (uint32_t)i;
	sort_qrels = qr;
	qsort(qr->order, qr->nq, sizeof(*qr->order), by_qid);
	return 0;
}

static void qrels_release(struct qrels *qr)
{
	qids_release(&qr->qids);
	free(qr->q);
	free(qr->r);
	free(qr->levels);
	free(qr->order);
	input_release(&qr->in);
}

/* ------------------------------------------------------------ measures */

enum meas_kind {
	MK_RUNID,    /* the run's tag, summary only */
	MK_NUM_Q,    /* number of queries, summary only */
	MK_LONG,     /* a count, summed over queries */
	MK_DOUBLE,   /* averaged over queries */
	MK_GM,       /* geometric mean over queries, summary only */
	MK_CUT,      /* one value per document cutoff */
	MK_FRAC,     /* one value per recall fraction */
	MK_GAINS,    /* one value, gains as parameters */
};

enum meas_id {
	M_RUNID, M_NUM_Q, M_NUM_RET, M_NUM_REL, M_NUM_REL_RET, M_MAP, M_GM_MAP,
	M_RPREC, M_BPREF, M_RECIP_RANK, M_IPREC, M_P, M_RECALL, M_NDCG,
	M_NDCG_CUT, M_MAP_CUT, M_SUCCESS, M__COUNT
};

static const long cutoffs_9[] = { 5, 10, 15, 20, 30, 100, 200, 500, 1000 };
static const long cutoffs_success[] = { 1, 5, 10 };
static const double fractions_11[] = {
	0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0
};

/* trec_eval's measures.c order, which is the order of the output */
static const struct meas_def {
	const char *name;
	enum meas_kind kind;
	int official;            /* in trec_eval's default set */
	const long *cutoffs;     /* MK_CUT defaults */
	size_t ncutoffs;
} meas_defs[M__COUNT] = {
	[M_RUNID]       = { "runid", MK_RUNID, 1, NULL, 0 },
	[M_NUM_Q]       = { "num_q", MK_NUM_Q, 1, NULL, 0 },
	[M_NUM_RET]     = { "num_ret", MK_LONG, 1, NULL, 0 },
	[M_NUM_REL]     = { "num_rel", MK_LONG, 1, NULL, 0 },
	[M_NUM_REL_RET] = { "num_rel_ret", MK_LONG, 1, NULL, 0 },
	[M_MAP]         = { "map", MK_DOUBLE, 1, NULL, 0 },
	[M_GM_MAP]      = { "gm_map", MK_GM, 1, NULL, 0 },
	[M_RPREC]       = { "Rprec", MK_DOUBLE, 1, NULL, 0 },
	[M_BPREF]       = { "bpref", MK_DOUBLE, 1, NULL, 0 },
	[M_RECIP_RANK]  = { "recip_rank", MK_DOUBLE, 1, NULL, 0 },
	[M_IPREC]       = { "iprec_at_recall", MK_FRAC, 1, NULL, 0 },
	[M_P]           = { "P", MK_CUT, 1, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_RECALL]      = { "recall", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_NDCG]        = { "ndcg", MK_GAINS, 0, NULL, 0 },
	[M_NDCG_CUT]    = { "ndcg_cut", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_MAP_CUT]     = { "map_cut", MK_CUT, 0, cutoffs_9, ARRAY_SIZE(cutoffs_9) },
	[M_SUCCESS]     = { "success", MK_CUT, 0, cutoffs_success, ARRAY_SIZE(cutoffs_success) },
};

struct measure {
	int on;
	long *cutoffs;                     /* MK_CUT */
	double *fractions;                 /* MK_FRAC */
	size_t n;                          /* cutoffs or fractions */
	struct trec_gain_param *gains;     /* MK_GAINS */
	size_t ngains;
	char **names;                      /* printed name of each value */
	size_t first, nvals;               /* its values in a row */
};

/* A measure's parameters from -m NAME.PARAMS (the first one given for a name counts). */
struct meas_arg {
	char *name, *params;
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Split "a,b,c" in place; returns the count, parts in *out (caller frees the array). */
static size_t split_commas(char *s, char ***out)
{
	size_t n = 1, i = 0;
	char *p, **v;

	for (p = s; *p; p++)
		n += *p == ',';
	v = xmalloc(n * sizeof(*v));
	v[i++] = s;
	for (p = s; *p; p++) {
		if (*p == ',') {
			*p = '\0';
			v[i++] = p + 1;
		}
	}
	*out = v;
	return n;
}

static int parse_cutoffs(struct measure *m, const char *name, char *params)
{
	char **v;
	size_t n = split_commas(params, &v), i;
	int ret = 0;

	m->cutoffs = xmalloc(n * sizeof(*m->cutoffs));
	for (i = 0; i < n; i++) {
		if (parse_long(v[i], &m->cutoffs[i]) < 0) {
			ret = error("cutoff '%s' of measure '%s' is not a whole number", v[i], name);
			goto out;
		}
	}
	qsort(m->cutoffs, n, sizeof(*m->cutoffs), cmp_long);
	if (m->cutoffs[0] <= 0) {
		ret = error("cutoffs of measure '%s' must be positive", name);
		goto out;
	}
	for (i = 1; i < n; i++) {
		if (m->cutoffs[i] == m->cutoffs[i - 1]) {
			ret = error("duplicate cutoff %ld in measure '%s'", m->cutoffs[i], name);
			goto out;
		}
	}
	m->n = n;
out:
	free(v);
	return ret;
}

static int parse_fractions(struct measure *m, const char *name, char *params)
{
	char **v;
	size_t n = split_commas(params, &v), i;
	int ret = 0;

	m->fractions = xmalloc(n * sizeof(*m->fractions));
	for (i = 0; i < n; i++) {
		if (parse_double(v[i], &m->fractions[i]) < 0) {
			ret = error("parameter '%s' of measure '%s' is not a number", v[i], name);
			goto out;
		}
	}
	qsort(m->fractions, n, sizeof(*m->fractions), cmp_double);
	for (i = 1; i < n; i++) {
		if (m->fractions[i] == m->fractions[i - 1]) {
			ret = error("duplicate parameter '%s' in measure '%s'", v[i], name);
			goto out;
		}
	}
	m->n = n;
out:
	free(v);
	return ret;
}

/* gain_init.c's valid_int(): a sign, then at least one digit and nothing else */
static int valid_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* REL=GAIN,REL=GAIN...: a REL that is not a whole number is ignored, as trec_eval does. */
static int parse_gains(struct measure *m, const char *name, char *params)
{
	char **v, last = ',';
	const char *p;
	size_t n, i;
	int ret = 0;

	/* separators must alternate '=' ',' '=' ... and end on '=' (meas_init.c) */
	for (p = params; *p; p++) {
		if (*p == ',' || *p == '=') {
			if (*p == last) {
				last = ',';
				break;
			}
			last = *p;
		}
	}
	if (last != '=')
		return error("malformed gains '%s' of measure '%s' (expected REL=GAIN,...)",
			     params, name);
	n = split_commas(params, &v);
	m->gains = xmalloc(n * sizeof(*m->gains));
	for (i = 0; i < n; i++) {
		char *eq = strchr(v[i], '=');
		long rel;
		double gain;

		*eq = '\0';
		if (parse_double(eq + 1, &gain) < 0) {
			ret = error("gain '%s' of measure '%s' is not a number", eq + 1, name);
			break;
		}
		if (!valid_int(v[i]))
			continue;
		rel = strtol(v[i], NULL, 10);
		m->gains[m->ngains].rel = rel;
		m->gains[m->ngains].gain = gain;
		m->ngains++;
	}
	free(v);
	return ret;
}

/* Set up measure id from its -m parameters (or its defaults) and name its values. */
static int measure_init(struct measure *m, enum meas_id id, const struct meas_arg *args,
			size_t nargs)
{
	const struct meas_def *d = &meas_defs[id];
	const char *params = NULL;
	char *copy;
	size_t i;
	int ret = 0;

	for (i = 0; i < nargs; i++) {
		if (!strcmp(args[i].name, d->name)) {
			params = args[i].params;
			break;
		}
	}
	switch (d->kind) {
	case MK_CUT:
		if (params) {
			copy = xstrdup(params);
			ret = parse_cutoffs(m, d->name, copy);
			free(copy);
		} else {
			m->n = d->ncutoffs;
			m->cutoffs = xmalloc(m->n * sizeof(*m->cutoffs));
			memcpy(m->cutoffs, d->cutoffs, m->n * sizeof(*m->cutoffs));
		}
		if (ret)
			return ret;
		m->nvals = m->n;
		m->names = xmalloc(m->n * sizeof(*m->names));
		for (i = 0; i < m->n; i++)
			m->names[i] = xstrfmt("%s_%ld", d->name, m->cutoffs[i]);
		return 0;
	case MK_FRAC:
		if (params) {
			copy = xstrdup(params);
			ret = parse_fractions(m, d->name, copy);
			free(copy);
		} else {
			m->n = ARRAY_SIZE(fractions_11);
			m->fractions = xmalloc(m->n * sizeof(*m->fractions));
			memcpy(m->fractions, fractions_11, sizeof(fractions_11));
		}
		if (ret)
			return ret;
		m->nvals = m->n;
		m->names = xmalloc(m->n * sizeof(*m->names));
		for (i = 0; i < m->n; i++)
			m->names[i] = xstrfmt("%s_%3.2f", d->name, m->fractions[i]);
		return 0;
	case MK_GAINS:
		if (params) {
			copy = xstrdup(params);
			ret = parse_gains(m, d->name, copy);
			free(copy);
			if (ret)
				return ret;
		}
		m->nvals = 1;
		m->names = xmalloc(sizeof(*m->names));
		m->names[0] = params ? xstrfmt("%s_%s", d->name, params) : xstrdup(d->name);
		return 0;
	case MK_RUNID:
	case MK_NUM_Q:
		m->nvals = 0;
		m->names = xmalloc(sizeof(*m->names));
		m->names[0] = xstrdup(d->name);
		return 0;
	case MK_LONG:
	case MK_DOUBLE:
	case MK_GM:
		break;
	}
	m->nvals = 1;
	m->names = xmalloc(sizeof(*m->names));
	m->names[0] = xstrdup(d->name);
	return 0;
}

static void measure_release(struct measure *m)
{
	size_t i, n = m->nvals ? m->nvals : (m->names ? 1 : 0);

	for (i = 0; i < n; i++)
		free(m->names[i]);
	free(m->names);
	free(m->cutoffs);
	free(m->fractions);
	free(m->gains);
	memset(m, 0, sizeof(*m));
}

/* Mark the measures -m asks for, as trec_eval's mark_measure(). */
static int select_measures(struct measure *meas, const struct opt_list *list,
			   struct meas_arg **args_out, size_t *nargs_out)
{
	struct meas_arg *args = xcalloc(list->n + 1, sizeof(*args));
	size_t nargs = 0, i, k;
	int ret = 0;

	for (i = 0; i < list->n && !ret; i++) {
		const char *s = list->v[i], *dot = strchr(s, '.');
		char *name = dot ? xstrndup(s, (size_t)(dot - s)) : xstrdup(s);

		if (dot && !dot[1]) {
			ret = error("measure '%s' has an empty parameter list", s);
		} else if (!strcmp(name, "official")) {
			for (k = 0; k < M__COUNT; k++)
				if (meas_defs[k].official)
					meas[k].on = 1;
		} else {
			for (k = 0; k < M__COUNT; k++)
				if (!strcmp(name, meas_defs[k].name))
					break;
			if (k == M__COUNT)
				ret = error("unknown or unsupported measure '%s'", name);
			else
				meas[k].on = 1;
		}
		if (!ret && dot) {
			args[nargs].name = name;
			args[nargs].params = xstrdup(dot + 1);
			nargs++;
		} else {
			free(name);
		}
	}
	*args_out = args;
	*nargs_out = nargs;
	return ret;
}

/* ----------------------------------------------------------------- run */

/* One retrieved document. */
struct rdoc {
	union {
		double sim;      /* its score */
		uint64_t order;  /* while ranking: ascending order is descending score */
	} s;
	uint64_t key;        /* of its docno (doc_key()) */
};

struct trec {
	struct qrels qr;
	struct input run;
	struct measure meas[M__COUNT];
	size_t nvals;
	long level, max_ret;
	int complete;

	int nthreads;
	uintptr_t page;      /* the memory page size */
	size_t *qstart;      /* first rdoc of each qrels query; qstart[nq] = total */
	struct rdoc *docs;   /* grouped by query */
	const char *runid;
	size_t runid_len;

	/* evaluation */
	uint32_t *eval_q;    /* qrels queries to evaluate, in qid order */
	size_t neval;
	double *rows;        /* neval x nvals */
};

struct chunk {
	struct trec *t;
	const char *begin, *end;
	struct rdoc *docs;   /* this chunk's documents of qrels queries, in file order */
	uint32_t *doc_q;     /* and their queries */
	size_t ndocs, alloc_docs;
	uint32_t *count;     /* documents of each qrels query; then where the next one goes */
	const char *runid;
	size_t runid_len;
	const char *err_at;  /* first error in the chunk */
	char err[256];
};

static void chunk_error(struct chunk *c, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void chunk_error(struct chunk *c, const char *at, const char *fmt, ...)
{
	va_list ap;

	c->err_at = at;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/*
 * Hand the pages of a mapped file between *done and p back to the page
 * cache: only long docnos are read again (and then come back from the page
 * cache). This keeps the peak memory near the larger of the file and the
 * table of documents, rather than their sum.
 */
static void drop_pages(const struct input *in, uintptr_t page, const char **done, const char *p)
{
	uintptr_t from, to;

	if (!in->map_len)
		return;
	from = ((uintptr_t)*done + page - 1) & ~(page - 1);
	to = (uintptr_t)p & ~(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	*done = p;
}

/* Pass 1: parse every line of a chunk; keep the documents of qrels queries. */
static void run_pass1(void *arg)
{
	struct chunk *c = arg;
	struct trec *t = c->t;
	const struct qids *qids = &t->qr.qids;
	const char *buf = t->run.buf, *p = c->begin, *end = c->end, *done = c->begin;
	const char *last = NULL;
	size_t last_len = 0, lines = 0;
	uint32_t last_q = NO_QUERY;

	while (next_content(&p, end)) {
		const char *line = p, *tok[6];
		size_t len[6], i;
		uint32_t q;
		uint64_t qk = 0;
		double sim;

		for (i = 0; i < 6; i++) {
			if (!field(&p, end, &tok[i], &len[i]))
				break;
			/* the lookup of the qid will likely miss the cache: start it now */
			if (i == 0) {
				qk = qid_key(tok[0], len[0]);
				qids_prefetch(qids, qk);
			}
		}
		if (i < 6) {
			chunk_error(c, line, "malformed line: expected 'qid iter docno rank score runid'");
			return;
		}
		while (p < end && *p != '\n')
			p++;
		if (p < end)
			p++;
		if (parse_score(tok[4], len[4], &sim) < 0) {
			chunk_error(c, line, "score '%.*s' is not a number",
				    len[4] > 64 ? 64 : (int)len[4], tok[4]);
			return;
		}
		c->runid = tok[5];
		c->runid_len = len[5];
		if (++lines % 16384 == 0)
			drop_pages(&t->run, t->page, &done, line);

		if (last && len[0] == last_len && bytes_eq(tok[0], last, last_len)) {
			q = last_q;
		} else {
			q = qids_find(qids, tok[0], len[0], qk);
			last = tok[0];
			last_len = len[0];
			last_q = q;
		}
		if (q == NO_QUERY)
			continue;
		if (c->ndocs == c->alloc_docs) {
			c->alloc_docs = c->alloc_docs * 2 + 1024;
			c->docs = xrealloc(c->docs, c->alloc_docs * sizeof(*c->docs));
			c->doc_q = xrealloc(c->doc_q, c->alloc_docs * sizeof(*c->doc_q));
		}
		c->docs[c->ndocs].s.sim = sim;
		c->docs[c->ndocs].key = doc_key(tok[2], len[2], (size_t)(tok[2] - buf));
		c->doc_q[c->ndocs] = q;
		c->ndocs++;
		c->count[q]++;
	}
}

/* Pass 2: move a chunk's documents to their query's place. */
static void run_pass2(void *arg)
{
	struct chunk *c = arg;
	struct rdoc *docs = c->t->docs;
	uint32_t *next = c->count;
	size_t i;

	for (i = 0; i < c->ndocs; i++)
		docs[next[c->doc_q[i]]++] = c->docs[i];
	free(c->docs);
	free(c->doc_q);
	c->docs = NULL;
	c->doc_q = NULL;
}

struct task {
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *arg)
{
	struct task *task = arg;

	task->fn(task->arg);
	return NULL;
}

/* Run fn on each of n argument blocks (size bytes apart), one thread each. */
static void run_parallel(void (*fn)(void *), void *args, size_t size, int n)
{
	pthread_t tid[MAX_THREADS];
	struct task task[MAX_THREADS];
	int started[MAX_THREADS] = { 0 }, i;

	for (i = 1; i < n; i++) {
		task[i].fn = fn;
		task[i].arg = (char *)args + (size_t)i * size;
		started[i] = !pthread_create(&tid[i], NULL, thread_main, &task[i]);
		if (!started[i])
			fn(task[i].arg);
	}
	fn(args);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
}

static int run_parse(struct trec *t)
{
	struct chunk c[MAX_THREADS];
	size_t nq = t->qr.nq, q, total = 0;
	int n = t->nthreads, i, ret = 0;
	const struct chunk *bad = NULL;

	/* a small file is not worth a thread */
	if (t->run.len < (1 << 20))
		n = 1;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		c[i].t = t;
		c[i].begin = i ? c[i - 1].end : t->run.buf;
		c[i].end = t->run.buf + t->run.len;
		if (i < n - 1) {
			const char *cut = t->run.buf + t->run.len / (size_t)n * (size_t)(i + 1);

			if (cut < c[i].begin)
				cut = c[i].begin;
			c[i].end = next_line(cut, c[i].end);
		}
		c[i].count = xcalloc(nq ? nq : 1, sizeof(*c[i].count));
		/* ~32 bytes a line: one allocation in the usual case */
		c[i].alloc_docs = (size_t)(c[i].end - c[i].begin) / 28 + 1024;
		c[i].docs = xmalloc(c[i].alloc_docs * sizeof(*c[i].docs));
		c[i].doc_q = xmalloc(c[i].alloc_docs * sizeof(*c[i].doc_q));
	}
	run_parallel(run_pass1, c, sizeof(c[0]), n);

	/* the earliest error of the chunks */
	for (i = 0; i < n; i++)
		if (c[i].err_at && (!bad || c[i].err_at < bad->err_at))
			bad = &c[i];
	if (bad) {
		ret = error_at(t->run.name, line_of(&t->run, (size_t)(bad->err_at - t->run.buf)),
			       "%s", bad->err);
		goto out;
	}
	for (i = n - 1; i >= 0; i--) {
		if (c[i].runid) {
			t->runid = c[i].runid;
			t->runid_len = c[i].runid_len;
			break;
		}
	}

	/* where each chunk's documents of each query go: chunks in file order */
	t->qstart = xmalloc((nq + 1) * sizeof(*t->qstart));
	for (q = 0; q < nq; q++) {
		t->qstart[q] = total;
		for (i = 0; i < n; i++) {
			uint32_t k = c[i].count[q];

			c[i].count[q] = (uint32_t)total;
			total += k;
		}
	}
	t->qstart[nq] = total;
	if (total > UINT32_MAX) {
		ret = error("'%s' has too many lines", t->run.name);
		goto out;
	}
	t->docs = xmalloc((total ? total : 1) * sizeof(*t->docs));
	run_parallel(run_pass2, c, sizeof(c[0]), n);
out:
	for (i = 0; i < n; i++) {
		free(c[i].count);
		free(c[i].docs);
		free(c[i].doc_q);
	}
	return ret;
}

/* ------------------------------------------------------------ ranking */

/* form_res_rels.c's comp_sim_docno(): score descending, then docno descending; ctx is the input */
static int by_sim_docno(const void *pa, const void *pb, const void *ctx)
{
	const struct rdoc *a = pa, *b = pb;

	if (a->s.sim > b->s.sim)
		return -1;
	if (a->s.sim < b->s.sim)
		return 1;
	return key_cmp(b->key, a->key, ctx);
}

static int by_docno(const void *pa, const void *pb, const void *ctx)
{
	const struct rdoc *a = pa, *b = pb;

	return key_cmp(a->key, b->key, ctx);
}

/*
 * Without NaN the order is total, so any sort gives trec_eval's ranking.
 * This one is a merge sort on integers: the score becomes a 64-bit integer
 * in the opposite order (equal scores, +0 and -0 included, give equal
 * integers), merged without branches that depend on the data, since scores
 * compare at random; runs of equal scores are then put in descending docno
 * order.
 */
static void order_msort(struct rdoc *b, size_t n, struct rdoc *tmp)
{
	struct rdoc *l, *le, *r, *re, *o;
	size_t n1;

	if (n <= 1)
		return;
	n1 = n / 2;
	order_msort(b, n1, tmp);
	order_msort(b + n1, n - n1, tmp);
	l = b;
	le = r = b + n1;
	re = b + n;
	o = tmp;
	while (l < le && r < re) {
		int right = r->s.order < l->s.order;
		const struct rdoc *src = right ? r : l;

		*o++ = *src;
		r += right;
		l += !right;
	}
	while (l < le)
		*o++ = *l++;
	memcpy(b, tmp, (size_t)(o - tmp) * sizeof(*b));
}

static inline uint64_t descending_order(double sim)
{
	uint64_t u;

	if (sim == 0.0)
		sim = 0.0;   /* -0 ranks with +0 */
	memcpy(&u, &sim, sizeof(u));
	u = (u >> 63) ? ~u : u | (1ULL << 63);   /* ascending with sim */
	return ~u;
}

/* Rank a query's documents as trec_eval does; their scores are lost. */
static void rank_docs(const struct input *in, struct rdoc *d, size_t n, struct rdoc *tmp)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		if (isnan(d[i].s.sim))
			break;
	if (i < n) {
		/*
		 * trec_eval sorted the query's lines by docno before ranking them.
		 * A NaN score makes the comparison inconsistent, and then only
		 * glibc's merge sort on the same input order gives its ranking.
		 */
		trec_msort(d, n, sizeof(*d), tmp, by_docno, in);
		trec_msort(d, n, sizeof(*d), tmp, by_sim_docno, in);
		return;
	}
	for (i = 0; i < n; i++)
		d[i].s.order = descending_order(d[i].s.sim);
	order_msort(d, n, tmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && d[j].s.order == d[i].s.order; j++)
			;
		/* equal scores: docno descending (an insertion sort: such runs are short) */
		for (k = i + 1; k < j; k++) {
			struct rdoc v = d[k];
			size_t m;

			for (m = k; m > i && key_cmp(d[m - 1].key, v.key, in) < 0; m--)
				d[m] = d[m - 1];
			d[m] = v;
		}
	}
}

/* ---------------------------------------------------------- evaluation */

struct worker {
	struct trec *t;
	size_t from, to;             /* range of t->eval_q */
	long *rel;
	size_t alloc_rel;
	struct rdoc *tmp;
	size_t alloc_tmp;
	uint32_t *seen;              /* open-addressing table, zeroed between uses */
	size_t alloc_seen;
	struct trec_gain *gains;
	size_t alloc_gains;
	struct repeat *rep;          /* documents retrieved twice */
	size_t nrep, alloc_rep;
};

/* A zeroed table of table_size(n) slots. */
static uint32_t *worker_table(struct worker *w, size_t n)
{
	size_t cap = table_size(n);

	if (cap > w->alloc_seen) {
		free(w->seen);
		w->seen = xcalloc(cap, sizeof(*w->seen));
		w->alloc_seen = cap;
	}
	return w->seen;
}

static long judgement(const struct qrel *r)
{
	if (!r)
		return TREC_REL_NONPOOL;
	return r->rel >= 0 ? r->rel : TREC_REL_UNJUDGED;
}

/* The judgement of each of the first n ranked documents, through a table of the query's qrels. */
static void match_judgements(struct worker *w, const struct qquery *qq, const struct rdoc *d,
			     size_t n)
{
	const struct trec *t = w->t;
	const struct qrel *r = t->qr.r + qq->first;
	size_t cap = table_size(qq->n), mask = cap - 1, i, s;
	uint32_t *seen = worker_table(w, qq->n);

	for (i = 0; i < qq->n; i++) {
		for (s = (size_t)key_slot(r[i].key) & mask; seen[s]; s = (s + 1) & mask)
			;
		seen[s] = (uint32_t)i + 1;
	}
	for (i = 0; i < n; i++) {
		const struct qrel *found = NULL;

		for (s = (size_t)key_slot(d[i].key) & mask; seen[s]; s = (s + 1) & mask) {
			const struct qrel *o = &r[seen[s] - 1];

			if (key_same(d[i].key, &t->run, o->key, &t->qr.in)) {
				found = o;
				break;
			}
		}
		w->rel[i] = judgement(found);
	}
	memset(seen, 0, cap * sizeof(*seen));
}

/* The judgement of one docno (not from the run) in the query's qrels. */
static long judgement_of(const struct trec *t, const struct qquery *qq, const char *doc,
			 size_t len)
{
	const struct qrel *r = t->qr.r + qq->first;
	char tmp[8];
	const char *name;
	size_t i, n;

	for (i = 0; i < qq->n; i++) {
		n = key_name(r[i].key, &t->qr.in, tmp, &name);
		if (n == len && !memcmp(name, doc, len))
			return judgement(&r[i]);
	}
	return TREC_REL_NONPOOL;
}

static void measure_query(struct worker *w, struct trec_query *tq, double *row)
{
	struct trec *t = w->t;
	const struct measure *m = t->meas;
	size_t need;

	if (m[M_NUM_RET].on)
		row[m[M_NUM_RET].first] = (double)tq->num_ret;
	if (m[M_NUM_REL].on)
		row[m[M_NUM_REL].first] = (double)tq->num_rel;
	if (m[M_NUM_REL_RET].on)
		row[m[M_NUM_REL_RET].first] = (double)tq->num_rel_ret;
	if (m[M_MAP].on)
		row[m[M_MAP].first] = trec_ap(tq);
	if (m[M_GM_MAP].on)
		row[m[M_GM_MAP].first] = trec_gm_ap_log(tq);
	if (m[M_RPREC].on)
		row[m[M_RPREC].first] = trec_rprec(tq);
	if (m[M_BPREF].on)
		row[m[M_BPREF].first] = trec_bpref(tq);
	if (m[M_RECIP_RANK].on)
		row[m[M_RECIP_RANK].first] = trec_recip_rank(tq);
	if (m[M_IPREC].on)
		trec_iprec_at_recall(row + m[M_IPREC].first, tq, m[M_IPREC].fractions,
				     m[M_IPREC].n);
	if (m[M_P].on)
		trec_precision(row + m[M_P].first, tq, m[M_P].cutoffs, m[M_P].n);
	if (m[M_RECALL].on)
		trec_recall(row + m[M_RECALL].first, tq, m[M_RECALL].cutoffs, m[M_RECALL].n);
	if (m[M_NDCG].on) {
		need = trec_ndcg_scratch(tq, m[M_NDCG].ngains);
		if (need > w->alloc_gains) {
			free(w->gains);
			w->gains = xmalloc(need * sizeof(*w->gains));
			w->alloc_gains = need;
		}
		row[m[M_NDCG].first] = trec_ndcg(tq, m[M_NDCG].gains, m[M_NDCG].ngains, w->gains);
	}
	if (m[M_NDCG_CUT].on)
		trec_ndcg_cut(row + m[M_NDCG_CUT].first, tq, m[M_NDCG_CUT].cutoffs,
			      m[M_NDCG_CUT].n);
	if (m[M_MAP_CUT].on)
		trec_map_cut(row + m[M_MAP_CUT].first, tq, m[M_MAP_CUT].cutoffs,
			     m[M_MAP_CUT].n);
	if (m[M_SUCCESS].on)
		trec_success(row + m[M_SUCCESS].first, tq, m[M_SUCCESS].cutoffs,
			     m[M_SUCCESS].n);
}

static void eval_range(void *arg)
{
	struct worker *w = arg;
	struct trec *t = w->t;
	const struct qrels *qr = &t->qr;
	size_t k;

	for (k = w->from; k < w->to; k++) {
		uint32_t q = t->eval_q[k];
		const struct qquery *qq = &qr->q[q];
		size_t n = t->qstart[q + 1] - t->qstart[q], nret;
		struct rdoc *d = t->docs + t->qstart[q];
		double *row = t->rows + k * t->nvals;
		struct trec_query tq;
		int bogus = n == 0;

		if (bogus) {
			/* -c: a query with no run is ranked as one document, then num_ret = 0 */
			ALLOC_GROW(w->rel, 1, w->alloc_rel);
			w->rel[0] = judgement_of(t, qq, bogus_docno, sizeof(bogus_docno) - 1);
			nret = t->max_ret < 1 ? (size_t)t->max_ret : 1;
		} else {
			find_repeats(&d->key, sizeof(*d), n, &t->run, q, worker_table(w, n),
				     table_size(n), &w->rep, &w->nrep, &w->alloc_rep);
			if (w->nrep)
				return;   /* an error: nothing more to compute */
			if (n > w->alloc_tmp) {
				free(w->tmp);
				w->tmp = xmalloc(n * sizeof(*w->tmp));
				w->alloc_tmp = n;
			}
			rank_docs(&t->run, d, n, w->tmp);
			nret = (long)n > t->max_ret ? (size_t)t->max_ret : n;
			ALLOC_GROW(w->rel, nret, w->alloc_rel);
			match_judgements(w, qq, d, nret);
		}
		memset(row, 0, t->nvals * sizeof(*row));
		tq.rel = w->rel;
		tq.num_ret = (long)nret;
		tq.levels = qr->levels + qq->level0;
		tq.nlevels = qq->nlevels;
		tq.level = t->level;
		trec_query_count(&tq);
		measure_query(w, &tq, row);
		if (bogus && t->meas[M_NUM_RET].on)
			row[t->meas[M_NUM_RET].first] = 0;
	}
}

static int evaluate(struct trec *t)
{
	struct worker w[MAX_THREADS];
	size_t k, total = 0, per, q, nrep = 0, alloc_rep = 0;
	int n = t->nthreads, i, ret = 0;
	struct repeat *rep = NULL;

	t->eval_q = xmalloc((t->qr.nq ? t->qr.nq : 1) * sizeof(*t->eval_q));
	for (k = 0; k < t->qr.nq; k++) {
		q = t->qr.order[k];
		if (t->complete || t->qstart[q + 1] > t->qstart[q])
			t->eval_q[t->neval++] = (uint32_t)q;
		total += t->qstart[q + 1] - t->qstart[q];
	}
	if (!t->neval)
		return error("no queries with both results and relevance info");
	t->rows = xmalloc(t->neval * (t->nvals ? t->nvals : 1) * sizeof(*t->rows));

	if (total < 65536)
		n = 1;
	/* share the queries out by their number of documents */
	memset(w, 0, sizeof(w));
	per = total / (size_t)n + 1;
	for (i = 0, k = 0; i < n; i++) {
		size_t docs = 0;

		w[i].t = t;
		w[i].from = k;
		while (k < t->neval && (i == n - 1 || docs < per)) {
			q = t->eval_q[k++];
			docs += t->qstart[q + 1] - t->qstart[q];
		}
		w[i].to = k;
	}
	run_parallel(eval_range, w, sizeof(w[0]), n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < w[i].nrep; k++) {
			ALLOC_GROW(rep, nrep + 1, alloc_rep);
			rep[nrep++] = w[i].rep[k];
		}
		free(w[i].rel);
		free(w[i].tmp);
		free(w[i].seen);
		free(w[i].gains);
		free(w[i].rep);
	}
	if (nrep)
		ret = report_repeat(&t->qr.qids, &t->run, rep, nrep, "retrieved");
	free(rep);
	return ret;
}

/* ------------------------------------------------------------- output */

static void print_rows(const struct trec *t, int per_query, int summary)
{
	const struct measure *m = t->meas;
	const char *names = t->qr.qids.arena;
	size_t k, v;
	int id;

	if (per_query) {
		for (k = 0; k < t->neval; k++) {
			const struct qquery *qq = &t->qr.q[t->eval_q[k]];
			const double *row = t->rows + k * t->nvals;

			for (id = 0; id < M__COUNT; id++) {
				enum meas_kind kind = meas_defs[id].kind;

				if (!m[id].on || kind == MK_RUNID || kind == MK_NUM_Q || kind == MK_GM)
					continue;
				for (v = 0; v < m[id].nvals; v++) {
					double x = row[m[id].first + v];

					if (kind == MK_LONG)
						printf("%-22s\t%.*s\t%ld\n", m[id].names[v],
						       (int)qq->len, names + qq->name, (long)x);
					else
						printf("%-22s\t%.*s\t%6.4f\n", m[id].names[v],
						       (int)qq->len, names + qq->name, x);
				}
			}
		}
	}
	if (!summary)
		return;
	for (id = 0; id < M__COUNT; id++) {
		enum meas_kind kind = meas_defs[id].kind;

		if (!m[id].on)
			continue;
		if (kind == MK_RUNID) {
			printf("%-22s\tall\t%.*s\n", "runid", (int)t->runid_len,
			       t->runid ? t->runid : "");
			continue;
		}
		if (kind == MK_NUM_Q) {
			printf("%-22s\tall\t%ld\n", "num_q", (long)t->neval);
			continue;
		}
		for (v = 0; v < m[id].nvals; v++) {
			double sum = 0.0;

			/* add in qid order, as trec_eval does */
			for (k = 0; k < t->neval; k++)
				sum += t->rows[k * t->nvals + m[id].first + v];
			/*
			 * Under -c, trec_eval 10.0's summary num_rel counts every
			 * judgement > 0 of the qrels, whatever -l says (m_num_rel.c)
			 */
			if (id == M_NUM_REL && t->complete)
				sum = (double)t->qr.positive;
			if (kind == MK_LONG)
				printf("%-22s\tall\t%ld\n", m[id].names[v], (long)sum);
			else if (kind == MK_GM)
				printf("%-22s\tall\t%6.4f\n", m[id].names[v],
				       exp(sum / (double)t->neval));
			else
				printf("%-22s\tall\t%6.4f\n", m[id].names[v],
				       sum / (double)t->neval);
		}
	}
}

/* -------------------------------------------------------------- command */

static const char usage_line[] =
	"receval trec QRELS RUN [-q] [-c] [-n] [-l LEVEL] [-M N] [-m MEASURE[.PARAMS]]...";

static int thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > MAX_THREADS ? MAX_THREADS : (int)n;
}

int cmd_trec(int argc, char **argv)
{
	int per_query = 0, complete = 0, nosummary = 0, npos = 0, ret = EXIT_OK, r, id;
	long level = 1, max_ret = LONG_MAX;
	struct opt_list mlist = { NULL, 0, 0 };
	const char *official_name[] = { "official" };
	const struct opt_list official = { official_name, 1, 1 };   /* trec_eval's default */
	struct meas_arg *args = NULL;
	size_t nargs = 0, i;
	struct trec *t = xcalloc(1, sizeof(*t));
	static char outbuf[1 << 16];
	const struct option opts[] = {
		{ OPT_BOOL, 'q', "query_eval_wanted", &per_query, NULL,
		  "also print every query's values, before the summary" },
		{ OPT_BOOL, 'c', "complete_rel_info_wanted", &complete, NULL,
		  "average over every query of the qrels (a query with no run counts as 0)" },
		{ OPT_BOOL, 'n', "nosummary", &nosummary, NULL, "do not print the summary ('all')" },
		{ OPT_LONG, 'l', "level_for_rel", &level, "LEVEL",
		  "lowest judgement that counts as relevant (default 1)" },
		{ OPT_LONG, 'M', "Max_retrieved_per_topic", &max_ret, "N",
		  "evaluate only the first N documents of each query" },
		{ OPT_LIST, 'm', "measure", &mlist, "MEASURE",
		  "a measure to print, with parameters: P.5,10 ndcg_cut.10 ndcg.1=0,2=1 "
		  "(repeatable; default: official)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};

	r = parse_options(argc, argv, opts, usage_line, &npos);
	if (r == OPT_HELP_SHOWN) {
		printf("\nmeasures (printed in this order):");
		for (id = 0; id < M__COUNT; id++)
			printf(" %s", meas_defs[id].name);
		printf("\n'official' names the default set: runid num_q num_ret num_rel num_rel_ret\n"
		       "map gm_map Rprec bpref recip_rank iprec_at_recall P.\n");
		ret = EXIT_OK;
		goto out;
	}
	if (r < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (npos != 2) {
		error("expected QRELS and RUN (see 'receval trec --help')");
		ret = EXIT_USAGE;
		goto out;
	}
	if (max_ret < 0) {
		error("option '-M' expects a number >= 0, not %ld", max_ret);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-")) {
		error("QRELS and RUN cannot both be read from stdin");
		ret = EXIT_USAGE;
		goto out;
	}
	if (select_measures(t->meas, mlist.n ? &mlist : &official, &args, &nargs) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	for (id = 0; id < M__COUNT; id++) {
		if (!t->meas[id].on)
			continue;
		if (measure_init(&t->meas[id], (enum meas_id)id, args, nargs) < 0) {
			ret = EXIT_USAGE;
			goto out;
		}
		t->meas[id].first = t->nvals;
		t->nvals += t->meas[id].nvals;
	}
	t->level = level;
	t->max_ret = max_ret;
	t->complete = complete;
	t->nthreads = thread_count();
	t->page = (uintptr_t)sysconf(_SC_PAGESIZE);

	t->qr.in.path = argv[0];
	t->run.path = argv[1];
	if (input_load(&t->qr.in) < 0 || qrels_parse(&t->qr) < 0 ||
	    input_load(&t->run) < 0 || run_parse(t) < 0 || evaluate(t) < 0) {
		ret = EXIT_INPUT;
		goto out;
	}
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	print_rows(t, per_query, !nosummary);
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write the output: %s", strerror(errno));
		ret = EXIT_INPUT;
	}
out:
	for (i = 0; i < nargs; i++) {
		free(args[i].name);
		free(args[i].params);
	}
	free(args);
	free(mlist.v);
	for (id = 0; id < M__COUNT; id++)
		measure_release(&t->meas[id]);
	qrels_release(&t->qr);
	if (t->run.buf)
		input_release(&t->run);
	free(t->qstart);
	free(t->docs);
	free(t->eval_q);
	free(t->rows);
	free(t);
	return ret;
}
