/* cmd_gate.c: `receval gate`: checks a candidate run against rules and a baseline run, for CI, with JUnit and Markdown reports. */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "eval/gate_session.h"
#include "lib/strbuf.h"
#include "reports/gate.h"
#include "reports/markdown.h"

static const char usage_gate[] =
	"receval gate --baseline RUN_ID --candidate RUN_ID --rule RULE... [--significant]\n"
	"                    [--alpha A] [--test t|wilcoxon|permutation] [--junit FILE]\n"
	"                    [--markdown FILE] [--db FILE]\n"
	"\n"
	"RULE is [delta:][TASK.]METRIC OP NUMBER with OP one of >= <= > <, e.g.\n"
	"  'ndcg@10>=0.30'             the candidate's mean, in every task that has ndcg@10\n"
	"  'ranking.hit@5>0.5'         in task 'ranking' only\n"
	"  'delta:ndcg@10>=-0.01'      candidate - baseline (paired): may lose at most 0.01\n"
	"Exit 0: every check holds; 1: one failed; 2: a malformed rule or flag;\n"
	"3: a run, task or metric does not exist; 5: the database cannot be read;\n"
	"6: --junit or --markdown cannot be written";

#define DEFAULT_PERMUTATIONS 10000
#define MAX_PERMUTATIONS 100000000L
#define BOOTSTRAP_RESAMPLES 1000

/* A run id as typed: a whole number, "latest" or "latest~N" (runarg_parse()). 0, or -1 after printing why. */
static int parse_run_arg(const char *flag, const char *s, int64_t *out)
{
	if (!s)
		return error("gate needs --%s RUN_ID (see 'receval list')", flag);
	return runarg_parse(out, s);
}

int cmd_gate(int argc, char **argv)
{
	const char *db = NULL, *test = "t", *base_s = NULL, *cand_s = NULL, *junit = NULL, *markdown = NULL;
	double alpha = 0.05, t0 = now_ms();
	long perms = DEFAULT_PERMUTATIONS;
	int npos = 0, significant = 0, ret;
	struct opt_list rule_args = { 0 };
	struct option opts[] = {
		{ OPT_STRING, 0, "baseline", &base_s, "RUN_ID", "the reference run (a run id, or 'latest')" },
		{ OPT_STRING, 0, "candidate", &cand_s, "RUN_ID", "the run under test (a run id, or 'latest')" },
		{ OPT_LIST, 'r', "rule", &rule_args, "RULE", "a rule the candidate must meet (repeatable)" },
		{ OPT_BOOL, 0, "significant", &significant, NULL,
		  "delta: rules fail only where the change is also significant (Holm-adjusted p < A)" },
		{ OPT_DOUBLE, 0, "alpha", &alpha, "A", "significance level of --significant (default 0.05)" },
		{ OPT_STRING, 0, "test", &test, "TEST", "paired test of delta: rules: t (default), wilcoxon, permutation" },
		{ OPT_LONG, 0, "permutations", &perms, "N", "sign flips of --test permutation (default 10000)" },
		{ OPT_STRING, 0, "junit", &junit, "FILE", "also write the checks as JUnit XML" },
		{ OPT_STRING, 0, "markdown", &markdown, "FILE", "also write a Markdown summary for a pull request" },
		OPT_DB(&db),
		{ OPT_END },
	};
	static const struct cmd_args no_args = {
		0, 0, "gate takes no positional argument ('%s'): name runs with --baseline and --candidate"
	};
	struct compare_options copts = { COMPARE_T, 0.05, DEFAULT_PERMUTATIONS, BOOTSTRAP_RESAMPLES, NULL, 0 };
	struct gate_session s;
	struct gate_report g;
	struct store store;
	struct strbuf table = STRBUF_INIT, out = STRBUF_INIT;
	int64_t base_id = 0, cand_id = 0;

	memset(&s, 0, sizeof(s));
	memset(&store, 0, sizeof(store));
	ret = cmd_start(argc, argv, opts, usage_gate, &no_args, &npos);
	if (ret != CMD_GO)
		goto out;
	ret = EXIT_USAGE;
	if (parse_run_arg("baseline", base_s, &base_id) < 0 || parse_run_arg("candidate", cand_s, &cand_id) < 0)
		goto out;
	if (!rule_args.n) {
		error("gate needs at least one --rule (e.g. --rule 'delta:ndcg@10>=-0.01')");
		goto out;
	}
	if (compare_test_parse(&copts.test, test) < 0) {
		error("unknown test '%s' (t, wilcoxon, permutation)", test);
		goto out;
	}
	if (!(alpha > 0 && alpha < 1)) {
		error("--alpha must be between 0 and 1 (exclusive), not '%g'", alpha);
		goto out;
	}
	if (perms < 1 || perms > MAX_PERMUTATIONS) {
		error("--permutations must be between 1 and %ld, not '%ld'", MAX_PERMUTATIONS, perms);
		goto out;
	}
	if (gate_session_parse_rules(&s, rule_args.v, rule_args.n) < 0)
		goto out;
	copts.alpha = alpha;
	copts.permutations = (unsigned)perms;

	if ((ret = cmd_open_store(&store, db)) != EXIT_OK ||
	    (ret = cmd_get_run(&s.base, &store, &base_id)) != EXIT_OK ||
	    (ret = cmd_get_run(&s.cand, &store, &cand_id)) != EXIT_OK)
		goto out;
	if ((ret = cmd_found(gate_session_check(&s, &store, &copts, significant))) != EXIT_OK)
		goto out;

	memset(&g, 0, sizeof(g));
	g.baseline = &s.base;
	g.candidate = &s.cand;
	g.result = &s.result;
	g.cmp = s.have_cmp ? &s.cmp : NULL;
	g.test = compare_test_name(copts.test);
	g.alpha = alpha;
	g.significant = significant;
	gate_report_table(&table, &g);
	fwrite(table.buf, 1, table.len, stdout);
	fflush(stdout);
	ret = s.result.errors ? EXIT_INPUT : s.result.failed ? EXIT_GATE : EXIT_OK;

	if (junit) {
		g.seconds = (now_ms() - t0) / 1000.0;
		gate_report_junit(&out, &g, table.buf);
		if (cmd_write_file(junit, out.buf, out.len) < 0)
			ret = EXIT_OUTPUT;
	}
	if (markdown) {
		strbuf_reset(&out);
		markdown_gate(&out, &g);
		if (cmd_write_file(markdown, out.buf, out.len) < 0)
			ret = EXIT_OUTPUT;
	}
out:
	gate_session_release(&s);
	store_close(&store);
	free(rule_args.v);
	strbuf_release(&table);
	strbuf_release(&out);
	return ret;
}
