/* merge.c: `receval merge`: runs of several databases copied into one in a transaction, the shards of a run joined and finished from the database alone. */
#include <sys/stat.h>
#include <sqlite3.h>
#include <cJSON.h>
#include "eval/merge.h"
#include "eval/merge_internal.h"
#include "eval/store_internal.h"
#include "eval/store_scale.h"
#include "eval/finish.h"
#include "eval/shard.h"
#include "lib/uuid.h"

int merge_in_fail(struct merge_input *in, const char *what)
{
	error("%s: %s: %s", in->path, what, in->db ? sqlite3_errmsg(in->db) : "cannot open");
	return EXIT_INPUT;
}

static int table_has(sqlite3 *db, const char *table, const char *column, int *out)
{
	sqlite3_stmt *st = NULL;
	char *sql = column ? xstrfmt("SELECT 1 FROM pragma_table_info('%s') WHERE name = '%s'", table, column)
			   : xstrfmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%s'", table);
	int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);

	free(sql);
	if (rc != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* Open an input read-only and learn what its schema holds. */
static int open_input(struct merge_input *in, const char *path)
{
	static const char *const needed[] = { "runs", "samples", "sample_metrics" };
	sqlite3_stmt *st = NULL;
	size_t i;
	int v = 0, has;

	memset(in, 0, sizeof(*in));
	in->path = path;
	if (access(path, R_OK))
		return error("%s: cannot read: %s", path, strerror(errno)), EXIT_INPUT;
	/*
	 * Nothing is written to an input; it is opened read-write where it
	 * can be, so that closing it removes the -wal and -shm files a reader
	 * of a WAL database makes, and read-only where it cannot.
	 */
	if (sqlite3_open_v2(path, &in->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		sqlite3_close(in->db);
		in->db = NULL;
		if (sqlite3_open_v2(path, &in->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			return merge_in_fail(in, "cannot open");
	}
	sqlite3_busy_timeout(in->db, 10000);
	if (sqlite3_prepare_v2(in->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return merge_in_fail(in, "not a receval database");
	}
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v > STORE_SCHEMA_VERSION)
		return error("%s: made by a newer receval (schema version %d; this one reads up to %d)", path, v,
			     STORE_SCHEMA_VERSION), EXIT_INPUT;
	for (i = 0; i < ARRAY_SIZE(needed); i++) {
		if (table_has(in->db, needed[i], NULL, &has) < 0)
			return merge_in_fail(in, "cannot read the schema");
		if (!has)
			return error("%s: not a receval database (no %s table)", path, needed[i]), EXIT_INPUT;
	}
	if (table_has(in->db, "samples", "transcript", &in->transcript) < 0 ||
	    table_has(in->db, "runs", "run_key", &in->run_key) < 0 ||
	    table_has(in->db, "run_sources", NULL, &in->sources) < 0 ||
	    table_has(in->db, "run_replicas", NULL, &in->replicas) < 0 ||
	    table_has(in->db, "catalogues", NULL, &in->catalogues) < 0 ||
	    table_has(in->db, "cache", NULL, &in->cache) < 0 ||
	    table_has(in->db, "judgments", NULL, &in->judgments) < 0)
		return merge_in_fail(in, "cannot read the schema");
	return 0;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? xstrdup((const char *)t) : NULL;
}

static void add_part(struct merge_run *r, long shard, const char *source, int64_t source_run, const char *status,
		     int64_t samples, int64_t users)
{
	struct merge_part *p;

	r->parts = xrealloc(r->parts, (r->n_parts + 1) * sizeof(*r->parts));
	p = &r->parts[r->n_parts++];
	p->shard = shard;
	p->source = xstrdup(source);
	p->source_run = source_run;
	p->status = xstrdup(status ? status : "");
	p->samples = samples;
	p->users = users;
}

/* The shards run r holds: its merge sources when it is a merged run, else itself. */
static int read_parts(struct merge_run *r)
{
	struct merge_input *in = r->in;
	sqlite3_stmt *st = NULL;
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(r->config, "users_evaluated");
	long i, n, users;
	int rc;

	if (in->sources) {
		if (sqlite3_prepare_v2(in->db, "SELECT shard, shards, source, source_run, status, samples, users"
				       " FROM run_sources WHERE run_id = ? ORDER BY shard", -1, &st, NULL) != SQLITE_OK)
			return merge_in_fail(in, "cannot read");
		sqlite3_bind_int64(st, 1, r->id);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			r->shards = (long)sqlite3_column_int64(st, 1);
			add_part(r, (long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 2),
				 sqlite3_column_int64(st, 3), (const char *)sqlite3_column_text(st, 4),
				 sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6));
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return merge_in_fail(in, "cannot read");
		if (r->n_parts) {
			r->merged = 1;
			return 0;
		}
	}
	if (store_config_shard(r->config_text, &i, &n) < 0)
		return error("%s: run %lld has a malformed configuration (shard)", in->path, (long long)r->id),
		       EXIT_INPUT;
	r->shards = n;
	users = 0;
	if (cJSON_IsNumber(u))
		whole_long(u->valuedouble, 0, LONG_MAX, &users);
	add_part(r, i, in->path, r->id, r->status, r->samples, users);
	return 0;
}

/*
 * A run without a key (a database older than run keys): the key its shards
 * would share, or one of its own. limit: its stored limit (-1 for none).
 */
static char *legacy_key(const struct merge_run *r, long limit)
{
	char key[UUID_TEXT_SIZE], *suite;
	long i, n;

	if (store_config_shard(r->config_text, &i, &n) == 1) {
		suite = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(r->config, "suite"));
		shard_run_key(key, NULL, suite, (uint64_t)r->seed, limit, n, r->model);
		cJSON_free(suite);
	} else {
		/* the same run merged twice gets the same key */
		char *name = xstrfmt("legacy run\n%s\n%s\n%s", r->started_at ? r->started_at : "", r->model,
				     r->config_text ? r->config_text : "");
		uuid_from_name(key, name, strlen(name));
		free(name);
	}
	return xstrdup(key);
}

static int read_runs(struct merge_input *in, struct merge_run **runs, size_t *n, size_t *alloc)
{
	sqlite3_stmt *st = NULL;
	char *sql = xstrfmt("SELECT id, suite, model, status, started_at, config, version, seed, samples, %s"
			    " FROM runs ORDER BY id", in->run_key ? "run_key" : "NULL");
	const char *bad;
	long seed, limit;
	int rc, ret = 0;

	rc = sqlite3_prepare_v2(in->db, sql, -1, &st, NULL);
	free(sql);
	if (rc != SQLITE_OK)
		return merge_in_fail(in, "cannot read its runs");
	while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct merge_run *r;
		ALLOC_GROW(*runs, *n + 1, *alloc);
		r = &(*runs)[(*n)++];
		memset(r, 0, sizeof(*r));
		r->in = in;
		r->id = sqlite3_column_int64(st, 0);
		r->suite = dup_col(st, 1);
		r->model = dup_col(st, 2);
		r->status = dup_col(st, 3);
		r->started_at = dup_col(st, 4);
		r->config_text = dup_col(st, 5);
		r->version = dup_col(st, 6);
		r->seed = sqlite3_column_int64(st, 7);
		r->samples = sqlite3_column_int64(st, 8);
		r->key = dup_col(st, 9);
		r->config = r->config_text ? cJSON_Parse(r->config_text) : NULL;
		if (!r->suite || !r->model || !r->config || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r->config, "suite"))) {
			error("%s: run %lld has no usable configuration (suite, model)", in->path, (long long)r->id);
			ret = EXIT_INPUT;
			break;
		}
		if (store_config_counts(r->config, 0, &seed, &limit, &bad) < 0) {
			error("%s: run %lld has a malformed configuration (%s)", in->path, (long long)r->id, bad);
			ret = EXIT_INPUT;
			break;
		}
		if (!r->key)
			r->key = legacy_key(r, limit);
		ret = read_parts(r);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = merge_in_fail(in, "cannot read its runs");
	sqlite3_finalize(st);
	return ret;
}

