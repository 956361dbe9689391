/* store.c: SQLite persistence; every sample is committed as it completes, so a killed run loses only what was in flight. */
#include <sqlite3.h>
#include "eval/store.h"
#include "eval/store_internal.h"
#include "lib/strmap.h"
#include "metrics/registry.h"
#include "metrics/stats.h"
#include "lib/rng.h"
#include "eval/store_scale.h"
#include "eval/rowfind.h"

#define fail store_sql_fail
#define exec store_exec
#define col_text store_col_dup

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS runs ("
	" id INTEGER PRIMARY KEY,"
	" suite TEXT NOT NULL,"
	" model TEXT NOT NULL,"
	" status TEXT NOT NULL,"
	" started_at TEXT NOT NULL,"
	" finished_at TEXT,"
	" config TEXT NOT NULL,"
	" version TEXT NOT NULL,"
	" seed INTEGER,"
	" samples INTEGER NOT NULL DEFAULT 0,"
	" errors INTEGER NOT NULL DEFAULT 0,"
	" run_key TEXT);"
	"CREATE TABLE IF NOT EXISTS samples ("
	" run_id INTEGER NOT NULL REFERENCES runs(id),"
	" task TEXT NOT NULL,"
	" sample_id TEXT NOT NULL,"
	" user TEXT,"
	" target TEXT,"
	" candidates TEXT,"
	" history TEXT,"
	" request TEXT,"
	" response TEXT,"
	" ranking TEXT,"
	" grounding TEXT,"
	" status TEXT NOT NULL,"
	" error TEXT,"
	" latency_ms REAL,"
	" tokens_in INTEGER,"
	" tokens_out INTEGER,"
	" created_at TEXT NOT NULL,"
	" PRIMARY KEY (run_id, task, sample_id));"
	"CREATE TABLE IF NOT EXISTS sample_metrics ("
	" run_id INTEGER NOT NULL,"
	" task TEXT NOT NULL,"
	" sample_id TEXT NOT NULL,"
	" metric TEXT NOT NULL,"
	" value REAL,"
	" PRIMARY KEY (run_id, task, sample_id, metric)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS run_metrics ("
	" run_id INTEGER NOT NULL,"
	" task TEXT NOT NULL,"
	" metric TEXT NOT NULL,"
	" value REAL,"
	" ci_low REAL,"
	" ci_high REAL,"
	" n INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, task, metric));"
	"CREATE TABLE IF NOT EXISTS catalogues ("
	" key TEXT PRIMARY KEY,"
	" items TEXT NOT NULL,"
	" titles TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS cache ("
	" key TEXT PRIMARY KEY,"
	" response TEXT NOT NULL,"
	" created_at TEXT NOT NULL);";

int store_sql_fail(struct store *s, const char *what)
{
	return error("%s: %s: %s", s->path, what, s->db ? sqlite3_errmsg(s->db) : "out of memory");
}

int store_exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error("%s: %s", s->path, msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Columns added since the first schema, for databases made before them (store_internal.h). */
const struct store_column store_added_columns[] = {
	{ "samples", "transcript", "TEXT" },
	{ "runs", "reason", "TEXT" },     /* why a run failed or was cut short; NULL when done */
	{ NULL, NULL, NULL },
};

int store_has_column(struct store *s, const char *table, const char *column, int *out)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the schema");
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
	*out = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return 0;
}

static int add_columns(struct store *s)
{
	const struct store_column *c;

	for (c = store_added_columns; c->table; c++) {
		int has = 0;
		char *sql;
		int rc;

		if (store_has_column(s, c->table, c->column, &has) < 0)
			return -1;
		if (has)
			continue;
		sql = xstrfmt("ALTER TABLE %s ADD COLUMN %s %s", c->table, c->column, c->type);
		rc = exec(s, sql);
		free(sql);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int open_db(struct store *s, const char *path, int flags)
{
	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		fail(s, "cannot open database");
		store_close(s);
		return -1;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/*
	 * WAL, and no fsync per commit: a crash of the process loses nothing
	 * committed. A cache of 64 MiB keeps the indexes of a large run's
	 * samples in memory while they are written in user order.
	 */
	if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
		    " PRAGMA cache_size=-65536;") < 0 ||
	    store_check_version(s) < 0 || exec(s, schema) < 0 || add_columns(s) < 0 || store_upgrade(s) < 0) {
		store_close(s);
		return -1;
	}
	return 0;
}

int store_open(struct store *s, const char *path)
{
	/* one connection per thread: the writer's own (run_par.c), so SQLite needs no locks of its own */
	return open_db(s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX);
}

int store_open_existing(struct store *s, const char *path)
{
	if (access(path, F_OK))
		return error("no database '%s' (run 'receval run SUITE' first, or name one with --db)", path);
	/* a 0444 file or a read-only file system: read it as it is (store_readonly.c) */
	if (!store_writable(path))
		return store_open_readonly(s, path);
	return open_db(s, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX);
}

void store_close(struct store *s)
{
	sqlite3_finalize(s->put_sample);
	sqlite3_finalize(s->put_metric);
	sqlite3_finalize(s->put_run_metric);
	sqlite3_finalize(s->cache_get);
	sqlite3_finalize(s->savepoint);
	sqlite3_finalize(s->release);
	sqlite3_finalize(s->cache_put);
	if (s->db)
		sqlite3_close(s->db);
	free(s->path);
	memset(s, 0, sizeof(*s));
}

static int prepare(struct store *s, struct sqlite3_stmt **st, const char *sql)
{
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return 0;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return fail(s, "cannot prepare a statement");
	return 0;
}

static void bind_text(struct sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* The same, for strings that outlive the statement's step (store_put_sample()'s): no copy. */
static void bind_static(struct sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Run sql through a statement kept with the store (a savepoint's): prepared once. 0, or -1 after a message. */
static int step_kept(struct store *s, struct sqlite3_stmt **st, const char *sql)
{
	int rc;

	if (prepare(s, st, sql) < 0)
		return -1;
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	if (rc != SQLITE_DONE)
		return fail(s, sql);
	return 0;
}

int store_create_run(struct store *s, int64_t *out, const char *suite, const char *model,
		     const char *config_json, uint64_t seed, size_t samples, const char *run_key)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = -1;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(s->db,
			       "INSERT INTO runs (suite, model, status, started_at, config, version, seed, samples, run_key)"
			       " VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot record the run");
	bind_text(st, 1, suite);
	bind_text(st, 2, model);
	bind_text(st, 3, now);
	bind_text(st, 4, config_json);
	bind_text(st, 5, receval_version);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)seed);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)samples);
	bind_text(st, 8, run_key);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fail(s, "cannot record the run");
		goto out;
	}
	*out = sqlite3_last_insert_rowid(s->db);
	ret = 0;
