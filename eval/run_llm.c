/* run_llm.c: tasks answered by a language model: many requests in flight, answers matched by id, cached, grounded. */
#include <cJSON.h>
#include "eval/run_internal.h"
#include "eval/prompt.h"
#include "eval/answer/ground.h"
#include "lib/sha256.h"
#include "lib/strmap.h"
#include "lib/rng.h"

/*
 * The driver. A task is a list of work items (samples, or batches of
 * catalogue items to embed); the driver keeps up to twice --concurrency of
 * them in flight, answers each from the cache when it can, and hands every
 * answer to the task's finish(), found by request id, never by position.
 * On SIGINT nothing new is sent and the answers in flight are awaited for a
 * bounded time; what has not come back is not stored, so --resume asks it
 * again. After a fatal answer (a wrong key) nothing more is sent.
 */
struct slot {
	uint64_t id;               /* 0: free */
	size_t work;               /* the work item */
	uint32_t user;
	uint32_t *cand;            /* room for the task's candidates */
	size_t n_cand;
	enum llm_kind kind;
	char *request;             /* JSON: stored with the sample, hashed for the cache */
	char key[65];
};

struct driver;

struct driver_ops {
	/*
	 * Make work item i's request into sl (sl->request) and req. Returns 1
	 * to send it, 0 when the item needs no request (already stored), -1
	 * on a failure that stops the task. req's strings must live until the
	 * next call.
	 */
	int (*prepare)(struct driver *d, size_t i, struct slot *sl, struct llm_request *req);
	/* The answer to sl's request. Returns 0, or -1 on a storage failure. */
	int (*finish)(struct driver *d, struct slot *sl, const struct llm_answer *a, int from_cache);
};

struct driver {
	const struct run_plan *plan;
	struct task_state *ts;
	const struct adapter *ad;
	struct model *model;
	char *identity;
	const struct driver_ops *ops;
	/* the tasks' own state */
	struct prompt pr;
	struct llm_message msgs[2];
	struct strbuf text;
	const char *input[64];
	struct strbuf inputs[64];
	unsigned char *mark;
	struct grounder *grounder;
	/* embeddings: the catalogue's unit vectors, n_items x dim */
	double *item_vec;
	size_t dim;
	unsigned char *item_done;
};

#define EMBED_BATCH 64

static void cache_key(char out[65], const char *identity, const char *request)
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, identity, strlen(identity));
	sha256_update(&c, "\n", 1);
	sha256_update(&c, request, strlen(request));
	sha256_hex(&c, out);
}

/* Embeddings as the cache keeps them: a JSON array of arrays. */
static char *embeddings_json(const struct llm_answer *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	strbuf_addch(&sb, '[');
	for (i = 0; i < a->n_embeddings; i++) {
		strbuf_addstr(&sb, i ? ",[" : "[");
		for (j = 0; j < a->dim; j++)
			strbuf_addf(&sb, "%s%.9g", j ? "," : "", a->embeddings[i * a->dim + j]);
		strbuf_addch(&sb, ']');
	}
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb, NULL);
}

/* A cached answer back into an llm_answer; 0, or -1 when the cache holds something unreadable. */
static int cached_answer(struct llm_answer *a, enum llm_kind kind, char *text)
{
	cJSON *m, *row, *x;
	size_t i = 0, j;

	memset(a, 0, sizeof(*a));
	a->status = LLM_OK;
	if (kind == LLM_CHAT) {
		a->content = text;
		return 0;
	}
	m = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsArray(m) || !cJSON_GetArraySize(m) || !cJSON_IsArray(cJSON_GetArrayItem(m, 0))) {
		cJSON_Delete(m);
		return -1;
	}
	a->n_embeddings = (size_t)cJSON_GetArraySize(m);
	a->dim = (size_t)cJSON_GetArraySize(cJSON_GetArrayItem(m, 0));
	a->embeddings = xcalloc(a->n_embeddings * a->dim + 1, sizeof(*a->embeddings));
	cJSON_ArrayForEach(row, m) {
		j = 0;
		if ((size_t)cJSON_GetArraySize(row) != a->dim) {
			cJSON_Delete(m);
			llm_answer_release(a);
			return -1;
		}
		cJSON_ArrayForEach(x, row)
			a->embeddings[i * a->dim + j++] = cJSON_IsNumber(x) ? x->valuedouble : 0;
		i++;
	}
	cJSON_Delete(m);
	return 0;
}

