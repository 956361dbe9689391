/* page_run.c: the run page (facts, progress, the report's sections for one run, samples paged and searched) and the page of one sample (request, answer, grounding, transcript, verdicts). */
#include <cJSON.h>
#include "serve/pages.h"
#include "serve/api_runs.h"
#include "serve/find.h"
#include "serve/queue.h"
#include "reports/html.h"
#include "reports/html_internal.h"
#include "reports/report_page.h"
#include "eval/codec.h"
#include "eval/store_judge.h"

#define PAGE 50

static void fact(struct strbuf *out, const char *name, const char *value)
{
	strbuf_addf(out, "<dt>%s</dt><dd>", name);
	html_escape(out, value ? value : "-");
	strbuf_addstr(out, "</dd>\n");
}

/* An item with its title: <span class="item">ID</span> title. */
static void item(struct strbuf *out, const struct titles *t, const char *id, int target)
{
	const char *title = titles_get(t, id);

	strbuf_addf(out, "<span class=\"item%s\">", target ? " target" : "");
	html_escape(out, id);
	strbuf_addstr(out, "</span>");
	if (title) {
		strbuf_addch(out, ' ');
		html_escape(out, title);
	}
}

/* The first max items of a stored id list, the target marked. */
static void items(struct strbuf *out, const struct titles *t, const char *json, const char *target, size_t max)
{
	struct id_list l;
	size_t i;

	if (codec_get_ids(&l, json) < 0) {
		strbuf_addstr(out, "-");
		return;
	}
	for (i = 0; i < l.n && i < max; i++) {
		if (i)
			strbuf_addstr(out, "<br/>");
		strbuf_addf(out, "%zu. ", i + 1);
		item(out, t, l.ids[i], target && !strcmp(l.ids[i], target));
	}
	if (l.n > max)
		strbuf_addf(out, "<br/>... %zu more", l.n - max);
	if (!l.n)
		strbuf_addstr(out, "(empty)");
	id_list_release(&l);
}

struct run_rows {
	struct strbuf *out;
	const struct titles *titles;
	int64_t run;
};

static void metrics_cell(struct strbuf *out, const struct sample_view *v, size_t max)
{
	size_t i;

	for (i = 0; i < v->n_metrics && i < max; i++) {
		if (i)
			strbuf_addstr(out, "<br/>");
		html_escape(out, v->metric_names[i]);
		strbuf_addstr(out, " ");
		html_num(out, v->metric_values[i]);
	}
	if (v->n_metrics > max)
		strbuf_addf(out, "<br/>... %zu more", v->n_metrics - max);
}

static int sample_tr(const struct sample_view *v, void *data)
{
	struct run_rows *rr = data;
	struct strbuf *out = rr->out;

	strbuf_addf(out, "<tr><td><a href=\"/runs/%lld/sample?task=", (long long)rr->run);
	page_urlarg(out, v->task);
	strbuf_addstr(out, "&amp;id=");
	page_urlarg(out, v->sample_id);
	strbuf_addstr(out, "\">");
	html_escape(out, v->sample_id);
	strbuf_addstr(out, "</a></td><td>");
	html_escape(out, v->task);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, v->user ? v->user : "-");
	strbuf_addstr(out, "</td><td>");
	if (v->target)
		item(out, rr->titles, v->target, 1);
	else
		strbuf_addstr(out, "-");
	strbuf_addstr(out, "</td><td>");
	html_escape(out, v->status);
	strbuf_addstr(out, "</td><td>");
	items(out, rr->titles, v->ranking, v->target, 5);
	strbuf_addstr(out, "</td><td class=\"num\">");
	metrics_cell(out, v, 4);
	strbuf_addstr(out, "</td></tr>\n");
	return 0;
}

