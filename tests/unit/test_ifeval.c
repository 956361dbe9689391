/* test_ifeval.c: every IFEval instruction checker, strict and loose, on hand-made responses that pass and fail it, by IFEval's published rules. */
#include <cJSON.h>
#include "test.h"
#include "eval/ifeval/ifeval.h"
#include "eval/ifeval/text.h"

/*
 * Verdict of one instruction: returns the strict verdict and sets *loose.
 * -1 when the instruction does not parse.
 */
static int verdict(const char *id, const char *kwargs, const char *response, int *loose)
{
	struct ifeval_checker *c = ifeval_checker_new();
	struct ifeval_instr in;
	cJSON *kw = kwargs ? cJSON_Parse(kwargs) : NULL;
	unsigned char s = 0, l = 0;
	char *err = NULL;
	int rc = ifeval_instr_parse(&in, id, kw, &err);

	cJSON_Delete(kw);
	if (rc < 0) {
		free(err);
		ifeval_checker_free(c);
		return -1;
	}
	ifeval_evaluate(c, &in, 1, response, response ? strlen(response) : 0, &s, &l);
	ifeval_instr_release(&in);
	ifeval_checker_free(c);
	if (loose)
		*loose = l;
	return s;
}

/* strict and loose verdicts both as expected */
#define CHECK_IF(id, kw, resp, strict, loose)                                   \
	do {                                                                    \
		int l_ = -1, s_ = verdict((id), (kw), (resp), &l_);             \
		if (s_ != (strict) || l_ != (loose))                            \
			test_fail(__FILE__, __LINE__, "%s on \"%s\": strict %d loose %d, expected %d %d", \
				  (id), (resp), s_, l_, (strict), (loose));     \
	} while (0)

TEST(ifeval_keywords)
{
	CHECK_IF("keywords:existence", "{\"keywords\": [\"apple\", \"Banana\"]}", "I like APPLE and banana.", 1, 1);
	CHECK_IF("keywords:existence", "{\"keywords\": [\"apple\", \"Banana\"]}", "I like apple.", 0, 0);
	/* re.findall(keyword, value, re.IGNORECASE): substrings count */
	CHECK_IF("keywords:frequency", "{\"keyword\": \"cat\", \"frequency\": 2, \"relation\": \"at least\"}",
		 "cat Cat dog", 1, 1);
	CHECK_IF("keywords:frequency", "{\"keyword\": \"cat\", \"frequency\": 2, \"relation\": \"at least\"}",
		 "cat dog", 0, 0);
	CHECK_IF("keywords:frequency", "{\"keyword\": \"cat\", \"frequency\": 2, \"relation\": \"less than\"}",
		 "concatenate a cat", 0, 0);
	CHECK_IF("keywords:frequency", "{\"keyword\": \" cat \", \"frequency\": 2, \"relation\": \"less than\"}",
		 "one cat", 1, 1);
	/* r"\b" + word + r"\b": "redder" is not "red" */
	CHECK_IF("keywords:forbidden_words", "{\"forbidden_words\": [\"red\"]}", "the redder sky", 1, 1);
	CHECK_IF("keywords:forbidden_words", "{\"forbidden_words\": [\"red\"]}", "Red sky", 0, 0);
	/* loose cannot drop a forbidden word from the middle line */
	CHECK_IF("keywords:forbidden_words", "{\"forbidden_words\": [\"red\"]}", "a\nred\nb", 0, 0);
	/* loose drops a last line that had it */
	CHECK_IF("keywords:forbidden_words", "{\"forbidden_words\": [\"red\"]}", "fine text\nnot red", 0, 1);
	CHECK_IF("keywords:letter_frequency", "{\"letter\": \"z\", \"let_frequency\": 3, \"let_relation\": \"at least\"}",
		 "Zebra zoo zz", 1, 1);
	CHECK_IF("keywords:letter_frequency", "{\"letter\": \"Z\", \"let_frequency\": 3, \"let_relation\": \"at least\"}",
		 "Zebra zoo", 0, 0);
	CHECK_IF("keywords:letter_frequency", "{\"letter\": \"z\", \"let_frequency\": 3, \"let_relation\": \"less than\"}",
		 "pizza", 1, 1);
}

