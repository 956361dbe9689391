/* element.c: reading one element of an answer: markup, quotes and commentary taken off, a list split where its parts ground. */
#include "eval/answer/reader.h"

int reader_strict(struct reader *r, const char *s, size_t n, struct match *m)
{
	text_trim(&s, &n);
	if (!n || n > TITLE_MAX)
		return 0;
	return r->res && r->res->strict(r->res->ctx, s, n, m);
}

int reader_fuzzy(struct reader *r, const char *s, size_t n, struct match *m)
{
	text_trim(&s, &n);
	if (!n || n > TITLE_MAX)
		return 0;
	return r->res && r->res->fuzzy(r->res->ctx, s, n, m);
}

/* Words that may start in lower case inside a title ("Gone with the Wind"). */
int text_small_word(const char *s, size_t n)
{
	static const char *const w[] = { "a", "an", "the", "of", "in", "on", "at", "to", "and", "or", "for",
					 "with", "by", "from", "de", "la", "le", "du", "des", "di", "da", "vs",
					 "et", "y", "von", "van", "der", "is", "as", "into", "over", "upon" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(w); i++)
		if (strlen(w[i]) == n && !strncasecmp(s, w[i], n))
			return 1;
	return 0;
}

/*
 * Does the text after a separator read as commentary ("a tense thriller")
 * rather than a subtitle ("The Force Awakens")? A word in lower case that
 * is not a small word says commentary.
 */
static int commentary_after(const char *s, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n && words < 6) {
		size_t j;
		while (i < n && (isspace((unsigned char)s[i]) || s[i] == '"' || s[i] == '*' || s[i] == '_'))
			i++;
		if (i >= n)
			break;
		for (j = i; j < n && !isspace((unsigned char)s[j]); j++)
			;
		if (islower((unsigned char)s[i]) && !text_small_word(s + i, j - i))
			return 1;
		words++;
		i = j;
	}
	return 0;
}

/* Does s start with "(1995)" or "[1995]"? */
static int is_year_at(const char *s, size_t n)
{
	return n >= 6 && (s[0] == '(' || s[0] == '[') && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
	       isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) && (s[5] == ')' || s[5] == ']');
}

struct cut {
	size_t at;        /* the prefix s[0..at) */
};

#define SEP(s, a) { s, sizeof(s) - 1, a }
static const struct {
	const char *sep;
	size_t len;
	int always;
} separators[] = {
	SEP(" - ", 0), SEP(" \xE2\x80\x93 ", 0), SEP(" \xE2\x80\x94 ", 0), SEP("\xE2\x80\x94", 0), SEP(" -- ", 0),
	SEP(": ", 0), SEP(", ", 0), SEP("; ", 1), SEP(" | ", 1), SEP(" (", 1), SEP(" [", 1), SEP(". ", 0),
	SEP(" by ", 1), SEP(" is ", 1), SEP(" was ", 1), SEP(" because ", 1), SEP(" which ", 1), SEP(" that ", 1),
	SEP(" as ", 1), SEP(" for ", 1), SEP(" from ", 1), SEP(" with ", 1), SEP(" starring ", 1),
	SEP(" directed ", 1), SEP(" about ", 1), SEP(" would ", 1), SEP(" will ", 1), SEP(" has ", 1),
	SEP(" offers ", 1), SEP(" features ", 1),
};

/* The places s may be cut before commentary, longest prefix first. */
static size_t find_cuts(const char *s, size_t n, struct cut *cuts)
{
	size_t i, k, nc = 0, lim = n < TITLE_MAX ? n : TITLE_MAX;

	for (i = 1; i < lim && nc < MAX_CUTS * 4; i++) {
		unsigned char c = (unsigned char)s[i];
		/* every separator starts with one of these */
		if (c != ' ' && c != ':' && c != ',' && c != ';' && c != '.' && c != 0xE2)
			continue;
		for (k = 0; k < ARRAY_SIZE(separators); k++) {
			size_t l = separators[k].len;
			if (separators[k].sep[0] == s[i] && i + l <= n && !memcmp(s + i, separators[k].sep, l)) {
				/* "Blade Runner 2049 (2017)": the year belongs to the title, it was tried with it */
				if (is_year_at(s + i + 1, n - i - 1))
					break;
				/* after ": ", " - ", ", " only commentary is cut off: "Star Wars: The Force Awakens" stays */
				if (!separators[k].always && !commentary_after(s + i + l, n - i - l))
					continue;
				cuts[nc++].at = i;
				break;
			}
		}
	}
	/* longest first, at most MAX_CUTS */
	for (i = 0; i < nc / 2; i++) {
		struct cut t = cuts[i];
		cuts[i] = cuts[nc - 1 - i];
		cuts[nc - 1 - i] = t;
	}
	return nc < MAX_CUTS ? nc : MAX_CUTS;
}

