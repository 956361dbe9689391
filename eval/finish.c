/* finish.c: a run finished from the database alone: aggregates with intervals, run-level figures, cost, position-bias spread, status. */
#include <cJSON.h>
#include "eval/finish.h"
#include "eval/run_internal.h"
#include "eval/suite.h"
#include "eval/codec.h"
#include "metrics/registry.h"
#include "adapters/prices.h"
#include "eval/roles.h"
#include "eval/store_scale.h"

/*
 * Position bias: for a ranking task with "permutations": N, the mean and the
 * standard deviation (n - 1 in the divisor) of each ndcg, recall and mrr
 * figure over the N + 1 orders the candidates were shown in, stored on the
 * task as <metric>_perm_mean and <metric>_perm_sd.
 */
/* Whether name (a full metric name) is one whose spread over permutations is stored: ndcg, recall, mrr at a cutoff. */
static int spread_family(const char *name)
{
	static const char *const families[] = { "ndcg", "recall", "mrr" };
	struct metric_lookup m;
	size_t i;

	if (metric_lookup(&m, name) < 0 || m.derived != METRIC_PLAIN || m.cutoff < 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(families); i++)
		if (!strcmp(m.info->name, families[i]))
			return 1;
	return 0;
}

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
			if (strcmp(rows[i].task, task->name) || !spread_family(rows[i].metric))
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

/* What finishing needs of the stored configuration. */
struct stored_config {
	struct suite suite;
	struct model_spec spec;
	uint64_t seed;
	struct catalogue cat;
	struct id_list ids;        /* owns cat.ids' strings */
	char *endpoint;            /* where the requests went (config "endpoint"), or NULL */
};

static void release_config(struct stored_config *c)
{
	suite_release(&c->suite);
	model_spec_release(&c->spec);
	strmap_release(&c->cat.index);
	id_list_release(&c->ids);
	free(c->endpoint);
}

/* The stored catalogue named key into out->cat; a catalogue that is not stored leaves the index empty. */
static int read_catalogue(struct stored_config *out, struct store *s, const char *key)
{
	char *items = NULL;
	size_t i;
	int found = store_get_catalogue(s, key, &items, NULL);

	if (found <= 0)
		return found;
	if (codec_get_ids(&out->ids, items) < 0) {
		free(items);
		return error("catalogue %.12s: not a JSON array of ids", key);
	}
	free(items);
	out->cat.n_items = out->ids.n;
	out->cat.ids = out->ids.ids;
	for (i = 0; i < out->ids.n; i++)
		strmap_put(&out->cat.index, out->ids.ids[i], strlen(out->ids.ids[i]), (uint32_t)i, NULL);
	return 0;
}

static int read_config(struct stored_config *out, struct store *s, const struct run_info *ri)
{
	cJSON *c = ri->config ? cJSON_Parse(ri->config) : NULL, *v;
	char *text;
	const char *bad;
	long n, limit;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (!c)
		return error("run %lld: its stored configuration is not JSON", (long long)ri->id);
	v = cJSON_GetObjectItemCaseSensitive(c, "suite");
	if (!cJSON_IsObject(v) || !(text = cJSON_PrintUnformatted(v))) {
		error("run %lld: its stored configuration has no suite", (long long)ri->id);
		goto out;
	}
	if (suite_parse_stored(&out->suite, text, strlen(text)) < 0) {
		cJSON_free(text);
		goto out;
	}
	cJSON_free(text);
	/* --judge, as the run was made with it */
	v = cJSON_GetObjectItemCaseSensitive(c, "judge");
	if (cJSON_IsString(v))
		suite_set_role(&out->suite, ROLE_JUDGE, v->valuestring);
	v = cJSON_GetObjectItemCaseSensitive(c, "model");
	if (!cJSON_IsString(v) || model_spec_parse(&out->spec, v->valuestring) < 0) {
		error("run %lld: its stored configuration has no model spec", (long long)ri->id);
		goto out;
	}
	if (store_config_counts(c, (long)ri->seed, &n, &limit, &bad) < 0) {
		error("run %lld: its stored configuration has a malformed %s", (long long)ri->id, bad);
		goto out;
	}
	out->seed = (uint64_t)n;
	v = cJSON_GetObjectItemCaseSensitive(c, "endpoint");
	if (cJSON_IsString(v))
		out->endpoint = xstrdup(v->valuestring);
	else if (!cJSON_HasObjectItem(c, "endpoint") && model_spec_get(&out->spec, "base_url"))
		out->endpoint = xstrdup(model_spec_get(&out->spec, "base_url"));
	else if (!cJSON_HasObjectItem(c, "endpoint") && !strcmp(out->spec.provider, "openai"))
		/* a run stored before endpoints were: priced as it was then */
		out->endpoint = xstrdup("https://api.openai.com/v1");
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "dataset"), "items");
	n = 0;
	if (v && (!cJSON_IsNumber(v) || whole_long(v->valuedouble, 0, LONG_MAX, &n) < 0)) {
		error("run %lld: its stored configuration has a bad item count", (long long)ri->id);
		goto out;
	}
	out->cat.n_items = (size_t)n;
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "dataset"), "catalogue");
	if (cJSON_IsString(v) && read_catalogue(out, s, v->valuestring) < 0)
		goto out;
	ret = 0;
