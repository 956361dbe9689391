/* run.c: evaluates one model on a plan: rankings, per-sample metrics, storage, aggregation, progress. */
#include <cJSON.h>
#include "run.h"
#include "strbuf.h"
#include "metrics/ranking.h"
#include "metrics/beyond.h"

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

static int run_task(const struct run_plan *plan, struct store *store, const struct adapter *ad,
		    struct model *model, const struct model_spec *spec, const struct task_spec *t,
		    const struct beyond_ctx *bc, struct run_values *rv, int64_t run_id, size_t *errors)
{
	const struct dataset *ds = plan->ds;
	const struct split *sp = plan->sp;
	size_t max_k = t->k[t->n_k - 1], list_cap = t->type == TASK_RANKING ? t->candidates : max_k;
	uint32_t *list = xmalloc(list_cap * sizeof(*list));
	uint32_t *cand = xmalloc((t->type == TASK_RANKING ? t->candidates : 1) * sizeof(*cand));
	unsigned char *rel = xmalloc(list_cap);
	unsigned char *mark = xcalloc(ds->n_items ? ds->n_items : 1, 1);
	size_t n_names, i, j, m, n_scored = 0;
	char **names = metric_names(t, bc->n_categories > 0, &n_names);
	double *values = xmalloc(n_names * sizeof(*values));
	const char **kept_names = xmalloc(n_names * sizeof(*kept_names));
	double *kept = xmalloc(n_names * sizeof(*kept));
	int retrieval = t->type == TASK_RETRIEVAL;
	/* freq[c * n_items + i]: lists whose top k[c] hold item i */
	uint32_t *freq = retrieval ? xcalloc(t->n_k * ds->n_items + 1, sizeof(*freq)) : NULL;
	struct strbuf hist = STRBUF_INIT, cands = STRBUF_INIT, ranking = STRBUF_INIT;
	struct progress prog;
	int ret = EXIT_OK;

	progress_start(&prog, spec->text, t->name, plan->n_users, plan->quiet);
	for (i = 0; i < plan->n_users && !run_interrupted; i++) {
		uint32_t u = plan->users[i], target = sp->target[u];
		const uint32_t *h = sp->train_items + sp->train_off[u];
		size_t n_h = sp->train_off[u + 1] - sp->train_off[u], n_list = 0, n_cand = 0;
		struct sample_record rec = { 0 };
		double t0 = now_ms();
		int rc;

		if (plan->suite->split.max_history && n_h > plan->suite->split.max_history) {
			h += n_h - plan->suite->split.max_history;
			n_h = plan->suite->split.max_history;
		}
		if (t->type == TASK_RANKING) {
			n_cand = split_candidates(cand, t->candidates, sp, ds, u, t->negatives,
						  plan->seed, t->name, mark);
			rc = ad->rank(model, u, cand, n_cand, list);
			n_list = n_cand;
		} else {
			rc = ad->recommend(model, u, max_k, list, &n_list);
		}
		for (j = 0; j < n_list; j++)
			rel[j] = list[j] == target;

		strbuf_reset(&hist);
		strbuf_reset(&cands);
		strbuf_reset(&ranking);
		add_id_array(&hist, ds, h, n_h);
		add_id_array(&ranking, ds, list, rc < 0 ? 0 : n_list);
		if (t->type == TASK_RANKING)
			add_id_array(&cands, ds, cand, n_cand);

		rec.task = t->name;
		rec.sample_id = ds->user_ids[u];
		rec.user = ds->user_ids[u];
		rec.target = ds->items[target].id;
		rec.candidates = t->type == TASK_RANKING ? cands.buf : NULL;
		rec.history = hist.buf;
		rec.ranking = ranking.buf;
		rec.latency_ms = now_ms() - t0;
		if (rc < 0) {
			rec.status = "error";
			rec.error = "the model could not answer";
			(*errors)++;
		} else {
			size_t n_kept = 0;

			rec.status = "ok";
			n_scored++;
			/* names are family-major: names[m] is family m / n_k at cutoff k[m % n_k] */
			for (m = 0; m < n_names; m++) {
				size_t fam = m / t->n_k, c = m % t->n_k;
				size_t top = n_list < t->k[c] ? n_list : t->k[c];
				if (fam < RM__COUNT) {
					values[m] = ranking_metric((enum ranking_metric)fam, rel, n_list, 1, t->k[c]);
					continue;
				}
				switch ((enum extra_metric)(fam - RM__COUNT)) {
				case XM_NOVELTY:
					values[m] = beyond_novelty(list, top, sp->item_count, sp->n_train);
					break;
				case XM_ARP:
					values[m] = beyond_arp(list, top, sp->item_count);
					break;
				case XM_APLT:
					values[m] = beyond_aplt(list, top, bc->tail);
					break;
				default:
					values[m] = beyond_ild(list, top, bc->cat_off, bc->cats);
					break;
				}
			}
			/* a metric undefined for this sample (ild of a list without two categorised items) is left out */
			for (m = 0; m < n_names; m++)
				if (!isnan(values[m])) {
					kept_names[n_kept] = names[m];
					kept[n_kept++] = values[m];
				}
			if (freq)
				for (m = 0; m < t->n_k; m++)
					for (j = 0; j < n_list && j < t->k[m]; j++)
						freq[m * ds->n_items + list[j]]++;
			rec.metric_names = kept_names;
			rec.metric_values = kept;
			rec.n_metrics = n_kept;
		}
		if (store_put_sample(store, run_id, &rec) < 0) {
			ret = EXIT_STORE;
			break;
		}
		progress_step(&prog);
	}
	if (run_interrupted && ret == EXIT_OK)
		ret = 130;
	if (freq && ret == EXIT_OK) {
		/* distribution of the recommendations over the catalogue, per cutoff */
		uint32_t *scratch = xmalloc((ds->n_items ? ds->n_items : 1) * sizeof(*scratch));
		for (m = 0; m < t->n_k; m++) {
			const uint32_t *f = freq + m * ds->n_items;
			run_values_add(rv, t->name, xstrfmt("coverage@%zu", t->k[m]),
				       beyond_coverage(f, ds->n_items), n_scored);
			run_values_add(rv, t->name, xstrfmt("gini@%zu", t->k[m]),
				       beyond_gini(f, ds->n_items, scratch), n_scored);
			run_values_add(rv, t->name, xstrfmt("entropy@%zu", t->k[m]),
				       beyond_entropy(f, ds->n_items), n_scored);
		}
		free(scratch);
	}
	free(freq);
	free(kept_names);
	free(kept);
	for (m = 0; m < n_names; m++)
		free(names[m]);
	free(names);
	free(values);
	free(list);
	free(cand);
	free(rel);
	free(mark);
	strbuf_release(&hist);
	strbuf_release(&cands);
	strbuf_release(&ranking);
	return ret;
}

