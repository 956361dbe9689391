/* html.c: the self-contained HTML report: escaping, number formats, the page around the sections, summary, runs, notes. */
#include <cJSON.h>
#include "lib/utf8.h"
#include "reports/html_internal.h"
#include "eval/label.h"

/* --- escaping ------------------------------------------------------------ */

void html_escape(struct strbuf *sb, const char *s)
{
	const char *end;
	size_t n;

	if (!s)
		return;
	end = s + strlen(s);
	while (*s) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': strbuf_addstr(sb, "&amp;"); s++; continue;
		case '<': strbuf_addstr(sb, "&lt;"); s++; continue;
		case '>': strbuf_addstr(sb, "&gt;"); s++; continue;
		case '"': strbuf_addstr(sb, "&quot;"); s++; continue;
		case '\'': strbuf_addstr(sb, "&#39;"); s++; continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
			s++;  /* not allowed in HTML or XML text */
			continue;
		}
		n = utf8_len(s, (size_t)(end - s));
		if (!n) {
			strbuf_addstr(sb, UTF8_REPLACEMENT);
			s++;
			continue;
		}
		strbuf_add(sb, s, n);
		s += n;
	}
}

/* --- formatting ---------------------------------------------------------- */

void html_num(struct strbuf *sb, double v)
{
	double a = fabs(v);

	if (!isfinite(v))
		strbuf_addstr(sb, DASH);
	else if (a >= 1000)
		strbuf_addf(sb, "%.0f", v);
	else if (a >= 100)
		strbuf_addf(sb, "%.1f", v);
	else if (a >= 10)
		strbuf_addf(sb, "%.2f", v);
	else
		strbuf_addf(sb, "%.3f", v);
}

void html_signed(struct strbuf *sb, double v)
{
	if (!isfinite(v))
		strbuf_addstr(sb, DASH);
	else if (fabs(v) >= 10)
		strbuf_addf(sb, "%+.2f", v);
	else
		strbuf_addf(sb, "%+.3f", v);
}

void html_p_text(struct strbuf *sb, double p)
{
	if (!isfinite(p))
		strbuf_addstr(sb, DASH);
	else if (p >= 0.001)
		strbuf_addf(sb, "%.3f", p);
	else if (p < 1e-16)
		strbuf_addstr(sb, "< 1e-16");  /* below a double's resolution near 1: 0 is no figure to print */
	else
		strbuf_addf(sb, "%.1e", p);
}

void html_p(struct strbuf *sb, double p)
{
	struct strbuf t = STRBUF_INIT;

	html_p_text(&t, p);
	html_escape(sb, t.buf);
	strbuf_release(&t);
}

/* A count with thousands separators: 12,345. */
void html_count(struct strbuf *sb, int64_t v)
{
	char digits[32];
	int len, i;

	if (v < 0) {
		strbuf_addch(sb, '-');
		v = -v;
	}
	len = snprintf(digits, sizeof(digits), "%lld", (long long)v);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, digits[i]);
	}
}

void html_ms(struct strbuf *sb, double ms)
{
	if (!isfinite(ms))
		strbuf_addstr(sb, DASH);
	else if (ms < 1)
		strbuf_addf(sb, "%.3f ms", ms);
	else if (ms < 1000)
		strbuf_addf(sb, "%.1f ms", ms);
	else
		strbuf_addf(sb, "%.2f s", ms / 1000);
}

void html_ci(struct strbuf *sb, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi))
		return;
	strbuf_addstr(sb, " <span class=\"ci\">[");
	html_num(sb, lo);
	strbuf_addstr(sb, ", ");
	html_num(sb, hi);
	strbuf_addstr(sb, "]</span>");
}

/* --- the page ------------------------------------------------------------ */

static void swatch(struct strbuf *sb, size_t run)
{
	strbuf_addf(sb, "<span class=\"swatch\" style=\"background:%s\"></span>", plot_color((unsigned)run));
}