/* Copy s[0..n) without markdown emphasis marks (** __ ` and stray *) into out. */
void text_strip_markup(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	strbuf_reset(out);
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '*' || c == '`')
			continue;
		if (c == '_' && ((i + 1 < n && s[i + 1] == '_') || (i > 0 && s[i - 1] == '_')))
			continue;
		/* an underscore wrapping a word: _Heat_ */
		if (c == '_' && (i == 0 || isspace((unsigned char)s[i - 1]) || i + 1 == n ||
				 isspace((unsigned char)s[i + 1]) || ispunct((unsigned char)s[i + 1])))
			continue;
		strbuf_addch(out, c);
	}
}

/* Trailing punctuation that ends a sentence, not a title: . , ; : */
void text_strip_trailing_punct(const char *s, size_t *n)
{
	while (*n && (s[*n - 1] == '.' || s[*n - 1] == ',' || s[*n - 1] == ';' || s[*n - 1] == ':' ||
		      isspace((unsigned char)s[*n - 1]))) {
		/* keep the period of an abbreviation at the end: "L.A." */
		if (s[*n - 1] == '.' && *n >= 3 && s[*n - 3] == '.' && isupper((unsigned char)s[*n - 2]))
			break;
		(*n)--;
	}
}

/* Quotes wrapping the whole element: "Heat", “Heat”, 'Heat'. */
void text_strip_quotes(const char **s, size_t *n)
{
	static const char *const pairs[][2] = {
		{ "\"", "\"" }, { "\xE2\x80\x9C", "\xE2\x80\x9D" }, { "'", "'" }, { "\xC2\xAB", "\xC2\xBB" },
		{ "\xE2\x80\x98", "\xE2\x80\x99" }, { "[", "]" },
	};
	size_t k;

	for (k = 0; k < ARRAY_SIZE(pairs); k++) {
		size_t a = strlen(pairs[k][0]), b = strlen(pairs[k][1]);
		if (*n > a + b && !memcmp(*s, pairs[k][0], a) && !memcmp(*s + *n - b, pairs[k][1], b)) {
			/* only when the quote closes once, at the end */
			const char *inner = *s + a;
			size_t in = *n - a - b, i;
			int ok = 1;
			for (i = 0; i + b <= in; i++)
				if (!memcmp(inner + i, pairs[k][1], b) && !(b == 1 && pairs[k][1][0] == '\'' &&
									    i > 0 && isalpha((unsigned char)inner[i - 1]))) {
					ok = 0;
					break;
				}
			if (ok) {
				*s = inner;
				*n = in;
				text_trim(s, n);
			}
			return;
		}
	}
}

/*
 * Split s into list parts at , ; | and " / ", " > ", " -> ", " → " outside brackets and quotes
 * (a comma inside a number, "10,000 BC", is none), or, without such a
 * separator, after each "(Year)" when there are several. A part's leading
 * "and", "or" or "&" is dropped.
 */
