/* ifeval.c: IFEval's instruction ids and their arguments (kwargs) read and checked, and a response's strict and loose verdicts. */
#include <cJSON.h>
#include "eval/ifeval/ifeval.h"
#include "eval/ifeval/internal.h"
#include "eval/ifeval/text.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"

/* What an argument is and where it goes in struct ifeval_instr. */
enum arg_kind {
	A_END,
	A_COUNT,     /* a whole number >= 0 into n */
	A_NTH,       /* a whole number >= 1 into nth */
	A_REL,       /* "less than" or "at least" into at_least */
	A_STR,       /* a string into s */
	A_WORDS,     /* an array of strings into words */
};

struct arg {
	const char *key;
	enum arg_kind kind;
};

static const struct {
	const char *name;
	struct arg args[4];
} ids[IF__COUNT] = {
	[IF_KEYWORDS_EXISTENCE] = { "keywords:existence", { { "keywords", A_WORDS } } },
	[IF_KEYWORDS_FREQUENCY] = { "keywords:frequency",
				    { { "keyword", A_STR }, { "frequency", A_COUNT }, { "relation", A_REL } } },
	[IF_KEYWORDS_FORBIDDEN_WORDS] = { "keywords:forbidden_words", { { "forbidden_words", A_WORDS } } },
	[IF_KEYWORDS_LETTER_FREQUENCY] = { "keywords:letter_frequency",
					   { { "letter", A_STR }, { "let_frequency", A_COUNT },
					     { "let_relation", A_REL } } },
	[IF_LANGUAGE_RESPONSE_LANGUAGE] = { "language:response_language", { { "language", A_STR } } },
	[IF_LENGTH_NUMBER_SENTENCES] = { "length_constraints:number_sentences",
					 { { "num_sentences", A_COUNT }, { "relation", A_REL } } },
	[IF_LENGTH_NUMBER_PARAGRAPHS] = { "length_constraints:number_paragraphs", { { "num_paragraphs", A_COUNT } } },
	[IF_LENGTH_NUMBER_WORDS] = { "length_constraints:number_words",
				     { { "num_words", A_COUNT }, { "relation", A_REL } } },
	[IF_LENGTH_NTH_PARAGRAPH_FIRST_WORD] = { "length_constraints:nth_paragraph_first_word",
						 { { "num_paragraphs", A_COUNT }, { "nth_paragraph", A_NTH },
						   { "first_word", A_STR } } },
	[IF_CONTENT_NUMBER_PLACEHOLDERS] = { "detectable_content:number_placeholders",
					     { { "num_placeholders", A_COUNT } } },
	[IF_CONTENT_POSTSCRIPT] = { "detectable_content:postscript", { { "postscript_marker", A_STR } } },
	[IF_FORMAT_NUMBER_BULLET_LISTS] = { "detectable_format:number_bullet_lists", { { "num_bullets", A_COUNT } } },
	[IF_FORMAT_CONSTRAINED_RESPONSE] = { "detectable_format:constrained_response", { { 0 } } },
	[IF_FORMAT_NUMBER_HIGHLIGHTED_SECTIONS] = { "detectable_format:number_highlighted_sections",
						    { { "num_highlights", A_COUNT } } },
	[IF_FORMAT_MULTIPLE_SECTIONS] = { "detectable_format:multiple_sections",
					  { { "section_spliter", A_STR }, { "num_sections", A_COUNT } } },
	[IF_FORMAT_JSON_FORMAT] = { "detectable_format:json_format", { { 0 } } },
	[IF_FORMAT_TITLE] = { "detectable_format:title", { { 0 } } },
	[IF_COMBINATION_TWO_RESPONSES] = { "combination:two_responses", { { 0 } } },
	[IF_COMBINATION_REPEAT_PROMPT] = { "combination:repeat_prompt", { { "prompt_to_repeat", A_STR } } },
	[IF_STARTEND_END_CHECKER] = { "startend:end_checker", { { "end_phrase", A_STR } } },
	[IF_CHANGE_CASE_CAPITAL_WORD_FREQUENCY] = { "change_case:capital_word_frequency",
						    { { "capital_frequency", A_COUNT },
						      { "capital_relation", A_REL } } },
	[IF_CHANGE_CASE_ENGLISH_CAPITAL] = { "change_case:english_capital", { { 0 } } },
	[IF_CHANGE_CASE_ENGLISH_LOWERCASE] = { "change_case:english_lowercase", { { 0 } } },
	[IF_PUNCTUATION_NO_COMMA] = { "punctuation:no_comma", { { 0 } } },
	[IF_STARTEND_QUOTATION] = { "startend:quotation", { { 0 } } },
};

