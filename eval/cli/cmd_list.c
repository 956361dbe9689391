/* cmd_list.c: `receval list`: the runs stored in a database. */
#include "eval/cli/cmd.h"
#include "reports/table.h"
#include "eval/shard.h"

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
	for (i = 0; i < n; i++)
		run_info_release(&runs[i]);
	free(runs);
	store_close(&store);
	return rc < 0 ? EXIT_STORE : EXIT_OK;
}
