/* run.c: evaluates one model on a plan: rankings, per-sample metrics, storage, aggregation, progress. */
#include <cJSON.h>
#include "run.h"
#include "strbuf.h"
#include "metrics/ranking.h"
#include "metrics/beyond.h"
#include "prompt.h"
#include "sha256.h"
#include "adapters/prices.h"

volatile int run_interrupted;

struct progress {
	int quiet, tty;
	const char *model, *task;
	size_t total, done, next_line;
	double started;
};

static void progress_start(struct progress *p, const char *model, const char *task, size_t total, int quiet)
{
	p->quiet = quiet;
	p->tty = isatty(2);
	p->model = model;
	p->task = task;
	p->total = total;
	p->done = 0;
	p->next_line = total / 4 ? total / 4 : 1;
	p->started = now_ms();
}

static void progress_step(struct progress *p)
{
	p->done++;
	if (p->quiet)
		return;
	if (p->tty) {
		int width = 30, fill = p->total ? (int)(width * p->done / p->total) : width;
		if (p->done != p->total && p->done % 16)
			return;
		fprintf(stderr, "\r%-22.22s %-12.12s [%.*s%*s] %zu/%zu", p->model, p->task,
			fill, "##############################", width - fill, "", p->done, p->total);
		if (p->done == p->total)
			fprintf(stderr, " %.1fs\n", (now_ms() - p->started) / 1000);
	} else if (p->done >= p->next_line || p->done == p->total) {
		fprintf(stderr, "%s %s: %zu/%zu samples\n", p->model, p->task, p->done, p->total);
		p->next_line = p->done + (p->total / 4 ? p->total / 4 : 1);
	}
}

static void add_id_array(struct strbuf *sb, const struct dataset *ds, const uint32_t *items, size_t n)
{
	size_t i;

	strbuf_addch(sb, '[');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_json(sb, ds->items[items[i]].id);
	}
	strbuf_addch(sb, ']');
}

/* The run record's configuration: everything needed to reproduce or resume it. */
static char *run_config(const struct run_plan *plan, const struct model_spec *spec)
{
	const struct dataset *ds = plan->ds;
	cJSON *c = cJSON_CreateObject(), *d, *suite = cJSON_Parse(plan->suite->json);
	char *out, *ret;

	cJSON_AddStringToObject(c, "suite_path", plan->suite->path);
	cJSON_AddItemToObject(c, "suite", suite ? suite : cJSON_CreateNull());
	cJSON_AddStringToObject(c, "model", spec->text);
	cJSON_AddNumberToObject(c, "seed", (double)plan->seed);
	if (plan->limit >= 0)
		cJSON_AddNumberToObject(c, "limit", (double)plan->limit);
	else
		cJSON_AddNullToObject(c, "limit");
	if (plan->shard_n > 1) {
		char shard[64];
		snprintf(shard, sizeof(shard), "%ld/%ld", plan->shard_i, plan->shard_n);
		cJSON_AddStringToObject(c, "shard", shard);
	} else {
		cJSON_AddNullToObject(c, "shard");
	}
	cJSON_AddNumberToObject(c, "users_eligible", (double)plan->sp->n_eligible);
	cJSON_AddNumberToObject(c, "users_skipped", (double)plan->sp->skipped);
	cJSON_AddNumberToObject(c, "users_sampled", (double)plan->sampled);
	cJSON_AddNumberToObject(c, "users_evaluated", (double)plan->n_users);
	d = cJSON_AddObjectToObject(c, "dataset");
	cJSON_AddStringToObject(d, "format", ds->format);
	cJSON_AddStringToObject(d, "path", ds->path);
	cJSON_AddNumberToObject(d, "users", (double)ds->n_users);
	cJSON_AddNumberToObject(d, "items", (double)ds->n_items);
	cJSON_AddNumberToObject(d, "interactions", (double)ds->n_inter);
	cJSON_AddNumberToObject(d, "duplicates_dropped", (double)ds->duplicates);
	cJSON_AddNumberToObject(d, "filtered", (double)ds->filtered);
	cJSON_AddStringToObject(c, "version", receval_version);
	out = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	ret = xstrdup(out);
	cJSON_free(out);
	return ret;
}

