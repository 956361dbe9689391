/* run_par.c: built-in models evaluated on threads, their samples handed in work-item order to one writer that stores them in batches. */
#include <pthread.h>
#include "eval/run_internal.h"
#include "eval/store.h"
#include "lib/phase.h"

/*
 * Work items are dealt in chunks of PAR_CHUNK; a thread takes the next
 * chunk, evaluates it into a chunk buffer (its samples copied, strings in
 * one arena) and hands the buffer over. The writer (the thread that called
 * run_builtin_threads()) stores the chunks in order, so the database holds
 * the samples in the same order whatever the number of threads. A thread
 * may run at most PAR_WINDOW chunks per thread ahead of the writer, which
 * bounds the memory of finished chunks waiting for a slow one.
 */
#define PAR_CHUNK 64
#define PAR_WINDOW 4

/* A string field of a copied sample: offset + 1 into the chunk's arena, 0 for NULL. */
typedef size_t par_str;

struct par_rec {
	par_str task, sample_id, user, target, candidates, history, request, response, ranking,
		grounding, transcript, status, error;
	double latency_ms;
	long tokens_in, tokens_out;
	size_t metrics, n_metrics;  /* into the chunk's names[] and values[] */
};

struct par_chunk {
	struct strbuf arena;
	struct par_rec *rec;
	size_t n, alloc;
	par_str *names;       /* metric names, copied: a type may build them for the sample alone */
	double *values;
	size_t n_values, alloc_values;
	size_t skipped;       /* samples a resumed run already holds */
};

static par_str put_str(struct par_chunk *ch, const char *s)
{
	size_t at = ch->arena.len;

	if (!s)
		return 0;
	strbuf_add(&ch->arena, s, strlen(s) + 1);
	return at + 1;
}

static const char *get_str(const struct par_chunk *ch, par_str at)
{
	return at ? ch->arena.buf + at - 1 : NULL;
}

int task_put_sample(struct task_ctx *c, const struct sample_record *r)
{
	struct par_chunk *ch = c->sink;
	struct par_rec *p;
	size_t i;

	if (!ch) {
		if (store_put_sample(c->store, c->run_id, r) < 0)
			return -1;
		progress_step(c->prog);
		return 0;
	}
	ALLOC_GROW(ch->rec, ch->n + 1, ch->alloc);
	p = &ch->rec[ch->n++];
	p->task = put_str(ch, r->task);
	p->sample_id = put_str(ch, r->sample_id);
	p->user = put_str(ch, r->user);
	p->target = put_str(ch, r->target);
	p->candidates = put_str(ch, r->candidates);
	p->history = put_str(ch, r->history);
	p->request = put_str(ch, r->request);
	p->response = put_str(ch, r->response);
	p->ranking = put_str(ch, r->ranking);
	p->grounding = put_str(ch, r->grounding);
	p->transcript = put_str(ch, r->transcript);
	p->status = put_str(ch, r->status);
	p->error = put_str(ch, r->error);
	p->latency_ms = r->latency_ms;
	p->tokens_in = r->tokens_in;
	p->tokens_out = r->tokens_out;
	if (ch->n_values + r->n_metrics > ch->alloc_values) {
		ALLOC_GROW(ch->names, ch->n_values + r->n_metrics, ch->alloc_values);
		ch->values = xrealloc(ch->values, ch->alloc_values * sizeof(*ch->values));
	}
	p->metrics = ch->n_values;
	p->n_metrics = r->n_metrics;
	for (i = 0; i < r->n_metrics; i++) {
		ch->names[ch->n_values] = put_str(ch, r->metric_names[i]);
		ch->values[ch->n_values++] = r->metric_values[i];
	}
	return 0;
}

void task_skip_sample(struct task_ctx *c)
{
	if (c->sink)
		c->sink->skipped++;
	else
		progress_step(c->prog);
}

