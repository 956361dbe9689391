/* rec_chat.c: the recommendation types a chat model answers (retrieval, ranking, mc): the prompt, then the answer read, grounded and scored. */
#include "eval/tasks/rec.h"
#include "eval/prompt.h"
#include "eval/codec.h"
#include "eval/answer/ground.h"
#include "lib/strmap.h"
#include "lib/rng.h"

struct chat {
	struct grounder *grounder;
	struct prompt pr;
	struct llm_message msgs[2];
	struct strbuf text;
};

int rec_chat_start(struct task_ctx *c)
{
	struct chat *ch = xcalloc(1, sizeof(*ch));

	ch->grounder = grounder_new(c->plan->ds, c->t->fuzzy > 0 ? c->t->fuzzy : GROUND_FUZZY_DEFAULT);
	prompt_init(&ch->pr);
	if (c->t->knowledge)
		ch->pr.kn = knowledge_new(c->plan->ds, c->plan->sp, c->t->knowledge, c->t->knowledge_k);
	strbuf_init(&ch->text, 0);
	c->priv = ch;
	return EXIT_OK;
}

void rec_chat_stop(struct task_ctx *c)
{
	struct chat *ch = c->priv;

	if (!ch)
		return;
	grounder_free(ch->grounder);
	knowledge_free(ch->pr.kn);
	prompt_release(&ch->pr);
	strbuf_release(&ch->text);
	free(ch);
	c->priv = NULL;
}

static int prepare(struct task_ctx *c, struct work *w, struct llm_request *req)
{
	const struct run_plan *plan = c->plan;
	struct chat *ch = c->priv;
	const uint32_t *h;
	size_t n_h;
	const char *uid;

	if (!rec_start_sample(c, w, &h, &n_h))
		return STEP_DONE;
	uid = plan->ds->user_ids[w->user];
	prompt_render(&ch->pr, c->t, plan->ds, h, n_h, w->cand, w->n_cand,
		      rng_mix(plan->seed, str_hash(uid, strlen(uid))));
	strbuf_reset(&ch->text);
	prompt_json(&ch->text, &ch->pr);
	free(w->request);
	w->request = xstrdup(ch->text.buf);
	w->role = ROLE_SUBJECT;
	ch->msgs[0].role = "system";
	ch->msgs[0].content = ch->pr.system.buf;
	ch->msgs[1].role = "user";
	ch->msgs[1].content = ch->pr.user.buf;
	req->kind = LLM_CHAT;
	/* an empty system template sends the user message alone */
	req->messages = ch->pr.system.len ? ch->msgs : ch->msgs + 1;
	req->n_messages = ch->pr.system.len ? 2 : 1;
	return STEP_SEND;
}

static void grounding_json(struct strbuf *out, const struct dataset *ds, const struct grounded *g, size_t n)
{
	struct grounding_row *rows = xcalloc(n + 1, sizeof(*rows));
	size_t i;

	for (i = 0; i < n; i++) {
		rows[i].text = g[i].text;
		rows[i].item = g[i].item == UINT32_MAX ? NULL : ds->items[g[i].item].id;
		rows[i].how = ground_how_name(g[i].how);
		rows[i].score = g[i].score;
	}
	codec_put_groundings(out, rows, n);
	free(rows);
}

/*
 * Validity of an answer (DESIGN.md's rates, per sample, 0..1):
 *   parse_failure_rate     1 when nothing could be read from it
 *   hallucination_rate     extracted items that ground to nothing / extracted
 *   out_of_candidate_rate  grounded items outside the candidates / extracted (ranking, mc)
 *   in_history_rate        grounded items from the user's history / extracted (retrieval)
 *   duplicate_rate         items named again / extracted
 *   full_list_rate         1 when the list has the requested length (k, or every candidate)
 * The ranked list is the grounded items in order, each once; for ranking the
 * candidates the answer left out follow in the order they were shown (which
 * was shuffled), so leaving items out gains nothing.
 */
