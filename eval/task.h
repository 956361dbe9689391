/* task.h: the task interface: what a task type is (suite keys, samples, requests by role, scoring, run figures) and its registry. */
#ifndef TASK_H
#define TASK_H

#include "lib/util.h"
#include "lib/strbuf.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"
#include "adapters/adapter.h"

/*
 * Adding a task type is one file under eval/tasks/ defining a
 * `const struct task_type task_<name>` and one line in task_types[]
 * (eval/task.c). Nothing else in the run loop, the store or the reports
 * switches on the type: the suite loader asks the type to read its keys,
 * the run loop asks it for requests and hands it the answers, and the
 * run's finish asks it for its run-level figures.
 */

struct task_type;
struct task_ctx;
struct run_values;
struct store;
struct catalogue;
struct error_watch;

/*
 * The models a task may use, each bound to its own adapter: the model
 * under evaluation, a judge grading answers, a simulator playing the user.
 * Every request of every role goes through the same concurrency, rate
 * limits, cache and store.
 */
enum task_role {
	ROLE_SUBJECT,
	ROLE_JUDGE,
	ROLE_SIMULATOR,
	ROLE__COUNT,
};
const char *task_role_name(enum task_role r);

/* One task of a suite, as read from its JSON object. */
struct task_spec {
	char *name;            /* unique in the suite; defaults to the type's name */
	const struct task_type *type;
	/* keys the recommendation types share (retrieval, ranking, mc, embedding_*) */
	size_t *k;             /* cutoffs, ascending, distinct, >= 1 */
	size_t n_k;
	size_t candidates;     /* types with candidates: list size, target included */
	enum negatives negatives;
	int seq;               /* mc: 1 for "seq" (history in order), 0 for "cf" (history shuffled) */
	size_t permutations;   /* ranking: also ask with the candidates shuffled this many more times */
	double fuzzy;          /* least trigram similarity of a fuzzy title match; 0: the default */
	unsigned knowledge;    /* chat types: KNOWLEDGE_* (eval/data/knowledge.h) the prompt's {knowledge} tells; 0: none */
	size_t knowledge_k;    /* co-interacted items named per item ("knowledge_k", default 3) */
	/* set by the run loop for those extra passes: the pass (1..) and the task whose candidates it reorders */
	size_t perm;
	const char *cand_task;
	/*
	 * The prompt: the user message and the system message (chat tasks), or
	 * the item and user texts (embedding tasks); owned, from the suite's
	 * files or the built-in templates; *_file names them for messages.
	 */
	char *template_text, *system_text;
	char *template_file, *system_file;
	/* model specs of the roles other than the subject ("judge", "simulator"), or NULL */
	char *role_spec[ROLE__COUNT];
	void *priv;            /* the type's own keys (its parse() allocates, its release() frees) */
};

/* Flags of a task type. */
#define TASK_CANDIDATES (1u << 0)  /* a sample shows candidates (the target among negatives) */
#define TASK_EMBEDDING  (1u << 1)  /* answered with embeddings, not chat */
#define TASK_TEXT       (1u << 2)  /* needs a model that writes text: built-in models skip it */
#define TASK_LETTERED   (1u << 3)  /* candidates shown as A, B, ... and answered with one (multiple choice) */
#define TASK_RUN_LEVEL  (1u << 4)  /* has run-level figures over its rankings (coverage, gini, entropy) */
#define TASK_OWN_DATA   (1u << 5)  /* reads its own questions ("data"): needs no dataset; samples are questions, not users */
#define TASK_PROSE      (1u << 6)  /* answered in free text a judge can compare (receval judge) */

/*
 * The suite loader's view of one task object, for a type's parse(): its
 * members, their lines for messages, and readers that fail with
 * "receval: SUITE:LINE: ..." (each returns 0, or -1 after the message).
 */
struct task_parse;
struct cJSON;

