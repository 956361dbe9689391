/* text.h: the text primitives IFEval's checks are written in: Python's str semantics (isspace, strip, lower, isupper) on UTF-8, and its sentence, word and JSON readers. */
#ifndef IFEVAL_TEXT_H
#define IFEVAL_TEXT_H

#include "lib/util.h"
#include "lib/strbuf.h"

/*
 * Every function here takes valid UTF-8 (ifeval_evaluate() replaces
 * invalid bytes with U+FFFD first) and never reads past s[n).
 */

/* Decode the code point at s[*i] (valid UTF-8) and move *i past it. */
uint32_t ut_next(const char *s, size_t n, size_t *i);

/* Python's str.isspace() of one code point: ASCII and Unicode white space, U+001C..U+001F included. */
int ut_space(uint32_t cp);
/* The case of a code point: 1 upper, -1 lower, 0 uncased (Latin, Greek, Cyrillic, Armenian, fullwidth). */
int ut_case(uint32_t cp);
/* Whether cp is a letter of some script (not space, digit, punctuation or symbol), as far as the tables tell. */
int ut_letter(uint32_t cp);

/* Python's str.strip() (white space) on s[0..*n): moves *s and shortens *n. */
void ut_strip(const char **s, size_t *n);
/* str.strip(chars) for ASCII chars. */
void ut_strip_chars(const char **s, size_t *n, const char *chars);
/* Append str.lower() of s[0..n) to out (U+0130 becomes "i" and U+0307, as Python does). */
void ut_lower(struct strbuf *out, const char *s, size_t n);
/* str.isupper() / str.islower(): at least one cased character, and every cased one upper (lower). */
int ut_isupper(const char *s, size_t n);
int ut_islower(const char *s, size_t n);
/* Append s[0..n) to out with every byte that starts no valid UTF-8 sequence replaced by U+FFFD. */
void ut_sanitize(struct strbuf *out, const char *s, size_t n);

/*
 * Sentences in s, as NLTK's Punkt English tokenizer would count them
 * (approximated: Punkt is a trained model; see docs/general.md): a
 * sentence ends at ".", "?" or "!" (closing quotes and brackets may
 * follow) before white space or the end, except after a known
 * abbreviation, a single-letter initial or a dotted acronym, and an
 * ellipsis ends one only before a capital. Text after the last end counts
 * as one more sentence.
 */
size_t ifeval_count_sentences(const char *s, size_t n);

/*
 * Words written in capitals, as IFEval counts them over NLTK's
 * word_tokenize() (approximated: Treebank rules): tokens are split at
 * white space, at , ; : @ # $ % & ? ! ( ) [ ] { } < > " and "--", and
 * contractions ('s 'm 'd 'll 're 've n't, cannot) are split off; a token
 * counts when str.isupper() holds for it.
 */
size_t ifeval_capital_words(const char *s, size_t n);

/*
 * Whether s is one JSON value as Python's json.loads() reads it: RFC 8259
 * with NaN, Infinity and -Infinity, white space " \t\n\r" around it, no
 * control characters in strings. Nesting deeper than 512 fails.
 */
int ifeval_json_valid(const char *s, size_t n);

#endif
