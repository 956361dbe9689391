/* test_judge.c: judges' verdicts read strictly, pairwise figures of biased and fair judges, the sign test, kappa, title spans, transcripts. */
#include "tests/unit/test.h"
#include "eval/answer/verdict.h"
#include "eval/answer/titles.h"
#include "eval/answer/grounder.h"
#include "eval/codec.h"
#include "metrics/agreement.h"

static int pair(const char *s, enum verdict *v, const char **why)
{
	return verdict_pairwise(v, s, strlen(s), why);
}

TEST(verdict_pairwise_reads_one_mark_and_refuses_the_rest)
{
	enum verdict v = VERDICT_TIE;
	const char *why = NULL;

	CHECK_INT(pair("A is clearer. Final verdict: [[A]]", &v, &why), 0);
	CHECK_INT(v, VERDICT_A);
	CHECK_INT(pair("[[B]]", &v, &why), 0);
	CHECK_INT(v, VERDICT_B);
	CHECK_INT(pair("a tie: [[C]] ... so [[C]]", &v, &why), 0);
	CHECK_INT(v, VERDICT_TIE);
	/* never a guess: none, two different, or a mark that is not a verdict */
	CHECK_INT(pair("Assistant A is better.", &v, &why), -1);
	CHECK_STR(why, "no verdict [[A]], [[B]] or [[C]]");
	CHECK_INT(pair("[[A]] ... on reflection [[B]]", &v, &why), -1);
	CHECK_STR(why, "two different verdicts");
	CHECK_INT(pair("[[D]]", &v, &why), -1);
	CHECK_INT(pair("[[a]]", &v, &why), -1);
	CHECK_INT(pair("", &v, &why), -1);
	/* reasoning is not the verdict */
	CHECK_INT(pair("<think>maybe [[A]]</think>\nFinal: [[B]]", &v, &why), 0);
	CHECK_INT(v, VERDICT_B);
	CHECK_INT(pair("<think>[[A]] and never closed", &v, &why), -1);
	/* bytes after a NUL are not read past len */
	CHECK_INT(verdict_pairwise(&v, "[[A]]\0[[B]]", 11, &why), 0);
}

TEST(verdict_rating_reads_mt_bench_single_answer)
{
	double r = 0;
	const char *why = NULL;

	CHECK_INT(verdict_rating(&r, "Good. Rating: [[7]]", 19, 1, 10, &why), 0);
	CHECK_NEAR(r, 7, 0);
	CHECK_INT(verdict_rating(&r, "Rating: [[8.5]]", 15, 1, 10, &why), 0);
	CHECK_NEAR(r, 8.5, 0);
	CHECK_INT(verdict_rating(&r, "Rating: 7", 9, 1, 10, &why), -1);
	CHECK_STR(why, "no rating [[N]]");
	CHECK_INT(verdict_rating(&r, "Rating: [[11]]", 14, 1, 10, &why), -1);
	CHECK_STR(why, "a rating off the scale");
	CHECK_INT(verdict_rating(&r, "[[3]] or [[4]]", 14, 1, 10, &why), -1);
	CHECK_STR(why, "two different ratings");
}

static int rubric(const char *s, long *scores, const char **why)
{
	static const char *const aspects[] = { "informativeness", "persuasiveness", "helpfulness" };
	return verdict_rubric(scores, s, strlen(s), aspects, 3, 1, 3, why);
}

TEST(verdict_rubric_needs_every_aspect_whole_and_on_the_scale)
{
	long s[3] = { 0, 0, 0 };
	const char *why = NULL;

	CHECK_INT(rubric("Fine.\n```json\n{\"informativeness\": 3, \"persuasiveness\": 2, \"helpfulness\": 1, "
			 "\"reason\": \"ok\"}\n```", s, &why), 0);
	CHECK_INT(s[0], 3);
	CHECK_INT(s[1], 2);
	CHECK_INT(s[2], 1);
	/* keys compared without case */
	CHECK_INT(rubric("{\"Informativeness\": 1, \"Persuasiveness\": 1, \"Helpfulness\": 2}", s, &why), 0);
	CHECK_INT(s[2], 2);
	CHECK_INT(rubric("{\"informativeness\": 2, oops", s, &why), -1);
	CHECK_STR(why, "the JSON object is not valid JSON");
	CHECK_INT(rubric("All good.", s, &why), -1);
	CHECK_STR(why, "no JSON object");
	CHECK_INT(rubric("{\"persuasiveness\": 2, \"helpfulness\": 2}", s, &why), -1);
	CHECK_STR(why, "an aspect is missing");
	CHECK_INT(rubric("{\"informativeness\": 4, \"persuasiveness\": 2, \"helpfulness\": 2}", s, &why), -1);
	CHECK_STR(why, "an aspect's score is off the scale");
	CHECK_INT(rubric("{\"informativeness\": 2.5, \"persuasiveness\": 2, \"helpfulness\": 2}", s, &why), -1);
	CHECK_STR(why, "an aspect's score is not a whole number");
	CHECK_INT(rubric("{\"informativeness\": \"2\", \"persuasiveness\": 2, \"helpfulness\": 2}", s, &why), -1);
	CHECK_INT(rubric("{\"informativeness\": 1, \"persuasiveness\": 1, \"helpfulness\": 1} then "
			 "{\"informativeness\": 3, \"persuasiveness\": 3, \"helpfulness\": 3}", s, &why), -1);
	CHECK_STR(why, "two different verdicts");
	CHECK_INT(rubric("{\"other\": 1}", s, &why), -1);
	CHECK_STR(why, "no JSON object with the rubric's aspects");
}

