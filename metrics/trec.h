/* trec.h: the ranked-retrieval measures of NIST trec_eval 10.0 for one query, computed from its ranked relevance list. Pure functions. */
#ifndef TREC_H
#define TREC_H

#include <stddef.h>

/*
 * The relevance of a retrieved document, as trec_eval's form_res_rels.c
 * assigns it: the judgement from the qrels when it is >= 0, or one of these.
 */
#define TREC_REL_NONPOOL  (-1)  /* not in the qrels of the query */
#define TREC_REL_UNJUDGED (-2)  /* in the qrels with a negative judgement */

/* How many judged documents (qrels lines with rel >= 0) have one relevance value. */
struct trec_level {
	long rel;     /* >= 0 */
	long count;   /* > 0 */
};

/*
 * One query, ready to be measured. rel[i] is the relevance of the document
 * at rank i+1 (ranks as trec_eval assigns them: score descending, then docno
 * descending), num_ret its length (after -M). levels lists the judgement
 * values >= 0 present in the qrels of the query, ascending, each with its
 * count. num_rel is the number of judged documents with rel >= level and
 * num_rel_ret the number of retrieved judged documents with rel >= level,
 * level being the relevance threshold (-l, 1 by default).
 *
 * Nothing is kept: the pointers need to live only during a call.
 */
struct trec_query {
	const long *rel;
	long num_ret;
	const struct trec_level *levels;
	size_t nlevels;
	long num_rel;
	long num_rel_ret;
	long level;
};

/*
 * Fill q->num_rel and q->num_rel_ret from the other fields (rel, num_ret,
 * levels, level), as form_res_rels.c counts them.
 */
void trec_query_count(struct trec_query *q);

/*
 * Average precision (trec_eval "map" for one query):
 *   AP = (1/R) * sum over relevant retrieved docs at rank k of (rel found up to k) / k
 * where R = num_rel; 0 when nothing relevant is retrieved.
 * (Buckley & Voorhees, "Retrieval System Evaluation", 2005; m_map.c.)
 */
double trec_ap(const struct trec_query *q);

/*
 * The per-query term of "gm_map": log(max(AP, 0.00001)). The summary is
 * exp(mean of these terms), the geometric mean of AP (m_gm_map.c).
 */
double trec_gm_ap_log(const struct trec_query *q);
#define TREC_MIN_GEO_MEAN 0.00001

/*
 * R-precision: relevant docs among the first R retrieved, divided by R,
 * with R = num_rel (m_Rprec.c); 0 when R == 0 or nothing was retrieved.
 */
double trec_rprec(const struct trec_query *q);

/*
 * bpref (Buckley & Voorhees, "Retrieval Evaluation with Incomplete
 * Information", SIGIR 2004; m_bpref.c):
 *   bpref = (1/R) * sum over judged relevant retrieved r of
 *           1 - min(n_r, R) / min(N, R)
 * where n_r counts the judged non-relevant docs (0 <= rel < level) ranked
 * above r, N the judged non-relevant docs of the query, R = num_rel. Docs
 * not judged are skipped; a term with n_r == 0 is 1.
 */
double trec_bpref(const struct trec_query *q);

/* Reciprocal rank of the first relevant retrieved doc; 0 when there is none (m_recip_rank.c). */
double trec_recip_rank(const struct trec_query *q);

/*
 * Interpolated precision at recall levels cutoffs[0..n-1] (ascending
 * fractions), into out[0..n-1] (m_iprec_at_recall.c): the level p is reached
 * at the rank of the c-th relevant doc, c = (long)(p * R + 0.5), and
 *   iprec(p) = max over ranks k >= that rank of precision at k.
 * A level beyond the relevant docs retrieved is left untouched in out (the
 * caller zeroes it, as trec_eval does).
 */
void trec_iprec_at_recall(double *out, const struct trec_query *q,
			  const double *cutoffs, size_t n);

/*
 * Measures at document cutoffs. cutoffs[0..n-1] are ascending and > 0; out
 * gets one value per cutoff. A cutoff beyond num_ret counts the missing
 * places as non-relevant.
 *   P@k        = (relevant in top k) / k                       (m_P.c)
 *   recall@k   = (relevant in top k) / R; 0 when R == 0        (m_recall.c)
 *   success@k  = 1 if a relevant doc is in the top k, else 0   (m_success.c)
 *   map_cut@k  = AP with the sum stopped at rank k (still / R) (m_map_cut.c)
 *   ndcg_cut@k = DCG@k / IDCG@k with gain = the judgement (> 0 counts,
 *                not thresholded by level) discounted by log2(rank + 1), and
 *                the ideal ranking built from the judged levels; 0 when the
 *                ideal is 0. (Jarvelin & Kekalainen, ACM TOIS 20, 2002;
 *                m_ndcg_cut.c)
 */
void trec_precision(double *out, const struct trec_query *q, const long *cutoffs, size_t n);
void trec_recall(double *out, const struct trec_query *q, const long *cutoffs, size_t n);
void trec_success(double *out, const struct trec_query *q, const long *cutoffs, size_t n);
void trec_map_cut(double *out, const struct trec_query *q, const long *cutoffs, size_t n);
void trec_ndcg_cut(double *out, const struct trec_query *q, const long *cutoffs, size_t n);

/*
 * glibc's qsort() as trec_eval ran it: a merge sort (msort.c) that halves,
 * sorts each half, and takes the left element first on ties. With a
 * comparison that is not a total order (NaN scores, gain_init.c's
 * (int)(a - b)) only this algorithm gives trec_eval's order. base holds
 * n elements of size bytes; tmp must hold as many; cmp gets ctx.
 */
void trec_msort(void *base, size_t n, size_t size, void *tmp,
		int (*cmp)(const void *a, const void *b, const void *ctx), const void *ctx);

/* A gain given on the command line: -m ndcg.REL=GAIN,... */
struct trec_gain_param {
	long rel;
	double gain;
};

/* Working space of trec_ndcg(), one entry per gain level. */
struct trec_gain {
	long rel;
	double gain;
	long count;
};

/*
 * nDCG over the whole ranking (m_ndcg.c, gain_init.c). Every judgement value
 * 0..max has gain equal to itself unless params[0..nparams-1] give another
 * (the first one given for a value wins); retrieved docs not judged have
 * gain 0 unless a parameter names -1 (not in the qrels) or -2 (negative
 * judgement). DCG = sum of gain / log2(rank + 1) over the ranking; the ideal
 * DCG takes the judged docs by decreasing gain as long as the gain is > 0.
 * nDCG = DCG / IDCG, 0 when IDCG is 0.
 *
 * As in trec_eval, the gain levels are ordered by a merge sort that compares
 * (int)(gain_a - gain_b), so fractional gains closer than 1 keep the order
 * they were listed in (parameters first).
 *
 * scratch must hold trec_ndcg_scratch(q, nparams) entries (NULL when that is 0).
 */
size_t trec_ndcg_scratch(const struct trec_query *q, size_t nparams);
double trec_ndcg(const struct trec_query *q, const struct trec_gain_param *params,
		 size_t nparams, struct trec_gain *scratch);

#endif
