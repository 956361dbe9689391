/* html_samples.c: the report's drill-down: which samples the runs disagree on most, and each run's answer to them. */
#include "reports/html_internal.h"
#include "eval/codec.h"

#define TOP_ITEMS 10
#define MAX_HISTORY 50

static void item(struct strbuf *sb, const char *id, int target)
{
	strbuf_addstr(sb, target ? "<span class=\"item target\">" : "<span class=\"item\">");
	html_escape(sb, id);
	strbuf_addstr(sb, "</span>");
}

/* The ids of a stored id list as chips: the last max of them (0: the first max), target highlighted. */
static void items(struct strbuf *sb, const char *json, const char *target, int last, size_t max)
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
		item(sb, l.ids[i], target && !strcmp(l.ids[i], target));
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
static void grounding(struct strbuf *sb, const char *json)
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
			item(sb, g[i].item, 0);
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
		item(sb, first->target ? first->target : "?", 1);
		strbuf_addstr(sb, "</p>\n<p><span class=\"label\">History, oldest first:</span> ");
		items(sb, first->history, first->target, 1, MAX_HISTORY);
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
			items(sb, s->ranking, s->target, 0, TOP_ITEMS);
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
				grounding(sb, s->grounding);
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
			  " scored. Item titles are"
			  " not stored: items are shown by id; the held-out target is <span class=\"item target\">highlighted</span>.</p>\n");
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
