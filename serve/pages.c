/* pages.c: receval serve's pages: the runs list with filters and selection, comparisons (the report, live), queued runs, judgments, and the forms that start runs. */
#include <cJSON.h>
#include "serve/pages.h"
#include "serve/api_runs.h"
#include "serve/queue.h"
#include "reports/html.h"
#include "reports/report_page.h"
#include "eval/store_judge.h"
#include "eval/store_jobs.h"
#include "eval/label.h"

static const char page_css[] =
	"nav.top{display:flex;gap:18px;align-items:baseline;margin:0 0 18px;font-size:14px}\n"
	"nav.top a{color:var(--accent);text-decoration:none}\n"
	"nav.top b{font-size:16px;margin-right:8px}\n"
	"form.filters{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:end;margin:8px 0 14px;font-size:13px}\n"
	"form.filters label{display:flex;flex-direction:column;color:var(--muted)}\n"
	"input,select,textarea,button{font:inherit;font-size:13px;padding:3px 6px}\n"
	"a{color:var(--accent)}\n"
	".pager{margin:10px 0;font-size:14px}\n"
	".pager a{margin-right:14px}\n"
	"progress{width:320px;vertical-align:middle}\n"
	"pre.request{white-space:pre-wrap;word-break:break-word;max-height:24em;overflow:auto;background:var(--soft);"
	"border-radius:4px;padding:6px 10px;font-size:12px}\n";

void page_begin(struct strbuf *out, const char *title)
{
	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
			   "<meta name=\"generator\" content=\"receval serve\"/>\n<title>");
	html_escape(out, title);
	strbuf_addstr(out, " - receval</title>\n<style>\n");
	strbuf_addstr(out, html_css());
	strbuf_addstr(out, page_css);
	strbuf_addstr(out, "</style>\n</head>\n<body>\n<main>\n<nav class=\"top\"><b>receval</b>"
			   "<a href=\"/\">Runs</a><a href=\"/jobs\">Queue</a><a href=\"/judgments\">Judgments</a>"
			   "<a href=\"/api/runs\">API</a></nav>\n<h1>");
	html_escape(out, title);
	strbuf_addstr(out, "</h1>\n");
}

void page_end(struct strbuf *out)
{
	strbuf_addf(out, "<footer>receval %s</footer>\n</main>\n</body>\n</html>\n", receval_version);
}

void page_urlarg(struct strbuf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
			strbuf_addch(out, c);
		else
			strbuf_addf(out, "%%%02X", c);
	}
}

void page_done(struct request *r)
{
	r->type = "text/html; charset=utf-8";
	if (!r->status)
		r->status = 200;
}

int page_error(struct request *r, unsigned status, const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&msg, fmt, ap);
	va_end(ap);
	strbuf_reset(&r->out);
	page_begin(&r->out, status == 404 ? "Not found" : "Cannot do that");
	strbuf_addstr(&r->out, "<p class=\"warn\">");
	html_escape(&r->out, msg.buf);
	strbuf_addstr(&r->out, "</p>\n<p><a href=\"/\">All runs</a></p>\n");
	page_end(&r->out);
	r->status = status;
	page_done(r);
	strbuf_release(&msg);
	return 0;
}

/* The message of the JSON error a shared function answered with, as a page. */
static int page_from_json_error(struct request *r)
{
	cJSON *e = cJSON_Parse(r->out.buf);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "error");
	char *msg = xstrdup(cJSON_IsString(m) ? m->valuestring : "failed");

	cJSON_Delete(e);
	page_error(r, r->status ? r->status : 500, "%s", msg);
	free(msg);
	return 0;
}