/* A link to the run page with task, q and offset. */
static void page_link(struct strbuf *out, int64_t run, const char *task, const char *q, long offset)
{
	strbuf_addf(out, "/runs/%lld?offset=%ld", (long long)run, offset);
	if (task && *task) {
		strbuf_addstr(out, "&amp;task=");
		page_urlarg(out, task);
	}
	if (q && *q) {
		strbuf_addstr(out, "&amp;q=");
		page_urlarg(out, q);
	}
	strbuf_addstr(out, "#samples");
}

static int samples_section(struct request *r, struct store *s, const struct run_info *run,
			   const struct metric_row *rows, size_t n_rows)
{
	struct strbuf *out = &r->out;
	const char *task = req_arg(r, "task"), *q = req_arg(r, "q");
	const struct titles *titles;
	struct sample_find f;
	struct run_rows rr;
	long offset;
	size_t i;
	int ret = 0;

	if (req_long(r, "offset", 0, 0, LONG_MAX / 2, &offset) < 0)
		return -1;
	if (!(titles = serve_titles(r->srv, s, run)))
		return -1;
	strbuf_addstr(out, "<section id=\"samples\">\n<h2>Samples</h2>\n<form class=\"filters\" method=\"get\" action=\"\">\n"
			   "<label>task<select name=\"task\"><option value=\"\">every task</option>");
	for (i = 0; i < n_rows; i++) {
		if (i && !strcmp(rows[i].task, rows[i - 1].task))
			continue;
		strbuf_addstr(out, "<option");
		if (task && !strcmp(task, rows[i].task))
			strbuf_addstr(out, " selected=\"selected\"");
		strbuf_addstr(out, ">");
		html_escape(out, rows[i].task);
		strbuf_addstr(out, "</option>");
	}
	strbuf_addstr(out, "</select></label>\n<label>user, sample or item title<input type=\"search\" name=\"q\" value=\"");
	html_escape(out, q);
	strbuf_addstr(out, "\"/></label>\n<button type=\"submit\">Search</button>\n</form>\n");

	memset(&f, 0, sizeof(f));
	rr.out = out;
	rr.titles = titles;
	rr.run = run->id;
	f.task = task && *task ? task : NULL;
	f.q = q;
	f.titles = titles;
	f.offset = (size_t)offset;
	f.limit = PAGE;
	f.fn = sample_tr;
	f.data = &rr;
	strbuf_addstr(out, "<div class=\"scroll\"><table>\n<thead><tr><th>sample</th><th>task</th><th>user</th>"
			   "<th>target</th><th>status</th><th>ranking (top 5)</th><th>metrics</th></tr></thead>\n<tbody>\n");
	if (sample_find(&f, s, run->id) < 0) {
		ret = -1;
	} else {
		if (!f.total)
			strbuf_addstr(out, "<tr><td colspan=\"7\">no sample matches</td></tr>\n");
		strbuf_addstr(out, "</tbody></table></div>\n<p class=\"pager\">");
		if (f.total)
			strbuf_addf(out, "%zu to %zu of %zu. ", f.offset + 1,
				    f.offset + PAGE < f.total ? f.offset + PAGE : f.total, f.total);
		if (offset > 0) {
			strbuf_addstr(out, "<a href=\"");
			page_link(out, run->id, task, q, offset > PAGE ? offset - PAGE : 0);
			strbuf_addstr(out, "\">previous</a>");
		}
		if ((size_t)offset + PAGE < f.total) {
			strbuf_addstr(out, "<a href=\"");
			page_link(out, run->id, task, q, offset + PAGE);
			strbuf_addstr(out, "\">next</a>");
		}
		strbuf_addf(out, " As JSON lines: <a href=\"/api/runs/%lld/samples\">/api/runs/%lld/samples</a></p>\n</section>\n",
			    (long long)run->id, (long long)run->id);
	}
	return ret;
}

