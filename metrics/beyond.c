/* beyond.c: novelty, arp, aplt, intra-list diversity, coverage, gini and entropy (formulas in beyond.h and beside each function). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "metrics/beyond.h"

/* novelty: (1/n) sum_i -log2(max(count_i, 1) / n_train) */
double beyond_novelty(const uint32_t *list, size_t n, const uint32_t *count, size_t n_train)
{
	double s = 0;
	size_t i;

	if (!n || !n_train)
		return NAN;
	for (i = 0; i < n; i++) {
		uint32_t c = count[list[i]] ? count[list[i]] : 1;
		s += -log2((double)c / (double)n_train);
	}
	return s / (double)n;
}

/* arp: (1/n) sum_i count_i */
double beyond_arp(const uint32_t *list, size_t n, const uint32_t *count)
{
	double s = 0;
	size_t i;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		s += count[list[i]];
	return s / (double)n;
}

/* aplt: |list ∩ tail| / n */
double beyond_aplt(const uint32_t *list, size_t n, const unsigned char *tail)
{
	size_t i, in = 0;

	if (!n)
		return NAN;
	for (i = 0; i < n; i++)
		in += tail[list[i]] != 0;
	return (double)in / (double)n;
}

/* |A ∩ B| of two ascending arrays */
static size_t intersect(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, c = 0;

	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			c++;
			i++;
			j++;
		} else if (a[i] < b[j]) {
			i++;
		} else {
			j++;
		}
	}
	return c;
}

/* ild: mean over pairs {i, j} with categories of 1 - |C_i ∩ C_j| / |C_i ∪ C_j| */
double beyond_ild(const uint32_t *list, size_t n, const uint32_t *cat_off, const uint32_t *cats)
{
	double s = 0;
	size_t a, b, pairs = 0;

	for (a = 0; a < n; a++) {
		const uint32_t *ca = cats + cat_off[list[a]];
		size_t na = cat_off[list[a] + 1] - cat_off[list[a]];
		if (!na)
			continue;
		for (b = a + 1; b < n; b++) {
			const uint32_t *cb = cats + cat_off[list[b]];
			size_t nb = cat_off[list[b] + 1] - cat_off[list[b]], inter;
			if (!nb)
				continue;
			inter = intersect(ca, na, cb, nb);
			s += 1.0 - (double)inter / (double)(na + nb - inter);
			pairs++;
		}
	}
	return pairs ? s / (double)pairs : NAN;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void beyond_long_tail(unsigned char *tail, uint64_t *order, const uint32_t *count, size_t n_items,
		      double head_share)
{
	double total = 0, acc = 0;
	size_t i;

	/* one key sorts by count descending, then index ascending */
	for (i = 0; i < n_items; i++) {
		order[i] = ((uint64_t)(UINT32_MAX - count[i]) << 32) | (uint64_t)i;
		total += count[i];
		tail[i] = 1;
	}
	qsort(order, n_items, sizeof(*order), cmp_u64);
	for (i = 0; i < n_items && total > 0 && acc < head_share * total; i++) {
		uint32_t it = (uint32_t)(order[i] & 0xffffffffu);
		tail[it] = 0;
		acc += count[it];
	}
}

double beyond_coverage(const uint32_t *freq, size_t n_items)
{
	size_t i, c = 0;

	if (!n_items)
		return NAN;
	for (i = 0; i < n_items; i++)
		c += freq[i] > 0;
	return (double)c / (double)n_items;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* gini: sum_j (2j - n - 1) x_j / (n sum x), x ascending, j from 1 */
double beyond_gini(const uint32_t *freq, size_t n_items, uint32_t *scratch)
{
	double num = 0, sum = 0, n = (double)n_items;
	size_t j;

	if (!n_items)
		return NAN;
	memcpy(scratch, freq, n_items * sizeof(*scratch));
	qsort(scratch, n_items, sizeof(*scratch), cmp_u32);
	for (j = 0; j < n_items; j++) {
		num += (2.0 * (double)(j + 1) - n - 1) * scratch[j];
		sum += scratch[j];
	}
	return sum > 0 ? num / (n * sum) : 0;
}

/* entropy: -sum p_i log2 p_i, p_i = freq_i / sum freq */
double beyond_entropy(const uint32_t *freq, size_t n_items)
{
	double total = 0, h = 0;
	size_t i;

	for (i = 0; i < n_items; i++)
		total += freq[i];
	if (total <= 0)
		return NAN;
	for (i = 0; i < n_items; i++)
		if (freq[i]) {
			double p = freq[i] / total;
			h -= p * log2(p);
		}
	return h;
}
