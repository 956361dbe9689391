/* gate.c: parses the rules of `receval gate` and checks them against a baseline and a candidate run. */
#include "eval/gate.h"
#include "eval/rowfind.h"

static const char *const op_names[] = {
	[GATE_GE] = ">=",
	[GATE_LE] = "<=",
	[GATE_GT] = ">",
	[GATE_LT] = "<",
};

/* The characters an operator is made of: a run of them is one operator, so "=>" is an error, not "=" then ">". */
static const char op_chars[] = "<>=!";

const char *gate_op_name(enum gate_op op)
{
	return (size_t)op < ARRAY_SIZE(op_names) ? op_names[op] : "?";
}

int gate_op_holds(enum gate_op op, double value, double threshold)
{
	if (isnan(value))
		return 0;
	switch (op) {
	case GATE_GE:
		return value >= threshold;
	case GATE_LE:
		return value <= threshold;
	case GATE_GT:
		return value > threshold;
	case GATE_LT:
		return value < threshold;
	}
	return 0;
}

/* [s, *end) without the spaces at either end. */
static const char *trim(const char *s, const char **end)
{
	while (s < *end && isspace((unsigned char)*s))
		s++;
	while (*end > s && isspace((unsigned char)(*end)[-1]))
		(*end)--;
	return s;
}

int gate_rule_parse(struct gate_rule *out, const char *text, struct strbuf *err)
{
	const char *s, *end, *op, *lhs, *lhs_end, *rhs, *rhs_end, *dot, *p;
	size_t op_len;

	memset(out, 0, sizeof(*out));
	s = text ? text : "";
	end = s + strlen(s);
	s = trim(s, &end);
	out->text = xstrndup(s, (size_t)(end - s));
	s = out->text;
	end = s + strlen(s);
	if (!*s) {
		strbuf_addstr(err, "empty rule (expected [delta:][TASK.]METRIC OP NUMBER, OP one of >= <= > <)");
		return -1;
	}
	if (!strncmp(s, "delta:", 6)) {
		out->relative = 1;
		s += 6;
	}

	op = s + strcspn(s, op_chars);
	if (!*op) {
		strbuf_addstr(err, "no comparison operator (>=, <=, >, <)");
		return -1;
	}
	op_len = strspn(op, op_chars);
	if (op_len == 2 && op[0] == '>' && op[1] == '=')
		out->op = GATE_GE;
	else if (op_len == 2 && op[0] == '<' && op[1] == '=')
		out->op = GATE_LE;
	else if (op_len == 1 && op[0] == '>')
		out->op = GATE_GT;
	else if (op_len == 1 && op[0] == '<')
		out->op = GATE_LT;
	else {
		strbuf_addf(err, "unknown operator '%.*s' (>=, <=, >, <)", (int)op_len, op);
		return -1;
	}

	lhs_end = op;
	lhs = trim(s, &lhs_end);
	rhs_end = end;
	rhs = trim(op + op_len, &rhs_end);
	if (lhs == lhs_end) {
		strbuf_addf(err, "no metric before '%s'", op_names[out->op]);
		return -1;
	}
	for (p = lhs; p < lhs_end; p++) {
		if (*p == ':') {
			strbuf_addf(err, "unknown prefix '%.*s' (the only prefix is 'delta:')",
				    (int)(p - lhs + 1), lhs);
			return -1;
		}
		if (isspace((unsigned char)*p)) {
			strbuf_addf(err, "space inside the metric '%.*s'", (int)(lhs_end - lhs), lhs);
			return -1;
		}
	}
	for (dot = NULL, p = lhs; p < lhs_end; p++)
		if (*p == '.')
			dot = p;
	if (dot == lhs) {
		strbuf_addf(err, "no task before '.' in '%.*s'", (int)(lhs_end - lhs), lhs);
		return -1;
	}
	if (dot && dot + 1 == lhs_end) {
		strbuf_addf(err, "no metric after '%.*s'", (int)(lhs_end - lhs), lhs);
		return -1;
	}
	if (rhs == rhs_end) {
		strbuf_addf(err, "no threshold after '%s'", op_names[out->op]);
		return -1;
	}
	out->threshold_text = xstrndup(rhs, (size_t)(rhs_end - rhs));
	if (parse_double(out->threshold_text, &out->threshold) < 0) {
		strbuf_addf(err, "threshold '%s' is not a number", out->threshold_text);
		return -1;
	}
	out->select = xstrndup(lhs, (size_t)(lhs_end - lhs));
	if (dot) {
		out->task = xstrndup(lhs, (size_t)(dot - lhs));
		out->metric = xstrndup(dot + 1, (size_t)(lhs_end - dot - 1));
	} else {
		out->metric = xstrndup(lhs, (size_t)(lhs_end - lhs));
	}
	return 0;
}

void gate_rule_release(struct gate_rule *r)
{
	free(r->text);
	free(r->task);
	free(r->metric);
	free(r->select);
	free(r->threshold_text);
	memset(r, 0, sizeof(*r));
}

/* --- evaluation ------------------------------------------------------- */

