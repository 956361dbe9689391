/* prose.c: reading list items, table rows and lines of prose: labels, references, and titles quoted or bold in sentences. */
#include "eval/answer/reader.h"

/*
 * One list item or title line: candidate references, a leading "[3]" or
 * "(C)", a label, then the element itself. ref (1-based, with how) is the
 * candidate the line's marker names, 0 for none: it is used when the text
 * names no item.
 */
void reader_item(struct reader *r, const char *s, size_t n, size_t ref, enum ground_how ref_how,
		      int emit_if_none)
{
	size_t b, e, before, k;
	enum ground_how how = GROUND_NONE;
	const char *orig = s;
	size_t orig_n = n;
	struct match m;

	text_trim(&s, &n);
	if (!n)
		goto fallback;
	/* the common case: the item is a bare title (quotes and markup are read off below) */
	if (!r->cand && isalnum((unsigned char)s[0]) && (isalnum((unsigned char)s[n - 1]) || s[n - 1] == ')') &&
	    reader_strict(r, s, n, &m)) {
		reader_emit(r, s, n, &m);
		return;
	}
	if (reader_refs(r, s, n))
		return;
	/* a title starting like a reference ("(500) Days of Summer") is read as a title first */
	if (r->cand && !reader_strict(r, s, n, &m)) {
		/* a candidate number (groups 1-4) or, where letters count, a letter (groups 1-3) */
		int groups = rx(r, P_INNER_REF, s, n, 0) ? 4 :
			     r->letters && rx(r, P_INNER_LETTER, s, n, 0) ? 3 : 0, g;
		for (g = 1; g <= groups; g++)
			if (grp(r, g, &b, &e) && (k = reader_ref_value(r, s + b, e - b, &how))) {
				size_t end = rx_end(&r->x);
				ref = k;
				ref_how = how;
				s += end;
				n -= end;
				break;
			}
	}
	if (rx(r, P_LABEL, s, n, 0)) {
		size_t end = rx_end(&r->x);
		if (!reader_strict(r, s, n, &m)) {
			s += end;
			n -= end;
			text_trim(&s, &n);
			if (reader_refs(r, s, n))
				return;
		}
	}
	/* "You'll love Heat (1995)": the lead-in is no part of the title */
	if (n && !reader_strict(r, s, n, &m) && rx(r, P_LEAD, s, n, 0)) {
		size_t end = rx_end(&r->x);
		if (end < n) {
			s += end;
			n -= end;
		}
	}
	if (!n)
		goto fallback;
	before = r->n;
	reader_element(r, s, n, 1, ref ? 0 : emit_if_none);
	if (r->n > before || !ref)
		return;
fallback:
	if (ref)
		reader_emit_ref(r, orig, orig_n, ref, ref_how);
}

/* The longest run of (up to 12) words at the start of s that grounds: "Amadeus next" → Amadeus. */
static void read_word_prefix(struct reader *r, const char *s, size_t n)
{
	size_t ends[12], nw = 0, i = 0;
	struct match m;

	text_trim(&s, &n);
	while (i < n && nw < 12) {
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		ends[nw++] = i;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
	}
	while (nw-- > 0) {
		size_t k = ends[nw];
		text_strip_trailing_punct(s, &k);
		if (reader_strict(r, s, k, &m)) {
			reader_emit(r, s, k, &m);
			return;
		}
	}
}

/* Is s a list rather than a sentence: a separator for every four words or fewer? */
static int list_dense(const char *s, size_t n)
{
	size_t i, seps = 0;

	for (i = 0; i < n; i++)
		seps += s[i] == ',' || s[i] == ';' || s[i] == '|';
	return seps >= 2 && seps * 4 >= count_words(s, n);
}

/*
 * A sentence or paragraph: its quoted or bold titles, its "Title (Year)"
 * mentions, or the titles after a lead-in ("I'd recommend Heat and
 * Casino."). Nothing it says is emitted as a hallucination unless it is
 * marked up or dated like a title.
 */
