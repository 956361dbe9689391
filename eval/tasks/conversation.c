/* conversation.c: the `conversation` task: a simulated user who knows a target item (and never names it) talks with the subject, turn by turn, for at most max_turns. */
#include <cJSON.h>
#include "eval/tasks/conversation.h"
#include "eval/tasks/rec.h"
#include "eval/tasks/general.h"
#include "eval/template.h"

/*
 * A dialogue, as RecLM-eval's conversation task and InteRecAgent's
 * simulated-user evaluation run it: the simulator speaks first; each turn
 * the subject answers with up to k items, which receval grounds; the
 * dialogue ends when the target is among them (a success at that turn) or
 * after max_turns. receval itself checks every simulator turn for the
 * target's title; a leaking turn is asked again, with a note, at most
 * simulator_retries times, then the dialogue is given up as invalid.
 *
 * The simulator's messages: its system prompt (history and target), then
 * its own turns as "assistant" and the subject's as "user", each told with
 * the items receval read from it. The subject's: its system prompt
 * (history, k, knowledge), then the simulator's turns as "user" and its
 * own as "assistant". Every request goes through the cache, so a resumed
 * dialogue replays its answered turns without sending them again.
 */

static const char *const keys[] = {
	"max_turns", "k", "simulator", "simulator_retries", "system", "simulator_system", "simulator_feedback",
	"simulator_retry", "fuzzy_threshold", "knowledge", "knowledge_k", NULL,
};

static void release(struct task_spec *t)
{
	struct conv_spec *cs = t->priv;

	if (!cs)
		return;
	free(cs->sim_system);
	free(cs->sim_feedback);
	free(cs->sim_retry);
	free(cs);
	t->priv = NULL;
}

/* A template without the one newline that ends its file. */
static void chop(char *s)
{
	size_t n = s ? strlen(s) : 0;

	while (n && s[n - 1] == '\n')
		s[--n] = 0;
}

static int get_template(const struct task_parse *tp, const char *key, const char *builtin, const char *const *vars,
			char **text)
{
	char *file = NULL;
	int rc = task_get_template(tp, key, builtin, vars, text, &file);

	free(file);
	chop(*text);
	return rc;
}

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	struct conv_spec *cs = xcalloc(1, sizeof(*cs));

	t->priv = cs;
	t->seq = 1;
	cs->max_turns = 5;
	cs->k = 10;
	cs->retries = 2;
	if ((task_key(tp, "max_turns") && task_get_count(tp, "max_turns", 1, 50, &cs->max_turns) < 0) ||
	    (task_key(tp, "k") && task_get_count(tp, "k", 1, 100, &cs->k) < 0) ||
	    (task_key(tp, "simulator_retries") && task_get_count(tp, "simulator_retries", 0, 10, &cs->retries) < 0) ||
	    task_get_string(tp, "simulator", 0, &t->role_spec[ROLE_SIMULATOR]) < 0 ||
	    rec_parse_fuzzy(t, tp) < 0 || rec_parse_knowledge(t, tp) < 0)
		return -1;
	if (t->role_spec[ROLE_SIMULATOR]) {
		/* checked here, so a bad one stops the run before anything is stored */
		struct model_spec spec = { 0 };
		const struct adapter *ad = NULL;
		int ok = model_spec_parse(&spec, t->role_spec[ROLE_SIMULATOR]) == 0 && (ad = adapter_find(spec.provider));
		model_spec_release(&spec);
		if (!ok || !ad->submit)
			return task_error(tp, "simulator", "'simulator' must be a language model's spec (openai:, azure: or "
					  "exec:), not '%s'", t->role_spec[ROLE_SIMULATOR]);
	}
	/* the subject's {k}: one cutoff, the items a turn offers */
	t->k = xmalloc(sizeof(*t->k));
	t->k[0] = cs->k;
	t->n_k = 1;
	if (rec_get_template(t, tp, "system", "conversation.txt", conv_subject_vars, &t->system_text,
			     &t->system_file) < 0 ||
	    get_template(tp, "simulator_system", "conversation_simulator.txt", conv_simulator_vars,
			 &cs->sim_system) < 0 ||
	    get_template(tp, "simulator_feedback", "conversation_feedback.txt", conv_feedback_vars,
			 &cs->sim_feedback) < 0 ||
	    get_template(tp, "simulator_retry", "conversation_retry.txt", conv_retry_vars, &cs->sim_retry) < 0)
		return -1;
	chop(t->system_text);
	return 0;
}