/*
 * What the beyond-accuracy metrics of retrieval tasks need, computed once
 * per run: popularity, the long tail, item categories.
 */
struct beyond_ctx {
	unsigned char *tail;      /* [n_items] */
	uint32_t *cat_off, *cats; /* item categories (dataset_category_index) */
	size_t n_categories;
};

/* A run-level figure waiting for store_aggregate() to finish. */
struct run_value {
	char *task, *metric;
	double value;
	size_t n;
};

struct run_values {
	struct run_value *v;
	size_t n, alloc;
};

static void run_values_add(struct run_values *rv, const char *task, char *metric, double value, size_t n)
{
	ALLOC_GROW(rv->v, rv->n + 1, rv->alloc);
	rv->v[rv->n].task = xstrdup(task);
	rv->v[rv->n].metric = metric;
	rv->v[rv->n].value = value;
	rv->v[rv->n].n = n;
	rv->n++;
}

/* Per-sample metrics of a task: name templates at every cutoff. */
enum extra_metric { XM_NOVELTY, XM_ARP, XM_APLT, XM_ILD, XM__COUNT };
static const char *const extra_names[XM__COUNT] = { "novelty", "arp", "aplt", "ild" };

/*
 * names[] of a task: the ranking families (family-major, every cutoff), then
 * for retrieval the beyond-accuracy ones (ild only where items have categories).
 */
static char **metric_names(const struct task_spec *t, int with_ild, size_t *n)
{
	size_t i, m, n_extra = t->type == TASK_RETRIEVAL ? (with_ild ? XM__COUNT : XM_ILD) : 0;
	char **names = xmalloc(t->n_k * (RM__COUNT + XM__COUNT) * sizeof(*names));

	*n = 0;
	for (m = 0; m < RM__COUNT; m++)
		for (i = 0; i < t->n_k; i++)
			names[(*n)++] = xstrfmt("%s@%zu", ranking_metric_names[m], t->k[i]);
	for (m = 0; m < n_extra; m++)
		for (i = 0; i < t->n_k; i++)
			names[(*n)++] = xstrfmt("%s@%zu", extra_names[m], t->k[i]);
	return names;
}

/* Everything one task of one run shares while its samples are evaluated. */
struct task_state {
	const struct run_plan *plan;
	struct store *store;
	int64_t run_id;
	const struct task_spec *t;
	const struct beyond_ctx *bc;
	char **names;              /* per-sample metric names (metric_names) */
	size_t n_names;
	double *values;
	const char **kept_names;
	double *kept;
	unsigned char *rel;
	struct strbuf hist, cands, ranking;
	size_t errors;
	struct progress prog;
};

/* What a language model's sample adds to its record. */
struct llm_outcome {
	const char *status;         /* "ok" or "error" */
	const char *error;
	const char *request, *response;
	double latency_ms;
	long tokens_in, tokens_out;
	int parse_failed;           /* an answer, but nothing in it could be read */
};

/* The history a sample shows: the most recent max_history training items. */
static const uint32_t *sample_history(const struct run_plan *plan, uint32_t u, size_t *n)
{
	const struct split *sp = plan->sp;
	const uint32_t *h = sp->train_items + sp->train_off[u];

	*n = sp->train_off[u + 1] - sp->train_off[u];
	if (plan->suite->split.max_history && *n > plan->suite->split.max_history) {
		h += *n - plan->suite->split.max_history;
		*n = plan->suite->split.max_history;
	}
	return h;
}

/*
 * Score one sample's ranked list and commit it with its metrics. list is
 * NULL when the model failed (an error: stored, never scored). o is NULL
 * for built-in models.
 */
