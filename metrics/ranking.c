/* ranking.c: hit, precision, recall, ndcg, mrr and map at k (binary relevance, trec_eval's definitions). */
#include <math.h>
#include "metrics/ranking.h"

const char *const ranking_metric_names[RM__COUNT] = {
	[RM_NDCG] = "ndcg", [RM_RECALL] = "recall", [RM_HIT] = "hit",
	[RM_PRECISION] = "precision", [RM_MRR] = "mrr", [RM_MAP] = "map",
};

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* hit@k = 1 if any of the first k items is relevant, else 0 (trec_eval success.k). */
double metric_hit(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	size_t i, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		if (rel[i])
			return 1;
	return 0;
}

/* precision@k = |relevant in top k| / k; the divisor is k even for shorter lists (trec_eval P.k). */
double metric_precision(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	size_t i, hits = 0, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		hits += rel[i] != 0;
	return (double)hits / (double)k;
}

/* recall@k = |relevant in top k| / |relevant| (trec_eval recall.k). */
double metric_recall(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	size_t i, hits = 0, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		hits += rel[i] != 0;
	return (double)hits / (double)n_rel;
}

/*
 * ndcg@k = DCG@k / IDCG@k with gain 1 for a relevant item (trec_eval ndcg_cut.k):
 *   DCG@k  = sum over ranks r <= k of rel_r / log2(r + 1)
 *   IDCG@k = sum over r = 1 .. min(k, |relevant|) of 1 / log2(r + 1)
 */
double metric_ndcg(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	double dcg = 0, idcg = 0;
	size_t i, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		if (rel[i])
			dcg += 1.0 / log2((double)i + 2);
	for (i = 0; i < min_size(k, n_rel); i++)
		idcg += 1.0 / log2((double)i + 2);
	return dcg / idcg;
}

/* mrr@k = 1 / rank of the first relevant item within the top k, 0 if none (trec_eval recip_rank, cut at k). */
double metric_mrr(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	size_t i, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		if (rel[i])
			return 1.0 / (double)(i + 1);
	return 0;
}

/*
 * map@k = (1 / |relevant|) * sum over relevant ranks r <= k of precision@r
 * (trec_eval map_cut.k: the divisor is every relevant item, found or not).
 */
double metric_map(const unsigned char *rel, size_t n, size_t n_rel, size_t k)
{
	double sum = 0;
	size_t i, hits = 0, end = min_size(n, k);

	if (!n_rel)
		return 0;
	for (i = 0; i < end; i++)
		if (rel[i]) {
			hits++;
			sum += (double)hits / (double)(i + 1);
		}
	return sum / (double)n_rel;
}

double ranking_metric(enum ranking_metric m, const unsigned char *rel, size_t n,
		      size_t n_rel, size_t k)
{
	switch (m) {
	case RM_NDCG: return metric_ndcg(rel, n, n_rel, k);
	case RM_RECALL: return metric_recall(rel, n, n_rel, k);
	case RM_HIT: return metric_hit(rel, n, n_rel, k);
	case RM_PRECISION: return metric_precision(rel, n, n_rel, k);
	case RM_MRR: return metric_mrr(rel, n, n_rel, k);
	case RM_MAP: return metric_map(rel, n, n_rel, k);
	case RM__COUNT: break;
	}
	return NAN;
}