static char **metric_names(const struct task_spec *t, int with_categories, size_t *n)
{
	const struct conv_spec *cs = t->priv;
	char **out = xmalloc((cs->max_turns + 8) * sizeof(*out));
	size_t i;

	(void)with_categories;
	*n = 0;
	for (i = 1; i <= cs->max_turns; i++)
		out[(*n)++] = xstrfmt("success@%zu", i);
	out[(*n)++] = xstrdup("turns");
	out[(*n)++] = xstrdup("hallucination_rate");
	out[(*n)++] = xstrdup("repeat_rate");
	out[(*n)++] = xstrdup("leak_rate");
	out[(*n)++] = xstrdup("invalid_rate");
	return out;
}

static int start(struct task_ctx *c)
{
	struct conv_run *r = xcalloc(1, sizeof(*r));

	c->priv = r;
	if (!c->ad[ROLE_SIMULATOR]) {
		error("task '%s' has no simulator: give the task \"simulator\": SPEC, or run --simulator SPEC",
		      c->t->name);
		return EXIT_INPUT;
	}
	r->grounder = grounder_new(c->plan->ds, c->t->fuzzy > 0 ? c->t->fuzzy : GROUND_FUZZY_DEFAULT);
	if (c->t->knowledge)
		r->kn = knowledge_new(c->plan->ds, c->plan->sp, c->t->knowledge, c->t->knowledge_k);
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct conv_run *r = c->priv;

	if (!r)
		return;
	grounder_free(r->grounder);
	knowledge_free(r->kn);
	free(r);
	c->priv = NULL;
}

static struct dialogue *dialogue_new(size_t max_turns, size_t retries)
{
	struct dialogue *d = xcalloc(1, sizeof(*d));

	d->sim = xcalloc(max_turns + 1, sizeof(*d->sim));
	d->subj = xcalloc(max_turns + 1, sizeof(*d->subj));
	d->turn_end = xcalloc(max_turns + 1, sizeof(*d->turn_end));
	d->leaked = xcalloc(retries + 1, sizeof(*d->leaked));
	strbuf_init(&d->feedback, 0);
	strbuf_init(&d->grounding, 0);
	strbuf_init(&d->sys, 0);
	d->turn = 1;
	d->attempt = 1;
	return d;
}

/* Forget this turn's leaking answers. */
static void drop_leaks(struct dialogue *d)
{
	size_t i;

	for (i = 0; d->leaked && i + 1 < d->attempt; i++) {
		free(d->leaked[i]);
		d->leaked[i] = NULL;
	}
}

static void dialogue_free(struct dialogue *d, size_t max_turns)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < max_turns; i++) {
		free(d->sim[i]);
		free(d->subj[i]);
	}
	for (i = 0; i < d->n_rows; i++) {
		free((char *)d->rows[i].request);
		free((char *)d->rows[i].response);
		free((char *)d->rows[i].read);
		free((char *)d->rows[i].error);
	}
	free(d->sim);
	free(d->subj);
	free(d->turn_end);
	drop_leaks(d);
	free(d->leaked);
	free(d->offered);
	free(d->rows);
	free(d->msgs);
	strbuf_release(&d->feedback);
	strbuf_release(&d->grounding);
	strbuf_release(&d->sys);
	free(d);
}

/*
 * One row of the transcript: role, turn, the request as sent (NULL for
 * built-in models), how its answer a went (NULL: no request was made),
 * err when it failed, what was read from it (taken over, or NULL).
 */
