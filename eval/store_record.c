/* store_record.c: what a run's row says about how it ended: its reason when it failed or stopped. */
#include "eval/store_internal.h"

int store_set_run_reason(struct store *s, int64_t run, const char *reason)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(s->db, "UPDATE runs SET reason = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot update the run");
	if (reason)
		sqlite3_bind_text(st, 1, reason, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 1);
	sqlite3_bind_int64(st, 2, run);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = store_sql_fail(s, "cannot update the run");
	sqlite3_finalize(st);
	return ret;
}

