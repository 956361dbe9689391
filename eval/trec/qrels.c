/* qrels.c: reading trec_eval's qrels: qids, judgements grouped by query, their levels, repeated judgements. */
#include "eval/trec/qrels.h"

static void qids_insert(struct trec_qids *t, uint64_t k, uint32_t len, uint32_t q1)
{
	size_t i;

	for (i = (size_t)mix64(k) & t->mask; t->slots[i].q1; i = (i + 1) & t->mask)
		;
	t->slots[i].key = k;
	t->slots[i].q1 = q1;
	t->slots[i].len = len;
}

/* Add qid s as query q, the next index (absent: the caller looked). */
static void qids_add(struct trec_qids *t, const char *s, size_t len, uint32_t q)
{
	/* at most 3/4 full */
	if (!t->slots || (t->n + 1) * 4 > (t->mask + 1) * 3) {
		struct trec_qid_slot *old = t->slots;
		size_t cap = t->slots ? 2 * (t->mask + 1) : 256, j;

		t->slots = xcalloc(cap, sizeof(*t->slots));
		t->mask = cap - 1;
		for (j = 0; old && j < cap / 2; j++)
			if (old[j].q1)
				qids_insert(t, old[j].key, old[j].len, old[j].q1);
		free(old);
	}
	ALLOC_GROW(t->names, t->n + 1, t->alloc_names);
	ALLOC_GROW(t->arena, t->arena_len + len, t->arena_alloc);
	memcpy(t->arena + t->arena_len, s, len);
	t->names[q].off = (uint32_t)t->arena_len;
	t->names[q].len = (uint32_t)len;
	t->arena_len += len;
	qids_insert(t, qid_key(s, len), (uint32_t)len, q + 1);
	t->n++;
}

