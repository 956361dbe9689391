/* embedding.c: `embedding_retrieval` and `embedding_ranking`: the catalogue and each user's history embedded, items ranked by cosine similarity. */
#include <cJSON.h>
#include "eval/tasks/rec.h"
#include "eval/prompt.h"

/* Work of phase 0 is the catalogue in batches of this many items. */
#define EMBED_BATCH 64

static const char *const item_vars[] = { "title", "categories", NULL };
static const char *const user_vars[] = { "history", NULL };

struct embed {
	double *item_vec;          /* the catalogue's unit vectors, n_items x dim */
	size_t dim;
	unsigned char *item_done;
	const char *input[EMBED_BATCH];
	struct strbuf inputs[EMBED_BATCH];
	struct strbuf text;
};

static int parse_common(struct task_spec *t, const struct task_parse *tp)
{
	if (task_get_cutoffs(tp, t) < 0)
		return -1;
	if ((t->type->flags & TASK_CANDIDATES) &&
	    (rec_parse_candidates(t, tp, 0, 100000) < 0 || rec_check_cutoffs(t, tp) < 0))
		return -1;
	return task_get_template(tp, "item_template", "embed_item.txt", item_vars, &t->template_text,
				 &t->template_file) < 0 ||
	       task_get_template(tp, "user_template", "embed_user.txt", user_vars, &t->system_text,
				 &t->system_file) < 0 ? -1 : 0;
}

static int start(struct task_ctx *c)
{
	struct embed *e = xcalloc(1, sizeof(*e));
	size_t i;

	e->item_done = xcalloc(c->plan->ds->n_items ? c->plan->ds->n_items : 1, 1);
	for (i = 0; i < EMBED_BATCH; i++)
		strbuf_init(&e->inputs[i], 0);
	strbuf_init(&e->text, 0);
	c->priv = e;
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct embed *e = c->priv;
	size_t i;

	if (!e)
		return;
	for (i = 0; i < EMBED_BATCH; i++)
		strbuf_release(&e->inputs[i]);
	strbuf_release(&e->text);
	free(e->item_vec);
	free(e->item_done);
	free(e);
	c->priv = NULL;
}

/* Phase 0: the catalogue, in batches (cached like any request); phase 1: one request per sample. */
static size_t work_count(struct task_ctx *c, unsigned phase)
{
	return phase == 0 ? (c->plan->ds->n_items + EMBED_BATCH - 1) / EMBED_BATCH : c->plan->n_users;
}

static void set_request(struct work *w, struct llm_request *req, struct embed *e, size_t n)
{
	free(w->request);
	w->request = xstrdup(e->text.buf);
	w->role = ROLE_SUBJECT;
	req->kind = LLM_EMBED;
	req->input = e->input;
	req->n_input = n;
}

/* Work item i of phase 0 embeds items [i * EMBED_BATCH, ...). */
static int items_prepare(struct task_ctx *c, struct work *w, struct llm_request *req)
{
	const struct dataset *ds = c->plan->ds;
	struct embed *e = c->priv;
	size_t first = w->index * EMBED_BATCH, n = ds->n_items - first < EMBED_BATCH ? ds->n_items - first : EMBED_BATCH, j;

	strbuf_reset(&e->text);
	strbuf_addstr(&e->text, "{\"input\":[");
	for (j = 0; j < n; j++) {
		strbuf_reset(&e->inputs[j]);
		prompt_item_text(&e->inputs[j], c->t, ds, (uint32_t)(first + j));
		e->input[j] = e->inputs[j].buf;
		if (j)
			strbuf_addch(&e->text, ',');
		strbuf_add_json(&e->text, e->inputs[j].buf);
	}
	strbuf_addstr(&e->text, "]}");
	set_request(w, req, e, n);
	return STEP_SEND;
}

/* Scale v to unit length, so cosine similarity is a dot product; a zero vector stays zero. */
static void normalise(double *v, size_t dim)
{
	double s = 0;
	size_t j;

	for (j = 0; j < dim; j++)
		s += v[j] * v[j];
	if (s > 0)
		for (j = 0; j < dim; j++)
			v[j] /= sqrt(s);
}

static int items_answer(struct task_ctx *c, struct work *w, const struct llm_answer *a)
{
	const struct dataset *ds = c->plan->ds;
	struct embed *e = c->priv;
	size_t first = w->index * EMBED_BATCH, j;
	size_t n = ds->n_items - first < EMBED_BATCH ? ds->n_items - first : EMBED_BATCH;

	if (a->status != LLM_OK || a->n_embeddings != n || !a->dim) {
		error("%s: item embeddings %zu..%zu: %s", c->plan->model_text, first, first + n - 1,
		      a->status != LLM_OK ? (a->error ? a->error : "no answer") : "wrong number of vectors");
		return STEP_DONE;  /* the items stay without vectors: end_phase reports it */
	}
	if (!e->dim) {
		e->dim = a->dim;
		e->item_vec = xcalloc(ds->n_items * e->dim + 1, sizeof(*e->item_vec));
	}
	if (a->dim != e->dim) {
		error("%s: embeddings of %zu and %zu dimensions in one run", c->plan->model_text, e->dim, a->dim);
		return STEP_DONE;
	}
	for (j = 0; j < n; j++) {
		memcpy(e->item_vec + (first + j) * e->dim, a->embeddings + j * e->dim, e->dim * sizeof(double));
		normalise(e->item_vec + (first + j) * e->dim, e->dim);
		e->item_done[first + j] = 1;
	}
	return STEP_DONE;
}

