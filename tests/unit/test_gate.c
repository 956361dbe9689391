/* test_gate.c: gate rules parsed in every form and refused when malformed; checks decided on hand-made runs; XML and Markdown escaping. */
#include "tests/unit/test.h"
#include "eval/gate.h"
#include "reports/junit.h"
#include "reports/markdown.h"
#include "reports/gate.h"

/* Parse text, expecting success; the rule is left in *r (release it). */
static int parse_ok(struct gate_rule *r, const char *text)
{
	struct strbuf err = STRBUF_INIT;
	int rc = gate_rule_parse(r, text, &err);

	if (rc)
		test_fail(__FILE__, __LINE__, "'%s' refused: %s", text, err.buf);
	strbuf_release(&err);
	return rc;
}

/* Parse text, expecting a refusal whose reason contains why. */
static void parse_bad(const char *text, const char *why)
{
	struct strbuf err = STRBUF_INIT;
	struct gate_rule r;

	if (!gate_rule_parse(&r, text, &err))
		test_fail(__FILE__, __LINE__, "'%s' accepted", text);
	else if (!strstr(err.buf, why))
		test_fail(__FILE__, __LINE__, "'%s': reason '%s' lacks '%s'", text, err.buf, why);
	gate_rule_release(&r);
	strbuf_release(&err);
}

TEST(gate_parse_absolute)
{
	struct gate_rule r;

	if (!parse_ok(&r, "ndcg@10>=0.30")) {
		CHECK(!r.relative);
		CHECK(r.task == NULL);
		CHECK_STR(r.metric, "ndcg@10");
		CHECK_STR(r.select, "ndcg@10");
		CHECK_INT(r.op, GATE_GE);
		CHECK_NEAR(r.threshold, 0.30, 0);
		CHECK_STR(r.threshold_text, "0.30");
		CHECK_STR(r.text, "ndcg@10>=0.30");
	}
	gate_rule_release(&r);
	if (!parse_ok(&r, "hallucination_rate<=0.05")) {
		CHECK_STR(r.metric, "hallucination_rate");
		CHECK_INT(r.op, GATE_LE);
		CHECK_NEAR(r.threshold, 0.05, 0);
	}
	gate_rule_release(&r);
}