int run_model(const struct run_plan *plan, struct store *store, const struct model_spec *spec,
	      int from_flag, int64_t *run_id)
{
	const struct adapter *ad = adapter_find(spec->provider);
	struct train_data data = { plan->ds, plan->sp, plan->seed, ADAPTER_LIMITS_INIT };
	struct model *model = NULL;
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
	if (ad->open(&model, spec, &data) < 0)
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	if (!plan->quiet)
		fprintf(stderr, "%s: trained in %.2fs\n", spec->text, (now_ms() - t0) / 1000);

	config = run_config(plan, spec);
	if (store_create_run(store, run_id, plan->suite->name, spec->text, config, plan->seed,
			     plan->n_users * plan->suite->n_tasks) < 0) {
		free(config);
		ad->free(model);
		return EXIT_STORE;
	}
	free(config);

	memset(&bc, 0, sizeof(bc));
	order = xmalloc((plan->ds->n_items ? plan->ds->n_items : 1) * sizeof(*order));
	bc.tail = xmalloc(plan->ds->n_items ? plan->ds->n_items : 1);
	beyond_long_tail(bc.tail, order, plan->sp->item_count, plan->ds->n_items, 0.2);
	free(order);
	dataset_category_index(plan->ds, &bc.cat_off, &bc.cats, &bc.n_categories);

	for (t = 0; t < plan->suite->n_tasks && ret == EXIT_OK; t++) {
		const struct task_spec *task = &plan->suite->tasks[t];
		if ((task->type == TASK_RANKING && !ad->rank) ||
		    (task->type == TASK_RETRIEVAL && !ad->recommend)) {
			error("model '%s' cannot answer %s tasks", spec->text, task_type_name(task->type));
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			break;
		}
		ret = run_task(plan, store, ad, model, spec, task, &bc, &rv, *run_id, &errors);
	}
	ad->free(model);
	free(bc.tail);
	free(bc.cat_off);
	free(bc.cats);

	if (ret == EXIT_OK && store_aggregate(store, *run_id, plan->seed) < 0)
		ret = EXIT_STORE;
	for (i = 0; i < rv.n; i++) {
		if (ret == EXIT_OK && store_put_run_value(store, *run_id, rv.v[i].task, rv.v[i].metric,
							   rv.v[i].value, rv.v[i].n) < 0)
			ret = EXIT_STORE;
		free(rv.v[i].task);
		free(rv.v[i].metric);
	}
	free(rv.v);
	if (store_finish_run(store, *run_id,
			     ret == EXIT_OK ? "done" : ret == 130 ? "interrupted" : "failed", errors) < 0 &&
	    ret == EXIT_OK)
		ret = EXIT_STORE;
	if (ret == EXIT_OK && errors)
		ret = EXIT_MODEL;
	return ret;
}
