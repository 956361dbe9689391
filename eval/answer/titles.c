/* titles.c: title-like spans of prose (quoted, "Title (Year)") and whole-word search for a known title. */
#include "eval/answer/titles.h"
#include "eval/answer/grounder.h"

#define TITLES_MAX_QUOTED 150
#define TITLES_MAX_WORDS 12

static int capital(unsigned char c)
{
	/* a UTF-8 lead byte counts: "Élan", "Ōkami" */
	return isupper(c) || isdigit(c) || c >= 0xC0;
}

static const char *const joiners[] = {
	"of", "the", "and", "in", "on", "a", "an", "to", "for", "with", "from", "at", "by",
	"de", "la", "le", "vs", "vs.", "&", "-", ":", NULL,
};

static int in_list(const char *const *list, const char *w, size_t n)
{
	size_t i;

	for (i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !memcmp(list[i], w, n))
			return 1;
	return 0;
}

static void add(struct title_span **out, size_t *n, size_t *alloc, const char *text, size_t off, size_t len,
		int quoted)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*out)[i].len == len && !memcmp(text + (*out)[i].off, text + off, len))
			return;
	ALLOC_GROW(*out, *n + 1, *alloc);
	(*out)[*n].off = off;
	(*out)[*n].len = len;
	(*out)[(*n)++].quoted = quoted;
}

static int alnum_at(const char *text, size_t len, size_t i)
{
	return i < len && (isalnum((unsigned char)text[i]) || (unsigned char)text[i] >= 0x80);
}

/*
 * The quoted spans, into out; marks[] gets 1 over each (quotes included).
 * Quotes nest ("The "Perfect" Alibi"): a straight quote after a space (or
 * the start, or punctuation) and before a non-space opens, one after a
 * non-space and before a non-letter closes; curly quotes say which they
 * are. Only the outermost pairs are spans.
 */
static void quoted_spans(struct title_span **out, size_t *n, size_t *alloc, const char *text, size_t len,
			 unsigned char *marks)
{
	size_t stack[8], depth = 0, i;

	for (i = 0; i < len; i++) {
		int open = 0, close = 0;
		size_t q = 1;
		if (text[i] == '\n') {
			depth = 0;
			continue;
		}
		if (i + 2 < len && !memcmp(text + i, "\xe2\x80\x9c", 3)) {
			open = 1;
			q = 3;
		} else if (i + 2 < len && !memcmp(text + i, "\xe2\x80\x9d", 3)) {
			close = 1;
			q = 3;
		} else if (text[i] == '"') {
			int before = i > 0 && !isspace((unsigned char)text[i - 1]) && alnum_at(text, len, i - 1);
			int after = i + 1 < len && !isspace((unsigned char)text[i + 1]);
			close = depth && i > 0 && !isspace((unsigned char)text[i - 1]) && !alnum_at(text, len, i + 1);
			open = !close && !before && after;
		}
		if (open && depth < ARRAY_SIZE(stack)) {
			stack[depth++] = i;
		} else if (close && depth) {
			size_t o = stack[--depth], s, e;
			if (depth)
				goto next;  /* an inner pair: part of the outer span */
			s = o + (text[o] == '"' ? 1 : 3);
			e = i;
			while (s < e && isspace((unsigned char)text[s]))
				s++;
			while (e > s && (isspace((unsigned char)text[e - 1]) || strchr(".,;:!?", text[e - 1])))
				e--;
			if (e - s >= 2 && e - s <= TITLES_MAX_QUOTED && capital((unsigned char)text[s])) {
				add(out, n, alloc, text, s, e - s, 1);
				memset(marks + o, 1, i + q - o);
			}
		}
next:
		i += q - 1;
	}
}

