/* gate_session.c: a gate against two stored runs: rules parsed, figures loaded, samples compared, checks decided. */
#include "eval/gate_session.h"
#include "eval/store_judge.h"

/*
 * The figures of the latest judgment of the candidate against the
 * baseline (receval judge BASE CAND), kept apart from the candidate's
 * metrics: rules such as 'explanation.win_rate_adjusted>=0.45' check them,
 * a delta: rule cannot (gate_evaluate()). 0, or -1.
 */
static int load_judgment_rows(struct gate_session *s, struct store *store, int64_t base, int64_t cand)
{
	int64_t id = store_latest_judgment(store, base, cand);

	if (id <= 0)
		return (int)id;
	s->judgment_id = id;
	return store_judgment_metrics(store, id, &s->judged_rows, &s->n_judged) < 0 ? -1 : 0;
}

int gate_session_parse_rules(struct gate_session *s, const char *const *texts, size_t n)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;
	int rc = 0;

	s->rules = xcalloc(n ? n : 1, sizeof(*s->rules));
	s->selects = xcalloc(n ? n : 1, sizeof(*s->selects));
	for (i = 0; i < n && !rc; i++) {
		strbuf_reset(&err);
		rc = gate_rule_parse(&s->rules[i], texts[i], &err);
		s->n_rules++;
		if (rc < 0)
			error("rule '%s': %s", texts[i], err.buf);
		else if (s->rules[i].relative)
			s->selects[s->n_selects++] = s->rules[i].select;
	}
	strbuf_release(&err);
	return rc < 0 ? -1 : 0;
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

int gate_session_check(struct gate_session *s, struct store *store, const struct compare_options *copts,
		       int significant)
{
	int64_t base_id = s->base.id, cand_id = s->cand.id;
	struct compare_options opts = *copts;
	struct gate_input in;
	size_t i;

	if (store_get_run_metrics(store, cand_id, &s->cand_rows, &s->n_cand) < 0 ||
	    store_get_run_metrics(store, base_id, &s->base_rows, &s->n_base) < 0 ||
	    load_judgment_rows(s, store, base_id, cand_id) < 0)
		return -1;
	if (s->n_selects) {
		opts.select = s->selects;
		opts.n_select = s->n_selects;
		if (store_get_sample_metrics(store, base_id, &s->mb) < 0 ||
		    store_get_sample_metrics(store, cand_id, &s->mc) < 0)
			return -1;
		compare_runs(&s->cmp, &s->base, &s->mb, &s->cand, &s->mc, &opts);
		s->have_cmp = 1;
		if (!s->cmp.samples && (s->cmp.only_a || s->cmp.only_b)) {
			error("runs %lld and %lld have no sample in common (%zu and %zu scored samples; a different"
			      " suite, seed or shard?): delta: rules cannot be checked", (long long)base_id,
			      (long long)cand_id, s->cmp.only_a, s->cmp.only_b);
			return 0;
		}
		report_left_out(&s->cmp);
	} else if (s->cand.status && strcmp(s->cand.status, "done")) {
		warning("candidate run %lld is '%s': checking the figures it stored", (long long)cand_id,
			s->cand.status);
	}

	memset(&in, 0, sizeof(in));
	in.base_id = base_id;
	in.cand_id = cand_id;
	in.cand = s->cand_rows;
	in.n_cand = s->n_cand;
	in.base = s->base_rows;
	in.n_base = s->n_base;
	in.judged = s->judged_rows;
	in.n_judged = s->n_judged;
	in.judgment_id = s->judgment_id;
	in.cmp = s->have_cmp ? &s->cmp : NULL;
	in.significant = significant;
	in.alpha = copts->alpha;
	gate_evaluate(&s->result, s->rules, s->n_rules, &in);
	s->have_result = 1;
	for (i = 0; i < s->result.n; i++) {
		const struct gate_check *c = &s->result.checks[i];
		if (c->status == GATE_ERROR)
			error("rule '%s': %s (see 'receval show %lld')", c->rule->text, c->note,
			      (long long)(c->note && !strncmp(c->note, "baseline", 8) ? base_id : cand_id));
	}
	return 1;
}

void gate_session_release(struct gate_session *s)
{
	size_t i;

	if (s->have_result)
		gate_result_release(&s->result);
	if (s->have_cmp)
		comparison_release(&s->cmp);
	run_sample_metrics_release(&s->mb);
	run_sample_metrics_release(&s->mc);
	metric_rows_free(s->cand_rows, s->n_cand);
	metric_rows_free(s->base_rows, s->n_base);
	metric_rows_free(s->judged_rows, s->n_judged);
	run_info_release(&s->base);
	run_info_release(&s->cand);
	for (i = 0; i < s->n_rules; i++)
		gate_rule_release(&s->rules[i]);
	free(s->rules);
	free(s->selects);
	memset(s, 0, sizeof(*s));
}
