/* test_stats.c: paired tests, corrections, effect sizes and distribution functions, by hand and against SciPy's golden answers. */
#include "tests/unit/test.h"
#include "lib/strbuf.h"
#include "metrics/stats.h"
#include "lib/rng.h"
#include <cJSON.h>

/*
 * Relative error of got against want: 0 when both are NaN or both equal
 * (infinities included), |got| when want is 0, infinite when only one is
 * NaN.
 */
static double rel_err(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want) ? 0 : INFINITY;
	if (got == want)
		return 0;
	if (want == 0)
		return fabs(got);
	return fabs(got - want) / fabs(want);
}

/* The largest relative error seen by CHECK_REL, reported by the golden test. */
static double max_rel_seen;

#define CHECK_REL(got, want, tol)                                             \
	do {                                                                  \
		double g_ = (double)(got), w_ = (double)(want);               \
		double e_ = rel_err(g_, w_);                                  \
		if (e_ > max_rel_seen && !isinf(e_))                          \
			max_rel_seen = e_;                                    \
		if (!(e_ <= (tol)))                                           \
			test_fail(__FILE__, __LINE__, "%s == %.17g, expected %.17g (relative error %.3g)", \
				  #got, g_, w_, e_);                          \
	} while (0)

/*
 * Distribution functions
 */

TEST(stats_normal_known_values)
{
	/* references: 30-digit mpmath erfc(z / sqrt 2) / 2 */
	CHECK_REL(stats_normal_cdf(0), 0.5, 1e-15);
	CHECK_REL(stats_normal_sf(-1), 0.84134474606854294859, 1e-14);
	CHECK_REL(stats_normal_cdf(-1), 1 - 0.84134474606854294859, 1e-14);
	CHECK_REL(stats_normal_cdf(1.959963984540054), 0.975, 1e-14);
	CHECK_REL(stats_normal_sf(1.959963984540054), 0.025, 1e-13);
	/* far tails, where 1 - cdf would give 0 */
	CHECK_REL(stats_normal_sf(10), 7.619853024160526066e-24, 1e-13);
	CHECK_REL(stats_normal_sf(30), 4.9067139271481870595e-198, 1e-12);
	CHECK_REL(stats_normal_cdf(-30), 4.9067139271481870595e-198, 1e-12);
	CHECK(stats_normal_sf(INFINITY) == 0);
	CHECK(stats_normal_cdf(INFINITY) == 1);
	CHECK(isnan(stats_normal_sf(NAN)));
}

TEST(stats_t_known_values)
{
	const double pi = 3.14159265358979323846;
	double t;

	/* df = 1 is Cauchy: P(T > t) = atan(1 / t) / pi for t > 0 */
	CHECK_REL(stats_t_sf(1, 1), 0.25, 1e-14);
	CHECK_REL(stats_t_cdf(-1, 1), 0.25, 1e-14);
	CHECK_REL(stats_t_sf(1e10, 1), atan(1e-10) / pi, 1e-12);
	CHECK_REL(stats_t_cdf(-1e200, 1), atan(1e-200) / pi, 1e-12);
	/* either side of the switch to the one-term series (x = 1e-200) */
	CHECK_REL(stats_t_sf(0.99e100, 1), atan(1 / 0.99e100) / pi, 1e-12);
	CHECK_REL(stats_t_sf(1.01e100, 1), atan(1 / 1.01e100) / pi, 1e-12);
	/* df = 2: P(T > t) = 1 / (s (s + t)), s = sqrt(2 + t^2), for t > 0 */
	for (t = 0.5; t < 2e3; t *= 7) {
		double s = sqrt(2 + t * t);
		CHECK_REL(stats_t_sf(t, 2), 1 / (s * (s + t)), 1e-13);
		CHECK_REL(stats_t_cdf(-t, 2), 1 / (s * (s + t)), 1e-13);
		CHECK_REL(stats_t_cdf(t, 2), 1 - 1 / (s * (s + t)), 1e-14);
	}
	/* tabulated quantile: t(0.975, 10) = 2.228138851986 */
	CHECK_REL(stats_t_sf(2.228138851986, 10), 0.025, 1e-11);
	CHECK_REL(stats_t_cdf(-2.228138851986, 10), 0.025, 1e-11);
	CHECK_REL(stats_t_cdf(2.228138851986, 10), 0.975, 1e-12);
	/* symmetry and the centre */
	CHECK_REL(stats_t_sf(0, 7), 0.5, 1e-15);
	CHECK_REL(stats_t_sf(-1.3, 7.5) + stats_t_cdf(-1.3, 7.5), 1, 1e-15);
	CHECK_REL(stats_t_sf(1.3, 7.5), stats_t_cdf(-1.3, 7.5), 1e-15);
	/* large df approaches the normal */
	CHECK_NEAR(stats_t_sf(2, 1e9), stats_normal_sf(2), 1e-9);
	CHECK(stats_t_sf(INFINITY, 3) == 0);
	CHECK(stats_t_sf(-INFINITY, 3) == 1);
	CHECK(isnan(stats_t_sf(1, 0)));
	CHECK(isnan(stats_t_cdf(NAN, 3)));
}

TEST(stats_betainc_known_values)
{
	/* I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 - (1 - x)^b */
	CHECK_REL(stats_betainc(1, 1, 0.3), 0.3, 1e-14);
	CHECK_REL(stats_betainc(2.5, 1, 0.4), pow(0.4, 2.5), 1e-14);
	CHECK_REL(stats_betainc(1, 3, 0.2), 1 - pow(0.8, 3), 1e-14);
	CHECK_REL(stats_betainc(30, 1, 0.01), 1e-60, 1e-12);
	CHECK_REL(stats_betainc(3, 4, 0.5) + stats_betainc(4, 3, 0.5), 1, 1e-14);
	CHECK(stats_betainc(2, 3, 0) == 0);
	CHECK(stats_betainc(2, 3, 1) == 1);
	CHECK(isnan(stats_betainc(2, 3, 1.5)));
	CHECK(isnan(stats_betainc(-1, 3, 0.5)));
}

/*
 * Hand-worked cases
 */

TEST(stats_ttest_by_hand)
{
	/*
	 * d = 1, 2, 3, 4: mean 2.5, s^2 = 5/3, t = 2.5 / sqrt(5/12) = sqrt(15),
	 * df = 3. For df = 3, P(|T| < t) = (2/pi) (u / (1 + u^2) + atan u) with
	 * u = t / sqrt 3 = sqrt 5, so p = 1 - (2/pi) (sqrt(5)/6 + atan sqrt 5).
	 */
	const double pi = 3.14159265358979323846;
	static const double a[] = { 0, 0, 0, 0 }, b[] = { 1, 2, 3, 4 };
	static const double b2[] = { 0, 0, 0, 0 };
	struct stats_test r;

	CHECK_INT(stats_ttest_paired(&r, a, b, 4), 0);
	CHECK_REL(r.statistic, sqrt(15), 1e-15);
	CHECK_REL(r.df, 3, 0);
	CHECK_REL(r.p, 1 - 2 / pi * (sqrt(5) / 6 + atan(sqrt(5))), 1e-13);
	/* b against a is the mirror of a against b */
	stats_ttest_paired(&r, b, a, 4);
	CHECK_REL(r.statistic, -sqrt(15), 1e-15);
	CHECK_REL(r.p, 1 - 2 / pi * (sqrt(5) / 6 + atan(sqrt(5))), 1e-13);

	/* no differences at all: t is 0/0, NaN like SciPy */
	stats_ttest_paired(&r, a, b2, 4);
	CHECK(isnan(r.statistic) && isnan(r.p));
	CHECK_REL(r.df, 3, 0);
	/* one pair: no variance */
	stats_ttest_paired(&r, a, b, 1);
	CHECK(isnan(r.statistic) && isnan(r.p));
	CHECK_REL(r.df, 0, 0);
	stats_ttest_paired(&r, a, b, 0);
	CHECK(isnan(r.statistic) && isnan(r.p) && isnan(r.df));
}

TEST(stats_ttest_constant_shift)
{
	/* every pair differs by exactly 1: sd 0, SciPy gives t = inf, p = 0 */
	static const double a[] = { 0, 1, 2 }, b[] = { 1, 2, 3 };
	struct stats_test r;

	stats_ttest_paired(&r, a, b, 3);
	CHECK(isinf(r.statistic) && r.statistic > 0);
	CHECK(r.p == 0);
	stats_ttest_paired(&r, b, a, 3);
	CHECK(isinf(r.statistic) && r.statistic < 0);
}

TEST(stats_wilcoxon_by_hand)
{
	/*
	 * d = 1, -2, 3, 0, 4.
	 * wilcox: drop the zero; ranks 1..4, W+ = 1+3+4 = 8, W- = 2, T = 2;
	 *   mu = 4*5/4 = 5, sigma^2 = 4*5*9/24 = 7.5, z = -3 / sqrt 7.5.
	 * pratt: rank with the zero (rank 1), W+ = 2+4+5 = 11, W- = 3, T = 3;
	 *   mu = 5*6/4 - 1*2/4 = 7, sigma^2 = (5*6*11 - 1*2*3) / 24 = 13.5,
	 *   z = -4 / sqrt 13.5.
	 * p = 2 P(Z > |z|) = erfc(|z| / sqrt 2).
	 */
	static const double a[] = { 0, 0, 0, 0, 0 }, b[] = { 1, -2, 3, 0, 4 };
	struct stats_test r;

	CHECK_INT(stats_wilcoxon(&r, a, b, 5, STATS_ZERO_WILCOX), 0);
	CHECK_REL(r.statistic, 2, 0);
	CHECK_REL(r.p, erfc(3 / sqrt(7.5) / sqrt(2)), 1e-14);
	CHECK(isnan(r.df));
	stats_wilcoxon(&r, a, b, 5, STATS_ZERO_PRATT);
	CHECK_REL(r.statistic, 3, 0);
	CHECK_REL(r.p, erfc(4 / sqrt(13.5) / sqrt(2)), 1e-14);
}

TEST(stats_wilcoxon_ties)
{
	/*
	 * d = 1, 1, 1, -2: the three 1s share rank 2, -2 has rank 4;
	 * W+ = 6, W- = 4, T = 4, mu = 5; tie correction for a group of 3:
	 * sigma^2 = (4*5*9 - 3*(9-1)/2) / 24 = 7, z = -1 / sqrt 7.
	 */
	static const double a[] = { 0.5, 0.25, 0, 3 }, b[] = { 1.5, 1.25, 1, 1 };
	static const double z[] = { 0.5, 0.25, 0, 3 };
	struct stats_test r;

	stats_wilcoxon(&r, a, b, 4, STATS_ZERO_WILCOX);
	CHECK_REL(r.statistic, 4, 0);
	CHECK_REL(r.p, erfc(1 / sqrt(7) / sqrt(2)), 1e-14);

	/* all differences zero: SciPy 1.10.1 raises, we give NaN */
	stats_wilcoxon(&r, a, z, 4, STATS_ZERO_WILCOX);
	CHECK(isnan(r.statistic) && isnan(r.p));
	stats_wilcoxon(&r, a, z, 4, STATS_ZERO_PRATT);
	CHECK(isnan(r.statistic) && isnan(r.p));
	stats_wilcoxon(&r, a, z, 0, STATS_ZERO_PRATT);
	CHECK(isnan(r.statistic) && isnan(r.p));
}

TEST(stats_permutation_test)
{
	double a[20], b[20], sym[20];
	struct stats_test r1, r2, r3;
	size_t i;

	for (i = 0; i < 20; i++) {
		a[i] = 0;
		b[i] = (double)(i + 1) / 20;
		sym[i] = (i % 2 ? -1.0 : 1.0) * (double)(i / 2 + 1);
	}
	/* the same seed gives the same p, bit for bit */
	CHECK_INT(stats_permutation_test(&r1, a, b, 20, 999, 7), 0);
	stats_permutation_test(&r2, a, b, 20, 999, 7);
	CHECK(r1.p == r2.p);
	CHECK_REL(r1.statistic, 10.5 / 20, 1e-15);
	CHECK(isnan(r1.df));
	/*
	 * every difference positive: only the all-plus and all-minus patterns
	 * (2 in 2^20) reach the observed sum, so with this seed none of the 999
	 * draws does and p = (0 + 1) / (999 + 1)
	 */
	CHECK_REL(r1.p, 1.0 / 1000, 1e-15);
	/* p is always (count + 1) / (perms + 1) */
	stats_permutation_test(&r3, a, b, 3, 20000, 11);
	CHECK(fabs(r3.p * 20001 - round(r3.p * 20001)) < 1e-6);
	/*
	 * d = 0.05, 0.10, 0.15: |sum| >= 0.30 only for +++ and ---, exactly
	 * 2 of the 8 sign patterns, so p should be close to 1/4
	 */
	CHECK(fabs(r3.p - 0.25) < 0.01);
	/* the observed mean is 0: every pattern is as extreme, p = 1 */
	stats_permutation_test(&r3, a, sym, 20, 500, 1);
	CHECK_REL(r3.statistic, 0, 0);
	CHECK_REL(r3.p, 1, 0);
	/* no differences at all: statistic 0, p 1 */
	stats_permutation_test(&r3, a, a, 20, 500, 1);
	CHECK_REL(r3.statistic, 0, 0);
	CHECK_REL(r3.p, 1, 0);
	stats_permutation_test(&r3, a, b, 0, 500, 1);
	CHECK(isnan(r3.statistic) && isnan(r3.p));
}

TEST(stats_bootstrap_paired)
{
	double a[50], b[50], d[50], lo1, hi1, lo2, hi2, lo3, hi3, m;
	size_t i;

	for (i = 0; i < 50; i++) {
		a[i] = (double)(i % 7) / 7;
		b[i] = (double)(i % 5) / 5;
		d[i] = b[i] - a[i];
	}
	m = stats_mean(d, 50);
	CHECK_INT(stats_bootstrap_paired_ci(&lo1, &hi1, a, b, 50, 1000, 0.95, 42), 0);
	stats_bootstrap_paired_ci(&lo2, &hi2, a, b, 50, 1000, 0.95, 42);
	stats_bootstrap_ci(&lo3, &hi3, d, 50, 1000, 0.95, 42);
	CHECK(lo1 == lo2 && hi1 == hi2);
	CHECK(lo1 == lo3 && hi1 == hi3);
	CHECK(lo1 < m && m < hi1);
	/* a different seed moves the interval a little, not a lot */
	stats_bootstrap_paired_ci(&lo2, &hi2, a, b, 50, 1000, 0.95, 43);
	CHECK(lo1 != lo2 || hi1 != hi2);
	CHECK(fabs(lo1 - lo2) < 0.05 && fabs(hi1 - hi2) < 0.05);
	stats_bootstrap_paired_ci(&lo1, &hi1, a, b, 0, 1000, 0.95, 42);
	CHECK(isnan(lo1) && isnan(hi1));
}

TEST(stats_holm_by_hand)
{
	/*
	 * sorted: 0.01 * 3 = 0.03, 0.03 * 2 = 0.06, 0.04 * 1 = 0.04 -> 0.06
	 * (monotone: never below the previous adjusted value)
	 */
	static const double p[] = { 0.01, 0.04, 0.03 };
	double out[3], q[4] = { 0.5, NAN, 0.6, 0.2 };

	CHECK_INT(stats_holm(out, p, 3), 0);
	CHECK_REL(out[0], 0.03, 1e-15);
	CHECK_REL(out[1], 0.06, 1e-15);
	CHECK_REL(out[2], 0.06, 1e-15);
	/*
	 * in place, with a NaN left out of the family (m = 3):
	 * 0.2 * 3 = 0.6, 0.5 * 2 = 1.0, 0.6 * 1 -> 1.0; capped at 1
	 */
	stats_holm(q, q, 4);
	CHECK_REL(q[3], 0.6, 1e-15);
	CHECK_REL(q[0], 1, 0);
	CHECK_REL(q[2], 1, 0);
	CHECK(isnan(q[1]));
	/* ties get the same value whatever their order */
	q[0] = q[1] = q[2] = 0.02;
	stats_holm(q, q, 3);
	CHECK_REL(q[0], 0.06, 1e-15);
	CHECK_REL(q[1], 0.06, 1e-15);
	CHECK_REL(q[2], 0.06, 1e-15);
	stats_holm(out, p, 0);
}

TEST(stats_wtl_and_effect_size)
{
	static const double a[] = { 0, 0, 0, 0, 1, 1 }, b[] = { 1, 2, 3, 4, 1, 0 };
	static const double c[] = { 1, 1, 1, 1, 2, 2 };
	struct stats_wtl w;
	struct stats_effect e;

	stats_wtl(&w, a, b, 6);
	CHECK_INT(w.wins, 4);
	CHECK_INT(w.ties, 1);
	CHECK_INT(w.losses, 1);
	/* d = 1, 2, 3, 4: mean 2.5, sd sqrt(5/3), d_z = t / sqrt(n) = sqrt(15) / 2 */
	CHECK_INT(stats_effect_size(&e, a, b, 4), 0);
	CHECK_REL(e.mean_diff, 2.5, 1e-15);
	CHECK_REL(e.cohen_d, sqrt(15) / 2, 1e-15);
	/* no difference: sd 0 and mean 0, d is NaN */
	stats_effect_size(&e, b, b, 6);
	CHECK_REL(e.mean_diff, 0, 0);
	CHECK(isnan(e.cohen_d));
	/* constant shift by 1: sd 0, d is +-inf */
	stats_effect_size(&e, a, c, 6);
	CHECK_REL(e.mean_diff, 1, 0);
	CHECK(isinf(e.cohen_d) && e.cohen_d > 0);
	stats_effect_size(&e, c, a, 6);
	CHECK(isinf(e.cohen_d) && e.cohen_d < 0);
	stats_effect_size(&e, a, b, 1);
	CHECK_REL(e.mean_diff, 1, 0);
	CHECK(isnan(e.cohen_d));
	stats_effect_size(&e, a, b, 0);
	CHECK(isnan(e.mean_diff) && isnan(e.cohen_d));
}

/*
 * Golden answers: <shared>/golden/stats/paired.json, from SciPy 1.10.1
 */

/* The number at key in obj; a JSON null (SciPy's NaN) reads as NAN. */
static double json_num(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (!cJSON_IsNull(v))
		test_fail(__FILE__, __LINE__, "golden: \"%s\" is not a number or null", key);
	return NAN;
}

/* The array at key as a new array of doubles (count in *n); NULL when absent. */
static double *json_vec(const cJSON *obj, const char *key, size_t *n)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key), *v;
	double *out;
	size_t i = 0;

	*n = 0;
	if (!cJSON_IsArray(arr))
		return NULL;
	*n = (size_t)cJSON_GetArraySize(arr);
	out = xmalloc((*n ? *n : 1) * sizeof(*out));
	cJSON_ArrayForEach(v, arr)
		out[i++] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	return out;
}

