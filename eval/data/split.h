/* split.h: leave-last-out splitting into training rows and held-out targets, and seeded sampling of users and candidates. */
#ifndef SPLIT_H
#define SPLIT_H

#include "lib/util.h"
#include "eval/data/dataset.h"

#define NO_TARGET UINT32_MAX

enum negatives {
	NEG_UNIFORM,      /* every item outside the user's history equally likely */
	NEG_POPULARITY,   /* weighted by the item's training interactions */
	NEG_DATASET,      /* the dataset's own (reclm negative_samples.txt), in file order */
};

struct split_spec {
	const char *strategy;  /* "leave-last-out" */
	size_t max_history;    /* most recent items kept in a sample's history; 0: all */
	size_t min_history;    /* users with fewer training items are skipped (default 1) */
};

struct split {
	size_t n_users, n_items;
	uint32_t *train_off;     /* [n_users + 1]: user u's training items are train_items[off[u]..off[u+1]) */
	uint32_t *train_items;   /* oldest first: by timestamp, ties in file order */
	uint32_t *target;        /* [n_users]: the held-out item, or NO_TARGET for a skipped user */
	uint32_t *item_count;    /* [n_items]: training interactions per item (popularity) */
	size_t n_train;
	uint32_t *eligible;      /* users with a target, in dataset order */
	size_t n_eligible;
	size_t skipped;          /* users with fewer than min_history + 1 interactions */
};

/*
 * Leave-last-out: each user's last interaction (by timestamp, ties broken by
 * file order) is the target; the rest is training. Users with fewer than
 * spec->min_history + 1 interactions are skipped (counted), and all of their
 * interactions are training. Returns 0, or -1 with a message when no user
 * is left to evaluate.
 */
int split_leave_last_out(struct split *out, const struct dataset *ds, const struct split_spec *spec);
void split_release(struct split *sp);

/*
 * Choose up to want users (0: all) from the eligible ones: a Fisher–Yates
 * shuffle seeded by seed, then the first want. *out is allocated (caller
 * frees) and holds the users in sampled order; the same inputs give the same
 * users on every machine.
 */
void split_sample_users(uint32_t **out, size_t *n, const struct split *sp, size_t want, uint64_t seed);

/*
 * Put the chosen users in the order of their ids (bytewise, as SQLite's
 * BINARY collation orders sample_id): which users a run evaluates is
 * split_sample_users()'s choice, the order only decides how samples reach
 * the store, where key-ordered inserts append to the indexes instead of
 * landing at random pages (ML-20M: several seconds of a run).
 */
void split_order_users(uint32_t *users, size_t n, const struct dataset *ds);

/*
 * Candidates for a ranking sample: the target and up to n - 1 negatives that
 * the user never interacted with (training or target), drawn without
 * replacement uniformly or by training popularity, or taken in order from
 * the dataset's own negatives for the user (NEG_DATASET), then shuffled. The
 * random stream is seeded from (seed, the task's name, the user's id), so a
 * user's candidates do not depend on which other users were sampled.
 * out has room for n; returns how many were written (fewer when the
 * catalogue is too small). mark is scratch of n_items bytes, all zero on
 * entry and on return.
 */
size_t split_candidates(uint32_t *out, size_t n, const struct split *sp, const struct dataset *ds,
			uint32_t user, enum negatives how, uint64_t seed, const char *task,
			unsigned char *mark);

#endif