TEST(ifeval_language)
{
	CHECK_IF("language:response_language", "{\"language\": \"fr\"}",
		 "Bonjour, je suis très heureux de vous voir aujourd'hui, mon ami.", 1, 1);
	CHECK_IF("language:response_language", "{\"language\": \"fr\"}",
		 "Hello, I am very happy to see you today, my friend.", 0, 0);
	/* no letters: langdetect raises, and the reference counts the instruction followed */
	CHECK_IF("language:response_language", "{\"language\": \"fr\"}", "12345 !!! 678", 1, 1);
	CHECK_IF("language:response_language", "{\"language\": \"he\"}", "שלום לכולם, מה שלומכם היום", 1, 1);
	CHECK(verdict("language:response_language", "{\"language\": \"xx\"}", "x", NULL) == -1);
}

TEST(ifeval_length)
{
	CHECK_IF("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"less than\"}",
		 "One. Two.", 1, 1);
	CHECK_IF("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"less than\"}",
		 "One. Two. Three.", 0, 0);
	/* an abbreviation does not end a sentence */
	CHECK_IF("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"less than\"}",
		 "Dr. Smith came at 3.30 p.m. today. He left.", 1, 1);
	CHECK_IF("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"at least\"}",
		 "Hi! How are you? Fine, \"thanks.\"", 1, 1);
	CHECK_INT(ifeval_count_sentences("", 0), 0);
	CHECK_INT(ifeval_count_sentences("no end mark", 11), 1);
	CHECK_INT(ifeval_count_sentences("Wait... what? Yes... Done.", 26), 3);

	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 2}", "First\n***\nSecond", 1, 1);
	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 2}", "***\nA\n***\nB\n***", 1, 1);
	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 2}", "A\n***\n***\nB", 0, 0);
	/* loose: the divider without its asterisks is no divider; dropping an intro line helps */
	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 2}", "Intro\n***\nA\n***\nB", 0, 1);

	CHECK_IF("length_constraints:number_words", "{\"num_words\": 5, \"relation\": \"at least\"}",
		 "one two three four five", 1, 1);
	CHECK_IF("length_constraints:number_words", "{\"num_words\": 4, \"relation\": \"at least\"}",
		 "one, two-three", 0, 0);
	/* \w is Unicode: "café" and "naïve" are one word each */
	CHECK_IF("length_constraints:number_words", "{\"num_words\": 3, \"relation\": \"less than\"}", "café naïve", 1, 1);

	CHECK_IF("length_constraints:nth_paragraph_first_word",
		 "{\"num_paragraphs\": 2, \"nth_paragraph\": 2, \"first_word\": \"Second\"}",
		 "First para.\n\n\"Second, indeed.\"", 1, 1);
	CHECK_IF("length_constraints:nth_paragraph_first_word",
		 "{\"num_paragraphs\": 2, \"nth_paragraph\": 2, \"first_word\": \"second\"}", "First\n\nThird", 0, 0);
	CHECK_IF("length_constraints:nth_paragraph_first_word",
		 "{\"num_paragraphs\": 2, \"nth_paragraph\": 2, \"first_word\": \"second\"}",
		 "Sure!\n\nFirst\n\nSecond part", 0, 1);
	CHECK(verdict("length_constraints:nth_paragraph_first_word",
		      "{\"num_paragraphs\": 2, \"nth_paragraph\": 3, \"first_word\": \"x\"}", "x", NULL) == -1);
}

