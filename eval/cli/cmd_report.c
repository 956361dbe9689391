/* cmd_report.c: `receval report RUN_ID... -o FILE.html`: one self-contained HTML page comparing runs, with gnuplot plots. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/runarg.h"
#include "eval/compare.h"
#include "lib/strbuf.h"
#include "reports/html.h"

static const char usage_report[] =
	"receval report RUN_ID... -o FILE.html [--db FILE] [--alpha A] [--test t|wilcoxon|permutation]\n"
	"                      [--top N] [--no-plots]";

#define DEFAULT_TOP 10
#define MAX_TOP 1000
#define BOOTSTRAP_RESAMPLES 1000
#define PERMUTATIONS 10000

/* What the report loads for a run besides its runarg_run; the report borrows from it. */
struct run_extra {
	struct run_sample_metrics sm;
	struct comparison cmp;
	int compared;
	struct run_usage usage;
};

/* A sample every run scored, with its headline values. */
struct candidate {
	const char *sample_id;
	double spread, sd;
	double *values;
};

static int cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;

	if (x->spread != y->spread)
		return x->spread > y->spread ? -1 : 1;
	if (x->sd != y->sd)
		return x->sd > y->sd ? -1 : 1;
	return strcmp(x->sample_id, y->sample_id);
}

/* The rows of (task, metric) in m: *n of them from the returned pointer, sorted by sample_id. */
static const struct sample_metric *slice(const struct run_sample_metrics *m, const char *task, const char *metric,
					 size_t *n)
{
	size_t t, k, i, start;

	*n = 0;
	for (t = 0; t < m->n_tasks && strcmp(m->tasks[t], task); t++)
		;
	for (k = 0; k < m->n_metrics && strcmp(m->metrics[k], metric); k++)
		;
	if (t == m->n_tasks || k == m->n_metrics)
		return NULL;
	for (i = 0; i < m->n && (m->rows[i].task != t || m->rows[i].metric != k); i++)
		;
	start = i;
	while (i < m->n && m->rows[i].task == t && m->rows[i].metric == k)
		i++;
	*n = i - start;
	return m->rows + start;
}

/* The value of sample_id in a slice, or NAN. */
static double lookup(const struct sample_metric *rows, size_t n, const char *sample_id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rows[mid].sample_id, sample_id);
		if (!c)
			return rows[mid].value;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NAN;
}

/*
 * The drill-down of one task: the top samples by spread of the headline
 * metric, each with every run's stored sample. Returns 0, -1 on a store
 * error (printed).
 */
static int pick_samples(struct report_task *t, struct store *store, const struct runarg_run *runs,
			const struct run_extra *extra, size_t n_runs, size_t top)
{
	const struct sample_metric **slices = xcalloc(n_runs, sizeof(*slices));
	size_t *lens = xcalloc(n_runs, sizeof(*lens)), n_cand = 0, i, j, k, taking = 0, lead = 0;
	struct candidate *cand = NULL;
	struct report_pick *picks = NULL;
	int ret = 0;

	/* the runs that evaluated the task take part; the first of them leads */
	for (i = 0; i < n_runs; i++) {
		slices[i] = slice(&extra[i].sm, t->name, t->headline, &lens[i]);
		if (slices[i] && lens[i]) {
			if (!taking++)
				lead = i;
		}
	}
	if (taking >= 2) {
		cand = xcalloc(lens[lead] + 1, sizeof(*cand));
		for (j = 0; j < lens[lead]; j++) {
			const char *sid = slices[lead][j].sample_id;
			struct candidate *c = &cand[n_cand];
			double lo = INFINITY, hi = -INFINITY, mean = 0, ss = 0;

			c->values = xmalloc(n_runs * sizeof(*c->values));
			for (i = 0; i < n_runs; i++) {
				double v = slices[i] && lens[i] ? lookup(slices[i], lens[i], sid) : NAN;
				c->values[i] = v;
				if (!slices[i] || !lens[i])
					continue;
				if (!isfinite(v))
					break;
				lo = v < lo ? v : lo;
				hi = v > hi ? v : hi;
				mean += v;
			}
			if (i < n_runs) {
				free(c->values);
				continue;
			}
			mean /= (double)taking;
			for (i = 0; i < n_runs; i++)
				if (isfinite(c->values[i]))
					ss += (c->values[i] - mean) * (c->values[i] - mean);
			c->sample_id = sid;
			c->spread = hi - lo;
			c->sd = sqrt(ss / (double)taking);
			n_cand++;
		}
		qsort(cand, n_cand, sizeof(*cand), cmp_candidate);
	}
	t->candidates = n_cand;
	/* samples on which every run scores the same show nothing: leave them out */
	while (n_cand && !(cand[n_cand - 1].spread > 0))
		free(cand[--n_cand].values);
	t->n_picks = n_cand < top ? n_cand : top;
	if (t->n_picks)
		picks = xcalloc(t->n_picks, sizeof(*picks));
	for (k = 0; k < t->n_picks; k++) {
		struct sample_row *rows = xcalloc(n_runs, sizeof(*rows));

		picks[k].sample_id = cand[k].sample_id;
		picks[k].spread = cand[k].spread;
		picks[k].values = cand[k].values;
		cand[k].values = NULL;  /* now the pick's */
		picks[k].samples = rows;
		for (i = 0; i < n_runs && !ret; i++)
			if (store_get_sample(store, runs[i].info.id, t->name, cand[k].sample_id, &rows[i]) < 0)
				ret = -1;
	}
	t->picks = picks;
	for (j = 0; j < n_cand; j++)
		free(cand[j].values);
	free(cand);
	free(slices);
	free(lens);
	return ret;
}

