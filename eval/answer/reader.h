/* reader.h: the state of extracting one answer, shared by extract.c, element.c and prose.c; internal to them. */
#ifndef READER_H
#define READER_H

#include "eval/answer/extract.h"
#include "lib/strbuf.h"

/* Longest text tried as one title; longer elements are sentences, not titles. */
#define TITLE_MAX 300
/* Longest line read as one element (a comma list may be long). */
#define ELEMENT_MAX ANSWER_MAX_BYTES
/* Most separators an element is cut at when looking for the title before commentary. */
#define MAX_CUTS 12
/* Most parts a line splits into. */
#define MAX_PARTS ANSWER_MAX_ITEMS

/*
 * What an element that grounds to nothing emits: nothing (0), itself as a
 * hallucinated title (EMIT_WHOLE), or, only when it reads as a list, its
 * parts that ground to nothing (EMIT_PARTS).
 */
#define EMIT_WHOLE 1
#define EMIT_PARTS 2

/* A piece of a line: s[b..e). */
struct part {
	size_t b, e;
};

struct reader {
	struct rx x;
	const struct resolver *res; /* NULL: nothing grounds */
	const uint32_t *cand;       /* NULL: no candidates */
	size_t n_cand;
	int letters;                /* letters name candidates */
	size_t n_letters;           /* how many: min(n_cand, 26) */
	struct grounded *v;
	size_t n, alloc;
};

static inline int rx(struct reader *r, enum pat_id id, const char *s, size_t n, size_t start)
{
	return rx_match(&r->x, id, s, n, start);
}

static inline int rx_at_start(struct reader *r, enum pat_id id, const char *s, size_t n)
{
	return rx_match_at_start(&r->x, id, s, n);
}

static inline int grp(struct reader *r, int i, size_t *b, size_t *e)
{
	return rx_group(&r->x, i, b, e);
}

static inline int starts_with_ci(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	return n >= k && !strncasecmp(s, w, k);
}

static inline size_t count_words(const char *s, size_t n)
{
	size_t i, w = 0;
	int in = 0;

	for (i = 0; i < n; i++) {
		int sp = isspace((unsigned char)s[i]);
		if (!sp && !in)
			w++;
		in = !sp;
	}
	return w;
}

static inline int full(struct reader *r)
{
	return r->n >= ANSWER_MAX_ITEMS;
}

/* ---------------------------------------------------------------- extract.c */

/* 1 when item is one of the candidates. */
int reader_in_cand(struct reader *r, uint32_t item);
/* Report text[0..n) (trimmed, at most TITLE_MAX bytes) as the next element, grounded as m says (NULL: to nothing). */
void reader_emit(struct reader *r, const char *text, size_t n, const struct match *m);
/* The same, ungrounded, when the text holds a word at all. */
void reader_emit_none(struct reader *r, const char *text, size_t n);
/* Report candidate k (1-based), named by a number or letter. */
void reader_emit_ref(struct reader *r, const char *text, size_t n, size_t k, enum ground_how how);
/* A reference token ("3", "C") as a candidate number 1..n_cand; 0 when it names none. */
size_t reader_ref_value(struct reader *r, const char *s, size_t n, enum ground_how *how);
/* A line made only of candidate references: emit them and return 1; else 0. */
int reader_refs(struct reader *r, const char *s, size_t n);

/* ---------------------------------------------------------------- element.c */

/* Ground s[0..n) through the resolver, strictly or fuzzily; 1 and *m filled when it grounds. */
int reader_strict(struct reader *r, const char *s, size_t n, struct match *m);
int reader_fuzzy(struct reader *r, const char *s, size_t n, struct match *m);
/* Read one element: the title in it, its commentary cut, split into a list when its parts ground. */
void reader_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none);
/* Words that may start in lower case inside a title ("Gone with the Wind"). */
int text_small_word(const char *s, size_t n);
/* Copy s[0..n) without markdown emphasis marks into out. */
void text_strip_markup(struct strbuf *out, const char *s, size_t n);
/* Trailing punctuation that ends a sentence, not a title. */
void text_strip_trailing_punct(const char *s, size_t *n);
/* Quotes wrapping the whole element. */
void text_strip_quotes(const char **s, size_t *n);

/* ---------------------------------------------------------------- prose.c */

/* One list item or title line; ref (1-based, with ref_how) is the candidate its marker names, 0 for none. */
void reader_item(struct reader *r, const char *s, size_t n, size_t ref, enum ground_how ref_how, int emit_if_none);
/* One line of an answer without a list. */
void reader_plain(struct reader *r, const char *s, size_t n);

#endif
