/* agreement.c: pairwise judgment figures (MT-Bench's counting of both orders), the sign test and Cohen's kappa. */
#include <math.h>
#include "metrics/agreement.h"

/*
 * A verdict in the second order (y shown first) names y as "first":
 * translated to x/y terms it is flipped.
 */
static int as_xy(int verdict, int y_first)
{
	if (verdict < 0 || verdict == 2 || !y_first)
		return verdict;
	return 1 - verdict;
}

int pair_outcome(const struct pair_judgment *j)
{
	int a = as_xy(j->first_xy, 0), b = as_xy(j->first_yx, 1);

	if (a < 0 || b < 0)
		return -1;
	/* MT-Bench: an order-dependent verdict is a tie */
	return a == b ? a : PAIR_TIE;
}

double pair_sign_test(size_t wins, size_t losses)
{
	size_t n = wins + losses, k = wins < losses ? wins : losses, i;
	double tail = 0, log_half_n;

	if (!n)
		return NAN;
	/* P(X <= k) = sum C(n, i) / 2^n, in logs so large n neither overflows nor underflows early */
	log_half_n = (double)n * log(0.5);
	for (i = 0; i <= k; i++)
		tail += exp(lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1) + log_half_n);
	tail *= 2;
	return tail > 1 ? 1 : tail;
}

void pair_figures(struct pair_figures *out, const struct pair_judgment *j, size_t n)
{
	size_t i, decisive = 0, first = 0, len_decisive = 0, longer = 0;

	*out = (struct pair_figures){ 0 };
	out->samples = n;
	for (i = 0; i < n; i++) {
		int o = pair_outcome(&j[i]), order;
		if (o < 0)
			continue;
		out->judged++;
		if (o == PAIR_Y)
			out->wins++;
		else if (o == PAIR_X)
			out->losses++;
		else
			out->ties++;
		out->consistent += as_xy(j[i].first_xy, 0) == as_xy(j[i].first_yx, 1);
		for (order = 0; order < 2; order++) {
			int v = order ? j[i].first_yx : j[i].first_xy, xy = as_xy(v, order);
			size_t chosen, other;
			if (v == 2)
				continue;
			decisive++;
			first += v == 0;
			chosen = xy == PAIR_X ? j[i].len_x : j[i].len_y;
			other = xy == PAIR_X ? j[i].len_y : j[i].len_x;
			if (chosen != other) {
				len_decisive++;
				longer += chosen > other;
			}
		}
	}
	out->judge_failure_rate = n ? (double)(n - out->judged) / (double)n : NAN;
	if (out->judged) {
		double d = (double)out->judged;
		out->win_rate = (double)out->wins / d;
		out->loss_rate = (double)out->losses / d;
		out->tie_rate = (double)out->ties / d;
		out->win_rate_adjusted = ((double)out->wins + (double)out->ties / 2) / d;
		out->consistency_rate = (double)out->consistent / d;
	} else {
		out->win_rate = out->loss_rate = out->tie_rate = NAN;
		out->win_rate_adjusted = out->consistency_rate = NAN;
	}
	out->first_position_rate = decisive ? (double)first / (double)decisive : NAN;
	out->longer_preferred_rate = len_decisive ? (double)longer / (double)len_decisive : NAN;
	out->p = pair_sign_test(out->wins, out->losses);
}

double cohen_kappa(const int *x, const int *y, size_t n, int k, double *scratch)
{
	double *px = scratch, *py = scratch + k, po = 0, pe = 0, m = 0;
	size_t i;
	int c;

	for (c = 0; c < k; c++)
		px[c] = py[c] = 0;
	for (i = 0; i < n; i++) {
		if (x[i] < 0 || x[i] >= k || y[i] < 0 || y[i] >= k)
			continue;
		px[x[i]]++;
		py[y[i]]++;
		po += x[i] == y[i];
		m++;
	}
	if (!m)
		return NAN;
	po /= m;
	for (c = 0; c < k; c++)
		pe += (px[c] / m) * (py[c] / m);
	if (pe >= 1)
		return NAN;
	return (po - pe) / (1 - pe);
}
