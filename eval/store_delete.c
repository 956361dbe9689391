/* store_delete.c: removing runs from the store (the run, every row of every table that names it by run_id, the judgments that compared it), and counting answers of unknown usage. */
#include <sqlite3.h>
#include "eval/store.h"
#include "eval/store_internal.h"

/*
 * The judgments naming run as A or B, with their samples and figures: a
 * judgment of a run that is gone could be shown but never resumed or
 * checked again. Their count in *n; 0, or -1 (SQLite's code left in place).
 */
static int delete_judgments(struct store *s, int64_t run, long *n)
{
	static const char *const sql[] = {
		"DELETE FROM judgment_metrics WHERE judgment_id IN (SELECT id FROM judgments WHERE run_a = ?1 OR run_b = ?1)",
		"DELETE FROM judgment_samples WHERE judgment_id IN (SELECT id FROM judgments WHERE run_a = ?1 OR run_b = ?1)",
		"DELETE FROM judgments WHERE run_a = ?1 OR run_b = ?1",
	};
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'judgments'",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		return 0;  /* no judgment was ever made in this database */
	if (rc != SQLITE_ROW)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sql); i++) {
		if (sqlite3_prepare_v2(store_db(s), sql[i], -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(st, 1, run);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return -1;
	}
	*n = (long)sqlite3_changes(store_db(s));
	return 0;
}

int store_delete_run(struct store *s, int64_t run, long *judgments)
{
	sqlite3_stmt *tables = NULL, *del = NULL;
	int rc, ret = -1;

	if (sqlite3_exec(store_db(s), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot delete a run");
	/* every table with a run_id column, so tables added later (judgments, replicas, ...) go too */
	if (sqlite3_prepare_v2(store_db(s), "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c"
			       " WHERE m.type = 'table' AND c.name = 'run_id'", -1, &tables, NULL) != SQLITE_OK) {
		store_sql_fail(s, "cannot delete a run");
		goto out;
	}
	while ((rc = sqlite3_step(tables)) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf("DELETE FROM \"%w\" WHERE run_id = ?",
					    (const char *)sqlite3_column_text(tables, 0));
		rc = sqlite3_prepare_v2(store_db(s), sql, -1, &del, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK)
			break;
		sqlite3_bind_int64(del, 1, run);
		rc = sqlite3_step(del);
		sqlite3_finalize(del);
		del = NULL;
		if (rc != SQLITE_DONE)
			break;
	}
	if (rc != SQLITE_DONE) {
		store_sql_fail(s, "cannot delete a run");
		goto out;
	}
	if (delete_judgments(s, run, judgments) < 0) {
		store_sql_fail(s, "cannot delete the run's judgments");
		goto out;
	}
	if (sqlite3_prepare_v2(store_db(s), "DELETE FROM runs WHERE id = ?", -1, &del, NULL) != SQLITE_OK) {
		store_sql_fail(s, "cannot delete a run");
		goto out;
	}
	sqlite3_bind_int64(del, 1, run);
	if (sqlite3_step(del) != SQLITE_DONE) {
		store_sql_fail(s, "cannot delete a run");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(tables);
	sqlite3_finalize(del);
	if (sqlite3_exec(store_db(s), ret ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK && !ret)
		ret = store_sql_fail(s, "cannot delete a run");
	return ret;
}

long store_count_unknown_tokens(struct store *s, int64_t run, const char *task)
{
	sqlite3_stmt *st = NULL;
	long n = -1;

	if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM samples WHERE run_id = ? AND task = ?"
			       " AND request IS NOT NULL AND status = 'ok' AND (tokens_in IS NULL OR tokens_out IS NULL)",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot count tokens");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	else
		store_sql_fail(s, "cannot count tokens");
	sqlite3_finalize(st);
	return n;
}
