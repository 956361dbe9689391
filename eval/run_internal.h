/* run_internal.h: what the run loop's files share: a task's state, sample scoring and storage, progress. */
#ifndef RUN_INTERNAL_H
#define RUN_INTERNAL_H

#include "eval/run.h"
#include "lib/strbuf.h"

struct progress {
	int quiet, tty;
	const char *model, *task;
	size_t total, done, next_line;
	double started;
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

/* Everything one task of one run shares while its samples are evaluated. */
struct task_state {
	const struct run_plan *plan;
	struct store *store;
	int64_t run_id;
	const struct task_spec *t;
	const struct beyond_ctx *bc;
	char **names;              /* per-sample metric names (metric_names) */
	size_t n_names;
	double *values;
	const char **kept_names;
	double *kept;
	unsigned char *rel;
	struct strbuf hist, cands, ranking;
	size_t errors;
	struct progress prog;
};

/* What a language model's sample adds to its record. */
struct llm_outcome {
	const char *status;         /* "ok" or "error" */
	const char *error;
	const char *request, *response;
	double latency_ms;
	long tokens_in, tokens_out;
	const char *grounding;      /* JSON array of how each extracted item was grounded, or NULL */
	/* validity figures of the answer (parse_failure_rate, ...), stored with the sample's metrics */
	const char *extra_names[8];
	double extra_values[8];
	size_t n_extra;
};

void progress_step(struct progress *p);
void add_id_array(struct strbuf *sb, const struct dataset *ds, const uint32_t *items, size_t n);
/* The history a sample shows: the most recent max_history training items. */
const uint32_t *sample_history(const struct run_plan *plan, uint32_t u, size_t *n);
/* Whether a resumed run already holds this sample (and it need not be asked again). */
int already_done(const struct run_plan *plan, const char *task, const char *sample_id);
/*
 * Score one sample's ranked list and commit it with its metrics. list is
 * NULL when the model failed (an error: stored, never scored). o is NULL
 * for built-in models. Returns 0, or -1 when the store failed.
 */
int finish_sample(struct task_state *ts, uint32_t u, const uint32_t *cand, size_t n_cand,
		  const uint32_t *list, size_t n_list, double latency_ms, const struct llm_outcome *o);

/*
 * A sample's candidates: drawn as split_candidates() does for the task
 * (t->cand_task when it is a permutation pass of another task), then, on
 * pass t->perm > 0, put in another seeded order. Returns how many.
 */
size_t task_candidates(uint32_t *out, const struct run_plan *plan, const struct task_spec *t, uint32_t user,
		       unsigned char *mark);

/* run_llm.c: a task answered by a language model (chat or embeddings), many requests in flight. */
int run_llm(struct task_state *ts, const struct adapter *ad, struct model *model);

#endif
