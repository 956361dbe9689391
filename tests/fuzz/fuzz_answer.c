/*
 * fuzz_answer.c: reading a model's answer: list extraction and grounding in
 * a small catalogue (with candidates, by number or by letter too, or in the
 * whole catalogue), and multiple-choice reading. The answer's last byte
 * picks which of the four readings it gets (each is a full extraction and
 * grounding); every input is also read as a multiple choice without a
 * catalogue, which is cheap.
 */
#include "tests/fuzz/fuzz.h"
#include "eval/data/dataset.h"
#include "eval/answer/ground.h"
#include "eval/answer/choice.h"
#include "eval/answer/grounder.h"
#include "eval/answer/mention.h"

static struct dataset ds;
static struct grounder *g;

/* The catalogue and its grounder, made once: every input is read against the same ones. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char items[] =
		"item,title\n1,Toy Story (1995)\n2,GoldenEye (1995)\n3,\"Godfather, The (1972)\"\n"
		"4,Fargo (1996)\n5,Twelve Monkeys (1995)\n6,Il Postino (1994)\n7,Heat (1995)\n"
		"8,\"American President, The (1995)\"\n9,Les Misérables (1995)\n10,Seven (Se7en) (1995)\n";
	static const char inter[] = "user,item\nu,1\nu,2\nu,3\nu,4\nu,5\nu,6\nu,7\nu,8\nu,9\nu,10\n";
	struct dataset_spec spec = { "csv", NULL, NULL, 0, 0 };
	char a[256], b[256];

	(void)argc;
	(void)argv;
	spec.path = fuzz_file("answer-inter.csv", (const uint8_t *)inter, strlen(inter), a, sizeof(a));
	spec.items = fuzz_file("answer-items.csv", (const uint8_t *)items, strlen(items), b, sizeof(b));
	if (dataset_load(&ds, &spec))
		abort();
	g = grounder_new(&ds, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t cand[5] = { 0, 2, 4, 6, 8 };
	struct grounded *out = NULL;
	const char *s = (const char *)data;
	size_t n;

	/*
	 * One reading an input, not all four: each grounds every element in
	 * the catalogue, so four made an execution four times as long. The
	 * last byte ("\n", ".", ")", a letter) keeps its reading under most
	 * mutations, which change bytes before it.
	 */
	switch (size ? data[size - 1] % 4 : 0) {
	case 0:   /* ranking: candidates by title or number */
		n = answer_read(&out, g, s, size, cand, 5, 0);
		grounded_free(out, n);
		break;
	case 1:   /* mc with candidates: letters name them too */
		n = answer_read(&out, g, s, size, cand, 5, 1);
		grounded_free(out, n);
		break;
	case 2:   /* retrieval: the whole catalogue */
		n = answer_read(&out, g, s, size, NULL, 0, 0);
		grounded_free(out, n);
		break;
	default:  /* multiple choice over candidates, titles grounded among them */
		choice_read(s, size, 5, g, cand);
		break;
	}
	choice_read(s, size, 4, NULL, NULL);
	return 0;
}
