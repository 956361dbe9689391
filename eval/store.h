/* store.h: the SQLite store: runs, samples, per-sample and per-run metrics, the response cache. */
#ifndef STORE_H
#define STORE_H

#include "lib/util.h"

struct sqlite3;
struct sqlite3_stmt;

struct store {
	struct sqlite3 *db;
	char *path;
	struct sqlite3_stmt *put_sample, *put_metric, *put_run_metric, *cache_get, *cache_put;
	struct sqlite3_stmt *savepoint, *release;  /* store_put_sample()'s, prepared once */
	/* batching (store_batch()): samples per transaction, and how long one may stay open */
	unsigned batch_max, batch_n;
	int batch_open;            /* the batch's transaction is open */
	double batch_ms, batch_t0;
};

/*
 * Open (creating if needed) the database at path in WAL mode and create any
 * missing tables. Returns 0, or -1 after printing why (the caller exits 5).
 */
int store_open(struct store *s, const char *path);
/* Open an existing database without creating it (list, show). */
int store_open_existing(struct store *s, const char *path);
/*
 * Open an existing database read-only, without touching its schema
 * (store_readonly.c): it sees what a writer commits meanwhile (receval
 * serve's readers; the writer opened it with store_open() first). 0, or -1
 * after printing why.
 */
int store_open_readonly(struct store *s, const char *path);
void store_close(struct store *s);

/* A new run with status "running" and its run_key (a UUID; NULL: none); *out gets its id. */
int store_create_run(struct store *s, int64_t *out, const char *suite, const char *model,
		     const char *config_json, uint64_t seed, size_t samples, const char *run_key);
/*
 * Set a run's status ("done", "interrupted", "failed"), finished_at, and
 * its samples and errors counted from what is stored (errors is ignored);
 * clears its reason.
 */
int store_finish_run(struct store *s, int64_t run, const char *status, size_t errors);
/* Store why a run failed or stopped (one line; NULL clears it) (store_record.c). */
int store_set_run_reason(struct store *s, int64_t run, const char *reason);

/* One sample with its metrics, committed together in one transaction. */
struct sample_record {
	const char *task, *sample_id;
	const char *user;         /* the dataset's user id, or NULL for samples that are not users (a question) */
	const char *target;
	const char *candidates;   /* JSON array of item ids, or NULL */
	const char *history;      /* JSON array of item ids, oldest first */
	const char *request;      /* what the model was sent (NULL for built-in models) */
	const char *response;     /* the raw answer (NULL for built-in models) */
	const char *ranking;      /* JSON array of item ids, best first */
	const char *grounding;    /* JSON array, or NULL */
	const char *transcript;   /* a sample of several requests: JSON array of {role, request, response, ...}, or NULL */
	const char *status;       /* "ok", "error", "invalid" */
	const char *error;        /* NULL unless status is "error" */
	double latency_ms;
	long tokens_in, tokens_out;   /* -1: the model did not report them (stored as NULL, unknown) */
	const char *const *metric_names;
	const double *metric_values;
	size_t n_metrics;
};

/*
 * Store one sample with its metrics. Alone, each sample is its own
 * transaction; between store_batch() and store_flush(), samples join one
 * transaction that commits after max_samples of them or max_ms
 * milliseconds, whichever comes first, so a killed process loses at most
 * the samples of the batch it had not committed. A sample that cannot be
 * stored is rolled back alone (-1).
 */
int store_put_sample(struct store *s, int64_t run, const struct sample_record *r);
/* Batch samples from now on: max_samples per transaction, committed at the latest after max_ms. */
void store_batch(struct store *s, unsigned max_samples, double max_ms);
/* Commit the open batch when it is older than its max_ms (a caller waiting calls it). 0, or -1 after a message. */
int store_tick(struct store *s);
/* Commit the open batch, if any, and stop batching. 0, or -1 after a message. */
int store_flush(struct store *s);

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

/* --- caching and resuming (store_resume.c) ------------------------------ */

struct strmap;

/* The cached answer under key (hex SHA-256): 1 and *response (caller frees), 0 on a miss, -1 on error. */
int store_cache_get(struct store *s, const char *key, char **response);
/* Remember a successful answer under key; errors are never cached. */
int store_cache_put(struct store *s, const char *key, const char *response);
/* The ranking JSON of a task's successful samples, by sample_id; *out and its strings are the caller's. */
int store_get_rankings(struct store *s, int64_t run, const char *task, char ***out, size_t *n);
/*
 * Tokens a task's samples used (cached answers count 0; answers that
 * reported none are left out of the sums), and how many samples it has.
 */
int store_sum_tokens(struct store *s, int64_t run, const char *task, long long *in, long long *out,
		     size_t *n);
/* How many of a task's answered samples have no reported token count (NULL): usage unknown; -1 on error. */
long store_count_unknown_tokens(struct store *s, int64_t run, const char *task);
/* How many of the run's samples are errors (status "error"; "invalid" ones are not); -1 on error. */
long store_count_errors(struct store *s, int64_t run);
/*
 * Put "task\nsample_id" of the run's stored samples into done (all of them,
 * or only the successful ones when retry_errors), the key strings in *keys
 * (the caller frees each and the array after the map).
 */
int store_done_samples(struct store *s, int64_t run, int retry_errors, struct strmap *done,
		       char ***keys, size_t *n_keys);