int page_run(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct run_info run;
	struct metric_row *rows = NULL;
	struct report_page_options o;
	struct strbuf progress = STRBUF_INIT, *out = &r->out;
	char title[96], date[32], seed[32], samples[64];
	int ended = 1, rc;
	size_t n = 0;

	if (!s)
		return page_error(r, 503, "%s", r->err);
	if (!serve_load_run(r, s, id, &run)) {
		serve_store_put(r->srv, s);
		return page_error(r, r->status, "no run %lld", (long long)id);
	}
	if (store_get_run_metrics(s, id, &rows, &n) < 0 || serve_run_progress(&progress, s, id, &ended) < 0) {
		rc = page_error(r, 503, "%s", r->err);
		goto out;
	}
	snprintf(title, sizeof(title), "Run %lld", (long long)id);
	page_begin(out, title);
	strbuf_addstr(out, "<dl class=\"facts\">\n");
	fact(out, "model", run.model);
	fact(out, "suite", run.suite);
	fact(out, "status", run.status);
	fact(out, "started", run.started_at);
	fact(out, "finished", run.finished_at);
	snprintf(samples, sizeof(samples), "%lld planned, %lld not ok", (long long)run.samples, (long long)run.errors);
	fact(out, "samples", samples);
	snprintf(seed, sizeof(seed), "%lld", (long long)run.seed);
	fact(out, "seed", seed);
	fact(out, "run key", run.run_key);
	fact(out, "receval version", run.version);
	strbuf_addstr(out, "</dl>\n");
	strbuf_addf(out, "<p>JSON: <a href=\"/api/runs/%lld\">/api/runs/%lld</a> (as <code>receval show %lld --format json</code>)."
			 " Compare with another run: tick both on <a href=\"/\">the runs list</a>.</p>\n",
		    (long long)id, (long long)id, (long long)id);
	if (!ended) {
		page_progress(out, progress.buf, id, 0);
		if (queue_job_of_run(r->srv->queue, id))
			strbuf_addf(out, "<form method=\"post\" action=\"/runs/%lld/cancel\"><button type=\"submit\">Cancel"
					 "</button> (stored as interrupted; resume it later)</form>\n", (long long)id);
	} else if (!strcmp(run.status, "interrupted") || !strcmp(run.status, "failed")) {
		strbuf_addf(out, "<form method=\"post\" action=\"/runs/%lld/resume\"><button type=\"submit\">Resume</button>"
				 " (as <code>receval run --resume %lld</code>: completed samples are kept)</form>\n",
			    (long long)id, (long long)id);
	}

	/* metrics with intervals, validity and cost: the report's own sections for this one run */
	memset(&o, 0, sizeof(o));
	o.alpha = 0.05;
	o.copts.test = COMPARE_T;
	o.copts.permutations = 10000;
	o.copts.resamples = 1000;
	o.top = 0;
	o.no_plots = !(req_arg(r, "plots") && !strcmp(req_arg(r, "plots"), "1"));
	iso_time(date, sizeof(date));
	o.generated = date;
	o.fragment = 1;
	if (n && o.no_plots)
		strbuf_addf(out, "<p><a href=\"/runs/%lld?plots=1\">Draw the plots</a> (gnuplot, on the server).</p>\n",
			    (long long)id);
	if (n && report_page(out, s, &id, 1, &o, NULL, NULL) <= 0) {
		rc = page_error(r, 503, "%s", r->err);
		goto out;
	}
	if (!n)
		strbuf_addstr(out, "<p class=\"note\">No metrics yet: they are computed when the run finishes.</p>\n");
	if (samples_section(r, s, &run, rows, n) < 0) {
		rc = r->status == 400 ? page_error(r, 400, "offset must be a whole number from 0") : page_error(r, 503, "%s", r->err);
		goto out;
	}
	page_end(out);
	page_done(r);
	rc = 0;
out:
	serve_store_put(r->srv, s);
	strbuf_release(&progress);
	metric_rows_free(rows, n);
	run_info_release(&run);
	return rc;
}

/* --- one sample ------------------------------------------------------------------------ */