/* What a run's configuration says about key, as text for a message ("null" when absent). */
static char *config_text(const cJSON *config, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(config, key);
	char *p = v ? cJSON_PrintUnformatted(v) : NULL, *out = xstrdup(p ? p : "null");

	cJSON_free(p);
	if (strlen(out) > 60)
		memcpy(out + 57, "...", 4);
	return out;
}

/*
 * Why runs a and b (one run's shards, or a run and its earlier merge)
 * cannot be joined, or NULL: the first of shard count, model, seed, limit,
 * dataset catalogue and suite content (naming the suite key) that differs.
 */
char *merge_differs(const cJSON *ca, long shards_a, const char *model_a, const cJSON *cb, long shards_b,
		    const char *model_b)
{
	static const char *const keys[] = { "seed", "limit" };
	const cJSON *sa = cJSON_GetObjectItemCaseSensitive(ca, "suite"), *sb = cJSON_GetObjectItemCaseSensitive(cb, "suite");
	const cJSON *da = cJSON_GetObjectItemCaseSensitive(ca, "dataset"), *db = cJSON_GetObjectItemCaseSensitive(cb, "dataset");
	const cJSON *ka = cJSON_GetObjectItemCaseSensitive(da, "catalogue"), *kb = cJSON_GetObjectItemCaseSensitive(db, "catalogue");
	const cJSON *e;
	size_t i;

	if (shards_a != shards_b)
		return xstrfmt("the shard count differs (%ld and %ld)", shards_a, shards_b);
	if (strcmp(model_a, model_b))
		return xstrfmt("the model differs ('%s' and '%s')", model_a, model_b);
	for (i = 0; i < ARRAY_SIZE(keys); i++)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(ca, keys[i]),
				   cJSON_GetObjectItemCaseSensitive(cb, keys[i]), 1)) {
			char *x = config_text(ca, keys[i]), *y = config_text(cb, keys[i]);
			char *why = xstrfmt("the %s differs (%s and %s)", keys[i], x, y);
			free(x);
			free(y);
			return why;
		}
	if (ka && kb && !cJSON_Compare(ka, kb, 1))
		return xstrdup("the dataset differs (another catalogue of items)");
	if (cJSON_Compare(sa, sb, 1))
		return NULL;
	cJSON_ArrayForEach(e, sa)
		if (!cJSON_Compare(e, cJSON_GetObjectItemCaseSensitive(sb, e->string), 1)) {
			char *x = config_text(sa, e->string), *y = config_text(sb, e->string);
			char *why = xstrfmt("the suite content differs in \"%s\" (%s and %s)", e->string, x, y);
			free(x);
			free(y);
			return why;
		}
	cJSON_ArrayForEach(e, sb)
		if (!cJSON_GetObjectItemCaseSensitive(sa, e->string))
			return xstrfmt("the suite content differs in \"%s\" (absent in one)", e->string);
	return xstrdup("the suite content differs");
}

