/* cmd_list.c: `receval list`: the runs stored in a database, filtered by suite, model, status or label. */
#include "eval/cli/cmd.h"
#include "reports/table.h"
#include "eval/shard.h"
#include "eval/label.h"
#include "reports/judgments.h"

/* Whether run passes the filters: suite and status exactly, model and label as substrings. */
static int wanted(const struct run_info *run, const char *suite, const char *model, const char *status,
		  const char *label)
{
	char *name;
	int yes;

	if ((suite && strcmp(run->suite, suite)) || (status && strcmp(run->status, status)) ||
	    (model && !strstr(run->model, model)))
		return 0;
	if (!label)
		return 1;
	name = run_label(run);
	yes = strstr(name, label) != NULL;
	free(name);
	return yes;
}

/* The judgments (receval judge) after the runs, when there are any. 0, or -1 on a store error. */
static int list_judgments(struct store *store)
{
	struct judgment_info *j = NULL;
	struct metric_row **rows;
	size_t n = 0, *n_rows, i;
	int ret = 0;

	if (store_list_judgments(store, &j, &n) < 0)
		return -1;
	rows = xcalloc(n + 1, sizeof(*rows));
	n_rows = xcalloc(n + 1, sizeof(*n_rows));
	for (i = 0; i < n && !ret; i++)
		ret = store_judgment_metrics(store, j[i].id, &rows[i], &n_rows[i]);
	if (n && !ret) {
		putchar('\n');
		table_judgments(stdout, j, n, rows, n_rows);
	}
	for (i = 0; i < n; i++) {
		metric_rows_free(rows[i], n_rows[i]);
		judgment_info_release(&j[i]);
	}
	free(rows);
	free(n_rows);
	free(j);
	return ret;
}

int cmd_list(int argc, char **argv)
{
	const char *db = NULL, *suite = NULL, *model = NULL, *status = NULL, *label = NULL;
	int npos = 0, ret, rc = 0;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_STRING, 0, "suite", &suite, "NAME", "only runs of this suite" },
		{ OPT_STRING, 0, "model", &model, "TEXT", "only runs whose model spec contains TEXT" },
		{ OPT_STRING, 0, "status", &status, "S", "only runs with this status (running, done, interrupted, failed, ...)" },
		{ OPT_STRING, 0, "label", &label, "TEXT", "only runs whose label (label=, or the shortened spec) contains TEXT" },
		{ OPT_END },
	};
	static const struct cmd_args no_args = { 0, 0, "list takes no arguments, got '%s' (see --help)" };
	struct store store;
	struct run_info *runs;
	size_t n, i, kept = 0;

	ret = cmd_start(argc, argv, opts,
			"receval list [--db FILE] [--suite NAME] [--model TEXT] [--status S] [--label TEXT]", &no_args,
			&npos);
	if (ret != CMD_GO)
		return ret;
	if ((ret = cmd_open_store(&store, db)) != EXIT_OK)
		return ret;
	if (store_list_runs(&store, &runs, &n) < 0) {
		store_close(&store);
		return EXIT_STORE;
	}
	for (i = 0; i < n; i++) {
		if (wanted(&runs[i], suite, model, status, label))
			runs[kept++] = runs[i];
		else
			run_info_release(&runs[i]);
	}
	if (kept) {
		struct run_scale *scale = xcalloc(kept, sizeof(*scale));
		for (i = 0; i < kept; i++)
			if (shard_describe(&scale[i], &store, &runs[i]) < 0)
				rc = -1;
		if (!rc)
			table_list(stdout, runs, scale, kept);
		free(scale);
	} else if (n) {
		fprintf(stderr, "receval: none of the %zu runs in %s matches\n", n, store.path);
	} else {
		fprintf(stderr, "receval: %s holds no runs yet\n", store.path);
	}
	if (!rc && list_judgments(&store) < 0)
		rc = -1;
	for (i = 0; i < kept; i++)
		run_info_release(&runs[i]);
	free(runs);
	store_close(&store);
	return rc < 0 ? EXIT_STORE : EXIT_OK;
}
