/* test_builtin.c: the built-in models against independent reference computations on a small random dataset. */
#include "tests/unit/test.h"
#include "lib/strbuf.h"
#include "adapters/adapter.h"
#include "lib/rng.h"

struct fixture {
	struct dataset ds;
	struct split sp;
	struct train_data data;
};

static int setup(struct fixture *fx, int users, int items, uint64_t seed)
{
	char path[] = "/tmp/receval-builtin-XXXXXX";
	struct dataset_spec spec = { "csv", path, NULL, 0, 0 };
	struct split_spec ss = { "leave-last-out", 0, 1 };
	struct strbuf sb = STRBUF_INIT;
	struct rng r;
	int fd = mkstemp(path), u, i, ret;
	FILE *f;

	rng_seed(&r, seed);
	strbuf_addstr(&sb, "user,item\n");
	for (u = 0; u < users; u++) {
		int n = 3 + (int)rng_below(&r, 8);
		for (i = 0; i < n; i++)
			/* a skew towards low ids, so popularity means something */
			strbuf_addf(&sb, "u%d,i%d\n", u, (int)(rng_below(&r, (uint64_t)items) * rng_double(&r)));
	}
	f = fdopen(fd, "w");
	fputs(sb.buf, f);
	fclose(f);
	strbuf_release(&sb);
	memset(fx, 0, sizeof(*fx));
	ret = dataset_load(&fx->ds, &spec);
	unlink(path);
	if (ret < 0 || split_leave_last_out(&fx->sp, &fx->ds, &ss) < 0)
		return -1;
	fx->data.ds = &fx->ds;
	fx->data.sp = &fx->sp;
	fx->data.seed = 42;
	return 0;
}

static void teardown(struct fixture *fx)
{
	split_release(&fx->sp);
	dataset_release(&fx->ds);
}

static int open_model(struct model **m, struct fixture *fx, const char *text)
{
	struct model_spec spec;
	int ret;

	if (model_spec_parse(&spec, text) < 0)
		return -1;
	ret = builtin_adapter.open(m, &spec, &fx->data);
	model_spec_release(&spec);
	return ret;
}

static int in_history(const struct split *sp, uint32_t u, uint32_t it)
{
	size_t j;

	for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++)
		if (sp->train_items[j] == it)
			return 1;
	return 0;
}

/*
 * recommend(k = catalogue) must return every item outside the history,
 * sorted by the reference scores (ties: lower index first; 1e-6 slack for
 * float rounding). Returns the number of users checked.
 */
static int check_order(struct model *m, const struct fixture *fx,
		       void (*ref)(const struct fixture *, uint32_t, double *, const void *), const void *arg)
{
	size_t n = fx->ds.n_items, u, i, n_out, expect;
	uint32_t *out = xmalloc(n * sizeof(*out));
	double *s = xmalloc(n * sizeof(*s));
	int checked = 0;

	for (u = 0; u < fx->sp.n_eligible; u++) {
		uint32_t usr = fx->sp.eligible[u];
		ref(fx, usr, s, arg);
		CHECK_INT(builtin_adapter.recommend(m, usr, n, out, &n_out), 0);
		for (i = 0, expect = 0; i < n; i++)
			expect += !in_history(&fx->sp, usr, (uint32_t)i);
		CHECK_INT(n_out, expect);
		for (i = 0; i < n_out; i++) {
			CHECK(!in_history(&fx->sp, usr, out[i]));
			if (i && !(s[out[i - 1]] > s[out[i]] - 1e-6)) {
				test_fail(__FILE__, __LINE__, "user %zu: place %zu scores %.9g after %.9g", u, i,
					  s[out[i]], s[out[i - 1]]);
				break;
			}
		}
		checked++;
	}
	free(out);
	free(s);
	return checked;
}

static void ref_pop(const struct fixture *fx, uint32_t u, double *s, const void *arg)
{
	size_t i;

	(void)u;
	(void)arg;
	for (i = 0; i < fx->ds.n_items; i++)
		s[i] = fx->sp.item_count[i];
}

/* cosine of item columns, brute force over users; all neighbours kept */
static void ref_knn(const struct fixture *fx, uint32_t u, double *s, const void *arg)
{
	const struct split *sp = &fx->sp;
	size_t n = fx->ds.n_items, h, j, v;

	(void)arg;
	for (j = 0; j < n; j++)
		s[j] = 0;
	for (h = sp->train_off[u]; h < sp->train_off[u + 1]; h++) {
		uint32_t i = sp->train_items[h];
		for (j = 0; j < n; j++) {
			double co = 0;
			if (j == i || !sp->item_count[j])
				continue;
			for (v = 0; v < sp->n_users; v++)
				co += in_history(sp, (uint32_t)v, i) && in_history(sp, (uint32_t)v, (uint32_t)j);
			s[j] += co / sqrt((double)sp->item_count[i] * sp->item_count[j]);
		}
	}
}

