/* chat.c: prompts sent to a language model through its adapter, answers matched back by id (`receval chat`). */
#include "eval/chat.h"
#include "lib/strbuf.h"
#include "adapters/prices.h"

int chat_open(struct chat *out, const char *spec_text, const struct adapter_limits *limits)
{
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT, 0 };

	memset(out, 0, sizeof(*out));
	if (model_spec_parse(&out->spec, spec_text) < 0)
		return -1;
	out->ad = adapter_find(out->spec.provider);
	if (!out->ad || !out->ad->submit) {
		error(out->ad ? "model '%s' is not a language model (built-in models need a suite: receval run)"
			      : "unknown model provider in '%s' (known: %s)", spec_text, adapter_providers());
		model_spec_release(&out->spec);
		return -1;
	}
	data.limits = *limits;
	{
		/* label, price_in and price_out are receval's: the backend never sees them */
		struct model_spec backend;
		int rc;
		model_spec_without_prices(&backend, &out->spec);
		rc = out->ad->open(&out->model, &backend, &data);
		model_spec_release(&backend);
		if (rc < 0) {
			model_spec_release(&out->spec);
			return -1;
		}
	}
	return 0;
}

void chat_close(struct chat *c)
{
	c->ad->free(c->model);
	model_spec_release(&c->spec);
}

void chat_ask(struct chat *c, struct llm_answer *answers, const char *const *prompts, size_t n,
	      const char *system, int embed)
{
	size_t i, done = 0;
	int rc;

	memset(answers, 0, n * sizeof(*answers));
	for (i = 0; i < n; i++) {
		struct llm_message msgs[2];
		const char *input[1] = { prompts[i] };
		struct llm_request req = { 0 };
		size_t m = 0;

		req.id = i + 1;
		if (embed) {
			req.kind = LLM_EMBED;
			req.input = input;
			req.n_input = 1;
		} else {
			if (system) {
				msgs[m].role = "system";
				msgs[m++].content = system;
			}
			msgs[m].role = "user";
			msgs[m++].content = prompts[i];
			req.kind = LLM_CHAT;
			req.messages = msgs;
			req.n_messages = m;
		}
		if (c->ad->submit(c->model, &req) < 0) {
			answers[i].id = i + 1;
			answers[i].status = LLM_ERROR;
			answers[i].error = xstrdup("could not be sent");
			answers[i].attempts = 1;  /* marks it answered */
			done++;
		}
	}
	/* answers come in any order: match them by id */
	while (done < n) {
		struct llm_answer a;
		rc = c->ad->poll(c->model, &a, 1000);
		if (rc < 0)
			break;
		if (!rc)
			continue;
		if (a.id < 1 || a.id > n || answers[a.id - 1].id) {
			warning("answer with unexpected id %llu ignored", (unsigned long long)a.id);
			llm_answer_release(&a);
			continue;
		}
		answers[a.id - 1] = a;
		done++;
	}
	for (i = 0; i < n; i++) {
		if (!answers[i].id) {
			answers[i].id = i + 1;
			answers[i].status = LLM_ERROR;
			answers[i].error = xstrdup("no answer");
		}
	}
}

char **chat_read_prompts(FILE *f, size_t *n)
{
	struct strbuf line = STRBUF_INIT;
	char **v = NULL;
	size_t alloc = 0;
	int c;

	*n = 0;
	for (;;) {
		c = getc(f);
		if (c == EOF || c == '\n') {
			if (line.len) {
				ALLOC_GROW(v, *n + 1, alloc);
				v[(*n)++] = strbuf_detach(&line, NULL);
			}
			if (c == EOF)
				break;
			continue;
		}
		if (c != '\r')
			strbuf_addch(&line, c);
	}
	strbuf_release(&line);
	return v;
}
