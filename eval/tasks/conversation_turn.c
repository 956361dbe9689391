/* conversation_turn.c: the conversation task's reading of each turn (the simulator's leak check, the subject's items) and its per-sample figures. */
#include "eval/tasks/conversation.h"
#include "eval/store.h"

const char *const conv_subject_vars[] = { "history", "k", NULL };
const char *const conv_simulator_vars[] = { "history", "target", NULL };
const char *const conv_feedback_vars[] = { "response", "offered", NULL };
const char *const conv_retry_vars[] = { NULL };

int conv_is_target(const struct dataset *ds, uint32_t item, uint32_t target)
{
	const char *a, *b;

	if (item == target)
		return 1;
	if (item >= ds->n_items || target >= ds->n_items)
		return 0;
	a = ds->items[item].title;
	b = ds->items[target].title;
	return a && b && !strcmp(a, b);
}

/* Whether word[0..n) occurs in text as a whole word (not inside a longer one), byte for byte. */
static int has_word(const char *text, const char *word, size_t n)
{
	const char *p = text;

	if (!n)
		return 0;
	while ((p = strstr(p, word))) {
		int left = p == text || !isalnum((unsigned char)p[-1]);
		int right = !isalnum((unsigned char)p[n]);
		if (left && right)
			return 1;
		p++;
	}
	return 0;
}

int conv_names_target(const struct grounder *g, const struct dataset *ds, const char *text, uint32_t target)
{
	const char *title = target < ds->n_items ? ds->items[target].title : NULL;
	struct grounded *found = NULL;
	size_t n, i, len;
	char *nt, *nx;
	int hit = 0, year = 0;

	if (!text || target >= ds->n_items)
		return 0;
	if (!title)  /* an item without a title is shown by its id: named by it */
		return has_word(text, ds->items[target].id, strlen(ds->items[target].id));
	n = answer_read(&found, g, text, strlen(text), NULL, 0, 0);
	for (i = 0; i < n && !hit; i++)
		hit = found[i].item != UINT32_MAX && conv_is_target(ds, found[i].item, target);
	grounded_free(found, n);
	if (hit)
		return 1;
	nt = ground_normalize(title, strlen(title), &year);
	len = strlen(nt);
	if (len && strchr(nt, ' ')) {
		/* several words: whole words of the normalised text */
		struct strbuf a = STRBUF_INIT;
		nx = ground_normalize(text, strlen(text), NULL);
		strbuf_addf(&a, " %s ", nx);
		free(nx);
		nx = xstrfmt(" %s ", nt);
		hit = strstr(a.buf, nx) != NULL;
		free(nx);
		strbuf_release(&a);
	} else if (len >= 4) {
		/* one word: as the title writes it, capitals and all ("Fargo", "Heat") */
		size_t tl = strlen(title);
		const char *sp;
		while (tl && isspace((unsigned char)title[tl - 1]))
			tl--;
		if (year && tl >= 6 && title[tl - 1] == ')')
			tl -= 6;
		while (tl && isspace((unsigned char)title[tl - 1]))
			tl--;
		/* "Client, The": the word before the comma */
		sp = memchr(title, ',', tl);
		if (sp)
			tl = (size_t)(sp - title);
		nx = xstrfmt("%.*s", (int)tl, title);
		hit = has_word(text, nx, tl);
		free(nx);
	}
	free(nt);
	return hit;
}

static void grounding_add(struct dialogue *d, const struct dataset *ds, const struct grounded *g)
{
	struct grounding_row row;

	row.text = g->text;
	row.item = g->item == UINT32_MAX ? NULL : ds->items[g->item].id;
	row.how = ground_how_name(g->how);
	row.score = g->score;
	/* one array over the dialogue: each row written alone, the brackets dropped */
	{
		struct strbuf one = STRBUF_INIT;
		codec_put_groundings(&one, &row, 1);
		strbuf_addstr(&d->grounding, d->n_grounding ? "," : "");
		strbuf_add(&d->grounding, one.buf + 1, one.len - 2);
		strbuf_release(&one);
	}
	d->n_grounding++;
}

size_t conv_read_turn(struct dialogue *d, const struct grounder *g, const struct dataset *ds, const char *text,
		      size_t k, uint32_t target, char **read)
{
	struct grounded *found = NULL;
	struct strbuf r = STRBUF_INIT;
	size_t n = answer_read(&found, g, text, strlen(text), NULL, 0, 0);
	size_t i, j, first = d->n_offered, earlier = first, bad = 0, again = 0, offered;
	int success = 0;

	for (i = 0; i < n; i++) {
		uint32_t it = found[i].item;
		int dup = 0, seen = 0;
		grounding_add(d, ds, &found[i]);
		d->extracted++;
		if (it == UINT32_MAX) {
			bad++;
			continue;
		}
		for (j = first; j < d->n_offered; j++)
			dup |= d->offered[j] == it;
		/* named twice in one turn, or past the k a turn may offer: not offered again */
		if (dup || d->n_offered - first >= k)
			continue;
		for (j = 0; j < earlier; j++)
			seen |= d->offered[j] == it;
		again += seen;
		success |= conv_is_target(ds, it, target);
		ALLOC_GROW(d->offered, d->n_offered + 1, d->alloc_offered);
		d->offered[d->n_offered++] = it;
	}
	grounded_free(found, n);
	d->hallucinated += bad;
	d->repeated += again;
	offered = d->n_offered - first;
	d->turn_end[d->turn - 1] = d->n_offered;
	if (success && !d->success)
		d->success = d->turn;
	strbuf_addstr(&r, "{\"items\":");
	codec_put_items(&r, ds, d->offered + first, offered);
	strbuf_addf(&r, ",\"extracted\":%zu,\"hallucinated\":%zu,\"repeated\":%zu,\"success\":%s}", n, bad, again,
		    success ? "true" : "false");
	*read = strbuf_detach(&r, NULL);
	return offered;
}

