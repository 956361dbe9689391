/* compare.h (reports): renders a comparison of two runs as a terminal table, JSON or CSV. */
#ifndef REPORTS_COMPARE_H
#define REPORTS_COMPARE_H

#include <stdio.h>
#include "lib/strbuf.h"
#include "eval/compare.h"

/*
 * A table no wider than COMPARE_TABLE_WIDTH columns: a header line naming
 * both runs, a row per (task, metric) with the means of A and B, the delta
 * B - A and its 95% interval, p, p_holm, wins/ties/losses and "*" where
 * p_holm < alpha, then two lines of legend. Undefined figures print "-".
 * Task and metric names are cut (ending in "~") only when they would not
 * fit otherwise.
 */
#define COMPARE_TABLE_WIDTH 100
void compare_print_table(FILE *f, const struct comparison *c);

/*
 * One JSON object (DESIGN.md): {"a", "b", "test", "alpha", "samples",
 * "metrics": [{"task", "metric", "mean_a", "mean_b", "delta", "ci_low",
 * "ci_high", "p", "p_holm", "wins", "ties", "losses", "significant"}]};
 * NaN and infinities print as null.
 */
void compare_print_json(FILE *f, const struct comparison *c);
/* The same object appended to sb (receval serve's /api/compare: the same bytes). */
void compare_add_json(struct strbuf *sb, const struct comparison *c);

/* A header, then a row per (task, metric), the columns of the JSON rows after a and b; NaN is empty. */
void compare_print_csv(FILE *f, const struct comparison *c);

#endif