/* A "(YYYY)" at text[i]: its length (6), or 0. */
static size_t year_at(const char *text, size_t len, size_t i)
{
	long y;

	if (i + 6 > len || text[i] != '(' || text[i + 5] != ')')
		return 0;
	if (!isdigit((unsigned char)text[i + 1]) || !isdigit((unsigned char)text[i + 2]) ||
	    !isdigit((unsigned char)text[i + 3]) || !isdigit((unsigned char)text[i + 4]))
		return 0;
	y = (text[i + 1] - '0') * 1000 + (text[i + 2] - '0') * 100 + (text[i + 3] - '0') * 10 + (text[i + 4] - '0');
	return y >= 1870 && y <= 2099 ? 6 : 0;
}

/*
 * The start of the run of title words that ends just before end, or end
 * when there is none. Walks back a word at a time: a capitalised word
 * extends the title; a joining word is kept only if a capitalised one
 * comes before it; anything else ends it.
 */
static size_t title_start(const char *text, size_t end, const unsigned char *marks)
{
	size_t best = end, p = end, words = 0;

	while (words < TITLES_MAX_WORDS) {
		size_t we, ws, n, k;
		const char *w;
		while (p > 0 && text[p - 1] == ' ')
			p--;
		we = p;
		while (p > 0 && !isspace((unsigned char)text[p - 1]))
			p--;
		ws = p;
		/* a quoted span before is another title */
		if (ws == we || marks[ws] || marks[we - 1])
			break;
		w = text + ws;
		n = we - ws;
		/* leading markup: "**Heat", "(Heat" */
		for (k = 0; k < n && !isalnum((unsigned char)w[k]) && (unsigned char)w[k] < 0x80; k++)
			;
		/* the end of another title's year or a parenthesis: not this title's */
		if (w[n - 1] == ')')
			break;
		if (k < n && capital((unsigned char)w[k])) {
			/* a word ending a sentence is not part of the title, unless short (Mr., Dr., L.A.) */
			if (words && strchr(".!?;", w[n - 1]) && n - k > 4)
				break;
			best = ws + k;
			words++;
			if (k)
				break;  /* markup opened the title */
			continue;
		}
		if (k == 0 && in_list(joiners, w, n)) {
			words++;
			continue;
		}
		if (k == n && in_list(joiners, w, n)) {
			words++;
			continue;
		}
		break;
	}
	return best;
}

size_t title_spans(struct title_span **out, const char *text, size_t len)
{
	unsigned char *marks = xcalloc(len + 1, 1);
	size_t n = 0, alloc = 0, i;

	*out = NULL;
	quoted_spans(out, &n, &alloc, text, len, marks);
	for (i = 0; i < len; i++) {
		size_t y = year_at(text, len, i), end, s;
		if (!y || marks[i])
			continue;
		end = i;
		while (end > 0 && text[end - 1] == ' ')
			end--;
		if (end == 0 || marks[end - 1])
			continue;
		s = title_start(text, end, marks);
		if (s < end && !marks[s])
			add(out, &n, &alloc, text, s, i + y - s, 0);
		i += y - 1;
	}
	free(marks);
	return n;
}

/* Whether s starts with a number of one to three digits as a word: a sequel's ("2", "iv" is normalised to "4"). */
static int sequel_number(const char *s)
{
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	return n >= 1 && n <= 3 && (s[n] == '\0' || s[n] == ' ');
}

/* Whether needle occurs in hay as whole words (bounded by the ends or spaces). */
static int whole_words(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = hay;

	if (n < 3)
		return 0;
	while ((p = strstr(p, needle))) {
		/* "toy story" is not named by "toy story 2": a small number after it makes another title (a year does not) */
		if ((p == hay || p[-1] == ' ') && (p[n] == '\0' || (p[n] == ' ' && !sequel_number(p + n + 1))))
			return 1;
		p++;
	}
	return 0;
}

int title_named(const char *norm_text, const char *title)
{
	const char *paren;
	char *norm;
	int found;

	if (!title || !norm_text)
		return 0;
	norm = ground_normalize(title, strlen(title), NULL);
	found = whole_words(norm_text, norm);
	free(norm);
	paren = strstr(title, " (");
	if (!found && paren && paren != title) {
		norm = ground_normalize(title, (size_t)(paren - title), NULL);
		found = whole_words(norm_text, norm);
		free(norm);
	}
	return found;
}
