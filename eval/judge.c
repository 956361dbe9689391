/* judge.c: pairs of answers judged in both orders through the run loop's driver and cache, verdicts read strictly. */
#include "eval/judge.h"
#include "eval/run_internal.h"
#include "eval/drive.h"
#include "eval/roles.h"
#include "eval/template.h"
#include "eval/answer/verdict.h"

/* What the judging shares while the driver runs. */
struct judging {
	struct judge_item *items;
	size_t n;
	int (*done)(struct judge_item *it, void *data);
	void *data;
	int failed;                      /* done() failed: stop */
	const char *tmpl[2][2];          /* [turns - 1][0 system, 1 user] */
	struct strbuf system, user;
	struct llm_message msgs[2];
};

static const char *const single_vars[] = { "question", "answer_a", "answer_b" };
static const char *const multi_vars[] = { "question_1", "question_2", "answer_a_1", "answer_a_2", "answer_b_1",
					  "answer_b_2" };

size_t judge_words(const char *t)
{
	size_t n = 0;
	int in = 0;

	for (; t && *t; t++) {
		int sp = isspace((unsigned char)*t);
		n += !sp && !in;
		in = !sp;
	}
	return n;
}

void judge_item_release(struct judge_item *it)
{
	int i;

	for (i = 0; i < 2; i++) {
		free(it->raw[i]);
		free(it->request[i]);
		it->raw[i] = it->request[i] = NULL;
	}
	free(it->error);
	it->error = NULL;
}

static void chomp(struct strbuf *sb)
{
	while (sb->len && sb->buf[sb->len - 1] == '\n')
		strbuf_setlen(sb, sb->len - 1);
}

/* The request for item it in order (0: x shown first, as A). */
static int prepare(struct task_ctx *c, struct work *w, struct judge_item *it, int order, struct llm_request *req)
{
	struct judging *jg = c->priv;
	const char *const *a = order ? it->y : it->x, *const *b = order ? it->x : it->y;
	const char *values[6];
	struct strbuf json = STRBUF_INIT;
	int multi = it->turns == 2;

	if (multi) {
		values[0] = it->question[0];
		values[1] = it->question[1];
		values[2] = a[0];
		values[3] = a[1];
		values[4] = b[0];
		values[5] = b[1];
	} else {
		values[0] = it->question[0];
		values[1] = a[0];
		values[2] = b[0];
	}
	strbuf_reset(&jg->system);
	strbuf_reset(&jg->user);
	template_render(&jg->system, jg->tmpl[multi][0], multi ? multi_vars : single_vars, values, multi ? 6 : 3);
	template_render(&jg->user, jg->tmpl[multi][1], multi ? multi_vars : single_vars, values, multi ? 6 : 3);
	chomp(&jg->system);
	chomp(&jg->user);
	strbuf_addstr(&json, "{\"messages\":[{\"role\":\"system\",\"content\":");
	strbuf_add_json(&json, jg->system.buf);
	strbuf_addstr(&json, "},{\"role\":\"user\",\"content\":");
	strbuf_add_json(&json, jg->user.buf);
	strbuf_addstr(&json, "}]}");
	free(w->request);
	w->request = strbuf_detach(&json, NULL);
	w->role = ROLE_JUDGE;
	jg->msgs[0].role = "system";
	jg->msgs[0].content = jg->system.buf;
	jg->msgs[1].role = "user";
	jg->msgs[1].content = jg->user.buf;
	req->kind = LLM_CHAT;
	req->messages = jg->msgs;
	req->n_messages = 2;
	return STEP_SEND;
}

/*
 * A work item is one order of one item (index 2i: x shown first, 2i + 1: y
 * shown first), so both orders are in flight at once; the item is done
 * when its second answer comes back.
 */
