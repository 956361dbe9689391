/* rec.c: what the recommendation task types share: their keys, metric names, scoring and storing a ranked list, run figures. */
#include <cJSON.h>
#include "eval/tasks/rec.h"
#include "eval/codec.h"
#include "eval/store.h"
#include "lib/strmap.h"
#include "eval/data/knowledge.h"
#include "metrics/ranking.h"
#include "metrics/beyond.h"

const char *const rec_retrieval_vars[] = { "history", "k", NULL };
const char *const rec_candidate_vars[] = { "history", "candidates", "n", NULL };
const char *const rec_system_vars[] = { NULL };

int rec_parse_candidates(struct task_spec *t, const struct task_parse *tp, size_t def, size_t max)
{
	const cJSON *e = task_key(tp, "negatives");

	if (!task_key(tp, "candidates") && def)
		t->candidates = def;
	else if (!task_key(tp, "candidates"))
		return task_error(tp, NULL, "%s task '%s' has no 'candidates'", t->type->name, t->name);
	else if (task_get_count(tp, "candidates", 2, (double)max, &t->candidates) < 0)
		return -1;
	t->negatives = NEG_UNIFORM;
	if (!e)
		return 0;
	if (cJSON_IsString(e) && !strcmp(e->valuestring, "uniform"))
		t->negatives = NEG_UNIFORM;
	else if (cJSON_IsString(e) && !strcmp(e->valuestring, "popularity"))
		t->negatives = NEG_POPULARITY;
	else if (cJSON_IsString(e) && !strcmp(e->valuestring, "dataset"))
		t->negatives = NEG_DATASET;
	else
		return task_error(tp, "negatives", "'negatives' must be \"uniform\", \"popularity\" or \"dataset\"");
	return 0;
}

int rec_check_cutoffs(const struct task_spec *t, const struct task_parse *tp)
{
	size_t k = t->n_k ? t->k[t->n_k - 1] : 0;

	if (task_stored(tp) || k <= t->candidates)
		return 0;
	return task_error(tp, "k", "%s task '%s': k %zu is more than its %zu candidates, so a ranking of them has "
			  "no place %zu (use k up to %zu, or more candidates)", t->type->name, t->name, k, t->candidates,
			  k, t->candidates);
}

int rec_parse_fuzzy(struct task_spec *t, const struct task_parse *tp)
{
	const cJSON *v = task_key(tp, "fuzzy_threshold");

	if (v && (!cJSON_IsNumber(v) || !(v->valuedouble > 0 && v->valuedouble <= 1)))
		return task_error(tp, "fuzzy_threshold", "'fuzzy_threshold' must be a number above 0 and at most 1");
	t->fuzzy = v ? v->valuedouble : 0;
	return 0;
}

int rec_parse_knowledge(struct task_spec *t, const struct task_parse *tp)
{
	const cJSON *v = task_key(tp, "knowledge");

	t->knowledge = 0;
	t->knowledge_k = KNOWLEDGE_K_DEFAULT;
	if (v && (!cJSON_IsString(v) || knowledge_parse(v->valuestring, &t->knowledge) < 0))
		return task_error(tp, "knowledge", "'knowledge' must be \"cf\", \"attributes\" or \"both\"");
	if (task_key(tp, "knowledge_k")) {
		if (!v)
			return task_error(tp, "knowledge_k", "'knowledge_k' goes with 'knowledge'");
		if (task_get_count(tp, "knowledge_k", 1, 50, &t->knowledge_k) < 0)
			return -1;
	}
	return 0;
}

int rec_get_template(struct task_spec *t, const struct task_parse *tp, const char *key, const char *builtin,
		     const char *const *vars, char **text, char **file)
{
	const char *with[16];
	char *name = NULL;
	size_t n = 0;
	int rc;

	while (vars[n] && n < ARRAY_SIZE(with) - 2) {
		with[n] = vars[n];
		n++;
	}
	if (!t->knowledge)
		return task_get_template(tp, key, builtin, vars, text, file);
	/* with knowledge: {knowledge} is known, and the built-in prompt is the one that shows it */
	with[n++] = "knowledge";
	with[n] = NULL;
	if (builtin && strlen(builtin) > 4)
		name = xstrfmt("%.*s_knowledge.txt", (int)(strlen(builtin) - 4), builtin);
	rc = task_get_template(tp, key, name, with, text, file);
	free(name);
	if (rc < 0)
		return -1;
	/* a stored suite (show, finish) reads no template files */
	if (*text && !strstr(*text, "{knowledge}"))
		return task_error(tp, key, "'knowledge' is set but the template %s has no {knowledge} placeholder",
				  *file ? *file : "");
	return 0;
}

int rec_parse_chat(struct task_spec *t, const struct task_parse *tp, const char *builtin, const char *const *vars)
{
	if (rec_parse_fuzzy(t, tp) < 0 || rec_parse_knowledge(t, tp) < 0 ||
	    rec_get_template(t, tp, "template", builtin, vars, &t->template_text, &t->template_file) < 0)
		return -1;
	return task_get_template(tp, "system", "system.txt", rec_system_vars, &t->system_text, &t->system_file);
}

