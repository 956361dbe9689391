/* ground.c: the catalogue index (exact titles, normalised titles, a trigram inverted index) and grounding one title in it. */
#include <pthread.h>
#include "eval/answer/ground.h"
#include "eval/answer/extract.h"
#include "lib/strmap.h"

/* Normalised titles longer than this are not compared fuzzily (nor indexed for it). */
#define FUZZY_MAX_LEN 200
/* Nor shorter than this: a typo in a four-letter title could be any title. */
#define FUZZY_MIN_LEN 5
/*
 * Per item: its normalised title, the title without its trailing
 * parenthesised groups ("(a.k.a. ...)", a title in another language),
 * the text of each of those groups (up to three), and its main title and
 * subtitles (see title_keys()).
 */
#define KEYS_PER_ITEM 10
#define MAX_ALT_GROUPS 3
/*
 * A fuzzy match must also be close in edits: the optimal-string-alignment
 * distance (Levenshtein with transpositions) of the two normalised titles,
 * spaces left out, at most this share of the longer one. Trigram Dice
 * forgives a title with words added ("Mission: Impossible - Fallout" has
 * 0.78 with "Mission: Impossible") and punishes a swapped pair of letters
 * in a short title ("Pulp Fictoin" has 0.67); edits do the opposite.
 */
#define FUZZY_EDIT_SHARE 0.2
/* When both sides give a year, a fuzzy match must agree with it this closely. */
#define FUZZY_YEAR_SLACK 1
#define EPS 1e-9

struct kentry {
	uint32_t item;
	int16_t year;     /* 0: none */
	uint8_t alt;      /* 0: the item's own normalised title; 1: an alternative title; 2: a main title or subtitle */
};

/*
 * One posting: a key holding the trigram in its prefix. Each list is
 * sorted by the key's length without spaces, so a look-up reads only the
 * keys whose length the edit bound allows (FUZZY_EDIT_SHARE): a binary
 * search, then a short run.
 */
struct posting {
	uint32_t key;
	uint8_t len;      /* the key's length without spaces */
	uint8_t numh;     /* a byte of its number signature (0: no numbers): unequal bytes, unequal numbers */
	uint8_t pos;      /* the trigram's place among the key's ranks (positional filtering) */
	uint8_t size;     /* the key's trigram count */
};

/* What verifying a fuzzy candidate reads of its key, together. */
struct keyinfo {
	uint32_t tri;     /* its ranks are ktri[tri .. tri + size) */
	uint32_t size;
	uint64_t num;     /* number signature */
};

static uint8_t num_byte(uint64_t num)
{
	return num ? (uint8_t)(1 + num % 255) : 0;
}
_Static_assert(FUZZY_MAX_LEN + 2 <= 255, "trigram places, counts and lengths fit a byte");

struct grounder {
	const struct dataset *ds;
	double thr;
	struct strmap exact;          /* title (id for untitled items) → lowest item index */
	struct strmap norm;           /* normalised title → key id */
	char *keybuf;                 /* every key, NUL-terminated, back to back */
	uint32_t n_keys;
	uint32_t *key_at;             /* [n_keys]: offset of key k in keybuf */
	uint32_t *kent_off;           /* [n_keys + 1]: key k's items are kent[kent_off[k] ..) */
	struct kentry *kent;
	uint32_t *item_keys;          /* [n_items * KEYS_PER_ITEM]: key ids, NO_ITEM when fewer */
	int16_t *item_year;           /* [n_items] */

	/*
	 * fuzzy: trigrams are numbered by rank, rarest first (fewest keys hold
	 * them; ties by first appearance). Per key, its distinct trigram ranks,
	 * ascending, and its number signature.
	 */
	uint32_t *ktri_off, *ktri;
	uint64_t *knum;
	struct keyinfo *kinfo;
	/* trigram code (3 bytes) → rank, open addressing; code + 1 stored, 0 is empty */
	uint32_t *tri_code, *tri_id;
	size_t tri_mask;
	uint32_t n_tri;
	/*
	 * postings: trigram rank → the keys whose prefix holds it, ascending. A
	 * key's prefix is its rarest b - ceil(t b / (2 - t)) + 1 trigrams: two
	 * sets with Dice >= t share at least that many fewer than their size,
	 * so they share a trigram inside both prefixes (prefix filtering, as in
	 * PPJoin). Common trigrams stay out of the postings.
	 */
	uint32_t *post_off;
	struct posting *post;

