/* text.c: Python's str semantics on UTF-8 for IFEval's checks (white space, case, strip, lower), and its sentence, capital-word and JSON readers. */
#include "eval/ifeval/text.h"
#include "lib/utf8.h"
#include <strings.h>

uint32_t ut_next(const char *s, size_t n, size_t *i)
{
	uint32_t cp = 0xFFFD;
	size_t k = utf8_decode(s + *i, n - *i, &cp);

	/* input is valid UTF-8; a cut sequence is stepped over byte by byte */
	*i += k ? k : 1;
	return cp;
}

int ut_space(uint32_t cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x1f);
	return cp == 0x85 || cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	       cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/* Ranges where case alternates: the even (or odd) code point upper, the next lower. */
struct pair_range {
	uint32_t lo, hi;
	unsigned upper_parity;
};

static const struct pair_range pairs[] = {
	{ 0x0100, 0x0137, 0 }, { 0x0139, 0x0148, 1 }, { 0x014a, 0x0177, 0 }, { 0x0179, 0x017e, 1 },
	{ 0x01cd, 0x01dc, 1 }, { 0x01de, 0x01ef, 0 }, { 0x01f8, 0x021f, 0 }, { 0x0222, 0x0233, 0 },
	{ 0x0246, 0x024f, 0 }, { 0x0460, 0x0481, 0 }, { 0x048a, 0x04bf, 0 }, { 0x04c1, 0x04ce, 1 },
	{ 0x04d0, 0x052f, 0 }, { 0x1e00, 0x1e95, 0 }, { 0x1ea0, 0x1eff, 0 },
};

