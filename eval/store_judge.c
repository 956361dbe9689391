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