	struct patterns *pat;

	/*
	 * Scratch for catalogue-wide fuzzy look-ups, one per answer being read
	 * at a time, kept between answers: a stamped array over the keys needs
	 * no clearing, and allocating it for every answer cost more than the
	 * look-ups (see struct fuzzy_scratch in extract.h).
	 */
	struct scratch_pool {
		pthread_mutex_t lock;
		struct fuzzy_scratch *free;
	} *pool;
};

const char *ground_how_name(enum ground_how how)
{
	switch (how) {
	case GROUND_EXACT: return "exact";
	case GROUND_NORMALIZED: return "normalized";
	case GROUND_FUZZY: return "fuzzy";
	case GROUND_NUMBER: return "number";
	case GROUND_LETTER: return "letter";
	case GROUND_NONE: break;
	}
	return "none";
}

/* ---------------------------------------------------------------- normalisation */

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

/*
 * Decode one UTF-8 sequence at s (n > 0 bytes left); *cp gets the code
 * point. An invalid or truncated sequence decodes its first byte as
 * Latin-1, so any byte string has a reading. Returns the bytes used.
 */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t k, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		k = 2, c &= 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		k = 3, c &= 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		k = 4, c &= 0x07;
	else
		goto latin1;
	if (k > n)
		goto latin1;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto latin1;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF))
		goto latin1;
	*cp = c;
	return k;
latin1:
	*cp = s[0];
	return 1;
}

