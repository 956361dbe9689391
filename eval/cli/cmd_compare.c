/* cmd_compare.c: `receval compare RUN_A RUN_B`: two runs compared sample by sample, with intervals and paired tests. */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/compare.h"
#include "reports/compare.h"

static const char usage_compare[] =
	"receval compare RUN_A RUN_B [--test t|wilcoxon|permutation] [--alpha A]\n"
	"                       [--permutations N] [--format table|json|csv] [--db FILE]";

#define DEFAULT_PERMUTATIONS 10000
#define MAX_PERMUTATIONS 100000000L
#define BOOTSTRAP_RESAMPLES 1000

/* Load one run (a whole number, 'latest' or 'latest~N': *id resolved) and its sample metrics: an exit code, failures printed. */
static int load_run(struct store *store, int64_t *id, struct run_info *info, struct run_sample_metrics *m)
{
	int ret = cmd_get_run(info, store, id);

	memset(m, 0, sizeof(*m));
	if (ret != EXIT_OK)
		return ret;
	return store_get_sample_metrics(store, *id, m) < 0 ? EXIT_STORE : EXIT_OK;
}

/* Say on stderr what the comparison leaves out, so that a partial overlap is never silent. */
static void report_left_out(const struct comparison *c)
{
	long long a = (long long)c->a->id, b = (long long)c->b->id;
	size_t i;

	if (c->a->status && strcmp(c->a->status, "done"))
		warning("run %lld is '%s': comparing the samples it stored", a, c->a->status);
	if (c->b->status && strcmp(c->b->status, "done") && b != a)
		warning("run %lld is '%s': comparing the samples it stored", b, c->b->status);
	for (i = 0; i < c->n_tasks; i++) {
		const struct compare_task *t = &c->tasks[i];

		if (!t->common && (t->only_a || t->only_b))
			warning("task '%s' is only in run %lld: its %zu samples are left out", t->task,
				t->only_a ? a : b, t->only_a ? t->only_a : t->only_b);
		else if (t->only_a || t->only_b)
			warning("task '%s': comparing the %zu samples both runs scored; left out %zu of run %lld"
				" and %zu of run %lld", t->task, t->common, t->only_a, a, t->only_b, b);
	}
	for (i = 0; i < c->n_missing; i++)
		warning("task '%s': metric '%s' is only in run %lld: not compared", c->missing[i].task,
			c->missing[i].metric, c->missing[i].run == 'a' ? a : b);
}

int cmd_compare(int argc, char **argv)
{
	const char *db = NULL, *format = "table", *test = "t";
	double alpha = 0.05;
	long perms = DEFAULT_PERMUTATIONS;
	int npos = 0, rc, ret = EXIT_OK;
	struct opt_list select = { 0 };
	size_t i, r;
	struct option opts[] = {
		{ OPT_STRING, 0, "test", &test, "TEST",
		  "t (paired t-test, default), wilcoxon (zeros dropped) or permutation" },
		{ OPT_DOUBLE, 0, "alpha", &alpha, "A", "mark rows whose Holm-adjusted p < A (default 0.05)" },
		{ OPT_LONG, 0, "permutations", &perms, "N", "sign flips of --test permutation (default 10000)" },
		{ OPT_LIST, 'm', "metric", &select, "M",
		  "compare only metric M (\"ndcg@10\" or \"TASK.ndcg@10\"; repeatable): the Holm family" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "table (default), json or csv" },
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_END },
	};
	struct compare_options copts = { COMPARE_T, 0.05, DEFAULT_PERMUTATIONS, BOOTSTRAP_RESAMPLES, NULL, 0 };
	struct run_info run_a, run_b;
	struct run_sample_metrics ma, mb;
	struct comparison cmp;
	struct store store;
	int64_t id_a = 0, id_b = 0;

	rc = parse_options(argc, argv, opts, usage_compare, &npos);
	if (rc == OPT_HELP_SHOWN)
		{ free(select.v); return EXIT_OK; }
	if (rc < 0)
		{ free(select.v); return EXIT_USAGE; }
	if (npos != 2) {
		error("compare needs two run ids, A and B (see 'receval list')");
		{ free(select.v); return EXIT_USAGE; }
	}
	if (runarg_parse(&id_a, argv[0]) < 0 || runarg_parse(&id_b, argv[1]) < 0)
		{ free(select.v); return EXIT_USAGE; }
	if (compare_test_parse(&copts.test, test) < 0) {
		error("unknown test '%s' (t, wilcoxon, permutation)", test);
		{ free(select.v); return EXIT_USAGE; }
	}
	if (!(alpha > 0 && alpha < 1)) {
		error("--alpha must be between 0 and 1 (exclusive), not '%g'", alpha);
		{ free(select.v); return EXIT_USAGE; }
	}
	if (perms < 1 || perms > MAX_PERMUTATIONS) {
		error("--permutations must be between 1 and %ld, not '%ld'", MAX_PERMUTATIONS, perms);
		{ free(select.v); return EXIT_USAGE; }
	}
	if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
		error("unknown format '%s' (table, json, csv)", format);
		{ free(select.v); return EXIT_USAGE; }
	}
	copts.alpha = alpha;
	copts.permutations = (unsigned)perms;
	copts.select = select.v;
	copts.n_select = select.n;

	if (cmd_open_store(&store, db) != EXIT_OK)
		{ free(select.v); return EXIT_STORE; }
	memset(&run_a, 0, sizeof(run_a));
	memset(&run_b, 0, sizeof(run_b));
	memset(&ma, 0, sizeof(ma));
	memset(&mb, 0, sizeof(mb));
	ret = load_run(&store, &id_a, &run_a, &ma);
	if (ret == EXIT_OK)
		ret = load_run(&store, &id_b, &run_b, &mb);
	if (ret != EXIT_OK)
		goto out;

	compare_runs(&cmp, &run_a, &ma, &run_b, &mb, &copts);
	/* a --metric that names nothing is a typo, not an empty comparison */
	for (i = 0; i < select.n && ret == EXIT_OK; i++) {
		struct compare_options one = copts;
		one.select = &select.v[i];
		one.n_select = 1;
		for (r = 0; r < cmp.n_rows; r++)
			if (compare_selected(&one, cmp.rows[r].task, cmp.rows[r].metric))
				break;
		if (r == cmp.n_rows && cmp.samples) {
			error("--metric '%s' matches no metric both runs have (see 'receval show %lld')",
			      select.v[i], (long long)id_a);
			ret = EXIT_INPUT;
		}
	}
	if (ret != EXIT_OK) {
		/* reported above */
	} else if (!cmp.samples) {
		error("runs %lld and %lld have no sample in common (%zu and %zu scored samples; a different"
		      " suite, seed or shard?)", (long long)id_a, (long long)id_b, cmp.only_a, cmp.only_b);
		ret = EXIT_INPUT;
	} else {
		report_left_out(&cmp);
		if (!strcmp(format, "json"))
			compare_print_json(stdout, &cmp);
		else if (!strcmp(format, "csv"))
			compare_print_csv(stdout, &cmp);
		else
			compare_print_table(stdout, &cmp);
	}
	comparison_release(&cmp);
out:
	free(select.v);
	run_sample_metrics_release(&ma);
	run_sample_metrics_release(&mb);
	run_info_release(&run_a);
	run_info_release(&run_b);
	store_close(&store);
	return ret;
}