/*
 * Three golden cases hold NDCG gains 1/log2(rank + 1) written rounded to 6
 * decimals (0.356207 for 0.35620718710802218), while SciPy saw the exact
 * gains: the t statistic of the rounded inputs is off by up to 6e-6. The
 * file's mean_a and mean_b are the means of what SciPy saw, so they tell
 * when this happened, and after putting the exact gain back for every value
 * within the rounding (5e-7) of one, they must agree again to 1e-12.
 */
static void restore_gains(double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double v = x[i], k, g;

		if (!(v > 0 && v < 1))
			continue;
		k = round(exp2(1 / v));
		g = 1 / log2(k);
		if (fabs(g - v) <= 5e-7)
			x[i] = g;
	}
}

static void check_golden_case(const cJSON *c, int idx)
{
	static const struct {
		const char *key;
		enum stats_zero_method zm;
	} wil[] = {
		{ "wilcoxon_wilcox_approx", STATS_ZERO_WILCOX },
		{ "wilcoxon_pratt_approx", STATS_ZERO_PRATT },
	};
	const cJSON *tt = cJSON_GetObjectItemCaseSensitive(c, "ttest_rel");
	double *a, *b;
	size_t n, nb, k;
	struct stats_test r;
	struct stats_wtl w;

	a = json_vec(c, "a", &n);
	b = json_vec(c, "b", &nb);
	if (!a || !b || n != nb || !cJSON_IsObject(tt)) {
		test_fail(__FILE__, __LINE__, "golden case %d: malformed", idx);
		goto out;
	}
	if (rel_err(stats_mean(a, n), json_num(c, "mean_a")) > 1e-12 ||
	    rel_err(stats_mean(b, n), json_num(c, "mean_b")) > 1e-12) {
		printf("#   case %d: inputs rounded in the file, exact NDCG gains restored\n", idx);
		restore_gains(a, n);
		restore_gains(b, n);
	}
	CHECK_REL(stats_mean(a, n), json_num(c, "mean_a"), 1e-12);
	CHECK_REL(stats_mean(b, n), json_num(c, "mean_b"), 1e-12);

	stats_ttest_paired(&r, a, b, n);
	CHECK_REL(r.statistic, json_num(tt, "statistic"), 1e-9);
	CHECK_REL(r.p, json_num(tt, "pvalue"), 1e-9);
	CHECK_REL(r.df, (double)n - 1, 0);

	for (k = 0; k < ARRAY_SIZE(wil); k++) {
		const cJSON *wc = cJSON_GetObjectItemCaseSensitive(c, wil[k].key);
		if (!cJSON_IsObject(wc)) {
			test_fail(__FILE__, __LINE__, "golden case %d: no %s", idx, wil[k].key);
			continue;
		}
		stats_wilcoxon(&r, a, b, n, wil[k].zm);
		CHECK_REL(r.statistic, json_num(wc, "statistic"), 1e-9);
		CHECK_REL(r.p, json_num(wc, "pvalue"), 1e-9);
	}

	stats_wtl(&w, a, b, n);
	CHECK_INT(w.wins, json_num(c, "wins"));
	CHECK_INT(w.ties, json_num(c, "ties"));
	CHECK_INT(w.losses, json_num(c, "losses"));
	CHECK_INT(w.wins + w.ties + w.losses, n);
out:
	free(a);
	free(b);
}

