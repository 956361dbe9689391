/* store_judge.c: reading what judges left in a run (transcripts, judge errors) and the tables of pairwise judgments. */
#include <sqlite3.h>
#include "eval/store_judge.h"
#include "eval/store_internal.h"
#include "lib/strmap.h"

#define fail store_sql_fail

/* Each row's first column (text) of a query bound to run and task, into *out. */
static int column_list(struct store *s, const char *sql, int64_t run, const char *task, char ***out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the run's samples");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 0);
		if (!t)
			continue;
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = xstrdup((const char *)t);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read the run's samples");
	return 0;
}

int store_judge_error_samples(struct store *s, int64_t run, const char *task, struct strmap *out,
			      char ***keys, size_t *n_keys)
{
	size_t i;

	if (column_list(s, "SELECT sample_id FROM samples WHERE run_id = ? AND task = ? AND status = 'error'"
			" AND error LIKE 'judge: %'", run, task, keys, n_keys) < 0)
		return -1;
	for (i = 0; i < *n_keys; i++)
		strmap_put(out, (*keys)[i], strlen((*keys)[i]), 1, NULL);
	return 0;
}

int store_get_transcripts(struct store *s, int64_t run, const char *task, char ***out, size_t *n)
{
	return column_list(s, "SELECT transcript FROM samples WHERE run_id = ? AND task = ?"
			   " AND transcript IS NOT NULL ORDER BY sample_id", run, task, out, n);
}

/* --- pairwise judgments ---------------------------------------------------- */

static const char judgment_schema[] =
	"CREATE TABLE IF NOT EXISTS judgments ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" run_a INTEGER,"
	" run_b INTEGER,"
	" judge TEXT NOT NULL,"
	" labels TEXT,"
	" status TEXT NOT NULL,"
	" started_at TEXT NOT NULL,"
	" finished_at TEXT,"
	" samples INTEGER NOT NULL DEFAULT 0,"
	" errors INTEGER NOT NULL DEFAULT 0,"
	" config TEXT,"
	" version TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS judgment_samples ("
	" judgment_id INTEGER NOT NULL REFERENCES judgments(id),"
	" task TEXT NOT NULL,"
	" sample_id TEXT NOT NULL,"
	" question TEXT,"
	" answer_a TEXT,"
	" answer_b TEXT,"
	" verdict_ab TEXT,"
	" verdict_ba TEXT,"
	" outcome TEXT,"
	" status TEXT NOT NULL,"
	" error TEXT,"
	" transcript TEXT,"
	" PRIMARY KEY (judgment_id, task, sample_id));"
	"CREATE TABLE IF NOT EXISTS judgment_metrics ("
	" judgment_id INTEGER NOT NULL,"
	" task TEXT NOT NULL,"
	" metric TEXT NOT NULL,"
	" value REAL,"
	" ci_low REAL,"
	" ci_high REAL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (judgment_id, task, metric));";

static int has_table(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int has;

	if (sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'judgments'",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the schema");
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

int store_judgments_init(struct store *s)
{
	char *msg = NULL;

	if (sqlite3_exec(store_db(s), judgment_schema, NULL, NULL, &msg) != SQLITE_OK) {
		error("%s: %s", s->path, msg ? msg : sqlite3_errmsg(store_db(s)));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static void bind_double(sqlite3_stmt *st, int i, double v)
{
	if (isnan(v))
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_double(st, i, v);
}

int store_judgment_create(struct store *s, int64_t *out, const char *kind, int64_t run_a, int64_t run_b,
			  const char *judge, const char *labels, const char *config)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = 0;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(store_db(s), "INSERT INTO judgments (kind, run_a, run_b, judge, labels, status,"
			       " started_at, config, version) VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot record the judgment");
	bind_text(st, 1, kind);
	bind_id(st, 2, run_a);
	bind_id(st, 3, run_b);
	bind_text(st, 4, judge);
	bind_text(st, 5, labels);
	bind_text(st, 6, now);
	bind_text(st, 7, config);
	bind_text(st, 8, receval_version);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(s, "cannot record the judgment");
	else
		*out = sqlite3_last_insert_rowid(store_db(s));
	sqlite3_finalize(st);
	return ret;
}

int store_judgment_finish(struct store *s, int64_t id, const char *status, size_t samples, size_t errors)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = 0;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(store_db(s), "UPDATE judgments SET status = ?, finished_at = ?, samples = ?,"
			       " errors = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot update the judgment");
	bind_text(st, 1, status);
	bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)samples);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)errors);
	sqlite3_bind_int64(st, 5, id);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(s, "cannot update the judgment");
	sqlite3_finalize(st);
	return ret;
}