static int finish_sample(struct task_state *ts, uint32_t u, const uint32_t *cand, size_t n_cand,
			 const uint32_t *list, size_t n_list, double latency_ms, const struct llm_outcome *o)
{
	const struct run_plan *plan = ts->plan;
	const struct dataset *ds = plan->ds;
	const struct split *sp = plan->sp;
	const struct task_spec *t = ts->t;
	const struct beyond_ctx *bc = ts->bc;
	uint32_t target = sp->target[u];
	struct sample_record rec = { 0 };
	size_t n_h, j, m, n_kept = 0;
	const uint32_t *h = sample_history(plan, u, &n_h);
	int ok = list && (!o || !strcmp(o->status, "ok"));

	strbuf_reset(&ts->hist);
	strbuf_reset(&ts->cands);
	strbuf_reset(&ts->ranking);
	add_id_array(&ts->hist, ds, h, n_h);
	add_id_array(&ts->ranking, ds, list, ok ? n_list : 0);
	if (t->type == TASK_RANKING)
		add_id_array(&ts->cands, ds, cand, n_cand);

	rec.task = t->name;
	rec.sample_id = ds->user_ids[u];
	rec.user = ds->user_ids[u];
	rec.target = ds->items[target].id;
	rec.candidates = t->type == TASK_RANKING ? ts->cands.buf : NULL;
	rec.history = ts->hist.buf;
	rec.ranking = ts->ranking.buf;
	rec.latency_ms = latency_ms;
	if (o) {
		rec.request = o->request;
		rec.response = o->response;
		rec.tokens_in = o->tokens_in;
		rec.tokens_out = o->tokens_out;
	}
	if (!ok) {
		rec.status = "error";
		rec.error = o && o->error ? o->error : "the model could not answer";
		ts->errors++;
		/* an error is counted, never scored as an answer */
		if (o) {
			ts->kept_names[n_kept] = "error_rate";
			ts->kept[n_kept++] = 1;
		}
	} else {
		rec.status = "ok";
		for (j = 0; j < n_list; j++)
			ts->rel[j] = list[j] == target;
		/* names are family-major: names[m] is family m / n_k at cutoff k[m % n_k] */
		for (m = 0; m < ts->n_names; m++) {
			size_t fam = m / t->n_k, c = m % t->n_k;
			size_t top = n_list < t->k[c] ? n_list : t->k[c];
			if (fam < RM__COUNT) {
				ts->values[m] = ranking_metric((enum ranking_metric)fam, ts->rel, n_list, 1, t->k[c]);
				continue;
			}
			switch ((enum extra_metric)(fam - RM__COUNT)) {
			case XM_NOVELTY:
				ts->values[m] = beyond_novelty(list, top, sp->item_count, sp->n_train);
				break;
			case XM_ARP:
				ts->values[m] = beyond_arp(list, top, sp->item_count);
				break;
			case XM_APLT:
				ts->values[m] = beyond_aplt(list, top, bc->tail);
				break;
			default:
				ts->values[m] = beyond_ild(list, top, bc->cat_off, bc->cats);
				break;
			}
		}
		/* a metric undefined for this sample (ild of a list without two categorised items) is left out */
		for (m = 0; m < ts->n_names; m++)
			if (!isnan(ts->values[m])) {
				ts->kept_names[n_kept] = ts->names[m];
				ts->kept[n_kept++] = ts->values[m];
			}
		if (o) {
			ts->kept_names[n_kept] = "error_rate";
			ts->kept[n_kept++] = 0;
			ts->kept_names[n_kept] = "parse_failure_rate";
			ts->kept[n_kept++] = o->parse_failed;
		}
	}
	rec.metric_names = ts->kept_names;
	rec.metric_values = ts->kept;
	rec.n_metrics = n_kept;
	if (store_put_sample(ts->store, ts->run_id, &rec) < 0)
		return -1;
	progress_step(&ts->prog);
	return 0;
}

/* Whether a resumed run already holds this sample (and it need not be asked again). */
static int already_done(const struct run_plan *plan, const char *task, const char *sample_id)
{
	char *key;
	uint32_t v;
	int found;

	if (!plan->done)
		return 0;
	key = xstrfmt("%s\n%s", task, sample_id);
	found = !strmap_get(plan->done, key, strlen(key), &v);
	free(key);
	return found;
}

