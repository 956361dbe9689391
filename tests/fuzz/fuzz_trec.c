/*
 * fuzz_trec.c: trec_eval's inputs through the whole engine: a qrels file
 * and a run, split at "\n=====\n", evaluated on every measure; an optional
 * third part holds more -m arguments, one a line ("P.5,10", "ndcg.1=0,2=1").
 * The size picks -l 1 or 2, -M 3 or 1000, and -c or not.
 */
#include "tests/fuzz/fuzz.h"
#include "eval/trec/engine.h"

#define MAX_EXTRA 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *out;
	static const char *measures[64 + MAX_EXTRA];
	static size_t nall;
	struct trec_options o = { 0 };
	const uint8_t *p[3];
	size_t n[3], k, nm;
	char a[256], b[256], *extra = NULL;

	if (!out) {
		/* once: every measure by name (not "official", which leaves some out) */
		if (!(out = fopen("/dev/null", "w")))
			abort();
		while (nall < 64 && (measures[nall] = trec_measure_name(nall)))
			nall++;
	}
	k = fuzz_split(data, size, p, n, 3);
	if (k < 2)
		p[1] = p[0], n[1] = n[0];
	nm = nall;
	if (k == 3 && n[2]) {
		char *s, *nl;

		extra = malloc(n[2] + 1);
		if (!extra)
			abort();
		memcpy(extra, p[2], n[2]);
		extra[n[2]] = '\0';
		for (s = extra; s && nm < nall + MAX_EXTRA; s = nl) {
			if ((nl = strchr(s, '\n')))
				*nl++ = '\0';
			if (*s)   /* blank lines are no argument */
				measures[nm++] = s;
		}
	}
	o.qrels = fuzz_file("qrels", p[0], n[0], a, sizeof(a));
	o.run = fuzz_file("run", p[1], n[1], b, sizeof(b));
	o.measures = measures;
	o.nmeasures = nm;
	o.level = (size >> 2) & 1 ? 2 : 1;
	o.max_ret = size & 1 ? 1000 : 3;
	o.complete = (size >> 1) & 1;
	o.per_query = 1;
	o.summary = 1;
	trec_evaluate(&o, out);
	free(extra);
	return 0;
}
