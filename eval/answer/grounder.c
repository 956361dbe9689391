/* grounder.c: grounding one title in the catalogue index: exact, normalised, then trigram-fuzzy look-ups. */
#include "eval/answer/index.h"

static uint32_t tri_lookup(const struct grounder *g, uint32_t code)
{
	size_t i;

	if (!g->tri_code)
		return NO_ITEM;
	for (i = tri_slot(code, g->tri_mask);; i = (i + 1) & g->tri_mask) {
		if (!g->tri_code[i])
			return NO_ITEM;
		if (g->tri_code[i] == code + 1)
			return g->tri_id[i];
	}
}

/* ---------------------------------------------------------------- grounding one title */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void gctx_init(struct gctx *cx, const struct grounder *g, const uint32_t *cand, size_t n_cand)
{
	memset(cx, 0, sizeof(*cx));
	cx->g = g;
	cx->cand = n_cand ? cand : NULL;
	cx->n_cand = cand ? n_cand : 0;
	strbuf_init(&cx->last_in, 0);
	strbuf_init(&cx->last_norm, 0);
	strbuf_init(&cx->tmp, 0);
	{
		size_t i;
		for (i = 0; i < FUZZY_MEMO; i++)
			strbuf_init(&cx->memo[i].norm, 0);
	}
	if (cx->n_cand > 8) {
		cx->cand_sorted = xmalloc(cx->n_cand * sizeof(*cx->cand_sorted));
		memcpy(cx->cand_sorted, cand, cx->n_cand * sizeof(*cand));
		qsort(cx->cand_sorted, cx->n_cand, sizeof(*cx->cand_sorted), cmp_u32);
	}
}

void gctx_release(struct gctx *cx)
{
	size_t i;

	strbuf_release(&cx->last_in);
	strbuf_release(&cx->last_norm);
	strbuf_release(&cx->tmp);
	for (i = 0; i < FUZZY_MEMO; i++)
		strbuf_release(&cx->memo[i].norm);
	free(cx->cand_sorted);
	free(cx->tri);
	free(cx->qid);
	free(cx->keys);
	if (cx->fs) {
		pthread_mutex_lock(&cx->g->pool->lock);
		cx->fs->next = cx->g->pool->free;
		cx->g->pool->free = cx->fs;
		pthread_mutex_unlock(&cx->g->pool->lock);
	}
	memset(cx, 0, sizeof(*cx));
}

int gctx_in_cand(const struct gctx *cx, uint32_t item)
{
	size_t i;

	if (!cx->cand)
		return 0;
	if (cx->cand_sorted)
		return bsearch(&item, cx->cand_sorted, cx->n_cand, sizeof(item), cmp_u32) != NULL;
	for (i = 0; i < cx->n_cand; i++)
		if (cx->cand[i] == item)
			return 1;
	return 0;
}

/* Normalise s (cached: the extractor tries one title several ways); the result is in cx->last_norm. */
static int normalize_cached(struct gctx *cx, const char *s, size_t n)
{
	if (cx->last_valid && cx->last_in.len == n && !memcmp(cx->last_in.buf, s, n))
		return cx->last_year;
	strbuf_reset(&cx->last_in);
	strbuf_add(&cx->last_in, s, n);
	strbuf_reset(&cx->last_norm);
	cx->last_year = normalize_into(&cx->last_norm, s, n);
	cx->last_valid = 1;
	return cx->last_year;
}

/*
 * The item of key k for an answer naming year (0: none): the nearest year,
 * then an item's own title before an alternative one, then the lowest
 * index; only candidates when restrict is set. NO_ITEM when none qualifies.
 */
static uint32_t key_pick(const struct gctx *cx, uint32_t k, int year, int restrict_cand)
{
	const struct grounder *g = cx->g;
	uint32_t best = NO_ITEM, i;
	int best_d = INT_MAX, best_alt = 3;

	for (i = g->kent_off[k]; i < g->kent_off[k + 1]; i++) {
		const struct kentry *e = &g->kent[i];
		int d = 0;
		if (restrict_cand && !gctx_in_cand(cx, e->item))
			continue;
		if (year)
			d = e->year ? abs(e->year - year) : 5000;
		if (d < best_d || (d == best_d && (e->alt < best_alt || (e->alt == best_alt && e->item < best)))) {
			best = e->item;
			best_d = d;
			best_alt = e->alt;
		}
	}
	return best;
}