void page_progress(struct strbuf *out, const char *json, int64_t run, int64_t job)
{
	cJSON *p = cJSON_Parse(json);
	double planned = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(p, "planned"));
	double stored = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(p, "stored"));

	strbuf_addf(out, "<p id=\"progress\"><progress id=\"bar\" max=\"%.0f\" value=\"%.0f\"></progress> "
			 "<span id=\"count\">%.0f of %.0f samples stored</span></p>\n",
		    isnan(planned) ? 0 : planned, isnan(stored) ? 0 : stored, isnan(stored) ? 0 : stored,
		    isnan(planned) ? 0 : planned);
	/* the one script of the service: progress from the event stream, then the finished page */
	strbuf_addf(out, "<noscript><p>Reload the page to see the progress.</p></noscript>\n"
			 "<script>(function(){var es=new EventSource('/api/%s/%lld/events');"
			 "es.addEventListener('progress',function(e){var d=JSON.parse(e.data);"
			 "if(d.planned!==undefined){var b=document.getElementById('bar');b.max=d.planned;b.value=d.stored;"
			 "document.getElementById('count').textContent=d.stored+' of '+d.planned+' samples stored';}"
			 "else{document.getElementById('count').textContent=d.status;}});"
			 "es.addEventListener('end',function(){es.close();location.reload();});})();</script>\n",
		    run ? "runs" : "jobs", (long long)(run ? run : job));
	cJSON_Delete(p);
}

/* --- the runs list --------------------------------------------------------------- */

static void filter_input(struct strbuf *out, struct request *r, const char *name, const char *label, const char *type)
{
	strbuf_addf(out, "<label>%s<input type=\"%s\" name=\"%s\" value=\"", label, type, name);
	html_escape(out, req_arg(r, name));
	strbuf_addstr(out, "\"/></label>\n");
}

static int runs_page(struct request *r)
{
	static const char *const statuses[] = { "running", "done", "interrupted", "failed" };
	struct store *s = serve_store_get(r);
	struct run_info *runs = NULL;
	struct strbuf *out = &r->out;
	const char *status = req_arg(r, "status"), *suite = req_arg(r, "suite");
	size_t n = 0, i, k, shown = 0;

	if (!s)
		return page_from_json_error(r);
	if (store_list_runs(s, &runs, &n) < 0) {
		serve_store_put(r->srv, s);
		reply_store_error(r);
		return page_from_json_error(r);
	}
	serve_store_put(r->srv, s);
	page_begin(out, "Runs");
	strbuf_addstr(out, "<p class=\"lede\">Every run of <code>");
	html_escape(out, r->srv->cfg->db_path);
	strbuf_addstr(out, "</code>. Tick two or more to compare them; the first is the baseline.</p>\n"
			   "<form class=\"filters\" method=\"get\" action=\"/\">\n<label>suite<select name=\"suite\">"
			   "<option value=\"\">any</option>");
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && strcmp(runs[k].suite, runs[i].suite); k++)
			;
		if (k < i)
			continue;
		strbuf_addstr(out, "<option");
		if (suite && !strcmp(suite, runs[i].suite))
			strbuf_addstr(out, " selected=\"selected\"");
		strbuf_addstr(out, ">");
		html_escape(out, runs[i].suite);
		strbuf_addstr(out, "</option>");
	}
	strbuf_addstr(out, "</select></label>\n");
	filter_input(out, r, "model", "model", "text");
	filter_input(out, r, "label", "label", "text");
	strbuf_addstr(out, "<label>status<select name=\"status\"><option value=\"\">any</option>");
	for (k = 0; k < ARRAY_SIZE(statuses); k++)
		strbuf_addf(out, "<option%s>%s</option>", status && !strcmp(status, statuses[k]) ? " selected=\"selected\"" : "",
			    statuses[k]);
	strbuf_addstr(out, "</select></label>\n");
	filter_input(out, r, "since", "from (date)", "date");
	filter_input(out, r, "until", "to (date)", "date");
	strbuf_addstr(out, "<button type=\"submit\">Filter</button> <a href=\"/\">clear</a>\n</form>\n"
			   "<form method=\"get\" action=\"/compare\">\n<div class=\"scroll\"><table id=\"runs\">\n<thead><tr>"
			   "<th></th><th>run</th><th>suite</th><th>label</th><th>model</th><th>status</th><th>started</th>"
			   "<th class=\"num\">samples</th><th class=\"num\">errors</th></tr></thead>\n<tbody>\n");
	for (i = n; i-- > 0;) {
		const struct run_info *ri = &runs[i];
		if (!serve_run_matches(r, ri))
			continue;
		shown++;
		strbuf_addf(out, "<tr><td><input type=\"checkbox\" name=\"runs\" value=\"%lld\"/></td>"
				 "<td><a href=\"/runs/%lld\">%lld</a></td><td>", (long long)ri->id, (long long)ri->id,
			    (long long)ri->id);
		html_escape(out, ri->suite);
		strbuf_addstr(out, "</td><td>");
		{
			char *label = run_label(ri);
			html_escape(out, label);
			free(label);
		}
		strbuf_addstr(out, "</td><td><code>");
		html_escape(out, ri->model);
		strbuf_addstr(out, "</code></td><td>");
		html_escape(out, ri->status);
		strbuf_addstr(out, "</td><td>");
		html_escape(out, ri->started_at);
		strbuf_addf(out, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n", (long long)ri->samples,
			    (long long)ri->errors);
	}
	if (!shown)
		strbuf_addstr(out, "<tr><td colspan=\"9\">no run matches</td></tr>\n");
	strbuf_addstr(out, "</tbody></table></div>\n<p><button type=\"submit\">Compare the ticked runs</button></p>\n"
			   "</form>\n<h2>Start a run</h2>\n<form method=\"post\" action=\"/runs\" class=\"filters\">\n"
			   "<label>suite (a file under ");
	html_escape(out, r->srv->cfg->suites);
	strbuf_addstr(out, ")<input type=\"text\" name=\"suite\" size=\"32\" required=\"required\"/></label>\n"
			   "<label>models (one per line; none: the suite's)<textarea name=\"models\" rows=\"2\" cols=\"32\">"
			   "</textarea></label>\n<label>limit (users)<input type=\"number\" name=\"limit\" min=\"1\"/></label>\n"
			   "<button type=\"submit\">Queue the run</button>\n</form>\n"
			   "<p class=\"legend\">Keys of remote models come from the server's environment; exec models"
			   " cannot be started from here.</p>\n");
	page_end(out);
	for (i = 0; i < n; i++)
		run_info_release(&runs[i]);
	free(runs);
	page_done(r);
	return 0;
}

