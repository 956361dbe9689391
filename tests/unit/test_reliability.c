/* test_reliability.c: regressions of issue 14's adversarial pass: numbers, credentials in specs, control bytes in data. */
#include <cJSON.h>
#include "tests/unit/test.h"
#include "lib/strbuf.h"
#include "eval/gate.h"
#include "eval/data/format.h"
#include "adapters/adapter.h"
#include "adapters/exec_internal.h"
#include "metrics/stats.h"
#include "lib/rng.h"
#include "eval/codec.h"
#include "reports/run.h"

/* A number read from stored JSON becomes a long only when a long holds it (the conversion is UB else). */
TEST(whole_long_refuses_what_a_long_cannot_hold)
{
	long n = 42;

	CHECK_INT(whole_long(1e300, 0, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(0x1p63, 0, LONG_MAX, &n), -1);   /* (double)LONG_MAX rounds up to this */
	CHECK_INT(whole_long(-0x1p63 * 2, LONG_MIN, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(NAN, 0, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(INFINITY, 0, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(2.5, 0, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(-1, 0, LONG_MAX, &n), -1);
	CHECK_INT(whole_long(11, 1, 10, &n), -1);
	CHECK_INT(n, 42);                                      /* untouched on refusal */
	CHECK_INT(whole_long(0x1p62, 0, LONG_MAX, &n), 0);
	CHECK(n == (1L << 62));
	CHECK_INT(whole_long(-0x1p63, LONG_MIN, 0, &n), 0);
	CHECK(n == LONG_MIN);
	CHECK_INT(whole_long(7, 1, 10, &n), 0);
	CHECK_INT(n, 7);
}

/* The one line counter and control-byte finder that the suite, dataset and question readers and model specs share. */
TEST(text_line_and_find_control_byte)
{
	const char *t = "a\nb\n\nc";

	CHECK_INT(text_line(t, t), 1);
	CHECK_INT(text_line(t, t + 2), 2);
	CHECK_INT(text_line(t, t + 5), 4);
	CHECK_INT(text_line(t, NULL), 0);
	CHECK(find_control_byte("plain name", 0) == NULL);
	CHECK(find_control_byte("two\nlines\tand a tab", 1) == NULL);
	t = "two\nlines";
	CHECK(find_control_byte(t, 0) == t + 3);
	t = "esc \x1b[2J";
	CHECK(find_control_byte(t, 1) == t + 4);
	t = "del\x7f";
	CHECK(find_control_byte(t, 1) == t + 3);
	t = "cr\r";
	CHECK(find_control_byte(t, 1) == t + 2);   /* a description may hold tab and line feed, not CR */
}

/* A hand-edited transcript's turn or token count a long cannot hold reads as 0, as an absent one does. */
TEST(stored_transcript_numbers_out_of_range_read_as_zero)
{
	struct transcript_row *t = NULL;
	size_t n = 0;

	CHECK_INT(codec_get_transcript(&t, &n, "[{\"role\":\"subject\",\"turn\":1e300,\"tokens_in\":-5,"
					   "\"tokens_out\":2.5e19},{\"turn\":2,\"tokens_in\":3}]"), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(t[0].turn, 0);
		CHECK_INT(t[0].tokens_in, 0);
		CHECK_INT(t[0].tokens_out, 0);
		CHECK_INT(t[1].turn, 2);
		CHECK_INT(t[1].tokens_in, 3);
	}
	codec_transcript_free(t, n);
}

TEST(parse_double_is_decimal_only)
{
	double d = -1;

	CHECK_INT(parse_double("0x10", &d), -1);   /* strtod() reads 16 */
	CHECK_INT(parse_double("inf", &d), -1);
	CHECK_INT(parse_double("nan", &d), -1);
	CHECK_INT(parse_double("1e400", &d), -1);  /* too large */
	CHECK_INT(parse_double(" 1", &d), -1);
	CHECK_INT(parse_double("1 ", &d), -1);
	CHECK_INT(parse_double(".", &d), -1);
	CHECK_INT(parse_double("", &d), -1);
	CHECK_INT(parse_double("1e-400", &d), 0);  /* too small: 0, not an error */
	CHECK_NEAR(d, 0, 0);
	CHECK_INT(parse_double("-2.5e-1", &d), 0);
	CHECK_NEAR(d, -0.25, 0);
	CHECK_INT(parse_double("+3", &d), 0);
	CHECK_NEAR(d, 3, 0);
}

TEST(gate_threshold_is_decimal)
{
	struct strbuf err = STRBUF_INIT;
	struct gate_rule r;

	CHECK(gate_rule_parse(&r, "ndcg@10>=0x10", &err) < 0);
	gate_rule_release(&r);
	strbuf_reset(&err);
	if (!gate_rule_parse(&r, "ndcg@10>=1e-400", &err))
		CHECK_NEAR(r.threshold, 0, 0);
	else
		test_fail(__FILE__, __LINE__, "1e-400 refused: %s", err.buf);
	gate_rule_release(&r);
	strbuf_release(&err);
}

/* redact text: the masked copy, and whether anything was masked */
static void check_redact(const char *text, const char *want, int masked)
{
	const char *what;
	char *got = model_spec_redact(text, &what);

	if (strcmp(got, want) || !!what != masked)
		test_fail(__FILE__, __LINE__, "redact('%s') == '%s' (%s), expected '%s'", text, got,
			  what ? what : "nothing masked", want);
	free(got);
}

TEST(spec_credentials_masked_and_refused)
{
	struct model_spec s;

	check_redact("openai:m?base_url=http://h/v1?key=sk-1", "openai:m?base_url=http://h/v1?key=***", 1);
	check_redact("openai:m?api_key=sk-1&temperature=0", "openai:m?api_key=***&temperature=0", 1);
	check_redact("openai:m?base_url=http://u:p@h/v1", "openai:m?base_url=http://***@h/v1", 1);
	check_redact("azure:d?endpoint=https://a?SIG=x|https://b", "azure:d?endpoint=https://a?SIG=***|https://b", 1);
	check_redact("openai:m?base_url=http://h/v1&temperature=0", "openai:m?base_url=http://h/v1&temperature=0", 0);
	check_redact("openai:m?max_tokens=5&seed=1", "openai:m?max_tokens=5&seed=1", 0);
	check_redact("exec:python3 m.py", "exec:python3 m.py", 0);
	memset(&s, 0, sizeof(s));
	CHECK(model_spec_parse(&s, "openai:m?base_url=http://h/v1?key=sk-1") < 0);
	CHECK(model_spec_parse(&s, "openai:m?token=abc") < 0);
	CHECK_INT(model_spec_parse(&s, "openai:m?base_url=http://h/v1"), 0);
	model_spec_release(&s);
}

TEST(data_check_text_refuses_control_bytes)
{
	CHECK_INT(data_check_text("f", 1, "user id", "u1", 2), 0);
	CHECK_INT(data_check_text("f", 1, "title", "Caf\xc3\xa9", 5), 0);
	CHECK_INT(data_check_text("f", 1, "user id", "u\0x", 3), -1);
	CHECK_INT(data_check_text("f", 1, "title", "a\tb\r\nc", 6), 0);
	CHECK_INT(data_check_text("f", 1, "item id", "a\tb", 3), -1);
	CHECK_INT(data_check_text("f", 1, "title", "a\x1b[31m", 6), -1);
	CHECK_INT(data_check_text("f", 1, "title", "a\x7f", 2), -1);
}

static double zero_clock(void *arg)
{
	(void)arg;
	return 0;
}

/* Found by tests/fuzz/fuzz_exec.c: a token count past a long's range was cast (undefined behaviour). */
TEST(exec_answer_huge_usage_is_no_count)
{
	struct model m;
	struct child c;
	struct job *j = xcalloc(1, sizeof(*j));
	struct done *d;

	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	m.now = zero_clock;
	m.n_pending = 1;
	j->id = 7;
	j->wire_id = 1;
	j->kind = LLM_CHAT;
	j->line = xstrdup("{}\n");
	c.job = j;
	CHECK_INT(exec_take_answer(&m, &c, "{\"id\": 1, \"content\": \"1. T\", \"usage\": "
				   "{\"prompt_tokens\": 2.2e90, \"completion_tokens\": -1e300}}"), 0);
	d = m.done;
	CHECK(d != NULL);
	if (d) {
		CHECK_INT(d->a.status, LLM_OK);
		CHECK_INT(d->a.tokens_in, 0);
		CHECK_INT(d->a.tokens_out, 0);
		m.done = d->next;
		llm_answer_release(&d->a);
		free(d);
	}
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The bootstrap interval as it was computed before selection replaced sorting (issue 14's 10,000 tasks). */
static void bootstrap_sorted(double *lo, double *hi, const double *x, size_t n, unsigned B, double level,
			     uint64_t seed)
{
	double *m = xmalloc(B * sizeof(*m)), h;
	struct rng r;
	size_t b, i;

	rng_seed(&r, seed);
	for (b = 0; b < B; b++) {
		double s = 0;
		for (i = 0; i < n; i++)
			s += x[rng_below(&r, n)];
		m[b] = s / (double)n;
	}
	qsort(m, B, sizeof(*m), cmp_dbl);
	h = (1 - level) / 2 * (double)(B - 1);
	i = (size_t)floor(h);
	*lo = i + 1 >= B ? m[B - 1] : m[i] + (h - (double)i) * (m[i + 1] - m[i]);
	h = (1 + level) / 2 * (double)(B - 1);
	i = (size_t)floor(h);
	*hi = i + 1 >= B ? m[B - 1] : m[i] + (h - (double)i) * (m[i + 1] - m[i]);
	free(m);
}

TEST(bootstrap_selection_equals_sorting)
{
	static const unsigned Bs[] = { 2, 3, 10, 999, 1000 };
	static const double levels[] = { 0.95, 0.5, 0.99, 0.0 };
	struct rng g;
	size_t trial, i;

	rng_seed(&g, 14);
	for (trial = 0; trial < 200; trial++) {
		size_t n = 2 + rng_below(&g, 40);
		double x[64], lo, hi, rlo, rhi;
		unsigned B = Bs[trial % ARRAY_SIZE(Bs)];
		double level = levels[trial % ARRAY_SIZE(levels)];

		/* few distinct values (many ties among the means) or many */
		for (i = 0; i < n; i++)
			x[i] = trial % 2 ? (double)rng_below(&g, 3) : (double)rng_below(&g, 1000) / 7.0;
		x[0] = 1e-3;  /* never constant */
		stats_bootstrap_ci(&lo, &hi, x, n, B, level, trial);
		bootstrap_sorted(&rlo, &rhi, x, n, B, level, trial);
		if (lo != rlo || hi != rhi)
			test_fail(__FILE__, __LINE__, "trial %zu (n %zu, B %u, level %g): [%.17g, %.17g], sorted [%.17g, %.17g]",
				  trial, n, B, level, lo, hi, rlo, rhi);
	}
}

/*
 * show --format json (and serve's /api/runs/ID) of a run of 10,000 tasks:
 * each row looked its task up by walking every task before it (37 s); now
 * by hash. How long it takes is bench/many_tasks.sh's to measure; this
 * checks what the indexed build makes: every task once, in the rows'
 * order, each with its own metrics, however the rows of tasks interleave.
 */
TEST(run_json_of_many_tasks)
{
	enum { TASKS = 2000, METRICS = 3 };
	struct metric_row *rows = xcalloc((size_t)TASKS * METRICS, sizeof(*rows));
	struct run_info run = { 1, "many", "builtin:pop", "done", "2026-01-01T00:00:00Z", NULL, NULL, "v",
				NULL, NULL, 42, TASKS, 0 };
	struct strbuf sb = STRBUF_INIT;
	cJSON *root, *metrics, *t;
	size_t i, k = 0;
	int ok = 1;

	/* metric-major: every task's m0, then every task's m1, ... */
	for (i = 0; i < (size_t)TASKS * METRICS; i++) {
		rows[i].task = xstrfmt("t%zu", i % TASKS);
		rows[i].metric = xstrfmt("m%zu", i / TASKS);
		rows[i].value = (double)i;
		rows[i].n = 5;
	}
	CHECK_INT(run_add_json(&sb, NULL, &run, rows, (size_t)TASKS * METRICS), 0);
	root = cJSON_Parse(sb.buf);
	metrics = cJSON_GetObjectItemCaseSensitive(root, "metrics");
	CHECK_INT(cJSON_GetArraySize(metrics), TASKS);
	cJSON_ArrayForEach(t, metrics) {
		char name[32];
		size_t m;
		snprintf(name, sizeof(name), "t%zu", k);
		ok &= !strcmp(t->string, name) && cJSON_GetArraySize(t) == METRICS;
		for (m = 0; m < METRICS && ok; m++) {
			char mn[8];
			const cJSON *v;
			snprintf(mn, sizeof(mn), "m%zu", m);
			v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(t, mn), "value");
			ok &= cJSON_IsNumber(v) && v->valuedouble == (double)(m * TASKS + k);
		}
		k++;
	}
	CHECK(ok);
	cJSON_Delete(root);
	for (i = 0; i < (size_t)TASKS * METRICS; i++) {
		free(rows[i].task);
		free(rows[i].metric);
	}
	free(rows);
	strbuf_release(&sb);
}
