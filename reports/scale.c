/* scale.c: a run's part of the whole for `show`: its run key, shard, limit, merge sources and replica counts. */
#include <cJSON.h>
#include "reports/scale.h"
#include "eval/shard.h"
#include "eval/store_scale.h"

int scale_add_json(cJSON *r, struct store *s, const struct run_info *run)
{
	struct run_scale sc;
	struct source_row *src = NULL;
	struct replica_row *rep = NULL;
	size_t n_src = 0, n_rep = 0, i;
	long si, sn;
	cJSON *a, *o;

	if (shard_describe(&sc, s, run) < 0 || store_get_sources(s, run->id, &src, &n_src) < 0)
		return -1;
	if (store_get_replicas(s, run->id, &rep, &n_rep) < 0) {
		source_rows_free(src, n_src);
		return -1;
	}
	if (run->run_key)
		cJSON_AddStringToObject(r, "run_key", run->run_key);
	else
		cJSON_AddNullToObject(r, "run_key");
	if (store_config_shard(run->config, &si, &sn) == 1)
		cJSON_AddStringToObject(r, "shard", sc.shard);
	else
		cJSON_AddNullToObject(r, "shard");
	if (strcmp(sc.limit, "-"))
		cJSON_AddNumberToObject(r, "limit", strtod(sc.limit, NULL));
	else
		cJSON_AddNullToObject(r, "limit");
	if (n_src) {
		o = cJSON_AddObjectToObject(r, "merged");
		cJSON_AddNumberToObject(o, "shards", (double)sc.shards);
		cJSON_AddStringToObject(o, "present", sc.shard);
		cJSON_AddStringToObject(o, "missing", sc.missing);
		a = cJSON_AddArrayToObject(o, "sources");
		for (i = 0; i < n_src; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddNumberToObject(e, "shard", (double)src[i].shard);
			cJSON_AddStringToObject(e, "database", src[i].source);
			cJSON_AddNumberToObject(e, "run", (double)src[i].source_run);
			cJSON_AddStringToObject(e, "status", src[i].status ? src[i].status : "");
			cJSON_AddItemToArray(a, e);
		}
	}
	if (n_rep) {
		a = cJSON_AddArrayToObject(r, "replicas");
		for (i = 0; i < n_rep; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "role", rep[i].role);
			cJSON_AddStringToObject(e, "url", rep[i].replica);
			cJSON_AddNumberToObject(e, "requests", (double)rep[i].requests);
			cJSON_AddNumberToObject(e, "failures", (double)rep[i].failures);
			cJSON_AddNumberToObject(e, "rests", (double)rep[i].rests);
			cJSON_AddItemToArray(a, e);
		}
	}
	source_rows_free(src, n_src);
	replica_rows_free(rep, n_rep);
	return 0;
}

int scale_write_table(FILE *f, struct store *s, const struct run_info *run)
{
	struct run_scale sc;
	struct replica_row *rep = NULL;
	size_t n_rep = 0, i;

	if (shard_describe(&sc, s, run) < 0 || store_get_replicas(s, run->id, &rep, &n_rep) < 0)
		return -1;
	fprintf(f, "key %s  shard %s  limit %s  seed %lld", run->run_key ? run->run_key : "-", sc.shard, sc.limit,
		(long long)run->seed);
	if (sc.missing[0])
		fprintf(f, "  missing shards %s", sc.missing);
	fputc('\n', f);
	for (i = 0; i < n_rep; i++)
		fprintf(f, "replica %s (%s): %lld requests, %lld failures, rested %lld times\n", rep[i].replica,
			rep[i].role, (long long)rep[i].requests, (long long)rep[i].failures, (long long)rep[i].rests);
	replica_rows_free(rep, n_rep);
	return 0;
}
