/* html_tables.c: the report's tables and plots of aggregates: leaderboard, every metric, validity, usage; the headline and curves shared with `receval plot`. */
#include "reports/html_internal.h"
#include "eval/rowfind.h"
#include "metrics/registry.h"

/* --- helpers shared with `receval plot` ---------------------------------- */

/* The cutoff of name when it is family@k: 1 and *k set, else 0. */
static int cutoff_of(const char *name, const char *family, long *k)
{
	size_t len = strlen(family);
	char *end;

	if (strncmp(name, family, len) || name[len] != '@' || !isdigit((unsigned char)name[len + 1]))
		return 0;
	*k = strtol(name + len + 1, &end, 10);
	return !*end;
}

size_t report_curve(const struct metric_row *rows, size_t n, const char *task, const char *family,
		    double *x, double *y, double *lo, double *hi, size_t max)
{
	size_t i, m = 0, j, begin, end;
	long k;

	metric_rows_task(rows, n, task, &begin, &end);
	for (i = begin; i < end && m < max; i++) {
		if (strcmp(rows[i].task, task) || !cutoff_of(rows[i].metric, family, &k) || !isfinite(rows[i].value))
			continue;
		/* keep them sorted by k (rows are in display order already, but do not rely on it) */
		for (j = m; j > 0 && x[j - 1] > (double)k; j--) {
			x[j] = x[j - 1];
			y[j] = y[j - 1];
			lo[j] = lo[j - 1];
			hi[j] = hi[j - 1];
		}
		x[j] = (double)k;
		y[j] = rows[i].value;
		lo[j] = rows[i].ci_low;
		hi[j] = rows[i].ci_high;
		m++;
	}
	return m;
}

int html_has_task(const struct report_run *run, const char *task)
{
	size_t i, begin, end;

	metric_rows_task(run->rows, run->n_rows, task, &begin, &end);
	for (i = begin; i < end; i++)
		if (!strcmp(run->rows[i].task, task))
			return 1;
	return 0;
}

/* Whether the run measured anything of task's quality: a run whose every sample failed has only failure rates. */
static int scored_task(const struct report_run *run, const char *task)
{
	size_t i, begin, end;

	metric_rows_task(run->rows, run->n_rows, task, &begin, &end);
	for (i = begin; i < end; i++) {
		struct metric_lookup l;
		if (!strcmp(run->rows[i].task, task) && !metric_lookup(&l, run->rows[i].metric) &&
		    l.kind == METRIC_QUALITY && isfinite(run->rows[i].value))
			return 1;
	}
	return 0;
}

/*
 * Whether every run that scored task (scored_task(): runs that measured
 * nothing rank last, whatever the metric) has (task, metric) with a value
 * (and an interval, when need_ci).
 */
static int all_have(const struct report_run *runs, size_t n_runs, const char *task, const char *metric,
		    int need_ci)
{
	size_t i;

	for (i = 0; i < n_runs; i++) {
		const struct metric_row *r = metric_row_find(runs[i].rows, runs[i].n_rows, task, metric);
		if (!html_has_task(&runs[i], task) || !scored_task(&runs[i], task))
			continue;
		if (!r || !isfinite(r->value) || (need_ci && !isfinite(r->ci_low)))
			return 0;
	}
	return 1;
}

/* Whether name is a family@k of a family the registry marks with flag. */
static int flagged(const char *name, unsigned flag, long *k)
{
	struct metric_lookup l;

	if (metric_lookup(&l, name) < 0 || l.derived != METRIC_PLAIN || !(l.info->flags & flag))
		return 0;
	*k = l.cutoff;
	return 1;
}