TEST(stats_golden_scipy)
{
	const char *shared = test_shared_dir();
	struct strbuf sb;
	char *path;
	cJSON *root = NULL, *cases, *c, *holm;
	double *p, *adj, *out;
	size_t np, nadj, i;
	int idx = 0;

	if (!shared) {
		test_skip("../shared absent: golden/stats/paired.json not checked");
		return;
	}
	path = xstrfmt("%s/golden/stats/paired.json", shared);
	strbuf_init(&sb, 0);
	if (strbuf_read_file(&sb, path, 0)) {
		/* ../shared is there: its golden file must be too */
		test_fail(__FILE__, __LINE__, "cannot read %s", path);
		goto out;
	}
	root = cJSON_Parse(sb.buf);
	CHECK(root != NULL);
	cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
	holm = cJSON_GetObjectItemCaseSensitive(root, "holm");
	CHECK(cJSON_IsArray(cases) && cJSON_GetArraySize(cases) > 0);
	CHECK(cJSON_IsObject(holm));
	max_rel_seen = 0;

	cJSON_ArrayForEach(c, cases)
		check_golden_case(c, idx++);

	p = json_vec(holm, "pvalues", &np);
	adj = json_vec(holm, "adjusted", &nadj);
	CHECK(p && adj && np == nadj && np > 0);
	if (p && adj && np == nadj) {
		out = xmalloc((np ? np : 1) * sizeof(*out));
		stats_holm(out, p, np);
		for (i = 0; i < np; i++) {
			CHECK_REL(out[i], adj[i], 1e-9);
			CHECK(out[i] <= 1 && out[i] >= p[i]);
		}
		free(out);
	}
	free(p);
	free(adj);
	printf("#   %d golden cases and a Holm family of %zu: max relative error %.3g\n",
	       idx, np, max_rel_seen);
out:
	cJSON_Delete(root);
	strbuf_release(&sb);
	free(path);
}