TEST(ifeval_content)
{
	CHECK_IF("detectable_content:number_placeholders", "{\"num_placeholders\": 2}", "[name] at [address]", 1, 1);
	CHECK_IF("detectable_content:number_placeholders", "{\"num_placeholders\": 2}", "[name] at [addr", 0, 0);
	/* '.' stops at a newline */
	CHECK_IF("detectable_content:number_placeholders", "{\"num_placeholders\": 1}", "[a\nb]", 0, 0);

	CHECK_IF("detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}", "Hi\nP.S. bye", 1, 1);
	CHECK_IF("detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}", "Hi\np. s. bye", 1, 1);
	CHECK_IF("detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}", "Hi\nPS bye", 0, 0);
	CHECK_IF("detectable_content:postscript", "{\"postscript_marker\": \"P.P.S\"}", "Hi\nP.P.S. more", 1, 1);
	CHECK_IF("detectable_content:postscript", "{\"postscript_marker\": \"Note:\"}", "Hi\nNOTE: more", 1, 1);
}

TEST(ifeval_format)
{
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 2}", "* a\n* b", 1, 1);
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 2}", "* a\n- b\n- c", 0, 1);
	/* "**bold**" is no bullet */
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 2}", "**bold**\n* a", 0, 0);
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 2}", "* intro\n* a\n* b", 0, 1);

	CHECK_IF("detectable_format:constrained_response", NULL, "Well. My answer is yes.", 1, 1);
	CHECK_IF("detectable_format:constrained_response", "{}", "My answer is YES.", 0, 0);

	CHECK_IF("detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}", "*one* and **two**", 1, 1);
	CHECK_IF("detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}", "*one* only", 0, 0);
	CHECK_IF("detectable_format:number_highlighted_sections", "{\"num_highlights\": 1}", "** ** and *\n*", 0, 0);

	CHECK_IF("detectable_format:multiple_sections", "{\"section_spliter\": \"Section\", \"num_sections\": 2}",
		 "Section 1\nA\nSection 2\nB", 1, 1);
	CHECK_IF("detectable_format:multiple_sections", "{\"section_spliter\": \"Section\", \"num_sections\": 2}",
		 "SECTION 1\nA\nSECTION 2\nB", 0, 0);
	CHECK_IF("detectable_format:multiple_sections", "{\"section_spliter\": \" SECTION \", \"num_sections\": 1}",
		 "SECTION 1 text", 1, 1);

	CHECK_IF("detectable_format:json_format", NULL, "```json\n{\"a\": [1, 2.5e3, null]}\n```", 1, 1);
	CHECK_IF("detectable_format:json_format", NULL, "{\"a\": }", 0, 0);
	CHECK_IF("detectable_format:json_format", NULL, "NaN", 1, 1);
	CHECK_IF("detectable_format:json_format", NULL, "01", 0, 0);
	CHECK_IF("detectable_format:json_format", NULL, "Here it is: {\"a\": 1}", 0, 0);
	/* loose: an intro line dropped */
	CHECK_IF("detectable_format:json_format", NULL, "Here it is:\n{\"a\": 1}", 0, 1);

	CHECK_IF("detectable_format:title", NULL, "<<My Title>>\ntext", 1, 1);
	CHECK_IF("detectable_format:title", NULL, "<< >> text", 0, 0);
	CHECK_IF("detectable_format:title", NULL, "<<a\nb>>", 0, 0);
}

