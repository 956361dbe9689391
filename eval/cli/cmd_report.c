/* cmd_report.c: `receval report RUN_ID... -o FILE.html`: one self-contained HTML page comparing runs, with gnuplot plots. */
#include "eval/cli/cmd.h"
#include "eval/label.h"
#include "eval/titles.h"
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
	size_t n_runs = 0, n_tasks = 0, i, skipped = 0;
	struct strbuf html = STRBUF_INIT, why = STRBUF_INIT, judged = STRBUF_INIT, dialogues = STRBUF_INIT;
	struct report report;
	struct titles titles = TITLES_INIT;
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
		int64_t id;

		rc = runarg_load_run(&runs[i], &store);
		if (rc <= 0) {
			ret = rc ? EXIT_STORE : EXIT_INPUT;
			goto out;
		}
		id = runs[i].info.id;  /* latest and latest~N resolved */
		if (titles_add_run(&titles, &store, &runs[i].info) < 0) {
			ret = EXIT_STORE;
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
		rruns[i].name = run_label(&runs[i].info);
		rruns[i].rows = runs[i].rows;
		rruns[i].n_rows = runs[i].n_rows;
		rruns[i].usage = &extra[i].usage;
		rruns[i].samples = &extra[i].sm;
		if (i && extra[i].cmp.samples)
			rruns[i].vs_base = &extra[i].cmp;
		else if (i)
			rruns[i].not_compared = "no sample in common with the baseline (a different suite, seed or shard?)";
	}

	if (report_tasks_build(&tasks, &n_tasks, &store, rruns, n_runs, (size_t)top) < 0) {
		ret = EXIT_STORE;
		goto out;
	}

	report_date(date, sizeof(date));
	memset(&report, 0, sizeof(report));
	report.runs = rruns;
	report.n_runs = n_runs;
	report.titles = &titles;
	report.tasks = tasks;
	report.n_tasks = n_tasks;
	report.alpha = alpha;
	report.test = compare_test_name(copts.test);
	report.generated = date;
	report.db_path = store.path;
	report.no_plots = no_plots;
	{
		int64_t *ids = xcalloc(n_runs, sizeof(*ids));
		const char **labels = xcalloc(n_runs, sizeof(*labels));
		for (i = 0; i < n_runs; i++) {
			ids[i] = runs[i].info.id;
			labels[i] = rruns[i].label ? rruns[i].label : runs[i].info.model;
		}
		if (html_judgments(&judged, &store, ids, n_runs) < 0 ||
		    html_dialogues(&dialogues, &store, ids, labels, n_runs, 3) < 0)
			ret = EXIT_STORE;
		free(ids);
		free(labels);
		report.judgments = judged.len ? judged.buf : NULL;
		report.dialogues = dialogues.len ? dialogues.buf : NULL;
	}
	html_report(&html, &report, &skipped, &why);
	if (skipped && !no_plots)
		warning("%zu plot%s skipped: %s", skipped, skipped == 1 ? "" : "s", why.buf);
	if (write_output(output, html.buf, html.len) < 0)
		ret = EXIT_OUTPUT;

out:
	titles_release(&titles);
	report_tasks_free(tasks, n_tasks, n_runs);
	for (i = 0; rruns && i < n_runs; i++)
		free(rruns[i].name);
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
	strbuf_release(&judged);
	strbuf_release(&dialogues);
	return ret;
}
