/* fuzz_verdict.c: a judge's answer read as MT-Bench's pairwise verdict, a 1-10 rating, and rubric scores. */
#include "tests/fuzz/fuzz.h"
#include "eval/answer/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const aspects[] = { "informativeness", "persuasiveness", "helpfulness" };
	const char *text = (const char *)data, *why;
	enum verdict v;
	double rating;
	long scores[3];

	verdict_pairwise(&v, text, size, &why);
	verdict_rating(&rating, text, size, 1, 10, &why);
	verdict_rubric(scores, text, size, aspects, 3, 1, 5, &why);
	return 0;
}