static void read_prose(struct reader *r, const char *s, size_t n, int chatter)
{
	size_t pos = 0, b, e, before = r->n, consumed = 0;
	struct strbuf w = STRBUF_INIT;
	struct match m;

	/* spans */
	while (pos < n && !full(r) && rx(r, P_SPAN, s, n, pos)) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->x.md);
		size_t ms = ov[0], me = ov[1], sb = 0, se = 0, ye = me;
		int g;
		const char *t;
		size_t tn;

		for (g = 1; g <= 9; g++)
			if (grp(r, g, &sb, &se))
				break;
		t = s + sb;
		tn = se - sb;
		text_trim(&t, &tn);
		if (rx(r, P_YEAR, s, n, me) && grp(r, 0, &b, &e) && b <= me + 2)
			ye = e;
		if (tn && count_words(t, tn) <= 15 && !(tn && t[tn - 1] == ':')) {
			size_t at = r->n;
			reader_element(r, s + ms, ye - ms, 0, 0);
			/* a marked-up name that grounds to nothing: a title only if it looks like one */
			if (r->n == at && (isupper((unsigned char)t[0]) || isdigit((unsigned char)t[0])) &&
			    count_words(t, tn) <= 10 && t[tn - 1] != '.' && t[tn - 1] != '!' && t[tn - 1] != '?')
				reader_emit_none(r, t, tn);
		}
		consumed = ye;
		pos = ye > pos ? ye : pos + 1;
	}
	/* "Title (Year)" mentions outside spans */
	pos = 0;
	while (pos < n && !full(r) && rx(r, P_YEAR, s, n, pos) && grp(r, 0, &b, &e)) {
		size_t starts[16], ns = 0, i, j;
		int done = 0;

		pos = e;
		if (b < consumed)
			continue;
		/* word starts before the year, nearest first */
		for (i = b; i > 0 && ns < 16;) {
			while (i > 0 && isspace((unsigned char)s[i - 1]))
				i--;
			if (!i || s[i - 1] == '\n')
				break;
			j = i;
			while (j > 0 && !isspace((unsigned char)s[j - 1]))
				j--;
			if (j < consumed)
				break;
			starts[ns++] = j;
			i = j;
		}
		/* the longest window that grounds */
		for (i = ns; i-- > 0 && !done;) {
			strbuf_reset(&w);
			text_strip_markup(&w, s + starts[i], e - starts[i]);
			{
				const char *t = w.buf;
				size_t tn = w.len;
				text_trim(&t, &tn);
				text_strip_quotes(&t, &tn);
				if (reader_strict(r, t, tn, &m)) {
					reader_emit(r, s + starts[i], e - starts[i], &m);
					done = 1;
				}
			}
		}
		if (!done && ns) {
			/* the run of capitalised words before the year */
			size_t k = 0;
			while (k < ns) {
				const char *word = s + starts[k];
				size_t wl = 0;
				while (starts[k] + wl < b && !isspace((unsigned char)word[wl]))
					wl++;
				if (!(isupper((unsigned char)word[0]) || isdigit((unsigned char)word[0]) ||
				      (text_small_word(word, wl) && k + 1 < ns)) || word[wl ? wl - 1 : 0] == ',')
					break;
				k++;
			}
			if (k) {
				strbuf_reset(&w);
				text_strip_markup(&w, s + starts[k - 1], e - starts[k - 1]);
				if (reader_fuzzy(r, w.buf, w.len, &m))
					reader_emit(r, s + starts[k - 1], e - starts[k - 1], &m);
				else
					reader_emit_none(r, s + starts[k - 1], e - starts[k - 1]);
			}
		}
		consumed = e;
	}
	/* "I'd recommend Heat, Casino and Fargo. Another great choice would be Zodiac." */
	if (r->n == before) {
		size_t sent = 0, guard = 0;
		while (sent < n && guard++ < 200 && !full(r)) {
			size_t stop, at = r->n;
			for (stop = sent; stop < n; stop++)
				if ((s[stop] == '.' || s[stop] == '!' || s[stop] == '?') &&
				    (stop + 1 == n || isspace((unsigned char)s[stop + 1])) &&
				    !(stop >= 2 && s[stop - 2] == '.' && isupper((unsigned char)s[stop - 1])) &&
				    !(stop >= 2 && (starts_with_ci(s + stop - 2, 3, "mr.") || starts_with_ci(s + stop - 2, 3, "dr.") ||
						    starts_with_ci(s + stop - 2, 3, "vs.") || starts_with_ci(s + stop - 2, 3, "st."))))
					break;
			/* the sentence as its own subject: \A never matches at a start offset */
			if (rx(r, P_LEAD, s + sent, stop - sent, 0)) {
				size_t end = sent + rx_end(&r->x);
				reader_element(r, s + end, stop - end, 1, 0);
				if (r->n == at)
					read_word_prefix(r, s + end, stop - end);
			}
			sent = stop + 1;
		}
	}
	/* "Eternal Sunshine of the Spotless Mind." "Heat is a great choice." */
	if (r->n == before && !chatter && count_words(s, n) <= 20)
		reader_element(r, s, n, 1, 0);
	/* a long line of titles: "Heat, Casino, Fargo, ... , Zodiac" (its unknown parts are hallucinations) */
	else if (r->n == before && !chatter && list_dense(s, n))
		reader_element(r, s, n, 1, EMIT_PARTS);
	strbuf_release(&w);
}