static void add_row(struct dialogue *d, const char *role, const char *request, const struct llm_answer *a,
		    int from_cache, const char *err, char *read)
{
	struct transcript_row *r;

	ALLOC_GROW(d->rows, d->n_rows + 1, d->alloc_rows);
	r = &d->rows[d->n_rows++];
	memset(r, 0, sizeof(*r));
	r->role = role;
	r->turn = d->turn;
	r->request = request ? xstrdup(request) : NULL;
	r->response = a && a->content ? xstrdup(a->content) : NULL;
	r->score = NAN;
	r->latency_ms = NAN;
	if (a) {
		r->status = err ? "error" : "ok";
		r->error = err ? xstrdup(err) : NULL;
		r->tokens_in = from_cache ? 0 : a->tokens_in;
		r->tokens_out = from_cache ? 0 : a->tokens_out;
		r->latency_ms = a->latency_ms;
		r->cached = from_cache;
	}
	r->read = read;
}

static void push(struct dialogue *d, const char *role, const char *content)
{
	ALLOC_GROW(d->msgs, d->n_msgs + 1, d->alloc_msgs);
	d->msgs[d->n_msgs].role = role;
	d->msgs[d->n_msgs].content = content;
	d->n_msgs++;
}

/* The history as the templates show it: "- Title" lines, oldest first. */
static void history_lines(struct strbuf *out, const struct dataset *ds, const uint32_t *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		strbuf_addf(out, "%s- %s", i ? "\n" : "", item_label(ds, h[i]));
}

/* Turn t's subject items as the simulator is told them: "Title; Title", or "none". */
static void offered_text(struct strbuf *out, const struct dialogue *d, const struct dataset *ds, size_t t)
{
	size_t from = t > 1 ? d->turn_end[t - 2] : 0, i;

	if (d->turn_end[t - 1] == from)
		strbuf_addstr(out, "none");
	for (i = from; i < d->turn_end[t - 1]; i++)
		strbuf_addf(out, "%s%s", i > from ? "; " : "", item_label(ds, d->offered[i]));
}

/* The request JSON of the messages gathered, as stored and hashed. */
static void set_request(struct work *w, struct dialogue *d, enum task_role role, struct llm_request *req)
{
	struct strbuf j = STRBUF_INIT;

	general_messages_json(&j, d->msgs, d->n_msgs);
	free(w->request);
	w->request = strbuf_detach(&j, NULL);
	w->role = role;
	req->kind = LLM_CHAT;
	req->messages = d->msgs;
	req->n_messages = d->n_msgs;
}

/*
 * The simulator's request for the current turn: its system prompt, then
 * the turns so far (its own as assistant, the subject's as user, told
 * with the items offered); after a leak, its leaking answer and the note.
 */
static void ask_simulator(struct task_ctx *c, struct work *w, struct dialogue *d, struct llm_request *req)
{
	const struct run_plan *plan = c->plan;
	const struct conv_spec *cs = c->t->priv;
	const struct dataset *ds = plan->ds;
	struct strbuf hist = STRBUF_INIT;
	const char *names[2], *values[2];
	size_t n_h, t;
	const uint32_t *h = sample_history(plan, w->user, &n_h);
	/* each turn's feedback lives in one buffer: remember where each starts */
	size_t *at = xcalloc(d->turn + 1, sizeof(*at));

	history_lines(&hist, ds, h, n_h);
	names[0] = "history";
	values[0] = hist.buf;
	names[1] = "target";
	values[1] = item_label(ds, plan->sp->target[w->user]);
	strbuf_reset(&d->sys);
	template_render(&d->sys, cs->sim_system, names, values, 2);
	strbuf_reset(&d->feedback);
	for (t = 1; t < d->turn; t++) {
		struct strbuf offered = STRBUF_INIT;
		const char *fn[2] = { "response", "offered" }, *fv[2];
		offered_text(&offered, d, ds, t);
		fv[0] = d->subj[t - 1];
		fv[1] = offered.buf;
		at[t] = d->feedback.len;
		template_render(&d->feedback, cs->sim_feedback, fn, fv, 2);
		strbuf_addch(&d->feedback, 0);  /* each told turn NUL-ended in the one buffer */
		strbuf_release(&offered);
	}
	d->n_msgs = 0;
	push(d, "system", d->sys.buf);
	for (t = 1; t < d->turn; t++) {
		push(d, "assistant", d->sim[t - 1]);
		push(d, "user", d->feedback.buf + at[t]);
	}
	/* every leak of this turn, each followed by the note, so each try is a new request (never the cache's last leak) */
	for (t = 0; t + 1 < d->attempt; t++) {
		push(d, "assistant", d->leaked[t]);
		push(d, "user", cs->sim_retry);
	}
	free(at);
	strbuf_release(&hist);
	set_request(w, d, ROLE_SIMULATOR, req);
}

