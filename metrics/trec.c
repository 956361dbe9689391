/* trec.c: trec_eval 10.0's per-query measures, written from its definitions so that every value agrees to the last bit. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics/trec.h"

/*
 * The loops below follow trec_eval's order of floating-point operations
 * exactly (a sum of rel_so_far / rank in rank order, one division at the
 * end, log2 of the rank + 1): the summary is printed with 4 decimals and a
 * different order could change the last digit.
 */

void trec_query_count(struct trec_query *q)
{
	long i, n = 0;
	size_t l;

	q->num_rel = 0;
	for (l = 0; l < q->nlevels; l++)
		if (q->levels[l].rel >= q->level)
			q->num_rel += q->levels[l].count;
	for (i = 0; i < q->num_ret; i++)
		if (q->rel[i] >= 0 && q->rel[i] >= q->level)
			n++;
	q->num_rel_ret = n;
}

/* Sum over relevant retrieved docs of precision at their rank; *found gets their number. */
static double ap_sum(const struct trec_query *q, long *found)
{
	long i, rel_so_far = 0;
	double sum = 0.0;

	for (i = 0; i < q->num_ret; i++) {
		if (q->rel[i] >= q->level) {
			rel_so_far++;
			sum += (double)rel_so_far / (double)(i + 1);
		}
	}
	*found = rel_so_far;
	return sum;
}

double trec_ap(const struct trec_query *q)
{
	long found;
	double sum = ap_sum(q, &found);

	return found ? sum / (double)q->num_rel : 0.0;
}

double trec_gm_ap_log(const struct trec_query *q)
{
	long found;
	double sum = ap_sum(q, &found);

	if (found)
		sum = sum / (double)q->num_rel;
	return log(sum > TREC_MIN_GEO_MEAN ? sum : TREC_MIN_GEO_MEAN);
}

double trec_rprec(const struct trec_query *q)
{
	long i, n, rel_so_far = 0;

	n = q->num_ret < q->num_rel ? q->num_ret : q->num_rel;
	if (n <= 0)
		return 0.0;
	for (i = 0; i < n; i++)
		if (q->rel[i] >= q->level)
			rel_so_far++;
	return (double)rel_so_far / (double)q->num_rel;
}

double trec_bpref(const struct trec_query *q)
{
	long i, num_nonrel = 0, nonrel_so_far = 0;
	size_t l;
	double bpref = 0.0;

	for (l = 0; l < q->nlevels; l++)
		if (q->levels[l].rel < q->level)
			num_nonrel += q->levels[l].count;
	for (i = 0; i < q->num_ret; i++) {
		long r = q->rel[i];

		if (r == TREC_REL_NONPOOL || r == TREC_REL_UNJUDGED)
			continue;       /* not judged: no preference either way */
		if (r >= 0 && r < q->level) {
			nonrel_so_far++;
		} else if (nonrel_so_far > 0) {
			long a = nonrel_so_far < q->num_rel ? nonrel_so_far : q->num_rel;
			long b = num_nonrel < q->num_rel ? num_nonrel : q->num_rel;

			bpref += 1.0 - (double)a / (double)b;
		} else {
			bpref += 1.0;
		}
	}
	if (q->num_rel)
		bpref /= (double)q->num_rel;
	return bpref;
}

double trec_recip_rank(const struct trec_query *q)
{
	long i;

	for (i = 0; i < q->num_ret; i++)
		if (q->rel[i] >= q->level)
			return 1.0 / (double)(i + 1);
	return 0.0;
}

/*
 * The number of relevant docs at which recall fraction p is reached:
 * p * R rounded to the nearest whole number. (trec_eval 9 added 0.9 instead
 * of 0.5; 10.0's output agrees with 0.5 on every reference case.)
 */
static long recall_cut(double p, long num_rel)
{
	return (long)(p * (double)num_rel + 0.5);
}