TEST(ifeval_combination_startend)
{
	CHECK_IF("combination:two_responses", NULL, "Answer one.\n******\nAnswer two.", 1, 1);
	CHECK_IF("combination:two_responses", NULL, "Same\n******\nSame", 0, 0);
	CHECK_IF("combination:two_responses", NULL, "A\n******\n******\nB", 0, 0);
	CHECK_IF("combination:two_responses", NULL, "******\nA\n******\nB", 1, 1);

	CHECK_IF("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem.\"}", "write a POEM. Here it is", 1, 1);
	CHECK_IF("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem.\"}", "Sure! Write a poem.", 0, 0);
	CHECK_IF("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem.\"}", "Sure!\nWrite a poem. Roses", 0, 1);

	CHECK_IF("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}", "Done. Any other questions?\"", 1, 1);
	CHECK_IF("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}", "Any other questions? Thanks", 0, 0);
	CHECK_IF("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}",
		 "Text. Any other questions?\nP.S. hi", 0, 1);
	/* loose removes the asterisks of markdown */
	CHECK_IF("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}", "**Any other questions?**", 0, 1);

	CHECK_IF("startend:quotation", NULL, "\"Quoted\"", 1, 1);
	CHECK_IF("startend:quotation", NULL, "\"", 0, 0);
	CHECK_IF("startend:quotation", NULL, "  \"x\"  ", 1, 1);
	CHECK_IF("startend:quotation", NULL, "Sure:\n\"quoted\"", 0, 1);
}

TEST(ifeval_case_punctuation)
{
	CHECK_IF("change_case:capital_word_frequency", "{\"capital_frequency\": 2, \"capital_relation\": \"at least\"}",
		 "NASA and ESA rock", 1, 1);
	CHECK_IF("change_case:capital_word_frequency", "{\"capital_frequency\": 2, \"capital_relation\": \"at least\"}",
		 "NASA rocks", 0, 0);
	/* word_tokenize splits "DON'T" into "DO" and "N'T" */
	CHECK_IF("change_case:capital_word_frequency", "{\"capital_frequency\": 2, \"capital_relation\": \"at least\"}",
		 "I said: don't. DON'T", 1, 1);
	CHECK_IF("change_case:capital_word_frequency", "{\"capital_frequency\": 2, \"capital_relation\": \"less than\"}",
		 "I AM here", 0, 0);

	CHECK_IF("change_case:english_capital", NULL, "HELLO THERE, THIS IS ALL WRITTEN IN CAPITAL LETTERS.", 1, 1);
	CHECK_IF("change_case:english_capital", NULL, "HELLO there", 0, 0);
	CHECK_IF("change_case:english_capital", NULL, "BONJOUR, JE SUIS TRÈS HEUREUX DE VOUS VOIR AUJOURD'HUI", 0, 0);
	CHECK_IF("change_case:english_lowercase", NULL, "hello there, this is all lowercase english text", 1, 1);
	CHECK_IF("change_case:english_lowercase", NULL, "Hello there", 0, 0);
	/* loose: a capitalised first line dropped */
	CHECK_IF("change_case:english_lowercase", NULL, "Sure\nhello there, this is all lowercase english text", 0, 1);

	CHECK_IF("punctuation:no_comma", NULL, "no commas here", 1, 1);
	CHECK_IF("punctuation:no_comma", NULL, "a, b", 0, 0);
	CHECK_IF("punctuation:no_comma", NULL, "first line, with a comma\nno commas on this one", 0, 1);
}

/*
 * Found by tests/fuzz/fuzz_questions.c (a leak): kwargs naming a string
 * argument twice ({"first_word": "a", "first_word": "b"}, which cJSON
 * keeps) overwrote the first copy; a list of words with a bad one lost the
 * words read before it. The last one given counts, nothing is leaked
 * (SANITIZE=address runs this test with LeakSanitizer).
 */