/* EASE with a textbook Gauss-Jordan inverse, independent of the model's Cholesky */
struct ease_ref {
	double *B;
	size_t n;
};

static void ease_reference(struct ease_ref *e, const struct fixture *fx, double l2)
{
	const struct split *sp = &fx->sp;
	size_t n = fx->ds.n_items, u, a, b, i, j, k;
	double *G = xcalloc(n * n, sizeof(*G)), *P = xcalloc(n * n, sizeof(*P));

	for (u = 0; u < sp->n_users; u++)
		for (a = sp->train_off[u]; a < sp->train_off[u + 1]; a++)
			for (b = sp->train_off[u]; b < sp->train_off[u + 1]; b++)
				G[sp->train_items[a] * n + sp->train_items[b]] += 1;
	for (i = 0; i < n; i++) {
		G[i * n + i] += l2;
		P[i * n + i] = 1;
	}
	for (k = 0; k < n; k++) {
		double piv = G[k * n + k];
		for (j = 0; j < n; j++) {
			G[k * n + j] /= piv;
			P[k * n + j] /= piv;
		}
		for (i = 0; i < n; i++) {
			double f = G[i * n + k];
			if (i == k || f == 0)
				continue;
			for (j = 0; j < n; j++) {
				G[i * n + j] -= f * G[k * n + j];
				P[i * n + j] -= f * P[k * n + j];
			}
		}
	}
	e->n = n;
	e->B = xmalloc(n * n * sizeof(*e->B));
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			e->B[i * n + j] = i == j ? 0 : -P[i * n + j] / P[j * n + j];
	free(G);
	free(P);
}

static void ref_ease(const struct fixture *fx, uint32_t u, double *s, const void *arg)
{
	const struct ease_ref *e = arg;
	size_t h, j;

	for (j = 0; j < e->n; j++)
		s[j] = 0;
	for (h = fx->sp.train_off[u]; h < fx->sp.train_off[u + 1]; h++)
		for (j = 0; j < e->n; j++)
			s[j] += e->B[fx->sp.train_items[h] * e->n + j];
}

