/* compare.c (reports): `receval compare` output: a table that fits 100 columns, JSON and CSV. */
#include <cJSON.h>
#include "lib/util.h"
#include "lib/strbuf.h"
#include "metrics/registry.h"
#include "reports/compare.h"
#include "reports/csv.h"

enum { COL_TASK, COL_METRIC, COL_A, COL_B, COL_DELTA, COL_CI, COL_P, COL_HOLM, COL_WTL, COL_MARK, N_COLS };

static const char *const headings[N_COLS] = {
	"task", "metric", "mean A", "mean B", "delta", "95% CI of delta", "p", "p_holm", "W/T/L", "",
};

#define CELL 64

/*
 * A mean, or with sign a delta: 4 significant digits (at least 1 decimal)
 * up to 10^4, so that every column stays narrow whatever the metric's scale.
 */
static void format_value(char *buf, size_t size, double v, int sign)
{
	double a = fabs(v);
	int decimals = a < 10 ? 4 : a < 100 ? 3 : a < 1000 ? 2 : 1;

	if (isnan(v))
		snprintf(buf, size, "-");
	else if (a < 1e4)
		snprintf(buf, size, sign ? "%+.*f" : "%.*f", decimals, v);
	else
		snprintf(buf, size, sign ? "%+.3g" : "%.3g", v);
}

/* 3 decimals, or one significant digit below 0.001 */
static void format_p(char *buf, size_t size, double p)
{
	if (isnan(p))
		snprintf(buf, size, "-");
	else if (p < 1e-16)
		snprintf(buf, size, "< 1e-16");  /* below a double's resolution near 1: 0 is no figure to print */
	else if (p >= 0.001)
		snprintf(buf, size, "%.3f", p);
	else
		snprintf(buf, size, "%.0e", p);
}

static void format_row(char cell[N_COLS][CELL], const struct compare_row *r)
{
	char lo[24], hi[24];

	/* the task and metric columns are printed from the row itself, cut to fit */
	format_value(cell[COL_A], CELL, r->mean_a, 0);
	format_value(cell[COL_B], CELL, r->mean_b, 0);
	format_value(cell[COL_DELTA], CELL, r->delta, 1);
	format_value(lo, sizeof(lo), r->ci_low, 0);
	format_value(hi, sizeof(hi), r->ci_high, 0);
	if (isnan(r->ci_low))
		snprintf(cell[COL_CI], CELL, "-");
	else
		snprintf(cell[COL_CI], CELL, "[%s,%s]", lo, hi);
	format_p(cell[COL_P], CELL, r->p);
	format_p(cell[COL_HOLM], CELL, r->p_holm);
	snprintf(cell[COL_WTL], CELL, "%zu/%zu/%zu", r->wins, r->ties, r->losses);
	snprintf(cell[COL_MARK], CELL, "%s", r->significant ? "*" : "");
}

/* s in exactly w columns (left-aligned), cut to w - 1 characters and "~" when longer. */
static void put_cut(FILE *f, const char *s, size_t w)
{
	size_t len = strlen(s);

	if (len <= w)
		fprintf(f, "%-*s", (int)w, s);
	else if (w)
		fprintf(f, "%.*s~", (int)(w - 1), s);
}

static size_t line_width(const size_t *w, size_t gap)
{
	size_t i, total = 0;

	for (i = 0; i < N_COLS; i++)
		total += w[i];
	return total + gap * (N_COLS - 1);
}

/* The header line, naming both runs; model specs are cut when it would not fit. */
static void print_header(FILE *f, const struct comparison *c)
{
	const char *ma = c->a->model ? c->a->model : "?", *mb = c->b->model ? c->b->model : "?";
	char rest[160];
	size_t la = strlen(ma), lb = strlen(mb), fixed;
	int n;

	/* the line without the two model specs */
	n = snprintf(rest, sizeof(rest), "run %lld  (A) vs run %lld  (B), %zu paired samples",
		     (long long)c->a->id, (long long)c->b->id, c->samples);
	fixed = n > 0 ? (size_t)n : 0;
	while (fixed + la + lb > COMPARE_TABLE_WIDTH && la + lb > 2) {
		if (la >= lb)
			la--;
		else
			lb--;
	}
	fprintf(f, "run %lld ", (long long)c->a->id);
	put_cut(f, ma, la);
	fprintf(f, " (A) vs run %lld ", (long long)c->b->id);
	put_cut(f, mb, lb);
	fprintf(f, " (B), %zu paired samples\n", c->samples);
}

