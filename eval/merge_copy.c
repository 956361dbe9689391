/* merge_copy.c: one group of runs copied into the merged database: the run, its sources, its samples (shards interleaved back into sampled order), replica counts; then finished. */
#include <cJSON.h>
#include "eval/merge_internal.h"
#include "eval/store_internal.h"
#include "eval/store_scale.h"
#include "eval/finish.h"
#include "eval/shard.h"

/* The columns of a sample as read from an input (index: meaning). */
enum {
	C_TASK, C_SID, C_USER, C_TARGET, C_CANDIDATES, C_HISTORY, C_REQUEST, C_RESPONSE, C_RANKING,
	C_GROUNDING, C_STATUS, C_ERROR, C_LATENCY, C_TOKENS_IN, C_TOKENS_OUT, C_CREATED, C_TRANSCRIPT, C__COUNT
};

/* The columns that make a sample's content, as the output's look-up returns them, and their input column. */
static const struct {
	int col;
	const char *name;
} content[] = {
	{ C_USER, "user" }, { C_TARGET, "target" }, { C_CANDIDATES, "candidates" }, { C_HISTORY, "history" },
	{ C_REQUEST, "request" }, { C_RESPONSE, "response" }, { C_RANKING, "ranking" },
	{ C_GROUNDING, "grounding" }, { C_STATUS, "status" }, { C_ERROR, "error" }, { C_TRANSCRIPT, "transcript" },
};

/* The output's statements, prepared once per group. */
struct out_stmts {
	sqlite3_stmt *find, *insert, *metric, *metrics, *del, *del_metrics;
};

static int out_fail(struct store *s, const char *what)
{
	store_sql_fail(s, what);
	return EXIT_STORE;
}

static int prepare_out(struct store *s, struct out_stmts *o)
{
	sqlite3 *db = store_db(s);

	memset(o, 0, sizeof(*o));
	if (sqlite3_prepare_v2(db, "SELECT user, target, candidates, history, request, response, ranking, grounding,"
			       " status, error, transcript FROM samples WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &o->find, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO samples (run_id, task, sample_id, user, target, candidates, history,"
			       " request, response, ranking, grounding, status, error, latency_ms, tokens_in, tokens_out,"
			       " created_at, transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &o->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO sample_metrics (run_id, task, sample_id, metric, value)"
			       " VALUES (?, ?, ?, ?, ?)", -1, &o->metric, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT metric, value FROM sample_metrics WHERE run_id = ? AND task = ?"
			       " AND sample_id = ? ORDER BY metric", -1, &o->metrics, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM samples WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &o->del, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "DELETE FROM sample_metrics WHERE run_id = ? AND task = ? AND sample_id = ?",
			       -1, &o->del_metrics, NULL) != SQLITE_OK)
		return out_fail(s, "cannot prepare the merge");
	return 0;
}

static void release_out(struct out_stmts *o)
{
	sqlite3_finalize(o->find);
	sqlite3_finalize(o->insert);
	sqlite3_finalize(o->metric);
	sqlite3_finalize(o->metrics);
	sqlite3_finalize(o->del);
	sqlite3_finalize(o->del_metrics);
}

int merge_same_value(sqlite3_value *a, sqlite3_value *b)
{
	int t = sqlite3_value_type(a);
	double x, y;

	if (t != sqlite3_value_type(b))
		return 0;
	switch (t) {
	case SQLITE_NULL:
		return 1;
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT:
		x = sqlite3_value_double(a);
		y = sqlite3_value_double(b);
		return !memcmp(&x, &y, sizeof(x));
	default:
		return sqlite3_value_bytes(a) == sqlite3_value_bytes(b) &&
		       !memcmp(sqlite3_value_blob(a), sqlite3_value_blob(b), (size_t)sqlite3_value_bytes(a));
	}
}

static void bind_key(sqlite3_stmt *st, int64_t run, sqlite3_stmt *src)
{
	sqlite3_reset(st);
	sqlite3_bind_int64(st, 1, run);
	sqlite3_bind_value(st, 2, sqlite3_column_value(src, C_TASK));
	sqlite3_bind_value(st, 3, sqlite3_column_value(src, C_SID));
}

