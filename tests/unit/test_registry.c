/* test_registry.c: the metric registry (every name's direction, cutoffs, derived names, additions) and the readers that rely on it: compare's W/T/L, the report's best marks, show's order. */
#include "tests/unit/test.h"
#include "metrics/registry.h"
#include "eval/compare.h"
#include "eval/store.h"
#include "reports/html.h"

/* Every registered family by an example name, with the direction it must have. */
static const struct {
	const char *name;
	enum metric_direction dir;
} expected[] = {
	{ "ndcg@10", METRIC_HIGHER },
	{ "recall@10", METRIC_HIGHER },
	{ "hit@10", METRIC_HIGHER },
	{ "precision@10", METRIC_HIGHER },
	{ "mrr@10", METRIC_HIGHER },
	{ "map@10", METRIC_HIGHER },
	{ "acc@10", METRIC_HIGHER },
	{ "error_rate", METRIC_LOWER },
	{ "parse_failure_rate", METRIC_LOWER },
	{ "hallucination_rate", METRIC_LOWER },
	{ "out_of_candidate_rate", METRIC_LOWER },
	{ "in_history_rate", METRIC_LOWER },
	{ "duplicate_rate", METRIC_LOWER },
	{ "full_list_rate", METRIC_HIGHER },
	{ "novelty@10", METRIC_NEITHER },
	{ "arp@10", METRIC_NEITHER },
	{ "aplt@10", METRIC_NEITHER },
	{ "ild@10", METRIC_NEITHER },
	{ "coverage@10", METRIC_NEITHER },
	{ "gini@10", METRIC_NEITHER },
	{ "entropy@10", METRIC_NEITHER },
	{ "tokens_in", METRIC_LOWER },
	{ "tokens_out", METRIC_LOWER },
	{ "cost_usd", METRIC_LOWER },
	{ "words", METRIC_NEITHER },
	{ "over_length_rate", METRIC_LOWER },
	{ "target_named_rate", METRIC_HIGHER },
	{ "history_cited", METRIC_HIGHER },
	{ "hallucinated_titles", METRIC_LOWER },
	{ "informativeness", METRIC_HIGHER },
	{ "persuasiveness", METRIC_HIGHER },
	{ "helpfulness", METRIC_HIGHER },
	{ "judge_failure_rate", METRIC_LOWER },
	{ "success@10", METRIC_HIGHER },
	{ "turns", METRIC_LOWER },
	{ "repeat_rate", METRIC_LOWER },
	{ "leak_rate", METRIC_LOWER },
	{ "invalid_rate", METRIC_LOWER },
	{ "acc", METRIC_HIGHER },
	{ "prompt_strict_acc", METRIC_HIGHER },
	{ "instruction_strict_acc", METRIC_HIGHER },
	{ "prompt_loose_acc", METRIC_HIGHER },
	{ "instruction_loose_acc", METRIC_HIGHER },
	{ "instructions", METRIC_NEITHER },
	{ "rating", METRIC_HIGHER },
	{ "win_rate", METRIC_HIGHER },
	{ "loss_rate", METRIC_LOWER },
	{ "tie_rate", METRIC_NEITHER },
	{ "win_rate_adjusted", METRIC_HIGHER },
	{ "consistency_rate", METRIC_HIGHER },
	{ "first_position_rate", METRIC_NEITHER },
	{ "longer_preferred_rate", METRIC_NEITHER },
	{ "p", METRIC_NEITHER },
	{ "samples", METRIC_NEITHER },
	{ "judged", METRIC_NEITHER },
	{ "judge_errors", METRIC_LOWER },
	{ "judge_tokens_in", METRIC_LOWER },
	{ "judge_tokens_out", METRIC_LOWER },
	{ "judge_cost_usd", METRIC_LOWER },
	{ "agreement", METRIC_HIGHER },
	{ "agreement_no_ties", METRIC_HIGHER },
	{ "kappa", METRIC_HIGHER },
	{ "human_longer_preferred_rate", METRIC_NEITHER },
	{ "human_agreement", METRIC_NEITHER },
	{ "human_agreement_no_ties", METRIC_NEITHER },
	{ "human_pairs", METRIC_NEITHER },
	{ "labels", METRIC_NEITHER },
	{ "items", METRIC_NEITHER },
};

