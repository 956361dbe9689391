/* gate.c: `receval gate`'s table of checks and its JUnit XML (the Markdown summary is in markdown.c). */
#include "reports/gate.h"
#include "reports/junit.h"

size_t gate_report_holm_family(const struct gate_report *g)
{
	size_t i, n = 0;

	for (i = 0; g->cmp && i < g->cmp->n_rows; i++)
		n += !isnan(g->cmp->rows[i].p);
	return n;
}

static const char *status_name(enum gate_status s)
{
	return s == GATE_PASS ? "PASS" : s == GATE_FAIL ? "FAIL" : "ERROR";
}

/* ": ERROR 'nope@10>=0.3'; FAIL 'ndcg@10>=0.3' (ranking)" and a newline: every check that did not pass, so the verdict line names them all. */
static void add_failing(struct strbuf *sb, const struct gate_result *r)
{
	size_t i, k = 0;

	for (i = 0; i < r->n; i++) {
		const struct gate_check *c = &r->checks[i];
		if (c->status == GATE_PASS)
			continue;
		strbuf_addf(sb, "%s%s '%s'", k++ ? "; " : ": ", status_name(c->status), c->rule->text);
		if (c->task) {
			strbuf_addstr(sb, " (");
			gate_format_task(sb, c);
			strbuf_addch(sb, ')');
		}
	}
	strbuf_addch(sb, '\n');
}

void gate_report_table(struct strbuf *sb, const struct gate_report *g)
{
	enum { C_STATUS, C_RULE, C_TASK, C_VALUE, C_THRESHOLD, C_P, C_HOLM, C_NOTE, N_COLS };
	static const char *const head[N_COLS] = { "result", "rule", "task", "measured", "threshold",
						  "p", "p_holm", "note" };
	const struct gate_result *r = g->result;
	const struct run_info *base = g->baseline, *cand = g->candidate;
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
		if (c->task)
			gate_format_task(&row[C_TASK], c);
		else
			strbuf_addch(&row[C_TASK], '-');
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
	if (r->errors) {
		strbuf_addf(sb, "\ngate error: %zu of %zu checks cannot be run (a task or metric does not exist)",
			    r->errors, r->n);
		if (r->failed)
			strbuf_addf(sb, ", %zu failed", r->failed);
		add_failing(sb, r);
	} else if (r->failed) {
		strbuf_addf(sb, "\ngate failed: %zu of %zu checks failed", r->failed, r->n);
		add_failing(sb, r);
	} else {
		strbuf_addf(sb, "\ngate passed: %zu of %zu checks hold\n", r->passed, r->n);
	}

	for (i = 0; i < (r->n + 1) * N_COLS; i++)
		strbuf_release(&cells[i]);
	free(cells);
}

void gate_report_junit(struct strbuf *sb, const struct gate_report *g, const char *table)
{
	const struct gate_result *r = g->result;
	const struct run_info *base = g->baseline, *cand = g->candidate;
	struct junit_case *cases = xcalloc(r->n + 1, sizeof(*cases));
	char **names = xcalloc(r->n + 1, sizeof(*names));
	char **messages = xcalloc(r->n + 1, sizeof(*messages));
	char **details = xcalloc(r->n + 1, sizeof(*details));
	char *base_id = xstrfmt("%lld", (long long)base->id), *cand_id = xstrfmt("%lld", (long long)cand->id);
	char *alpha_s = xstrfmt("%g", g->alpha), stamp[32], host[256];
	struct junit_property props[] = {
		{ "baseline", base_id },
		{ "baseline_model", base->model },
		{ "candidate", cand_id },
		{ "candidate_model", cand->model },
		{ "suite", cand->suite },
		{ "test", g->test },
		{ "alpha", alpha_s },
		{ "significant", g->significant ? "true" : "false" },
		{ "receval_version", receval_version },
	};
	struct junit_suite suite = { 0 };
	size_t i, len;

	for (i = 0; i < r->n; i++) {
		const struct gate_check *c = &r->checks[i];
		struct strbuf msg = STRBUF_INIT;

		/* a judgment's figure is its own test case, apart from the run's figure of the same name */
		names[i] = c->task ? xstrfmt("receval.gate.%s%s", c->task, c->judgment ? ".judgment" : "") :
				     xstrdup("receval.gate");
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
	suite.time = g->seconds;
	suite.props = props;
	suite.n_props = ARRAY_SIZE(props);
	suite.cases = cases;
	suite.n_cases = r->n;
	suite.system_out = table;
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