/* A run's name with its colour: the head of a column or a row. */
void html_run_name(struct strbuf *sb, const struct report *r, size_t i)
{
	/* a report names a run in every table row: its config (the whole suite) is parsed once, not each time */
	char *label = r->runs[i].name ? xstrdup(r->runs[i].name) : run_label(r->runs[i].info);

	/* the readable name, the full spec on hover; the label's "(run N)" is the span below */
	strbuf_addstr(sb, "<span class=\"run\" title=\"");
	html_escape(sb, r->runs[i].info->model ? r->runs[i].info->model : "?");
	strbuf_addstr(sb, "\">");
	swatch(sb, i);
	html_escape(sb, label);
	free(label);
	strbuf_addf(sb, " <span class=\"runid\">run %lld%s</span></span>", (long long)r->runs[i].info->id,
		    i ? "" : ", baseline");
}

/* Draw p and inline it as a figure, or say why it is not there. */
void html_figure(struct render *rd, const struct plot *p, const char *caption)
{
	struct strbuf svg = STRBUF_INIT, why = STRBUF_INIT, *out = rd->out;
	char prefix[32];
	int rc;

	rd->plots++;
	if (rd->r->no_plots) {
		strbuf_addstr(&why, "--no-plots");
		rc = -1;
	} else if (rd->not_found) {
		strbuf_addstr(&why, rd->why.buf);
		rc = PLOT_NOT_FOUND;
	} else {
		rc = plot_render(&svg, p, PLOT_SVG, &why);
	}
	strbuf_addstr(out, "<figure class=\"plot\">\n");
	if (!rc) {
		snprintf(prefix, sizeof(prefix), "p%u-", rd->plots);
		plot_svg_inline(out, svg.buf, prefix);
	} else {
		if (rc == PLOT_NOT_FOUND && !rd->not_found && !rd->r->no_plots) {
			rd->not_found = 1;
			strbuf_addstr(&why, "; install gnuplot-nox, or name the program with RECEVAL_GNUPLOT");
		}
		if (!rd->skipped)
			strbuf_addstr(&rd->why, why.buf);
		rd->skipped++;
		strbuf_addstr(out, "<div class=\"skipped\">Plot skipped: <b>");
		html_escape(out, p->title);
		strbuf_addstr(out, "</b><br/>");
		html_escape(out, why.buf);
		strbuf_addstr(out, "</div>\n");
		strbuf_addstr(&rd->skipped_list, "<li>");
		html_escape(&rd->skipped_list, p->title);
		strbuf_addstr(&rd->skipped_list, ": ");
		html_escape(&rd->skipped_list, why.buf);
		strbuf_addstr(&rd->skipped_list, "</li>\n");
	}
	strbuf_addstr(out, "<figcaption>");
	html_escape(out, caption);
	strbuf_addstr(out, "</figcaption>\n</figure>\n");
	strbuf_release(&svg);
	strbuf_release(&why);
}

