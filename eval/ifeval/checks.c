/* checks.c: IFEval's 25 checks, each as the reference's check_following() defines it, on PCRE2 patterns with Python's semantics. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include "eval/ifeval/internal.h"
#include "eval/ifeval/text.h"

/* The fixed patterns of the reference's checks. */
enum fixed {
	FX_BULLET_STAR,    /* BulletListChecker */
	FX_BULLET_DASH,
	FX_PLACEHOLDER,    /* PlaceholderChecker */
	FX_HIGHLIGHT,      /* HighlightSectionChecker */
	FX_HIGHLIGHT2,
	FX_PARAGRAPH,      /* ParagraphChecker's divider */
	FX_TITLE,          /* TitleChecker */
	FX_WORD,           /* count_words: nltk RegexpTokenizer(r"\w+") */
	FX__COUNT,
};

static const struct {
	const char *re;
	unsigned flags;
} fixed_src[FX__COUNT] = {
	[FX_BULLET_STAR] = { "^\\s*\\*[^\\*].*$", IFRX_MULTILINE },
	[FX_BULLET_DASH] = { "^\\s*-.*$", IFRX_MULTILINE },
	[FX_PLACEHOLDER] = { "\\[.*?\\]", 0 },
	[FX_HIGHLIGHT] = { "\\*[^\\n\\*]*\\*", 0 },
	[FX_HIGHLIGHT2] = { "\\*\\*[^\\n\\*]*\\*\\*", 0 },
	[FX_PARAGRAPH] = { "\\s?\\*\\*\\*\\s?", 0 },
	[FX_TITLE] = { "<<[^\\n]+>>", 0 },
	[FX_WORD] = { "\\w+", 0 },
};

struct ifeval_checker {
	pcre2_code *fx[FX__COUNT];
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	struct strbuf var[9];
	struct strbuf low;
};

void *ifeval_rx_compile(const char *pattern, unsigned flags, char **err)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	uint32_t opts = PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX;
	pcre2_code *re;
	int code;
	PCRE2_SIZE off;

	if (!cc) {
		fprintf(stderr, "receval: out of memory creating a PCRE2 compile context\n");
		abort();
	}
	/* Python's '.', '^' and '$' know "\n" alone as a line end */
	pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
	if (flags & IFRX_CASELESS)
		opts |= PCRE2_CASELESS;
	if (flags & IFRX_MULTILINE)
		opts |= PCRE2_MULTILINE;
	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &code, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		*err = xstrfmt("pattern \"%s\" does not compile at offset %zu: %s", pattern, (size_t)off,
			       (const char *)msg);
		return NULL;
	}
	/* without JIT support pcre2_match() interprets: slower, same answers */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

void ifeval_rx_free(void *rx)
{
	pcre2_code_free(rx);
}

struct ifeval_checker *ifeval_checker_new(void)
{
	struct ifeval_checker *c = xcalloc(1, sizeof(*c));
	size_t i;

	for (i = 0; i < FX__COUNT; i++) {
		char *err = NULL;
		c->fx[i] = ifeval_rx_compile(fixed_src[i].re, fixed_src[i].flags, &err);
		if (!c->fx[i]) {
			fprintf(stderr, "receval: internal: %s\n", err);
			abort();
		}
	}
	c->md = pcre2_match_data_create(16, NULL);
	c->mctx = pcre2_match_context_create(NULL);
	if (!c->md || !c->mctx) {
		fprintf(stderr, "receval: out of memory creating PCRE2 match data\n");
		abort();
	}
	/* bounded backtracking: a pathological keyword pattern costs a failed match, never a hang */
	pcre2_set_match_limit(c->mctx, 1000000);
	pcre2_set_depth_limit(c->mctx, 10000);
	for (i = 0; i < ARRAY_SIZE(c->var); i++)
		strbuf_init(&c->var[i], 0);
	strbuf_init(&c->low, 0);
	return c;
}

