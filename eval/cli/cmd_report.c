/* cmd_report.c: `receval report RUN_ID... -o FILE.html`: one self-contained HTML page comparing runs, with gnuplot plots. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/runarg.h"
#include "eval/compare.h"
#include "lib/strbuf.h"
#include "reports/report_page.h"

static const char usage_report[] =
	"receval report RUN_ID... -o FILE.html [--db FILE] [--alpha A] [--test t|wilcoxon|permutation]\n"
	"                      [--top N] [--no-plots]";

#define DEFAULT_TOP 10
#define MAX_TOP 1000
#define BOOTSTRAP_RESAMPLES 1000
#define PERMUTATIONS 10000

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
	struct report_page_options ro;
	struct strbuf html = STRBUF_INIT, why = STRBUF_INIT;
	struct store store;
	int64_t *ids = NULL;
	size_t n_runs, i, skipped = 0;
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
	memset(&ro, 0, sizeof(ro));
	ro.copts.test = COMPARE_T;
	ro.copts.permutations = PERMUTATIONS;
	ro.copts.resamples = BOOTSTRAP_RESAMPLES;
	if (compare_test_parse(&ro.copts.test, test) < 0) {
		error("unknown test '%s' (t, wilcoxon, permutation)", test);
		return EXIT_USAGE;
	}
	if (top < 0 || top > MAX_TOP) {
		error("--top must be between 0 and %d, not '%ld'", MAX_TOP, top);
		return EXIT_USAGE;
	}
	n_runs = (size_t)npos;
	ids = xcalloc(n_runs, sizeof(*ids));
	for (i = 0; i < n_runs; i++)
		if (runarg_parse(&ids[i], argv[i]) < 0) {
			free(ids);
			return EXIT_USAGE;
		}
	if (store_open_existing(&store, default_db_path(db)) < 0) {
		free(ids);
		return EXIT_STORE;
	}
	report_date(date, sizeof(date));
	ro.alpha = alpha;
	ro.top = (size_t)top;
	ro.no_plots = no_plots;
	ro.generated = date;
	rc = report_page(&html, &store, ids, n_runs, &ro, &skipped, &why);
	if (rc <= 0) {
		ret = rc ? EXIT_STORE : EXIT_INPUT;
	} else {
		if (skipped && !no_plots)
			warning("%zu plot%s skipped: %s", skipped, skipped == 1 ? "" : "s", why.buf);
		if (write_output(output, html.buf, html.len) < 0)
			ret = EXIT_OUTPUT;
	}
	store_close(&store);
	free(ids);
	strbuf_release(&html);
	strbuf_release(&why);
	return ret;
}