static const char css[] =
	":root{--fg:#1f2328;--muted:#656d76;--line:#d8dee4;--soft:#f6f8fa;--accent:#0969da;"
	"--up:#0b6bcb;--down:#bc4c00;--hi:#fff1b8;--hiline:#d4a72c}\n"
	"*{box-sizing:border-box}\n"
	"html{background:#eef1f4}\n"
	"body{margin:0;color:var(--fg);font:15px/1.5 -apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\n"
	"main{max-width:1180px;margin:24px auto;padding:28px 40px 48px;background:#fff;border-radius:8px;"
	"box-shadow:0 1px 3px rgba(0,0,0,.08)}\n"
	"h1{font-size:26px;margin:0 0 4px;font-weight:650}\n"
	"h2{font-size:20px;margin:44px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}\n"
	"h3{font-size:16px;margin:28px 0 8px}\n"
	"p{margin:8px 0}\n"
	"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}\n"
	".lede{color:var(--muted);margin:0 0 16px}\n"
	"nav.toc{margin:12px 0 8px;font-size:14px}\n"
	"nav.toc a{color:var(--accent);text-decoration:none;margin-right:14px;white-space:nowrap}\n"
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 20px;margin:16px 0}\n"
	"dl.facts dt{color:var(--muted)}\n"
	"dl.facts dd{margin:0}\n"
	".scroll{overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:13.5px;margin:8px 0 4px}\n"
	"th,td{padding:4px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}\n"
	"thead th{border-bottom:2px solid var(--line);background:var(--soft);font-weight:600;white-space:nowrap}\n"
	"thead th .run{white-space:normal;overflow-wrap:anywhere}\n"
	"tbody tr:hover{background:#fafbfc}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".ci{color:var(--muted);font-size:12px}\n"
	".runid{color:var(--muted);font-size:12px;font-weight:400}\n"
	".run{white-space:nowrap}\n"
	"td .run{white-space:normal;overflow-wrap:anywhere}\n"
	".best{font-weight:700}\n"
	".up{color:var(--up);font-weight:700}\n"
	".down{color:var(--down);font-weight:700}\n"
	".swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:baseline}\n"
	".legend{font-size:13px;color:var(--muted)}\n"
	".note{background:#f3f7fd;border-left:3px solid #8fb3e6;padding:8px 14px;margin:12px 0}\n"
	".warn{background:#fff8e6;border-left:3px solid var(--hiline);padding:8px 14px;margin:12px 0}\n"
	".plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:18px 24px;margin:12px 0}\n"
	"figure{margin:0}\n"
	"figure svg{width:100%;height:auto;display:block}\n"
	"figcaption{font-size:13px;color:var(--muted);margin-top:2px}\n"
	".skipped{border:1px dashed #b8c0c8;border-radius:6px;padding:28px 16px;color:var(--muted);text-align:center;background:var(--soft)}\n"
	".item{display:inline-block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;"
	"padding:0 6px;margin:1px 2px 1px 0;border:1px solid var(--line);border-radius:4px;background:var(--soft);white-space:nowrap}\n"
	".item.target{background:var(--hi);border-color:var(--hiline);font-weight:700}\n"
	".card{border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:14px 0}\n"
	".card h4{margin:0 0 6px;font-size:14px}\n"
	".card table{width:100%}\n"
	".card .label{color:var(--muted);font-size:13px}\n"
	"pre.response{white-space:pre-wrap;word-break:break-word;max-height:14em;overflow:auto;background:var(--soft);"
	"border-radius:4px;padding:6px 10px;margin:4px 0;font-size:12px}\n"
	"ul.grounding{margin:4px 0;padding-left:20px;font-size:13px}\n"
	".status{font-size:12px;font-weight:600;color:var(--down)}\n"
	"footer{margin-top:40px;font-size:12px;color:var(--muted)}\n"
	"@page{margin:14mm}\n"
	"@media print{html{background:#fff}body{font-size:11px}"
	"main{max-width:none;margin:0;padding:0;box-shadow:none}nav.toc{display:none}"
	"h2{break-after:avoid;page-break-after:avoid}h3{break-after:avoid;page-break-after:avoid}"
	"figure,.card,tr{break-inside:avoid;page-break-inside:avoid}"
	".plots{grid-template-columns:1fr 1fr;gap:8px 16px}"
	"pre.response{max-height:none;overflow:visible}.scroll{overflow:visible}"
	"a{color:inherit;text-decoration:none}tbody tr:hover{background:none}}\n";

const char *html_css(void)
{
	return css;
}

/* cJSON helpers: a member's string or number, NULL / NAN when absent or of another type. */
static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Whether every run has the same string field (compared with get). */
static int runs_agree(const struct report *r, const char *(*get)(const struct run_info *))
{
	size_t i;
	const char *a = get(r->runs[0].info), *b;

	for (i = 1; i < r->n_runs; i++) {
		b = get(r->runs[i].info);
		if ((!a) != (!b) || (a && strcmp(a, b)))
			return 0;
	}
	return 1;
}

static const char *get_suite(const struct run_info *i) { return i->suite; }
static const char *get_version(const struct run_info *i) { return i->version; }

static void fact(struct strbuf *sb, const char *name)
{
	strbuf_addf(sb, "<dt>%s</dt><dd>", name);
}

