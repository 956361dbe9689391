/* merge_judge.c: the judgments of `receval judge` copied by a merge, their runs named by their ids in the output, with the samples' conflict rules. */
#include "eval/merge_internal.h"
#include "eval/store_internal.h"
#include "eval/store_judge.h"

/* The columns of a judgment as read from an input (index: meaning). */
enum {
	J_ID, J_KIND, J_RUN_A, J_RUN_B, J_JUDGE, J_LABELS, J_STATUS, J_STARTED, J_FINISHED, J_SAMPLES, J_ERRORS,
	J_CONFIG, J_VERSION, J__COUNT
};

#define JUDGMENT_COLUMNS \
	"id, kind, run_a, run_b, judge, labels, status, started_at, finished_at, samples, errors, config, version"
#define SAMPLE_COLUMNS \
	"task, sample_id, question, answer_a, answer_b, verdict_ab, verdict_ba, outcome, status, error, transcript"
#define SAMPLE_COUNT 11
#define METRIC_COLUMNS "task, metric, value, ci_low, ci_high, n"
#define METRIC_COUNT 6

/* The output's id of run `id` of input in (0 when the input holds no such run: deleted since it was judged). */
static int64_t output_run(const struct merge_input *in, int64_t id, const struct merge_run *runs,
			  const struct merge_group *groups, size_t n_groups, const struct merge_run **found)
{
	size_t g, i;

	for (g = 0; g < n_groups; g++)
		for (i = 0; i < groups[g].n_runs; i++) {
			const struct merge_run *r = &runs[groups[g].runs[i]];
			if (r->in == in && r->id == id) {
				*found = r;
				return groups[g].target;
			}
		}
	return 0;
}

/* Step two statements in step, comparing every row: 1 when they hold the same rows, 0 when not, -1 on an error. */
static int same_rows(sqlite3_stmt *a, sqlite3_stmt *b, int columns)
{
	int ra, rb, i;

	for (;;) {
		ra = sqlite3_step(a);
		rb = sqlite3_step(b);
		if (ra != SQLITE_ROW || rb != SQLITE_ROW)
			break;
		for (i = 0; i < columns; i++)
			if (!merge_same_value(sqlite3_column_value(a, i), sqlite3_column_value(b, i)))
				return 0;
	}
	if ((ra != SQLITE_ROW && ra != SQLITE_DONE) || (rb != SQLITE_ROW && rb != SQLITE_DONE))
		return -1;
	return ra == rb;
}

/*
 * Whether the rows of judgment `in_id` (input) and `out_id` (output) in
 * table (samples or metrics) are the same: 1, 0, or an exit code (< 0 is
 * never returned: errors are printed and become EXIT_INPUT / EXIT_STORE).
 */
static int same_table(struct store *s, struct merge_input *in, int64_t in_id, int64_t out_id, int samples,
		      const char **differs)
{
	const char *cols = samples ? SAMPLE_COLUMNS : METRIC_COLUMNS;
	const char *order = samples ? "task, sample_id" : "task, metric";
	const char *table = samples ? "judgment_samples" : "judgment_metrics";
	char *sql = xstrfmt("SELECT %s FROM %s WHERE judgment_id = ? ORDER BY %s", cols, table, order);
	sqlite3_stmt *a = NULL, *b = NULL;
	int rc;

	if (sqlite3_prepare_v2(in->db, sql, -1, &a, NULL) != SQLITE_OK) {
		free(sql);
		return merge_in_fail(in, "cannot read its judgments");
	}
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &b, NULL) != SQLITE_OK) {
		free(sql);
		sqlite3_finalize(a);
		store_sql_fail(s, "cannot read the merged judgments");
		return EXIT_STORE;
	}
	free(sql);
	sqlite3_bind_int64(a, 1, in_id);
	sqlite3_bind_int64(b, 1, out_id);
	rc = same_rows(a, b, samples ? SAMPLE_COUNT : METRIC_COUNT);
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	if (rc < 0) {
		error("%s: cannot compare judgment %lld with the one merged before: %s", in->path, (long long)in_id,
		      sqlite3_errmsg(in->db));
		return EXIT_INPUT;
	}
	if (!rc)
		*differs = samples ? "its samples differ" : "its figures differ";
	return rc;
}