/* The subject's request for the current turn: its system prompt, then the simulator's turns and its own answers. */
static void ask_subject(struct task_ctx *c, struct work *w, struct dialogue *d, struct llm_request *req)
{
	const struct run_plan *plan = c->plan;
	struct conv_run *r = c->priv;
	const struct dataset *ds = plan->ds;
	struct strbuf hist = STRBUF_INIT, kn = STRBUF_INIT;
	const char *names[3] = { "history", "k", "knowledge" }, *values[3];
	char k[32];
	size_t n_h, t;
	const uint32_t *h = sample_history(plan, w->user, &n_h);

	history_lines(&hist, ds, h, n_h);
	if (r->kn)
		knowledge_render(&kn, r->kn, h, n_h);
	snprintf(k, sizeof(k), "%zu", c->t->k[0]);
	values[0] = hist.buf;
	values[1] = k;
	values[2] = kn.buf;
	strbuf_reset(&d->sys);
	template_render(&d->sys, c->t->system_text, names, values, 3);
	d->n_msgs = 0;
	if (d->sys.len)
		push(d, "system", d->sys.buf);
	for (t = 1; t <= d->turn; t++) {
		push(d, "user", d->sim[t - 1]);
		if (t < d->turn)
			push(d, "assistant", d->subj[t - 1]);
	}
	strbuf_release(&hist);
	strbuf_release(&kn);
	set_request(w, d, ROLE_SUBJECT, req);
}

/* Why an answer failed, or NULL when it is a usable text. *owned gets a message to free. */
static const char *answer_error(const struct llm_answer *a, const char *role, char **owned)
{
	*owned = NULL;
	if (a->status == LLM_OK && a->content)
		return NULL;
	if (a->status == LLM_REFUSED)
		return *owned = xstrfmt("the %s was refused by the content filter%s%s", role, a->error ? ": " : "",
					a->error ? a->error : "");
	if (a->status == LLM_OK)
		return *owned = xstrfmt("the %s's answer has no content", role);
	return *owned = xstrfmt("the %s could not answer: %s", role, a->error ? a->error : "no reason given");
}

static int finish(struct task_ctx *c, struct work *w, const char *status, const char *err)
{
	const struct conv_spec *cs = c->t->priv;
	struct dialogue *d = w->state;
	int rc = conv_store(c, w, d, status, err);

	dialogue_free(d, cs->max_turns);
	w->state = NULL;
	return rc < 0 ? -1 : STEP_DONE;
}

static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	const struct run_plan *plan = c->plan;
	const struct conv_spec *cs = c->t->priv;
	struct conv_run *r = c->priv;
	const struct dataset *ds = plan->ds;
	struct dialogue *d = w->state;
	const uint32_t *h;
	size_t n_h;
	char *owned = NULL, *read;
	const char *err;
	uint32_t target;
	int rc;

	if (!a) {
		if (!rec_start_sample(c, w, &h, &n_h))
			return STEP_DONE;
		dialogue_free(w->state, cs->max_turns);
		w->state = d = dialogue_new(cs->max_turns, cs->retries);
		ask_simulator(c, w, d, req);
		return STEP_SEND;
	}
	target = plan->sp->target[w->user];
	d->latency_ms += a->latency_ms;
	if (!from_cache) {
		d->tokens_in += a->tokens_in;
		d->tokens_out += a->tokens_out;
	}
	if (d->wait == WAIT_SIMULATOR) {
		if ((err = answer_error(a, "simulator", &owned))) {
			add_row(d, "simulator", w->request, a, from_cache, err, NULL);
			rc = finish(c, w, "error", err);
			free(owned);
			return rc;
		}
		d->sim_answers++;
		if (conv_names_target(r->grounder, ds, a->content, target)) {
			/* a leak: never shown to the subject; asked again, a bounded number of times */
			d->leaks++;
			add_row(d, "simulator", w->request, a, from_cache, NULL,
				xstrfmt("{\"leak\":true,\"attempt\":%zu}", d->attempt));
			if (d->attempt > cs->retries)
				return finish(c, w, "invalid", "the simulator named the target on every try");
			d->leaked[d->attempt - 1] = xstrdup(a->content);
			d->attempt++;
			ask_simulator(c, w, d, req);
			return STEP_SEND;
		}
		add_row(d, "simulator", w->request, a, from_cache, NULL,
			xstrfmt("{\"leak\":false,\"attempt\":%zu}", d->attempt));
		d->sim[d->turn - 1] = xstrdup(a->content);
		d->wait = WAIT_SUBJECT;
		ask_subject(c, w, d, req);
		return STEP_SEND;
	}
	if ((err = answer_error(a, "subject", &owned))) {
		add_row(d, "subject", w->request, a, from_cache, err, NULL);
		rc = finish(c, w, "error", err);
		free(owned);
		return rc;
	}
	d->subj[d->turn - 1] = xstrdup(a->content);
	conv_read_turn(d, r->grounder, ds, a->content, cs->k, target, &read);
	add_row(d, "subject", w->request, a, from_cache, NULL, read);
	if (d->success || d->turn == cs->max_turns)
		return finish(c, w, "ok", NULL);
	d->turn++;
	drop_leaks(d);
	d->attempt = 1;
	d->wait = WAIT_SIMULATOR;
	ask_simulator(c, w, d, req);
	return STEP_SEND;
}

