/* drive.c: the run loop for language models: a task's work items advanced by its step(), many requests in flight, answers matched by id, cached. */
#include <cJSON.h>
#include "eval/run_internal.h"
#include "eval/drive.h"
#include "eval/store.h"
#include "eval/run_errors.h"
#include "lib/sha256.h"

/*
 * The driver keeps up to twice --concurrency work items in flight, answers
 * each request from the cache when it can, and hands every answer to the
 * task's step(), found by request id, never by position. A work item may
 * make several requests, one after another, to the models of several roles.
 * On SIGINT nothing new is sent and the answers in flight are awaited for a
 * bounded time; what has not come back is not stored, so --resume asks it
 * again. After a fatal answer (a wrong key) nothing more is sent.
 */

static void cache_key(char out[65], const char *identity, const char *request)
{
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, identity, strlen(identity));
	sha256_update(&c, "\n", 1);
	sha256_update(&c, request, strlen(request));
	sha256_hex(&c, out);
}

/* Embeddings as the cache keeps them: a JSON array of arrays. */
static char *embeddings_json(const struct llm_answer *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	strbuf_addch(&sb, '[');
	for (i = 0; i < a->n_embeddings; i++) {
		strbuf_addstr(&sb, i ? ",[" : "[");
		for (j = 0; j < a->dim; j++)
			strbuf_addf(&sb, "%s%.9g", j ? "," : "", a->embeddings[i * a->dim + j]);
		strbuf_addch(&sb, ']');
	}
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb, NULL);
}

/* A cached answer back into an llm_answer; 0, or -1 when the cache holds something unreadable. */
static int cached_answer(struct llm_answer *a, enum llm_kind kind, char *text)
{
	cJSON *m, *row, *x;
	size_t i = 0, j;

	memset(a, 0, sizeof(*a));
	a->status = LLM_OK;
	if (kind == LLM_CHAT) {
		a->content = text;
		return 0;
	}
	m = cJSON_Parse(text);
	free(text);
	if (!cJSON_IsArray(m) || !cJSON_GetArraySize(m) || !cJSON_IsArray(cJSON_GetArrayItem(m, 0))) {
		cJSON_Delete(m);
		return -1;
	}
	a->n_embeddings = (size_t)cJSON_GetArraySize(m);
	a->dim = (size_t)cJSON_GetArraySize(cJSON_GetArrayItem(m, 0));
	a->embeddings = xcalloc(a->n_embeddings * a->dim + 1, sizeof(*a->embeddings));
	cJSON_ArrayForEach(row, m) {
		j = 0;
		if ((size_t)cJSON_GetArraySize(row) != a->dim) {
			cJSON_Delete(m);
			llm_answer_release(a);
			return -1;
		}
		cJSON_ArrayForEach(x, row)
			a->embeddings[i * a->dim + j++] = cJSON_IsNumber(x) ? x->valuedouble : 0;
		i++;
	}
	cJSON_Delete(m);
	return 0;
}

struct driver {
	struct task_ctx *c;
	unsigned phase;
	char *identity[ROLE__COUNT];
	size_t active[ROLE__COUNT];     /* requests in flight per role */
	int next_role;                  /* the role poll_any() asks first */
	int stop;
	int early;                      /* stopped by the error watch: nothing to drain */
	int budget;                     /* stopped by --max-cost: the answers in flight are awaited and stored */
};

/*
 * Advance w with answer a (NULL: start it) until it sends a request that
 * is not in the cache, or is done. Returns 1 when a request is in flight,
 * 0 when the work item is done, or an exit code (negative: EXIT_STORE).
 */
static int advance(struct driver *d, struct work *w, const struct llm_answer *first, int first_cached,
		   uint64_t *next_id)
{
	struct task_ctx *c = d->c;
	const struct llm_answer *a = first;
	struct llm_answer held;
	int from_cache = first_cached, have_held = 0;

	for (;;) {
		struct llm_request req = { 0 };
		char *cached = NULL;
		int rc = c->t->type->step(c, w, a, from_cache, &req), hit;

		if (have_held) {
			llm_answer_release(&held);
			have_held = 0;
		}
		if (rc < 0)
			return -EXIT_STORE;
		if (rc == STEP_DONE)
			return 0;
		cache_key(w->key, d->identity[w->role], w->request);
		hit = c->plan->no_cache ? 0 : store_cache_get(c->store, w->key, &cached);
		if (hit < 0)
			return -EXIT_STORE;
		if (hit && cached_answer(&held, req.kind, cached) == 0) {
			/* a hit sends nothing */
			have_held = 1;
			a = &held;
			from_cache = 1;
			continue;
		}
		/* an unreadable cache entry is asked again */
		req.id = w->id = (*next_id)++;
		if (c->ad[w->role]->submit(c->model[w->role], &req) < 0) {
			held = (struct llm_answer){ 0 };
			held.status = LLM_ERROR;
			held.error = xstrdup("the request could not be sent");
			w->id = 0;
			have_held = 1;
			a = &held;
			from_cache = 1;
			continue;
		}
		d->active[w->role]++;
		return 1;
	}
}