/*
 * The rows whose metric has no better direction (arp@k, novelty@k, an
 * unknown name): their W/T/L count higher/equal/lower, and the legend says
 * which they are, by family, cut to fit the table.
 */
static void print_undirected(FILE *f, const struct comparison *c)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j, n = 0;

	for (i = 0; i < c->n_rows; i++) {
		const char *m = c->rows[i].metric;
		size_t len = strcspn(m, "@");

		if (c->rows[i].direction != METRIC_NEITHER)
			continue;
		for (j = 0; j < i; j++)  /* each family once */
			if (c->rows[j].direction == METRIC_NEITHER && strcspn(c->rows[j].metric, "@") == len &&
			    !strncmp(c->rows[j].metric, m, len))
				break;
		if (j < i)
			continue;
		strbuf_addf(&sb, "%s%.*s%s", n++ ? ", " : "", (int)len, m, m[len] ? "@k" : "");
	}
	if (n) {
		const char *head = "W/T/L of ", *tail = " (no better direction): B higher/equal/lower";
		size_t room = COMPARE_TABLE_WIDTH - strlen(head) - strlen(tail);

		if (sb.len > room) {
			strbuf_setlen(&sb, room - 4);
			strbuf_addstr(&sb, ", ...");
		}
		fprintf(f, "%s%s%s\n", head, sb.buf, tail);
	}
	strbuf_release(&sb);
}

static const char *test_title(const struct comparison *c, char *buf, size_t size)
{
	switch (c->opts.test) {
	case COMPARE_T:
		return "paired t-test";
	case COMPARE_WILCOXON:
		return "Wilcoxon signed-rank, zeros dropped";
	case COMPARE_PERMUTATION:
		snprintf(buf, size, "permutation test, %u sign flips", c->opts.permutations);
		return buf;
	}
	return "?";
}

void compare_print_table(FILE *f, const struct comparison *c)
{
	char (*cells)[N_COLS][CELL] = xmalloc((c->n_rows + 1) * sizeof(*cells));
	size_t w[N_COLS], gap = 2, i, j, undefined = 0, tested = 0;
	char title[64];

	for (j = 0; j < N_COLS; j++)
		w[j] = strlen(headings[j]);
	for (i = 0; i < c->n_rows; i++) {
		format_row(cells[i], &c->rows[i]);
		if (strlen(c->rows[i].task) > w[COL_TASK])
			w[COL_TASK] = strlen(c->rows[i].task);
		if (strlen(c->rows[i].metric) > w[COL_METRIC])
			w[COL_METRIC] = strlen(c->rows[i].metric);
		for (j = COL_A; j < N_COLS; j++)
			if (strlen(cells[i][j]) > w[j])
				w[j] = strlen(cells[i][j]);
		if (isnan(c->rows[i].p))
			undefined++;
		else
			tested++;
	}
	/* narrower gaps first, then cut the longer of the two name columns */
	if (line_width(w, gap) > COMPARE_TABLE_WIDTH)
		gap = 1;
	while (line_width(w, gap) > COMPARE_TABLE_WIDTH && (w[COL_TASK] > 4 || w[COL_METRIC] > 6)) {
		if (w[COL_METRIC] > 6 && (w[COL_METRIC] >= w[COL_TASK] || w[COL_TASK] <= 4))
			w[COL_METRIC]--;
		else
			w[COL_TASK]--;
	}

	print_header(f, c);
	fputc('\n', f);
	for (i = 0; i <= c->n_rows; i++) {
		const char *task = i ? c->rows[i - 1].task : headings[COL_TASK];
		const char *metric = i ? c->rows[i - 1].metric : headings[COL_METRIC];
		char line[1024];
		size_t len;

		put_cut(f, task, w[COL_TASK]);
		fprintf(f, "%*s", (int)gap, "");
		put_cut(f, metric, w[COL_METRIC]);
		/* the rest right-aligned, but the interval left-aligned and the mark as is */
		len = 0;
		for (j = COL_A; j < N_COLS && len < sizeof(line); j++) {
			const char *s = i ? cells[i - 1][j] : headings[j];
			int n;
			if (j == COL_CI)
				n = snprintf(line + len, sizeof(line) - len, "%*s%-*s", (int)gap, "", (int)w[j], s);
			else
				n = snprintf(line + len, sizeof(line) - len, "%*s%*s", (int)gap, "", (int)w[j], s);
			if (n > 0)
				len += (size_t)n;
		}
		if (len > sizeof(line) - 1)
			len = sizeof(line) - 1;
		while (len && line[len - 1] == ' ')
			len--;
		fprintf(f, "%.*s\n", (int)len, line);
	}
	if (!c->n_rows)
		fprintf(f, "(no metric both runs measured)\n");
	fputc('\n', f);
	fprintf(f, "delta = B - A with its 95%% paired bootstrap interval; W/T/L: samples where B is better/equal/worse\n");
	print_undirected(f, c);
	fprintf(f, "p: %s; p_holm: Holm over %zu row%s; * where p_holm < %g\n", test_title(c, title, sizeof(title)),
		tested, tested == 1 ? "" : "s", c->opts.alpha);
	if (undefined)
		fprintf(f, "-: undefined (no sample differs, or too few samples)\n");
	free(cells);
}

