/* ground.h: reading a language model's answer: extracting the items it lists (extract.h) and grounding each in catalogue ids (grounder.h). */
#ifndef GROUND_H
#define GROUND_H

#include "eval/answer/grounder.h"
#include "eval/answer/choice.h"

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

#endif
