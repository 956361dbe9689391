/* store_samples.c: reading a run's samples back: each with its metrics, one by id, and the run's usage figures. */
#include <sqlite3.h>
#include "eval/store.h"
#include "eval/store_internal.h"

#define fail store_sql_fail
#define col_text store_col_dup

struct named_value {
	char *name;
	double value;
};

static int cmp_named_value(const void *a, const void *b)
{
	return metric_cmp(((const struct named_value *)a)->name, ((const struct named_value *)b)->name);
}

static const char *col_str(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int store_for_each_sample(struct store *s, int64_t run,
			  int (*fn)(const struct sample_view *view, void *data), void *data)
{
	static const struct sample_walk all = { NULL, 0, 0, NULL };

	return store_walk_samples(s, run, &all, fn, data);
}

int64_t store_count_samples(struct store *s, int64_t run, const char *task)
{
	sqlite3_stmt *st = NULL;
	int64_t n = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM samples WHERE run_id = ?1 AND (?2 IS NULL OR task = ?2)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot count samples");
	sqlite3_bind_int64(st, 1, run);
	if (task)
		sqlite3_bind_text(st, 2, task, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n < 0 ? fail(s, "cannot count samples") : n;
}

int store_walk_samples(struct store *s, int64_t run, const struct sample_walk *w,
		       int (*fn)(const struct sample_view *view, void *data), void *data)
{
	sqlite3_stmt *st = NULL, *mst = NULL;
	struct named_value *mv = NULL;
	const char **names = NULL;
	double *values = NULL;
	size_t n_mv = 0, alloc_mv = 0, alloc_out = 0, i;
	int rc, ret = -1;

	/* the page's rowids from the index alone, then those rows: a page costs its own rows, not the run's */
	if (sqlite3_prepare_v2(s->db, w->task ?
			       "SELECT task, sample_id, user, target, candidates, ranking, response, status,"
			       " error, grounding, history, latency_ms, transcript FROM samples WHERE rowid IN"
			       " (SELECT rowid FROM samples WHERE run_id = ?1 AND task = ?2 ORDER BY rowid LIMIT ?3 OFFSET ?4)"
			       " ORDER BY rowid" :
			       "SELECT task, sample_id, user, target, candidates, ranking, response, status,"
			       " error, grounding, history, latency_ms, transcript FROM samples WHERE rowid IN"
			       " (SELECT rowid FROM samples WHERE run_id = ?1 AND ?2 IS NULL ORDER BY rowid LIMIT ?3 OFFSET ?4)"
			       " ORDER BY rowid",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db,
			       "SELECT metric, value FROM sample_metrics WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &mst, NULL) != SQLITE_OK) {
		fail(s, "cannot read samples");
		goto out;
	}
	sqlite3_bind_int64(st, 1, run);
	if (w->task)
		sqlite3_bind_text(st, 2, w->task, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, w->limit ? (sqlite3_int64)w->limit : -1);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)w->offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sample_view v;
		const char *task = col_str(st, 0), *sid = col_str(st, 1);

		if (!task || !sid)
			continue;
		memset(&v, 0, sizeof(v));
		v.task = task;
		v.sample_id = sid;
		v.user = col_str(st, 2);
		v.target = col_str(st, 3);
		v.candidates = col_str(st, 4);
		v.ranking = col_str(st, 5);
		v.response = col_str(st, 6);
		v.status = col_str(st, 7);
		v.error = col_str(st, 8);
		v.grounding = col_str(st, 9);
		v.history = col_str(st, 10);
		v.latency_ms = sqlite3_column_double(st, 11);
		v.transcript = col_str(st, 12);
		/* the filter sees the sample before its metrics are read */
		if (w->want && !w->want(&v, data))
			continue;
		sqlite3_reset(mst);
		sqlite3_bind_int64(mst, 1, run);
		sqlite3_bind_text(mst, 2, task, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(mst, 3, sid, -1, SQLITE_TRANSIENT);
		for (i = 0; i < n_mv; i++)
			free(mv[i].name);
		n_mv = 0;
		while ((rc = sqlite3_step(mst)) == SQLITE_ROW) {
			if (!col_str(mst, 0))
				continue;
			ALLOC_GROW(mv, n_mv + 1, alloc_mv);
			mv[n_mv].name = xstrdup(col_str(mst, 0));
			mv[n_mv].value = sqlite3_column_type(mst, 1) == SQLITE_NULL ? NAN
										    : sqlite3_column_double(mst, 1);
			n_mv++;
		}
		if (rc != SQLITE_DONE) {
			fail(s, "cannot read sample metrics");
			goto out;
		}
		if (n_mv)
			qsort(mv, n_mv, sizeof(*mv), cmp_named_value);
		if (n_mv > alloc_out) {
			alloc_out = n_mv;
			names = xrealloc(names, alloc_out * sizeof(*names));
			values = xrealloc(values, alloc_out * sizeof(*values));
		}
		for (i = 0; i < n_mv; i++) {
			names[i] = mv[i].name;
			values[i] = mv[i].value;
		}

		v.metric_names = names;
		v.metric_values = values;
		v.n_metrics = n_mv;
		rc = fn(&v, data);
		if (rc) {
			ret = rc;
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, "cannot read samples");
		goto out;
	}
	ret = 0;
out:
	for (i = 0; i < n_mv; i++)
		free(mv[i].name);
	free(mv);
	free(names);
	free(values);
	sqlite3_finalize(st);
	sqlite3_finalize(mst);
	return ret;
}

/* --- one sample in full, and a run's usage, for report ---------------- */

int store_get_sample(struct store *s, int64_t run, const char *task, const char *sample_id,
		     struct sample_row *out)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	memset(out, 0, sizeof(*out));
	if (sqlite3_prepare_v2(s->db,
			       "SELECT task, sample_id, user, target, history, candidates, ranking, grounding,"
			       " request, response, status, error, latency_ms, tokens_in, tokens_out"
			       " FROM samples WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read samples");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sample_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->task = col_text(st, 0);
		out->sample_id = col_text(st, 1);
		out->user = col_text(st, 2);
		out->target = col_text(st, 3);
		out->history = col_text(st, 4);
		out->candidates = col_text(st, 5);
		out->ranking = col_text(st, 6);
		out->grounding = col_text(st, 7);
		out->request = col_text(st, 8);
		out->response = col_text(st, 9);
		out->status = col_text(st, 10);
		out->error = col_text(st, 11);
		out->latency_ms = sqlite3_column_type(st, 12) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 12);
		out->tokens_in = sqlite3_column_int64(st, 13);
		out->tokens_out = sqlite3_column_int64(st, 14);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ret = fail(s, "cannot read samples");
	}
	sqlite3_finalize(st);
	return ret;
}