static int drive(struct driver *d, size_t n_work, size_t cand_cap)
{
	const struct run_plan *plan = d->plan;
	size_t n_slots = plan->limits.concurrency ? plan->limits.concurrency * 2 : 2, i, next = 0, active = 0;
	struct slot *slots = xcalloc(n_slots, sizeof(*slots));
	uint64_t next_id = 1;
	double drain_until = 0;
	int ret = EXIT_OK, stop = 0;

	for (i = 0; i < n_slots; i++)
		slots[i].cand = xmalloc((cand_cap ? cand_cap : 1) * sizeof(*slots[i].cand));
	while (ret == EXIT_OK && (active || (!stop && next < n_work))) {
		while (!stop && !run_interrupted && active < n_slots && next < n_work && ret == EXIT_OK) {
			struct llm_request req = { 0 };
			struct slot *sl = NULL;
			char *cached = NULL;
			int rc, hit;

			for (i = 0; i < n_slots && !sl; i++)
				if (!slots[i].id)
					sl = &slots[i];
			sl->work = next++;
			rc = d->ops->prepare(d, sl->work, sl, &req);
			if (rc < 0) {
				ret = EXIT_STORE;
				break;
			}
			if (!rc)
				continue;
			sl->kind = req.kind;
			cache_key(sl->key, d->identity, sl->request);
			hit = plan->no_cache ? 0 : store_cache_get(d->ts->store, sl->key, &cached);
			if (hit < 0) {
				ret = EXIT_STORE;
				break;
			}
			if (hit) {
				/* a hit sends nothing */
				struct llm_answer a;
				if (cached_answer(&a, req.kind, cached) == 0) {
					if (d->ops->finish(d, sl, &a, 1) < 0)
						ret = EXIT_STORE;
					llm_answer_release(&a);
					continue;
				}
				/* an unreadable cache entry is asked again */
			}
			req.id = sl->id = next_id++;
			if (d->ad->submit(d->model, &req) < 0) {
				struct llm_answer a = { 0 };
				a.status = LLM_ERROR;
				a.error = xstrdup("the request could not be sent");
				sl->id = 0;
				if (d->ops->finish(d, sl, &a, 1) < 0)
					ret = EXIT_STORE;
				llm_answer_release(&a);
				continue;
			}
			active++;
		}
		if (run_interrupted && !stop) {
			stop = 1;
			drain_until = now_ms() + 10000;
			if (!plan->quiet && active)
				fprintf(stderr, "\nreceval: interrupted: waiting up to 10 s for %zu answer(s) in flight\n",
					active);
		}
		if (stop && drain_until && now_ms() > drain_until)
			break;
		if (!active || ret != EXIT_OK)
			continue;
		{
			struct llm_answer a;
			struct slot *sl = NULL;
			int rc = d->ad->poll(d->model, &a, 200);

			if (rc < 0) {
				ret = EXIT_MODEL;
				break;
			}
			if (!rc)
				continue;
			for (i = 0; i < n_slots && !sl; i++)
				if (slots[i].id && slots[i].id == a.id)
					sl = &slots[i];
			if (!sl) {
				warning("an answer with an unknown request id %llu was ignored", (unsigned long long)a.id);
				llm_answer_release(&a);
				continue;
			}
			active--;
			sl->id = 0;
			if (a.status == LLM_FATAL) {
				/* stored as nothing: once the cause is fixed, --resume asks again */
				if (!stop)
					error("%s: %s", plan->model_text, a.error ? a.error : "the model refuses every request");
				stop = 1;
				ret = EXIT_MODEL;
			} else if (d->ops->finish(d, sl, &a, 0) < 0) {
				ret = EXIT_STORE;
			} else if (a.status == LLM_OK) {
				/* errors are never cached */
				char *keep = sl->kind == LLM_CHAT ? xstrdup(a.content ? a.content : "") : embeddings_json(&a);
				if ((sl->kind != LLM_CHAT || a.content) && store_cache_put(d->ts->store, sl->key, keep) < 0)
					ret = EXIT_STORE;
				free(keep);
			}
			llm_answer_release(&a);
		}
	}
	if (ret == EXIT_MODEL) {
		/* every queued request fails fast after a fatal answer: drain them */
		struct llm_answer a;
		double until = now_ms() + 5000;
		while (d->ad->pending(d->model) && now_ms() < until)
			if (d->ad->poll(d->model, &a, 100) == 1)
				llm_answer_release(&a);
	}
	for (i = 0; i < n_slots; i++) {
		free(slots[i].cand);
		free(slots[i].request);
	}
	free(slots);
	return ret;
}

