/* grounder.h: the catalogue index that grounds a title (exact, normalised, trigram-fuzzy) in catalogue item ids. */
#ifndef GROUNDER_H
#define GROUNDER_H

#include "lib/strbuf.h"
#include "eval/data/dataset.h"
#include "eval/answer/mention.h"

/*
 * The least trigram similarity (Dice) a fuzzy match needs when
 * grounder_new() is given no threshold of its own (0 or less). Chosen on
 * the messy-answer corpus (tests/fixtures/answers): precision is guarded
 * by the edit check below, so the threshold trades recall for speed; the
 * corpus loses nothing at 0.6, one item at 0.65, three at 0.7.
 */
#define GROUND_FUZZY_DEFAULT 0.6

/*
 * An index over a dataset's catalogue, read-only once built: any number of
 * threads may read answers against one grounder at the same time.
 *
 * Each item has keys: its normalised title (ground_normalize()), and for
 * MovieLens-style titles also the title without its trailing groups and
 * each group's text ("Seven (a.k.a. Se7en) (1995)": "seven", "se7en"),
 * and, weaker, its main title and subtitles ("Star Wars: Episode IV - A
 * New Hope": "star wars", "episode 4 a new hope", "new hope", "star wars
 * a new hope"); an item's own or alternative title wins over another
 * item's main title or subtitle.
 *
 *   exact       the title byte for byte (items without a title: their id)
 *   normalized  the normalised text equals a key, the year aside ("Toy
 *               Story" and "Toy Story (1994)" both name Toy Story (1995));
 *               a bare trailing year counts as one ("Heat 1995")
 *   fuzzy       Dice similarity of the sets of character trigrams of the
 *               normalised strings (padded with a space at each end),
 *               2|A∩B| / (|A| + |B|), at least the threshold, and the best
 *               such; candidates come from an inverted index trigram →
 *               keys with prefix and positional filtering (PPJoin), never
 *               from a scan of the catalogue. A fuzzy match must also pass
 *               three guards: the two strings (spaces left out) are
 *               within 20% edits of each other (optimal string alignment:
 *               a swap of two letters is one edit), they carry the same
 *               numbers ("Toy Story 3" is not "Toy Story 2", "Rocky IV"
 *               is not "Rocky"), and when both give a year they are at
 *               most a year apart. Titles under 5 normalised characters
 *               are never matched fuzzily, nor keys that are only main
 *               titles or subtitles.
 *
 * Where several items share a key (remakes), the one whose year is
 * nearest the answer's wins, then an item's own title over an
 * alternative, then the lowest catalogue index (an answer without a year:
 * the lowest index). Between fuzzy matches of equal score, the lower
 * catalogue index wins.
 */
struct grounder;

/*
 * Build the index over ds's catalogue. fuzzy_threshold in (0, 1]; 0 or
 * less (or NaN) means GROUND_FUZZY_DEFAULT, above 1 is 1. ds must outlive
 * the grounder (titles are kept by pointer). Free with grounder_free(),
 * once no thread reads with it any more.
 */
struct grounder *grounder_new(const struct dataset *ds, double fuzzy_threshold);
void grounder_free(struct grounder *g);
/* The threshold the grounder uses. */
double grounder_threshold(const struct grounder *g);

/*
 * Ground one title (no extraction: the whole text is the title), as
 * answer_read() grounds each element, candidates first when given. Fills
 * *out, whose text the caller frees (free(out->text)); returns 1 when it
 * grounded, 0 when not (out->item UINT32_MAX).
 */
int ground_title(struct grounded *out, const struct grounder *g, const char *text, size_t len,
		 const uint32_t *cand, size_t n_cand);

/*
 * The normalised form of a title, as the grounder compares them: the
 * trailing year "(1995)" taken off (into *year, 0 when none; year may be
 * NULL), a trailing article after a comma ("Godfather, The") or a leading
 * one ("The Godfather") removed (the, a, an, les, la, le, l', il, das,
 * der, die, el, los, las), Latin-1 and Latin Extended-A letters folded to
 * ASCII (é→e, ß→ss, æ→ae, ø→o, œ→oe), case folded, apostrophes and
 * periods dropped ("Schindler's" → "schindlers", "L.A." → "la"), "&" read
 * as "and", Roman numerals II–XX as numbers, every other punctuation mark
 * a space, spaces collapsed. Returns a new string the caller frees.
 */
char *ground_normalize(const char *title, size_t len, int *year);

/* The Dice similarity of the trigram sets of two normalised strings (see above), in [0, 1]. */
double ground_similarity(const char *a, const char *b);

/* ---------------------------------------------------------------- look-ups, one answer at a time */

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

#endif
