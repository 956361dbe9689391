/* normalize.c: titles normalised for comparison (ground_normalize()), their number signatures and trigrams. */
#include "lib/utf8.h"
#include "eval/answer/index.h"


/*
 * Latin-1 (U+00C0..U+00FF) and Latin Extended-A (U+0100..U+017F) letters
 * folded to ASCII, one character per code point; capitals stand for two
 * letters: A "ae", T "th", S "ss", J "ij", O "oe"; '*' is a separator.
 */
static const char fold_latin1[] = "aaaaaaAceeeeiiiidnooooo*ouuuuyTS"
				  "aaaaaaAceeeeiiiidnooooo*ouuuuyTy";
static const char fold_exta[] = "aaaaaa" "cccccccc" "dddd" "eeeeeeeeee" "gggggggg" "hhhh" "iiiiiiiiii"
				"JJ" "jj" "kkk" "llllllllll" "nnnnnnnnn" "oooooo" "OO" "rrrrrr" "ssssssss"
				"tttttt" "uuuuuuuuuuuu" "ww" "yyy" "zzzzzz" "s";
_Static_assert(sizeof(fold_latin1) == 65 && sizeof(fold_exta) == 129, "fold tables cover their blocks");


static const char *const articles[] = {
	"the", "a", "an", "les", "la", "le", "il", "das", "der", "die", "el", "los", "las",
};

static int is_article(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(articles); i++)
		if (strlen(articles[i]) == n && !strncasecmp(s, articles[i], n))
			return 1;
	return 0;
}

/* "l'" or "L’" (the apostrophe straight or curly): its length in bytes, else 0. */
static size_t elided_article(const char *s, size_t n)
{
	if (n >= 2 && (s[0] == 'l' || s[0] == 'L')) {
		if (s[1] == '\'')
			return 2;
		if (n >= 4 && !memcmp(s + 1, "\xE2\x80\x99", 3))
			return 4;
	}
	return 0;
}

void title_trim(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;

	while (p < e && (isspace((unsigned char)*p) || *p == '\0'))
		p++;
	while (e > p && (isspace((unsigned char)e[-1]) || e[-1] == '\0'))
		e--;
	*s = p;
	*n = (size_t)(e - p);
}

/* A trailing "(1995)" or "[1995]": the year (1870..2099), and *n cut before it; else 0. */
int strip_year(const char *s, size_t *n)
{
	size_t e = *n, i;
	int y = 0;
	char close;

	if (e < 6)
		return 0;
	close = s[e - 1];
	if (close != ')' && close != ']')
		return 0;
	i = e - 1;
	while (i > 0 && s[i - 1] == ' ')
		i--;
	if (i < 5 || !isdigit((unsigned char)s[i - 1]) || !isdigit((unsigned char)s[i - 2]) ||
	    !isdigit((unsigned char)s[i - 3]) || !isdigit((unsigned char)s[i - 4]))
		return 0;
	y = (s[i - 4] - '0') * 1000 + (s[i - 3] - '0') * 100 + (s[i - 2] - '0') * 10 + (s[i - 1] - '0');
	i -= 4;
	while (i > 0 && s[i - 1] == ' ')
		i--;
	if (i == 0 || s[i - 1] != (close == ')' ? '(' : '['))
		return 0;
	if (y < 1870 || y > 2099)
		return 0;
	i--;
	while (i > 0 && isspace((unsigned char)s[i - 1]))
		i--;
	if (i == 0)     /* "(1995)" alone is no title */
		return 0;
	*n = i;
	return y;
}

static const char *const romans[][2] = {
	{ "ii", "2" }, { "iii", "3" }, { "iv", "4" }, { "vi", "6" }, { "vii", "7" }, { "viii", "8" },
	{ "ix", "9" }, { "xi", "11" }, { "xii", "12" }, { "xiii", "13" }, { "xiv", "14" },
	{ "xv", "15" }, { "xvi", "16" }, { "xvii", "17" }, { "xviii", "18" }, { "xix", "19" },
	{ "xx", "20" },
};