/* Group runs by run key; check that each group's runs can be joined. */
static int group_runs(struct merge_run *runs, size_t n, struct merge_group **groups, size_t *n_groups)
{
	size_t i, g, alloc = 0;

	for (i = 0; i < n; i++) {
		for (g = 0; g < *n_groups; g++)
			if (!strcmp((*groups)[g].key, runs[i].key))
				break;
		if (g == *n_groups) {
			ALLOC_GROW(*groups, *n_groups + 1, alloc);
			memset(&(*groups)[g], 0, sizeof(**groups));
			(*groups)[g].key = runs[i].key;
			(*n_groups)++;
		} else {
			const struct merge_run *first = &runs[(*groups)[g].runs[0]];
			char *why = merge_differs(first->config, first->shards, first->model, runs[i].config,
						  runs[i].shards, runs[i].model);
			if (why) {
				error("%s: run %lld cannot join run %lld of %s (both of run key %s): %s", runs[i].in->path,
				      (long long)runs[i].id, (long long)first->id, first->in->path, runs[i].key, why);
				free(why);
				return EXIT_INPUT;
			}
		}
		(*groups)[g].runs = xrealloc((*groups)[g].runs, ((*groups)[g].n_runs + 1) * sizeof(size_t));
		(*groups)[g].runs[(*groups)[g].n_runs++] = i;
	}
	return 0;
}

/* The cache and the catalogues of in, into out (what is there already stays). */
static int copy_shared(sqlite3 *out, struct merge_input *in, const char *out_path)
{
	static const char *const tables[][2] = {
		{ "cache", "INSERT OR IGNORE INTO cache (key, response, created_at) VALUES (?, ?, ?)" },
		{ "catalogues", "INSERT OR IGNORE INTO catalogues (key, items, titles) VALUES (?, ?, ?)" },
	};
	static const char *const reads[] = {
		"SELECT key, response, created_at FROM cache", "SELECT key, items, titles FROM catalogues",
	};
	size_t t;
	int i, rc;

	for (t = 0; t < ARRAY_SIZE(tables); t++) {
		sqlite3_stmt *src = NULL, *dst = NULL;
		if (!(t ? in->catalogues : in->cache))
			continue;
		if (sqlite3_prepare_v2(in->db, reads[t], -1, &src, NULL) != SQLITE_OK)
			return merge_in_fail(in, "cannot read");
		if (sqlite3_prepare_v2(out, tables[t][1], -1, &dst, NULL) != SQLITE_OK) {
			sqlite3_finalize(src);
			return error("%s: cannot merge the %s: %s", out_path, tables[t][0], sqlite3_errmsg(out)), EXIT_STORE;
		}
		while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
			sqlite3_reset(dst);
			for (i = 0; i < 3; i++)
				sqlite3_bind_value(dst, i + 1, sqlite3_column_value(src, i));
			if (sqlite3_step(dst) != SQLITE_DONE) {
				error("%s: cannot merge the %s: %s", out_path, tables[t][0], sqlite3_errmsg(out));
				rc = -2;
				break;
			}
		}
		sqlite3_finalize(src);
		sqlite3_finalize(dst);
		if (rc == -2)
			return EXIT_STORE;
		if (rc != SQLITE_DONE)
			return merge_in_fail(in, "cannot read");
	}
	return 0;
}