TEST(registry_every_metric_has_its_direction)
{
	size_t i, j, n = metric_registry_count();

	metric_registry_clear();
	/* the table names every family, so a new one must be added here with its direction */
	CHECK_INT(n, ARRAY_SIZE(expected));
	for (i = 0; i < n; i++) {
		const struct metric_info *m = metric_registry_at(i);
		char *name = m->flags & METRIC_CUTOFF ? xstrfmt("%s@10", m->name) : xstrdup(m->name);

		for (j = 0; j < ARRAY_SIZE(expected) && strcmp(expected[j].name, name); j++)
			;
		if (j == ARRAY_SIZE(expected))
			test_fail(__FILE__, __LINE__, "'%s' is registered but not in the test's table", name);
		CHECK(m->description && *m->description);
		free(name);
	}
	for (j = 0; j < ARRAY_SIZE(expected); j++) {
		struct metric_lookup l;

		if (metric_lookup(&l, expected[j].name) < 0) {
			test_fail(__FILE__, __LINE__, "'%s' is not registered", expected[j].name);
			continue;
		}
		if (l.direction != expected[j].dir)
			test_fail(__FILE__, __LINE__, "'%s' is %s, expected %s", expected[j].name,
				  metric_direction_name(l.direction), metric_direction_name(expected[j].dir));
	}
}

TEST(registry_lookup_cutoffs_derived_and_unknown)
{
	struct metric_lookup l;

	CHECK_INT(metric_lookup(&l, "ndcg@10"), 0);
	CHECK_STR(l.info->name, "ndcg");
	CHECK_INT(l.cutoff, 10);
	CHECK_INT(l.derived, METRIC_PLAIN);
	CHECK_INT(l.kind, METRIC_QUALITY);
	CHECK(l.per_sample);

	CHECK_INT(metric_lookup(&l, "ndcg@10_perm_sd"), 0);
	CHECK_STR(l.info->name, "ndcg");
	CHECK_INT(l.cutoff, 10);
	CHECK_INT(l.derived, METRIC_PERM_SD);
	CHECK_INT(l.direction, METRIC_LOWER);
	CHECK_INT(l.kind, METRIC_POSITION_BIAS);
	CHECK(!l.per_sample);
	CHECK_INT(metric_lookup(&l, "mrr@5_perm_mean"), 0);
	CHECK_INT(l.derived, METRIC_PERM_MEAN);
	CHECK_INT(l.direction, METRIC_HIGHER);
	CHECK(!l.per_sample);

	/* acc@1 and acc are two entries */
	CHECK_INT(metric_lookup(&l, "acc@1"), 0);
	CHECK(l.info->flags & METRIC_CUTOFF);
	CHECK_INT(metric_lookup(&l, "acc"), 0);
	CHECK(!(l.info->flags & METRIC_CUTOFF));

	/* run-level figures */
	CHECK_INT(metric_lookup(&l, "coverage@20"), 0);
	CHECK(!l.per_sample);
	CHECK_INT(metric_lookup(&l, "gini@20"), 0);
	CHECK(!l.per_sample);
	CHECK_INT(metric_lookup(&l, "entropy@20"), 0);
	CHECK(!l.per_sample);
	CHECK_INT(metric_lookup(&l, "cost_usd"), 0);
	CHECK(!l.per_sample);
	CHECK_INT(l.kind, METRIC_COST);
	CHECK_INT(metric_lookup(&l, "parse_failure_rate"), 0);
	CHECK_INT(l.kind, METRIC_VALIDITY);
	CHECK(l.per_sample);

	/* unknown or malformed: reported, never guessed */
	CHECK_INT(metric_lookup(&l, "bogus_rate"), -1);
	CHECK(!l.info);
	CHECK_INT(l.direction, METRIC_NEITHER);
	CHECK_INT(metric_lookup(&l, "ndcg"), -1);
	CHECK_INT(metric_lookup(&l, "error_rate@5"), -1);
	CHECK_INT(metric_lookup(&l, "ndcg@0"), -1);
	CHECK_INT(metric_lookup(&l, "ndcg@"), -1);
	CHECK_INT(metric_lookup(&l, "ndcg@1x"), -1);
	CHECK_INT(metric_lookup(&l, ""), -1);
	CHECK_INT(metric_direction("bogus_rate"), METRIC_NEITHER);

	CHECK_INT(metric_better(METRIC_LOWER, 0.1, 0.2), 1);
	CHECK_INT(metric_better(METRIC_HIGHER, 0.1, 0.2), -1);
	CHECK_INT(metric_better(METRIC_NEITHER, 0.1, 0.2), 0);
	CHECK_INT(metric_better(METRIC_HIGHER, NAN, 0.2), 0);
}