static cJSON *number_or_null(double v)
{
	return isnan(v) || isinf(v) ? cJSON_CreateNull() : cJSON_CreateNumber(v);
}

void compare_add_json(struct strbuf *sb, const struct comparison *c)
{
	cJSON *root = cJSON_CreateObject(), *metrics;
	char *out;
	size_t i;

	cJSON_AddNumberToObject(root, "a", (double)c->a->id);
	cJSON_AddNumberToObject(root, "b", (double)c->b->id);
	cJSON_AddStringToObject(root, "test", compare_test_name(c->opts.test));
	cJSON_AddNumberToObject(root, "alpha", c->opts.alpha);
	cJSON_AddNumberToObject(root, "samples", (double)c->samples);
	metrics = cJSON_AddArrayToObject(root, "metrics");
	for (i = 0; i < c->n_rows; i++) {
		const struct compare_row *r = &c->rows[i];
		cJSON *m = cJSON_CreateObject();

		cJSON_AddStringToObject(m, "task", r->task);
		cJSON_AddStringToObject(m, "metric", r->metric);
		cJSON_AddItemToObject(m, "mean_a", number_or_null(r->mean_a));
		cJSON_AddItemToObject(m, "mean_b", number_or_null(r->mean_b));
		cJSON_AddItemToObject(m, "delta", number_or_null(r->delta));
		cJSON_AddItemToObject(m, "ci_low", number_or_null(r->ci_low));
		cJSON_AddItemToObject(m, "ci_high", number_or_null(r->ci_high));
		cJSON_AddItemToObject(m, "p", number_or_null(r->p));
		cJSON_AddItemToObject(m, "p_holm", number_or_null(r->p_holm));
		cJSON_AddNumberToObject(m, "wins", (double)r->wins);
		cJSON_AddNumberToObject(m, "ties", (double)r->ties);
		cJSON_AddNumberToObject(m, "losses", (double)r->losses);
		cJSON_AddBoolToObject(m, "significant", r->significant);
		cJSON_AddItemToArray(metrics, m);
	}
	out = cJSON_Print(root);
	if (out) {
		strbuf_add_utf8(sb, out, strlen(out));   /* cJSON copies bytes that are not UTF-8 as they are */
		strbuf_addch(sb, '\n');
	}
	cJSON_free(out);
	cJSON_Delete(root);
}

void compare_print_json(FILE *f, const struct comparison *c)
{
	struct strbuf sb = STRBUF_INIT;

	compare_add_json(&sb, c);
	fwrite(sb.buf, 1, sb.len, f);
	strbuf_release(&sb);
}

static void csv_number(FILE *f, double v)
{
	fputc(',', f);
	if (!isnan(v) && !isinf(v))
		fprintf(f, "%.17g", v);
}

void compare_print_csv(FILE *f, const struct comparison *c)
{
	size_t i;

	fprintf(f, "a,b,task,metric,mean_a,mean_b,delta,ci_low,ci_high,p,p_holm,wins,ties,losses,significant\n");
	for (i = 0; i < c->n_rows; i++) {
		const struct compare_row *r = &c->rows[i];

		fprintf(f, "%lld,%lld,", (long long)c->a->id, (long long)c->b->id);
		csv_field(f, r->task);
		fputc(',', f);
		csv_field(f, r->metric);
		csv_number(f, r->mean_a);
		csv_number(f, r->mean_b);
		csv_number(f, r->delta);
		csv_number(f, r->ci_low);
		csv_number(f, r->ci_high);
		csv_number(f, r->p);
		csv_number(f, r->p_holm);
		fprintf(f, ",%zu,%zu,%zu,%s\n", r->wins, r->ties, r->losses, r->significant ? "true" : "false");
	}
}