static struct gate_check *add_check(struct gate_result *r, size_t *alloc, const struct gate_rule *rule,
				    const char *task)
{
	struct gate_check *c;

	ALLOC_GROW(r->checks, r->n + 1, *alloc);
	c = &r->checks[r->n++];
	memset(c, 0, sizeof(*c));
	c->rule = rule;
	c->task = task;
	c->value = c->ci_low = c->ci_high = NAN;
	c->mean_base = c->mean_cand = NAN;
	c->p = c->p_holm = NAN;
	return c;
}

static void check_absolute(struct gate_check *c, const struct metric_row *row)
{
	c->value = row->value;
	c->ci_low = row->ci_low;
	c->ci_high = row->ci_high;
	c->n = row->n > 0 ? (size_t)row->n : 0;
	c->holds = gate_op_holds(c->rule->op, c->value, c->rule->threshold);
	c->status = c->holds ? GATE_PASS : GATE_FAIL;
	if (isnan(c->value))
		c->note = xstrdup("the candidate's value is undefined");
}

/* Returns -1 when the baseline lacks the metric (the check becomes an error). */
static int check_relative(struct gate_check *c, const struct metric_row *row, const struct gate_input *in)
{
	const struct compare_row *cr = compare_row_find(in->cmp, row->task, row->metric);

	if (cr) {
		c->value = cr->delta;
		c->ci_low = cr->ci_low;
		c->ci_high = cr->ci_high;
		c->mean_base = cr->mean_a;
		c->mean_cand = cr->mean_b;
		c->p = cr->p;
		c->p_holm = cr->p_holm;
		c->n = cr->n;
		c->tested = 1;
	} else {
		/* a run-level figure (coverage, gini, entropy): no samples to pair, no test */
		const struct metric_row *br = metric_row_find(in->base, in->n_base, row->task, row->metric);

		if (!br) {
			c->status = GATE_ERROR;
			c->note = xstrfmt("baseline run %lld has no metric '%s' in task '%s'",
					  (long long)in->base_id, row->metric, row->task);
			return -1;
		}
		c->value = row->value - br->value;
		c->mean_base = br->value;
		c->mean_cand = row->value;
		c->n = row->n > 0 ? (size_t)row->n : 0;
	}
	c->holds = gate_op_holds(c->rule->op, c->value, c->rule->threshold);
	if (c->holds) {
		c->status = GATE_PASS;
		if (!c->tested)
			c->note = xstrdup("no per-sample values: the aggregates are compared, without a test");
	} else if (isnan(c->value)) {
		c->status = GATE_FAIL;
		c->note = xstrdup(c->tested ? "no sample has a value in both runs" : "a value is undefined");
	} else if (!in->significant) {
		c->status = GATE_FAIL;
		if (!c->tested)
			c->note = xstrdup("no per-sample values: the aggregates are compared, without a test");
	} else if (!c->tested) {
		c->status = GATE_FAIL;
		c->note = xstrdup("no per-sample values, so no test: judged on the threshold alone");
	} else if (!isnan(c->p_holm) && c->p_holm < in->alpha) {
		c->status = GATE_FAIL;
		c->note = xstrfmt("violated and significant (p_holm %.3g < alpha %g)", c->p_holm, in->alpha);
	} else {
		c->status = GATE_PASS;
		if (isnan(c->p_holm))
			c->note = xstrdup("violated but not significant (no sample differs)");
		else
			c->note = xstrfmt("violated but not significant (p_holm %.3g >= alpha %g)", c->p_holm,
					  in->alpha);
	}
	return 0;
}

int gate_evaluate(struct gate_result *out, const struct gate_rule *rules, size_t n_rules,
		  const struct gate_input *in)
{
	size_t alloc = 0, r, i;

	memset(out, 0, sizeof(*out));
	for (r = 0; r < n_rules; r++) {
		const struct gate_rule *rule = &rules[r];
		const struct metric_row *judged = NULL;
		size_t matched = 0;
		int task_seen = 0;

		for (i = 0; i < in->n_cand; i++) {
			const struct metric_row *row = &in->cand[i];
			struct gate_check *c;

			if (rule->task && strcmp(row->task, rule->task))
				continue;
			task_seen = 1;
			if (strcmp(row->metric, rule->metric))
				continue;
			matched++;
			c = add_check(out, &alloc, rule, row->task);
			if (rule->relative)
				check_relative(c, row, in);
			else
				check_absolute(c, row);
		}
		for (i = 0; i < in->n_judged; i++) {
			const struct metric_row *row = &in->judged[i];
			struct gate_check *c;

			if (rule->task && strcmp(row->task, rule->task))
				continue;
			task_seen = 1;
			if (strcmp(row->metric, rule->metric))
				continue;
			if (rule->relative) {
				/* B judged against A: a comparison already, there is no baseline value to subtract */
				judged = row;
				continue;
			}
			matched++;
			c = add_check(out, &alloc, rule, row->task);
			/* judge_failure_rate can be both the run's figure and the judgment's: say which */
			c->judgment = in->judgment_id;
			check_absolute(c, row);
		}
		if (!matched) {
			struct gate_check *c = add_check(out, &alloc, rule, judged ? judged->task : rule->task);

			c->status = GATE_ERROR;
			if (judged)
				c->note = xstrfmt("'%s' of task '%s' is a figure of judgment %lld, candidate run %lld judged "
						  "against baseline run %lld: it compares the two runs already, so it has no "
						  "delta; write the rule without 'delta:' ('%s')", rule->metric, judged->task,
						  (long long)in->judgment_id, (long long)in->cand_id, (long long)in->base_id,
						  rule->text + strlen("delta:"));
			else if (rule->task && !task_seen)
				c->note = xstrfmt("candidate run %lld has no task '%s'", (long long)in->cand_id,
						  rule->task);
			else if (rule->task)
				c->note = xstrfmt("candidate run %lld has no metric '%s' in task '%s'",
						  (long long)in->cand_id, rule->metric, rule->task);
			else
				c->note = xstrfmt("candidate run %lld has no metric '%s' in any task",
						  (long long)in->cand_id, rule->metric);
		}
	}
	for (i = 0; i < out->n; i++) {
		if (out->checks[i].status == GATE_PASS)
			out->passed++;
		else if (out->checks[i].status == GATE_FAIL)
			out->failed++;
		else
			out->errors++;
	}
	return 0;
}