/* Copy the samples and figures of input judgment in_id to output judgment out_id. 0 or an exit code. */
static int copy_rows(struct store *s, struct merge_input *in, int64_t in_id, int64_t out_id)
{
	static const struct {
		const char *table, *cols;
		int n;
	} t[] = {
		{ "judgment_samples", SAMPLE_COLUMNS, SAMPLE_COUNT },
		{ "judgment_metrics", METRIC_COLUMNS, METRIC_COUNT },
	};
	size_t k;
	int i, rc, ret = 0;

	for (k = 0; k < ARRAY_SIZE(t) && !ret; k++) {
		sqlite3_stmt *src = NULL, *dst = NULL;
		char *read = xstrfmt("SELECT %s FROM %s WHERE judgment_id = ?", t[k].cols, t[k].table);
		struct strbuf ins = STRBUF_INIT;

		strbuf_addf(&ins, "INSERT INTO %s (judgment_id, %s) VALUES (?", t[k].table, t[k].cols);
		for (i = 0; i < t[k].n; i++)
			strbuf_addstr(&ins, ", ?");
		strbuf_addch(&ins, ')');
		if (sqlite3_prepare_v2(in->db, read, -1, &src, NULL) != SQLITE_OK)
			ret = merge_in_fail(in, "cannot read its judgments");
		else if (sqlite3_prepare_v2(store_db(s), ins.buf, -1, &dst, NULL) != SQLITE_OK)
			ret = (store_sql_fail(s, "cannot merge a judgment"), EXIT_STORE);
		free(read);
		strbuf_release(&ins);
		if (!ret) {
			sqlite3_bind_int64(src, 1, in_id);
			while (!ret && (rc = sqlite3_step(src)) == SQLITE_ROW) {
				sqlite3_reset(dst);
				sqlite3_bind_int64(dst, 1, out_id);
				for (i = 0; i < t[k].n; i++)
					sqlite3_bind_value(dst, i + 2, sqlite3_column_value(src, i));
				if (sqlite3_step(dst) != SQLITE_DONE)
					ret = (store_sql_fail(s, "cannot merge a judgment"), EXIT_STORE);
			}
			if (!ret && rc != SQLITE_DONE)
				ret = merge_in_fail(in, "cannot read its judgments");
		}
		sqlite3_finalize(src);
		sqlite3_finalize(dst);
	}
	return ret;
}

static void bind_run(sqlite3_stmt *st, int i, int64_t run)
{
	if (run)
		sqlite3_bind_int64(st, i, run);
	else
		sqlite3_bind_null(st, i);
}

/* Insert the judgment src is on as a new one of the output, or (replace) overwrite judgment *out_id with it. */
static int put_judgment(struct store *s, struct merge_input *in, sqlite3_stmt *src, int64_t a, int64_t b,
			int64_t *out_id, int replace)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int i, rc;

	if (replace) {
		static const char *const del[] = {
			"DELETE FROM judgment_samples WHERE judgment_id = ?", "DELETE FROM judgment_metrics WHERE judgment_id = ?",
			"DELETE FROM judgments WHERE id = ?",
		};
		size_t k;
		for (k = 0; k < ARRAY_SIZE(del); k++) {
			if (sqlite3_prepare_v2(db, del[k], -1, &st, NULL) != SQLITE_OK)
				return store_sql_fail(s, "cannot replace a judgment"), EXIT_STORE;
			sqlite3_bind_int64(st, 1, *out_id);
			rc = sqlite3_step(st);
			sqlite3_finalize(st);
			if (rc != SQLITE_DONE)
				return store_sql_fail(s, "cannot replace a judgment"), EXIT_STORE;
		}
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO judgments (id, kind, run_a, run_b, judge, labels, status, started_at,"
			       " finished_at, samples, errors, config, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot merge a judgment"), EXIT_STORE;
	/* a replaced judgment keeps its id (reports and gates name it); a new one gets the next */
	if (replace)
		sqlite3_bind_int64(st, 1, *out_id);
	else
		sqlite3_bind_null(st, 1);
	for (i = J_KIND; i < J__COUNT; i++)
		sqlite3_bind_value(st, i + 1, sqlite3_column_value(src, i));
	bind_run(st, J_RUN_A + 1, a);
	bind_run(st, J_RUN_B + 1, b);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_sql_fail(s, "cannot merge a judgment"), EXIT_STORE;
	*out_id = sqlite3_last_insert_rowid(db);
	return copy_rows(s, in, sqlite3_column_int64(src, J_ID), *out_id);
}

