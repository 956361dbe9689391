/*
 * fuzz_openai.c: an OpenAI or Azure response body, read as the adapter
 * reads it: the escapes repaired, then a chat answer, an embeddings
 * answer (of 1 or 3 inputs) and an error body. The adapter's error
 * readers are static, so its source is included (the archive's copy of
 * openai.o is then not linked).
 */
#include "adapters/openai.c"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *body = malloc(size + 1), *msg;
	char code[64];
	cJSON *root;
	struct llm_answer a;

	if (!body)
		abort();
	memcpy(body, data, size);
	body[size] = '\0';
	msg = server_message(body, size, code, sizeof(code));
	free(msg);
	is_content_filter(body, size);
	msg = openai_json_failure(body, size);
	free(msg);
	json_fix_escapes(body, size);
	root = cJSON_ParseWithLength(body, size);
	if (root) {
		memset(&a, 0, sizeof(a));
		openai_read_chat(&a, root);
		llm_answer_release(&a);
		memset(&a, 0, sizeof(a));
		openai_read_embeddings(&a, root, 1);
		llm_answer_release(&a);
		memset(&a, 0, sizeof(a));
		openai_read_embeddings(&a, root, 3);
		llm_answer_release(&a);
		cJSON_Delete(root);
	}
	free(body);
	return 0;
}
