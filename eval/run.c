/* run.c: evaluates one model on a plan: rankings, per-sample metrics, storage, aggregation, progress. */
#include <cJSON.h>
#include "eval/run.h"
#include "eval/run_internal.h"
#include "lib/rng.h"
#include "lib/strbuf.h"
#include "metrics/ranking.h"
#include "metrics/beyond.h"
#include "adapters/prices.h"

volatile int run_interrupted;

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

void progress_step(struct progress *p)
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

void add_id_array(struct strbuf *sb, const struct dataset *ds, const uint32_t *items, size_t n)
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
	int retrieval = t->type == TASK_RETRIEVAL || t->type == TASK_EMBED_RETRIEVAL;
	size_t i, m, n_extra = retrieval ? (with_ild ? XM__COUNT : XM_ILD) : 0;
	char **names = xmalloc(t->n_k * (RM__COUNT + XM__COUNT) * sizeof(*names));

	*n = 0;
	if (t->type == TASK_MC) {
		names[(*n)++] = xstrdup("acc@1");
		return names;
	}
	for (m = 0; m < RM__COUNT; m++)
		for (i = 0; i < t->n_k; i++)
			names[(*n)++] = xstrfmt("%s@%zu", ranking_metric_names[m], t->k[i]);
	for (m = 0; m < n_extra; m++)
		for (i = 0; i < t->n_k; i++)
			names[(*n)++] = xstrfmt("%s@%zu", extra_names[m], t->k[i]);
	return names;
}