out:
	cJSON_Delete(c);
	if (ret < 0)
		release_config(out);
	return ret;
}


/* Tokens and, where the price is known, dollars of each task: only language models spend them. */
static int cost(struct store *s, int64_t run, const struct stored_config *cfg, struct run_values *rv)
{
	const struct adapter *ad = adapter_find(cfg->spec.provider);
	struct price price;
	size_t t;

	if (!ad || !ad->submit)
		return 0;
	if (price_for(&price, &cfg->spec, cfg->endpoint) < 0)
		return -1;
	for (t = 0; t < cfg->suite.n_tasks; t++) {
		const char *name = cfg->suite.tasks[t].name;
		long long tin, tout;
		size_t n;
		long unknown;
		if (store_sum_tokens(s, run, name, &tin, &tout, &n) < 0 ||
		    (unknown = store_count_unknown_tokens(s, run, name)) < 0)
			return -1;
		run_values_add(rv, name, xstrdup("tokens_in"), (double)tin, n);
		run_values_add(rv, name, xstrdup("tokens_out"), (double)tout, n);
		/* tokens the model did not report cost something too: the sum would understate the cost */
		if (unknown)
			warning("run %lld, task '%s': %ld answer%s reported no token usage: tokens_in and tokens_out"
				" count the others, cost_usd is unknown", (long long)run, name, unknown,
				unknown == 1 ? "" : "s");
		run_values_add(rv, name, xstrdup("cost_usd"),
			       unknown ? NAN : (tin * price.in + tout * price.out) / 1e6, n);
	}
	return 0;
}

int run_finish(struct store *s, int64_t run, const char *status, size_t *errors)
{
	struct run_info ri;
	struct stored_config cfg;
	struct run_values rv = { 0 };
	size_t t, i;
	long n_errors;
	int found = store_get_run(s, run, &ri), ret = -1;

	if (found <= 0)
		return found < 0 ? -1 : error("run %lld is not in the database", (long long)run);
	if (read_config(&cfg, s, &ri) < 0) {
		run_info_release(&ri);
		store_finish_run(s, run, "failed", 0);
		return -1;
	}
	if (store_aggregate(s, run, cfg.seed) < 0)
		goto out;
	for (t = 0; t < cfg.suite.n_tasks; t++) {
		const struct task_spec *task = &cfg.suite.tasks[t];
		if (task->type->finish && task->type->finish(s, run, task, &cfg.cat, &rv) < 0)
			goto out;
	}
	if (cost(s, run, &cfg, &rv) < 0)
		goto out;
	if (!strcmp(status, "done") && permutation_spread(s, run, &cfg.suite, &rv) < 0)
		goto out;
	for (i = 0; i < rv.n; i++)
		if (store_put_run_value(s, run, rv.v[i].task, rv.v[i].metric, rv.v[i].value, rv.v[i].n) < 0)
			goto out;
	if ((n_errors = store_count_errors(s, run)) < 0)
		goto out;
	if (errors)
		*errors = (size_t)n_errors;
	ret = store_finish_run(s, run, status, (size_t)n_errors);
out:
	if (ret < 0)
		store_finish_run(s, run, "failed", 0);
	run_values_release(&rv);
	release_config(&cfg);
	run_info_release(&ri);
	return ret;
}