const char *report_headline(const struct report_run *runs, size_t n_runs, const char *task)
{
	const char *best = NULL;
	long best_k = -1, k;
	size_t r, i, begin, end;

	for (r = 0; r < n_runs && !best; r++) {
		metric_rows_task(runs[r].rows, runs[r].n_rows, task, &begin, &end);
		for (i = begin; i < end; i++) {
			const struct metric_row *row = &runs[r].rows[i];
			if (strcmp(row->task, task) || !flagged(row->metric, METRIC_HEADLINE, &k) || k <= best_k)
				continue;
			if (all_have(runs, n_runs, task, row->metric, 1)) {
				best = row->metric;
				best_k = k;
			}
		}
		if (best)
			return best;
		/*
		 * else the first quality metric that has a better direction: never
		 * a failure rate or a cost, or a run whose every answer failed
		 * would lead the board on its error_rate
		 */
		for (i = begin; i < end; i++) {
			const struct metric_row *row = &runs[r].rows[i];
			struct metric_lookup l;
			if (!strcmp(row->task, task) && !metric_lookup(&l, row->metric) && l.kind == METRIC_QUALITY &&
			    l.direction != METRIC_NEITHER && all_have(runs, n_runs, task, row->metric, 1))
				return row->metric;
		}
	}
	return NULL;
}

/* ▲ or ▼ after a value that differs significantly from the baseline's, with the figures in a tooltip. */
static void html_mark(struct strbuf *sb, const struct compare_row *c)
{
	struct strbuf t = STRBUF_INIT;

	if (!c || !c->significant || !isfinite(c->delta) || c->delta == 0)
		return;
	strbuf_addstr(&t, DELTA " ");
	html_signed(&t, c->delta);
	strbuf_addstr(&t, " [");
	html_signed(&t, c->ci_low);
	strbuf_addstr(&t, ", ");
	html_signed(&t, c->ci_high);
	strbuf_addstr(&t, "], p ");
	html_p_text(&t, c->p);
	strbuf_addstr(&t, ", Holm p ");
	html_p_text(&t, c->p_holm);
	strbuf_addf(&t, ", W/T/L %zu/%zu/%zu", c->wins, c->ties, c->losses);
	strbuf_addf(sb, " <span class=\"%s\" title=\"", c->delta > 0 ? "up" : "down");
	html_escape(sb, t.buf);
	strbuf_addf(sb, "\">%s</span>", c->delta > 0 ? UP : DOWN);
	strbuf_release(&t);
}

static int cmp_metric_names(const void *a, const void *b)
{
	return metric_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every metric any run has for task, in display order (borrowed names). */
static const char **html_task_metrics(const struct report *r, const char *task, size_t *n)
{
	const char **names = NULL;
	size_t alloc = 0, i, j, k;

	*n = 0;
	for (i = 0; i < r->n_runs; i++) {
		size_t begin, end;
		metric_rows_task(r->runs[i].rows, r->runs[i].n_rows, task, &begin, &end);
		for (j = begin; j < end; j++) {
			const struct metric_row *row = &r->runs[i].rows[j];
			if (strcmp(row->task, task))
				continue;
			for (k = 0; k < *n && strcmp(names[k], row->metric); k++)
				;
			if (k == *n) {
				ALLOC_GROW(names, *n + 1, alloc);
				names[(*n)++] = row->metric;
			}
		}
	}
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_metric_names);
	return names;
}

struct ranked {
	size_t run;
	double value;             /* negated for a lower-is-better headline: best first either way */
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (isfinite(x->value) != isfinite(y->value))
		return isfinite(x->value) ? -1 : 1;
	if (isfinite(x->value) && x->value != y->value)
		return x->value > y->value ? -1 : 1;
	return x->run < y->run ? -1 : x->run > y->run;
}

