/* stats.c: means, bootstrap intervals, paired tests, effect sizes and multiple-testing corrections over per-sample scores. */
#include <float.h>
#include "lib/util.h"
#include "metrics/stats.h"
#include <stddef.h>
#include "lib/rng.h"

double stats_mean(const double *x, size_t n)
{
	double s = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

/* Put the k-th smallest of v[0..n) at v[k], none larger before it, none smaller after (Hoare's selection). */
static void select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t left = 0, right = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;

	while (left < right) {
		double pivot = v[left + (right - left) / 2], t;
		ptrdiff_t i = left, j = right;

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				j--;
			}
		}
		/* now v[left..j] <= pivot <= v[i..right], and any of j+1..i-1 equals pivot */
		if (kk <= j)
			right = j;
		else if (kk >= i)
			left = i;
		else
			return;
	}
}

/*
 * Quantile q of v[0..n), linear interpolation (numpy's default, "type 7"),
 * without sorting: the two order statistics it reads are selected (O(n),
 * not O(n log n): a run of 10,000 tasks takes an interval of every metric
 * of every task). Reorders v.
 */
static double quantile_select(double *v, size_t n, double q)
{
	double h = q * (double)(n - 1), next;
	size_t i = (size_t)floor(h), j;

	select_kth(v, n, i);
	if (i + 1 >= n)
		return v[i];
	next = v[i + 1];
	for (j = i + 2; j < n; j++)
		if (v[j] < next)
			next = v[j];
	return v[i] + (h - (double)i) * (next - v[i]);
}

int stats_bootstrap_ci(double *lo, double *hi, const double *x, size_t n,
		       unsigned resamples, double level, uint64_t seed)
{
	struct rng r;
	double *means, m = stats_mean(x, n);
	size_t i, b;
	int constant = 1;

	if (!n) {
		*lo = *hi = NAN;
		return 0;
	}
	for (i = 1; i < n && constant; i++)
		constant = x[i] == x[0];
	if (constant || resamples < 2) {
		*lo = *hi = m;
		return 0;
	}
	means = xmalloc(resamples * sizeof(*means));
	rng_seed(&r, seed);
	for (b = 0; b < resamples; b++) {
		double s = 0;
		for (i = 0; i < n; i++)
			s += x[rng_below(&r, n)];
		means[b] = s / (double)n;
	}
	*lo = quantile_select(means, resamples, (1 - level) / 2);
	*hi = quantile_select(means, resamples, (1 + level) / 2);
	free(means);
	return 0;
}

/*
 * Distribution functions
 * ----------------------
 */

/*
 * delta(x) = ln Gamma(x) - [(x - 1/2) ln x - x + ln(2 pi) / 2], the remainder
 * of Stirling's series, for x >= 10: the asymptotic series
 * sum B_2k / (2k (2k-1) x^(2k-1)) to k = 7 (Abramowitz & Stegun 6.1.40),
 * whose first omitted term is about 3e-17 at x = 10.
 */
static double stirling_delta(double x)
{
	double r = 1 / x, r2 = r * r;

	return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 +
		r2 * (-1.0 / 1680 + r2 * (1.0 / 1188 + r2 * (-691.0 / 360360 +
		r2 * (1.0 / 156)))))));
}

static double log_gamma(double x)
{
	int sign;

	/* lgamma_r rather than lgamma: no write to the global signgam. */
	return lgamma_r(x, &sign);
}

/*
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b). When the larger
 * argument is big, ln Gamma(big) - ln Gamma(big + small) cancels most of
 * its digits, so that difference is taken from Stirling's series instead:
 *
 *   ln G(a) - ln G(a+b) = -(a - 1/2) log1p(b/a) - b ln(a+b) + b
 *                         + delta(a) - delta(a+b)
 *
 * whose terms are all of modest size (the idea of DiDonato & Morris 1992,
 * TOMS 708, algdiv). This keeps t tails accurate for thousands of df.
 */
