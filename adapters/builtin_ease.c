/* builtin_ease.c: builtin:ease's training: G = X^T X + λI inverted by LAPACK's Cholesky (potrf, potri), within the memory the machine has. */
#include <lapacke.h>
#include <pthread.h>
#include "adapters/builtin.h"

/*
 * EASE (Steck, "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019):
 *   G = X^T X + λ I,  P = G^-1,  B_ij = -P_ij / P_jj (i != j),  B_ii = 0
 * and a user's score for j is sum over history items i of B_ij. G is
 * symmetric positive definite: LAPACK factors it G = U^T U (potrf) and
 * inverts it from the factor (potri), in place, so the model needs one
 * catalogue x catalogue matrix: 8 n^2 bytes in double precision, 4 n^2 in
 * single. Double is used when it fits in the memory available, single
 * when only that fits (rankings come from sums of B's rows, which single
 * precision keeps at the catalogue sizes this allows); with neither, EASE
 * refuses and says how many bytes it would need.
 *
 * Catalogues of at most EASE_SMALL items (MovieLens 100K's 1,682, the
 * demo's) keep the factorisation and solves receval has always used, so
 * that their stored figures and rankings stay the same to the last bit:
 * items with equal columns in X tie in exact arithmetic, and which of
 * them ranks first depends on the rounding of the method.
 */
#define EASE_SMALL 5000

/* --- catalogues of at most EASE_SMALL items ------------------------------ */

/*
 * G = L L^T row by row, then L L^T P = I solved a block of right-hand
 * sides at a time (the columns split between two threads).
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

static int ease_small(struct model *m, double l2)
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

/* --- LAPACK --------------------------------------------------------------- */


/* Bytes of memory the system can give without swapping (MemAvailable), or 0 when unknown. */
static size_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/* G's upper triangle (column-major: element (i, j), i <= j, at a[j * n + i]) from the training rows. */
#define BUILD_GRAM(T, a) do {                                                         \
	for (u = 0; u < sp->n_users; u++)                                              \
		for (x = sp->train_off[u]; x < sp->train_off[u + 1]; x++) {            \
			size_t ix = sp->train_items[x];                                \
			T *col = (a) + ix * n;                                         \
			for (y = sp->train_off[u]; y < sp->train_off[u + 1]; y++) {    \
				size_t iy = sp->train_items[y];                        \
				if (iy <= ix)                                          \
					col[iy] += 1;                                  \
			}                                                              \
		}                                                                      \
	for (i = 0; i < n; i++)                                                        \
		(a)[i * n + i] += (T)l2;                                               \
} while (0)

/* B from P's upper triangle, in place: B_ij = -P_ij / P_jj, B_ii = 0, row-major and full. */
#define WEIGHTS(T, a) do {                                                            \
	T *inv = xmalloc(n * sizeof(*inv));                                            \
	for (j = 0; j < n; j++)                                                        \
		inv[j] = (T)(-1.0 / (a)[j * n + j]);                                   \
	/* P's upper triangle, column-major, is its lower one row-major: mirror it */  \
	for (i = 0; i < n; i++)                                                        \
		for (j = i + 1; j < n; j++)                                            \
			(a)[i * n + j] = (a)[j * n + i];                               \
	for (i = 0; i < n; i++) {                                                      \
		T *row = (a) + i * n;                                                  \
		for (j = 0; j < n; j++)                                                \
			row[j] *= inv[j];                                              \
		row[i] = 0;                                                            \
	}                                                                              \
	free(inv);                                                                     \
} while (0)

int builtin_train_ease(struct model *m, double l2, int single, size_t max_bytes)
{
	const struct split *sp = m->data->sp;
	size_t n = m->n_items, u, x, y, i, j, need, avail = max_bytes ? max_bytes : mem_available() / 10 * 9;
	size_t need_d = n * n * sizeof(double), need_f = n * n * sizeof(float);
	lapack_int rc;
	int asked = single >= 0;

	if (n && (n > SIZE_MAX / n / sizeof(double) / 2 || n > (size_t)INT32_MAX))
		return error("builtin:ease: a catalogue of %zu items is too large", n);
	if (single <= 0 && n <= EASE_SMALL)
		need_d *= 2;  /* ease_small() keeps the factor beside the inverse */
	if (single < 0)
		single = avail && need_d > avail && need_f <= avail;
	need = single ? need_f : need_d;
	if (avail && need > avail) {
		/* the least it could do with: single precision, unless double was asked for */
		if (!asked)
			need = need_f;
		return error("builtin:ease needs %zu bytes (%.1f GiB) for a catalogue of %zu items "
			     "(one items x items matrix%s), but %zu bytes (%.1f GiB) may be used (%s); "
			     "use builtin:itemknn", need, (double)need / (1 << 30), n,
			     need == need_f ? " in single precision" : "", avail, (double)avail / (1 << 30),
			     max_bytes ? "memory_mb" : "90% of the memory available");
	}
	if (!single && n <= EASE_SMALL)
		return ease_small(m, l2);
	if (single) {
		float *a = xcalloc(n ? n * n : 1, sizeof(*a));
		BUILD_GRAM(float, a);
		rc = LAPACKE_spotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)n, a, (lapack_int)n);
		if (!rc)
			rc = LAPACKE_spotri(LAPACK_COL_MAJOR, 'U', (lapack_int)n, a, (lapack_int)n);
		if (rc) {
			free(a);
			goto fail;
		}
		WEIGHTS(float, a);
		m->Bf = a;
	} else {
		double *a = xcalloc(n ? n * n : 1, sizeof(*a));
		BUILD_GRAM(double, a);
		rc = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', (lapack_int)n, a, (lapack_int)n);
		if (!rc)
			rc = LAPACKE_dpotri(LAPACK_COL_MAJOR, 'U', (lapack_int)n, a, (lapack_int)n);
		if (rc) {
			free(a);
			goto fail;
		}
		WEIGHTS(double, a);
		m->B = a;
	}
	return 0;
fail:
	if (rc > 0)
		return error("builtin:ease: X^T X + l2 I is not positive definite (l2 = %g)", l2);
	return error("builtin:ease: LAPACK failed (%d)", (int)rc);
}
