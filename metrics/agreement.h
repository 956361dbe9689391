/* agreement.h: figures of pairwise judgments: outcomes in both orders, win rates, the sign test, Cohen's kappa. Pure functions. */
#ifndef AGREEMENT_H
#define AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

/* Which of two answers x and y won, from whoever judged. */
enum pair_outcome {
	PAIR_X,        /* x is better */
	PAIR_Y,        /* y is better */
	PAIR_TIE,
	PAIR__COUNT,
};

/*
 * One comparison of x against y, asked in both orders: first with x shown
 * first (first_xy), then with y shown first (first_yx). Each verdict is 0
 * (the answer shown first won), 1 (the one shown second) or 2 (a tie), or
 * -1 when it could not be read. len_x and len_y are the answers' lengths
 * (words), for length bias.
 */
struct pair_judgment {
	int first_xy, first_yx;
	size_t len_x, len_y;
};

/*
 * The verdict of a judgment as MT-Bench counts it: when the two orders
 * agree, their winner; when they disagree, a tie. -1 when either order
 * could not be read.
 */
int pair_outcome(const struct pair_judgment *j);

/*
 * What a set of judgments says (DESIGN.md "Judges"), y against x:
 *   samples            judgments
 *   judged             judgments whose two verdicts were both read
 *   judge_failure_rate (samples - judged) / samples: such a judgment counts in no other rate
 *   win_rate, loss_rate, tie_rate   outcomes (pair_outcome) over judged
 *   win_rate_adjusted  (wins + ties / 2) / judged
 *   consistency_rate   judged whose two orders agree / judged
 *   first_position_rate  decisive verdicts (of both orders) that chose the answer shown first
 *                      / decisive verdicts: 0.5 is no position bias
 *   longer_preferred_rate  decisive verdicts that chose the longer answer / decisive
 *                      verdicts between answers of different lengths (AlpacaEval's length bias)
 *   p                  two-sided sign test of wins against losses (pair_sign_test); NAN
 *                      when there is neither (nothing judged, or only ties): nothing to test
 * Rates with nothing to count are NAN.
 */
struct pair_figures {
	size_t samples, judged, wins, losses, ties, consistent;
	double judge_failure_rate, win_rate, loss_rate, tie_rate, win_rate_adjusted;
	double consistency_rate, first_position_rate, longer_preferred_rate, p;
};

void pair_figures(struct pair_figures *out, const struct pair_judgment *j, size_t n);

/*
 * Two-sided exact sign test: the probability, under Binomial(n = wins +
 * losses, 1/2), of a split at least as uneven as the one seen,
 * min(1, 2 P(X <= min(wins, losses))). Ties are left out. NAN when n is
 * 0: no outcome to test (SciPy's binomtest refuses n = 0), not "no
 * difference", which 1 would claim.
 */
double pair_sign_test(size_t wins, size_t losses);

/*
 * Cohen's kappa of two raters over n items and k categories (labels
 * 0..k-1): (p_o - p_e) / (1 - p_e), p_o the share of items where they
 * agree, p_e the agreement expected by chance from each rater's own
 * label frequencies (Cohen 1960). NAN when n is 0 or p_e is 1 (both
 * raters always gave one and the same label). Labels out of range are
 * not counted. scratch needs 2k doubles.
 */
double cohen_kappa(const int *x, const int *y, size_t n, int k, double *scratch);

#endif