TEST(stats_poisson_moments)
{
	static const double lambdas[] = { 0.5, 3, 9.9, 10, 50, 1000 };
	struct rng r;
	size_t i, j, n = 20000;

	rng_seed(&r, 7);
	for (i = 0; i < ARRAY_SIZE(lambdas); i++) {
		double l = lambdas[i], sum = 0, sq = 0, mean, var;
		for (j = 0; j < n; j++) {
			double k = (double)stats_poisson(&r, l);
			sum += k;
			sq += k * k;
		}
		mean = sum / (double)n;
		var = sq / (double)n - mean * mean;
		/* five standard errors of the mean; the variance within 10% */
		CHECK_NEAR(mean, l, 5 * sqrt(l / (double)n));
		CHECK_NEAR(var / l, 1, 0.1);
	}
	CHECK_INT(stats_poisson(&r, 0), 0);
}

TEST(stats_bootstrap_mean_ci_few_values)
{
	double x[2000], y[2000], lo, hi, lo2, hi2, clo, chi;
	struct rng r;
	size_t i;

	/* 0/1 values (a hit rate of 0.3): the Poisson bootstrap over 2 distinct values */
	rng_seed(&r, 3);
	for (i = 0; i < ARRAY_SIZE(x); i++)
		x[i] = rng_double(&r) < 0.3;
	stats_bootstrap_mean_ci(&lo, &hi, x, ARRAY_SIZE(x), 1000, 0.95, 42);
	stats_bootstrap_mean_ci(&lo2, &hi2, x, ARRAY_SIZE(x), 1000, 0.95, 42);
	CHECK(lo == lo2 && hi == hi2);
	CHECK(lo < stats_mean(x, ARRAY_SIZE(x)) && stats_mean(x, ARRAY_SIZE(x)) < hi);
	/* as wide as the classic bootstrap's, within bootstrap noise (about 1.96 sd on each side) */
	stats_bootstrap_ci(&clo, &chi, x, ARRAY_SIZE(x), 1000, 0.95, 42);
	CHECK_NEAR(hi - lo, chi - clo, 0.15 * (chi - clo));
	CHECK_NEAR((hi + lo) / 2, (chi + clo) / 2, 0.1 * (chi - clo));
	/* a multiset: any order gives the same bytes */
	for (i = 0; i < ARRAY_SIZE(x); i++)
		y[i] = x[ARRAY_SIZE(x) - 1 - i];
	stats_bootstrap_mean_ci(&lo2, &hi2, y, ARRAY_SIZE(y), 1000, 0.95, 42);
	CHECK(lo == lo2 && hi == hi2);
	/* another seed, another interval */
	stats_bootstrap_mean_ci(&lo2, &hi2, x, ARRAY_SIZE(x), 1000, 0.95, 43);
	CHECK(lo != lo2 || hi != hi2);
}

