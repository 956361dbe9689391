/* runarg.h: the runs a subcommand is given as RUN_ID arguments: parsed, loaded from the store, labelled. */
#ifndef RUNARG_H
#define RUNARG_H

#include "eval/store.h"

/*
 * A run id as typed: a whole number >= 1. 0 and *out set, or -1 after
 * printing "'S' is not a run id (a whole number; see 'receval list')"
 * (a usage error).
 */
int runarg_parse_id(int64_t *out, const char *s);

/*
 * A run id as typed, "latest" (*out = 0) or "latest~N", the run N before
 * the latest by id (*out = -N), which runarg_get_latest() resolves. 0, or
 * -1 after printing "'S' is not a run id (...)" (a usage error).
 */
int runarg_parse(int64_t *out, const char *s);

/*
 * store_get_run() that names a missing run: 1 and *out filled (release with
 * run_info_release()), 0 when there is no run id, -1 on a store error; both
 * failures are printed.
 */
int runarg_get(struct run_info *out, struct store *store, int64_t id);

/*
 * runarg_get() of *id, where 0 means the latest run and -N the run N
 * before it: *id is set to it. A store without such a run: 0, printed.
 */
int runarg_get_latest(struct run_info *out, struct store *store, int64_t *id);

/* A run of a report of several runs (`receval report`, `receval plot`). The struct owns everything. */
struct runarg_run {
	struct run_info info;
	struct metric_row *rows;  /* its aggregated metrics (store_get_run_metrics()) */
	size_t n_rows;
	char *label;              /* runarg_label_runs() */
};

/*
 * Parse argv[0..n) with runarg_parse() into runs[i].info.id (runs as
 * zeroed by the caller; "latest" and "latest~N" are resolved by
 * runarg_load_run()). 0, or -1 after printing the first that is not a
 * run id.
 */
int runarg_parse_runs(struct runarg_run *runs, char **argv, size_t n);

/* Load run->info.id's info and aggregated metrics into run: 1, 0 or -1 as runarg_get(). */
int runarg_load_run(struct runarg_run *run, struct store *store);

/*
 * Label each of the loaded runs[0..n) for tables and legends: its model,
 * followed by " (run N)" when another of the runs has the same model.
 */
void runarg_label_runs(struct runarg_run *runs, size_t n);

/* Release the contents of runs[0..n) (not the array). */
void runarg_release_runs(struct runarg_run *runs, size_t n);

#endif
