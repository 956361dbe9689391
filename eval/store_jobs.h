/* store_jobs.h: the queue of `receval serve` in the store: runs asked for over HTTP, waiting, running or ended, so that a restarted server takes up what was queued. */
#ifndef STORE_JOBS_H
#define STORE_JOBS_H

#include "eval/store.h"

/*
 * Table serve_jobs (created by store_jobs_init), one row per run asked
 * for: id, kind ("run": a suite and models; "resume": a stored run),
 * suite (the suite file), models (JSON array of specs), options (JSON:
 * limit, seed, judge), resume_run, run_group (the --run-key its runs are
 * made under), status ("queued", "running", "done", "failed",
 * "interrupted", "cancelled"), created_at, started_at, finished_at, runs
 * (JSON array of run ids), exit_code, error (the run's last message),
 * temp_suite (1: the suite file was written by the server for a suite
 * posted as JSON, and is removed when the job ends).
 */
int store_jobs_init(struct store *s);

struct job_row {
	int64_t id, resume_run;
	char *kind, *suite, *models, *options, *run_group, *status;
	char *created_at, *started_at, *finished_at, *runs, *error;
	int exit_code;        /* -1 while none */
	int temp_suite;
};
void job_row_release(struct job_row *j);

/* Add a queued job from j's kind, suite, models, options, resume_run, run_group, temp_suite; *out gets its id. */
int store_job_add(struct store *s, int64_t *out, const struct job_row *j);
/* Set a job's status, runs (JSON, or NULL: unchanged), exit code (-1: unchanged) and error (NULL: unchanged); the times follow the status. */
int store_job_set(struct store *s, int64_t id, const char *status, const char *runs, int exit_code,
		  const char *error);
/* Every job, oldest first (status NULL), or those of one status. 0 or -1 (printed). */
int store_list_jobs(struct store *s, const char *status, struct job_row **out, size_t *n);
/* Job id into *out: 1 found, 0 not (or no table yet), -1 on error. */
int store_get_job(struct store *s, int64_t id, struct job_row *out);

/* The latest run made under run_key (a queued run's, from its group and model: shard_run_key()): its id, 0, or -1. */
int64_t store_run_by_key(struct store *s, const char *key);

#endif