/* "k 1, 5, 10, 20; 20 candidates (uniform negatives)": a suite's task, from its JSON. */
static void task_desc(struct strbuf *sb, const cJSON *t)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(t, "k"), *e;
	const char *name = jstr(t, "name"), *type = jstr(t, "type"), *neg = jstr(t, "negatives");
	double cand = jnum(t, "candidates");
	int first = 1;

	html_escape(sb, name ? name : type ? type : "?");
	if (name && type) {
		strbuf_addstr(sb, " (");
		html_escape(sb, type);
		strbuf_addch(sb, ')');
	}
	if (cJSON_IsArray(k)) {
		strbuf_addstr(sb, ": k = ");
		cJSON_ArrayForEach(e, k) {
			if (cJSON_IsNumber(e))
				strbuf_addf(sb, "%s%g", first ? "" : ", ", e->valuedouble);
			first = 0;
		}
	}
	if (isfinite(cand)) {
		strbuf_addf(sb, "; %g candidates", cand);
		if (neg) {
			strbuf_addstr(sb, " (");
			html_escape(sb, neg);
			strbuf_addstr(sb, " negatives)");
		}
	}
}

static void add_summary(struct render *rd)
{
	const struct report *r = rd->r;
	const struct run_info *base = r->runs[0].info;
	struct strbuf *sb = rd->out;
	cJSON *cfg = base->config ? cJSON_Parse(base->config) : NULL;
	const cJSON *suite = cJSON_GetObjectItemCaseSensitive(cfg, "suite");
	const cJSON *ds = cJSON_GetObjectItemCaseSensitive(cfg, "dataset");
	const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(suite, "tasks"), *t;
	const char *desc = jstr(suite, "description");
	double users = jnum(cfg, "users_evaluated");
	int seeds_agree = 1, samples_agree = 1, first = 1;
	size_t i;

	for (i = 1; i < r->n_runs; i++) {
		seeds_agree &= r->runs[i].info->seed == base->seed;
		samples_agree &= r->runs[i].info->samples == base->samples;
	}

	strbuf_addstr(sb, "<header id=\"summary\">\n<h1>receval report: ");
	html_escape(sb, base->suite);
	strbuf_addstr(sb, "</h1>\n");
	if (desc) {
		strbuf_addstr(sb, "<p class=\"lede\">");
		html_escape(sb, desc);
		strbuf_addstr(sb, "</p>\n");
	}
	strbuf_addstr(sb, "<nav class=\"toc\"><a href=\"#runs\">Runs</a><a href=\"#leaderboard\">Leaderboard</a>"
			  "<a href=\"#plots\">Plots</a><a href=\"#metrics\">Every metric</a><a href=\"#validity\">Validity</a>"
			  "<a href=\"#usage\">Cost, tokens, latency</a><a href=\"#drilldown\">Drill-down</a>"
			  "<a href=\"#notes\">Method and notes</a></nav>\n");

	strbuf_addstr(sb, "<dl class=\"facts\">\n");
	fact(sb, "Suite");
	html_escape(sb, base->suite);
	if (!runs_agree(r, get_suite))
		strbuf_addstr(sb, " <span class=\"status\">(the runs come from different suites: see Runs)</span>");
	strbuf_addstr(sb, "</dd>\n");
	if (ds) {
		double u = jnum(ds, "users"), it = jnum(ds, "items"), in = jnum(ds, "interactions");
		fact(sb, "Dataset");
		html_escape(sb, jstr(ds, "path"));
		strbuf_addstr(sb, " <span class=\"runid\">(");
		html_escape(sb, jstr(ds, "format"));
		strbuf_addstr(sb, ")</span>");
		if (isfinite(u) && isfinite(it) && isfinite(in)) {
			strbuf_addstr(sb, "<br/>");
			html_count(sb, (int64_t)u);
			strbuf_addstr(sb, " users, ");
			html_count(sb, (int64_t)it);
			strbuf_addstr(sb, " items, ");
			html_count(sb, (int64_t)in);
			strbuf_addstr(sb, " interactions");
		}
		strbuf_addstr(sb, "</dd>\n");
	}
	if (cJSON_IsArray(tasks)) {
		fact(sb, "Tasks");
		cJSON_ArrayForEach(t, tasks) {
			strbuf_addstr(sb, first ? "" : "<br/>");
			task_desc(sb, t);
			first = 0;
		}
		strbuf_addstr(sb, "</dd>\n");
	}
	fact(sb, "Samples");
	html_count(sb, base->samples);
	if (isfinite(users)) {
		strbuf_addstr(sb, " (");
		html_count(sb, (int64_t)users);
		strbuf_addstr(sb, " users)");
	}
	if (!samples_agree)
		strbuf_addstr(sb, " in the baseline; the runs differ (see Runs)");
	strbuf_addstr(sb, "</dd>\n");
	fact(sb, "Seed");
	strbuf_addf(sb, "%lld%s</dd>\n", (long long)base->seed, seeds_agree ? "" : " in the baseline; the runs differ (see Runs)");
	fact(sb, "Code version");
	html_escape(sb, base->version);
	if (!runs_agree(r, get_version))
		strbuf_addstr(sb, " in the baseline; the runs differ (see Runs)");
	strbuf_addstr(sb, "</dd>\n");
	fact(sb, "Models");
	for (i = 0; i < r->n_runs; i++) {
		strbuf_addstr(sb, i ? "<br/>" : "");
		html_run_name(sb, r, i);
	}
	strbuf_addstr(sb, "</dd>\n");
	fact(sb, "Generated");
	html_escape(sb, r->generated);
	strbuf_addstr(sb, " from <span class=\"mono\">");
	html_escape(sb, r->db_path);
	strbuf_addf(sb, "</span> by receval %s</dd>\n</dl>\n", receval_version);
	cJSON_Delete(cfg);
}

