/* gen_big.c: writes a deterministic MovieLens-20M-sized ratings CSV (Zipf items, lognormal users, clustered tastes) for bench/big.sh. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/rng.h"
#include "lib/util.h"

/*
 * The shape of MovieLens 20M's ratings.csv ("userId,movieId,rating,timestamp",
 * one user's rows together, oldest first), at any size:
 *   - item popularity is Zipf (Zipf–Mandelbrot): item of rank r is drawn
 *     with weight 1 / (r + q)^s; the offset q flattens the head as in
 *     MovieLens, whose most rated film has ratings from half the users;
 *   - user activity is lognormal, at least --min-per-user (ML-20M: 20), with
 *     its median chosen so that the total comes near --interactions;
 *   - tastes are clustered: each user belongs to one of --clusters groups,
 *     and draws half of its items from its group's own Zipf over a
 *     group-specific shuffle of the catalogue, so item-item similarity has
 *     structure to find.
 * Item ids are sparse like MovieLens's movieId (not 1..n); the same flags
 * give the same bytes on every machine.
 */

struct zipf {
	double *cdf;
	size_t n;
};

static void zipf_init(struct zipf *z, size_t n, double s, double q)
{
	size_t i;
	double sum = 0;

	z->n = n;
	z->cdf = xmalloc(n * sizeof(*z->cdf));
	for (i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1) + q, s);
		z->cdf[i] = sum;
	}
	for (i = 0; i < n; i++)
		z->cdf[i] /= sum;
}

/* The rank (0-based) whose cumulative weight first reaches a uniform draw. */
static size_t zipf_draw(const struct zipf *z, struct rng *r)
{
	double u = rng_double(r);
	size_t lo = 0, hi = z->n - 1;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* A standard normal deviate (Box–Muller, one of the pair). */
static double normal(struct rng *r)
{
	double u = rng_double(r), v = rng_double(r);

	return sqrt(-2.0 * log(1.0 - u)) * cos(2.0 * M_PI * v);
}

static void usage(void)
{
	fprintf(stderr, "usage: gen_big [--users N] [--items N] [--interactions N] [--clusters N]\n"
			"               [--min-per-user N] [--zipf S] [--zipf-offset Q] [--sigma S] [--seed N] OUT.csv\n"
			"defaults: MovieLens 20M's size: 138493 users, 26744 items, 20000263 interactions\n");
	exit(2);
}

static unsigned long arg_num(const char *flag, const char *v)
{
	char *end;
	unsigned long n;

	if (!v)
		usage();
	n = strtoul(v, &end, 10);
	if (*end || end == v) {
		fprintf(stderr, "gen_big: %s: not a whole number: '%s'\n", flag, v);
		exit(2);
	}
	return n;
}

int main(int argc, char **argv)
{
	size_t users = 138493, items = 26744, total = 20000263, clusters = 40, min_per = 20;
	double s = 1.3, q = 60, sigma = 1.0, median, mean_factor;
	unsigned long seed = 20;
	const char *out_path = NULL;
	struct zipf global, local;
	uint32_t *ids, **perm, *picked;
	unsigned char *mark;
	struct rng r;
	size_t i, u, c;
	FILE *f;
	char *buf;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--users"))
			users = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--items"))
			items = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--interactions"))
			total = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--clusters"))
			clusters = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--min-per-user"))
			min_per = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--seed"))
			seed = arg_num(argv[a], argv[a + 1]), a++;
		else if (!strcmp(argv[a], "--zipf") && a + 1 < argc)
			s = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--zipf-offset") && a + 1 < argc)
			q = strtod(argv[++a], NULL);
		else if (!strcmp(argv[a], "--sigma") && a + 1 < argc)
			sigma = strtod(argv[++a], NULL);
		else if (argv[a][0] == '-' || out_path)
			usage();
		else
			out_path = argv[a];
	}
	if (!out_path || !users || items < 2 || !clusters || min_per >= items)
		usage();

	rng_seed(&r, seed);
	/* sparse, increasing ids, as MovieLens's movieId */
	ids = xmalloc(items * sizeof(*ids));
	for (i = 0, c = 0; i < items; i++) {
		c += 1 + (rng_below(&r, 8) == 0 ? rng_below(&r, 20) : 0);
		ids[i] = (uint32_t)c;
	}
	/* popularity rank -> item: a shuffle, so the popular items are not the low ids */
	perm = xmalloc((clusters + 1) * sizeof(*perm));
	for (c = 0; c <= clusters; c++) {
		perm[c] = xmalloc(items * sizeof(**perm));
		for (i = 0; i < items; i++)
			perm[c][i] = (uint32_t)i;
		rng_shuffle_u32(&r, perm[c], items);
	}
	zipf_init(&global, items, s, q);
	zipf_init(&local, items, s, q / 4);
	/* lognormal activity: E[min_per + exp(N(mu, sigma))] = total / users */
	mean_factor = exp(sigma * sigma / 2);
	median = ((double)total / (double)users - (double)min_per) / mean_factor;
	if (median < 1)
		median = 1;

	mark = xcalloc(items, 1);
	picked = xmalloc(items * sizeof(*picked));
	f = fopen(out_path, "w");
	if (!f) {
		fprintf(stderr, "gen_big: cannot write '%s'\n", out_path);
		return 3;
	}
	buf = xmalloc(1 << 20);
	setvbuf(f, buf, _IOFBF, 1 << 20);
	fputs("userId,movieId,rating,timestamp\n", f);
	for (u = 0; u < users; u++) {
		size_t n = min_per + (size_t)(median * exp(sigma * normal(&r))), k = 0;
		size_t cl = rng_below(&r, clusters);
		long long ts = 789652009 + (long long)rng_below(&r, 600000000);

		if (n > items / 2)
			n = items / 2;
		while (k < n) {
			/* half the draws from the user's taste group, half from everyone's */
			uint32_t it = rng_below(&r, 2) ? perm[cl][zipf_draw(&local, &r)] :
					perm[clusters][zipf_draw(&global, &r)];
			if (mark[it])
				continue;
			mark[it] = 1;
			picked[k++] = it;
		}
		for (i = 0; i < n; i++) {
			unsigned stars = 1 + (unsigned)rng_below(&r, 10);
			ts += (long long)rng_below(&r, 5000);
			fprintf(f, "%zu,%u,%u.%u,%lld\n", u + 1, ids[picked[i]], stars / 2, stars % 2 ? 5 : 0, ts);
			mark[picked[i]] = 0;
		}
	}
	if (fclose(f)) {
		fprintf(stderr, "gen_big: cannot write '%s'\n", out_path);
		return 3;
	}
	for (c = 0; c <= clusters; c++)
		free(perm[c]);
	free(perm);
	free(ids);
	free(mark);
	free(picked);
	free(global.cdf);
	free(local.cdf);
	free(buf);
	return 0;
}
