/* runarg.c: the runs a subcommand is given as RUN_ID arguments: parsed, loaded from the store, labelled. */
#include "eval/runarg.h"

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

	if (!strcmp(s, "latest")) {
		*out = 0;
		return 0;
	}
	if (parse_long(s, &id) < 0 || id < 1)
		return error("'%s' is not a run id (a whole number, or 'latest')", s);
	*out = id;
	return 0;
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
	if (!*id) {
		int64_t latest = store_latest_run(store);
		if (latest < 0)
			return -1;
		if (!latest) {
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
		if (runarg_parse_id(&runs[i].info.id, argv[i]) < 0)
			return -1;
	return 0;
}

int runarg_load_run(struct runarg_run *run, struct store *store)
{
	int rc = runarg_get(&run->info, store, run->info.id);

	if (rc <= 0)
		return rc;
	if (store_get_run_metrics(store, run->info.id, &run->rows, &run->n_rows) < 0)
		return -1;
	return 1;
}

void runarg_label_runs(struct runarg_run *runs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		const char *model = runs[i].info.model;

		for (j = 0; j < n; j++)
			if (j != i && runs[j].info.model && model && !strcmp(runs[j].info.model, model))
				break;
		if (j < n)
			runs[i].label = xstrfmt("%s (run %lld)", model, (long long)runs[i].info.id);
		else
			runs[i].label = xstrdup(model ? model : "?");
	}
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