/* IFEval's languages (instructions_util.LANGUAGE_CODES): ISO 639-1. */
static const char *const languages[] = {
	"en", "es", "pt", "ar", "hi", "fr", "ru", "de", "ja", "it", "bn", "uk", "th", "ur", "ta",
	"te", "bg", "ko", "pl", "he", "fa", "vi", "ne", "sw", "kn", "mr", "gu", "pa", "ml", "fi",
};

const char *ifeval_name(enum ifeval_id id)
{
	return (unsigned)id < IF__COUNT ? ids[id].name : "?";
}

int ifeval_find(const char *name)
{
	int i;

	for (i = 0; i < IF__COUNT; i++)
		if (!strcmp(ids[i].name, name))
			return i;
	return -1;
}

/*
 * An argument that is not there: absent, null (Hugging Face's copy writes every argument of every id,
 * null where unused), false, "" or [] (the reference draws a random value for those). A number is a
 * value, 0 included: the reference (google-research evaluation_lib.py) passes it on as it is, and
 * build_description() keeps 0 (only None or a negative count is replaced). lm-evaluation-harness's port
 * drops every falsy argument, so there a 0 becomes a random count: receval does not follow it there.
 */
static int falsy(const cJSON *v)
{
	return !v || cJSON_IsNull(v) || cJSON_IsFalse(v) || (cJSON_IsString(v) && !*v->valuestring) ||
	       ((cJSON_IsArray(v) || cJSON_IsObject(v)) && !v->child);
}

static const struct arg *find_arg(enum ifeval_id id, const char *key)
{
	const struct arg *a;

	for (a = ids[id].args; a->key; a++)
		if (!strcmp(a->key, key))
			return a;
	return NULL;
}

static char *dup_stripped(const char *s)
{
	size_t n = strlen(s);

	ut_strip(&s, &n);
	return xstrndup(s, n);
}

static char *dup_lower(const char *s, size_t n)
{
	struct strbuf sb = STRBUF_INIT;

	ut_lower(&sb, s, n);
	return strbuf_detach(&sb, NULL);
}

static int read_arg(struct ifeval_instr *out, const struct arg *a, const cJSON *v, char **err)
{
	const cJSON *e;
	size_t i = 0;

	switch (a->kind) {
	case A_COUNT:
	case A_NTH:
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < 0 ||
		    v->valuedouble > 1e9) {
			*err = xstrfmt("'%s' must be a whole number from %d", a->key, a->kind == A_NTH ? 1 : 0);
			return -1;
		}
		*(a->kind == A_NTH ? &out->nth : &out->n) = (long)v->valuedouble;
		return 0;
	case A_REL:
		if (cJSON_IsString(v) && !strcmp(v->valuestring, "at least"))
			out->at_least = 1;
		else if (cJSON_IsString(v) && !strcmp(v->valuestring, "less than"))
			out->at_least = 0;
		else {
			*err = xstrfmt("'%s' must be \"less than\" or \"at least\"", a->key);
			return -1;
		}
		return 0;
	case A_STR:
		if (!cJSON_IsString(v)) {
			*err = xstrfmt("'%s' must be a string", a->key);
			return -1;
		}
		free(out->s);   /* a key given twice: the last one counts, the first is not leaked */
		out->s = xstrdup(v->valuestring);
		return 0;
	case A_WORDS:
		if (!cJSON_IsArray(v)) {
			*err = xstrfmt("'%s' must be an array of strings", a->key);
			return -1;
		}
		/* a key given twice: the last one counts, the first is not leaked */
		for (i = 0; i < out->n_words; i++)
			free(out->words[i]);
		free(out->words);
		out->words = xcalloc((size_t)cJSON_GetArraySize(v) + 1, sizeof(*out->words));
		out->n_words = 0;
		/* n_words counts as it goes: on an error, ifeval_instr_release() frees the words read */
		cJSON_ArrayForEach(e, v) {
			if (!cJSON_IsString(e) || !*e->valuestring) {
				*err = xstrfmt("'%s' must be an array of non-empty strings", a->key);
				return -1;
			}
			out->words[out->n_words++] = xstrdup(e->valuestring);
		}
		return 0;
	default:
		return 0;
	}
}

