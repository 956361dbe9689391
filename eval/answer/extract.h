/* extract.h: what answer extraction (extract.c) and the catalogue index (ground.c) share; internal to those two files. */
#ifndef EXTRACT_H
#define EXTRACT_H

#include "eval/answer/ground.h"
#include "lib/strbuf.h"

#define NO_ITEM UINT32_MAX

/* One title's grounding. */
struct match {
	uint32_t item;          /* NO_ITEM when none */
	enum ground_how how;
	double score;
};

/* The last few fuzzy look-ups of one answer, by normalised title and year. */
#define FUZZY_MEMO 4
struct fuzzy_memo {
	struct strbuf norm;
	int year, valid, found;
	struct match m;
};

/*
 * Per key, one word of a catalogue-wide fuzzy look-up (see fuzzy_norm()):
 * whose look-up it is (stamp), and how far it got. Lent by the grounder to
 * one answer at a time and given back, so the array is allocated once, not
 * per answer, and never cleared (stamps wrap every 255 look-ups).
 */
struct fuzzy_scratch {
	uint32_t *seen;             /* [n_keys] */
	uint32_t stamp;
	struct fuzzy_scratch *next; /* in the pool */
};

/*
 * The state of reading one answer against a grounder: the candidates (if
 * any) and scratch space, so the grounder itself stays read-only and
 * shareable between threads. Initialise with gctx_init(), release with
 * gctx_release().
 */
struct gctx {
	const struct grounder *g;
	const uint32_t *cand;       /* NULL: the whole catalogue */
	size_t n_cand;
	uint32_t *cand_sorted;      /* a sorted copy for membership tests */

	/* the last title normalised, so strict and fuzzy grounding share the work */
	struct strbuf last_in, last_norm;
	int last_year, last_valid;

	/* fuzzy scratch */
	uint32_t *tri, *qid;
	uint32_t *keys;             /* the keys one catalogue look-up considers */
	size_t tri_alloc, keys_alloc;
	struct fuzzy_scratch *fs;   /* from the grounder's pool at the first catalogue-wide look-up */
	struct strbuf tmp;
	struct fuzzy_memo memo[FUZZY_MEMO];
	size_t memo_next;
};

void gctx_init(struct gctx *cx, const struct grounder *g, const uint32_t *cand, size_t n_cand);
void gctx_release(struct gctx *cx);
/* 1 when item is one of the candidates (0 without candidates). */
int gctx_in_cand(const struct gctx *cx, uint32_t item);

/* Exact and normalised grounding of s[0..n); 1 and *m filled when it grounds. */
int ground_strict(struct gctx *cx, const char *s, size_t n, struct match *m);
/* Fuzzy grounding (candidates first, then the catalogue); 1 and *m filled when it grounds. */
int ground_fuzzy(struct gctx *cx, const char *s, size_t n, struct match *m);

/* The compiled extraction patterns, owned by the grounder (built in grounder_new()). */
struct patterns;
struct patterns *patterns_new(void);
void patterns_free(struct patterns *p);
const struct patterns *grounder_patterns(const struct grounder *g);
const struct dataset *grounder_dataset(const struct grounder *g);

#endif
