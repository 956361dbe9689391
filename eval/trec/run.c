/* run.c: reading a trec_eval run: one chunk per thread, two passes (parse, then group by query). */
#include "eval/trec/run.h"

#include <pthread.h>
#include <sys/mman.h>

static const double pow10_exact[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/*
 * A score, exactly as strtod() reads it (trec_eval uses atof), but without
 * its cost for the usual short decimals: when the digits fit in 53 bits and
 * the power of ten is exact, one multiplication or division is correctly
 * rounded, hence the same double (Clinger's fast path). Anything else goes
 * to strtod(). Returns -1 unless the whole token is a number.
 */
static int parse_score(const char *s, size_t len, double *out)
{
	const char *p = s, *end = s + len;
	uint64_t m = 0;
	int digits = 0, exp10 = 0, neg = 0, any = 0;
	char small[64], *copy;
	char *stop;
	double v;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		any = 1;
		if (m || *p != '0') {
			m = m * 10 + (uint64_t)(*p - '0');
			if (++digits > 18)
				goto slow;
		}
	}
	if (p < end && *p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++) {
			any = 1;
			if (m || *p != '0') {
				m = m * 10 + (uint64_t)(*p - '0');
				if (++digits > 18)
					goto slow;
			}
			exp10--;
		}
	}
	if (!any)
		goto slow;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0, e = 0, edigits = 0;

		p++;
		if (p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++) {
			e = e * 10 + (*p - '0');
			if (++edigits > 4)
				goto slow;
		}
		if (!edigits)
			goto slow;
		exp10 += eneg ? -e : e;
	}
	if (p != end || m > (1ULL << 53) || exp10 < -22 || exp10 > 22)
		goto slow;
	v = (double)m;
	if (exp10 < 0)
		v /= pow10_exact[-exp10];
	else
		v *= pow10_exact[exp10];
	*out = neg ? -v : v;
	return 0;
slow:
	copy = len < sizeof(small) ? small : xmalloc(len + 1);
	memcpy(copy, s, len);
	copy[len] = '\0';
	v = strtod(copy, &stop);
	any = stop == copy + len && len > 0;
	if (copy != small)
		free(copy);
	if (!any)
		return -1;
	*out = v;
	return 0;
}

struct chunk {
	struct trec_run *run;
	const struct trec_qids *qids;
	uintptr_t page;      /* the memory page size */
	const char *begin, *end;
	struct trec_rdoc *docs;   /* this chunk's documents of qrels queries, in file order */
	uint32_t *doc_q;     /* and their queries */
	size_t ndocs, alloc_docs;
	uint32_t *count;     /* documents of each qrels query; then where the next one goes */
	const char *runid;
	size_t runid_len;
	const char *err_at;  /* first error in the chunk */
	char err[256];
};

