/* dry.h: `run --dry-run`: a stand-in for a language model that sends nothing, counts the requests a run would make and keeps the first of each task. */
#ifndef DRY_H
#define DRY_H

#include <stdio.h>
#include "adapters/adapter.h"

/* The stand-in: answers every chat request with "" and every embedding with a constant vector, at once. */
extern const struct adapter dry_adapter;

/*
 * A stand-in for the model named label (for the report) whose chat answers
 * could take up to max_tokens (0: the 256 receval's rate limiter assumes).
 * Free with dry_adapter.free().
 */
struct model *dry_model_new(const char *label, long max_tokens);

/* The requests from now on are task's (its first one is kept to show). */
void dry_set_task(struct model *m, const char *task);

/*
 * Print what m counted to f, per task: requests, estimated prompt tokens
 * (bytes / 4 of the text sent), the most completion tokens, the first
 * request; then the totals and, at price (USD per million tokens; NAN:
 * unknown), the most they would cost.
 */
void dry_report(FILE *f, struct model *m, double price_in, double price_out);

#endif
