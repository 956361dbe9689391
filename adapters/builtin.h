/* builtin.h: what the built-in models' files share (builtin.c, builtin_knn.c, builtin_ease.c): the model and its trainers. */
#ifndef BUILTIN_H
#define BUILTIN_H

#include "adapters/adapter.h"

enum algo { ALGO_RANDOM, ALGO_POP, ALGO_ITEMKNN, ALGO_EASE };

struct neighbor {
	uint32_t item;
	float sim;
};

/*
 * A trained model and one thread's scratch. A clone (builtin_adapter's
 * clone()) shares what training made — read-only from then on — and owns
 * only its scratch: is_clone says which frees what.
 */
struct model {
	enum algo algo;
	int is_clone;
	const struct train_data *data;
	size_t n_items;
	double *scores;          /* [n_items] scratch for one user */
	unsigned char *seen;     /* [n_items] scratch: the user's training items */
	uint32_t *touched;       /* [n_items] scratch: itemknn's items with a score */
	uint64_t seed;           /* random */
	/* pop: every item, most popular first (ties: lower index) */
	uint32_t *order;
	/* itemknn: nb[nb_off[i] .. nb_off[i+1]) are the (j, sim) with i among j's top neighbours */
	uint32_t *nb_off;        /* [n_items + 1] */
	struct neighbor *nb;
	/* ease: the item-item weights B, n_items^2, row-major, in double or (ease_float) single precision */
	double *B;
	float *Bf;
};

/* The user's training items (all of them, oldest first). */
static inline const uint32_t *builtin_history(const struct model *m, uint32_t user, size_t *n)
{
	const struct split *sp = m->data->sp;

	*n = sp->train_off[user + 1] - sp->train_off[user];
	return sp->train_items + sp->train_off[user];
}

/* itemknn: each item's k nearest neighbours by cosine, on threads (builtin_knn.c). */
void builtin_train_itemknn(struct model *m, size_t k, unsigned threads);

/*
 * ease: the weights B in m->B (or m->Bf in single precision: single 1;
 * 0 double; -1 double when it fits in memory, else single). max_bytes:
 * the most the matrix may take (0: 90% of the memory available). 0, or
 * -1 after a message (too little memory, saying how many bytes it would
 * need; not positive definite).
 */
int builtin_train_ease(struct model *m, double l2, int single, size_t max_bytes);

/* How many threads training may use: the online cores. */
unsigned builtin_threads(void);

#endif
