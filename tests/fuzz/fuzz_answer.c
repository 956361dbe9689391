/*
 * fuzz_answer.c: reading a model's answer: list extraction and grounding in
 * a small catalogue (with and without candidates, by number and by letter),
 * and multiple-choice reading.
 */
#include "tests/fuzz/fuzz.h"
#include "eval/data/dataset.h"
#include "eval/answer/ground.h"
#include "eval/answer/choice.h"
#include "eval/answer/grounder.h"
#include "eval/answer/mention.h"

static struct dataset ds;
static struct grounder *g;

static void setup(void)
{
	static const char items[] =
		"item,title\n1,Toy Story (1995)\n2,GoldenEye (1995)\n3,\"Godfather, The (1972)\"\n"
		"4,Fargo (1996)\n5,Twelve Monkeys (1995)\n6,Il Postino (1994)\n7,Heat (1995)\n"
		"8,\"American President, The (1995)\"\n9,Les Misérables (1995)\n10,Seven (Se7en) (1995)\n";
	static const char inter[] = "user,item\nu,1\nu,2\nu,3\nu,4\nu,5\nu,6\nu,7\nu,8\nu,9\nu,10\n";
	struct dataset_spec spec = { "csv", NULL, NULL, 0, 0 };
	char a[256], b[256];

	spec.path = fuzz_file("answer-inter.csv", (const uint8_t *)inter, strlen(inter), a, sizeof(a));
	spec.items = fuzz_file("answer-items.csv", (const uint8_t *)items, strlen(items), b, sizeof(b));
	if (dataset_load(&ds, &spec))
		abort();
	g = grounder_new(&ds, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t cand[5] = { 0, 2, 4, 6, 8 };
	struct grounded *out = NULL;
	size_t n;

	if (!g)
		setup();
	n = answer_read(&out, g, (const char *)data, size, cand, 5, 0);
	grounded_free(out, n);
	out = NULL;
	n = answer_read(&out, g, (const char *)data, size, cand, 5, 1);
	grounded_free(out, n);
	out = NULL;
	n = answer_read(&out, g, (const char *)data, size, NULL, 0, 0);
	grounded_free(out, n);
	choice_read((const char *)data, size, 5, g, cand);
	choice_read((const char *)data, size, 4, NULL, NULL);
	return 0;
}
