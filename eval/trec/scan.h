/* scan.h: the input files of the trec engine and the byte-level scanning and docno keys shared by its readers (internal to eval/trec). */
#ifndef TREC_SCAN_H
#define TREC_SCAN_H

#include "lib/util.h"

/* A query index meaning "not a query of the qrels". */
#define TREC_NO_QUERY UINT32_MAX

/*
 * A whole input file in memory: mapped when it is a regular file, else read
 * (stdin). Fields are never copied: the readers keep offsets into buf.
 */
struct trec_input {
	const char *path;   /* as given; "-" is stdin */
	const char *name;   /* for messages */
	const char *buf;
	size_t len;
	size_t map_len;     /* > 0 when buf is a mapping */
};

/*
 * Map or read in->path; sets name, buf, len. Returns 0, or -1 after a
 * message when the file cannot be opened or read or is over 4 GiB (documents
 * are kept as 32-bit offsets). The caller releases it either way.
 */
int trec_input_load(struct trec_input *in);

/* Unmap or free the contents; in may be loaded or not. */
void trec_input_release(struct trec_input *in);

/* The line number of byte off of in, counted from 1 (for messages). */
long trec_line_of(const struct trec_input *in, size_t off);

/* strcmp() order of two strings given by pointer and length (docnos hold no NUL) */
static inline int str_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
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
static inline size_t key_name(uint64_t k, const struct trec_input *in, char tmp[8],
			      const char **s)
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
static inline int key_same(uint64_t a, const struct trec_input *ia, uint64_t b,
			   const struct trec_input *ib)
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
static inline int key_cmp(uint64_t a, uint64_t b, const struct trec_input *in)
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

/* Equal bytes? (short qids are compared inline) */
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

/* A qid's key in the qids table: packed as doc_key() packs docnos, else a hash with the top byte 0. */
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

#endif