/* The token out->buf[start..len) ends: a Roman numeral becomes its number. */
static void end_token(struct strbuf *out, size_t start, int last, size_t base)
{
	size_t n = out->len - start, i;
	const char *t = out->buf + start;

	if (!n || n > 5)
		return;
	for (i = 0; i < n; i++)
		if (t[i] != 'i' && t[i] != 'v' && t[i] != 'x')
			return;
	for (i = 0; i < ARRAY_SIZE(romans); i++)
		if (strlen(romans[i][0]) == n && !memcmp(t, romans[i][0], n)) {
			strbuf_setlen(out, start);
			strbuf_addstr(out, romans[i][1]);
			return;
		}
	/* "Rocky V", "Malcolm X": a lone v or x ends a title as a number, never starts one */
	if (last && n == 1 && start > base && (*t == 'v' || *t == 'x')) {
		const char *num = *t == 'v' ? "5" : "10";
		strbuf_setlen(out, start);
		strbuf_addstr(out, num);
	}
}

/*
 * Append the normalised form of s[0..n) to out (see ground_normalize() in
 * ground.h); returns the trailing year or 0.
 */
int normalize_into(struct strbuf *out, const char *s, size_t n)
{
	const size_t base = out->len;
	size_t i, tok = base, k;
	int year, sep = 0;

	title_trim(&s, &n);
	year = strip_year(s, &n);
	/* "Godfather, The": the article after the last comma */
	for (i = n; i > 0; i--)
		if (s[i - 1] == ',') {
			const char *t = s + i;
			size_t tn = n - i;
			title_trim(&t, &tn);
			if (is_article(t, tn) || (tn && elided_article(t, tn) == tn)) {
				n = i - 1;
				title_trim(&s, &n);
			}
			break;
		}
	/* "The Godfather", "L'Avventura" (unless the article is the whole title) */
	for (i = 0; i < n && s[i] != ' '; i++)
		;
	if (i < n && is_article(s, i)) {
		s += i;
		n -= i;
		title_trim(&s, &n);
	} else if ((k = elided_article(s, n)) && k < n && isalnum((unsigned char)s[k])) {
		s += k;
		n -= k;
	}

	/* at most five bytes out for one in (" and " for "&"), and " 10" at the end: no growing below */
	strbuf_grow(out, 5 * n + 16);
#define PUT(ch) (out->buf[out->len++] = (char)(ch))
	for (i = 0; i < n;) {
		uint32_t c = (unsigned char)s[i];
		char fold = 0;

		/* the common case: ASCII letters and digits */
		if (c < 0x80) {
			i++;
			if (isalnum((int)c)) {
				if (sep && out->len > base)
					PUT(' ');
				if (sep || out->len == base)
					tok = out->len;
				sep = 0;
				PUT(c >= 'A' && c <= 'Z' ? c + 32 : c);
				continue;
			}
			if (c == '\'' || c == '.')
				continue;           /* "Schindler's", "L.A." */
			if (c == '&') {
				if (!sep && out->len > base)
					end_token(out, tok, 0, base);
				if (out->len > base)
					PUT(' ');
				PUT('a'), PUT('n'), PUT('d');
				sep = 1;
				continue;
			}
			goto separator;
		}
		/* an invalid or truncated sequence reads its first byte as Latin-1: any bytes have a reading */
		if ((k = utf8_decode(s + i, n - i, &c)))
			i += k;
		else
			i++;
		if (c >= 0xFF01 && c <= 0xFF5E) {   /* full-width ASCII */
			c -= 0xFEE0;
			if (isalnum((int)c))
				fold = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			else if (c == '\'' || c == '.')
				continue;
			else
				goto separator;
		} else if (c >= 0xC0 && c <= 0xFF) {
			fold = fold_latin1[c - 0xC0];
		} else if (c >= 0x100 && c <= 0x17F) {
			fold = fold_exta[c - 0x100];
		} else if (c == 0x2018 || c == 0x2019 || c == 0x201B || c == 0x2032 || c == 0x02BC || c == 0xB4) {
			continue;                   /* apostrophes */
		} else if (c >= 0x300 && c <= 0x36F) {
			continue;                   /* combining accents (decomposed input) */
		} else if (c == 0x218 || c == 0x219) {
			fold = 's';
		} else if (c == 0x21A || c == 0x21B) {
			fold = 't';
		} else if (c >= 0xFE00 && c <= 0xFE0F) {
			continue;                   /* variation selectors */
		} else if (c < 0xC0 || (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
			   (c >= 0xFE30 && c <= 0xFE4F) || c == 0xFEFF || (c >= 0x1F000 && c <= 0x1FAFF)) {
			/* controls, Latin-1 signs, general punctuation, symbols, arrows, emoji: separators */
			goto separator;
		} else {
			/* any other letter is kept as it is; Greek and Cyrillic capitals folded */
			if (c >= 0x391 && c <= 0x3A9)
				c += 0x20;
			else if (c >= 0x410 && c <= 0x42F)
				c += 0x20;
			else if (c >= 0x400 && c <= 0x40F)
				c += 0x50;
			if (sep && out->len > base)
				PUT(' ');
			if (sep || out->len == base)
				tok = out->len;
			sep = 0;
			out->len += utf8_encode(out->buf + out->len, c);
			continue;
		}
		if (fold == '*')
			goto separator;
		if (sep && out->len > base)
			PUT(' ');
		if (sep || out->len == base)
			tok = out->len;
		sep = 0;
		switch (fold) {
		case 'A': PUT('a'), PUT('e'); break;
		case 'T': PUT('t'), PUT('h'); break;
		case 'S': PUT('s'), PUT('s'); break;
		case 'J': PUT('i'), PUT('j'); break;
		case 'O': PUT('o'), PUT('e'); break;
		default: PUT(fold);
		}
		continue;
separator:
		if (!sep && out->len > base)
			end_token(out, tok, 0, base);
		sep = 1;
	}
#undef PUT
	out->buf[out->len] = '\0';
	if (out->len > base && out->buf[out->len - 1] != ' ')
		end_token(out, tok, 1, base);
	return year;
}

char *ground_normalize(const char *title, size_t len, int *year)
{
	struct strbuf sb = STRBUF_INIT;
	int y = normalize_into(&sb, title, len);

	if (year)
		*year = y;
	return strbuf_detach(&sb, NULL);
}

/* The number signature of a normalised string: a hash of its all-digit words, in order; 0 without any. */
uint64_t number_sig(const char *s, size_t n)
{
	uint64_t h = 0;
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		int digits = 1;
		while (j < n && s[j] != ' ') {
			digits &= isdigit((unsigned char)s[j]) != 0;
			j++;
		}
		if (digits && j > i)
			h = (h ? h : 1469598103934665603ULL) * 31 + str_hash(s + i, j - i);
		i = j + 1;
	}
	return h;
}

