/* test_beyond.c: hand-worked cases for novelty, arp, aplt, ild, the long tail, coverage, gini and entropy. */
#include "tests/unit/test.h"
#include "metrics/beyond.h"

/* five items seen 8, 4, 2, 1 and 0 times: 15 training interactions */
static const uint32_t count[] = { 8, 4, 2, 1, 0 };

TEST(beyond_novelty_arp)
{
	static const uint32_t list[] = { 0, 2, 4 };

	/* -log2(8/15), -log2(2/15), and the unseen item counts as seen once: -log2(1/15) */
	CHECK_NEAR(beyond_novelty(list, 3, count, 15),
		   (-log2(8 / 15.0) - log2(2 / 15.0) - log2(1 / 15.0)) / 3, 1e-12);
	CHECK_NEAR(beyond_arp(list, 3, count), (8 + 2 + 0) / 3.0, 1e-12);
	CHECK(isnan(beyond_novelty(list, 0, count, 15)));
	CHECK(isnan(beyond_arp(list, 0, count)));
}

TEST(beyond_long_tail_and_aplt)
{
	unsigned char tail[5];
	uint64_t order[5];
	static const uint32_t list[] = { 0, 1, 3, 4 };

	/* 20% of 15 = 3: item 0 alone (8) reaches it, so the head is {0} */
	beyond_long_tail(tail, order, count, 5, 0.2);
	CHECK_INT(tail[0], 0);
	CHECK_INT(tail[1], 1);
	CHECK_INT(tail[4], 1);
	CHECK_NEAR(beyond_aplt(list, 4, tail), 3 / 4.0, 1e-12);
	/* at 60% (9): items 0 and 1 (8 + 4 = 12) */
	beyond_long_tail(tail, order, count, 5, 0.6);
	CHECK_INT(tail[1], 0);
	CHECK_INT(tail[2], 1);
}

TEST(beyond_ild)
{
	/* item 0: {0,1}, item 1: {1}, item 2: {2}, item 3: none */
	static const uint32_t off[] = { 0, 2, 3, 4, 4 };
	static const uint32_t cats[] = { 0, 1, 1, 2 };
	static const uint32_t list[] = { 0, 1, 2, 3 };

	/* pairs: (0,1) 1 - 1/2, (0,2) 1 - 0/3, (1,2) 1 - 0/2; item 3 has no categories */
	CHECK_NEAR(beyond_ild(list, 4, off, cats), (0.5 + 1 + 1) / 3, 1e-12);
	CHECK(isnan(beyond_ild(list, 1, off, cats)));
	CHECK(isnan(beyond_ild(list + 3, 1, off, cats)));
}

TEST(beyond_distribution)
{
	static const uint32_t even[] = { 2, 2, 2, 2 }, one[] = { 0, 0, 0, 8 }, none[] = { 0, 0, 0, 0 };
	static const uint32_t mixed[] = { 3, 1, 0, 0 };
	uint32_t scratch[4];

	CHECK_NEAR(beyond_coverage(even, 4), 1, 0);
	CHECK_NEAR(beyond_coverage(one, 4), 0.25, 0);
	CHECK_NEAR(beyond_gini(even, 4, scratch), 0, 1e-12);
	/* x ascending 0,0,0,8: (2*4 - 5) * 8 / (4 * 8) = 3/4 */
	CHECK_NEAR(beyond_gini(one, 4, scratch), 0.75, 1e-12);
	/* 0,0,1,3: ((2*3-5)*1 + (2*4-5)*3) / (4*4) = 10/16 */
	CHECK_NEAR(beyond_gini(mixed, 4, scratch), 10 / 16.0, 1e-12);
	CHECK_NEAR(beyond_gini(none, 4, scratch), 0, 0);
	CHECK_NEAR(beyond_entropy(even, 4), 2, 1e-12);
	CHECK_NEAR(beyond_entropy(one, 4), 0, 1e-12);
	CHECK_NEAR(beyond_entropy(mixed, 4), -(0.75 * log2(0.75) + 0.25 * log2(0.25)), 1e-12);
	CHECK(isnan(beyond_entropy(none, 4)));
}
