/* gate_session.h: `receval gate` against two stored runs: its rules parsed, the runs' figures loaded and compared, every check decided. */
#ifndef GATE_SESSION_H
#define GATE_SESSION_H

#include "eval/store.h"
#include "eval/compare.h"
#include "eval/gate.h"

/*
 * One gate. Zero it, parse its rules, fill base and cand (store_get_run(),
 * or runarg_get_latest()), then gate_session_check(). Everything in it is
 * owned by it: release with gate_session_release(), at any point. Do not
 * copy it once checked (cmp points at base and cand).
 */
struct gate_session {
	struct gate_rule *rules;
	size_t n_rules;
	const char **selects;          /* the delta: rules' select strings: the Holm family */
	size_t n_selects;
	struct run_info base, cand;
	struct metric_row *base_rows, *cand_rows;
	size_t n_base, n_cand;
	struct metric_row *judged_rows;   /* the figures of judgment_id, the latest of cand against base */
	size_t n_judged;
	int64_t judgment_id;
	struct run_sample_metrics mb, mc;
	struct comparison cmp;         /* baseline against candidate, when a rule is delta: */
	int have_cmp;
	struct gate_result result;     /* after gate_session_check() */
	int have_result;
};

/*
 * Parse texts[0..n) as rules (gate_rule_parse()) into s. 0, or -1 after
 * printing "rule 'TEXT': why" for the first malformed one (a usage error).
 */
int gate_session_parse_rules(struct gate_session *s, const char *const *texts, size_t n);

/*
 * Check s's rules against s->cand, and the delta: rules against s->base
 * as well: load both runs' aggregates, compare their samples (copts, with
 * select set to the delta: rules' metrics, so that they alone make the
 * Holm family) when a rule is relative, and decide every check into
 * s->result (gate_evaluate()). What the comparison leaves out, a run that
 * is not "done", and each check that cannot be run are said on stderr.
 *
 * Returns 1 (checked: s->result holds the verdict), 0 when delta: rules
 * cannot be checked because the runs share no sample (printed: bad input),
 * or -1 when the store cannot be read (printed).
 */
int gate_session_check(struct gate_session *s, struct store *store, const struct compare_options *copts,
		       int significant);

void gate_session_release(struct gate_session *s);

#endif
