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

#endif
