/* merge.h: `receval merge`: runs of several databases copied into one, the shards of a run joined and finished from the database alone. */
#ifndef MERGE_H
#define MERGE_H

#include "lib/util.h"

/*
 * Merge the databases inputs[0..n) into out_path (created when missing),
 * all in one transaction: every run is copied under a new id, with its
 * samples and per-sample metrics; runs sharing a run_key (the shards of one
 * run, or a run copied before) are joined into one run, which must agree
 * in suite content, model, seed, limit and shard count (a run of out_path
 * that no merge made, a shard run there, is joined in place: refused when
 * it is running, or when out_path holds two of one key); the cache and the
 * catalogues are merged too, and so are the judgments of `receval judge`
 * (merge_judgments(): their runs renamed; one merged before is skipped when
 * the same, replaced when it had not finished and now has, else refused).
 * Each run that changed is then finished by
 * run_finish() from the database alone: "partial" when shards are missing,
 * else "done" (or "failed" / "interrupted" as its shards were). A sample
 * already merged is compared with the new one: the same content is
 * skipped (so merging an input again changes nothing), different content
 * is an error. Prints one line per run to stdout, warnings for partial
 * runs to stderr.
 *
 * Returns an exit code: EXIT_OK; EXIT_INPUT when an input is unreadable,
 * corrupt, not a receval database, of a newer schema, or in conflict (the
 * message names the file, the run and what differs); EXIT_STORE when
 * out_path cannot be written. On failure out_path is as it was (and is
 * removed when this call created it).
 */
int merge_databases(const char *out_path, char *const *inputs, size_t n, int quiet);

#endif