static void chunk_error(struct chunk *c, const char *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void chunk_error(struct chunk *c, const char *at, const char *fmt, ...)
{
	va_list ap;

	c->err_at = at;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
}

/*
 * Hand the pages of a mapped file between *done and p back to the page
 * cache: only long docnos are read again (and then come back from the page
 * cache). This keeps the peak memory near the larger of the file and the
 * table of documents, rather than their sum.
 */
static void drop_pages(const struct trec_input *in, uintptr_t page, const char **done, const char *p)
{
	uintptr_t from, to;

	if (!in->map_len)
		return;
	from = ((uintptr_t)*done + page - 1) & ~(page - 1);
	to = (uintptr_t)p & ~(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	*done = p;
}

/* Pass 1: parse every line of a chunk; keep the documents of qrels queries. */
static void run_pass1(void *arg)
{
	struct chunk *c = arg;
	struct trec_run *run = c->run;
	const struct trec_qids *qids = c->qids;
	const char *buf = run->in.buf, *p = c->begin, *end = c->end, *done = c->begin;
	const char *last = NULL;
	size_t last_len = 0, lines = 0;
	uint32_t last_q = TREC_NO_QUERY;

	while (next_content(&p, end)) {
		const char *line = p, *tok[6];
		size_t len[6], i;
		uint32_t q;
		uint64_t qk = 0;
		double sim;

		for (i = 0; i < 6; i++) {
			if (!field(&p, end, &tok[i], &len[i]))
				break;
			/* the lookup of the qid will likely miss the cache: start it now */
			if (i == 0) {
				qk = qid_key(tok[0], len[0]);
				qids_prefetch(qids, qk);
			}
		}
		if (i < 6) {
			chunk_error(c, line, "malformed line: expected 'qid iter docno rank score runid'");
			return;
		}
		while (p < end && *p != '\n')
			p++;
		if (p < end)
			p++;
		if (parse_score(tok[4], len[4], &sim) < 0) {
			chunk_error(c, line, "score '%.*s' is not a number",
				    len[4] > 64 ? 64 : (int)len[4], tok[4]);
			return;
		}
		c->runid = tok[5];
		c->runid_len = len[5];
		if (++lines % 16384 == 0)
			drop_pages(&run->in, c->page, &done, line);

		if (last && len[0] == last_len && bytes_eq(tok[0], last, last_len)) {
			q = last_q;
		} else {
			q = qids_find(qids, tok[0], len[0], qk);
			last = tok[0];
			last_len = len[0];
			last_q = q;
		}
		if (q == TREC_NO_QUERY)
			continue;
		if (c->ndocs == c->alloc_docs) {
			c->alloc_docs = c->alloc_docs * 2 + 1024;
			c->docs = xrealloc(c->docs, c->alloc_docs * sizeof(*c->docs));
			c->doc_q = xrealloc(c->doc_q, c->alloc_docs * sizeof(*c->doc_q));
		}
		c->docs[c->ndocs].s.sim = sim;
		c->docs[c->ndocs].key = doc_key(tok[2], len[2], (size_t)(tok[2] - buf));
		c->doc_q[c->ndocs] = q;
		c->ndocs++;
		c->count[q]++;
	}
}

/* Pass 2: move a chunk's documents to their query's place. */
static void run_pass2(void *arg)
{
	struct chunk *c = arg;
	struct trec_rdoc *docs = c->run->docs;
	uint32_t *next = c->count;
	size_t i;

	for (i = 0; i < c->ndocs; i++)
		docs[next[c->doc_q[i]]++] = c->docs[i];
	free(c->docs);
	free(c->doc_q);
	c->docs = NULL;
	c->doc_q = NULL;
}

struct task {
	void (*fn)(void *);
	void *arg;
};

static void *thread_main(void *arg)
{
	struct task *task = arg;

	task->fn(task->arg);
	return NULL;
}

void trec_parallel(void (*fn)(void *), void *args, size_t size, int n)
{
	pthread_t tid[TREC_MAX_THREADS];
	struct task task[TREC_MAX_THREADS];
	int started[TREC_MAX_THREADS] = { 0 }, i;

	for (i = 1; i < n; i++) {
		task[i].fn = fn;
		task[i].arg = (char *)args + (size_t)i * size;
		started[i] = !pthread_create(&tid[i], NULL, thread_main, &task[i]);
		if (!started[i])
			fn(task[i].arg);
	}
	fn(args);
	for (i = 1; i < n; i++)
		if (started[i])
			pthread_join(tid[i], NULL);
}


int trec_run_parse(struct trec_run *run, const struct trec_qrels *qr, int nthreads)
{
	struct chunk c[TREC_MAX_THREADS];
	size_t nq = qr->nq, q, total = 0;
	int n = nthreads, i, ret = 0;
	const struct chunk *bad = NULL;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	/* a small file is not worth a thread */
	if (run->in.len < (1 << 20))
		n = 1;
	memset(c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		c[i].run = run;
		c[i].qids = &qr->qids;
		c[i].page = page;
		c[i].begin = i ? c[i - 1].end : run->in.buf;
		c[i].end = run->in.buf + run->in.len;
		if (i < n - 1) {
			const char *cut = run->in.buf + run->in.len / (size_t)n * (size_t)(i + 1);

			if (cut < c[i].begin)
				cut = c[i].begin;
			c[i].end = next_line(cut, c[i].end);
		}
		c[i].count = xcalloc(nq ? nq : 1, sizeof(*c[i].count));
		/* ~32 bytes a line: one allocation in the usual case */
		c[i].alloc_docs = (size_t)(c[i].end - c[i].begin) / 28 + 1024;
		c[i].docs = xmalloc(c[i].alloc_docs * sizeof(*c[i].docs));
		c[i].doc_q = xmalloc(c[i].alloc_docs * sizeof(*c[i].doc_q));
	}
	trec_parallel(run_pass1, c, sizeof(c[0]), n);

	/* the earliest error of the chunks */
	for (i = 0; i < n; i++)
		if (c[i].err_at && (!bad || c[i].err_at < bad->err_at))
			bad = &c[i];
	if (bad) {
		ret = error_at(run->in.name, trec_line_of(&run->in, (size_t)(bad->err_at - run->in.buf)),
			       "%s", bad->err);
		goto out;
	}
	for (i = n - 1; i >= 0; i--) {
		if (c[i].runid) {
			run->runid = c[i].runid;
			run->runid_len = c[i].runid_len;
			break;
		}
	}

	/* where each chunk's documents of each query go: chunks in file order */
	run->qstart = xmalloc((nq + 1) * sizeof(*run->qstart));
	for (q = 0; q < nq; q++) {
		run->qstart[q] = total;
		for (i = 0; i < n; i++) {
			uint32_t k = c[i].count[q];

			c[i].count[q] = (uint32_t)total;
			total += k;
		}
	}
	run->qstart[nq] = total;
	if (total > UINT32_MAX) {
		ret = error("'%s' has too many lines", run->in.name);
		goto out;
	}
	run->docs = xmalloc((total ? total : 1) * sizeof(*run->docs));
	trec_parallel(run_pass2, c, sizeof(c[0]), n);
out:
	for (i = 0; i < n; i++) {
		free(c[i].count);
		free(c[i].docs);
		free(c[i].doc_q);
	}
	return ret;
}

void trec_run_release(struct trec_run *run)
{
	trec_input_release(&run->in);
	free(run->qstart);
	free(run->docs);
	memset(run, 0, sizeof(*run));
}
