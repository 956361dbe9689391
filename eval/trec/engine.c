/* engine.c: the trec_eval engine: ranking, per-query evaluation on several threads, and trec_eval's output. */
#include "eval/trec/engine.h"
#include "eval/trec/measures.h"
#include "eval/trec/run.h"

/*
 * How it goes, and why it is fast (2,000,000 run lines in a fraction of a
 * second where trec_eval takes seconds, in less memory):
 *
 *  1. Files are mapped (or read whole, for stdin); fields are never copied
 *     nor allocated one by one. A docno becomes a 64-bit key (see doc_key()):
 *     docnos of up to 8 bytes are packed into it, so that equality and
 *     strcmp order are integer comparisons; a longer one keeps a hash and
 *     its offset, and is read again from the file when compared.
 *  2. The qrels are parsed on one thread and grouped by query; each query's
 *     judgement levels are counted.
 *  3. The run is cut into one chunk per thread at line boundaries. Pass 1
 *     parses every line into a compact (score, key) array per chunk and
 *     counts the lines of every query, handing the file's pages back as it
 *     goes; pass 2 moves the documents to one array grouped by query (a
 *     counting sort: the run may come in any order). Lines of queries absent
 *     from the qrels are checked and dropped, as trec_eval ignores them.
 *  4. The queries are shared out between the threads: each checks for
 *     repeated documents, ranks them as trec_eval does (score descending,
 *     then docno descending by strcmp), finds their judgements through a
 *     small table of the query's qrels, and computes the measures into its
 *     row of a table.
 *  5. One thread sums the rows in qid order (the order trec_eval adds them
 *     in, so that the sums agree to the last bit) and prints.
 */

/* trec_eval evaluates a qrels query absent from the run under -c as a run of this one document. */
static const char bogus_docno[] = "ceci_nest_pas_un_docno";

struct trec {
	struct trec_qrels qr;
	struct trec_run run;
	struct trec_measure meas[M__COUNT];
	size_t nvals;
	long level, max_ret;
	int complete;
	int nthreads;

	/* evaluation */
	uint32_t *eval_q;    /* qrels queries to evaluate, in qid order */
	size_t neval;
	double *rows;        /* neval x nvals */
	uint32_t no_results; /* without -c: the first qrels query (in qid order) absent from the run */
};

/* ------------------------------------------------------------ ranking */

/* form_res_rels.c's comp_sim_docno(): score descending, then docno descending; ctx is the input */
static int by_sim_docno(const void *pa, const void *pb, const void *ctx)
{
	const struct trec_rdoc *a = pa, *b = pb;

	if (a->s.sim > b->s.sim)
		return -1;
	if (a->s.sim < b->s.sim)
		return 1;
	return key_cmp(b->key, a->key, ctx);
}

static int by_docno(const void *pa, const void *pb, const void *ctx)
{
	const struct trec_rdoc *a = pa, *b = pb;

	return key_cmp(a->key, b->key, ctx);
}

/*
 * Without NaN the order is total, so any sort gives trec_eval's ranking.
 * This one is a merge sort on integers: the score becomes a 64-bit integer
 * in the opposite order (equal scores, +0 and -0 included, give equal
 * integers), merged without branches that depend on the data, since scores
 * compare at random; runs of equal scores are then put in descending docno
 * order.
 */
static void order_msort(struct trec_rdoc *b, size_t n, struct trec_rdoc *tmp)
{
	struct trec_rdoc *l, *le, *r, *re, *o;
	size_t n1;

	if (n <= 1)
		return;
	n1 = n / 2;
	order_msort(b, n1, tmp);
	order_msort(b + n1, n - n1, tmp);
	l = b;
	le = r = b + n1;
	re = b + n;
	o = tmp;
	while (l < le && r < re) {
		int right = r->s.order < l->s.order;
		const struct trec_rdoc *src = right ? r : l;

		*o++ = *src;
		r += right;
		l += !right;
	}
	while (l < le)
		*o++ = *l++;
	memcpy(b, tmp, (size_t)(o - tmp) * sizeof(*b));
}

static inline uint64_t descending_order(double sim)
{
	uint64_t u;

	if (sim == 0.0)
		sim = 0.0;   /* -0 ranks with +0 */
	memcpy(&u, &sim, sizeof(u));
	u = (u >> 63) ? ~u : u | (1ULL << 63);   /* ascending with sim */
	return ~u;
}

