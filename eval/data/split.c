/* split.c: leave-last-out split, seeded user sampling and negative sampling for ranking candidates. */
#include "eval/data/split.h"
#include "lib/rng.h"

/* a happened before b: earlier timestamp, then earlier in the file (inter[] keeps file order) */
static int cmp_order(const void *a, const void *b, void *arg)
{
	const struct interaction *in = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (in[x].ts != in[y].ts)
		return in[x].ts < in[y].ts ? -1 : 1;
	return (x > y) - (x < y);
}

int split_leave_last_out(struct split *out, const struct dataset *ds, const struct split_spec *spec)
{
	size_t *count = xcalloc(ds->n_users + 1, sizeof(*count));
	size_t *start = xcalloc(ds->n_users + 1, sizeof(*start));
	/* each user's interactions, as indexes into inter[]: 4 bytes each, not a copy */
	uint32_t *rows = xmalloc((ds->n_inter ? ds->n_inter : 1) * sizeof(*rows));
	size_t i, u, pos = 0, min_inter = spec->min_history + 1;

	memset(out, 0, sizeof(*out));
	out->n_users = ds->n_users;
	out->n_items = ds->n_items;

	/* bucket interactions by user (file order kept), then sort each bucket by time */
	for (i = 0; i < ds->n_inter; i++)
		count[ds->inter[i].user]++;
	for (u = 0; u < ds->n_users; u++)
		start[u + 1] = start[u] + count[u];
	memset(count, 0, ds->n_users * sizeof(*count));
	for (i = 0; i < ds->n_inter; i++)
		rows[start[ds->inter[i].user] + count[ds->inter[i].user]++] = (uint32_t)i;

	out->train_off = xmalloc((ds->n_users + 1) * sizeof(*out->train_off));
	out->train_items = xmalloc((ds->n_inter ? ds->n_inter : 1) * sizeof(*out->train_items));
	out->target = xmalloc((ds->n_users ? ds->n_users : 1) * sizeof(*out->target));
	out->item_count = xcalloc(ds->n_items ? ds->n_items : 1, sizeof(*out->item_count));
	out->eligible = xmalloc((ds->n_users ? ds->n_users : 1) * sizeof(*out->eligible));

	for (u = 0; u < ds->n_users; u++) {
		uint32_t *r = rows + start[u];
		size_t n = count[u], n_train = n;

		/* files often list a user's rows in time order already */
		for (i = 1; i < n && cmp_order(&r[i - 1], &r[i], ds->inter) < 0; i++)
			;
		if (i < n)
			qsort_r(r, n, sizeof(*r), cmp_order, ds->inter);
		out->train_off[u] = (uint32_t)pos;
		if (n >= min_inter) {
			out->target[u] = ds->inter[r[n - 1]].item;
			out->eligible[out->n_eligible++] = (uint32_t)u;
			n_train = n - 1;
		} else {
			out->target[u] = NO_TARGET;
			out->skipped++;
		}
		for (i = 0; i < n_train; i++) {
			uint32_t it = ds->inter[r[i]].item;
			out->train_items[pos++] = it;
			out->item_count[it]++;
		}
	}
	out->train_off[ds->n_users] = (uint32_t)pos;
	out->n_train = pos;
	free(count);
	free(start);
	free(rows);
	if (!out->n_eligible) {
		split_release(out);
		return error("%s: no user has the %zu interactions leave-last-out needs",
			     ds->path, min_inter);
	}
	return 0;
}

void split_release(struct split *sp)
{
	free(sp->train_off);
	free(sp->train_items);
	free(sp->target);
	free(sp->item_count);
	free(sp->eligible);
	memset(sp, 0, sizeof(*sp));
}

void split_sample_users(uint32_t **out, size_t *n, const struct split *sp, size_t want, uint64_t seed)
{
	uint32_t *u = xmalloc((sp->n_eligible ? sp->n_eligible : 1) * sizeof(*u));
	struct rng r;

	memcpy(u, sp->eligible, sp->n_eligible * sizeof(*u));
	rng_seed(&r, seed);
	rng_shuffle_u32(&r, u, sp->n_eligible);
	*out = u;
	*n = want && want < sp->n_eligible ? want : sp->n_eligible;
}

