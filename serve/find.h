/* find.h: a run's samples found by task and by a search of user or item title, one page at a time (the API's and the run page's samples). */
#ifndef SERVE_FIND_H
#define SERVE_FIND_H

#include "lib/strmap.h"
#include "eval/store.h"

/* A run's catalogue titles by item id (the `catalogues` table). */
struct titles {
	struct strmap map;       /* id -> index into titles[] */
	char **ids, **titles;    /* titles[i] NULL where the item has none */
	size_t n;
};

/* Load the titles of run's catalogue (none for a run without one): 0, or -1 on a store error (printed). */
int titles_load(struct titles *out, struct store *s, const struct run_info *run);
/* Item id's title, or NULL. */
const char *titles_get(const struct titles *t, const char *id);
void titles_release(struct titles *t);

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

#endif
