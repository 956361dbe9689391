/* chatbot.c: the `chatbot` task: open prompts (JSONL {"prompt"} or MT-Bench's question.jsonl), asked turn by turn; with a judge, MT-Bench single-answer grading. */
#include <cJSON.h>
#include "eval/tasks/general.h"
#include "eval/codec.h"
#include "eval/template.h"
#include "eval/ifeval/text.h"

static const char *const keys[] = { "data", "judge", "judge_template", "judge_system", NULL };
static const char *const single_vars[] = { "question", "answer", NULL };
static const char *const multi_vars[] = { "conversation", NULL };
static const char *const no_vars[] = { NULL };

struct chat_q {
	char *id;
	char **turns;
	size_t n_turns;
};

struct chat_data {
	char *path;
	struct chat_q *q;
	size_t n, alloc;
	/* the judge's prompts: single-v1 (first turn) and single-v1-multi-turn (later turns) */
	char *single, *single_system, *multi, *multi_system;
};

static void q_release(struct chat_q *q)
{
	size_t i;

	free(q->id);
	for (i = 0; i < q->n_turns; i++)
		free(q->turns[i]);
	free(q->turns);
}

static int read_line(const cJSON *obj, long line, void *data)
{
	struct chat_data *d = data;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, "prompt");
	const cJSON *turns = cJSON_GetObjectItemCaseSensitive(obj, "turns"), *t;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(obj, "question_id");
	struct chat_q q = { 0 };
	size_t i;

	if (!id)
		id = cJSON_GetObjectItemCaseSensitive(obj, "id");
	if (cJSON_IsString(p) && *p->valuestring) {
		q.turns = xcalloc(1, sizeof(*q.turns));
		q.turns[q.n_turns++] = xstrdup(p->valuestring);
	} else if (cJSON_IsArray(turns) && cJSON_GetArraySize(turns) > 0) {
		q.turns = xcalloc((size_t)cJSON_GetArraySize(turns), sizeof(*q.turns));
		cJSON_ArrayForEach(t, turns) {
			if (!cJSON_IsString(t) || !*t->valuestring) {
				q_release(&q);
				return error_at(d->path, line, "\"turns\" must be an array of non-empty strings");
			}
			q.turns[q.n_turns++] = xstrdup(t->valuestring);
		}
	} else {
		return error_at(d->path, line, "no \"prompt\" (a non-empty string) or \"turns\" (MT-Bench's array of them)");
	}
	if (cJSON_IsNumber(id) && id->valuedouble == floor(id->valuedouble))
		q.id = xstrfmt("%.0f", id->valuedouble);
	else if (cJSON_IsString(id) && *id->valuestring)
		q.id = xstrdup(id->valuestring);
	else
		q.id = xstrfmt("%ld", line);
	for (i = 0; i < d->n; i++)
		if (!strcmp(d->q[i].id, q.id)) {
			error_at(d->path, line, "question id %s is given twice", q.id);
			q_release(&q);
			return -1;
		}
	ALLOC_GROW(d->q, d->n + 1, d->alloc);
	d->q[d->n++] = q;
	return 0;
}

static void release(struct task_spec *t)
{
	struct chat_data *d = t->priv;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++)
		q_release(&d->q[i]);
	free(d->q);
	free(d->path);
	free(d->single);
	free(d->single_system);
	free(d->multi);
	free(d->multi_system);
	free(d);
	t->priv = NULL;
}

