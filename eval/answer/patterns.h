/* patterns.h: the PCRE2 patterns answer reading matches with, compiled once per process, and matching with them. */
#ifndef PATTERNS_H
#define PATTERNS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "lib/util.h"

/*
 * The patterns. All are compiled once per grounder, in byte mode (not
 * UTF: any byte string is a valid subject, and non-ASCII punctuation is
 * written as its UTF-8 bytes), and JIT-compiled where PCRE2 can.
 */
enum pat_id {
	P_THINK_TAG,    /* <think>, </think> and their cousins */
	P_END,          /* RecLM-eval's <end>, and chat-template end tokens */
	P_FENCE,        /* a ``` fence line */
	P_LINK,         /* a markdown link [text](url) */
	P_JSON,         /* where a JSON array or object may start */
	P_MARKER,       /* a list marker opening a line: 1. 1) (1) [1] #1 1: 1 - and bullets */
	P_LETTER,       /* a letter marker opening a line: "C. ", "(C) ", "C) ", "**C**" */
	P_REFS_NUM,     /* a line of candidate numbers only: "3", "3, 1, 2", "3 > 1 > 2" */
	P_REFS_ANY,     /* the same with letters: "C", "C, A, B" */
	P_REF,          /* one reference in such a line */
	P_INNER_REF,    /* "[3] Title", "Candidate 3: Title" */
	P_INNER_LETTER, /* "(C) Title", "Option C: Title" */
	P_LABEL,        /* "Title: ", "**Movie:** ", "Ranking: " */
	P_YEAR,         /* "(1995)" */
	P_CHATTER,      /* a line of talk, not of titles */
	P_LEAD,         /* "I'd recommend ", "You might enjoy " before titles */
	P_SPAN,         /* a quoted, bold or italic span */
	P_MC_ANSWER,    /* "Answer: C", "the answer is (C)", "Option C" */
	P_MC_ALONE,     /* an answer that is one letter or number */
	P_MC_LEAD,      /* "C. ...", "(C) ...", "**C** ..." at the start */
	P_MC_MARKED,    /* "(C)" or "**C**" anywhere */
	P_MC_STANDALONE,/* a capital letter standing alone in a sentence */
	P_COUNT
};

/*
 * One thread's matcher: the shared compiled patterns and its own match
 * data. rx_init() compiles the patterns at the first call in the process
 * (they are read-only after, and never freed); rx_release() frees the
 * match data.
 */
struct rx {
	const struct patterns *p;
	pcre2_match_data *md;
};

void rx_init(struct rx *x);
void rx_release(struct rx *x);

/* Match pattern id against s[0..n) from start; 1 when it matches (groups via rx_group()). */
int rx_match(struct rx *x, enum pat_id id, const char *s, size_t n, size_t start);
/* The same, matching only at the start of s (PCRE2 then interprets: its JIT takes no anchoring at match time). */
int rx_match_at_start(struct rx *x, enum pat_id id, const char *s, size_t n);
/* Group i of the last match: 1 and [*b, *e) when set. */
int rx_group(struct rx *x, int i, size_t *b, size_t *e);
/* Where the last match starts and ends. */
size_t rx_start(struct rx *x);
size_t rx_end(struct rx *x);

#endif
