/* html.c: the self-contained HTML report: header, leaderboards with significance marks, gnuplot plots inlined as SVG, usage, drill-down. */
#include <cJSON.h>
#include "reports/html.h"
#include "reports/plot.h"
#include "eval/rowfind.h"

/* --- escaping ------------------------------------------------------------ */

size_t utf8_seq_len(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xe0 && s[0] <= 0xef) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))
			return 0;  /* overlong, or a UTF-16 surrogate */
		return 3;
	}
	if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return 0;
		if ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
			return 0;  /* overlong, or beyond U+10FFFF */
		return 4;
	}
	return 0;
}

void html_escape(struct strbuf *sb, const char *s)
{
	size_t n;

	if (!s)
		return;
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
		n = utf8_seq_len(s);
		if (!n) {
			strbuf_addstr(sb, "\xef\xbf\xbd");  /* U+FFFD */
			s++;
			continue;
		}
		strbuf_add(sb, s, n);
		s += n;
	}
}

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
	size_t i, m = 0, j;
	long k;

	for (i = 0; i < n && m < max; i++) {
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

static int has_task(const struct report_run *run, const char *task)
{
	size_t i;

	for (i = 0; i < run->n_rows; i++)
		if (!strcmp(run->rows[i].task, task))
			return 1;
	return 0;
}

/*
 * Whether every run that evaluated task has (task, metric) with a value
 * (and an interval, when need_ci).
 */
static int all_have(const struct report_run *runs, size_t n_runs, const char *task, const char *metric,
		    int need_ci)
{
	size_t i;

	for (i = 0; i < n_runs; i++) {
		const struct metric_row *r = metric_row_find(runs[i].rows, runs[i].n_rows, task, metric);
		if (!has_task(&runs[i], task))
			continue;
		if (!r || !isfinite(r->value) || (need_ci && !isfinite(r->ci_low)))
			return 0;
	}
	return 1;
}

const char *report_headline(const struct report_run *runs, size_t n_runs, const char *task)
{
	const char *best = NULL;
	long best_k = -1, k;
	size_t r, i;

	for (r = 0; r < n_runs && !best; r++) {
		for (i = 0; i < runs[r].n_rows; i++) {
			const struct metric_row *row = &runs[r].rows[i];
			if (strcmp(row->task, task) || !cutoff_of(row->metric, "ndcg", &k) || k <= best_k)
				continue;
			if (all_have(runs, n_runs, task, row->metric, 1)) {
				best = row->metric;
				best_k = k;
			}
		}
		if (best)
			return best;
		for (i = 0; i < runs[r].n_rows; i++) {
			const struct metric_row *row = &runs[r].rows[i];
			if (!strcmp(row->task, task) && all_have(runs, n_runs, task, row->metric, 1))
				return row->metric;
		}
	}
	return NULL;
}

/* --- formatting ---------------------------------------------------------- */

#define DASH "\xe2\x80\x94"
#define UP "\xe2\x96\xb2"
#define DOWN "\xe2\x96\xbc"
#define TIMES "\xc3\x97"
#define DELTA "\xce\x94"

static void add_num(struct strbuf *sb, double v)
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

static void add_signed(struct strbuf *sb, double v)
{
	if (!isfinite(v))
		strbuf_addstr(sb, DASH);
	else if (fabs(v) >= 10)
		strbuf_addf(sb, "%+.2f", v);
	else
		strbuf_addf(sb, "%+.3f", v);
}

static void add_p(struct strbuf *sb, double p)
{
	if (!isfinite(p))
		strbuf_addstr(sb, DASH);
	else if (p >= 0.001)
		strbuf_addf(sb, "%.3f", p);
	else
		strbuf_addf(sb, "%.1e", p);
}

/* A count with thousands separators: 12,345. */
static void add_count(struct strbuf *sb, int64_t v)
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

static void add_ms(struct strbuf *sb, double ms)
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

static void add_ci(struct strbuf *sb, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi))
		return;
	strbuf_addstr(sb, " <span class=\"ci\">[");
	add_num(sb, lo);
	strbuf_addstr(sb, ", ");
	add_num(sb, hi);
	strbuf_addstr(sb, "]</span>");
}

/* --- the page ------------------------------------------------------------ */

