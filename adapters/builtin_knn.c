/* builtin_knn.c: builtin:itemknn's training: item-item cosine over the user-item lists, on threads, each item's top neighbours kept in a bounded heap. */
#include <pthread.h>
#include "adapters/builtin.h"

/*
 * Cosine similarity of binary item vectors over users:
 *   sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|)
 * where U_i is the set of users with i in their training history. Each
 * candidate item j keeps its `neighbors` most similar items N_k(j) (ties:
 * lower item index), and a user's score for j sums sim(i, j) over the
 * history items i in N_k(j) (Sarwar et al., 2001; the orientation of
 * RecBole's ItemKNN). Scoring walks the history, so the lists are stored
 * transposed: nb[i] holds every (j, sim) with i in N_k(j).
 *
 * The co-occurrence counts |U_i ∩ U_j| of one item i come from walking
 * the histories of i's users (about 10^10 increments at MovieLens-20M's
 * size); items are dealt to threads in blocks, each thread with its own
 * counters, and a row keeps its best k in a heap of k entries instead of
 * sorting every touched item. Every row is computed alone, so the result
 * does not depend on the number of threads.
 */

#define KNN_BLOCK 32

static int cmp_neighbor(const void *a, const void *b)
{
	const struct neighbor *x = a, *y = b;

	if (x->sim != y->sim)
		return x->sim > y->sim ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* a ranks after b: lower similarity, then higher item index (the heap keeps the worst on top) */
static int worse(const struct neighbor *a, const struct neighbor *b)
{
	return a->sim < b->sim || (a->sim == b->sim && a->item > b->item);
}

static void heap_down(struct neighbor *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, w = i;
		struct neighbor t;

		if (l < n && worse(&h[l], &h[w]))
			w = l;
		if (r < n && worse(&h[r], &h[w]))
			w = r;
		if (w == i)
			return;
		t = h[i];
		h[i] = h[w];
		h[w] = t;
		i = w;
	}
}

static void heap_up(struct neighbor *h, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;
		struct neighbor t;

		if (!worse(&h[i], &h[p]))
			return;
		t = h[i];
		h[i] = h[p];
		h[p] = t;
		i = p;
	}
}

struct knn_job {
	const struct split *sp;
	const uint32_t *item_off, *item_users;
	size_t n, k;
	size_t next;                 /* the next block of items to take (atomic) */
	struct neighbor *rows;       /* [n * k]: item j's neighbours at rows + j * k, best first */
	uint32_t *kept;              /* [n] */
};

static void *knn_worker(void *arg)
{
	struct knn_job *job = arg;
	const struct split *sp = job->sp;
	size_t n = job->n, k = job->k;
	uint32_t *co = xcalloc(n ? n : 1, sizeof(*co));
	uint32_t *touched = xmalloc((n ? n : 1) * sizeof(*touched));
	size_t i0;

	while ((i0 = __atomic_fetch_add(&job->next, KNN_BLOCK, __ATOMIC_RELAXED)) < n) {
		size_t i, end = i0 + KNN_BLOCK < n ? i0 + KNN_BLOCK : n;

		for (i = i0; i < end; i++) {
			struct neighbor *h = job->rows + i * k;
			size_t a, t, n_touched = 0, nh = 0;
			double ni = (double)sp->item_count[i];

			for (a = job->item_off[i]; a < job->item_off[i + 1]; a++) {
				uint32_t usr = job->item_users[a];
				const uint32_t *it = sp->train_items + sp->train_off[usr];
				size_t len = sp->train_off[usr + 1] - sp->train_off[usr];
				for (t = 0; t < len; t++) {
					uint32_t j = it[t];
					if (!co[j]++)
						touched[n_touched++] = j;
				}
			}
			co[i] = 0;
			for (t = 0; t < n_touched; t++) {
				uint32_t j = touched[t];
				struct neighbor e;
				if (!co[j])
					continue;  /* i itself */
				e.item = j;
				e.sim = (float)(co[j] / sqrt(ni * (double)sp->item_count[j]));
				co[j] = 0;
				if (nh < k) {
					h[nh] = e;
					heap_up(h, nh++);
				} else if (worse(&h[0], &e)) {
					h[0] = e;
					heap_down(h, nh, 0);
				}
			}
			qsort(h, nh, sizeof(*h), cmp_neighbor);
			job->kept[i] = (uint32_t)nh;
		}
	}
	free(co);
	free(touched);
	return NULL;
}

void builtin_train_itemknn(struct model *m, size_t k, unsigned threads)
{
	const struct split *sp = m->data->sp;
	size_t n = m->n_items, u, i, j, q, total = 0;
	uint32_t *item_off = xcalloc(n + 1, sizeof(*item_off));
	uint32_t *item_users = xmalloc((sp->n_train ? sp->n_train : 1) * sizeof(*item_users));
	uint32_t *fill = xcalloc(n ? n : 1, sizeof(*fill)), *off;
	pthread_t *th = xmalloc((threads ? threads : 1) * sizeof(*th));
	struct knn_job job;
	unsigned t, started = 0;

	/* transpose the user rows into item columns */
	for (i = 0; i < sp->n_train; i++)
		item_off[sp->train_items[i] + 1]++;
	for (i = 0; i < n; i++)
		item_off[i + 1] += item_off[i];
	for (u = 0; u < sp->n_users; u++)
		for (i = sp->train_off[u]; i < sp->train_off[u + 1]; i++) {
			uint32_t it = sp->train_items[i];
			item_users[item_off[it] + fill[it]++] = (uint32_t)u;
		}

	if (k > (n ? n - 1 : 0))
		k = n ? n - 1 : 0;
	memset(&job, 0, sizeof(job));
	job.sp = sp;
	job.item_off = item_off;
	job.item_users = item_users;
	job.n = n;
	job.k = k;
	job.rows = xmalloc((n && k ? n * k : 1) * sizeof(*job.rows));
	job.kept = xcalloc(n ? n : 1, sizeof(*job.kept));
	for (t = 1; t < threads; t++)
		if (!pthread_create(&th[started], NULL, knn_worker, &job))
			started++;
	knn_worker(&job);
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
	free(item_off);
	free(item_users);

	/* "j: its neighbours i" into "i: the items j it is a neighbour of", each row in order of j */
	off = xcalloc(n + 1, sizeof(*off));
	for (j = 0; j < n; j++) {
		for (q = 0; q < job.kept[j]; q++)
			off[job.rows[j * k + q].item + 1]++;
		total += job.kept[j];
	}
	for (i = 0; i < n; i++)
		off[i + 1] += off[i];
	m->nb = xmalloc((total ? total : 1) * sizeof(*m->nb));
	memset(fill, 0, (n ? n : 1) * sizeof(*fill));
	for (j = 0; j < n; j++)
		for (q = 0; q < job.kept[j]; q++) {
			const struct neighbor *e = &job.rows[j * k + q];
			struct neighbor *d = &m->nb[off[e->item] + fill[e->item]++];
			d->item = (uint32_t)j;
			d->sim = e->sim;
		}
	m->nb_off = off;
	free(fill);
	free(job.rows);
	free(job.kept);
}