/* --- chat tasks: retrieval, ranking, mc ----------------------------------- */

/*
 * The common start of a sample's request: NULL when a resumed run already
 * holds it; else its user and candidates are in sl and its history is
 * returned (*n_h items).
 */
static const uint32_t *start_sample(struct driver *d, size_t i, struct slot *sl, size_t *n_h)
{
	const struct run_plan *plan = d->plan;
	const struct task_spec *t = d->ts->t;
	uint32_t u = plan->users[i];

	if (already_done(plan, t->name, plan->ds->user_ids[u])) {
		progress_step(&d->ts->prog);
		return NULL;
	}
	sl->user = u;
	sl->n_cand = 0;
	if (TASK_HAS_CANDIDATES(t->type))
		sl->n_cand = task_candidates(sl->cand, plan, t, u, d->mark);
	return sample_history(plan, u, n_h);
}

static int chat_prepare(struct driver *d, size_t i, struct slot *sl, struct llm_request *req)
{
	const struct run_plan *plan = d->plan;
	const struct task_spec *t = d->ts->t;
	uint32_t u = plan->users[i];
	const uint32_t *h;
	size_t n_h;
	const char *uid = plan->ds->user_ids[u];

	if (!(h = start_sample(d, i, sl, &n_h)))
		return 0;
	prompt_render(&d->pr, t, plan->ds, h, n_h, sl->cand, sl->n_cand,
		      rng_mix(plan->seed, str_hash(uid, strlen(uid))));
	strbuf_reset(&d->text);
	prompt_json(&d->text, &d->pr);
	free(sl->request);
	sl->request = xstrdup(d->text.buf);
	d->msgs[0].role = "system";
	d->msgs[0].content = d->pr.system.buf;
	d->msgs[1].role = "user";
	d->msgs[1].content = d->pr.user.buf;
	req->kind = LLM_CHAT;
	/* an empty system template sends the user message alone */
	req->messages = d->pr.system.len ? d->msgs : d->msgs + 1;
	req->n_messages = d->pr.system.len ? 2 : 1;
	return 1;
}

static int in_training(const struct split *sp, uint32_t u, uint32_t item)
{
	uint32_t j;

	for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++)
		if (sp->train_items[j] == item)
			return 1;
	return 0;
}

static void grounding_json(struct strbuf *out, const struct dataset *ds, const struct grounded *g, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",{\"text\":" : "{\"text\":");
		strbuf_add_json(out, g[i].text ? g[i].text : "");
		strbuf_addstr(out, ",\"item\":");
		if (g[i].item == UINT32_MAX)
			strbuf_addstr(out, "null");
		else
			strbuf_add_json(out, ds->items[g[i].item].id);
		strbuf_addstr(out, ",\"how\":");
		strbuf_add_json(out, ground_how_name(g[i].how));
		strbuf_addf(out, ",\"score\":%.4f}", g[i].score);
	}
	strbuf_addch(out, ']');
}

static void add_extra(struct llm_outcome *o, const char *name, double value)
{
	if (o->n_extra < ARRAY_SIZE(o->extra_names)) {
		o->extra_names[o->n_extra] = name;
		o->extra_values[o->n_extra++] = value;
	}
}