/*
 * Per sample, for a dialogue that ended (ok):
 *   success@t            1 when the target was among the subject's items by turn t (t = 1..max_turns)
 *   turns                the turn it came, max_turns + 1 when it never did
 *   hallucination_rate   items named that ground to nothing / items named, over every subject turn
 *   repeat_rate          items offered that had been offered (and so refused) at an earlier turn / items offered
 *   leak_rate            simulator answers that named the target / simulator answers (retries included)
 *   invalid_rate         0 (1 for a dialogue given up after the simulator leaked on every retry)
 * An invalid dialogue stores leak_rate and invalid_rate alone (the
 * subject is not scored on a dialogue the simulator spoiled); an error
 * stores error_rate alone. Built-in models have no simulator: no
 * leak_rate, no invalid_rate.
 */
int conv_store(struct task_ctx *c, struct work *w, struct dialogue *d, const char *status, const char *error)
{
	const struct run_plan *plan = c->plan;
	const struct dataset *ds = plan->ds;
	const struct conv_spec *cs = c->t->priv;
	uint32_t u = w->user, target = plan->sp->target[u];
	struct sample_record rec = { 0 };
	struct strbuf hist = STRBUF_INIT, ranking = STRBUF_INIT, tr = STRBUF_INIT, gr = STRBUF_INIT;
	const char **names = xcalloc(cs->max_turns + 8, sizeof(*names));
	double *values = xcalloc(cs->max_turns + 8, sizeof(*values));
	char **owned = xcalloc(cs->max_turns + 1, sizeof(*owned));
	size_t n_h, n = 0, t;
	const uint32_t *h = sample_history(plan, u, &n_h);
	int llm = c->ad[ROLE_SUBJECT]->submit != NULL, ok = !strcmp(status, "ok"), ret;
	const char *last = NULL;

	for (t = 0; t < cs->max_turns; t++)
		if (d->subj && d->subj[t])
			last = d->subj[t];
	codec_put_items(&hist, ds, h, n_h);
	{
		/* the ranking: every item offered, in the order first offered, each once (a repeat is not a new place) */
		uint32_t *distinct = xmalloc((d->n_offered + 1) * sizeof(*distinct));
		size_t n_distinct = 0, i, j;
		for (i = 0; ok && i < d->n_offered; i++) {
			for (j = 0; j < n_distinct && distinct[j] != d->offered[i]; j++)
				;
			if (j == n_distinct)
				distinct[n_distinct++] = d->offered[i];
		}
		codec_put_items(&ranking, ds, distinct, n_distinct);
		free(distinct);
	}
	codec_put_transcript(&tr, d->rows, d->n_rows);
	strbuf_addch(&gr, '[');
	strbuf_add(&gr, d->grounding.buf, d->grounding.len);
	strbuf_addch(&gr, ']');
	rec.task = c->t->name;
	rec.sample_id = ds->user_ids[u];
	rec.user = ds->user_ids[u];
	rec.target = ds->items[target].id;
	rec.history = hist.buf;
	rec.ranking = ranking.buf;
	rec.transcript = tr.buf;
	rec.grounding = llm ? gr.buf : NULL;
	rec.request = d->n_rows ? d->rows[d->n_rows - 1].request : NULL;
	rec.response = last;
	rec.status = status;
	rec.error = error;
	rec.latency_ms = d->latency_ms;
	rec.tokens_in = d->tokens_in;
	rec.tokens_out = d->tokens_out;
	if (!strcmp(status, "error")) {
		c->errors++;
	} else if (!strcmp(status, "invalid")) {
		names[n] = "leak_rate";
		values[n++] = d->sim_answers ? (double)d->leaks / (double)d->sim_answers : 0;
		names[n] = "invalid_rate";
		values[n++] = 1;
	} else {
		for (t = 1; t <= cs->max_turns; t++) {
			owned[t - 1] = xstrfmt("success@%zu", t);
			names[n] = owned[t - 1];
			values[n++] = d->success && d->success <= t;
		}
		names[n] = "turns";
		values[n++] = (double)(d->success ? d->success : cs->max_turns + 1);
		names[n] = "hallucination_rate";
		values[n++] = d->extracted ? (double)d->hallucinated / (double)d->extracted : 0;
		names[n] = "repeat_rate";
		values[n++] = d->n_offered ? (double)d->repeated / (double)d->n_offered : 0;
		if (llm) {
			names[n] = "leak_rate";
			values[n++] = d->sim_answers ? (double)d->leaks / (double)d->sim_answers : 0;
			names[n] = "invalid_rate";
			values[n++] = 0;
		}
	}
	if (llm) {
		names[n] = "error_rate";
		values[n++] = !strcmp(status, "error");
	}
	rec.metric_names = names;
	rec.metric_values = values;
	rec.n_metrics = n;
	/* through the run loop: built-in models store from several threads (run_par.c) */
	ret = task_put_sample(c, &rec);
	for (t = 0; t < cs->max_turns; t++)
		free(owned[t]);
	free(owned);
	free(names);
	free(values);
	strbuf_release(&hist);
	strbuf_release(&ranking);
	strbuf_release(&tr);
	strbuf_release(&gr);
	return ret;
}
