/* titles.h: titles named in free text (an explanation): title-like spans to ground, and whether a known title is named. */
#ifndef TITLES_H
#define TITLES_H

#include "lib/util.h"

/* A title-like span of a text: text[off .. off + len). */
struct title_span {
	size_t off, len;
	int quoted;          /* 1: between quotes; 0: a "Title (Year)" */
};

/*
 * The title-like spans of text, in order, each text once:
 *   quoted      between "..." or “...”, 2 to 150 bytes on one line,
 *               starting with a capital letter or a digit
 *   Title (Year)  a run of words before "(YYYY)" (1870..2099), each
 *               capitalised or a digit, or a short joining word (of,
 *               the, and, in, on, a, an, to, for, with, from, at, by,
 *               de, la, le, vs, &, -, :) between such words; the span
 *               ends with the year; spans inside a quoted one are left out
 * *out is allocated (free it), the count returned. Reads at most
 * ANSWER_MAX_BYTES-sized texts as the grounder does (the caller cuts).
 */
size_t title_spans(struct title_span **out, const char *text, size_t len);

/*
 * Whether norm_text (a text put through ground_normalize()) names title:
 * its normalised form (year aside), or that of its part before the first
 * " (" (MovieLens' alternative titles: "Seven (a.k.a. Se7en)"), appears
 * in norm_text as whole words. Titles under 3 normalised characters are
 * never found (too many false hits).
 */
int title_named(const char *norm_text, const char *title);

#endif
