/* markdown.h: GitHub-flavoured Markdown to paste into a pull request: escaped table cells and the gate's summary. */
#ifndef REPORTS_MARKDOWN_H
#define REPORTS_MARKDOWN_H

#include "lib/strbuf.h"
#include "eval/store.h"
#include "reports/gate.h"

/*
 * Append s as the text of a table cell: '|' as "\|", line ends as spaces,
 * and the punctuation Markdown would act on (\ ` * _ [ ] < > # ~ & !)
 * backslash-escaped, so a cell shows exactly s.
 */
void md_text(struct strbuf *sb, const char *s);

/*
 * Append s as a code span that is safe in a table cell: fenced with one
 * more backtick than its longest run of backticks, '|' as "\|" (GFM reads
 * it as a pipe inside spans too), line ends as spaces. Nothing for "".
 */
void md_code(struct strbuf *sb, const char *s);

/*
 * The gate's summary: a heading with the verdict (✅ passed, ❌ failed,
 * ⚠️ error), a table of the two runs (id, model, suite, status), a table
 * with a header row and one row per check (status, rule, task, measured
 * value with its interval, threshold, p, Holm-adjusted p, note), and a
 * line saying how relative rules are tested (Holm's family:
 * gate_report_holm_family()).
 */
void markdown_gate(struct strbuf *sb, const struct gate_report *g);

#endif