void trec_iprec_at_recall(double *out, const struct trec_query *q,
			  const double *cutoffs, size_t n)
{
	long cur = (long)n - 1, i, rel_so_far;
	double precis, int_precis;

	while (cur >= 0 && recall_cut(cutoffs[cur], q->num_rel) > q->num_rel_ret)
		cur--;
	/*
	 * Walk the ranking backwards keeping the best precision seen so far,
	 * which is the interpolated precision at every rank before it.
	 */
	precis = (double)q->num_rel_ret / (double)q->num_ret;
	int_precis = precis;
	rel_so_far = q->num_rel_ret;
	for (i = q->num_ret; i > 0 && rel_so_far > 0; i--) {
		precis = (double)rel_so_far / (double)i;
		if (int_precis < precis)
			int_precis = precis;
		if (q->rel[i - 1] >= q->level) {
			while (cur >= 0 && rel_so_far == recall_cut(cutoffs[cur], q->num_rel)) {
				out[cur] = int_precis;
				cur--;
			}
			rel_so_far--;
		}
	}
	while (cur >= 0) {
		out[cur] = int_precis;
		cur--;
	}
}

/*
 * The cutoff measures share one walk: at each cutoff k reached inside the
 * ranking the value is taken before the doc at rank k+1 is looked at; the
 * cutoffs beyond the ranking get the value at its end.
 */
enum cut_kind { CUT_P, CUT_RECALL, CUT_SUCCESS, CUT_MAP };

static double cut_value(enum cut_kind kind, long rel_so_far, double sum, long k,
			const struct trec_query *q)
{
	switch (kind) {
	case CUT_P:
		return (double)rel_so_far / (double)k;
	case CUT_RECALL:
		return (double)rel_so_far / (double)q->num_rel;
	case CUT_SUCCESS:
		return rel_so_far ? 1.0 : 0.0;
	case CUT_MAP:
		return sum / (double)q->num_rel;
	}
	return 0.0;
}

static void cut_walk(double *out, const struct trec_query *q, const long *cutoffs,
		     size_t n, enum cut_kind kind)
{
	size_t c = 0;
	long i, rel_so_far = 0;
	double sum = 0.0;

	if (!n)
		return;
	if ((kind == CUT_RECALL || kind == CUT_MAP) && q->num_rel == 0) {
		/* both divide by R: with nothing relevant, every cutoff is 0 */
		for (; c < n; c++)
			out[c] = 0.0;
		return;
	}
	for (i = 0; i < q->num_ret; i++) {
		if (i == cutoffs[c]) {
			out[c] = cut_value(kind, rel_so_far, sum, i, q);
			if (++c == n)
				return;
		}
		if (q->rel[i] >= q->level) {
			rel_so_far++;
			if (kind == CUT_MAP)
				sum += (double)rel_so_far / (double)(i + 1);
		}
	}
	for (; c < n; c++)
		out[c] = cut_value(kind, rel_so_far, sum, cutoffs[c], q);
}

void trec_precision(double *out, const struct trec_query *q, const long *cutoffs, size_t n)
{
	cut_walk(out, q, cutoffs, n, CUT_P);
}

void trec_recall(double *out, const struct trec_query *q, const long *cutoffs, size_t n)
{
	cut_walk(out, q, cutoffs, n, CUT_RECALL);
}

void trec_success(double *out, const struct trec_query *q, const long *cutoffs, size_t n)
{
	cut_walk(out, q, cutoffs, n, CUT_SUCCESS);
}

void trec_map_cut(double *out, const struct trec_query *q, const long *cutoffs, size_t n)
{
	cut_walk(out, q, cutoffs, n, CUT_MAP);
}