static void qids_release(struct trec_qids *t)
{
	free(t->slots);
	free(t->names);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

static const struct trec_qrels *sort_qrels;

static int by_qid(const void *a, const void *b)
{
	const struct trec_topic *x = &sort_qrels->q[*(const uint32_t *)a];
	const struct trec_topic *y = &sort_qrels->q[*(const uint32_t *)b];
	const char *arena = sort_qrels->qids.arena;

	return str_cmp(arena + x->name, x->len, arena + y->name, y->len);
}

static int by_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

/* A query's judgement levels >= 0 with their counts, ascending, from qq->level0 on. */
static void query_levels(struct trec_qrels *qr, struct trec_topic *qq, int32_t *scratch)
{
	size_t n = qq->n, i, j, nlev;

	for (i = 0; i < n; i++)
		scratch[i] = qr->r[qq->first + i].rel;
	if (n < 32) {
		for (i = 1; i < n; i++) {
			int32_t v = scratch[i];

			for (j = i; j > 0 && scratch[j - 1] > v; j--)
				scratch[j] = scratch[j - 1];
			scratch[j] = v;
		}
	} else {
		qsort(scratch, n, sizeof(*scratch), by_int32);
	}
	nlev = qq->level0;
	for (i = 0; i < n; i++) {
		if (scratch[i] < 0)
			continue;
		if (nlev > qq->level0 && qr->levels[nlev - 1].rel == scratch[i]) {
			qr->levels[nlev - 1].count++;
		} else {
			qr->levels[nlev].rel = scratch[i];
			qr->levels[nlev].count = 1;
			nlev++;
		}
	}
	qq->nlevels = nlev - qq->level0;
}

/* The i-th of keys placed stride bytes apart (a field of an array of structs). */
static inline uint64_t key_at(const uint64_t *keys, size_t stride, size_t i)
{
	return *(const uint64_t *)(const void *)((const char *)keys + i * stride);
}

void trec_find_repeats(const uint64_t *keys, size_t stride, size_t n,
		       const struct trec_input *in, uint32_t q, uint32_t *seen, size_t cap,
		       struct trec_repeat **out, size_t *nout, size_t *alloc)
{
	size_t mask = cap - 1, i, s;

	for (i = 0; i < n; i++) {
		uint64_t k = key_at(keys, stride, i);

		for (s = (size_t)key_slot(k) & mask; seen[s]; s = (s + 1) & mask) {
			if (key_same(key_at(keys, stride, seen[s] - 1), in, k, in))
				break;
		}
		if (seen[s]) {
			ALLOC_GROW(*out, *nout + 1, *alloc);
			(*out)[*nout].q = q;
			(*out)[*nout].key = k;
			(*out)[*nout].in = in;
			(*nout)++;
		} else {
			seen[s] = (uint32_t)i + 1;
		}
	}
	memset(seen, 0, cap * sizeof(*seen));
}

size_t trec_table_size(size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	return cap;
}

/*
 * Error path: read the file again and report the first line that names a
 * (query, docno) already named, among the repeats found.
 */
int trec_report_repeat(const struct trec_qids *qids, const struct trec_input *in,
			 const struct trec_repeat *rep, size_t nrep, const char *what)
{
	const char *buf = in->buf, *end = buf + in->len, *p = buf;
	unsigned char *count = xcalloc(nrep, 1);
	size_t i;
	int ret = -1;

	while (next_content(&p, end)) {
		const char *line = p, *qid, *iter, *doc;
		size_t qlen, ilen, dlen;
		uint32_t q;
		uint64_t k;

		if (!field(&p, end, &qid, &qlen) || !field(&p, end, &iter, &ilen) ||
		    !field(&p, end, &doc, &dlen)) {
			p = next_line(p, end);
			continue;
		}
		p = next_line(p, end);
		q = qids_get(qids, qid, qlen);
		k = doc_key(doc, dlen, (size_t)(doc - buf));
		for (i = 0; i < nrep; i++) {
			if (rep[i].q != q || !key_same(rep[i].key, rep[i].in, k, in))
				continue;
			if (++count[i] == 2) {
				ret = error_at(in->name, trec_line_of(in, (size_t)(line - buf)),
					       "document '%.*s' is %s twice for query '%.*s'",
					       (int)dlen, doc, what, (int)qlen, qid);
				goto out;
			}
		}
	}
	ret = error_at(in->name, 0, "a document is %s twice for its query", what);
out:
	free(count);
	return ret;
}

/* A judgement: optional sign and digits, within 32 bits. */
static int parse_rel(const char *s, size_t len, int32_t *out)
{
	const char *p = s, *end = s + len;
	int neg = 0;
	int64_t v = 0;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p == end)
		return -1;
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (*p - '0');
		if (v > (int64_t)INT32_MAX + 1)
			return -1;
	}
	if (neg)
		v = -v;
	if (v < INT32_MIN || v > INT32_MAX)
		return -1;
	*out = (int32_t)v;
	return 0;
}

