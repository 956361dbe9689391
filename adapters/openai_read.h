/* openai_read.h: reading the 2xx bodies of OpenAI and Azure OpenAI (chat, embeddings), apart from the transport. */
#ifndef OPENAI_READ_H
#define OPENAI_READ_H

#include "adapters/adapter.h"
#include "lib/jsontext.h"

struct cJSON;

/* Why body is not JSON, with where cJSON gave up (call right after the failed parse). Caller frees. */
char *openai_json_failure(const char *body, size_t len);
/* A 2xx chat body into a (zeroed): content, finish_reason, usage; LLM_ERROR or LLM_REFUSED with why. */
void openai_read_chat(struct llm_answer *a, struct cJSON *root);
/* A 2xx embeddings body of n_input texts into a (zeroed): data[i].embedding in data[i].index order. */
void openai_read_embeddings(struct llm_answer *a, struct cJSON *root, size_t n_input);

#endif