/* The history a sample shows: the most recent max_history training items. */
const uint32_t *sample_history(const struct run_plan *plan, uint32_t u, size_t *n)
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
int finish_sample(struct task_state *ts, uint32_t u, const uint32_t *cand, size_t n_cand,
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
	if (TASK_HAS_CANDIDATES(t->type))
		add_id_array(&ts->cands, ds, cand, n_cand);

	rec.task = t->name;
	rec.sample_id = ds->user_ids[u];
	rec.user = ds->user_ids[u];
	rec.target = ds->items[target].id;
	rec.candidates = TASK_HAS_CANDIDATES(t->type) ? ts->cands.buf : NULL;
	rec.history = ts->hist.buf;
	rec.ranking = ts->ranking.buf;
	rec.latency_ms = latency_ms;
	if (o) {
		rec.request = o->request;
		rec.response = o->response;
		rec.tokens_in = o->tokens_in;
		rec.tokens_out = o->tokens_out;
		rec.grounding = o->grounding;
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
		/* names are family-major: names[m] is family m / n_k at cutoff k[m % n_k]; mc has acc@1 alone */
		for (m = 0; m < ts->n_names; m++) {
			size_t fam = m / t->n_k, c = m % t->n_k;
			if (t->type == TASK_MC) {
				ts->values[m] = n_list && list[0] == target;
				continue;
			}
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
			for (j = 0; j < o->n_extra; j++) {
				ts->kept_names[n_kept] = o->extra_names[j];
				ts->kept[n_kept++] = o->extra_values[j];
			}
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
int already_done(const struct run_plan *plan, const char *task, const char *sample_id)
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

size_t task_candidates(uint32_t *out, const struct run_plan *plan, const struct task_spec *t, uint32_t user,
		       unsigned char *mark)
{
	size_t n = split_candidates(out, t->candidates, plan->sp, plan->ds, user, t->negatives, plan->seed,
				    t->cand_task ? t->cand_task : t->name, mark);
	const char *uid = plan->ds->user_ids[user];
	struct rng r;

	if (!t->perm)
		return n;
	/* the same candidates in another order: position bias shows as a spread across passes */
	rng_seed(&r, rng_mix(rng_mix(plan->seed, t->perm), str_hash(uid, strlen(uid))));
	rng_shuffle_u32(&r, out, n);
	return n;
}

/* Built-in models answer at once, one sample after another. */
static int run_builtin(struct task_state *ts, const struct adapter *ad, struct model *model)
{
	const struct run_plan *plan = ts->plan;
	const struct task_spec *t = ts->t;
	int has_cand = TASK_HAS_CANDIDATES(t->type);
	size_t max_k = t->k[t->n_k - 1], list_cap = has_cand ? t->candidates : max_k;
	uint32_t *list = xmalloc(list_cap * sizeof(*list));
	uint32_t *cand = xmalloc((has_cand ? t->candidates : 1) * sizeof(*cand));
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
		if (has_cand) {
			/* ranking and mc alike: the model orders the candidates; mc takes the first */
			n_cand = task_candidates(cand, plan, t, u, mark);
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
	size_t m, list_cap = TASK_HAS_CANDIDATES(t->type) ? t->candidates : t->k[t->n_k - 1];
	int ret;

	memset(&ts, 0, sizeof(ts));
	ts.plan = plan;
	ts.store = store;
	ts.run_id = run_id;
	ts.t = t;
	ts.bc = bc;
	ts.names = metric_names(t, bc->n_categories > 0, &ts.n_names);
	ts.values = xmalloc(ts.n_names * sizeof(*ts.values));
	/* room for every metric, error_rate and the validity figures of language models */
	ts.kept_names = xmalloc((ts.n_names + 9) * sizeof(*ts.kept_names));
	ts.kept = xmalloc((ts.n_names + 9) * sizeof(*ts.kept));
	ts.rel = xmalloc(list_cap + 1);
	strbuf_init(&ts.hist, 0);
	strbuf_init(&ts.cands, 0);
	strbuf_init(&ts.ranking, 0);
	progress_start(&ts.prog, spec->text, t->name, plan->n_users, plan->quiet);

	ret = ad->submit ? run_llm(&ts, ad, model) : run_builtin(&ts, ad, model);
	if (run_interrupted && ret == EXIT_OK)
		ret = 130;
	if (ret == EXIT_OK && (t->type == TASK_RETRIEVAL || t->type == TASK_EMBED_RETRIEVAL) &&
	    task_distribution(&ts, rv) < 0)
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

/*
 * Position bias: for a ranking task with "permutations": N, the mean and the
 * standard deviation (n - 1 in the divisor) of each ndcg, recall and mrr
 * figure over the N + 1 orders the candidates were shown in, stored on the
 * task as <metric>_perm_mean and <metric>_perm_sd.
 */
static int permutation_spread(struct store *store, int64_t run, const struct suite *suite, struct run_values *rv)
{
	struct metric_row *rows = NULL;
	size_t n = 0, t, i, j;

	for (t = 0; t < suite->n_tasks; t++)
		if (suite->tasks[t].permutations)
			break;
	if (t == suite->n_tasks)
		return 0;
	if (store_get_run_metrics(store, run, &rows, &n) < 0)
		return -1;
	for (t = 0; t < suite->n_tasks; t++) {
		const struct task_spec *task = &suite->tasks[t];
		size_t len = strlen(task->name);
		if (!task->permutations)
			continue;
		for (i = 0; i < n; i++) {
			double sum = 0, sq = 0, mean;
			size_t k = 0;
			if (strcmp(rows[i].task, task->name) || (strncmp(rows[i].metric, "ndcg@", 5) &&
			    strncmp(rows[i].metric, "recall@", 7) && strncmp(rows[i].metric, "mrr@", 4)))
				continue;
			for (j = 0; j < n; j++)
				if (!strcmp(rows[j].metric, rows[i].metric) && !strncmp(rows[j].task, task->name, len) &&
				    (!rows[j].task[len] || !strncmp(rows[j].task + len, "-perm", 5))) {
					sum += rows[j].value;
					sq += rows[j].value * rows[j].value;
					k++;
				}
			mean = sum / (double)k;
			run_values_add(rv, task->name, xstrfmt("%s_perm_mean", rows[i].metric), mean, k);
			run_values_add(rv, task->name, xstrfmt("%s_perm_sd", rows[i].metric),
				       k > 1 ? sqrt(fmax(0, (sq - k * mean * mean) / (double)(k - 1))) : NAN, k);
		}
	}
	metric_rows_free(rows, n);
	return 0;
}

/* How many times the samples are evaluated: once per task, and once more per permutation pass. */
static size_t passes(const struct suite *suite)
{
	size_t t, n = 0;

	for (t = 0; t < suite->n_tasks; t++)
		n += 1 + suite->tasks[t].permutations;
	return n;
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
	size_t t, i, p, errors = 0;
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
				     plan->n_users * passes(plan->suite)) < 0) {
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
		/* language models answer every task through prompts; built-in ones score items themselves */
		if (!ad->submit && TASK_IS_EMBEDDING(task->type)) {
			warning("%s does not embed texts: task '%s' skipped", spec->text, task->name);
			continue;
		}
		if (!ad->submit && (TASK_HAS_CANDIDATES(task->type) ? !ad->rank : !ad->recommend)) {
			error("model '%s' cannot answer %s tasks", spec->text, task_type_name(task->type));
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			break;
		}
		ret = run_task(plan, store, ad, model, spec, task, &bc, &rv, *run_id, &errors);
		for (p = 1; p <= task->permutations && ret == EXIT_OK; p++) {
			/* the same samples and candidates, shown in another order, as a task of its own */
			struct task_spec pass = *task;
			char *name = xstrfmt("%s-perm%zu", task->name, p);
			pass.name = name;
			pass.permutations = 0;
			pass.perm = p;
			pass.cand_task = task->name;
			ret = run_task(plan, store, ad, model, spec, &pass, &bc, &rv, *run_id, &errors);
			free(name);
		}
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
	if (ret == EXIT_OK && permutation_spread(store, *run_id, plan->suite, &rv) < 0)
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