TEST(registry_add_names_a_suite_knows)
{
	struct metric_info clarity = { "clarity", METRIC_HIGHER, METRIC_QUALITY, METRIC_PER_SAMPLE, 0,
				       "rubric aspect: how clear the explanation is" };
	struct metric_info other = clarity;
	struct metric_lookup l;

	metric_registry_clear();
	CHECK_INT(metric_lookup(&l, "clarity"), -1);
	CHECK_INT(metric_registry_add(&clarity), 0);
	CHECK_INT(metric_lookup(&l, "clarity"), 0);
	CHECK_INT(l.direction, METRIC_HIGHER);
	CHECK(l.per_sample);
	CHECK_INT(metric_registry_add(&clarity), 1);
	other.direction = METRIC_LOWER;
	CHECK_INT(metric_registry_add(&other), -1);
	/* a built-in family cannot be redefined */
	other.name = "error_rate";
	other.kind = METRIC_VALIDITY;
	other.flags = METRIC_PER_SAMPLE | METRIC_SUMMARY;  /* the run summary shows it (issue 15) */
	CHECK_INT(metric_registry_add(&other), 1);
	other.direction = METRIC_HIGHER;
	CHECK_INT(metric_registry_add(&other), -1);
	other.name = "bad@name";
	CHECK_INT(metric_registry_add(&other), -1);
	CHECK_INT(metric_registry_count(), ARRAY_SIZE(expected) + 1);
	metric_registry_clear();
	CHECK_INT(metric_lookup(&l, "clarity"), -1);
}

static int cmp_names(const void *a, const void *b)
{
	return metric_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* show's row order, which the registry now ranks: unchanged from before it. */
TEST(registry_display_order)
{
	const char *names[] = {
		"tokens_in", "map@10", "error_rate", "ndcg@10_perm_sd", "ndcg@20", "acc@1", "recall@5", "ndcg@10",
		"hit@5", "precision@5", "mrr@5", "ndcg@10_perm_mean", "arp@10", "coverage@10", "ndcg@5",
	};
	const char *want[] = {
		"ndcg@5", "ndcg@10", "ndcg@10_perm_mean", "ndcg@10_perm_sd", "ndcg@20", "recall@5", "hit@5",
		"precision@5", "mrr@5", "map@10", "acc@1", "arp@10", "coverage@10", "error_rate", "tokens_in",
	};
	size_t i;

	qsort(names, ARRAY_SIZE(names), sizeof(names[0]), cmp_names);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		CHECK_STR(names[i], want[i]);
}

/* Four samples of one task: per metric, A's and B's values by sample s1..s4. */
static void fill_run(struct run_sample_metrics *m, char **tasks, char **metrics, size_t n_metrics,
		     const double (*values)[4])
{
	static char *ids[] = { "s1", "s2", "s3", "s4" };
	size_t k, i;

	memset(m, 0, sizeof(*m));
	m->tasks = tasks;
	m->n_tasks = 1;
	m->metrics = metrics;
	m->n_metrics = n_metrics;
	m->rows = xcalloc(n_metrics * 4, sizeof(*m->rows));
	for (k = 0; k < n_metrics; k++)
		for (i = 0; i < 4; i++) {
			struct sample_metric *r = &m->rows[m->n++];
			r->task = 0;
			r->metric = k;
			r->sample_id = ids[i];
			r->value = values[k][i];
		}
}

static const struct compare_row *row_of(const struct comparison *c, const char *metric)
{
	size_t i;

	for (i = 0; i < c->n_rows; i++)
		if (!strcmp(c->rows[i].metric, metric))
			return &c->rows[i];
	return NULL;
}

TEST(compare_wtl_counts_fewer_failures_as_winning)
{
	char *tasks[] = { "ranking" };
	char *metrics[] = { "ndcg@10", "arp@10", "parse_failure_rate" };  /* display order */
	const double a[][4] = { { 0.5, 0.5, 0, 0 }, { 10, 20, 30, 40 }, { 1, 1, 1, 0 } };
	const double b[][4] = { { 1, 0, 0, 0 }, { 30, 5, 30, 50 }, { 0, 0, 1, 0 } };
	struct run_info ia = { .id = 1, .model = "a" }, ib = { .id = 2, .model = "b" };
	struct compare_options opts = { COMPARE_T, 0.05, 1000, 200, NULL, 0 };
	struct run_sample_metrics ma, mb;
	struct comparison c;
	const struct compare_row *r;

	fill_run(&ma, tasks, metrics, 3, a);
	fill_run(&mb, tasks, metrics, 3, b);
	compare_runs(&c, &ia, &ma, &ib, &mb, &opts);
	CHECK_INT(c.n_rows, 3);

	/* B fails to parse 1 answer of 4, A 3: B wins the two samples where only A failed */
	r = row_of(&c, "parse_failure_rate");
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->wins, 2);
		CHECK_INT(r->ties, 2);
		CHECK_INT(r->losses, 0);
		CHECK_INT(r->direction, METRIC_LOWER);
		CHECK(r->delta < 0);
	}
	r = row_of(&c, "ndcg@10");
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->wins, 1);
		CHECK_INT(r->ties, 2);
		CHECK_INT(r->losses, 1);
	}
	/* no better direction: B higher / equal / lower */
	r = row_of(&c, "arp@10");
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->direction, METRIC_NEITHER);
		CHECK_INT(r->wins, 2);
		CHECK_INT(r->ties, 1);
		CHECK_INT(r->losses, 1);
	}
	comparison_release(&c);
	free(ma.rows);
	free(mb.rows);
}

