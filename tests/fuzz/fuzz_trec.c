/* fuzz_trec.c: trec_eval's inputs: a qrels file and a run, split at "\n=====\n", through the whole engine. */
#include "tests/fuzz/fuzz.h"
#include "eval/trec/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const measures[] = { "all_trec" };
	struct trec_options o = { 0 };
	const uint8_t *p[2];
	size_t n[2];
	char a[256], b[256];
	static FILE *out;

	if (!out && !(out = fopen("/dev/null", "w")))   /* once: the rows are written, not read */
		abort();
	if (fuzz_split(data, size, p, n, 2) < 2)
		p[1] = p[0], n[1] = n[0];
	o.qrels = fuzz_file("qrels", p[0], n[0], a, sizeof(a));
	o.run = fuzz_file("run", p[1], n[1], b, sizeof(b));
	o.measures = measures;
	o.nmeasures = 1;
	o.level = 1;
	o.max_ret = size & 1 ? 1000 : 3;
	o.complete = (size >> 1) & 1;
	o.per_query = 1;
	o.summary = 1;
	trec_evaluate(&o, out);
	return 0;
}