struct one_sample {
	const char *task, *id;
	struct strbuf *out;
	const struct titles *titles;
	int found;
};

static void pre(struct strbuf *out, const char *cls, const char *text)
{
	strbuf_addf(out, "<pre class=\"%s\">", cls);
	html_escape(out, text ? text : "");
	strbuf_addstr(out, "</pre>\n");
}

static void transcript(struct strbuf *out, const char *json)
{
	struct transcript_row *t = NULL;
	size_t n = 0, i;

	if (codec_get_transcript(&t, &n, json) < 0)
		return;
	strbuf_addstr(out, "<h2>Transcript</h2>\n<p class=\"legend\">Every request of the sample, in the order it was"
			   " made: the subject's, the judge's verdicts, the simulated user's turns.</p>\n");
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, "<div class=\"card\"><h4>");
		html_escape(out, t[i].role);
		strbuf_addf(out, ", turn %zu", t[i].turn);
		if (t[i].status) {
			strbuf_addstr(out, " <span class=\"status\">");
			html_escape(out, t[i].status);
			strbuf_addstr(out, "</span>");
		}
		strbuf_addstr(out, "</h4>\n<span class=\"label\">request</span>\n");
		pre(out, "request", t[i].request);
		strbuf_addstr(out, "<span class=\"label\">answer</span>\n");
		pre(out, "response", t[i].response);
		if (t[i].verdict) {
			strbuf_addstr(out, "<span class=\"label\">verdict</span>\n");
			pre(out, "response", t[i].verdict);
		}
		if (!isnan(t[i].score)) {
			strbuf_addstr(out, "<p>score ");
			html_num(out, t[i].score);
			strbuf_addstr(out, "</p>\n");
		}
		if (t[i].error) {
			strbuf_addstr(out, "<p class=\"warn\">");
			html_escape(out, t[i].error);
			strbuf_addstr(out, "</p>\n");
		}
		strbuf_addstr(out, "</div>\n");
	}
	codec_transcript_free(t, n);
}

static int sample_body(const struct sample_view *v, void *data)
{
	struct one_sample *os = data;
	struct strbuf *out = os->out;
	struct grounding_row *g = NULL;
	size_t n = 0, i;

	if (strcmp(v->task, os->task) || strcmp(v->sample_id, os->id))
		return 0;
	os->found = 1;
	strbuf_addstr(out, "<h2>Ranking</h2>\n<p>");
	items(out, os->titles, v->ranking, v->target, 100);
	strbuf_addstr(out, "</p>\n");
	if (v->candidates) {
		strbuf_addstr(out, "<h3>Candidates</h3>\n<p>");
		items(out, os->titles, v->candidates, v->target, 100);
		strbuf_addstr(out, "</p>\n");
	}
	if (v->history) {
		strbuf_addstr(out, "<h3>History (oldest first)</h3>\n<p>");
		items(out, os->titles, v->history, NULL, 50);
		strbuf_addstr(out, "</p>\n");
	}
	if (codec_get_groundings(&g, &n, v->grounding) == 0 && n) {
		strbuf_addstr(out, "<h2>Grounding</h2>\n<p class=\"legend\">Each mention in the answer and the catalogue item"
				   " it was read as.</p>\n<table><thead><tr><th>mention</th><th>item</th><th>how</th>"
				   "<th class=\"num\">score</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < n; i++) {
			strbuf_addstr(out, "<tr><td>");
			html_escape(out, g[i].text);
			strbuf_addstr(out, "</td><td>");
			if (g[i].item)
				item(out, os->titles, g[i].item, 0);
			else
				strbuf_addstr(out, "none (hallucinated?)");
			strbuf_addstr(out, "</td><td>");
			html_escape(out, g[i].how);
			strbuf_addstr(out, "</td><td class=\"num\">");
			html_num(out, g[i].score);
			strbuf_addstr(out, "</td></tr>\n");
		}
		strbuf_addstr(out, "</tbody></table>\n");
	}
	codec_groundings_free(g, n);
	strbuf_addstr(out, "<h2>Metrics</h2>\n<table><tbody>\n");
	for (i = 0; i < v->n_metrics; i++) {
		strbuf_addstr(out, "<tr><td>");
		html_escape(out, v->metric_names[i]);
		strbuf_addstr(out, "</td><td class=\"num\">");
		html_num(out, v->metric_values[i]);
		strbuf_addstr(out, "</td></tr>\n");
	}
	if (!v->n_metrics)
		strbuf_addstr(out, "<tr><td>not scored (the sample did not complete)</td></tr>\n");
	strbuf_addstr(out, "</tbody></table>\n");
	if (v->transcript)
		transcript(out, v->transcript);
	return 1;
}

