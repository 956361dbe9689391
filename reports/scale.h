/* scale.h: a run's part of the whole for `show`: its run key, shard, limit, merge sources and replica counts. */
#ifndef REPORTS_SCALE_H
#define REPORTS_SCALE_H

#include <stdio.h>
#include "eval/store.h"

struct cJSON;

/*
 * Add to run_obj (show's "run" object): "run_key", "shard" ("I/N" or null),
 * "limit" (or null); for a merged run "merged": {"shards", "present",
 * "missing", "sources": [{"shard", "database", "run", "status"}]}; for a
 * pool of replicas "replicas": [{"role", "url", "requests", "failures",
 * "rests"}]. 0, or -1 after printing a store error.
 */
int scale_add_json(struct cJSON *run_obj, struct store *s, const struct run_info *run);

/* The same as lines under show's table: "key ... shard ... limit ... seed ...", a line per replica. 0 or -1. */
int scale_write_table(FILE *f, struct store *s, const struct run_info *run);

#endif
