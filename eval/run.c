/* run.c: evaluates one model on a plan: rankings, per-sample metrics, storage, aggregation, progress. */
#include <cJSON.h>
#include "run.h"
#include "strbuf.h"
#include "metrics/ranking.h"

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

/* Per-sample metric names for a task: every family at every cutoff. */
static char **metric_names(const struct task_spec *t, size_t *n)
{
	char **names = xmalloc(t->n_k * RM__COUNT * sizeof(*names));
	size_t i, m;

	*n = 0;
	for (m = 0; m < RM__COUNT; m++)
		for (i = 0; i < t->n_k; i++)
			names[(*n)++] = xstrfmt("%s@%zu", ranking_metric_names[m], t->k[i]);
	return names;
}

static int run_task(const struct run_plan *plan, struct store *store, const struct adapter *ad,
		    struct model *model, const struct model_spec *spec, const struct task_spec *t,
		    int64_t run_id, size_t *errors)
{
	const struct dataset *ds = plan->ds;
	const struct split *sp = plan->sp;
	size_t max_k = t->k[t->n_k - 1], list_cap = t->type == TASK_RANKING ? t->candidates : max_k;
	uint32_t *list = xmalloc(list_cap * sizeof(*list));
	uint32_t *cand = xmalloc((t->type == TASK_RANKING ? t->candidates : 1) * sizeof(*cand));
	unsigned char *rel = xmalloc(list_cap);
	unsigned char *mark = xcalloc(ds->n_items ? ds->n_items : 1, 1);
	size_t n_names, i, j, m;
	char **names = metric_names(t, &n_names);
	double *values = xmalloc(n_names * sizeof(*values));
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
			rec.status = "ok";
			for (m = 0; m < n_names; m++) {
				/* names are family-major: names[m] is family m / n_k at k[m % n_k] */
				values[m] = ranking_metric((enum ranking_metric)(m / t->n_k), rel, n_list, 1,
							   t->k[m % t->n_k]);
			}
			rec.metric_names = (const char *const *)names;
			rec.metric_values = values;
			rec.n_metrics = n_names;
		}
		if (store_put_sample(store, run_id, &rec) < 0) {
			ret = EXIT_STORE;
			break;
		}
		progress_step(&prog);
	}
	if (run_interrupted && ret == EXIT_OK)
		ret = 130;
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
	struct train_data data = { plan->ds, plan->sp, plan->seed };
	struct model *model = NULL;
	size_t t, errors = 0;
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

	for (t = 0; t < plan->suite->n_tasks && ret == EXIT_OK; t++) {
		const struct task_spec *task = &plan->suite->tasks[t];
		if ((task->type == TASK_RANKING && !ad->rank) ||
		    (task->type == TASK_RETRIEVAL && !ad->recommend)) {
			error("model '%s' cannot answer %s tasks", spec->text, task_type_name(task->type));
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			break;
		}
		ret = run_task(plan, store, ad, model, spec, task, *run_id, &errors);
	}
	ad->free(model);

	if (ret == EXIT_OK && store_aggregate(store, *run_id, plan->seed) < 0)
		ret = EXIT_STORE;
	if (store_finish_run(store, *run_id,
			     ret == EXIT_OK ? "done" : ret == 130 ? "interrupted" : "failed", errors) < 0 &&
	    ret == EXIT_OK)
		ret = EXIT_STORE;
	if (ret == EXIT_OK && errors)
		ret = EXIT_MODEL;
	return ret;
}
