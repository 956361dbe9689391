/* store_resume.c: the store's side of caching and resuming: cached answers, samples already done, stored rankings. */
#include <sqlite3.h>
#include "eval/store.h"
#include "eval/store_internal.h"
#include "lib/strmap.h"

#define sql_fail store_sql_fail

/* A statement kept with the store for its life (prepared once, reset for each use); NULL after a message. */
static sqlite3_stmt *kept(struct store *s, sqlite3_stmt **st, const char *sql, const char *what)
{
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return *st;
	}
	if (sqlite3_prepare_v3(store_db(s), sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
		sql_fail(s, what);
		*st = NULL;
	}
	return *st;
}

int store_cache_get(struct store *s, const char *key, char **response)
{
	sqlite3_stmt *st = kept(s, &s->cache_get, "SELECT response FROM cache WHERE key = ?", "cannot read the cache");
	int rc, ret = 0;

	*response = NULL;
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*response = xstrdup((const char *)sqlite3_column_text(st, 0));
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = sql_fail(s, "cannot read the cache");
	}
	sqlite3_reset(st);
	return ret;
}

int store_cache_put(struct store *s, const char *key, const char *response)
{
	sqlite3_stmt *st;
	char now[32];
	int ret = 0;

	iso_time(now, sizeof(now));
	if (store_batch_join(s) < 0)
		return -1;
	st = kept(s, &s->cache_put, "INSERT OR REPLACE INTO cache (key, response, created_at) VALUES (?, ?, ?)",
		  "cannot write the cache");
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, response, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sql_fail(s, "cannot write the cache");
	sqlite3_reset(st);
	return ret;
}

int store_get_rankings(struct store *s, int64_t run, const char *task, char ***out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), "SELECT ranking FROM samples WHERE run_id = ? AND task = ?"
			       " AND status = 'ok' ORDER BY sample_id", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "cannot read rankings");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *r = sqlite3_column_text(st, 0);
		ALLOC_GROW(*out, *n + 1, alloc);
		(*out)[(*n)++] = xstrdup(r ? (const char *)r : "[]");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, "cannot read rankings");
	return 0;
}

long store_count_errors(struct store *s, int64_t run)
{
	sqlite3_stmt *st = NULL;
	long n = -1;

	/* an invalid sample (a dialogue the simulator spoiled) is counted apart, not as a model's failure */
	if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM samples WHERE run_id = ? AND status = 'error'",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "cannot count errors");
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int store_done_samples(struct store *s, int64_t run, int retry_errors, struct strmap *done,
		       char ***keys, size_t *n_keys)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*keys = NULL;
	*n_keys = 0;
	if (sqlite3_prepare_v2(store_db(s), retry_errors ?
			       "SELECT task, sample_id FROM samples WHERE run_id = ? AND status = 'ok'" :
			       "SELECT task, sample_id FROM samples WHERE run_id = ?", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "cannot read the run's samples");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char *k = xstrfmt("%s\n%s", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
		ALLOC_GROW(*keys, *n_keys + 1, alloc);
		(*keys)[(*n_keys)++] = k;
		strmap_put(done, k, strlen(k), 1, NULL);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sql_fail(s, "cannot read the run's samples");
	return 0;
}

int store_sum_tokens(struct store *s, int64_t run, const char *task, long long *in, long long *out,
		     size_t *n)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	*in = *out = 0;
	*n = 0;
	if (sqlite3_prepare_v2(store_db(s), "SELECT coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0),"
			       " count(*) FROM samples WHERE run_id = ? AND task = ?", -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "cannot sum tokens");
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_text(st, 2, task, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*in = sqlite3_column_int64(st, 0);
		*out = sqlite3_column_int64(st, 1);
		*n = (size_t)sqlite3_column_int64(st, 2);
	} else {
		ret = sql_fail(s, "cannot sum tokens");
	}
	sqlite3_finalize(st);
	return ret;
}

int store_put_catalogue(struct store *s, const char *key, const char *items, const char *titles)
{
	sqlite3_stmt *st = NULL;
	int ret = 0;

	if (sqlite3_prepare_v2(store_db(s), "INSERT OR IGNORE INTO catalogues (key, items, titles) VALUES (?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sql_fail(s, "cannot store the catalogue");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, items, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, titles, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = sql_fail(s, "cannot store the catalogue");
	sqlite3_finalize(st);
	return ret;
}

int store_get_catalogue(struct store *s, const char *key, char **items, char **titles)
{
	sqlite3_stmt *st = NULL;
	int rc, ret = 0;

	*items = NULL;
	if (titles)
		*titles = NULL;
	if (sqlite3_prepare_v2(store_db(s), "SELECT items, titles FROM catalogues WHERE key = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return sql_fail(s, "cannot read the catalogue");
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*items = store_col_dup(st, 0);
		if (titles)
			*titles = store_col_dup(st, 1);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = sql_fail(s, "cannot read the catalogue");
	}
	sqlite3_finalize(st);
	return ret;
}