/* Rank a query's documents as trec_eval does; their scores are lost. */
static void rank_docs(const struct trec_input *in, struct trec_rdoc *d, size_t n, struct trec_rdoc *tmp)
{
	size_t i, j, k;

	for (i = 0; i < n; i++)
		if (isnan(d[i].s.sim))
			break;
	if (i < n) {
		/*
		 * trec_eval sorted the query's lines by docno before ranking them.
		 * A NaN score makes the comparison inconsistent, and then only
		 * glibc's merge sort on the same input order gives its ranking.
		 */
		trec_msort(d, n, sizeof(*d), tmp, by_docno, in);
		trec_msort(d, n, sizeof(*d), tmp, by_sim_docno, in);
		return;
	}
	for (i = 0; i < n; i++)
		d[i].s.order = descending_order(d[i].s.sim);
	order_msort(d, n, tmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && d[j].s.order == d[i].s.order; j++)
			;
		/* equal scores: docno descending (an insertion sort: such runs are short) */
		for (k = i + 1; k < j; k++) {
			struct trec_rdoc v = d[k];
			size_t m;

			for (m = k; m > i && key_cmp(d[m - 1].key, v.key, in) < 0; m--)
				d[m] = d[m - 1];
			d[m] = v;
		}
	}
}

/* ---------------------------------------------------------- evaluation */

struct worker {
	struct trec *t;
	size_t from, to;             /* range of t->eval_q */
	long *rel;
	size_t alloc_rel;
	struct trec_rdoc *tmp;
	size_t alloc_tmp;
	uint32_t *seen;              /* open-addressing table, zeroed between uses */
	size_t alloc_seen;
	struct trec_gain *gains;
	size_t alloc_gains;
	struct trec_repeat *rep;          /* documents retrieved twice */
	size_t nrep, alloc_rep;
};

/* A zeroed table of trec_table_size(n) slots. */
static uint32_t *worker_table(struct worker *w, size_t n)
{
	size_t cap = trec_table_size(n);

	if (cap > w->alloc_seen) {
		free(w->seen);
		w->seen = xcalloc(cap, sizeof(*w->seen));
		w->alloc_seen = cap;
	}
	return w->seen;
}

static long judgement(const struct trec_qrel *r)
{
	if (!r)
		return TREC_REL_NONPOOL;
	return r->rel >= 0 ? r->rel : TREC_REL_UNJUDGED;
}

/* The judgement of each of the first n ranked documents, through a table of the query's qrels. */
static void match_judgements(struct worker *w, const struct trec_topic *qq, const struct trec_rdoc *d,
			     size_t n)
{
	const struct trec *t = w->t;
	const struct trec_qrel *r = t->qr.r + qq->first;
	size_t cap = trec_table_size(qq->n), mask = cap - 1, i, s;
	uint32_t *seen = worker_table(w, qq->n);

	for (i = 0; i < qq->n; i++) {
		for (s = (size_t)key_slot(r[i].key) & mask; seen[s]; s = (s + 1) & mask)
			;
		seen[s] = (uint32_t)i + 1;
	}
	for (i = 0; i < n; i++) {
		const struct trec_qrel *found = NULL;

		for (s = (size_t)key_slot(d[i].key) & mask; seen[s]; s = (s + 1) & mask) {
			const struct trec_qrel *o = &r[seen[s] - 1];

			if (key_same(d[i].key, &t->run.in, o->key, &t->qr.in)) {
				found = o;
				break;
			}
		}
		w->rel[i] = judgement(found);
	}
	memset(seen, 0, cap * sizeof(*seen));
}

/* The judgement of one docno (not from the run) in the query's qrels. */
static long judgement_of(const struct trec *t, const struct trec_topic *qq, const char *doc,
			 size_t len)
{
	const struct trec_qrel *r = t->qr.r + qq->first;
	char tmp[8];
	const char *name;
	size_t i, n;

	for (i = 0; i < qq->n; i++) {
		n = key_name(r[i].key, &t->qr.in, tmp, &name);
		if (n == len && !memcmp(name, doc, len))
			return judgement(&r[i]);
	}
	return TREC_REL_NONPOOL;
}

