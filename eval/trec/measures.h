/* measures.h: the trec_eval measures the engine prints: their table, -m parsing, and one query's row of values (internal to eval/trec). */
#ifndef TREC_MEASURES_H
#define TREC_MEASURES_H

#include "lib/util.h"
#include "metrics/trec.h"

enum meas_kind {
	MK_RUNID,    /* the run's tag, summary only */
	MK_NUM_Q,    /* number of queries, summary only */
	MK_LONG,     /* a count, summed over queries */
	MK_DOUBLE,   /* averaged over queries */
	MK_GM,       /* geometric mean over queries, summary only */
	MK_CUT,      /* one value per document cutoff */
	MK_FRAC,     /* one value per recall fraction */
	MK_GAINS,    /* one value, gains as parameters */
};

enum meas_id {
	M_RUNID, M_NUM_Q, M_NUM_RET, M_NUM_REL, M_NUM_REL_RET, M_MAP, M_GM_MAP,
	M_RPREC, M_BPREF, M_RECIP_RANK, M_IPREC, M_P, M_RECALL, M_NDCG,
	M_NDCG_CUT, M_MAP_CUT, M_SUCCESS, M__COUNT
};

/* One measure of trec_eval's measures.c, in its order, which is the order of the output. */
struct trec_meas_def {
	const char *name;
	enum meas_kind kind;
	int official;            /* in trec_eval's default set */
	const long *cutoffs;     /* MK_CUT defaults */
	size_t ncutoffs;
};

extern const struct trec_meas_def trec_meas_defs[M__COUNT];

/* A measure as asked for: on or not, its parameters, and where its values go in a row. */
struct trec_measure {
	int on;
	long *cutoffs;                     /* MK_CUT */
	double *fractions;                 /* MK_FRAC */
	size_t n;                          /* cutoffs or fractions */
	struct trec_gain_param *gains;     /* MK_GAINS */
	size_t ngains;
	char **names;                      /* printed name of each value */
	size_t first, nvals;               /* its values in a row */
};

/*
 * Set meas[0..M__COUNT-1] (zeroed by the caller) from the -m arguments
 * args[0..nargs-1] ("NAME" or "NAME.PARAMS"; none: "official"), as
 * trec_eval's mark_measure() and the measures' init functions: the first
 * parameters given for a name count. Each measure on gets its values'
 * names and its place in a row; *nvals is the row's length. Returns 0, or
 * -1 after a message (an unknown measure, bad parameters: a usage error).
 * meas owns its memory either way: trec_measures_release() frees it.
 */
int trec_measures_init(struct trec_measure *meas, const char *const *args, size_t nargs,
		       size_t *nvals);
void trec_measures_release(struct trec_measure *meas);

/*
 * The values of the measures that are on for query tq (counted by
 * trec_query_count()) into their places of row (zeroed by the caller).
 * *gains (*alloc entries, grown as needed; the caller frees it) is
 * trec_ndcg()'s working space.
 */
void trec_measures_query(const struct trec_measure *meas, const struct trec_query *tq,
			 double *row, struct trec_gain **gains, size_t *alloc);

#endif
