/* judgments.c: the judgments list of `receval list`, each with its headline figures. */
#include "reports/judgments.h"
#include "lib/strbuf.h"

static void headline(struct strbuf *sb, const char *kind, const struct metric_row *r, size_t n)
{
	size_t i;
	int pairwise = !strcmp(kind, "pairwise");

	for (i = 0; i < n; i++) {
		int show = pairwise ? !strcmp(r[i].metric, "win_rate_adjusted") :
			   !strcmp(r[i].metric, "agreement") || !strcmp(r[i].metric, "kappa");
		if (!show)
			continue;
		if (sb->len)
			strbuf_addstr(sb, ", ");
		if (pairwise)
			strbuf_addf(sb, "%s ", r[i].task);
		if (isnan(r[i].value))
			strbuf_addf(sb, "%s -", r[i].metric);
		else
			strbuf_addf(sb, "%s %.4f", r[i].metric, r[i].value);
	}
}

void table_judgments(FILE *out, const struct judgment_info *j, size_t n, struct metric_row *const *rows,
		     const size_t *n_rows)
{
	size_t i;

	fprintf(out, "%-8s  %-11s  %-10s  %-36s  %-11s  %7s  %6s  %s\n", "judgment", "kind", "runs", "judge", "status",
		"samples", "errors", "figures");
	for (i = 0; i < n; i++) {
		struct strbuf runs = STRBUF_INIT, fig = STRBUF_INIT;
		if (!strcmp(j[i].kind, "pairwise"))
			strbuf_addf(&runs, "%lld vs %lld", (long long)j[i].run_b, (long long)j[i].run_a);
		else
			strbuf_addstr(&runs, "-");
		headline(&fig, j[i].kind, rows[i], n_rows[i]);
		fprintf(out, "%-8lld  %-11s  %-10s  %-36.36s  %-11s  %7lld  %6lld  %s\n", (long long)j[i].id, j[i].kind,
			runs.buf, j[i].judge, j[i].status, (long long)j[i].samples, (long long)j[i].errors,
			fig.len ? fig.buf : "-");
		strbuf_release(&runs);
		strbuf_release(&fig);
	}
}
