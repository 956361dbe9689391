/* cmd_show.c: `receval show`: a run's metrics (table, json, csv) or its samples (jsonl, table). */
#include <cJSON.h>
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "eval/codec.h"
#include "lib/strbuf.h"
#include "reports/table.h"
#include "reports/csv.h"
#include "reports/samples.h"

static const char usage_show[] =
	"receval show RUN_ID [--db FILE] [--format table|json|csv] [--samples [--format jsonl|table]]";

static cJSON *number_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

static int show_json(const struct run_info *run, const struct metric_row *rows, size_t n)
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

/* --samples --format table: a line per sample with the target's rank. */
static int print_sample_line(const struct sample_view *v, void *data)
{
	size_t r = codec_place(v->ranking, v->target, NULL);

	(void)data;
	printf("%-12s  %-14s  %-10s  %-10s  %-7s  ", v->task, v->sample_id, v->user ? v->user : "",
	       v->target ? v->target : "-", v->status ? v->status : "");
	if (r)
		printf("%zu\n", r);
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
	int samples = 0, npos = 0, ret;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_STRING, 'f', "format", &format, "FMT", "table, json or csv; with --samples: jsonl or table" },
		{ OPT_BOOL, 0, "samples", &samples, NULL, "print every sample instead of the aggregates" },
		{ OPT_END },
	};
	static const struct cmd_args one_run = { 1, 1, "show needs one run id (see 'receval list')" };
	struct store store;
	struct run_info run;
	struct metric_row *rows = NULL;
	size_t n = 0;
	int64_t id;

	ret = cmd_start(argc, argv, opts, usage_show, &one_run, &npos);
	if (ret != CMD_GO)
		return ret;
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
	if ((ret = cmd_open_run(&store, &run, db, &id)) != EXIT_OK)
		return ret;
	if (samples) {
		if (show_samples(&store, id, !strcmp(format, "table")) < 0)
			ret = EXIT_STORE;
	} else if (store_get_run_metrics(&store, id, &rows, &n) < 0) {
		ret = EXIT_STORE;
	} else if (!strcmp(format, "json")) {
		show_json(&run, rows, n);
	} else if (!strcmp(format, "csv")) {
		show_csv(&run, rows, n);
	} else {
		table_run(stdout, &run, rows, n);
	}
	metric_rows_free(rows, n);
	run_info_release(&run);
	store_close(&store);
	return ret;
}