/*
 * Validity of an answer (DESIGN.md's rates, per sample, 0..1):
 *   parse_failure_rate     1 when nothing could be read from it
 *   hallucination_rate     extracted items that ground to nothing / extracted
 *   out_of_candidate_rate  grounded items outside the candidates / extracted (ranking, mc)
 *   in_history_rate        grounded items from the user's history / extracted (retrieval)
 *   duplicate_rate         items named again / extracted
 *   full_list_rate         1 when the list has the requested length (k, or every candidate)
 * The ranked list is the grounded items in order, each once; for ranking the
 * candidates the answer left out follow in the order they were shown (which
 * was shuffled), so leaving items out gains nothing.
 */
static int chat_finish(struct driver *d, struct slot *sl, const struct llm_answer *a, int from_cache)
{
	const struct run_plan *plan = d->plan;
	const struct task_spec *t = d->ts->t;
	size_t max_k = t->k[t->n_k - 1], cap = TASK_HAS_CANDIDATES(t->type) ? sl->n_cand : max_k;
	uint32_t *list = xmalloc((cap + 1) * sizeof(*list));
	struct llm_outcome o = { 0 };
	struct grounded *g = NULL;
	struct strbuf gj = STRBUF_INIT;
	size_t n = 0, n_list = 0, i, j, bad = 0, outside = 0, history = 0, dup = 0;
	char *err = NULL;
	int rc;

	o.request = sl->request;
	o.response = a->content;
	o.tokens_in = from_cache ? 0 : a->tokens_in;
	o.tokens_out = from_cache ? 0 : a->tokens_out;
	o.status = a->status == LLM_OK && a->content ? "ok" : "error";
	if (a->status == LLM_REFUSED)
		o.error = err = xstrfmt("refused by the content filter%s%s", a->error ? ": " : "",
					a->error ? a->error : "");
	else if (a->status != LLM_OK)
		o.error = a->error ? a->error : "the model could not answer";
	else if (!a->content)
		o.error = "the answer has no content";

	if (!strcmp(o.status, "ok") && t->type == TASK_MC) {
		int c = answer_choice(d->grounder, a->content, strlen(a->content), sl->cand, sl->n_cand);
		if (c >= 0)
			list[n_list++] = sl->cand[c];
		add_extra(&o, "parse_failure_rate", c < 0);
	} else if (!strcmp(o.status, "ok")) {
		int has_cand = TASK_HAS_CANDIDATES(t->type);
		n = answer_read(&g, d->grounder, a->content, strlen(a->content), has_cand ? sl->cand : NULL,
				has_cand ? sl->n_cand : 0, 0);
		for (i = 0; i < n; i++) {
			int seen = 0;
			if (g[i].item == UINT32_MAX) {
				bad++;
				continue;
			}
			for (j = 0; j < n_list; j++)
				seen |= list[j] == g[i].item;
			if (seen) {
				dup++;
				continue;
			}
			if (has_cand && !g[i].in_candidates) {
				outside++;
				continue;
			}
			if (!has_cand && in_training(plan->sp, sl->user, g[i].item))
				history++;
			if (n_list < cap)
				list[n_list++] = g[i].item;
		}
		add_extra(&o, "parse_failure_rate", n == 0);
		add_extra(&o, "hallucination_rate", n ? (double)bad / (double)n : 0);
		add_extra(&o, "duplicate_rate", n ? (double)dup / (double)n : 0);
		if (has_cand) {
			size_t answered = n_list;
			add_extra(&o, "out_of_candidate_rate", n ? (double)outside / (double)n : 0);
			add_extra(&o, "full_list_rate", answered == sl->n_cand);
			for (i = 0; i < sl->n_cand; i++) {
				int seen = 0;
				for (j = 0; j < answered; j++)
					seen |= list[j] == sl->cand[i];
				if (!seen)
					list[n_list++] = sl->cand[i];
			}
		} else {
			add_extra(&o, "in_history_rate", n ? (double)history / (double)n : 0);
			add_extra(&o, "full_list_rate", n_list >= max_k);
		}
		grounding_json(&gj, plan->ds, g, n);
		o.grounding = gj.buf;
	}
	rc = finish_sample(d->ts, sl->user, sl->cand, sl->n_cand, list, n_list, a->latency_ms, &o);
	grounded_free(g, n);
	strbuf_release(&gj);
	free(err);
	free(list);
	return rc;
}

