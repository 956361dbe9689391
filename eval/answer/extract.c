/* extract.c: reading the items an answer lists: its readable text, JSON, list lines; elements are read by element.c and prose.c. */
#include <cJSON.h>
#include "eval/answer/reader.h"

/* ---------------------------------------------------------------- reporting elements */

int reader_in_cand(struct reader *r, uint32_t item)
{
	size_t i;

	if (r->res && r->res->in_cand)
		return r->res->in_cand(r->res->ctx, item);
	for (i = 0; i < r->n_cand; i++)
		if (r->cand[i] == item)
			return 1;
	return 0;
}

void reader_emit(struct reader *r, const char *text, size_t n, const struct match *m)
{
	struct grounded *v;

	if (r->n >= ANSWER_MAX_ITEMS)
		return;
	text_trim(&text, &n);
	while (n && (text[n - 1] == ',' || text[n - 1] == ';' || text[n - 1] == ':'))
		n--;
	text_trim(&text, &n);
	if (n > TITLE_MAX)
		n = TITLE_MAX;
	if (!n)
		return;
	ALLOC_GROW(r->v, r->n + 1, r->alloc);
	v = &r->v[r->n++];
	v->text = xstrndup(text, n);
	v->item = m ? m->item : NO_ITEM;
	v->how = m ? m->how : GROUND_NONE;
	v->score = m ? m->score : 0;
	v->in_candidates = m && m->item != NO_ITEM && reader_in_cand(r, m->item);
}

/* Does s hold a word of two letters or digits? "[]", "N/A", "- -" do not: they are no titles. */
static int has_word(const char *s, size_t n)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		run = isalnum((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80 ? run + 1 : 0;
		if (run >= 2)
			return 1;
	}
	return 0;
}

void reader_emit_none(struct reader *r, const char *text, size_t n)
{
	if (has_word(text, n))
		reader_emit(r, text, n, NULL);
}

/* Candidate k (1-based) named by a number or letter. */
void reader_emit_ref(struct reader *r, const char *text, size_t n, size_t k, enum ground_how how)
{
	struct match m = { r->cand[k - 1], how, 1 };
	reader_emit(r, text, n, &m);
}

/* A reference token ("3", "C") as a candidate number 1..n_cand; 0 when it names none. */
size_t reader_ref_value(struct reader *r, const char *s, size_t n, enum ground_how *how)
{
	size_t v = 0, i;

	if (!r->cand || !n)
		return 0;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n && isdigit((unsigned char)s[i]) && v < 100000; i++)
			v = v * 10 + (size_t)(s[i] - '0');
		*how = GROUND_NUMBER;
		return v >= 1 && v <= r->n_cand ? v : 0;
	}
	if (r->letters && n == 1 && s[0] >= 'A' && s[0] <= 'Z') {
		v = (size_t)(s[0] - 'A') + 1;
		*how = GROUND_LETTER;
		return v <= r->n_letters ? v : 0;
	}
	return 0;
}

/*
 * A line made only of candidate references ("3", "3, 1, 2", "C > A > B"):
 * emit them and return 1; 0 when the line is something else, or one of
 * its references names no candidate (then it is read as text).
 */
int reader_refs(struct reader *r, const char *s, size_t n)
{
	size_t pos = 0, b, e, count = 0, pass;

	if (!r->cand || !n || n > 2000)
		return 0;
	if (!rx(r, r->letters ? P_REFS_ANY : P_REFS_NUM, s, n, 0))
		return 0;
	for (pass = 0; pass < 2; pass++) {
		pos = 0;
		while (pos < n && rx(r, P_REF, s, n, pos) && grp(r, 1, &b, &e)) {
			enum ground_how how = GROUND_NONE;
			size_t k = reader_ref_value(r, s + b, e - b, &how);
			if (!k) {
				if (!pass && (isdigit((unsigned char)s[b]) || r->letters))
					return 0;
			} else if (pass) {
				reader_emit_ref(r, s + b, e - b, k, how);
			} else {
				count++;
			}
			pos = e > pos ? e : pos + 1;
		}
		if (!count)
			return 0;
	}
	return 1;
}

/* ---------------------------------------------------------------- JSON */