static int end_phase(struct task_ctx *c, unsigned phase)
{
	struct embed *e = c->priv;
	size_t i, missing = 0, n_items = c->plan->ds->n_items;

	if (phase != 0)
		return EXIT_OK;
	for (i = 0; i < n_items; i++)
		missing += !e->item_done[i];
	if (missing == n_items) {
		error("%s: no item of the catalogue could be embedded", c->plan->model_text);
		return EXIT_MODEL;
	}
	if (missing)
		warning("%s: %zu of %zu items have no embedding and are never recommended", c->plan->model_text,
			missing, n_items);
	return EXIT_OK;
}

static int user_prepare(struct task_ctx *c, struct work *w, struct llm_request *req)
{
	struct embed *e = c->priv;
	const uint32_t *h;
	size_t n_h;

	if (!rec_start_sample(c, w, &h, &n_h))
		return STEP_DONE;
	strbuf_reset(&e->inputs[0]);
	prompt_user_text(&e->inputs[0], c->t, c->plan->ds, h, n_h);
	e->input[0] = e->inputs[0].buf;
	strbuf_reset(&e->text);
	strbuf_addstr(&e->text, "{\"input\":[");
	strbuf_add_json(&e->text, e->inputs[0].buf);
	strbuf_addstr(&e->text, "]}");
	set_request(w, req, e, 1);
	return STEP_SEND;
}

struct scored {
	double score;
	size_t order;     /* the tie-break: catalogue index (retrieval) or the shown place (ranking) */
	uint32_t item;
};

static int cmp_scored(const void *a, const void *b)
{
	const struct scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/*
 * Cosine similarity of the user's vector with each item's: the catalogue
 * without the user's history (embedding_retrieval), or the candidates
 * (embedding_ranking). Ties go to the lower catalogue index, or the earlier
 * shown candidate (the candidates were shuffled): never to the target as such.
 */
static int user_answer(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache)
{
	const struct run_plan *plan = c->plan;
	const struct task_spec *t = c->t;
	struct embed *e = c->priv;
	size_t n_items = plan->ds->n_items, max_k = t->k[t->n_k - 1], n = 0, i, n_list;
	struct scored *s = xmalloc((n_items + 1) * sizeof(*s));
	uint32_t *list = xmalloc((n_items + 1) * sizeof(*list));
	struct llm_outcome o = { 0 };
	double *v = NULL;
	int rc, ranking = t->type->flags & TASK_CANDIDATES;

	o.request = w->request;
	o.tokens_in = from_cache ? 0 : a->tokens_in;
	o.status = "ok";
	if (a->status != LLM_OK || a->n_embeddings != 1 || a->dim != e->dim) {
		o.status = "error";
		o.error = a->status != LLM_OK ? (a->error ? a->error : "the model could not answer") :
			  "the embedding does not match the catalogue's";
	} else {
		v = xmalloc(e->dim * sizeof(*v));
		memcpy(v, a->embeddings, e->dim * sizeof(*v));
		normalise(v, e->dim);
		for (i = 0; i < (ranking ? w->n_cand : n_items); i++) {
			uint32_t it = ranking ? w->cand[i] : (uint32_t)i;
			size_t j;
			double dot = 0;
			if (!e->item_done[it] || (!ranking && in_training(plan->sp, w->user, it)))
				continue;
			for (j = 0; j < e->dim; j++)
				dot += v[j] * e->item_vec[(size_t)it * e->dim + j];
			s[n].score = dot;
			s[n].order = i;
			s[n].item = it;
			n++;
		}
		qsort(s, n, sizeof(*s), cmp_scored);
	}
	n_list = ranking ? n : (n < max_k ? n : max_k);
	for (i = 0; i < n_list; i++)
		list[i] = s[i].item;
	rc = rec_store(c, w, list, n_list, a->latency_ms, &o);
	free(v);
	free(s);
	free(list);
	return rc;
}

static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	if (w->phase == 0)
		return a ? items_answer(c, w, a) : items_prepare(c, w, req);
	if (!a)
		return user_prepare(c, w, req);
	return user_answer(c, w, a, from_cache) < 0 ? -1 : STEP_DONE;
}

static const char *const retrieval_keys[] = { "k", "item_template", "user_template", NULL };
static const char *const ranking_keys[] = { "k", "candidates", "negatives", "item_template", "user_template", NULL };

const struct task_type task_embedding_retrieval = {
	.name = "embedding_retrieval",
	.summary = "the top k of the catalogue by cosine similarity of embedded item and user texts",
	.flags = TASK_EMBEDDING,
	.keys = retrieval_keys,
	.parse = parse_common,
	.metric_names = rec_metric_names,
	.start = start,
	.work_count = work_count,
	.step = step,
	.end_phase = end_phase,
	.stop = stop,
	.finish = rec_distribution,
};

const struct task_type task_embedding_ranking = {
	.name = "embedding_ranking",
	.summary = "the candidates ordered by cosine similarity of embedded item and user texts",
	.flags = TASK_EMBEDDING | TASK_CANDIDATES,
	.keys = ranking_keys,
	.parse = parse_common,
	.metric_names = rec_metric_names,
	.start = start,
	.work_count = work_count,
	.step = step,
	.end_phase = end_phase,
	.stop = stop,
	.finish = rec_distribution,
};
