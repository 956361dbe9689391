/* chat.h: prompts sent to a language model through its adapter, answers matched back by id: what `receval chat` does. */
#ifndef CHAT_H
#define CHAT_H

#include "adapters/adapter.h"

/* An open language model. */
struct chat {
	const struct adapter *ad;
	struct model_spec spec;
	struct model *model;
};

/*
 * Open the language model spec_text names, with limits. 0, or -1 after
 * printing why (the caller exits 2): a malformed spec, an unknown provider,
 * a model that is not a language model (built-in ones), or one that would
 * not open. Close with chat_close() after success only.
 */
int chat_open(struct chat *out, const char *spec_text, const struct adapter_limits *limits);
void chat_close(struct chat *c);

/*
 * Send prompts[0..n) (chat requests, each after system when it is not
 * NULL; or, with embed, embedding requests) all at once, and wait for
 * every answer: answers[i] (n of them, from the caller, filled from
 * scratch) is prompt i's, with id i + 1. A prompt that could not be sent,
 * or that got no answer, gets status LLM_ERROR and the reason. Release
 * each answer with llm_answer_release().
 */
void chat_ask(struct chat *c, struct llm_answer *answers, const char *const *prompts, size_t n,
	      const char *system, int embed);

/* The non-empty lines of f ("\r" dropped), as prompts; *n gets their count. Free each and the array. */
char **chat_read_prompts(FILE *f, size_t *n);

#endif