int store_judgment_put_sample(struct store *s, int64_t id, const struct judgment_sample *js)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(store_db(s), "INSERT OR REPLACE INTO judgment_samples (judgment_id, task, sample_id,"
			       " question, answer_a, answer_b, verdict_ab, verdict_ba, outcome, status, error,"
			       " transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot store a judged sample");
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, js->task);
	bind_text(st, 3, js->sample_id);
	bind_text(st, 4, js->question);
	bind_text(st, 5, js->answer_a);
	bind_text(st, 6, js->answer_b);
	bind_text(st, 7, js->verdict_ab);
	bind_text(st, 8, js->verdict_ba);
	bind_text(st, 9, js->outcome);
	bind_text(st, 10, js->status ? js->status : "ok");
	bind_text(st, 11, js->error);
	bind_text(st, 12, js->transcript);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(s, "cannot store a judged sample");
	sqlite3_finalize(st);
	return ret;
}

int store_judgment_put_metric(struct store *s, int64_t id, const char *task, const char *metric, double value,
			      double lo, double hi, size_t n)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(store_db(s), "INSERT OR REPLACE INTO judgment_metrics (judgment_id, task, metric,"
			       " value, ci_low, ci_high, n) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot store a judgment figure");
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, task);
	bind_text(st, 3, metric);
	bind_double(st, 4, value);
	bind_double(st, 5, lo);
	bind_double(st, 6, hi);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)n);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(s, "cannot store a judgment figure");
	sqlite3_finalize(st);
	return ret;
}

static const char judgment_columns[] =
	"SELECT id, kind, coalesce(run_a, 0), coalesce(run_b, 0), judge, labels, status, started_at, finished_at,"
	" samples, errors, config FROM judgments";

static void read_judgment(sqlite3_stmt *st, struct judgment_info *j)
{
	j->id = sqlite3_column_int64(st, 0);
	j->kind = store_col_dup(st, 1);
	j->run_a = sqlite3_column_int64(st, 2);
	j->run_b = sqlite3_column_int64(st, 3);
	j->judge = store_col_dup(st, 4);
	j->labels = store_col_dup(st, 5);
	j->status = store_col_dup(st, 6);
	j->started_at = store_col_dup(st, 7);
	j->finished_at = store_col_dup(st, 8);
	j->samples = sqlite3_column_int64(st, 9);
	j->errors = sqlite3_column_int64(st, 10);
	j->config = store_col_dup(st, 11);
}

void judgment_info_release(struct judgment_info *j)
{
	free(j->kind);
	free(j->judge);
	free(j->labels);
	free(j->status);
	free(j->started_at);
	free(j->finished_at);
	free(j->config);
	memset(j, 0, sizeof(*j));
}

int store_list_judgments(struct store *s, struct judgment_info **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	size_t alloc = 0;
	int rc, has = has_table(s);

	*out = NULL;
	*n = 0;
	if (has <= 0)
		return has;
	sql = xstrfmt("%s ORDER BY id", judgment_columns);
	rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read judgments");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		read_judgment(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read judgments");
	return 1;
}

int store_get_judgment(struct store *s, int64_t id, struct judgment_info *out)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	int rc, has = has_table(s), ret = 0;

	memset(out, 0, sizeof(*out));
	if (has <= 0)
		return has;
	sql = xstrfmt("%s WHERE id = ?", judgment_columns);
	rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read judgments");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_judgment(st, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = fail(s, "cannot read judgments");
	}
	sqlite3_finalize(st);
	return ret;
}