TEST(gate_parse_operators)
{
	static const struct {
		const char *text;
		enum gate_op op;
		double threshold;
	} cases[] = {
		{ "recall@5>=0.5", GATE_GE, 0.5 },
		{ "recall@5<=0.5", GATE_LE, 0.5 },
		{ "recall@5>0.5", GATE_GT, 0.5 },
		{ "recall@5<0.5", GATE_LT, 0.5 },
		{ "recall@5<-0.5", GATE_LT, -0.5 },
		{ "recall@5>=-1e-3", GATE_GE, -1e-3 },
		{ "recall@5>+2", GATE_GT, 2 },
		{ "  recall@5 >= 0.5  ", GATE_GE, 0.5 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gate_rule r;

		if (!parse_ok(&r, cases[i].text)) {
			CHECK_STR(r.metric, "recall@5");
			CHECK_INT(r.op, cases[i].op);
			CHECK_NEAR(r.threshold, cases[i].threshold, 0);
		}
		gate_rule_release(&r);
	}
	CHECK_STR(gate_op_name(GATE_GE), ">=");
	CHECK_STR(gate_op_name(GATE_LT), "<");
}

TEST(gate_parse_relative_and_task)
{
	struct gate_rule r;

	if (!parse_ok(&r, "delta:ndcg@10>=-0.01")) {
		CHECK(r.relative);
		CHECK(r.task == NULL);
		CHECK_STR(r.metric, "ndcg@10");
		CHECK_NEAR(r.threshold, -0.01, 0);
		CHECK_STR(r.text, "delta:ndcg@10>=-0.01");
	}
	gate_rule_release(&r);
	if (!parse_ok(&r, "ranking.ndcg@10>=0.3")) {
		CHECK(!r.relative);
		CHECK_STR(r.task, "ranking");
		CHECK_STR(r.metric, "ndcg@10");
		CHECK_STR(r.select, "ranking.ndcg@10");
	}
	gate_rule_release(&r);
	if (!parse_ok(&r, "delta:ranking.hit@5 < 0.2")) {
		CHECK(r.relative);
		CHECK_STR(r.task, "ranking");
		CHECK_STR(r.metric, "hit@5");
		CHECK_STR(r.select, "ranking.hit@5");
		CHECK_INT(r.op, GATE_LT);
	}
	gate_rule_release(&r);
	/* the task is split off at the last '.': metric names have none */
	if (!parse_ok(&r, "my.task.v2.mrr@10>0")) {
		CHECK_STR(r.task, "my.task.v2");
		CHECK_STR(r.metric, "mrr@10");
	}
	gate_rule_release(&r);
}

TEST(gate_parse_malformed)
{
	parse_bad("ndcg@10=>0.3", "unknown operator '=>'");
	parse_bad("ndcg@10==0.3", "unknown operator '=='");
	parse_bad("ndcg@10=0.3", "unknown operator '='");
	parse_bad("ndcg@10!=0.3", "unknown operator '!='");
	parse_bad("ndcg@10>>0.3", "unknown operator '>>'");
	parse_bad("ndcg@10<>0.3", "unknown operator '<>'");
	parse_bad("ndcg@10>=abc", "'abc' is not a number");
	parse_bad("ndcg@10>=0.3x", "'0.3x' is not a number");
	parse_bad("ndcg@10>=nan", "not a number");
	parse_bad("ndcg@10>=inf", "not a number");
	parse_bad("ndcg@10>=0.3 0.4", "not a number");
	parse_bad("ndcg@10>=", "no threshold after '>='");
	parse_bad("ndcg@10", "no comparison operator");
	parse_bad("", "empty rule");
	parse_bad("   ", "empty rule");
	parse_bad(">=0.3", "no metric before '>='");
	parse_bad("delta:>=0.3", "no metric before '>='");
	parse_bad("delta:", "no comparison operator");
	parse_bad("Delta:ndcg@10>=0", "unknown prefix 'Delta:'");
	parse_bad("rel:ndcg@10>=0", "unknown prefix 'rel:'");
	parse_bad("delta:delta:ndcg@10>=0", "unknown prefix 'delta:'");
	parse_bad(".ndcg@10>=0.3", "no task before '.'");
	parse_bad("ranking.>=0.3", "no metric after 'ranking.'");
	parse_bad("ndcg @10>=0.3", "space inside");
}

/* --- gate_evaluate on hand-made runs --------------------------------- */

static struct metric_row row(const char *task, const char *metric, double value)
{
	struct metric_row r = { (char *)task, (char *)metric, value, value - 0.01, value + 0.01, 100 };
	return r;
}

/* Candidate: retrieval ndcg@10 0.20, coverage@10 0.50; ranking ndcg@10 0.70, hit@5 NaN, recall@10 0.90. */
static const struct metric_row *cand_rows(size_t *n)
{
	static struct metric_row rows[5];

	rows[0] = row("retrieval", "ndcg@10", 0.20);
	rows[1] = row("retrieval", "coverage@10", 0.50);
	rows[2] = row("ranking", "ndcg@10", 0.70);
	rows[3] = row("ranking", "hit@5", NAN);
	rows[4] = row("ranking", "recall@10", 0.90);
	*n = ARRAY_SIZE(rows);
	return rows;
}

/* Baseline: the same metrics, except that coverage@10 is 0.60 and ranking has no hit@5. */
static const struct metric_row *base_rows(size_t *n)
{
	static struct metric_row rows[3];

	rows[0] = row("retrieval", "ndcg@10", 0.22);
	rows[1] = row("retrieval", "coverage@10", 0.60);
	rows[2] = row("ranking", "ndcg@10", 0.70);
	*n = ARRAY_SIZE(rows);
	return rows;
}

static struct compare_row crow(const char *task, const char *metric, double delta, double p, double p_holm)
{
	struct compare_row r;

	memset(&r, 0, sizeof(r));
	r.task = task;
	r.metric = metric;
	r.n = 100;
	r.mean_a = 0.5;
	r.mean_b = 0.5 + delta;
	r.delta = delta;
	r.ci_low = delta - 0.01;
	r.ci_high = delta + 0.01;
	r.p = p;
	r.p_holm = p_holm;
	return r;
}

struct fixture {
	struct gate_rule rules[8];
	size_t n_rules;
	struct compare_row cmp_rows[4];
	struct comparison cmp;
	struct gate_input in;
	struct gate_result res;
};

static void fixture_init(struct fixture *f, const char *const *rules, size_t n, int significant)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	for (i = 0; i < n; i++)
		if (parse_ok(&f->rules[f->n_rules], rules[i]) == 0)
			f->n_rules++;
	f->cmp_rows[0] = crow("retrieval", "ndcg@10", -0.02, 0.03, 0.06);
	f->cmp_rows[1] = crow("ranking", "ndcg@10", -0.001, 0.001, 0.002);
	f->cmp_rows[2] = crow("ranking", "recall@10", 0, NAN, NAN);
	f->cmp.rows = f->cmp_rows;
	f->cmp.n_rows = 3;
	f->in.base_id = 1;
	f->in.cand_id = 2;
	f->in.cand = cand_rows(&f->in.n_cand);
	f->in.base = base_rows(&f->in.n_base);
	f->in.cmp = &f->cmp;
	f->in.significant = significant;
	f->in.alpha = 0.05;
	gate_evaluate(&f->res, f->rules, f->n_rules, &f->in);
}