void ifeval_checker_free(struct ifeval_checker *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; i < FX__COUNT; i++)
		pcre2_code_free(c->fx[i]);
	pcre2_match_data_free(c->md);
	pcre2_match_context_free(c->mctx);
	for (i = 0; i < ARRAY_SIZE(c->var); i++)
		strbuf_release(&c->var[i]);
	strbuf_release(&c->low);
	free(c);
}

struct strbuf *ifeval_checker_variants(struct ifeval_checker *c)
{
	return c->var;
}

/*
 * Every match of re in s[0..n), left to right and not overlapping, as
 * Python's re.findall() finds them (an empty match is followed by a
 * search that may not be empty at the same place). fn, if given, sees
 * each; returns how many.
 */
static size_t rx_each(struct ifeval_checker *c, const pcre2_code *re, const char *s, size_t n,
		      void (*fn)(const char *m, size_t len, size_t from, void *data), void *data)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(c->md);
	size_t count = 0, pos = 0;
	uint32_t opts = 0;

	while (pos <= n) {
		int rc = pcre2_match(re, (PCRE2_SPTR)s, n, pos, opts | PCRE2_NO_UTF_CHECK, c->md, c->mctx);
		if (rc < 0) {
			if (opts && rc == PCRE2_ERROR_NOMATCH && pos < n) {
				/* nothing non-empty here: step one code point on */
				pos++;
				while (pos < n && ((unsigned char)s[pos] & 0xc0) == 0x80)
					pos++;
				opts = 0;
				continue;
			}
			break;
		}
		count++;
		if (fn)
			fn(s + ov[0], ov[1] - ov[0], ov[0], data);
		opts = ov[1] == ov[0] ? PCRE2_NOTEMPTY_ATSTART | PCRE2_ANCHORED : 0;
		if (ov[1] == ov[0] && ov[0] == n)
			break;
		pos = ov[1];
	}
	return count;
}

static int rx_search(struct ifeval_checker *c, const pcre2_code *re, const char *s, size_t n)
{
	return pcre2_match(re, (PCRE2_SPTR)s, n, 0, PCRE2_NO_UTF_CHECK, c->md, c->mctx) >= 0;
}

static int relation(int at_least, size_t count, long threshold)
{
	return at_least ? (long)count >= threshold : (long)count < threshold;
}

/* --- pieces between separators (re.split, str.split) ----------------------- */

struct pieces {
	const char **p;
	size_t *len, n, alloc, prev;
	const char *s;
};

static void piece_add(struct pieces *ps, const char *p, size_t len)
{
	if (ps->n == ps->alloc) {
		ps->alloc = ps->alloc ? ps->alloc * 2 : 16;
		ps->p = xrealloc(ps->p, ps->alloc * sizeof(*ps->p));
		ps->len = xrealloc(ps->len, ps->alloc * sizeof(*ps->len));
	}
	ps->p[ps->n] = p;
	ps->len[ps->n++] = len;
}

static void piece_at_match(const char *m, size_t len, size_t from, void *data)
{
	struct pieces *ps = data;

	(void)m;
	piece_add(ps, ps->s + ps->prev, from - ps->prev);
	ps->prev = from + len;
}

/* re.split(re, s): the pieces between the matches. */
static void rx_split(struct ifeval_checker *c, const pcre2_code *re, const char *s, size_t n, struct pieces *ps)
{
	ps->n = 0;
	ps->prev = 0;
	ps->s = s;
	rx_each(c, re, s, n, piece_at_match, ps);
	piece_add(ps, s + ps->prev, n - ps->prev);
}

/* s.split(sep) for a literal separator. */
static void str_split(const char *s, size_t n, const char *sep, struct pieces *ps)
{
	size_t k = strlen(sep), i = 0, from = 0;

	ps->n = 0;
	while (i + k <= n) {
		if (!memcmp(s + i, sep, k)) {
			piece_add(ps, s + from, i - from);
			i += k;
			from = i;
		} else {
			i++;
		}
	}
	piece_add(ps, s + from, n - from);
}