/* --- comparisons: the report, live ------------------------------------------------- */

static int compare_page(struct request *r)
{
	const char **vals = NULL;
	size_t n_vals = req_args(r, "runs", &vals), i, n = 0;
	int64_t ids[32];
	struct report_page_options o;
	struct strbuf page = STRBUF_INIT;
	struct store *s;
	char date[32];
	const char *main_tag;
	int rc;

	for (i = 0; i < n_vals; i++) {
		const char *p = vals[i];
		while (*p) {
			size_t len = strcspn(p, ", ");
			char num[24];
			if (len && len < sizeof(num)) {
				memcpy(num, p, len);
				num[len] = '\0';
				if (n == ARRAY_SIZE(ids) || serve_parse_id(num, &ids[n]) < 0) {
					free(vals);
					return page_error(r, 400, "runs=%s: give up to 32 run ids, such as /compare?runs=3,7", vals[i]);
				}
				n++;
			} else if (len) {
				free(vals);
				return page_error(r, 400, "'%.*s' is not a run id", (int)len, p);
			}
			p += len;
			p += strspn(p, ", ");
		}
	}
	free(vals);
	if (!n)
		return page_error(r, 400, "tick the runs to compare on the runs list (/compare?runs=3,7)");
	if (!(s = serve_store_get(r)))
		return page_from_json_error(r);
	memset(&o, 0, sizeof(o));
	o.alpha = 0.05;
	o.copts.test = COMPARE_T;
	o.copts.permutations = 10000;
	o.copts.resamples = 1000;
	o.top = 10;
	o.no_plots = req_arg(r, "plots") && !strcmp(req_arg(r, "plots"), "0");
	iso_time(date, sizeof(date));
	o.generated = date;
	rc = report_page(&page, s, ids, n, &o, NULL, NULL);
	serve_store_put(r->srv, s);
	if (rc <= 0) {
		strbuf_release(&page);
		return rc ? page_error(r, 503, "%s", r->err) : page_error(r, 404, "%s", r->err);
	}
	/* the report as `receval report` writes it, with the service's navigation on top */
	main_tag = strstr(page.buf, "<main>\n");
	if (main_tag) {
		size_t at = (size_t)(main_tag - page.buf) + 7;
		strbuf_add(&r->out, page.buf, at);
		strbuf_addstr(&r->out, "<nav class=\"top\" style=\"display:flex;gap:18px;font-size:14px;margin-bottom:12px\">"
				       "<b>receval</b><a href=\"/\">Runs</a><a href=\"/jobs\">Queue</a>"
				       "<a href=\"/judgments\">Judgments</a></nav>\n");
		strbuf_addstr(&r->out, page.buf + at);
	} else {
		strbuf_add(&r->out, page.buf, page.len);
	}
	strbuf_release(&page);
	page_done(r);
	return 0;
}

