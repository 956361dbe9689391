/* builtin.c: models trained in-process on the training split: random, pop, itemknn and ease; scoring and top-k for one user. */
#include <pthread.h>
#include "adapters/builtin.h"
#include "lib/rng.h"

#define KNN_DEFAULT_NEIGHBORS 100
#define EASE_DEFAULT_L2 500.0

unsigned builtin_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* a ranks before b in popularity: more training interactions, then lower index */
static const uint32_t *pop_count;

static int cmp_pop(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (pop_count[x] != pop_count[y])
		return pop_count[x] > pop_count[y] ? -1 : 1;
	return (x > y) - (x < y);
}

static void train_pop(struct model *m)
{
	size_t j;

	m->order = xmalloc((m->n_items ? m->n_items : 1) * sizeof(*m->order));
	for (j = 0; j < m->n_items; j++)
		m->order[j] = (uint32_t)j;
	/* qsort has no context argument; training happens before any thread starts */
	pop_count = m->data->sp->item_count;
	qsort(m->order, m->n_items, sizeof(*m->order), cmp_pop);
	pop_count = NULL;
}

/* --- scoring ---------------------------------------------------------- */

/*
 * The user's scores in m->scores. itemknn touches only the items its
 * neighbour lists reach: their indexes go to m->touched and the count is
 * returned (every other score stays 0, and every touched score is above
 * 0: similarities are). The other models score every item.
 */
static size_t score_user(struct model *m, uint32_t user)
{
	size_t n_hist, i, j, n = m->n_items, n_touched = 0;
	const uint32_t *hist = builtin_history(m, user, &n_hist);
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
		for (i = 0; i < n_hist; i++) {
			uint32_t it = hist[i];
			for (j = m->nb_off[it]; j < m->nb_off[it + 1]; j++) {
				uint32_t to = m->nb[j].item;
				if (m->scores[to] == 0)
					m->touched[n_touched++] = to;
				m->scores[to] += m->nb[j].sim;
			}
		}
		break;
	case ALGO_EASE:
		memset(m->scores, 0, n * sizeof(*m->scores));
		for (i = 0; i < n_hist; i++) {
			if (m->Bf) {
				const float *Bi = m->Bf + (size_t)hist[i] * n;
				for (j = 0; j < n; j++)
					m->scores[j] += Bi[j];
			} else {
				const double *Bi = m->B + (size_t)hist[i] * n;
				for (j = 0; j < n; j++)
					m->scores[j] += Bi[j];
			}
		}
		break;
	}
	return n_touched;
}

/* a ranks before b: higher score, then lower item index (a rule blind to the target) */
static int better(const double *s, uint32_t a, uint32_t b)
{
	return s[a] > s[b] || (s[a] == s[b] && a < b);
}

/* Offer item j to the best n (of at most k) in out[], kept sorted: partial selection by insertion. */
static void offer(const double *s, uint32_t *out, size_t *n, size_t k, uint32_t j)
{
	size_t p;

	if (*n == k && (!k || !better(s, j, out[k - 1])))
		return;
	p = *n < k ? (*n)++ : k - 1;
	while (p > 0 && better(s, j, out[p - 1])) {
		out[p] = out[p - 1];
		p--;
	}
	out[p] = j;
}

