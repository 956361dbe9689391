/* rowfind.h: finding one (task, metric) among a run's aggregated metrics or a comparison's rows (gate, report, plot). */
#ifndef ROWFIND_H
#define ROWFIND_H

#include "eval/store.h"
#include "eval/compare.h"

/* The row of (task, metric) in rows[0..n), or NULL. Borrowed from rows. */
const struct metric_row *metric_row_find(const struct metric_row *rows, size_t n, const char *task,
					 const char *metric);

/* The row of (task, metric) in c, or NULL (also when c is NULL). Borrowed from c. */
const struct compare_row *compare_row_find(const struct comparison *c, const char *task, const char *metric);

#endif
