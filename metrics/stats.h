/* stats.h: statistics over per-sample scores: means, bootstrap intervals, paired tests, corrections. Pure functions. */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>
#include <stdint.h>

/* Arithmetic mean of x[0..n-1]; NAN when n == 0. */
double stats_mean(const double *x, size_t n);

/*
 * Percentile bootstrap interval of the mean of x[0..n-1]:
 * draw `resamples` samples of size n with replacement (rng seeded by seed),
 * take the (1-level)/2 and (1+level)/2 quantiles of their means (linear
 * interpolation between order statistics). n == 0 gives NAN, NAN; n == 1 or
 * constant x gives the mean twice. Returns 0.
 */
int stats_bootstrap_ci(double *lo, double *hi, const double *x, size_t n,
		       unsigned resamples, double level, uint64_t seed);

/*
 * The interval receval stores with every mean (metrics/bootstrap.c): a
 * percentile bootstrap interval of the mean of x[0..n-1] whose cost does
 * not grow with n when x takes few distinct values. With d distinct
 * values and d * BOOTSTRAP_DISTINCT_RATIO <= n (ranking metrics at a
 * cutoff k take at most k + 1 values), a Poisson bootstrap over the
 * distinct values: resample b gives value v_j weight K_bj ~ Poisson(c_j)
 * (c_j: how many times v_j occurs; the sum of c_j independent Poisson(1)
 * weights, Hanley & MacGibbon 2006, Chamandy et al. 2012) and its mean is
 * sum K_bj v_j / sum K_bj; the values are taken in ascending order, so
 * the interval depends on x as a multiset, never on its order. Otherwise
 * stats_bootstrap_ci() over x as given. Both are seeded by seed and give
 * the same bytes on every run. Returns 0.
 */
#define BOOTSTRAP_DISTINCT_RATIO 16
int stats_bootstrap_mean_ci(double *lo, double *hi, const double *x, size_t n,
			    unsigned resamples, double level, uint64_t seed);

/* A Poisson(lambda) deviate from r's stream (lambda >= 0): Knuth's product below 10, Hörmann's PTRS above. */
struct rng;
uint64_t stats_poisson(struct rng *r, double lambda);

/*
 * Paired comparisons. Every function below takes two score vectors a[0..n-1]
 * (the baseline) and b[0..n-1] (the candidate) measured on the same samples,
 * works on the differences d[i] = b[i] - a[i], and never keeps a pointer.
 * A positive statistic means b scores higher than a. Scores are expected to
 * be finite numbers; a pair with a NaN is not rejected, but the results are
 * then NaN (tests) or count the pair as a tie (stats_wtl).
 */

/*
 * The result of a test. `statistic` is the test's own statistic (t, the
 * Wilcoxon T, or the mean difference for the permutation test), `p` the
 * two-sided p-value, `df` the degrees of freedom where the test has them
 * (the t-test) and NAN elsewhere. A statistic that is undefined (no data,
 * all differences zero) is NAN, and so is its p.
 */
struct stats_test {
	double statistic;
	double p;
	double df;
};

/*
 * Paired Student t-test of b against a, as scipy.stats.ttest_rel(b, a):
 * t = mean(d) / sqrt(var(d) / n) with var using n - 1, df = n - 1, and
 * p = 2 P(T_df > |t|). n < 2, or all differences zero, gives t = p = NAN
 * (df is n - 1, or NAN when n == 0). Differences that are all equal and
 * non-zero give t = +-INFINITY and p = 0, as SciPy does. Returns 0.
 */
int stats_ttest_paired(struct stats_test *out, const double *a,
		       const double *b, size_t n);

/* How the Wilcoxon signed-rank test treats zero differences. */
enum stats_zero_method {
	STATS_ZERO_WILCOX, /* drop them before ranking (Wilcoxon 1945) */
	STATS_ZERO_PRATT,  /* rank them with the others, then drop their ranks (Pratt 1959) */
};

/*
 * Wilcoxon signed-rank test of b against a with the normal approximation,
 * tie correction and no continuity correction, exactly as SciPy 1.10.1's
 * scipy.stats.wilcoxon(b, a, zero_method=..., correction=False,
 * method="approx"): the statistic is min(W+, W-), the smaller of the sums of
 * the ranks of |d| over positive and over negative differences, and p is
 * two-sided. df is NAN. n == 0, or all differences zero, gives statistic =
 * p = NAN (there SciPy 1.10.1 raises ValueError instead). Allocates a
 * scratch array of n doubles (xmalloc). Returns 0.
 */
int stats_wilcoxon(struct stats_test *out, const double *a, const double *b,
		   size_t n, enum stats_zero_method zero_method);

