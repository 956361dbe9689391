/* suite.h: a suite definition (JSON): dataset, split, sampling, models and tasks, validated strictly. */
#ifndef SUITE_H
#define SUITE_H

#include "lib/util.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"

enum task_type {
	TASK_RETRIEVAL,   /* top-k over the whole catalogue */
	TASK_RANKING,     /* order the target and sampled negatives */
	TASK_MC,          /* pick the target among lettered candidates (RecLM-eval's multiple choice) */
	TASK_EMBED_RETRIEVAL,  /* cosine top-k of embedded user and item texts over the catalogue */
	TASK_EMBED_RANKING,    /* the same over the candidates */
};

/* Whether a task type lists candidates (ranking, mc, embedding_ranking). */
#define TASK_HAS_CANDIDATES(t) ((t) == TASK_RANKING || (t) == TASK_MC || (t) == TASK_EMBED_RANKING)
/* Whether a task type is answered with embeddings. */
#define TASK_IS_EMBEDDING(t) ((t) == TASK_EMBED_RETRIEVAL || (t) == TASK_EMBED_RANKING)


struct task_spec {
	char *name;            /* unique in the suite; defaults to the type's name */
	enum task_type type;
	size_t *k;             /* cutoffs, ascending, distinct, >= 1 */
	size_t n_k;
	size_t candidates;     /* ranking, mc: list size, target included (>= 2; mc: <= 26) */
	enum negatives negatives;
	int seq;               /* mc: 1 for "seq" (history in order), 0 for "cf" (history shuffled) */
	size_t permutations;   /* ranking: also ask with the candidates shuffled this many more times */
	double fuzzy;          /* chat tasks: least trigram similarity of a fuzzy title match; 0: the default */
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
};


struct suite {
	char *path;            /* as given */
	char *name, *description;
	char *json;            /* the suite, normalised (cJSON print), stored with runs */
	struct dataset_spec dataset;   /* owns its strings */
	struct split_spec split;
	size_t users;          /* users to sample; 0: every eligible user */
	uint64_t seed;
	char **models;
	size_t n_models;
	struct task_spec *tasks;
	size_t n_tasks;
};

/* Task type names as written in suites ("retrieval", "ranking"). */
const char *task_type_name(enum task_type t);

/*
 * Read and validate the suite at path into out (zeroed by the caller).
 * Relative dataset paths resolve against the suite file's folder. An unknown
 * key, a wrong type or an out-of-range value fails with
 * "receval: FILE:LINE: ..." naming the key; returns -1 and releases out.
 */
int suite_load(struct suite *out, const char *path);
/* The same from text already read (a run's stored suite); path is for messages and relative paths. */
int suite_parse(struct suite *out, const char *path, const char *text, size_t len);
void suite_release(struct suite *s);

#endif