static void put_utf8(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;

	if (c < 0x800) {
		b[0] = (char)(0xC0 | (c >> 6));
		b[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xE0 | (c >> 12));
		b[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | (c >> 18));
		b[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		b[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		b[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

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

static void trim(const char **s, size_t *n)
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
static int strip_year(const char *s, size_t *n)
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
static int normalize_into(struct strbuf *out, const char *s, size_t n)
{
	const size_t base = out->len;
	size_t i, tok = base, k;
	int year, sep = 0;

	trim(&s, &n);
	year = strip_year(s, &n);
	/* "Godfather, The": the article after the last comma */
	for (i = n; i > 0; i--)
		if (s[i - 1] == ',') {
			const char *t = s + i;
			size_t tn = n - i;
			trim(&t, &tn);
			if (is_article(t, tn) || (tn && elided_article(t, tn) == tn)) {
				n = i - 1;
				trim(&s, &n);
			}
			break;
		}
	/* "The Godfather", "L'Avventura" (unless the article is the whole title) */
	for (i = 0; i < n && s[i] != ' '; i++)
		;
	if (i < n && is_article(s, i)) {
		s += i;
		n -= i;
		trim(&s, &n);
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
		i += utf8_next((const unsigned char *)s + i, n - i, &c);
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
			put_utf8(out, c);
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
static uint64_t number_sig(const char *s, size_t n)
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
static size_t trigrams(const char *s, size_t n, uint32_t *out)
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

static inline size_t tri_slot(uint32_t code, size_t mask)
{
	return (size_t)((code * 2654435761u) ^ (code >> 13)) & mask;
}

static uint32_t tri_lookup(const struct grounder *g, uint32_t code)
{
	size_t i;

	if (!g->tri_code)
		return NO_ITEM;
	for (i = tri_slot(code, g->tri_mask);; i = (i + 1) & g->tri_mask) {
		if (!g->tri_code[i])
			return NO_ITEM;
		if (g->tri_code[i] == code + 1)
			return g->tri_id[i];
	}
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
	trim(&s, &m);
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
		trim(&a, &an);
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

/* The fewest trigrams a set of size b shares with any set it has Dice >= t with. */
static size_t min_overlap(double t, size_t b)
{
	size_t m = (size_t)ceil(t * (double)b / (2 - t) - EPS);
	return m ? m : 1;
}

static void sort_u32(uint32_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint32_t x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
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
	g->pat = patterns_new();
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
	patterns_free(g->pat);
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

const struct patterns *grounder_patterns(const struct grounder *g)
{
	return g->pat;
}

const struct dataset *grounder_dataset(const struct grounder *g)
{
	return g->ds;
}

/* ---------------------------------------------------------------- grounding one title */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void gctx_init(struct gctx *cx, const struct grounder *g, const uint32_t *cand, size_t n_cand)
{
	memset(cx, 0, sizeof(*cx));
	cx->g = g;
	cx->cand = n_cand ? cand : NULL;
	cx->n_cand = cand ? n_cand : 0;
	strbuf_init(&cx->last_in, 0);
	strbuf_init(&cx->last_norm, 0);
	strbuf_init(&cx->tmp, 0);
	{
		size_t i;
		for (i = 0; i < FUZZY_MEMO; i++)
			strbuf_init(&cx->memo[i].norm, 0);
	}
	if (cx->n_cand > 8) {
		cx->cand_sorted = xmalloc(cx->n_cand * sizeof(*cx->cand_sorted));
		memcpy(cx->cand_sorted, cand, cx->n_cand * sizeof(*cand));
		qsort(cx->cand_sorted, cx->n_cand, sizeof(*cx->cand_sorted), cmp_u32);
	}
}

void gctx_release(struct gctx *cx)
{
	size_t i;

	strbuf_release(&cx->last_in);
	strbuf_release(&cx->last_norm);
	strbuf_release(&cx->tmp);
	for (i = 0; i < FUZZY_MEMO; i++)
		strbuf_release(&cx->memo[i].norm);
	free(cx->cand_sorted);
	free(cx->tri);
	free(cx->qid);
	free(cx->keys);
	if (cx->fs) {
		pthread_mutex_lock(&cx->g->pool->lock);
		cx->fs->next = cx->g->pool->free;
		cx->g->pool->free = cx->fs;
		pthread_mutex_unlock(&cx->g->pool->lock);
	}
	memset(cx, 0, sizeof(*cx));
}

int gctx_in_cand(const struct gctx *cx, uint32_t item)
{
	size_t i;

	if (!cx->cand)
		return 0;
	if (cx->cand_sorted)
		return bsearch(&item, cx->cand_sorted, cx->n_cand, sizeof(item), cmp_u32) != NULL;
	for (i = 0; i < cx->n_cand; i++)
		if (cx->cand[i] == item)
			return 1;
	return 0;
}

/* Normalise s (cached: the extractor tries one title several ways); the result is in cx->last_norm. */
static int normalize_cached(struct gctx *cx, const char *s, size_t n)
{
	if (cx->last_valid && cx->last_in.len == n && !memcmp(cx->last_in.buf, s, n))
		return cx->last_year;
	strbuf_reset(&cx->last_in);
	strbuf_add(&cx->last_in, s, n);
	strbuf_reset(&cx->last_norm);
	cx->last_year = normalize_into(&cx->last_norm, s, n);
	cx->last_valid = 1;
	return cx->last_year;
}

/*
 * The item of key k for an answer naming year (0: none): the nearest year,
 * then an item's own title before an alternative one, then the lowest
 * index; only candidates when restrict is set. NO_ITEM when none qualifies.
 */
static uint32_t key_pick(const struct gctx *cx, uint32_t k, int year, int restrict_cand)
{
	const struct grounder *g = cx->g;
	uint32_t best = NO_ITEM, i;
	int best_d = INT_MAX, best_alt = 3;

	for (i = g->kent_off[k]; i < g->kent_off[k + 1]; i++) {
		const struct kentry *e = &g->kent[i];
		int d = 0;
		if (restrict_cand && !gctx_in_cand(cx, e->item))
			continue;
		if (year)
			d = e->year ? abs(e->year - year) : 5000;
		if (d < best_d || (d == best_d && (e->alt < best_alt || (e->alt == best_alt && e->item < best)))) {
			best = e->item;
			best_d = d;
			best_alt = e->alt;
		}
	}
	return best;
}

/* A normalised string ending in a bare year ("toy story 1995"): its length without it, and the year; else 0. */
static size_t bare_year(const char *s, size_t n, int *year)
{
	int y;

	if (n < 6 || s[n - 5] != ' ')
		return 0;
	if (!isdigit((unsigned char)s[n - 4]) || !isdigit((unsigned char)s[n - 3]) ||
	    !isdigit((unsigned char)s[n - 2]) || !isdigit((unsigned char)s[n - 1]))
		return 0;
	if (n > 5 && isdigit((unsigned char)s[n - 6]))
		return 0;
	y = (s[n - 4] - '0') * 1000 + (s[n - 3] - '0') * 100 + (s[n - 2] - '0') * 10 + (s[n - 1] - '0');
	/* a number past the near future is a title's ("Blade Runner 2049"), not a release year */
	if (y < 1870 || y > 2035)
		return 0;
	*year = y;
	return n - 5;
}

static int norm_lookup(struct gctx *cx, const char *ns, size_t n, int year, int restrict_cand, uint32_t *item)
{
	uint32_t k;

	if (!n || strmap_get(&cx->g->norm, ns, n, &k) < 0)
		return 0;
	*item = key_pick(cx, k, year, restrict_cand);
	return *item != NO_ITEM;
}

static void set_match(struct match *m, uint32_t item, enum ground_how how, double score)
{
	m->item = item;
	m->how = how;
	m->score = score;
}

int ground_strict(struct gctx *cx, const char *s, size_t n, struct match *m)
{
	const struct grounder *g = cx->g;
	const struct dataset *ds = g->ds;
	uint32_t item;
	size_t i, nn, bn;
	const char *ns;
	int year, by = 0;

	trim(&s, &n);
	if (!n)
		return 0;
	year = normalize_cached(cx, s, n);
	ns = cx->last_norm.buf;
	nn = cx->last_norm.len;
	bn = year ? 0 : bare_year(ns, nn, &by);
	if (cx->cand) {
		for (i = 0; i < cx->n_cand; i++) {
			const char *t;
			if (cx->cand[i] >= ds->n_items)
				continue;
			t = item_label(ds, cx->cand[i]);
			if (strlen(t) == n && !memcmp(t, s, n)) {
				set_match(m, cx->cand[i], GROUND_EXACT, 1);
				return 1;
			}
		}
		if (norm_lookup(cx, ns, nn, year, 1, &item) || (bn && norm_lookup(cx, ns, bn, by, 1, &item))) {
			set_match(m, item, GROUND_NORMALIZED, 1);
			return 1;
		}
	}
	if (!strmap_get(&g->exact, s, n, &item)) {
		set_match(m, item, GROUND_EXACT, 1);
		return 1;
	}
	if (norm_lookup(cx, ns, nn, year, 0, &item) || (bn && norm_lookup(cx, ns, bn, by, 0, &item))) {
		set_match(m, item, GROUND_NORMALIZED, 1);
		return 1;
	}
	return 0;
}

/* |a ∩ b| of two ascending arrays, or anything below need once need is out of reach. */
static size_t merge_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t need)
{
	size_t i = 0, j = 0, c = 0;

	/* branch-free steps: which side advances depends on the data, and would mispredict */
	while (i < na && j < nb) {
		uint32_t x = a[i], y = b[j];
		c += x == y;
		i += x <= y;
		j += y <= x;
		if (c + (na - i < nb - j ? na - i : nb - j) < need)
			return c;
	}
	return c;
}

/*
 * Are the normalised strings a and b within FUZZY_EDIT_SHARE edits of the
 * longer (spaces left out)? Optimal string alignment distance, stopping
 * as soon as the bound is passed.
 */
static int edit_close(const char *a, size_t na, const char *b, size_t nb)
{
	unsigned char x[FUZZY_MAX_LEN], y[FUZZY_MAX_LEN];
	unsigned short r0[FUZZY_MAX_LEN + 2], r1[FUZZY_MAX_LEN + 2], r2[FUZZY_MAX_LEN + 2];
	unsigned short *pp = r0, *p = r1, *c = r2, *t;
	size_t lx = 0, ly = 0, i, j, bound, inf;

	for (i = 0; i < na && lx < FUZZY_MAX_LEN; i++)
		if (a[i] != ' ')
			x[lx++] = (unsigned char)a[i];
	for (i = 0; i < nb && ly < FUZZY_MAX_LEN; i++)
		if (b[i] != ' ')
			y[ly++] = (unsigned char)b[i];
	bound = (size_t)(FUZZY_EDIT_SHARE * (double)(lx > ly ? lx : ly) + EPS);
	if ((lx > ly ? lx - ly : ly - lx) > bound)
		return 0;
	/* only cells within bound of the diagonal can stay within bound: the rest count as too far */
	inf = bound + 1;
	for (j = 0; j <= ly + 1; j++)
		pp[j] = p[j] = c[j] = (unsigned short)inf;
	for (j = 0; j <= ly && j <= bound; j++)
		p[j] = (unsigned short)j;
	for (i = 1; i <= lx; i++) {
		size_t lo = i > bound ? i - bound : 1, hi = i + bound < ly ? i + bound : ly;
		unsigned short best = (unsigned short)inf;
		c[lo - 1] = (unsigned short)(lo == 1 && i <= bound ? i : inf);
		for (j = lo; j <= hi; j++) {
			unsigned short v = (unsigned short)(p[j - 1] + (x[i - 1] != y[j - 1]));
			if (p[j] + 1 < v)
				v = (unsigned short)(p[j] + 1);
			if (c[j - 1] + 1 < v)
				v = (unsigned short)(c[j - 1] + 1);
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && pp[j - 2] + 1 < v)
				v = (unsigned short)(pp[j - 2] + 1);
			if (v > inf)
				v = (unsigned short)inf;
			c[j] = v;
			if (v < best)
				best = v;
		}
		if (hi + 1 <= ly)
			c[hi + 1] = (unsigned short)inf;
		if (best > bound)
			return 0;
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[ly] <= bound;
}

struct fbest {
	double score;
	uint32_t item;
};

/*
 * Consider key k for the query ns[0..n) of q trigrams (known ranks
 * qid[0..nq), ascending). c0 trigrams are known shared, all of them ranked
 * before qid[qs] and before the key's trigram at ks: the rest of the
 * overlap is in the two suffixes (0, 0, 0 to merge everything).
 */
static void fuzzy_try_key(const struct gctx *cx, uint32_t k, const char *ns, size_t n, const uint32_t *qid,
			  size_t nq, size_t q, uint64_t num, int year, int restrict_cand, struct fbest *best,
			  size_t c0, size_t qs, size_t ks)
{
	const struct grounder *g = cx->g;
	const struct keyinfo *ki = &g->kinfo[k];
	size_t b = ki->size, c, need;
	const char *key;
	double d;
	uint32_t item;

	if (!b || ki->num != num)
		return;
	need = (size_t)ceil((best->score > g->thr ? best->score : g->thr) * (double)(q + b) / 2 - EPS);
	if (c0 + (nq - qs < b - ks ? nq - qs : b - ks) < need)
		return;
	c = c0 + merge_count(qid + qs, nq - qs, g->ktri + ki->tri + ks, b - ks, need > c0 ? need - c0 : 0);
	d = 2.0 * (double)c / (double)(q + b);
	if (d < g->thr - EPS || d < best->score - EPS)
		return;
	key = g->keybuf + g->key_at[k];
	if (!edit_close(ns, n, key, strlen(key)))
		return;
	item = key_pick(cx, k, year, restrict_cand);
	if (item == NO_ITEM)
		return;
	/* a near title with a year a film apart is another film: "Predators (2010)" is not Predator (1987) */
	if (year && g->item_year[item] && abs(g->item_year[item] - year) > FUZZY_YEAR_SLACK)
		return;
	if (d > best->score + EPS || item < best->item) {
		best->score = d;
		best->item = item;
	}
}

/* Fuzzy grounding of the normalised string ns[0..n). */
static int fuzzy_norm(struct gctx *cx, const char *ns, size_t n, int year, struct match *m)
{
	const struct grounder *g = cx->g;
	struct fbest best = { -1, NO_ITEM };
	size_t q, nq = 0, i, j;
	uint64_t num;
	double thr = g->thr;

	if (n < FUZZY_MIN_LEN || n > FUZZY_MAX_LEN || !g->n_keys)
		return 0;
	if (cx->tri_alloc < n + 2) {
		cx->tri_alloc = FUZZY_MAX_LEN + 2;
		cx->tri = xrealloc(cx->tri, cx->tri_alloc * sizeof(*cx->tri));
		cx->qid = xrealloc(cx->qid, cx->tri_alloc * sizeof(*cx->qid));
	}
	q = trigrams(ns, n, cx->tri);
	num = number_sig(ns, n);
	for (i = 0; i < q; i++) {
		uint32_t id = tri_lookup(g, cx->tri[i]);
		if (id != NO_ITEM)
			cx->qid[nq++] = id;
	}
	sort_u32(cx->qid, nq);

	/* among the candidates: a direct comparison with each */
	if (cx->cand) {
		for (i = 0; i < cx->n_cand; i++) {
			const uint32_t *slots;
			if (cx->cand[i] >= g->ds->n_items)
				continue;
			slots = g->item_keys + (size_t)cx->cand[i] * KEYS_PER_ITEM;
			for (j = 0; j < KEYS_PER_ITEM && slots[j] != NO_ITEM; j++)
				fuzzy_try_key(cx, slots[j], ns, n, cx->qid, nq, q, num, year, 1, &best, 0, 0, 0);
		}
		if (best.item != NO_ITEM)
			goto found;
	}

	/*
	 * The whole catalogue through the postings of the query's prefix: its
	 * rarest q - mo + 1 trigrams, mo = ceil(t q / (2 - t)) (trigrams no key
	 * has are the rarest of all, and match nothing). A key qualifies only
	 * if its size is within what Dice >= t allows, and (positional
	 * filtering, PPJoin) while the trigrams it has shared so far, plus one,
	 * plus what is left after this one in the query and in the key, can
	 * still reach the overlap t (q + b) / 2 the pair needs.
	 */
	{
		size_t mo = min_overlap(thr, q), p, unknown = q - nq, nk = 0, ql = 0;
		size_t bmin = mo, bmax = (size_t)floor((2 - thr) * (double)q / thr + EPS);
		size_t lmin, lmax;
		uint32_t stamp, *seen;
		uint8_t qnumh = num_byte(num);
		uint16_t need[256];             /* the overlap a key of b trigrams needs: t (q + b) / 2 */

		/* the lengths (without spaces) edit_close() can accept: |l - ql| <= share * max(l, ql) */
		for (i = 0; i < n; i++)
			ql += ns[i] != ' ';
		lmin = ql - (size_t)(FUZZY_EDIT_SHARE * (double)ql + EPS);
		lmax = (size_t)floor((double)ql / (1 - FUZZY_EDIT_SHARE) + EPS);

		if (mo > q)
			return 0;
		p = q - mo + 1;
		if (p <= unknown)
			return 0;
		p -= unknown;
		if (bmax > 255)
			bmax = 255;
		for (i = bmin; i <= bmax; i++)
			need[i] = (uint16_t)ceil(thr * (double)(q + i) / 2 - EPS);
		/*
		 * per key, one word: this look-up's stamp, the trigrams shared so far
		 * (0xFF: ruled out), and the places just after the last shared one in
		 * the query and in the key, where verification resumes; a byte each
		 * (trigram places and counts are under 256)
		 */
		if (!cx->fs) {
			pthread_mutex_lock(&g->pool->lock);
			if ((cx->fs = g->pool->free))
				g->pool->free = cx->fs->next;
			pthread_mutex_unlock(&g->pool->lock);
			if (!cx->fs) {
				cx->fs = xcalloc(1, sizeof(*cx->fs));
				cx->fs->seen = xcalloc(g->n_keys, sizeof(*cx->fs->seen));
			}
		}
		if (++cx->fs->stamp > 0xFF) {
			memset(cx->fs->seen, 0, g->n_keys * sizeof(*cx->fs->seen));
			cx->fs->stamp = 1;
		}
		stamp = cx->fs->stamp << 24;
		seen = cx->fs->seen;
		for (i = 0; i < p && i < nq; i++) {
			uint32_t t = cx->qid[i];
			size_t qrest = nq - i - 1;      /* query trigrams after this one */
			size_t lo = g->post_off[t], hi = g->post_off[t + 1];
			const struct posting *e;
			while (lo < hi) {               /* the first posting of a key long enough */
				size_t mid = lo + (hi - lo) / 2;
				if (g->post[mid].len < lmin)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (e = g->post + lo; e < g->post + g->post_off[t + 1] && e->len <= lmax; e++) {
				size_t b = e->size, rest, shared;
				uint32_t *sk;
				if (b < bmin || b > bmax || e->numh != qnumh)
					continue;
				sk = &seen[e->key];
				if ((*sk & 0xFF000000u) != stamp) {
					*sk = stamp;
					ALLOC_GROW(cx->keys, nk + 1, cx->keys_alloc);
					cx->keys[nk++] = e->key;
				}
				shared = (*sk >> 16) & 0xFF;
				if (shared == 0xFF)
					continue;       /* ruled out */
				rest = qrest < b - e->pos - 1 ? qrest : b - e->pos - 1;
				if (shared + 1 + rest < need[b]) {
					*sk = stamp | 0xFF0000u;
					continue;
				}
				*sk = stamp | (uint32_t)(shared + 1) << 16 | (uint32_t)(i + 1) << 8 | (uint32_t)(e->pos + 1);
			}
		}
		for (i = 0; i < nk; i++) {
			uint32_t k = cx->keys[i], w = seen[k], sh = (w >> 16) & 0xFF;
			if (sh != 0xFF)
				fuzzy_try_key(cx, k, ns, n, cx->qid, nq, q, num, year, 0, &best, sh, (w >> 8) & 0xFF, w & 0xFF);
		}
	}
	if (best.item == NO_ITEM)
		return 0;
found:
	set_match(m, best.item, GROUND_FUZZY, best.score);
	return 1;
}

int ground_fuzzy(struct gctx *cx, const char *s, size_t n, struct match *m)
{
	size_t bn, i;
	int year, by = 0, found;
	struct fuzzy_memo *fm;

	trim(&s, &n);
	if (!n)
		return 0;
	year = normalize_cached(cx, s, n);
	/* one answer tries a title several ways; most ways normalise alike */
	for (i = 0; i < FUZZY_MEMO; i++) {
		fm = &cx->memo[i];
		if (fm->valid && fm->year == year && fm->norm.len == cx->last_norm.len &&
		    !memcmp(fm->norm.buf, cx->last_norm.buf, cx->last_norm.len)) {
			*m = fm->m;
			return fm->found;
		}
	}
	found = fuzzy_norm(cx, cx->last_norm.buf, cx->last_norm.len, year, m);
	if (!found) {
		bn = year ? 0 : bare_year(cx->last_norm.buf, cx->last_norm.len, &by);
		found = bn && fuzzy_norm(cx, cx->last_norm.buf, bn, by, m);
	}
	fm = &cx->memo[cx->memo_next++ % FUZZY_MEMO];
	fm->valid = 1;
	fm->year = year;
	strbuf_reset(&fm->norm);
	strbuf_add(&fm->norm, cx->last_norm.buf, cx->last_norm.len);
	fm->found = found;
	if (found)
		fm->m = *m;
	return found;
}

int ground_title(struct grounded *out, const struct grounder *g, const char *text, size_t len,
		 const uint32_t *cand, size_t n_cand)
{
	struct gctx cx;
	struct match m = { NO_ITEM, GROUND_NONE, 0 };
	const char *s = text ? text : "";
	size_t n = text ? len : 0;
	int ok;

	if (n > ANSWER_MAX_BYTES)
		n = ANSWER_MAX_BYTES;
	trim(&s, &n);
	gctx_init(&cx, g, cand, n_cand);
	ok = ground_strict(&cx, s, n, &m) || ground_fuzzy(&cx, s, n, &m);
	out->text = xstrndup(s, n);
	out->item = ok ? m.item : NO_ITEM;
	out->how = ok ? m.how : GROUND_NONE;
	out->score = ok ? m.score : 0;
	out->in_candidates = ok && gctx_in_cand(&cx, m.item);
	gctx_release(&cx);
	return ok;
}
