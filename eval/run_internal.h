/* run_internal.h: what the run loop shares with task types: progress, sample helpers, run-level figures. */
#ifndef RUN_INTERNAL_H
#define RUN_INTERNAL_H

#include "eval/run.h"
#include "eval/task.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"

/* A task's progress on stderr (progress.c). */
struct progress {
	int quiet, tty;
	const char *model, *task;
	size_t task_i, n_tasks;   /* "task 2/3": this pass among the run's */
	size_t total, done, next_line;
	const size_t *errors;     /* the task's samples stored as errors so far, or NULL */
	double started, drawn;
};

/*
 * What the beyond-accuracy metrics of retrieval tasks need, computed once
 * per run: popularity, the long tail, item categories.
 */
struct beyond_ctx {
	unsigned char *tail;      /* [n_items] */
	uint32_t *cat_off, *cats; /* item categories (dataset_category_index) */
	size_t n_categories;
};

/* Start a task's progress: task_i of n_tasks passes, total samples; the model is named once, above the bars. */
void progress_start(struct progress *p, const char *model, const char *task, size_t task_i, size_t n_tasks,
		    size_t total, int quiet);
/* One more sample done: the bar redrawn (at most ten times a second), or a plain line each quarter. */
void progress_step(struct progress *p);
/* The task is over (finished, interrupted or stopped): end the bar's line, so what follows starts a new one. */
void progress_end(struct progress *p);
/* Before a message on stderr: clear a bar being drawn (the next step draws it again). */
void progress_break(void);

/*
 * A sample is done: stored at once (and progress stepped), or, on a
 * thread of run_par.c (c->sink), copied for the writer thread, which
 * stores samples in the order of their work items. 0, or -1 when the
 * store fails. task_skip_sample(): a sample a resumed run already holds.
 */
int task_put_sample(struct task_ctx *c, const struct sample_record *rec);
void task_skip_sample(struct task_ctx *c);

/*
 * Built-in models on threads: the task's work items (phase 1) dealt in
 * chunks to plan->threads threads, each with its own clone of the model
 * (adapter clone()) and scratch, calling type->builtin(); one writer (the
 * calling thread) stores their samples in work-item order, in batches.
 * Returns an exit code (EXIT_OK, EXIT_STORE).
 */
int run_builtin_threads(struct task_ctx *c);
/* The history a sample shows: the most recent max_history training items. */
const uint32_t *sample_history(const struct run_plan *plan, uint32_t u, size_t *n);
/* Whether a resumed run already holds this sample (and it need not be asked again). */
int already_done(const struct run_plan *plan, const char *task, const char *sample_id);
/* Whether item is in user u's training history. */
int in_training(const struct split *sp, uint32_t u, uint32_t item);

/*
 * A sample's candidates: drawn as split_candidates() does for the task
 * (t->cand_task when it is a permutation pass of another task), then, on
 * pass t->perm > 0, put in another seeded order. Returns how many.
 */
size_t task_candidates(uint32_t *out, const struct run_plan *plan, const struct task_spec *t, uint32_t user,
		       unsigned char *mark);

/*
 * A run's catalogue as finishing reads it from the store: the item ids in
 * catalogue order and their index. index is empty for runs stored before
 * catalogues were (then items are told apart by id alone).
 */
struct catalogue {
	size_t n_items;
	struct strmap index;       /* id -> catalogue index */
	char **ids;                /* [n_items] when index is filled */
};

/* A run-level figure waiting for the run's finish (finish.c) to store it. */
struct run_value {
	char *task, *metric;
	double value;
	size_t n;
};

struct run_values {
	struct run_value *v;
	size_t n, alloc;
};

/* Add a figure; metric is taken over (freed with the list), task copied. */
void run_values_add(struct run_values *rv, const char *task, char *metric, double value, size_t n);
void run_values_release(struct run_values *rv);

#endif
