/* chat.h: a language model's answer as `receval chat` prints it: a line of text, or a JSON line. */
#ifndef REPORTS_CHAT_H
#define REPORTS_CHAT_H

#include "lib/strbuf.h"
#include "adapters/adapter.h"

/*
 * Append a as one line to sb: "[ID] STATUS: TEXT" (the content; for
 * embeddings their count and dimensions; for a failure the error), or with
 * jsonl {"id", "status", "content", "embedding_dims", "error",
 * "finish_reason", "http_status", "attempts", "latency_ms", "tokens_in",
 * "tokens_out"}.
 */
void chat_add_answer(struct strbuf *sb, const struct llm_answer *a, int jsonl);

#endif
