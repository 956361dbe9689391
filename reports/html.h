/* html.h: the self-contained HTML report of several runs (`receval report`), the one HTML escaping function, and helpers shared with `receval plot`. */
#ifndef HTML_H
#define HTML_H

#include "lib/strbuf.h"
#include "eval/store.h"
#include "reports/compare.h"

/*
 * Append s to sb as HTML text or as a quoted attribute value: & < > " '
 * become entities; control characters other than tab and line ends are
 * dropped and invalid UTF-8 becomes U+FFFD, so that the page stays
 * well-formed whatever a model or a dataset said. NULL appends nothing.
 * Every string of the report that did not come from receval itself goes
 * through here.
 */
void html_escape(struct strbuf *sb, const char *s);

/* One run in the report. Everything is borrowed. */
struct titles;

struct report_run {
	const struct run_info *info;
	const char *label;                /* runarg_label_runs() */
	char *name;                       /* run_label(), found once (its config is parsed); NULL: found when shown */
	const struct metric_row *rows;    /* its aggregated metrics (store_get_run_metrics) */
	size_t n_rows;
	/* this run against the baseline (runs[0]); NULL for the baseline, or when not compared */
	const struct comparison *vs_base;
	const char *not_compared;         /* why vs_base is NULL, for runs other than the baseline */
	const struct run_usage *usage;
	const struct run_sample_metrics *samples;  /* its per-sample values, for the drill-down; or NULL */
};

/* A sample of the drill-down: one where the runs' headline values differ most. */
struct report_pick {
	const char *sample_id;
	double spread;                    /* max - min of the headline metric over the runs */
	const double *values;             /* the headline metric of each run; NAN where a run lacks the task */
	const struct sample_row *samples; /* each run's stored sample; sample_id NULL where missing */
};

struct report_task {
	const char *name;
	const char *headline;             /* report_headline(), or NULL */
	size_t candidates;                /* samples every run evaluating the task scored on the headline metric */
	const struct report_pick *picks;  /* largest spread first; only samples where the runs differ */
	size_t n_picks;
};

struct report {
	const struct report_run *runs;    /* runs[0] is the baseline */
	size_t n_runs;
	const struct report_task *tasks;  /* every task of any run, the baseline's first */
	size_t n_tasks;
	double alpha;                     /* significance marks: Holm-adjusted p < alpha */
	const char *test;                 /* the paired test's name (compare_test_name()) */
	const char *generated;            /* when the report was made, as shown */
	const char *db_path;
	int no_plots;                     /* skip gnuplot altogether (--no-plots) */
	const struct titles *titles;      /* item titles of the runs' catalogues, for the drill-down; or NULL */
	const char *judgments;            /* html_judgments()'s section, or NULL */
	const char *dialogues;            /* html_dialogues()'s section, or NULL */
	int fragment;                     /* only the sections: no head, summary or footer (receval serve) */
};

/* The report's stylesheet, for pages that look like it (receval serve). */
const char *html_css(void);

/*
 * The report's tasks: every task of any run, the baseline's first, each
 * with its headline (report_headline()) and its drill-down: the top
 * samples by spread of the headline metric over the runs that evaluated
 * the task (runs[].samples), each with every run's stored sample read
 * from store. *out is allocated, also on failure; free it with
 * report_tasks_free(). Returns 0, or -1 on a store error (printed).
 */
int report_tasks_build(struct report_task **out, size_t *n, struct store *store, const struct report_run *runs,
		       size_t n_runs, size_t top);
void report_tasks_free(struct report_task *tasks, size_t n, size_t n_runs);

/*
 * Append the whole page to out. Plots are drawn with gnuplot (plot.h) and
 * inlined as SVG; a plot that cannot be drawn is replaced by a note, and
 * the page lists which were skipped and why. *skipped gets their count and
 * why (when not NULL) the first reason. Returns 0.
 */
int html_report(struct strbuf *out, const struct report *r, size_t *skipped, struct strbuf *why);

/*
 * The section on pairwise judgments (receval judge) between the report's
 * runs: the latest finished one of each ordered pair, its figures per
 * task and up to 10 samples per task where the two orders disagree, both
 * answers side by side. Appends nothing when there is none. 0, or -1 on
 * a store error (printed).
 */
int html_judgments(struct strbuf *out, struct store *s, const int64_t *runs, size_t n_runs);

/* One judgment of that section: per task, its figures and its disagreements. 0, or -1 on a store error. */
struct judgment_info;
int html_judgment(struct strbuf *out, struct store *s, const struct judgment_info *j);

/*
 * The section on dialogues (the conversation task): for each run (labels[i]
 * names runs[i]), the first per_task dialogues of each task, every turn of
 * both roles with what was read from it. Appends nothing when no run has
 * one. 0, or -1 on a store error (printed).
 */
int html_dialogues(struct strbuf *out, struct store *s, const int64_t *runs, const char *const *labels,
		   size_t n_runs, size_t per_task);

/* --- shared with `receval plot` ------------------------------------------ */

/*
 * The points of family@k in task ("ndcg" gives ndcg@1, ndcg@5, ...): up to
 * max of them, by increasing k, into x (k), y (value), lo and hi (the
 * interval, NAN when none). Returns how many.
 */
size_t report_curve(const struct metric_row *rows, size_t n, const char *task, const char *family,
		    double *x, double *y, double *lo, double *hi, size_t max);

/*
 * The headline metric of task: ndcg at the largest cutoff that every run
 * evaluating the task has for it; without one, the first metric (display
 * order) with an interval that every such run has. A pointer into one
 * run's rows, or NULL.
 */
const char *report_headline(const struct report_run *runs, size_t n_runs, const char *task);

#endif