/* The input's metrics of the sample src is on, into the output's run (insert), or compared with its own. */
static int metrics(struct store *s, struct merge_run *r, sqlite3_stmt *mst, struct out_stmts *o, int64_t target,
		   sqlite3_stmt *src, int insert, int *same)
{
	int rc, orc = SQLITE_DONE;

	bind_key(mst, r->id, src);
	if (!insert)
		bind_key(o->metrics, target, src);
	*same = 1;
	while ((rc = sqlite3_step(mst)) == SQLITE_ROW) {
		if (insert) {
			sqlite3_reset(o->metric);
			sqlite3_bind_int64(o->metric, 1, target);
			sqlite3_bind_value(o->metric, 2, sqlite3_column_value(src, C_TASK));
			sqlite3_bind_value(o->metric, 3, sqlite3_column_value(src, C_SID));
			sqlite3_bind_value(o->metric, 4, sqlite3_column_value(mst, 0));
			sqlite3_bind_value(o->metric, 5, sqlite3_column_value(mst, 1));
			if (sqlite3_step(o->metric) != SQLITE_DONE)
				return out_fail(s, "cannot merge a metric");
			continue;
		}
		orc = sqlite3_step(o->metrics);
		if (orc != SQLITE_ROW || !merge_same_value(sqlite3_column_value(mst, 0), sqlite3_column_value(o->metrics, 0)) ||
		    !merge_same_value(sqlite3_column_value(mst, 1), sqlite3_column_value(o->metrics, 1))) {
			*same = 0;
			break;
		}
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return merge_in_fail(r->in, "cannot read the sample metrics");
	if (!insert && *same && sqlite3_step(o->metrics) == SQLITE_ROW)
		*same = 0;  /* the output's sample has more metrics */
	return 0;
}

static int insert_sample(struct store *s, struct merge_run *r, sqlite3_stmt *mst, struct out_stmts *o,
			 int64_t target, sqlite3_stmt *src)
{
	int i, same;

	sqlite3_reset(o->insert);
	sqlite3_bind_int64(o->insert, 1, target);
	for (i = 0; i < C__COUNT; i++)
		sqlite3_bind_value(o->insert, i + 2, sqlite3_column_value(src, i));
	if (sqlite3_step(o->insert) != SQLITE_DONE)
		return out_fail(s, "cannot merge a sample");
	return metrics(s, r, mst, o, target, src, 1, &same);
}

/* One sample of run r (src is on it) into g's run: inserted, skipped as already there, or a conflict. */
static int merge_sample(struct store *s, struct merge_group *g, struct merge_run *r, sqlite3_stmt *mst,
			struct out_stmts *o, sqlite3_stmt *src)
{
	const char *in_status = (const char *)sqlite3_column_text(src, C_STATUS), *ex_status;
	int rc = 0, found, same, i;
	size_t c;

	bind_key(o->find, g->target, src);
	found = sqlite3_step(o->find);
	if (found != SQLITE_ROW && found != SQLITE_DONE)
		return out_fail(s, "cannot read the merged samples");
	if (found == SQLITE_DONE) {
		g->inserted++;
		return insert_sample(s, r, mst, o, g->target, src);
	}
	ex_status = (const char *)sqlite3_column_text(o->find, 8);
	if (in_status && !strcmp(in_status, "error"))
		return 0;  /* an error never replaces what is there */
	if (ex_status && !strcmp(ex_status, "error")) {
		/* a sample that failed before and completed since (a resumed shard) */
		bind_key(o->del, g->target, src);
		bind_key(o->del_metrics, g->target, src);
		sqlite3_reset(o->find);
		if (sqlite3_step(o->del) != SQLITE_DONE || sqlite3_step(o->del_metrics) != SQLITE_DONE)
			return out_fail(s, "cannot replace a sample");
		g->replaced++;
		return insert_sample(s, r, mst, o, g->target, src);
	}
	for (c = 0; c < ARRAY_SIZE(content); c++)
		if (!merge_same_value(sqlite3_column_value(o->find, (int)c), sqlite3_column_value(src, content[c].col)))
			break;
	i = (int)c;
	if (c == ARRAY_SIZE(content) && (rc = metrics(s, r, mst, o, g->target, src, 0, &same)) == 0 && same) {
		sqlite3_reset(o->find);
		return 0;
	}
	if (!rc)
		error("%s: run %lld: sample %s/%s was merged before with other content (its %s differs): "
		      "the shards disagree", r->in->path, (long long)r->id, (const char *)sqlite3_column_text(src, C_TASK),
		      (const char *)sqlite3_column_text(src, C_SID),
		      i < (int)ARRAY_SIZE(content) ? content[i].name : "metrics");
	sqlite3_reset(o->find);
	return rc ? rc : EXIT_INPUT;
}

/* The tasks of run r in the order it stored them, appended to names when new. */
static int run_tasks(struct merge_run *r, char ***names, size_t *n, size_t *alloc)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(r->in->db, "SELECT task FROM samples WHERE run_id = ? GROUP BY task ORDER BY min(rowid)",
			       -1, &st, NULL) != SQLITE_OK)
		return merge_in_fail(r->in, "cannot read the samples");
	sqlite3_bind_int64(st, 1, r->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; t && i < *n; i++)
			if (!strcmp((*names)[i], t))
				break;
		if (!t || i < *n)
			continue;
		ALLOC_GROW(*names, *n + 1, *alloc);
		(*names)[(*n)++] = xstrdup(t);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : merge_in_fail(r->in, "cannot read the samples");
}