int ut_case(uint32_t cp)
{
	size_t i;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? 1 : cp >= 'a' && cp <= 'z' ? -1 : 0;
	if (cp < 0x100) {
		if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
			return 1;
		if ((cp >= 0xdf && cp != 0xf7) || cp == 0xb5 || cp == 0xaa || cp == 0xba)
			return -1;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		if (cp >= pairs[i].lo && cp <= pairs[i].hi)
			return (cp & 1) == pairs[i].upper_parity ? 1 : -1;
	if (cp == 0x178 || cp == 0x4c0 || cp == 0x1e9e || cp == 0x2126 || cp == 0x212a || cp == 0x212b)
		return 1;
	if (cp == 0x138 || cp == 0x149 || cp == 0x17f || cp == 0x180 || cp == 0x4cf || (cp >= 0x1e96 && cp <= 0x1e9d))
		return -1;
	if (cp == 0x386 || (cp >= 0x388 && cp <= 0x38a) || cp == 0x38c || cp == 0x38e || cp == 0x38f ||
	    (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2))
		return 1;
	if (cp == 0x390 || (cp >= 0x3ac && cp <= 0x3ce))
		return -1;
	if (cp >= 0x400 && cp <= 0x42f)
		return 1;
	if (cp >= 0x430 && cp <= 0x45f)
		return -1;
	if (cp >= 0x531 && cp <= 0x556)
		return 1;
	if (cp >= 0x561 && cp <= 0x587)
		return -1;
	if (cp >= 0xff21 && cp <= 0xff3a)
		return 1;
	if (cp >= 0xff41 && cp <= 0xff5a)
		return -1;
	return 0;
}

/* The lower-case form of an upper-case code point (one code point; U+0130 is handled by ut_lower). */
static uint32_t lower1(uint32_t cp)
{
	size_t i;

	if (ut_case(cp) != 1)
		return cp;
	if (cp < 0x100)
		return cp + 32;
	for (i = 0; i < ARRAY_SIZE(pairs); i++)
		if (cp >= pairs[i].lo && cp <= pairs[i].hi)
			return cp + 1;
	switch (cp) {
	case 0x178: return 0xff;
	case 0x4c0: return 0x4cf;
	case 0x1e9e: return 0xdf;
	case 0x2126: return 0x3c9;
	case 0x212a: return 'k';
	case 0x212b: return 0xe5;
	case 0x386: return 0x3ac;
	case 0x38c: return 0x3cc;
	default: break;
	}
	if (cp >= 0x388 && cp <= 0x38a)
		return cp + 37;
	if (cp == 0x38e || cp == 0x38f)
		return cp + 63;
	if (cp >= 0x391 && cp <= 0x3ab)
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 32;
	if (cp >= 0x531 && cp <= 0x556)
		return cp + 48;
	return cp + 32;  /* fullwidth A-Z */
}

int ut_letter(uint32_t cp)
{
	if (cp < 0x80)
		return isalpha((int)cp);
	if (ut_space(cp) || ut_case(cp))
		return !ut_space(cp);
	if (cp < 0xc0 || (cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
	    (cp >= 0xff5b && cp <= 0xff65) || cp == 0xfffd || (cp >= 0x1f000 && cp <= 0x1faff))
		return 0;
	/* digits of other scripts are letters here: they are rare and this only tells text from no text */
	return 1;
}

void ut_strip(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n, i = 0, j;

	while (i < len) {
		j = i;
		if (!ut_space(ut_next(p, len, &j)))
			break;
		i = j;
	}
	p += i;
	len -= i;
	/* from the end: step back over one code point at a time */
	while (len) {
		size_t start = len - 1, k;
		while (start && ((unsigned char)p[start] & 0xc0) == 0x80)
			start--;
		k = start;
		if (!ut_space(ut_next(p, len, &k)))
			break;
		len = start;
	}
	*s = p;
	*n = len;
}

void ut_strip_chars(const char **s, size_t *n, const char *chars)
{
	while (*n && strchr(chars, (*s)[0]))
		(*s)++, (*n)--;
	while (*n && strchr(chars, (*s)[*n - 1]))
		(*n)--;
}

void ut_lower(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;

	strbuf_grow(out, n + 8);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char enc[4];
		uint32_t cp;

		if (c < 0x80) {
			strbuf_addch(out, c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		cp = ut_next(s, n, &i);
		if (cp == 0x130) {
			strbuf_add(out, "i\xcc\x87", 3);
			continue;
		}
		strbuf_add(out, enc, utf8_encode(enc, lower1(cp)));
	}
}

static int has_case(const char *s, size_t n, int want)
{
	size_t i = 0;
	int cased = 0;

	while (i < n) {
		int c = ut_case(ut_next(s, n, &i));
		if (c == -want)
			return 0;
		cased |= c == want;
	}
	return cased;
}

int ut_isupper(const char *s, size_t n)
{
	return has_case(s, n, 1);
}

int ut_islower(const char *s, size_t n)
{
	return has_case(s, n, -1);
}

void ut_sanitize(struct strbuf *out, const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t ok = utf8_valid_prefix(s + i, n - i);
		strbuf_add(out, s + i, ok);
		i += ok;
		if (i < n) {
			strbuf_addstr(out, UTF8_REPLACEMENT);
			i++;
		}
	}
}

/* --- sentences ------------------------------------------------------- */

/* Abbreviations Punkt's English model knows, lower case, without the final period. */
static const char *const abbreviations[] = {
	"mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co",
	"corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "no",
	"fig", "al", "approx", "dept", "est", "mt", "ft", "gen", "gov", "sen", "rep", "rev", "col", "lt",
	"capt", "cpl", "sgt", "u.s", "u.k", "a.m", "p.m", "ph.d", "ave", "blvd", "vol", "pp", "cf", "viz",
};

/* Whether word[0..n) (the token before its final period) keeps the period: an abbreviation, an initial, an acronym. */
static int keeps_period(const char *w, size_t n)
{
	size_t i, letters = 0, dots = 0;
	char low[16];

	for (i = 0; i < n; i++) {
		if (isalpha((unsigned char)w[i]))
			letters++;
		else if (w[i] == '.')
			dots++;
		else if ((unsigned char)w[i] < 0x80)
			break;
	}
	/* "J." and "U.S.A." (letters and dots alternating) */
	if (i == n && letters && (letters == 1 || dots + 1 == letters) && letters <= 4 && (letters == 1 || dots))
		return 1;
	if (n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)w[i]);
	low[n] = 0;
	for (i = 0; i < ARRAY_SIZE(abbreviations); i++)
		if (!strcmp(low, abbreviations[i]))
			return 1;
	return 0;
}

static int closer(char c)
{
	return c == '"' || c == '\'' || c == ')' || c == ']' || c == '}';
}

size_t ifeval_count_sentences(const char *s, size_t n)
{
	size_t i = 0, count = 0;
	int open = 0;  /* text since the last sentence end */

	while (i < n) {
		size_t start, end, core, j;
		uint32_t cp;

		/* the next white-space separated token s[start..end) */
		j = i;
		cp = ut_next(s, n, &j);
		if (ut_space(cp)) {
			i = j;
			continue;
		}
		start = i;
		end = j;
		while (end < n) {
			size_t k = end;
			if (ut_space(ut_next(s, n, &k)))
				break;
			end = k;
		}
		i = end;
		open = 1;
		/* closing quotes and brackets (ASCII, or the curly ones) after the final mark */
		core = end;
		for (;;) {
			if (core > start && closer(s[core - 1]))
				core--;
			else if (core >= start + 3 && (unsigned char)s[core - 3] == 0xe2 && (unsigned char)s[core - 2] == 0x80 &&
				 ((unsigned char)s[core - 1] == 0x9d || (unsigned char)s[core - 1] == 0x99))
				core -= 3;
			else
				break;
		}
		if (core == start)
			continue;
		if (s[core - 1] == '?' || s[core - 1] == '!') {
			count++;
			open = 0;
		} else if (s[core - 1] == '.') {
			if (core - start >= 2 && s[core - 2] == '.') {
				/* an ellipsis ends a sentence before a capital */
				size_t k = i;
				uint32_t next = 0;
				while (k < n && ut_space(next = ut_next(s, n, &k)))
					;
				if (k >= n || ut_case(next) == 1) {
					count++;
					open = 0;
				}
			} else if (!keeps_period(s + start, core - 1 - start)) {
				count++;
				open = 0;
			}
		}
	}
	return count + (size_t)open;
}

/* --- capital words ------------------------------------------------------- */

static int separator(char c)
{
	return c && strchr(",;:@#$%&?!()[]{}<>\"", c) != NULL;
}

static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix), i;

	if (n <= k)
		return 0;
	for (i = 0; i < k; i++)
		if (tolower((unsigned char)s[n - k + i]) != suffix[i])
			return 0;
	return 1;
}