/* --- queued runs --------------------------------------------------------------------- */

static void job_row_html(struct strbuf *out, const struct job_row *j)
{
	cJSON *runs = j->runs ? cJSON_Parse(j->runs) : NULL, *v;

	strbuf_addf(out, "<tr><td><a href=\"/jobs/%lld\">%lld</a></td><td>", (long long)j->id, (long long)j->id);
	html_escape(out, j->status);
	strbuf_addstr(out, "</td><td>");
	if (!strcmp(j->kind, "resume"))
		strbuf_addf(out, "resume run %lld", (long long)j->resume_run);
	else if (j->temp_suite)
		strbuf_addstr(out, "(a posted suite)");
	else
		html_escape(out, j->suite);
	strbuf_addstr(out, "</td><td><code>");
	html_escape(out, j->models ? j->models : "");
	strbuf_addstr(out, "</code></td><td>");
	cJSON_ArrayForEach(v, runs)
		if (cJSON_IsNumber(v))
			strbuf_addf(out, "<a href=\"/runs/%.0f\">%.0f</a> ", v->valuedouble, v->valuedouble);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, j->created_at);
	strbuf_addstr(out, "</td><td>");
	html_escape(out, j->error);
	strbuf_addstr(out, "</td></tr>\n");
	cJSON_Delete(runs);
}

static const char jobs_head[] = "<div class=\"scroll\"><table>\n<thead><tr><th>job</th><th>status</th><th>suite</th>"
				"<th>models</th><th>runs</th><th>queued</th><th>last message</th></tr></thead>\n<tbody>\n";

static int jobs_page(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct job_row *rows = NULL, one;
	size_t n = 0, i;
	int rc;

	if (!s)
		return page_from_json_error(r);
	if (!id) {
		rc = store_list_jobs(s, NULL, &rows, &n);
		serve_store_put(r->srv, s);
		if (rc < 0) {
			reply_store_error(r);
			return page_from_json_error(r);
		}
		page_begin(&r->out, "Queue");
		strbuf_addf(&r->out, "<p class=\"lede\">Runs started from the service, %ld at a time, newest first.</p>\n%s",
			    r->srv->cfg->workers, jobs_head);
		for (i = n; i-- > 0;) {
			job_row_html(&r->out, &rows[i]);
			job_row_release(&rows[i]);
		}
		if (!n)
			strbuf_addstr(&r->out, "<tr><td colspan=\"7\">none yet: start one from the runs list</td></tr>\n");
		strbuf_addstr(&r->out, "</tbody></table></div>\n");
		free(rows);
		page_end(&r->out);
		page_done(r);
		return 0;
	}
	rc = store_get_job(s, id, &one);
	serve_store_put(r->srv, s);
	if (rc < 0) {
		reply_store_error(r);
		return page_from_json_error(r);
	}
	if (!rc)
		return page_error(r, 404, "no job %lld", (long long)id);
	{
		char title[64];
		snprintf(title, sizeof(title), "Job %lld: %s", (long long)id, one.status);
		page_begin(&r->out, title);
	}
	strbuf_addstr(&r->out, jobs_head);
	job_row_html(&r->out, &one);
	strbuf_addstr(&r->out, "</tbody></table></div>\n");
	if (!strcmp(one.status, "queued") || !strcmp(one.status, "running")) {
		strbuf_addf(&r->out, "<form method=\"post\" action=\"/jobs/%lld/cancel\"><button type=\"submit\">Cancel"
				     "</button> (a running run is stored as interrupted, and can be resumed)</form>\n",
			    (long long)id);
		strbuf_addstr(&r->out, "<p id=\"progress\"><span id=\"count\">");
		html_escape(&r->out, one.status);
		strbuf_addstr(&r->out, "</span></p>\n");
		strbuf_addf(&r->out, "<script>(function(){var es=new EventSource('/api/jobs/%lld/events');"
				     "es.addEventListener('progress',function(e){var d=JSON.parse(e.data);"
				     "document.getElementById('count').textContent=d.status+(d.runs.length?': runs '+d.runs.join(', '):'');});"
				     "es.addEventListener('end',function(){es.close();location.reload();});})();</script>\n",
			    (long long)id);
	}
	job_row_release(&one);
	page_end(&r->out);
	page_done(r);
	return 0;
}

