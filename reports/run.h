/* run.h: a run's aggregated metrics as JSON and CSV, for `receval show`. */
#ifndef REPORTS_RUN_H
#define REPORTS_RUN_H

#include <stdio.h>
#include "eval/store.h"

/*
 * One JSON object (DESIGN.md, `show --format json`), indented, and a
 * newline: {"run": {"id", "suite", "model", "status", "started_at",
 * "finished_at", "samples", "errors", "seed", "version", "config"},
 * "metrics": {TASK: {METRIC: {"value", "ci_low", "ci_high", "n"}}}};
 * NaN and infinite values as null. With s, the run's part of the whole
 * too (reports/scale.h). 0, or -1 after printing a store error.
 */
int run_write_json(FILE *f, struct store *s, const struct run_info *run, const struct metric_row *rows, size_t n);
/* The same object appended to sb (receval serve's /api/runs/ID: the same bytes). 0 or -1. */
struct strbuf;
int run_add_json(struct strbuf *sb, struct store *s, const struct run_info *run, const struct metric_row *rows,
		 size_t n);

/* A header, then one CSV line per row: run_id,model,task,metric,value,ci_low,ci_high,n. */
void run_write_csv(FILE *f, const struct run_info *run, const struct metric_row *rows, size_t n);

#endif
