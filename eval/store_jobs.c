/* store_jobs.c: the serve_jobs table: the queue of `receval serve`, kept in the database it serves. */
#include "eval/store_jobs.h"
#include "eval/store_internal.h"

#define fail store_sql_fail

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS serve_jobs ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" suite TEXT,"
	" models TEXT,"
	" options TEXT,"
	" resume_run INTEGER,"
	" run_group TEXT,"
	" status TEXT NOT NULL,"
	" created_at TEXT NOT NULL,"
	" started_at TEXT,"
	" finished_at TEXT,"
	" runs TEXT NOT NULL DEFAULT '[]',"
	" exit_code INTEGER,"
	" error TEXT,"
	" temp_suite INTEGER NOT NULL DEFAULT 0);";

static const char columns[] =
	"SELECT id, kind, suite, models, options, resume_run, run_group, status, created_at, started_at,"
	" finished_at, runs, exit_code, error, temp_suite FROM serve_jobs";

int store_jobs_init(struct store *s)
{
	char *msg = NULL;

	if (sqlite3_exec(store_db(s), schema, NULL, NULL, &msg) != SQLITE_OK) {
		error("%s: cannot create the queue's table: %s", s->path, msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

void job_row_release(struct job_row *j)
{
	free(j->kind);
	free(j->suite);
	free(j->models);
	free(j->options);
	free(j->run_group);
	free(j->status);
	free(j->created_at);
	free(j->started_at);
	free(j->finished_at);
	free(j->runs);
	free(j->error);
	memset(j, 0, sizeof(*j));
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

int store_job_add(struct store *s, int64_t *out, const struct job_row *j)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO serve_jobs (kind, suite, models, options, resume_run, run_group, status,"
			       " created_at, temp_suite) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot queue the run");
	bind_text_or_null(st, 1, j->kind);
	bind_text_or_null(st, 2, j->suite);
	bind_text_or_null(st, 3, j->models);
	bind_text_or_null(st, 4, j->options);
	if (j->resume_run)
		sqlite3_bind_int64(st, 5, j->resume_run);
	else
		sqlite3_bind_null(st, 5);
	bind_text_or_null(st, 6, j->run_group);
	sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 8, j->temp_suite);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot queue the run");
	*out = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

int store_job_set(struct store *s, int64_t id, const char *status, const char *runs, int exit_code,
		  const char *err)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int rc;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(store_db(s),
			       "UPDATE serve_jobs SET status = ?1, runs = coalesce(?2, runs),"
			       " exit_code = CASE WHEN ?3 < 0 THEN exit_code ELSE ?3 END, error = coalesce(?4, error),"
			       " started_at = CASE WHEN ?1 = 'running' THEN coalesce(started_at, ?5) ELSE started_at END,"
			       " finished_at = CASE WHEN ?1 IN ('queued', 'running') THEN NULL ELSE ?5 END"
			       " WHERE id = ?6", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot update the queue");
	sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	bind_text_or_null(st, 2, runs);
	sqlite3_bind_int(st, 3, exit_code);
	bind_text_or_null(st, 4, err);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "cannot update the queue");
}

static void read_job(sqlite3_stmt *st, struct job_row *j)
{
	j->id = sqlite3_column_int64(st, 0);
	j->kind = store_col_dup(st, 1);
	j->suite = store_col_dup(st, 2);
	j->models = store_col_dup(st, 3);
	j->options = store_col_dup(st, 4);
	j->resume_run = sqlite3_column_int64(st, 5);
	j->run_group = store_col_dup(st, 6);
	j->status = store_col_dup(st, 7);
	j->created_at = store_col_dup(st, 8);
	j->started_at = store_col_dup(st, 9);
	j->finished_at = store_col_dup(st, 10);
	j->runs = store_col_dup(st, 11);
	j->exit_code = sqlite3_column_type(st, 12) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 12);
	j->error = store_col_dup(st, 13);
	j->temp_suite = sqlite3_column_int(st, 14);
}

/* Whether the table exists: a database no server has queued into has none. */
static int has_table(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int has;

	if (sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'serve_jobs'",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the schema");
	has = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return has;
}

int store_list_jobs(struct store *s, const char *status, struct job_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	size_t alloc = 0;
	int rc = has_table(s);

	*out = NULL;
	*n = 0;
	if (rc <= 0)
		return rc;
	sql = xstrfmt("%s%s ORDER BY id", columns, status ? " WHERE status = ?" : "");
	rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read the queue");
	if (status)
		sqlite3_bind_text(st, 1, status, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		read_job(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "cannot read the queue");
}

int store_get_job(struct store *s, int64_t id, struct job_row *out)
{
	sqlite3_stmt *st = NULL;
	char *sql;
	int rc = has_table(s);

	memset(out, 0, sizeof(*out));
	if (rc <= 0)
		return rc;
	sql = xstrfmt("%s WHERE id = ?", columns);
	rc = sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read the queue");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_job(st, out);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : fail(s, "cannot read the queue");
}

int64_t store_run_by_key(struct store *s, const char *key)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	int rc;

	if (sqlite3_prepare_v2(store_db(s), "SELECT id FROM runs WHERE run_key = ? ORDER BY id DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return fail(s, "cannot read runs");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? id : fail(s, "cannot read runs");
}