/* Built-in models answer at once, one sample after another. */
static int run_builtin(struct task_state *ts, const struct adapter *ad, struct model *model)
{
	const struct run_plan *plan = ts->plan;
	const struct task_spec *t = ts->t;
	size_t max_k = t->k[t->n_k - 1], list_cap = t->type == TASK_RANKING ? t->candidates : max_k;
	uint32_t *list = xmalloc(list_cap * sizeof(*list));
	uint32_t *cand = xmalloc((t->type == TASK_RANKING ? t->candidates : 1) * sizeof(*cand));
	unsigned char *mark = xcalloc(plan->ds->n_items ? plan->ds->n_items : 1, 1);
	size_t i;
	int ret = EXIT_OK;

	for (i = 0; i < plan->n_users && !run_interrupted; i++) {
		uint32_t u = plan->users[i];
		size_t n_list = 0, n_cand = 0;
		double t0 = now_ms();
		int rc;

		if (already_done(plan, t->name, plan->ds->user_ids[u])) {
			progress_step(&ts->prog);
			continue;
		}
		if (t->type == TASK_RANKING) {
			n_cand = split_candidates(cand, t->candidates, plan->sp, plan->ds, u, t->negatives,
						  plan->seed, t->name, mark);
			rc = ad->rank(model, u, cand, n_cand, list);
			n_list = n_cand;
		} else {
			rc = ad->recommend(model, u, max_k, list, &n_list);
		}
		if (finish_sample(ts, u, cand, n_cand, rc < 0 ? NULL : list, n_list, now_ms() - t0, NULL) < 0) {
			ret = EXIT_STORE;
			break;
		}
	}
	free(list);
	free(cand);
	free(mark);
	return ret;
}

/* One request in flight to a language model. */
struct slot {
	uint64_t id;               /* 0: free */
	uint32_t user;
	uint32_t *cand;            /* [t->candidates] */
	size_t n_cand;
	char *request;             /* JSON, as stored */
	char key[65];              /* cache key */
};

/* The cache key of a request: SHA-256 of the model's identity and the request's JSON. */
static void cache_key(char out[65], const char *identity, const char *request)
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, identity, strlen(identity));
	sha256_update(&c, "\n", 1);
	sha256_update(&c, request, strlen(request));
	sha256_hex(&c, out);
}

static int finish_llm_sample(struct task_state *ts, const struct title_index *ti, struct slot *sl,
			     const struct llm_answer *a, int from_cache, const char *identity)
{
	const struct task_spec *t = ts->t;
	size_t max_k = t->k[t->n_k - 1], n_list = 0, lines = 0, got;
	uint32_t *list = xmalloc(((t->type == TASK_RANKING ? t->candidates : max_k) + 1) * sizeof(*list));
	struct llm_outcome o = { 0 };
	char *err = NULL;
	int rc;

	(void)identity;
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
	if (!strcmp(o.status, "ok")) {
		if (t->type == TASK_RANKING) {
			got = answer_ranking(list, a->content, ti, sl->cand, sl->n_cand);
			n_list = sl->n_cand;
		} else {
			got = n_list = answer_retrieval(list, max_k, a->content, ti, &lines);
		}
		o.parse_failed = got == 0;
	}
	rc = finish_sample(ts, sl->user, sl->cand, sl->n_cand, list, n_list, a->latency_ms, &o);
	if (rc == 0 && !from_cache && a->status == LLM_OK && a->content &&
	    store_cache_put(ts->store, sl->key, a->content) < 0)
		rc = -1;
	free(err);
	free(list);
	return rc;
}

/*
 * Language models: many requests in flight, answers matched to their sample
 * by request id, never by position. On SIGINT nothing new is sent and the
 * answers in flight are awaited for a bounded time; what has not come back
 * is not stored, so `--resume` asks it again.
 */