static double log_beta(double a, double b)
{
	double big = a > b ? a : b, small = a > b ? b : a;

	if (big < 10)
		return log_gamma(a) + log_gamma(b) - log_gamma(a + b);
	return log_gamma(small) - (big - 0.5) * log1p(small / big) -
	       small * log(big + small) + small +
	       stirling_delta(big) - stirling_delta(big + small);
}

/*
 * Continued fraction for I_x(a, b) (Abramowitz & Stegun 26.5.8), evaluated
 * by the modified Lentz method (Lentz 1976; Thompson & Barnett 1986) as in
 * Numerical Recipes, 3rd ed., section 6.4 (betacf): returns the fraction
 * 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
 *   d_2m   =  m (b - m) x / ((a + 2m - 1)(a + 2m))
 *   d_2m+1 = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
 * It converges fast for x < (a + 1) / (a + b + 2), in O(sqrt(max(a, b)))
 * steps.
 */
static double betacf(double a, double b, double x)
{
	const double tiny = 1e-300;
	double c = 1, d, h, aa, del;
	unsigned m;

	d = 1 - (a + b) * x / (a + 1);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 100000; m++) {
		double m2 = 2.0 * m;

		aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) <= 2 * DBL_EPSILON)
			break;
	}
	return h;
}

/*
 * I_x(a, b) given both x and y = 1 - x, each computed without cancellation
 * by the caller (the t distribution knows both in closed form):
 *
 *   I_x(a, b) = x^a y^b / (a B(a, b)) * betacf(a, b, x)
 *
 * for x < (a + 1) / (a + b + 2), else 1 - I_y(b, a) (NR 6.4.5, 6.4.10).
 * The prefactor is exp() of its logarithm, so tails far below the smallest
 * double underflow to 0 rather than to garbage, and log1p() keeps
 * ln x accurate when x is close to 1.
 */
static double betainc_xy(double a, double b, double x, double y)
{
	double lx, ly, front;

	if (x <= 0)
		return 0;
	if (y <= 0)
		return 1;
	lx = x < 0.5 ? log(x) : log1p(-y);
	ly = y < 0.5 ? log(y) : log1p(-x);
	front = exp(a * lx + b * ly - log_beta(a, b));
	if (x < (a + 1) / (a + b + 2))
		return front * betacf(a, b, x) / a;
	return 1 - front * betacf(b, a, y) / b;
}

double stats_betainc(double a, double b, double x)
{
	if (isnan(a) || isnan(b) || isnan(x) || a <= 0 || b <= 0 || x < 0 || x > 1)
		return NAN;
	return betainc_xy(a, b, x, 1 - x);
}

/*
 * Student's t upper tail for t > 0 (Abramowitz & Stegun 26.7.1, 26.5.27):
 *
 *   P(T > t) = I_x(df/2, 1/2) / 2,   x = df / (df + t^2)
 *
 * with 1 - x = t^2 / (df + t^2) computed directly. When x is below 1e-200
 * (t^2 may even overflow) the first term of the series,
 * I_x(a, b) = x^a / (a B(a, b)) (1 + O(x)), is exact to double precision
 * and is taken in logarithms, ln x = ln df - 2 ln t, so x itself never
 * underflows.
 */
static double t_upper(double t, double df)
{
	double tt = t * t, a = df / 2, x;

	x = df / (df + tt);
	if (isinf(tt) || x < 1e-200)
		return 0.5 * exp(a * (log(df) - 2 * log(t)) - log_beta(a, 0.5)) / a;
	return 0.5 * betainc_xy(a, 0.5, x, tt / (df + tt));
}

double stats_t_sf(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (t == 0)
		return 0.5;
	return t > 0 ? t_upper(t, df) : 1 - t_upper(-t, df);
}