/* --- judgments ------------------------------------------------------------------------ */

static int judgments_page(struct request *r, int64_t id)
{
	struct store *s = serve_store_get(r);
	struct judgment_info *j = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!s)
		return page_from_json_error(r);
	if (store_list_judgments(s, &j, &n) < 0) {
		serve_store_put(r->srv, s);
		reply_store_error(r);
		return page_from_json_error(r);
	}
	if (id) {
		for (i = 0; i < n && j[i].id != id; i++)
			;
		if (i == n) {
			rc = page_error(r, 404, "no judgment %lld", (long long)id);
		} else {
			char title[64];
			snprintf(title, sizeof(title), "Judgment %lld", (long long)id);
			page_begin(&r->out, title);
			if (html_judgment(&r->out, s, &j[i]) < 0) {
				reply_store_error(r);
				rc = page_from_json_error(r);
			} else {
				page_end(&r->out);
				page_done(r);
			}
		}
	} else {
		page_begin(&r->out, "Judgments");
		strbuf_addstr(&r->out, "<p class=\"lede\">Pairwise judgments (<code>receval judge</code>) and judges"
				       " calibrated against human labels.</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
				       "<th>judgment</th><th>kind</th><th>runs (B against A)</th><th>judge</th><th>status</th>"
				       "<th class=\"num\">samples</th><th class=\"num\">errors</th></tr></thead>\n<tbody>\n");
		for (i = n; i-- > 0;) {
			strbuf_addf(&r->out, "<tr><td><a href=\"/judgments/%lld\">%lld</a></td><td>", (long long)j[i].id,
				    (long long)j[i].id);
			html_escape(&r->out, j[i].kind);
			strbuf_addstr(&r->out, "</td><td>");
			if (j[i].run_a)
				strbuf_addf(&r->out, "<a href=\"/runs/%lld\">%lld</a> against <a href=\"/runs/%lld\">%lld</a>"
						     " (<a href=\"/compare?runs=%lld,%lld\">compare</a>)", (long long)j[i].run_b,
					    (long long)j[i].run_b, (long long)j[i].run_a, (long long)j[i].run_a,
					    (long long)j[i].run_a, (long long)j[i].run_b);
			strbuf_addstr(&r->out, "</td><td><code>");
			html_escape(&r->out, j[i].judge);
			strbuf_addstr(&r->out, "</code></td><td>");
			html_escape(&r->out, j[i].status);
			strbuf_addf(&r->out, "</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td></tr>\n",
				    (long long)j[i].samples, (long long)j[i].errors);
		}
		if (!n)
			strbuf_addstr(&r->out, "<tr><td colspan=\"7\">none: see receval judge --help</td></tr>\n");
		strbuf_addstr(&r->out, "</tbody></table></div>\n");
		page_end(&r->out);
		page_done(r);
	}
	serve_store_put(r->srv, s);
	for (i = 0; i < n; i++)
		judgment_info_release(&j[i]);
	free(j);
	return rc;
}

/* --- forms ------------------------------------------------------------------------------ */

static int start_run_form(struct request *r)
{
	char *suite = req_form(r, "suite"), *models = req_form(r, "models"), *limit = req_form(r, "limit");
	const char *specs[64];
	size_t n = 0;
	long lim = -1;
	int64_t job = 0;
	char *p, *loc;

	for (p = models ? models : ""; *p && n < ARRAY_SIZE(specs);) {
		size_t len;
		p += strspn(p, " \t\r\n,");
		len = strcspn(p, " \t\r\n,");
		if (!len)
			break;
		specs[n++] = p;
		if (p[len])
			p[len++] = '\0';
		p += len;
	}
	if (limit && *limit && (parse_long(limit, &lim) < 0 || lim < 1)) {
		page_error(r, 400, "limit must be a whole number from 1, not '%s'", limit);
	} else if (serve_queue_run(r, suite, NULL, specs, n, NULL, lim, -1, &job)) {
		page_from_json_error(r);
	} else {
		loc = xstrfmt("/jobs/%lld", (long long)job);
		reply_redirect(r, loc);
		free(loc);
	}
	free(suite);
	free(models);
	free(limit);
	return 0;
}