static int run_llm(struct task_state *ts, const struct adapter *ad, struct model *model)
{
	const struct run_plan *plan = ts->plan;
	const struct task_spec *t = ts->t;
	size_t n_slots = plan->limits.concurrency * 2, i, next = 0, active = 0;
	struct slot *slots = xcalloc(n_slots ? n_slots : 1, sizeof(*slots));
	unsigned char *mark = xcalloc(plan->ds->n_items ? plan->ds->n_items : 1, 1);
	struct prompt pr;
	struct strbuf req = STRBUF_INIT;
	struct title_index ti;
	char *identity = ad->identity ? ad->identity(model) : xstrdup("");
	uint64_t next_id = 1;
	double drain_until = 0;
	int ret = EXIT_OK, stop = 0;

	if (!n_slots)
		n_slots = 1;
	prompt_init(&pr);
	title_index_build(&ti, plan->ds);
	for (i = 0; i < n_slots; i++)
		slots[i].cand = xmalloc((t->type == TASK_RANKING ? t->candidates : 1) * sizeof(*slots[i].cand));

	while (ret == EXIT_OK && (active || (!stop && next < plan->n_users))) {
		/* fill free slots */
		while (!stop && !run_interrupted && active < n_slots && next < plan->n_users) {
			uint32_t u = plan->users[next++];
			struct slot *sl = NULL;
			struct llm_message msgs[2];
			struct llm_request r = { 0 };
			const uint32_t *h;
			size_t n_h;
			char *cached = NULL;
			int hit;

			if (already_done(plan, t->name, plan->ds->user_ids[u])) {
				progress_step(&ts->prog);
				continue;
			}
			for (i = 0; i < n_slots && !sl; i++)
				if (!slots[i].id)
					sl = &slots[i];
			sl->user = u;
			sl->n_cand = 0;
			h = sample_history(plan, u, &n_h);
			if (t->type == TASK_RANKING) {
				sl->n_cand = split_candidates(sl->cand, t->candidates, plan->sp, plan->ds, u,
							      t->negatives, plan->seed, t->name, mark);
				prompt_ranking(&pr, plan->ds, h, n_h, sl->cand, sl->n_cand);
			} else {
				prompt_retrieval(&pr, plan->ds, h, n_h, t->k[t->n_k - 1]);
			}
			strbuf_reset(&req);
			prompt_json(&req, &pr);
			free(sl->request);
			sl->request = xstrdup(req.buf);
			cache_key(sl->key, identity, sl->request);
			hit = plan->no_cache ? 0 : store_cache_get(ts->store, sl->key, &cached);
			if (hit < 0) {
				ret = EXIT_STORE;
				break;
			}
			if (hit) {
				/* a hit sends nothing */
				struct llm_answer a = { 0 };
				a.status = LLM_OK;
				a.content = cached;
				if (finish_llm_sample(ts, &ti, sl, &a, 1, identity) < 0)
					ret = EXIT_STORE;
				free(cached);
				continue;
			}
			msgs[0].role = "system";
			msgs[0].content = pr.system.buf;
			msgs[1].role = "user";
			msgs[1].content = pr.user.buf;
			r.id = sl->id = next_id++;
			r.kind = LLM_CHAT;
			r.messages = msgs;
			r.n_messages = 2;
			if (ad->submit(model, &r) < 0) {
				struct llm_answer a = { 0 };
				a.status = LLM_ERROR;
				a.error = "the request could not be sent";
				if (finish_llm_sample(ts, &ti, sl, &a, 1, identity) < 0)
					ret = EXIT_STORE;
				sl->id = 0;
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
			int rc = ad->poll(model, &a, 200);
			struct slot *sl = NULL;

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
				/* stored as nothing: after the cause is fixed, --resume asks again */
				if (!stop)
					error("%s: %s", plan->model_text, a.error ? a.error : "the model refuses every request");
				stop = 1;
				ret = EXIT_MODEL;
				llm_answer_release(&a);
				continue;
			}
			if (finish_llm_sample(ts, &ti, sl, &a, 0, identity) < 0)
				ret = EXIT_STORE;
			llm_answer_release(&a);
		}
	}
	if (ret == EXIT_MODEL) {
		/* drain what the adapter still holds: every queued request fails fast after a fatal answer */
		struct llm_answer a;
		double until = now_ms() + 5000;
		while (ad->pending(model) && now_ms() < until)
			if (ad->poll(model, &a, 100) == 1)
				llm_answer_release(&a);
	}
	for (i = 0; i < n_slots; i++) {
		free(slots[i].cand);
		free(slots[i].request);
	}
	free(slots);
	free(mark);
	free(identity);
	prompt_release(&pr);
	strbuf_release(&req);
	title_index_release(&ti);
	return ret;
}