static size_t split_parts(struct reader *r, const char *s, size_t n, struct part *parts, size_t max)
{
	size_t i, start = 0, np = 0, nc = 0, pos = 0, b, e, years = 0;
	size_t *at = xmalloc(max * sizeof(*at)), *next = xmalloc(max * sizeof(*next));
	int depth = 0, quote = 0;

	for (i = 0; i < n && nc + 1 < max; i++) {
		char c = s[i];
		if (c == '(' || c == '[') {
			depth++;
		} else if ((c == ')' || c == ']') && depth) {
			depth--;
		} else if (c == '"') {
			quote = !quote;
		} else if (!depth && !quote) {
			if (c == ',' && i && i + 1 < n && isdigit((unsigned char)s[i - 1]) && isdigit((unsigned char)s[i + 1]))
				continue;
			if (c == ',' || c == ';' || c == '|' ||
			    ((c == '/' || c == '>') && i && s[i - 1] == ' ' && i + 1 < n && s[i + 1] == ' ')) {
				at[nc] = i;
				next[nc++] = i + 1;
			} else if (i && s[i - 1] == ' ' && i + 3 < n && s[i + 2] == ' ' && c == '-' && s[i + 1] == '>') {
				at[nc] = i;
				next[nc++] = i + 2;                 /* " -> " */
			} else if (i && s[i - 1] == ' ' && i + 4 < n && s[i + 3] == ' ' && !memcmp(s + i, "\xE2\x86\x92", 3)) {
				at[nc] = i;
				next[nc++] = i + 3;                 /* " → " */
			}
		}
	}
	if (!nc) {
		while (pos < n && nc + 1 < max && rx(r, P_YEAR, s, n, pos) && grp(r, 0, &b, &e)) {
			years++;
			if (e < n) {
				at[nc] = e;
				next[nc++] = e;
			}
			pos = e;
		}
		if (years < 2)
			nc = 0;
	}
	for (i = 0; i <= nc && np < max; i++) {
		const char *p = s + start;
		size_t pn = (i < nc ? at[i] : n) - start;
		text_trim(&p, &pn);
		if (starts_with_ci(p, pn, "and "))
			p += 4, pn -= 4;
		else if (starts_with_ci(p, pn, "or "))
			p += 3, pn -= 3;
		else if (pn > 2 && p[0] == '&' && p[1] == ' ')
			p += 2, pn -= 2;
		text_trim(&p, &pn);
		if (pn) {
			parts[np].b = (size_t)(p - s);
			parts[np].e = parts[np].b + pn;
			np++;
		}
		if (i < nc)
			start = next[i];
	}
	free(at);
	free(next);
	return np;
}


/* Does s ground strictly, as a whole or before commentary? (Used to test the parts of a list.) */
static int part_grounds(struct reader *r, const char *s, size_t n)
{
	struct match m;
	struct strbuf c = STRBUF_INIT;
	size_t cn, nc, i;
	struct cut cuts[MAX_CUTS * 4];
	int ok = 0;

	text_strip_markup(&c, s, n);
	s = c.buf;
	cn = c.len;
	text_trim(&s, &cn);
	text_strip_quotes(&s, &cn);
	text_strip_trailing_punct(s, &cn);
	if (reader_strict(r, s, cn, &m)) {
		ok = 1;
		goto out;
	}
	nc = find_cuts(s, cn, cuts);
	for (i = 0; i < nc && !ok; i++)
		ok = reader_strict(r, s, cuts[i].at, &m);
out:
	strbuf_release(&c);
	return ok;
}

/*
 * A list part that failed to ground may be two titles joined by "and" or
 * "&": split it when both sides ground. Returns the split point (the
 * second title's start), or 0.
 */
static size_t and_split(struct reader *r, const char *s, size_t n, size_t *first_end)
{
	static const char *const joins[] = { " and ", " & ", " or " };
	size_t i, k;

	for (i = 1; i < n; i++)
		for (k = 0; k < ARRAY_SIZE(joins) && s[i] == ' '; k++) {
			size_t l = strlen(joins[k]);
			if (i + l < n && !memcmp(s + i, joins[k], l) && part_grounds(r, s, i) &&
			    part_grounds(r, s + i + l, n - i - l)) {
				*first_end = i;
				return i + l;
			}
		}
	return 0;
}

/* A group of list parts: s[b..e); ok: it grounds; and_at: it is two titles joined by "and", the second at and_at. */
struct group {
	size_t b, e, and_end, and_at;
	int ok;
};

/* Longest run of comma parts one title may span ("Spring, Summer, Fall, Winter... and Spring"). */
#define GROUP_MAX_PARTS 6

/*
 * Group consecutive parts into titles: the grouping with the most groups
 * that ground (strictly; a part may be two titles joined by "and"), then
 * the fewest groups, so "Love, Death and Taxes" stays one title when it is
 * one. A group of several parts must ground. Returns the groups' count;
 * *grounded gets how many titles ground.
 */