void gate_result_release(struct gate_result *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->checks[i].note);
	free(r->checks);
	memset(r, 0, sizeof(*r));
}

/* --- formatting ------------------------------------------------------- */

/* Four decimals for the usual 0..1 figures; significant digits for the very small and the very large. */
static void add_number(struct strbuf *sb, double v, int sign)
{
	double a = fabs(v);

	if ((a != 0 && a < 1e-3) || a >= 1e6)
		strbuf_addf(sb, sign ? "%+.3g" : "%.3g", v);
	else
		strbuf_addf(sb, sign ? "%+.4f" : "%.4f", v);
}

void gate_format_value(struct strbuf *sb, const struct gate_check *c)
{
	if (isnan(c->value)) {
		strbuf_addch(sb, '-');
		return;
	}
	add_number(sb, c->value, c->rule->relative);
	if (!isnan(c->ci_low) && !isnan(c->ci_high)) {
		strbuf_addstr(sb, " [");
		add_number(sb, c->ci_low, 0);
		strbuf_addstr(sb, ", ");
		add_number(sb, c->ci_high, 0);
		strbuf_addch(sb, ']');
	}
}

void gate_format_threshold(struct strbuf *sb, const struct gate_check *c)
{
	strbuf_addf(sb, "%s %s", gate_op_name(c->rule->op),
		    c->rule->threshold_text ? c->rule->threshold_text : "?");
}

void gate_format_p(struct strbuf *sb, double p)
{
	if (isnan(p))
		strbuf_addch(sb, '-');
	else if (p < 1e-16)
		strbuf_addstr(sb, "< 1e-16");  /* below a double's resolution near 1: 0 is no figure to print */
	else if (p < 1e-4)
		strbuf_addf(sb, "%.1e", p);
	else
		strbuf_addf(sb, "%.4f", p);
}

void gate_format_task(struct strbuf *sb, const struct gate_check *c)
{
	if (c->task)
		strbuf_addstr(sb, c->task);
	if (c->task && c->judgment)
		strbuf_addf(sb, " (judgment %lld)", (long long)c->judgment);
}

void gate_format_message(struct strbuf *sb, const struct gate_check *c)
{
	const struct gate_rule *r = c->rule;

	if (c->status == GATE_ERROR) {
		strbuf_addf(sb, "cannot check '%s': %s", r->text, c->note ? c->note : "unknown metric");
		return;
	}
	if (r->relative) {
		strbuf_addf(sb, "%s %s: delta (candidate - baseline) = ", c->task, r->metric);
		gate_format_value(sb, c);
		if (!isnan(c->mean_base) || !isnan(c->mean_cand)) {
			strbuf_addstr(sb, " (baseline ");
			add_number(sb, c->mean_base, 0);
			strbuf_addstr(sb, ", candidate ");
			add_number(sb, c->mean_cand, 0);
			strbuf_addf(sb, ", %zu %s)", c->n, c->tested ? "pairs" : "samples");
		}
	} else {
		strbuf_addf(sb, "%s %s", c->task, r->metric);
		if (c->judgment)
			strbuf_addf(sb, " of judgment %lld", (long long)c->judgment);
		strbuf_addstr(sb, " = ");
		gate_format_value(sb, c);
		strbuf_addf(sb, " (%zu samples)", c->n);
	}
	strbuf_addstr(sb, "; threshold ");
	gate_format_threshold(sb, c);
	if (!r->relative) {
		strbuf_addstr(sb, "; no p-value (an absolute rule)");
	} else if (!c->tested) {
		strbuf_addstr(sb, "; no p-value");
	} else {
		strbuf_addstr(sb, "; p = ");
		gate_format_p(sb, c->p);
		strbuf_addstr(sb, ", p_holm = ");
		gate_format_p(sb, c->p_holm);
	}
	if (c->note)
		strbuf_addf(sb, "; %s", c->note);
}
