/* knowledge.c: item knowledge for prompts: co-interactions counted on the training split alone, and catalogue attributes. */
#include "eval/data/knowledge.h"

struct knowledge {
	const struct dataset *ds;
	const struct split *sp;
	unsigned what;
	size_t k;
	/* the training users of each item: users[user_off[i] .. user_off[i + 1]) */
	uint32_t *user_off, *users;
	/* item i's co-interacted items, once computed: co[i * k ..], n_co[i] of them; done[i] says whether computed */
	uint32_t *co;
	unsigned char *n_co, *done;
	/* scratch for one item's counts: count[j], and the items touched */
	uint32_t *count, *touched;
	unsigned char *mark;      /* knowledge_render(): items already written */
};

int knowledge_parse(const char *text, unsigned *out)
{
	if (!strcmp(text, "cf"))
		*out = KNOWLEDGE_CF;
	else if (!strcmp(text, "attributes"))
		*out = KNOWLEDGE_ATTRIBUTES;
	else if (!strcmp(text, "both"))
		*out = KNOWLEDGE_CF | KNOWLEDGE_ATTRIBUTES;
	else
		return -1;
	return 0;
}

struct knowledge *knowledge_new(const struct dataset *ds, const struct split *sp, unsigned what, size_t k)
{
	struct knowledge *kn = xcalloc(1, sizeof(*kn));
	size_t n = ds->n_items ? ds->n_items : 1, u, j;
	uint32_t *fill;

	kn->ds = ds;
	kn->sp = sp;
	kn->what = what;
	kn->k = k ? k : KNOWLEDGE_K_DEFAULT;
	if (kn->k > 255)
		kn->k = 255;
	kn->mark = xcalloc(n, 1);
	if (!(what & KNOWLEDGE_CF))
		return kn;
	/* an inverted index of the training rows: item -> the users who have it in training */
	kn->user_off = xcalloc(n + 1, sizeof(*kn->user_off));
	for (u = 0; u < sp->n_users; u++)
		for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++)
			kn->user_off[sp->train_items[j] + 1]++;
	for (j = 0; j < n; j++)
		kn->user_off[j + 1] += kn->user_off[j];
	kn->users = xmalloc((kn->user_off[n] + 1) * sizeof(*kn->users));
	fill = xmalloc(n * sizeof(*fill));
	memcpy(fill, kn->user_off, n * sizeof(*fill));
	for (u = 0; u < sp->n_users; u++)
		for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++)
			kn->users[fill[sp->train_items[j]]++] = (uint32_t)u;
	free(fill);
	kn->co = xmalloc(n * kn->k * sizeof(*kn->co));
	kn->n_co = xcalloc(n, 1);
	kn->done = xcalloc(n, 1);
	kn->count = xcalloc(n, sizeof(*kn->count));
	kn->touched = xmalloc(n * sizeof(*kn->touched));
	return kn;
}

void knowledge_free(struct knowledge *kn)
{
	if (!kn)
		return;
	free(kn->user_off);
	free(kn->users);
	free(kn->co);
	free(kn->n_co);
	free(kn->done);
	free(kn->count);
	free(kn->touched);
	free(kn->mark);
	free(kn);
}

/* Whether a ranks before b: more co-interactions, then more popular, then earlier in the catalogue. */
static int before(const struct knowledge *kn, uint32_t a, uint32_t b)
{
	if (kn->count[a] != kn->count[b])
		return kn->count[a] > kn->count[b];
	if (kn->sp->item_count[a] != kn->sp->item_count[b])
		return kn->sp->item_count[a] > kn->sp->item_count[b];
	return a < b;
}

