/* titles.h: the item titles of the catalogues runs used, read from the store, so tables, reports and exports can show "title (id)". */
#ifndef TITLES_H
#define TITLES_H

#include "lib/strmap.h"
#include "eval/store.h"

/* Item id -> title, over the catalogues of the runs added. */
struct titles {
	struct strmap index;   /* id -> place in ids/names */
	char **ids, **names;   /* names[i] NULL where the catalogue has no title */
	size_t n, alloc;
};

#define TITLES_INIT { STRMAP_INIT, NULL, NULL, 0, 0 }

/*
 * Add the titles of the catalogue run used (its config's
 * dataset.catalogue, stored once per dataset) to t; an id already there
 * keeps its title. A run stored before catalogues were, or without a
 * dataset, adds nothing. 0, or -1 after printing a store error.
 */
int titles_add_run(struct titles *t, struct store *s, const struct run_info *run);

/* The id as t keeps it (a string that lives as long as t), or NULL when id is not in the catalogues. */
const char *titles_key(const struct titles *t, const char *id);

/* The title of item id, or NULL when it has none (or is not in the catalogues). */
const char *titles_get(const struct titles *t, const char *id);

void titles_release(struct titles *t);

#endif
