/* test_trec.c: hand-worked cases for trec_eval's measures (metrics/trec.h), including trec_eval's own quirks. */
#include "tests/unit/test.h"
#include "metrics/trec.h"

#define NONPOOL TREC_REL_NONPOOL
#define UNJUDGED TREC_REL_UNJUDGED

/*
 * The ranking of tests/fixtures/trec's query q1: d9 (1), d10 (judged -1),
 * d1 (1), d7 (not judged), d3 (2); the qrels hold one doc at level 0, two
 * at 1 and one at 2. Relevant (>= 1) at ranks 1, 3 and 5; R = 3.
 */
static const long q1_rel[] = { 1, UNJUDGED, 1, NONPOOL, 2 };
static const struct trec_level q1_levels[] = { { 0, 1 }, { 1, 2 }, { 2, 1 } };

static struct trec_query q1(long level)
{
	struct trec_query q = { q1_rel, 5, q1_levels, 3, 0, 0, level };

	trec_query_count(&q);
	return q;
}

TEST(trec_counts)
{
	struct trec_query q = q1(1);

	CHECK_INT(q.num_rel, 3);
	CHECK_INT(q.num_rel_ret, 3);
	q = q1(2);
	CHECK_INT(q.num_rel, 1);
	CHECK_INT(q.num_rel_ret, 1);
	/* level 0: judged 0 counts too, but the unjudged and the unpooled never do */
	q = q1(0);
	CHECK_INT(q.num_rel, 4);
	CHECK_INT(q.num_rel_ret, 3);
}

TEST(trec_ap_rprec_rr)
{
	struct trec_query q = q1(1);

	CHECK_NEAR(trec_ap(&q), (1.0 + 2.0 / 3 + 3.0 / 5) / 3, 1e-15);
	CHECK_NEAR(trec_gm_ap_log(&q), log((1.0 + 2.0 / 3 + 3.0 / 5) / 3), 1e-15);
	CHECK_NEAR(trec_rprec(&q), 2.0 / 3, 1e-15);
	CHECK_NEAR(trec_recip_rank(&q), 1.0, 0);
	/* at level 2 only d3, at rank 5, is relevant */
	q = q1(2);
	CHECK_NEAR(trec_ap(&q), 1.0 / 5, 1e-15);
	CHECK_NEAR(trec_rprec(&q), 0.0, 0);
	CHECK_NEAR(trec_recip_rank(&q), 1.0 / 5, 1e-15);
}

TEST(trec_nothing_found)
{
	static const long rel[] = { 0, NONPOOL, 0 };
	static const struct trec_level lv[] = { { 0, 2 }, { 1, 1 } };
	struct trec_query q = { rel, 3, lv, 2, 0, 0, 1 };
	static const long cut[] = { 1, 10 };
	double v[2];
	struct trec_gain scratch[8];

	trec_query_count(&q);
	CHECK_NEAR(trec_ap(&q), 0, 0);
	/* the geometric mean floors AP at 0.00001 */
	CHECK_NEAR(trec_gm_ap_log(&q), log(0.00001), 1e-15);
	CHECK_NEAR(trec_bpref(&q), 0, 0);
	CHECK_NEAR(trec_recip_rank(&q), 0, 0);
	trec_precision(v, &q, cut, 2);
	CHECK_NEAR(v[0], 0, 0);
	CHECK_NEAR(v[1], 0, 0);
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), 0, 0);
}

TEST(trec_bpref_counts_judged_nonrelevant_above)
{
	/* nonrel, rel, (unjudged), nonrel, (not pooled), rel: R = 2, N = 2 */
	static const long rel[] = { 0, 1, UNJUDGED, 0, NONPOOL, 1 };
	static const struct trec_level lv[] = { { 0, 2 }, { 1, 2 } };
	struct trec_query q = { rel, 6, lv, 2, 0, 0, 1 };

	trec_query_count(&q);
	/* first relevant: 1 - 1/2; second: 1 - 2/2 */
	CHECK_NEAR(trec_bpref(&q), (0.5 + 0.0) / 2, 1e-15);
	q = q1(1);
	CHECK_NEAR(trec_bpref(&q), 1.0, 0);
}

