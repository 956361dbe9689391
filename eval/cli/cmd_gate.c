/* cmd_gate.c: `receval gate`: checks a candidate run against rules and a baseline run, for CI, with JUnit and Markdown reports. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/compare.h"
#include "eval/gate.h"
#include "eval/runarg.h"
#include "lib/strbuf.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "eval/store_judge.h"

/*
 * The figures of the latest judgment of the candidate against the
 * baseline (receval judge BASE CAND) join the candidate's metrics, so
 * rules such as 'explanation.win_rate_adjusted>=0.45' check them. 0, or -1.
 */
static int add_judgment_rows(struct store *s, int64_t base, int64_t cand, struct metric_row **rows, size_t *n)
{
	struct metric_row *jr = NULL;
	size_t nj = 0;
	int64_t id = store_latest_judgment(s, base, cand);

	if (id <= 0)
		return (int)id;
	if (store_judgment_metrics(s, id, &jr, &nj) < 0)
		return -1;
	*rows = xrealloc(*rows, (*n + nj + 1) * sizeof(**rows));
	memcpy(*rows + *n, jr, nj * sizeof(*jr));
	*n += nj;
	free(jr);
	return 0;
}

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

/* A run id as typed: a whole number, or "latest" (*out = 0 until resolved). 0, or -1 after printing why. */
static int parse_run_arg(const char *flag, const char *s, int64_t *out)
{
	long id;

	if (!s)
		return error("gate needs --%s RUN_ID (see 'receval list')", flag);
	if (!strcmp(s, "latest")) {
		*out = 0;
		return 0;
	}
	if (parse_long(s, &id) < 0 || id < 1)
		return error("--%s '%s' is not a run id (a whole number, or 'latest')", flag, s);
	*out = id;
	return 0;
}

static const char *status_name(enum gate_status s)
{
	return s == GATE_PASS ? "PASS" : s == GATE_FAIL ? "FAIL" : "ERROR";
}

/* The table of checks and the summary line, as stdout shows them (and JUnit's system-out keeps). */
static void format_table(struct strbuf *sb, const struct gate_result *r, const struct run_info *base,
			 const struct run_info *cand)
{
	enum { C_STATUS, C_RULE, C_TASK, C_VALUE, C_THRESHOLD, C_P, C_HOLM, C_NOTE, N_COLS };
	static const char *const head[N_COLS] = { "result", "rule", "task", "measured", "threshold",
						  "p", "p_holm", "note" };
	struct strbuf *cells = xcalloc((r->n + 1) * N_COLS, sizeof(*cells));
	size_t width[N_COLS], i, j;

	for (j = 0; j < N_COLS; j++) {
		strbuf_init(&cells[j], 0);
		strbuf_addstr(&cells[j], head[j]);
	}
	for (i = 0; i < r->n; i++) {
		const struct gate_check *c = &r->checks[i];
		struct strbuf *row = &cells[(i + 1) * N_COLS];

		for (j = 0; j < N_COLS; j++)
			strbuf_init(&row[j], 0);
		strbuf_addstr(&row[C_STATUS], status_name(c->status));
		strbuf_addstr(&row[C_RULE], c->rule->text);
		strbuf_addstr(&row[C_TASK], c->task ? c->task : "-");
		if (c->status == GATE_ERROR)
			strbuf_addch(&row[C_VALUE], '-');
		else
			gate_format_value(&row[C_VALUE], c);
		gate_format_threshold(&row[C_THRESHOLD], c);
		gate_format_p(&row[C_P], c->tested ? c->p : NAN);
		gate_format_p(&row[C_HOLM], c->tested ? c->p_holm : NAN);
		strbuf_addstr(&row[C_NOTE], c->note ? c->note : "");
	}
	for (j = 0; j < N_COLS; j++) {
		width[j] = 0;
		for (i = 0; i <= r->n; i++)
			if (cells[i * N_COLS + j].len > width[j])
				width[j] = cells[i * N_COLS + j].len;
	}

	strbuf_addf(sb, "gate: candidate run %lld (%s) against baseline run %lld (%s)\n\n", (long long)cand->id,
		    cand->model ? cand->model : "?", (long long)base->id, base->model ? base->model : "?");
	for (i = 0; i <= r->n; i++) {
		struct strbuf *row = &cells[i * N_COLS];
		size_t end = row[C_NOTE].len ? N_COLS : C_NOTE;

		for (j = 0; j < end; j++) {
			int last = j + 1 == end;
			if (j == C_P || j == C_HOLM)
				strbuf_addf(sb, "%*s", (int)width[j], row[j].buf);
			else
				strbuf_addf(sb, "%-*s", last ? 0 : (int)width[j], row[j].buf);
			if (!last)
				strbuf_addstr(sb, "  ");
		}
		while (sb->len && sb->buf[sb->len - 1] == ' ')
			strbuf_setlen(sb, sb->len - 1);
		strbuf_addch(sb, '\n');
	}
	if (r->errors)
		strbuf_addf(sb, "\ngate error: %zu of %zu checks cannot be run (a task or metric does not exist)\n",
			    r->errors, r->n);
	else if (r->failed)
		strbuf_addf(sb, "\ngate failed: %zu of %zu checks failed\n", r->failed, r->n);
	else
		strbuf_addf(sb, "\ngate passed: %zu of %zu checks hold\n", r->passed, r->n);

	for (i = 0; i < (r->n + 1) * N_COLS; i++)
		strbuf_release(&cells[i]);
	free(cells);
}