/* Output judgments this merge has matched or written: each stands for one input judgment only. */
struct judged_ids {
	int64_t *id;
	size_t n, alloc;
};

static int judged_has(const struct judged_ids *u, int64_t id)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (u->id[i] == id)
			return 1;
	return 0;
}

static void judged_add(struct judged_ids *u, int64_t id)
{
	ALLOC_GROW(u->id, u->n + 1, u->alloc);
	u->id[u->n++] = id;
}

/*
 * The output's judgment that is src's: one `receval judge` copied before
 * has the same kind, runs, judge, labels and start (to the second, so two
 * judgments started together share them: each output judgment stands for
 * one input judgment, those in *used are passed over). Into *out_id the
 * one whose content is the same (*same = 1), else the first of them
 * (*same = 0, *differs says what differs), else 0.
 */
static int find_judgment(struct store *s, struct merge_input *in, sqlite3_stmt *src, int64_t a, int64_t b,
			 const struct judged_ids *used, int64_t *out_id, int *same, const char **differs,
			 char **out_status)
{
	static const int rest[] = { J_STATUS, J_FINISHED, J_SAMPLES, J_ERRORS, J_CONFIG, J_VERSION };
	static const char *const rest_names[] = {
		"its status differs", "its finish differs", "its sample count differs", "its error count differs",
		"its config differs", "its version differs",
	};
	sqlite3_stmt *st = NULL;
	size_t k;
	int rc = SQLITE_DONE, ret = 0;

	*out_id = 0;
	*same = 0;
	*out_status = NULL;
	if (sqlite3_prepare_v2(store_db(s), "SELECT id, status, finished_at, samples, errors, config, version FROM judgments"
			       " WHERE kind IS ? AND run_a IS ? AND run_b IS ? AND judge IS ? AND labels IS ? AND started_at IS ?"
			       " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot read the merged judgments"), EXIT_STORE;
	sqlite3_bind_value(st, 1, sqlite3_column_value(src, J_KIND));
	bind_run(st, 2, a);
	bind_run(st, 3, b);
	sqlite3_bind_value(st, 4, sqlite3_column_value(src, J_JUDGE));
	sqlite3_bind_value(st, 5, sqlite3_column_value(src, J_LABELS));
	sqlite3_bind_value(st, 6, sqlite3_column_value(src, J_STARTED));
	while (!ret && !*same && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *why = NULL;
		int alike = 1;
		if (judged_has(used, id))
			continue;
		for (k = 0; k < ARRAY_SIZE(rest) && alike; k++)
			if (!merge_same_value(sqlite3_column_value(st, (int)k + 1), sqlite3_column_value(src, rest[k]))) {
				alike = 0;
				why = rest_names[k];
			}
		if (alike) {
			int64_t in_id = sqlite3_column_int64(src, J_ID);
			alike = same_table(s, in, in_id, id, 1, &why);
			if (alike == 1)
				alike = same_table(s, in, in_id, id, 0, &why);
			if (alike > 1) {
				ret = alike;
				break;
			}
		}
		if (alike || !*out_id) {
			free(*out_status);
			*out_id = id;
			*out_status = store_col_dup(st, 1);
			*differs = why;
			*same = alike;
		}
	}
	if (!ret && !*same && rc != SQLITE_DONE)
		ret = (store_sql_fail(s, "cannot read the merged judgments"), EXIT_STORE);
	sqlite3_finalize(st);
	return ret;
}

/* Whether r is one shard of a run (not a merge of its shards): a judgment of it judged that shard only. */
static int shard_only(const struct merge_run *r)
{
	return r && !r->merged && r->shards > 1;
}

int merge_judgments(struct store *s, struct merge_input *in, const struct merge_run *runs,
		    const struct merge_group *groups, size_t n_groups, struct strbuf *report)
{
	sqlite3_stmt *src = NULL;
	struct judged_ids used = { NULL, 0, 0 };
	int rc, ret = 0, made = 0;

	if (!in->judgments)
		return 0;
	if (sqlite3_prepare_v2(in->db, "SELECT " JUDGMENT_COLUMNS " FROM judgments ORDER BY id", -1, &src, NULL) != SQLITE_OK)
		return merge_in_fail(in, "cannot read its judgments");
	while (!ret && (rc = sqlite3_step(src)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(src, J_ID), ra = sqlite3_column_int64(src, J_RUN_A);
		int64_t rb = sqlite3_column_int64(src, J_RUN_B), a = 0, b = 0, out_id = 0;
		const struct merge_run *run_a = NULL, *run_b = NULL;
		const char *differs = NULL, *what = "new";
		char *status = NULL;
		int same = 0;

		if (!made && store_judgments_init(s) < 0) {
			ret = EXIT_STORE;
			break;
		}
		made = 1;
		if ((ra && !(a = output_run(in, ra, runs, groups, n_groups, &run_a))) ||
		    (rb && !(b = output_run(in, rb, runs, groups, n_groups, &run_b)))) {
			warning("%s: judgment %lld names run %lld, which that database no longer holds: not copied",
				in->path, (long long)id, (long long)(ra && !a ? ra : rb));
			continue;
		}
		ret = find_judgment(s, in, src, a, b, &used, &out_id, &same, &differs, &status);
		if (!ret && out_id && same) {
			what = "unchanged";
		} else if (!ret && out_id) {
			const char *st = (const char *)sqlite3_column_text(src, J_STATUS);
			/* one that did not finish, merged before, and finished since: the finished one replaces it */
			if (st && !strcmp(st, "done") && (!status || strcmp(status, "done"))) {
				what = "updated";
				ret = put_judgment(s, in, src, a, b, &out_id, 1);
			} else {
				error("%s: judgment %lld was merged before (judgment %lld of %s) with other content (%s)",
				      in->path, (long long)id, (long long)out_id, s->path, differs);
				ret = EXIT_INPUT;
			}
		} else if (!ret) {
			ret = put_judgment(s, in, src, a, b, &out_id, 0);
		}
		free(status);
		if (ret)
			break;
		judged_add(&used, out_id);
		if (a)
			strbuf_addf(report, "judgment %lld  %s of run %lld against run %lld  %s\n", (long long)out_id,
				    (const char *)sqlite3_column_text(src, J_KIND), (long long)b, (long long)a, what);
		else
			strbuf_addf(report, "judgment %lld  %s  %s\n", (long long)out_id,
				    (const char *)sqlite3_column_text(src, J_KIND), what);
		if (strcmp(what, "unchanged") && (shard_only(run_a) || shard_only(run_b)))
			warning("judgment %lld (judgment %lld of %s) judged a shard of its runs only: it is copied as it is; "
				"judge the merged runs again for one over every sample (receval judge %lld %lld)",
				(long long)out_id, (long long)id, in->path, (long long)a, (long long)b);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = merge_in_fail(in, "cannot read its judgments");
	sqlite3_finalize(src);
	free(used.id);
	return ret;
}
