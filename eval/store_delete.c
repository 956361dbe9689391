/* store_delete.c: removing runs from the store (the run, every row of every table that names it by run_id, the judgments that compared it: store_judge.c), and counting answers of unknown usage. */
#include <sqlite3.h>
#include "eval/store.h"
#include "eval/store_internal.h"
#include "eval/store_judge.h"

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
	if (store_judge_delete_run(s, run, judgments) < 0)
		goto out;
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