TEST(ifeval_kwargs_given_twice_leak_nothing)
{
	struct ifeval_instr in;
	cJSON *kw = cJSON_Parse("{\"num_paragraphs\": 3, \"nth_paragraph\": 2, \"first_word\": \"a\", "
				"\"first_word\": \"b\"}");
	char *err = NULL;

	CHECK_INT(ifeval_instr_parse(&in, "length_constraints:nth_paragraph_first_word", kw, &err), 0);
	CHECK_STR(in.s, "b");
	ifeval_instr_release(&in);
	cJSON_Delete(kw);
	kw = cJSON_Parse("{\"keywords\": [\"x\"], \"keywords\": [\"y\", \"z\"]}");
	CHECK_INT(ifeval_instr_parse(&in, "keywords:existence", kw, &err), 0);
	CHECK(in.n_words == 2 && !strcmp(in.words[0], "y"));
	ifeval_instr_release(&in);
	cJSON_Delete(kw);
	kw = cJSON_Parse("{\"keywords\": [\"x\", \"y\", \"\"]}");
	CHECK_INT(ifeval_instr_parse(&in, "keywords:existence", kw, &err), -1);
	free(err);
	cJSON_Delete(kw);
}

TEST(ifeval_bad_kwargs_and_responses)
{
	struct ifeval_instr in;
	cJSON *kw = cJSON_Parse("{\"num_bullets\": null, \"relation\": null, \"num_highlights\": 2}");
	char *err = NULL;
	int i;

	/* HF's copy of IFEval writes every argument of every id, null where unused: those are ignored */
	CHECK_INT(ifeval_instr_parse(&in, "detectable_format:number_highlighted_sections", kw, &err), 0);
	ifeval_instr_release(&in);
	cJSON_Delete(kw);
	CHECK(verdict("detectable_format:nope", NULL, "x", NULL) == -1);
	CHECK(verdict("punctuation:no_comma", "{\"letter\": \"a\"}", "x", NULL) == -1);
	CHECK(verdict("keywords:frequency", "{\"keyword\": \"a\", \"frequency\": 2}", "x", NULL) == -1);
	CHECK(verdict("keywords:frequency", "{\"keyword\": \"a\", \"frequency\": 2, \"relation\": \"at most\"}", "x",
		      NULL) == -1);
	CHECK(verdict("keywords:existence", "{\"keywords\": [\"(unclosed\"]}", "x", NULL) == -1);
	kw = cJSON_Parse("{\"keyword\": \"a\"}");
	CHECK_INT(ifeval_instr_parse(&in, "keywords:frequency", kw, &err), -1);
	CHECK(err && strstr(err, "keywords:frequency") && strstr(err, "frequency"));
	free(err);
	cJSON_Delete(kw);

	/* every id: an empty or missing response follows nothing, bytes that are not UTF-8 never crash a check */
	for (i = 0; i < IF__COUNT; i++) {
		static const char *const kwargs[IF__COUNT] = {
			"{\"keywords\": [\"a\"]}", "{\"keyword\": \"a\", \"frequency\": 1, \"relation\": \"less than\"}",
			"{\"forbidden_words\": [\"a\"]}", "{\"letter\": \"a\", \"let_frequency\": 1, \"let_relation\": \"less than\"}",
			"{\"language\": \"en\"}", "{\"num_sentences\": 1, \"relation\": \"less than\"}",
			"{\"num_paragraphs\": 1}", "{\"num_words\": 1, \"relation\": \"less than\"}",
			"{\"num_paragraphs\": 1, \"nth_paragraph\": 1, \"first_word\": \"a\"}", "{\"num_placeholders\": 1}",
			"{\"postscript_marker\": \"P.S.\"}", "{\"num_bullets\": 1}", NULL, "{\"num_highlights\": 1}",
			"{\"section_spliter\": \"Section\", \"num_sections\": 1}", NULL, NULL, NULL,
			"{\"prompt_to_repeat\": \"a\"}", "{\"end_phrase\": \"a\"}",
			"{\"capital_frequency\": 1, \"capital_relation\": \"less than\"}", NULL, NULL, NULL, NULL,
		};
		const char *name = ifeval_name((enum ifeval_id)i);
		int l = -1;
		CHECK_INT(ifeval_find(name), i);
		CHECK_INT(verdict(name, kwargs[i], "", &l), 0);
		CHECK_INT(l, 0);
		CHECK_INT(verdict(name, kwargs[i], " \n\t ", &l), 0);
		CHECK_INT(verdict(name, kwargs[i], NULL, &l), 0);
		CHECK(verdict(name, kwargs[i], "\xff\xfe bad \xc3 bytes \"\n* x", &l) >= 0);
	}
	/* a replaced byte is text: no commas, and it is no comma */
	CHECK_IF("punctuation:no_comma", NULL, "caf\xe9 au lait", 1, 1);
}

