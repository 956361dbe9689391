/* markdown.c: the Markdown summary of `receval gate --markdown`, with every cell escaped. */
#include "reports/markdown.h"

void md_text(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r')
			strbuf_addch(sb, ' ');
		else if (strchr("\\`*_[]<>#~&!|", *s))
			strbuf_addf(sb, "\\%c", *s);
		else
			strbuf_addch(sb, *s);
	}
}

void md_code(struct strbuf *sb, const char *s)
{
	size_t run = 0, longest = 0, i, len;
	const char *p;
	int pad;

	if (!s || !*s)
		return;
	for (p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	len = strlen(s);
	/*
	 * A span that starts or ends with a backtick needs a space between it
	 * and the fence; CommonMark strips one space from each end only when
	 * both have one, so pad both.
	 */
	pad = s[0] == '`' || s[0] == ' ' || s[len - 1] == '`' || s[len - 1] == ' ';
	for (i = 0; i <= longest; i++)
		strbuf_addch(sb, '`');
	if (pad)
		strbuf_addch(sb, ' ');
	for (p = s; *p; p++) {
		if (*p == '|')
			strbuf_addstr(sb, "\\|");
		else if (*p == '\n' || *p == '\r')
			strbuf_addch(sb, ' ');
		else
			strbuf_addch(sb, *p);
	}
	if (pad)
		strbuf_addch(sb, ' ');
	for (i = 0; i <= longest; i++)
		strbuf_addch(sb, '`');
}

static void run_row(struct strbuf *sb, const char *role, const struct run_info *r)
{
	strbuf_addf(sb, "| %s | %lld | ", role, (long long)r->id);
	md_code(sb, r->model);
	strbuf_addstr(sb, " | ");
	md_text(sb, r->suite);
	strbuf_addstr(sb, " | ");
	md_text(sb, r->status);
	strbuf_addf(sb, " | %lld |\n", (long long)r->samples);
}

static const char *status_mark(enum gate_status s)
{
	return s == GATE_PASS ? "\xe2\x9c\x85" : s == GATE_FAIL ? "\xe2\x9d\x8c" : "\xe2\x9a\xa0\xef\xb8\x8f";
}

static const char *test_title(const char *test)
{
	if (!strcmp(test, "t"))
		return "paired t-test";
	if (!strcmp(test, "wilcoxon"))
		return "Wilcoxon signed-rank test";
	if (!strcmp(test, "permutation"))
		return "paired permutation test";
	return test;
}

void markdown_gate(struct strbuf *sb, const struct gate_report *g)
{
	const struct gate_result *r = g->result;
	size_t holm_family = gate_report_holm_family(g);
	struct strbuf cell = STRBUF_INIT;
	size_t i;

	if (r->errors)
		strbuf_addf(sb, "### receval gate: %s error: %zu of %zu checks cannot be run\n\n",
			    status_mark(GATE_ERROR), r->errors, r->n);
	else if (r->failed)
		strbuf_addf(sb, "### receval gate: %s failed: %zu of %zu checks failed\n\n",
			    status_mark(GATE_FAIL), r->failed, r->n);
	else
		strbuf_addf(sb, "### receval gate: %s passed: %zu of %zu checks hold\n\n",
			    status_mark(GATE_PASS), r->passed, r->n);

	strbuf_addstr(sb, "| | run | model | suite | status | samples |\n"
			  "| --- | --: | --- | --- | --- | --: |\n");
	run_row(sb, "baseline", g->baseline);
	run_row(sb, "candidate", g->candidate);

	strbuf_addstr(sb, "\n| | rule | task | measured | threshold | p | p (Holm) | note |\n"
			  "| :-: | --- | --- | --- | --- | --: | --: | --- |\n");
	for (i = 0; i < r->n; i++) {
		const struct gate_check *c = &r->checks[i];

		strbuf_addf(sb, "| %s | ", status_mark(c->status));
		md_code(sb, c->rule->text);
		strbuf_addstr(sb, " | ");
		strbuf_reset(&cell);
		gate_format_task(&cell, c);
		md_text(sb, cell.buf);
		strbuf_addstr(sb, " | ");
		strbuf_reset(&cell);
		if (c->status != GATE_ERROR)
			gate_format_value(&cell, c);
		md_text(sb, cell.buf);
		strbuf_addstr(sb, " | ");
		strbuf_reset(&cell);
		gate_format_threshold(&cell, c);
		md_code(sb, cell.buf);
		strbuf_addstr(sb, " | ");
		if (c->tested) {
			strbuf_reset(&cell);
			gate_format_p(&cell, c->p);
			md_text(sb, cell.buf);
			strbuf_addstr(sb, " | ");
			strbuf_reset(&cell);
			gate_format_p(&cell, c->p_holm);
			md_text(sb, cell.buf);
			strbuf_addstr(sb, " | ");
		} else {
			strbuf_addstr(sb, " | | ");
		}
		md_text(sb, c->note ? c->note : "");
		strbuf_addstr(sb, " |\n");
	}
	strbuf_addstr(sb, "\nAbsolute rules bound the candidate's mean; `delta:` rules bound candidate \xe2\x88\x92 baseline"
			  " over the samples both runs scored, with a 95% paired bootstrap interval");
	if (holm_family)
		strbuf_addf(sb, ", p from the %s, Holm-adjusted over the %zu compared rows the rules check",
			    test_title(g->test), holm_family);
	strbuf_addstr(sb, ".");
	if (g->significant)
		strbuf_addf(sb, " With `--significant`, a violated `delta:` rule fails only when"
			    " its Holm-adjusted p < %g.", g->alpha);
	strbuf_addstr(sb, "\n");
	strbuf_release(&cell);
}
