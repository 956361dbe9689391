/* run.c: evaluates one model on a plan: each task through its type (built-in or driven), then the run finished from the store. */
#include <cJSON.h>
#include "eval/run.h"
#include "eval/run_internal.h"
#include "eval/drive.h"
#include "eval/finish.h"
#include "eval/run_errors.h"
#include "eval/dry.h"
#include "lib/rng.h"
#include "lib/strbuf.h"
#include "metrics/beyond.h"
#include "adapters/prices.h"
#include "eval/roles.h"
#include "eval/codec.h"
#include "lib/sha256.h"
#include "eval/shard.h"
#include "eval/store_scale.h"
#include "lib/phase.h"

volatile int run_interrupted;

/* The run record's configuration: everything needed to reproduce or resume it. */
static char *run_config(const struct run_plan *plan, const struct model_spec *spec, const char *catalogue,
			const char *endpoint)
{
	const struct dataset *ds = plan->ds;
	cJSON *c = cJSON_CreateObject(), *d, *suite = cJSON_Parse(plan->suite->json);
	char *out, *ret;

	cJSON_AddStringToObject(c, "suite_path", plan->suite->path);
	cJSON_AddItemToObject(c, "suite", suite ? suite : cJSON_CreateNull());
	cJSON_AddStringToObject(c, "model", spec->text);
	/* where the requests went: a spec without base_url may have been pointed anywhere by OPENAI_BASE_URL */
	if (endpoint)
		cJSON_AddStringToObject(c, "endpoint", endpoint);
	else
		cJSON_AddNullToObject(c, "endpoint");
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
	if (!ds) {
		/* the tasks read their own questions */
		cJSON_AddNullToObject(c, "dataset");
		goto done;
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
	cJSON_AddStringToObject(d, "catalogue", catalogue);
done:
	/* every run, with a dataset or without: --resume takes its roles back from here */
	if (plan->judge)
		cJSON_AddStringToObject(c, "judge", plan->judge);
	if (plan->simulator)
		cJSON_AddStringToObject(c, "simulator", plan->simulator);
	cJSON_AddStringToObject(c, "version", receval_version);
	out = cJSON_PrintUnformatted(c);
	cJSON_Delete(c);
	ret = xstrdup(out);
	cJSON_free(out);
	return ret;
}

void run_values_add(struct run_values *rv, const char *task, char *metric, double value, size_t n)
{
	ALLOC_GROW(rv->v, rv->n + 1, rv->alloc);
	rv->v[rv->n].task = xstrdup(task);
	rv->v[rv->n].metric = metric;
	rv->v[rv->n].value = value;
	rv->v[rv->n].n = n;
	rv->n++;
}

void run_values_release(struct run_values *rv)
{
	size_t i;

	for (i = 0; i < rv->n; i++) {
		free(rv->v[i].task);
		free(rv->v[i].metric);
	}
	free(rv->v);
	memset(rv, 0, sizeof(*rv));
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

int in_training(const struct split *sp, uint32_t u, uint32_t item)
{
	uint32_t j;

	for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++)
		if (sp->train_items[j] == item)
			return 1;
	return 0;
}

/* Built-in models answer at once, one sample after another. */
static int run_builtin(struct task_ctx *c)
{
	const struct task_type *type = c->t->type;
	size_t cap = (type->flags & TASK_CANDIDATES) ? c->t->candidates : 1, n = type->work_count(c, 1);
	struct work w;
	int ret = EXIT_OK;

	if (c->plan->threads > 1 && c->ad[ROLE_SUBJECT]->clone && n > 1)
		return run_builtin_threads(c);
	memset(&w, 0, sizeof(w));
	w.cand = xmalloc(cap * sizeof(*w.cand));
	w.phase = 1;
	for (w.index = 0; w.index < n && !run_was_interrupted(); w.index++)
		if (type->builtin(c, &w) < 0) {
			ret = EXIT_STORE;
			break;
		}
	free(w.cand);
	free(w.request);
	return ret;
}

static int run_task(const struct run_plan *plan, struct store *store, struct task_ctx *proto,
		    const struct task_spec *t, size_t *errors, size_t task_i, size_t n_tasks)
{
	struct task_ctx c = *proto;
	struct progress prog;
	size_t m;
	int ret;

	c.t = t;
	c.names = t->type->metric_names(t, c.bc->n_categories > 0, &c.n_names);
	c.errors = 0;
	c.prog = &prog;
	c.priv = NULL;
	progress_start(&prog, c.spec->text, t->name, task_i, n_tasks,
		       t->type->samples ? t->type->samples(t, plan) : plan->n_users, plan->quiet);
	prog.errors = &c.errors;
	c.store = store;

	/*
	 * A transaction per few thousand samples, or per second (language
	 * models: a tenth of a second): a kill loses at most one batch.
	 */
	store_batch(c.store, 4096, c.ad[ROLE_SUBJECT]->submit ? 100 : 1000);
	ret = c.ad[ROLE_SUBJECT]->submit ? drive_task(&c) : run_builtin(&c);
	/* "evaluate" ends with the last sample computed (run_par.c marks it), "store" with it committed */
	phase_end("evaluate");
	if (store_flush(c.store) < 0 && (ret == EXIT_OK || ret == 130))
		ret = EXIT_STORE;
	phase_end("store");
	progress_end(&prog);
	if (run_was_interrupted() && ret == EXIT_OK)
		ret = 130;
	*errors += c.errors;
	for (m = 0; m < c.n_names; m++)
		free(c.names[m]);
	free(c.names);
	return ret;
}

/* The dataset's catalogue into the store (once per catalogue), so finishing a run needs no dataset; key gets its name. */
static int put_catalogue(struct store *store, const struct dataset *ds, char key[65])
{
	struct strbuf ids = STRBUF_INIT, titles = STRBUF_INIT;
	struct sha256 c;
	int ret;

	codec_put_catalogue(&ids, &titles, ds);
	sha256_init(&c);
	sha256_update(&c, ids.buf, ids.len);
	sha256_hex(&c, key);
	ret = store_put_catalogue(store, key, ids.buf, titles.buf);
	strbuf_release(&ids);
	strbuf_release(&titles);
	return ret;
}

/* The request counts of the replicas that served the model (a pool: base_url=URL1|URL2), into the store. */
static int put_replicas(struct store *store, int64_t run, long shard, const struct adapter *ad, struct model *m)
{
	const struct replica_stat *st;
	struct replica_count *c;
	size_t n = ad->replicas ? ad->replicas(m, &st) : 0, i;
	int ret;

	if (!n)
		return 0;
	c = xcalloc(n, sizeof(*c));
	for (i = 0; i < n; i++) {
		c[i].replica = st[i].url;
		c[i].requests = (int64_t)st[i].requests;
		c[i].failures = (int64_t)st[i].failures;
		c[i].rests = (int64_t)st[i].rests;
	}
	ret = store_add_replicas(store, run, shard, task_role_name(ROLE_SUBJECT), c, n);
	free(c);
	return ret;
}

/* How many times the tasks are evaluated: once each, and once more per permutation pass ("task 2/3"). */
static size_t passes(const struct suite *suite)
{
	size_t t, n = 0;

	for (t = 0; t < suite->n_tasks; t++)
		n += 1 + suite->tasks[t].permutations;
	return n;
}

/* The samples a run plans: per task, its questions or the sampled users, once more per permutation pass. */
static size_t planned(const struct run_plan *plan)
{
	size_t t, n = 0;

	for (t = 0; t < plan->suite->n_tasks; t++) {
		const struct task_spec *task = &plan->suite->tasks[t];
		n += task->type->samples ? task->type->samples(task, plan) :
		     plan->n_users * (1 + task->permutations);
	}
	return n;
}

/* The URL a remote model sends its requests to, read from its identity (base_url= or endpoint=), or NULL. */
static char *model_endpoint(const struct adapter *ad, struct model *model)
{
	char *id = ad->submit && ad->identity ? ad->identity(model) : NULL, *line, *out = NULL;

	for (line = id; line && *line && !out; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t len = strcspn(line, "\n");
		if (!strncmp(line, "base_url=", 9))
			out = xstrndup(line + 9, len - 9);
		else if (!strncmp(line, "endpoint=", 9))
			out = xstrndup(line + 9, len - 9);
	}
	free(id);
	return out;
}

/* Whether the run has samples and every one of them failed. */
static int all_failed(struct store *store, int64_t run)
{
	struct run_usage u;

	return !store_get_usage(store, run, &u) && u.samples > 0 && u.ok == 0 && u.invalid == 0;
}

/*
 * The model of a role other than the subject (a judge, a simulator):
 * spec_text as written (a judge at temperature 0 unless it says
 * otherwise). Returns 0 with the adapter and model set, or -1 after a
 * message (it must write text).
 */
static int open_role(const struct run_plan *plan, enum task_role role, const char *spec_text,
		     const struct adapter **ad, struct model **out)
{
	struct train_data data = { plan->ds, plan->sp, plan->seed, plan->limits, plan->threads };

	return role_open(ad, out, role, spec_text, &data);
}

/* Whether a task's type takes the role's key ("judge", "simulator"). */
static int takes_role(const struct task_spec *task, enum task_role role)
{
	const char *const *k;

	for (k = task->type->keys; k && *k; k++)
		if (!strcmp(*k, task_role_name(role)))
			return 1;
	return 0;
}

/* The spec of a task's role: the command line's (--judge, --simulator) when the type takes the role, else the task's own. */
static const char *role_spec(const struct run_plan *plan, const struct task_spec *task, enum task_role role)
{
	const char *flag = role == ROLE_JUDGE ? plan->judge : role == ROLE_SIMULATOR ? plan->simulator : NULL;

	return flag && takes_role(task, role) ? flag : task->role_spec[role];
}

int run_model(const struct run_plan *plan, struct store *store, const struct model_spec *spec,
	      int from_flag, int64_t *run_id)
{
	const struct adapter *ad = adapter_find(spec->provider);
	struct train_data data = { plan->ds, plan->sp, plan->seed, plan->limits, plan->threads };
	struct model *model = NULL;
	struct model_spec backend_spec;
	struct price price;
	struct task_ctx proto;
	struct beyond_ctx bc;
	struct error_watch watch;
	uint64_t *order;
	size_t t, p, errors = 0, pass_i = 0, n_passes = passes(plan->suite);
	char *config, key[65] = "", *why;
	double t0 = now_ms();
	int ret = EXIT_OK, rc;

	*run_id = 0;
	error_last_reset();
	if (!ad) {
		error("unknown model provider '%s' in '%s' (known: %s)", spec->provider, spec->text,
		      adapter_providers());
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	}
	if (price_for(&price, spec, NULL) < 0)
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	if (!plan->ds && !ad->submit) {
		/* a suite of questions only, and a model that writes no text: nothing to run */
		for (t = 0; t < plan->suite->n_tasks; t++)
			warning("%s writes no text: task '%s' skipped", spec->text, plan->suite->tasks[t].name);
		return EXIT_OK;
	}
	/* the price parameters are receval's: the backend never sees them */
	model_spec_without_prices(&backend_spec, spec);
	rc = ad->open(&model, &backend_spec, &data);
	model_spec_release(&backend_spec);
	if (rc < 0)
		return from_flag ? EXIT_USAGE : EXIT_INPUT;
	/* a remote model trains nothing */
	if (!plan->quiet && !ad->submit)
		fprintf(stderr, "%s: trained in %.2fs\n", spec->text, (now_ms() - t0) / 1000);
	phase_end("train");

	if (plan->max_cost > 0 && ad->submit) {
		/* the price at the endpoint the requests go to: list prices only at the vendor's own */
		char *endpoint = model_endpoint(ad, model);
		int prc = price_for(&price, spec, endpoint);
		free(endpoint);
		if (prc < 0 || isnan(price.in) || isnan(price.out)) {
			error("--max-cost: the price of '%s' is not known here (give ?price_in=USD&price_out=USD per"
			      " million tokens)", spec->text);
			ad->free(model);
			return from_flag ? EXIT_USAGE : EXIT_INPUT;
		}
	}

	if (plan->dry && ad->submit) {
		/* --dry-run: the model was opened to check its spec and key; a stand-in counts what it would be sent */
		char *endpoint = model_endpoint(ad, model);
		const char *mt = model_spec_get(spec, "max_tokens");
		long max_tokens = 0;
		if (price_for(&price, spec, endpoint) < 0)
			price.in = price.out = NAN;
		free(endpoint);
		if (mt && parse_long(mt, &max_tokens) < 0)
			max_tokens = 0;
		ad->free(model);
		model = dry_model_new(spec->text, max_tokens);
		ad = &dry_adapter;
	}

	if (plan->resume_run) {
		*run_id = plan->resume_run;
		if (store_finish_run(store, *run_id, "running", 0) < 0) {
			ad->free(model);
			return EXIT_STORE;
		}
	} else if (plan->ds && put_catalogue(store, plan->ds, key) < 0) {
		ad->free(model);
		return EXIT_STORE;
	} else {
		char run_key[37];
		char *endpoint = model_endpoint(ad, model);
		config = run_config(plan, spec, key, endpoint);
		free(endpoint);
		shard_run_key(run_key, plan->run_group, plan->suite->json, plan->seed, plan->limit, plan->shard_n,
			      spec->text);
		if (store_create_run(store, run_id, plan->suite->name, spec->text, config, plan->seed,
				     planned(plan), run_key) < 0) {
			free(config);
			ad->free(model);
			return EXIT_STORE;
		}
		free(config);
	}

	memset(&bc, 0, sizeof(bc));
	if (plan->ds) {
		order = xmalloc((plan->ds->n_items ? plan->ds->n_items : 1) * sizeof(*order));
		bc.tail = xmalloc(plan->ds->n_items ? plan->ds->n_items : 1);
		beyond_long_tail(bc.tail, order, plan->sp->item_count, plan->ds->n_items, 0.2);
		free(order);
		dataset_category_index(plan->ds, &bc.cat_off, &bc.cats, &bc.n_categories);
	}

	memset(&proto, 0, sizeof(proto));
	proto.plan = plan;
	proto.store = store;
	proto.run_id = *run_id;
	proto.spec = spec;
	proto.ad[ROLE_SUBJECT] = ad;
	proto.model[ROLE_SUBJECT] = model;
	proto.bc = &bc;
	errwatch_init(&watch, spec->text, plan->quiet);
	proto.watch = &watch;
	if (plan->max_cost > 0 && ad->submit) {
		watch.max_cost = plan->max_cost;
		watch.price_in = price.in;
		watch.price_out = price.out;
	}

	for (t = 0; t < plan->suite->n_tasks && ret == EXIT_OK; t++) {
		const struct task_spec *task = &plan->suite->tasks[t];
		/* language models answer every task through prompts; built-in ones score items themselves */
		if (!ad->submit && !task->type->builtin) {
			warning("%s %s: task '%s' skipped", spec->text,
				task->type->flags & TASK_EMBEDDING ? "does not embed texts" : "writes no text",
				task->name);
			pass_i += 1 + task->permutations;
			continue;
		}
		if (!ad->submit && ((task->type->flags & TASK_CANDIDATES) ? !ad->rank : !ad->recommend)) {
			error("model '%s' cannot answer %s tasks", spec->text, task->type->name);
			ret = from_flag ? EXIT_USAGE : EXIT_INPUT;
			break;
		}
		if (ad->submit && takes_role(task, ROLE_SIMULATOR) && !role_spec(plan, task, ROLE_SIMULATOR)) {
			/* a language model converses only with a simulated user */
			warning("%s: task '%s' skipped: it has no simulator (give the task \"simulator\": SPEC, or run "
				"--simulator SPEC)", spec->text, task->name);
			pass_i += 1 + task->permutations;
			continue;
		}
		{
			/* the task's judge and simulator (--judge, --simulator win), opened for this task alone */
			struct task_ctx with_roles = proto;
			int r;
			for (r = ROLE_SUBJECT + 1; r < ROLE__COUNT && ret == EXIT_OK; r++) {
				const char *rs = role_spec(plan, task, (enum task_role)r);
				if (!rs || !ad->submit)
					continue;
				if (open_role(plan, (enum task_role)r, rs, &with_roles.ad[r], &with_roles.model[r]) < 0) {
					/* a bad --judge or --simulator is the command line's; the task's own, the suite's */
					ret = rs != task->role_spec[r] ? EXIT_USAGE : EXIT_INPUT;
				} else if (plan->dry) {
					/* a dry run counts what each role would be sent, and sends nothing */
					with_roles.ad[r]->free(with_roles.model[r]);
					with_roles.ad[r] = &dry_adapter;
					with_roles.model[r] = dry_model_new(rs, 0);
					dry_set_task(with_roles.model[r], task->name);
				}
			}
			if (ad == &dry_adapter)
				dry_set_task(model, task->name);
			if (ret == EXIT_OK)
				ret = run_task(plan, store, &with_roles, task, &errors, ++pass_i, n_passes);
			for (r = ROLE_SUBJECT + 1; r < ROLE__COUNT; r++) {
				if (!with_roles.model[r])
					continue;
				if (plan->dry)
					dry_report(stdout, with_roles.model[r], NAN, NAN);
				with_roles.ad[r]->free(with_roles.model[r]);
			}
			if (ret != EXIT_OK)
				break;
		}
		for (p = 1; p <= task->permutations && ret == EXIT_OK; p++) {
			/* the same samples and candidates, shown in another order, as a task of its own */
			struct task_spec pass = *task;
			char *name = xstrfmt("%s-perm%zu", task->name, p);
			pass.name = name;
			pass.permutations = 0;
			pass.perm = p;
			pass.cand_task = task->name;
			if (ad == &dry_adapter)
				dry_set_task(model, name);
			ret = run_task(plan, store, &proto, &pass, &errors, ++pass_i, n_passes);
			free(name);
		}
	}
	if (put_replicas(store, *run_id, plan->shard_i, ad, model) < 0 && ret == EXIT_OK)
		ret = EXIT_STORE;
	if (ad == &dry_adapter)
		dry_report(stdout, model, price.in, price.out);
	else if (plan->dry)
		printf("%s: a built-in model, trained in-process: nothing to send\n", spec->text);
	ad->free(model);
	free(bc.tail);
	free(bc.cat_off);
	free(bc.cats);

	/* why it stopped, as printed (a fatal answer, a full disk), before finishing prints more */
	why = ret == 130 ? xstrfmt("interrupted: 'receval run --resume %lld' finishes it", (long long)*run_id)
	    : ret != EXIT_OK ? xstrdup(error_last() ? error_last() : "failed") : NULL;
	/* an interrupted or failed run keeps figures for what it has; --resume recomputes them */
	if (ret == EXIT_OK || ret == 130 || ret == EXIT_MODEL) {
		long failed;
		if (run_finish(store, *run_id, ret == EXIT_OK ? "done" : ret == 130 ? "interrupted" : "failed",
			       &errors) < 0 && ret == EXIT_OK)
			ret = EXIT_STORE;
		failed = errors ? run_errors_summary(stderr, store, *run_id) : 0;
		/* a run whose every sample failed measured nothing: it is not done */
		if (ret == EXIT_OK && failed > 0 && all_failed(store, *run_id)) {
			if (store_finish_run(store, *run_id, "failed", errors) < 0)
				ret = EXIT_STORE;
		}
	} else if (store_finish_run(store, *run_id, "failed", errors) < 0 && ret == EXIT_OK) {
		ret = EXIT_STORE;
	}
	phase_end("aggregate");
	if (why || ret != EXIT_OK) {
		/* a failure finishing the run is the reason when nothing failed before */
		if (!why)
			why = xstrdup(error_last() ? error_last() : "failed");
		store_set_run_reason(store, *run_id, why);
		free(why);
	}
	if (ret == EXIT_OK && errors)
		ret = EXIT_MODEL;
	if (plan->why && watch.stop) {
		free(*plan->why);
		*plan->why = xstrdup(watch.stop);
	}
	errwatch_release(&watch);
	return ret;
}
