/* builtin.c: models trained in-process on the training split: random, pop, itemknn and ease. */
#include <pthread.h>
#include "adapters/adapter.h"
#include "lib/rng.h"

/*
 * EASE inverts a dense catalogue × catalogue matrix: memory 2 n^2 doubles
 * and about n^3 / 1.5 floating-point operations. 5,000 items is 400 MB and
 * tens of seconds on two cores; above it, EASE refuses.
 */
#define EASE_MAX_ITEMS 5000
#define KNN_DEFAULT_NEIGHBORS 100
#define EASE_DEFAULT_L2 500.0

enum algo { ALGO_RANDOM, ALGO_POP, ALGO_ITEMKNN, ALGO_EASE };

struct neighbor {
	uint32_t item;
	float sim;
};

struct model {
	enum algo algo;
	const struct train_data *data;
	size_t n_items;
	double *scores;          /* [n_items] scratch for one user */
	unsigned char *seen;     /* [n_items] scratch: the user's training items */
	uint64_t seed;           /* random */
	/* itemknn: nb[nb_off[i] .. nb_off[i+1]) are the (j, sim) with i among j's top neighbours */
	uint32_t *nb_off;        /* [n_items + 1] */
	struct neighbor *nb;
	/* ease: the item-item weights B, n_items^2, row-major */
	double *B;
};

static const uint32_t *user_history(const struct model *m, uint32_t user, size_t *n)
{
	const struct split *sp = m->data->sp;

	*n = sp->train_off[user + 1] - sp->train_off[user];
	return sp->train_items + sp->train_off[user];
}

/* --- itemknn ---------------------------------------------------------- */

/*
 * Cosine similarity of binary item vectors over users:
 *   sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i| |U_j|)
 * where U_i is the set of users with i in their training history. Each
 * candidate item j keeps its `neighbors` most similar items N_k(j) (ties:
 * lower item index), and a user's score for j sums sim(i, j) over the
 * history items i in N_k(j) (Sarwar et al., 2001; the orientation of
 * RecBole's ItemKNN). Scoring walks the history, so the lists are stored
 * transposed: nb[i] holds every (j, sim) with i in N_k(j).
 */
static int cmp_neighbor(const void *a, const void *b)
{
	const struct neighbor *x = a, *y = b;

	if (x->sim != y->sim)
		return x->sim > y->sim ? -1 : 1;
	return (x->item > y->item) - (x->item < y->item);
}

/* Turn "j: its neighbours i" into "i: the items j it is a neighbour of", keeping each row's order by j. */
static void transpose_neighbors(struct model *m)
{
	size_t n = m->n_items, j, q, total = m->nb_off[n];
	uint32_t *off = xcalloc(n + 1, sizeof(*off)), *fill = xcalloc(n ? n : 1, sizeof(*fill));
	struct neighbor *t = xmalloc((total ? total : 1) * sizeof(*t));

	for (q = 0; q < total; q++)
		off[m->nb[q].item + 1]++;
	for (j = 0; j < n; j++)
		off[j + 1] += off[j];
	for (j = 0; j < n; j++)
		for (q = m->nb_off[j]; q < m->nb_off[j + 1]; q++) {
			uint32_t i = m->nb[q].item;
			t[off[i] + fill[i]].item = (uint32_t)j;
			t[off[i] + fill[i]].sim = m->nb[q].sim;
			fill[i]++;
		}
	free(m->nb);
	free(m->nb_off);
	free(fill);
	m->nb = t;
	m->nb_off = off;
}

static void train_itemknn(struct model *m, size_t k)
{
	const struct split *sp = m->data->sp;
	size_t n = m->n_items, u, i, total = 0;
	uint32_t *item_off = xcalloc(n + 1, sizeof(*item_off));
	uint32_t *item_users = xmalloc((sp->n_train ? sp->n_train : 1) * sizeof(*item_users));
	uint32_t *fill = xcalloc(n ? n : 1, sizeof(*fill));
	uint32_t *co = xcalloc(n ? n : 1, sizeof(*co));
	uint32_t *touched = xmalloc((n ? n : 1) * sizeof(*touched));
	struct neighbor *row = xmalloc((n ? n : 1) * sizeof(*row));
	size_t alloc = 0;

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

	m->nb_off = xcalloc(n + 1, sizeof(*m->nb_off));
	m->nb = NULL;
	for (i = 0; i < n; i++) {
		size_t a, t, n_touched = 0, keep;
		double ni = (double)sp->item_count[i];

		for (a = item_off[i]; a < item_off[i + 1]; a++) {
			uint32_t usr = item_users[a];
			for (t = sp->train_off[usr]; t < sp->train_off[usr + 1]; t++) {
				uint32_t j = sp->train_items[t];
				if (j == i)
					continue;
				if (!co[j]++)
					touched[n_touched++] = j;
			}
		}
		for (t = 0; t < n_touched; t++) {
			uint32_t j = touched[t];
			row[t].item = j;
			row[t].sim = (float)(co[j] / sqrt(ni * (double)sp->item_count[j]));
			co[j] = 0;
		}
		qsort(row, n_touched, sizeof(*row), cmp_neighbor);
		keep = n_touched < k ? n_touched : k;
		if (keep) {
			ALLOC_GROW(m->nb, total + keep, alloc);
			memcpy(m->nb + total, row, keep * sizeof(*row));
		}
		total += keep;
		m->nb_off[i + 1] = (uint32_t)total;
	}
	free(item_off);
	free(item_users);
	free(fill);
	free(co);
	free(touched);
	free(row);
	transpose_neighbors(m);
}

