/* openai_read.c: reading a 2xx OpenAI or Azure body: a chat answer or embeddings (see openai_read.h). */
#include <cJSON.h>
#include "adapters/openai_read.h"

/* The string under key of obj, or NULL. */
static const char *string_of(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A token count of an answer's usage: -1 when the server did not say (unknown, not zero). */
static long usage_count(const cJSON *usage, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(usage, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e15 ? (long)v->valuedouble : -1;
}

/* Why body is not JSON, with where the parser gave up. */
char *openai_json_failure(const char *body, size_t len)
{
	const char *at = cJSON_GetErrorPtr();
	size_t k = at && body && at >= body && at <= body + len ? (size_t)(at - body) : 0;

	if (!body || !len)
		return xstrdup("malformed response: empty body");
	return xstrfmt("malformed response: not JSON (parse error at byte %zu of %zu)", k, len);
}

/* A 2xx chat body into a: content, finish_reason, usage. */
void openai_read_chat(struct llm_answer *a, cJSON *root)
{
	const cJSON *choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
	const cJSON *first = cJSON_GetArrayItem(choices, 0);
	const cJSON *msg = cJSON_GetObjectItemCaseSensitive(first, "message");
	const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	const char *finish = string_of(first, "finish_reason");

	a->tokens_in = usage_count(usage, "prompt_tokens");
	a->tokens_out = usage_count(usage, "completion_tokens");
	if (finish)
		a->finish_reason = xstrdup(finish);
	if (finish && !strcmp(finish, "content_filter")) {
		a->status = LLM_REFUSED;
		a->error = xstrdup("refused by the content filter (finish_reason content_filter)");
		return;
	}
	if (!cJSON_IsArray(choices) || !cJSON_IsObject(first)) {
		a->status = LLM_ERROR;
		a->error = xstrdup("malformed response: no choices[0]");
		return;
	}
	if (!cJSON_IsString(content)) {
		a->status = LLM_ERROR;
		a->error = xstrdup("malformed response: choices[0].message.content is missing or not text");
		return;
	}
	a->status = LLM_OK;
	a->content = xstrdup(content->valuestring);
}

/* A 2xx embeddings body into a: data[i].embedding in data[i].index order. */
void openai_read_embeddings(struct llm_answer *a, cJSON *root, size_t n_input)
{
	const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
	const cJSON *usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	const cJSON *item;
	unsigned char *seen = NULL;
	size_t pos = 0, dim = 0;
	char *why = NULL;

	a->tokens_in = usage_count(usage, "prompt_tokens");
	if (!cJSON_IsArray(data)) {
		why = xstrdup("malformed response: no data array");
		goto out;
	}
	if ((size_t)cJSON_GetArraySize(data) != n_input) {
		why = xstrfmt("malformed response: %d embeddings for %zu inputs", cJSON_GetArraySize(data), n_input);
		goto out;
	}
	seen = xcalloc(n_input, 1);
	cJSON_ArrayForEach(item, data) {
		const cJSON *vec = cJSON_GetObjectItemCaseSensitive(item, "embedding");
		const cJSON *idx = cJSON_GetObjectItemCaseSensitive(item, "index");
		const cJSON *x;
		size_t row = pos, j = 0;

		if (cJSON_IsNumber(idx)) {
			if (idx->valuedouble < 0 || idx->valuedouble >= (double)n_input ||
			    idx->valuedouble != floor(idx->valuedouble)) {
				why = xstrfmt("malformed response: data[%zu].index %g is out of range", pos,
					      idx->valuedouble);
				goto out;
			}
			row = (size_t)idx->valuedouble;
		}
		if (seen[row]) {
			why = xstrfmt("malformed response: two embeddings for input %zu", row);
			goto out;
		}
		seen[row] = 1;
		if (!cJSON_IsArray(vec) || !cJSON_GetArraySize(vec)) {
			why = xstrfmt("malformed response: data[%zu].embedding is not an array of numbers", pos);
			goto out;
		}
		if (!dim) {
			dim = (size_t)cJSON_GetArraySize(vec);
			a->embeddings = xcalloc(n_input * dim, sizeof(*a->embeddings));
		} else if ((size_t)cJSON_GetArraySize(vec) != dim) {
			why = xstrfmt("malformed response: embeddings of %zu and %d dimensions", dim,
				      cJSON_GetArraySize(vec));
			goto out;
		}
		cJSON_ArrayForEach(x, vec) {
			if (!cJSON_IsNumber(x)) {
				why = xstrfmt("malformed response: data[%zu].embedding is not an array of numbers", pos);
				goto out;
			}
			a->embeddings[row * dim + j++] = x->valuedouble;
		}
		pos++;
	}
	a->n_embeddings = n_input;
	a->dim = dim;
	a->status = LLM_OK;
out:
	free(seen);
	if (why) {
		free(a->embeddings);
		a->embeddings = NULL;
		a->status = LLM_ERROR;
		a->error = why;
	}
}