/* A judge template without the one newline that ends its file. */
static void chop(char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n && s[n - 1] == '\n')
		s[n - 1] = 0;
}

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	struct chat_data *d = xcalloc(1, sizeof(*d));
	char *file = NULL;
	int rc;

	t->priv = d;
	if (general_data_path(tp, "data", 1, &d->path) < 0 ||
	    task_get_string(tp, "judge", 0, &t->role_spec[ROLE_JUDGE]) < 0)
		return -1;
	if (t->role_spec[ROLE_JUDGE]) {
		/* checked here, as explanation's is, so a bad one stops the run before anything is stored */
		struct model_spec spec = { 0 };
		const struct adapter *ad = NULL;
		int ok = model_spec_parse(&spec, t->role_spec[ROLE_JUDGE]) == 0 && (ad = adapter_find(spec.provider));
		model_spec_release(&spec);
		if (!ok || !ad->submit)
			return task_error(tp, "judge", "'judge' must be a language model's spec (openai:, azure: or "
					  "exec:), not '%s'", t->role_spec[ROLE_JUDGE]);
	}
	rc = task_get_template(tp, "judge_template", "judge_single.txt", single_vars, &d->single, &file);
	free(file);
	file = NULL;
	if (rc < 0)
		return -1;
	rc = task_get_template(tp, "judge_system", "judge_single_system.txt", no_vars, &d->single_system, &file);
	free(file);
	file = NULL;
	if (rc < 0)
		return -1;
	if (task_get_template(tp, "", "judge_multi.txt", multi_vars, &d->multi, &file) < 0)
		return -1;
	free(file);
	file = NULL;
	if (task_get_template(tp, "", "judge_multi_system.txt", no_vars, &d->multi_system, &file) < 0)
		return -1;
	free(file);
	chop(d->single);
	chop(d->single_system);
	chop(d->multi);
	chop(d->multi_system);
	if (task_stored(tp))
		return 0;
	return general_read_jsonl(d->path, read_line, d);
}

static char **metric_names(const struct task_spec *t, int with_categories, size_t *n)
{
	char **out = xmalloc(3 * sizeof(*out));

	(void)with_categories;
	*n = 0;
	out[(*n)++] = xstrdup("words");
	if (t->role_spec[ROLE_JUDGE]) {
		out[(*n)++] = xstrdup("rating");
		out[(*n)++] = xstrdup("judge_failure_rate");
	}
	return out;
}

struct chat_run {
	size_t *order, n;
};

/* One sample's conversation, between its requests. */
struct chat_state {
	size_t turn;               /* the subject's turns answered */
	size_t judged;             /* the judge's verdicts received */
	char **answers;
	struct llm_message *msgs;  /* the conversation sent: user, assistant, ..., user */
	struct llm_message judge[2];
	struct strbuf prompt, system;
	struct transcript_row *rows;
	size_t n_rows;
	double *ratings;
	size_t n_ratings, failures;
	double latency;
	long tokens_in, tokens_out;
	char *last_request;
};

static size_t samples(const struct task_spec *t, const struct run_plan *plan)
{
	const struct chat_data *d = t->priv;
	size_t n = 0;

	free(general_order(plan, t->name, NULL, d->n, &n));
	return n;
}

static int start(struct task_ctx *c)
{
	const struct chat_data *d = c->t->priv;
	struct chat_run *r = xcalloc(1, sizeof(*r));

	r->order = general_order(c->plan, c->t->name, NULL, d->n, &r->n);
	c->priv = r;
	return EXIT_OK;
}

static void stop(struct task_ctx *c)
{
	struct chat_run *r = c->priv;

	if (!r)
		return;
	free(r->order);
	free(r);
	c->priv = NULL;
}

static size_t work_count(struct task_ctx *c, unsigned phase)
{
	const struct chat_run *r = c->priv;
	return phase == 1 ? r->n : 0;
}

static void state_free(struct chat_state *st, size_t n_turns)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < n_turns; i++)
		free(st->answers[i]);
	for (i = 0; i < st->n_rows; i++) {
		free((char *)st->rows[i].request);
		free((char *)st->rows[i].response);
	}
	free(st->rows);
	free(st->answers);
	free(st->msgs);
	free(st->ratings);
	free(st->last_request);
	strbuf_release(&st->prompt);
	strbuf_release(&st->system);
	free(st);
}

static void add_row(struct chat_state *st, const char *role, size_t turn, const char *request, const char *response,
		    double score)
{
	st->rows = xrealloc(st->rows, (st->n_rows + 1) * sizeof(*st->rows));
	st->rows[st->n_rows] = (struct transcript_row){ 0 };
	st->rows[st->n_rows].role = role;
	st->rows[st->n_rows].turn = turn;
	st->rows[st->n_rows].request = xstrdup(request);
	st->rows[st->n_rows].response = response ? xstrdup(response) : NULL;
	st->rows[st->n_rows].score = score;
	st->n_rows++;
}

