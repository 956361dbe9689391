/* engine.h: the trec_eval engine behind `receval trec`: a run evaluated against qrels and printed byte for byte as NIST trec_eval 10.0 prints it. */
#ifndef TREC_ENGINE_H
#define TREC_ENGINE_H

#include <stddef.h>
#include <stdio.h>

/* What to read and compute: trec_eval's options. */
struct trec_options {
	const char *qrels;            /* the qrels file ('qid iter docno rel'); "-" is stdin */
	const char *run;              /* the run ('qid iter docno rank score runid'); "-": stdin, not both */
	const char *const *measures;  /* -m arguments, NAME or NAME.PARAMS; none: "official" */
	size_t nmeasures;
	long level;                   /* -l: the lowest judgement that is relevant (trec_eval's 1) */
	long max_ret;                 /* -M: documents evaluated per query, >= 0 (LONG_MAX: all) */
	int complete;                 /* -c: every qrels query counts, one without results as zeros */
	int per_query;                /* -q: each query's rows before the summary */
	int summary;                  /* the summary rows ('all'); -n clears it */
};

/* How trec_evaluate() ended; each failure has printed its one-line message on stderr. */
enum trec_status {
	TREC_OK = 0,
	TREC_BAD_MEASURE = -1,    /* an unknown measure or bad parameters (a usage error) */
	TREC_BAD_INPUT = -2,      /* a file unreadable or malformed (file and line named), a
				     document repeated within a query, or no query to evaluate */
	TREC_NO_RESULTS = -3,     /* without complete, a qrels query has no line in the run:
				     trec_eval 10.0 stops there ("result qid '...' not found in
				     qrels", its exit status 4) after printing the rows of the
				     queries before it under per_query, and no summary */
};

/*
 * Read opts->qrels and opts->run, evaluate every qrels query (in qid strcmp
 * order) with metrics/trec.h, and print trec_eval's rows on out: per query
 * under per_query, then the summary. Queries only in the run are ignored.
 * Uses up to 8 threads; allocates and frees everything it uses (the files
 * are mapped, or read whole from stdin). Returns TREC_OK or a failure
 * above; out may hold some rows on TREC_NO_RESULTS. The caller flushes out
 * and checks it for write errors.
 */
enum trec_status trec_evaluate(const struct trec_options *opts, FILE *out);

/* The name of measure i, in the order of the output; NULL past the last (for --help). */
const char *trec_measure_name(size_t i);

#endif
