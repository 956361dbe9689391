/* run.c: a run's aggregated metrics as JSON (`show --format json`) and CSV (`show --format csv`). */
#include <cJSON.h>
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include "reports/run.h"
#include "reports/csv.h"
#include "reports/scale.h"

static cJSON *number_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

int run_add_json(struct strbuf *sb, struct store *s, const struct run_info *run, const struct metric_row *rows,
		 size_t n)
{
	cJSON *root = cJSON_CreateObject(), *r = cJSON_AddObjectToObject(root, "run");
	cJSON *metrics = cJSON_AddObjectToObject(root, "metrics"), *config, **tasks = NULL;
	struct strmap index = STRMAP_INIT;
	size_t n_tasks = 0, alloc = 0;
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
	if (run->reason)
		cJSON_AddStringToObject(r, "reason", run->reason);
	else
		cJSON_AddNullToObject(r, "reason");
	cJSON_AddNumberToObject(r, "seed", (double)run->seed);
	cJSON_AddStringToObject(r, "version", run->version);
	config = run->config ? cJSON_Parse(run->config) : NULL;
	cJSON_AddItemToObject(r, "config", config ? config : cJSON_CreateNull());
	if (s && scale_add_json(r, s, run) < 0) {
		cJSON_Delete(root);
		return -1;
	}

	for (i = 0; i < n; i++) {
		cJSON *m;
		uint32_t t;
		/*
		 * A task's object is found by hash, not by cJSON's walk of the
		 * tasks before it: that was quadratic, 37 s for show --format json
		 * of a suite of 10,000 tasks.
		 */
		if (strmap_get(&index, rows[i].task, strlen(rows[i].task), &t) < 0) {
			t = (uint32_t)n_tasks;
			ALLOC_GROW(tasks, n_tasks + 1, alloc);
			tasks[n_tasks++] = cJSON_AddObjectToObject(metrics, rows[i].task);
			strmap_put(&index, rows[i].task, strlen(rows[i].task), t, NULL);
		}
		m = cJSON_AddObjectToObject(tasks[t], rows[i].metric);
		cJSON_AddItemToObject(m, "value", number_or_null(rows[i].value));
		cJSON_AddItemToObject(m, "ci_low", number_or_null(rows[i].ci_low));
		cJSON_AddItemToObject(m, "ci_high", number_or_null(rows[i].ci_high));
		cJSON_AddNumberToObject(m, "n", (double)rows[i].n);
	}
	strmap_release(&index);
	free(tasks);
	out = cJSON_Print(root);
	strbuf_add_utf8(sb, out, strlen(out));   /* cJSON copies bytes that are not UTF-8 as they are (a hand-edited database) */
	strbuf_addch(sb, '\n');
	cJSON_free(out);
	cJSON_Delete(root);
	return 0;
}

int run_write_json(FILE *f, struct store *s, const struct run_info *run, const struct metric_row *rows, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	int ret = run_add_json(&sb, s, run, rows, n);

	if (!ret)
		fwrite(sb.buf, 1, sb.len, f);
	strbuf_release(&sb);
	return ret;
}

void run_write_csv(FILE *f, const struct run_info *run, const struct metric_row *rows, size_t n)
{
	size_t i;

	fprintf(f, "run_id,model,task,metric,value,ci_low,ci_high,n\n");
	for (i = 0; i < n; i++) {
		fprintf(f, "%lld,", (long long)run->id);
		csv_field(f, run->model);
		fputc(',', f);
		csv_field(f, rows[i].task);
		fputc(',', f);
		csv_field(f, rows[i].metric);
		fprintf(f, ",%.17g,%.17g,%.17g,%lld\n", rows[i].value, rows[i].ci_low, rows[i].ci_high,
			(long long)rows[i].n);
	}
}