int page_sample(struct request *r, int64_t id)
{
	const char *task = req_arg(r, "task"), *sid = req_arg(r, "id");
	struct store *s;
	struct run_info run;
	struct sample_row row;
	const struct titles *titles = NULL;
	struct one_sample os;
	struct strbuf *out = &r->out;
	char title[160], num[64];
	int rc;

	if (!task || !sid)
		return page_error(r, 400, "name the sample: /runs/%lld/sample?task=TASK&id=SAMPLE_ID", (long long)id);
	if (!(s = serve_store_get(r)))
		return page_error(r, 503, "%s", r->err);
	if (!serve_load_run(r, s, id, &run)) {
		serve_store_put(r->srv, s);
		return page_error(r, r->status, "no run %lld", (long long)id);
	}
	rc = store_get_sample(s, id, task, sid, &row);
	if (rc <= 0) {
		rc = rc ? page_error(r, 503, "%s", r->err)
			: page_error(r, 404, "run %lld has no sample '%s' of task '%s'", (long long)id, sid, task);
		goto out;
	}
	if (!(titles = serve_titles(r->srv, s, &run))) {
		rc = page_error(r, 503, "%s", r->err);
		goto out_row;
	}
	snprintf(title, sizeof(title), "Run %lld: sample %.60s (%.40s)", (long long)id, sid, task);
	page_begin(out, title);
	strbuf_addf(out, "<p><a href=\"/runs/%lld#samples\">back to run %lld</a></p>\n<dl class=\"facts\">\n",
		    (long long)id, (long long)id);
	fact(out, "model", run.model);
	fact(out, "user", row.user);
	strbuf_addstr(out, "<dt>target</dt><dd>");
	if (row.target)
		item(out, titles, row.target, 1);
	else
		strbuf_addstr(out, "-");
	strbuf_addstr(out, "</dd>\n");
	fact(out, "status", row.status);
	if (row.error)
		fact(out, "error", row.error);
	if (!isnan(row.latency_ms)) {
		snprintf(num, sizeof(num), "%.1f ms", row.latency_ms);
		fact(out, "latency", num);
	}
	snprintf(num, sizeof(num), "%lld in, %lld out", (long long)row.tokens_in, (long long)row.tokens_out);
	fact(out, "tokens", num);
	strbuf_addstr(out, "</dl>\n");
	if (row.request) {
		strbuf_addstr(out, "<h2>Request</h2>\n");
		pre(out, "request", row.request);
	}
	if (row.response) {
		strbuf_addstr(out, "<h2>Answer</h2>\n");
		pre(out, "response", row.response);
	}
	memset(&os, 0, sizeof(os));
	os.task = task;
	os.id = sid;
	os.out = out;
	os.titles = titles;
	if (store_for_each_sample(s, id, sample_body, &os) < 0) {
		rc = page_error(r, 503, "%s", r->err);
		goto out_row;
	}
	page_end(out);
	page_done(r);
	rc = 0;
out_row:
	sample_row_release(&row);
out:
	serve_store_put(r->srv, s);
	run_info_release(&run);
	return rc;
}
