/* calibrate.c: reading human labels (receval's form and MT-Bench's human judgments) and the judge's agreement with them. */
#include <cJSON.h>
#include "eval/calibrate.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"

#define LABELS_MAX_BYTES ((size_t)512 << 20)

static const char *keep(struct labels *l, const char *s)
{
	ALLOC_GROW(l->strings, l->n_strings + 1, l->alloc_strings);
	l->strings[l->n_strings] = xstrdup(s);
	return l->strings[l->n_strings++];
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The content of the n-th message (0-based) of role in conversation c, or NULL. */
static const char *turn(const cJSON *c, const char *role, size_t n)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, c) {
		const char *r = str(m, "role"), *t = str(m, "content");
		if (r && t && !strcmp(r, role) && n-- == 0)
			return t;
	}
	return NULL;
}

/* One parsed line: the pair's texts (borrowed from the JSON) and the winner. */
struct pair_text {
	const char *q[2], *x[2], *y[2];
	size_t turns;
	int winner;
};

static int parse_line(struct pair_text *p, const cJSON *o, const char **why)
{
	const char *w = str(o, "winner");
	const cJSON *ca = cJSON_GetObjectItemCaseSensitive(o, "conversation_a");
	const cJSON *cb = cJSON_GetObjectItemCaseSensitive(o, "conversation_b");

	memset(p, 0, sizeof(*p));
	if (!w) {
		*why = "no \"winner\" (\"a\", \"b\" or \"tie\"; MT-Bench: \"model_a\", \"model_b\", \"tie\")";
		return -1;
	}
	if (!strcmp(w, "a") || !strcmp(w, "model_a"))
		p->winner = PAIR_X;
	else if (!strcmp(w, "b") || !strcmp(w, "model_b"))
		p->winner = PAIR_Y;
	else if (!strncmp(w, "tie", 3))
		p->winner = PAIR_TIE;
	else {
		*why = "\"winner\" must be \"a\", \"b\" or \"tie\" (MT-Bench: \"model_a\", \"model_b\", \"tie\")";
		return -1;
	}
	if (ca || cb) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "turn");
		size_t k = 1, i;
		if (!cJSON_IsArray(ca) || !cJSON_IsArray(cb)) {
			*why = "\"conversation_a\" and \"conversation_b\" must both be arrays of {\"role\", \"content\"}";
			return -1;
		}
		if (t && (!cJSON_IsNumber(t) || (t->valuedouble != 1 && t->valuedouble != 2))) {
			*why = "\"turn\" must be 1 or 2";
			return -1;
		}
		if (t)
			k = (size_t)t->valuedouble;
		p->turns = k;
		for (i = 0; i < k; i++) {
			p->q[i] = turn(ca, "user", i);
			p->x[i] = turn(ca, "assistant", i);
			p->y[i] = turn(cb, "assistant", i);
			if (!p->q[i] || !p->x[i] || !p->y[i]) {
				*why = k == 2 ? "a conversation lacks the user's or an assistant's message of turn 1 or 2" :
				       "a conversation lacks the user's question or an assistant's answer";
				return -1;
			}
		}
		return 0;
	}
	p->turns = 1;
	p->q[0] = str(o, "question");
	p->x[0] = str(o, "answer_a");
	p->y[0] = str(o, "answer_b");
	if (!p->q[0] || !p->x[0] || !p->y[0]) {
		*why = "needs \"question\", \"answer_a\" and \"answer_b\" as strings "
		       "(or MT-Bench's \"conversation_a\" and \"conversation_b\")";
		return -1;
	}
	return 0;
}

/* A key of the pair's texts, in the given order of answers. */
static char *pair_key(const struct pair_text *p, int swap)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < p->turns; i++) {
		strbuf_addf(&sb, "%s%c%s%c%s%c", p->q[i], 0x1f, swap ? p->y[i] : p->x[i], 0x1f,
			    swap ? p->x[i] : p->y[i], 0x1e);
	}
	return strbuf_detach(&sb, NULL);
}