static void fixture_release(struct fixture *f)
{
	size_t i;

	gate_result_release(&f->res);
	for (i = 0; i < f->n_rules; i++)
		gate_rule_release(&f->rules[i]);
}

TEST(gate_evaluate_absolute)
{
	static const char *const rules[] = { "ndcg@10>=0.3", "retrieval.ndcg@10<0.25", "ranking.hit@5>0" };
	struct fixture f;

	fixture_init(&f, rules, ARRAY_SIZE(rules), 0);
	CHECK_INT(f.res.n, 4);  /* ndcg@10 in both tasks, then one task each */
	if (f.res.n == 4) {
		CHECK_STR(f.res.checks[0].task, "retrieval");
		CHECK_INT(f.res.checks[0].status, GATE_FAIL);
		CHECK_NEAR(f.res.checks[0].value, 0.20, 0);
		CHECK_STR(f.res.checks[1].task, "ranking");
		CHECK_INT(f.res.checks[1].status, GATE_PASS);
		CHECK_INT(f.res.checks[2].status, GATE_PASS);
		CHECK(isnan(f.res.checks[2].p));
		/* an undefined value never passes */
		CHECK_INT(f.res.checks[3].status, GATE_FAIL);
		CHECK(f.res.checks[3].note != NULL);
	}
	CHECK_INT(f.res.passed, 2);
	CHECK_INT(f.res.failed, 2);
	CHECK_INT(f.res.errors, 0);
	fixture_release(&f);
}

TEST(gate_evaluate_relative)
{
	static const char *const rules[] = { "delta:ndcg@10>=-0.01", "delta:coverage@10>=-0.05" };
	struct fixture f;

	fixture_init(&f, rules, ARRAY_SIZE(rules), 0);
	CHECK_INT(f.res.n, 3);
	if (f.res.n == 3) {
		/* retrieval: -0.02 < -0.01 fails; ranking: -0.001 holds */
		CHECK_INT(f.res.checks[0].status, GATE_FAIL);
		CHECK_NEAR(f.res.checks[0].value, -0.02, 0);
		CHECK_NEAR(f.res.checks[0].p_holm, 0.06, 0);
		CHECK(f.res.checks[0].tested);
		CHECK_INT(f.res.checks[1].status, GATE_PASS);
		/* coverage has no per-sample values: the aggregates' difference, untested */
		CHECK_NEAR(f.res.checks[2].value, 0.50 - 0.60, 1e-15);
		CHECK(!f.res.checks[2].tested);
		CHECK(isnan(f.res.checks[2].p));
		CHECK_INT(f.res.checks[2].status, GATE_FAIL);
	}
	fixture_release(&f);
}

TEST(gate_evaluate_significant)
{
	static const char *const rules[] = {
		"delta:retrieval.ndcg@10>=-0.01",  /* violated, p_holm 0.06: not significant, passes */
		"delta:ranking.ndcg@10>=0",        /* violated, p_holm 0.002: fails */
		"delta:ranking.recall@10>0",       /* violated, no sample differs: passes */
		"delta:coverage@10>=-0.05",        /* violated, no test: fails on the threshold */
		"delta:retrieval.ndcg@10>=-0.05",  /* holds */
	};
	struct fixture f;

	fixture_init(&f, rules, ARRAY_SIZE(rules), 1);
	CHECK_INT(f.res.n, 5);
	if (f.res.n == 5) {
		CHECK_INT(f.res.checks[0].status, GATE_PASS);
		CHECK(!f.res.checks[0].holds);
		CHECK(f.res.checks[0].note && strstr(f.res.checks[0].note, "not significant"));
		CHECK_INT(f.res.checks[1].status, GATE_FAIL);
		CHECK(f.res.checks[1].note && strstr(f.res.checks[1].note, "significant"));
		CHECK_INT(f.res.checks[2].status, GATE_PASS);
		CHECK_INT(f.res.checks[3].status, GATE_FAIL);
		CHECK_INT(f.res.checks[4].status, GATE_PASS);
		CHECK(f.res.checks[4].holds);
	}
	fixture_release(&f);
}

