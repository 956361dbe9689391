/* runarg.c: the runs a subcommand is given as RUN_ID arguments: parsed, loaded from the store, labelled. */
#include <sqlite3.h>
#include "eval/runarg.h"
#include "eval/label.h"

int runarg_parse_id(int64_t *out, const char *s)
{
	long id;

	if (parse_long(s, &id) < 0 || id < 1)
		return error("'%s' is not a run id (a whole number; see 'receval list')", s);
	*out = id;
	return 0;
}

int runarg_parse(int64_t *out, const char *s)
{
	long id;

	if (!strncmp(s, "latest", 6) && (!s[6] || s[6] == '~')) {
		/* latest~N: N runs before the latest, stored as -N until resolved */
		if (!s[6]) {
			*out = 0;
			return 0;
		}
		if (parse_long(s + 7, &id) < 0 || id < 0)
			return error("'%s' is not a run id (a whole number, 'latest' or 'latest~N')", s);
		*out = -id;
		return 0;
	}
	if (parse_long(s, &id) < 0 || id < 1)
		return error("'%s' is not a run id (a whole number, 'latest' or 'latest~N')", s);
	*out = id;
	return 0;
}

/* The id of the run back runs before the latest (by id): > 0, 0 when there is none, -1 on a store error. */
static int64_t nth_latest(struct store *store, int64_t back)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	if (sqlite3_prepare_v2(store_db(store), "SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET ?", -1, &st,
			       NULL) != SQLITE_OK)
		return error("%s: cannot read runs: %s", store->path, sqlite3_errmsg(store_db(store)));
	sqlite3_bind_int64(st, 1, back);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		id = error("%s: cannot read runs: %s", store->path, sqlite3_errmsg(store_db(store)));
	sqlite3_finalize(st);
	return id;
}

int runarg_get(struct run_info *out, struct store *store, int64_t id)
{
	int rc = store_get_run(store, id, out);

	if (!rc)
		error("%s: no run %lld (see 'receval list --db %s')", store->path, (long long)id, store->path);
	return rc;
}

int runarg_get_latest(struct run_info *out, struct store *store, int64_t *id)
{
	if (*id <= 0) {
		int64_t back = -*id, latest = nth_latest(store, back);
		if (latest < 0)
			return -1;
		if (!latest) {
			if (back)
				error("%s: no run 'latest~%lld' (the database has fewer than %lld runs)", store->path,
				      (long long)back, (long long)back + 1);
			else
				error("%s: no runs, so no 'latest' run", store->path);
			return 0;
		}
		*id = latest;
	}
	return runarg_get(out, store, *id);
}

int runarg_parse_runs(struct runarg_run *runs, char **argv, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (runarg_parse(&runs[i].info.id, argv[i]) < 0)
			return -1;
	return 0;
}

int runarg_load_run(struct runarg_run *run, struct store *store)
{
	int64_t id = run->info.id;
	int rc = runarg_get_latest(&run->info, store, &id);

	if (rc <= 0)
		return rc;
	if (store_get_run_metrics(store, run->info.id, &run->rows, &run->n_rows) < 0)
		return -1;
	return 1;
}

void runarg_label_runs(struct runarg_run *runs, size_t n)
{
	size_t i, j;

	char **names = xcalloc(n ? n : 1, sizeof(*names));

	/* readable names (label=, or the spec shortened), told apart by run id where two are the same */
	for (i = 0; i < n; i++)
		names[i] = run_label(&runs[i].info);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++)
			if (j != i && !strcmp(names[j], names[i]))
				break;
		if (j < n)
			runs[i].label = xstrfmt("%s (run %lld)", names[i], (long long)runs[i].info.id);
		else
			runs[i].label = xstrdup(names[i]);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void runarg_release_runs(struct runarg_run *runs, size_t n)
{
	size_t i;

	for (i = 0; runs && i < n; i++) {
		metric_rows_free(runs[i].rows, runs[i].n_rows);
		run_info_release(&runs[i].info);
		free(runs[i].label);
	}
}