static void release_runs(struct merge_run *runs, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		struct merge_run *r = &runs[i];
		free(r->key);
		free(r->suite);
		free(r->model);
		free(r->status);
		free(r->started_at);
		free(r->version);
		free(r->config_text);
		cJSON_Delete(r->config);
		for (j = 0; j < r->n_parts; j++) {
			free(r->parts[j].source);
			free(r->parts[j].status);
		}
		free(r->parts);
	}
	free(runs);
}

/* Whether path and other name one file. */
static int same_file(const char *path, const char *other)
{
	struct stat a, b;

	return !stat(path, &a) && !stat(other, &b) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void remove_db(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(suffixes); i++) {
		char *p = xstrfmt("%s%s", path, suffixes[i]);
		unlink(p);
		free(p);
	}
}

int merge_databases(const char *out_path, char *const *inputs, size_t n, int quiet)
{
	struct merge_input *in = xcalloc(n ? n : 1, sizeof(*in));
	struct merge_run *runs = NULL;
	struct merge_group *groups = NULL;
	size_t n_runs = 0, alloc_runs = 0, n_groups = 0, i;
	struct store store;
	struct strbuf judged = STRBUF_INIT;
	int ret = EXIT_OK, created = access(out_path, F_OK) != 0, open = 0, in_tx = 0;

	for (i = 0; i < n && !ret; i++) {
		if (same_file(out_path, inputs[i])) {
			error("merge: '%s' is both the output and an input: name a new database for the output",
			      inputs[i]);
			ret = EXIT_USAGE;
			break;
		}
		ret = open_input(&in[i], inputs[i]);
		if (!ret)
			ret = read_runs(&in[i], &runs, &n_runs, &alloc_runs);
	}
	if (!ret)
		ret = group_runs(runs, n_runs, &groups, &n_groups);
	if (ret)
		goto out;

	if (store_open(&store, out_path) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	open = 1;
	if (sqlite3_exec(store_db(&store), "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		store_sql_fail(&store, "cannot start the merge");
		ret = EXIT_STORE;
		goto out;
	}
	in_tx = 1;
	for (i = 0; i < n && !ret; i++)
		ret = copy_shared(store_db(&store), &in[i], out_path);
	for (i = 0; i < n_groups && !ret; i++)
		ret = merge_group(&store, &groups[i], runs);
	for (i = 0; i < n_groups && !ret; i++)
		ret = merge_finish(&store, &groups[i], runs);
	for (i = 0; i < n && !ret; i++)
		ret = merge_judgments(&store, &in[i], runs, groups, n_groups, &judged);
	if (!ret && sqlite3_exec(store_db(&store), "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		store_sql_fail(&store, "cannot commit the merge");
		ret = EXIT_STORE;
	}
	if (!ret) {
		in_tx = 0;
		for (i = 0; i < n_groups; i++)
			merge_report(&store, &groups[i], runs, quiet);
		if (!quiet)
			fputs(judged.buf, stdout);
	}
out:
	if (in_tx)
		sqlite3_exec(store_db(&store), "ROLLBACK", NULL, NULL, NULL);
	if (open)
		store_close(&store);
	if (ret && created)
		remove_db(out_path);
	for (i = 0; i < n_groups; i++) {
		free(groups[i].runs);
		free(groups[i].status);
	}
	free(groups);
	strbuf_release(&judged);
	release_runs(runs, n_runs);
	for (i = 0; i < n; i++)
		if (in[i].db)
			sqlite3_close(in[i].db);
	free(in);
	return ret;
}