TEST(gate_evaluate_missing)
{
	static const char *const rules[] = {
		"nope@10>=0.3",            /* in no task */
		"rankng.ndcg@10>=0.3",     /* no such task */
		"ranking.coverage@10>=0",  /* the task lacks it */
		"delta:ranking.hit@5>=0",  /* the baseline lacks it */
		"ndcg@10>=0",
	};
	struct fixture f;

	fixture_init(&f, rules, ARRAY_SIZE(rules), 0);
	CHECK_INT(f.res.n, 6);
	CHECK_INT(f.res.errors, 4);
	CHECK_INT(f.res.passed, 2);
	if (f.res.n == 6) {
		CHECK_INT(f.res.checks[0].status, GATE_ERROR);
		CHECK(f.res.checks[0].task == NULL);
		CHECK(strstr(f.res.checks[0].note, "no metric 'nope@10' in any task") != NULL);
		CHECK(strstr(f.res.checks[1].note, "no task 'rankng'") != NULL);
		CHECK(strstr(f.res.checks[2].note, "no metric 'coverage@10' in task 'ranking'") != NULL);
		CHECK(strstr(f.res.checks[3].note, "baseline run 1") != NULL);
	}
	fixture_release(&f);
}

TEST(gate_op_holds_nan)
{
	CHECK(gate_op_holds(GATE_GE, 0.3, 0.3));
	CHECK(!gate_op_holds(GATE_GT, 0.3, 0.3));
	CHECK(gate_op_holds(GATE_LE, 0.3, 0.3));
	CHECK(!gate_op_holds(GATE_LT, 0.3, 0.3));
	CHECK(!gate_op_holds(GATE_GE, NAN, 0));
	CHECK(!gate_op_holds(GATE_LE, NAN, 0));
}

/* --- escaping ---------------------------------------------------------- */

