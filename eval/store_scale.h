/* store_scale.h: what scale-out keeps in the store: the schema version, run keys, the shards a merged run was joined from, replica request counts. */
#ifndef STORE_SCALE_H
#define STORE_SCALE_H

#include "eval/store.h"

/*
 * The schema version this receval writes (PRAGMA user_version): 0 before
 * run keys, 1 with run_key, run_sources and run_replicas. A database of a
 * later version is refused; an earlier one is upgraded when opened.
 */
#define STORE_SCHEMA_VERSION 1

/* Fail (-1, message naming the file) when s was made by a newer receval. */
int store_check_version(struct store *s);
/*
 * Bring an older database up to STORE_SCHEMA_VERSION: the run_key column
 * (a random UUID for each run that has none) and the scale-out tables.
 */
int store_upgrade(struct store *s);

/* One replica of a model, as counted by its adapter. */
struct replica_count {
	const char *replica;            /* its URL (never holds a secret) */
	int64_t requests, failures, rests;
};

/*
 * Add the counts of the replicas that served role ("subject", "judge", ...)
 * in shard (0 for a run that is not sharded) of run to what is stored
 * (a resumed run adds to its first part's counts).
 */
int store_add_replicas(struct store *s, int64_t run, long shard, const char *role,
		       const struct replica_count *c, size_t n);

struct replica_row {
	char *role, *replica;
	int64_t requests, failures, rests;  /* summed over the run's shards */
};

/* The run's replicas by role and URL: *out allocated (replica_rows_free()), *n of them. */
int store_get_replicas(struct store *s, int64_t run, struct replica_row **out, size_t *n);
void replica_rows_free(struct replica_row *rows, size_t n);

/* A shard a merged run was joined from (or the one run it was copied from). */
struct source_row {
	int64_t shard, shards;     /* shard I of N (0 of 1: a run that was not sharded) */
	char *source;              /* the database it came from, as named to merge */
	int64_t source_run;        /* its id there */
	char *status;              /* its status there */
};

/* The run's sources by shard: *out allocated (source_rows_free()); none for a run made by `run`. */
int store_get_sources(struct store *s, int64_t run, struct source_row **out, size_t *n);
void source_rows_free(struct source_row *rows, size_t n);

/*
 * A run's shard as its stored configuration says ("I/N"): 1 with *i, *n
 * set, 0 when the run is not a shard (*i = 0, *n = 1), -1 when config
 * is not JSON or the shard is malformed.
 */
int store_config_shard(const char *config, long *i, long *n);

/*
 * A run's seed and limit as its parsed stored configuration says: *seed
 * is a whole number from 0 (dflt when absent), *limit one from 1, or -1
 * when absent or null. 0, or -1 naming the malformed key in *bad
 * ("seed", "limit"): a hand-edited 1e300 is refused here, never
 * converted (undefined for a number a long cannot hold).
 */
struct cJSON;
int store_config_counts(const struct cJSON *config, long dflt, long *seed, long *limit, const char **bad);

#endif
