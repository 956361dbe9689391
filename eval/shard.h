/* shard.h: which part of a run this process evaluates: --shard I/N, or auto from the scheduler (Kubernetes Indexed Jobs, Slurm job arrays), and the run key shards share. */
#ifndef SHARD_H
#define SHARD_H

#include "lib/util.h"

/* "I/N" with 0 <= I < N into *i, *n: 0, or -1 when s is not that. */
int shard_parse(const char *s, long *i, long *n);

/*
 * --shard auto: the index and count from the environment.
 *  - Kubernetes Indexed Job: JOB_COMPLETION_INDEX, the count from shards
 *    (--shards N, 0 when not given) or RECEVAL_SHARDS;
 *  - Slurm job array: (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) /
 *    SLURM_ARRAY_TASK_STEP (1 when unset), of SLURM_ARRAY_TASK_COUNT
 *    (--shards, when given, must agree).
 * *scheduler gets "kubernetes" or "slurm", *group the text naming the
 * whole job ("slurm:CLUSTER:ARRAY_JOB_ID"; NULL for Kubernetes, whose
 * pods learn their Job's uid only through RECEVAL_RUN_KEY), owned.
 * Returns 0, or -1 after printing a usage error (neither scheduler's
 * variables set, a count missing or out of range).
 */
int shard_auto(long *i, long *n, const char **scheduler, char **group, long shards);

/*
 * The run key of a run of model: a UUID. With group (a text naming the
 * whole sharded run: --run-key, RECEVAL_RUN_KEY, or the scheduler's job),
 * or for a shard (n > 1) without one, a name-based UUID of the group, or
 * of the run's content (suite JSON, seed, limit, shard count), and the
 * model, so every shard of one run gets the same key and each model its
 * own; otherwise (a run that is not sharded, no group) a random UUID.
 */
void shard_run_key(char out[37], const char *group, const char *suite_json, uint64_t seed, long limit,
		   long n, const char *model);

struct store;
struct run_info;

/* How list and show name a run's part of the whole: its shard, limit and key. */
struct run_scale {
	char shard[64];    /* "-" (not sharded), "1/3" (a shard), "0-2/3" (merged), "0,2/3" (merged, partial) */
	char limit[24];    /* "-" or the number */
	char key[9];       /* the run key's first 8 characters, or "-" */
	long shards;       /* the shard count (1: not sharded) */
	char missing[64];  /* a partial merge: the shards missing, "1" or "1,3"; else empty */
};

/* Fill out for run r (its stored configuration and, for a merged run, its sources): 0, or -1 (store error, printed). */
int shard_describe(struct run_scale *out, struct store *s, const struct run_info *r);

#endif
