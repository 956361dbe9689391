/* qrels.h: the qrels of the trec engine (qid table, judgements grouped by query, judgement levels) and the check for repeated documents. */
#ifndef TREC_QRELS_H
#define TREC_QRELS_H

#include "eval/trec/scan.h"
#include "metrics/trec.h"

/*
 * The qids of the qrels. Every thread looks every run line up here at once
 * (read-only by then), so a lookup should touch one slot of a small table:
 * a qid of up to 8 bytes is packed in its slot's key as docnos are (see
 * doc_key()), and only a longer one is compared with its copy in an arena.
 */
struct trec_qid_slot {
	uint64_t key;
	uint32_t q1;         /* query index + 1; 0: empty */
	uint32_t len;
};

struct trec_qid_name {
	uint32_t off, len;   /* in the arena */
};

struct trec_qids {
	struct trec_qid_slot *slots;
	size_t mask, n;
	struct trec_qid_name *names;   /* by query index */
	size_t alloc_names;
	char *arena;
	size_t arena_len, arena_alloc;
};

/* Start fetching the slot of qid key k, to look it up a little later. */
static inline void qids_prefetch(const struct trec_qids *t, uint64_t k)
{
	if (t->slots)
		__builtin_prefetch(&t->slots[(size_t)mix64(k) & t->mask]);
}

/* The query index of qid s (len bytes, key k = qid_key(s, len)), or TREC_NO_QUERY. */
static inline uint32_t qids_find(const struct trec_qids *t, const char *s, size_t len,
				 uint64_t k)
{
	size_t i;

	if (!t->slots)
		return TREC_NO_QUERY;
	for (i = (size_t)mix64(k) & t->mask; t->slots[i].q1; i = (i + 1) & t->mask) {
		const struct trec_qid_slot *e = &t->slots[i];

		if (e->key == k && e->len == len) {
			const struct trec_qid_name *nm = &t->names[e->q1 - 1];

			if (KEY_SHORT(k) || bytes_eq(t->arena + nm->off, s, len))
				return e->q1 - 1;
		}
	}
	return TREC_NO_QUERY;
}

static inline uint32_t qids_get(const struct trec_qids *t, const char *s, size_t len)
{
	return qids_find(t, s, len, qid_key(s, len));
}

/* One qrels line. */
struct trec_qrel {
	uint64_t key;        /* of the docno */
	int32_t rel;
	uint32_t q;          /* query index */
};

/* One query of the qrels. */
struct trec_topic {
	uint32_t name, len;  /* qid in the qids arena */
	size_t first, n;     /* its judgements in qrels.r */
	size_t level0;       /* first of its levels in qrels.levels */
	size_t nlevels;
};

/* The qrels file; queries are numbered in the order of their first line. */
struct trec_qrels {
	struct trec_input in;
	struct trec_qids qids;
	struct trec_topic *q;
	size_t nq, alloc_q;
	struct trec_qrel *r;        /* grouped by query, file order within one */
	size_t nr;
	struct trec_level *levels;  /* each query's, from its level0 on */
	uint32_t *order;            /* query indexes by qid in strcmp order */
	size_t positive;            /* judgements > 0 */
	int long_keys;              /* some docno is read again from the file */
};

/*
 * Read the qrels in qr->in (loaded by the caller; qr is otherwise zeroed):
 * lines 'qid iter docno rel', blank lines and '#' comments skipped, any
 * order. Fills every other field. Returns 0, or -1 after a message naming
 * the file and line: a malformed line, a judgement that is not a whole
 * number, or a document judged twice for a query. qr owns its memory
 * either way; trec_qrels_release() frees it and releases qr->in.
 */
int trec_qrels_parse(struct trec_qrels *qr);
void trec_qrels_release(struct trec_qrels *qr);

/* A (query, docno) found twice; only the error path looks for its line. */
struct trec_repeat {
	uint32_t q;
	uint64_t key;
	const struct trec_input *in;   /* the file of key */
};

/*
 * Every occurrence after the first of a docno among n keys (of file in,
 * stride bytes apart: a field of an array of structs) of query q, appended
 * to *out (grown with ALLOC_GROW, count *nout, capacity *alloc; the caller
 * frees it). seen is a zeroed table of cap slots (a power of two, at least
 * 2n: trec_table_size(n)), left zeroed.
 */
void trec_find_repeats(const uint64_t *keys, size_t stride, size_t n,
		       const struct trec_input *in, uint32_t q, uint32_t *seen, size_t cap, struct trec_repeat **out,
		       size_t *nout, size_t *alloc);

/* The slots of a hash table for n entries: a power of two >= 2n, at least 16. */
size_t trec_table_size(size_t n);

/*
 * Error path: read in again and report the first line that names a
 * (query, docno) already named, among the nrep repeats found; what is
 * "judged" or "retrieved". Always returns -1, after the message.
 */
int trec_report_repeat(const struct trec_qids *qids, const struct trec_input *in,
		       const struct trec_repeat *rep, size_t nrep, const char *what);

#endif