size_t knowledge_co(struct knowledge *kn, uint32_t item, uint32_t *out)
{
	const struct split *sp = kn->sp;
	size_t n_touched = 0, n_top = 0, i, j;
	uint32_t *top;

	if (!(kn->what & KNOWLEDGE_CF) || item >= kn->ds->n_items)
		return 0;
	top = kn->co + (size_t)item * kn->k;
	if (!kn->done[item]) {
		/* count, over the training users of item, every other item of their training rows */
		for (i = kn->user_off[item]; i < kn->user_off[item + 1]; i++) {
			uint32_t u = kn->users[i];
			for (j = sp->train_off[u]; j < sp->train_off[u + 1]; j++) {
				uint32_t o = sp->train_items[j];
				if (o == item)
					continue;
				if (!kn->count[o]++)
					kn->touched[n_touched++] = o;
			}
		}
		/* the k best by insertion: k is small */
		for (i = 0; i < n_touched; i++) {
			uint32_t o = kn->touched[i];
			size_t at = n_top;
			if (n_top == kn->k && !before(kn, o, top[n_top - 1]))
				continue;
			while (at > 0 && before(kn, o, top[at - 1]))
				at--;
			if (n_top < kn->k)
				n_top++;
			memmove(top + at + 1, top + at, (n_top - 1 - at) * sizeof(*top));
			top[at] = o;
		}
		for (i = 0; i < n_touched; i++)
			kn->count[kn->touched[i]] = 0;
		kn->n_co[item] = (unsigned char)n_top;
		kn->done[item] = 1;
	}
	memcpy(out, top, kn->n_co[item] * sizeof(*out));
	return kn->n_co[item];
}

/* The year of a title ending "(YYYY)", or 0. */
static int title_year(const char *t)
{
	size_t n = t ? strlen(t) : 0;

	while (n && isspace((unsigned char)t[n - 1]))
		n--;
	if (n < 6 || t[n - 1] != ')' || t[n - 6] != '(')
		return 0;
	if (!isdigit((unsigned char)t[n - 5]) || !isdigit((unsigned char)t[n - 4]) ||
	    !isdigit((unsigned char)t[n - 3]) || !isdigit((unsigned char)t[n - 2]))
		return 0;
	return (t[n - 5] - '0') * 1000 + (t[n - 4] - '0') * 100 + (t[n - 3] - '0') * 10 + (t[n - 2] - '0');
}

static void render_one(struct strbuf *out, struct knowledge *kn, uint32_t item)
{
	const struct dataset *ds = kn->ds;
	const struct item *it = &ds->items[item];
	size_t start = out->len, head, i, n_co;
	uint32_t co[255];

	strbuf_addf(out, "%s%s:", start ? "\n" : "", item_label(ds, item));
	head = out->len;
	if (kn->what & KNOWLEDGE_ATTRIBUTES) {
		int year = title_year(it->title);
		if (it->categories && *it->categories) {
			const char *p;
			strbuf_addstr(out, " genres: ");
			for (p = it->categories; *p; p++)
				if (*p == '|')
					strbuf_addstr(out, ", ");
				else
					strbuf_addch(out, *p);
			strbuf_addch(out, '.');
		}
		if (year)
			strbuf_addf(out, " Year: %d.", year);
	}
	n_co = knowledge_co(kn, item, co);
	for (i = 0; i < n_co; i++)
		strbuf_addf(out, "%s%s", i ? "; " : " Often liked together with: ", item_label(ds, co[i]));
	if (n_co)
		strbuf_addch(out, '.');
	if (out->len == head)
		strbuf_setlen(out, start);  /* nothing known: no line */
}

void knowledge_render(struct strbuf *out, struct knowledge *kn, const uint32_t *items, size_t n)
{
	size_t i;
	struct strbuf lines = STRBUF_INIT;

	for (i = 0; i < n; i++) {
		if (items[i] >= kn->ds->n_items || kn->mark[items[i]])
			continue;
		kn->mark[items[i]] = 1;
		render_one(&lines, kn, items[i]);
	}
	for (i = 0; i < n; i++)
		if (items[i] < kn->ds->n_items)
			kn->mark[items[i]] = 0;
	strbuf_add(out, lines.buf, lines.len);
	strbuf_release(&lines);
}