static void release_picks(struct report_task *t, size_t n_runs)
{
	size_t k, i;

	for (k = 0; k < t->n_picks; k++) {
		struct sample_row *rows = (struct sample_row *)t->picks[k].samples;
		for (i = 0; i < n_runs; i++)
			sample_row_release(&rows[i]);
		free(rows);
		free((double *)t->picks[k].values);
	}
	free((struct report_pick *)t->picks);
}

/* Every task of any run, the baseline's first, each in the order its run evaluated them. */
static const char **collect_tasks(const struct runarg_run *runs, size_t n_runs, size_t *n)
{
	const char **tasks = NULL;
	size_t alloc = 0, i, j, k;

	*n = 0;
	for (i = 0; i < n_runs; i++)
		for (j = 0; j < runs[i].n_rows; j++) {
			for (k = 0; k < *n && strcmp(tasks[k], runs[i].rows[j].task); k++)
				;
			if (k == *n) {
				ALLOC_GROW(tasks, *n + 1, alloc);
				tasks[(*n)++] = runs[i].rows[j].task;
			}
		}
	return tasks;
}

/* The date the report shows: $SOURCE_DATE_EPOCH when set (reproducible builds), else now. */
static void report_date(char *buf, size_t size)
{
	const char *epoch = getenv("SOURCE_DATE_EPOCH");
	long secs;

	if (epoch && parse_long(epoch, &secs) == 0 && secs >= 0) {
		time_t t = (time_t)secs;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
	} else {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
}

/* Write len bytes to path ("-": stdout): 0, or -1 after printing why. */
static int write_output(const char *path, const char *buf, size_t len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;

	if (!f)
		return error("cannot write '%s': %s", path, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fflush(f)) {
		error("cannot write '%s': %s", path, strerror(errno));
		if (f != stdout)
			fclose(f);
		return -1;
	}
	if (f != stdout && fclose(f))
		return error("cannot write '%s': %s", path, strerror(errno));
	return 0;
}

int cmd_report(int argc, char **argv)
{
	const char *db = NULL, *output = NULL, *test = "t";
	double alpha = 0.05;
	long top = DEFAULT_TOP;
	int no_plots = 0, npos = 0, rc, ret = EXIT_OK;
	struct option opts[] = {
		{ OPT_STRING, 'o', "output", &output, "FILE", "write the report to FILE (\"-\": stdout)" },
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_DOUBLE, 0, "alpha", &alpha, "A", "mark metrics whose Holm-adjusted p < A (default 0.05)" },
		{ OPT_STRING, 0, "test", &test, "TEST", "t (paired t-test, default), wilcoxon or permutation" },
		{ OPT_LONG, 0, "top", &top, "N", "samples per task in the drill-down (default 10)" },
		{ OPT_BOOL, 0, "no-plots", &no_plots, NULL, "do not run gnuplot (the report says so)" },
		{ OPT_END },
	};
	struct compare_options copts = { COMPARE_T, 0.05, PERMUTATIONS, BOOTSTRAP_RESAMPLES, NULL, 0 };
	struct runarg_run *runs = NULL;
	struct run_extra *extra = NULL;
	struct report_run *rruns = NULL;
	struct report_task *tasks = NULL;
	const char **task_names = NULL;
	size_t n_runs = 0, n_tasks = 0, i, skipped = 0;
	struct strbuf html = STRBUF_INIT, why = STRBUF_INIT;
	struct report report;
	struct store store;
	int store_open = 0;
	char date[64];

	rc = parse_options(argc, argv, opts, usage_report, &npos);
	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (npos < 1) {
		error("report needs one run id or more; the first is the baseline (see 'receval list')");
		return EXIT_USAGE;
	}
	if (!output || !*output) {
		error("report needs -o FILE.html");
		return EXIT_USAGE;
	}
	if (!(alpha > 0 && alpha < 1)) {
		error("--alpha must be between 0 and 1 (exclusive), not '%g'", alpha);
		return EXIT_USAGE;
	}
	if (compare_test_parse(&copts.test, test) < 0) {
		error("unknown test '%s' (t, wilcoxon, permutation)", test);
		return EXIT_USAGE;
	}
	if (top < 0 || top > MAX_TOP) {
		error("--top must be between 0 and %d, not '%ld'", MAX_TOP, top);
		return EXIT_USAGE;
	}
	copts.alpha = alpha;
	n_runs = (size_t)npos;
	runs = xcalloc(n_runs, sizeof(*runs));
	extra = xcalloc(n_runs, sizeof(*extra));
	if (runarg_parse_runs(runs, argv, n_runs) < 0) {
		ret = EXIT_USAGE;
		goto out;
	}

	if (store_open_existing(&store, default_db_path(db)) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	store_open = 1;
	for (i = 0; i < n_runs; i++) {
		int64_t id = runs[i].info.id;

		rc = runarg_load_run(&runs[i], &store);
		if (rc <= 0) {
			ret = rc ? EXIT_STORE : EXIT_INPUT;
			goto out;
		}
		if (store_get_sample_metrics(&store, id, &extra[i].sm) < 0 ||
		    store_get_usage(&store, id, &extra[i].usage) < 0) {
			ret = EXIT_STORE;
			goto out;
		}
		if (!runs[i].n_rows)
			warning("run %lld has no metrics (status '%s')", (long long)id,
				runs[i].info.status ? runs[i].info.status : "?");
	}

	runarg_label_runs(runs, n_runs);
	rruns = xcalloc(n_runs, sizeof(*rruns));
	for (i = 0; i < n_runs; i++) {
		if (i) {
			compare_runs(&extra[i].cmp, &runs[0].info, &extra[0].sm, &runs[i].info, &extra[i].sm, &copts);
			extra[i].compared = 1;
		}
		rruns[i].info = &runs[i].info;
		rruns[i].label = runs[i].label;
		rruns[i].rows = runs[i].rows;
		rruns[i].n_rows = runs[i].n_rows;
		rruns[i].usage = &extra[i].usage;
		if (i && extra[i].cmp.samples)
			rruns[i].vs_base = &extra[i].cmp;
		else if (i)
			rruns[i].not_compared = "no sample in common with the baseline (a different suite, seed or shard?)";
	}

	task_names = collect_tasks(runs, n_runs, &n_tasks);
	tasks = xcalloc(n_tasks + 1, sizeof(*tasks));
	for (i = 0; i < n_tasks; i++) {
		tasks[i].name = task_names[i];
		tasks[i].headline = report_headline(rruns, n_runs, task_names[i]);
		if (tasks[i].headline && pick_samples(&tasks[i], &store, runs, extra, n_runs, (size_t)top) < 0) {
			ret = EXIT_STORE;
			goto out;
		}
	}

	report_date(date, sizeof(date));
	memset(&report, 0, sizeof(report));
	report.runs = rruns;
	report.n_runs = n_runs;
	report.tasks = tasks;
	report.n_tasks = n_tasks;
	report.alpha = alpha;
	report.test = compare_test_name(copts.test);
	report.generated = date;
	report.db_path = store.path;
	report.no_plots = no_plots;
	html_report(&html, &report, &skipped, &why);
	if (skipped && !no_plots)
		warning("%zu plot%s skipped: %s", skipped, skipped == 1 ? "" : "s", why.buf);
	if (write_output(output, html.buf, html.len) < 0)
		ret = EXIT_OUTPUT;

out:
	for (i = 0; tasks && i < n_tasks; i++)
		release_picks(&tasks[i], n_runs);
	free(tasks);
	free(task_names);
	free(rruns);
	for (i = 0; extra && i < n_runs; i++) {
		if (extra[i].compared)
			comparison_release(&extra[i].cmp);
		run_sample_metrics_release(&extra[i].sm);
	}
	free(extra);
	runarg_release_runs(runs, n_runs);
	free(runs);
	if (store_open)
		store_close(&store);
	strbuf_release(&html);
	strbuf_release(&why);
	return ret;
}
