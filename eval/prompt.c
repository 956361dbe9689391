/* prompt.c: filling a task's templates for a sample (history, candidates, k, n). */
#include "eval/prompt.h"
#include "eval/template.h"
#include "lib/rng.h"

void prompt_init(struct prompt *p)
{
	strbuf_init(&p->system, 0);
	strbuf_init(&p->user, 0);
	p->kn = NULL;
}

void prompt_release(struct prompt *p)
{
	strbuf_release(&p->system);
	strbuf_release(&p->user);
}

void prompt_render(struct prompt *p, const struct task_spec *t, const struct dataset *ds,
		   const uint32_t *hist, size_t n_hist, const uint32_t *cand, size_t n_cand, uint64_t seed)
{
	static const char *const names[] = { "history", "candidates", "k", "n", "knowledge" };
	struct strbuf history = STRBUF_INIT, candidates = STRBUF_INIT, knowledge = STRBUF_INIT;
	uint32_t *order = xmalloc((n_hist ? n_hist : 1) * sizeof(*order));
	char k[32], n[32];
	const char *values[5];
	size_t i;

	memcpy(order, hist, n_hist * sizeof(*order));
	if (!t->seq) {
		/* "cf": the history in no particular order */
		struct rng r;
		rng_seed(&r, seed);
		rng_shuffle_u32(&r, order, n_hist);
	}
	for (i = 0; i < n_hist; i++)
		strbuf_addf(&history, "%s- %s", i ? "\n" : "", item_label(ds, order[i]));
	for (i = 0; i < n_cand; i++) {
		if (t->type->flags & TASK_LETTERED)
			strbuf_addf(&candidates, "%s%c. %s", i ? "\n" : "", 'A' + (int)i, item_label(ds, cand[i]));
		else
			strbuf_addf(&candidates, "%s%zu. %s", i ? "\n" : "", i + 1, item_label(ds, cand[i]));
	}
	snprintf(k, sizeof(k), "%zu", t->k[t->n_k - 1]);
	snprintf(n, sizeof(n), "%zu", n_cand);
	values[0] = history.buf;
	values[1] = candidates.buf;
	values[2] = k;
	values[3] = n;
	if (p->kn) {
		/* what is known about each item shown, in the order shown: the history, then the candidates */
		uint32_t *shown = xmalloc((n_hist + n_cand + 1) * sizeof(*shown));
		memcpy(shown, order, n_hist * sizeof(*shown));
		if (n_cand)
			memcpy(shown + n_hist, cand, n_cand * sizeof(*shown));
		knowledge_render(&knowledge, p->kn, shown, n_hist + n_cand);
		free(shown);
	}
	values[4] = knowledge.buf;
	strbuf_reset(&p->system);
	strbuf_reset(&p->user);
	template_render(&p->system, t->system_text, names, values, ARRAY_SIZE(names));
	template_render(&p->user, t->template_text, names, values, ARRAY_SIZE(names));
	/* a template file ends with a newline; the message need not */
	while (p->user.len && p->user.buf[p->user.len - 1] == '\n')
		strbuf_setlen(&p->user, p->user.len - 1);
	while (p->system.len && p->system.buf[p->system.len - 1] == '\n')
		strbuf_setlen(&p->system, p->system.len - 1);
	strbuf_release(&history);
	strbuf_release(&candidates);
	strbuf_release(&knowledge);
	free(order);
}

static void chomp(struct strbuf *sb, size_t from)
{
	while (sb->len > from && sb->buf[sb->len - 1] == '\n')
		strbuf_setlen(sb, sb->len - 1);
}

void prompt_item_text(struct strbuf *out, const struct task_spec *t, const struct dataset *ds, uint32_t item)
{
	static const char *const names[] = { "title", "categories" };
	const char *values[2];
	size_t start = out->len;

	values[0] = item_label(ds, item);
	values[1] = ds->items[item].categories ? ds->items[item].categories : "";
	template_render(out, t->template_text, names, values, 2);
	chomp(out, start);
}

void prompt_user_text(struct strbuf *out, const struct task_spec *t, const struct dataset *ds,
		      const uint32_t *hist, size_t n_hist)
{
	static const char *const names[] = { "history" };
	struct strbuf history = STRBUF_INIT;
	const char *values[1];
	size_t i, start = out->len;

	for (i = 0; i < n_hist; i++)
		strbuf_addf(&history, "%s%s", i ? "; " : "", item_label(ds, hist[i]));
	values[0] = history.buf;
	template_render(out, t->system_text, names, values, 1);
	chomp(out, start);
	strbuf_release(&history);
}

void prompt_json(struct strbuf *out, const struct prompt *p)
{
	strbuf_addstr(out, "{\"messages\":[{\"role\":\"system\",\"content\":");
	strbuf_add_json(out, p->system.buf);
	strbuf_addstr(out, "},{\"role\":\"user\",\"content\":");
	strbuf_add_json(out, p->user.buf);
	strbuf_addstr(out, "}]}");
}
