/* cmd_show.c: `receval show`: a run's metrics (table, json, csv) or its samples (jsonl, table). */
#include <cJSON.h>
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/runarg.h"
#include "lib/strbuf.h"
#include "reports/table.h"
#include "reports/csv.h"
#include "reports/samples.h"
#include "eval/shard.h"
#include "eval/store_scale.h"

static const char usage_show[] =
	"receval show RUN_ID [--db FILE] [--format table|json|csv] [--samples [--format jsonl|table]]";

static cJSON *number_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

/* A run's part of the whole and what served it: run_key, shard, limit, merged sources, replicas. */
static int add_scale(cJSON *r, struct store *store, const struct run_info *run)
{
	struct run_scale sc;
	struct source_row *src = NULL;
	struct replica_row *rep = NULL;
	size_t n_src = 0, n_rep = 0, i;
	long si, sn;
	cJSON *a, *o;

	if (shard_describe(&sc, store, run) < 0 || store_get_sources(store, run->id, &src, &n_src) < 0 ||
	    store_get_replicas(store, run->id, &rep, &n_rep) < 0) {
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

/* The table's lines about the run's part of the whole, after its header. */
static int print_scale(struct store *store, const struct run_info *run)
{
	struct run_scale sc;
	struct replica_row *rep = NULL;
	size_t n_rep = 0, i;

	if (shard_describe(&sc, store, run) < 0 || store_get_replicas(store, run->id, &rep, &n_rep) < 0)
		return -1;
	printf("key %s  shard %s  limit %s  seed %lld", run->run_key ? run->run_key : "-", sc.shard, sc.limit,
	       (long long)run->seed);
	if (sc.missing[0])
		printf("  missing shards %s", sc.missing);
	putchar('\n');
	for (i = 0; i < n_rep; i++)
		printf("replica %s (%s): %lld requests, %lld failures, rested %lld times\n", rep[i].replica,
		       rep[i].role, (long long)rep[i].requests, (long long)rep[i].failures, (long long)rep[i].rests);
	replica_rows_free(rep, n_rep);
	return 0;
}

static int show_json(struct store *store, const struct run_info *run, const struct metric_row *rows, size_t n)
{
	cJSON *root = cJSON_CreateObject(), *r = cJSON_AddObjectToObject(root, "run");
	cJSON *metrics = cJSON_AddObjectToObject(root, "metrics"), *config;
	char *out;
	size_t i;

	cJSON_AddNumberToObject(r, "id", (double)run->id);
	cJSON_AddStringToObject(r, "suite", run->suite);
	cJSON_AddStringToObject(r, "model", run->model);
	cJSON_AddStringToObject(r, "status", run->status);
	cJSON_AddStringToObject(r, "started_at", run->started_at);
	if (run->finished_at)
		cJSON_AddStringToObject(r, "finished_at", run->finished_at);
	else
		cJSON_AddNullToObject(r, "finished_at");
	cJSON_AddNumberToObject(r, "samples", (double)run->samples);
	cJSON_AddNumberToObject(r, "errors", (double)run->errors);
	cJSON_AddNumberToObject(r, "seed", (double)run->seed);
	cJSON_AddStringToObject(r, "version", run->version);
	config = run->config ? cJSON_Parse(run->config) : NULL;
	cJSON_AddItemToObject(r, "config", config ? config : cJSON_CreateNull());
	if (add_scale(r, store, run) < 0) {
		cJSON_Delete(root);
		return -1;
	}

	for (i = 0; i < n; i++) {
		cJSON *task = cJSON_GetObjectItemCaseSensitive(metrics, rows[i].task), *m;
		if (!task)
			task = cJSON_AddObjectToObject(metrics, rows[i].task);
		m = cJSON_AddObjectToObject(task, rows[i].metric);
		cJSON_AddItemToObject(m, "value", number_or_null(rows[i].value));
		cJSON_AddItemToObject(m, "ci_low", number_or_null(rows[i].ci_low));
		cJSON_AddItemToObject(m, "ci_high", number_or_null(rows[i].ci_high));
		cJSON_AddNumberToObject(m, "n", (double)rows[i].n);
	}
	out = cJSON_Print(root);
	puts(out);
	cJSON_free(out);
	cJSON_Delete(root);
	return 0;
}

static int show_csv(const struct run_info *run, const struct metric_row *rows, size_t n)
{
	size_t i;

	printf("run_id,model,task,metric,value,ci_low,ci_high,n\n");
	for (i = 0; i < n; i++) {
		printf("%lld,", (long long)run->id);
		csv_field(stdout, run->model);
		putchar(',');
		csv_field(stdout, rows[i].task);
		putchar(',');
		csv_field(stdout, rows[i].metric);
		printf(",%.17g,%.17g,%.17g,%lld\n", rows[i].value, rows[i].ci_low, rows[i].ci_high,
		       (long long)rows[i].n);
	}
	return 0;
}

/* The 1-based place of target in a JSON array of ids, or 0. */
static long rank_of(const char *ranking, const char *target)
{
	cJSON *a = ranking && target ? cJSON_Parse(ranking) : NULL, *e;
	long i = 0, found = 0;

	cJSON_ArrayForEach(e, a) {
		i++;
		if (cJSON_IsString(e) && !strcmp(e->valuestring, target)) {
			found = i;
			break;
		}
	}
	cJSON_Delete(a);
	return found;
}

/* --samples --format table: a line per sample with the target's rank. */
static int print_sample_line(const struct sample_view *v, void *data)
{
	long r = rank_of(v->ranking, v->target);

	(void)data;
	printf("%-12s  %-14s  %-10s  %-10s  %-7s  ", v->task, v->sample_id, v->user ? v->user : "",
	       v->target ? v->target : "-", v->status ? v->status : "");
	if (r)
		printf("%ld\n", r);
	else
		printf("-\n");
	return 0;
}

static int show_samples(struct store *store, int64_t run, int table)
{
	if (!table)
		return samples_write_jsonl(stdout, store, run);
	printf("%-12s  %-14s  %-10s  %-10s  %-7s  %s\n", "task", "sample_id", "user", "target",
	       "status", "rank");
	return store_for_each_sample(store, run, print_sample_line, NULL) ? -1 : 0;
}

int cmd_show(int argc, char **argv)
{
	const char *db = NULL, *format = NULL;
	int samples = 0, npos = 0, rc, ret = EXIT_OK;
	struct option opts[] = {
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table, json or csv; with --samples: jsonl or table" },
		{ OPT_BOOL, 0, "samples", &samples, NULL, "print every sample instead of the aggregates" },
		{ OPT_END },
	};
	struct store store;
	struct run_info run;
	struct metric_row *rows = NULL;
	size_t n = 0;
	int64_t id;

	rc = parse_options(argc, argv, opts, usage_show, &npos);
	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (npos != 1) {
		error("show needs one run id (see 'receval list')");
		return EXIT_USAGE;
	}
	if (!format)
		format = samples ? "jsonl" : "table";
	if (samples ? strcmp(format, "jsonl") && strcmp(format, "table")
		    : strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
		error("unknown format '%s'%s (%s)", format, samples ? " for --samples" : "",
		      samples ? "jsonl, table" : "table, json, csv");
		return EXIT_USAGE;
	}
	if (runarg_parse(&id, argv[0]) < 0)
		return EXIT_USAGE;
	if (store_open_existing(&store, default_db_path(db)) < 0)
		return EXIT_STORE;
	rc = runarg_get_latest(&run, &store, &id);
	if (rc <= 0) {
		store_close(&store);
		return rc ? EXIT_STORE : EXIT_INPUT;
	}
	if (samples) {
		if (show_samples(&store, id, !strcmp(format, "table")) < 0)
			ret = EXIT_STORE;
	} else if (store_get_run_metrics(&store, id, &rows, &n) < 0) {
		ret = EXIT_STORE;
	} else if (!strcmp(format, "json")) {
		if (show_json(&store, &run, rows, n) < 0)
			ret = EXIT_STORE;
	} else if (!strcmp(format, "csv")) {
		show_csv(&run, rows, n);
	} else {
		table_run(stdout, &run, rows, n);
		if (print_scale(&store, &run) < 0)
			ret = EXIT_STORE;
	}
	metric_rows_free(rows, n);
	run_info_release(&run);
	store_close(&store);
	return ret;
}