static void chunk_free(struct par_chunk *ch)
{
	if (!ch)
		return;
	strbuf_release(&ch->arena);
	free(ch->rec);
	free(ch->names);
	free(ch->values);
	free(ch);
}

/* Store a chunk's samples in order. 0, or -1 when the store fails. */
static int chunk_store(struct task_ctx *c, const struct par_chunk *ch)
{
	const char **names = xmalloc((ch->n_values + 1) * sizeof(*names));
	size_t i;
	int ret = 0;

	for (i = 0; i < ch->n_values; i++)
		names[i] = get_str(ch, ch->names[i]);

	for (i = 0; i < ch->skipped; i++)
		progress_step(c->prog);
	for (i = 0; i < ch->n; i++) {
		const struct par_rec *p = &ch->rec[i];
		struct sample_record r;

		memset(&r, 0, sizeof(r));
		r.task = get_str(ch, p->task);
		r.sample_id = get_str(ch, p->sample_id);
		r.user = get_str(ch, p->user);
		r.target = get_str(ch, p->target);
		r.candidates = get_str(ch, p->candidates);
		r.history = get_str(ch, p->history);
		r.request = get_str(ch, p->request);
		r.response = get_str(ch, p->response);
		r.ranking = get_str(ch, p->ranking);
		r.grounding = get_str(ch, p->grounding);
		r.transcript = get_str(ch, p->transcript);
		r.status = get_str(ch, p->status);
		r.error = get_str(ch, p->error);
		r.latency_ms = p->latency_ms;
		r.tokens_in = p->tokens_in;
		r.tokens_out = p->tokens_out;
		r.metric_names = names + p->metrics;
		r.metric_values = ch->values + p->metrics;
		r.n_metrics = p->n_metrics;
		if (store_put_sample(c->store, c->run_id, &r) < 0) {
			ret = -1;
			break;
		}
		progress_step(c->prog);
	}
	free(names);
	return ret;
}

struct par {
	struct task_ctx *c;
	size_t n_items, n_chunks;
	pthread_mutex_t lock;
	pthread_cond_t ready_cond;   /* the writer waits for a chunk or the end */
	pthread_cond_t window_cond;  /* workers wait for the writer to catch up */
	struct par_chunk **ready;    /* [n_chunks]: finished, not yet stored */
	size_t taken, next;          /* chunks taken by workers; the next chunk to store */
	size_t window;
	unsigned alive;              /* workers still running */
	int stop;                    /* the writer failed: take no more chunks */
	size_t errors;               /* samples the workers stored as errors */
};

struct worker {
	struct par *par;
	struct model *model;
	pthread_t th;
};

static void *worker_main(void *arg)
{
	struct worker *wk = arg;
	struct par *par = wk->par;
	const struct task_type *type = par->c->t->type;
	struct task_ctx c = *par->c;
	size_t cap = (type->flags & TASK_CANDIDATES) ? c.t->candidates : 1;
	struct work w;

	memset(&w, 0, sizeof(w));
	w.cand = xmalloc((cap ? cap : 1) * sizeof(*w.cand));
	w.phase = 1;
	c.model[ROLE_SUBJECT] = wk->model;
	c.errors = 0;
	for (;;) {
		struct par_chunk *ch;
		size_t ci, end;

		pthread_mutex_lock(&par->lock);
		while (!par->stop && !run_was_interrupted() && par->taken < par->n_chunks &&
		       par->taken >= par->next + par->window)
			pthread_cond_wait(&par->window_cond, &par->lock);
		if (par->stop || run_was_interrupted() || par->taken >= par->n_chunks) {
			pthread_mutex_unlock(&par->lock);
			break;
		}
		ci = par->taken++;
		pthread_mutex_unlock(&par->lock);

		ch = xcalloc(1, sizeof(*ch));
		strbuf_init(&ch->arena, 0);
		c.sink = ch;
		end = (ci + 1) * PAR_CHUNK < par->n_items ? (ci + 1) * PAR_CHUNK : par->n_items;
		for (w.index = ci * PAR_CHUNK; w.index < end; w.index++)
			type->builtin(&c, &w);  /* with a sink, nothing in it touches the store */

		pthread_mutex_lock(&par->lock);
		par->ready[ci] = ch;
		pthread_cond_signal(&par->ready_cond);
		pthread_mutex_unlock(&par->lock);
	}
	pthread_mutex_lock(&par->lock);
	par->alive--;
	par->errors += c.errors;
	pthread_cond_signal(&par->ready_cond);
	pthread_mutex_unlock(&par->lock);
	free(w.cand);
	free(w.request);
	return NULL;
}