TEST(trec_cutoffs)
{
	struct trec_query q = q1(1);
	static const long cut[] = { 1, 2, 5, 10 };
	double v[4];

	trec_precision(v, &q, cut, 4);
	CHECK_NEAR(v[0], 1, 0);
	CHECK_NEAR(v[1], 0.5, 0);
	CHECK_NEAR(v[2], 0.6, 1e-15);
	CHECK_NEAR(v[3], 0.3, 1e-15);   /* beyond the ranking: missing places are non-relevant */
	trec_recall(v, &q, cut, 4);
	CHECK_NEAR(v[0], 1.0 / 3, 1e-15);
	CHECK_NEAR(v[1], 1.0 / 3, 1e-15);
	CHECK_NEAR(v[2], 1, 0);
	CHECK_NEAR(v[3], 1, 0);
	trec_success(v, &q, cut, 4);
	CHECK_NEAR(v[0], 1, 0);
	CHECK_NEAR(v[3], 1, 0);
	trec_map_cut(v, &q, cut, 4);
	CHECK_NEAR(v[0], 1.0 / 3, 1e-15);
	CHECK_NEAR(v[1], 1.0 / 3, 1e-15);
	CHECK_NEAR(v[2], (1.0 + 2.0 / 3 + 3.0 / 5) / 3, 1e-15);
	CHECK_NEAR(v[3], (1.0 + 2.0 / 3 + 3.0 / 5) / 3, 1e-15);
}

TEST(trec_recall_without_relevant)
{
	static const long rel[] = { 0 };
	static const struct trec_level lv[] = { { 0, 1 } };
	struct trec_query q = { rel, 1, lv, 1, 0, 0, 1 };
	static const long cut[] = { 5 };
	double v[1] = { -1 };

	trec_query_count(&q);
	trec_recall(v, &q, cut, 1);
	CHECK_NEAR(v[0], 0, 0);
	v[0] = -1;
	trec_map_cut(v, &q, cut, 1);
	CHECK_NEAR(v[0], 0, 0);
	CHECK_NEAR(trec_rprec(&q), 0, 0);
}

TEST(trec_ndcg_graded)
{
	struct trec_query q = q1(1);
	static const long cut[] = { 1, 3, 5, 10 };
	double dcg = 1 + 1 / log2(4.0) + 2 / log2(6.0);
	double idcg = 2 + 1 / log2(3.0) + 1 / log2(4.0);
	double v[4];
	struct trec_gain scratch[16];

	/* gains are the judgements, and -l does not change them */
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), dcg / idcg, 1e-15);
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), 0.7262078019717506, 1e-12);
	q = q1(2);
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), dcg / idcg, 1e-15);
	trec_ndcg_cut(v, &q, cut, 4);
	CHECK_NEAR(v[0], 1.0 / 2, 1e-15);
	CHECK_NEAR(v[1], 1.5 / idcg, 1e-15);
	CHECK_NEAR(v[2], dcg / idcg, 1e-15);
	/* the ideal ranking has 4 documents: at 10 both sums are complete */
	CHECK_NEAR(v[3], dcg / idcg, 1e-15);
}