TEST(pair_figures_of_a_judge_that_always_picks_the_first_shown)
{
	/* "[[A]]" in both orders: x wins shown first, y wins shown first */
	struct pair_judgment j[6];
	struct pair_figures f;
	size_t i;

	for (i = 0; i < 6; i++) {
		j[i].first_xy = 0;
		j[i].first_yx = 0;
		j[i].len_x = 10 + i;
		j[i].len_y = 20;
	}
	pair_figures(&f, j, 6);
	CHECK_INT(f.judged, 6);
	CHECK_NEAR(f.first_position_rate, 1.0, 0);
	CHECK_NEAR(f.consistency_rate, 0.0, 0);
	CHECK_NEAR(f.win_rate_adjusted, 0.5, 0);
	CHECK_NEAR(f.tie_rate, 1.0, 0);
	CHECK_NEAR(f.longer_preferred_rate, 0.5, 0);
	/* only ties: no win or loss to test */
	CHECK(isnan(f.p));
}

TEST(pair_figures_of_a_content_judge_and_its_failures)
{
	/* y better in both orders (x first: [[B]]; y first: [[A]]), twice; x better once; one tie; one unreadable */
	struct pair_judgment j[5] = {
		{ 1, 0, 5, 9 }, { 1, 0, 5, 9 }, { 0, 1, 9, 5 }, { 2, 2, 3, 3 }, { -1, 0, 4, 4 },
	};
	struct pair_figures f;

	pair_figures(&f, j, 5);
	CHECK_INT(f.samples, 5);
	CHECK_INT(f.judged, 4);
	CHECK_INT(f.wins, 2);
	CHECK_INT(f.losses, 1);
	CHECK_INT(f.ties, 1);
	CHECK_NEAR(f.judge_failure_rate, 0.2, 1e-12);
	CHECK_NEAR(f.win_rate, 0.5, 1e-12);
	CHECK_NEAR(f.win_rate_adjusted, (2 + 0.5) / 4, 1e-12);
	CHECK_NEAR(f.consistency_rate, 1.0, 0);
	CHECK_NEAR(f.first_position_rate, 0.5, 1e-12);
	/* the longer answer won every decisive verdict */
	CHECK_NEAR(f.longer_preferred_rate, 1.0, 0);
	/* order-dependent: x first says x, y first says x too? no: y first [[A]] is y */
	CHECK_INT(pair_outcome(&(struct pair_judgment){ 0, 0, 1, 1 }), PAIR_TIE);
	CHECK_INT(pair_outcome(&(struct pair_judgment){ 0, 1, 1, 1 }), PAIR_X);
	CHECK_INT(pair_outcome(&(struct pair_judgment){ 1, -1, 1, 1 }), -1);
}

TEST(sign_test_and_kappa_against_hand_values)
{
	int judge[10] = { 0, 1, 2, 0, 2, 0, 0, 2, 0, 1 }, human[10] = { 0, 1, 1, 2, 2, 1, 0, 0, 0, 1 };
	int same[4] = { 2, 2, 2, 2 };
	double scratch[6];

	/* 10 wins, 0 losses: 2 / 2^10 */
	CHECK_NEAR(pair_sign_test(10, 0), 2.0 / 1024, 1e-15);
	/* 3 against 1: 2 (1 + 4) / 16 */
	CHECK_NEAR(pair_sign_test(3, 1), 10.0 / 16, 1e-15);
	CHECK_NEAR(pair_sign_test(5, 5), 1.0, 0);
	/* bug: 1 when nothing was judged, printed "p 1.0000": there is nothing to test */
	CHECK(isnan(pair_sign_test(0, 0)));
	/* p_o = 0.6, p_e = .5*.4 + .2*.4 + .3*.2 = 0.34: (0.6 - 0.34) / 0.66 */
	CHECK_NEAR(cohen_kappa(judge, human, 10, 3, scratch), 0.26 / 0.66, 1e-12);
	CHECK(isnan(cohen_kappa(same, same, 4, 3, scratch)));
	CHECK(isnan(cohen_kappa(judge, human, 0, 3, scratch)));
}

