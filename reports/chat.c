/* chat.c: the lines `receval chat` prints, one per answer, as text or JSON. */
#include "reports/chat.h"

static void add_string_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		strbuf_addstr(sb, "null");
}

void chat_add_answer(struct strbuf *sb, const struct llm_answer *a, int jsonl)
{
	size_t i;

	if (!jsonl) {
		strbuf_addf(sb, "[%llu] %s", (unsigned long long)a->id, llm_status_name(a->status));
		if (a->status == LLM_OK && a->content)
			strbuf_addf(sb, ": %s\n", a->content);
		else if (a->status == LLM_OK)
			strbuf_addf(sb, ": %zu embedding(s) of %zu dimensions\n", a->n_embeddings, a->dim);
		else
			strbuf_addf(sb, ": %s\n", a->error ? a->error : "(no reason given)");
		return;
	}
	strbuf_addf(sb, "{\"id\":%llu,\"status\":\"%s\",\"content\":", (unsigned long long)a->id,
		    llm_status_name(a->status));
	add_string_or_null(sb, a->content);
	strbuf_addstr(sb, ",\"embedding_dims\":[");
	for (i = 0; i < a->n_embeddings; i++)
		strbuf_addf(sb, "%s%zu", i ? "," : "", a->dim);
	strbuf_addstr(sb, "],\"error\":");
	add_string_or_null(sb, a->error);
	strbuf_addstr(sb, ",\"finish_reason\":");
	add_string_or_null(sb, a->finish_reason);
	strbuf_addf(sb, ",\"http_status\":%ld,\"attempts\":%u,\"latency_ms\":%.1f,"
		    "\"tokens_in\":%ld,\"tokens_out\":%ld}\n", a->http_status, a->attempts,
		    a->latency_ms, a->tokens_in, a->tokens_out);
}
