/* store_aggregate.c: a run's per-sample metrics into means with bootstrap intervals, read in one index pass and computed on threads. */
#include <pthread.h>
#include "eval/store_internal.h"
#include "lib/rng.h"
#include "lib/strmap.h"
#include "lib/strbuf.h"
#include "metrics/stats.h"

#define BOOTSTRAP_RESAMPLES 1000

/* One (task, metric) of the run: its values in sample_id order, and what aggregating gives. */
struct agg_group {
	char *task, *metric;
	char *key;        /* "task\nmetric", the index's key */
	double *v;
	size_t n, alloc;
	double mean, lo, hi;
};

struct agg_job {
	struct agg_group **g;
	size_t n;
	size_t next;      /* the next group to compute (atomic) */
	uint64_t seed;
};

/* The mean and interval of each group: groups are independent, so threads take them in turn. */
static void *agg_worker(void *arg)
{
	struct agg_job *job = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&job->next, 1, __ATOMIC_RELAXED)) < job->n) {
		struct agg_group *g = job->g[i];
		const char *t = g->task, *m = g->metric;
		uint64_t h = rng_mix(str_hash(t, strlen(t)), str_hash(m, strlen(m)));

		g->mean = stats_mean(g->v, g->n);
		stats_bootstrap_mean_ci(&g->lo, &g->hi, g->v, g->n, BOOTSTRAP_RESAMPLES, 0.95, rng_mix(job->seed, h));
	}
	return NULL;
}

static int cmp_group(const void *a, const void *b)
{
	const struct agg_group *x = *(const struct agg_group *const *)a, *y = *(const struct agg_group *const *)b;
	int c = strcmp(x->task, y->task);

	return c ? c : strcmp(x->metric, y->metric);
}

/* Compute every group on up to as many threads as there are cores. */
static void compute(struct agg_group **g, size_t n, uint64_t seed)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n_threads = cores < 1 ? 1 : (size_t)cores, t, started = 0;
	pthread_t th[64];
	struct agg_job job = { g, n, 0, seed };

	if (n_threads > ARRAY_SIZE(th))
		n_threads = ARRAY_SIZE(th);
	if (n_threads > n)
		n_threads = n;
	for (t = 1; t < n_threads; t++)
		if (!pthread_create(&th[started], NULL, agg_worker, &job))
			started++;
	agg_worker(&job);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
}

int store_aggregate(struct store *s, int64_t run, uint64_t seed)
{
	sqlite3_stmt *st = NULL;
	struct strmap index = STRMAP_INIT;
	struct agg_group **g = NULL;
	struct strbuf key = STRBUF_INIT;
	size_t n = 0, alloc = 0, i;
	int rc, ret = -1;

	if (store_flush(s) < 0)
		return -1;
	/*
	 * The primary key's order (task, sample_id, metric) needs no sort, and
	 * gives each (task, metric) its values in sample_id order: the same
	 * sequence on every run, however the samples were stored.
	 */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT task, metric, value FROM sample_metrics WHERE run_id = ?"
			       " ORDER BY task, sample_id, metric", -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot read the run's metrics");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		const char *m = (const char *)sqlite3_column_text(st, 1);
		struct agg_group *gr;
		uint32_t at;

		strbuf_reset(&key);
		strbuf_addf(&key, "%s\n%s", t, m);
		if (strmap_get(&index, key.buf, key.len, &at) < 0) {
			ALLOC_GROW(g, n + 1, alloc);
			gr = g[n] = xcalloc(1, sizeof(*gr));
			gr->task = xstrdup(t);
			gr->metric = xstrdup(m);
			gr->key = xstrdup(key.buf);
			strmap_put(&index, gr->key, key.len, (uint32_t)n, NULL);
			at = (uint32_t)n++;
		}
		gr = g[at];
		ALLOC_GROW(gr->v, gr->n + 1, gr->alloc);
		gr->v[gr->n++] = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		store_sql_fail(s, "cannot read the run's metrics");
		goto out;
	}
	if (n) {
		/* a run without a scored sample (every request failed) has no group */
		compute(g, n, seed);
		qsort(g, n, sizeof(*g), cmp_group);
	}
	/* a savepoint: its own transaction, or part of a caller's (a merge) */
	if (store_exec(s, "SAVEPOINT aggregate") < 0)
		goto out;
	{
		/* re-aggregating (after a resume) replaces the old figures */
		char *del = xstrfmt("DELETE FROM run_metrics WHERE run_id = %lld", (long long)run);
		rc = store_exec(s, del);
		free(del);
		if (rc < 0)
			goto rollback;
	}
	for (i = 0; i < n; i++)
		if (store_put_run_row(s, run, g[i]->task, g[i]->metric, g[i]->mean, g[i]->lo, g[i]->hi, g[i]->n) < 0)
			goto rollback;
	if (store_exec(s, "RELEASE aggregate") < 0)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	sqlite3_exec(s->db, "ROLLBACK TO aggregate; RELEASE aggregate", NULL, NULL, NULL);
out:
	for (i = 0; i < n; i++) {
		free(g[i]->task);
		free(g[i]->metric);
		free(g[i]->key);
		free(g[i]->v);
		free(g[i]);
	}
	free(g);
	strmap_release(&index);
	strbuf_release(&key);
	return ret;
}