double stats_t_cdf(double t, double df)
{
	if (isnan(t) || isnan(df) || df <= 0)
		return NAN;
	if (t == 0)
		return 0.5;
	return t < 0 ? t_upper(-t, df) : 1 - t_upper(t, df);
}

/*
 * Standard normal tails from the complementary error function (C99 erfc):
 * P(Z > z) = erfc(z / sqrt 2) / 2, which keeps full relative precision far
 * into the tail (as Cephes ndtr, used by SciPy).
 */
double stats_normal_sf(double z)
{
	return 0.5 * erfc(z * M_SQRT1_2);
}

double stats_normal_cdf(double z)
{
	return 0.5 * erfc(-z * M_SQRT1_2);
}

/*
 * Paired tests
 * ------------
 */

/*
 * Sum of x[0..n-1] in NumPy's order (pairwise summation: pairwise_sum in
 * numpy's umath/loops_utils.h.src): below 8 terms a plain loop, up to 128
 * eight interleaved partial sums, above that the two halves (cut at a
 * multiple of 8) summed recursively. The t-test sums in this order so that
 * its statistic is bit-for-bit SciPy's even when the mean difference
 * almost cancels.
 */
static double np_sum(const double *x, size_t n)
{
	double r[8], res = 0;
	size_t i, j, n2;

	if (n < 8) {
		for (i = 0; i < n; i++)
			res += x[i];
		return res;
	}
	if (n > 128) {
		n2 = n / 2;
		n2 -= n2 % 8;
		return np_sum(x, n2) + np_sum(x + n2, n - n2);
	}
	for (j = 0; j < 8; j++)
		r[j] = x[j];
	for (i = 8; i < n - n % 8; i += 8)
		for (j = 0; j < 8; j++)
			r[j] += x[i + j];
	res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
	for (; i < n; i++)
		res += x[i];
	return res;
}

static double *differences(const double *a, const double *b, size_t n)
{
	double *d = xmalloc((n ? n : 1) * sizeof(*d));
	size_t i;

	for (i = 0; i < n; i++)
		d[i] = b[i] - a[i];
	return d;
}

/*
 * Paired t-test (Student 1908), as scipy.stats.ttest_rel(b, a) in SciPy
 * 1.10.1: d = b - a, t = mean(d) / sqrt(s^2 / n) with
 * s^2 = sum (d - mean(d))^2 / (n - 1), df = n - 1,
 * p = 2 P(T_df > |t|) (SciPy: 2 stdtr(df, -|t|)). Sums follow NumPy's order
 * and SciPy's operation order (var = mean of squares * (n / (n - 1))).
 */
int stats_ttest_paired(struct stats_test *out, const double *a,
		       const double *b, size_t n)
{
	double *d, dm, v, denom, dn = (double)n;
	size_t i;

	out->df = n ? dn - 1 : NAN;
	out->statistic = out->p = NAN;
	if (n < 2)
		return 0;
	d = differences(a, b, n);
	dm = np_sum(d, n) / dn;
	for (i = 0; i < n; i++)
		d[i] = (d[i] - dm) * (d[i] - dm);
	v = np_sum(d, n) / dn * (dn / (dn - 1));
	free(d);
	denom = sqrt(v / dn);
	if (denom == 0) {
		/* 0/0 is NaN; c/0 is +-inf with p = 0, as NumPy divides */
		if (dm == 0 || isnan(dm))
			return 0;
		out->statistic = copysign(INFINITY, dm);
		out->p = 0;
		return 0;
	}
	out->statistic = dm / denom;
	out->p = 2 * stats_t_sf(fabs(out->statistic), out->df);
	return 0;
}

static int cmp_abs(const void *pa, const void *pb)
{
	double x = fabs(*(const double *)pa), y = fabs(*(const double *)pb);
	return (x > y) - (x < y);
}