/* Write sb to path (replacing it). 0, or -1 after printing why. */
static int write_file(const char *path, const struct strbuf *sb)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return error("cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(sb->buf, 1, sb->len, f) == sb->len;
	ok = !fclose(f) && ok;
	if (!ok)
		return error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static void format_junit(struct strbuf *sb, const struct gate_result *r, const struct run_info *base,
			 const struct run_info *cand, const struct strbuf *table, const char *test,
			 double alpha, int significant, double seconds)
{
	struct junit_case *cases = xcalloc(r->n + 1, sizeof(*cases));
	char **names = xcalloc(r->n + 1, sizeof(*names));
	char **messages = xcalloc(r->n + 1, sizeof(*messages));
	char **details = xcalloc(r->n + 1, sizeof(*details));
	char *base_id = xstrfmt("%lld", (long long)base->id), *cand_id = xstrfmt("%lld", (long long)cand->id);
	char *alpha_s = xstrfmt("%g", alpha), stamp[32], host[256];
	struct junit_property props[] = {
		{ "baseline", base_id },
		{ "baseline_model", base->model },
		{ "candidate", cand_id },
		{ "candidate_model", cand->model },
		{ "suite", cand->suite },
		{ "test", test },
		{ "alpha", alpha_s },
		{ "significant", significant ? "true" : "false" },
		{ "receval_version", receval_version },
	};
	struct junit_suite suite = { 0 };
	size_t i, len;

	for (i = 0; i < r->n; i++) {
		const struct gate_check *c = &r->checks[i];
		struct strbuf msg = STRBUF_INIT;

		names[i] = c->task ? xstrfmt("receval.gate.%s", c->task) : xstrdup("receval.gate");
		gate_format_message(&msg, c);
		messages[i] = strbuf_detach(&msg, NULL);
		details[i] = xstrfmt("%s\nrule: %s\nbaseline: run %lld (%s)\ncandidate: run %lld (%s)\n", messages[i],
				     c->rule->text, (long long)base->id, base->model ? base->model : "?",
				     (long long)cand->id, cand->model ? cand->model : "?");
		cases[i].classname = names[i];
		cases[i].name = c->rule->text;
		if (c->status == GATE_FAIL) {
			cases[i].failure = messages[i];
			cases[i].type = "threshold";
			cases[i].detail = details[i];
		} else if (c->status == GATE_ERROR) {
			cases[i].error = messages[i];
			cases[i].type = "missing";
			cases[i].detail = details[i];
		}
	}
	iso_time(stamp, sizeof(stamp));
	len = strlen(stamp);
	if (len && stamp[len - 1] == 'Z')
		stamp[len - 1] = '\0';  /* the Ant schema's timestamp has no zone: it is UTC */
	if (gethostname(host, sizeof(host)) < 0 || !host[0])
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';

	suite.name = "receval.gate";
	suite.timestamp = stamp;
	suite.hostname = host;
	suite.time = seconds;
	suite.props = props;
	suite.n_props = ARRAY_SIZE(props);
	suite.cases = cases;
	suite.n_cases = r->n;
	suite.system_out = table->buf;
	junit_add(sb, &suite);

	for (i = 0; i < r->n; i++) {
		free(names[i]);
		free(messages[i]);
		free(details[i]);
	}
	free(details);
	free(names);
	free(messages);
	free(cases);
	free(base_id);
	free(cand_id);
	free(alpha_s);
}

/* Say on stderr what a partial overlap leaves out of the paired deltas, so that it is never silent. */
static void report_left_out(const struct comparison *c)
{
	if (c->a->status && strcmp(c->a->status, "done"))
		warning("baseline run %lld is '%s': using the samples it stored", (long long)c->a->id,
			c->a->status);
	if (c->b->status && strcmp(c->b->status, "done"))
		warning("candidate run %lld is '%s': using the samples it stored", (long long)c->b->id,
			c->b->status);
	if (c->only_a || c->only_b)
		warning("deltas use the %zu samples both runs scored; left out %zu of baseline run %lld and"
			" %zu of candidate run %lld", c->samples, c->only_a, (long long)c->a->id, c->only_b,
			(long long)c->b->id);
}

int cmd_gate(int argc, char **argv)
{
	const char *db = NULL, *test = "t", *base_s = NULL, *cand_s = NULL, *junit = NULL, *markdown = NULL;
	double alpha = 0.05, t0 = now_ms();
	long perms = DEFAULT_PERMUTATIONS;
	int npos = 0, significant = 0, rc, ret = EXIT_OK, have_relative = 0;
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
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_END },
	};
	struct compare_options copts = { COMPARE_T, 0.05, DEFAULT_PERMUTATIONS, BOOTSTRAP_RESAMPLES, NULL, 0 };
	struct gate_rule *rules = NULL;
	const char **selects = NULL;
	size_t n_rules = 0, n_selects = 0, i;
	struct run_info base, cand;
	struct metric_row *base_rows = NULL, *cand_rows = NULL;
	size_t n_base = 0, n_cand = 0;
	struct run_sample_metrics mb, mc;
	struct comparison cmp;
	struct gate_input in;
	struct gate_result result;
	struct store store;
	struct strbuf err = STRBUF_INIT, table = STRBUF_INIT, out = STRBUF_INIT;
	int64_t base_id = 0, cand_id = 0;
	int opened = 0, have_cmp = 0, have_result = 0;

	memset(&base, 0, sizeof(base));
	memset(&cand, 0, sizeof(cand));
	memset(&mb, 0, sizeof(mb));
	memset(&mc, 0, sizeof(mc));
	memset(&result, 0, sizeof(result));

	rc = parse_options(argc, argv, opts, usage_gate, &npos);
	if (rc == OPT_HELP_SHOWN || rc < 0) {
		ret = rc < 0 ? EXIT_USAGE : EXIT_OK;
		goto out;
	}
	ret = EXIT_USAGE;
	if (npos) {
		error("gate takes no positional argument ('%s'): name runs with --baseline and --candidate", argv[0]);
		goto out;
	}
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
	rules = xcalloc(rule_args.n, sizeof(*rules));
	selects = xcalloc(rule_args.n, sizeof(*selects));
	for (i = 0; i < rule_args.n; i++) {
		strbuf_reset(&err);
		rc = gate_rule_parse(&rules[i], rule_args.v[i], &err);
		n_rules++;
		if (rc < 0) {
			error("rule '%s': %s", rule_args.v[i], err.buf);
			goto out;
		}
		if (rules[i].relative) {
			have_relative = 1;
			selects[n_selects++] = rules[i].select;
		}
	}
	copts.alpha = alpha;
	copts.permutations = (unsigned)perms;
	copts.select = selects;
	copts.n_select = n_selects;

	ret = EXIT_STORE;
	if (store_open_existing(&store, default_db_path(db)) < 0)
		goto out;
	opened = 1;
	rc = runarg_get_latest(&base, &store, &base_id);
	if (rc > 0)
		rc = runarg_get_latest(&cand, &store, &cand_id);
	if (rc <= 0) {
		ret = rc ? EXIT_STORE : EXIT_INPUT;
		goto out;
	}
	if (store_get_run_metrics(&store, cand_id, &cand_rows, &n_cand) < 0 ||
	    store_get_run_metrics(&store, base_id, &base_rows, &n_base) < 0 ||
	    add_judgment_rows(&store, base_id, cand_id, &cand_rows, &n_cand) < 0)
		goto out;
	if (have_relative) {
		if (store_get_sample_metrics(&store, base_id, &mb) < 0 ||
		    store_get_sample_metrics(&store, cand_id, &mc) < 0)
			goto out;
		compare_runs(&cmp, &base, &mb, &cand, &mc, &copts);
		have_cmp = 1;
		if (!cmp.samples && (cmp.only_a || cmp.only_b)) {
			error("runs %lld and %lld have no sample in common (%zu and %zu scored samples; a different"
			      " suite, seed or shard?): delta: rules cannot be checked", (long long)base_id,
			      (long long)cand_id, cmp.only_a, cmp.only_b);
			ret = EXIT_INPUT;
			goto out;
		}
		report_left_out(&cmp);
	} else if (cand.status && strcmp(cand.status, "done")) {
		warning("candidate run %lld is '%s': checking the figures it stored", (long long)cand_id, cand.status);
	}

	memset(&in, 0, sizeof(in));
	in.base_id = base_id;
	in.cand_id = cand_id;
	in.cand = cand_rows;
	in.n_cand = n_cand;
	in.base = base_rows;
	in.n_base = n_base;
	in.cmp = have_cmp ? &cmp : NULL;
	in.significant = significant;
	in.alpha = alpha;
	gate_evaluate(&result, rules, n_rules, &in);
	have_result = 1;
	for (i = 0; i < result.n; i++) {
		const struct gate_check *c = &result.checks[i];
		if (c->status == GATE_ERROR)
			error("rule '%s': %s (see 'receval show %lld')", c->rule->text, c->note,
			      (long long)(c->note && !strncmp(c->note, "baseline", 8) ? base_id : cand_id));
	}

	format_table(&table, &result, &base, &cand);
	fwrite(table.buf, 1, table.len, stdout);
	fflush(stdout);
	ret = result.errors ? EXIT_INPUT : result.failed ? EXIT_GATE : EXIT_OK;

	if (junit) {
		strbuf_reset(&out);
		format_junit(&out, &result, &base, &cand, &table, compare_test_name(copts.test), alpha,
			     significant, (now_ms() - t0) / 1000.0);
		if (write_file(junit, &out) < 0)
			ret = EXIT_OUTPUT;
	}
	if (markdown) {
		struct markdown_gate mg = { &base, &cand, &result, compare_test_name(copts.test), alpha,
					    significant, 0 };
		for (i = 0; have_cmp && i < cmp.n_rows; i++)
			mg.holm_family += !isnan(cmp.rows[i].p);
		strbuf_reset(&out);
		markdown_gate(&out, &mg);
		if (write_file(markdown, &out) < 0)
			ret = EXIT_OUTPUT;
	}
out:
	if (have_result)
		gate_result_release(&result);
	if (have_cmp)
		comparison_release(&cmp);
	run_sample_metrics_release(&mb);
	run_sample_metrics_release(&mc);
	metric_rows_free(cand_rows, n_cand);
	metric_rows_free(base_rows, n_base);
	run_info_release(&base);
	run_info_release(&cand);
	if (opened)
		store_close(&store);
	for (i = 0; i < n_rules; i++)
		gate_rule_release(&rules[i]);
	free(rules);
	free(selects);
	free(rule_args.v);
	strbuf_release(&err);
	strbuf_release(&table);
	strbuf_release(&out);
	return ret;
}