/*
 * bug: an argument of 0 was dropped as lm-evaluation-harness drops it, then reported as missing ("needs
 * 'num_paragraphs'"). IFEval's reference (google-research evaluation_lib.py) passes kwargs as they are, and
 * build_description() draws a random value only for None or a negative number: 0 is a value.
 */
TEST(ifeval_zero_is_a_value)
{
	struct ifeval_instr in;
	cJSON *kw;
	char *err = NULL;

	/* no paragraph: only dividers (blank parts at either end do not count) */
	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 0}", "***", 1, 1);
	CHECK_IF("length_constraints:number_paragraphs", "{\"num_paragraphs\": 0}", "one paragraph", 0, 0);
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 0}", "no list here", 1, 1);
	CHECK_IF("detectable_format:number_bullet_lists", "{\"num_bullets\": 0}", "- one", 0, 0);
	CHECK_IF("detectable_content:number_placeholders", "{\"num_placeholders\": 0}", "none", 1, 1);
	/* fewer than 0 occurrences: never */
	CHECK_IF("keywords:frequency", "{\"keyword\": \"cat\", \"frequency\": 0, \"relation\": \"less than\"}",
		 "dog", 0, 0);
	CHECK_IF("keywords:frequency", "{\"keyword\": \"cat\", \"frequency\": 0, \"relation\": \"at least\"}",
		 "dog", 1, 1);
	/* nth_paragraph counts from 1: 0 is there, and out of range, which the message says */
	kw = cJSON_Parse("{\"num_paragraphs\": 2, \"nth_paragraph\": 0, \"first_word\": \"a\"}");
	CHECK_INT(ifeval_instr_parse(&in, "length_constraints:nth_paragraph_first_word", kw, &err), -1);
	CHECK(err && strstr(err, "'nth_paragraph' must be from 1") && strstr(err, "not 0") && !strstr(err, "needs"));
	free(err);
	cJSON_Delete(kw);
	/* null is still no value (Hugging Face's copy writes every argument, null where unused) */
	kw = cJSON_Parse("{\"num_paragraphs\": null}");
	CHECK_INT(ifeval_instr_parse(&in, "length_constraints:number_paragraphs", kw, &err), -1);
	CHECK(err && strstr(err, "needs 'num_paragraphs'"));
	free(err);
	cJSON_Delete(kw);
}

TEST(ifeval_text_primitives)
{
	const char *s = "\xe2\x80\x83 hi \x1f";
	size_t n = strlen(s);
	struct strbuf sb = STRBUF_INIT;

	ut_strip(&s, &n);
	CHECK_INT(n, 2);
	CHECK(ut_isupper("ÀB1", strlen("ÀB1")));
	CHECK(!ut_isupper("123", 3));
	CHECK(ut_islower("ñandú 42", strlen("ñandú 42")));
	ut_lower(&sb, "ÀÉÎ İ ΣΑ Ж", strlen("ÀÉÎ İ ΣΑ Ж"));
	CHECK_STR(sb.buf, "àéî i\xcc\x87 σα ж");
	strbuf_release(&sb);
	CHECK_INT(ifeval_capital_words("THE U.S.A. AND-SO (NASA) cannot CANNOT", 38), 6);
	CHECK(ifeval_json_valid(" [1, -0.5, \"a\\u00e9\", {\"k\": true}] ", 34));
	CHECK(!ifeval_json_valid("[1,]", 4));
	CHECK(!ifeval_json_valid("\"a\tb\"", 5));
}
