/* compare.c: aligns two runs' per-sample metrics by (task, sample_id) and computes the paired statistics of `receval compare`. */
#include "eval/compare.h"
#include "eval/rowfind.h"
#include "lib/strmap.h"
#include "lib/rng.h"
#include "metrics/registry.h"
#include "metrics/stats.h"

static const char *const test_names[] = {
	[COMPARE_T] = "t",
	[COMPARE_WILCOXON] = "wilcoxon",
	[COMPARE_PERMUTATION] = "permutation",
};

const char *compare_test_name(enum compare_test test)
{
	return (size_t)test < ARRAY_SIZE(test_names) ? test_names[test] : "?";
}

int compare_test_parse(enum compare_test *out, const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(test_names); i++)
		if (!strcmp(name, test_names[i])) {
			*out = (enum compare_test)i;
			return 0;
		}
	return -1;
}

int compare_selected(const struct compare_options *opts, const char *task, const char *metric)
{
	size_t i;

	if (!opts->n_select)
		return 1;
	for (i = 0; i < opts->n_select; i++) {
		const char *sel = opts->select[i], *dot = strrchr(sel, '.');
		if (!dot && !strcmp(sel, metric))
			return 1;
		if (dot && !strcmp(dot + 1, metric) && strlen(task) == (size_t)(dot - sel) &&
		    !memcmp(sel, task, (size_t)(dot - sel)))
			return 1;
	}
	return 0;
}

/* Where each task's rows start in m->rows: start[t] .. start[t + 1] (rows are sorted by task). */
static size_t *task_starts(const struct run_sample_metrics *m)
{
	size_t *start = xcalloc(m->n_tasks + 1, sizeof(*start)), t, i = 0;

	for (t = 0; t < m->n_tasks; t++) {
		start[t] = i;
		while (i < m->n && m->rows[i].task == t)
			i++;
	}
	start[m->n_tasks] = m->n;
	return start;
}

static int find_name(char *const *names, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (int)i;
	return -1;
}

static int cmp_str_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct sample ids of rows[lo..hi) into a sorted array (free() it); *n gets their count. */
static const char **distinct_ids(const struct sample_metric *rows, size_t lo, size_t hi, size_t *n)
{
	const char **ids = xmalloc((hi - lo + 1) * sizeof(*ids));
	size_t i, k = 0;

	for (i = lo; i < hi; i++)
		ids[i - lo] = rows[i].sample_id;
	qsort(ids, hi - lo, sizeof(*ids), cmp_str_ptr);
	for (i = 0; i < hi - lo; i++)
		if (!k || strcmp(ids[k - 1], ids[i]))
			ids[k++] = ids[i];
	*n = k;
	return ids;
}

/* How two sorted id lists overlap. */
static void overlap(struct compare_task *t, const char **a, size_t na, const char **b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		int c = strcmp(a[i], b[j]);
		if (!c) {
			t->common++;
			i++;
			j++;
		} else if (c < 0) {
			t->only_a++;
			i++;
		} else {
			t->only_b++;
			j++;
		}
	}
	t->only_a += na - i;
	t->only_b += nb - j;
}

/* The end of the run of rows from lo that share rows[lo].metric. */
static size_t metric_end(const struct sample_metric *rows, size_t lo, size_t hi)
{
	size_t i = lo;

	while (i < hi && rows[i].metric == rows[lo].metric)
		i++;
	return i;
}

/*
 * One row: pair the values of ra[0..na) and rb[0..nb) (each sorted by
 * sample_id) by sample, keep pairs where both are numbers, and run the
 * statistics. x and y are scratch of at least min(na, nb) doubles.
 */
static void compare_metric(struct compare_row *row, const struct sample_metric *ra, size_t na,
			   const struct sample_metric *rb, size_t nb, double *x, double *y,
			   const struct compare_options *opts)
{
	struct stats_test test = { NAN, NAN, NAN };
	struct stats_wtl wtl;
	size_t i = 0, j = 0, n = 0;
	uint64_t seed;

	while (i < na && j < nb) {
		int c = strcmp(ra[i].sample_id, rb[j].sample_id);
		if (c < 0) {
			i++;
		} else if (c > 0) {
			j++;
		} else {
			if (!isnan(ra[i].value) && !isnan(rb[j].value)) {
				x[n] = ra[i].value;
				y[n] = rb[j].value;
				n++;
			}
			i++;
			j++;
		}
	}
	row->n = n;
	row->mean_a = stats_mean(x, n);
	row->mean_b = stats_mean(y, n);
	row->delta = n ? row->mean_b - row->mean_a : NAN;
	/* seeded by the names alone: the same two runs always print the same interval and p */
	seed = rng_mix(str_hash(row->task, strlen(row->task)), str_hash(row->metric, strlen(row->metric)));
	stats_bootstrap_paired_ci(&row->ci_low, &row->ci_high, x, y, n, opts->resamples, 0.95, seed);
	switch (opts->test) {
	case COMPARE_T:
		stats_ttest_paired(&test, x, y, n);
		break;
	case COMPARE_WILCOXON:
		stats_wilcoxon(&test, x, y, n, STATS_ZERO_WILCOX);
		break;
	case COMPARE_PERMUTATION:
		stats_permutation_test(&test, x, y, n, opts->permutations, rng_mix(seed, 0x7065726dULL));
		break;
	}
	row->p = test.p;
	/* W/T/L count better/equal/worse: on a lower-is-better metric B wins where its value is lower */
	stats_wtl(&wtl, x, y, n);
	row->direction = metric_direction(row->metric);
	row->wins = row->direction == METRIC_LOWER ? wtl.losses : wtl.wins;
	row->ties = wtl.ties;
	row->losses = row->direction == METRIC_LOWER ? wtl.wins : wtl.losses;
}

