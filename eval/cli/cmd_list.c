/* cmd_list.c: `receval list`: the runs stored in a database. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "reports/table.h"
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
	int npos = 0, rc;
	struct option opts[] = {
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_END },
	};
	struct store store;
	struct run_info *runs;
	size_t n, i;

	rc = parse_options(argc, argv, opts, "receval list [--db FILE]", &npos);
	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (npos) {
		error("list takes no arguments, got '%s' (see --help)", argv[0]);
		return EXIT_USAGE;
	}
	if (store_open_existing(&store, default_db_path(db)) < 0)
		return EXIT_STORE;
	if (store_list_runs(&store, &runs, &n) < 0) {
		store_close(&store);
		return EXIT_STORE;
	}
	if (n)
		table_list(stdout, runs, n);
	else
		fprintf(stderr, "receval: %s holds no runs yet\n", store.path);
	if (list_judgments(&store) < 0)
		rc = -1;
	for (i = 0; i < n; i++)
		run_info_release(&runs[i]);
	free(runs);
	store_close(&store);
	return rc < 0 ? EXIT_STORE : EXIT_OK;
}