void sample_row_release(struct sample_row *r)
{
	free(r->task);
	free(r->sample_id);
	free(r->user);
	free(r->target);
	free(r->history);
	free(r->candidates);
	free(r->ranking);
	free(r->grounding);
	free(r->request);
	free(r->response);
	free(r->status);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

/* The q-quantile of sorted v[0..n-1] (n > 0), linear between closest ranks (numpy's default). */
static double sorted_quantile(const double *v, size_t n, double q)
{
	double pos = q * (double)(n - 1);
	size_t lo = (size_t)pos;

	if (lo + 1 >= n)
		return v[n - 1];
	return v[lo] + (pos - (double)lo) * (v[lo + 1] - v[lo]);
}

int store_get_usage(struct store *s, int64_t run, struct run_usage *out)
{
	sqlite3_stmt *st = NULL;
	double *lat = NULL;
	size_t n = 0, alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->latency_mean = out->latency_p50 = out->latency_p95 = out->latency_max = NAN;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT count(*), sum(status = 'ok'), sum(status = 'error'), sum(status = 'invalid'),"
			       " count(request), coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0)"
			       " FROM samples WHERE run_id = ?", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read samples");
	sqlite3_bind_int64(st, 1, run);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->samples = sqlite3_column_int64(st, 0);
		out->ok = sqlite3_column_int64(st, 1);
		out->errors = sqlite3_column_int64(st, 2);
		out->invalid = sqlite3_column_int64(st, 3);
		out->requests = sqlite3_column_int64(st, 4);
		out->tokens_in = sqlite3_column_int64(st, 5);
		out->tokens_out = sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return fail(s, "cannot read samples");

	if (sqlite3_prepare_v2(s->db,
			       "SELECT latency_ms FROM samples WHERE run_id = ? AND latency_ms IS NOT NULL"
			       " ORDER BY latency_ms", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read samples");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(lat, n + 1, alloc);
		lat[n] = sqlite3_column_double(st, 0);
		out->latency_total += lat[n++];
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(lat);
		return fail(s, "cannot read samples");
	}
	out->timed = (int64_t)n;
	if (n) {
		out->latency_mean = out->latency_total / (double)n;
		out->latency_p50 = sorted_quantile(lat, n, 0.5);
		out->latency_p95 = sorted_quantile(lat, n, 0.95);
		out->latency_max = lat[n - 1];
	}
	free(lat);
	return 0;
}