/* The runs ordered by the task's headline metric, best first. */
static void add_ranking(struct strbuf *sb, const struct report *r, const struct report_task *t)
{
	struct ranked *order = xcalloc(r->n_runs, sizeof(*order));
	size_t i, place = 0;

	for (i = 0; i < r->n_runs; i++) {
		const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, t->name, t->headline);
		order[i].run = i;
		order[i].value = !row ? NAN : metric_direction(t->headline) == METRIC_LOWER ? -row->value : row->value;
	}
	qsort(order, r->n_runs, sizeof(*order), cmp_ranked);
	strbuf_addstr(sb, "<div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">#</th><th>model</th><th class=\"num\">");
	html_escape(sb, t->headline);
	strbuf_addstr(sb, "</th><th class=\"num\">" DELTA " vs baseline [95% CI]</th><th class=\"num\">p</th>"
			  "<th class=\"num\">Holm p</th><th class=\"num\">W / T / L</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_runs; i++) {
		size_t k = order[i].run;
		const struct metric_row *row = metric_row_find(r->runs[k].rows, r->runs[k].n_rows, t->name, t->headline);
		const struct compare_row *c = compare_row_find(r->runs[k].vs_base, t->name, t->headline);

		if (!html_has_task(&r->runs[k], t->name))
			continue;  /* this run did not evaluate the task */
		strbuf_addf(sb, "<tr><td class=\"num\">%zu</td><td>", ++place);
		html_run_name(sb, r, k);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		if (row) {
			html_num(sb, row->value);
			html_ci(sb, row->ci_low, row->ci_high);
		} else {
			strbuf_addstr(sb, DASH);
		}
		html_mark(sb, c);
		strbuf_addstr(sb, "</td>");
		if (!k) {
			strbuf_addstr(sb, "<td class=\"num\" colspan=\"4\"><span class=\"runid\">the baseline</span></td>");
		} else if (!c) {
			strbuf_addstr(sb, "<td class=\"num\" colspan=\"4\"><span class=\"runid\">not compared: ");
			html_escape(sb, r->runs[k].not_compared ? r->runs[k].not_compared : "no paired samples");
			strbuf_addstr(sb, "</span></td>");
		} else {
			strbuf_addstr(sb, "<td class=\"num\">");
			html_signed(sb, c->delta);
			strbuf_addstr(sb, " <span class=\"ci\">[");
			html_signed(sb, c->ci_low);
			strbuf_addstr(sb, ", ");
			html_signed(sb, c->ci_high);
			strbuf_addstr(sb, "]</span></td><td class=\"num\">");
			html_p(sb, c->p);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			html_p(sb, c->p_holm);
			strbuf_addf(sb, "</td><td class=\"num\">%zu / %zu / %zu</td>", c->wins, c->ties, c->losses);
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n");
	free(order);
}

/* Every metric of the task: a row per metric, a column per run. */
static void add_metric_table(struct strbuf *sb, const struct report *r, const char *task)
{
	size_t n, m, i;
	const char **names = html_task_metrics(r, task, &n);

	strbuf_addstr(sb, "<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>metric</th>");
	for (i = 0; i < r->n_runs; i++) {
		strbuf_addstr(sb, "<th class=\"num\">");
		html_run_name(sb, r, i);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
	for (m = 0; m < n; m++) {
		enum metric_direction dir = metric_direction(names[m]);
		double best = NAN;
		size_t have = 0;

		for (i = 0; i < r->n_runs; i++) {
			const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, names[m]);
			if (!row || !isfinite(row->value))
				continue;
			have++;
			if (!isfinite(best) || metric_better(dir, row->value, best) > 0)
				best = row->value;
		}
		strbuf_addstr(sb, "<tr><td class=\"mono\">");
		html_escape(sb, names[m]);
		strbuf_addstr(sb, "</td>");
		for (i = 0; i < r->n_runs; i++) {
			const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, names[m]);
			int is_best = dir != METRIC_NEITHER && have > 1 && row && row->value == best;

			strbuf_addstr(sb, "<td class=\"num\">");
			if (!row) {
				strbuf_addstr(sb, DASH "</td>");
				continue;
			}
			strbuf_addstr(sb, is_best ? "<span class=\"best\">" : "");
			html_num(sb, row->value);
			strbuf_addstr(sb, is_best ? "</span>" : "");
			html_ci(sb, row->ci_low, row->ci_high);
			html_mark(sb, compare_row_find(r->runs[i].vs_base, task, names[m]));
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n");
	free(names);
}

void html_leaderboard(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t;

	strbuf_addstr(sb, "<section id=\"leaderboard\">\n<h2>Leaderboard</h2>\n<p class=\"legend\">Each value is the mean"
			  " over the samples, with its 95% bootstrap interval in brackets. <span class=\"up\">" UP
			  "</span> / <span class=\"down\">" DOWN "</span>: the run differs significantly from the baseline (");
	html_run_name(sb, r, 0);
	strbuf_addf(sb, "), higher / lower, with a Holm-adjusted p &lt; %g: the %s of"
		    " <code>receval compare</code> over the samples both runs scored, adjusted over every"
		    " metric of that pair of runs (hover a mark for the figures).</p>\n",
		    r->alpha, html_test_phrase(r->test));
	for (t = 0; t < r->n_tasks; t++) {
		const struct report_task *task = &r->tasks[t];

		strbuf_addf(sb, "<h3 id=\"leaderboard-%zu\">Task: ", t + 1);
		html_escape(sb, task->name);
		strbuf_addstr(sb, "</h3>\n");
		if (task->headline) {
			strbuf_addstr(sb, "<p class=\"legend\">Runs ranked by the headline metric, <code>");
			html_escape(sb, task->headline);
			strbuf_addstr(sb, "</code>.</p>\n");
			add_ranking(sb, r, task);
		}
		else
			strbuf_addstr(sb, "<p class=\"note\">No metric with an interval that every run has.</p>\n");
	}
	strbuf_addstr(sb, "<p class=\"legend\">Every metric of every task, with its interval and marks, is in"
			  " <a href=\"#metrics\">Every metric</a> below the plots.</p>\n</section>\n");
}

void html_all_metrics(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t;

	strbuf_addstr(sb, "<section id=\"metrics\">\n<h2>Every metric</h2>\n<p class=\"legend\">The leaderboard of"
			  " every metric: a row per metric, a column per run; marks as in the leaderboard above. Bold: the best run"
			  " of a row whose metric has a better direction: higher for accuracy and full lists, lower for failure rates and"
			  " cost; popularity, diversity and length have none. Coverage, Gini and entropy describe a whole run: no"
			  " interval, no test.</p>\n");
	for (t = 0; t < r->n_tasks; t++) {
		strbuf_addf(sb, "<h3 id=\"metrics-%zu\">Task: ", t + 1);
		html_escape(sb, r->tasks[t].name);
		strbuf_addstr(sb, "</h3>\n");
		add_metric_table(sb, r, r->tasks[t].name);
	}
	strbuf_addstr(sb, "</section>\n");
}

#define MAX_CUTOFFS 64

/* The family@k curves of a task, one line per run; nothing when no run has two cutoffs. */
static void curve_figure(struct render *rd, const char *task, const char *family)
{
	const struct report *r = rd->r;
	struct plot_series *series = xcalloc(r->n_runs, sizeof(*series));
	double *buf = xmalloc(r->n_runs * 4 * MAX_CUTOFFS * sizeof(*buf));
	char *title = xstrfmt("%s@k \xe2\x80\x94 %s", family, task), *ylabel = xstrfmt("%s@k", family);
	char *caption = xstrfmt("Mean %s@k against the cutoff k, one line per run; the bands are the 95%% intervals.",
				family);
	size_t i, longest = 0;
	struct plot p = { 0 };

	for (i = 0; i < r->n_runs; i++) {
		double *x = buf + i * 4 * MAX_CUTOFFS, *y = x + MAX_CUTOFFS, *lo = y + MAX_CUTOFFS, *hi = lo + MAX_CUTOFFS;
		series[i].n = report_curve(r->runs[i].rows, r->runs[i].n_rows, task, family, x, y, lo, hi, MAX_CUTOFFS);
		series[i].x = x;
		series[i].y = y;
		series[i].lo = lo;
		series[i].hi = hi;
		series[i].name = r->runs[i].label;
		series[i].color = (unsigned)i;
		if (series[i].n > longest)
			longest = series[i].n;
	}
	if (longest >= 2) {
		p.kind = PLOT_LINES;
		p.title = title;
		p.xlabel = "k";
		p.ylabel = ylabel;
		p.series = series;
		p.n_series = r->n_runs;
		html_figure(rd, &p, caption);
	}
	free(series);
	free(buf);
	free(title);
	free(ylabel);
	free(caption);
}

/* One bar per run for task's metric, with its interval as whiskers. */
static void bar_figure(struct render *rd, const char *task, const char *metric, const char *caption)
{
	const struct report *r = rd->r;
	const char **cats = xcalloc(r->n_runs, sizeof(*cats));
	double *v = xcalloc(r->n_runs * 3, sizeof(*v));
	unsigned *colors = xcalloc(r->n_runs, sizeof(*colors));
	char *title = xstrfmt("%s \xe2\x80\x94 %s", metric, task);
	struct plot_series s = { 0 };
	struct plot p = { 0 };
	size_t i, n = 0;


	/* the runs that have the metric: a run that did not evaluate the task gets no empty slot */
	for (i = 0; i < r->n_runs; i++) {
		const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, metric);
		if (!row || !isfinite(row->value))
			continue;
		cats[n] = r->runs[i].label;
		colors[n] = (unsigned)i;
		v[n] = row->value;
		v[r->n_runs + n] = row->ci_low;
		v[2 * r->n_runs + n] = row->ci_high;
		n++;
	}
	s.name = metric;
	s.y = v;
	s.lo = v + r->n_runs;
	s.hi = v + 2 * r->n_runs;
	s.n = n;
	p.kind = PLOT_BARS;
	p.title = title;
	p.ylabel = metric;
	p.categories = cats;
	p.n_categories = n;
	p.series = &s;
	p.n_series = 1;
	p.colors = colors;
	p.y_from_zero = 1;
	html_figure(rd, &p, caption);
	free(cats);
	free(v);
	free(colors);
	free(title);
}

void html_plots(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t, i;

	strbuf_addstr(sb, "<section id=\"plots\">\n<h2>Plots</h2>\n");
	if (r->n_tasks && r->tasks[0].headline) {
		char *caption = xstrfmt("The headline metric (ndcg at the largest cutoff every run has, in the first task):"
					" one bar per run, whiskers from the 95%% interval's bounds.");
		strbuf_addstr(sb, "<h3 id=\"plot-headline\">Headline: <code>");
		html_escape(sb, r->tasks[0].headline);
		strbuf_addstr(sb, "</code> on ");
		html_escape(sb, r->tasks[0].name);
		strbuf_addstr(sb, "</h3>\n<div class=\"plots\">\n");
		bar_figure(rd, r->tasks[0].name, r->tasks[0].headline, caption);
		strbuf_addstr(sb, "</div>\n");
		free(caption);
	}
	for (t = 0; t < r->n_tasks; t++) {
		size_t before = sb->len;
		unsigned plots = rd->plots;

		strbuf_addf(sb, "<h3 id=\"plot-curves-%zu\">Metric@k curves: ", t + 1);
		html_escape(sb, r->tasks[t].name);
		strbuf_addstr(sb, "</h3>\n<div class=\"plots\">\n");
		for (i = 0; i < metric_registry_count(); i++)
			if (metric_registry_at(i)->flags & METRIC_CURVE)
				curve_figure(rd, r->tasks[t].name, metric_registry_at(i)->name);
		if (rd->plots == plots)
			strbuf_setlen(sb, before);  /* no metric of this task has two cutoffs */
		else
			strbuf_addstr(sb, "</div>\n");
	}
	strbuf_addstr(sb, "</section>\n");
}

/* The validity table lists the metrics the registry files as validity (failure rates, full lists). */
static int is_validity(const char *metric)
{
	struct metric_lookup l;

	return !metric_lookup(&l, metric) && l.kind == METRIC_VALIDITY;
}

/* "... (lower is better, but higher for full_list_rate) ...": each rate's direction from the registry. */
static char *validity_caption(const char *const *names, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, higher = 0;

	strbuf_addstr(&sb, "Share of samples per kind, one bar per run (lower is better");
	for (i = 0; i < n; i++)
		if (metric_direction(names[i]) == METRIC_HIGHER)
			strbuf_addf(&sb, "%s%s", higher++ ? ", " : ", but higher for ", names[i]);
	strbuf_addstr(&sb, "); whiskers: 95% intervals.");
	return strbuf_detach(&sb, NULL);
}

void html_validity(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t, any = 0;

	strbuf_addstr(sb, "<section id=\"validity\">\n<h2>Validity</h2>\n");
	for (t = 0; t < r->n_tasks; t++) {
		const char *task = r->tasks[t].name;
		size_t n, m, i, n_valid = 0;
		const char **names = html_task_metrics(r, task, &n), **valid = xcalloc(n + 1, sizeof(*valid));
		struct plot_series *series;
		double *v;
		char *title, *caption;
		struct plot p = { 0 };

		for (m = 0; m < n; m++)
			if (is_validity(names[m]))
				valid[n_valid++] = names[m];
		free(names);
		if (!n_valid) {
			free(valid);
			continue;
		}
		any++;
		strbuf_addf(sb, "<h3 id=\"validity-%zu\">Task: ", t + 1);
		html_escape(sb, task);
		strbuf_addstr(sb, "</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th>rate</th>");
		for (i = 0; i < r->n_runs; i++) {
			strbuf_addstr(sb, "<th class=\"num\">");
			html_run_name(sb, r, i);
			strbuf_addstr(sb, "</th>");
		}
		strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
		series = xcalloc(r->n_runs, sizeof(*series));
		v = xcalloc(r->n_runs * 3 * n_valid, sizeof(*v));
		for (i = 0; i < r->n_runs; i++) {
			double *y = v + i * 3 * n_valid;
			series[i].name = r->runs[i].label;
			series[i].color = (unsigned)i;
			series[i].y = y;
			series[i].lo = y + n_valid;
			series[i].hi = y + 2 * n_valid;
			series[i].n = n_valid;
			for (m = 0; m < n_valid; m++) {
				const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, valid[m]);
				y[m] = row ? row->value : NAN;
				y[n_valid + m] = row ? row->ci_low : NAN;
				y[2 * n_valid + m] = row ? row->ci_high : NAN;
			}
		}
		for (m = 0; m < n_valid; m++) {
			strbuf_addstr(sb, "<tr><td class=\"mono\">");
			html_escape(sb, valid[m]);
			strbuf_addstr(sb, "</td>");
			for (i = 0; i < r->n_runs; i++) {
				const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, valid[m]);
				strbuf_addstr(sb, "<td class=\"num\">");
				if (row) {
					html_num(sb, row->value);
					html_ci(sb, row->ci_low, row->ci_high);
					html_mark(sb, compare_row_find(r->runs[i].vs_base, task, valid[m]));
				} else {
					strbuf_addstr(sb, DASH);
				}
				strbuf_addstr(sb, "</td>");
			}
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</tbody></table></div>\n<div class=\"plots\">\n");
		title = xstrfmt("validity rates \xe2\x80\x94 %s", task);
		caption = validity_caption(valid, n_valid);
		p.kind = PLOT_BARS;
		p.title = title;
		p.ylabel = "share of samples";
		p.categories = valid;
		p.n_categories = n_valid;
		p.series = series;
		p.n_series = r->n_runs;
		p.y_from_zero = 1;
		html_figure(rd, &p, caption);
		strbuf_addstr(sb, "</div>\n");
		free(title);
		free(caption);
		free(series);
		free(v);
		free(valid);
	}
	if (!any)
		strbuf_addstr(sb, "<p class=\"note\">None of these runs records validity rates (failure rates"
				  " such as <code>error_rate</code>, <code>parse_failure_rate</code>"
				  " or <code>hallucination_rate</code>): built-in models rank catalogue items directly, so"
				  " their answers cannot fail to parse or name an item that does not exist. No plot is drawn.</p>\n");
	strbuf_addstr(sb, "</section>\n");
}

