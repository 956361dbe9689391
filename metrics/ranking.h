/* ranking.h: binary-relevance ranking metrics at a cutoff k, as trec_eval defines them. Pure functions. */
#ifndef RANKING_H
#define RANKING_H

#include <stddef.h>

/*
 * Every function takes the ranked list as relevance flags: rel[i] != 0 when
 * the item at rank i+1 is relevant (one of the held-out targets), n the
 * length of the list (it may be shorter than k: the missing places count as
 * non-relevant), n_rel the number of relevant items (targets), and k >= 1.
 * When n_rel == 0 every metric is 0 (nothing can be found).
 */
double metric_hit(const unsigned char *rel, size_t n, size_t n_rel, size_t k);
double metric_precision(const unsigned char *rel, size_t n, size_t n_rel, size_t k);
double metric_recall(const unsigned char *rel, size_t n, size_t n_rel, size_t k);
double metric_ndcg(const unsigned char *rel, size_t n, size_t n_rel, size_t k);
double metric_mrr(const unsigned char *rel, size_t n, size_t n_rel, size_t k);
double metric_map(const unsigned char *rel, size_t n, size_t n_rel, size_t k);

/* The metric families by name, in the order tables print them. */
enum ranking_metric {
	RM_NDCG, RM_RECALL, RM_HIT, RM_PRECISION, RM_MRR, RM_MAP, RM__COUNT
};
extern const char *const ranking_metric_names[RM__COUNT];
double ranking_metric(enum ranking_metric m, const unsigned char *rel, size_t n,
		      size_t n_rel, size_t k);

#endif
