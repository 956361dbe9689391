/* html_judge.c: the report's section on pairwise judgments between its runs: figures per task, and the samples the judge's two orders disagree on. */
#include "reports/html.h"
#include "reports/html_internal.h"
#include "eval/store_judge.h"

/* The figures shown, in this order (the rest stay in the store and `receval judge --format json`). */
static const char *const shown[] = {
	"samples", "judged", "win_rate", "loss_rate", "tie_rate", "win_rate_adjusted", "p", "consistency_rate",
	"first_position_rate", "longer_preferred_rate", "judge_failure_rate", "judge_errors",
};

struct disagreements {
	struct strbuf *out;
	const char *task;
	size_t n, max;
};

static int add_disagreement(const struct judgment_sample *js, void *data)
{
	struct disagreements *d = data;

	if (strcmp(js->task, d->task))
		return 0;
	if (d->n++ >= d->max)
		return 0;
	strbuf_addstr(d->out, "<tr><td>");
	html_escape(d->out, js->sample_id);
	strbuf_addstr(d->out, "</td><td>");
	html_escape(d->out, js->verdict_ab);
	strbuf_addstr(d->out, " / ");
	html_escape(d->out, js->verdict_ba);
	strbuf_addstr(d->out, "</td><td><pre class=\"response\">");
	html_escape(d->out, js->answer_a);
	strbuf_addstr(d->out, "</pre></td><td><pre class=\"response\">");
	html_escape(d->out, js->answer_b);
	strbuf_addstr(d->out, "</pre></td></tr>\n");
	return 0;
}

int html_judgment(struct strbuf *out, struct store *s, const struct judgment_info *j)
{
	struct metric_row *rows = NULL;
	size_t n = 0, i, k, t0;
	int ret = 0;

	if (store_judgment_metrics(s, j->id, &rows, &n) < 0)
		return -1;
	strbuf_addf(out, "<h3>Run %lld against run %lld (judgment %lld)</h3>\n<p>Judge <code>", (long long)j->run_b,
		    (long long)j->run_a, (long long)j->id);
	html_escape(out, j->judge);
	strbuf_addstr(out, "</code>, asked in both orders; an order-dependent verdict is a tie (MT-Bench). "
			   "Rates are run B's against run A's.</p>\n");
	for (t0 = 0; t0 < n && !ret; t0 = i) {
		struct disagreements d = { out, rows[t0].task, 0, 10 };
		for (i = t0; i < n && !strcmp(rows[i].task, rows[t0].task); i++)
			;
		strbuf_addstr(out, "<h4>");
		html_escape(out, rows[t0].task);
		strbuf_addstr(out, "</h4>\n<div class=\"scroll\"><table>\n<thead><tr><th>figure</th><th>value</th></tr>"
				   "</thead>\n<tbody>\n");
		for (k = 0; k < ARRAY_SIZE(shown); k++) {
			size_t r;
			for (r = t0; r < i; r++)
				if (!strcmp(rows[r].metric, shown[k]))
					break;
			if (r == i)
				continue;
			strbuf_addf(out, "<tr><td>%s</td><td class=\"num\">", shown[k]);
			if (!strcmp(shown[k], "p"))
				html_p(out, rows[r].value);
			else if (!strcmp(shown[k], "samples") || !strcmp(shown[k], "judged") ||
				 !strcmp(shown[k], "judge_errors"))
				html_count(out, (int64_t)rows[r].value);
			else
				html_num(out, rows[r].value);
			html_ci(out, rows[r].ci_low, rows[r].ci_high);
			strbuf_addstr(out, "</td></tr>\n");
		}
		strbuf_addstr(out, "</tbody></table></div>\n");
		strbuf_addstr(out, "<p>Samples where the two orders disagree (verdicts as the judge wrote them: "
				   "A first, then B first):</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>sample</th>"
				   "<th>verdicts</th><th>run A's answer</th><th>run B's answer</th></tr></thead>\n<tbody>\n");
		if (store_judgment_disagreements(s, j->id, add_disagreement, &d) < 0)
			ret = -1;
		if (!d.n)
			strbuf_addstr(out, "<tr><td colspan=\"4\">none: the judge gave the same answer in both orders</td></tr>\n");
		strbuf_addstr(out, "</tbody></table></div>\n");
		if (d.n > d.max)
			strbuf_addf(out, "<p>%zu more in the store (judgment_samples).</p>\n", d.n - d.max);
	}
	metric_rows_free(rows, n);
	return ret;
}

int html_judgments(struct strbuf *out, struct store *s, const int64_t *runs, size_t n_runs)
{
	struct judgment_info *j = NULL;
	size_t n = 0, i, a, b, shown_n = 0;
	int ret = 0;

	if (store_list_judgments(s, &j, &n) < 0)
		return -1;
	/* the latest finished judgment of each ordered pair of the report's runs */
	for (i = n; i-- > 0 && !ret;) {
		int in_a = 0, in_b = 0, newer = 0;
		size_t k;
		if (strcmp(j[i].kind, "pairwise") || strcmp(j[i].status, "done"))
			continue;
		for (a = 0; a < n_runs; a++)
			in_a |= runs[a] == j[i].run_a;
		for (b = 0; b < n_runs; b++)
			in_b |= runs[b] == j[i].run_b;
		for (k = i + 1; k < n; k++)
			newer |= !strcmp(j[k].kind, "pairwise") && !strcmp(j[k].status, "done") &&
				 j[k].run_a == j[i].run_a && j[k].run_b == j[i].run_b;
		if (!in_a || !in_b || newer)
			continue;
		if (!shown_n++)
			strbuf_addstr(out, "<section id=\"judgments\">\n<h2>Judged pairwise</h2>\n");
		ret = html_judgment(out, s, &j[i]);
	}
	if (shown_n)
		strbuf_addstr(out, "</section>\n");
	for (i = 0; i < n; i++)
		judgment_info_release(&j[i]);
	free(j);
	return ret;
}