TEST(gate_xml_escape)
{
	struct strbuf sb = STRBUF_INIT;

	xml_escape(&sb, "a<b>&\"c'\t\n\x01\xff\xc3\xa9");
	CHECK_STR(sb.buf, "a&lt;b&gt;&amp;&quot;c&apos;&#9;&#10;?\xef\xbf\xbd\xc3\xa9");
	strbuf_reset(&sb);
	/* an overlong '/' and a UTF-16 surrogate are not UTF-8 */
	xml_escape(&sb, "\xc0\xaf\xed\xa0\x80");
	CHECK_STR(sb.buf, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	strbuf_release(&sb);
}

TEST(gate_markdown_escape)
{
	struct strbuf sb = STRBUF_INIT;

	md_text(&sb, "a|b*c_<d>\nx");
	CHECK_STR(sb.buf, "a\\|b\\*c\\_\\<d\\> x");
	strbuf_reset(&sb);
	md_code(&sb, "ndcg@10>=0.3");
	CHECK_STR(sb.buf, "`ndcg@10>=0.3`");
	strbuf_reset(&sb);
	md_code(&sb, "exec:a|b");
	CHECK_STR(sb.buf, "`exec:a\\|b`");
	strbuf_reset(&sb);
	md_code(&sb, "a``b`");
	CHECK_STR(sb.buf, "``` a``b` ```");
	strbuf_release(&sb);
}

/* The renderers moved out of cmd_gate.c (reports/gate.c): the table's rows and verdict, JUnit's cases, Holm's family. */
TEST(gate_report_renders)
{
	static const char *const rules[] = { "delta:ndcg@10>=-0.01", "nope@3>1" };
	struct run_info base, cand;
	struct gate_report g;
	struct strbuf sb = STRBUF_INIT;
	struct fixture f;

	fixture_init(&f, rules, ARRAY_SIZE(rules), 0);
	memset(&base, 0, sizeof(base));
	memset(&cand, 0, sizeof(cand));
	base.id = 1;
	base.model = "builtin:pop";
	cand.id = 2;
	cand.model = "builtin:itemknn";
	cand.suite = "demo";
	memset(&g, 0, sizeof(g));
	g.baseline = &base;
	g.candidate = &cand;
	g.result = &f.res;
	g.cmp = &f.cmp;
	g.test = "t";
	g.alpha = 0.05;
	/* rows with a p: retrieval's and ranking's ndcg@10, not recall@10 (NaN) */
	CHECK_INT(gate_report_holm_family(&g), 2);
	gate_report_table(&sb, &g);
	CHECK(!strncmp(sb.buf, "gate: candidate run 2 (builtin:itemknn) against baseline run 1 (builtin:pop)\n\n"
		       "result  rule", 87));
	CHECK(strstr(sb.buf, "\nFAIL    delta:ndcg@10>=-0.01  retrieval  -0.0200 [-0.0300, -0.0100]  >= -0.01   0.0300  0.0600\n") != NULL);
	CHECK(strstr(sb.buf, "\nERROR   nope@3>1              -          -                           > 1             -       -  candidate") != NULL);
	CHECK(strstr(sb.buf, "\ngate error: 1 of 3 checks cannot be run") != NULL);
	/* the verdict names every check that did not pass, failures as well as errors (issue 15) */
	CHECK(strstr(sb.buf, "checks cannot be run (a task or metric does not exist), 1 failed: "
		      "FAIL 'delta:ndcg@10>=-0.01' (retrieval); ERROR 'nope@3>1'\n") != NULL);
	/* no line ends in a space: the last column is trimmed */
	CHECK(strstr(sb.buf, " \n") == NULL);
	strbuf_reset(&sb);
	gate_report_junit(&sb, &g, "the table");
	CHECK(strstr(sb.buf, "tests=\"3\" failures=\"1\" errors=\"1\"") != NULL);
	CHECK(strstr(sb.buf, "classname=\"receval.gate.retrieval\" name=\"delta:ndcg@10&gt;=-0.01\"") != NULL);
	CHECK(strstr(sb.buf, "<error message=") != NULL);
	CHECK(strstr(sb.buf, "<system-out>the table</system-out>") != NULL);
	g.cmp = NULL;
	CHECK_INT(gate_report_holm_family(&g), 0);
	strbuf_release(&sb);
	fixture_release(&f);
}

/*
 * Judgment figures (the candidate judged against the baseline) are checked by absolute rules; a delta: rule
 * has nothing to subtract from them (bug: it said the baseline lacked the metric, and a figure whose name a
 * run metric shares, judge_failure_rate, was checked twice, the second time with the run's delta).
 */
TEST(gate_evaluate_judgment_figures)
{
	static const char *const rules[] = {
		"delta:explanation.win_rate_adjusted>=0",  /* only a judgment figure: an error saying why */
		"explanation.win_rate_adjusted>=0.45",     /* absolute: checked, 0.40 fails */
		"delta:judge_failure_rate<=0",             /* the run's (paired) figure only, once */
	};
	struct metric_row cand[1], base[1], judged[2];
	struct compare_row cmp_rows[1];
	struct comparison cmp;
	struct gate_rule r[3];
	struct gate_result res;
	struct gate_input in;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		CHECK_INT(parse_ok(&r[i], rules[i]), 0);
	cand[0] = row("explanation", "judge_failure_rate", 0.1);
	base[0] = row("explanation", "judge_failure_rate", 0.2);
	judged[0] = row("explanation", "judge_failure_rate", 0.0);
	judged[1] = row("explanation", "win_rate_adjusted", 0.40);
	cmp_rows[0] = crow("explanation", "judge_failure_rate", -0.1, 0.01, 0.01);
	memset(&cmp, 0, sizeof(cmp));
	cmp.rows = cmp_rows;
	cmp.n_rows = 1;
	memset(&in, 0, sizeof(in));
	in.base_id = 1;
	in.cand_id = 2;
	in.cand = cand;
	in.n_cand = 1;
	in.base = base;
	in.n_base = 1;
	in.judged = judged;
	in.n_judged = 2;
	in.judgment_id = 7;
	in.cmp = &cmp;
	in.alpha = 0.05;
	gate_evaluate(&res, r, ARRAY_SIZE(rules), &in);
	CHECK_INT(res.n, 3);
	if (res.n == 3) {
		CHECK_INT(res.checks[0].status, GATE_ERROR);
		CHECK(res.checks[0].note && strstr(res.checks[0].note, "figure of judgment 7") &&
		      strstr(res.checks[0].note, "has no delta") &&
		      strstr(res.checks[0].note, "('explanation.win_rate_adjusted>=0')"));
		CHECK_STR(res.checks[0].task, "explanation");
		CHECK_INT(res.checks[1].status, GATE_FAIL);
		CHECK_NEAR(res.checks[1].value, 0.40, 0);
		CHECK_INT(res.checks[2].status, GATE_PASS);
		CHECK_NEAR(res.checks[2].value, -0.1, 0);
		CHECK(res.checks[2].tested);
	}
	CHECK_INT(res.errors, 1);
	gate_result_release(&res);
	for (i = 0; i < ARRAY_SIZE(rules); i++)
		gate_rule_release(&r[i]);
}