int store_judgment_metrics(struct store *s, int64_t id, struct metric_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (has_table(s) <= 0)
		return has_table(s);
	if (sqlite3_prepare_v2(store_db(s), "SELECT task, metric, value, ci_low, ci_high, n FROM judgment_metrics"
			       " WHERE judgment_id = ? ORDER BY task, metric", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read judgment figures");
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct metric_row *r;
		int i;
		ALLOC_GROW(*out, *n + 1, alloc);
		r = &(*out)[(*n)++];
		r->task = store_col_dup(st, 0);
		r->metric = store_col_dup(st, 1);
		for (i = 2; i <= 4; i++) {
			double v = sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
			if (i == 2)
				r->value = v;
			else if (i == 3)
				r->ci_low = v;
			else
				r->ci_high = v;
		}
		r->n = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read judgment figures");
	return 0;
}

int64_t store_latest_judgment(struct store *s, int64_t run_a, int64_t run_b)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int has = has_table(s);

	if (has <= 0)
		return has;
	if (sqlite3_prepare_v2(store_db(s), "SELECT max(id) FROM judgments WHERE kind = 'pairwise' AND run_a = ?"
			       " AND run_b = ? AND status = 'done'", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read judgments");
	sqlite3_bind_int64(st, 1, run_a);
	sqlite3_bind_int64(st, 2, run_b);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

int store_judgment_disagreements(struct store *s, int64_t id,
				 int (*fn)(const struct judgment_sample *js, void *data), void *data)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	if (has_table(s) <= 0)
		return has_table(s);
	/* A first, then B first: the same answer chosen both times is ("A", "B") or ("B", "A") */
	if (sqlite3_prepare_v2(store_db(s), "SELECT task, sample_id, question, answer_a, answer_b, verdict_ab,"
			       " verdict_ba, outcome FROM judgment_samples WHERE judgment_id = ? AND status = 'ok'"
			       " AND verdict_ab IS NOT NULL AND verdict_ba IS NOT NULL AND NOT ((verdict_ab = 'A'"
			       " AND verdict_ba = 'B') OR (verdict_ab = 'B' AND verdict_ba = 'A') OR (verdict_ab = 'C'"
			       " AND verdict_ba = 'C')) ORDER BY task, sample_id", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read judged samples");
	sqlite3_bind_int64(st, 1, id);
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct judgment_sample js = { 0 };
		js.task = (const char *)sqlite3_column_text(st, 0);
		js.sample_id = (const char *)sqlite3_column_text(st, 1);
		js.question = (const char *)sqlite3_column_text(st, 2);
		js.answer_a = (const char *)sqlite3_column_text(st, 3);
		js.answer_b = (const char *)sqlite3_column_text(st, 4);
		js.verdict_ab = (const char *)sqlite3_column_text(st, 5);
		js.verdict_ba = (const char *)sqlite3_column_text(st, 6);
		js.outcome = (const char *)sqlite3_column_text(st, 7);
		ret = fn(&js, data);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = fail(s, "cannot read judged samples");
	sqlite3_finalize(st);
	return ret;
}

int store_get_answers(struct store *s, int64_t run, const char *task, struct answer_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), "SELECT sample_id, request, response FROM samples WHERE run_id = ?"
			       " AND task = ? AND status = 'ok' AND response IS NOT NULL ORDER BY sample_id",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the run's answers");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct answer_row *r;
		ALLOC_GROW(*out, *n + 1, alloc);
		r = &(*out)[(*n)++];
		r->sample_id = store_col_dup(st, 0);
		r->request = store_col_dup(st, 1);
		r->response = store_col_dup(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read the run's answers");
	return 0;
}

void answer_rows_free(struct answer_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].sample_id);
		free(rows[i].request);
		free(rows[i].response);
	}
	free(rows);
}

int store_judge_begin(struct store *s)
{
	if (sqlite3_exec(store_db(s), "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, "cannot begin a transaction");
	return 0;
}

int store_judge_commit(struct store *s)
{
	if (sqlite3_get_autocommit(store_db(s)))
		return 0;
	if (sqlite3_exec(store_db(s), "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, "cannot commit");
	return 0;
}

int store_judge_delete_run(struct store *s, int64_t run, long *n)
{
	static const char *const sql[] = {
		"DELETE FROM judgment_metrics WHERE judgment_id IN (SELECT id FROM judgments WHERE run_a = ?1 OR run_b = ?1)",
		"DELETE FROM judgment_samples WHERE judgment_id IN (SELECT id FROM judgments WHERE run_a = ?1 OR run_b = ?1)",
		"DELETE FROM judgments WHERE run_a = ?1 OR run_b = ?1",
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc, has = has_table(s);

	*n = 0;
	if (has <= 0)
		return has;  /* -1 after a message, or no judgment was ever made in this database */
	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		if (sqlite3_prepare_v2(store_db(s), sql[i], -1, &st, NULL) != SQLITE_OK)
			return fail(s, "cannot delete the run's judgments");
		sqlite3_bind_int64(st, 1, run);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return fail(s, "cannot delete the run's judgments");
	}
	*n = (long)sqlite3_changes(store_db(s));
	return 0;
}
