/*
 * fuzz_questions.c: the question files of the general-ability tasks, read
 * the way a suite naming them reads them: the first byte picks MMLU's CSV
 * or JSONL for general_mc, IFEval's input_data.jsonl for
 * instruction_following, or prompts for chatbot; the rest is the file.
 */
#include "tests/fuzz/fuzz.h"
#include "eval/suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kinds[][2] = {
		{ "general_mc", "q_test.csv" },
		{ "general_mc", "q.jsonl" },
		{ "instruction_following", "q.jsonl" },
		{ "chatbot", "q.jsonl" },
	};
	char path[256], suite_path[256], *text;
	struct suite s;
	int k;

	if (!size)
		return 0;
	k = data[0] % 4;
	fuzz_file(kinds[k][1], data + 1, size - 1, path, sizeof(path));
	snprintf(suite_path, sizeof(suite_path), "%s/suite.json", fuzz_dir());
	text = malloc(512);
	if (!text)
		abort();
	snprintf(text, 512, "{\"name\": \"q\", \"tasks\": [{\"type\": \"%s\", \"data\": \"%s\"%s}]}", kinds[k][0],
		 kinds[k][1], k < 2 ? ", \"shots\": 0" : "");
	if (!suite_parse(&s, suite_path, text, strlen(text)))
		suite_release(&s);
	free(text);
	return 0;
}