static size_t spans(const char *text, char out[][64], size_t max)
{
	struct title_span *m = NULL;
	size_t n = title_spans(&m, text, strlen(text)), i;

	for (i = 0; i < n && i < max; i++)
		snprintf(out[i], 64, "%.*s", (int)m[i].len, text + m[i].off);
	free(m);
	return n;
}

TEST(title_spans_of_prose)
{
	char s[8][64];

	CHECK_INT(spans("Because you enjoyed Toy Story (1995) and The Godfather (1972), try \"Fargo\".", s, 8), 3);
	CHECK_STR(s[0], "Fargo");
	CHECK_STR(s[1], "Toy Story (1995)");
	CHECK_STR(s[2], "The Godfather (1972)");
	/* quotes nest; a comma inside a title is kept for the grounder to shorten */
	CHECK_INT(spans("Next: \"The \"Perfect\" Alibi (1999)\" and Love, Death and Taxes (1994).", s, 8), 2);
	CHECK_STR(s[0], "The \"Perfect\" Alibi (1999)");
	CHECK_STR(s[1], "Love, Death and Taxes (1994)");
	/* a sentence end is not part of the title; "Mr." is */
	CHECK_INT(spans("I liked Fargo. Heat (1995) too, and Mr. Holland's Opus (1995).", s, 8), 2);
	CHECK_STR(s[0], "Heat (1995)");
	CHECK_STR(s[1], "Mr. Holland's Opus (1995)");
	/* no title: lower case words, a lone year, a quote of a word in lower case */
	CHECK_INT(spans("it was released in (1995) and is \"fun\"", s, 8), 0);
}

TEST(title_named_as_whole_words)
{
	char *t = ground_normalize("We think The Godfather and Seven suit you; Heater too.", 54, NULL);

	CHECK(title_named(t, "Godfather, The (1972)"));
	CHECK(title_named(t, "Seven (a.k.a. Se7en) (1995)"));
	CHECK(!title_named(t, "Heat (1995)"));
	CHECK(!title_named(t, "Up (2009)"));
	free(t);
	/* a year after the title is still the title; a sequel's number makes another */
	t = ground_normalize("Toy Story (1995) and Toy Story 2", 32, NULL);
	CHECK(title_named(t, "Toy Story (1995)"));
	free(t);
	t = ground_normalize("only Toy Story 2 here", 21, NULL);
	CHECK(!title_named(t, "Toy Story (1995)"));
	CHECK(title_named(t, "Toy Story 2 (1999)"));
	free(t);
}

TEST(transcript_round_trip)
{
	struct transcript_row e[3] = {
		{ "subject", 1, "{\"messages\":[]}", "an answer \"quoted\"", NAN, "ok", NULL, NULL, 12, 34, 5.5, 0, NULL },
		{ "judge", 1, "{\"messages\":[]}", "no verdict", NAN, "ok", NULL, "{\"failure\":\"no JSON object\"}", 0, 0, 0, 1, NULL },
		/* a row without how it went (a dialogue's): only role, turn, request, response, score */
		{ "judge", 2, "{\"messages\":[]}", "Rating: [[7]]", 7, NULL, NULL, NULL, 0, 0, 0, 0, NULL },
	};
	struct strbuf sb = STRBUF_INIT;
	struct transcript_row *back = NULL;
	size_t n = 0;

	codec_put_transcript(&sb, e, 3);
	CHECK(!strstr(strstr(sb.buf, "\"turn\":2"), "tokens_in"));
	CHECK_INT(codec_get_transcript(&back, &n, sb.buf), 0);
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK(isnan(back[0].score));
		CHECK_NEAR(back[2].score, 7, 0);
		CHECK_INT(back[2].turn, 2);
		CHECK(back[2].status == NULL);
		CHECK_STR(back[0].role, "subject");
		CHECK_STR(back[0].response, "an answer \"quoted\"");
		CHECK_INT(back[0].tokens_in, 12);
		CHECK_STR(back[1].verdict, "{\"failure\":\"no JSON object\"}");
		CHECK_INT(back[1].cached, 1);
		CHECK(back[0].verdict == NULL);
	}
	codec_transcript_free(back, n);
	CHECK_INT(codec_get_transcript(&back, &n, "{}"), -1);
	strbuf_release(&sb);
}