TEST(trec_ndcg_gain_parameters)
{
	struct trec_query q = q1(1);
	struct trec_gain scratch[16];
	/* -m ndcg.1=0,2=1: grade 1 earns nothing, grade 2 earns 1 */
	static const struct trec_gain_param p1[] = { { 1, 0.0 }, { 2, 1.0 } };
	/* -m ndcg.1=3: grade 1 is worth more than grade 2 (gain 2 by default) */
	static const struct trec_gain_param p2[] = { { 1, 3.0 } };
	/* -m ndcg.-1=1: documents not in the qrels earn 1 */
	static const struct trec_gain_param p3[] = { { -1, 1.0 } };

	CHECK_NEAR(trec_ndcg(&q, p1, 2, scratch), (1 / log2(6.0)) / 1, 1e-15);
	CHECK_NEAR(trec_ndcg(&q, p2, 1, scratch),
		   (3 + 3 / log2(4.0) + 2 / log2(6.0)) / (3 + 3 / log2(3.0) + 2 / log2(4.0)),
		   1e-15);
	/* the ideal ranking knows only judged documents */
	CHECK_NEAR(trec_ndcg(&q, p3, 1, scratch),
		   (1 + 1 / log2(4.0) + 1 / log2(5.0) + 2 / log2(6.0)) /
		   (2 + 1 / log2(3.0) + 1 / log2(4.0)), 1e-15);
}

TEST(trec_ndcg_fractional_gains_as_trec_eval)
{
	/*
	 * -m ndcg.1=0.5: trec_eval orders the gains with (int)(a - b), so 0.5
	 * ties with level 0's gain 0 and stays below it: the ideal ranking
	 * stops at gain 0 and never counts the grade-1 documents.
	 */
	struct trec_query q = q1(1);
	struct trec_gain scratch[16];
	static const struct trec_gain_param p[] = { { 1, 0.5 } };

	CHECK(trec_ndcg_scratch(&q, 1) <= 16);
	CHECK_NEAR(trec_ndcg(&q, p, 1, scratch), (0.5 + 0.5 / log2(4.0) + 2 / log2(6.0)) / 2,
		   1e-15);
	CHECK_NEAR(trec_ndcg(&q, p, 1, scratch), 0.7618528072345416, 1e-12);
}

/*
 * Found by tests/fuzz/fuzz_trec.c (a timeout): a judgement of 49,999 made
 * nDCG compare every gain level with every other, a billion comparisons
 * for one query, and look each retrieved document's gain up among them
 * all. The levels are now added in one pass and looked up by binary search.
 */
TEST(trec_ndcg_huge_judgement_is_linear)
{
	static const long rel[] = { 1, 60000, NONPOOL };
	static const struct trec_level lv[] = { { 1, 1 }, { 60000, 1 } };
	struct trec_query q = { rel, 3, lv, 2, 0, 0, 1 };
	size_t need;
	struct trec_gain *scratch;

	trec_query_count(&q);
	need = trec_ndcg_scratch(&q, 0);
	CHECK(need >= 2 * 60001);
	scratch = xmalloc(need * sizeof(*scratch));
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), (1 + 60000 / log2(3.0)) / (60000 + 1 / log2(3.0)), 1e-15);
	free(scratch);
}

TEST(trec_ndcg_level_named_twice)
{
	/*
	 * -m ndcg.1=5,1=0: level 1 is in the table twice; its documents count
	 * in the ideal ranking with the first gain (5), and a retrieved one
	 * earns the gain that comes first in gain order (0), as before the
	 * lookup by binary search.
	 */
	static const long rel[] = { 1, 2 };
	static const struct trec_level lv[] = { { 1, 1 }, { 2, 1 } };
	static const struct trec_gain_param p[] = { { 1, 5.0 }, { 1, 0.0 } };
	struct trec_query q = { rel, 2, lv, 2, 0, 0, 1 };
	struct trec_gain scratch[16];

	trec_query_count(&q);
	CHECK(trec_ndcg_scratch(&q, 2) <= 16);
	CHECK_NEAR(trec_ndcg(&q, p, 2, scratch), (2 / log2(3.0)) / (5 + 2 / log2(3.0)), 1e-15);
}