int labels_load(struct labels *out, const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	struct strmap items = STRMAP_INIT, groups = STRMAP_INIT;
	char **keys = NULL;
	size_t n_keys = 0, alloc_keys = 0, alloc = 0, alloc_items = 0, n_groups = 0, i;
	const char *p;
	long line = 0;
	int ret = -1;

	out->path = xstrdup(path);
	if (strbuf_read_file(&sb, path, LABELS_MAX_BYTES) < 0)
		return error("cannot read labels '%s': %s", path, strerror(errno));
	for (p = sb.buf; *p;) {
		const char *end = strchr(p, '\n'), *why = NULL, *q;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		struct pair_text pt;
		cJSON *o;
		char *text, *k, *g, *gs;
		uint32_t v;
		struct label *lb;
		int swap;

		line++;
		for (q = p; q < p + len && isspace((unsigned char)*q); q++)
			;
		if (q == p + len)
			goto next;
		text = xstrndup(p, len);
		/* one object a line: text after it (two labels run together) is an error, not dropped */
		o = cJSON_ParseWithOpts(text, &q, 0);
		while (o && *q && isspace((unsigned char)*q))
			q++;
		if (o && *q) {
			cJSON_Delete(o);
			o = NULL;
		}
		free(text);
		if (!cJSON_IsObject(o)) {
			cJSON_Delete(o);
			error_at(path, line, "not a JSON object");
			goto out;
		}
		if (parse_line(&pt, o, &why) < 0) {
			cJSON_Delete(o);
			error_at(path, line, "%s", why);
			goto out;
		}
		ALLOC_GROW(out->v, out->n + 1, alloc);
		lb = &out->v[out->n++];
		lb->line = line;
		lb->winner = pt.winner;
		k = pair_key(&pt, 0);
		if (strmap_get(&items, k, strlen(k), &v) < 0) {
			struct judge_item *it;
			ALLOC_GROW(out->items, out->n_items + 1, alloc_items);
			it = &out->items[out->n_items];
			memset(it, 0, sizeof(*it));
			it->task = "calibration";
			it->turns = pt.turns;
			for (i = 0; i < pt.turns; i++) {
				it->question[i] = keep(out, pt.q[i]);
				it->x[i] = keep(out, pt.x[i]);
				it->y[i] = keep(out, pt.y[i]);
			}
			{
				char num[32];
				snprintf(num, sizeof(num), "%ld", line);
				it->id = keep(out, num);
			}
			v = (uint32_t)out->n_items++;
			ALLOC_GROW(keys, n_keys + 1, alloc_keys);
			keys[n_keys++] = k;
			strmap_put(&items, k, strlen(k), v, NULL);
		} else {
			free(k);
		}
		lb->item = v;
		/* the group: the same question and answers, whichever was a */
		g = pair_key(&pt, 0);
		gs = pair_key(&pt, 1);
		swap = strcmp(gs, g) < 0;
		if (swap) {
			char *t = g;
			g = gs;
			gs = t;
		}
		free(gs);
		lb->flipped = swap;
		if (strmap_get(&groups, g, strlen(g), &v) < 0) {
			v = (uint32_t)n_groups++;
			ALLOC_GROW(keys, n_keys + 1, alloc_keys);
			keys[n_keys++] = g;
			strmap_put(&groups, g, strlen(g), v, NULL);
		} else {
			free(g);
		}
		lb->group = v;
		cJSON_Delete(o);
next:
		if (!end)
			break;
		p = end + 1;
	}
	if (!out->n) {
		error_at(path, 0, "no labels (one JSON object a line)");
		goto out;
	}
	ret = 0;
out:
	strmap_release(&items);
	strmap_release(&groups);
	for (i = 0; i < n_keys; i++)
		free(keys[i]);
	free(keys);
	strbuf_release(&sb);
	return ret;
}

