/* general.h: what the general-ability types (general_mc, instruction_following, chatbot) share: their data files, the order questions are asked in, storing a text sample. */
#ifndef TASKS_GENERAL_H
#define TASKS_GENERAL_H

#include "eval/run_internal.h"

struct cJSON;

/*
 * "data" (required) resolved against the suite's folder into *out, and
 * checked to exist unless the suite is a stored one (finishing a run
 * reads no file). 0, or -1 after a message at the key's line.
 */
int general_data_path(const struct task_parse *tp, const char *key, int required, char **out);

/*
 * Read the question file at path into sb (at most 1 GiB). 0, or -1 after
 * "cannot read" or "PATH:LINE: NUL byte ..." (sb released): a NUL would
 * cut the question it is in where it is stored and sent.
 */
int general_read_file(struct strbuf *sb, const char *path);

/*
 * Call fn for each non-blank line of the JSONL file at path with the
 * line's object and its 1-based number; a line that is not a JSON object
 * fails with "PATH:LINE: ...". fn returns 0, or -1 after its own message.
 * A file without a line of data fails too. Returns 0 or -1.
 */
int general_read_jsonl(const char *path, int (*fn)(const struct cJSON *obj, long line, void *data), void *data);

/*
 * The order a run asks a task's n questions in: the file's order; with
 * --limit N, the first N of each group after a shuffle seeded by the run's
 * seed and the task's name (group[i] names question i's group, such as
 * its subject; NULL: one group); with --shard I/N, every Nth of those.
 * Returns the question indexes (the caller frees) and their count in *n_out.
 */
size_t *general_order(const struct run_plan *plan, const char *task, const size_t *group, size_t n,
		      size_t *n_out);

/* What a sample of text answers stores. */
struct general_sample {
	const char *sample_id;
	const char *target;          /* the key of a question, or NULL */
	const char *ranking;         /* JSON array: the choice read, or NULL */
	const char *request, *response, *transcript;
	const char *status;          /* "ok" or "error" */
	const char *error;
	double latency_ms;
	long tokens_in, tokens_out;
	/* the per-sample metrics (error_rate is added) */
	const char **names;
	double *values;
	size_t n, alloc;
};

void general_metric(struct general_sample *s, const char *name, double value);
/* Fill status, error, response and tokens from an answer; *err_owned gets a message to free. */
void general_from_answer(struct general_sample *s, const struct llm_answer *a, int from_cache, char **err_owned);
/* Store s (an error gets error_rate 1 and no other metric); frees its metric arrays. 0, or -1 when the store failed. */
int general_store(struct task_ctx *c, struct general_sample *s);
/* The chat request of messages as stored and hashed: {"messages":[{"role","content"},...]}. */
void general_messages_json(struct strbuf *out, const struct llm_message *m, size_t n);

/* general_mc: the prompt of question i (in file order) of task t, MMLU's wording with t's worked examples. */
void general_mc_prompt(struct strbuf *out, const struct task_spec *t, size_t question);

/* chatbot: MT-Bench's verdict, "[[N]]" else "[N]"; -1 when none can be read or it is outside 1..10. */
double chatbot_read_rating(const char *text);

#endif
