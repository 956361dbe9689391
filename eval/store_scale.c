/* store_scale.c: the schema version, run keys, merged runs' sources and replica counts in the store. */
#include <cJSON.h>
#include "eval/store_scale.h"
#include "eval/store_internal.h"
#include "lib/uuid.h"

#define fail store_sql_fail
#define col_text store_col_dup

static const char scale_schema[] =
	"CREATE INDEX IF NOT EXISTS runs_run_key ON runs(run_key);"
	"CREATE TABLE IF NOT EXISTS run_sources ("
	" run_id INTEGER NOT NULL,"
	" shard INTEGER NOT NULL,"
	" shards INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" source_run INTEGER NOT NULL,"
	" status TEXT,"
	" samples INTEGER NOT NULL DEFAULT 0,"
	" users INTEGER NOT NULL DEFAULT 0,"
	" merged_at TEXT NOT NULL,"
	" PRIMARY KEY (run_id, shard));"
	"CREATE TABLE IF NOT EXISTS run_replicas ("
	" run_id INTEGER NOT NULL,"
	" shard INTEGER NOT NULL,"
	" role TEXT NOT NULL,"
	" replica TEXT NOT NULL,"
	" requests INTEGER NOT NULL,"
	" failures INTEGER NOT NULL,"
	" rests INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, shard, role, replica));";

static int user_version(struct store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the schema version");
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : fail(s, "cannot read the schema version");
}

int store_check_version(struct store *s)
{
	int v;

	if (user_version(s, &v) < 0)
		return -1;
	if (v > STORE_SCHEMA_VERSION)
		return error("%s: made by a newer receval (schema version %d; this one reads up to %d)", s->path, v,
			     STORE_SCHEMA_VERSION);
	return 0;
}

static int has_column(struct store *s, const char *table, const char *column, int *out)
{
	sqlite3_stmt *st = NULL;
	char *sql = xstrfmt("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table, column);
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read the schema");
	*out = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

/* Every run without a key gets a random one. */
static int backfill_keys(struct store *s)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(s->db, "SELECT id FROM runs WHERE run_key IS NULL", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(s->db, "UPDATE runs SET run_key = ? WHERE id = ?", -1, &upd, NULL) != SQLITE_OK) {
		fail(s, "cannot give the runs keys");
		goto out;
	}
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		char key[UUID_TEXT_SIZE];
		uuid_random(key);
		sqlite3_reset(upd);
		sqlite3_bind_text(upd, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(upd, 2, sqlite3_column_int64(sel, 0));
		if (sqlite3_step(upd) != SQLITE_DONE) {
			fail(s, "cannot give the runs keys");
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		fail(s, "cannot give the runs keys");
		goto out;
	}
	ret = 0;
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return ret;
}

int store_upgrade(struct store *s)
{
	char *msg = NULL, *sql;
	int v, has = 0, rc;

	if (user_version(s, &v) < 0)
		return -1;
	if (v >= STORE_SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
		goto sql_error;
	if (has_column(s, "runs", "run_key", &has) < 0)
		goto rollback;
	if (!has && sqlite3_exec(s->db, "ALTER TABLE runs ADD COLUMN run_key TEXT", NULL, NULL, &msg) != SQLITE_OK)
		goto sql_error;
	if (backfill_keys(s) < 0)
		goto rollback;
	sql = xstrfmt("%sPRAGMA user_version = %d;", scale_schema, STORE_SCHEMA_VERSION);
	rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);
	free(sql);
	if (rc != SQLITE_OK || sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
		goto sql_error;
	return 0;
sql_error:
	error("%s: cannot upgrade the database: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
	sqlite3_free(msg);
rollback:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int store_add_replicas(struct store *s, int64_t run, long shard, const char *role,
		       const struct replica_count *c, size_t n)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int ret = 0;

	if (!n)
		return 0;
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO run_replicas (run_id, shard, role, replica, requests, failures, rests)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, shard, role, replica) DO UPDATE SET"
			       " requests = requests + excluded.requests, failures = failures + excluded.failures,"
			       " rests = rests + excluded.rests", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot store the replica counts");
	for (i = 0; i < n && !ret; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_int64(st, 2, shard);
		sqlite3_bind_text(st, 3, role, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, c[i].replica, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, c[i].requests);
		sqlite3_bind_int64(st, 6, c[i].failures);
		sqlite3_bind_int64(st, 7, c[i].rests);
		if (sqlite3_step(st) != SQLITE_DONE)
			ret = fail(s, "cannot store the replica counts");
	}
	sqlite3_finalize(st);
	return ret;
}

int store_get_replicas(struct store *s, int64_t run, struct replica_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT role, replica, sum(requests), sum(failures), sum(rests) FROM run_replicas"
			       " WHERE run_id = ? GROUP BY role, replica ORDER BY role, replica", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the replica counts");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct replica_row *r;
		ALLOC_GROW(*out, *n + 1, alloc);
		r = &(*out)[(*n)++];
		r->role = col_text(st, 0);
		r->replica = col_text(st, 1);
		r->requests = sqlite3_column_int64(st, 2);
		r->failures = sqlite3_column_int64(st, 3);
		r->rests = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		replica_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return fail(s, "cannot read the replica counts");
	}
	return 0;
}

void replica_rows_free(struct replica_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].role);
		free(rows[i].replica);
	}
	free(rows);
}

int store_get_sources(struct store *s, int64_t run, struct source_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(s->db,
			       "SELECT shard, shards, source, source_run, status FROM run_sources WHERE run_id = ?"
			       " ORDER BY shard", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the run's sources");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct source_row *r;
		ALLOC_GROW(*out, *n + 1, alloc);
		r = &(*out)[(*n)++];
		r->shard = sqlite3_column_int64(st, 0);
		r->shards = sqlite3_column_int64(st, 1);
		r->source = col_text(st, 2);
		r->source_run = sqlite3_column_int64(st, 3);
		r->status = col_text(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		source_rows_free(*out, *n);
		*out = NULL;
		*n = 0;
		return fail(s, "cannot read the run's sources");
	}
	return 0;
}

void source_rows_free(struct source_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(rows[i].source);
		free(rows[i].status);
	}
	free(rows);
}

int store_config_counts(const cJSON *config, long dflt, long *seed, long *limit, const char **bad)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(config, "seed");
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(config, "limit");

	*seed = dflt;
	*limit = -1;
	if (s && (!cJSON_IsNumber(s) || whole_long(s->valuedouble, 0, LONG_MAX, seed) < 0)) {
		*bad = "seed";
		return -1;
	}
	if (l && !cJSON_IsNull(l) && (!cJSON_IsNumber(l) || whole_long(l->valuedouble, 1, LONG_MAX, limit) < 0)) {
		*bad = "limit";
		return -1;
	}
	return 0;
}

int store_config_shard(const char *config, long *i, long *n)
{
	cJSON *c = config ? cJSON_Parse(config) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, "shard");
	char *end;
	int ret = 0;

	*i = 0;
	*n = 1;
	if (!c)
		return -1;
	if (cJSON_IsString(v)) {
		errno = 0;
		*i = strtol(v->valuestring, &end, 10);
		if (end == v->valuestring || *end != '/')
			ret = -1;
		else
			*n = strtol(end + 1, &end, 10);
		if (!ret && (*end || errno || *n < 1 || *i < 0 || *i >= *n))
			ret = -1;
		if (!ret)
			ret = 1;
	}
	cJSON_Delete(c);
	return ret;
}