/*
 * MT-Bench's verdict: the number in "[[N]]", else in "[N]" (FastChat's
 * one_score_pattern and its backup); -1 when there is none or it is
 * outside 1..10 (a judge failure, never a guess).
 */
double chatbot_read_rating(const char *text)
{
	const char *p;
	int pass;

	for (pass = 0; pass < 2 && text; pass++)
		for (p = text; (p = strchr(p, '[')); p++) {
			const char *q = p + 1 + (pass == 0);
			char *end;
			double v;
			if (pass == 0 && p[1] != '[')
				continue;
			if (!isdigit((unsigned char)*q))
				continue;
			v = strtod(q, &end);
			if (*end != ']' || (pass == 0 && end[1] != ']'))
				continue;
			return v >= 1 && v <= 10 ? v : -1;
		}
	return -1;
}

/* The judge's prompt for turn t (0-based) of q with the subject's answers. */
static void judge_prompt(const struct chat_data *d, const struct chat_q *q, struct chat_state *st, size_t t)
{
	strbuf_reset(&st->prompt);
	strbuf_reset(&st->system);
	if (t == 0) {
		const char *names[] = { "question", "answer" }, *values[] = { q->turns[0], st->answers[0] };
		template_render(&st->prompt, d->single, names, values, 2);
		strbuf_addstr(&st->system, d->single_system);
	} else {
		struct strbuf conv = STRBUF_INIT;
		const char *names[] = { "conversation" }, *values[1];
		size_t i;
		for (i = 0; i <= t; i++)
			strbuf_addf(&conv, "### User:\n%s\n\n### Assistant A:\n%s\n\n", q->turns[i], st->answers[i]);
		values[0] = conv.buf;
		template_render(&st->prompt, d->multi, names, values, 1);
		strbuf_addstr(&st->system, d->multi_system);
		strbuf_release(&conv);
	}
	st->judge[0].role = "system";
	st->judge[0].content = st->system.buf;
	st->judge[1].role = "user";
	st->judge[1].content = st->prompt.buf;
}

