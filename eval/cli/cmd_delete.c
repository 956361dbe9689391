/* cmd_delete.c: `receval delete RUN...`: remove runs, with their samples and metrics, from a database. */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"

static const char usage_delete[] = "receval delete RUN_ID... [--db FILE] [--force]";

int cmd_delete(int argc, char **argv)
{
	const char *db = NULL;
	int npos = 0, force = 0, ret;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_BOOL, 0, "force", &force, NULL, "delete a run whose status is 'running' too" },
		{ OPT_END },
	};
	static const struct cmd_args some = { 1, -1, "delete needs the ids of the runs to delete (see 'receval list')" };
	struct store store;
	int64_t *ids;
	int i;

	ret = cmd_start(argc, argv, opts, usage_delete, &some, &npos);
	if (ret != CMD_GO)
		return ret;
	ids = xcalloc((size_t)npos, sizeof(*ids));
	for (i = 0; i < npos; i++)
		if (runarg_parse(&ids[i], argv[i]) < 0) {
			free(ids);
			return EXIT_USAGE;
		}
	if ((ret = cmd_open_store(&store, db)) != EXIT_OK) {
		free(ids);
		return ret;
	}
	/* every id is checked before anything is deleted: a typo deletes nothing */
	for (i = 0; i < npos && ret == EXIT_OK; i++) {
		struct run_info run;
		if ((ret = cmd_get_run(&run, &store, &ids[i])) != EXIT_OK)
			break;
		if (!force && run.status && !strcmp(run.status, "running")) {
			error("run %lld is 'running' (another receval may be writing it): --force deletes it anyway",
			      (long long)ids[i]);
			ret = EXIT_USAGE;
		}
		run_info_release(&run);
	}
	for (i = 0; i < npos && ret == EXIT_OK; i++) {
		long judged = 0;
		int j;
		for (j = 0; j < i && ids[j] != ids[i]; j++)
			;
		if (j < i)
			continue;  /* named twice */
		if (store_delete_run(&store, ids[i], &judged) < 0)
			ret = EXIT_STORE;
		else if (judged)
			printf("deleted run %lld and the %ld judgment(s) that named it\n", (long long)ids[i], judged);
		else
			printf("deleted run %lld\n", (long long)ids[i]);
	}
	store_close(&store);
	free(ids);
	return ret;
}
