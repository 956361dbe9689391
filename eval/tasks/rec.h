/* rec.h: what the recommendation task types (retrieval, ranking, mc, embedding_*) share: keys, scoring, storing, run figures. */
#ifndef TASKS_REC_H
#define TASKS_REC_H

#include "eval/run_internal.h"

/* Placeholders each kind of template may use. */
extern const char *const rec_retrieval_vars[], *const rec_candidate_vars[], *const rec_system_vars[];

/* "candidates" (required unless def > 0) in [2, max] and "negatives" into t. */
int rec_parse_candidates(struct task_spec *t, const struct task_parse *tp, size_t def, size_t max);
/*
 * A ranking of the candidates has no place beyond the last: a cutoff k
 * above "candidates" is an error at the line of "k" (not in a stored
 * suite, which was accepted when its run was made). 0 or -1.
 */
int rec_check_cutoffs(const struct task_spec *t, const struct task_parse *tp);
/* "fuzzy_threshold", "knowledge", then the chat prompt: "template" (else the built-in one named builtin, using vars) and "system". */
int rec_parse_chat(struct task_spec *t, const struct task_parse *tp, const char *builtin, const char *const *vars);
/* "knowledge" ("cf", "attributes", "both") and "knowledge_k" (1..50, default 3) into t. */
int rec_parse_knowledge(struct task_spec *t, const struct task_parse *tp);
/*
 * A template under key as task_get_template() reads it; with t->knowledge
 * set, {knowledge} is one more placeholder, the built-in template is
 * builtin's "_knowledge" variant ("ranking.txt": "ranking_knowledge.txt"),
 * and a template without {knowledge} is an error (the knowledge would go
 * nowhere).
 */
int rec_get_template(struct task_spec *t, const struct task_parse *tp, const char *key, const char *builtin,
		     const char *const *vars, char **text, char **file);
/* "fuzzy_threshold" into t->fuzzy. */
int rec_parse_fuzzy(struct task_spec *t, const struct task_parse *tp);

/*
 * Per-sample metric names: the ranking families at every cutoff
 * (family-major), then for retrieval types the beyond-accuracy ones (ild
 * only where items have categories); mc has acc@1 alone.
 */
char **rec_metric_names(const struct task_spec *t, int with_categories, size_t *n);

/* What a language model's answer adds to its sample's record. */
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

/* Add a validity figure to o. */
void rec_outcome_add(struct llm_outcome *o, const char *name, double value);

/*
 * Score work item w's ranked list and commit it with its metrics. list is
 * NULL when the model failed (an error: stored, never scored). o is NULL
 * for built-in models. Returns 0, or -1 when the store failed.
 */
int rec_store(struct task_ctx *c, const struct work *w, const uint32_t *list, size_t n_list,
	      double latency_ms, const struct llm_outcome *o);

/* The work of the recommendation types: phase 1 has one item per sampled user. */
size_t rec_work_count(struct task_ctx *c, unsigned phase);

/*
 * The common start of a sample: 0 when a resumed run already holds it;
 * else 1 with its user and candidates in w and its history in *h (*n_h).
 */
int rec_start_sample(struct task_ctx *c, struct work *w, const uint32_t **h, size_t *n_h);

/* Built-in models: rank the candidates (types with candidates) or the catalogue, then store. */
int rec_builtin(struct task_ctx *c, struct work *w);

/* Chat types (retrieval, ranking, mc): a grounder for the run, the prompt, the answer read and scored. */
int rec_chat_start(struct task_ctx *c);
int rec_chat_step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		  struct llm_request *req);
void rec_chat_stop(struct task_ctx *c);

/* The members of a chat recommendation type that run it (retrieval, ranking, mc differ in keys and flags only). */
#define REC_CHAT_MEMBERS                                                      \
	.metric_names = rec_metric_names, .builtin = rec_builtin,             \
	.start = rec_chat_start, .work_count = rec_work_count,                \
	.step = rec_chat_step, .stop = rec_chat_stop

/* coverage, gini and entropy at each cutoff over the task's stored rankings. */
int rec_distribution(struct store *s, int64_t run, const struct task_spec *t, const struct catalogue *cat,
		     struct run_values *rv);

#endif