static void pieces_release(struct pieces *ps)
{
	free(ps->p);
	free(ps->len);
}

static int blank(const char *s, size_t n)
{
	ut_strip(&s, &n);
	return !n;
}

/* --- the checks that need more than a line ---------------------------------- */

/* ParagraphChecker: pieces between "***" dividers; blank ones only at either end. */
static int paragraphs(struct ifeval_checker *c, const char *s, size_t n, long want)
{
	struct pieces ps = { 0 };
	size_t i, count;
	int ok = 1;

	rx_split(c, c->fx[FX_PARAGRAPH], s, n, &ps);
	count = ps.n;
	for (i = 0; i < ps.n && ok; i++)
		if (blank(ps.p[i], ps.len[i])) {
			if (i == 0 || i == ps.n - 1)
				count--;
			else
				ok = 0;
		}
	pieces_release(&ps);
	return ok && (long)count == want;
}

/* ParagraphFirstWordCheck: paragraphs split at "\n\n", and the first word of the nth. */
static int nth_first_word(struct ifeval_checker *c, const struct ifeval_instr *in, const char *s, size_t n)
{
	struct pieces ps = { 0 };
	size_t i, count, len, w;
	const char *p;
	int ok = 0;

	str_split(s, n, "\n\n", &ps);
	count = ps.n;
	for (i = 0; i < ps.n; i++)
		count -= blank(ps.p[i], ps.len[i]);
	/* the nth piece of the split, blank ones included, as the reference indexes it */
	if ((size_t)in->nth > count)
		goto out;
	p = ps.p[in->nth - 1];
	len = ps.len[in->nth - 1];
	ut_strip(&p, &len);
	if (!len)
		goto out;
	/* paragraph.split()[0], lstrip("'"), lstrip('"'), then up to the first . , ? ! ' " */
	for (w = 0; w < len;) {
		size_t k = w;
		if (ut_space(ut_next(p, len, &k)))
			break;
		w = k;
	}
	len = w;
	while (len && *p == '\'')
		p++, len--;
	while (len && *p == '"')
		p++, len--;
	for (w = 0; w < len && !strchr(".,?!'\"", p[w]); w++)
		;
	strbuf_reset(&c->low);
	ut_lower(&c->low, p, w);
	ok = (long)count == in->n && !strcmp(c->low.buf, in->s);
out:
	pieces_release(&ps);
	return ok;
}

struct highlight_count {
	size_t n;
	int doubled;
};

static void count_highlight(const char *m, size_t len, size_t from, void *data)
{
	struct highlight_count *h = data;

	(void)from;
	if (h->doubled) {
		/* removeprefix("**").removesuffix("**").strip() */
		m += 2;
		len -= 2;
		if (len >= 2)
			len -= 2;
	} else {
		ut_strip_chars(&m, &len, "*");
	}
	h->n += !blank(m, len);
}

static void count_title(const char *m, size_t len, size_t from, void *data)
{
	(void)from;
	while (len && *m == '<')
		m++, len--;
	while (len && m[len - 1] == '>')
		len--;
	*(size_t *)data += !blank(m, len);
}

static int two_responses(const char *s, size_t n)
{
	struct pieces ps = { 0 };
	const char *a = NULL, *b = NULL;
	size_t i, valid = 0, la = 0, lb = 0;
	int ok = 1;

	str_split(s, n, "******", &ps);
	for (i = 0; i < ps.n && ok; i++) {
		const char *p = ps.p[i];
		size_t len = ps.len[i];
		ut_strip(&p, &len);
		if (!len) {
			if (i != 0 && i != ps.n - 1)
				ok = 0;
			continue;
		}
		if (valid == 0)
			a = p, la = len;
		else if (valid == 1)
			b = p, lb = len;
		valid++;
	}
	pieces_release(&ps);
	return ok && valid == 2 && !(la == lb && !memcmp(a, b, la));
}