static void add_missing(struct comparison *c, size_t *alloc, const char *task, const char *metric, char run)
{
	ALLOC_GROW(c->missing, c->n_missing + 1, *alloc);
	c->missing[c->n_missing].task = task;
	c->missing[c->n_missing].metric = metric;
	c->missing[c->n_missing].run = run;
	c->n_missing++;
}

int compare_runs(struct comparison *out, const struct run_info *a, const struct run_sample_metrics *ma,
		 const struct run_info *b, const struct run_sample_metrics *mb,
		 const struct compare_options *opts)
{
	size_t *sa = task_starts(ma), *sb = task_starts(mb);
	size_t alloc_rows = 0, alloc_missing = 0, ta, tb, i;
	size_t scratch = (ma->n < mb->n ? ma->n : mb->n) + 1;
	double *x = xmalloc(scratch * sizeof(*x)), *y = xmalloc(scratch * sizeof(*y)), *p;

	memset(out, 0, sizeof(*out));
	out->a = a;
	out->b = b;
	out->opts = *opts;
	out->tasks = xcalloc(ma->n_tasks + mb->n_tasks + 1, sizeof(*out->tasks));

	for (ta = 0; ta < ma->n_tasks; ta++) {
		struct compare_task *t = &out->tasks[out->n_tasks++];
		int found = find_name(mb->tasks, mb->n_tasks, ma->tasks[ta]);
		size_t lo_a = sa[ta], hi_a = sa[ta + 1], lo_b, hi_b, ia, ib, n_ids_a, n_ids_b = 0;
		const char **ids_a = distinct_ids(ma->rows, lo_a, hi_a, &n_ids_a), **ids_b = NULL;

		t->task = ma->tasks[ta];
		if (found < 0) {
			t->only_a = n_ids_a;
			free(ids_a);
			continue;
		}
		tb = (size_t)found;
		lo_b = sb[tb];
		hi_b = sb[tb + 1];
		ids_b = distinct_ids(mb->rows, lo_b, hi_b, &n_ids_b);
		overlap(t, ids_a, n_ids_a, ids_b, n_ids_b);
		free(ids_a);
		free(ids_b);

		/* A's metrics in display order, each matched with B's of the same name */
		for (ia = lo_a; ia < hi_a; ia = metric_end(ma->rows, ia, hi_a)) {
			const char *metric = ma->metrics[ma->rows[ia].metric];
			size_t end_a = metric_end(ma->rows, ia, hi_a), end_b = 0;
			struct compare_row *row;

			if (!compare_selected(opts, t->task, metric))
				continue;
			for (ib = lo_b; ib < hi_b; ib = end_b) {
				end_b = metric_end(mb->rows, ib, hi_b);
				if (!strcmp(mb->metrics[mb->rows[ib].metric], metric))
					break;
			}
			if (ib >= hi_b) {
				add_missing(out, &alloc_missing, t->task, metric, 'a');
				continue;
			}
			ALLOC_GROW(out->rows, out->n_rows + 1, alloc_rows);
			row = &out->rows[out->n_rows++];
			memset(row, 0, sizeof(*row));
			row->task = t->task;
			row->metric = metric;
			compare_metric(row, ma->rows + ia, end_a - ia, mb->rows + ib, end_b - ib, x, y, opts);
		}
		for (ib = lo_b; ib < hi_b; ib = metric_end(mb->rows, ib, hi_b)) {
			const char *metric = mb->metrics[mb->rows[ib].metric];
			int in_a = 0;

			for (ia = lo_a; ia < hi_a && !in_a; ia = metric_end(ma->rows, ia, hi_a))
				in_a = !strcmp(ma->metrics[ma->rows[ia].metric], metric);
			if (!in_a && compare_selected(opts, t->task, metric))
				add_missing(out, &alloc_missing, t->task, metric, 'b');
		}
	}
	/* tasks only B has: every one of their samples is left out */
	for (tb = 0; tb < mb->n_tasks; tb++) {
		struct compare_task *t;
		const char **ids;
		size_t n_ids;

		if (find_name(ma->tasks, ma->n_tasks, mb->tasks[tb]) >= 0)
			continue;
		t = &out->tasks[out->n_tasks++];
		t->task = mb->tasks[tb];
		ids = distinct_ids(mb->rows, sb[tb], sb[tb + 1], &n_ids);
		t->only_b = n_ids;
		free(ids);
	}
	for (i = 0; i < out->n_tasks; i++) {
		out->samples += out->tasks[i].common;
		out->only_a += out->tasks[i].only_a;
		out->only_b += out->tasks[i].only_b;
	}

	/* Holm over the whole family of rows; untestable rows (p NaN) stay out of it */
	p = xmalloc((out->n_rows + 1) * sizeof(*p));
	for (i = 0; i < out->n_rows; i++)
		p[i] = out->rows[i].p;
	stats_holm(p, p, out->n_rows);
	for (i = 0; i < out->n_rows; i++) {
		out->rows[i].p_holm = p[i];
		out->rows[i].significant = !isnan(p[i]) && p[i] < opts->alpha;
	}
	free(p);
	free(x);
	free(y);
	free(sa);
	free(sb);
	return 0;
}

void comparison_release(struct comparison *c)
{
	rowfind_forget(c->rows);
	free(c->rows);
	free(c->tasks);
	free(c->missing);
	memset(c, 0, sizeof(*c));
}
