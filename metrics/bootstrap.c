/* bootstrap.c: the bootstrap interval of stored means: a Poisson bootstrap over distinct values, whose cost does not grow with the number of samples. */
#include "lib/util.h"
#include "lib/rng.h"
#include "metrics/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile q of sorted v[0..n-1], linear interpolation (numpy's default, "type 7"), as stats_bootstrap_ci(). */
static double quantile_sorted(const double *v, size_t n, double q)
{
	double h = q * (double)(n - 1);
	size_t i = (size_t)floor(h);

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

/*
 * Poisson deviates as numpy draws them: for lambda < 10 the product of
 * uniforms (Knuth), for lambda >= 10 PTRS, the transformed rejection of
 * W. Hörmann, "The transformed rejection method for generating Poisson
 * random variables", Insurance: Mathematics and Economics 12 (1993).
 */
uint64_t stats_poisson(struct rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda < 10) {
		double limit = exp(-lambda), prod = rng_double(r);
		uint64_t k = 0;

		while (prod > limit) {
			prod *= rng_double(r);
			k++;
		}
		return k;
	} else {
		double slam = sqrt(lambda), loglam = log(lambda);
		double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
		double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);

		for (;;) {
			double u = rng_double(r) - 0.5, v = rng_double(r), us = 0.5 - fabs(u), k;
			int sign;

			k = floor((2 * a / us + b) * u + lambda + 0.43);
			if (us >= 0.07 && v <= vr)
				return (uint64_t)k;
			if (k < 0 || (us < 0.013 && v > us))
				continue;
			/* lgamma_r: lgamma's sign goes to a local, not a global other threads share */
			if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <= -lambda + k * loglam - lgamma_r(k + 1, &sign))
				return (uint64_t)k;
		}
	}
}

int stats_bootstrap_mean_ci(double *lo, double *hi, const double *x, size_t n,
			    unsigned resamples, double level, uint64_t seed)
{
	double *v, *means;
	size_t *c, d = 0, i, j;
	unsigned b;
	struct rng r;

	if (n < 2 || resamples < 2)
		return stats_bootstrap_ci(lo, hi, x, n, resamples, level, seed);
	v = xmalloc(n * sizeof(*v));
	memcpy(v, x, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	/* distinct values and their counts, ascending; NaN never equals itself, so each stays its own */
	c = xmalloc(n * sizeof(*c));
	for (i = 0; i < n; i++) {
		if (d && v[i] == v[d - 1]) {
			c[d - 1]++;
			continue;
		}
		v[d] = v[i];
		c[d++] = 1;
	}
	if (d < 2 || d * BOOTSTRAP_DISTINCT_RATIO > n) {
		free(v);
		free(c);
		return stats_bootstrap_ci(lo, hi, x, n, resamples, level, seed);
	}
	means = xmalloc(resamples * sizeof(*means));
	rng_seed(&r, seed);
	for (b = 0; b < resamples; b++) {
		double sum = 0;
		uint64_t total = 0;

		/* a resample with no weight at all (e^-n likely) is drawn again */
		while (!total) {
			sum = 0;
			for (j = 0; j < d; j++) {
				uint64_t k = stats_poisson(&r, (double)c[j]);
				sum += (double)k * v[j];
				total += k;
			}
		}
		means[b] = sum / (double)total;
	}
	qsort(means, resamples, sizeof(*means), cmp_double);
	*lo = quantile_sorted(means, resamples, (1 - level) / 2);
	*hi = quantile_sorted(means, resamples, (1 + level) / 2);
	free(means);
	free(v);
	free(c);
	return 0;
}
