/* merge_internal.h: what the merge's files share: its inputs, their runs, and the groups of runs joined into one. */
#ifndef MERGE_INTERNAL_H
#define MERGE_INTERNAL_H

#include <sqlite3.h>
#include "eval/merge.h"
#include "eval/store.h"
#include "lib/strbuf.h"

struct cJSON;

/* An input database, open read-only, and what its schema holds. */
struct merge_input {
	const char *path;
	sqlite3 *db;
	int transcript, run_key;                     /* columns: samples.transcript, runs.run_key */
	int sources, replicas, catalogues, cache;    /* tables */
	int judgments;                               /* tables: judgments, judgment_samples, judgment_metrics */
};

/* A shard a run holds: itself, or one of a merged run's sources. */
struct merge_part {
	long shard;
	char *source, *status;
	int64_t source_run, samples, users;
};

/* A run of an input. */
struct merge_run {
	struct merge_input *in;
	int64_t id;
	char *key, *suite, *model, *status, *started_at, *version, *config_text;
	int64_t seed, samples;
	struct cJSON *config;
	long shards;                  /* the shard count (1: not sharded) */
	int merged;                   /* a run made by an earlier merge (its parts are its sources) */
	struct merge_part *parts;
	size_t n_parts;
};

/* The runs of one run key, joined into one run of the output. */
struct merge_group {
	const char *key;
	size_t *runs, n_runs;         /* indexes into the runs array */
	int64_t target;               /* its id in the output */
	int created, changed;
	size_t inserted, replaced;    /* samples added; error samples replaced by completed ones */
	char *status;                 /* as finished */
};

/* Print "PATH: what: SQLite's message" about an input; returns EXIT_INPUT. */
int merge_in_fail(struct merge_input *in, const char *what);
/* Why two runs' configurations cannot be joined (caller frees), or NULL. */
char *merge_differs(const struct cJSON *ca, long shards_a, const char *model_a, const struct cJSON *cb,
		    long shards_b, const char *model_b);
/* Copy group g's runs into the output (merge_copy.c): 0 or an exit code. */
int merge_group(struct store *s, struct merge_group *g, struct merge_run *runs);
/* Finish g's run when it changed: its configuration, planned samples, status, figures. 0 or an exit code. */
int merge_finish(struct store *s, struct merge_group *g, struct merge_run *runs);
/* Whether two values are the same, type and bytes (a float bit for bit). */
int merge_same_value(sqlite3_value *a, sqlite3_value *b);
/*
 * The judgments of in (receval judge) into the output, once every group
 * has its id there: their runs renamed, each judgment copied whole. One
 * copied before (same kind, runs, judge, labels and start) is skipped
 * when its content is the same, replaced when it had not finished and the
 * new copy has, and otherwise refused (EXIT_INPUT). A judgment naming a
 * run the input no longer holds is skipped with a warning. Appends a line
 * per judgment to report (printed once the merge is committed). 0 or an
 * exit code.
 */
int merge_judgments(struct store *s, struct merge_input *in, const struct merge_run *runs,
		    const struct merge_group *groups, size_t n_groups, struct strbuf *report);
/* One line about g's run on stdout (and a warning when it is partial). */
void merge_report(struct store *s, const struct merge_group *g, const struct merge_run *runs, int quiet);

#endif
