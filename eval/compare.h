/* compare.h: two runs compared sample by sample: paired means, deltas with intervals, tests, Holm, W/T/L. */
#ifndef COMPARE_H
#define COMPARE_H

#include "eval/store.h"

/* The paired test behind each row's p-value (--test). */
enum compare_test {
	COMPARE_T,           /* paired Student t-test */
	COMPARE_WILCOXON,    /* Wilcoxon signed-rank, zeros dropped ("wilcox"), normal approximation */
	COMPARE_PERMUTATION, /* Fisher's randomization test (sign flips), seeded */
};

/* "t", "wilcoxon", "permutation": the name --test takes and JSON prints. */
const char *compare_test_name(enum compare_test test);
/* The test called name: 0 and *out set, or -1 when there is none. */
int compare_test_parse(enum compare_test *out, const char *name);

/* One (task, metric) both runs have, over the samples both scored. */
struct compare_row {
	const char *task, *metric;  /* borrowed from run A's run_sample_metrics */
	size_t n;                   /* pairs compared (both values are numbers) */
	double mean_a, mean_b;      /* means over those pairs; NAN when n == 0 */
	double delta;               /* mean_b - mean_a */
	double ci_low, ci_high;     /* 95% paired percentile bootstrap interval of delta */
	double p;                   /* the test's two-sided p; NAN when undefined */
	double p_holm;              /* Holm-adjusted over every row; NAN where p is */
	/*
	 * Samples where B is better than A, equal, worse, by the metric's
	 * direction (metrics/registry.h); on a metric of neither direction
	 * (arp@k, an unknown name) B higher, equal, lower.
	 */
	size_t wins, ties, losses;
	int direction;              /* enum metric_direction of the metric */
	int significant;            /* p_holm < alpha */
};

/* Per task: how the two runs' samples overlap. */
struct compare_task {
	const char *task;           /* borrowed from run A's or run B's data */
	size_t common;              /* samples both runs scored */
	size_t only_a, only_b;      /* samples one run scored and the other did not */
};

/* A metric of a task both runs have that only one of them measured: not compared. */
struct compare_missing {
	const char *task, *metric;  /* borrowed */
	char run;                   /* 'a' or 'b': the run that has it */
};

struct compare_options {
	enum compare_test test;
	double alpha;               /* in (0, 1) */
	unsigned permutations;      /* for COMPARE_PERMUTATION */
	unsigned resamples;         /* bootstrap resamples */
	/*
	 * --metric: compare only these ("ndcg@10" in every task, or
	 * "ranking.ndcg@10"); they alone make the Holm family. None: every metric.
	 */
	const char *const *select;
	size_t n_select;
};

/* Whether opts selects (task, metric). */
int compare_selected(const struct compare_options *opts, const char *task, const char *metric);

struct comparison {
	const struct run_info *a, *b;     /* borrowed */
	struct compare_options opts;
	size_t samples;                   /* (task, sample) pairs both runs scored */
	size_t only_a, only_b;            /* (task, sample) pairs left out, of each run */
	struct compare_row *rows;         /* by task (A's order), then metric display order */
	size_t n_rows;
	struct compare_task *tasks;       /* every task of either run: A's first, in its order */
	size_t n_tasks;
	struct compare_missing *missing;  /* metrics of a common task that one run lacks */
	size_t n_missing;
};

/*
 * Compare run b against run a: samples are aligned by (task, sample_id);
 * each (task, metric) present in both runs becomes a row computed over the
 * samples where both runs have a value that is a number. The bootstrap and
 * permutation streams are seeded from the task and metric names only, so
 * the same two runs always print the same figures. Data in ma and mb must
 * outlive out. Fills out from scratch; release with comparison_release().
 * Returns 0.
 */
int compare_runs(struct comparison *out, const struct run_info *a, const struct run_sample_metrics *ma,
		 const struct run_info *b, const struct run_sample_metrics *mb,
		 const struct compare_options *opts);
void comparison_release(struct comparison *c);

#endif
