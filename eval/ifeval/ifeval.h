/* ifeval.h: IFEval's verifiable instructions (Zhou et al., 2023): the 25 instruction ids, their arguments, and the strict and loose checks of a response. */
#ifndef IFEVAL_H
#define IFEVAL_H

#include "lib/util.h"

/*
 * Each check follows the reference implementation (google-research
 * instruction_following_eval, instructions.py, as lm-evaluation-harness
 * ports it); the list of ids and what each one checks is in
 * docs/general.md. Patterns the reference builds from its arguments
 * (keywords, forbidden words, section splitters, postscript markers) are
 * regular expressions there and here (PCRE2, Unicode-aware and, where the
 * reference ignores case, caseless).
 */
enum ifeval_id {
	IF_KEYWORDS_EXISTENCE,
	IF_KEYWORDS_FREQUENCY,
	IF_KEYWORDS_FORBIDDEN_WORDS,
	IF_KEYWORDS_LETTER_FREQUENCY,
	IF_LANGUAGE_RESPONSE_LANGUAGE,
	IF_LENGTH_NUMBER_SENTENCES,
	IF_LENGTH_NUMBER_PARAGRAPHS,
	IF_LENGTH_NUMBER_WORDS,
	IF_LENGTH_NTH_PARAGRAPH_FIRST_WORD,
	IF_CONTENT_NUMBER_PLACEHOLDERS,
	IF_CONTENT_POSTSCRIPT,
	IF_FORMAT_NUMBER_BULLET_LISTS,
	IF_FORMAT_CONSTRAINED_RESPONSE,
	IF_FORMAT_NUMBER_HIGHLIGHTED_SECTIONS,
	IF_FORMAT_MULTIPLE_SECTIONS,
	IF_FORMAT_JSON_FORMAT,
	IF_FORMAT_TITLE,
	IF_COMBINATION_TWO_RESPONSES,
	IF_COMBINATION_REPEAT_PROMPT,
	IF_STARTEND_END_CHECKER,
	IF_CHANGE_CASE_CAPITAL_WORD_FREQUENCY,
	IF_CHANGE_CASE_ENGLISH_CAPITAL,
	IF_CHANGE_CASE_ENGLISH_LOWERCASE,
	IF_PUNCTUATION_NO_COMMA,
	IF_STARTEND_QUOTATION,
	IF__COUNT,
};

/* "keywords:existence", ...: the id as IFEval's files write it. */
const char *ifeval_name(enum ifeval_id id);
/* The id named name, or -1. */
int ifeval_find(const char *name);

/* One instruction of a prompt with its arguments (IFEval's kwargs), ready to check. */
struct ifeval_instr {
	enum ifeval_id id;
	int at_least;          /* relation: 1 "at least", 0 "less than" */
	long n;                /* the number the instruction names (sentences, words, frequency, ...) */
	long nth;              /* nth_paragraph */
	char *s;               /* the string argument: keyword, language, letter, first word, end phrase, ... (owned) */
	char **words;          /* keywords or forbidden words (owned) */
	size_t n_words;
	void **rx;             /* the patterns built from the arguments (pcre2_code *, owned) */
	size_t n_rx;
};

struct cJSON;

/*
 * Read instruction id name with its kwargs (a JSON object, or NULL) into
 * *out. Arguments whose value is null, false, "" or [] are absent; a
 * number, 0 included, is a value, as the reference keeps it (a count of 0;
 * nth_paragraph 0 is out of range). An argument the id does not take, a missing or
 * ill-typed one, a relation other than "less than"/"at least", a language
 * outside IFEval's 30 codes or a pattern that does not compile fails.
 * Returns 0, or -1 with *err set to a message (the caller frees it) and
 * nothing to release.
 */
int ifeval_instr_parse(struct ifeval_instr *out, const char *name, const struct cJSON *kwargs, char **err);
void ifeval_instr_release(struct ifeval_instr *in);

/* Scratch and compiled fixed patterns for checking: one per thread, reused across responses. */
struct ifeval_checker;
struct ifeval_checker *ifeval_checker_new(void);
void ifeval_checker_free(struct ifeval_checker *c);

/*
 * Whether text[0..len) (valid UTF-8) follows in, as the reference's
 * check_following() says: 1 or 0. Text that is empty after stripping is
 * not checked here (ifeval_evaluate fails it).
 */
int ifeval_check(struct ifeval_checker *c, const struct ifeval_instr *in, const char *text, size_t len);

/*
 * A response's verdicts on a prompt's n instructions: strict[i] as the
 * reference's test_instruction_following_strict (the response as it is;
 * an empty one follows nothing), loose[i] as its loose test (also the
 * response without its first line, its last line, both, and each of
 * those four with every '*' removed). Bytes that are not UTF-8 are read
 * as U+FFFD. response may be NULL (no answer: nothing followed).
 */
void ifeval_evaluate(struct ifeval_checker *c, const struct ifeval_instr *in, size_t n, const char *response,
		     size_t len, unsigned char *strict, unsigned char *loose);

/*
 * The language of text as an ISO 639-1 code (langdetect's spelling: "he",
 * "zh-cn"), by CLD2; NULL when text has no letters (where the reference's
 * langdetect raises, and the instruction counts as followed).
 */
const char *ifeval_language(const char *text, size_t len);

#endif
