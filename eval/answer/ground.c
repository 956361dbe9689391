/* ground.c: reading an answer against a catalogue: extraction (extract.c) asks the grounder (grounder.c) about each title. */
#include "eval/answer/ground.h"
#include "eval/answer/extract.h"

static int res_strict(void *ctx, const char *s, size_t n, struct match *m)
{
	return ground_strict(ctx, s, n, m);
}

static int res_fuzzy(void *ctx, const char *s, size_t n, struct match *m)
{
	return ground_fuzzy(ctx, s, n, m);
}

static int res_in_cand(void *ctx, uint32_t item)
{
	return gctx_in_cand(ctx, item);
}

size_t answer_read(struct grounded **out, const struct grounder *g, const char *answer, size_t len,
		   const uint32_t *cand, size_t n_cand, int letters)
{
	struct gctx cx;
	struct resolver res = { res_strict, res_fuzzy, res_in_cand, &cx };
	size_t n;

	*out = NULL;
	if (!answer || !len)
		return 0;
	gctx_init(&cx, g, cand, n_cand);
	n = extract_items(out, answer, len, cand, n_cand, letters, &res);
	gctx_release(&cx);
	return n;
}