void labels_release(struct labels *l)
{
	size_t i;

	for (i = 0; i < l->n_items; i++)
		judge_item_release(&l->items[i]);
	free(l->items);
	for (i = 0; i < l->n_strings; i++)
		free(l->strings[i]);
	free(l->strings);
	free(l->v);
	free(l->path);
	memset(l, 0, sizeof(*l));
}

static int cmp_label_group(const void *a, const void *b)
{
	const struct label *x = a, *y = b;
	return (x->group > y->group) - (x->group < y->group);
}

void calibrate(struct calibration *out, const struct labels *l)
{
	struct pair_judgment *js = xcalloc(l->n_items + 1, sizeof(*js));
	struct pair_figures pf;
	struct label *sorted;
	int *judge = xmalloc((l->n + 1) * sizeof(int)), *human = xmalloc((l->n + 1) * sizeof(int));
	double scratch[2 * PAIR__COUNT];
	size_t i, j, m = 0, agree = 0, nt = 0, nt_agree = 0, hl = 0, hl_longer = 0, pairs = 0, pairs_agree = 0;
	size_t pairs_nt = 0, pairs_nt_agree = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < l->n_items; i++)
		js[i] = l->items[i].j;
	pair_figures(&pf, js, l->n_items);
	out->labels = l->n;
	out->items = l->n_items;
	out->judged = pf.judged;
	out->consistency_rate = pf.consistency_rate;
	out->first_position_rate = pf.first_position_rate;
	out->longer_preferred_rate = pf.longer_preferred_rate;
	out->judge_failure_rate = pf.judge_failure_rate;
	for (i = 0; i < l->n; i++) {
		const struct judge_item *it = &l->items[l->v[i].item];
		int o = pair_outcome(&it->j), h = l->v[i].winner;
		/* the humans' length preference, over every label */
		if (h != PAIR_TIE && it->j.len_x != it->j.len_y) {
			hl++;
			hl_longer += (h == PAIR_X) == (it->j.len_x > it->j.len_y);
		}
		if (o < 0)
			continue;
		judge[m] = o;
		human[m++] = h;
		agree += o == h;
		if (o != PAIR_TIE && h != PAIR_TIE) {
			nt++;
			nt_agree += o == h;
		}
	}
	out->agreement = m ? (double)agree / (double)m : NAN;
	out->agreement_no_ties = nt ? (double)nt_agree / (double)nt : NAN;
	out->kappa = cohen_kappa(judge, human, m, PAIR__COUNT, scratch);
	out->human_longer_preferred_rate = hl ? (double)hl_longer / (double)hl : NAN;
	/* humans with each other: every two labels of one group, in the group's order */
	sorted = xmalloc((l->n + 1) * sizeof(*sorted));
	memcpy(sorted, l->v, l->n * sizeof(*sorted));
	qsort(sorted, l->n, sizeof(*sorted), cmp_label_group);
	for (i = 0; i < l->n; i++) {
		if (sorted[i].flipped && sorted[i].winner != PAIR_TIE)
			sorted[i].winner = 1 - sorted[i].winner;
	}
	for (i = 0; i < l->n; i = j) {
		size_t a, b;
		for (j = i; j < l->n && sorted[j].group == sorted[i].group; j++)
			;
		for (a = i; a < j; a++)
			for (b = a + 1; b < j; b++) {
				int x = sorted[a].winner, y = sorted[b].winner;
				pairs++;
				pairs_agree += x == y;
				if (x != PAIR_TIE && y != PAIR_TIE) {
					pairs_nt++;
					pairs_nt_agree += x == y;
				}
			}
	}
	out->human_pairs = pairs;
	out->human_agreement = pairs ? (double)pairs_agree / (double)pairs : NAN;
	out->human_agreement_no_ties = pairs_nt ? (double)pairs_nt_agree / (double)pairs_nt : NAN;
	free(sorted);
	free(judge);
	free(human);
	free(js);
}
