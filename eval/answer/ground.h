/* ground.h: reading a language model's answer: extracting the items it lists and grounding each in catalogue ids. */
#ifndef GROUND_H
#define GROUND_H

#include "lib/util.h"
#include "eval/data/dataset.h"

/*
 * The least trigram similarity (Dice) a fuzzy match needs when
 * grounder_new() is given no threshold of its own (0 or less). Chosen on
 * the messy-answer corpus (tests/fixtures/answers): precision is guarded
 * by the edit check below, so the threshold trades recall for speed; the
 * corpus loses nothing at 0.6, one item at 0.65, three at 0.7.
 */
#define GROUND_FUZZY_DEFAULT 0.6

/* How many bytes and items of one answer are read; the rest is ignored. */
#define ANSWER_MAX_BYTES (64 * 1024)
#define ANSWER_MAX_ITEMS 1000

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

enum ground_how { GROUND_NONE, GROUND_EXACT, GROUND_NORMALIZED, GROUND_FUZZY, GROUND_NUMBER, GROUND_LETTER };
/* "none", "exact", "normalized", "fuzzy", "number", "letter" */
const char *ground_how_name(enum ground_how how);

struct grounded {
	char *text;          /* the extracted text (owned), as it appeared, trimmed */
	uint32_t item;       /* catalogue index, or UINT32_MAX when it grounds to nothing */
	enum ground_how how;
	double score;        /* 1 for exact/normalized/number/letter; the similarity for fuzzy; 0 for none */
	int in_candidates;   /* with candidates given: 1 when item is one of them */
};

/*
 * Read an answer: extract the listed items in order, then ground each.
 *
 * Extraction drops reasoning (<think>…</think>, and everything after an
 * unterminated <think> at the start), reads a JSON array (of strings,
 * numbers or {"title": ...} objects) when the answer holds one, splits
 * RecLM-eval's <end> delimiter, and otherwise reads lines: when some lines
 * are list items (1. 1) #1 [1] - * • ...), only those of the first list's
 * kind and depth are read, so preambles, epilogues and indented comments
 * are skipped; without a list, every line that is not chatter ("Here are
 * ...:", "I hope you enjoy these!") is read, and prose sentences give up
 * their quoted or bold titles and "Title (Year)" mentions. An element
 * loses its markup (**bold**, *italics*, quotes) and its commentary
 * ("Toy Story (1995) - a classic", "Heat: because ..."); a line splits on
 * commas only when it does not ground as a whole and its parts do.
 *
 * When cand != NULL (ranking, mc), a number 1..n_cand alone, or marking a
 * list whose numbers are not simply 1, 2, 3, ..., names that candidate
 * (GROUND_NUMBER); with letters != 0 so do the letters A.. of the first 26
 * (GROUND_LETTER). A title is looked for among the candidates first
 * (exact, then normalised), then in the whole catalogue (exact, then
 * normalised), then fuzzily among the candidates, then fuzzily in the
 * whole catalogue: a title the catalogue knows exactly is never bent into
 * a candidate it is not. An item found outside the candidates has
 * in_candidates = 0 (an out-of-candidate answer). Without cand
 * (retrieval), the whole catalogue.
 *
 * Every extracted element is reported, in order, repeats included; one
 * that grounds to nothing has item UINT32_MAX (a hallucination). *out is
 * allocated (free it with grounded_free(), also when 0 is returned) and
 * the count returned; 0 means nothing could be extracted: a parse failure.
 * Reads at most ANSWER_MAX_BYTES of answer and ANSWER_MAX_ITEMS items;
 * any bytes are safe (NUL, invalid UTF-8: len is what counts).
 */
size_t answer_read(struct grounded **out, const struct grounder *g, const char *answer, size_t len,
		   const uint32_t *cand, size_t n_cand, int letters);
void grounded_free(struct grounded *v, size_t n);

/*
 * Multiple choice: the single candidate the answer picks (0-based), or -1
 * when it picks none or is ambiguous. Read in this order: an explicit
 * "Answer: C" / "the answer is (C)" / "Option C" (the last one given);
 * an answer that is only a letter or a number ("C", "(c)", "**C**", "3");
 * a leading marker ("C. Title", "(C) ...", "C) ..."); letters in brackets
 * or bold anywhere ("(C)", "**C**"), if they name one candidate; then
 * stand-alone capital letters in sentences and titles grounded among the
 * candidates, which must agree on one candidate. The article "A" and the
 * pronoun "I" inside a sentence are never read as answers.
 */
int answer_choice(const struct grounder *g, const char *answer, size_t len, const uint32_t *cand,
		  size_t n_cand);

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

#endif