static int step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		struct llm_request *req)
{
	struct judging *jg = c->priv;
	struct judge_item *it = &jg->items[w->index / 2];
	int order = (int)(w->index % 2);

	if (jg->failed)
		return STEP_DONE;
	if (!a)
		return prepare(c, w, it, order, req);
	it->request[order] = xstrdup(w->request);
	it->cached[order] = from_cache;
	it->latency_ms[order] = from_cache ? 0 : a->latency_ms;
	if (!from_cache) {
		it->tokens_in += a->tokens_in;
		it->tokens_out += a->tokens_out;
	}
	if (a->status == LLM_REFUSED) {
		it->why[order] = "refused by the content filter";
	} else if (a->status != LLM_OK) {
		if (!it->error)
			it->error = xstrfmt("judge: %s", a->error ? a->error : "the model could not answer");
	} else if (!a->content) {
		it->why[order] = "the answer has no content";
	} else {
		enum verdict v;
		it->raw[order] = xstrdup(a->content);
		if (verdict_pairwise(&v, a->content, strlen(a->content), &it->why[order]) == 0) {
			if (order)
				it->j.first_yx = (int)v;
			else
				it->j.first_xy = (int)v;
		}
	}
	if (++it->answered < 2)
		return STEP_DONE;
	if (jg->done && jg->done(it, jg->data)) {
		jg->failed = 1;
		return -1;
	}
	progress_step(c->prog);
	return STEP_DONE;
}

static size_t work_count(struct task_ctx *c, unsigned phase)
{
	struct judging *jg = c->priv;
	return phase == 1 ? 2 * jg->n : 0;
}

static const struct task_type pair_type = {
	.name = "pairwise-judge",
	.summary = "two answers judged in both orders",
	.flags = TASK_TEXT,
	.work_count = work_count,
	.step = step,
};

int judge_items(struct store *s, struct judge_item *items, size_t n, const struct judge_opts *o,
		int (*done)(struct judge_item *it, void *data), void *data)
{
	struct train_data td = { NULL, NULL, 0, o->limits, 0 };
	struct run_plan plan;
	struct task_spec t;
	struct task_ctx c;
	struct progress prog;
	struct judging jg;
	size_t i;
	int ret;

	memset(&plan, 0, sizeof(plan));
	memset(&t, 0, sizeof(t));
	memset(&c, 0, sizeof(c));
	memset(&jg, 0, sizeof(jg));
	plan.limits = o->limits;
	plan.quiet = o->quiet;
	plan.no_cache = o->no_cache;
	plan.model_text = o->judge;
	t.name = "judge";
	t.type = &pair_type;
	jg.items = items;
	jg.n = n;
	jg.done = done;
	jg.data = data;
	jg.tmpl[0][0] = template_builtin("judge_pair_system.txt");
	jg.tmpl[0][1] = template_builtin("judge_pair.txt");
	jg.tmpl[1][0] = template_builtin("judge_pair_multi_system.txt");
	jg.tmpl[1][1] = template_builtin("judge_pair_multi.txt");
	strbuf_init(&jg.system, 0);
	strbuf_init(&jg.user, 0);
	c.plan = &plan;
	c.store = s;
	c.t = &t;
	c.prog = &prog;
	c.priv = &jg;
	if (role_open(&c.ad[ROLE_JUDGE], &c.model[ROLE_JUDGE], ROLE_JUDGE, o->judge, &td) < 0)
		return EXIT_USAGE;
	for (i = 0; i < n; i++) {
		items[i].j.first_xy = items[i].j.first_yx = -1;
		items[i].j.len_x = judge_words(items[i].x[items[i].turns - 1]);
		items[i].j.len_y = judge_words(items[i].y[items[i].turns - 1]);
		items[i].answered = 0;
	}
	/* one pass over every item: "task 1/1", never the 0/0 of a progress left unstarted */
	progress_start(&prog, o->judge, o->what ? o->what : "judge", 1, 1, n, o->quiet);
	ret = drive_task(&c);
	progress_end(&prog);
	c.ad[ROLE_JUDGE]->free(c.model[ROLE_JUDGE]);
	strbuf_release(&jg.system);
	strbuf_release(&jg.user);
	if (jg.failed)
		return EXIT_STORE;
	if (ret == EXIT_OK && run_was_interrupted())
		return 130;
	return ret;
}
