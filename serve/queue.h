/* queue.h: the runs `receval serve` is asked for, each made by a child process `receval run`, --workers at a time. */
#ifndef SERVE_QUEUE_H
#define SERVE_QUEUE_H

#include "serve/serve.h"
#include "eval/store_jobs.h"

/*
 * Open the database for writing (the queue's connection alone writes),
 * create the queue's table, mark jobs a stopped server left "running" as
 * "interrupted", and start the workers, which take up the jobs still
 * "queued". 0, or -1 after printing why.
 */
int queue_start(struct queue **out, struct server *srv);

/*
 * Queue a job from j's kind, suite, models, options, resume_run and
 * temp_suite (its run_group is made here): *id gets its id. 0, or -1 after
 * printing why (a store failure).
 */
int queue_submit(struct queue *q, struct job_row *j, int64_t *id);

/*
 * Cancel job id: a queued one is "cancelled" at once; a running one gets
 * SIGINT, and its run is stored "interrupted" (resumable). 1 done, 0 no
 * such job, 2 it had already ended, -1 store failure (printed).
 */
int queue_cancel_job(struct queue *q, int64_t id);

/* The running job that makes run, or 0. */
int64_t queue_job_of_run(struct queue *q, int64_t run);

/*
 * Stop: queued jobs stay queued (a server started later takes them up),
 * running ones get SIGINT (their runs are stored "interrupted"), and the
 * workers are waited for. Frees q.
 */
void queue_stop(struct queue *q);

#endif
