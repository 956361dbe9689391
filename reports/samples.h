/* samples.h: a stored sample as one JSON line, the record of `show --samples --format jsonl` and `export --format jsonl`. */
#ifndef REPORTS_SAMPLES_H
#define REPORTS_SAMPLES_H

#include <stdio.h>
#include "lib/strbuf.h"
#include "eval/store.h"

struct titles;

/*
 * Append view to sb as one JSON object and a newline: {"task", "sample_id",
 * "user", "target", "title" (the target's, or null), "history",
 * "candidates", "ranking", "titles" ({id: title} of the ids in those
 * lists; only when t holds titles), "response", "status", "error",
 * "grounding", "latency_ms", "metrics": {name: value}}
 * (DESIGN.md, `show --samples`). Stored id lists and groundings are
 * read through eval/codec.h and printed in their stored form; those that
 * are missing or malformed print as []; missing strings and NaN values as null.
 */
void samples_add_jsonl(struct strbuf *sb, const struct sample_view *view, const struct titles *t);

/*
 * Write every sample of run to f, one JSON line each, in the order the run
 * stored them. Returns 0; -1 after printing why: the store could not be
 * read (the caller exits 5) or f could not be written.
 */
int samples_write_jsonl(FILE *f, struct store *s, int64_t run);

/*
 * Write every sample of run to f as a table: task, sample_id, user,
 * status, the target's 1-based rank in the stored ranking ("-" when it is
 * not there), and the target as "title (id)" (the id alone when the
 * catalogue has no title). 0, or -1 when the store could not be read.
 */
int samples_write_table(FILE *f, struct store *s, int64_t run);

#endif