struct render {
	struct strbuf *out;
	const struct report *r;
	unsigned plots;          /* plots attempted: ids p1-, p2-, ... */
	size_t skipped;
	int not_found;           /* gnuplot could not be started: do not try again */
	struct strbuf why;       /* the first reason a plot was skipped */
	struct strbuf skipped_list;
};

static void swatch(struct strbuf *sb, size_t run)
{
	strbuf_addf(sb, "<span class=\"swatch\" style=\"background:%s\"></span>", plot_color((unsigned)run));
}

/* A run's name with its colour: the head of a column or a row. */
static void run_name(struct strbuf *sb, const struct report *r, size_t i)
{
	strbuf_addstr(sb, "<span class=\"run\">");
	swatch(sb, i);
	html_escape(sb, r->runs[i].info->model);  /* the label's "(run N)" is the span below */
	strbuf_addf(sb, " <span class=\"runid\">run %lld%s</span></span>", (long long)r->runs[i].info->id,
		    i ? "" : ", baseline");
}

/* Draw p and inline it as a figure, or say why it is not there. */
static void figure(struct render *rd, const struct plot *p, const char *caption)
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
	"tbody tr:hover{background:#fafbfc}\n"
	".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
	".ci{color:var(--muted);font-size:12px}\n"
	".runid{color:var(--muted);font-size:12px;font-weight:400}\n"
	".run{white-space:nowrap}\n"
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
			add_count(sb, (int64_t)u);
			strbuf_addstr(sb, " users, ");
			add_count(sb, (int64_t)it);
			strbuf_addstr(sb, " items, ");
			add_count(sb, (int64_t)in);
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
	add_count(sb, base->samples);
	if (isfinite(users)) {
		strbuf_addstr(sb, " (");
		add_count(sb, (int64_t)users);
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
		run_name(sb, r, i);
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
		run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td>");
		html_escape(sb, info->suite);
		strbuf_addstr(sb, "</td><td>");
		html_escape(sb, info->status);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_count(sb, info->samples);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_count(sb, info->errors);
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

/* ▲ or ▼ after a value that differs significantly from the baseline's, with the figures in a tooltip. */
static void add_mark(struct strbuf *sb, const struct compare_row *c)
{
	struct strbuf t = STRBUF_INIT;

	if (!c || !c->significant || !isfinite(c->delta) || c->delta == 0)
		return;
	strbuf_addstr(&t, DELTA " ");
	add_signed(&t, c->delta);
	strbuf_addstr(&t, " [");
	add_signed(&t, c->ci_low);
	strbuf_addstr(&t, ", ");
	add_signed(&t, c->ci_high);
	strbuf_addstr(&t, "], p ");
	add_p(&t, c->p);
	strbuf_addstr(&t, ", Holm p ");
	add_p(&t, c->p_holm);
	strbuf_addf(&t, ", W/T/L %zu/%zu/%zu", c->wins, c->ties, c->losses);
	strbuf_addf(sb, " <span class=\"%s\" title=\"", c->delta > 0 ? "up" : "down");
	html_escape(sb, t.buf);
	strbuf_addf(sb, "\">%s</span>", c->delta > 0 ? UP : DOWN);
	strbuf_release(&t);
}

/* +1: higher is better (accuracy); -1: lower is better (rates); 0: neither (popularity, diversity). */
static int direction(const char *metric)
{
	static const char *const higher[] = { "ndcg", "recall", "hit", "precision", "mrr", "map", "acc" };
	size_t len = strcspn(metric, "@"), i;

	for (i = 0; i < ARRAY_SIZE(higher); i++)
		if (strlen(higher[i]) == len && !strncmp(metric, higher[i], len))
			return 1;
	if (len > 5 && !strncmp(metric + len - 5, "_rate", 5))
		return -1;
	return 0;
}

static int cmp_metric_names(const void *a, const void *b)
{
	return metric_cmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every metric any run has for task, in display order (borrowed names). */
static const char **task_metrics(const struct report *r, const char *task, size_t *n)
{
	const char **names = NULL;
	size_t alloc = 0, i, j, k;

	*n = 0;
	for (i = 0; i < r->n_runs; i++)
		for (j = 0; j < r->runs[i].n_rows; j++) {
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
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_metric_names);
	return names;
}

struct ranked {
	size_t run;
	double value;
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
		order[i].value = row ? row->value : NAN;
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

		if (!has_task(&r->runs[k], t->name))
			continue;  /* this run did not evaluate the task */
		strbuf_addf(sb, "<tr><td class=\"num\">%zu</td><td>", ++place);
		run_name(sb, r, k);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		if (row) {
			add_num(sb, row->value);
			add_ci(sb, row->ci_low, row->ci_high);
		} else {
			strbuf_addstr(sb, DASH);
		}
		add_mark(sb, c);
		strbuf_addstr(sb, "</td>");
		if (!k) {
			strbuf_addstr(sb, "<td class=\"num\" colspan=\"4\"><span class=\"runid\">the baseline</span></td>");
		} else if (!c) {
			strbuf_addstr(sb, "<td class=\"num\" colspan=\"4\"><span class=\"runid\">not compared: ");
			html_escape(sb, r->runs[k].not_compared ? r->runs[k].not_compared : "no paired samples");
			strbuf_addstr(sb, "</span></td>");
		} else {
			strbuf_addstr(sb, "<td class=\"num\">");
			add_signed(sb, c->delta);
			strbuf_addstr(sb, " <span class=\"ci\">[");
			add_signed(sb, c->ci_low);
			strbuf_addstr(sb, ", ");
			add_signed(sb, c->ci_high);
			strbuf_addstr(sb, "]</span></td><td class=\"num\">");
			add_p(sb, c->p);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_p(sb, c->p_holm);
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
	const char **names = task_metrics(r, task, &n);

	strbuf_addstr(sb, "<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>metric</th>");
	for (i = 0; i < r->n_runs; i++) {
		strbuf_addstr(sb, "<th class=\"num\">");
		run_name(sb, r, i);
		strbuf_addstr(sb, "</th>");
	}
	strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
	for (m = 0; m < n; m++) {
		int dir = direction(names[m]);
		double best = NAN;
		size_t have = 0;

		for (i = 0; i < r->n_runs; i++) {
			const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, names[m]);
			if (!row || !isfinite(row->value))
				continue;
			have++;
			if (!isfinite(best) || (dir > 0 ? row->value > best : row->value < best))
				best = row->value;
		}
		strbuf_addstr(sb, "<tr><td class=\"mono\">");
		html_escape(sb, names[m]);
		strbuf_addstr(sb, "</td>");
		for (i = 0; i < r->n_runs; i++) {
			const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, names[m]);
			int is_best = dir && have > 1 && row && row->value == best;

			strbuf_addstr(sb, "<td class=\"num\">");
			if (!row) {
				strbuf_addstr(sb, DASH "</td>");
				continue;
			}
			strbuf_addstr(sb, is_best ? "<span class=\"best\">" : "");
			add_num(sb, row->value);
			strbuf_addstr(sb, is_best ? "</span>" : "");
			add_ci(sb, row->ci_low, row->ci_high);
			add_mark(sb, compare_row_find(r->runs[i].vs_base, task, names[m]));
			strbuf_addstr(sb, "</td>");
		}
		strbuf_addstr(sb, "</tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n");
	free(names);
}

/* The paired test, as a phrase: "paired t-test". */
static const char *test_phrase(const char *test)
{
	if (!strcmp(test, "t"))
		return "paired t-test";
	if (!strcmp(test, "wilcoxon"))
		return "Wilcoxon signed-rank test";
	if (!strcmp(test, "permutation"))
		return "paired permutation (sign-flip) test";
	return test;
}

static void add_leaderboard(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t;

	strbuf_addstr(sb, "<section id=\"leaderboard\">\n<h2>Leaderboard</h2>\n<p class=\"legend\">Each value is the mean"
			  " over the samples, with its 95% bootstrap interval in brackets. <span class=\"up\">" UP
			  "</span> / <span class=\"down\">" DOWN "</span>: the run differs significantly from the baseline (");
	run_name(sb, r, 0);
	strbuf_addf(sb, "), higher / lower, with a Holm-adjusted p &lt; %g: the %s of"
		    " <code>receval compare</code> over the samples both runs scored, adjusted over every"
		    " metric of that pair of runs (hover a mark for the figures).</p>\n",
		    r->alpha, test_phrase(r->test));
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

static void add_all_metrics(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t;

	strbuf_addstr(sb, "<section id=\"metrics\">\n<h2>Every metric</h2>\n<p class=\"legend\">The leaderboard of"
			  " every metric: a row per metric, a column per run; marks as in the leaderboard above. Bold: the best run"
			  " of a row where higher (accuracy) or lower (rates) is better. Coverage, Gini and entropy describe a whole run: no interval, no test.</p>\n");
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
		figure(rd, &p, caption);
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
	figure(rd, &p, caption);
	free(cats);
	free(v);
	free(colors);
	free(title);
}

static void add_plots(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t;

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
		curve_figure(rd, r->tasks[t].name, "ndcg");
		curve_figure(rd, r->tasks[t].name, "recall");
		if (rd->plots == plots)
			strbuf_setlen(sb, before);  /* no metric of this task has two cutoffs */
		else
			strbuf_addstr(sb, "</div>\n");
	}
	strbuf_addstr(sb, "</section>\n");
}

static int is_rate(const char *metric)
{
	size_t len = strlen(metric);

	return len > 5 && !strcmp(metric + len - 5, "_rate");
}

static void add_validity(struct render *rd)
{
	const struct report *r = rd->r;
	struct strbuf *sb = rd->out;
	size_t t, any = 0;

	strbuf_addstr(sb, "<section id=\"validity\">\n<h2>Validity</h2>\n");
	for (t = 0; t < r->n_tasks; t++) {
		const char *task = r->tasks[t].name;
		size_t n, m, i, n_rates = 0;
		const char **names = task_metrics(r, task, &n), **rates = xcalloc(n + 1, sizeof(*rates));
		struct plot_series *series;
		double *v;
		char *title, *caption;
		struct plot p = { 0 };

		for (m = 0; m < n; m++)
			if (is_rate(names[m]))
				rates[n_rates++] = names[m];
		free(names);
		if (!n_rates) {
			free(rates);
			continue;
		}
		any++;
		strbuf_addf(sb, "<h3 id=\"validity-%zu\">Task: ", t + 1);
		html_escape(sb, task);
		strbuf_addstr(sb, "</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th>rate</th>");
		for (i = 0; i < r->n_runs; i++) {
			strbuf_addstr(sb, "<th class=\"num\">");
			run_name(sb, r, i);
			strbuf_addstr(sb, "</th>");
		}
		strbuf_addstr(sb, "</tr></thead>\n<tbody>\n");
		series = xcalloc(r->n_runs, sizeof(*series));
		v = xcalloc(r->n_runs * 3 * n_rates, sizeof(*v));
		for (i = 0; i < r->n_runs; i++) {
			double *y = v + i * 3 * n_rates;
			series[i].name = r->runs[i].label;
			series[i].color = (unsigned)i;
			series[i].y = y;
			series[i].lo = y + n_rates;
			series[i].hi = y + 2 * n_rates;
			series[i].n = n_rates;
			for (m = 0; m < n_rates; m++) {
				const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, rates[m]);
				y[m] = row ? row->value : NAN;
				y[n_rates + m] = row ? row->ci_low : NAN;
				y[2 * n_rates + m] = row ? row->ci_high : NAN;
			}
		}
		for (m = 0; m < n_rates; m++) {
			strbuf_addstr(sb, "<tr><td class=\"mono\">");
			html_escape(sb, rates[m]);
			strbuf_addstr(sb, "</td>");
			for (i = 0; i < r->n_runs; i++) {
				const struct metric_row *row = metric_row_find(r->runs[i].rows, r->runs[i].n_rows, task, rates[m]);
				strbuf_addstr(sb, "<td class=\"num\">");
				if (row) {
					add_num(sb, row->value);
					add_ci(sb, row->ci_low, row->ci_high);
					add_mark(sb, compare_row_find(r->runs[i].vs_base, task, rates[m]));
				} else {
					strbuf_addstr(sb, DASH);
				}
				strbuf_addstr(sb, "</td>");
			}
			strbuf_addstr(sb, "</tr>\n");
		}
		strbuf_addstr(sb, "</tbody></table></div>\n<div class=\"plots\">\n");
		title = xstrfmt("validity rates \xe2\x80\x94 %s", task);
		caption = xstrfmt("Share of samples per failure kind, one bar per run (lower is better); whiskers: 95%% intervals.");
		p.kind = PLOT_BARS;
		p.title = title;
		p.ylabel = "share of samples";
		p.categories = rates;
		p.n_categories = n_rates;
		p.series = series;
		p.n_series = r->n_runs;
		p.y_from_zero = 1;
		figure(rd, &p, caption);
		strbuf_addstr(sb, "</div>\n");
		free(title);
		free(caption);
		free(series);
		free(v);
		free(rates);
	}
	if (!any)
		strbuf_addstr(sb, "<p class=\"note\">None of these runs records validity rates (metrics named"
				  " <code>*_rate</code>, such as <code>error_rate</code>, <code>parse_failure_rate</code>"
				  " or <code>hallucination_rate</code>): built-in models rank catalogue items directly, so"
				  " their answers cannot fail to parse or name an item that does not exist. No plot is drawn.</p>\n");
	strbuf_addstr(sb, "</section>\n");
}

static void add_usage(struct render *rd)
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
		strbuf_addstr(sb, "<p class=\"legend\">Tokens as the API reported them. receval stores no prices:"
				  " cost = tokens in " TIMES " the price of an input token + tokens out " TIMES
				  " the price of an output token. Latency is per sample, from request to answer"
				  " (answers served from the cache are near zero).</p>\n");
	strbuf_addstr(sb, "<div class=\"scroll\"><table>\n<thead><tr><th>model</th>"
			  "<th class=\"num\">samples</th><th class=\"num\">ok / invalid / errors</th>");
	if (api)
		strbuf_addstr(sb, "<th class=\"num\">requests</th><th class=\"num\">tokens in</th>"
				  "<th class=\"num\">tokens out</th><th class=\"num\">tokens / request</th>");
	strbuf_addstr(sb, "<th class=\"num\">latency mean</th><th class=\"num\">p50</th><th class=\"num\">p95</th>"
			  "<th class=\"num\">max</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < r->n_runs; i++) {
		const struct run_usage *u = r->runs[i].usage;

		strbuf_addstr(sb, "<tr><td>");
		run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_count(sb, u->samples);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_count(sb, u->ok);
		strbuf_addstr(sb, " / ");
		add_count(sb, u->invalid);
		strbuf_addstr(sb, " / ");
		add_count(sb, u->errors);
		if (api && !u->requests && !u->tokens_in && !u->tokens_out) {
			strbuf_addstr(sb, "</td><td class=\"num\" colspan=\"4\"><span class=\"runid\">no API</span>");
		} else if (api) {
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_count(sb, u->requests);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_count(sb, u->tokens_in);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_count(sb, u->tokens_out);
			strbuf_addstr(sb, "</td><td class=\"num\">");
			add_num(sb, u->requests ? (double)(u->tokens_in + u->tokens_out) / (double)u->requests : NAN);
		}
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_ms(sb, u->latency_mean);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_ms(sb, u->latency_p50);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_ms(sb, u->latency_p95);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_ms(sb, u->latency_max);
		strbuf_addstr(sb, "</td></tr>\n");
	}
	strbuf_addstr(sb, "</tbody></table></div>\n</section>\n");
}

