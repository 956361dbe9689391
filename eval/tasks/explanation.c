/* explanation.c: the `explanation` task (RecLM-eval's): why item T suits a user with history H, checked without a judge and, with one, graded on a rubric. */
#include <cJSON.h>
#include "eval/run_internal.h"
#include "eval/tasks/rubric.h"
#include "eval/codec.h"
#include "eval/store.h"
#include "eval/store_judge.h"
#include "eval/template.h"
#include "eval/answer/ground.h"
#include "eval/answer/grounder.h"
#include "eval/answer/titles.h"
#include "eval/answer/verdict.h"
#include "adapters/prices.h"
#include "lib/strmap.h"
#include "metrics/registry.h"

/*
 * A sample is one sampled user: the subject is asked why the user's
 * held-out item (the target) suits the user's history; then, when the task
 * has a judge, the judge grades the answer on the rubric. Per sample,
 * without a judge (reference-free):
 *   words                whitespace-separated words of the answer
 *   over_length_rate     1 when words > max_words
 *   target_named_rate    1 when the target's title is named: as whole words of
 *                        the normalised text, or a title-like span grounding to it
 *   history_cited        history items (of those shown) named the same way
 *   hallucinated_titles  title-like spans (quoted, "Title (Year)") that ground
 *                        to no catalogue item, even with leading words dropped
 *   error_rate           1 when the subject could not answer (or the judge, see below)
 * With a judge, one score per rubric aspect (its scale) and
 *   judge_failure_rate   1 when the judge's verdict could not be read (the raw
 *                        text is in the transcript; no aspect score then)
 * A subject that failed is not sent to the judge. A judge that fails after
 * its retries leaves the sample an error "judge: ..." (the subject's answer
 * and the transcript kept); --resume asks those judges again, and the
 * subject's answer comes from the cache.
 */

static const char *const keys[] = {
	"max_words", "template", "system", "judge", "rubric", "judge_template", "judge_system",
	"fuzzy_threshold", NULL,
};

static const char *const subject_vars[] = { "history", "target", "max_words", NULL };
static const char *const judge_vars[] = {
	"history", "target", "answer", "max_words", "aspects", "format", "scale_min", "scale_max", NULL,
};
static const char *const no_vars[] = { NULL };

/* The task's own metrics: rubric aspects may not take these names. */
static const char *const own_metrics[] = {
	"words", "over_length_rate", "target_named_rate", "history_cited", "hallucinated_titles",
	"error_rate", "judge_failure_rate", NULL,
};

struct expl_spec {
	size_t max_words;
	struct rubric rubric;
	char *judge_template, *judge_system;
	char *judge_template_file, *judge_system_file;
};

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	struct expl_spec *x = xcalloc(1, sizeof(*x));
	const cJSON *fz = task_key(tp, "fuzzy_threshold");
	size_t i;

	t->priv = x;
	x->max_words = 100;
	if (task_key(tp, "max_words") && task_get_count(tp, "max_words", 1, 100000, &x->max_words) < 0)
		return -1;
	if (fz && (!cJSON_IsNumber(fz) || !(fz->valuedouble > 0 && fz->valuedouble <= 1)))
		return task_error(tp, "fuzzy_threshold", "'fuzzy_threshold' must be a number above 0 and at most 1");
	t->fuzzy = fz ? fz->valuedouble : 0;
	if (task_get_template(tp, "template", "explanation.txt", subject_vars, &t->template_text,
			      &t->template_file) < 0)
		return -1;
	/* RecLM-eval sends the user message alone: no system message unless the task names one */
	if (task_key(tp, "system")) {
		if (task_get_template(tp, "system", NULL, subject_vars, &t->system_text, &t->system_file) < 0)
			return -1;
	} else if (t->template_text) {
		t->system_text = xstrdup("");
		t->system_file = xstrdup("(none)");
	}
	if (task_get_string(tp, "judge", 0, &t->role_spec[ROLE_JUDGE]) < 0)
		return -1;
	if (t->role_spec[ROLE_JUDGE]) {
		struct model_spec spec = { 0 };
		const struct adapter *ad = NULL;
		int ok = model_spec_parse(&spec, t->role_spec[ROLE_JUDGE]) == 0 && (ad = adapter_find(spec.provider));
		model_spec_release(&spec);
		if (!ok || !ad->submit)
			return task_error(tp, "judge", "'judge' must be a language model's spec (openai:, azure: or "
					  "exec:), not '%s'", t->role_spec[ROLE_JUDGE]);
	}
	if (rubric_parse(&x->rubric, tp, "rubric", "rubric_explanation.txt", own_metrics) < 0)
		return -1;
	/* a suite's own aspects are scores too: higher is better, one per sample */
	for (i = 0; i < x->rubric.n; i++) {
		struct metric_info mi = { x->rubric.name[i], METRIC_HIGHER, METRIC_QUALITY,
					  METRIC_PER_SAMPLE | METRIC_SUMMARY, 0, x->rubric.description[i] };
		struct metric_lookup l;
		if (metric_lookup(&l, mi.name) == 0 ? l.direction != METRIC_HIGHER || !l.per_sample || l.cutoff >= 0 :
		    metric_registry_add(&mi) < 0)
			return task_error(tp, "rubric", "aspect '%s' is a metric of another kind already "
					  "(see docs/metrics.md): choose another name", x->rubric.name[i]);
	}
	if (task_get_template(tp, "judge_template", "judge_rubric.txt", judge_vars, &x->judge_template,
			      &x->judge_template_file) < 0 ||
	    task_get_template(tp, "judge_system", "judge_rubric_system.txt", no_vars, &x->judge_system,
			      &x->judge_system_file) < 0)
		return -1;
	return 0;
}

