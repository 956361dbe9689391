/* table.c: plain-text tables for the terminal (fixed columns, no colour, stable for scripts to diff). */
#include "lib/util.h"
#include "reports/table.h"
#include "eval/rowfind.h"
#include "eval/label.h"

static void format_value(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.4f", v);
}

void table_run(FILE *f, const struct run_info *run, const struct metric_row *rows, size_t n)
{
	size_t i, wt = 4, wm = 6;

	fprintf(f, "run %lld  %s  suite %s  %s  %lld samples  %lld errors\n", (long long)run->id,
		run->model, run->suite, run->status, (long long)run->samples, (long long)run->errors);
	if (run->reason)
		fprintf(f, "reason: %s\n", run->reason);
	for (i = 0; i < n; i++) {
		if (strlen(rows[i].task) > wt)
			wt = strlen(rows[i].task);
		if (strlen(rows[i].metric) > wm)
			wm = strlen(rows[i].metric);
	}
	fprintf(f, "%-*s  %-*s  %9s  %-22s  %6s\n", (int)wt, "task", (int)wm, "metric", "value",
		"95% CI", "n");
	for (i = 0; i < n; i++) {
		char v[32], lo[32], hi[32], ci[80];
		format_value(v, sizeof(v), rows[i].value);
		format_value(lo, sizeof(lo), rows[i].ci_low);
		format_value(hi, sizeof(hi), rows[i].ci_high);
		if (isnan(rows[i].ci_low))
			snprintf(ci, sizeof(ci), "-");
		else
			snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
		fprintf(f, "%-*s  %-*s  %9s  %-22s  %6lld\n", (int)wt, rows[i].task, (int)wm,
			rows[i].metric, v, ci, (long long)rows[i].n);
	}
	if (!n)
		fprintf(f, "(no metrics: the run has no completed samples)\n");
}

struct key {
	const char *task, *metric;
};

static const struct metric_row *find_row(const struct metric_row *rows, size_t n, const struct key *k)
{
	return metric_row_find(rows, n, k->task, k->metric);
}

/* The widest a column heading of table_runs() gets: longer labels are shortened in the middle. */
#define TABLE_COLUMN_MAX 36

void table_runs(FILE *f, const struct run_info *runs, struct metric_row *const *rows,
		const size_t *n_rows, size_t n_runs)
{
	struct key *keys = NULL;
	size_t n_keys = 0, alloc = 0, r, i, j, wt = 4, wm = 6, wc = 20;
	char **labels;

	/* the union of (task, metric), in the first run's order, others' extras after (hashed: 10,000 tasks) */
	for (r = 0; r < n_runs; r++)
		for (i = 0; i < n_rows[r]; i++) {
			struct key k = { rows[r][i].task, rows[r][i].metric };
			for (j = 0; j < r; j++)
				if (metric_row_find(rows[j], n_rows[j], k.task, k.metric))
					break;
			/* a run's own rows are distinct (run_metrics' primary key) */
			if (j < r)
				continue;
			ALLOC_GROW(keys, n_keys + 1, alloc);
			keys[n_keys++] = k;
			if (strlen(k.task) > wt)
				wt = strlen(k.task);
			if (strlen(k.metric) > wm)
				wm = strlen(k.metric);
		}

	/* the column headings: readable names (label=, or the spec shortened), the full spec above */
	labels = xcalloc(n_runs ? n_runs : 1, sizeof(*labels));
	for (r = 0; r < n_runs; r++) {
		char *endpoint = run_endpoint(&runs[r]), *name = run_label(&runs[r]);
		fprintf(f, "run %-4lld %s", (long long)runs[r].id, runs[r].model);
		if (endpoint && !strstr(runs[r].model, endpoint))
			fprintf(f, "  (at %s)", endpoint);
		fputc('\n', f);
		labels[r] = label_fit(name, TABLE_COLUMN_MAX);
		if (label_width(labels[r]) > wc)
			wc = label_width(labels[r]);
		free(name);
		free(endpoint);
	}
	fprintf(f, "\n%-*s  %-*s", (int)wt, "task", (int)wm, "metric");
	for (r = 0; r < n_runs; r++)
		/* padded by characters, not bytes: a label may hold UTF-8 */
		fprintf(f, "  %s%*s", labels[r], (int)(wc - label_width(labels[r])), "");
	fputc('\n', f);
	for (i = 0; i < n_keys; i++) {
		fprintf(f, "%-*s  %-*s", (int)wt, keys[i].task, (int)wm, keys[i].metric);
		for (r = 0; r < n_runs; r++) {
			const struct metric_row *row = find_row(rows[r], n_rows[r], &keys[i]);
			char cell[64];
			if (!row || isnan(row->value))
				snprintf(cell, sizeof(cell), "-");
			else if (isnan(row->ci_low))
				snprintf(cell, sizeof(cell), "%.3f", row->value);
			else
				snprintf(cell, sizeof(cell), "%.3f [%.3f,%.3f]", row->value,
					 row->ci_low, row->ci_high);
			fprintf(f, "  %-*s", (int)wc, cell);
		}
		fputc('\n', f);
	}
	for (r = 0; r < n_runs; r++)
		free(labels[r]);
	free(labels);
	free(keys);
}

void table_list(FILE *f, const struct run_info *runs, const struct run_scale *scale, size_t n)
{
	size_t i, ws = 5, wm = 5, wh = 5;

	for (i = 0; i < n; i++) {
		if (strlen(runs[i].suite) > ws)
			ws = strlen(runs[i].suite);
		if (strlen(runs[i].model) > wm)
			wm = strlen(runs[i].model);
		if (strlen(scale[i].shard) > wh)
			wh = strlen(scale[i].shard);
	}
	fprintf(f, "%5s  %-11s  %-*s  %-*s  %-*s  %6s  %6s  %7s  %6s  %-20s  %s\n", "id", "status", (int)ws, "suite",
		(int)wm, "model", (int)wh, "shard", "limit", "seed", "samples", "errors", "started", "key");
	for (i = 0; i < n; i++)
		fprintf(f, "%5lld  %-11s  %-*s  %-*s  %-*s  %6s  %6lld  %7lld  %6lld  %-20s  %s\n", (long long)runs[i].id,
			runs[i].status, (int)ws, runs[i].suite, (int)wm, runs[i].model, (int)wh, scale[i].shard,
			scale[i].limit, (long long)runs[i].seed, (long long)runs[i].samples,
			(long long)runs[i].errors, runs[i].started_at, scale[i].key);
}