static size_t segment(struct reader *r, const char *t, const struct part *parts, size_t np, struct group *out,
		      size_t *grounded)
{
	int *best_g = xmalloc((np + 1) * sizeof(*best_g));
	size_t *best_n = xmalloc((np + 1) * sizeof(*best_n)), *from = xmalloc((np + 1) * sizeof(*from));
	struct group *single = xcalloc(np ? np : 1, sizeof(*single));
	size_t i, j, len, ng = 0;
	struct match m;

	for (i = 0; i < np; i++) {
		const char *pt = t + parts[i].b;
		size_t pl = parts[i].e - parts[i].b, fe = 0, ss;
		single[i].b = parts[i].b;
		single[i].e = parts[i].e;
		if (part_grounds(r, pt, pl)) {
			single[i].ok = 1;
		} else if ((ss = and_split(r, pt, pl, &fe))) {
			single[i].ok = 2;
			single[i].and_end = parts[i].b + fe;
			single[i].and_at = parts[i].b + ss;
		}
	}
	best_g[0] = 0;
	best_n[0] = 0;
	for (j = 1; j <= np; j++) {
		best_g[j] = -1;
		best_n[j] = SIZE_MAX;
		from[j] = j - 1;
		for (len = 1; len <= GROUP_MAX_PARTS && len <= j; len++) {
			int gsc;
			size_t gn = 1;
			i = j - len;
			if (best_g[i] < 0)
				continue;
			if (len == 1) {
				gsc = single[i].ok;
				gn = single[i].ok == 2 ? 2 : 1;
			} else if (reader_strict(r, t + parts[i].b, parts[j - 1].e - parts[i].b, &m)) {
				gsc = 1;
			} else {
				continue;
			}
			if (best_g[i] + gsc > best_g[j] || (best_g[i] + gsc == best_g[j] && best_n[i] + gn < best_n[j])) {
				best_g[j] = best_g[i] + gsc;
				best_n[j] = best_n[i] + gn;
				from[j] = i;
			}
		}
	}
	/* back from the end, then reversed */
	for (j = np; j > 0; j = from[j]) {
		i = from[j];
		if (j - i == 1)
			out[ng] = single[i];
		else {
			memset(&out[ng], 0, sizeof(out[ng]));
			out[ng].b = parts[i].b;
			out[ng].e = parts[j - 1].e;
			out[ng].ok = 1;
		}
		ng++;
	}
	for (i = 0; i < ng / 2; i++) {
		struct group tmp = out[i];
		out[i] = out[ng - 1 - i];
		out[ng - 1 - i] = tmp;
	}
	*grounded = np ? (size_t)best_g[np] : 0;
	free(best_g);
	free(best_n);
	free(from);
	free(single);
	return ng;
}

static void read_groups(struct reader *r, const char *t, const struct group *gr, size_t ng, int emit_if_none)
{
	size_t i;

	emit_if_none = emit_if_none ? EMIT_WHOLE : 0;   /* a list's parts are titles */
	for (i = 0; i < ng && !full(r); i++) {
		if (gr[i].ok == 2) {
			reader_element(r, t + gr[i].b, gr[i].and_end - gr[i].b, 0, emit_if_none);
			reader_element(r, t + gr[i].and_at, gr[i].e - gr[i].and_at, 0, emit_if_none);
		} else {
			reader_element(r, t + gr[i].b, gr[i].e - gr[i].b, 0, emit_if_none);
		}
	}
}

/*
 * A span opening the element: **Toy Story** (1995) - ..., "Heat" because
 * ... Returns 1 when the element was read through it.
 */