static int answer(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache)
{
	const struct run_plan *plan = c->plan;
	const struct task_spec *t = c->t;
	struct chat *ch = c->priv;
	int has_cand = t->type->flags & TASK_CANDIDATES;
	size_t max_k = t->k[t->n_k - 1], cap = has_cand ? w->n_cand : max_k;
	uint32_t *list = xmalloc((cap + 1) * sizeof(*list));
	struct llm_outcome o = { 0 };
	struct grounded *g = NULL;
	struct strbuf gj = STRBUF_INIT;
	size_t n = 0, n_list = 0, i, j, bad = 0, outside = 0, history = 0, dup = 0;
	char *err = NULL;
	int rc;

	o.request = w->request;
	o.response = a->content;
	o.tokens_in = from_cache ? 0 : a->tokens_in;
	o.tokens_out = from_cache ? 0 : a->tokens_out;
	o.status = a->status == LLM_OK && a->content ? "ok" : "error";
	if (a->status == LLM_REFUSED)
		o.error = err = xstrfmt("refused by the content filter%s%s", a->error ? ": " : "",
					a->error ? a->error : "");
	else if (a->status != LLM_OK)
		o.error = a->error ? a->error : "the model could not answer";
	else if (!a->content)
		o.error = "the answer has no content";

	if (!strcmp(o.status, "ok") && (t->type->flags & TASK_LETTERED)) {
		int choice = answer_choice(ch->grounder, a->content, strlen(a->content), w->cand, w->n_cand);
		if (choice >= 0)
			list[n_list++] = w->cand[choice];
		rec_outcome_add(&o, "parse_failure_rate", choice < 0);
	} else if (!strcmp(o.status, "ok")) {
		n = answer_read(&g, ch->grounder, a->content, strlen(a->content), has_cand ? w->cand : NULL,
				has_cand ? w->n_cand : 0, 0);
		for (i = 0; i < n; i++) {
			int seen = 0;
			if (g[i].item == UINT32_MAX) {
				bad++;
				continue;
			}
			for (j = 0; j < n_list; j++)
				seen |= list[j] == g[i].item;
			if (seen) {
				dup++;
				continue;
			}
			if (has_cand && !g[i].in_candidates) {
				outside++;
				continue;
			}
			if (!has_cand && in_training(plan->sp, w->user, g[i].item))
				history++;
			if (n_list < cap)
				list[n_list++] = g[i].item;
		}
		rec_outcome_add(&o, "parse_failure_rate", n == 0);
		rec_outcome_add(&o, "hallucination_rate", n ? (double)bad / (double)n : 0);
		rec_outcome_add(&o, "duplicate_rate", n ? (double)dup / (double)n : 0);
		if (has_cand) {
			size_t answered = n_list;
			rec_outcome_add(&o, "out_of_candidate_rate", n ? (double)outside / (double)n : 0);
			rec_outcome_add(&o, "full_list_rate", answered == w->n_cand);
			for (i = 0; i < w->n_cand; i++) {
				int seen = 0;
				for (j = 0; j < answered; j++)
					seen |= list[j] == w->cand[i];
				if (!seen)
					list[n_list++] = w->cand[i];
			}
		} else {
			rec_outcome_add(&o, "in_history_rate", n ? (double)history / (double)n : 0);
			rec_outcome_add(&o, "full_list_rate", n_list >= max_k);
		}
		grounding_json(&gj, plan->ds, g, n);
		o.grounding = gj.buf;
	}
	rc = rec_store(c, w, list, n_list, a->latency_ms, &o);
	grounded_free(g, n);
	strbuf_release(&gj);
	free(err);
	free(list);
	return rc;
}

int rec_chat_step(struct task_ctx *c, struct work *w, const struct llm_answer *a, int from_cache,
		  struct llm_request *req)
{
	if (!a)
		return prepare(c, w, req);
	return answer(c, w, a, from_cache) < 0 ? -1 : STEP_DONE;
}