/* POST /jobs/ID/cancel, /runs/ID/cancel, /runs/ID/resume from the pages: the API's answer, as a redirect or a page. */
static int form_action(struct request *r, int64_t id, int run, const char *what)
{
	char *loc;

	strbuf_reset(&r->out);
	if (!strcmp(what, "resume"))
		api_resume_run(r, id);
	else if (run)
		api_cancel_run(r, id);
	else
		api_cancel_job(r, id);
	if (r->status >= 400)
		return page_from_json_error(r);
	if (!strcmp(what, "resume")) {
		cJSON *j = cJSON_Parse(r->out.buf);
		loc = xstrfmt("/jobs/%.0f", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, "job")));
		cJSON_Delete(j);
	} else {
		loc = xstrfmt("/%s/%lld", run ? "runs" : "jobs", (long long)id);
	}
	reply_redirect(r, loc);
	free(loc);
	return 0;
}

/* --- tokens for browsers ---------------------------------------------------------------- */

static int login(struct request *r)
{
	if (!strcmp(r->method, "POST")) {
		char *token = req_form(r, "token");
		if (!r->srv->token) {
			free(token);
			return reply_redirect(r, "/");
		}
		if (!token || strlen(token) > 512 || strcspn(token, ";\r\n\" ,") != strlen(token)) {
			free(token);
			return page_error(r, 400, "give the server's token");
		}
		free(r->set_cookie);
		/* checked on every request like the Authorization header; the cookie only carries it */
		r->set_cookie = xstrfmt("receval_token=%s; Path=/; HttpOnly; SameSite=Strict", token);
		free(token);
		return reply_redirect(r, "/");
	}
	page_begin(&r->out, "Sign in");
	strbuf_addstr(&r->out, "<p>This service asks for its token (the first line of the server's --token-file).</p>\n"
			       "<form method=\"post\" action=\"/login\"><input type=\"password\" name=\"token\" size=\"40\"/>"
			       " <button type=\"submit\">Sign in</button></form>\n");
	page_end(&r->out);
	page_done(r);
	return 0;
}

int pages_route(struct request *r)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"), post = !strcmp(r->method, "POST");
	const char *rest;
	int64_t id;

	if (!strcmp(r->path, "/login"))
		return login(r);
	if (!strcmp(r->path, "/") || !strcmp(r->path, "/runs"))
		return get ? runs_page(r) : post && !strcmp(r->path, "/runs") ? start_run_form(r) :
		       page_error(r, 405, "%s %s: use GET", r->method, r->path);
	if (!strcmp(r->path, "/compare") && get)
		return compare_page(r);
	if (!strcmp(r->path, "/jobs") && get)
		return jobs_page(r, 0);
	if (!strcmp(r->path, "/judgments") && get)
		return judgments_page(r, 0);
	if (!serve_path_id(r->path, "/judgments/", &id, &rest) && !*rest && get)
		return judgments_page(r, id);
	if (!serve_path_id(r->path, "/jobs/", &id, &rest)) {
		if (!*rest && get)
			return jobs_page(r, id);
		if (!strcmp(rest, "/cancel") && post)
			return form_action(r, id, 0, "cancel");
	}
	if (!serve_path_id(r->path, "/runs/", &id, &rest)) {
		if (!*rest && get)
			return page_run(r, id);
		if (!strcmp(rest, "/sample") && get)
			return page_sample(r, id);
		if (!strcmp(rest, "/cancel") && post)
			return form_action(r, id, 1, "cancel");
		if (!strcmp(rest, "/resume") && post)
			return form_action(r, id, 1, "resume");
	}
	if (!strncmp(r->path, "/runs/", 6) || !strncmp(r->path, "/jobs/", 6) || !strncmp(r->path, "/judgments/", 11))
		return page_error(r, 404, "no such page: %s (run, job and judgment ids are whole numbers)", r->path);
	return 1;
}