TEST(trec_iprec_at_recall)
{
	struct trec_query q = q1(1);
	static const double f[] = { 0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 };
	static const double want[] = { 1, 1, 1, 1, 1, 2.0 / 3, 2.0 / 3, 2.0 / 3, 2.0 / 3, 0.6, 0.6 };
	/* one of two relevant documents retrieved, at rank 2 */
	static const long rel2[] = { NONPOOL, 1 };
	static const struct trec_level lv2[] = { { 1, 2 } };
	struct trec_query q2 = { rel2, 2, lv2, 1, 0, 0, 1 };
	double v[11];
	size_t i;

	/* recall p is reached at the round(p * R)-th relevant document */
	trec_iprec_at_recall(v, &q, f, 11);
	for (i = 0; i < 11; i++)
		CHECK_NEAR(v[i], want[i], 1e-15);
	trec_query_count(&q2);
	memset(v, 0, sizeof(v));
	trec_iprec_at_recall(v, &q2, f, 11);
	for (i = 0; i < 8; i++)
		CHECK_NEAR(v[i], 0.5, 0);
	for (; i < 11; i++)
		CHECK_NEAR(v[i], 0, 0);   /* never reached: left as the caller set it */
}

TEST(trec_empty_judgements)
{
	/* a query whose qrels hold only negative judgements */
	static const long rel[] = { UNJUDGED, NONPOOL };
	struct trec_query q = { rel, 2, NULL, 0, 0, 0, 1 };
	static const long cut[] = { 1, 5 };
	double v[2] = { -1, -1 };
	struct trec_gain scratch[4];

	trec_query_count(&q);
	CHECK_INT(q.num_rel, 0);
	CHECK_NEAR(trec_ap(&q), 0, 0);
	CHECK_NEAR(trec_bpref(&q), 0, 0);
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, scratch), 0, 0);
	trec_ndcg_cut(v, &q, cut, 2);
	CHECK_NEAR(v[0], 0, 0);
	CHECK_NEAR(v[1], 0, 0);
}

TEST(trec_empty_query)
{
	/*
	 * Nothing retrieved and nothing judged: rel and levels are NULL, and
	 * trec_ndcg_scratch() asks for no scratch, so trec_ndcg() gets NULL
	 * (what the engine passes for -M 0 on a query judged only negatively).
	 * clang's UBSan used to stop at NULL + 0 in trec_ndcg().
	 */
	struct trec_query q = { NULL, 0, NULL, 0, 0, 0, 1 };
	static const long cut[] = { 1, 5 };
	static const double f[] = { 0.0, 0.5, 1.0 };
	double v[3] = { -1, -1, -1 };

	trec_query_count(&q);
	CHECK_INT(q.num_rel, 0);
	CHECK_INT(q.num_rel_ret, 0);
	CHECK_NEAR(trec_ap(&q), 0, 0);
	CHECK_NEAR(trec_gm_ap_log(&q), log(TREC_MIN_GEO_MEAN), 1e-15);
	CHECK_NEAR(trec_rprec(&q), 0, 0);
	CHECK_NEAR(trec_bpref(&q), 0, 0);
	CHECK_NEAR(trec_recip_rank(&q), 0, 0);
	CHECK_INT((long)trec_ndcg_scratch(&q, 0), 0);
	CHECK_NEAR(trec_ndcg(&q, NULL, 0, NULL), 0, 0);
	trec_precision(v, &q, cut, 2);
	CHECK_NEAR(v[0], 0, 0);
	CHECK_NEAR(v[1], 0, 0);
	trec_recall(v, &q, cut, 2);
	CHECK_NEAR(v[0], 0, 0);
	trec_success(v, &q, cut, 2);
	CHECK_NEAR(v[1], 0, 0);
	trec_map_cut(v, &q, cut, 2);
	CHECK_NEAR(v[0], 0, 0);
	trec_ndcg_cut(v, &q, cut, 2);
	CHECK_NEAR(v[1], 0, 0);
	/* precision at rank 0 is 0/0 in m_iprec_at_recall.c too: trec_eval prints its nan */
	trec_iprec_at_recall(v, &q, f, 3);
	CHECK(isnan(v[0]) && isnan(v[1]) && isnan(v[2]));
	trec_msort(NULL, 0, sizeof(double), NULL, NULL, NULL);
}