static size_t count_words(const char *s)
{
	size_t n = 0;
	int in = 0;

	for (; s && *s; s++) {
		int sp = isspace((unsigned char)*s);
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

/*
 * Per sample: words (of the subject's answers, all turns); with a judge,
 * rating (the mean of the turns' ratings that could be read), rating/turnN
 * (each turn's) and judge_failure_rate (the share of verdicts that could
 * not be read). The stored response is the last turn's answer; the
 * transcript holds every request and answer of both roles.
 */
static int finish_sample(struct task_ctx *c, struct work *w, const struct chat_q *q, struct chat_state *st,
			 const char *status, const char *error)
{
	struct general_sample s = { 0 };
	struct strbuf tr = STRBUF_INIT;
	char **names = NULL;
	size_t i, words = 0, n_names = 0;
	double sum = 0;
	int ret;

	codec_put_transcript(&tr, st->rows, st->n_rows);
	s.sample_id = q->id;
	s.request = st->last_request ? st->last_request : w->request;
	s.response = st->turn ? st->answers[st->turn - 1] : NULL;
	s.transcript = tr.buf;
	s.status = status;
	s.error = error;
	s.latency_ms = st->latency;
	s.tokens_in = st->tokens_in;
	s.tokens_out = st->tokens_out;
	if (!strcmp(status, "ok")) {
		for (i = 0; i < st->turn; i++)
			words += count_words(st->answers[i]);
		general_metric(&s, "words", (double)words);
		if (c->ad[ROLE_JUDGE]) {
			names = xcalloc(q->n_turns + 1, sizeof(*names));
			for (i = 0; i < st->n_ratings; i++)
				if (st->ratings[i] >= 0) {
					sum += st->ratings[i];
					n_names++;
				}
			if (n_names)
				general_metric(&s, "rating", sum / (double)n_names);
			n_names = 0;
			for (i = 0; i < st->n_ratings && q->n_turns > 1; i++)
				if (st->ratings[i] >= 0) {
					names[n_names] = xstrfmt("rating/turn%zu", i + 1);
					general_metric(&s, names[n_names++], st->ratings[i]);
				}
			general_metric(&s, "judge_failure_rate", (double)st->failures / (double)q->n_turns);
		}
	}
	ret = general_store(c, &s);
	for (i = 0; i < n_names; i++)
		free(names[i]);
	free(names);
	strbuf_release(&tr);
	return ret;
}

static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	const struct chat_data *d = c->t->priv;
	struct chat_run *r = c->priv;
	const struct chat_q *q = &d->q[r->order[w->index]];
	struct chat_state *st = w->state;
	struct strbuf sb = STRBUF_INIT;
	int ret;

	if (!a) {
		if (already_done(c->plan, c->t->name, q->id)) {
			progress_step(c->prog);
			return STEP_DONE;
		}
		st = w->state = xcalloc(1, sizeof(*st));
		st->answers = xcalloc(q->n_turns, sizeof(*st->answers));
		st->msgs = xcalloc(2 * q->n_turns, sizeof(*st->msgs));
		st->ratings = xcalloc(q->n_turns, sizeof(*st->ratings));
		strbuf_init(&st->prompt, 0);
		strbuf_init(&st->system, 0);
	} else {
		if (!from_cache) {
			/* one unknown count (-1) makes the sample's sum unknown */
			st->tokens_in = st->tokens_in < 0 || a->tokens_in < 0 ? -1 : st->tokens_in + a->tokens_in;
			st->tokens_out = st->tokens_out < 0 || a->tokens_out < 0 ? -1 : st->tokens_out + a->tokens_out;
		}
		st->latency += a->latency_ms;
		if (w->role == ROLE_SUBJECT) {
			if (a->status != LLM_OK || !a->content) {
				struct general_sample s = { 0 };
				char *err = NULL;
				/* the subject failed: the sample is an error, the judge is not asked */
				general_from_answer(&s, a, from_cache, &err);
				add_row(st, "subject", st->turn + 1, w->request, NULL, NAN);
				ret = finish_sample(c, w, q, st, "error", s.error);
				free(err);
				state_free(st, q->n_turns);
				w->state = NULL;
				return ret < 0 ? -1 : STEP_DONE;
			}
			add_row(st, "subject", st->turn + 1, w->request, a->content, NAN);
			free(st->last_request);
			st->last_request = xstrdup(w->request);
			st->answers[st->turn++] = xstrdup(a->content);
		} else {
			double v = a->status == LLM_OK ? chatbot_read_rating(a->content) : -1;
			add_row(st, "judge", st->judged + 1, w->request, a->content ? a->content : a->error, v < 0 ? NAN : v);
			st->ratings[st->n_ratings++] = v;
			st->failures += v < 0;
			st->judged++;
		}
	}
	if (st->turn < q->n_turns) {
		/* the next turn, after the subject's own earlier answers */
		size_t i, m = 0;
		for (i = 0; i <= st->turn; i++) {
			st->msgs[m].role = "user";
			st->msgs[m++].content = q->turns[i];
			if (i < st->turn) {
				st->msgs[m].role = "assistant";
				st->msgs[m++].content = st->answers[i];
			}
		}
		general_messages_json(&sb, st->msgs, m);
		w->role = ROLE_SUBJECT;
		req->messages = st->msgs;
		req->n_messages = m;
	} else if (c->ad[ROLE_JUDGE] && st->judged < q->n_turns) {
		judge_prompt(d, q, st, st->judged);
		general_messages_json(&sb, st->judge, 2);
		w->role = ROLE_JUDGE;
		req->messages = st->judge;
		req->n_messages = 2;
	} else {
		ret = finish_sample(c, w, q, st, "ok", NULL);
		state_free(st, q->n_turns);
		w->state = NULL;
		strbuf_release(&sb);
		return ret < 0 ? -1 : STEP_DONE;
	}
	free(w->request);
	w->request = strbuf_detach(&sb, NULL);
	req->kind = LLM_CHAT;
	return STEP_SEND;
}

const struct task_type task_chatbot = {
	.name = "chatbot",
	.summary = "open prompts, MT-Bench's multi-turn questions asked turn by turn; with a judge, "
		   "single-answer grading 1-10 (words, rating)",
	.flags = TASK_TEXT | TASK_OWN_DATA | TASK_PROSE,
	.keys = keys,
	.parse = parse,
	.release = release,
	.metric_names = metric_names,
	.start = start,
	.samples = samples,
	.work_count = work_count,
	.step = step,
	.stop = stop,
};
