/* cmd_plot.c: `receval plot RUN_ID... --metric M -o FILE.png|.svg`: one chart of a metric, for slides and papers, drawn by gnuplot. */
#include <strings.h>
#include "eval/cli/cmd.h"
#include "metrics/registry.h"
#include "lib/opt.h"
#include "eval/store.h"
#include "eval/runarg.h"
#include "eval/rowfind.h"
#include "lib/strbuf.h"
#include "reports/html.h"
#include "reports/plot.h"

static const char usage_plot[] =
	"receval plot RUN_ID... --metric M -o FILE.png|FILE.svg [--task T] [--db FILE]\n"
	"                    [--size WxH] [--title TEXT]";

#define MAX_CUTOFFS 64

/* Whether name ends with ext, ignoring case. */
static int has_ext(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && !strcasecmp(name + n - e, ext);
}

/* Whether rows have metric in task (NULL: any task): exactly, or as metric@k when family. */
static const char *find_task(const struct metric_row *rows, size_t n, const char *task, const char *metric, int family)
{
	size_t i, len = strlen(metric);

	for (i = 0; i < n; i++) {
		if (task && strcmp(rows[i].task, task))
			continue;
		if (family ? !strncmp(rows[i].metric, metric, len) && rows[i].metric[len] == '@'
			   : !strcmp(rows[i].metric, metric))
			return rows[i].task;
	}
	return NULL;
}