/*
 * A dataset's catalogue, stored once however many runs use it, under key
 * (hex SHA-256 of items): items is a JSON array of the item ids in
 * catalogue order, titles the same of their titles (null where none). So
 * figures over items and titles in reports need only the database.
 */
int store_put_catalogue(struct store *s, const char *key, const char *items, const char *titles);
/* 1 with *items (and *titles unless NULL; caller frees both), 0 when key is unknown, -1 on error. */
int store_get_catalogue(struct store *s, const char *key, char **items, char **titles);

/*
 * Delete run: its row in runs, every row of every table with a run_id
 * naming it, and the judgments (receval judge) that name it as run A or B
 * with their samples and figures, their count in *judgments; in one
 * transaction (store_delete.c). Catalogues and cached answers stay: other
 * runs share them. 0, or -1 after printing why.
 */
int store_delete_run(struct store *s, int64_t run, long *judgments);

/* The latest run id, or 0 when there is none; -1 on error. */
int64_t store_latest_run(struct store *s);


#ifndef STORE_READ_H
#define STORE_READ_H
/* --- reading, for list, show and reports ---------------------------- */

struct run_info {
	int64_t id;
	char *suite, *model, *status, *started_at, *finished_at, *config, *version;
	char *run_key;  /* the UUID the run keeps through merges (shards of one run share it) */
	char *reason;   /* why it failed or stopped (one line), or NULL */
	int64_t seed;
	int64_t samples, errors;  /* stored (so far, while it runs) */
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

/* Display order of metric names: the families metrics/registry.h ranks (ndcg, recall, hit, precision, mrr, map), then the others by name; cutoffs numerically. */
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

#ifndef STORE_SAMPLES_H
#define STORE_SAMPLES_H
/* --- one run's samples, one at a time, for show --samples and export ---- */

/* One stored sample and its metrics, as store_for_each_sample() hands it over. */
struct sample_view {
	const char *task, *sample_id;      /* never NULL */
	const char *user, *target;         /* NULL where the store holds NULL */
	const char *candidates, *history;  /* stored JSON arrays of item ids, or NULL */
	const char *ranking, *grounding;   /* stored JSON arrays, or NULL */
	const char *transcript;            /* a sample of several requests (codec.h), or NULL */
	const char *response, *status, *error;
	double latency_ms;
	const char *const *metric_names;   /* the sample's metrics, in display order (metric_cmp) */
	const double *metric_values;       /* NAN where the stored value is NULL */
	size_t n_metrics;                  /* 0: the sample was not scored (status "error") */
};

/*
 * Call fn(view, data) for each sample of run, in the order the run stored
 * them, with its metrics. What view points to lives only until fn returns.
 * fn returns 0 to go on; any other value stops the walk and is returned
 * (return a positive value, so that it cannot be mistaken for a store
 * failure). Returns 0 when every sample was visited (a run that does not
 * exist has none), -1 after printing a store error (the caller exits 5).
 */
int store_for_each_sample(struct store *s, int64_t run,
			  int (*fn)(const struct sample_view *view, void *data), void *data);

/* Which samples store_walk_samples() hands over. */
struct sample_walk {
	const char *task;       /* only this task's samples; NULL: every task */
	size_t offset, limit;   /* skip offset of them (stored order), then at most limit (0: no limit) */
	/*
	 * Called with each sample before its metrics are read (n_metrics 0)
	 * and with fn's data: 1 to read them and call fn, 0 to skip it. NULL:
	 * every sample. (receval serve's search reads no metrics it drops.)
	 */
	int (*want)(const struct sample_view *view, void *data);
};

/* store_for_each_sample() of the samples w selects (paged in SQL). */
int store_walk_samples(struct store *s, int64_t run, const struct sample_walk *w,
		       int (*fn)(const struct sample_view *view, void *data), void *data);

/* How many samples run has (of task; NULL: all): the count, or -1 after printing a store error. */
int64_t store_count_samples(struct store *s, int64_t run, const char *task);
#endif

#ifndef STORE_REPORT_H
#define STORE_REPORT_H
/* --- one sample in full, and a run's usage, for report ---------------- */

/* A stored sample; every string is owned (NULL where the store holds NULL). */
struct sample_row {
	char *task, *sample_id, *user, *target;
	char *history, *candidates, *ranking, *grounding;  /* stored JSON arrays, or NULL */
	char *request, *response, *status, *error;
	double latency_ms;                                 /* NAN when NULL */
	int64_t tokens_in, tokens_out;
};

/*
 * The sample (task, sample_id) of run into *out: 1 when found, 0 when the
 * run has no such sample (*out is then zeroed), -1 after printing a store
 * error (the caller exits 5). Release with sample_row_release().
 */
int store_get_sample(struct store *s, int64_t run, const char *task, const char *sample_id,
		     struct sample_row *out);
void sample_row_release(struct sample_row *r);

/* What a run's samples cost: counts, tokens, latency. */
struct run_usage {
	int64_t samples;                   /* rows in samples */
	int64_t ok, errors, invalid;       /* by status */
	int64_t requests;                  /* samples with a stored request (NULL for built-in models) */
	int64_t tokens_in, tokens_out;     /* sums */
	int64_t timed;                     /* samples with a latency */
	double latency_mean, latency_p50, latency_p95, latency_max;  /* ms over those; NAN when none */
	double latency_total;              /* ms, summed */
};

/* Fill *out from run's samples (all zero for a run without samples): 0, or -1 after printing why. */
int store_get_usage(struct store *s, int64_t run, struct run_usage *out);
#endif
