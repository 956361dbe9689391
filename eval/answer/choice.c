/* choice.c: the multiple-choice reader: the one option an answer picks, by letter or number, or by a candidate's title. */
#include "eval/answer/choice.h"
#include "eval/answer/ground.h"
#include "eval/answer/extract.h"

/* A letter or number token as a 0-based choice; -1 when it names none. */
static int choice_value(const char *s, size_t n, size_t n_cand)
{
	size_t v = 0, i;

	if (!n)
		return -1;
	if (isdigit((unsigned char)s[0])) {
		for (i = 0; i < n && isdigit((unsigned char)s[i]) && v < 1000; i++)
			v = v * 10 + (size_t)(s[i] - '0');
		return v >= 1 && v <= n_cand ? (int)v - 1 : -1;
	}
	if (n == 1 && isalpha((unsigned char)s[0])) {
		v = (size_t)(toupper((unsigned char)s[0]) - 'A');
		return v < n_cand && v < 26 ? (int)v : -1;
	}
	return -1;
}

/* After an explicit "answer is A": is the A an article ("A good pick") rather than the letter? */
static int article_follows(const char *s, size_t n, size_t after)
{
	size_t i = after;

	while (i < n && (s[i] == '*' || s[i] == '_' || s[i] == ')' || s[i] == ']'))
		i++;
	if (i < n && s[i] == ' ') {
		while (i < n && s[i] == ' ')
			i++;
		return i < n && isalpha((unsigned char)s[i]) && !(s[i] == '-' );
	}
	return 0;
}

int choice_read(const char *answer, size_t len, size_t n_cand, const struct grounder *g, const uint32_t *cand)
{
	struct rx x;
	char *text;
	const char *s;
	size_t n, pos, b, e, k;
	int choice = -1, found = -1, amb = 0;
	struct grounded *gv = NULL;
	size_t nv = 0;

	if (!answer || !len || !n_cand)
		return -1;
	rx_init(&x);
	text = extract_prepare(&x, answer, len, &n);
	s = text;
	text_trim(&s, &n);
	if (!n)
		goto out;

	/* 1. explicit: "Answer: C", "The answer is (C)", "Option C" — the last one said */
	for (pos = 0; pos < n && rx_match(&x, P_MC_ANSWER, s, n, pos) && rx_group(&x, 1, &b, &e);) {
		char c = s[b];
		int v = choice_value(s + b, e - b, n_cand);
		pos = e;
		if (v < 0)
			continue;
		if ((c == 'A' || c == 'a' || c == 'I' || c == 'i') && article_follows(s, n, e))
			continue;
		if (islower((unsigned char)c) && c != 'a' && e < n && s[e] == '\'')
			continue;
		found = v;
	}
	if (found >= 0) {
		choice = found;
		goto out;
	}
	/* 2. the whole answer is one letter or number */
	if (n <= 40 && rx_match(&x, P_MC_ALONE, s, n, 0) && rx_group(&x, 1, &b, &e)) {
		choice = choice_value(s + b, e - b, n_cand);
		goto out;
	}
	/* 3. a leading marker: "C. Heat", "(C) Heat", "**C** ...", unless another marked letter contradicts it */
	if (rx_match(&x, P_MC_LEAD, s, n, 0)) {
		int gi;
		for (gi = 1; gi <= 3; gi++)
			if (rx_group(&x, gi, &b, &e)) {
				found = choice_value(s + b, e - b, n_cand);
				break;
			}
	}
	/*
	 * 4. "(C)" or "**C**" anywhere, naming one candidate. After a leading
	 * marker only its own line counts: "C) Fargo\n\nThe user saw Heat (A)"
	 * answers C, "(B) or (D)" answers nothing.
	 */
	{
		size_t lim = n;
		const char *nl;
		if (found >= 0 && (nl = memchr(s, '\n', n)))
			lim = (size_t)(nl - s);
		for (pos = 0; pos < lim && rx_match(&x, P_MC_MARKED, s, lim, pos);) {
		int gi;
		pos = rx_end(&x);
		for (gi = 1; gi <= 2; gi++)
			if (rx_group(&x, gi, &b, &e)) {
				int v = choice_value(s + b, e - b, n_cand);
				if (v >= 0) {
					if (found >= 0 && found != v)
						amb = 1;
					found = v;
				}
			}
		}
	}
	if (found >= 0) {
		choice = amb ? -1 : found;
		goto out;
	}
	/* 5. stand-alone capitals (never the article A or the pronoun I) and titles must agree */
	found = -1;
	for (pos = 0; pos < n && !amb && rx_match(&x, P_MC_STANDALONE, s, n, pos) && rx_group(&x, 1, &b, &e);) {
		int v;
		pos = e;
		if (s[b] == 'A' || s[b] == 'I')
			continue;
		v = choice_value(s + b, 1, n_cand);
		if (v < 0)
			continue;
		if (found >= 0 && found != v)
			amb = 1;
		found = v;
	}
	if (amb)
		goto out;
	/* titles only where there is a catalogue to ground them in */
	if (g && cand)
		nv = answer_read(&gv, g, s, n, cand, n_cand, 1);
	for (k = 0; k < nv; k++) {
		size_t c;
		if (!gv[k].in_candidates)
			continue;
		for (c = 0; c < n_cand && cand[c] != gv[k].item; c++)
			;
		if (c == n_cand)
			continue;
		if (found >= 0 && found != (int)c) {
			amb = 1;
			break;
		}
		found = (int)c;
	}
	grounded_free(gv, nv);
	if (!amb)
		choice = found;
out:
	free(text);
	rx_release(&x);
	return choice;
}