static int cmp_user_id(const void *a, const void *b, void *arg)
{
	char *const *ids = arg;

	return strcmp(ids[*(const uint32_t *)a], ids[*(const uint32_t *)b]);
}

void split_order_users(uint32_t *users, size_t n, const struct dataset *ds)
{
	qsort_r(users, n, sizeof(*users), cmp_user_id, ds->user_ids);
}

/* Binary search in the cumulative popularity: the first item whose cumulative count exceeds x. */
static uint32_t pick_weighted(const uint64_t *cum, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (uint32_t)lo;
}

size_t split_candidates(uint32_t *out, size_t n, const struct split *sp, const struct dataset *ds,
			uint32_t user, enum negatives how, uint64_t seed, const char *task,
			unsigned char *mark)
{
	const char *uid = ds->user_ids[user];
	const uint32_t *hist = sp->train_items + sp->train_off[user];
	size_t n_hist = sp->train_off[user + 1] - sp->train_off[user];
	size_t i, got = 0, blocked = 0, avail, tries;
	uint64_t *cum = NULL;
	struct rng r;

	rng_seed(&r, rng_mix(rng_mix(seed, str_hash(task, strlen(task))), str_hash(uid, strlen(uid))));
	/* mark what may not be a negative: the history and the target */
	for (i = 0; i < n_hist; i++)
		if (!mark[hist[i]]) {
			mark[hist[i]] = 1;
			blocked++;
		}
	out[got++] = sp->target[user];
	if (!mark[sp->target[user]]) {
		mark[sp->target[user]] = 1;
		blocked++;
	}
	avail = ds->n_items - blocked;

	if (how == NEG_DATASET) {
		/* the dataset's negatives, in its order: only the target's place is random */
		const uint32_t *neg = ds->negatives ? ds->negatives[user] : NULL;
		size_t n_neg = ds->n_negatives ? ds->n_negatives[user] : 0;
		for (i = 0; i < n_neg && got < n; i++)
			if (!mark[neg[i]]) {
				mark[neg[i]] = 2;
				out[got++] = neg[i];
			}
		avail = 0;
	}
	if (how == NEG_POPULARITY) {
		cum = xmalloc(ds->n_items * sizeof(*cum));
		for (i = 0; i < ds->n_items; i++)
			cum[i] = (i ? cum[i - 1] : 0) + sp->item_count[i];
	}
	/*
	 * Rejection sampling while most of the catalogue is open; when it keeps
	 * failing (a small catalogue, or popularity mass inside the history),
	 * the rest comes uniformly from an explicit list of what is left.
	 */
	for (tries = 0; got < n && got - 1 < avail && tries < 64 * n; tries++) {
		uint32_t it;
		if (cum && cum[ds->n_items - 1])
			it = pick_weighted(cum, ds->n_items, rng_below(&r, cum[ds->n_items - 1]));
		else
			it = (uint32_t)rng_below(&r, ds->n_items);
		if (mark[it])
			continue;
		mark[it] = 2;
		out[got++] = it;
	}
	if (got < n && got - 1 < avail) {
		uint32_t *left = xmalloc(ds->n_items * sizeof(*left));
		size_t n_left = 0;
		for (i = 0; i < ds->n_items; i++)
			if (!mark[i])
				left[n_left++] = (uint32_t)i;
		while (got < n && n_left) {
			size_t j = (size_t)rng_below(&r, n_left);
			out[got++] = left[j];
			mark[left[j]] = 2;
			left[j] = left[--n_left];
		}
		free(left);
	}
	free(cum);

	for (i = 0; i < n_hist; i++)
		mark[hist[i]] = 0;
	for (i = 0; i < got; i++)
		mark[out[i]] = 0;

	/* shuffle, so the target's place tells nothing */
	rng_shuffle_u32(&r, out, got);
	return got;
}