static long first_shard(const struct merge_run *r)
{
	long m = LONG_MAX;
	size_t i;

	for (i = 0; i < r->n_parts; i++)
		if (r->parts[i].shard < m)
			m = r->parts[i].shard;
	return m;
}

/* Step run u's cursor: on to its next row, or finalized and cleared (live counts down) at its end. */
static int step_row(struct merge_run *r, sqlite3_stmt **cur, size_t u, size_t *live)
{
	int rc;

	if (!cur[u])
		return 0;
	rc = sqlite3_step(cur[u]);
	if (rc == SQLITE_ROW)
		return 0;
	sqlite3_finalize(cur[u]);
	cur[u] = NULL;
	(*live)--;
	return rc == SQLITE_DONE ? 0 : merge_in_fail(r->in, "cannot read the samples");
}

/*
 * The samples of g's runs, task by task, in the order the run made
 * unsharded stores them. A run stores its users' samples in the order of
 * the users' ids (split_order_users()), and each user is in one shard, so
 * the samples with a user are taken smallest user first; samples without
 * one (questions, dealt to shards in turn: question i to shard i mod N) are
 * taken one from each run in turn, runs in shard order.
 */
static int copy_samples(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	struct out_stmts o;
	size_t *order = xmalloc(g->n_runs * sizeof(*order)), n_tasks = 0, alloc = 0, t, u, v;
	sqlite3_stmt **cur = xcalloc(g->n_runs, sizeof(*cur)), **mst = xcalloc(g->n_runs, sizeof(*mst));
	char **tasks = NULL;
	int ret = prepare_out(s, &o);

	for (u = 0; u < g->n_runs; u++)
		order[u] = g->runs[u];
	for (u = 1; u < g->n_runs; u++)  /* insertion sort by first shard, stable */
		for (v = u; v > 0 && first_shard(&runs[order[v]]) < first_shard(&runs[order[v - 1]]); v--) {
			size_t x = order[v];
			order[v] = order[v - 1];
			order[v - 1] = x;
		}
	for (u = 0; u < g->n_runs && !ret; u++) {
		struct merge_run *r = &runs[order[u]];
		ret = run_tasks(r, &tasks, &n_tasks, &alloc);
		if (!ret && sqlite3_prepare_v2(r->in->db, "SELECT metric, value FROM sample_metrics WHERE run_id = ?"
					       " AND task = ? AND sample_id = ? ORDER BY metric", -1, &mst[u], NULL) != SQLITE_OK)
			ret = merge_in_fail(r->in, "cannot read the sample metrics");
	}
	for (t = 0; t < n_tasks && !ret; t++) {
		size_t live = 0, turn = 0;
		for (u = 0; u < g->n_runs && !ret; u++) {
			struct merge_run *r = &runs[order[u]];
			char *sql = xstrfmt("SELECT task, sample_id, user, target, candidates, history, request, response,"
					    " ranking, grounding, status, error, latency_ms, tokens_in, tokens_out, created_at,"
					    " %s FROM samples WHERE run_id = ? AND task = ? ORDER BY rowid",
					    r->in->transcript ? "transcript" : "NULL");
			if (sqlite3_prepare_v2(r->in->db, sql, -1, &cur[u], NULL) != SQLITE_OK)
				ret = merge_in_fail(r->in, "cannot read the samples");
			free(sql);
			if (ret)
				break;
			sqlite3_bind_int64(cur[u], 1, r->id);
			sqlite3_bind_text(cur[u], 2, tasks[t], -1, SQLITE_STATIC);
			live++;
		}
		/* every cursor stepped onto its first row: the next sample to copy is chosen among them */
		for (u = 0; u < g->n_runs && !ret; u++)
			ret = step_row(&runs[order[u]], cur, u, &live);
		while (live && !ret) {
			size_t pick = SIZE_MAX;
			for (v = 0; v < g->n_runs; v++) {
				const char *a, *b;
				u = (turn + v) % g->n_runs;
				if (!cur[u])
					continue;
				if (pick == SIZE_MAX) {
					pick = u;
					continue;
				}
				a = (const char *)sqlite3_column_text(cur[u], C_USER);
				b = (const char *)sqlite3_column_text(cur[pick], C_USER);
				if (a && b && strcmp(a, b) < 0)
					pick = u;
			}
			ret = merge_sample(s, g, &runs[order[pick]], mst[pick], &o, cur[pick]);
			turn = pick + 1;
			if (!ret)
				ret = step_row(&runs[order[pick]], cur, pick, &live);
		}
		for (u = 0; u < g->n_runs; u++) {
			sqlite3_finalize(cur[u]);
			cur[u] = NULL;
		}
	}
	if (g->inserted || g->replaced)
		g->changed = 1;
	for (u = 0; u < g->n_runs; u++)
		sqlite3_finalize(mst[u]);
	for (t = 0; t < n_tasks; t++)
		free(tasks[t]);
	free(tasks);
	free(cur);
	free(mst);
	free(order);
	release_out(&o);
	return ret;
}