static int json_format(const char *s, size_t n)
{
	static const char *const prefixes[] = { "```json", "```Json", "```JSON", "```" };
	size_t i;

	ut_strip(&s, &n);
	/* the reference chains removeprefix() calls: each applies to what the one before left */
	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t k = strlen(prefixes[i]);
		if (n >= k && !memcmp(s, prefixes[i], k))
			s += k, n -= k;
	}
	if (n >= 3 && !memcmp(s + n - 3, "```", 3))
		n -= 3;
	ut_strip(&s, &n);
	return ifeval_json_valid(s, n);
}

/* LetterFrequencyChecker: collections.Counter(value.lower())[letter]. */
static size_t letter_count(const char *s, size_t n, char letter)
{
	size_t i, count = 0;
	char up = (char)toupper((unsigned char)letter);

	for (i = 0; i < n; i++) {
		if (s[i] == letter || s[i] == up)
			count++;
		/* U+0130 lowers to "i" + U+0307, U+212A (Kelvin) to "k" */
		else if (letter == 'i' && i + 1 < n && (unsigned char)s[i] == 0xc4 && (unsigned char)s[i + 1] == 0xb0)
			count++;
		else if (letter == 'k' && i + 2 < n && (unsigned char)s[i] == 0xe2 && (unsigned char)s[i + 1] == 0x84 &&
			 (unsigned char)s[i + 2] == 0xaa)
			count++;
	}
	return count;
}

static int starts_with_lower(struct ifeval_checker *c, const char *s, size_t n, const char *prefix)
{
	ut_strip(&s, &n);
	strbuf_reset(&c->low);
	ut_lower(&c->low, s, n);
	return !strncmp(c->low.buf, prefix, strlen(prefix));
}

static int ends_with_lower(struct ifeval_checker *c, const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	ut_strip(&s, &n);
	ut_strip_chars(&s, &n, "\"");
	strbuf_reset(&c->low);
	ut_lower(&c->low, s, n);
	return c->low.len >= k && !memcmp(c->low.buf + c->low.len - k, suffix, k);
}

const char *ifeval_language(const char *text, size_t len)
{
	const char *code;
	size_t i = 0;
	int letters = 0;

	while (i < len && !letters)
		letters = ut_letter(ut_next(text, len, &i));
	/* langdetect raises "No features in text" here; CLD2 would say English */
	if (!letters)
		return NULL;
	code = ifeval_cld2(text, len);
	if (!strcmp(code, "un"))
		return NULL;
	/* langdetect's spelling of the codes CLD2 writes otherwise */
	if (!strcmp(code, "iw"))
		return "he";
	if (!strcmp(code, "zh"))
		return "zh-cn";
	if (!strcmp(code, "zh-Hant"))
		return "zh-tw";
	return code;
}

static int english(const char *s, size_t n)
{
	const char *lang = ifeval_language(s, n);
	return !lang || !strcmp(lang, "en");
}

