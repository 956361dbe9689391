/* rowfind.c: finding one (task, metric) among a run's aggregated metrics or a comparison's rows. */
#include "eval/rowfind.h"

const struct metric_row *metric_row_find(const struct metric_row *rows, size_t n, const char *task,
					 const char *metric)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(rows[i].task, task) && !strcmp(rows[i].metric, metric))
			return &rows[i];
	return NULL;
}

const struct compare_row *compare_row_find(const struct comparison *c, const char *task, const char *metric)
{
	size_t i;

	for (i = 0; c && i < c->n_rows; i++)
		if (!strcmp(c->rows[i].task, task) && !strcmp(c->rows[i].metric, metric))
			return &c->rows[i];
	return NULL;
}