/*
 * A markdown table row "| 1 | Heat | 1995 |": the first cell that grounds
 * (with the row's year, if a cell holds one). Header and rule rows give
 * nothing.
 */
static void read_table_row(struct reader *r, const char *s, size_t n)
{
	struct part cells[32];
	size_t nc = 0, i, start = 1, year_cell = SIZE_MAX;
	struct match m;
	struct strbuf t = STRBUF_INIT;

	for (i = 1; i <= n && nc < ARRAY_SIZE(cells); i++) {
		if (i < n && s[i] != '|')
			continue;
		{
			const char *c = s + start;
			size_t cn = i - start;
			text_trim(&c, &cn);
			if (cn) {
				cells[nc].b = (size_t)(c - s);
				cells[nc].e = cells[nc].b + cn;
				if (cn == 4 && isdigit((unsigned char)c[0]) && isdigit((unsigned char)c[3]))
					year_cell = nc;
				nc++;
			}
		}
		start = i + 1;
	}
	for (i = 0; i < nc; i++) {
		const char *c = s + cells[i].b;
		size_t cn = cells[i].e - cells[i].b, k;
		int text = 0;
		for (k = 0; k < cn; k++)
			text |= isalpha((unsigned char)c[k]);
		if (!text || i == year_cell)
			continue;
		strbuf_reset(&t);
		text_strip_markup(&t, c, cn);
		if (year_cell != SIZE_MAX)
			strbuf_addf(&t, " (%.*s)", 4, s + cells[year_cell].b);
		if (reader_strict(r, t.buf, t.len, &m) || reader_strict(r, c, cn, &m) || reader_fuzzy(r, t.buf, t.len, &m)) {
			reader_emit(r, c, cn, &m);
			break;
		}
	}
	strbuf_release(&t);
}

/* A line that is not a list item: a title, a comma list, a reference line, a table row, a header or chatter. */
void reader_plain(struct reader *r, const char *s, size_t n)
{
	struct match m;
	size_t words, b, e, k;
	enum ground_how how;
	int chatter;

	text_trim(&s, &n);
	while (n && (*s == '#' || *s == '>')) {
		s++;
		n--;
	}
	text_trim(&s, &n);
	if (!n)
		return;
	if (s[0] == '|') {
		read_table_row(r, s, n);
		return;
	}
	if (reader_strict(r, s, n, &m)) {
		reader_emit(r, s, n, &m);
		return;
	}
	if (r->letters && rx(r, P_LETTER, s, n, 0)) {
		int g;
		for (g = 2; g <= 5; g++)
			if (grp(r, g, &b, &e) && (k = reader_ref_value(r, s + b, e - b, &how))) {
				size_t end = rx_end(&r->x);
				reader_item(r, s + end, n - end, k, how, 1);
				return;
			}
	}
	if (rx(r, P_LABEL, s, n, 0)) {
		size_t end = rx_end(&r->x);
		s += end;
		n -= end;
		text_trim(&s, &n);
		if (!n)
			return;
	}
	if (reader_refs(r, s, n))
		return;
	if (s[n - 1] == ':' || (n > 2 && !memcmp(s + n - 2, ":*", 2)))
		return;   /* a header: "Here are my picks:" */
	chatter = rx(r, P_CHATTER, s, n, 0);
	words = count_words(s, n);
	/* a line ending like a sentence is a title only if it grounds: "Scorsese's epic." is none */
	if (!chatter && words <= 12 &&
	    !((s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?') && words >= 4))
		reader_item(r, s, n, 0, GROUND_NONE, !(s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?'));
	else
		read_prose(r, s, n, chatter);
}