int run_builtin_threads(struct task_ctx *c)
{
	const struct adapter *ad = c->ad[ROLE_SUBJECT];
	struct par par;
	struct worker *wk;
	unsigned n_threads = c->plan->threads ? c->plan->threads : 1, t, started = 0;
	int ret = EXIT_OK, evaluated = 0;
	size_t i;

	memset(&par, 0, sizeof(par));
	par.c = c;
	par.n_items = c->t->type->work_count(c, 1);
	par.n_chunks = (par.n_items + PAR_CHUNK - 1) / PAR_CHUNK;
	if (n_threads > par.n_chunks)
		n_threads = par.n_chunks ? (unsigned)par.n_chunks : 1;
	par.window = (size_t)n_threads * PAR_WINDOW;
	par.ready = xcalloc(par.n_chunks + 1, sizeof(*par.ready));
	pthread_mutex_init(&par.lock, NULL);
	pthread_cond_init(&par.ready_cond, NULL);
	pthread_cond_init(&par.window_cond, NULL);

	wk = xcalloc(n_threads, sizeof(*wk));
	for (t = 0; t < n_threads; t++) {
		wk[t].par = &par;
		wk[t].model = ad->clone(c->model[ROLE_SUBJECT]);
	}
	par.alive = n_threads;
	for (t = 0; t < n_threads; t++) {
		if (pthread_create(&wk[t].th, NULL, worker_main, &wk[t]))
			break;
		started++;
	}
	if (!started) {
		/* no thread to be had: evaluate everything here first, then store it */
		par.window = par.n_chunks;
		worker_main(&wk[0]);
	}
	pthread_mutex_lock(&par.lock);
	par.alive -= n_threads - started - !started;
	for (;;) {
		struct par_chunk *ch;

		while (!par.ready[par.next] && par.alive)
			pthread_cond_wait(&par.ready_cond, &par.lock);
		if (!par.alive && !evaluated) {
			/* every sample is computed: what is left is storing them */
			phase_end("evaluate");
			evaluated = 1;
		}
		if (!par.ready[par.next])
			break;  /* every worker is gone and this chunk was never taken */
		ch = par.ready[par.next];
		par.ready[par.next++] = NULL;
		pthread_cond_broadcast(&par.window_cond);
		pthread_mutex_unlock(&par.lock);
		if (ret == EXIT_OK && chunk_store(c, ch) < 0) {
			ret = EXIT_STORE;
			pthread_mutex_lock(&par.lock);
			par.stop = 1;
			pthread_cond_broadcast(&par.window_cond);
			pthread_mutex_unlock(&par.lock);
		}
		chunk_free(ch);
		pthread_mutex_lock(&par.lock);
	}
	pthread_mutex_unlock(&par.lock);
	for (t = 0; t < started; t++)
		pthread_join(wk[t].th, NULL);
	c->errors += par.errors;
	for (i = par.next; i < par.n_chunks; i++)
		chunk_free(par.ready[i]);
	for (t = 0; t < n_threads; t++)
		ad->free(wk[t].model);
	free(wk);
	free(par.ready);
	pthread_mutex_destroy(&par.lock);
	pthread_cond_destroy(&par.ready_cond);
	pthread_cond_destroy(&par.window_cond);
	return ret;
}
