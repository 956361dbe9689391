/* store_judge.h: the store's side of judges: transcripts of judged samples, samples whose judge failed, pairwise judgments. */
#ifndef STORE_JUDGE_H
#define STORE_JUDGE_H

#include "eval/store.h"

struct strmap;

/*
 * The sample ids of a task's samples stored as errors of the judge
 * (status "error", error "judge: ..."), into done-style map out (value 1),
 * the key strings in *keys (the caller frees each and the array, after
 * the map). 0, or -1 after printing why.
 */
int store_judge_error_samples(struct store *s, int64_t run, const char *task, struct strmap *out,
			      char ***keys, size_t *n_keys);

/* The transcripts of a task's samples that have one, by sample_id; *out and its strings are the caller's. */
int store_get_transcripts(struct store *s, int64_t run, const char *task, char ***out, size_t *n);

/*
 * Delete the judgments naming run as A or B, with their samples and
 * figures (store_delete_run()'s part: a judgment of a run that is gone can
 * be neither shown whole nor resumed); their count in *n. Inside the
 * caller's transaction. 0, or -1 after printing why.
 */
int store_judge_delete_run(struct store *s, int64_t run, long *n);

#endif

/* --- pairwise judgments (receval judge) -------------------------------- */

/*
 * Tables (created by store_judgments_init):
 *   judgments         one row per `receval judge`: id, kind ("pairwise" or
 *                     "calibration"), run_a, run_b (NULL for calibration),
 *                     judge (spec), labels (calibration's file), status
 *                     ("running", "done", "failed"), started_at, finished_at,
 *                     samples, errors, config (JSON), version
 *   judgment_samples  one row per compared sample: judgment_id, task,
 *                     sample_id, question, answer_a, answer_b, verdict_ab and
 *                     verdict_ba ("A", "B", "C" as the judge wrote it, with A
 *                     shown first; NULL when unreadable or not answered),
 *                     outcome ("a", "b", "tie", NULL), status ("ok",
 *                     "error"), error, transcript (codec: both requests, raw
 *                     verdicts, tokens)
 *   judgment_metrics  judgment_id, task, metric, value, ci_low, ci_high, n
 */
int store_judgments_init(struct store *s);

struct judgment_info {
	int64_t id, run_a, run_b;       /* run_a, run_b: 0 for a calibration */
	char *kind, *judge, *labels, *status, *started_at, *finished_at, *config;
	int64_t samples, errors;
};
void judgment_info_release(struct judgment_info *j);

int store_judgment_create(struct store *s, int64_t *out, const char *kind, int64_t run_a, int64_t run_b,
			  const char *judge, const char *labels, const char *config);
int store_judgment_finish(struct store *s, int64_t id, const char *status, size_t samples, size_t errors);

/* One compared sample; strings may be NULL. */
struct judgment_sample {
	const char *task, *sample_id, *question, *answer_a, *answer_b;
	const char *verdict_ab, *verdict_ba, *outcome, *status, *error, *transcript;
};
int store_judgment_put_sample(struct store *s, int64_t id, const struct judgment_sample *js);
int store_judgment_put_metric(struct store *s, int64_t id, const char *task, const char *metric, double value,
			      double lo, double hi, size_t n);

/* Every judgment, oldest first (1, 0 when there is no table yet: *n = 0). */
int store_list_judgments(struct store *s, struct judgment_info **out, size_t *n);
/* Judgment id into out: 1 found, 0 not, -1 error. */
int store_get_judgment(struct store *s, int64_t id, struct judgment_info *out);

/*
 * The metrics of judgment id as metric rows (task, metric, value, ci, n),
 * in task order then metric name. Free with metric_rows_free().
 */
int store_judgment_metrics(struct store *s, int64_t id, struct metric_row **out, size_t *n);

/* The latest finished pairwise judgment of run_a against run_b: its id, 0 when none, -1 on error. */
int64_t store_latest_judgment(struct store *s, int64_t run_a, int64_t run_b);

/*
 * Call fn for each sample of judgment id whose two orders disagree (in
 * task order, then sample id); what js points to lives until fn returns.
 * fn returns 0 to go on. 0, or -1 after printing why.
 */
int store_judgment_disagreements(struct store *s, int64_t id,
				 int (*fn)(const struct judgment_sample *js, void *data), void *data);

/* A successful sample's answer, for judging two runs. */
struct answer_row {
	char *sample_id, *request, *response;
};

/* A task's successful samples that have a response, by sample_id; free with answer_rows_free(). */
int store_get_answers(struct store *s, int64_t run, const char *task, struct answer_row **out, size_t *n);
void answer_rows_free(struct answer_row *rows, size_t n);

/*
 * Group the writes that follow (judged samples, cached answers) into one
 * transaction, committed by store_judge_commit() (and begun again by the
 * next store_judge_begin()): fewer commits for many small rows. 0, or -1.
 */
int store_judge_begin(struct store *s);
int store_judge_commit(struct store *s);