static int parse_size(const char *s, unsigned *w, unsigned *h)
{
	char *end;
	unsigned long a, b;

	a = strtoul(s, &end, 10);
	if (end == s || (*end != 'x' && *end != 'X'))
		return -1;
	s = end + 1;
	b = strtoul(s, &end, 10);
	if (end == s || *end || a < 100 || b < 100 || a > 10000 || b > 10000)
		return -1;
	*w = (unsigned)a;
	*h = (unsigned)b;
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	const char *db = NULL, *output = NULL, *metric = NULL, *task = NULL, *size = NULL, *title = NULL;
	int npos = 0, rc, ret = EXIT_OK, family = 0, store_open = 0;
	struct option opts[] = {
		{ OPT_STRING, 'm', "metric", &metric, "M",
		  "ndcg@10: one bar per run with its interval; ndcg: the curve over every cutoff" },
		{ OPT_STRING, 'o', "output", &output, "FILE", "FILE.png or FILE.svg (the format follows the name)" },
		{ OPT_STRING, 0, "task", &task, "T", "the task (default: the first that has the metric)" },
		{ OPT_STRING, 0, "db", &db, "FILE", "database (default $RECEVAL_DB or receval.db)" },
		{ OPT_STRING, 0, "size", &size, "WxH", "pixels (default 1200x750 for PNG, 800x500 for SVG)" },
		{ OPT_STRING, 0, "title", &title, "TEXT", "the chart's title (default: metric and task)" },
		{ OPT_END },
	};
	enum plot_format fmt;
	struct runarg_run *runs = NULL;
	struct plot_series *series = NULL;
	const char **cats = NULL;
	unsigned *colors = NULL, w, h;
	double *buf = NULL;
	size_t n_runs, i, n_series = 0;
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	struct plot p;
	struct store store;
	char *default_title = NULL, *ylabel = NULL;

	rc = parse_options(argc, argv, opts, usage_plot, &npos);
	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (npos < 1) {
		error("plot needs one run id or more (see 'receval list')");
		return EXIT_USAGE;
	}
	if (!metric || !*metric) {
		error("plot needs --metric M (e.g. ndcg@10 for bars, ndcg for the curve over cutoffs)");
		return EXIT_USAGE;
	}
	if (!output || !*output) {
		error("plot needs -o FILE.png or -o FILE.svg");
		return EXIT_USAGE;
	}
	if (has_ext(output, ".png")) {
		fmt = PLOT_PNG;
	} else if (has_ext(output, ".svg")) {
		fmt = PLOT_SVG;
	} else {
		error("cannot tell the format of '%s': name it .png or .svg", output);
		return EXIT_USAGE;
	}
	w = fmt == PLOT_PNG ? 1200 : 800;
	h = fmt == PLOT_PNG ? 750 : 500;
	if (size && parse_size(size, &w, &h) < 0) {
		error("--size must be WIDTHxHEIGHT in pixels, 100 to 10000 each, not '%s'", size);
		return EXIT_USAGE;
	}
	n_runs = (size_t)npos;
	runs = xcalloc(n_runs, sizeof(*runs));
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
		rc = runarg_load_run(&runs[i], &store);
		if (rc <= 0) {
			ret = rc ? EXIT_STORE : EXIT_INPUT;
			goto out;
		}
	}
	runarg_label_runs(runs, n_runs);

	/* ndcg@10 or error_rate: bars; ndcg (no run has a metric of that exact name): the curve over k */
	family = !strchr(metric, '@');
	for (i = 0; i < n_runs && family; i++)
		if (find_task(runs[i].rows, runs[i].n_rows, task, metric, 0))
			family = 0;
	if (!task)
		for (i = 0; i < n_runs && !task; i++)
			task = find_task(runs[i].rows, runs[i].n_rows, NULL, metric, family);
	for (i = 0; i < n_runs && task; i++)
		if (find_task(runs[i].rows, runs[i].n_rows, task, metric, family))
			break;
	if (!task || i == n_runs) {
		/* a rate without a cutoff (error_rate) is no family: say what it is and why it may be missing */
		struct metric_lookup l;
		int plain = family && !metric_lookup(&l, metric) && !(l.info->flags & METRIC_CUTOFF);
		const char *name = plain ? "" : family ? "@k" : "";
		if (task)
			error("no run has metric '%s%s' in task '%s' (see 'receval show %lld')", metric, name, task,
			      (long long)runs[0].info.id);
		else if (plain && l.kind == METRIC_VALIDITY)
			error("no run has metric '%s': only language-model runs have validity rates (built-in models"
			      " rank items themselves); see 'receval show %lld'", metric, (long long)runs[0].info.id);
		else
			error("no run has metric '%s%s' (see 'receval show %lld')", metric, name,
			      (long long)runs[0].info.id);
		ret = EXIT_INPUT;
		goto out;
	}

	memset(&p, 0, sizeof(p));
	series = xcalloc(n_runs, sizeof(*series));
	buf = xcalloc(n_runs * 4 * MAX_CUTOFFS, sizeof(*buf));
	cats = xcalloc(n_runs, sizeof(*cats));
	colors = xcalloc(n_runs, sizeof(*colors));
	if (family) {
		for (i = 0; i < n_runs; i++) {
			double *x = buf + i * 4 * MAX_CUTOFFS, *y = x + MAX_CUTOFFS, *lo = y + MAX_CUTOFFS, *hi = lo + MAX_CUTOFFS;
			size_t n = report_curve(runs[i].rows, runs[i].n_rows, task, metric, x, y, lo, hi, MAX_CUTOFFS);
			if (!n) {
				warning("run %lld has no %s@k in task '%s': left out", (long long)runs[i].info.id, metric, task);
				continue;
			}
			series[n_series].name = runs[i].label;
			series[n_series].x = x;
			series[n_series].y = y;
			series[n_series].lo = lo;
			series[n_series].hi = hi;
			series[n_series].n = n;
			series[n_series].color = (unsigned)i;
			n_series++;
		}
		p.kind = PLOT_LINES;
		p.xlabel = "k";
		ylabel = xstrfmt("%s@k", metric);
		default_title = xstrfmt("%s@k \xe2\x80\x94 %s", metric, task);
	} else {
		double *y = buf, *lo = buf + n_runs, *hi = buf + 2 * n_runs;
		for (i = 0; i < n_runs; i++) {
			const struct metric_row *row = metric_row_find(runs[i].rows, runs[i].n_rows, task, metric);
			if (!row || !isfinite(row->value)) {
				warning("run %lld has no %s in task '%s': left out", (long long)runs[i].info.id, metric, task);
				continue;
			}
			cats[n_series] = runs[i].label;
			colors[n_series] = (unsigned)i;
			y[n_series] = row->value;
			lo[n_series] = row->ci_low;
			hi[n_series] = row->ci_high;
			n_series++;
		}
		series[0].name = metric;
		series[0].y = y;
		series[0].lo = lo;
		series[0].hi = hi;
		series[0].n = n_series;
		p.kind = PLOT_BARS;
		p.categories = cats;
		p.n_categories = n_series;
		p.colors = colors;
		p.y_from_zero = 1;
		n_series = 1;
		ylabel = xstrdup(metric);
		default_title = xstrfmt("%s \xe2\x80\x94 %s", metric, task);
	}
	p.title = title ? title : default_title;
	p.ylabel = ylabel;
	p.series = series;
	p.n_series = n_series;
	p.width = w;
	p.height = h;

	rc = plot_render(&out, &p, fmt, &why);
	if (rc == PLOT_NOT_FOUND) {
		error("cannot draw the chart: %s; install gnuplot-nox, or name the program with RECEVAL_GNUPLOT", why.buf);
		ret = EXIT_OUTPUT;
	} else if (rc < 0) {
		error("cannot draw the chart: %s", why.buf);
		ret = EXIT_OUTPUT;
	} else {
		FILE *f = fopen(output, "wb");
		int bad = !f || fwrite(out.buf, 1, out.len, f) != out.len;

		if (f && fclose(f))
			bad = 1;
		if (bad) {
			error("cannot write '%s': %s", output, strerror(errno));
			ret = EXIT_OUTPUT;
			if (f)
				unlink(output);
		}
	}

out:
	runarg_release_runs(runs, n_runs);
	free(runs);
	free(series);
	free(buf);
	free(cats);
	free(colors);
	free(default_title);
	free(ylabel);
	if (store_open)
		store_close(&store);
	strbuf_release(&out);
	strbuf_release(&why);
	return ret;
}
