/* ifeval.c: the IFEval checking benchmark: 10,000 responses checked strictly and loosely against their instructions, on one core. */
#include <cJSON.h>
#include "eval/ifeval/ifeval.h"
#include "lib/strbuf.h"
#include "lib/rng.h"

/* Every instruction id with arguments, as IFEval's input_data.jsonl writes them. */
static const char *const instrs[][2] = {
	{ "keywords:existence", "{\"keywords\": [\"film\", \"music\"]}" },
	{ "keywords:frequency", "{\"keyword\": \"story\", \"frequency\": 3, \"relation\": \"at least\"}" },
	{ "keywords:forbidden_words", "{\"forbidden_words\": [\"boring\", \"bad\"]}" },
	{ "keywords:letter_frequency", "{\"letter\": \"q\", \"let_frequency\": 2, \"let_relation\": \"less than\"}" },
	{ "language:response_language", "{\"language\": \"en\"}" },
	{ "length_constraints:number_sentences", "{\"num_sentences\": 8, \"relation\": \"less than\"}" },
	{ "length_constraints:number_paragraphs", "{\"num_paragraphs\": 3}" },
	{ "length_constraints:number_words", "{\"num_words\": 120, \"relation\": \"at least\"}" },
	{ "length_constraints:nth_paragraph_first_word",
	  "{\"num_paragraphs\": 3, \"nth_paragraph\": 2, \"first_word\": \"later\"}" },
	{ "detectable_content:number_placeholders", "{\"num_placeholders\": 2}" },
	{ "detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}" },
	{ "detectable_format:number_bullet_lists", "{\"num_bullets\": 3}" },
	{ "detectable_format:constrained_response", "{}" },
	{ "detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}" },
	{ "detectable_format:multiple_sections", "{\"section_spliter\": \"Section\", \"num_sections\": 3}" },
	{ "detectable_format:json_format", "{}" },
	{ "detectable_format:title", "{}" },
	{ "combination:two_responses", "{}" },
	{ "combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write about a film.\"}" },
	{ "startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}" },
	{ "change_case:capital_word_frequency", "{\"capital_frequency\": 3, \"capital_relation\": \"at least\"}" },
	{ "change_case:english_capital", "{}" },
	{ "change_case:english_lowercase", "{}" },
	{ "punctuation:no_comma", "{}" },
	{ "startend:quotation", "{}" },
};

static const char *const pieces[] = {
	"Write about a film. ", "The story moves fast, and the music is *gentle*. ", "Section 1\n", "* a point\n",
	"Later, the film ends.\n\n", "[name] and [place] ", "<<A Title>>\n", "It is NOT BAD AT ALL. ",
	"***\n", "P.S. more soon.\n", "Any other questions?", "\"Quoted.\" ", "{\"k\": [1, 2]} ", "******\n",
	"Dr. Smith said so; e.g. this works. ", "story story story. ",
};

int main(void)
{
	enum { RESPONSES = 10000, PER = 3 };
	struct ifeval_instr in[ARRAY_SIZE(instrs)];
	struct ifeval_checker *c = ifeval_checker_new();
	struct strbuf *resp = xcalloc(RESPONSES, sizeof(*resp));
	struct rng r;
	unsigned char strict[PER], loose[PER];
	size_t i, j, followed = 0, bytes = 0;
	double t0, secs;

	for (i = 0; i < ARRAY_SIZE(instrs); i++) {
		cJSON *kw = cJSON_Parse(instrs[i][1]);
		char *err = NULL;
		if (ifeval_instr_parse(&in[i], instrs[i][0], kw, &err) < 0) {
			fprintf(stderr, "bench: %s\n", err);
			return 1;
		}
		cJSON_Delete(kw);
	}
	/* responses of 60 to 400 words, of the pieces real answers are made of */
	rng_seed(&r, 7);
	for (i = 0; i < RESPONSES; i++) {
		size_t n = 8 + (size_t)rng_below(&r, 40);
		strbuf_init(&resp[i], 0);
		for (j = 0; j < n; j++)
			strbuf_addstr(&resp[i], pieces[rng_below(&r, ARRAY_SIZE(pieces))]);
		bytes += resp[i].len;
	}
	t0 = now_ms();
	for (i = 0; i < RESPONSES; i++) {
		struct ifeval_instr three[PER];
		/* three instructions a response, every id as often as the others */
		for (j = 0; j < PER; j++)
			three[j] = in[(i * PER + j) % ARRAY_SIZE(instrs)];
		ifeval_evaluate(c, three, PER, resp[i].buf, resp[i].len, strict, loose);
		for (j = 0; j < PER; j++)
			followed += strict[j] + loose[j];
	}
	secs = (now_ms() - t0) / 1000;
	printf("ifeval checking (bench/ifeval.c), one core:\n");
	printf("  %d responses (%.1f MB), %d instructions each, strict and loose: %.3f s (goal: under 1 s)\n",
	       RESPONSES, (double)bytes / 1e6, PER, secs);
	printf("  %.0f responses/s; %zu verdicts followed of %d\n", RESPONSES / secs, followed, RESPONSES * PER * 2);
	for (i = 0; i < ARRAY_SIZE(instrs); i++)
		ifeval_instr_release(&in[i]);
	for (i = 0; i < RESPONSES; i++)
		strbuf_release(&resp[i]);
	free(resp);
	ifeval_checker_free(c);
	return secs < 1 ? 0 : 1;
}