int answer_choice(const struct grounder *g, const char *answer, size_t len, const uint32_t *cand, size_t n_cand)
{
	if (!cand)
		return -1;
	return choice_read(answer, len, n_cand, g, cand);
}

/* Lower-case ASCII, white space runs as one space, without the quotes, stars and final period around it. */
static char *option_norm(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i, o = 0;
	int space = 0;

	while (n && (isspace((unsigned char)*s) || strchr("\"'*_`", *s)))
		s++, n--;
	while (n && (isspace((unsigned char)s[n - 1]) || strchr("\"'*_`.", s[n - 1])))
		n--;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (isspace(c)) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)tolower(c);
	}
	out[o] = 0;
	return out;
}

/* Whether needle occurs in hay with no letter or digit on either side. */
static int contains_word(const char *hay, const char *needle)
{
	size_t k = strlen(needle);
	const char *p = hay;

	while (k && (p = strstr(p, needle))) {
		int before = p > hay && isalnum((unsigned char)p[-1]);
		int after = isalnum((unsigned char)p[k]);
		if (!before && !after)
			return 1;
		p++;
	}
	return 0;
}

int choice_read_options(const char *answer, size_t len, const char *const *options, size_t n_options)
{
	char *a, **norm;
	size_t i;
	int choice = choice_read(answer, len, n_options, NULL, NULL), found = -1, hits = 0;

	if (choice >= 0 || !answer || !options)
		return choice;
	a = option_norm(answer, len);
	norm = xcalloc(n_options + 1, sizeof(*norm));
	for (i = 0; i < n_options; i++)
		norm[i] = option_norm(options[i], strlen(options[i]));
	/* the text of one option, alone */
	for (i = 0; i < n_options; i++)
		if (*norm[i] && !strcmp(a, norm[i])) {
			found = found < 0 ? (int)i : -2;
			hits++;
		}
	/* else one option's text, and no other's, inside the answer ("The answer is Canberra.") */
	if (!hits)
		for (i = 0; i < n_options; i++)
			if (strlen(norm[i]) >= 3 && contains_word(a, norm[i])) {
				found = found < 0 ? (int)i : -2;
				hits++;
			}
	for (i = 0; i < n_options; i++)
		free(norm[i]);
	free(norm);
	free(a);
	return hits == 1 ? found : -1;
}