/*
 * Fisher's randomization test of the mean difference (paired sign-flip
 * permutation test). Under the null hypothesis each d[i] is as likely to be
 * -d[i]: `perms` random sign patterns are drawn (rng seeded by seed, so the
 * same inputs and seed always give the same p) and
 *
 *     p = (count + 1) / (perms + 1),
 *
 * count being the number of patterns whose |sum of signed d| is at least the
 * observed |sum of d| (less a tolerance of 1e-9 * sum |d[i]|, so that sums
 * equal but for rounding count as ties). The +1 counts the observed pattern
 * as one of the permutations, so p is never 0 and the test stays valid at
 * any number of permutations (Phipson & Smyth 2010). statistic is the mean
 * difference, df is NAN. All differences zero gives statistic 0 and p 1;
 * n == 0 gives NAN, NAN; perms == 0 gives p = 1. Returns 0.
 */
int stats_permutation_test(struct stats_test *out, const double *a,
			   const double *b, size_t n, unsigned perms,
			   uint64_t seed);

/*
 * Percentile bootstrap interval of the mean difference mean(b - a):
 * stats_bootstrap_ci() over the differences, with the same arguments and
 * edge cases. Allocates n doubles for the differences. Returns 0.
 */
int stats_bootstrap_paired_ci(double *lo, double *hi, const double *a,
			      const double *b, size_t n, unsigned resamples,
			      double level, uint64_t seed);

/*
 * Holm-Bonferroni step-down adjustment of the family p[0..n-1] into
 * out[0..n-1] (out may be p): with the m p-values sorted ascending,
 * p_(1) <= ... <= p_(m), the adjusted value of p_(i) is
 * min(1, max over j <= i of (m - j + 1) p_(j)), so adjusted values keep the
 * order of the raw ones and never exceed 1. Reject H_(i) at level alpha when
 * its adjusted value is <= alpha. NaN p-values (untestable hypotheses) are
 * left out of the family: they do not count in m and stay NaN in out.
 * Allocates n index pairs. Returns 0.
 */
int stats_holm(double *out, const double *p, size_t n);

/* Wins, ties and losses of b against a. */
struct stats_wtl {
	size_t wins;   /* b[i] > a[i] */
	size_t ties;   /* neither (equal, or a NaN) */
	size_t losses; /* b[i] < a[i] */
};

/* Count wins/ties/losses of b against a over n pairs into *out. */
void stats_wtl(struct stats_wtl *out, const double *a, const double *b,
	       size_t n);

/* Effect size of b against a. */
struct stats_effect {
	double mean_diff; /* mean(b - a); NAN when n == 0 */
	double cohen_d;   /* paired Cohen's d (d_z): mean(d) / sd(d), sd with n - 1 */
};

/*
 * Mean difference and paired Cohen's d of b against a (Cohen 1988, d_z;
 * equal to t / sqrt(n) of the paired t-test). When sd(d) is 0 the ratio is
 * undefined: d is NAN if the mean difference is 0 too (or n < 2), and
 * +-INFINITY with the sign of the mean difference when every pair differs
 * by the same non-zero amount. Returns 0.
 */
int stats_effect_size(struct stats_effect *out, const double *a,
		      const double *b, size_t n);

/*
 * Distribution functions. Each tail is computed directly, never as
 * 1 - cdf, so tiny p-values keep their relative precision down to the
 * smallest doubles (below that they underflow to 0).
 *
 * Accuracy, checked against 40-digit references: the normal tails to about
 * 2e-13 relative error; the t tails to about 3e-13 for df <= 5000, the
 * error then growing in proportion to df (about 6e-12 at df = 1e5, 2e-11 at
 * 1e6), from the continued fraction's sensitivity to x = df / (df + t^2)
 * close to 1; stats_betainc() to about 1e-12 for a, b up to a few thousand.
 *
 * stats_betainc(): the regularized incomplete beta function I_x(a, b) for
 * a, b > 0 and 0 <= x <= 1 (NAN outside).
 * stats_t_cdf() / stats_t_sf(): P(T <= t) and P(T > t) for Student's t
 * with df > 0 degrees of freedom (df need not be an integer; NAN for
 * df <= 0 or a NaN argument).
 * stats_normal_cdf() / stats_normal_sf(): P(Z <= z) and P(Z > z) for the
 * standard normal.
 */
double stats_betainc(double a, double b, double x);
double stats_t_cdf(double t, double df);
double stats_t_sf(double t, double df);
double stats_normal_cdf(double z);
double stats_normal_sf(double z);

#endif
