/* run_errors.c: failed requests while a run goes: said on stderr early, a stop after repeated identical connection failures, a summary by cause at the end. */
#include "eval/run_errors.h"
#include "eval/run_internal.h"
#include "eval/store_internal.h"

void errwatch_init(struct error_watch *w, const char *model, int quiet)
{
	memset(w, 0, sizeof(*w));
	w->model = model;
	w->quiet = quiet;
	w->next_note = 1;
}

void errwatch_release(struct error_watch *w)
{
	free(w->cause);
	free(w->stop);
	memset(w, 0, sizeof(*w));
}

char *error_cause(const char *error)
{
	const char *colon;

	if (!error || !*error)
		return xstrdup("unknown error");
	colon = strstr(error, ": ");
	return colon ? xstrndup(error, (size_t)(colon - error)) : xstrdup(error);
}

/* A failure no answer will cure while the server cannot be reached (http.c's words for curl's transport errors). */
static int connection_failure(const char *error)
{
	return error && !strncmp(error, "connection failed", 17);
}

int errwatch_answer(struct error_watch *w, const struct llm_answer *a)
{
	char *cause;

	w->answers++;
	if (a->status == LLM_OK) {
		w->same = 0;
		return 0;
	}
	if (a->status == LLM_FATAL)
		return 0;
	w->errors++;
	if (!w->quiet && w->errors >= w->next_note) {
		progress_break();
		if (w->errors == 1)
			warning("%s: a request failed: %s (failures are counted and summed up by cause at the end)",
				w->model, a->error ? a->error : "no reason given");
		else
			warning("%s: %zu of %zu requests failed so far; the latest: %s", w->model, w->errors,
				w->answers, a->error ? a->error : "no reason given");
		w->next_note *= 10;
	}
	if (!connection_failure(a->error)) {
		w->same = 0;
		return 0;
	}
	cause = error_cause(a->error);
	if (w->cause && !strcmp(w->cause, cause)) {
		w->same++;
		free(cause);
	} else {
		free(w->cause);
		w->cause = cause;
		w->same = 1;
	}
	if (w->same < ERRWATCH_SAME_MAX || w->stop)
		return 0;
	w->stop = xstrfmt("stopped after %d requests in a row failed the same way: %s", ERRWATCH_SAME_MAX,
			  a->error);
	progress_break();
	error("%s: %s", w->model, w->stop);
	return 1;
}

void errwatch_charge(struct error_watch *w, const struct llm_answer *a)
{
	if (w->max_cost <= 0)
		return;
	if (a->tokens_in >= 0 && a->tokens_out >= 0)
		w->spent += (a->tokens_in * w->price_in + a->tokens_out * w->price_out) / 1e6;
	else if (w->priced)
		w->spent += w->spent / (double)w->priced;
	w->priced++;
}

int errwatch_over_budget(struct error_watch *w, size_t in_flight)
{
	double mean;

	if (w->max_cost <= 0)
		return 0;
	if (w->stop)
		return 1;
	mean = w->priced ? w->spent / (double)w->priced : 0;
	if (w->spent + (double)(in_flight + 1) * mean <= w->max_cost)
		return 0;
	w->stop = xstrfmt("stopped before spending more than --max-cost $%.4g: $%.4g spent on %zu answers"
			  " (resume with a higher --max-cost to go on)", w->max_cost, w->spent, w->priced);
	progress_break();
	error("%s: %s", w->model, w->stop);
	return 1;
}

void errwatch_stop(struct error_watch *w, const char *why)
{
	if (!w->stop)
		w->stop = xstrdup(why ? why : "stopped");
}

struct cause_count {
	char *cause, *example;
	long n;
};

static int by_count(const void *a, const void *b)
{
	const struct cause_count *x = a, *y = b;

	return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->cause, y->cause);
}

long run_errors_summary(FILE *f, struct store *s, int64_t run)
{
	sqlite3_stmt *st = NULL;
	struct cause_count *c = NULL;
	size_t n = 0, alloc = 0, i;
	long failed = 0, total = 0;
	int rc;

	if (sqlite3_prepare_v2(store_db(s), "SELECT error, count(*), (SELECT count(*) FROM samples WHERE run_id = ?1)"
			       " FROM samples WHERE run_id = ?1 AND status = 'error' GROUP BY error",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot read the errors");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *e = (const char *)sqlite3_column_text(st, 0);
		char *cause = error_cause(e);
		long k = (long)sqlite3_column_int64(st, 1);

		total = (long)sqlite3_column_int64(st, 2);
		failed += k;
		for (i = 0; i < n && strcmp(c[i].cause, cause); i++)
			;
		if (i < n) {
			c[i].n += k;
			free(cause);
			continue;
		}
		ALLOC_GROW(c, n + 1, alloc);
		c[n].cause = cause;
		c[n].example = xstrdup(e ? e : "no reason given");
		c[n++].n = k;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		failed = store_sql_fail(s, "cannot read the errors");
		goto out;
	}
	if (!failed)
		goto out;
	qsort(c, n, sizeof(*c), by_count);
	fprintf(f, "receval: run %lld: %ld of %ld samples failed:", (long long)run, failed, total);
	for (i = 0; i < n && i < 3; i++)
		fprintf(f, "%s %ld × %s", i ? ";" : "", c[i].n,
			strcmp(c[i].cause, c[i].example) ? c[i].example : c[i].cause);
	if (n > 3)
		fprintf(f, "; and %zu other causes", n - 3);
	fputc('\n', f);
out:
	for (i = 0; i < n; i++) {
		free(c[i].cause);
		free(c[i].example);
	}
	free(c);
	return failed;
}