/*
 * Wilcoxon signed-rank test (Wilcoxon 1945), normal approximation, as
 * SciPy 1.10.1's wilcoxon(b, a, correction=False, method="approx"):
 *
 * - keep the differences d = b - a: all of them ("pratt"), or the non-zero
 *   ones ("wilcox"); count = how many were kept;
 * - rank |d| ascending, ties getting the mean of their ranks; W+ and W- are
 *   the sums of the ranks of the positive and of the negative d, and the
 *   statistic is T = min(W+, W-);
 * - mean and variance of T under H0:
 *     mu = count (count + 1) / 4
 *     24 sigma^2 = count (count + 1)(2 count + 1) - sum t (t^2 - 1) / 2
 *   the sum running over groups of t tied non-zero |d| (tie correction);
 *   for "pratt", whose n0 zeros took the lowest ranks, Cureton (1967)'s
 *   adjustment subtracts n0 (n0 + 1) / 4 from mu and n0 (n0 + 1)(2 n0 + 1)
 *   from 24 sigma^2;
 * - z = (T - mu) / sigma, p = 2 P(Z > |z|).
 *
 * Ranks are halves, so every sum above is exact in doubles up to n ~ 1e5.
 */
int stats_wilcoxon(struct stats_test *out, const double *a, const double *b,
		   size_t n, enum stats_zero_method zero_method)
{
	double *d, r_plus = 0, r_minus = 0, ties = 0, mn, se, cnt, n0, z;
	size_t i, j, count = 0, n_zero = 0;

	out->statistic = out->p = out->df = NAN;
	if (!n)
		return 0;
	d = xmalloc(n * sizeof(*d));
	for (i = 0; i < n; i++) {
		double di = b[i] - a[i];
		if (isnan(di)) {
			free(d);
			return 0;
		}
		if (di == 0) {
			n_zero++;
			if (zero_method == STATS_ZERO_WILCOX)
				continue;
		}
		d[count++] = di;
	}
	if (n_zero == n) {
		free(d);
		return 0;
	}
	qsort(d, count, sizeof(*d), cmp_abs);
	for (i = 0; i < count; i = j) {
		/* d[i..j-1] tie on |d|: ranks i+1..j, mean (i + 1 + j) / 2 */
		double rank, tsz;

		for (j = i + 1; j < count && fabs(d[j]) == fabs(d[i]); j++)
			;
		rank = (double)(i + 1 + j) / 2;
		tsz = (double)(j - i);
		if (d[i] == 0)
			continue; /* pratt's zeros: ranked, then dropped */
		if (tsz > 1)
			ties += tsz * (tsz * tsz - 1);
		for (; i < j; i++) {
			if (d[i] > 0)
				r_plus += rank;
			else if (d[i] < 0)
				r_minus += rank;
		}
	}
	free(d);
	cnt = (double)count;
	n0 = (double)n_zero;
	mn = cnt * (cnt + 1) * 0.25;
	se = cnt * (cnt + 1) * (2 * cnt + 1);
	if (zero_method == STATS_ZERO_PRATT) {
		mn -= n0 * (n0 + 1) * 0.25;
		se -= n0 * (n0 + 1) * (2 * n0 + 1);
	}
	se -= 0.5 * ties;
	se = sqrt(se / 24);
	out->statistic = r_plus < r_minus ? r_plus : r_minus;
	z = (out->statistic - mn) / se;
	out->p = 2 * stats_normal_sf(fabs(z));
	return 0;
}

/*
 * Fisher's randomization test (Fisher 1935, section 21; the sign-flip form
 * for paired data as in Smucker, Allan & Carterette 2007 for IR
 * evaluation). Each permutation draws one sign per pair from the bits of
 * rng_next(), 64 pairs per draw, and sums the signed differences in index
 * order. p = (count + 1) / (perms + 1) (Phipson & Smyth 2010).
 */