/* A normalised string ending in a bare year ("toy story 1995"): its length without it, and the year; else 0. */
static size_t bare_year(const char *s, size_t n, int *year)
{
	int y;

	if (n < 6 || s[n - 5] != ' ')
		return 0;
	if (!isdigit((unsigned char)s[n - 4]) || !isdigit((unsigned char)s[n - 3]) ||
	    !isdigit((unsigned char)s[n - 2]) || !isdigit((unsigned char)s[n - 1]))
		return 0;
	if (n > 5 && isdigit((unsigned char)s[n - 6]))
		return 0;
	y = (s[n - 4] - '0') * 1000 + (s[n - 3] - '0') * 100 + (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	/* a number past the near future is a title's ("Blade Runner 2049"), not a release year */
	if (y < 1870 || y > 2035)
		return 0;
	*year = y;
	return n - 5;
}

static int norm_lookup(struct gctx *cx, const char *ns, size_t n, int year, int restrict_cand, uint32_t *item)
{
	uint32_t k;

	if (!n || strmap_get(&cx->g->norm, ns, n, &k) < 0)
		return 0;
	*item = key_pick(cx, k, year, restrict_cand);
	return *item != NO_ITEM;
}

static void set_match(struct match *m, uint32_t item, enum ground_how how, double score)
{
	m->item = item;
	m->how = how;
	m->score = score;
}

int ground_strict(struct gctx *cx, const char *s, size_t n, struct match *m)
{
	const struct grounder *g = cx->g;
	const struct dataset *ds = g->ds;
	uint32_t item;
	size_t i, nn, bn;
	const char *ns;
	int year, by = 0;

	title_trim(&s, &n);
	if (!n)
		return 0;
	year = normalize_cached(cx, s, n);
	ns = cx->last_norm.buf;
	nn = cx->last_norm.len;
	bn = year ? 0 : bare_year(ns, nn, &by);
	if (cx->cand) {
		for (i = 0; i < cx->n_cand; i++) {
			const char *t;
			if (cx->cand[i] >= ds->n_items)
				continue;
			t = item_label(ds, cx->cand[i]);
			if (strlen(t) == n && !memcmp(t, s, n)) {
				set_match(m, cx->cand[i], GROUND_EXACT, 1);
				return 1;
			}
		}
		if (norm_lookup(cx, ns, nn, year, 1, &item) || (bn && norm_lookup(cx, ns, bn, by, 1, &item))) {
			set_match(m, item, GROUND_NORMALIZED, 1);
			return 1;
		}
	}
	if (!strmap_get(&g->exact, s, n, &item)) {
		set_match(m, item, GROUND_EXACT, 1);
		return 1;
	}
	if (norm_lookup(cx, ns, nn, year, 0, &item) || (bn && norm_lookup(cx, ns, bn, by, 0, &item))) {
		set_match(m, item, GROUND_NORMALIZED, 1);
		return 1;
	}
	return 0;
}

/* |a ∩ b| of two ascending arrays, or anything below need once need is out of reach. */
static size_t merge_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t need)
{
	size_t i = 0, j = 0, c = 0;

	/* branch-free steps: which side advances depends on the data, and would mispredict */
	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];
		c += x == y;
		i += x <= y;
		j += y <= x;
		if (c + (na - i < nb - j ? na - i : nb - j) < need)
			return c;
	}
	return c;
}

/*
 * Are the normalised strings a and b within FUZZY_EDIT_SHARE edits of the
 * longer (spaces left out)? Optimal string alignment distance, stopping
 * as soon as the bound is passed.
 */