static int read_span_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none)
{
	PCRE2_SIZE *ov;
	struct strbuf c = STRBUF_INIT;
	struct match m;
	size_t sb = 0, se = 0, after, b, e, cn;
	const char *t;
	int g;

	if (!rx_at_start(r, P_SPAN, s, n))
		return 0;
	ov = pcre2_get_ovector_pointer(r->x.md);
	after = ov[1];
	for (g = 1; g <= 9; g++)
		if (grp(r, g, &sb, &se))
			break;
	t = s + sb;
	cn = se - sb;
	text_trim(&t, &cn);
	if (!cn)
		return 0;
	/* "**Title:** Heat": a label, not a title ("**Heat:** a gritty drama" is a title) */
	if ((t[cn - 1] == ':' && !reader_strict(r, t, cn - 1, &m)) ||
	    (after < n && s[after] == ':' && !reader_strict(r, t, cn, &m) && rx(r, P_LABEL, t, cn, 0))) {
		size_t a = after;
		if (a < n && s[a] == ':')
			a++;
		reader_element(r, s + a, n - a, allow_split, emit_if_none);
		return 1;
	}
	/* several spans in a row, "**Heat**, **Casino**": each is an element */
	if (allow_split) {
		size_t k = after, count = 1;
		while (k < n && rx(r, P_SPAN, s, n, k)) {
			size_t gap = pcre2_get_ovector_pointer(r->x.md)[0], end = rx_end(&r->x);
			size_t i2, other = 0;
			for (i2 = k; i2 < gap; i2++)
				if (!(isspace((unsigned char)s[i2]) || s[i2] == ',' || s[i2] == ';' || s[i2] == '&'))
					other++;
			if (other > 8 || (other && !(starts_with_ci(s + k, gap - k, " and") ||
						     starts_with_ci(s + k, gap - k, ", and") ||
						     rx(r, P_YEAR, s, gap, k))))
				break;
			count++;
			k = end;
		}
		if (count >= 2) {
			size_t k2 = 0, done = 0;
			while (k2 < n && done < count && rx(r, P_SPAN, s, n, k2)) {
				size_t ms = pcre2_get_ovector_pointer(r->x.md)[0], me = rx_end(&r->x);
				size_t ye = me;
				if (rx(r, P_YEAR, s, n, me) && grp(r, 0, &b, &e) && b <= me + 2)
					ye = e;
				reader_element(r, s + ms, ye - ms, 0, emit_if_none ? EMIT_WHOLE : 0);
				k2 = ye > k2 ? ye : k2 + 1;
				done++;
			}
			return 1;
		}
	}
	/* the span, with a year right after it */
	if (t[cn - 1] == ':')
		cn--;
	strbuf_add(&c, t, cn);
	if (rx(r, P_YEAR, s, n, after) && grp(r, 0, &b, &e)) {
		size_t k;
		for (k = after; k < b && (isspace((unsigned char)s[k]) || s[k] == '*' || s[k] == '_'); k++)
			;
		if (k == b) {
			strbuf_addch(&c, ' ');
			strbuf_add(&c, s + b, e - b);
		}
	}
	/* fuzzily with the year when there is one: a near title a film's years apart is another film */
	if (reader_strict(r, c.buf, c.len, &m) || reader_strict(r, t, cn, &m) || reader_fuzzy(r, c.buf, c.len, &m))
		reader_emit(r, t, cn, &m);
	else if (emit_if_none == EMIT_WHOLE)
		reader_emit_none(r, t, cn);
	strbuf_release(&c);
	return 1;
}

/*
 * Emit the title(s) of s[0..n), which may carry markup and commentary: as
 * a whole; up to its year; as a list whose every part grounds; before
 * commentary; fuzzily; as a list whose parts mostly ground; else
 * (emit_if_none) as one title that grounds to nothing.
 */
