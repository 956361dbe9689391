/* judge.h: pairwise judging in both orders (MT-Bench's prompt and verdicts) of two runs' answers, or of labelled pairs. */
#ifndef JUDGE_H
#define JUDGE_H

#include "eval/store.h"
#include "adapters/adapter.h"
#include "metrics/agreement.h"

/*
 * One pair of answers to judge: x (run A's, or "answer_a") and y (run B's,
 * or "answer_b") to the same question, in one turn or two (MT-Bench's
 * second turn: the judge sees both conversations). The judge is asked
 * twice, x shown first, then y shown first; the answers are filled in
 * by judge_items().
 */
struct judge_item {
	const char *task, *id;
	const char *question[2], *x[2], *y[2];   /* turns: [0], and [1] when turns == 2 */
	size_t turns;
	/* results */
	struct pair_judgment j;          /* verdicts (-1: unreadable or not answered), lengths in words */
	char *raw[2];                    /* the judge's answers, x first then y first */
	char *request[2];                /* the requests as sent (JSON) */
	const char *why[2];              /* why a verdict could not be read (static), or NULL */
	char *error;                     /* the judge could not answer (after its retries), or NULL */
	long tokens_in, tokens_out;      /* both requests; 0 when cached */
	int cached[2];
	double latency_ms[2];
	int answered;                    /* orders answered so far */
};

void judge_item_release(struct judge_item *it);

struct judge_opts {
	const char *judge;               /* the judge's model spec */
	const char *what;                /* what progress calls the pass ("pairwise", "calibration"); NULL: "judge" */
	struct adapter_limits limits;
	int quiet, no_cache;
};

/*
 * Ask the judge about every item in both orders, many requests in flight,
 * through the driver and the cache (store s). done(item, data), when not
 * NULL, is called as each item completes (to store it); a non-zero return
 * stops with EXIT_STORE. Returns EXIT_OK (items the judge could not answer
 * have error set), EXIT_USAGE when the judge cannot be opened, EXIT_MODEL
 * after a fatal answer, EXIT_STORE, or 130 when interrupted.
 */
int judge_items(struct store *s, struct judge_item *items, size_t n, const struct judge_opts *o,
		int (*done)(struct judge_item *it, void *data), void *data);

/* Words of a text (whitespace-separated), the length in length-bias figures. */
size_t judge_words(const char *text);

#endif