/* Requests of every role whose transfer is under way (not queued, not waiting to retry). */
static size_t in_flight(const struct driver *d)
{
	const struct task_ctx *c = d->c;
	size_t n = 0;
	int r;

	for (r = 0; r < ROLE__COUNT; r++)
		if (c->ad[r] && d->active[r])
			n += c->ad[r]->in_flight ? c->ad[r]->in_flight(c->model[r]) : c->ad[r]->pending(c->model[r]);
	return n;
}

/*
 * Which role's model answered: the one with requests in flight whose poll
 * gave an answer. Every busy role is asked first without waiting (one
 * role's answers must never wait out another's timeout: a dialogue
 * alternates between them), starting from the role after the last one
 * that answered; only when none has an answer does it wait, on one role,
 * briefly when several are busy.
 */
static int poll_any(struct driver *d, struct llm_answer *a, enum task_role *role)
{
	struct task_ctx *c = d->c;
	int n_busy = 0, i, r, rc;

	for (r = 0; r < ROLE__COUNT; r++)
		n_busy += d->active[r] > 0;
	for (i = 0; i < ROLE__COUNT; i++) {
		r = (d->next_role + i) % ROLE__COUNT;
		if (!d->active[r] || !(rc = c->ad[r]->poll(c->model[r], a, n_busy > 1 ? 0 : 200)))
			continue;
		*role = (enum task_role)r;
		d->next_role = (r + 1) % ROLE__COUNT;
		return rc;
	}
	if (n_busy < 2)
		return 0;
	/* nothing yet: wait a little on the next busy role (its transfers and timers go on meanwhile) */
	for (i = 0; i < ROLE__COUNT; i++) {
		r = (d->next_role + i) % ROLE__COUNT;
		if (!d->active[r])
			continue;
		d->next_role = (r + 1) % ROLE__COUNT;
		if ((rc = c->ad[r]->poll(c->model[r], a, 2)))
			*role = (enum task_role)r;
		return rc;
	}
	return 0;
}