static void release(struct task_spec *t)
{
	struct expl_spec *x = t->priv;

	if (!x)
		return;
	rubric_release(&x->rubric);
	free(x->judge_template);
	free(x->judge_system);
	free(x->judge_template_file);
	free(x->judge_system_file);
	free(x);
	t->priv = NULL;
}

static char **metric_names(const struct task_spec *t, int with_categories, size_t *n)
{
	const struct expl_spec *x = t->priv;
	char **names = xmalloc((ARRAY_SIZE(own_metrics) + RUBRIC_MAX_ASPECTS) * sizeof(*names));
	size_t i;

	(void)with_categories;
	*n = 0;
	for (i = 0; i < 6; i++)
		names[(*n)++] = xstrdup(own_metrics[i]);
	if (t->role_spec[ROLE_JUDGE]) {
		for (i = 0; i < x->rubric.n; i++)
			names[(*n)++] = xstrdup(x->rubric.name[i]);
		names[(*n)++] = xstrdup("judge_failure_rate");
	}
	return names;
}

/* The run's state: a grounder, and on --resume the samples whose judge is to be asked again. */
struct expl_run {
	struct grounder *grounder;
	struct strmap redo;
	char **redo_keys;
	size_t n_redo;
};

/* One sample between its requests. */
struct expl_state {
	struct strbuf history;          /* "- Title" lines */
	const char *target;             /* title */
	struct llm_message msgs[2];
	struct strbuf system, user;
	char *subject_request, *answer;
	struct transcript_row subject;
	double subject_latency;
};

static int start(struct task_ctx *c)
{
	struct expl_run *r = xcalloc(1, sizeof(*r));

	r->grounder = grounder_new(c->plan->ds, c->t->fuzzy > 0 ? c->t->fuzzy : GROUND_FUZZY_DEFAULT);
	c->priv = r;
	if (c->plan->resume_run && c->ad[ROLE_JUDGE] &&
	    store_judge_error_samples(c->store, c->run_id, c->t->name, &r->redo, &r->redo_keys, &r->n_redo) < 0)
		return EXIT_STORE;
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct expl_run *r = c->priv;
	size_t i;

	if (!r)
		return;
	grounder_free(r->grounder);
	strmap_release(&r->redo);
	for (i = 0; i < r->n_redo; i++)
		free(r->redo_keys[i]);
	free(r->redo_keys);
	free(r);
	c->priv = NULL;
}

static size_t work_count(struct task_ctx *c, unsigned phase)
{
	return phase == 1 ? c->plan->n_users : 0;
}

static void state_free(struct work *w)
{
	struct expl_state *s = w->state;

	if (!s)
		return;
	strbuf_release(&s->history);
	strbuf_release(&s->system);
	strbuf_release(&s->user);
	free(s->subject_request);
	free(s->answer);
	free((char *)s->subject.response);
	free((char *)s->subject.error);
	free(s);
	w->state = NULL;
}

