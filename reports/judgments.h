/* judgments.h: judgments (receval judge) in the terminal: the list, and a judgment's headline figures. */
#ifndef REPORTS_JUDGMENTS_H
#define REPORTS_JUDGMENTS_H

#include <stdio.h>
#include "eval/store_judge.h"

/*
 * One line per judgment: id, kind, runs (B against A), judge, status,
 * samples, errors, and its headline: win_rate_adjusted per task
 * (pairwise), agreement and kappa (calibration). rows[i] are judgment i's
 * metrics (store_judgment_metrics()).
 */
void table_judgments(FILE *out, const struct judgment_info *j, size_t n, struct metric_row *const *rows,
		     const size_t *n_rows);

#endif
