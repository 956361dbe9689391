/* index.h: the grounder's catalogue index and the title normalisation it is built on; internal to eval/answer's grounder files. */
#ifndef INDEX_H
#define INDEX_H

#include <pthread.h>
#include "eval/answer/grounder.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"

/* Normalised titles longer than this are not compared fuzzily (nor indexed for it). */
#define FUZZY_MAX_LEN 200
/* Nor shorter than this: a typo in a four-letter title could be any title. */
#define FUZZY_MIN_LEN 5
/*
 * Per item: its normalised title, the title without its trailing
 * parenthesised groups ("(a.k.a. ...)", a title in another language),
 * the text of each of those groups (up to three), and its main title and
 * subtitles (see title_keys()).
 */
#define KEYS_PER_ITEM 10
#define MAX_ALT_GROUPS 3
/*
 * A fuzzy match must also be close in edits: the optimal-string-alignment
 * distance (Levenshtein with transpositions) of the two normalised titles,
 * spaces left out, at most this share of the longer one. Trigram Dice
 * forgives a title with words added ("Mission: Impossible - Fallout" has
 * 0.78 with "Mission: Impossible") and punishes a swapped pair of letters
 * in a short title ("Pulp Fictoin" has 0.67); edits do the opposite.
 */
#define FUZZY_EDIT_SHARE 0.2
/* When both sides give a year, a fuzzy match must agree with it this closely. */
#define FUZZY_YEAR_SLACK 1
#define EPS 1e-9


struct kentry {
	uint32_t item;
	int16_t year;     /* 0: none */
	uint8_t alt;      /* 0: the item's own normalised title; 1: an alternative title; 2: a main title or subtitle */
};

/*
 * One posting: a key holding the trigram in its prefix. Each list is
 * sorted by the key's length without spaces, so a look-up reads only the
 * keys whose length the edit bound allows (FUZZY_EDIT_SHARE): a binary
 * search, then a short run.
 */
struct posting {
	uint32_t key;
	uint8_t len;      /* the key's length without spaces */
	uint8_t numh;     /* a byte of its number signature (0: no numbers): unequal bytes, unequal numbers */
	uint8_t pos;      /* the trigram's place among the key's ranks (positional filtering) */
	uint8_t size;     /* the key's trigram count */
};

/* What verifying a fuzzy candidate reads of its key, together. */
struct keyinfo {
	uint32_t tri;     /* its ranks are ktri[tri .. tri + size) */
	uint32_t size;
	uint64_t num;     /* number signature */
};

static inline uint8_t num_byte(uint64_t num)
{
	return num ? (uint8_t)(1 + num % 255) : 0;
}
_Static_assert(FUZZY_MAX_LEN + 2 <= 255, "trigram places, counts and lengths fit a byte");

struct grounder {
	const struct dataset *ds;
	double thr;
	struct strmap exact;          /* title (id for untitled items) → lowest item index */
	struct strmap norm;           /* normalised title → key id */
	char *keybuf;                 /* every key, NUL-terminated, back to back */
	uint32_t n_keys;
	uint32_t *key_at;             /* [n_keys]: offset of key k in keybuf */
	uint32_t *kent_off;           /* [n_keys + 1]: key k's items are kent[kent_off[k] ..) */
	struct kentry *kent;
	uint32_t *item_keys;          /* [n_items * KEYS_PER_ITEM]: key ids, NO_ITEM when fewer */
	int16_t *item_year;           /* [n_items] */

	/*
	 * fuzzy: trigrams are numbered by rank, rarest first (fewest keys hold
	 * them; ties by first appearance). Per key, its distinct trigram ranks,
	 * ascending, and its number signature.
	 */
	uint32_t *ktri_off, *ktri;
	uint64_t *knum;
	struct keyinfo *kinfo;
	/* trigram code (3 bytes) → rank, open addressing; code + 1 stored, 0 is empty */
	uint32_t *tri_code, *tri_id;
	size_t tri_mask;
	uint32_t n_tri;
	/*
	 * postings: trigram rank → the keys whose prefix holds it, ascending. A
	 * key's prefix is its rarest b - ceil(t b / (2 - t)) + 1 trigrams: two
	 * sets with Dice >= t share at least that many fewer than their size,
	 * so they share a trigram inside both prefixes (prefix filtering, as in
	 * PPJoin). Common trigrams stay out of the postings.
	 */
	uint32_t *post_off;
	struct posting *post;

	/*
	 * Scratch for catalogue-wide fuzzy look-ups, one per answer being read
	 * at a time, kept between answers: a stamped array over the keys needs
	 * no clearing, and allocating it for every answer cost more than the
	 * look-ups (see struct fuzzy_scratch in extract.h).
	 */
	struct scratch_pool {
		pthread_mutex_t lock;
		struct fuzzy_scratch *free;
	} *pool;
};

/* ---------------------------------------------------------------- normalisation (normalize.c) */

/* Trim s[0..*n) of white space and NUL bytes at both ends. */
void title_trim(const char **s, size_t *n);
/* A trailing "(1995)" or "[1995]": the year (1870..2099), and *n cut before it; else 0. */
int strip_year(const char *s, size_t *n);
/* Append the normalised form of s[0..n) to out (see ground_normalize()); returns the trailing year or 0. */
int normalize_into(struct strbuf *out, const char *s, size_t n);
/* The number signature of a normalised string: a hash of its all-digit words, in order; 0 without any. */
uint64_t number_sig(const char *s, size_t n);
/* The sorted distinct trigram codes of " s " into out (room for n + 2); returns how many. */
size_t trigrams(const char *s, size_t n, uint32_t *out);

/* ---------------------------------------------------------------- shared by building and look-ups */

/*
 * The slot of a trigram code (3 bytes) in the code → rank table. A
 * multiplicative hash of one integer, not str_hash(): the table is probed
 * for every trigram of every fuzzy look-up, and FNV-1a over three bytes
 * would cost a loop where this is two operations.
 */
static inline size_t tri_slot(uint32_t code, size_t mask)
{
	return (size_t)((code * 2654435761u) ^ (code >> 13)) & mask;
}

/* The fewest trigrams a set of size b shares with any set it has Dice >= t with. */
static inline size_t min_overlap(double t, size_t b)
{
	size_t m = (size_t)ceil(t * (double)b / (2 - t) - EPS);
	return m ? m : 1;
}

static inline void sort_u32(uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

#endif