/* coverage, gini and entropy of a task's stored rankings (all of them, so a resumed run counts every sample). */
static int task_distribution(struct task_state *ts, struct run_values *rv)
{
	const struct dataset *ds = ts->plan->ds;
	const struct task_spec *t = ts->t;
	uint32_t *freq = xcalloc(t->n_k * ds->n_items + 1, sizeof(*freq));
	uint32_t *scratch = xmalloc((ds->n_items ? ds->n_items : 1) * sizeof(*scratch));
	char **rankings = NULL;
	size_t n = 0, r, m;

	if (store_get_rankings(ts->store, ts->run_id, t->name, &rankings, &n) < 0) {
		free(freq);
		free(scratch);
		return -1;
	}
	for (r = 0; r < n; r++) {
		cJSON *a = cJSON_Parse(rankings[r]), *e;
		size_t place = 0;
		cJSON_ArrayForEach(e, a) {
			uint32_t it;
			if (cJSON_IsString(e) && !strmap_get(&ds->item_index, e->valuestring,
							     strlen(e->valuestring), &it))
				for (m = 0; m < t->n_k; m++)
					if (place < t->k[m])
						freq[m * ds->n_items + it]++;
			place++;
		}
		cJSON_Delete(a);
		free(rankings[r]);
	}
	free(rankings);
	for (m = 0; m < t->n_k; m++) {
		const uint32_t *f = freq + m * ds->n_items;
		run_values_add(rv, t->name, xstrfmt("coverage@%zu", t->k[m]), beyond_coverage(f, ds->n_items), n);
		run_values_add(rv, t->name, xstrfmt("gini@%zu", t->k[m]),
			       beyond_gini(f, ds->n_items, scratch), n);
		run_values_add(rv, t->name, xstrfmt("entropy@%zu", t->k[m]), beyond_entropy(f, ds->n_items), n);
	}
	free(freq);
	free(scratch);
	return 0;
}

static int run_task(const struct run_plan *plan, struct store *store, const struct adapter *ad,
		    struct model *model, const struct model_spec *spec, const struct task_spec *t,
		    const struct beyond_ctx *bc, struct run_values *rv, int64_t run_id, size_t *errors)
{
	struct task_state ts;
	size_t m, list_cap = t->type == TASK_RANKING ? t->candidates : t->k[t->n_k - 1];
	int ret;

	memset(&ts, 0, sizeof(ts));
	ts.plan = plan;
	ts.store = store;
	ts.run_id = run_id;
	ts.t = t;
	ts.bc = bc;
	ts.names = metric_names(t, bc->n_categories > 0, &ts.n_names);
	ts.values = xmalloc(ts.n_names * sizeof(*ts.values));
	/* room for every metric and the two rates of language models */
	ts.kept_names = xmalloc((ts.n_names + 2) * sizeof(*ts.kept_names));
	ts.kept = xmalloc((ts.n_names + 2) * sizeof(*ts.kept));
	ts.rel = xmalloc(list_cap + 1);
	strbuf_init(&ts.hist, 0);
	strbuf_init(&ts.cands, 0);
	strbuf_init(&ts.ranking, 0);
	progress_start(&ts.prog, spec->text, t->name, plan->n_users, plan->quiet);

	ret = ad->submit ? run_llm(&ts, ad, model) : run_builtin(&ts, ad, model);
	if (run_interrupted && ret == EXIT_OK)
		ret = 130;
	if (ret == EXIT_OK && t->type == TASK_RETRIEVAL && task_distribution(&ts, rv) < 0)
		ret = EXIT_STORE;
	*errors += ts.errors;
	for (m = 0; m < ts.n_names; m++)
		free(ts.names[m]);
	free(ts.names);
	free(ts.values);
	free(ts.kept_names);
	free(ts.kept);
	free(ts.rel);
	strbuf_release(&ts.hist);
	strbuf_release(&ts.cands);
	strbuf_release(&ts.ranking);
	return ret;
}