/* The sorted distinct trigram codes of " s " into out (room for n + 2); returns how many. */
size_t trigrams(const char *s, size_t n, uint32_t *out)
{
	size_t i, m = 0, k;
	unsigned char prev2 = ' ', prev1;

	if (!n)
		return 0;
	prev1 = (unsigned char)s[0];
	for (i = 1; i <= n; i++) {
		unsigned char c = i < n ? (unsigned char)s[i] : ' ';
		out[m++] = ((uint32_t)prev2 << 16) | ((uint32_t)prev1 << 8) | c;
		prev2 = prev1;
		prev1 = c;
	}
	/* insertion sort: titles are short */
	for (i = 1; i < m; i++) {
		uint32_t v = out[i];
		size_t j = i;
		while (j > 0 && out[j - 1] > v) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = v;
	}
	for (i = 0, k = 0; i < m; i++)
		if (!k || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

double ground_similarity(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), qa, qb, i = 0, j = 0, c = 0;
	uint32_t *ta = xmalloc((na + 2) * sizeof(*ta)), *tb = xmalloc((nb + 2) * sizeof(*tb));
	double r;

	qa = trigrams(a, na, ta);
	qb = trigrams(b, nb, tb);
	while (i < qa && j < qb) {
		if (ta[i] == tb[j])
			c++, i++, j++;
		else if (ta[i] < tb[j])
			i++;
		else
			j++;
	}
	r = qa + qb ? 2.0 * (double)c / (double)(qa + qb) : 0;
	free(ta);
	free(tb);
	return r;
}