static int drive_phase(struct driver *d, size_t n_work, size_t cand_cap)
{
	struct task_ctx *c = d->c;
	const struct run_plan *plan = c->plan;
	/* the subject's, or, when a command drives another role alone (receval judge), that role's */
	int lead = ROLE_SUBJECT;
	size_t cap;

	while (!c->ad[lead] && lead + 1 < ROLE__COUNT)
		lead++;
	cap = c->ad[lead]->capacity ? c->ad[lead]->capacity(c->model[lead]) : plan->limits.concurrency;
	/* twice what the subject can have in flight (a pool of replicas: all of them) */
	size_t n_slots = cap > plan->limits.concurrency ? cap * 2 : plan->limits.concurrency ? plan->limits.concurrency * 2 : 2;
	size_t i, next = 0, active = 0;
	struct work *slots = xcalloc(n_slots, sizeof(*slots));
	uint64_t next_id = 1;
	double drain_until = 0;
	int ret = EXIT_OK, r;

	for (i = 0; i < n_slots; i++)
		slots[i].cand = xmalloc((cand_cap ? cand_cap : 1) * sizeof(*slots[i].cand));
	while (ret == EXIT_OK && (active || (!d->stop && next < n_work))) {
		while (!d->stop && !run_was_interrupted() && active < n_slots && next < n_work && ret == EXIT_OK) {
			struct work *w = NULL;
			int rc;

			/* --max-cost: nothing more is sent once the next request could pass it */
			if (c->watch && errwatch_over_budget(c->watch, d->active[ROLE_SUBJECT])) {
				d->stop = d->budget = 1;
				break;
			}

			for (i = 0; i < n_slots && !w; i++)
				if (!slots[i].id)
					w = &slots[i];
			w->phase = d->phase;
			w->index = next++;
			rc = advance(d, w, NULL, 0, &next_id);
			if (rc < 0)
				ret = -rc;
			else if (rc)
				active++;
		}
		if (run_was_interrupted() && !d->stop) {
			size_t busy = in_flight(d);
			d->stop = 1;
			drain_until = now_ms() + 10000;
			/* only transfers under way are waited for: a request waiting to retry is asked again by --resume */
			if (!plan->quiet && busy)
				fprintf(stderr, "\nreceval: interrupted: waiting up to 10 s for %zu answer(s) in flight\n",
					busy);
		}
		if (d->stop && drain_until && (now_ms() > drain_until || !in_flight(d)))
			break;
		if (!active || ret != EXIT_OK)
			continue;
		{
			struct llm_answer a;
			struct work *w = NULL;
			enum task_role role = ROLE_SUBJECT;
			int rc = poll_any(d, &a, &role);

			if (rc < 0) {
				ret = EXIT_MODEL;
				break;
			}
			if (!rc) {
				/* no answer for a while: what is stored is committed, not kept waiting in a batch */
				if (store_tick(c->store) < 0) {
					ret = EXIT_STORE;
					break;
				}
				continue;
			}
			for (i = 0; i < n_slots && !w; i++)
				if (slots[i].id && slots[i].id == a.id && slots[i].role == role)
					w = &slots[i];
			if (!w) {
				warning("an answer with an unknown request id %llu was ignored", (unsigned long long)a.id);
				llm_answer_release(&a);
				continue;
			}
			d->active[role]--;
			w->id = 0;
			/* what poll() hands over was sent (cached answers never reach it): it cost money */
			if (c->watch && role == ROLE_SUBJECT)
				errwatch_charge(c->watch, &a);
			if (c->watch && errwatch_answer(c->watch, &a)) {
				/* the server cannot be reached: stored as nothing, so --resume asks again */
				d->stop = d->early = 1;
				ret = EXIT_MODEL;
				active--;
				llm_answer_release(&a);
				continue;
			}
			if (a.status == LLM_FATAL) {
				/* stored as nothing: once the cause is fixed, --resume asks again */
				if (!d->stop) {
					progress_break();
					error("%s: %s", role == ROLE_SUBJECT ? plan->model_text : task_role_name(role),
					      a.error ? a.error : "the model refuses every request");
					if (c->watch)
						errwatch_stop(c->watch, a.error ? a.error : "the model refuses every request");
				}
				d->stop = 1;
				ret = EXIT_MODEL;
				active--;
				llm_answer_release(&a);
				continue;
			}
			if (a.status == LLM_OK) {
				/* errors are never cached */
				int chat = a.content != NULL;
				char *keep = chat ? xstrdup(a.content) : embeddings_json(&a);
				if ((chat || a.n_embeddings) && store_cache_put(c->store, w->key, keep) < 0)
					ret = EXIT_STORE;
				free(keep);
			}
			rc = ret == EXIT_OK ? advance(d, w, &a, 0, &next_id) : 0;
			llm_answer_release(&a);
			if (rc < 0)
				ret = -rc;
			if (rc <= 0)
				active--;
		}
	}
	/* a run stopped by its budget is not whole: like an early stop, --resume (with more budget) goes on */
	if (ret == EXIT_OK && d->budget)
		ret = EXIT_MODEL;
	if (ret == EXIT_MODEL && !d->early && !d->budget) {
		/* every queued request fails fast after a fatal answer: drain them */
		struct llm_answer a;
		double until = now_ms() + 5000;
		for (r = 0; r < ROLE__COUNT; r++)
			while (c->ad[r] && c->ad[r]->pending(c->model[r]) && now_ms() < until)
				if (c->ad[r]->poll(c->model[r], &a, 100) == 1)
					llm_answer_release(&a);
	}
	for (i = 0; i < n_slots; i++) {
		free(slots[i].cand);
		free(slots[i].request);
	}
	free(slots);
	return ret;
}

int drive_task(struct task_ctx *c)
{
	const struct task_type *type = c->t->type;
	struct driver d;
	int ret = EXIT_OK, r;
	unsigned phase;

	memset(&d, 0, sizeof(d));
	d.c = c;
	for (r = 0; r < ROLE__COUNT; r++)
		if (c->ad[r])
			d.identity[r] = c->ad[r]->identity ? c->ad[r]->identity(c->model[r]) : xstrdup("");
	if (type->start)
		ret = type->start(c);
	for (phase = 0; phase < 2 && ret == EXIT_OK; phase++) {
		size_t n = type->work_count(c, phase);
		if (!n)
			continue;
		d.phase = phase;
		ret = drive_phase(&d, n, (type->flags & TASK_CANDIDATES) ? c->t->candidates : 0);
		if (ret == EXIT_OK && type->end_phase)
			ret = type->end_phase(c, phase);
	}
	if (type->stop)
		type->stop(c);
	for (r = 0; r < ROLE__COUNT; r++)
		free(d.identity[r]);
	return ret;
}