static size_t upper_parts(const char *s, size_t n)
{
	static const char *const suffixes[] = { "n't", "'ll", "'re", "'ve", "'s", "'m", "'d" };
	static const char *const split_words[] = { "cannot", "gonna", "gotta", "wanna", "gimme", "lemme" };
	size_t i;

	if (!n)
		return 0;
	for (i = 0; i < ARRAY_SIZE(suffixes); i++)
		if (ends_with_ci(s, n, suffixes[i])) {
			size_t k = strlen(suffixes[i]);
			return (size_t)ut_isupper(s, n - k) + (size_t)ut_isupper(s + n - k, k);
		}
	for (i = 0; i < ARRAY_SIZE(split_words); i++)
		if (n == strlen(split_words[i]) && !strncasecmp(s, split_words[i], n)) {
			/* Treebank splits "cannot" as "can not", the others before their last two letters */
			size_t tail = i ? 2 : 3;
			return (size_t)ut_isupper(s, n - tail) + (size_t)ut_isupper(s + n - tail, tail);
		}
	return (size_t)ut_isupper(s, n);
}

size_t ifeval_capital_words(const char *s, size_t n)
{
	size_t i = 0, start = 0, count = 0;

	while (i <= n) {
		size_t j = i, cut = 0;
		int sep;

		if (i == n) {
			sep = 1;
		} else if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
			sep = 1;
			cut = 2;
		} else if (s[i] == '.' && i + 2 < n && s[i + 1] == '.' && s[i + 2] == '.') {
			sep = 1;
			cut = 3;
		} else if (separator(s[i])) {
			sep = 1;
			cut = 1;
		} else {
			sep = ut_space(ut_next(s, n, &j));
			cut = j - i;
		}
		if (sep) {
			count += upper_parts(s + start, i - start);
			i += cut ? cut : 1;
			start = i;
		} else {
			i = j;
		}
	}
	return count;
}

