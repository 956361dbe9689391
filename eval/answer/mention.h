/* mention.h: what every part of answer reading shares: how an element was grounded, and the record of one element. */
#ifndef MENTION_H
#define MENTION_H

#include "lib/util.h"

/* How many bytes and items of one answer are read; the rest is ignored. */
#define ANSWER_MAX_BYTES (64 * 1024)
#define ANSWER_MAX_ITEMS 1000

/* No catalogue item: an element that grounds to nothing. */
#define NO_ITEM UINT32_MAX

enum ground_how { GROUND_NONE, GROUND_EXACT, GROUND_NORMALIZED, GROUND_FUZZY, GROUND_NUMBER, GROUND_LETTER };
/* "none", "exact", "normalized", "fuzzy", "number", "letter" */
const char *ground_how_name(enum ground_how how);

/* One title's grounding. */
struct match {
	uint32_t item;          /* NO_ITEM when none */
	enum ground_how how;
	double score;
};

struct grounded {
	char *text;          /* the extracted text (owned), as it appeared, trimmed */
	uint32_t item;       /* catalogue index, or UINT32_MAX when it grounds to nothing */
	enum ground_how how;
	double score;        /* 1 for exact/normalized/number/letter; the similarity for fuzzy; 0 for none */
	int in_candidates;   /* with candidates given: 1 when item is one of them */
};

/* Free n records and the array (NULL is fine). */
void grounded_free(struct grounded *v, size_t n);

#endif