static const char *const json_list_keys[] = {
	"recommendations", "ranking", "ranked", "items", "movies", "films", "titles", "answer", "answers",
	"result", "results", "list", "order", "output", "candidates", "picks", "choices", "games", "books",
};
static const char *const json_title_keys[] = { "title", "name", "movie", "film", "item", "game", "book", "text" };
static const char *const json_ref_keys[] = { "id", "index", "candidate", "number", "rank_of", "choice", "letter", "option" };

static void json_element(struct reader *r, const cJSON *v)
{
	if (full(r))
		return;
	if (cJSON_IsString(v) && v->valuestring) {
		const char *s = v->valuestring;
		size_t n = strlen(s);
		if (!reader_refs(r, s, n))
			reader_element(r, s, n, 0, 1);
	} else if (cJSON_IsNumber(v)) {
		char buf[32];
		double d = v->valuedouble;
		if (d >= 0 && d < 1e9 && d == floor(d)) {
			snprintf(buf, sizeof(buf), "%.0f", d);
			if (!reader_refs(r, buf, strlen(buf)))
				reader_element(r, buf, strlen(buf), 0, 1);
		}
	} else if (cJSON_IsObject(v)) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(json_title_keys); i++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, json_title_keys[i]);
			if (cJSON_IsString(t) && t->valuestring && *t->valuestring) {
				const cJSON *y = cJSON_GetObjectItemCaseSensitive(v, "year");
				struct strbuf sb = STRBUF_INIT;
				strbuf_addstr(&sb, t->valuestring);
				if (cJSON_IsNumber(y) && y->valuedouble >= 1870 && y->valuedouble < 2100)
					strbuf_addf(&sb, " (%d)", (int)y->valuedouble);
				else if (cJSON_IsString(y) && y->valuestring && strlen(y->valuestring) == 4)
					strbuf_addf(&sb, " (%s)", y->valuestring);
				reader_element(r, sb.buf, sb.len, 0, 1);
				strbuf_release(&sb);
				return;
			}
		}
		for (i = 0; i < ARRAY_SIZE(json_ref_keys); i++) {
			const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, json_ref_keys[i]);
			if (t && (cJSON_IsNumber(t) || cJSON_IsString(t))) {
				json_element(r, t);
				return;
			}
		}
	}
}

/* Walk a parsed JSON answer: an array of elements, or an object holding one. 1 when it held a list. */
static int json_walk(struct reader *r, const cJSON *v, int depth)
{
	const cJSON *e;
	size_t i;

	if (depth > 3)
		return 0;
	if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v) {
			if (cJSON_IsArray(e))
				json_walk(r, e, depth + 1);
			else
				json_element(r, e);
		}
		return 1;
	}
	if (!cJSON_IsObject(v))
		return 0;
	for (i = 0; i < ARRAY_SIZE(json_list_keys); i++) {
		cJSON_ArrayForEach(e, v)
			if (e->string && !strcasecmp(e->string, json_list_keys[i]) &&
			    (cJSON_IsArray(e) || cJSON_IsObject(e) || cJSON_IsString(e))) {
				if (cJSON_IsString(e)) {
					json_element(r, e);
					return 1;
				}
				return json_walk(r, e, depth + 1);
			}
	}
	cJSON_ArrayForEach(e, v)
		if (cJSON_IsArray(e))
			return json_walk(r, e, depth + 1);
	/* a single object: {"title": "Heat"} */
	for (i = 0; i < ARRAY_SIZE(json_title_keys); i++)
		if (cJSON_GetObjectItemCaseSensitive(v, json_title_keys[i])) {
			json_element(r, v);
			return 1;
		}
	return 0;
}

/* A JSON answer (perhaps inside prose or a fence): 1 when read from it. */
static int read_json(struct reader *r, const char *s, size_t n)
{
	size_t pos = 0, b, e, tries = 0;

	if (!memchr(s, '[', n) && !memchr(s, '{', n))
		return 0;
	while (pos < n && tries < 8 && rx(r, P_JSON, s, n, pos) && grp(r, 1, &b, &e)) {
		const char *end = NULL;
		cJSON *v;
		size_t before = r->n;

		tries++;
		pos = b + 1;
		v = cJSON_ParseWithLengthOpts(s + b, n - b, &end, 0);
		if (!v)
			continue;
		/* the JSON must end its line: "[3] Heat" is a list marker, not an array */
		if (end) {
			const char *q = end, *lim = s + n;
			while (q < lim && (*q == ' ' || *q == '\t' || *q == ',' || *q == '.' || *q == '`'))
				q++;
			if (q < lim && *q != '\n') {
				cJSON_Delete(v);
				continue;
			}
		}
		if (json_walk(r, v, 0) && r->n > before) {
			cJSON_Delete(v);
			return 1;
		}
		/* a JSON value that held nothing: the rest of the answer may */
		cJSON_Delete(v);
	}
	return 0;
}