static int edit_close(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned char x[FUZZY_MAX_LEN], y[FUZZY_MAX_LEN];
	unsigned short r0[FUZZY_MAX_LEN + 2], r1[FUZZY_MAX_LEN + 2], r2[FUZZY_MAX_LEN + 2];
	unsigned short *pp = r0, *p = r1, *c = r2, *t;
	size_t lx = 0, ly = 0, i, j, bound, inf;

	for (i = 0; i < na && lx < FUZZY_MAX_LEN; i++)
		if (a[i] != ' ')
			x[lx++] = (unsigned char)a[i];
	for (i = 0; i < nb && ly < FUZZY_MAX_LEN; i++)
		if (b[i] != ' ')
			y[ly++] = (unsigned char)b[i];
	bound = (size_t)(FUZZY_EDIT_SHARE * (double)(lx > ly ? lx : ly) + EPS);
	if ((lx > ly ? lx - ly : ly - lx) > bound)
		return 0;
	/* only cells within bound of the diagonal can stay within bound: the rest count as too far */
	inf = bound + 1;
	for (j = 0; j <= ly + 1; j++)
		pp[j] = p[j] = c[j] = (unsigned short)inf;
	for (j = 0; j <= ly && j <= bound; j++)
		p[j] = (unsigned short)j;
	for (i = 1; i <= lx; i++) {
		size_t lo = i > bound ? i - bound : 1, hi = i + bound < ly ? i + bound : ly;
		unsigned short best = (unsigned short)inf;
		c[lo - 1] = (unsigned short)(lo == 1 && i <= bound ? i : inf);
		for (j = lo; j <= hi; j++) {
			unsigned short v = (unsigned short)(p[j - 1] + (x[i - 1] != y[j - 1]));
			if (p[j] + 1 < v)
				v = (unsigned short)(p[j] + 1);
			if (c[j - 1] + 1 < v)
				v = (unsigned short)(c[j - 1] + 1);
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && pp[j - 2] + 1 < v)
				v = (unsigned short)(pp[j - 2] + 1);
			if (v > inf)
				v = (unsigned short)inf;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (hi + 1 <= ly)
			c[hi + 1] = (unsigned short)inf;
		if (best > bound)
			return 0;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[ly] <= bound;
}

struct fbest {
	double score;
	uint32_t item;
};

/*
 * Consider key k for the query ns[0..n) of q trigrams (known ranks
 * qid[0..nq), ascending). c0 trigrams are known shared, all of them ranked
 * before qid[qs] and before the key's trigram at ks: the rest of the
 * overlap is in the two suffixes (0, 0, 0 to merge everything).
 */
static void fuzzy_try_key(const struct gctx *cx, uint32_t k, const char *ns, size_t n, const uint32_t *qid,
			  size_t nq, size_t q, uint64_t num, int year, int restrict_cand, struct fbest *best,
			  size_t c0, size_t qs, size_t ks)
{
	const struct grounder *g = cx->g;
	const struct keyinfo *ki = &g->kinfo[k];
	size_t b = ki->size, c, need;
	const char *key;
	double d;
	uint32_t item;

	if (!b || ki->num != num)
		return;
	need = (size_t)ceil((best->score > g->thr ? best->score : g->thr) * (double)(q + b) / 2 - EPS);
	if (c0 + (nq - qs < b - ks ? nq - qs : b - ks) < need)
		return;
	c = c0 + merge_count(qid + qs, nq - qs, g->ktri + ki->tri + ks, b - ks, need > c0 ? need - c0 : 0);
	d = 2.0 * (double)c / (double)(q + b);
	if (d < g->thr - EPS || d < best->score - EPS)
		return;
	key = g->keybuf + g->key_at[k];
	if (!edit_close(ns, n, key, strlen(key)))
		return;
	item = key_pick(cx, k, year, restrict_cand);
	if (item == NO_ITEM)
		return;
	/* a near title with a year a film apart is another film: "Predators (2010)" is not Predator (1987) */
	if (year && g->item_year[item] && abs(g->item_year[item] - year) > FUZZY_YEAR_SLACK)
		return;
	if (d > best->score + EPS || item < best->item) {
		best->score = d;
		best->item = item;
	}
}

/* Fuzzy grounding of the normalised string ns[0..n). */
static int fuzzy_norm(struct gctx *cx, const char *ns, size_t n, int year, struct match *m)
{
	const struct grounder *g = cx->g;
	struct fbest best = { -1, NO_ITEM };
	size_t q, nq = 0, i, j;
	uint64_t num;
	double thr = g->thr;

	if (n < FUZZY_MIN_LEN || n > FUZZY_MAX_LEN || !g->n_keys)
		return 0;
	if (cx->tri_alloc < n + 2) {
		cx->tri_alloc = FUZZY_MAX_LEN + 2;
		cx->tri = xrealloc(cx->tri, cx->tri_alloc * sizeof(*cx->tri));
		cx->qid = xrealloc(cx->qid, cx->tri_alloc * sizeof(*cx->qid));
	}
	q = trigrams(ns, n, cx->tri);
	num = number_sig(ns, n);
	for (i = 0; i < q; i++) {
		uint32_t id = tri_lookup(g, cx->tri[i]);
		if (id != NO_ITEM)
			cx->qid[nq++] = id;
	}
	sort_u32(cx->qid, nq);

	/* among the candidates: a direct comparison with each */
	if (cx->cand) {
		for (i = 0; i < cx->n_cand; i++) {
			const uint32_t *slots;
			if (cx->cand[i] >= g->ds->n_items)
				continue;
			slots = g->item_keys + (size_t)cx->cand[i] * KEYS_PER_ITEM;
			for (j = 0; j < KEYS_PER_ITEM && slots[j] != NO_ITEM; j++)
				fuzzy_try_key(cx, slots[j], ns, n, cx->qid, nq, q, num, year, 1, &best, 0, 0, 0);
		}
		if (best.item != NO_ITEM)
			goto found;
	}

	/*
	 * The whole catalogue through the postings of the query's prefix: its
	 * rarest q - mo + 1 trigrams, mo = ceil(t q / (2 - t)) (trigrams no key
	 * has are the rarest of all, and match nothing). A key qualifies only
	 * if its size is within what Dice >= t allows, and (positional
	 * filtering, PPJoin) while the trigrams it has shared so far, plus one,
	 * plus what is left after this one in the query and in the key, can
	 * still reach the overlap t (q + b) / 2 the pair needs.
	 */
	{
		size_t mo = min_overlap(thr, q), p, unknown = q - nq, nk = 0, ql = 0;
		size_t bmin = mo, bmax = (size_t)floor((2 - thr) * (double)q / thr + EPS);
		size_t lmin, lmax;
		uint32_t stamp, *seen;
		uint8_t qnumh = num_byte(num);
		uint16_t need[256];             /* the overlap a key of b trigrams needs: t (q + b) / 2 */

		/* the lengths (without spaces) edit_close() can accept: |l - ql| <= share * max(l, ql) */
		for (i = 0; i < n; i++)
			ql += ns[i] != ' ';
		lmin = ql - (size_t)(FUZZY_EDIT_SHARE * (double)ql + EPS);
		lmax = (size_t)floor((double)ql / (1 - FUZZY_EDIT_SHARE) + EPS);

		if (mo > q)
			return 0;
		p = q - mo + 1;
		if (p <= unknown)
			return 0;
		p -= unknown;
		if (bmax > 255)
			bmax = 255;
		for (i = bmin; i <= bmax; i++)
			need[i] = (uint16_t)ceil(thr * (double)(q + i) / 2 - EPS);
		/*
		 * per key, one word: this look-up's stamp, the trigrams shared so far
		 * (0xFF: ruled out), and the places just after the last shared one in
		 * the query and in the key, where verification resumes; a byte each
		 * (trigram places and counts are under 256)
		 */
		if (!cx->fs) {
			pthread_mutex_lock(&g->pool->lock);
			if ((cx->fs = g->pool->free))
				g->pool->free = cx->fs->next;
			pthread_mutex_unlock(&g->pool->lock);
			if (!cx->fs) {
				cx->fs = xcalloc(1, sizeof(*cx->fs));
				cx->fs->seen = xcalloc(g->n_keys, sizeof(*cx->fs->seen));
			}
		}
		if (++cx->fs->stamp > 0xFF) {
			memset(cx->fs->seen, 0, g->n_keys * sizeof(*cx->fs->seen));
			cx->fs->stamp = 1;
		}
		stamp = cx->fs->stamp << 24;
		seen = cx->fs->seen;
		for (i = 0; i < p && i < nq; i++) {
			uint32_t t = cx->qid[i];
			size_t qrest = nq - i - 1;      /* query trigrams after this one */
			size_t lo = g->post_off[t], hi = g->post_off[t + 1];
			const struct posting *e;
			while (lo < hi) {               /* the first posting of a key long enough */
				size_t mid = lo + (hi - lo) / 2;
				if (g->post[mid].len < lmin)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (e = g->post + lo; e < g->post + g->post_off[t + 1] && e->len <= lmax; e++) {
				size_t b = e->size, rest, shared;
				uint32_t *sk;
				if (b < bmin || b > bmax || e->numh != qnumh)
					continue;
				sk = &seen[e->key];
				if ((*sk & 0xFF000000u) != stamp) {
					*sk = stamp;
					ALLOC_GROW(cx->keys, nk + 1, cx->keys_alloc);
					cx->keys[nk++] = e->key;
				}
				shared = (*sk >> 16) & 0xFF;
				if (shared == 0xFF)
					continue;       /* ruled out */
				rest = qrest < b - e->pos - 1 ? qrest : b - e->pos - 1;
				if (shared + 1 + rest < need[b]) {
					*sk = stamp | 0xFF0000u;
					continue;
				}
				*sk = stamp | (uint32_t)(shared + 1) << 16 | (uint32_t)(i + 1) << 8 | (uint32_t)(e->pos + 1);
			}
		}
		for (i = 0; i < nk; i++) {
			uint32_t k = cx->keys[i], w = seen[k], sh = (w >> 16) & 0xFF;
			if (sh != 0xFF)
				fuzzy_try_key(cx, k, ns, n, cx->qid, nq, q, num, year, 0, &best, sh, (w >> 8) & 0xFF, w & 0xFF);
		}
	}
	if (best.item == NO_ITEM)
		return 0;
found:
	set_match(m, best.item, GROUND_FUZZY, best.score);
	return 1;
}

int ground_fuzzy(struct gctx *cx, const char *s, size_t n, struct match *m)
{
	size_t bn, i;
	int year, by = 0, found;
	struct fuzzy_memo *fm;

	title_trim(&s, &n);
	if (!n)
		return 0;
	year = normalize_cached(cx, s, n);
	/* one answer tries a title several ways; most ways normalise alike */
	for (i = 0; i < FUZZY_MEMO; i++) {
		fm = &cx->memo[i];
		if (fm->valid && fm->year == year && fm->norm.len == cx->last_norm.len &&
		    !memcmp(fm->norm.buf, cx->last_norm.buf, cx->last_norm.len)) {
			*m = fm->m;
			return fm->found;
		}
	}
	found = fuzzy_norm(cx, cx->last_norm.buf, cx->last_norm.len, year, m);
	if (!found) {
		bn = year ? 0 : bare_year(cx->last_norm.buf, cx->last_norm.len, &by);
		found = bn && fuzzy_norm(cx, cx->last_norm.buf, bn, by, m);
	}
	fm = &cx->memo[cx->memo_next++ % FUZZY_MEMO];
	fm->valid = 1;
	fm->year = year;
	strbuf_reset(&fm->norm);
	strbuf_add(&fm->norm, cx->last_norm.buf, cx->last_norm.len);
	fm->found = found;
	if (found)
		fm->m = *m;
	return found;
}

int ground_title(struct grounded *out, const struct grounder *g, const char *text, size_t len,
		 const uint32_t *cand, size_t n_cand)
{
	struct gctx cx;
	struct match m = { NO_ITEM, GROUND_NONE, 0 };
	const char *s = text ? text : "";
	size_t n = text ? len : 0;
	int ok;

	if (n > ANSWER_MAX_BYTES)
		n = ANSWER_MAX_BYTES;
	title_trim(&s, &n);
	gctx_init(&cx, g, cand, n_cand);
	ok = ground_strict(&cx, s, n, &m) || ground_fuzzy(&cx, s, n, &m);
	out->text = xstrndup(s, n);
	out->item = ok ? m.item : NO_ITEM;
	out->how = ok ? m.how : GROUND_NONE;
	out->score = ok ? m.score : 0;
	out->in_candidates = ok && gctx_in_cand(&cx, m.item);
	gctx_release(&cx);
	return ok;
}