/* The member key of the task object, or NULL. */
const struct cJSON *task_key(const struct task_parse *tp, const char *key);
/* An error at key's line (the task's own line when key is NULL or absent); returns -1. */
int task_error(const struct task_parse *tp, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A whole number in [min, max] under key (which must be present). */
int task_get_count(const struct task_parse *tp, const char *key, double min, double max, size_t *out);
/* A string under key: *out owned, or left alone when absent and not required. */
int task_get_string(const struct task_parse *tp, const char *key, int required, char **out);
/* Whether the suite is a stored one (finishing a run): parse() reads no file then. */
int task_stored(const struct task_parse *tp);
/* rel resolved against the suite file's folder (owned by the caller). */
char *task_path(const struct task_parse *tp, const char *rel);
/* "k": a cutoff or an array of them, into t->k sorted and distinct (required). */
int task_get_cutoffs(const struct task_parse *tp, struct task_spec *t);
/*
 * A template under key (a file relative to the suite), else the built-in
 * one named builtin; checked to use only the placeholders in vars
 * (NULL-terminated). *text and *file are owned.
 */
int task_get_template(const struct task_parse *tp, const char *key, const char *builtin,
		      const char *const *vars, char **text, char **file);

/*
 * One unit of work while a task runs: a sample (phase 1), or a unit of the
 * task's own preparation (phase 0, such as a batch of catalogue items to
 * embed). The run loop owns it and reuses it for the next unit; a type's
 * step() fills the request fields and keeps what it needs between the
 * requests of one sample in state.
 */
struct work {
	unsigned phase;
	size_t index;              /* 0..work_count(phase) */
	/* the sample: a user of the dataset and the candidates shown, for the types that have them */
	uint32_t user;
	uint32_t *cand;            /* room for the task's candidates */
	size_t n_cand;
	/* the request in flight: set by step() */
	enum task_role role;
	char *request;             /* JSON: stored with the sample, hashed (with the model's identity) for the cache */
	uint64_t id;               /* 0: none in flight */
	char key[65];
	void *state;               /* the type's, between requests of one sample; freed by it */
};

/* What step() says next. */
enum task_step {
	STEP_DONE,     /* the work item is finished (stored, or needed nothing) */
	STEP_SEND,     /* send req for w->role; the answer comes back to step() */
};

/* Everything a task shares while it runs on one model (eval/run.c fills it). */
struct task_ctx {
	const struct run_plan *plan;
	struct store *store;
	int64_t run_id;
	const struct task_spec *t;
	const struct model_spec *spec;      /* the subject's */
	/* the models by role; subject always, others when the task names them */
	const struct adapter *ad[ROLE__COUNT];
	struct model *model[ROLE__COUNT];
	const struct beyond_ctx *bc;
	char **names;                       /* the type's metric_names() for t */
	size_t n_names;
	size_t errors;                      /* samples stored as errors */
	struct progress *prog;
	struct error_watch *watch;          /* the run's failed requests (eval/run_errors.h), or NULL */
	void *priv;                         /* the type's state for this run (start() allocates, stop() frees) */
	/* evaluating on threads (run_par.c): where this thread's samples go, for task_put_sample(); NULL: the store */
	struct par_chunk *sink;
};

struct task_type {
	const char *name;          /* as written in suites */
	const char *summary;       /* one line */
	unsigned flags;            /* TASK_* */
	/* suite keys this type takes besides "type" and "name", NULL-terminated */
	const char *const *keys;
	/* Read the type's keys from tp into t (t->name and t->type are set). 0, or -1 after a message. */
	int (*parse)(struct task_spec *t, const struct task_parse *tp);
	/* Free t->priv and whatever parse() allocated beyond the common fields. Optional. */
	void (*release)(struct task_spec *t);
	/*
	 * The names of the per-sample metrics the type computes for t, in the
	 * order they are stored; with_categories says whether the catalogue has
	 * item categories. The array and its strings are the caller's.
	 */
	char **(*metric_names)(const struct task_spec *t, int with_categories, size_t *n);
	/*
	 * Built-in models (no text): evaluate work item w, storing its sample
	 * through task_put_sample() (run_internal.h), never the store itself:
	 * work items run on several threads at once (run_par.c), each with its
	 * own struct work and c (c->model[ROLE_SUBJECT] a clone). NULL for
	 * types only a language model can answer. 0, or -1 on a storage
	 * failure.
	 */
	int (*builtin)(struct task_ctx *c, struct work *w);
	/* Set up c->priv before the first request. Optional. 0, or an exit code. */
	int (*start)(struct task_ctx *c);
	/*
	 * How many samples the run plans for t (TASK_OWN_DATA types: their
	 * questions after --limit and --shard). NULL: one per sampled user.
	 */
	size_t (*samples)(const struct task_spec *t, const struct run_plan *plan);
	/* How many work items phase (0: preparation, 1: samples) has. */
	size_t (*work_count)(struct task_ctx *c, unsigned phase);
	/*
	 * Language models: advance work item w. a is NULL on the first call,
	 * else the answer to the request w sent (from_cache: answered from the
	 * cache, its tokens not spent). Returns STEP_SEND with req and
	 * w->request, w->role filled (req's strings live until the next call),
	 * STEP_DONE, or -1 on a storage failure.
	 */
	int (*step)(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		    struct llm_request *req);
	/* After phase has run (all of it answered). Optional. 0, or an exit code (EXIT_MODEL: stop). */
	int (*end_phase)(struct task_ctx *c, unsigned phase);
	/* Free c->priv. Optional. */
	void (*stop)(struct task_ctx *c);
	/*
	 * Run-level figures of t (not means of samples: coverage, gini, ...),
	 * computed from what the store holds for run, so that a resumed or
	 * merged run gets them too; added with run_values_add(). cat is the
	 * run's stored catalogue (run_internal.h). Optional. 0, or -1 on a
	 * storage failure.
	 */
	int (*finish)(struct store *s, int64_t run, const struct task_spec *t, const struct catalogue *cat,
		      struct run_values *rv);
};

/* The registry: every task type, in the order `receval tasks` lists them; NULL-terminated. */
extern const struct task_type *const task_types[];

/* The type named name, or NULL. */
const struct task_type *task_type_find(const char *name);
/* "retrieval, ranking, ...": the registered names, for messages. */
const char *task_type_names(void);

#endif