static void add_runs(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t i;

	strbuf_addstr(sb, "<section id=\"runs\">\n<h2>Runs</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>model</th>"
			  "<th>suite</th><th>status</th><th class=\"num\">samples</th><th class=\"num\">errors</th>"
			  "<th class=\"num\">seed</th><th>started</th><th>finished</th><th>version</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_runs; i++) {
		const struct run_info *info = r->runs[i].info;

		strbuf_addstr(sb, "<tr><td>");
		html_run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td>");
		html_escape(sb, info->suite);
		strbuf_addstr(sb, "</td><td>");
		html_escape(sb, info->status);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_count(sb, info->samples);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		html_count(sb, info->errors);
		strbuf_addf(sb, "</td><td class=\"num\">%lld</td><td>", (long long)info->seed);
		html_escape(sb, info->started_at);
		strbuf_addstr(sb, "</td><td>");
		html_escape(sb, info->finished_at ? info->finished_at : DASH);
		strbuf_addstr(sb, "</td><td class=\"mono\">");
		html_escape(sb, info->version);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n</section>\n");
}


/* The paired test, as a phrase: "paired t-test". */
const char *html_test_phrase(const char *test)
{
	if (!strcmp(test, "t"))
		return "paired t-test";
	if (!strcmp(test, "wilcoxon"))
		return "Wilcoxon signed-rank test";
	if (!strcmp(test, "permutation"))
		return "paired permutation (sign-flip) test";
	return test;
}


static void add_notes(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t i, k;

	strbuf_addstr(sb, "<section id=\"notes\">\n<h2>Method and notes</h2>\n<ul>\n");
	strbuf_addstr(sb, "<li>Each value is a mean over samples with its 95% percentile bootstrap interval (1,000"
			  " resamples, seeded, so a rerun gives the same interval). Coverage, Gini and entropy describe"
			  " a whole run: they have no interval and are not tested.</li>\n");
	strbuf_addf(sb, "<li>Significance: every run is compared with the baseline as <code>receval compare %lld"
		    " RUN</code> does: samples paired by task and sample id, the %s per metric, and the"
		    " Holm&#8211;Bonferroni adjustment over every metric of that pair of runs; a mark means the adjusted"
		    " p is below %g. A mark says higher or lower; whether that is better follows the metric's direction (docs/metrics.md, Directions):"
		    " popularity, diversity and length have none, and for failure rates and cost lower is better.</li>\n",
		    (long long)r->runs[0].info->id, html_test_phrase(r->test), r->alpha);
	for (i = 1; i < r->n_runs; i++) {
		const struct comparison *c = r->runs[i].vs_base;

		strbuf_addstr(sb, "<li>");
		html_run_name(sb, r, i);
		if (!c) {
			strbuf_addstr(sb, ": not compared with the baseline: ");
			html_escape(sb, r->runs[i].not_compared);
			strbuf_addstr(sb, ".</li>\n");
			continue;
		}
		strbuf_addstr(sb, ": ");
		html_count(sb, (int64_t)c->samples);
		strbuf_addf(sb, " samples paired with the baseline, %zu metrics compared", c->n_rows);
		if (c->only_a || c->only_b)
			strbuf_addf(sb, "; left out, as scored by one run only: %zu of the baseline, %zu of this run",
				    c->only_a, c->only_b);
		for (k = 0; k < c->n_missing; k++) {
			strbuf_addstr(sb, k ? ", " : "; measured by one run only, not compared: ");
			html_escape(sb, c->missing[k].task);
			strbuf_addch(sb, '.');
			html_escape(sb, c->missing[k].metric);
		}
		strbuf_addstr(sb, ".</li>\n");
	}
	if (rd->skipped) {
		strbuf_addf(sb, "<li>Plots skipped (%zu):\n<ul>\n", rd->skipped);
		strbuf_add(sb, rd->skipped_list.buf, rd->skipped_list.len);
		strbuf_addstr(sb, "</ul></li>\n");
	} else if (rd->plots) {
		strbuf_addf(sb, "<li>%u plots drawn by gnuplot (<code>", rd->plots);
		html_escape(sb, plot_program());
		strbuf_addstr(sb, "</code>), inlined as SVG.</li>\n");
	}
	strbuf_addstr(sb, "<li>This page is self-contained: no script, stylesheet, font or image is fetched from"
			  " anywhere, and it prints as it shows.</li>\n</ul>\n</section>\n");
}

int html_report(struct strbuf *out, const struct report *r, size_t *skipped, struct strbuf *why)
{
	struct strbuf body = STRBUF_INIT;
	struct render rd = { &body, r, 0, 0, 0, STRBUF_INIT, STRBUF_INIT };

	/* the sections first: the summary says whether plots were skipped */
	add_runs(&rd);
	html_leaderboard(&rd);
	/* a page of the service without plots leaves the section out rather than list what it skipped */
	if (!(r->fragment && r->no_plots))
		html_plots(&rd);
	html_all_metrics(&rd);
	html_validity(&rd);
	html_usage(&rd);
	html_drilldown(&rd);
	if (r->judgments)
		strbuf_addstr(&body, r->judgments);
	if (r->dialogues)
		strbuf_addstr(&body, r->dialogues);
	add_notes(&rd);
	if (r->fragment) {
		/* the sections alone, for a page that has its own head (receval serve's run page) */
		strbuf_add(out, body.buf, body.len);
		goto done;
	}

	strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
			   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
			   "<meta name=\"generator\" content=\"receval\"/>\n<title>receval report: ");
	html_escape(out, r->runs[0].info->suite);
	strbuf_addstr(out, "</title>\n<style>\n");
	strbuf_addstr(out, css);
	strbuf_addstr(out, "</style>\n</head>\n<body>\n<main>\n");
	rd.out = out;
	add_summary(&rd);
	if (rd.skipped) {
		strbuf_addf(out, "<p class=\"warn\">%zu plot%s skipped: ", rd.skipped, rd.skipped == 1 ? "" : "s");
		html_escape(out, rd.why.buf);
		strbuf_addstr(out, " (see <a href=\"#notes\">Method and notes</a>).</p>\n");
	}
	strbuf_addstr(out, "</header>\n");
	strbuf_add(out, body.buf, body.len);
	strbuf_addf(out, "<footer>Made by receval %s on ", receval_version);
	html_escape(out, r->generated);
	strbuf_addstr(out, ".</footer>\n</main>\n</body>\n</html>\n");
done:
	if (skipped)
		*skipped = rd.skipped;
	if (why)
		strbuf_addstr(why, rd.why.buf);
	strbuf_release(&body);
	strbuf_release(&rd.why);
	strbuf_release(&rd.skipped_list);
	return 0;
}

