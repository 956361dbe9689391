/* cmd_trec.c: `receval trec`, a drop-in for NIST trec_eval 10.0: options in, the engine of eval/trec/engine.h, an exit code out. */
#include "lib/util.h"
#include "eval/cli/cmd.h"
#include "eval/trec/engine.h"
#include "lib/opt.h"

static const char usage_line[] =
	"receval trec QRELS RUN [-q] [-c] [-n] [-l LEVEL] [-M N] [-m MEASURE[.PARAMS]]...";

int cmd_trec(int argc, char **argv)
{
	int per_query = 0, complete = 0, nosummary = 0, npos = 0, ret = EXIT_OK, r;
	long level = 1, max_ret = LONG_MAX;
	struct opt_list mlist = { NULL, 0, 0 };
	struct trec_options topts;
	const char *name;
	size_t i;
	static char outbuf[1 << 16];
	const struct option opts[] = {
		{ OPT_BOOL, 'q', "query_eval_wanted", &per_query, NULL,
		  "also print every query's values, before the summary" },
		{ OPT_BOOL, 'c', "complete_rel_info_wanted", &complete, NULL,
		  "average over every query of the qrels (a query with no run counts as 0)" },
		{ OPT_BOOL, 'n', "nosummary", &nosummary, NULL, "do not print the summary ('all')" },
		{ OPT_LONG, 'l', "level_for_rel", &level, "LEVEL",
		  "lowest judgement that counts as relevant (default 1)" },
		{ OPT_LONG, 'M', "Max_retrieved_per_topic", &max_ret, "N",
		  "evaluate only the first N documents of each query" },
		{ OPT_LIST, 'm', "measure", &mlist, "MEASURE",
		  "a measure to print, with parameters: P.5,10 ndcg_cut.10 ndcg.1=0,2=1 "
		  "(repeatable; default: official)" },
		{ OPT_END, 0, NULL, NULL, NULL, NULL },
	};

	r = parse_options(argc, argv, opts, usage_line, &npos);
	if (r == OPT_HELP_SHOWN) {
		printf("\nmeasures (printed in this order):");
		for (i = 0; (name = trec_measure_name(i)); i++)
			printf(" %s", name);
		printf("\n'official' names the default set: runid num_q num_ret num_rel num_rel_ret\n"
		       "map gm_map Rprec bpref recip_rank iprec_at_recall P.\n");
		goto out;
	}
	if (r < 0) {
		ret = EXIT_USAGE;
		goto out;
	}
	if (npos != 2) {
		error("expected QRELS and RUN (see 'receval trec --help')");
		ret = EXIT_USAGE;
		goto out;
	}
	if (max_ret < 0) {
		error("option '-M' expects a number >= 0, not %ld", max_ret);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-")) {
		error("QRELS and RUN cannot both be read from stdin");
		ret = EXIT_USAGE;
		goto out;
	}

	topts = (struct trec_options){
		.qrels = argv[0],
		.run = argv[1],
		.measures = (const char *const *)mlist.v,
		.nmeasures = mlist.n,
		.level = level,
		.max_ret = max_ret,
		.complete = complete,
		.per_query = per_query,
		.summary = !nosummary,
	};
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	switch (trec_evaluate(&topts, stdout)) {
	case TREC_OK:
		break;
	case TREC_BAD_MEASURE:
		ret = EXIT_USAGE;
		break;
	case TREC_BAD_INPUT:
		ret = EXIT_INPUT;
		break;
	case TREC_NO_RESULTS:
		ret = 4;   /* trec_eval 10.0's status for a qrels query without results */
		break;
	}
	if (fflush(stdout) || ferror(stdout)) {
		error("cannot write the output: %s", strerror(errno));
		ret = EXIT_INPUT;
	}
out:
	free(mlist.v);
	return ret;
}