static void eval_range(void *arg)
{
	struct worker *w = arg;
	struct trec *t = w->t;
	const struct trec_qrels *qr = &t->qr;
	size_t k;

	for (k = w->from; k < w->to; k++) {
		uint32_t q = t->eval_q[k];
		const struct trec_topic *qq = &qr->q[q];
		size_t n = t->run.qstart[q + 1] - t->run.qstart[q], nret;
		struct trec_rdoc *d = t->run.docs + t->run.qstart[q];
		double *row = t->rows + k * t->nvals;
		struct trec_query tq;
		int bogus = n == 0;

		if (bogus) {
			/* -c: a query with no run is ranked as one document, then num_ret = 0 */
			ALLOC_GROW(w->rel, 1, w->alloc_rel);
			w->rel[0] = judgement_of(t, qq, bogus_docno, sizeof(bogus_docno) - 1);
			nret = t->max_ret < 1 ? (size_t)t->max_ret : 1;
		} else {
			trec_find_repeats(&d->key, sizeof(*d), n, &t->run.in, q, worker_table(w, n),
				     trec_table_size(n), &w->rep, &w->nrep, &w->alloc_rep);
			if (w->nrep)
				return;   /* an error: nothing more to compute */
			if (n > w->alloc_tmp) {
				free(w->tmp);
				w->tmp = xmalloc(n * sizeof(*w->tmp));
				w->alloc_tmp = n;
			}
			rank_docs(&t->run.in, d, n, w->tmp);
			nret = (long)n > t->max_ret ? (size_t)t->max_ret : n;
			ALLOC_GROW(w->rel, nret, w->alloc_rel);
			match_judgements(w, qq, d, nret);
		}
		memset(row, 0, t->nvals * sizeof(*row));
		tq.rel = w->rel;
		tq.num_ret = (long)nret;
		tq.levels = qr->levels + qq->level0;
		tq.nlevels = qq->nlevels;
		tq.level = t->level;
		trec_query_count(&tq);
		trec_measures_query(t->meas, &tq, row, &w->gains, &w->alloc_gains);
		if (bogus && t->meas[M_NUM_RET].on)
			row[t->meas[M_NUM_RET].first] = 0;
	}
}

static int evaluate(struct trec *t)
{
	struct worker w[TREC_MAX_THREADS];
	size_t k, total = 0, per, q, nrep = 0, alloc_rep = 0;
	int n = t->nthreads, i, ret = 0;
	struct trec_repeat *rep = NULL;

	t->eval_q = xmalloc((t->qr.nq ? t->qr.nq : 1) * sizeof(*t->eval_q));
	t->no_results = TREC_NO_QUERY;
	for (k = 0; k < t->qr.nq; k++) {
		q = t->qr.order[k];
		if (!t->complete && t->run.qstart[q + 1] == t->run.qstart[q]) {
			/*
			 * trec_eval 10.0 stops at the first qrels query without
			 * results (9.x skipped it): the queries before it are
			 * evaluated (and printed under -q), the rest are not.
			 */
			t->no_results = (uint32_t)q;
			break;
		}
		t->eval_q[t->neval++] = (uint32_t)q;
		total += t->run.qstart[q + 1] - t->run.qstart[q];
	}
	if (!t->neval && t->no_results == TREC_NO_QUERY)
		return error("no queries with both results and relevance info");
	t->rows = xmalloc((t->neval ? t->neval : 1) * (t->nvals ? t->nvals : 1) *
			  sizeof(*t->rows));

	if (total < 65536)
		n = 1;
	/* share the queries out by their number of documents */
	memset(w, 0, sizeof(w));
	per = total / (size_t)n + 1;
	for (i = 0, k = 0; i < n; i++) {
		size_t docs = 0;

		w[i].t = t;
		w[i].from = k;
		while (k < t->neval && (i == n - 1 || docs < per)) {
			q = t->eval_q[k++];
			docs += t->run.qstart[q + 1] - t->run.qstart[q];
		}
		w[i].to = k;
	}
	trec_parallel(eval_range, w, sizeof(w[0]), n);
	for (i = 0; i < n; i++) {
		for (k = 0; k < w[i].nrep; k++) {
			ALLOC_GROW(rep, nrep + 1, alloc_rep);
			rep[nrep++] = w[i].rep[k];
		}
		free(w[i].rel);
		free(w[i].tmp);
		free(w[i].seen);
		free(w[i].gains);
		free(w[i].rep);
	}
	if (nrep)
		ret = trec_report_repeat(&t->qr.qids, &t->run.in, rep, nrep, "retrieved");
	free(rep);
	return ret;
}

/* ------------------------------------------------------------- output */