void trec_ndcg_cut(double *out, const struct trec_query *q, const long *cutoffs, size_t n)
{
	size_t c = 0, k;
	long i, left;
	double sum = 0.0, ideal = 0.0, gain = 0.0;

	if (!n)
		return;
	/* DCG at each cutoff; the gain is the judgement itself */
	for (i = 0; i < q->num_ret; i++) {
		if (i == cutoffs[c]) {
			out[c] = sum;
			if (++c == n)
				break;
		}
		if (q->rel[i] > 0)
			sum += (double)q->rel[i] / log2((double)(i + 2));
	}
	for (; c < n; c++)
		out[c] = sum;

	/*
	 * The ideal ranking: every judged doc of the highest level first, then
	 * the next level down, until level 0; normalise each cutoff by it.
	 */
	c = 0;
	k = q->nlevels;
	left = 0;
	for (i = 0;; i++) {
		if (left == 0) {
			if (k == 0 || q->levels[k - 1].rel <= 0)
				break;
			k--;
			gain = (double)q->levels[k].rel;
			left = q->levels[k].count;
		}
		if (i == cutoffs[c]) {
			if (ideal > 0.0)
				out[c] /= ideal;
			if (++c == n)
				break;
		}
		ideal += gain / log2((double)(i + 2));
		left--;
	}
	for (; c < n; c++)
		if (ideal > 0.0)
			out[c] /= ideal;
}

/*
 * Beyond this many judgement values the gain table lists only the values
 * that occur (trec_eval lists every value from 0 to the highest): the same
 * result unless fractional gains make the comparison below non-transitive.
 */
#define DENSE_LEVELS_MAX 65536

/*
 * Are the parameters' gains whole numbers within 1e9? Then, with levels
 * below DENSE_LEVELS_MAX, gain_cmp() is exact and the merge sort orders
 * the listed levels alike whether the levels no document holds are in the
 * table or not: they are left out, and a qrels of judgement 50,000 costs
 * the levels it has, not 50,000 of them for every query.
 */
static int gains_whole(const struct trec_gain_param *params, size_t nparams)
{
	size_t i;

	for (i = 0; i < nparams; i++)
		if (!(fabs(params[i].gain) <= 1e9 && params[i].gain == floor(params[i].gain)))
			return 0;
	return 1;
}

static long num_rel_levels(const struct trec_query *q)
{
	return q->nlevels ? q->levels[q->nlevels - 1].rel + 1 : 0;
}

size_t trec_ndcg_scratch(const struct trec_query *q, size_t nparams)
{
	long L = num_rel_levels(q);
	size_t levels = L <= DENSE_LEVELS_MAX ? (size_t)L : q->nlevels;

	/* the table, and as much again for the merge sort */
	return 2 * (nparams + levels);
}

void trec_msort(void *base, size_t n, size_t size, void *tmp,
		int (*cmp)(const void *a, const void *b, const void *ctx), const void *ctx)
{
	char *b1 = base, *b2, *t = tmp;
	size_t n1, n2;

	if (n <= 1)
		return;
	n1 = n / 2;
	n2 = n - n1;
	b2 = b1 + n1 * size;
	trec_msort(b1, n1, size, tmp, cmp, ctx);
	trec_msort(b2, n2, size, tmp, cmp, ctx);
	while (n1 > 0 && n2 > 0) {
		if (cmp(b1, b2, ctx) <= 0) {
			memcpy(t, b1, size);
			b1 += size;
			n1--;
		} else {
			memcpy(t, b2, size);
			b2 += size;
			n2--;
		}
		t += size;
	}
	/* what is left of the right half is in place already */
	memcpy(t, b1, n1 * size);
	t += n1 * size;
	memcpy(base, tmp, (size_t)(t - (char *)tmp));
}

/* gain_init.c orders gains by (int)(a - b); x86 turns an out-of-range conversion into INT_MIN */
static int gain_cmp(const void *pa, const void *pb, const void *ctx)
{
	const struct trec_gain *a = pa, *b = pb;
	double d = a->gain - b->gain;

	(void)ctx;
	if (!(d > -2147483649.0 && d < 2147483648.0))
		return INT_MIN;
	return (int)d;
}

