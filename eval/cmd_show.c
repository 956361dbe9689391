/* cmd_show.c: `receval show`: a run's metrics (table, json, csv) or its samples (jsonl, table). */
#include <sqlite3.h>
#include <cJSON.h>
#include "cmd.h"
#include "opt.h"
#include "store.h"
#include "strbuf.h"
#include "reports/table.h"
#include "reports/csv.h"

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

struct named_value {
	char *name;
	double value;
};

static int cmp_named(const void *a, const void *b)
{
	return metric_cmp(((const struct named_value *)a)->name, ((const struct named_value *)b)->name);
}

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : NULL;
}

/* A stored JSON array, or [] when the column is empty or not an array. */
static void add_array(struct strbuf *sb, const char *json)
{
	strbuf_addstr(sb, json && json[0] == '[' ? json : "[]");
}

static void add_string_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		strbuf_addstr(sb, "null");
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

static int show_samples(struct store *store, int64_t run, int table)
{
	sqlite3 *db = store_db(store);
	sqlite3_stmt *st = NULL, *mst = NULL;
	struct strbuf sb = STRBUF_INIT;
	struct named_value *mv = NULL;
	size_t n_mv = 0, alloc_mv = 0, i;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db,
			       "SELECT task, sample_id, user, target, candidates, ranking, response, status,"
			       " error, grounding, history, latency_ms FROM samples WHERE run_id = ? ORDER BY rowid",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "SELECT metric, value FROM sample_metrics WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &mst, NULL) != SQLITE_OK) {
		error("%s: cannot read samples: %s", store->path, sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int64(st, 1, run);
	if (table)
		printf("%-12s  %-14s  %-10s  %-10s  %-7s  %s\n", "task", "sample_id", "user", "target",
		       "status", "rank");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *task = col(st, 0), *sid = col(st, 1);

		if (table) {
			long r = rank_of(col(st, 5), col(st, 3));
			printf("%-12s  %-14s  %-10s  %-10s  %-7s  ", task, sid, col(st, 2),
			       col(st, 3) ? col(st, 3) : "-", col(st, 7));
			if (r)
				printf("%ld\n", r);
			else
				printf("-\n");
			continue;
		}
		sqlite3_reset(mst);
		sqlite3_bind_int64(mst, 1, run);
		sqlite3_bind_text(mst, 2, task, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(mst, 3, sid, -1, SQLITE_TRANSIENT);
		for (i = 0; i < n_mv; i++)
			free(mv[i].name);
		n_mv = 0;
		while (sqlite3_step(mst) == SQLITE_ROW) {
			ALLOC_GROW(mv, n_mv + 1, alloc_mv);
			mv[n_mv].name = xstrdup(col(mst, 0));
			mv[n_mv].value = sqlite3_column_type(mst, 1) == SQLITE_NULL ? NAN : sqlite3_column_double(mst, 1);
			n_mv++;
		}
		qsort(mv, n_mv, sizeof(*mv), cmp_named);

		strbuf_reset(&sb);
		strbuf_addstr(&sb, "{\"task\":");
		strbuf_add_json(&sb, task);
		strbuf_addstr(&sb, ",\"sample_id\":");
		strbuf_add_json(&sb, sid);
		strbuf_addstr(&sb, ",\"user\":");
		add_string_or_null(&sb, col(st, 2));
		strbuf_addstr(&sb, ",\"target\":");
		add_string_or_null(&sb, col(st, 3));
		strbuf_addstr(&sb, ",\"history\":");
		add_array(&sb, col(st, 10));
		strbuf_addstr(&sb, ",\"candidates\":");
		add_array(&sb, col(st, 4));
		strbuf_addstr(&sb, ",\"ranking\":");
		add_array(&sb, col(st, 5));
		strbuf_addstr(&sb, ",\"response\":");
		add_string_or_null(&sb, col(st, 6));
		strbuf_addstr(&sb, ",\"status\":");
		add_string_or_null(&sb, col(st, 7));
		strbuf_addstr(&sb, ",\"error\":");
		add_string_or_null(&sb, col(st, 8));
		strbuf_addstr(&sb, ",\"grounding\":");
		add_array(&sb, col(st, 9));
		strbuf_addf(&sb, ",\"latency_ms\":%.3f", sqlite3_column_double(st, 11));
		strbuf_addstr(&sb, ",\"metrics\":{");
		for (i = 0; i < n_mv; i++) {
			if (i)
				strbuf_addch(&sb, ',');
			strbuf_add_json(&sb, mv[i].name);
			if (isnan(mv[i].value))
				strbuf_addstr(&sb, ":null");
			else
				strbuf_addf(&sb, ":%.17g", mv[i].value);
		}
		strbuf_addstr(&sb, "}}\n");
		fwrite(sb.buf, 1, sb.len, stdout);
	}
	if (rc != SQLITE_DONE) {
		error("%s: cannot read samples: %s", store->path, sqlite3_errmsg(db));
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n_mv; i++)
		free(mv[i].name);
	free(mv);
	strbuf_release(&sb);
	sqlite3_finalize(st);
	sqlite3_finalize(mst);
	return ret;
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
	long id;

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
	if (strcmp(argv[0], "latest") && (parse_long(argv[0], &id) < 0 || id < 1)) {
		error("'%s' is not a run id (a whole number, or 'latest')", argv[0]);
		return EXIT_USAGE;
	}
	if (store_open_existing(&store, default_db_path(db)) < 0)
		return EXIT_STORE;
	if (!strcmp(argv[0], "latest")) {
		int64_t latest = store_latest_run(&store);
		if (latest < 0) {
			store_close(&store);
			return EXIT_STORE;
		}
		id = (long)latest;
	}
	rc = store_get_run(&store, id, &run);
	if (rc <= 0) {
		if (!rc)
			error("%s: no run %ld (see 'receval list --db %s')", store.path, id, store.path);
		store_close(&store);
		return rc ? EXIT_STORE : EXIT_INPUT;
	}
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
