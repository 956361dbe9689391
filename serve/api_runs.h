/* api_runs.h: runs started, resumed and cancelled over HTTP (api_runs.c), for the API and the pages' forms. */
#ifndef SERVE_API_RUNS_H
#define SERVE_API_RUNS_H

#include "serve/serve.h"

/* POST /api/runs: {"suite": PATH or {...}, "models": [SPEC...], "judge", "limit", "seed"}: 202 and the job. */
int api_submit_run(struct request *r);
/* POST /api/runs/ID/resume: 202 and the job that finishes it. */
int api_resume_run(struct request *r, int64_t id);
/* DELETE /api/runs/ID: cancel the queued run that makes it (stored "interrupted", resumable). */
int api_cancel_run(struct request *r, int64_t id);
int api_list_jobs(struct request *r);
int api_show_job(struct request *r, int64_t id);
int api_cancel_job(struct request *r, int64_t id);

/*
 * Check and queue a run: suite is a path under the suites folder (or,
 * when suite_json is not NULL, a suite's JSON text), models the specs
 * (none: the suite's). *job gets the job's id. Returns 0, or an HTTP
 * status after answering with its error.
 */
int serve_queue_run(struct request *r, const char *suite, const char *suite_json, const char *const *models,
		    size_t n_models, const char *judge, long limit, long seed, int64_t *job);

/* Whether run passes the runs list's filters (api.c). */
int serve_run_matches(struct request *r, const struct run_info *run);
/* Load run id (0: the latest): 1, or 0 after answering 404 or 503 (api.c). */
int serve_load_run(struct request *r, struct store *s, int64_t id, struct run_info *run);

#endif