int trec_qrels_parse(struct trec_qrels *qr)
{
	const char *buf = qr->in.buf, *end = buf + qr->in.len, *p = buf, *line;
	const char *last = NULL;
	size_t last_len = 0, nr = 0, i, *fill, maxn = 0, nrep = 0, alloc_rep = 0;
	size_t alloc_flat = qr->in.len / 12 + 16;   /* lines are rarely shorter */
	uint32_t last_q = TREC_NO_QUERY, *seen;
	struct trec_qrel *flat = xmalloc(alloc_flat * sizeof(*flat));
	struct trec_repeat *rep = NULL;
	int32_t *scratch;

	while (next_content(&p, end)) {
		const char *tok[4];
		size_t len[4];
		int32_t rel;
		uint32_t q;
		struct trec_qrel *r;

		line = p;
		for (i = 0; i < 4; i++)
			if (!field(&p, end, &tok[i], &len[i]))
				break;
		if (i < 4 || !line_done(&p, end)) {
			free(flat);
			return error_at(qr->in.name, trec_line_of(&qr->in, (size_t)(line - buf)),
					"malformed line: expected 'qid iter docno rel'");
		}
		if (parse_rel(tok[3], len[3], &rel) < 0) {
			free(flat);
			return error_at(qr->in.name, trec_line_of(&qr->in, (size_t)(line - buf)),
					"relevance '%.*s' is not a whole number",
					len[3] > 64 ? 64 : (int)len[3], tok[3]);
		}
		/* qrels usually come grouped by query: most lines have the last line's qid */
		if (last && len[0] == last_len && !memcmp(tok[0], last, last_len)) {
			q = last_q;
		} else {
			q = qids_get(&qr->qids, tok[0], len[0]);
			if (q == TREC_NO_QUERY) {
				q = (uint32_t)qr->nq;
				ALLOC_GROW(qr->q, qr->nq + 1, qr->alloc_q);
				memset(&qr->q[q], 0, sizeof(qr->q[q]));
				qr->q[q].name = (uint32_t)qr->qids.arena_len;
				qr->q[q].len = (uint32_t)len[0];
				qids_add(&qr->qids, tok[0], len[0], q);
				qr->nq++;
			}
			last = tok[0];
			last_len = len[0];
			last_q = q;
		}
		ALLOC_GROW(flat, nr + 1, alloc_flat);
		r = &flat[nr++];
		r->key = doc_key(tok[2], len[2], (size_t)(tok[2] - buf));
		r->rel = rel;
		r->q = q;
		qr->q[q].n++;
		qr->positive += rel > 0;
		qr->long_keys |= !KEY_SHORT(r->key);
	}

	/* group by query, keeping file order within a query */
	qr->nr = nr;
	qr->r = xmalloc((nr ? nr : 1) * sizeof(*qr->r));
	fill = xmalloc((qr->nq ? qr->nq : 1) * sizeof(*fill));
	for (i = 0; i < qr->nq; i++) {
		qr->q[i].first = i ? qr->q[i - 1].first + qr->q[i - 1].n : 0;
		fill[i] = qr->q[i].first;
		if (qr->q[i].n > maxn)
			maxn = qr->q[i].n;
	}
	for (i = 0; i < nr; i++)
		qr->r[fill[flat[i].q]++] = flat[i];
	free(fill);
	free(flat);

	/* repeated judgements, and each query's levels */
	seen = xcalloc(trec_table_size(maxn), sizeof(*seen));
	scratch = xmalloc((maxn ? maxn : 1) * sizeof(*scratch));
	qr->levels = xmalloc((nr ? nr : 1) * sizeof(*qr->levels));
	for (i = 0; i < qr->nq; i++) {
		struct trec_topic *qq = &qr->q[i];

		trec_find_repeats(&qr->r[qq->first].key, sizeof(*qr->r), qq->n, &qr->in,
				  (uint32_t)i, seen, trec_table_size(qq->n), &rep, &nrep,
				  &alloc_rep);
		qq->level0 = i ? qr->q[i - 1].level0 + qr->q[i - 1].nlevels : 0;
		query_levels(qr, qq, scratch);
	}
	free(seen);
	free(scratch);
	if (nrep) {
		int ret = trec_report_repeat(&qr->qids, &qr->in, rep, nrep, "judged");

		free(rep);
		return ret;
	}

	qr->order = xmalloc((qr->nq ? qr->nq : 1) * sizeof(*qr->order));
	for (i = 0; i < qr->nq; i++)
		qr->order[i] = (uint32_t)i;
	sort_qrels = qr;
	qsort(qr->order, qr->nq, sizeof(*qr->order), by_qid);
	return 0;
}

void trec_qrels_release(struct trec_qrels *qr)
{
	qids_release(&qr->qids);
	free(qr->q);
	free(qr->r);
	free(qr->levels);
	free(qr->order);
	trec_input_release(&qr->in);
}