/* Compile the patterns the reference builds from the arguments. */
static int build_patterns(struct ifeval_instr *in, char **err)
{
	struct strbuf pat = STRBUF_INIT;
	size_t i;
	int ret = 0;

	in->rx = xcalloc(in->n_words + 1, sizeof(*in->rx));
	switch (in->id) {
	case IF_KEYWORDS_EXISTENCE:
		for (i = 0; i < in->n_words && !ret; i++)
			if (!(in->rx[in->n_rx++] = ifeval_rx_compile(in->words[i], IFRX_CASELESS, err)))
				ret = -1;
		break;
	case IF_KEYWORDS_FORBIDDEN_WORDS:
		for (i = 0; i < in->n_words && !ret; i++) {
			strbuf_reset(&pat);
			strbuf_addf(&pat, "\\b%s\\b", in->words[i]);
			if (!(in->rx[in->n_rx++] = ifeval_rx_compile(pat.buf, IFRX_CASELESS, err)))
				ret = -1;
		}
		break;
	case IF_KEYWORDS_FREQUENCY:
		if (!(in->rx[in->n_rx++] = ifeval_rx_compile(in->s, IFRX_CASELESS, err)))
			ret = -1;
		break;
	case IF_FORMAT_MULTIPLE_SECTIONS:
		strbuf_addf(&pat, "\\s?%s\\s?\\d+\\s?", in->s);
		if (!(in->rx[in->n_rx++] = ifeval_rx_compile(pat.buf, 0, err)))
			ret = -1;
		break;
	case IF_CONTENT_POSTSCRIPT:
		if (!strcmp(in->s, "P.P.S"))
			strbuf_addstr(&pat, "\\s*p\\.\\s?p\\.\\s?s.*$");
		else if (!strcmp(in->s, "P.S."))
			strbuf_addstr(&pat, "\\s*p\\.\\s?s\\..*$");
		else {
			/* the marker itself is lowered into the pattern, as the reference does */
			strbuf_addstr(&pat, "\\s*");
			ut_lower(&pat, in->s, strlen(in->s));
			strbuf_addstr(&pat, ".*$");
		}
		if (!(in->rx[in->n_rx++] = ifeval_rx_compile(pat.buf, IFRX_MULTILINE, err)))
			ret = -1;
		break;
	default:
		break;
	}
	strbuf_release(&pat);
	return ret;
}

/* The string arguments as the reference's build_description() keeps them. */
static int normalise(struct ifeval_instr *in, char **err)
{
	char *t;
	size_t i;

	switch (in->id) {
	case IF_KEYWORDS_FREQUENCY:
	case IF_FORMAT_MULTIPLE_SECTIONS:
	case IF_CONTENT_POSTSCRIPT:
	case IF_STARTEND_END_CHECKER:
		t = dup_stripped(in->s);
		free(in->s);
		in->s = t;
		if (!*in->s) {
			*err = xstrdup("its argument is only white space");
			return -1;
		}
		if (in->id == IF_STARTEND_END_CHECKER) {
			t = dup_lower(in->s, strlen(in->s));
			free(in->s);
			in->s = t;
		}
		return 0;
	case IF_KEYWORDS_LETTER_FREQUENCY:
		/* the reference draws a random letter for anything but one ASCII letter: say so instead */
		if (strlen(in->s) != 1 || !isalpha((unsigned char)in->s[0])) {
			*err = xstrfmt("'letter' must be one letter a-z, not \"%s\"", in->s);
			return -1;
		}
		in->s[0] = (char)tolower((unsigned char)in->s[0]);
		return 0;
	case IF_LANGUAGE_RESPONSE_LANGUAGE:
		for (i = 0; i < ARRAY_SIZE(languages); i++)
			if (!strcmp(in->s, languages[i]))
				return 0;
		*err = xstrfmt("'language' \"%s\" is not one of IFEval's languages (en, es, pt, ar, hi, fr, ru, de, ja, "
			       "it, bn, uk, th, ur, ta, te, bg, ko, pl, he, fa, vi, ne, sw, kn, mr, gu, pa, ml, fi)", in->s);
		return -1;
	case IF_LENGTH_NTH_PARAGRAPH_FIRST_WORD:
		if (in->nth < 1 || in->nth > in->n) {
			*err = xstrfmt("'nth_paragraph' must be from 1 to num_paragraphs (%ld), not %ld", in->n, in->nth);
			return -1;
		}
		t = dup_lower(in->s, strlen(in->s));
		free(in->s);
		in->s = t;
		return 0;
	case IF_COMBINATION_REPEAT_PROMPT:
		/* compared as value.strip().lower().startswith(prompt.strip().lower()) */
		t = dup_stripped(in->s);
		free(in->s);
		in->s = dup_lower(t, strlen(t));
		free(t);
		return 0;
	default:
		return 0;
	}
}