/*
 * Built-in models converse without text: each turn they offer the next k
 * items of their own ranking, none offered before, so the target comes at
 * turn ceil(place / k) and success@t is recall@(k·t) of the same ranking.
 */
static int builtin(struct task_ctx *c, struct work *w)
{
	const struct conv_spec *cs = c->t->priv;
	const struct dataset *ds = c->plan->ds;
	const struct adapter *ad = c->ad[ROLE_SUBJECT];
	size_t want = cs->k * cs->max_turns, n_list = 0, n_h, t, i;
	uint32_t *list = xmalloc((want + 1) * sizeof(*list)), target;
	struct dialogue *d;
	const uint32_t *h;
	double t0 = now_ms();
	int rc;

	if (!rec_start_sample(c, w, &h, &n_h)) {
		free(list);
		return 0;
	}
	target = c->plan->sp->target[w->user];
	d = dialogue_new(cs->max_turns, cs->retries);
	if (ad->recommend(c->model[ROLE_SUBJECT], w->user, want, list, &n_list) < 0) {
		rc = conv_store(c, w, d, "error", "the model could not rank the catalogue");
		dialogue_free(d, cs->max_turns);
		free(list);
		return rc;
	}
	for (t = 1; t <= cs->max_turns; t++) {
		size_t from = (t - 1) * cs->k, to = t * cs->k < n_list ? t * cs->k : n_list;
		struct strbuf r = STRBUF_INIT;
		int hit = 0;
		d->turn = t;
		for (i = from; i < to; i++) {
			ALLOC_GROW(d->offered, d->n_offered + 1, d->alloc_offered);
			d->offered[d->n_offered++] = list[i];
			hit |= list[i] == target;
		}
		d->turn_end[t - 1] = d->n_offered;
		strbuf_addstr(&r, "{\"items\":");
		codec_put_items(&r, ds, list + (from < to ? from : to), from < to ? to - from : 0);
		strbuf_addf(&r, ",\"success\":%s}", hit ? "true" : "false");
		add_row(d, "subject", NULL, NULL, 0, NULL, strbuf_detach(&r, NULL));
		if (hit) {
			d->success = t;
			break;
		}
	}
	d->latency_ms = now_ms() - t0;
	rc = conv_store(c, w, d, "ok", NULL);
	dialogue_free(d, cs->max_turns);
	free(list);
	return rc;
}

const struct task_type task_conversation = {
	.name = "conversation",
	.summary = "recommend through a dialogue with a simulated user who knows a target item and never names it "
		   "(success@t, turns, hallucination, repeat and leak rates)",
	.keys = keys,
	.parse = parse,
	.release = release,
	.metric_names = metric_names,
	.builtin = builtin,
	.start = start,
	.work_count = rec_work_count,
	.step = step,
	.stop = stop,
};