int stats_permutation_test(struct stats_test *out, const double *a,
			   const double *b, size_t n, unsigned perms,
			   uint64_t seed)
{
	struct rng r;
	double obs = 0, sum_abs = 0, tol;
	size_t i;
	unsigned k, count = 0;

	out->df = NAN;
	if (!n) {
		out->statistic = out->p = NAN;
		return 0;
	}
	for (i = 0; i < n; i++) {
		double di = b[i] - a[i];
		obs += di;
		sum_abs += fabs(di);
	}
	out->statistic = obs / (double)n;
	if (isnan(obs)) {
		out->p = NAN;
		return 0;
	}
	tol = 1e-9 * sum_abs;
	rng_seed(&r, seed);
	for (k = 0; k < perms; k++) {
		double s = 0;
		uint64_t bits = 0;

		for (i = 0; i < n; i++) {
			double di = b[i] - a[i];
			if (!(i % 64))
				bits = rng_next(&r);
			s += (bits & 1) ? -di : di;
			bits >>= 1;
		}
		if (fabs(s) >= fabs(obs) - tol)
			count++;
	}
	out->p = ((double)count + 1) / ((double)perms + 1);
	return 0;
}

int stats_bootstrap_paired_ci(double *lo, double *hi, const double *a,
			      const double *b, size_t n, unsigned resamples,
			      double level, uint64_t seed)
{
	double *d = differences(a, b, n);
	int ret = stats_bootstrap_ci(lo, hi, d, n, resamples, level, seed);

	free(d);
	return ret;
}

struct p_index {
	double p;
	size_t i;
};

static int cmp_p_index(const void *pa, const void *pb)
{
	const struct p_index *x = pa, *y = pb;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * Holm (1979), "A simple sequentially rejective multiple test procedure":
 * adjusted p_(i) = min(1, max_{j <= i} (m - j + 1) p_(j)) over the sorted
 * family (as statsmodels multipletests(method="holm") and R's p.adjust).
 * Tied p-values get the same adjusted value whatever their order.
 */
int stats_holm(double *out, const double *p, size_t n)
{
	struct p_index *s = xmalloc((n ? n : 1) * sizeof(*s));
	double run = 0;
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		if (isnan(p[i]))
			continue;
		s[m].p = p[i];
		s[m].i = i;
		m++;
	}
	for (i = 0; i < n; i++)
		if (isnan(p[i]))
			out[i] = NAN;
	qsort(s, m, sizeof(*s), cmp_p_index);
	for (i = 0; i < m; i++) {
		double adj = (double)(m - i) * s[i].p;
		if (adj > run)
			run = adj;
		out[s[i].i] = run < 1 ? run : 1;
	}
	free(s);
	return 0;
}

void stats_wtl(struct stats_wtl *out, const double *a, const double *b,
	       size_t n)
{
	size_t i;

	out->wins = out->ties = out->losses = 0;
	for (i = 0; i < n; i++) {
		if (b[i] > a[i])
			out->wins++;
		else if (b[i] < a[i])
			out->losses++;
		else
			out->ties++;
	}
}

/*
 * Paired Cohen's d, d_z = mean(d) / sd(d), sd = sqrt(sum (d - mean)^2 / (n - 1))
 * (Cohen 1988, eq. 2.3.5; Lakens 2013, eq. 6).
 */
int stats_effect_size(struct stats_effect *out, const double *a,
		      const double *b, size_t n)
{
	double m = 0, ss = 0, sd;
	size_t i;

	out->mean_diff = out->cohen_d = NAN;
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		m += b[i] - a[i];
	m /= (double)n;
	out->mean_diff = m;
	if (n < 2 || isnan(m))
		return 0;
	for (i = 0; i < n; i++) {
		double e = (b[i] - a[i]) - m;
		ss += e * e;
	}
	sd = sqrt(ss / (double)(n - 1));
	if (sd == 0) {
		if (m != 0)
			out->cohen_d = copysign(INFINITY, m);
		return 0;
	}
	out->cohen_d = m / sd;
	return 0;
}