int ifeval_instr_parse(struct ifeval_instr *out, const char *name, const cJSON *kwargs, char **err)
{
	const cJSON *v;
	const struct arg *a;
	int id = ifeval_find(name);

	memset(out, 0, sizeof(*out));
	*err = NULL;
	if (id < 0) {
		*err = xstrfmt("unknown instruction id '%s'", name);
		return -1;
	}
	out->id = (enum ifeval_id)id;
	if (kwargs && !cJSON_IsNull(kwargs) && !cJSON_IsObject(kwargs)) {
		*err = xstrfmt("the kwargs of %s must be an object", name);
		return -1;
	}
	if (kwargs && !cJSON_IsObject(kwargs))
		kwargs = NULL;
	cJSON_ArrayForEach(v, kwargs) {
		if (falsy(v))
			continue;
		if (!(a = find_arg(out->id, v->string))) {
			*err = xstrfmt("takes no argument '%s'", v->string);
			goto fail;
		}
		if (read_arg(out, a, v, err) < 0)
			goto fail;
	}
	for (a = ids[id].args; a->key; a++)
		if (falsy(kwargs ? cJSON_GetObjectItemCaseSensitive(kwargs, a->key) : NULL)) {
			*err = xstrfmt("needs '%s'", a->key);
			goto fail;
		}
	if (normalise(out, err) < 0 || build_patterns(out, err) < 0)
		goto fail;
	return 0;
fail:
	{
		char *m = xstrfmt("%s: %s", name, *err);
		free(*err);
		*err = m;
	}
	ifeval_instr_release(out);
	return -1;
}

void ifeval_instr_release(struct ifeval_instr *in)
{
	size_t i;

	free(in->s);
	for (i = 0; i < in->n_words; i++)
		free(in->words[i]);
	free(in->words);
	for (i = 0; i < in->n_rx; i++)
		ifeval_rx_free(in->rx[i]);
	free(in->rx);
	memset(in, 0, sizeof(*in));
}

/* --- strict and loose ----------------------------------------------------- */

/* Whether s[0..n) is blank (empty after str.strip()). */
static int blank(const char *s, size_t n)
{
	ut_strip(&s, &n);
	return n == 0;
}

/*
 * "\n".join(lines[1:]), lines[:-1] or lines[1:-1], .strip()ped, where
 * lines = s.split("\n"): the text after the first newline, before the
 * last, or between the two (empty when there are too few lines).
 */
static void join_lines(struct strbuf *out, const char *s, size_t n, int drop_first, int drop_last)
{
	const char *first = memchr(s, '\n', n), *last = first, *b = s, *e = s + n, *p;
	size_t len;

	strbuf_reset(out);
	for (p = first; p && (p = memchr(p + 1, '\n', (size_t)(s + n - p - 1))); )
		last = p;
	if (!first || (drop_first && drop_last && first == last))
		return;
	if (drop_first)
		b = first + 1;
	if (drop_last)
		e = last;
	len = (size_t)(e - b);
	ut_strip(&b, &len);
	strbuf_add(out, b, len);
}

static void without_stars(struct strbuf *out, const char *s, size_t n)
{
	size_t i;

	strbuf_reset(out);
	strbuf_grow(out, n);
	for (i = 0; i < n; i++)
		if (s[i] != '*')
			strbuf_addch(out, s[i]);
}

void ifeval_evaluate(struct ifeval_checker *c, const struct ifeval_instr *in, size_t n, const char *response,
		     size_t len, unsigned char *strict, unsigned char *loose)
{
	struct strbuf *v = ifeval_checker_variants(c);
	const char *text = response;
	size_t i, k, m;

	if (!response) {
		memset(strict, 0, n);
		memset(loose, 0, n);
		return;
	}
	if (utf8_valid_prefix(response, len) != len) {
		strbuf_reset(&v[8]);
		ut_sanitize(&v[8], response, len);
		text = v[8].buf;
		len = v[8].len;
	}
	/* the reference's eight: response, revised, without first, last, both lines, and those revised */
	strbuf_reset(&v[0]);
	strbuf_add(&v[0], text, len);
	without_stars(&v[1], text, len);
	join_lines(&v[2], text, len, 1, 0);
	join_lines(&v[3], text, len, 0, 1);
	join_lines(&v[4], text, len, 1, 1);
	for (k = 2; k < 5; k++)
		without_stars(&v[k + 3], v[k].buf, v[k].len);
	for (i = 0; i < n; i++) {
		strict[i] = !blank(v[0].buf, v[0].len) && ifeval_check(c, &in[i], v[0].buf, v[0].len);
		loose[i] = strict[i];
		for (k = 1; k < 8 && !loose[i]; k++) {
			int seen = 0;
			if (blank(v[k].buf, v[k].len))
				continue;
			/* the same text twice gives the same verdict */
			for (m = 0; m < k && !seen; m++)
				seen = v[m].len == v[k].len && !memcmp(v[m].buf, v[k].buf, v[k].len);
			if (!seen)
				loose[i] = (unsigned char)ifeval_check(c, &in[i], v[k].buf, v[k].len);
		}
	}
}