#define TOP_ITEMS 10
#define MAX_HISTORY 50

static void item(struct strbuf *sb, const char *id, int target)
{
	strbuf_addstr(sb, target ? "<span class=\"item target\">" : "<span class=\"item\">");
	html_escape(sb, id);
	strbuf_addstr(sb, "</span>");
}

/* The item ids of a stored JSON array as chips: the last max of them (0: the first TOP_ITEMS), target highlighted. */
static void items(struct strbuf *sb, const char *json, const char *target, int last, size_t max)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *e;
	size_t n = (size_t)cJSON_GetArraySize(a), i = 0, from = last && n > max ? n - max : 0;

	if (!cJSON_IsArray(a)) {
		strbuf_addstr(sb, "<span class=\"runid\">none stored</span>");
		cJSON_Delete(a);
		return;
	}
	if (from)
		strbuf_addf(sb, "<span class=\"runid\">(%zu earlier not shown)</span> ", from);
	cJSON_ArrayForEach(e, a) {
		if (i++ < from)
			continue;
		if (!last && i > max) {
			strbuf_addf(sb, " <span class=\"runid\">+%zu more</span>", n - max);
			break;
		}
		item(sb, cJSON_IsString(e) ? e->valuestring : "?", target && cJSON_IsString(e) && !strcmp(e->valuestring, target));
	}
	if (!n)
		strbuf_addstr(sb, "<span class=\"runid\">empty</span>");
	cJSON_Delete(a);
}

