/* html_internal.h: what the report's files (html.c, html_tables.c, html_samples.c) share: the render state, number formats, run names, figures. */
#ifndef HTML_INTERNAL_H
#define HTML_INTERNAL_H

#include "reports/html.h"
#include "reports/plot.h"

#define DASH "\xe2\x80\x94"
#define UP "\xe2\x96\xb2"
#define DOWN "\xe2\x96\xbc"
#define TIMES "\xc3\x97"
#define DELTA "\xce\x94"

/* The page being written. */
struct render {
	struct strbuf *out;
	const struct report *r;
	unsigned plots;          /* plots attempted: ids p1-, p2-, ... */
	size_t skipped;
	int not_found;           /* gnuplot could not be started: do not try again */
	struct strbuf why;       /* the first reason a plot was skipped */
	struct strbuf skipped_list;
};

/* Numbers as the report shows them; a value that is not finite is a dash. */
void html_num(struct strbuf *sb, double v);       /* 3 significant decimals, fewer as it grows */
void html_signed(struct strbuf *sb, double v);    /* with its sign: a delta */
void html_p(struct strbuf *sb, double p);         /* a p-value, HTML-escaped ("&lt; 1e-16" below 1e-16) */
void html_p_text(struct strbuf *sb, double p);    /* the same as plain text, for a title to escape */
void html_count(struct strbuf *sb, int64_t v);    /* thousands separated: 12,345 */
void html_ms(struct strbuf *sb, double ms);       /* a latency, in ms or s */
void html_ci(struct strbuf *sb, double lo, double hi);  /* " [lo, hi]", nothing when either is not finite */

/* Run i's model with its colour and id: the head of a column or a row. */
void html_run_name(struct strbuf *sb, const struct report *r, size_t i);

/* Draw p with gnuplot and inline it as a figure with caption, or say why it is not there. */
void html_figure(struct render *rd, const struct plot *p, const char *caption);

/* The paired test, as a phrase: "paired t-test". */
const char *html_test_phrase(const char *test);

/* Whether the run has any metric of task. */
int html_has_task(const struct report_run *run, const char *task);

/* The sections, in the order the page shows them (html_tables.c, html_samples.c). */
void html_leaderboard(struct render *rd);
void html_plots(struct render *rd);
void html_all_metrics(struct render *rd);
void html_validity(struct render *rd);
void html_usage(struct render *rd);
void html_drilldown(struct render *rd);

#endif