/* The run's cost_usd over its tasks, "$0.0123"; a dash when a task's is unknown or none is stored. */
static void add_cost(struct strbuf *sb, const struct report_run *run)
{
	double sum = 0;
	size_t i, n = 0;

	for (i = 0; i < run->n_rows; i++)
		if (!strcmp(run->rows[i].metric, "cost_usd")) {
			sum += run->rows[i].value;
			n++;
		}
	if (!n || !isfinite(sum))
		strbuf_addstr(sb, DASH);
	else
		strbuf_addf(sb, "$%.4f", sum);
}

void html_usage(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	int api = 0;
	size_t i;

	for (i = 0; i < r->n_runs; i++)
		if (r->runs[i].usage->tokens_in || r->runs[i].usage->tokens_out || r->runs[i].usage->requests)
			api = 1;
	strbuf_addstr(sb, "<section id=\"usage\">\n<h2>Cost, tokens and latency</h2>\n");
	if (!api)
		strbuf_addstr(sb, "<p class=\"note\">No run used an API: no request was sent and no token was counted"
				  " (built-in models run in-process), so there is no token count or cost. Latency is the"
				  " time each sample took to answer.</p>\n");
	else
		strbuf_addstr(sb, "<p class=\"legend\">Tokens as the API reported them. Cost (US dollars, the"
				  " <code>cost_usd</code> of every task summed) = tokens in " TIMES " the price of an input"
				  " token + tokens out " TIMES " the price of an output token, at the model spec's"
				  " <code>price_in</code> and <code>price_out</code> (per million tokens), else OpenAI's list"
				  " price for OpenAI's own endpoint; " DASH " where the price, or some answer's usage, is"
				  " unknown. Latency is per sample, from request to answer"
				  " (answers served from the cache are near zero).</p>\n");
	strbuf_addstr(sb, "<div class=\"scroll\"><table>\n<thead><tr><th>model</th>"
			  "<th class=\"num\">samples</th><th class=\"num\">ok / invalid / errors</th>");
	if (api)
		strbuf_addstr(sb, "<th class=\"num\">requests</th><th class=\"num\">tokens in</th>"
				  "<th class=\"num\">tokens out</th><th class=\"num\">tokens / request</th>"
				  "<th class=\"num\">cost (USD)</th>");
	strbuf_addstr(sb, "<th class=\"num\">latency mean</th><th class=\"num\">p50</th><th class=\"num\">p95</th>"
			  "<th class=\"num\">max</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_runs; i++) {
		const struct run_usage *u = r->runs[i].usage;

		strbuf_addstr(sb, "<tr><td>");
		html_run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_count(sb, u->samples);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_count(sb, u->ok);
		strbuf_addstr(sb, " / ");
		html_count(sb, u->invalid);
		strbuf_addstr(sb, " / ");
		html_count(sb, u->errors);
		if (api && !u->requests && !u->tokens_in && !u->tokens_out) {
			strbuf_addstr(sb, "</td><td class=\"num\" colspan=\"5\"><span class=\"runid\">no API</span>");
		} else if (api) {
			strbuf_addstr(sb, "</td><td class=\"num\">");
			html_count(sb, u->requests);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			html_count(sb, u->tokens_in);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			html_count(sb, u->tokens_out);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			html_num(sb, u->requests ? (double)(u->tokens_in + u->tokens_out) / (double)u->requests : NAN);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_cost(sb, &r->runs[i]);
		}
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_ms(sb, u->latency_mean);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_ms(sb, u->latency_p50);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_ms(sb, u->latency_p95);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_ms(sb, u->latency_max);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n</section>\n");
}