/* ---------------------------------------------------------------- the answer */

static void strbuf_swap_(struct strbuf *a, struct strbuf *b)
{
	struct strbuf t = *a;
	*a = *b;
	*b = t;
}

char *extract_prepare(struct rx *x, const char *answer, size_t len, size_t *out_n)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
	size_t i, pos, mb, me, g1b, g1e, keep_from = 0;
	int inside = 0;

	if (len > ANSWER_MAX_BYTES)
		len = ANSWER_MAX_BYTES;
	strbuf_grow(&a, len);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)answer[i];
		if (c == '\r') {
			if (i + 1 < len && answer[i + 1] == '\n')
				continue;
			c = '\n';
		} else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
			c = ' ';
		}
		strbuf_addch(&a, (char)c);
	}

	/* the passes below only run when their trigger is there: most answers have none */
	if (!memchr(a.buf, '<', a.len) && !memmem(a.buf, a.len, "](", 2) && !memmem(a.buf, a.len, "```", 3)) {
		strbuf_release(&b);
		return strbuf_detach(&a, out_n);
	}

	/* reasoning: <think> ... </think> (nested tags count once); a close with no open drops all before it */
	for (pos = 0; pos < a.len && rx_match(x, P_THINK_TAG, a.buf, a.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		int closing;
		mb = ov[0];
		me = ov[1];
		closing = rx_group(x, 1, &g1b, &g1e) && g1e > g1b;
		if (!closing) {
			if (!inside)
				strbuf_add(&b, a.buf + keep_from, mb - keep_from);
			inside++;
		} else if (inside) {
			if (--inside == 0)
				keep_from = me;
		} else {
			/* "...reasoning</think>answer": the opening tag was never sent */
			strbuf_reset(&b);
			keep_from = me;
		}
		pos = me > pos ? me : pos + 1;
	}
	if (!inside)
		strbuf_add(&b, a.buf + keep_from, a.len - keep_from);
	/* an unterminated <think>: everything after it is reasoning cut short */
	strbuf_reset(&a);

	/* <end> and end tokens become line breaks */
	for (pos = 0; pos < b.len && rx_match(x, P_END, b.buf, b.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		strbuf_add(&a, b.buf + pos, ov[0] - pos);
		strbuf_addch(&a, '\n');
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < b.len)
		strbuf_add(&a, b.buf + pos, b.len - pos);

	/* markdown links keep their text */
	strbuf_reset(&b);
	for (pos = 0; pos < a.len && rx_match(x, P_LINK, a.buf, a.len, pos) && rx_group(x, 1, &g1b, &g1e);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		strbuf_add(&b, a.buf + pos, ov[0] - pos);
		strbuf_add(&b, a.buf + g1b, g1e - g1b);
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < a.len)
		strbuf_add(&b, a.buf + pos, a.len - pos);
	strbuf_swap_(&a, &b);

	/* ``` fences */
	strbuf_reset(&b);
	for (pos = 0; pos < a.len && rx_match(x, P_FENCE, a.buf, a.len, pos);) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(x->md);
		strbuf_add(&b, a.buf + pos, ov[0] - pos);
		pos = ov[1] > pos ? ov[1] : pos + 1;
	}
	if (pos < a.len)
		strbuf_add(&b, a.buf + pos, a.len - pos);
	strbuf_release(&a);
	return strbuf_detach(&b, out_n);
}

struct line {
	size_t b, e;          /* the whole line */
	size_t cb;            /* where its content starts (after a marker) */
	size_t indent;
	int kind;             /* 0 plain, 1 numbered, 2 bullet, 3 letter */
	int bold;             /* the marker opened a bold span: "**1. Heat** ..." */
	size_t num;           /* the number, or the letter's 1-based place */
};

