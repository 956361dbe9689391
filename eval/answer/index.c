/* index.c: building the grounder's catalogue index: exact titles, normalised keys, trigram postings (PPJoin prefixes). */
#include "eval/answer/index.h"

/* ---------------------------------------------------------------- building the index */

struct raw_key {
	uint32_t off, len;    /* in the key buffer */
	uint32_t item;
	int16_t year;
	uint8_t alt;
};

static void add_raw(struct raw_key **v, size_t *n, size_t *alloc, uint32_t off, uint32_t len, uint32_t item,
		    int year, int alt)
{
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[*n].off = off;
	(*v)[*n].len = len;
	(*v)[*n].item = item;
	(*v)[*n].year = (int16_t)year;
	(*v)[*n].alt = (uint8_t)alt;
	(*n)++;
}

/*
 * Add the normalised s[0..len) as a weak key (alt 2) of item when it has at
 * least two words other than articles and small words, and is not a bare
 * "Part II" / "Vol. 1" / "Episode IV".
 */
static void add_weak_key(struct strbuf *kb, struct raw_key **v, size_t *n, size_t *alloc, const char *s, size_t len,
			 uint32_t item, int year)
{
	static const char *const small[] = { "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "with", "for", "by" };
	static const char *const numbered[] = { "part ", "vol ", "volume ", "episode ", "chapter ", "book " };
	size_t start = kb->len, i, words = 0, k;
	const char *key;

	normalize_into(kb, s, len);
	key = kb->buf + start;
	for (i = start; i < kb->len;) {
		size_t j = i;
		int is_small = 0;
		while (j < kb->len && kb->buf[j] != ' ')
			j++;
		for (k = 0; k < ARRAY_SIZE(small); k++)
			is_small |= strlen(small[k]) == j - i && !memcmp(kb->buf + i, small[k], j - i);
		words += !is_small;
		i = j + 1;
	}
	for (k = 0; k < ARRAY_SIZE(numbered); k++)
		if (!strncmp(key, numbered[k], strlen(numbered[k])) && !strchr(key + strlen(numbered[k]), ' '))
			words = 0;
	if (words >= 2) {
		add_raw(v, n, alloc, (uint32_t)start, (uint32_t)(kb->len - start), item, year, 2);
		strbuf_addch(kb, '\0');
	} else {
		strbuf_setlen(kb, start);
	}
}

/*
 * Weak keys of a title with subtitles, "Star Wars: Episode IV - A New
 * Hope": the main title before ": " ("Star Wars"), the subtitle after it
 * ("Episode IV - A New Hope"), the last part after " - " ("A New Hope"),
 * and the main title with that last part ("Star Wars: A New Hope"). A
 * trailing MovieLens article ("Two Towers, The") is the subtitle's own.
 */
static void subtitle_keys(struct strbuf *kb, struct raw_key **v, size_t *n, size_t *alloc, const char *s, size_t m,
			  uint32_t item, int year)
{
	size_t colon = SIZE_MAX, dash = SIZE_MAX, dl = 0, i;
	struct strbuf combo = STRBUF_INIT;

	for (i = 0; i + 1 < m; i++)
		if (s[i] == ':' && s[i + 1] == ' ') {
			colon = i;
			break;
		}
	for (i = m; i-- > 1;) {
		if (i + 3 <= m && !memcmp(s + i, " - ", 3)) {
			dash = i, dl = 3;
			break;
		}
		if (i + 5 <= m && (!memcmp(s + i, " \xE2\x80\x93 ", 5) || !memcmp(s + i, " \xE2\x80\x94 ", 5))) {
			dash = i, dl = 5;
			break;
		}
	}
	if (colon != SIZE_MAX && colon > 0) {
		add_weak_key(kb, v, n, alloc, s, colon, item, year);
		add_weak_key(kb, v, n, alloc, s + colon + 2, m - colon - 2, item, year);
	}
	if (dash != SIZE_MAX && (colon == SIZE_MAX || dash > colon)) {
		add_weak_key(kb, v, n, alloc, s + dash + dl, m - dash - dl, item, year);
		if (colon != SIZE_MAX) {
			strbuf_add(&combo, s, colon);
			strbuf_addstr(&combo, ": ");
			strbuf_add(&combo, s + dash + dl, m - dash - dl);
			add_weak_key(kb, v, n, alloc, combo.buf, combo.len, item, year);
		}
	}
	strbuf_release(&combo);
}

/*
 * The keys of one title: its normalised form; for a title ending in
 * parenthesised groups ("Bicycle Thieves (a.k.a. The Bicycle Thief)
 * (Ladri di biciclette) (1948)"), also the title without them and the text
 * of each group, "a.k.a." dropped; for a title with subtitles, the weak
 * keys of subtitle_keys() (any item's own title or alternative wins over
 * those).
 */
static void title_keys(struct strbuf *kb, struct raw_key **v, size_t *n, size_t *alloc, const char *t,
		       uint32_t item)
{
	size_t tn = strlen(t), start = kb->len, m, groups = 0;
	int year = normalize_into(kb, t, tn);
	const char *s = t;

	if (kb->len > start) {
		add_raw(v, n, alloc, (uint32_t)start, (uint32_t)(kb->len - start), item, year, 0);
		strbuf_addch(kb, '\0');
	}
	m = tn;
	title_trim(&s, &m);
	strip_year(s, &m);
	while (groups < MAX_ALT_GROUPS) {
		size_t close, open;
		int depth = 0;
		const char *a;
		size_t an;

		while (m && isspace((unsigned char)s[m - 1]))
			m--;
		if (!m || s[m - 1] != ')')
			break;
		close = m - 1;
		for (open = close + 1; open-- > 0;) {
			if (s[open] == ')')
				depth++;
			else if (s[open] == '(' && --depth == 0)
				break;
		}
		if (depth || open == 0)
			break;
		a = s + open + 1;
		an = close - open - 1;
		title_trim(&a, &an);
		if (an >= 9 && !strncasecmp(a, "a.k.a. ", 7))
			a += 7, an -= 7;
		else if (an >= 5 && !strncasecmp(a, "aka ", 4))
			a += 4, an -= 4;
		start = kb->len;
		normalize_into(kb, a, an);
		if (kb->len > start) {
			add_raw(v, n, alloc, (uint32_t)start, (uint32_t)(kb->len - start), item, year, 1);
			strbuf_addch(kb, '\0');
		}
		m = open;
		groups++;
	}
	if (groups) {
		start = kb->len;
		normalize_into(kb, s, m);
		if (kb->len > start) {
			add_raw(v, n, alloc, (uint32_t)start, (uint32_t)(kb->len - start), item, year, 1);
			strbuf_addch(kb, '\0');
		}
	}
	subtitle_keys(kb, v, n, alloc, s, m, item, year);
}


static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void build_trigrams(struct grounder *g)
{
	uint32_t k, *buf = xmalloc((FUZZY_MAX_LEN + 2) * sizeof(*buf));
	uint32_t *ids = NULL, *df, *rank, *cnt;
	uint64_t *order;
	size_t n_ids = 0, alloc_ids = 0, cap = 1024, i;

	g->ktri_off = xcalloc(g->n_keys + 1, sizeof(*g->ktri_off));
	g->knum = xcalloc(g->n_keys ? g->n_keys : 1, sizeof(*g->knum));
	while (cap < (size_t)g->n_keys * 8)
		cap *= 2;
	g->tri_mask = cap - 1;
	g->tri_code = xcalloc(cap, sizeof(*g->tri_code));
	g->tri_id = xcalloc(cap, sizeof(*g->tri_id));

	/*
	 * every key's distinct trigrams, as ids in order of first appearance;
	 * keys that are only main titles or subtitles ("Star Wars", "The
	 * Empire Strikes Back") are matched by their normalised form alone
	 */
	for (k = 0; k < g->n_keys; k++) {
		const char *s = g->keybuf + g->key_at[k];
		size_t n = strlen(s), q, j;
		int strong = 0;

		g->knum[k] = number_sig(s, n);
		g->ktri_off[k] = (uint32_t)n_ids;
		for (j = g->kent_off[k]; j < g->kent_off[k + 1]; j++)
			strong |= g->kent[j].alt < 2;
		if (n > FUZZY_MAX_LEN || !strong)
			continue;
		q = trigrams(s, n, buf);
		ALLOC_GROW(ids, n_ids + q, alloc_ids);
		for (j = 0; j < q; j++) {
			uint32_t code = buf[j];
			size_t slot;
			for (slot = tri_slot(code, g->tri_mask);; slot = (slot + 1) & g->tri_mask) {
				if (!g->tri_code[slot]) {
					if ((g->n_tri + 1) * 2 > cap) {
						/* grow: rehash every code */
						uint32_t *oc = g->tri_code, *oi = g->tri_id;
						size_t ocap = cap, t;
						cap *= 2;
						g->tri_mask = cap - 1;
						g->tri_code = xcalloc(cap, sizeof(*g->tri_code));
						g->tri_id = xcalloc(cap, sizeof(*g->tri_id));
						for (t = 0; t < ocap; t++)
							if (oc[t]) {
								size_t s2 = tri_slot(oc[t] - 1, g->tri_mask);
								while (g->tri_code[s2])
									s2 = (s2 + 1) & g->tri_mask;
								g->tri_code[s2] = oc[t];
								g->tri_id[s2] = oi[t];
							}
						free(oc);
						free(oi);
						slot = tri_slot(code, g->tri_mask);
						continue;
					}
					g->tri_code[slot] = code + 1;
					g->tri_id[slot] = g->n_tri++;
					break;
				}
				if (g->tri_code[slot] == code + 1)
					break;
			}
			ids[n_ids + j] = g->tri_id[slot];
		}
		n_ids += q;
	}
	g->ktri_off[g->n_keys] = (uint32_t)n_ids;

	/* ranks: rarest first; the table then maps each code to its rank */
	df = xcalloc((size_t)g->n_tri + 1, sizeof(*df));
	for (i = 0; i < n_ids; i++)
		df[ids[i]]++;
	order = xmalloc(((size_t)g->n_tri + 1) * sizeof(*order));
	rank = xmalloc(((size_t)g->n_tri + 1) * sizeof(*rank));
	for (i = 0; i < g->n_tri; i++)
		order[i] = ((uint64_t)df[i] << 32) | i;   /* by keys holding it, then by first appearance */
	qsort(order, g->n_tri, sizeof(*order), cmp_u64);
	for (i = 0; i < g->n_tri; i++)
		rank[(uint32_t)order[i]] = (uint32_t)i;
	for (i = 0; i <= g->tri_mask; i++)
		if (g->tri_code[i])
			g->tri_id[i] = rank[g->tri_id[i]];
	for (i = 0; i < n_ids; i++)
		ids[i] = rank[ids[i]];
	for (k = 0; k < g->n_keys; k++)
		sort_u32(ids + g->ktri_off[k], g->ktri_off[k + 1] - g->ktri_off[k]);
	g->ktri = ids ? ids : xmalloc(sizeof(*ids));

	/* postings of the key prefixes */
	cnt = xcalloc((size_t)g->n_tri + 1, sizeof(*cnt));
	for (k = 0; k < g->n_keys; k++) {
		size_t b = g->ktri_off[k + 1] - g->ktri_off[k], pb;
		if (!b)
			continue;
		pb = b - min_overlap(g->thr, b) + 1;
		for (i = 0; i < pb; i++)
			cnt[g->ktri[g->ktri_off[k] + i] + 1]++;
	}
	for (i = 0; i < g->n_tri; i++)
		cnt[i + 1] += cnt[i];
	g->post_off = xmalloc(((size_t)g->n_tri + 1) * sizeof(*g->post_off));
	memcpy(g->post_off, cnt, ((size_t)g->n_tri + 1) * sizeof(*cnt));
	g->post = xmalloc((cnt[g->n_tri] ? cnt[g->n_tri] : 1) * sizeof(*g->post));
	/* keys by length without spaces, so every posting list comes out sorted by it */
	{
		uint64_t *by_len = xmalloc((g->n_keys ? g->n_keys : 1) * sizeof(*by_len));
		for (k = 0; k < g->n_keys; k++) {
			const char *key = g->keybuf + g->key_at[k];
			uint64_t l = 0;
			for (; *key; key++)
				l += *key != ' ';
			by_len[k] = (l << 32) | k;
		}
		qsort(by_len, g->n_keys, sizeof(*by_len), cmp_u64);
		for (i = 0; i < g->n_keys; i++) {
			size_t b, pb, x;
			k = (uint32_t)by_len[i];
			b = g->ktri_off[k + 1] - g->ktri_off[k];
			if (!b)
				continue;
			pb = b - min_overlap(g->thr, b) + 1;
			for (x = 0; x < pb; x++) {
				struct posting *e = &g->post[cnt[g->ktri[g->ktri_off[k] + x]]++];
				e->key = k;
				e->len = (uint8_t)(by_len[i] >> 32);   /* keys over FUZZY_MAX_LEN have no trigrams */
				e->numh = num_byte(g->knum[k]);
				e->pos = (uint8_t)x;
				e->size = (uint8_t)b;
			}
		}
		free(by_len);
	}
	g->kinfo = xmalloc((g->n_keys ? g->n_keys : 1) * sizeof(*g->kinfo));
	for (k = 0; k < g->n_keys; k++) {
		g->kinfo[k].tri = g->ktri_off[k];
		g->kinfo[k].size = g->ktri_off[k + 1] - g->ktri_off[k];
		g->kinfo[k].num = g->knum[k];
	}
	free(cnt);
	free(df);
	free(order);
	free(rank);
	free(buf);
}

struct grounder *grounder_new(const struct dataset *ds, double fuzzy_threshold)
{
	struct grounder *g = xcalloc(1, sizeof(*g));
	struct strbuf kb = STRBUF_INIT;
	struct raw_key *raw = NULL;
	size_t n_raw = 0, alloc_raw = 0, i, ni = ds->n_items;
	uint32_t *rawkey;

	g->ds = ds;
	g->thr = fuzzy_threshold > 0 ? (fuzzy_threshold > 1 ? 1 : fuzzy_threshold) : GROUND_FUZZY_DEFAULT;
	g->item_keys = xmalloc((ni ? ni : 1) * KEYS_PER_ITEM * sizeof(*g->item_keys));
	g->item_year = xcalloc(ni ? ni : 1, sizeof(*g->item_year));
	for (i = 0; i < ni * KEYS_PER_ITEM; i++)
		g->item_keys[i] = NO_ITEM;

	for (i = 0; i < ni; i++) {
		const char *label = item_label(ds, (uint32_t)i);
		strmap_put(&g->exact, label, strlen(label), (uint32_t)i, NULL);
		if (ds->items[i].title)
			title_keys(&kb, &raw, &n_raw, &alloc_raw, ds->items[i].title, (uint32_t)i);
	}
	g->keybuf = strbuf_detach(&kb, NULL);

	/* key ids in order of first appearance; the buffer no longer moves */
	rawkey = xmalloc((n_raw ? n_raw : 1) * sizeof(*rawkey));
	g->key_at = xmalloc((n_raw ? n_raw : 1) * sizeof(*g->key_at));
	for (i = 0; i < n_raw; i++) {
		uint32_t id = g->n_keys, prev;
		if (strmap_put(&g->norm, g->keybuf + raw[i].off, raw[i].len, id, &prev))
			g->key_at[g->n_keys++] = raw[i].off;
		else
			id = prev;
		rawkey[i] = id;
	}
	g->kent_off = xcalloc((size_t)g->n_keys + 1, sizeof(*g->kent_off));
	for (i = 0; i < n_raw; i++)
		g->kent_off[rawkey[i] + 1]++;
	for (i = 0; i < g->n_keys; i++)
		g->kent_off[i + 1] += g->kent_off[i];
	g->kent = xmalloc((n_raw ? n_raw : 1) * sizeof(*g->kent));
	{
		uint32_t *fill = xmalloc(((size_t)g->n_keys + 1) * sizeof(*fill));
		memcpy(fill, g->kent_off, ((size_t)g->n_keys + 1) * sizeof(*fill));
		for (i = 0; i < n_raw; i++) {
			struct kentry *e = &g->kent[fill[rawkey[i]]++];
			uint32_t *slots = g->item_keys + (size_t)raw[i].item * KEYS_PER_ITEM;
			size_t s;
			e->item = raw[i].item;
			e->year = raw[i].year;
			e->alt = raw[i].alt;
			g->item_year[raw[i].item] = raw[i].year;
			for (s = 0; s < KEYS_PER_ITEM; s++)
				if (slots[s] == NO_ITEM || slots[s] == rawkey[i]) {
					slots[s] = rawkey[i];
					break;
				}
		}
		free(fill);
	}
	free(rawkey);
	free(raw);
	build_trigrams(g);
	g->pool = xcalloc(1, sizeof(*g->pool));
	pthread_mutex_init(&g->pool->lock, NULL);
	return g;
}

void grounder_free(struct grounder *g)
{
	if (!g)
		return;
	strmap_release(&g->exact);
	strmap_release(&g->norm);
	free(g->keybuf);
	free(g->key_at);
	free(g->kent_off);
	free(g->kent);
	free(g->item_keys);
	free(g->item_year);
	free(g->ktri_off);
	free(g->ktri);
	free(g->knum);
	free(g->kinfo);
	free(g->tri_code);
	free(g->tri_id);
	free(g->post_off);
	free(g->post);
	while (g->pool->free) {
		struct fuzzy_scratch *fs = g->pool->free;
		g->pool->free = fs->next;
		free(fs->seen);
		free(fs);
	}
	pthread_mutex_destroy(&g->pool->lock);
	free(g->pool);
	free(g);
}

double grounder_threshold(const struct grounder *g)
{
	return g->thr;
}
