/* cmd_list.c: `receval list`: the runs stored in a database. */
#include "eval/cli/cmd.h"
#include "reports/table.h"
#include "eval/shard.h"
#include "reports/judgments.h"

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
	const char *db = NULL;
	int npos = 0, ret, rc = 0;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_END },
	};
	static const struct cmd_args no_args = { 0, 0, "list takes no arguments, got '%s' (see --help)" };
	struct store store;
	struct run_info *runs;
	size_t n, i;

	ret = cmd_start(argc, argv, opts, "receval list [--db FILE]", &no_args, &npos);
	if (ret != CMD_GO)
		return ret;
	if ((ret = cmd_open_store(&store, db)) != EXIT_OK)
		return ret;
	if (store_list_runs(&store, &runs, &n) < 0) {
		store_close(&store);
		return EXIT_STORE;
	}
	if (n) {
		struct run_scale *scale = xcalloc(n, sizeof(*scale));
		for (i = 0; i < n; i++)
			if (shard_describe(&scale[i], &store, &runs[i]) < 0)
				rc = -1;
		if (!rc)
			table_list(stdout, runs, scale, n);
		free(scale);
	} else {
		fprintf(stderr, "receval: %s holds no runs yet\n", store.path);
	}
	if (!rc && list_judgments(&store) < 0)
		rc = -1;
	for (i = 0; i < n; i++)
		run_info_release(&runs[i]);
	free(runs);
	store_close(&store);
	return rc < 0 ? EXIT_STORE : EXIT_OK;
}
