/* extract.h: finding the items an answer lists (list entries, JSON, titles in prose, candidate numbers and letters) in raw text. */
#ifndef EXTRACT_H
#define EXTRACT_H

#include "eval/answer/mention.h"
#include "eval/answer/patterns.h"

/*
 * What extraction asks of a catalogue, without knowing one: extraction
 * decides where a title ends, whether a line is one title or a list, by
 * asking whether a piece of text grounds. A grounder provides these (see
 * answer_read() in ground.c); without a resolver nothing grounds, and
 * every element is reported as text (GROUND_NONE) or as the candidate a
 * number or letter names.
 */
struct resolver {
	/* Exact or normalised match of the title s[0..n) (trimmed, at most 300 bytes): 1 and *m filled when it grounds. */
	int (*strict)(void *ctx, const char *s, size_t n, struct match *m);
	/* The same, fuzzily; tried after strict() failed. */
	int (*fuzzy)(void *ctx, const char *s, size_t n, struct match *m);
	/* 1 when item is one of the candidates; NULL: extraction looks in its candidate list. */
	int (*in_cand)(void *ctx, uint32_t item);
	void *ctx;
};

/*
 * Extract the listed items of answer[0..len) in order (the rules are
 * answer_read()'s, in ground.h), grounding each title through res (may be
 * NULL). cand (n_cand ids, or NULL) are the candidates numbers and, with
 * letters != 0, letters name. *out is allocated (free it with
 * grounded_free(), also when 0 is returned); returns the count, 0 when
 * nothing could be extracted.
 */
size_t extract_items(struct grounded **out, const char *answer, size_t len, const uint32_t *cand, size_t n_cand,
		     int letters, const struct resolver *res);

/*
 * The readable text of an answer: at most ANSWER_MAX_BYTES, NUL and other
 * control bytes made spaces, CR LF made LF, reasoning blocks dropped,
 * <end> tokens made line breaks, markdown links made their text, ```
 * fences dropped. Returns a new string the caller frees, with its length
 * in *out_n.
 */
char *extract_prepare(struct rx *x, const char *answer, size_t len, size_t *out_n);

/* s[0..*n) without white space at either end. */
static inline void text_trim(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;

	while (p < e && isspace((unsigned char)*p))
		p++;
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	*s = p;
	*n = (size_t)(e - p);
}

#endif
