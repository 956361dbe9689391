/* html_samples.c: the report's drill-down: which samples the runs disagree on most, and each run's answer to them. */
#include "reports/html_internal.h"
#include "lib/strmap.h"
#include "eval/titles.h"
#include "eval/codec.h"

/* --- picking: the samples the runs disagree on most ------------------------- */

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
	/* rows are sorted by (task, metric): the first of (t, k) by bisection, not a scan per task */
	{
		size_t lo = 0, hi = m->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct sample_metric *r = &m->rows[mid];
			if (r->task < t || (r->task == t && r->metric < k))
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
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
static int pick_samples(struct report_task *t, struct store *store, const struct report_run *runs,
			size_t n_runs, size_t top)
{
	const struct sample_metric **slices = xcalloc(n_runs, sizeof(*slices));
	size_t *lens = xcalloc(n_runs, sizeof(*lens)), n_cand = 0, i, j, k, taking = 0, lead = 0;
	struct candidate *cand = NULL;
	struct report_pick *picks = NULL;
	int ret = 0;

	/* the runs that evaluated the task take part; the first of them leads */
	for (i = 0; i < n_runs; i++) {
		slices[i] = runs[i].samples ? slice(runs[i].samples, t->name, t->headline, &lens[i]) : NULL;
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
			if (store_get_sample(store, runs[i].info->id, t->name, cand[k].sample_id, &rows[i]) < 0)
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

static void release_picks(const struct report_task *t, size_t n_runs)
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
static const char **collect_tasks(const struct report_run *runs, size_t n_runs, size_t *n)
{
	const char **tasks = NULL;
	struct strmap seen = STRMAP_INIT;
	size_t alloc = 0, i, j;

	*n = 0;
	for (i = 0; i < n_runs; i++)
		for (j = 0; j < runs[i].n_rows; j++) {
			const char *task = runs[i].rows[j].task;
			if (strmap_put(&seen, task, strlen(task), (uint32_t)*n, NULL)) {
				ALLOC_GROW(tasks, *n + 1, alloc);
				tasks[(*n)++] = task;
			}
		}
	strmap_release(&seen);
	return tasks;
}

int report_tasks_build(struct report_task **out, size_t *n, struct store *store, const struct report_run *runs,
		       size_t n_runs, size_t top)
{
	const char **names = collect_tasks(runs, n_runs, n);
	struct report_task *tasks = xcalloc(*n + 1, sizeof(*tasks));
	size_t i;
	int ret = 0;

	for (i = 0; i < *n && !ret; i++) {
		tasks[i].name = names[i];
		tasks[i].headline = report_headline(runs, n_runs, names[i]);
		if (tasks[i].headline && pick_samples(&tasks[i], store, runs, n_runs, top) < 0)
			ret = -1;
	}
	free(names);
	*out = tasks;
	return ret;
}

void report_tasks_free(struct report_task *tasks, size_t n, size_t n_runs)
{
	size_t i;

	for (i = 0; tasks && i < n; i++)
		release_picks(&tasks[i], n_runs);
	free(tasks);
}

/* --- rendering ----------------------------------------------------------------- */

#define TOP_ITEMS 10
#define MAX_HISTORY 50

/* An item as a chip: "Title (id)", or the id alone when the catalogue has no title for it. */
static void item(struct strbuf *sb, const struct titles *t, const char *id, int target)
{
	const char *title = titles_get(t, id);

	strbuf_addstr(sb, target ? "<span class=\"item target\">" : "<span class=\"item\">");
	if (title) {
		html_escape(sb, title);
		strbuf_addstr(sb, " <span class=\"runid\">(");
		html_escape(sb, id);
		strbuf_addstr(sb, ")</span>");
	} else {
		html_escape(sb, id);
	}
	strbuf_addstr(sb, "</span>");
}

/* The ids of a stored id list as chips: the last max of them (0: the first max), target highlighted. */
static void items(struct strbuf *sb, const struct titles *t, const char *json, const char *target, int last,
		  size_t max)
{
	struct id_list l;
	size_t i, from;

	if (codec_get_ids(&l, json) < 0) {
		strbuf_addstr(sb, "<span class=\"runid\">none stored</span>");
		return;
	}
	from = last && l.n > max ? l.n - max : 0;
	if (from)
		strbuf_addf(sb, "<span class=\"runid\">(%zu earlier not shown)</span> ", from);
	for (i = from; i < l.n; i++) {
		if (!last && i >= max) {
			strbuf_addf(sb, " <span class=\"runid\">+%zu more</span>", l.n - max);
			break;
		}
		item(sb, t, l.ids[i], target && !strcmp(l.ids[i], target));
	}
	if (!l.n)
		strbuf_addstr(sb, "<span class=\"runid\">empty</span>");
	id_list_release(&l);
}

/* "3 of 20", "not in the 20": where the target is in a ranking. */
static void target_rank(struct strbuf *sb, const char *ranking, const char *target)
{
	size_t n, place = codec_place(ranking, target, &n);

	if (place)
		strbuf_addf(sb, "%zu <span class=\"runid\">of %zu</span>", place, n);
	else
		strbuf_addf(sb, "<span class=\"runid\">not in the %zu</span>", n);
}

/* A stored grounding array: how each mention in the answer was matched to a catalogue item. */
static void grounding(struct strbuf *sb, const struct titles *t, const char *json)
{
	struct grounding_row *g;
	size_t n, i;

	if (codec_get_groundings(&g, &n, json) < 0) {
		strbuf_addstr(sb, "<pre class=\"response\">");
		html_escape(sb, json);
		strbuf_addstr(sb, "</pre>\n");
		return;
	}
	strbuf_addstr(sb, "<ul class=\"grounding\">\n");
	for (i = 0; i < n; i++) {
		strbuf_addstr(sb, "<li>\xe2\x80\x9c");
		html_escape(sb, g[i].text ? g[i].text : "");
		strbuf_addstr(sb, "\xe2\x80\x9d \xe2\x86\x92 ");
		if (g[i].item)
			item(sb, t, g[i].item, 0);
		else
			strbuf_addstr(sb, "<span class=\"status\">no item</span>");
		if (g[i].how || isfinite(g[i].score)) {
			strbuf_addstr(sb, " <span class=\"runid\">(");
			html_escape(sb, g[i].how);
			if (isfinite(g[i].score))
				strbuf_addf(sb, "%s%.3g", g[i].how ? ", " : "", g[i].score);
			strbuf_addstr(sb, ")</span>");
		}
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ul>\n");
	codec_groundings_free(g, n);
}

static void add_pick(struct strbuf *sb, const struct report *r, const struct report_task *t,
		     const struct report_pick *pk, size_t task_no, size_t no)
{
	const struct sample_row *first = NULL;
	size_t i;

	for (i = 0; i < r->n_runs && !first; i++)
		if (pk->samples[i].sample_id)
			first = &pk->samples[i];
	strbuf_addf(sb, "<div class=\"card\" id=\"drill-%zu-%zu\">\n<h4>%zu. Sample ", task_no, no, no);
	html_escape(sb, pk->sample_id);
	if (first && first->user && strcmp(first->user, pk->sample_id)) {
		strbuf_addstr(sb, " <span class=\"runid\">user ");
		html_escape(sb, first->user);
		strbuf_addstr(sb, "</span>");
	}
	strbuf_addstr(sb, " <span class=\"runid\">\xc2\xb7 spread of ");
	html_escape(sb, t->headline);
	strbuf_addstr(sb, ": ");
	html_num(sb, pk->spread);
	strbuf_addstr(sb, "</span></h4>\n");
	if (first) {
		strbuf_addstr(sb, "<p><span class=\"label\">Target:</span> ");
		item(sb, r->titles, first->target ? first->target : "?", 1);
		strbuf_addstr(sb, "</p>\n<p><span class=\"label\">History, oldest first:</span> ");
		items(sb, r->titles, first->history, first->target, 1, MAX_HISTORY);
		strbuf_addstr(sb, "</p>\n");
	}
	strbuf_addstr(sb, "<table>\n<thead><tr><th>model</th><th class=\"num\">");
	html_escape(sb, t->headline);
	strbuf_addstr(sb, "</th><th class=\"num\">target rank</th><th>top 10</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_runs; i++) {
		const struct sample_row *s = &pk->samples[i];

		strbuf_addstr(sb, "<tr><td>");
		html_run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_num(sb, pk->values[i]);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		if (s->sample_id)
			target_rank(sb, s->ranking, s->target);
		else
			strbuf_addstr(sb, DASH);
		strbuf_addstr(sb, "</td><td>");
		if (!s->sample_id) {
			strbuf_addstr(sb, "<span class=\"runid\">not in this run</span>");
		} else {
			if (s->status && strcmp(s->status, "ok")) {
				strbuf_addstr(sb, "<span class=\"status\">");
				html_escape(sb, s->status);
				if (s->error) {
					strbuf_addstr(sb, ": ");
					html_escape(sb, s->error);
				}
				strbuf_addstr(sb, "</span><br/>");
			}
			items(sb, r->titles, s->ranking, s->target, 0, TOP_ITEMS);
		}
		strbuf_addstr(sb, "</td></tr>\n");
		if (s->sample_id && (s->response || s->grounding)) {
			strbuf_addstr(sb, "<tr><td></td><td colspan=\"3\">");
			if (s->response) {
				strbuf_addstr(sb, "<span class=\"label\">Answer:</span>\n<pre class=\"response\">");
				html_escape(sb, s->response);
				strbuf_addstr(sb, "</pre>\n");
			}
			if (s->grounding) {
				strbuf_addstr(sb, "<span class=\"label\">Grounding:</span>\n");
				grounding(sb, r->titles, s->grounding);
			}
			strbuf_addstr(sb, "</td></tr>\n");
		}
	}
	strbuf_addstr(sb, "</tbody></table>\n</div>\n");
}

void html_drilldown(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t, k;

	strbuf_addstr(sb, "<section id=\"drilldown\">\n<h2>Drill-down: where the models disagree</h2>\n");
	if (r->n_runs < 2) {
		strbuf_addstr(sb, "<p class=\"note\">One run only: the drill-down compares the runs' answers sample by sample,"
				  " so it needs two runs or more.</p>\n</section>\n");
		return;
	}
	strbuf_addstr(sb, "<p class=\"legend\">Per task, the samples whose headline metric differs most across the runs"
			  " (the spread: highest minus lowest value), among the samples that every run evaluating the task"
			  " scored. Items are shown by title and catalogue id (the id alone where the catalogue has no"
			  " title); the held-out target is <span class=\"item target\">highlighted</span>.</p>\n");
	for (t = 0; t < r->n_tasks; t++) {
		const struct report_task *task = &r->tasks[t];

		strbuf_addf(sb, "<h3 id=\"drilldown-%zu\">Task: ", t + 1);
		html_escape(sb, task->name);
		strbuf_addstr(sb, "</h3>\n");
		if (!task->headline || !task->candidates) {
			strbuf_addstr(sb, "<p class=\"note\">No sample that two runs or more scored on a common metric:"
					  " nothing to compare.</p>\n");
			continue;
		}
		if (!task->n_picks) {
			strbuf_addstr(sb, "<p class=\"note\">The runs agree: each of the ");
			html_count(sb, (int64_t)task->candidates);
			strbuf_addstr(sb, " samples that every run scored has the same <code>");
			html_escape(sb, task->headline);
			strbuf_addstr(sb, "</code> in every run.</p>\n");
			continue;
		}
		strbuf_addf(sb, "<p class=\"legend\">The %zu samples, of ", task->n_picks);
		html_count(sb, (int64_t)task->candidates);
		strbuf_addstr(sb, ", with the largest spread of <code>");
		html_escape(sb, task->headline);
		strbuf_addstr(sb, "</code>.</p>\n");
		for (k = 0; k < task->n_picks; k++)
			add_pick(sb, r, task, &task->picks[k], t + 1, k + 1);
	}
	strbuf_addstr(sb, "</section>\n");
}