/* The request as stored and hashed: the messages actually sent. */
static void request_json(struct strbuf *out, const struct strbuf *system, const struct strbuf *user)
{
	strbuf_addstr(out, "{\"messages\":[");
	if (system->len) {
		strbuf_addstr(out, "{\"role\":\"system\",\"content\":");
		strbuf_add_json(out, system->buf);
		strbuf_addstr(out, "},");
	}
	strbuf_addstr(out, "{\"role\":\"user\",\"content\":");
	strbuf_add_json(out, user->buf);
	strbuf_addstr(out, "}]}");
}

static void render(struct strbuf *out, const char *tmpl, const char *const *names, const char *const *values,
		   size_t n)
{
	strbuf_reset(out);
	template_render(out, tmpl, names, values, n);
	while (out->len && out->buf[out->len - 1] == '\n')
		strbuf_setlen(out, out->len - 1);
}

/* Fill req and w with the messages in s. */
static int send(struct work *w, struct expl_state *s, enum task_role role, struct llm_request *req)
{
	struct strbuf json = STRBUF_INIT;

	request_json(&json, &s->system, &s->user);
	free(w->request);
	w->request = strbuf_detach(&json, NULL);
	w->role = role;
	s->msgs[0].role = "system";
	s->msgs[0].content = s->system.buf;
	s->msgs[1].role = "user";
	s->msgs[1].content = s->user.buf;
	req->kind = LLM_CHAT;
	req->messages = s->system.len ? s->msgs : s->msgs + 1;
	req->n_messages = s->system.len ? 2 : 1;
	return STEP_SEND;
}

static int ask_subject(struct task_ctx *c, struct work *w, struct llm_request *req)
{
	const struct run_plan *plan = c->plan;
	const struct dataset *ds = plan->ds;
	struct expl_run *r = c->priv;
	const struct expl_spec *x = c->t->priv;
	uint32_t u = plan->users[w->index], v;
	const char *uid = ds->user_ids[u];
	struct expl_state *s;
	const uint32_t *h;
	size_t n_h, i;
	char max_words[32];
	const char *values[3];

	if (already_done(plan, c->t->name, uid)) {
		char *key = xstrfmt("%s", uid);
		int redo = strmap_get(&r->redo, key, strlen(key), &v) == 0;
		free(key);
		if (!redo) {
			progress_step(c->prog);
			return STEP_DONE;
		}
	}
	w->user = u;
	w->n_cand = 0;
	s = xcalloc(1, sizeof(*s));
	w->state = s;
	strbuf_init(&s->history, 0);
	strbuf_init(&s->system, 0);
	strbuf_init(&s->user, 0);
	h = sample_history(plan, u, &n_h);
	for (i = 0; i < n_h; i++)
		strbuf_addf(&s->history, "%s- %s", i ? "\n" : "", item_label(ds, h[i]));
	s->target = item_label(ds, plan->sp->target[u]);
	snprintf(max_words, sizeof(max_words), "%zu", x->max_words);
	values[0] = s->history.buf;
	values[1] = s->target;
	values[2] = max_words;
	render(&s->system, c->t->system_text, subject_vars, values, 3);
	render(&s->user, c->t->template_text, subject_vars, values, 3);
	send(w, s, ROLE_SUBJECT, req);
	s->subject_request = xstrdup(w->request);
	return STEP_SEND;
}

static int ask_judge(struct task_ctx *c, struct work *w, struct llm_request *req)
{
	const struct expl_spec *x = c->t->priv;
	struct expl_state *s = w->state;
	struct strbuf aspects = STRBUF_INIT, format = STRBUF_INIT;
	char max_words[32], lo[32], hi[32];
	const char *values[8];

	rubric_aspect_lines(&aspects, &x->rubric);
	rubric_format(&format, &x->rubric);
	snprintf(max_words, sizeof(max_words), "%zu", x->max_words);
	snprintf(lo, sizeof(lo), "%ld", x->rubric.lo);
	snprintf(hi, sizeof(hi), "%ld", x->rubric.hi);
	values[0] = s->history.buf;
	values[1] = s->target;
	values[2] = s->answer;
	values[3] = max_words;
	values[4] = aspects.buf;
	values[5] = format.buf;
	values[6] = lo;
	values[7] = hi;
	render(&s->system, x->judge_system, judge_vars, values, 8);
	render(&s->user, x->judge_template, judge_vars, values, 8);
	strbuf_release(&aspects);
	strbuf_release(&format);
	return send(w, s, ROLE_JUDGE, req);
}