TEST(builtin_pop_orders_by_training_count)
{
	struct fixture fx;
	struct model *m = NULL;

	CHECK_INT(setup(&fx, 40, 30, 1), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:pop"), 0);
	CHECK(check_order(m, &fx, ref_pop, NULL) > 30);
	builtin_adapter.free(m);
	teardown(&fx);
}

TEST(builtin_itemknn_matches_brute_force_cosine)
{
	struct fixture fx;
	struct model *m = NULL;

	CHECK_INT(setup(&fx, 40, 30, 2), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:itemknn?neighbors=1000"), 0);
	CHECK(check_order(m, &fx, ref_knn, NULL) > 30);
	builtin_adapter.free(m);
	teardown(&fx);
}

TEST(builtin_ease_matches_gauss_jordan)
{
	struct fixture fx;
	struct model *m = NULL;
	struct ease_ref e;

	/* more items than a block of 32, so the blocked solve crosses block edges */
	CHECK_INT(setup(&fx, 120, 70, 3), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:ease?l2=5"), 0);
	ease_reference(&e, &fx, 5);
	CHECK(check_order(m, &fx, ref_ease, &e) > 100);
	free(e.B);
	builtin_adapter.free(m);
	teardown(&fx);
}

TEST(builtin_random_is_seeded_and_excludes_history)
{
	struct fixture fx;
	struct model *m = NULL, *m2 = NULL;
	uint32_t a[10], b[10], c[10];
	size_t na, nb, nc, i;

	CHECK_INT(setup(&fx, 20, 40, 4), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:random"), 0);
	CHECK_INT(open_model(&m2, &fx, "builtin:random?seed=7"), 0);
	builtin_adapter.recommend(m, fx.sp.eligible[0], 10, a, &na);
	builtin_adapter.recommend(m, fx.sp.eligible[0], 10, b, &nb);
	builtin_adapter.recommend(m2, fx.sp.eligible[0], 10, c, &nc);
	CHECK(na == 10 && nb == 10 && !memcmp(a, b, sizeof(a)));
	CHECK(memcmp(a, c, sizeof(a)));
	for (i = 0; i < na; i++)
		CHECK(!in_history(&fx.sp, fx.sp.eligible[0], a[i]));
	builtin_adapter.free(m);
	builtin_adapter.free(m2);
	teardown(&fx);
}

TEST(builtin_rank_orders_candidates)
{
	struct fixture fx;
	struct model *m = NULL;
	uint32_t cand[4], out[4];
	size_t i, n = 0;

	CHECK_INT(setup(&fx, 30, 20, 5), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:pop"), 0);
	/* the first four items: ranked by popularity, best first */
	for (i = 0; i < fx.ds.n_items && n < 4; i++)
		cand[n++] = (uint32_t)i;
	CHECK_INT(builtin_adapter.rank(m, fx.sp.eligible[0], cand, 4, out), 0);
	for (i = 1; i < 4; i++) {
		double p = fx.sp.item_count[out[i - 1]], q = fx.sp.item_count[out[i]];
		CHECK(p >= q);
	}
	builtin_adapter.free(m);
	teardown(&fx);
}

TEST(builtin_bad_parameters)
{
	struct fixture fx;
	struct model *m = NULL;

	CHECK_INT(setup(&fx, 10, 10, 6), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:itemknn?neighbors=-1"), -1);
	CHECK_INT(open_model(&m, &fx, "builtin:ease?l2=abc"), -1);
	CHECK_INT(open_model(&m, &fx, "builtin:ease?precision=half"), -1);
	CHECK_INT(open_model(&m, &fx, "builtin:ease?memory_mb=0"), -1);
	/* a matrix above memory_mb: refused, never allocated */
	CHECK_INT(open_model(&m, &fx, "builtin:ease?memory_mb=1&precision=double"), fx.ds.n_items > 256 ? -1 : 0);
	if (m)
		builtin_adapter.free(m);
	m = NULL;
	CHECK_INT(open_model(&m, &fx, "builtin:pop?k=1"), -1);
	CHECK_INT(open_model(&m, &fx, "builtin:svd"), -1);
	teardown(&fx);
}

TEST(builtin_ease_single_precision_through_lapack)
{
	struct fixture fx;
	struct model *m = NULL;
	struct ease_ref e;

	/* precision=single takes LAPACK's spotrf/spotri, whatever the catalogue's size */
	CHECK_INT(setup(&fx, 120, 70, 3), 0);
	CHECK_INT(open_model(&m, &fx, "builtin:ease?l2=5&precision=single"), 0);
	ease_reference(&e, &fx, 5);
	CHECK(check_order(m, &fx, ref_ease, &e) > 100);
	free(e.B);
	builtin_adapter.free(m);
	teardown(&fx);
}

/* Every user's full ranking and a candidate ranking from a and b are the same. */
static void check_same_rankings(struct model *a, struct model *b, const struct fixture *fx)
{
	size_t n = fx->ds.n_items, u, na, nb;
	uint32_t *ra = xmalloc(n * sizeof(*ra)), *rb = xmalloc(n * sizeof(*rb)), cand[5];

	for (u = 0; u < fx->sp.n_eligible; u++) {
		uint32_t usr = fx->sp.eligible[u];
		CHECK_INT(builtin_adapter.recommend(a, usr, n, ra, &na), 0);
		CHECK_INT(builtin_adapter.recommend(b, usr, n, rb, &nb), 0);
		CHECK_INT(na, nb);
		CHECK(!memcmp(ra, rb, na * sizeof(*ra)));
		if (n >= ARRAY_SIZE(cand)) {
			memcpy(cand, ra, sizeof(cand));
			CHECK_INT(builtin_adapter.rank(a, usr, cand, ARRAY_SIZE(cand), ra), 0);
			CHECK_INT(builtin_adapter.rank(b, usr, cand, ARRAY_SIZE(cand), rb), 0);
			CHECK(!memcmp(ra, rb, sizeof(cand)));
		}
	}
	free(ra);
	free(rb);
}

TEST(builtin_itemknn_same_on_any_number_of_threads)
{
	struct fixture fx;
	struct model *one = NULL, *many = NULL, *clone;

	/* more items than a block of 32, so threads share the rows */
	CHECK_INT(setup(&fx, 200, 150, 9), 0);
	fx.data.threads = 1;
	CHECK_INT(open_model(&one, &fx, "builtin:itemknn?neighbors=7"), 0);
	fx.data.threads = 3;
	CHECK_INT(open_model(&many, &fx, "builtin:itemknn?neighbors=7"), 0);
	check_same_rankings(one, many, &fx);
	/* a clone (another thread's copy) ranks as the model it came from */
	clone = builtin_adapter.clone(many);
	check_same_rankings(many, clone, &fx);
	builtin_adapter.free(clone);
	builtin_adapter.free(one);
	builtin_adapter.free(many);
	teardown(&fx);
}

TEST(builtin_clones_of_every_model)
{
	static const char *const specs[] = { "builtin:pop", "builtin:random", "builtin:ease?l2=5" };
	struct fixture fx;
	size_t i;

	CHECK_INT(setup(&fx, 60, 40, 4), 0);
	for (i = 0; i < ARRAY_SIZE(specs); i++) {
		struct model *m = NULL, *c;
		CHECK_INT(open_model(&m, &fx, specs[i]), 0);
		if (!m)
			continue;
		c = builtin_adapter.clone(m);
		check_same_rankings(m, c, &fx);
		builtin_adapter.free(c);
		builtin_adapter.free(m);
	}
	teardown(&fx);
}