/* Per-sample metrics beyond accuracy, for retrieval types (metrics/beyond.h). */
enum extra_metric { XM_NOVELTY, XM_ARP, XM_APLT, XM_ILD, XM__COUNT };
static const char *const extra_names[XM__COUNT] = { "novelty", "arp", "aplt", "ild" };

/* Whether the type ranks the whole catalogue (retrieval, embedding_retrieval). */
static int is_retrieval(const struct task_spec *t)
{
	return !(t->type->flags & TASK_CANDIDATES);
}

char **rec_metric_names(const struct task_spec *t, int with_ild, size_t *n)
{
	size_t i, m, n_extra = is_retrieval(t) ? (with_ild ? XM__COUNT : XM_ILD) : 0;
	char **names = xmalloc(t->n_k * (RM__COUNT + XM__COUNT) * sizeof(*names) + sizeof(*names));

	*n = 0;
	if (t->type->flags & TASK_LETTERED) {
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

void rec_outcome_add(struct llm_outcome *o, const char *name, double value)
{
	if (o->n_extra < ARRAY_SIZE(o->extra_names)) {
		o->extra_names[o->n_extra] = name;
		o->extra_values[o->n_extra++] = value;
	}
}

/* The value of per-sample metric m (names family-major: family m / n_k at cutoff k[m % n_k]) for list. */
static double metric_value(const struct task_ctx *c, size_t m, const uint32_t *list, size_t n_list,
			   const unsigned char *rel)
{
	const struct task_spec *t = c->t;
	const struct split *sp = c->plan->sp;
	size_t fam = m / t->n_k, k = t->k[m % t->n_k], top = n_list < k ? n_list : k;

	if (fam < RM__COUNT)
		return ranking_metric((enum ranking_metric)fam, rel, n_list, 1, k);
	switch ((enum extra_metric)(fam - RM__COUNT)) {
	case XM_NOVELTY: return beyond_novelty(list, top, sp->item_count, sp->n_train);
	case XM_ARP: return beyond_arp(list, top, sp->item_count);
	case XM_APLT: return beyond_aplt(list, top, c->bc->tail);
	default: return beyond_ild(list, top, c->bc->cat_off, c->bc->cats);
	}
}

int rec_store(struct task_ctx *c, const struct work *w, const uint32_t *list, size_t n_list,
	      double latency_ms, const struct llm_outcome *o)
{
	const struct run_plan *plan = c->plan;
	const struct dataset *ds = plan->ds;
	const struct task_spec *t = c->t;
	uint32_t u = w->user, target = plan->sp->target[u];
	struct sample_record rec = { 0 };
	struct strbuf hist = STRBUF_INIT, cands = STRBUF_INIT, ranking = STRBUF_INIT;
	size_t n_h, j, m, n_names = c->n_names, n_kept = 0;
	const uint32_t *h = sample_history(plan, u, &n_h);
	char **names = c->names;
	/* room for every metric, error_rate and the validity figures of language models */
	const char **kept_names = xmalloc((n_names + 9) * sizeof(*kept_names));
	double *kept = xmalloc((n_names + 9) * sizeof(*kept));
	unsigned char *rel = xmalloc(n_list + 1);
	int ok = list && (!o || !strcmp(o->status, "ok")), ret;

	codec_put_items(&hist, ds, h, n_h);
	codec_put_items(&ranking, ds, list, ok ? n_list : 0);
	if (t->type->flags & TASK_CANDIDATES)
		codec_put_items(&cands, ds, w->cand, w->n_cand);
	rec.task = t->name;
	rec.sample_id = ds->user_ids[u];
	rec.user = ds->user_ids[u];
	rec.target = ds->items[target].id;
	rec.candidates = t->type->flags & TASK_CANDIDATES ? cands.buf : NULL;
	rec.history = hist.buf;
	rec.ranking = ranking.buf;
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
		c->errors++;
		/* an error is counted, never scored as an answer */
		if (o) {
			kept_names[n_kept] = "error_rate";
			kept[n_kept++] = 1;
		}
	} else {
		rec.status = "ok";
		for (j = 0; j < n_list; j++)
			rel[j] = list[j] == target;
		for (m = 0; m < n_names; m++) {
			double v = t->type->flags & TASK_LETTERED ? (double)(n_list && list[0] == target) :
				   metric_value(c, m, list, n_list, rel);
			/* a metric undefined for this sample (ild of a list without two categorised items) is left out */
			if (!isnan(v)) {
				kept_names[n_kept] = names[m];
				kept[n_kept++] = v;
			}
		}
		if (o) {
			kept_names[n_kept] = "error_rate";
			kept[n_kept++] = 0;
			for (j = 0; j < o->n_extra; j++) {
				kept_names[n_kept] = o->extra_names[j];
				kept[n_kept++] = o->extra_values[j];
			}
		}
	}
	rec.metric_names = kept_names;
	rec.metric_values = kept;
	rec.n_metrics = n_kept;
	ret = task_put_sample(c, &rec);
	free(kept_names);
	free(kept);
	free(rel);
	strbuf_release(&hist);
	strbuf_release(&cands);
	strbuf_release(&ranking);
	return ret;
}

size_t rec_work_count(struct task_ctx *c, unsigned phase)
{
	return phase == 1 ? c->plan->n_users : 0;
}

int rec_start_sample(struct task_ctx *c, struct work *w, const uint32_t **h, size_t *n_h)
{
	const struct run_plan *plan = c->plan;
	uint32_t u = plan->users[w->index];
	unsigned char *mark;

	if (already_done(plan, c->t->name, plan->ds->user_ids[u])) {
		task_skip_sample(c);
		return 0;
	}
	w->user = u;
	w->n_cand = 0;
	if (c->t->type->flags & TASK_CANDIDATES) {
		mark = xcalloc(plan->ds->n_items ? plan->ds->n_items : 1, 1);
		w->n_cand = task_candidates(w->cand, plan, c->t, u, mark);
		free(mark);
	}
	*h = sample_history(plan, u, n_h);
	return 1;
}

int rec_builtin(struct task_ctx *c, struct work *w)
{
	const struct task_spec *t = c->t;
	const struct adapter *ad = c->ad[ROLE_SUBJECT];
	struct model *model = c->model[ROLE_SUBJECT];
	int has_cand = t->type->flags & TASK_CANDIDATES;
	size_t max_k = t->k[t->n_k - 1], n_list = 0, n_h;
	uint32_t *list = xmalloc((has_cand ? t->candidates : max_k) * sizeof(*list) + sizeof(*list));
	const uint32_t *h;
	double t0 = now_ms();
	int rc, ret;

	if (!rec_start_sample(c, w, &h, &n_h)) {
		free(list);
		return 0;
	}
	if (has_cand) {
		/* ranking and mc alike: the model orders the candidates; mc takes the first */
		rc = ad->rank(model, w->user, w->cand, w->n_cand, list);
		n_list = w->n_cand;
	} else {
		rc = ad->recommend(model, w->user, max_k, list, &n_list);
	}
	ret = rec_store(c, w, rc < 0 ? NULL : list, n_list, now_ms() - t0, NULL);
	free(list);
	return ret;
}

/*
 * coverage, gini and entropy of a task's stored rankings (all of them, so a
 * resumed or merged run counts every sample), over the run's stored
 * catalogue, in its order. For a run stored without its catalogue, items
 * are told apart by id: the items never recommended are the zeros up to
 * n_items (entropy may then differ in the last bits, summed in another order).
 */
int rec_distribution(struct store *s, int64_t run, const struct task_spec *t, const struct catalogue *cat,
		     struct run_values *rv)
{
	size_t n_items = cat->n_items;
	uint32_t *freq = xcalloc(t->n_k * n_items + 1, sizeof(*freq));
	uint32_t *scratch = xmalloc((n_items ? n_items : 1) * sizeof(*scratch));
	struct id_list *lists;
	struct strmap seen = STRMAP_INIT;
	char **rankings = NULL;
	size_t n = 0, r, m, i;
	uint32_t distinct = 0;

	if (store_get_rankings(s, run, t->name, &rankings, &n) < 0) {
		free(freq);
		free(scratch);
		return -1;
	}
	lists = xcalloc(n + 1, sizeof(*lists));
	for (r = 0; r < n; r++) {
		codec_get_ids(&lists[r], rankings[r]);
		for (i = 0; i < lists[r].n; i++) {
			uint32_t it;
			const char *id = lists[r].ids[i];
			if (cat->index.n) {
				if (strmap_get(&cat->index, id, strlen(id), &it) < 0)
					continue;  /* not in the catalogue: never grounded, never counted */
			} else if (strmap_get(&seen, id, strlen(id), &it) < 0) {
				if (distinct >= n_items)
					continue;  /* an id the catalogue cannot hold: not counted */
				strmap_put(&seen, id, strlen(id), distinct++, NULL);
				it = distinct - 1;
			}
			for (m = 0; m < t->n_k; m++)
				if (i < t->k[m])
					freq[m * n_items + it]++;
		}
	}
	for (m = 0; m < t->n_k; m++) {
		uint32_t *f = freq + m * n_items;
		run_values_add(rv, t->name, xstrfmt("coverage@%zu", t->k[m]), beyond_coverage(f, n_items), n);
		run_values_add(rv, t->name, xstrfmt("gini@%zu", t->k[m]), beyond_gini(f, n_items, scratch), n);
		run_values_add(rv, t->name, xstrfmt("entropy@%zu", t->k[m]), beyond_entropy(f, n_items), n);
	}
	strmap_release(&seen);
	for (r = 0; r < n; r++) {
		id_list_release(&lists[r]);
		free(rankings[r]);
	}
	free(lists);
	free(rankings);
	free(freq);
	free(scratch);
	return 0;
}