static const struct driver_ops chat_ops = { chat_prepare, chat_finish };

/* --- embedding tasks ------------------------------------------------------ */

/* Catalogue items in batches: work item i embeds items [i * EMBED_BATCH, ...). */
static int items_prepare(struct driver *d, size_t i, struct slot *sl, struct llm_request *req)
{
	const struct dataset *ds = d->plan->ds;
	size_t first = i * EMBED_BATCH, n = ds->n_items - first < EMBED_BATCH ? ds->n_items - first : EMBED_BATCH, j;

	strbuf_reset(&d->text);
	strbuf_addstr(&d->text, "{\"input\":[");
	for (j = 0; j < n; j++) {
		strbuf_reset(&d->inputs[j]);
		prompt_item_text(&d->inputs[j], d->ts->t, ds, (uint32_t)(first + j));
		d->input[j] = d->inputs[j].buf;
		if (j)
			strbuf_addch(&d->text, ',');
		strbuf_add_json(&d->text, d->inputs[j].buf);
	}
	strbuf_addstr(&d->text, "]}");
	free(sl->request);
	sl->request = xstrdup(d->text.buf);
	req->kind = LLM_EMBED;
	req->input = d->input;
	req->n_input = n;
	return 1;
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

static int items_finish(struct driver *d, struct slot *sl, const struct llm_answer *a, int from_cache)
{
	const struct dataset *ds = d->plan->ds;
	size_t first = sl->work * EMBED_BATCH, j;
	size_t n = ds->n_items - first < EMBED_BATCH ? ds->n_items - first : EMBED_BATCH;

	(void)from_cache;
	if (a->status != LLM_OK || a->n_embeddings != n || !a->dim) {
		error("%s: item embeddings %zu..%zu: %s", d->plan->model_text, first, first + n - 1,
		      a->status != LLM_OK ? (a->error ? a->error : "no answer") : "wrong number of vectors");
		return 0;  /* the items stay without vectors: the task reports it */
	}
	if (!d->dim) {
		d->dim = a->dim;
		d->item_vec = xcalloc(ds->n_items * d->dim + 1, sizeof(*d->item_vec));
	}
	if (a->dim != d->dim) {
		error("%s: embeddings of %zu and %zu dimensions in one run", d->plan->model_text, d->dim, a->dim);
		return 0;
	}
	for (j = 0; j < n; j++) {
		memcpy(d->item_vec + (first + j) * d->dim, a->embeddings + j * d->dim, d->dim * sizeof(double));
		normalise(d->item_vec + (first + j) * d->dim, d->dim);
		d->item_done[first + j] = 1;
	}
	return 0;
}

static const struct driver_ops items_ops = { items_prepare, items_finish };

static int user_prepare(struct driver *d, size_t i, struct slot *sl, struct llm_request *req)
{
	const struct run_plan *plan = d->plan;
	const struct task_spec *t = d->ts->t;
	const uint32_t *h;
	size_t n_h;

	if (!(h = start_sample(d, i, sl, &n_h)))
		return 0;
	strbuf_reset(&d->inputs[0]);
	prompt_user_text(&d->inputs[0], t, plan->ds, h, n_h);
	d->input[0] = d->inputs[0].buf;
	strbuf_reset(&d->text);
	strbuf_addstr(&d->text, "{\"input\":[");
	strbuf_add_json(&d->text, d->inputs[0].buf);
	strbuf_addstr(&d->text, "]}");
	free(sl->request);
	sl->request = xstrdup(d->text.buf);
	req->kind = LLM_EMBED;
	req->input = d->input;
	req->n_input = 1;
	return 1;
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
static int user_finish(struct driver *d, struct slot *sl, const struct llm_answer *a, int from_cache)
{
	const struct run_plan *plan = d->plan;
	const struct task_spec *t = d->ts->t;
	size_t n_items = plan->ds->n_items, max_k = t->k[t->n_k - 1], n = 0, i, n_list;
	struct scored *s = xmalloc((n_items + 1) * sizeof(*s));
	uint32_t *list = xmalloc((n_items + 1) * sizeof(*list));
	struct llm_outcome o = { 0 };
	double *v = NULL;
	int rc, ranking = TASK_HAS_CANDIDATES(t->type);

	o.request = sl->request;
	o.tokens_in = from_cache ? 0 : a->tokens_in;
	o.status = "ok";
	if (a->status != LLM_OK || a->n_embeddings != 1 || a->dim != d->dim) {
		o.status = "error";
		o.error = a->status != LLM_OK ? (a->error ? a->error : "the model could not answer") :
			  "the embedding does not match the catalogue's";
	} else {
		v = xmalloc(d->dim * sizeof(*v));
		memcpy(v, a->embeddings, d->dim * sizeof(*v));
		normalise(v, d->dim);
		for (i = 0; i < (ranking ? sl->n_cand : n_items); i++) {
			uint32_t it = ranking ? sl->cand[i] : (uint32_t)i;
			size_t j;
			double dot = 0;
			if (!d->item_done[it] || (!ranking && in_training(plan->sp, sl->user, it)))
				continue;
			for (j = 0; j < d->dim; j++)
				dot += v[j] * d->item_vec[(size_t)it * d->dim + j];
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
	rc = finish_sample(d->ts, sl->user, sl->cand, sl->n_cand, list, n_list, a->latency_ms, &o);
	free(v);
	free(s);
	free(list);
	return rc;
}

static const struct driver_ops user_ops = { user_prepare, user_finish };

int run_llm(struct task_state *ts, const struct adapter *ad, struct model *model)
{
	const struct run_plan *plan = ts->plan;
	const struct task_spec *t = ts->t;
	struct driver d;
	size_t i, missing = 0;
	int ret;

	memset(&d, 0, sizeof(d));
	d.plan = plan;
	d.ts = ts;
	d.ad = ad;
	d.model = model;
	d.identity = ad->identity ? ad->identity(model) : xstrdup("");
	prompt_init(&d.pr);
	strbuf_init(&d.text, 0);
	for (i = 0; i < ARRAY_SIZE(d.inputs); i++)
		strbuf_init(&d.inputs[i], 0);
	d.mark = xcalloc(plan->ds->n_items ? plan->ds->n_items : 1, 1);

	if (TASK_IS_EMBEDDING(t->type)) {
		/* the catalogue first, in batches (cached like any request), then one request per sample */
		d.item_done = xcalloc(plan->ds->n_items ? plan->ds->n_items : 1, 1);
		d.ops = &items_ops;
		ret = drive(&d, (plan->ds->n_items + EMBED_BATCH - 1) / EMBED_BATCH, 0);
		for (i = 0; i < plan->ds->n_items; i++)
			missing += !d.item_done[i];
		if (ret == EXIT_OK && missing == plan->ds->n_items) {
			error("%s: no item of the catalogue could be embedded", plan->model_text);
			ret = EXIT_MODEL;
		} else if (ret == EXIT_OK && missing) {
			warning("%s: %zu of %zu items have no embedding and are never recommended",
				plan->model_text, missing, plan->ds->n_items);
		}
		if (ret == EXIT_OK) {
			d.ops = &user_ops;
			ret = drive(&d, plan->n_users, t->candidates);
		}
	} else {
		d.grounder = grounder_new(plan->ds, t->fuzzy > 0 ? t->fuzzy : GROUND_FUZZY_DEFAULT);
		d.ops = &chat_ops;
		ret = drive(&d, plan->n_users, t->candidates);
		grounder_free(d.grounder);
	}
	prompt_release(&d.pr);
	strbuf_release(&d.text);
	for (i = 0; i < ARRAY_SIZE(d.inputs); i++)
		strbuf_release(&d.inputs[i]);
	free(d.mark);
	free(d.item_vec);
	free(d.item_done);
	free(d.identity);
	return ret;
}