/*
 * A run of g's key that the output holds without a merge having made it
 * (`receval run --shard I/N --db OUT.db`): g's runs join it in place, its
 * id kept, itself recorded as the source of its shard (the output being
 * its database). 1 when g->target is that run, 0 when there is none, or an
 * exit code: it is still running, it cannot join g's runs, or the output
 * holds two such runs of the key (which of them would the others join?).
 */
static int adopt_unmerged(struct store *s, struct merge_group *g, const struct merge_run *base)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int64_t id = 0, other = 0, samples = 0;
	char *config_text = NULL, *model = NULL, *status = NULL, *why = NULL, now[32];
	cJSON *config = NULL;
	const cJSON *u;
	long i, n, users = 0;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(db, "SELECT id, config, model, status, samples FROM runs r WHERE run_key = ?"
			       " AND NOT EXISTS (SELECT 1 FROM run_sources WHERE run_id = r.id) ORDER BY id LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK)
		return out_fail(s, "cannot read runs");
	sqlite3_bind_text(st, 1, g->key, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (id) {
			other = sqlite3_column_int64(st, 0);
			continue;
		}
		id = sqlite3_column_int64(st, 0);
		config_text = store_col_dup(st, 1);
		model = store_col_dup(st, 2);
		status = store_col_dup(st, 3);
		samples = sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ret = out_fail(s, "cannot read runs");
		goto out;
	}
	if (!id)
		goto out;
	config = config_text ? cJSON_Parse(config_text) : NULL;
	if (other) {
		error("%s: runs %lld and %lld there are both of run key %s and neither was made by a merge: merge them "
		      "with %s into a new database instead (receval merge NEW.db %s %s ...)", s->path, (long long)id,
		      (long long)other, g->key, base->in->path, s->path, base->in->path);
		ret = EXIT_INPUT;
	} else if (!config || store_config_shard(config_text, &i, &n) < 0) {
		error("%s: run %lld has a malformed configuration (shard)", s->path, (long long)id);
		ret = EXIT_INPUT;
	} else if (status && !strcmp(status, "running")) {
		error("%s: run %lld (shard %ld/%ld of run key %s) is still running there: let it finish, or resume it "
		      "(receval run --resume %lld --db %s), then merge", s->path, (long long)id, i, n, g->key,
		      (long long)id, s->path);
		ret = EXIT_INPUT;
	} else if ((why = merge_differs(config, n, model ? model : "", base->config, base->shards, base->model))) {
		error("%s: run %lld cannot join run %lld of %s (both of run key %s): %s", base->in->path,
		      (long long)base->id, (long long)id, s->path, g->key, why);
		ret = EXIT_INPUT;
	}
	if (ret)
		goto out;
	/* the run becomes a merged one: its own shard is its first source */
	u = cJSON_GetObjectItemCaseSensitive(config, "users_evaluated");
	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(db, "INSERT INTO run_sources (run_id, shard, shards, source, source_run, status, samples,"
			       " users, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		ret = out_fail(s, "cannot record the run's sources");
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, i);
	sqlite3_bind_int64(st, 3, n);
	sqlite3_bind_text(st, 4, s->path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, id);
	sqlite3_bind_text(st, 6, status ? status : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, samples);
	if (cJSON_IsNumber(u))
		whole_long(u->valuedouble, 0, LONG_MAX, &users);
	sqlite3_bind_int64(st, 8, users);
	sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ret = out_fail(s, "cannot record the run's sources");
		goto out;
	}
	g->target = id;
	g->changed = 1;
	ret = 1;
