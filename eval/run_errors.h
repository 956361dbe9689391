/* run_errors.h: failed requests while a run goes: said on stderr early, a stop after repeated identical connection failures, a summary by cause at the end. */
#ifndef RUN_ERRORS_H
#define RUN_ERRORS_H

#include <stdio.h>
#include "adapters/adapter.h"
#include "eval/store.h"

/* Consecutive connection failures with one cause (each after its retries) that stop a run early. */
#define ERRWATCH_SAME_MAX 8

/* What one run's requests have done so far. */
struct error_watch {
	const char *model;   /* for messages */
	int quiet;
	size_t answers;      /* answers the model sent (cached ones are not counted) */
	size_t errors;       /* of them, failed */
	size_t next_note;    /* the error count at which stderr hears again */
	size_t same;         /* consecutive connection failures with the cause below */
	char *cause;         /* error_cause() of the latest connection failure */
	char *stop;          /* why the run stops (a fatal answer, or an early stop); NULL while it goes */
	/* --max-cost: the subject's price (USD per million tokens) and what its answers cost so far */
	double max_cost;     /* 0: no limit */
	double price_in, price_out;
	double spent;
	size_t priced;       /* answers whose cost is in spent */
};

void errwatch_init(struct error_watch *w, const char *model, int quiet);
void errwatch_release(struct error_watch *w);

/*
 * Note answer a of the model (not from the cache). The first failure is
 * said on stderr at once with its cause, and again at 10, 100, 1000...
 * failures. Returns 1 when the run should stop now: ERRWATCH_SAME_MAX
 * connection failures in a row with one cause (w->stop says so, printed).
 */
int errwatch_answer(struct error_watch *w, const struct llm_answer *a);

/*
 * Add what the subject's answer a cost to w->spent (its reported tokens
 * at w's price; an answer without usage is charged the mean so far).
 */
void errwatch_charge(struct error_watch *w, const struct llm_answer *a);

/*
 * --max-cost: whether sending one more request, with in_flight already
 * sent and unanswered, may spend more than w->max_cost (each request
 * costing the mean of those answered). The first time, w->stop says so
 * (printed). 0 without a limit.
 */
int errwatch_over_budget(struct error_watch *w, size_t in_flight);

/* The run stops for why (a fatal answer, already printed): kept in w->stop if it is the first reason. */
void errwatch_stop(struct error_watch *w, const char *why);

/*
 * The cause of a stored error message, the part that does not change from
 * one request to the next: its text before the server's own words
 * ("HTTP 500 after 6 attempts" of "HTTP 500 after 6 attempts: boom").
 * Caller frees.
 */
char *error_cause(const char *error);

/*
 * One line on f about run's samples stored as errors, grouped by cause,
 * most frequent first, each with an example of the full message:
 * "run 3: 20 of 20 samples failed: 20 × HTTP 500 after 6 attempts (HTTP 500
 * after 6 attempts: boom)". Nothing when none failed. Returns how many
 * failed, or -1 after printing a store error.
 */
long run_errors_summary(FILE *f, struct store *s, int64_t run);

#endif
