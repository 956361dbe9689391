/* table.h: terminal tables of run metrics, one run or several side by side. */
#ifndef TABLE_H
#define TABLE_H

#include <stdio.h>
#include "eval/store.h"
#include "eval/shard.h"

/* One run: a header line, then task, metric, value, 95% interval and n per row. */
void table_run(FILE *f, const struct run_info *run, const struct metric_row *rows, size_t n);

/*
 * Several runs side by side: a row per (task, metric) found in any run, a
 * column per run with the value and its interval ("-" where a run lacks it).
 */
void table_runs(FILE *f, const struct run_info *runs, struct metric_row *const *rows,
		const size_t *n_rows, size_t n_runs);

/* Runs as a list: id, status, suite, model, samples, errors, start. */
void table_list(FILE *f, const struct run_info *runs, const struct run_scale *scale, size_t n);

#endif