int run_model(const struct run_plan *plan, struct store *store, const struct model_spec *spec,
	      int from_flag, int64_t *run_id)
{
	const struct adapter *ad = adapter_find(spec->provider);
	struct train_data data = { plan->ds, plan->sp, plan->seed, plan->limits };
	struct model *model = NULL;
	struct model_spec backend_spec;
	struct price price;
	int rc;
	struct beyond_ctx bc;
	struct run_values rv = { 0 };
	uint64_t *order;
	size_t t, i, errors = 0;
	char *config;
	double t0 = now_ms();
	int ret = EXIT_OK;

	*run_id = 0;
	if (!ad) {
		error("unknown model provider '%s' in '%s' (known: %s)", spec->provider, spec->text,
		      adapter_providers());
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	}
	if (price_for(&price, spec) < 0)
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	/* the price parameters are receval's: the backend never sees them */
	model_spec_without_prices(&backend_spec, spec);
	rc = ad->open(&model, &backend_spec, &data);
	model_spec_release(&backend_spec);
	if (rc < 0)
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	if (!plan->quiet)
		fprintf(stderr, "%s: trained in %.2fs\n", spec->text, (now_ms() - t0) / 1000);

	if (plan->resume_run) {
		*run_id = plan->resume_run;
		if (store_finish_run(store, *run_id, "running", 0) < 0) {
			ad->free(model);
			return EXIT_STORE;
		}
	} else {
		config = run_config(plan, spec);
		if (store_create_run(store, run_id, plan->suite->name, spec->text, config, plan->seed,
				     plan->n_users * plan->suite->n_tasks) < 0) {
			free(config);
			ad->free(model);
			return EXIT_STORE;
		}
		free(config);
	}

	memset(&bc, 0, sizeof(bc));
	order = xmalloc((plan->ds->n_items ? plan->ds->n_items : 1) * sizeof(*order));
	bc.tail = xmalloc(plan->ds->n_items ? plan->ds->n_items : 1);
	beyond_long_tail(bc.tail, order, plan->sp->item_count, plan->ds->n_items, 0.2);
	free(order);
	dataset_category_index(plan->ds, &bc.cat_off, &bc.cats, &bc.n_categories);

	for (t = 0; t < plan->suite->n_tasks && ret == EXIT_OK; t++) {
		const struct task_spec *task = &plan->suite->tasks[t];
		/* language models answer every task through prompts; built-in ones need the task's own call */
		if (!ad->submit && ((task->type == TASK_RANKING && !ad->rank) ||
				    (task->type == TASK_RETRIEVAL && !ad->recommend))) {
			error("model '%s' cannot answer %s tasks", spec->text, task_type_name(task->type));
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			break;
		}
		ret = run_task(plan, store, ad, model, spec, task, &bc, &rv, *run_id, &errors);
	}
	/* what a language model's answers cost, per task: tokens and, where the price is known, dollars */
	for (t = 0; ad->submit && t < plan->suite->n_tasks && (ret == EXIT_OK || ret == 130 || ret == EXIT_MODEL); t++) {
		const char *name = plan->suite->tasks[t].name;
		long long tin, tout;
		size_t n;
		if (store_sum_tokens(store, *run_id, name, &tin, &tout, &n) < 0) {
			ret = EXIT_STORE;
			break;
		}
		run_values_add(&rv, name, xstrdup("tokens_in"), (double)tin, n);
		run_values_add(&rv, name, xstrdup("tokens_out"), (double)tout, n);
		run_values_add(&rv, name, xstrdup("cost_usd"),
			       (tin * price.in + tout * price.out) / 1e6, n);
	}
	ad->free(model);
	free(bc.tail);
	free(bc.cat_off);
	free(bc.cats);

	/* an interrupted or failed run keeps figures for what it has; --resume recomputes them */
	if ((ret == EXIT_OK || ret == 130 || ret == EXIT_MODEL) &&
	    store_aggregate(store, *run_id, plan->seed) < 0)
		ret = EXIT_STORE;
	for (i = 0; i < rv.n; i++) {
		if ((ret == EXIT_OK || ret == 130 || ret == EXIT_MODEL) && store_put_run_value(store, *run_id, rv.v[i].task, rv.v[i].metric,
							   rv.v[i].value, rv.v[i].n) < 0)
			ret = EXIT_STORE;
		free(rv.v[i].task);
		free(rv.v[i].metric);
	}
	free(rv.v);
	if (plan->resume_run) {
		/* the errors of the samples kept from before count too */
		long stored = store_count_errors(store, *run_id);
		if (stored >= 0)
			errors = (size_t)stored;
	}
	if (store_finish_run(store, *run_id,
			     ret == EXIT_OK ? "done" : ret == 130 ? "interrupted" : "failed", errors) < 0 &&
	    ret == EXIT_OK)
		ret = EXIT_STORE;
	if (ret == EXIT_OK && errors)
		ret = EXIT_MODEL;
	return ret;
}
