/* cmd_list.c: `receval list`: the runs stored in a database. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "reports/table.h"
#include "eval/shard.h"

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
	if (n) {
		struct run_scale *scale = xcalloc(n, sizeof(*scale));
		for (i = 0; i < n; i++)
			if (shard_describe(&scale[i], &store, &runs[i]) < 0)
				rc = -1;
		if (!rc)
			table_list(stdout, runs, scale, n);
		free(scale);
	}
	else
		fprintf(stderr, "receval: %s holds no runs yet\n", store.path);
	for (i = 0; i < n; i++)
		run_info_release(&runs[i]);
	free(runs);
	store_close(&store);
	return rc < 0 ? EXIT_STORE : EXIT_OK;
}