static int builtin_recommend(struct model *m, uint32_t user, size_t k, uint32_t *out, size_t *n_out)
{
	size_t n_hist, i, n = 0, n_touched;
	const uint32_t *hist = builtin_history(m, user, &n_hist);
	const double *s = m->scores;
	uint32_t j;

	for (i = 0; i < n_hist; i++)
		m->seen[hist[i]] = 1;
	if (m->algo == ALGO_POP) {
		/* the same order for everyone: the first k the user has not seen */
		for (j = 0; j < m->n_items && n < k; j++)
			if (!m->seen[m->order[j]])
				out[n++] = m->order[j];
	} else if (m->algo == ALGO_ITEMKNN) {
		n_touched = score_user(m, user);
		for (i = 0; i < n_touched; i++)
			if (!m->seen[m->touched[i]])
				offer(s, out, &n, k, m->touched[i]);
		/* fewer than k items with a score: the rest tie at 0, lower index first */
		for (j = 0; j < m->n_items && n < k; j++)
			if (!m->seen[j] && s[j] == 0)
				out[n++] = j;
		for (i = 0; i < n_touched; i++)
			m->scores[m->touched[i]] = 0;
	} else {
		score_user(m, user);
		for (j = 0; j < m->n_items; j++)
			if (!m->seen[j])
				offer(s, out, &n, k, j);
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
	size_t i, n_touched;

	if (m->algo == ALGO_POP) {
		for (i = 0; i < n; i++)
			m->scores[cand[i]] = m->data->sp->item_count[cand[i]];
		n_touched = 0;
	} else {
		n_touched = score_user(m, user);
	}
	for (i = 0; i < n; i++) {
		r[i].score = m->scores[cand[i]];
		r[i].pos = i;
		r[i].item = cand[i];
	}
	for (i = 0; i < n_touched; i++)
		m->scores[m->touched[i]] = 0;
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
	free(m->touched);
	if (!m->is_clone) {
		free(m->order);
		free(m->nb_off);
		free(m->nb);
		free(m->B);
		free(m->Bf);
	}
	free(m);
}

/* Scratch for one thread: scores zeroed (itemknn relies on it), no item seen. */
static void alloc_scratch(struct model *m)
{
	size_t n = m->n_items ? m->n_items : 1;

	m->scores = xcalloc(n, sizeof(*m->scores));
	m->seen = xcalloc(n, 1);
	m->touched = xmalloc(n * sizeof(*m->touched));
}

static struct model *builtin_clone(struct model *m)
{
	struct model *c = xmalloc(sizeof(*c));

	*c = *m;
	c->is_clone = 1;
	alloc_scratch(c);
	return c;
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
	static const char *const ease_keys[] = { "l2", "precision", "memory_mb", NULL };
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
	static const char *const ease_keys[] = { "l2", "precision", "memory_mb", NULL };
	struct model *m = xcalloc(1, sizeof(*m));
	size_t n = data->ds->n_items;

	m->data = data;
	m->n_items = n;
	alloc_scratch(m);

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
		train_pop(m);
	} else if (!strcmp(spec->name, "itemknn")) {
		long k = KNN_DEFAULT_NEIGHBORS;
		m->algo = ALGO_ITEMKNN;
		if (model_spec_check_keys(spec, knn_keys) < 0 ||
		    param_long(spec, "neighbors", 1, 1000000, &k) < 0)
			goto fail;
		builtin_train_itemknn(m, (size_t)k, data->threads ? data->threads : builtin_threads());
	} else if (!strcmp(spec->name, "ease")) {
		double l2 = EASE_DEFAULT_L2;
		long mb = 0;
		const char *v = model_spec_get(spec, "l2");
		m->algo = ALGO_EASE;
		if (model_spec_check_keys(spec, ease_keys) < 0)
			goto fail;
		if (v && (parse_double(v, &l2) < 0 || l2 <= 0)) {
			error("model '%s': 'l2' must be a positive number, not '%s'", spec->text, v);
			goto fail;
		}
		v = model_spec_get(spec, "precision");
		if (v && strcmp(v, "double") && strcmp(v, "single")) {
			error("model '%s': 'precision' must be double or single, not '%s'", spec->text, v);
			goto fail;
		}
		if (param_long(spec, "memory_mb", 1, 1L << 30, &mb) < 0 ||
		    builtin_train_ease(m, l2, v ? !strcmp(v, "single") : -1, (size_t)mb << 20) < 0)
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
	.clone = builtin_clone,
	.free = builtin_free,
};
