/* rowfind.h: finding one (task, metric) among a run's aggregated metrics or a comparison's rows (gate, report, plot). */
#ifndef ROWFIND_H
#define ROWFIND_H

#include "eval/store.h"
#include "eval/compare.h"

/*
 * The row of (task, metric) in rows[0..n) (the first, if twice), or NULL.
 * Borrowed from rows. Hashed after the first lookup in a long array: rows
 * must not change while they are looked up, and an array freed otherwise
 * than by metric_rows_free() must be passed to rowfind_forget() first.
 */
const struct metric_row *metric_row_find(const struct metric_row *rows, size_t n, const char *task,
					 const char *metric);
/*
 * Every row of task lies in rows[*begin..*end) (begin == end: none); rows
 * of other tasks may lie between them. Hashed like metric_row_find().
 */
void metric_rows_task(const struct metric_row *rows, size_t n, const char *task, size_t *begin, size_t *end);
/* Drop the index of rows, which are about to be freed (metric_rows_free() calls it). */
void rowfind_forget(const void *rows);

/* The row of (task, metric) in c, or NULL (also when c is NULL). Borrowed from c; hashed likewise (comparison_release() forgets it). */
const struct compare_row *compare_row_find(const struct comparison *c, const char *task, const char *metric);

#endif