static void print_rows(const struct trec *t, FILE *out, int per_query, int summary)
{
	const struct trec_measure *m = t->meas;
	const char *names = t->qr.qids.arena;
	size_t k, v;
	int id;

	if (per_query) {
		for (k = 0; k < t->neval; k++) {
			const struct trec_topic *qq = &t->qr.q[t->eval_q[k]];
			const double *row = t->rows + k * t->nvals;

			for (id = 0; id < M__COUNT; id++) {
				enum meas_kind kind = trec_meas_defs[id].kind;

				if (!m[id].on || kind == MK_RUNID || kind == MK_NUM_Q || kind == MK_GM)
					continue;
				for (v = 0; v < m[id].nvals; v++) {
					double x = row[m[id].first + v];

					if (kind == MK_LONG)
						fprintf(out, "%-22s\t%.*s\t%ld\n", m[id].names[v],
						             (int)qq->len, names + qq->name, (long)x);
					else
						fprintf(out, "%-22s\t%.*s\t%6.4f\n", m[id].names[v],
						             (int)qq->len, names + qq->name, x);
				}
			}
		}
	}
	if (!summary)
		return;
	for (id = 0; id < M__COUNT; id++) {
		enum meas_kind kind = trec_meas_defs[id].kind;

		if (!m[id].on)
			continue;
		if (kind == MK_RUNID) {
			fprintf(out, "%-22s\tall\t%.*s\n", "runid", (int)t->run.runid_len,
			             t->run.runid ? t->run.runid : "");
			continue;
		}
		if (kind == MK_NUM_Q) {
			fprintf(out, "%-22s\tall\t%ld\n", "num_q", (long)t->neval);
			continue;
		}
		for (v = 0; v < m[id].nvals; v++) {
			double sum = 0.0;

			/* add in qid order, as trec_eval does */
			for (k = 0; k < t->neval; k++)
				sum += t->rows[k * t->nvals + m[id].first + v];
			/*
			 * Under -c, trec_eval 10.0's summary num_rel counts every
			 * judgement > 0 of the qrels, whatever -l says (m_num_rel.c)
			 */
			if (id == M_NUM_REL && t->complete)
				sum = (double)t->qr.positive;
			if (kind == MK_LONG)
				fprintf(out, "%-22s\tall\t%ld\n", m[id].names[v], (long)sum);
			else if (kind == MK_GM)
				fprintf(out, "%-22s\tall\t%6.4f\n", m[id].names[v],
				             exp(sum / (double)t->neval));
			else
				fprintf(out, "%-22s\tall\t%6.4f\n", m[id].names[v],
				             sum / (double)t->neval);
		}
	}
}

/* ------------------------------------------------------------- engine */

static int thread_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > TREC_MAX_THREADS ? TREC_MAX_THREADS : (int)n;
}

enum trec_status trec_evaluate(const struct trec_options *opts, FILE *out)
{
	struct trec *t = xcalloc(1, sizeof(*t));
	enum trec_status ret = TREC_OK;

	if (trec_measures_init(t->meas, opts->measures, opts->nmeasures, &t->nvals) < 0) {
		ret = TREC_BAD_MEASURE;
		goto out;
	}
	t->level = opts->level;
	t->max_ret = opts->max_ret;
	t->complete = opts->complete;
	t->nthreads = thread_count();
	t->qr.in.path = opts->qrels;
	t->run.in.path = opts->run;
	if (trec_input_load(&t->qr.in) < 0 || trec_qrels_parse(&t->qr) < 0 ||
	    trec_input_load(&t->run.in) < 0 || trec_run_parse(&t->run, &t->qr, t->nthreads) < 0 ||
	    evaluate(t) < 0) {
		ret = TREC_BAD_INPUT;
		goto out;
	}
	if (t->no_results != TREC_NO_QUERY) {
		const struct trec_topic *qq = &t->qr.q[t->no_results];

		/* trec_eval 10.0's words, though the qid is the qrels' one */
		print_rows(t, out, opts->per_query, 0);
		error("result qid '%.*s' not found in qrels", (int)qq->len,
		      t->qr.qids.arena + qq->name);
		ret = TREC_NO_RESULTS;
		goto out;
	}
	print_rows(t, out, opts->per_query, opts->summary);
out:
	trec_measures_release(t->meas);
	trec_qrels_release(&t->qr);
	trec_run_release(&t->run);
	free(t->eval_q);
	free(t->rows);
	free(t);
	return ret;
}

const char *trec_measure_name(size_t i)
{
	return i < M__COUNT ? trec_meas_defs[i].name : NULL;
}
