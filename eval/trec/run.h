/* run.h: a run file read by the trec engine: its documents grouped by qrels query, parsed on several threads. */
#ifndef TREC_RUN_H
#define TREC_RUN_H

#include "eval/trec/qrels.h"

#define TREC_MAX_THREADS 8

/* One retrieved document. */
struct trec_rdoc {
	union {
		double sim;      /* its score */
		uint64_t order;  /* while ranking: ascending order is descending score */
	} s;
	uint64_t key;        /* of its docno (doc_key()) */
};

struct trec_run {
	struct trec_input in;
	size_t *qstart;            /* first document of each qrels query; qstart[nq] = total */
	struct trec_rdoc *docs;    /* grouped by qrels query, file order within one */
	const char *runid;         /* of the last line (into in.buf), NULL if none */
	size_t runid_len;
};

/*
 * Read the run in run->in (loaded by the caller; run otherwise zeroed):
 * lines 'qid iter docno rank score runid', blank lines and '#' comments
 * skipped, in any order, on up to nthreads threads. Lines of queries absent
 * from qr are checked and dropped, as trec_eval ignores them. Returns 0, or
 * -1 after a message naming the file and line (a malformed line, a score
 * that is not a number). Pages of a mapped file are handed back as they are
 * read. run owns its memory either way: trec_run_release() frees it and
 * releases run->in.
 */
int trec_run_parse(struct trec_run *run, const struct trec_qrels *qr, int nthreads);
void trec_run_release(struct trec_run *run);

/* Run fn on each of n (<= TREC_MAX_THREADS) argument blocks (size bytes apart), one thread each. */
void trec_parallel(void (*fn)(void *), void *args, size_t size, int n);

#endif