/* --- ease ------------------------------------------------------------- */

/*
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
 *   G = X^T X + λ I,  P = G^-1,  B_ij = -P_ij / P_jj (i != j),  B_ii = 0
 * and a user's score for j is sum over history items i of B_ij. G is
 * symmetric positive definite, so P comes from a Cholesky factorisation
 * G = L L^T and solves of L L^T P = I, a block of right-hand sides at a
 * time (the columns are split between two threads).
 */
#define EASE_BLOCK 32

struct ease_job {
	const double *LU;   /* L in the lower triangle, L^T in the upper, shared diagonal */
	double *P;
	size_t n, first, step;
};

static void *ease_solve(void *arg)
{
	struct ease_job *job = arg;
	size_t n = job->n, c0, i, k, c;
	double *Y = xmalloc(n * EASE_BLOCK * sizeof(*Y));

	for (c0 = job->first * EASE_BLOCK; c0 < n; c0 += job->step * EASE_BLOCK) {
		size_t nc = n - c0 < EASE_BLOCK ? n - c0 : EASE_BLOCK;

		/* forward: L Y = E, where E holds columns c0.. of the identity; Y is 0 above row c0 */
		memset(Y, 0, n * EASE_BLOCK * sizeof(*Y));
		for (i = c0; i < n; i++) {
			const double *Li = job->LU + i * n;
			double *yi = Y + i * EASE_BLOCK;
			if (i - c0 < nc)
				yi[i - c0] = 1;
			for (k = c0; k < i; k++) {
				const double l = Li[k], *yk = Y + k * EASE_BLOCK;
				for (c = 0; c < EASE_BLOCK; c++)
					yi[c] -= l * yk[c];
			}
			for (c = 0; c < EASE_BLOCK; c++)
				yi[c] /= Li[i];
		}
		/* backward: L^T X = Y, in place in Y */
		for (i = n; i-- > 0;) {
			const double *Ui = job->LU + i * n;
			double *yi = Y + i * EASE_BLOCK;
			for (k = i + 1; k < n; k++) {
				const double u = Ui[k], *yk = Y + k * EASE_BLOCK;
				for (c = 0; c < EASE_BLOCK; c++)
					yi[c] -= u * yk[c];
			}
			for (c = 0; c < EASE_BLOCK; c++)
				yi[c] /= Ui[i];
		}
		for (i = 0; i < n; i++)
			for (c = 0; c < nc; c++)
				job->P[i * n + c0 + c] = Y[i * EASE_BLOCK + c];
	}
	free(Y);
	return NULL;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	size_t k = 0;

	for (; k + 4 <= n; k += 4) {
		s0 += a[k] * b[k];
		s1 += a[k + 1] * b[k + 1];
		s2 += a[k + 2] * b[k + 2];
		s3 += a[k + 3] * b[k + 3];
	}
	for (; k < n; k++)
		s0 += a[k] * b[k];
	return (s0 + s1) + (s2 + s3);
}

