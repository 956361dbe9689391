/* dataset.h: interactions and item catalogues loaded from csv/tsv, movielens and reclm layouts. */
#ifndef DATASET_H
#define DATASET_H

#include "lib/util.h"
#include "lib/strmap.h"

/* What the suite's "dataset" object says; paths already resolved. */
struct dataset_spec {
	const char *format;     /* "csv", "tsv", "movielens" or "reclm" */
	const char *path;       /* csv/tsv: the interactions file; movielens/reclm: the folder */
	const char *items;      /* csv/tsv: the items file (optional) */
	int has_min_rating;     /* keep only interactions rated >= min_rating */
	double min_rating;
};

struct item {
	char *id;          /* the dataset's own id, as a string */
	char *title;       /* UTF-8; NULL when the catalogue has none for this id */
	char *categories;  /* "Action|Comedy", or NULL */
};

struct interaction {
	uint32_t user, item;   /* indexes into user_ids[] and items[] */
	uint32_t seq;          /* position in the file: breaks timestamp ties */
	float rating;          /* NAN when the file has none */
	int64_t ts;            /* timestamp; the file position when the file has none */
};

struct dataset {
	char *format;
	char *path;               /* for messages and the run record */
	size_t n_users, n_items, n_inter;
	char **user_ids;          /* [n_users] */
	struct item *items;       /* [n_items]: the catalogue first, then the rest (see below) */
	struct interaction *inter;/* [n_inter], in file order, repeats removed */
	struct strmap user_index, item_index;
	int has_timestamps;
	size_t duplicates;        /* repeated (user, item) pairs dropped: the last one is kept */
	size_t filtered;          /* interactions dropped by min_rating */
	size_t untitled;          /* items not in the catalogue (seen in interactions or negatives) */

	/* reclm only: negatives given by negative_samples.txt, per user (NULL otherwise) */
	uint32_t **negatives;     /* NULL without negative_samples.txt; else [n_users] arrays of
	                             item indexes, NULL for a user the file does not list */
	size_t *n_negatives;      /* [n_users]; NULL when negatives is */
};

/*
 * Load the dataset spec describes into out (which the caller zeroes).
 * Errors print "receval: FILE:LINE: what" and return -1; out is released.
 * Release a loaded dataset with dataset_release(), which frees everything
 * it owns (ids, titles, categories, arrays, maps) and zeroes it.
 *
 * csv/tsv: interactions file with a header naming columns user and item,
 *   optionally rating and timestamp (aliases, any case: user_id, userid,
 *   item_id, itemid, movieid, time); columns in any order, others
 *   ignored. RFC 4180 quoting (separators, doubled quotes and newlines
 *   inside quotes), CRLF, a UTF-8 BOM and blank lines are accepted; spaces
 *   around unquoted fields are trimmed. Every record has as many fields as
 *   the header. Without a timestamp column ts is the file position and
 *   has_timestamps is 0. The items file has a header with item (or
 *   item_id, itemid, movieid) and title, optionally genres/categories/
 *   category ("A|B", kept as written); titles must be UTF-8 and an item
 *   may be listed once.
 * movielens: u.data (user TAB item TAB rating TAB timestamp) and u.item
 *   ('|'-separated, id and title first, Latin-1 titles converted to UTF-8,
 *   the genre flags after the fifth field named by u.genre "name|index"
 *   lines; without u.genre, no categories).
 * reclm: sequential_data.txt ("user item item ..." in time order),
 *   negative_samples.txt ("user neg neg ...", optional), metadata.json or
 *   metadata.jsonl (one JSON object per line; item ids are the 1-based
 *   line numbers; see the comment above the reclm loader in dataset.c).
 *   No ratings or timestamps: ts is the position in sequential_data.txt.
 *
 * Indexes: items of the catalogue (items file, u.item, metadata) come
 * first, in catalogue order, whether or not any interaction names them;
 * then items seen only in interactions (title NULL, counted in untitled),
 * in order of first appearance among the kept interactions; reclm
 * negatives outside both come last (also untitled). Users are indexed in
 * order of first appearance among the kept interactions. seq is the
 * position among the file's interaction rows (0-based, before anything is
 * dropped), so it is unique and increasing along inter[].
 *
 * A (user, item) pair seen more than once keeps only its last occurrence
 * by (ts, seq), counted in duplicates. min_rating is applied after that,
 * to the kept occurrence (the user's latest opinion), counted in filtered;
 * users and non-catalogue items left without interactions are dropped.
 * No interactions at all, before or after min_rating, is an error.
 */
int dataset_load(struct dataset *out, const struct dataset_spec *spec);
void dataset_release(struct dataset *ds);

/*
 * Item categories as integer sets: item i's are cats[off[i] .. off[i+1]),
 * ascending, ids numbered by first appearance; *n_categories is how many
 * names there are (0: the dataset has none). Both arrays are allocated;
 * the caller frees them.
 */
int dataset_category_index(const struct dataset *ds, uint32_t **off, uint32_t **cats,
			   size_t *n_categories);

/* The title to show for an item: its title, or its id when it has none. */
static inline const char *item_label(const struct dataset *ds, uint32_t item)
{
	return ds->items[item].title ? ds->items[item].title : ds->items[item].id;
}

/*
 * 0 when text[0..len) is UTF-8 without a NUL byte, else -1 with
 * "<path>:<line>: NUL byte ..." or "<path>:<line>: byte 0xNN is not UTF-8 ..."
 * printed.
 */
int data_check_utf8(const char *path, const char *text, size_t len);

#endif