/* The reference-free figures of an answer; groundings of its title-like spans into gj. */
struct expl_figures {
	double words, over, target, cited, hallucinated;
};

static size_t count_words(const char *t)
{
	size_t n = 0;
	int in = 0;

	for (; *t; t++) {
		int sp = isspace((unsigned char)*t);
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

/* Whether s[0..l) is only a "(YYYY)" (nothing of a title left). */
static int year_only(const char *s, size_t l)
{
	return l == 6 && s[0] == '(' && s[5] == ')';
}

/* Whether catalogue items a and b are the same film: one id, or one title (ML-100K lists some films twice). */
static int same_item(const struct dataset *ds, uint32_t a, uint32_t b)
{
	return a == b || (ds->items[a].title && ds->items[b].title && !strcmp(ds->items[a].title, ds->items[b].title));
}

/*
 * The figures of an answer. Title-like spans are grounded first (their
 * groundings into gj); the rest of the text, the spans blanked out, is
 * searched for the target's and the history's titles as whole words, so
 * that "Ghost and the Darkness (1996)" does not also name "Ghost".
 */
static void figures(struct expl_figures *f, struct strbuf *gj, struct task_ctx *c, const struct work *w,
		    const char *answer)
{
	const struct run_plan *plan = c->plan;
	const struct dataset *ds = plan->ds;
	const struct expl_spec *x = c->t->priv;
	struct expl_run *r = c->priv;
	uint32_t target = plan->sp->target[w->user];
	size_t len = strlen(answer), n_h, i, j, n_m;
	const uint32_t *h = sample_history(plan, w->user, &n_h);
	struct title_span *m = NULL;
	struct grounding_row *rows;
	struct grounded *g;
	unsigned char *cited = xcalloc(n_h + 1, 1);
	char *norm, *rest;
	int target_named = 0;

	if (len > ANSWER_MAX_BYTES)
		len = ANSWER_MAX_BYTES;
	f->words = (double)count_words(answer);
	f->over = f->words > (double)x->max_words;
	n_m = title_spans(&m, answer, len);
	g = xcalloc(n_m + 1, sizeof(*g));
	rows = xcalloc(n_m + 1, sizeof(*rows));
	rest = xstrndup(answer, len);
	f->hallucinated = 0;
	for (i = 0; i < n_m; i++) {
		const char *s = answer + m[i].off;
		size_t l = m[i].len;
		int ok = ground_title(&g[i], r->grounder, s, l, NULL, 0);
		/* "Since Toy Story (1995)": words before the title may have been swept in */
		while (!ok && !m[i].quoted) {
			const char *sp = memchr(s, ' ', l);
			if (!sp || (size_t)(sp - s) + 1 >= l)
				break;
			l -= (size_t)(sp - s) + 1;
			s = sp + 1;
			if (year_only(s, l))
				break;
			free(g[i].text);
			ok = ground_title(&g[i], r->grounder, s, l, NULL, 0);
		}
		if (!ok) {
			free(g[i].text);
			g[i].text = xstrndup(answer + m[i].off, m[i].len);
			f->hallucinated++;
			continue;
		}
		/* the grounded part is read through its grounding, not searched again */
		memset(rest + (s - answer), ' ', l);
		target_named |= same_item(ds, g[i].item, target);
		for (j = 0; j < n_h; j++)
			cited[j] |= same_item(ds, g[i].item, h[j]);
	}
	norm = ground_normalize(rest, len, NULL);
	target_named |= title_named(norm, item_label(ds, target));
	for (j = 0; j < n_h; j++)
		cited[j] |= (unsigned char)title_named(norm, item_label(ds, h[j]));
	for (i = 0; i < n_m; i++) {
		rows[i].text = g[i].text;
		rows[i].item = g[i].item == UINT32_MAX ? NULL : ds->items[g[i].item].id;
		rows[i].how = ground_how_name(g[i].how);
		rows[i].score = g[i].score;
	}
	codec_put_groundings(gj, rows, n_m);
	f->target = target_named;
	f->cited = 0;
	for (i = 0; i < n_h; i++)
		f->cited += cited[i];
	grounded_free(g, n_m);
	free(rows);
	free(m);
	free(cited);
	free(norm);
	free(rest);
}

/* Copy what an answer says into a transcript entry (strings owned by the entry). */
static void entry_from(struct transcript_row *e, const char *role, const char *request,
		       const struct llm_answer *a, int from_cache)
{
	e->role = role;
	e->turn = 1;
	e->score = NAN;
	e->request = request;
	e->response = a->content ? xstrdup(a->content) : NULL;
	e->status = a->status == LLM_OK && a->content ? "ok" : "error";
	e->error = NULL;
	if (a->status == LLM_REFUSED)
		e->error = xstrfmt("refused by the content filter%s%s", a->error ? ": " : "", a->error ? a->error : "");
	else if (a->status != LLM_OK)
		e->error = xstrdup(a->error ? a->error : "the model could not answer");
	else if (!a->content)
		e->error = xstrdup("the answer has no content");
	e->tokens_in = from_cache ? 0 : a->tokens_in;
	e->tokens_out = from_cache ? 0 : a->tokens_out;
	e->latency_ms = from_cache ? 0 : a->latency_ms;
	e->cached = from_cache;
}

/*
 * Commit the sample: ja is the judge's answer (NULL when no judge was
 * asked). Returns 0, or -1 when the store failed.
 */
static int store_sample(struct task_ctx *c, struct work *w, const struct llm_answer *ja, int ja_cached)
{
	const struct run_plan *plan = c->plan;
	const struct dataset *ds = plan->ds;
	const struct expl_spec *x = c->t->priv;
	struct expl_state *s = w->state;
	struct sample_record rec = { 0 };
	struct transcript_row e[2];
	struct strbuf hist = STRBUF_INIT, gj = STRBUF_INIT, tr = STRBUF_INIT, verdict = STRBUF_INIT;
	const char *names[8 + RUBRIC_MAX_ASPECTS];
	double values[8 + RUBRIC_MAX_ASPECTS];
	long scores[RUBRIC_MAX_ASPECTS];
	size_t n_e = 1, n_m = 0, n_h, i;
	const uint32_t *h = sample_history(plan, w->user, &n_h);
	char *judge_error = NULL;
	int ret;

	memset(e, 0, sizeof(e));
	e[0] = s->subject;
	e[0].request = s->subject_request;
	codec_put_items(&hist, ds, h, n_h);
	rec.task = c->t->name;
	rec.sample_id = ds->user_ids[w->user];
	rec.user = ds->user_ids[w->user];
	rec.target = ds->items[plan->sp->target[w->user]].id;
	rec.history = hist.buf;
	rec.request = s->subject_request;
	rec.response = s->subject.response;
	rec.latency_ms = s->subject_latency;
	rec.tokens_in = s->subject.tokens_in;
	rec.tokens_out = s->subject.tokens_out;
	if (ja) {
		entry_from(&e[1], "judge", w->request, ja, ja_cached);
		n_e = 2;
		if (!strcmp(e[1].status, "ok")) {
			const char *why = NULL;
			if (verdict_rubric(scores, ja->content, strlen(ja->content), (const char *const *)x->rubric.name,
					   x->rubric.n, x->rubric.lo, x->rubric.hi, &why) < 0) {
				strbuf_addstr(&verdict, "{\"failure\":");
				strbuf_add_json(&verdict, why);
				strbuf_addch(&verdict, '}');
			} else {
				strbuf_addch(&verdict, '{');
				for (i = 0; i < x->rubric.n; i++)
					strbuf_addf(&verdict, "%s\"%s\":%ld", i ? "," : "", x->rubric.name[i], scores[i]);
				strbuf_addch(&verdict, '}');
			}
			e[1].verdict = verdict.buf;
			if (why)
				n_m = SIZE_MAX;  /* marks the failure below */
		} else {
			judge_error = xstrfmt("judge: %s", e[1].error);
		}
	}
	codec_put_transcript(&tr, e, n_e);
	rec.transcript = tr.buf;
	if (strcmp(s->subject.status, "ok") || judge_error) {
		rec.status = "error";
		rec.error = judge_error ? judge_error : s->subject.error;
		c->errors++;
		names[0] = "error_rate";
		values[0] = 1;
		n_m = 1;
	} else {
		struct expl_figures f;
		int failed = n_m == SIZE_MAX;
		figures(&f, &gj, c, w, s->answer);
		rec.grounding = gj.buf;
		rec.status = "ok";
		n_m = 0;
		names[n_m] = "words", values[n_m++] = f.words;
		names[n_m] = "over_length_rate", values[n_m++] = f.over;
		names[n_m] = "target_named_rate", values[n_m++] = f.target;
		names[n_m] = "history_cited", values[n_m++] = f.cited;
		names[n_m] = "hallucinated_titles", values[n_m++] = f.hallucinated;
		names[n_m] = "error_rate", values[n_m++] = 0;
		if (ja) {
			/* an unreadable verdict scores nothing: it is counted, never guessed */
			for (i = 0; !failed && i < x->rubric.n; i++)
				names[n_m] = x->rubric.name[i], values[n_m++] = (double)scores[i];
			names[n_m] = "judge_failure_rate", values[n_m++] = failed;
		}
	}
	rec.metric_names = names;
	rec.metric_values = values;
	rec.n_metrics = n_m;
	ret = store_put_sample(c->store, c->run_id, &rec) < 0 ? -1 : 0;
	if (!ret)
		progress_step(c->prog);
	if (n_e == 2) {
		free((char *)e[1].response);
		free((char *)e[1].error);
	}
	free(judge_error);
	strbuf_release(&hist);
	strbuf_release(&gj);
	strbuf_release(&tr);
	strbuf_release(&verdict);
	return ret;
}

static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	struct expl_state *s = w->state;
	int rc;

	if (!a)
		return ask_subject(c, w, req);
	if (w->role == ROLE_SUBJECT) {
		entry_from(&s->subject, "subject", NULL, a, from_cache);
		s->subject_latency = a->latency_ms;
		/* a subject that failed is not sent to the judge */
		if (!strcmp(s->subject.status, "ok")) {
			s->answer = xstrdup(a->content);
			if (c->ad[ROLE_JUDGE])
				return ask_judge(c, w, req);
		}
		rc = store_sample(c, w, NULL, 0);
	} else {
		rc = store_sample(c, w, a, from_cache);
	}
	state_free(w);
	return rc < 0 ? -1 : STEP_DONE;
}

/* The judge's tokens and, where its price is known, dollars: counted apart from the subject's. */
static int finish(struct store *st, int64_t run, const struct task_spec *t, const struct catalogue *cat,
		  struct run_values *rv)
{
	struct model_spec spec = { 0 };
	struct price price = { NAN, NAN };
	char **tr = NULL;
	size_t n = 0, i, j, judged = 0;
	long long tin = 0, tout = 0;

	(void)cat;
	if (!t->role_spec[ROLE_JUDGE])
		return 0;
	if (model_spec_parse(&spec, t->role_spec[ROLE_JUDGE]) == 0 && price_for(&price, &spec, price_endpoint(&spec)) < 0)
		price.in = price.out = NAN;
	model_spec_release(&spec);
	if (store_get_transcripts(st, run, t->name, &tr, &n) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct transcript_row *e;
		size_t n_e;
		if (codec_get_transcript(&e, &n_e, tr[i]) == 0) {
			for (j = 0; j < n_e; j++)
				if (e[j].role && !strcmp(e[j].role, "judge")) {
					tin += e[j].tokens_in;
					tout += e[j].tokens_out;
					judged++;
				}
			codec_transcript_free(e, n_e);
		}
		free(tr[i]);
	}
	free(tr);
	run_values_add(rv, t->name, xstrdup("judge_tokens_in"), (double)tin, judged);
	run_values_add(rv, t->name, xstrdup("judge_tokens_out"), (double)tout, judged);
	run_values_add(rv, t->name, xstrdup("judge_cost_usd"), (tin * price.in + tout * price.out) / 1e6, judged);
	return 0;
}

const struct task_type task_explanation = {
	.name = "explanation",
	.summary = "explain why the held-out item suits the user's history (RecLM-eval); reference-free checks, "
		   "rubric scores with a judge",
	.flags = TASK_TEXT | TASK_PROSE,
	.keys = keys,
	.parse = parse,
	.release = release,
	.metric_names = metric_names,
	.start = start,
	.work_count = work_count,
	.step = step,
	.stop = stop,
	.finish = finish,
};
