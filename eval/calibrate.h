/* calibrate.h: a judge measured against human labels: reading the labels, and agreement, kappa and bias figures. */
#ifndef CALIBRATE_H
#define CALIBRATE_H

#include "eval/judge.h"

/*
 * One human label: which of two answers to one question a person
 * preferred. Lines of LABELS.jsonl, either receval's form
 *   {"question", "answer_a", "answer_b", "winner": "a"|"b"|"tie"}
 * or MT-Bench's human judgments (lmsys/mt_bench_human_judgments, as JSON
 * lines): {"question_id", "model_a", "model_b", "winner": "model_a" |
 * "model_b" | "tie" | "tie (bothbad)", "judge", "turn": 1|2,
 * "conversation_a": [{"role": "user"|"assistant", "content"}, ...],
 * "conversation_b": [...]}; turn 2 shows the judge both turns.
 * Optional keys are ignored, as are other keys.
 */
struct label {
	long line;
	int winner;          /* PAIR_X (a), PAIR_Y (b), PAIR_TIE */
	size_t item;         /* index of the pair the judge is asked (items shared by repeated labels) */
	size_t group;        /* labels of the same question and answers, either way round, share a group */
	int flipped;         /* the group's order is this label's b, a */
};

struct labels {
	char *path;
	struct label *v;
	size_t n;
	struct judge_item *items;     /* distinct pairs; strings owned by the struct */
	size_t n_items;
	char **strings;               /* what the items point into */
	size_t n_strings, alloc_strings;
};

/*
 * Read path into out (zeroed by the caller). A line that is not JSON,
 * lacks a field, or has another winner fails with
 * "receval: FILE:LINE: what" (-1; the caller exits 3); an empty file
 * too. Blank lines are skipped.
 */
int labels_load(struct labels *out, const char *path);
void labels_release(struct labels *l);

/*
 * The judge against the humans, once judge_items() has filled out->items:
 *   labels, items, judged      counts (judged: items whose two verdicts were read)
 *   agreement                  labels where the judge's outcome (pair_outcome: an
 *                              order-dependent verdict is a tie) equals the human's / labels judged
 *   agreement_no_ties          the same over labels where neither is a tie (MT-Bench's "w/o tie")
 *   kappa                      Cohen's kappa of judge and human over a, b, tie
 *   consistency_rate, first_position_rate, longer_preferred_rate, judge_failure_rate
 *                              of the judge, over the distinct items (pair_figures)
 *   human_longer_preferred_rate  human labels choosing the longer answer / decisive
 *                              labels between answers of different lengths
 *   human_agreement, human_agreement_no_ties, human_pairs
 *                              over every two labels of one group: share that agree
 *                              (NAN, and 0 pairs, when no label repeats)
 */
struct calibration {
	size_t labels, items, judged, human_pairs;
	double agreement, agreement_no_ties, kappa;
	double consistency_rate, first_position_rate, longer_preferred_rate, judge_failure_rate;
	double human_longer_preferred_rate, human_agreement, human_agreement_no_ties;
};

void calibrate(struct calibration *out, const struct labels *l);

#endif