/* --- JSON, as Python's json.loads reads it -------------------------------- */

struct jp {
	const char *s;
	size_t n, i;
	int depth;
};

static void jws(struct jp *p)
{
	while (p->i < p->n && strchr(" \t\n\r", p->s[p->i]) && p->s[p->i])
		p->i++;
}

static int jlit(struct jp *p, const char *lit)
{
	size_t k = strlen(lit);

	if (p->n - p->i >= k && !memcmp(p->s + p->i, lit, k)) {
		p->i += k;
		return 1;
	}
	return 0;
}

static int jdigits(struct jp *p)
{
	size_t from = p->i;

	while (p->i < p->n && isdigit((unsigned char)p->s[p->i]))
		p->i++;
	return p->i > from;
}

static int jvalue(struct jp *p);

static int jstring(struct jp *p)
{
	p->i++;
	while (p->i < p->n) {
		unsigned char c = (unsigned char)p->s[p->i++];
		if (c == '"')
			return 1;
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			int k;
			if (p->i >= p->n)
				return 0;
			c = (unsigned char)p->s[p->i++];
			if (c == 'u') {
				for (k = 0; k < 4; k++, p->i++)
					if (p->i >= p->n || !isxdigit((unsigned char)p->s[p->i]))
						return 0;
			} else if (!strchr("\"\\/bfnrt", c) || !c) {
				return 0;
			}
		}
	}
	return 0;
}

static int jcontainer(struct jp *p, char close)
{
	if (++p->depth > 512)
		return 0;
	p->i++;
	jws(p);
	if (p->i < p->n && p->s[p->i] == close) {
		p->i++;
		p->depth--;
		return 1;
	}
	for (;;) {
		jws(p);
		if (close == '}') {
			if (p->i >= p->n || p->s[p->i] != '"' || !jstring(p))
				return 0;
			jws(p);
			if (p->i >= p->n || p->s[p->i] != ':')
				return 0;
			p->i++;
		}
		if (!jvalue(p))
			return 0;
		jws(p);
		if (p->i < p->n && p->s[p->i] == ',') {
			p->i++;
			continue;
		}
		if (p->i < p->n && p->s[p->i] == close) {
			p->i++;
			p->depth--;
			return 1;
		}
		return 0;
	}
}

static int jvalue(struct jp *p)
{
	char c;

	jws(p);
	if (p->i >= p->n)
		return 0;
	c = p->s[p->i];
	if (c == '{')
		return jcontainer(p, '}');
	if (c == '[')
		return jcontainer(p, ']');
	if (c == '"')
		return jstring(p);
	if (jlit(p, "true") || jlit(p, "false") || jlit(p, "null") || jlit(p, "NaN") || jlit(p, "Infinity") ||
	    jlit(p, "-Infinity"))
		return 1;
	if (c == '-')
		p->i++;
	if (p->i < p->n && p->s[p->i] == '0')
		p->i++;
	else if (!jdigits(p))
		return 0;
	if (p->i < p->n && p->s[p->i] == '.') {
		p->i++;
		if (!jdigits(p))
			return 0;
	}
	if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		p->i++;
		if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (!jdigits(p))
			return 0;
	}
	return 1;
}

int ifeval_json_valid(const char *s, size_t n)
{
	struct jp p = { s, n, 0, 0 };

	if (!jvalue(&p))
		return 0;
	jws(&p);
	return p.i == n;
}