/* "rank 3 of 20", "not ranked (20 items)": where the target is in a ranking. */
static void target_rank(struct strbuf *sb, const char *ranking, const char *target)
{
	cJSON *a = ranking ? cJSON_Parse(ranking) : NULL, *e;
	size_t i = 0, found = 0;

	cJSON_ArrayForEach(e, a) {
		i++;
		if (!found && target && cJSON_IsString(e) && !strcmp(e->valuestring, target))
			found = i;
	}
	if (found)
		strbuf_addf(sb, "%zu <span class=\"runid\">of %zu</span>", found, i);
	else
		strbuf_addf(sb, "<span class=\"runid\">not in the %zu</span>", i);
	cJSON_Delete(a);
}

/* A stored grounding array: how each mention in the answer was matched to a catalogue item. */
static void grounding(struct strbuf *sb, const char *json)
{
	cJSON *a = cJSON_Parse(json), *e;

	if (!cJSON_IsArray(a)) {
		strbuf_addstr(sb, "<pre class=\"response\">");
		html_escape(sb, json);
		strbuf_addstr(sb, "</pre>\n");
		cJSON_Delete(a);
		return;
	}
	strbuf_addstr(sb, "<ul class=\"grounding\">\n");
	cJSON_ArrayForEach(e, a) {
		const char *text = jstr(e, "text"), *it = jstr(e, "item"), *how = jstr(e, "how");
		double score = jnum(e, "score");

		strbuf_addstr(sb, "<li>\xe2\x80\x9c");
		html_escape(sb, text ? text : "");
		strbuf_addstr(sb, "\xe2\x80\x9d \xe2\x86\x92 ");
		if (it)
			item(sb, it, 0);
		else
			strbuf_addstr(sb, "<span class=\"status\">no item</span>");
		if (how || isfinite(score)) {
			strbuf_addstr(sb, " <span class=\"runid\">(");
			html_escape(sb, how);
			if (isfinite(score))
				strbuf_addf(sb, "%s%.3g", how ? ", " : "", score);
			strbuf_addstr(sb, ")</span>");
		}
		strbuf_addstr(sb, "</li>\n");
	}
	strbuf_addstr(sb, "</ul>\n");
	cJSON_Delete(a);
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
	add_num(sb, pk->spread);
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
		run_name(sb, r, i);
		strbuf_addstr(sb, "</td><td class=\"num\">");
		add_num(sb, pk->values[i]);
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

static void add_drilldown(struct render *rd)
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
			add_count(sb, (int64_t)task->candidates);
			strbuf_addstr(sb, " samples that every run scored has the same <code>");
			html_escape(sb, task->headline);
			strbuf_addstr(sb, "</code> in every run.</p>\n");
			continue;
		}
		strbuf_addf(sb, "<p class=\"legend\">The %zu samples, of ", task->n_picks);
		add_count(sb, (int64_t)task->candidates);
		strbuf_addstr(sb, ", with the largest spread of <code>");
		html_escape(sb, task->headline);
		strbuf_addstr(sb, "</code>.</p>\n");
		for (k = 0; k < task->n_picks; k++)
			add_pick(sb, r, task, &task->picks[k], t + 1, k + 1);
	}
	strbuf_addstr(sb, "</section>\n");
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
		    " p is below %g. Higher is not always better (for arp@k, higher means more popular items).</li>\n",
		    (long long)r->runs[0].info->id, test_phrase(r->test), r->alpha);
	for (i = 1; i < r->n_runs; i++) {
		const struct comparison *c = r->runs[i].vs_base;

		strbuf_addstr(sb, "<li>");
		run_name(sb, r, i);
		if (!c) {
			strbuf_addstr(sb, ": not compared with the baseline: ");
			html_escape(sb, r->runs[i].not_compared);
			strbuf_addstr(sb, ".</li>\n");
			continue;
		}
		strbuf_addstr(sb, ": ");
		add_count(sb, (int64_t)c->samples);
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
	add_leaderboard(&rd);
	add_plots(&rd);
	add_all_metrics(&rd);
	add_validity(&rd);
	add_usage(&rd);
	add_drilldown(&rd);
	add_notes(&rd);

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

	if (skipped)
		*skipped = rd.skipped;
	if (why)
		strbuf_addstr(why, rd.why.buf);
	strbuf_release(&body);
	strbuf_release(&rd.why);
	strbuf_release(&rd.skipped_list);
	return 0;
}
