/* verdict.h: reading a judge model's verdict: pairwise [[A]]/[[B]]/[[C]], single-answer Rating: [[N]], rubric JSON scores. */
#ifndef VERDICT_H
#define VERDICT_H

#include "lib/util.h"

/*
 * A verdict that cannot be read is a judge failure: every reader below
 * returns -1 with *why (a static string, for the stored record) and never
 * guesses. Reasoning is left out first: text up to the last </think>, or
 * all of it when a <think> block is never closed.
 */

/* Which answer a pairwise verdict prefers, as the prompt labelled them. */
enum verdict {
	VERDICT_A,      /* [[A]]: the answer shown first */
	VERDICT_B,      /* [[B]]: the answer shown second */
	VERDICT_TIE,    /* [[C]] */
};

/* "A", "B", "C". */
const char *verdict_name(enum verdict v);

/*
 * MT-Bench's pairwise verdict: [[A]], [[B]] or [[C]] anywhere in the text.
 * The same mark repeated is one verdict; two different marks, or none, is
 * a failure. 0 and *out, or -1.
 */
int verdict_pairwise(enum verdict *out, const char *text, size_t len, const char **why);

/*
 * MT-Bench's single-answer rating: "[[N]]" (N a number, "Rating: [[7]]"),
 * within [lo, hi]. The same rating repeated is one; two different, none,
 * or one off the scale is a failure. 0 and *out, or -1.
 */
int verdict_rating(double *out, const char *text, size_t len, double lo, double hi, const char **why);

/*
 * Rubric scores: the JSON object in the text (fenced or not, prose around
 * it allowed) that has at least one of the aspects as a key (compared
 * without case). Every aspect must be there as a whole number in [lo, hi];
 * other keys ("reason") are ignored. Two such objects that differ, none,
 * an object that is not valid JSON, an aspect missing, not a whole number
 * or off the scale: a failure. 0 with scores[i] for aspects[i], or -1.
 */
int verdict_rubric(long *scores, const char *text, size_t len, const char *const *aspects, size_t n,
		   long lo, long hi, const char **why);

#endif
