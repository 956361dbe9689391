/* store.h: the SQLite store: runs, samples, per-sample and per-run metrics, the response cache. */
#ifndef STORE_H
#define STORE_H

#include "util.h"

struct sqlite3;
struct sqlite3_stmt;

struct store {
	struct sqlite3 *db;
	char *path;
	struct sqlite3_stmt *put_sample, *put_metric, *put_run_metric;
};

/*
 * Open (creating if needed) the database at path in WAL mode and create any
 * missing tables. Returns 0, or -1 after printing why (the caller exits 5).
 */
int store_open(struct store *s, const char *path);
/* Open an existing database without creating it (list, show). */
int store_open_existing(struct store *s, const char *path);
void store_close(struct store *s);

/* A new run with status "running"; *out gets its id. */
int store_create_run(struct store *s, int64_t *out, const char *suite, const char *model,
		     const char *config_json, uint64_t seed, size_t samples);
/* Set a run's status ("done", "interrupted", "failed"), finished_at and error count. */
int store_finish_run(struct store *s, int64_t run, const char *status, size_t errors);

/* One sample with its metrics, committed together in one transaction. */
struct sample_record {
	const char *task, *sample_id, *user, *target;
	const char *candidates;   /* JSON array of item ids, or NULL */
	const char *history;      /* JSON array of item ids, oldest first */
	const char *request;      /* what the model was sent (NULL for built-in models) */
	const char *response;     /* the raw answer (NULL for built-in models) */
	const char *ranking;      /* JSON array of item ids, best first */
	const char *grounding;    /* JSON array, or NULL */
	const char *status;       /* "ok", "error", "invalid" */
	const char *error;        /* NULL unless status is "error" */
	double latency_ms;
	long tokens_in, tokens_out;
	const char *const *metric_names;
	const double *metric_values;
	size_t n_metrics;
};

int store_put_sample(struct store *s, int64_t run, const struct sample_record *r);

/*
 * Aggregate the run's per-sample metrics into run_metrics: per task and
 * metric, the mean over samples with a 95% percentile bootstrap interval
 * (1,000 resamples seeded from seed, the task and the metric's name).
 */
int store_aggregate(struct store *s, int64_t run, uint64_t seed);

/*
 * A run-level figure that is not a mean of samples (coverage, gini,
 * entropy): stored with no interval; NAN is stored as NULL. Call after
 * store_aggregate(), which replaces the run's figures.
 */
int store_put_run_value(struct store *s, int64_t run, const char *task, const char *metric,
			double value, size_t n);

/* The latest run id, or 0 when there is none; -1 on error. */
int64_t store_latest_run(struct store *s);


#ifndef STORE_READ_H
#define STORE_READ_H
/* --- reading, for list, show and reports ---------------------------- */

struct run_info {
	int64_t id;
	char *suite, *model, *status, *started_at, *finished_at, *config, *version;
	int64_t seed, samples, errors;
};

/* Fill out with run id: 1 when found, 0 when there is no such run, -1 on error. */
int store_get_run(struct store *s, int64_t id, struct run_info *out);
void run_info_release(struct run_info *r);

/* Every run, oldest first; *out is allocated (release each, then free). */
int store_list_runs(struct store *s, struct run_info **out, size_t *n);

struct metric_row {
	char *task, *metric;
	double value, ci_low, ci_high;
	int64_t n;
};

/*
 * The run's aggregated metrics, tasks in the order the run evaluated them,
 * metrics in display order (metric_cmp). *out is allocated; free with
 * metric_rows_free().
 */
int store_get_run_metrics(struct store *s, int64_t run, struct metric_row **out, size_t *n);
void metric_rows_free(struct metric_row *rows, size_t n);

/* Display order of metric names: ndcg, recall, hit, precision, mrr, map, then others; cutoffs numerically. */
int metric_cmp(const char *a, const char *b);

/* The sqlite3 handle, for read-only queries of commands (show --samples). */
struct sqlite3 *store_db(struct store *s);
#endif

#endif

#ifndef STORE_SAMPLE_METRICS_H
#define STORE_SAMPLE_METRICS_H
/* --- one run's per-sample metrics, for compare ------------------------ */

struct sample_metric {
	size_t task, metric;  /* indexes into run_sample_metrics.tasks[] and .metrics[] */
	char *sample_id;
	double value;         /* NAN where the stored value is NULL */
};

struct run_sample_metrics {
	char **tasks;          /* in the order the run evaluated them */
	size_t n_tasks;
	char **metrics;        /* every metric name the run has, in display order (metric_cmp) */
	size_t n_metrics;
	struct sample_metric *rows; /* by task (run order), metric (display order), sample_id (strcmp) */
	size_t n;
};

/*
 * Every row of sample_metrics for run into *out (the struct is filled from
 * scratch; the run need not exist: it then has no rows). Samples that did
 * not complete (status other than "ok") have no rows. Returns 0, or -1
 * after printing why (the caller exits 5). Release with
 * run_sample_metrics_release(), also after a failure.
 */
int store_get_sample_metrics(struct store *s, int64_t run, struct run_sample_metrics *out);
void run_sample_metrics_release(struct run_sample_metrics *m);
#endif