static int train_ease(struct model *m, double l2)
{
	const struct split *sp = m->data->sp;
	size_t n = m->n_items, u, a, b, i, j;
	double *LU = xcalloc(n * n, sizeof(*LU));
	pthread_t th;
	struct ease_job jobs[2];
	int threaded;

	/* G = X^T X + λ I, lower triangle */
	for (u = 0; u < sp->n_users; u++)
		for (a = sp->train_off[u]; a < sp->train_off[u + 1]; a++) {
			size_t ia = sp->train_items[a];
			for (b = sp->train_off[u]; b < sp->train_off[u + 1]; b++) {
				size_t ib = sp->train_items[b];
				if (ib <= ia)
					LU[ia * n + ib] += 1;
			}
		}
	for (i = 0; i < n; i++)
		LU[i * n + i] += l2;

	/* Cholesky, row by row: L_ij = (G_ij - sum_k<j L_ik L_jk) / L_jj */
	for (i = 0; i < n; i++) {
		double *Li = LU + i * n;
		for (j = 0; j < i; j++)
			Li[j] = (Li[j] - dot(Li, LU + j * n, j)) / LU[j * n + j];
		Li[i] -= dot(Li, Li, i);
		if (!(Li[i] > 0)) {
			free(LU);
			return error("builtin:ease: X^T X + l2 I is not positive definite (l2 = %g)", l2);
		}
		Li[i] = sqrt(Li[i]);
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			LU[i * n + j] = LU[j * n + i];

	m->B = xmalloc(n * n * sizeof(*m->B));
	for (i = 0; i < 2; i++) {
		jobs[i].LU = LU;
		jobs[i].P = m->B;
		jobs[i].n = n;
		jobs[i].first = i;
		jobs[i].step = 2;
	}
	threaded = !pthread_create(&th, NULL, ease_solve, &jobs[1]);
	if (!threaded)
		jobs[0].step = 1;
	ease_solve(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	free(LU);

	/* B = I - P diag(1 / diag(P)), with a zero diagonal; scale columns, row by row */
	{
		double *inv = xmalloc(n * sizeof(*inv));
		for (j = 0; j < n; j++)
			inv[j] = -1.0 / m->B[j * n + j];
		for (i = 0; i < n; i++) {
			double *Bi = m->B + i * n;
			for (j = 0; j < n; j++)
				Bi[j] *= inv[j];
			Bi[i] = 0;
		}
		free(inv);
	}
	return 0;
}

/* --- scoring ---------------------------------------------------------- */

static void score_user(struct model *m, uint32_t user)
{
	size_t n_hist, i, j, n = m->n_items;
	const uint32_t *hist = user_history(m, user, &n_hist);
	const struct split *sp = m->data->sp;

	switch (m->algo) {
	case ALGO_RANDOM: {
		const char *uid = m->data->ds->user_ids[user];
		struct rng r;
		rng_seed(&r, rng_mix(m->seed, str_hash(uid, strlen(uid))));
		for (j = 0; j < n; j++)
			m->scores[j] = rng_double(&r);
		break;
	}
	case ALGO_POP:
		for (j = 0; j < n; j++)
			m->scores[j] = sp->item_count[j];
		break;
	case ALGO_ITEMKNN:
		memset(m->scores, 0, n * sizeof(*m->scores));
		for (i = 0; i < n_hist; i++) {
			uint32_t it = hist[i];
			for (j = m->nb_off[it]; j < m->nb_off[it + 1]; j++)
				m->scores[m->nb[j].item] += m->nb[j].sim;
		}
		break;
	case ALGO_EASE:
		memset(m->scores, 0, n * sizeof(*m->scores));
		for (i = 0; i < n_hist; i++) {
			const double *Bi = m->B + (size_t)hist[i] * n;
			for (j = 0; j < n; j++)
				m->scores[j] += Bi[j];
		}
		break;
	}
}

/* a ranks before b: higher score, then lower item index (a rule blind to the target) */
static int better(const double *s, uint32_t a, uint32_t b)
{
	return s[a] > s[b] || (s[a] == s[b] && a < b);
}

static int builtin_recommend(struct model *m, uint32_t user, size_t k, uint32_t *out, size_t *n_out)
{
	size_t n_hist, i, n = 0;
	const uint32_t *hist = user_history(m, user, &n_hist);
	const double *s = m->scores;
	uint32_t j;

	score_user(m, user);
	for (i = 0; i < n_hist; i++)
		m->seen[hist[i]] = 1;
	/* keep the best k in out[], sorted, by insertion: k is small next to the catalogue */
	for (j = 0; j < m->n_items; j++) {
		size_t p;
		if (m->seen[j])
			continue;
		if (n == k && !better(s, j, out[k - 1]))
			continue;
		p = n < k ? n++ : k - 1;
		while (p > 0 && better(s, j, out[p - 1])) {
			out[p] = out[p - 1];
			p--;
		}
		out[p] = j;
	}
	for (i = 0; i < n_hist; i++)
		m->seen[hist[i]] = 0;
	*n_out = n;
	return 0;
}

struct ranked {
	double score;
	size_t pos;
	uint32_t item;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static int builtin_rank(struct model *m, uint32_t user, const uint32_t *cand, size_t n, uint32_t *out)
{
	struct ranked *r = xmalloc((n ? n : 1) * sizeof(*r));
	size_t i;

	score_user(m, user);
	for (i = 0; i < n; i++) {
		r[i].score = m->scores[cand[i]];
		r[i].pos = i;
		r[i].item = cand[i];
	}
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (i = 0; i < n; i++)
		out[i] = r[i].item;
	free(r);
	return 0;
}

static void builtin_free(struct model *m)
{
	if (!m)
		return;
	free(m->scores);
	free(m->seen);
	free(m->nb_off);
	free(m->nb);
	free(m->B);
	free(m);
}

static int param_long(const struct model_spec *s, const char *key, long min, long max, long *out)
{
	const char *v = model_spec_get(s, key);

	if (!v)
		return 0;
	if (parse_long(v, out) < 0 || *out < min || *out > max)
		return error("model '%s': '%s' must be a whole number from %ld to %ld, not '%s'",
			     s->text, key, min, max, v);
	return 0;
}

int builtin_check_spec(const struct model_spec *spec)
{
	static const char *const random_keys[] = { "seed", NULL };
	static const char *const no_keys[] = { NULL };
	static const char *const knn_keys[] = { "neighbors", NULL };
	static const char *const ease_keys[] = { "l2", NULL };
	static const struct {
		const char *name;
		const char *const *keys;
	} models[] = {
		{ "random", random_keys }, { "pop", no_keys }, { "itemknn", knn_keys }, { "ease", ease_keys },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(models); i++)
		if (!strcmp(spec->name, models[i].name))
			return model_spec_check_keys(spec, models[i].keys);
	return error("unknown built-in model '%s' in '%s' (random, pop, itemknn, ease)", spec->name, spec->text);
}

static int builtin_open(struct model **out, const struct model_spec *spec, const struct train_data *data)
{
	static const char *const random_keys[] = { "seed", NULL };
	static const char *const no_keys[] = { NULL };
	static const char *const knn_keys[] = { "neighbors", NULL };
	static const char *const ease_keys[] = { "l2", NULL };
	struct model *m = xcalloc(1, sizeof(*m));
	size_t n = data->ds->n_items;

	m->data = data;
	m->n_items = n;
	m->scores = xmalloc((n ? n : 1) * sizeof(*m->scores));
	m->seen = xcalloc(n ? n : 1, 1);

	if (!strcmp(spec->name, "random")) {
		long seed = (long)(data->seed & 0x7fffffffffffffffULL);
		m->algo = ALGO_RANDOM;
		if (model_spec_check_keys(spec, random_keys) < 0 ||
		    param_long(spec, "seed", 0, LONG_MAX, &seed) < 0)
			goto fail;
		m->seed = (uint64_t)seed;
	} else if (!strcmp(spec->name, "pop")) {
		m->algo = ALGO_POP;
		if (model_spec_check_keys(spec, no_keys) < 0)
			goto fail;
	} else if (!strcmp(spec->name, "itemknn")) {
		long k = KNN_DEFAULT_NEIGHBORS;
		m->algo = ALGO_ITEMKNN;
		if (model_spec_check_keys(spec, knn_keys) < 0 ||
		    param_long(spec, "neighbors", 1, 1000000, &k) < 0)
			goto fail;
		train_itemknn(m, (size_t)k);
	} else if (!strcmp(spec->name, "ease")) {
		double l2 = EASE_DEFAULT_L2;
		const char *v = model_spec_get(spec, "l2");
		m->algo = ALGO_EASE;
		if (model_spec_check_keys(spec, ease_keys) < 0)
			goto fail;
		if (v && (parse_double(v, &l2) < 0 || l2 <= 0)) {
			error("model '%s': 'l2' must be a positive number, not '%s'", spec->text, v);
			goto fail;
		}
		if (n > EASE_MAX_ITEMS) {
			error("builtin:ease refuses a catalogue of %zu items (at most %d: it inverts an "
			      "items x items matrix); use builtin:itemknn", n, EASE_MAX_ITEMS);
			goto fail;
		}
		if (train_ease(m, l2) < 0)
			goto fail;
	} else {
		error("unknown built-in model '%s' (random, pop, itemknn, ease)", spec->name);
		goto fail;
	}
	*out = m;
	return 0;
fail:
	builtin_free(m);
	return -1;
}

const struct adapter builtin_adapter = {
	.provider = "builtin",
	.summary = "models trained in-process: random, pop, itemknn, ease",
	.open = builtin_open,
	.recommend = builtin_recommend,
	.rank = builtin_rank,
	.free = builtin_free,
};
