/* gate.h: the rules of `receval gate`: parsing "[delta:][TASK.]METRIC OP NUMBER" and checking them against two runs. */
#ifndef GATE_H
#define GATE_H

#include "eval/store.h"
#include "eval/compare.h"
#include "lib/strbuf.h"

enum gate_op {
	GATE_GE,  /* >= */
	GATE_LE,  /* <= */
	GATE_GT,  /* >  */
	GATE_LT,  /* <  */
};

/* ">=", "<=", ">", "<". */
const char *gate_op_name(enum gate_op op);
/* Whether value OP threshold holds; never when value is NaN. */
int gate_op_holds(enum gate_op op, double value, double threshold);

/*
 * One rule as typed after --rule:
 *
 *   [delta:][TASK.]METRIC OP NUMBER      OP: >=  <=  >  <
 *
 * "ndcg@10>=0.30" bounds the candidate's mean; "delta:ndcg@10>=-0.01"
 * bounds candidate - baseline. TASK.METRIC splits at the last '.' (metric
 * names have none); without a task the rule applies to every task of the
 * candidate that has the metric. Spaces around the operator are allowed.
 */
struct gate_rule {
	char *text;        /* the rule, trimmed of surrounding spaces */
	int relative;      /* "delta:" */
	char *task;        /* NULL: every task that has the metric */
	char *metric;
	char *select;      /* "[TASK.]METRIC": a compare_options.select entry */
	enum gate_op op;
	double threshold;
	char *threshold_text;  /* the number as typed, for messages */
};

/*
 * Parse text into *out (filled from scratch). Returns 0, or -1 with the
 * reason appended to err (without the rule's text: the caller adds it).
 * Release with gate_rule_release(), also after a failure.
 */
int gate_rule_parse(struct gate_rule *out, const char *text, struct strbuf *err);
void gate_rule_release(struct gate_rule *r);

enum gate_status {
	GATE_PASS,
	GATE_FAIL,
	GATE_ERROR,  /* the rule could not be checked: its metric or task does not exist */
};

/* One rule on one task: the unit that passes or fails (a JUnit test case). */
struct gate_check {
	const struct gate_rule *rule;  /* borrowed */
	const char *task;              /* borrowed; for an error, the rule's task or NULL */
	int64_t judgment;              /* the judgment whose figure this checks, or 0: the candidate run's own */
	enum gate_status status;
	double value;                  /* absolute: the candidate's mean; relative: the delta */
	double ci_low, ci_high;        /* value's 95% interval; NAN when there is none */
	double mean_base, mean_cand;   /* relative: the two means the delta compares; NAN otherwise */
	double p, p_holm;              /* relative with a paired test; NAN otherwise */
	size_t n;                      /* samples behind value (pairs for a delta) */
	int holds;                     /* value OP threshold */
	int tested;                    /* relative, and a paired test ran (per-sample values) */
	char *note;                    /* why the status is what it is, when that is not plain; or NULL */
};

struct gate_input {
	int64_t base_id, cand_id;                        /* for messages */
	const struct metric_row *cand; size_t n_cand;    /* the candidate's run_metrics */
	const struct metric_row *base; size_t n_base;    /* the baseline's run_metrics */
	/*
	 * The figures of judgment_id, the latest judgment of the candidate
	 * against the baseline (receval judge BASE CAND), or none: absolute
	 * rules check them as the candidate's; they compare the two runs
	 * already, so a delta: rule has nothing to subtract from them.
	 */
	const struct metric_row *judged; size_t n_judged;
	int64_t judgment_id;
	/*
	 * Baseline (A) against candidate (B), compare_runs() with
	 * opts.select the relative rules' select strings, so that its Holm
	 * family is exactly the (task, metric) rows the relative rules check.
	 * NULL when no rule is relative.
	 */
	const struct comparison *cmp;
	int significant;   /* --significant */
	double alpha;
};

struct gate_result {
	struct gate_check *checks;  /* rule order, then the candidate's task order */
	size_t n;
	size_t passed, failed, errors;
};

/*
 * Check every rule: expand each over its tasks and decide each check.
 *
 * Absolute: value = the candidate's aggregate (run_metrics); PASS when
 * value OP threshold holds.
 *
 * Relative: value = delta of the paired comparison (mean over the samples
 * both runs scored), with its bootstrap interval, p and Holm-adjusted p.
 * PASS when delta OP threshold holds; with in->significant, a violated
 * threshold still passes unless p_holm < alpha (the difference is
 * significant after Holm over the relative checks). Metrics without
 * per-sample values (coverage@k, gini@k, entropy@k) compare the two
 * aggregates, with no interval and no test: --significant cannot excuse them.
 *
 * Judgment figures (in->judged) join the candidate's for absolute rules;
 * a delta: rule skips them, and one that only they match becomes a
 * GATE_ERROR saying the figure has no delta (write the rule without it).
 *
 * A NaN value never passes. A rule whose metric is in no task of the
 * candidate (or whose task lacks it), or a relative check whose metric the
 * baseline lacks, becomes one GATE_ERROR check with a note saying why.
 * Fills *out from scratch; release with gate_result_release(). Returns 0.
 */
int gate_evaluate(struct gate_result *out, const struct gate_rule *rules, size_t n_rules,
		  const struct gate_input *in);
void gate_result_release(struct gate_result *r);

/* Formatting shared by the terminal table, JUnit and Markdown (appended to sb). */
/* "0.0493 [0.0330, 0.0660]", "-0.1780 [-0.2010, -0.1540]", "-" for NaN. */
void gate_format_value(struct strbuf *sb, const struct gate_check *c);
/* ">= 0.30" (the threshold as typed). */
void gate_format_threshold(struct strbuf *sb, const struct gate_check *c);
/* "0.0012", "3.1e-40", "-" for NaN. */
void gate_format_p(struct strbuf *sb, double p);
/* c's task as reports show it: "ranking", "explanation (judgment 3)", or nothing when it has none. */
void gate_format_task(struct strbuf *sb, const struct gate_check *c);
/*
 * One sentence for a JUnit failure message: what was measured, its value,
 * the threshold and the p-values (or why there are none), and the note.
 */
void gate_format_message(struct strbuf *sb, const struct gate_check *c);

#endif