/* Order of a table sorted for find_gain(): by rel, then by position in gain order (kept in count). */
static int rel_cmp(const void *pa, const void *pb)
{
	const struct trec_gain *a = pa, *b = pb;

	if (a->rel != b->rel)
		return a->rel < b->rel ? -1 : 1;
	return (a->count > b->count) - (a->count < b->count);
}

/*
 * The gain of judgement rel: that of the first level in gain order whose
 * rel it is (a parameter may name a level twice), 0 when none is. by_rel
 * is the levels sorted by rel_cmp(), so this is a binary search, not a
 * scan of up to 65,536 levels for every retrieved document.
 */
static double find_gain(long rel, const struct trec_gain *by_rel, size_t ng)
{
	size_t lo = 0, hi = ng;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (by_rel[mid].rel < rel)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ng && by_rel[lo].rel == rel ? by_rel[lo].gain : 0.0;
}

/*
 * Add the default gain of level rel (its own value) unless one of the
 * nparams parameters, g[0..nparams), named it. The levels added are
 * distinct, so only the parameters are searched: searching every level
 * added so far made a judgement of 50,000 cost a billion comparisons.
 */
static void add_level(struct trec_gain *g, size_t *ng, size_t nparams, long rel, long count)
{
	size_t j;

	for (j = 0; j < nparams; j++) {
		if (g[j].rel == rel) {
			g[j].count = count;
			return;
		}
	}
	g[*ng].rel = rel;
	g[*ng].gain = (double)rel;
	g[*ng].count = count;
	(*ng)++;
}

double trec_ndcg(const struct trec_query *q, const struct trec_gain_param *params,
		 size_t nparams, struct trec_gain *scratch)
{
	long L = num_rel_levels(q), cur, num_at_level, i;
	size_t ng = 0, p, l;
	struct trec_gain *g = scratch, *by_rel = NULL;
	double dcg = 0.0, ideal = 0.0, ideal_gain, rg;

	for (p = 0; p < nparams; p++) {
		g[ng].rel = params[p].rel;
		g[ng].gain = params[p].gain;
		g[ng].count = 0;
		ng++;
	}
	if (L <= DENSE_LEVELS_MAX && !gains_whole(params, nparams)) {
		long v;

		for (v = 0, l = 0; v < L; v++) {
			long count = 0;

			if (l < q->nlevels && q->levels[l].rel == v)
				count = q->levels[l++].count;
			add_level(g, &ng, nparams, v, count);
		}
	} else {
		for (l = 0; l < q->nlevels; l++)
			add_level(g, &ng, nparams, q->levels[l].rel, q->levels[l].count);
	}
	/* with nothing to sort, scratch may be NULL, and NULL + 0 is undefined in C */
	if (ng > 1)
		trec_msort(g, ng, sizeof(*g), g + ng, gain_cmp, NULL);
	/* the levels by rel, for find_gain(), in the merge sort's half of scratch */
	if (ng) {
		by_rel = g + ng;
		for (l = 0; l < ng; l++) {
			by_rel[l] = g[l];
			by_rel[l].count = (long)l;
		}
		qsort(by_rel, ng, sizeof(*by_rel), rel_cmp);
	}

	cur = (long)ng - 1;
	ideal_gain = cur >= 0 ? g[cur].gain : 0.0;
	num_at_level = 0;
	/* walk the ranking and the ideal ranking together, the ideal one as long as it gains */
	for (i = 0; i < q->num_ret || ideal_gain > 0.0; i++) {
		if (i < q->num_ret) {
			rg = find_gain(q->rel[i], by_rel, ng);
			if (rg != 0)
				dcg += rg / log2((double)(i + 2));
		}
		if (ideal_gain > 0.0) {
			num_at_level++;
			while (cur >= 0 && num_at_level > g[cur].count) {
				num_at_level = 1;
				cur--;
				ideal_gain = cur >= 0 ? g[cur].gain : 0.0;
			}
			if (ideal_gain > 0.0)
				ideal += ideal_gain / log2((double)(i + 2));
		}
	}
	return ideal > 0.0 ? dcg / ideal : 0.0;
}
