/* test_ranking.c: hand-worked cases for every ranking metric, including empty and short lists and absent targets. */
#include "tests/unit/test.h"
#include "metrics/ranking.h"

static const unsigned char two_of_four[] = { 0, 1, 0, 1 };

TEST(ranking_cut_inside_list)
{
	/* relevant at ranks 2 and 4, two relevant in all, k = 3 */
	const unsigned char *r = two_of_four;
	double dcg = 1 / log2(3.0), idcg = 1 + 1 / log2(3.0);

	CHECK_NEAR(metric_hit(r, 4, 2, 3), 1, 1e-15);
	CHECK_NEAR(metric_precision(r, 4, 2, 3), 1.0 / 3, 1e-15);
	CHECK_NEAR(metric_recall(r, 4, 2, 3), 0.5, 1e-15);
	CHECK_NEAR(metric_ndcg(r, 4, 2, 3), dcg / idcg, 1e-15);
	CHECK_NEAR(metric_ndcg(r, 4, 2, 3), 0.38685280723454163, 1e-12);
	CHECK_NEAR(metric_mrr(r, 4, 2, 3), 0.5, 1e-15);
	/* P@2 = 1/2 at the only relevant rank <= 3, divided by 2 relevant */
	CHECK_NEAR(metric_map(r, 4, 2, 3), 0.25, 1e-15);
}

TEST(ranking_list_shorter_than_k)
{
	/* the same list at k = 5: place 5 is missing and counts as non-relevant */
	const unsigned char *r = two_of_four;
	double dcg = 1 / log2(3.0) + 1 / log2(5.0), idcg = 1 + 1 / log2(3.0);

	CHECK_NEAR(metric_hit(r, 4, 2, 5), 1, 1e-15);
	CHECK_NEAR(metric_precision(r, 4, 2, 5), 2.0 / 5, 1e-15);
	CHECK_NEAR(metric_recall(r, 4, 2, 5), 1, 1e-15);
	CHECK_NEAR(metric_ndcg(r, 4, 2, 5), dcg / idcg, 1e-15);
	CHECK_NEAR(metric_mrr(r, 4, 2, 5), 0.5, 1e-15);
	CHECK_NEAR(metric_map(r, 4, 2, 5), (0.5 + 0.5) / 2, 1e-15);
}

TEST(ranking_single_target)
{
	static const unsigned char first[] = { 1, 0, 0 }, third[] = { 0, 0, 1 };

	CHECK_NEAR(metric_ndcg(first, 3, 1, 1), 1, 1e-15);
	CHECK_NEAR(metric_ndcg(third, 3, 1, 10), 0.5, 1e-15); /* 1/log2(4) */
	CHECK_NEAR(metric_ndcg(third, 3, 1, 2), 0, 1e-15);
	CHECK_NEAR(metric_mrr(third, 3, 1, 10), 1.0 / 3, 1e-15);
	CHECK_NEAR(metric_map(third, 3, 1, 10), 1.0 / 3, 1e-15);
	CHECK_NEAR(metric_precision(third, 3, 1, 10), 0.1, 1e-15);
	CHECK_NEAR(metric_recall(third, 3, 1, 3), 1, 1e-15);
	CHECK_NEAR(metric_hit(third, 3, 1, 2), 0, 1e-15);
}

TEST(ranking_empty_list)
{
	enum ranking_metric m;

	for (m = 0; m < RM__COUNT; m++)
		CHECK_NEAR(ranking_metric(m, NULL, 0, 1, 10), 0, 0);
}

TEST(ranking_target_absent)
{
	static const unsigned char none[] = { 0, 0, 0, 0, 0 };
	enum ranking_metric m;

	for (m = 0; m < RM__COUNT; m++) {
		CHECK_NEAR(ranking_metric(m, none, 5, 1, 5), 0, 0);
		/* no relevant item at all: defined as 0, never a division by zero */
		CHECK_NEAR(ranking_metric(m, none, 5, 0, 5), 0, 0);
	}
}

TEST(ranking_names)
{
	CHECK_STR(ranking_metric_names[RM_NDCG], "ndcg");
	CHECK_STR(ranking_metric_names[RM_MAP], "map");
}