TEST(stats_bootstrap_mean_ci_many_values)
{
	double x[500], lo, hi, clo, chi;
	struct rng r;
	size_t i;

	/* as many distinct values as samples: the classic bootstrap, to the bit */
	rng_seed(&r, 5);
	for (i = 0; i < ARRAY_SIZE(x); i++)
		x[i] = rng_double(&r);
	stats_bootstrap_mean_ci(&lo, &hi, x, ARRAY_SIZE(x), 1000, 0.95, 9);
	stats_bootstrap_ci(&clo, &chi, x, ARRAY_SIZE(x), 1000, 0.95, 9);
	CHECK(lo == clo && hi == chi);
	/* constant, one, none */
	for (i = 0; i < ARRAY_SIZE(x); i++)
		x[i] = 0.25;
	stats_bootstrap_mean_ci(&lo, &hi, x, ARRAY_SIZE(x), 1000, 0.95, 9);
	CHECK(lo == 0.25 && hi == 0.25);
	stats_bootstrap_mean_ci(&lo, &hi, x, 1, 1000, 0.95, 9);
	CHECK(lo == 0.25 && hi == 0.25);
	stats_bootstrap_mean_ci(&lo, &hi, x, 0, 1000, 0.95, 9);
	CHECK(isnan(lo) && isnan(hi));
}