out:
	sqlite3_finalize(st);
	return ret;
}

int store_finish_run(struct store *s, int64_t run, const char *status, size_t errors)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	int ret = 0;

	if (store_flush(s) < 0)
		return -1;
	iso_time(now, sizeof(now));
	/*
	 * The counts are what the store holds, whatever the caller counted: a
	 * run cut short by a fatal answer or a full disk must not claim the
	 * samples it planned. A new status clears the reason (store_set_run_reason()).
	 */
	(void)errors;
	if (sqlite3_prepare_v2(s->db, "UPDATE runs SET status = ?1, finished_at = ?2, reason = NULL,"
			       " samples = (SELECT count(*) FROM samples WHERE run_id = ?3),"
			       " errors = (SELECT count(*) FROM samples WHERE run_id = ?3 AND status = 'error')"
			       " WHERE id = ?3", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot update the run");
	bind_text(st, 1, status);
	bind_text(st, 2, now);
	sqlite3_bind_int64(st, 3, run);
	if (sqlite3_step(st) != SQLITE_DONE)
		ret = fail(s, "cannot update the run");
	sqlite3_finalize(st);
	return ret;
}

void store_batch(struct store *s, unsigned max_samples, double max_ms)
{
	s->batch_max = max_samples ? max_samples : 1;
	s->batch_ms = max_ms;
	s->batch_n = 0;
}


int store_batch_join(struct store *s)
{
	if (!s->batch_max || s->batch_open || !sqlite3_get_autocommit(s->db))
		return 0;
	if (exec(s, "BEGIN") < 0)
		return -1;
	s->batch_open = 1;
	s->batch_n = 0;
	s->batch_t0 = now_ms();
	return 0;
}

/* Commit the open batch (batching goes on). 0, or -1 after a message, the batch rolled back. */
static int store_flush_batch(struct store *s)
{
	int ret = 0;

	if (s->batch_open && exec(s, "COMMIT") < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		ret = -1;
	}
	s->batch_open = 0;
	s->batch_n = 0;
	return ret;
}

int store_tick(struct store *s)
{
	if (s->batch_open && now_ms() - s->batch_t0 >= s->batch_ms)
		return store_flush_batch(s);
	return 0;
}

int store_flush(struct store *s)
{
	int ret = store_flush_batch(s);

	s->batch_max = 0;
	return ret;
}

int store_put_sample(struct store *s, int64_t run, const struct sample_record *r)
{
	char now[32];
	size_t i;

	iso_time(now, sizeof(now));
	/* a savepoint: its own transaction, or part of the open batch or of a caller's (a merge) */
	if (store_batch_join(s) < 0 || step_kept(s, &s->savepoint, "SAVEPOINT put_sample") < 0)
		return -1;
	if (prepare(s, &s->put_sample,
		    "INSERT OR REPLACE INTO samples (run_id, task, sample_id, user, target, candidates,"
		    " history, request, response, ranking, grounding, status, error, latency_ms,"
		    " tokens_in, tokens_out, created_at, transcript)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") < 0)
		goto fail;
	sqlite3_bind_int64(s->put_sample, 1, run);
	bind_static(s->put_sample, 2, r->task);
	bind_static(s->put_sample, 3, r->sample_id);
	bind_static(s->put_sample, 4, r->user);
	bind_static(s->put_sample, 5, r->target);
	bind_static(s->put_sample, 6, r->candidates);
	bind_static(s->put_sample, 7, r->history);
	bind_static(s->put_sample, 8, r->request);
	bind_static(s->put_sample, 9, r->response);
	bind_static(s->put_sample, 10, r->ranking);
	bind_static(s->put_sample, 11, r->grounding);
	bind_static(s->put_sample, 12, r->status);
	bind_static(s->put_sample, 13, r->error);
	sqlite3_bind_double(s->put_sample, 14, r->latency_ms);
	/* a count the model did not report is unknown (NULL), not zero */
	if (r->tokens_in >= 0)
		sqlite3_bind_int64(s->put_sample, 15, r->tokens_in);
	else
		sqlite3_bind_null(s->put_sample, 15);
	if (r->tokens_out >= 0)
		sqlite3_bind_int64(s->put_sample, 16, r->tokens_out);
	else
		sqlite3_bind_null(s->put_sample, 16);
	bind_static(s->put_sample, 17, now);
	bind_static(s->put_sample, 18, r->transcript);
	if (sqlite3_step(s->put_sample) != SQLITE_DONE) {
		fail(s, "cannot store a sample");
		goto fail;
	}
	for (i = 0; i < r->n_metrics; i++) {
		if (prepare(s, &s->put_metric,
			    "INSERT OR REPLACE INTO sample_metrics (run_id, task, sample_id, metric, value)"
			    " VALUES (?, ?, ?, ?, ?)") < 0)
			goto fail;
		sqlite3_bind_int64(s->put_metric, 1, run);
		bind_static(s->put_metric, 2, r->task);
		bind_static(s->put_metric, 3, r->sample_id);
		bind_static(s->put_metric, 4, r->metric_names[i]);
		sqlite3_bind_double(s->put_metric, 5, r->metric_values[i]);
		if (sqlite3_step(s->put_metric) != SQLITE_DONE) {
			fail(s, "cannot store a metric");
			goto fail;
		}
	}
	if (step_kept(s, &s->release, "RELEASE put_sample") < 0)
		goto fail;
	/* the batch is full or old enough: commit it */
	if (s->batch_open && (++s->batch_n >= s->batch_max || now_ms() - s->batch_t0 >= s->batch_ms))
		return store_flush_batch(s);
	return 0;
fail:
	sqlite3_exec(s->db, "ROLLBACK TO put_sample; RELEASE put_sample", NULL, NULL, NULL);
	return -1;
}

/* One run_metrics row; NAN is stored as NULL. */
int store_put_run_row(struct store *s, int64_t run, const char *task, const char *metric,
		       double value, double lo, double hi, size_t n)
{
	const double v[3] = { value, lo, hi };
	int i;

	if (prepare(s, &s->put_run_metric,
		    "INSERT OR REPLACE INTO run_metrics (run_id, task, metric, value, ci_low, ci_high, n)"
		    " VALUES (?, ?, ?, ?, ?, ?, ?)") < 0)
		return -1;
	sqlite3_bind_int64(s->put_run_metric, 1, run);
	bind_text(s->put_run_metric, 2, task);
	bind_text(s->put_run_metric, 3, metric);
	for (i = 0; i < 3; i++) {
		if (isnan(v[i]))
			sqlite3_bind_null(s->put_run_metric, 4 + i);
		else
			sqlite3_bind_double(s->put_run_metric, 4 + i, v[i]);
	}
	sqlite3_bind_int64(s->put_run_metric, 7, (sqlite3_int64)n);
	if (sqlite3_step(s->put_run_metric) != SQLITE_DONE)
		return fail(s, "cannot store a run metric");
	return 0;
}

int store_put_run_value(struct store *s, int64_t run, const char *task, const char *metric,
			double value, size_t n)
{
	return store_put_run_row(s, run, task, metric, value, NAN, NAN, n);
}

int64_t store_latest_run(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;

	if (sqlite3_prepare_v2(s->db, "SELECT max(id) FROM runs", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read runs");
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return id;
}

/* --- reading ---------------------------------------------------------- */

struct sqlite3 *store_db(struct store *s)
{
	return s->db;
}

char *store_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

/* A run still running (or killed) counts what is stored so far; a finished one what was stored at its end. */
static const char run_columns[] =
	"SELECT id, suite, model, status, started_at, finished_at, config, version, seed,"
	" CASE WHEN status = 'running' THEN (SELECT count(*) FROM samples WHERE run_id = runs.id) ELSE samples END,"
	" CASE WHEN status = 'running' THEN (SELECT count(*) FROM samples WHERE run_id = runs.id AND status = 'error')"
	" ELSE errors END, run_key, reason FROM runs";

static void read_run(sqlite3_stmt *st, struct run_info *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->suite = col_text(st, 1);
	r->model = col_text(st, 2);
	r->status = col_text(st, 3);
	r->started_at = col_text(st, 4);
	r->finished_at = col_text(st, 5);
	r->config = col_text(st, 6);
	r->version = col_text(st, 7);
	r->seed = sqlite3_column_int64(st, 8);
	r->samples = sqlite3_column_int64(st, 9);
	r->errors = sqlite3_column_int64(st, 10);
	r->run_key = col_text(st, 11);
	r->reason = col_text(st, 12);
}

int store_get_run(struct store *s, int64_t id, struct run_info *out)
{
	sqlite3_stmt *st = NULL;
	char *sql = xstrfmt("%s WHERE id = ?", run_columns);
	int rc, ret;

	memset(out, 0, sizeof(*out));
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read runs");
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_run(st, out);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ret = fail(s, "cannot read runs");
	}
	sqlite3_finalize(st);
	return ret;
}

void run_info_release(struct run_info *r)
{
	free(r->suite);
	free(r->model);
	free(r->status);
	free(r->started_at);
	free(r->finished_at);
	free(r->config);
	free(r->version);
	free(r->run_key);
	free(r->reason);
	memset(r, 0, sizeof(*r));
}

int store_list_runs(struct store *s, struct run_info **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	char *sql = xstrfmt("%s ORDER BY id", run_columns);
	size_t alloc = 0;
	int rc;

	*out = NULL;
	*n = 0;
	rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return fail(s, "cannot read runs");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(*out, *n + 1, alloc);
		read_run(st, &(*out)[(*n)++]);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read runs");
	return 0;
}

int metric_cmp(const char *a, const char *b)
{
	const char *at_a = strchr(a, '@'), *at_b = strchr(b, '@');
	size_t la = at_a ? (size_t)(at_a - a) : strlen(a), lb = at_b ? (size_t)(at_b - b) : strlen(b);
	/* the families the registry ranks first (ndcg, recall, hit, ...), then the rest by name */
	unsigned ra = metric_family_rank(a, la), rb = metric_family_rank(b, lb);
	int c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	c = strncmp(a, b, la < lb ? la : lb);
	if (c || la != lb)
		return c ? c : (la < lb ? -1 : 1);
	if (at_a && at_b) {
		long ka = strtol(at_a + 1, NULL, 10), kb = strtol(at_b + 1, NULL, 10);
		if (ka != kb)
			return ka < kb ? -1 : 1;
	}
	return strcmp(a, b);
}

struct ordered_row {
	struct metric_row row;
	long task_rank;
};

static int cmp_rows(const void *a, const void *b)
{
	const struct ordered_row *x = a, *y = b;

	if (x->task_rank != y->task_rank)
		return x->task_rank < y->task_rank ? -1 : 1;
	return metric_cmp(x->row.metric, y->row.metric);
}

int store_get_run_metrics(struct store *s, int64_t run, struct metric_row **out, size_t *n)
{
	sqlite3_stmt *st = NULL;
	struct ordered_row *rows = NULL;
	size_t alloc = 0, i;
	int rc;

	*out = NULL;
	*n = 0;
	/* tasks rank by the first sample the run stored for them (one pass over the run's samples, not one per row) */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT m.task, m.metric, m.value, m.ci_low, m.ci_high, m.n, t.first"
			       " FROM run_metrics m LEFT JOIN (SELECT task, min(rowid) AS first FROM samples"
			       " WHERE run_id = ?1 GROUP BY task) t ON t.task = m.task WHERE m.run_id = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read run metrics");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct ordered_row *r;
		ALLOC_GROW(rows, *n + 1, alloc);
		r = &rows[(*n)++];
		r->row.task = col_text(st, 0);
		r->row.metric = col_text(st, 1);
		r->row.value = sqlite3_column_type(st, 2) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 2);
		r->row.ci_low = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
		r->row.ci_high = sqlite3_column_type(st, 4) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 4);
		r->row.n = sqlite3_column_int64(st, 5);
		r->task_rank = (long)sqlite3_column_int64(st, 6);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < *n; i++) {
			free(rows[i].row.task);
			free(rows[i].row.metric);
		}
		free(rows);
		*n = 0;
		return fail(s, "cannot read run metrics");
	}
	if (*n)
		qsort(rows, *n, sizeof(*rows), cmp_rows);
	*out = xmalloc((*n ? *n : 1) * sizeof(**out));
	for (i = 0; i < *n; i++)
		(*out)[i] = rows[i].row;
	free(rows);
	return 0;
}