TEST(report_bolds_the_higher_full_list_rate)
{
	struct run_info info[2] = { { .id = 1, .model = "lists-3-of-20", .suite = "s", .status = "done" },
				    { .id = 2, .model = "lists-all", .suite = "s", .status = "done" } };
	struct metric_row rows[2][3] = {
		{ { "ranking", "error_rate", 0.25, NAN, NAN, 4 }, { "ranking", "full_list_rate", 0.15, NAN, NAN, 4 },
		  { "ranking", "arp@10", 12, NAN, NAN, 4 } },
		{ { "ranking", "error_rate", 0.5, NAN, NAN, 4 }, { "ranking", "full_list_rate", 1, NAN, NAN, 4 },
		  { "ranking", "arp@10", 30, NAN, NAN, 4 } },
	};
	struct run_usage usage = { 0 };
	struct report_run runs[2];
	struct report_task task = { .name = "ranking" };
	struct report r = { 0 };
	struct strbuf out = STRBUF_INIT;
	size_t i;

	memset(runs, 0, sizeof(runs));
	for (i = 0; i < 2; i++) {
		runs[i].info = &info[i];
		runs[i].label = info[i].model;
		runs[i].rows = rows[i];
		runs[i].n_rows = 3;
		runs[i].usage = &usage;
		runs[i].not_compared = "test";
	}
	r.runs = runs;
	r.n_runs = 2;
	r.tasks = &task;
	r.n_tasks = 1;
	r.alpha = 0.05;
	r.test = "t";
	r.generated = "now";
	r.db_path = "test.db";
	r.no_plots = 1;
	html_report(&out, &r, NULL, NULL);
	/* full_list_rate: higher is better, so the run that listed every candidate is bold, not the one that listed 3 */
	CHECK(strstr(out.buf, "<span class=\"best\">1.000</span>") != NULL);
	CHECK(strstr(out.buf, "<span class=\"best\">0.150</span>") == NULL);
	/* error_rate: lower is better */
	CHECK(strstr(out.buf, "<span class=\"best\">0.250</span>") != NULL);
	CHECK(strstr(out.buf, "<span class=\"best\">0.500</span>") == NULL);
	/* arp@10: neither direction, no best */
	CHECK(strstr(out.buf, "<span class=\"best\">12.00</span>") == NULL);
	CHECK(strstr(out.buf, "<span class=\"best\">30.00</span>") == NULL);
	/* the validity table holds the validity metrics, full_list_rate among them, and not arp@10 */
	CHECK(strstr(out.buf, "but higher for full_list_rate") != NULL);
	strbuf_release(&out);
}