int ifeval_check(struct ifeval_checker *c, const struct ifeval_instr *in, const char *s, size_t n)
{
	static const char *const constrained[] = { "My answer is yes.", "My answer is no.", "My answer is maybe." };
	struct highlight_count h = { 0, 0 };
	size_t i, count = 0;
	const char *lang, *t;
	size_t tn;

	switch (in->id) {
	case IF_KEYWORDS_EXISTENCE:
		for (i = 0; i < in->n_rx; i++)
			if (!rx_search(c, in->rx[i], s, n))
				return 0;
		return 1;
	case IF_KEYWORDS_FREQUENCY:
		return relation(in->at_least, rx_each(c, in->rx[0], s, n, NULL, NULL), in->n);
	case IF_KEYWORDS_FORBIDDEN_WORDS:
		for (i = 0; i < in->n_rx; i++)
			if (rx_search(c, in->rx[i], s, n))
				return 0;
		return 1;
	case IF_KEYWORDS_LETTER_FREQUENCY:
		return relation(in->at_least, letter_count(s, n, in->s[0]), in->n);
	case IF_LANGUAGE_RESPONSE_LANGUAGE:
		lang = ifeval_language(s, n);
		return !lang || !strcmp(lang, in->s);
	case IF_LENGTH_NUMBER_SENTENCES:
		return relation(in->at_least, ifeval_count_sentences(s, n), in->n);
	case IF_LENGTH_NUMBER_PARAGRAPHS:
		return paragraphs(c, s, n, in->n);
	case IF_LENGTH_NUMBER_WORDS:
		return relation(in->at_least, rx_each(c, c->fx[FX_WORD], s, n, NULL, NULL), in->n);
	case IF_LENGTH_NTH_PARAGRAPH_FIRST_WORD:
		return nth_first_word(c, in, s, n);
	case IF_CONTENT_NUMBER_PLACEHOLDERS:
		return (long)rx_each(c, c->fx[FX_PLACEHOLDER], s, n, NULL, NULL) >= in->n;
	case IF_CONTENT_POSTSCRIPT:
		strbuf_reset(&c->low);
		ut_lower(&c->low, s, n);
		return rx_search(c, in->rx[0], c->low.buf, c->low.len);
	case IF_FORMAT_NUMBER_BULLET_LISTS:
		count = rx_each(c, c->fx[FX_BULLET_STAR], s, n, NULL, NULL) +
			rx_each(c, c->fx[FX_BULLET_DASH], s, n, NULL, NULL);
		return (long)count == in->n;
	case IF_FORMAT_CONSTRAINED_RESPONSE:
		t = s;
		tn = n;
		ut_strip(&t, &tn);
		for (i = 0; i < ARRAY_SIZE(constrained); i++)
			if (memmem(t, tn, constrained[i], strlen(constrained[i])))
				return 1;
		return 0;
	case IF_FORMAT_NUMBER_HIGHLIGHTED_SECTIONS:
		rx_each(c, c->fx[FX_HIGHLIGHT], s, n, count_highlight, &h);
		h.doubled = 1;
		rx_each(c, c->fx[FX_HIGHLIGHT2], s, n, count_highlight, &h);
		return (long)h.n >= in->n;
	case IF_FORMAT_MULTIPLE_SECTIONS:
		return (long)rx_each(c, in->rx[0], s, n, NULL, NULL) >= in->n;
	case IF_FORMAT_JSON_FORMAT:
		return json_format(s, n);
	case IF_FORMAT_TITLE:
		rx_each(c, c->fx[FX_TITLE], s, n, count_title, &count);
		return count > 0;
	case IF_COMBINATION_TWO_RESPONSES:
		return two_responses(s, n);
	case IF_COMBINATION_REPEAT_PROMPT:
		return starts_with_lower(c, s, n, in->s);
	case IF_STARTEND_END_CHECKER:
		return ends_with_lower(c, s, n, in->s);
	case IF_CHANGE_CASE_CAPITAL_WORD_FREQUENCY:
		return relation(in->at_least, ifeval_capital_words(s, n), in->n);
	case IF_CHANGE_CASE_ENGLISH_CAPITAL:
		return ut_isupper(s, n) && english(s, n);
	case IF_CHANGE_CASE_ENGLISH_LOWERCASE:
		return ut_islower(s, n) && english(s, n);
	case IF_PUNCTUATION_NO_COMMA:
		return !memchr(s, ',', n);
	case IF_STARTEND_QUOTATION:
		t = s;
		tn = n;
		ut_strip(&t, &tn);
		return tn > 1 && t[0] == '"' && t[tn - 1] == '"';
	default:
		return 0;
	}
}
