/* gate.h: what `receval gate` prints and writes: the table of checks, JUnit XML, and (markdown.h) the Markdown summary. */
#ifndef REPORTS_GATE_H
#define REPORTS_GATE_H

#include "lib/strbuf.h"
#include "eval/store.h"
#include "eval/compare.h"
#include "eval/gate.h"

/* A checked gate, as every rendering of it needs it. Everything is borrowed. */
struct gate_report {
	const struct run_info *baseline, *candidate;
	const struct gate_result *result;
	const struct comparison *cmp;  /* the paired comparison of delta: rules, or NULL */
	const char *test;              /* the paired test's name: "t", "wilcoxon", "permutation" */
	double alpha;
	int significant;               /* --significant */
	double seconds;                /* how long the gate took (JUnit's time) */
};

/* The Holm family's size: compared (task, metric) rows with a p (0 without g->cmp). */
size_t gate_report_holm_family(const struct gate_report *g);

/*
 * The table of checks and the summary line, as stdout shows them: a
 * heading naming the two runs, a row per check (result, rule, task,
 * measured, threshold, p, p_holm, note) in aligned columns, and
 * "gate passed|failed|error: ...".
 */
void gate_report_table(struct strbuf *sb, const struct gate_report *g);

/*
 * The checks as a JUnit XML document (junit_add()): a test case per
 * check, named by its rule, in class "receval.gate.TASK"; the runs, test
 * and alpha as properties; table (gate_report_table()'s text, or NULL) as
 * system-out. The timestamp is now, the hostname this machine's.
 */
void gate_report_junit(struct strbuf *sb, const struct gate_report *g, const char *table);

#endif
