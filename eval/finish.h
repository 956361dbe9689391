/* finish.h: finishing a run from what the store holds: aggregates, intervals, run-level figures, cost, status. */
#ifndef FINISH_H
#define FINISH_H

#include "eval/store.h"

/*
 * Finish run: per-sample metrics aggregated into means with bootstrap
 * intervals (seeded by the run's stored seed), each task type's run-level
 * figures (coverage, gini, entropy over its stored rankings), tokens and
 * cost per task (from the stored model spec's price), the position-bias
 * spread of permuted ranking passes, the count of errors, and status
 * ("done", "interrupted", "failed"). It reads only the database — the
 * run's stored configuration and samples — never the dataset, so a
 * resumed run and a merge of shards finish the same way. *errors, if
 * given, gets the number of samples stored as errors. Returns 0, or -1
 * when the store fails or the stored configuration cannot be read.
 */
int run_finish(struct store *s, int64_t run, const char *status, size_t *errors);

#endif