static void classify(struct reader *r, const char *s, struct line *l)
{
	size_t n = l->e - l->b, b, e, i;
	const char *p = s + l->b;

	l->kind = 0;
	l->cb = l->b;
	l->indent = 0;
	l->num = 0;
	l->bold = 0;
	for (i = 0; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		l->indent += p[i] == '\t' ? 4 : 1;
	if (rx(r, P_MARKER, p, n, 0)) {
		size_t end = rx_end(&r->x);
		int g;
		for (g = 3; g <= 8; g++)
			if (grp(r, g, &b, &e)) {
				size_t v = 0, k;
				for (k = b; k < e; k++)
					v = v * 10 + (size_t)(p[k] - '0');
				l->kind = 1;
				l->num = v;
				break;
			}
		if (!l->kind && grp(r, 9, &b, &e))
			l->kind = 2;
		l->bold = grp(r, 2, &b, &e);
		if (l->kind) {
			l->cb = l->b + end;
			return;
		}
	}
	if (r->letters && r->cand && rx(r, P_LETTER, p, n, 0)) {
		size_t end = rx_end(&r->x);
		int g;
		for (g = 2; g <= 5; g++)
			if (grp(r, g, &b, &e)) {
				size_t v = (size_t)(p[b] - 'A') + 1;
				if (v <= r->n_letters) {
					l->kind = 3;
					l->num = v;
					l->cb = l->b + end;
				}
				break;
			}
	}
}

static void read_lines(struct reader *r, const char *s, size_t n)
{
	struct line *lines = NULL, *first = NULL;
	size_t nl = 0, alloc = 0, i, start = 0, expect = 1;
	int seq = 1;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		ALLOC_GROW(lines, nl + 1, alloc);
		lines[nl].b = start;
		lines[nl].e = i;
		{
			const char *p = s + start;
			size_t ln = i - start;
			text_trim(&p, &ln);
			if (ln)
				classify(r, s, &lines[nl]), nl++;
		}
		start = i + 1;
	}
	for (i = 0; i < nl; i++)
		if (lines[i].kind) {
			first = &lines[i];
			break;
		}
	if (!first) {
		for (i = 0; i < nl && !full(r); i++)
			reader_plain(r, s + lines[i].b, lines[i].e - lines[i].b);
		free(lines);
		return;
	}
	/* the first list's items: same kind, no deeper than its first item */
	for (i = 0; i < nl; i++)
		if (lines[i].kind == first->kind && lines[i].indent <= first->indent + 1 && first->kind == 1) {
			if (lines[i].num != expect)
				seq = 0;
			expect++;
		}
	for (i = 0; i < nl && !full(r); i++) {
		struct line *l = &lines[i];
		size_t ref = 0;
		enum ground_how how = GROUND_NUMBER;
		if (l->kind != first->kind || l->indent > first->indent + 1)
			continue;
		if (l->kind == 1 && r->cand && l->num >= 1 && l->num <= r->n_cand &&
		    (!seq || l->cb == l->e))
			ref = l->num;
		else if (l->kind == 3) {
			ref = l->num;
			how = GROUND_LETTER;
		}
		if (l->cb >= l->e) {
			if (ref)
				reader_emit_ref(r, s + l->b, l->e - l->b, ref, how);
			continue;
		}
		if (l->bold) {
			/* give the item its opening "**" back, so the span marks the title */
			struct strbuf t = STRBUF_INIT;
			strbuf_addstr(&t, "**");
			strbuf_add(&t, s + l->cb, l->e - l->cb);
			reader_item(r, t.buf, t.len, ref, how, 1);
			strbuf_release(&t);
		} else {
			reader_item(r, s + l->cb, l->e - l->cb, ref, how, 1);
		}
	}
	free(lines);
}

size_t extract_items(struct grounded **out, const char *answer, size_t len, const uint32_t *cand, size_t n_cand,
		     int letters, const struct resolver *res)
{
	struct reader r;
	char *text;
	size_t n;

	*out = NULL;
	if (!answer || !len)
		return 0;
	memset(&r, 0, sizeof(r));
	rx_init(&r.x);
	r.res = res;
	r.cand = n_cand ? cand : NULL;
	r.n_cand = cand ? n_cand : 0;
	r.letters = letters && r.cand;
	r.n_letters = r.n_cand < 26 ? r.n_cand : 26;
	text = extract_prepare(&r.x, answer, len, &n);
	if (!read_json(&r, text, n))
		read_lines(&r, text, n);
	free(text);
	rx_release(&r.x);
	*out = r.v;
	return r.n;
}
