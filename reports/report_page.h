/* report_page.h: the whole report page of several runs, loaded from the store: what `receval report` writes and `receval serve` shows at /compare. */
#ifndef REPORT_PAGE_H
#define REPORT_PAGE_H

#include "lib/strbuf.h"
#include "eval/store.h"
#include "eval/compare.h"

struct report_page_options {
	double alpha;               /* significance marks: Holm-adjusted p < alpha */
	struct compare_options copts;  /* the paired test; alpha is set from above */
	size_t top;                 /* samples per task in the drill-down */
	int no_plots;               /* do not run gnuplot */
	const char *generated;      /* the date shown */
	int fragment;               /* the sections alone (struct report's fragment) */
};

/*
 * Load runs ids[0..n) (ids[0] is the baseline; 0 and -N are "latest" and
 * "latest~N", as runarg_parse() reads them) with their metrics, sample
 * metrics, usage, comparisons against the baseline and judgments, and
 * append the page (html_report()) to out. Returns 1; 0 when a run does not
 * exist; -1 on a store error; both printed. *skipped and why (either may
 * be NULL) as html_report().
 */
int report_page(struct strbuf *out, struct store *store, const int64_t *ids, size_t n,
		const struct report_page_options *o, size_t *skipped, struct strbuf *why);

#endif