void reader_element(struct reader *r, const char *s, size_t n, int allow_split, int emit_if_none)
{
	struct strbuf c = STRBUF_INIT;
	struct match m, best = { NO_ITEM, GROUND_NONE, 0 };
	struct part *parts = NULL;
	struct group *gr = NULL;
	struct cut cuts[MAX_CUTS * 4];
	size_t cn, nc, np = 0, ng = 0, grounded = 0, i, b, e, year_end = 0, years = 0, pos, fe, ss;
	const char *t;
	size_t best_len = 0;
	int list_likely = 0;

	text_trim(&s, &n);
	if (!n || full(r))
		return;
	if (n > ELEMENT_MAX)
		n = ELEMENT_MAX;
	if (read_span_element(r, s, n, allow_split, emit_if_none))
		return;

	text_strip_markup(&c, s, n);
	t = c.buf;
	cn = c.len;
	text_trim(&t, &cn);
	text_strip_quotes(&t, &cn);
	text_strip_trailing_punct(t, &cn);
	if (!cn)
		goto out;

	/* the whole */
	if (reader_strict(r, t, cn, &m)) {
		reader_emit(r, t, cn, &m);
		goto out;
	}
	/* up to its year: "Toy Story (1995) - a classic" */
	for (pos = 0; pos < cn && years < 3 && rx(r, P_YEAR, t, cn, pos) && grp(r, 0, &b, &e); pos = e) {
		if (!years)
			year_end = e;
		years++;
	}
	if (years == 1 && year_end < cn && reader_strict(r, t, year_end, &m)) {
		reader_emit(r, t, year_end, &m);
		goto out;
	}
	/* a list whose every part grounds */
	if (allow_split) {
		/* room for a part after every separator or year */
		size_t room = 2;
		for (i = 0; i < cn && room < MAX_PARTS; i++)
			room += t[i] == ',' || t[i] == ';' || t[i] == '|' || t[i] == '/' || t[i] == '>' ||
				t[i] == '(' || t[i] == '[' || t[i] == '\xE2';
		parts = xmalloc(room * sizeof(*parts));
		np = split_parts(r, t, cn, parts, room);
		if (np >= 2) {
			size_t kept = 0;
			gr = xmalloc(np * sizeof(*gr));
			ng = segment(r, t, parts, np, gr, &grounded);
			/* commentary between titles: ", which is great," */
			for (i = 0; i < ng; i++) {
				if (!gr[i].ok && kept && islower((unsigned char)t[gr[i].b]))
					continue;
				gr[kept++] = gr[i];
			}
			ng = kept;
			if (ng >= 2) {
				int all = 1;
				for (i = 0; i < ng; i++)
					all &= gr[i].ok != 0;
				if (all) {
					read_groups(r, t, gr, ng, emit_if_none);
					goto out;
				}
			}
			list_likely = ng >= 2 && grounded >= 1 && 2 * grounded >= ng;
		} else if ((ss = and_split(r, t, cn, &fe))) {
			/* "Heat and Casino" */
			reader_element(r, t, fe, 0, emit_if_none ? EMIT_WHOLE : 0);
			reader_element(r, t + ss, cn - ss, 0, emit_if_none ? EMIT_WHOLE : 0);
			goto out;
		}
	}
	/* before commentary: "Heat - a tense thriller", "Heat: because ..." */
	nc = find_cuts(t, cn, cuts);
	for (i = 0; i < nc; i++)
		if (reader_strict(r, t, cuts[i].at, &m)) {
			reader_emit(r, t, cuts[i].at, &m);
			goto out;
		}
	/*
	 * fuzzily: with a year, the title is what comes before it (and before
	 * commentary ahead of it); without, the best of the whole and of each
	 * text before commentary
	 */
	if (!list_likely) {
		size_t lim = years ? year_end : cn;
		if (reader_fuzzy(r, t, lim, &m) && m.score > best.score) {
			best = m;
			best_len = lim;
		}
		for (i = 0; i < nc; i++)
			if (cuts[i].at < lim && reader_fuzzy(r, t, cuts[i].at, &m) && m.score > best.score) {
				best = m;
				best_len = cuts[i].at;
			}
		if (best.item != NO_ITEM) {
			reader_emit(r, t, best_len, &best);
			goto out;
		}
	}
	/* a list whose parts mostly ground, some perhaps fuzzily */
	if (ng >= 2 && !list_likely) {
		size_t ok = 0;
		for (i = 0; i < ng; i++) {
			struct strbuf pc = STRBUF_INIT;
			const char *q;
			size_t qn;
			text_strip_markup(&pc, t + gr[i].b, gr[i].e - gr[i].b);
			q = pc.buf;
			qn = pc.len;
			text_trim(&q, &qn);
			text_strip_quotes(&q, &qn);
			text_strip_trailing_punct(q, &qn);
			ok += reader_fuzzy(r, q, qn, &m);
			strbuf_release(&pc);
		}
		list_likely = ok >= 1 && 2 * ok >= ng;
	}
	if (list_likely) {
		read_groups(r, t, gr, ng, emit_if_none);
		goto out;
	}
	/* a title the catalogue does not have */
	if (emit_if_none == EMIT_WHOLE) {
		size_t k = cn;
		if (years >= 1)
			k = year_end;
		else if (nc)
			k = cuts[nc - 1].at;   /* the shortest prefix: the title before any commentary */
		reader_emit_none(r, t, k);
	}
out:
	free(parts);
	free(gr);
	strbuf_release(&c);
}