out:
	free(why);
	cJSON_Delete(config);
	free(config_text);
	free(model);
	free(status);
	return ret;
}

/*
 * The output's run of g's key made by an earlier merge, checked against
 * g's first run; else one of the key that the output holds unmerged
 * (adopt_unmerged()); else a new one.
 */
static int find_or_create(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	struct merge_run *base = &runs[g->runs[0]];
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	const char *started = base->started_at;
	cJSON *config;
	char *text;
	size_t i;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT r.id, r.config, r.model, (SELECT max(shards) FROM run_sources WHERE run_id = r.id)"
			       " FROM runs r WHERE r.run_key = ? AND EXISTS (SELECT 1 FROM run_sources WHERE run_id = r.id)"
			       " ORDER BY r.id LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return out_fail(s, "cannot read runs");
	sqlite3_bind_text(st, 1, g->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		cJSON *c = cJSON_Parse((const char *)sqlite3_column_text(st, 1));
		const char *model = (const char *)sqlite3_column_text(st, 2);
		char *why = merge_differs(c, (long)sqlite3_column_int64(st, 3), model ? model : "", base->config,
					  base->shards, base->model);
		g->target = sqlite3_column_int64(st, 0);
		cJSON_Delete(c);
		sqlite3_finalize(st);
		if (why) {
			error("%s: run %lld cannot join run %lld of %s (both of run key %s): %s", base->in->path,
			      (long long)base->id, (long long)g->target, s->path, g->key, why);
			free(why);
			return EXIT_INPUT;
		}
		return 0;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return out_fail(s, "cannot read runs");
	rc = adopt_unmerged(s, g, base);
	if (rc)
		return rc == 1 ? 0 : rc;

	/* a new run: the configuration of its lowest shard, as the run made unsharded would have it */
	for (i = 1; i < g->n_runs; i++) {
		struct merge_run *r = &runs[g->runs[i]];
		if (first_shard(r) < first_shard(base))
			base = r;
		if (r->started_at && (!started || strcmp(r->started_at, started) < 0))
			started = r->started_at;
	}
	config = cJSON_Duplicate(base->config, 1);
	cJSON_ReplaceItemInObjectCaseSensitive(config, "shard", cJSON_CreateNull());
	text = cJSON_PrintUnformatted(config);
	cJSON_Delete(config);
	if (sqlite3_prepare_v2(db, "INSERT INTO runs (suite, model, status, started_at, config, version, seed, samples,"
			       " errors, run_key) VALUES (?, ?, 'running', ?, ?, ?, ?, 0, 0, ?)", -1, &st, NULL) != SQLITE_OK) {
		cJSON_free(text);
		return out_fail(s, "cannot record the run");
	}
	sqlite3_bind_text(st, 1, base->suite, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, base->model, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, started ? started : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, base->version ? base->version : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, base->seed);
	sqlite3_bind_text(st, 7, g->key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	cJSON_free(text);
	if (rc != SQLITE_DONE)
		return out_fail(s, "cannot record the run");
	g->target = sqlite3_last_insert_rowid(db);
	g->created = g->changed = 1;
	return 0;
}

/* The shards g's runs hold, as the run's sources; a shard merged before is replaced only by a finished one. */
static int add_sources(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	sqlite3_stmt *st = NULL;
	char now[32];
	size_t i, j;
	int ret = 0;

	iso_time(now, sizeof(now));
	if (sqlite3_prepare_v2(store_db(s),
			       "INSERT INTO run_sources (run_id, shard, shards, source, source_run, status, samples, users,"
			       " merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, shard) DO UPDATE SET"
			       " source = excluded.source, source_run = excluded.source_run, status = excluded.status,"
			       " samples = excluded.samples, users = excluded.users, merged_at = excluded.merged_at"
			       " WHERE excluded.status = 'done' AND run_sources.status != 'done'", -1, &st, NULL) != SQLITE_OK)
		return out_fail(s, "cannot record the run's sources");
	for (i = 0; i < g->n_runs && !ret; i++) {
		const struct merge_run *r = &runs[g->runs[i]];
		for (j = 0; j < r->n_parts && !ret; j++) {
			const struct merge_part *p = &r->parts[j];
			sqlite3_reset(st);
			sqlite3_bind_int64(st, 1, g->target);
			sqlite3_bind_int64(st, 2, p->shard);
			sqlite3_bind_int64(st, 3, r->shards);
			sqlite3_bind_text(st, 4, p->source, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 5, p->source_run);
			sqlite3_bind_text(st, 6, p->status, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 7, p->samples);
			sqlite3_bind_int64(st, 8, p->users);
			sqlite3_bind_text(st, 9, now, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE)
				ret = out_fail(s, "cannot record the run's sources");
			else if (sqlite3_changes(store_db(s)))
				g->changed = 1;
		}
	}
	sqlite3_finalize(st);
	return ret;
}

/* The replicas' request counts of g's runs, by shard (already there: kept). */
static int copy_replicas(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	sqlite3_stmt *dst = NULL;
	size_t i;
	int ret = 0, rc, k;

	if (sqlite3_prepare_v2(store_db(s), "INSERT OR IGNORE INTO run_replicas (run_id, shard, role, replica, requests,"
			       " failures, rests) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &dst, NULL) != SQLITE_OK)
		return out_fail(s, "cannot merge the replica counts");
	for (i = 0; i < g->n_runs && !ret; i++) {
		struct merge_run *r = &runs[g->runs[i]];
		sqlite3_stmt *src = NULL;
		if (!r->in->replicas)
			continue;
		if (sqlite3_prepare_v2(r->in->db, "SELECT shard, role, replica, requests, failures, rests FROM run_replicas"
				       " WHERE run_id = ?", -1, &src, NULL) != SQLITE_OK) {
			ret = merge_in_fail(r->in, "cannot read the replica counts");
			break;
		}
		sqlite3_bind_int64(src, 1, r->id);
		while (!ret && (rc = sqlite3_step(src)) == SQLITE_ROW) {
			sqlite3_reset(dst);
			sqlite3_bind_int64(dst, 1, g->target);
			for (k = 0; k < 6; k++)
				sqlite3_bind_value(dst, k + 2, sqlite3_column_value(src, k));
			if (sqlite3_step(dst) != SQLITE_DONE)
				ret = out_fail(s, "cannot merge the replica counts");
			else if (sqlite3_changes(store_db(s)))
				g->changed = 1;
		}
		if (!ret && rc != SQLITE_DONE)
			ret = merge_in_fail(r->in, "cannot read the replica counts");
		sqlite3_finalize(src);
	}
	sqlite3_finalize(dst);
	return ret;
}

int merge_group(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	int ret = find_or_create(s, g, runs);

	if (!ret)
		ret = add_sources(s, g, runs);
	if (!ret)
		ret = copy_samples(s, g, runs);
	if (!ret)
		ret = copy_replicas(s, g, runs);
	return ret;
}

int merge_finish(struct store *s, struct merge_group *g, struct merge_run *runs)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int64_t present = 0, shards = 1, samples = 0, users = 0, done = 0, failed = 0;
	struct run_info ri;
	cJSON *config = NULL;
	char *text;
	int rc;

	(void)runs;
	if (!g->changed)
		return 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*), max(shards), sum(samples), sum(users), sum(status = 'done'),"
			       " sum(status = 'failed') FROM run_sources WHERE run_id = ?", -1, &st, NULL) != SQLITE_OK)
		return out_fail(s, "cannot read the run's sources");
	sqlite3_bind_int64(st, 1, g->target);
	if (sqlite3_step(st) == SQLITE_ROW) {
		present = sqlite3_column_int64(st, 0);
		shards = sqlite3_column_int64(st, 1);
		samples = sqlite3_column_int64(st, 2);
		users = sqlite3_column_int64(st, 3);
		done = sqlite3_column_int64(st, 4);
		failed = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	g->status = xstrdup(present < shards ? "partial" : failed ? "failed" : done == present ? "done" : "interrupted");

	/* the configuration the run made unsharded has: no shard, every user evaluated */
	rc = store_get_run(s, g->target, &ri);
	if (rc <= 0)
		return rc < 0 ? EXIT_STORE : out_fail(s, "the merged run vanished");
	config = ri.config ? cJSON_Parse(ri.config) : NULL;
	run_info_release(&ri);
	if (!config)
		return out_fail(s, "the merged run's configuration is not JSON");
	cJSON_ReplaceItemInObjectCaseSensitive(config, "shard", cJSON_CreateNull());
	if (cJSON_GetObjectItemCaseSensitive(config, "users_evaluated"))
		cJSON_ReplaceItemInObjectCaseSensitive(config, "users_evaluated", cJSON_CreateNumber((double)users));
	text = cJSON_PrintUnformatted(config);
	cJSON_Delete(config);
	if (sqlite3_prepare_v2(db, "UPDATE runs SET config = ?, samples = ? WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		cJSON_free(text);
		return out_fail(s, "cannot update the run");
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, samples);
	sqlite3_bind_int64(st, 3, g->target);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	cJSON_free(text);
	if (rc != SQLITE_DONE)
		return out_fail(s, "cannot update the run");
	return run_finish(s, g->target, g->status, NULL) < 0 ? EXIT_STORE : 0;
}

void merge_report(struct store *s, const struct merge_group *g, const struct merge_run *runs, int quiet)
{
	const struct merge_run *r = &runs[g->runs[0]];
	struct run_info ri;
	struct run_scale sc;

	if (store_get_run(s, g->target, &ri) != 1)
		return;
	if (shard_describe(&sc, s, &ri) < 0)
		memset(&sc, 0, sizeof(sc));
	if (!quiet) {
		printf("run %lld  %s on %s  ", (long long)g->target, r->model, r->suite);
		if (sc.shards > 1)
			printf("shards %s  ", sc.shard);
		if (!g->changed)
			printf("unchanged (%s)\n", ri.status);
		else
			printf("%s: %s  (%zu samples added%s)\n", g->created ? "new" : "updated", ri.status, g->inserted,
			       g->replaced ? ", failed ones completed" : "");
	}
	if (g->changed && !strcmp(ri.status, "partial"))
		warning("run %lld (%s on %s) is partial: shard%s %s of %ld missing; merge their databases in when "
			"they are done", (long long)g->target, r->model, r->suite, strchr(sc.missing, ',') ||
			strchr(sc.missing, '-') ? "s" : "", sc.missing, sc.shards);
	run_info_release(&ri);
}
