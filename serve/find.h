/* find.h: a run's samples found by task and by a search of user or item title, one page at a time (the API's and the run page's samples). */
#ifndef SERVE_FIND_H
#define SERVE_FIND_H

#include "eval/titles.h"
#include "eval/store.h"

struct sample_find {
	const char *task;          /* NULL: every task */
	const char *q;             /* NULL or "": every sample; else a case-insensitive part of the user, the sample id or a title of its target or ranking */
	const struct titles *titles;
	size_t offset, limit;
	/* called for the samples of the page, in stored order; returns 0 */
	int (*fn)(const struct sample_view *v, void *data);
	void *data;
	/* results */
	size_t total;              /* samples that match */
	int task_seen;             /* some sample has the task */
};

/* Walk run's samples: 0, or -1 on a store error (printed). */
int sample_find(struct sample_find *f, struct store *s, int64_t run);

/*
 * The titles of run's catalogue, built once per catalogue and kept for the
 * server's life (a catalogue's key is the hash of its items: it never
 * changes). Read-only; NULL after a store error (printed). An empty set
 * for a run without a catalogue.
 */
struct server;
const struct titles *serve_titles(struct server *srv, struct store *s, const struct run_info *run);
/* Free the cache (the server's end). */
void serve_titles_free(struct server *srv);

#endif
