/* cmd_merge.c: `receval merge`: copy the runs of several databases into one, joining the shards of each run. */
#include "eval/cli/cmd.h"
#include "eval/merge.h"

static const char usage_merge[] =
	"receval merge OUT.db IN.db... [--quiet]\n"
	"  copies every run of the IN databases into OUT (created when missing) under new ids,\n"
	"  joins the shards of one run (--shard I/N, --shard auto) into one run finished as if\n"
	"  made unsharded, and merges the caches; merging an input again changes nothing";

int cmd_merge(int argc, char **argv)
{
	int quiet = 0, npos = 0, rc;
	struct option opts[] = {
		{ OPT_BOOL, 'q', "quiet", &quiet, NULL, "print nothing but errors and warnings" },
		{ OPT_END },
	};

	static const struct cmd_args args = { 2, -1, "merge needs an output database and at least one input (see --help)" };

	rc = cmd_start(argc, argv, opts, usage_merge, &args, &npos);
	if (rc != CMD_GO)
		return rc;
	return merge_databases(argv[0], argv + 1, (size_t)npos - 1, quiet);
}
