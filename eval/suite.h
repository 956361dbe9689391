/* suite.h: a suite definition (JSON): dataset, split, sampling, models and tasks, validated strictly. */
#ifndef SUITE_H
#define SUITE_H

#include "lib/util.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"
#include "eval/task.h"

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

/*
 * Read and validate the suite at path into out (zeroed by the caller).
 * Relative dataset paths resolve against the suite file's folder. An unknown
 * key, a wrong type or an out-of-range value fails with
 * "receval: FILE:LINE: ..." naming the key; returns -1 and releases out.
 */
int suite_load(struct suite *out, const char *path);
/* The same from text already read (a run's stored suite); path is for messages and relative paths. */
int suite_parse(struct suite *out, const char *path, const char *text, size_t len);
/*
 * The same, reading no file and no environment variable: templates stay
 * NULL and the dataset path unexpanded. For finishing or merging a run
 * from its stored suite on a machine that may not have its files.
 */
int suite_parse_stored(struct suite *out, const char *text, size_t len);
void suite_release(struct suite *s);

/* Every file path a suite names (dataset, items, templates, tasks' data), resolved as the loader reads it. */
struct suite_paths {
	char **v;
	size_t n, alloc;
};

/*
 * While out is set, this thread's suite_load() and suite_parse() append
 * each file path they resolve to out, before reading it (receval serve
 * checks them against its suites folder). NULL stops; release out with
 * suite_paths_release().
 */
void suite_record_paths(struct suite_paths *out);
void suite_paths_release(struct suite_paths *p);
/* Append a copy of path to this thread's recording, if one is set (the loader's resolve()); returns path. */
char *suite_paths_note(char *path);
/*
 * p with $NAME, ${NAME} and ${NAME:-default} taken from the environment
 * (caller frees), or NULL with "FILE:LINE: ..." printed when a variable is
 * unset and has no default; *from_env: p starts with a variable that was set.
 */
char *suite_expand_env(const char *file, const char *p, long line, int *from_env);

#endif