void metric_rows_free(struct metric_row *rows, size_t n)
{
	size_t i;

	rowfind_forget(rows);
	for (i = 0; i < n; i++) {
		free(rows[i].task);
		free(rows[i].metric);
	}
	free(rows);
}

/* --- one run's per-sample metrics, for compare ------------------------ */

/* The index of name in (*names)[0..*n-1], appending a copy when it is new. */
static size_t intern(char ***names, size_t *n, size_t *alloc, const char *name)
{
	size_t i;

	for (i = *n; i-- > 0;)
		if (!strcmp((*names)[i], name))
			return i;
	ALLOC_GROW(*names, *n + 1, *alloc);
	(*names)[*n] = xstrdup(name);
	return (*n)++;
}

struct named_index {
	char *name;
	size_t index;
};

static int cmp_named_index(const void *a, const void *b)
{
	return metric_cmp(((const struct named_index *)a)->name, ((const struct named_index *)b)->name);
}

static int cmp_sample_metric(const void *a, const void *b)
{
	const struct sample_metric *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return strcmp(x->sample_id, y->sample_id);
}

int store_get_sample_metrics(struct store *s, int64_t run, struct run_sample_metrics *out)
{
	sqlite3_stmt *st = NULL;
	size_t alloc_tasks = 0, alloc_metrics = 0, alloc_rows = 0, i, *rank = NULL;
	size_t last_task = SIZE_MAX, last_metric = SIZE_MAX;
	struct named_index *order = NULL;
	int rc, ret = -1;

	memset(out, 0, sizeof(*out));
	/* tasks first, ranked by the first sample the run stored for them */
	if (sqlite3_prepare_v2(s->db,
			       "SELECT task FROM samples WHERE run_id = ? GROUP BY task ORDER BY min(rowid)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the run's samples");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		intern(&out->tasks, &out->n_tasks, &alloc_tasks, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return fail(s, "cannot read the run's samples");

	if (sqlite3_prepare_v2(s->db,
			       "SELECT task, metric, sample_id, value FROM sample_metrics WHERE run_id = ?"
			       " ORDER BY task, metric", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "cannot read the run's sample metrics");
	sqlite3_bind_int64(st, 1, run);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *task = (const char *)sqlite3_column_text(st, 0);
		const char *metric = (const char *)sqlite3_column_text(st, 1);
		const char *sid = (const char *)sqlite3_column_text(st, 2);
		struct sample_metric *r;

		if (!task || !metric || !sid)
			continue;
		ALLOC_GROW(out->rows, out->n + 1, alloc_rows);
		r = &out->rows[out->n++];
		/* rows come grouped by task and metric: most lookups repeat the last one */
		if (last_task == SIZE_MAX || strcmp(out->tasks[last_task], task))
			last_task = intern(&out->tasks, &out->n_tasks, &alloc_tasks, task);
		if (last_metric == SIZE_MAX || strcmp(out->metrics[last_metric], metric))
			last_metric = intern(&out->metrics, &out->n_metrics, &alloc_metrics, metric);
		r->task = last_task;
		r->metric = last_metric;
		r->sample_id = xstrdup(sid);
		r->value = sqlite3_column_type(st, 3) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 3);
	}
	if (rc != SQLITE_DONE) {
		fail(s, "cannot read the run's sample metrics");
		goto out;
	}

	/* metric names into display order, and the rows' indexes with them */
	order = xmalloc((out->n_metrics + 1) * sizeof(*order));
	rank = xmalloc((out->n_metrics + 1) * sizeof(*rank));
	for (i = 0; i < out->n_metrics; i++) {
		order[i].name = out->metrics[i];
		order[i].index = i;
	}
	if (out->n_metrics)
		qsort(order, out->n_metrics, sizeof(*order), cmp_named_index);
	for (i = 0; i < out->n_metrics; i++) {
		rank[order[i].index] = i;
		out->metrics[i] = order[i].name;
	}
	for (i = 0; i < out->n; i++)
		out->rows[i].metric = rank[out->rows[i].metric];
	if (out->n)  /* a run without samples has no rows: qsort(NULL, 0) is undefined */
		qsort(out->rows, out->n, sizeof(*out->rows), cmp_sample_metric);
	ret = 0;
out:
	sqlite3_finalize(st);
	free(order);
	free(rank);
	return ret;
}

void run_sample_metrics_release(struct run_sample_metrics *m)
{
	size_t i;

	for (i = 0; i < m->n_tasks; i++)
		free(m->tasks[i]);
	free(m->tasks);
	for (i = 0; i < m->n_metrics; i++)
		free(m->metrics[i]);
	free(m->metrics);
	for (i = 0; i < m->n; i++)
		free(m->rows[i].sample_id);
	free(m->rows);
	memset(m, 0, sizeof(*m));
}
