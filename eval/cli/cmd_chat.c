/* cmd_chat.c: `receval chat`: send prompts to a model through its adapter and print the answers, to check a model spec works. */
#include "eval/cli/cmd.h"
#include "lib/opt.h"
#include "lib/strbuf.h"
#include "adapters/adapter.h"

static const char usage_chat[] =
	"receval chat MODEL [PROMPT]... [--system TEXT] [--embed] [--concurrency N] [--rpm N] [--tpm N]\n"
	"                    [--timeout S] [--attempts N] [--format text|jsonl]";

/* Prompts from stdin, one per line (when none are given as arguments). */
static char **read_prompts(size_t *n)
{
	struct strbuf line = STRBUF_INIT;
	char **v = NULL;
	size_t alloc = 0;
	int c;

	*n = 0;
	for (;;) {
		c = getchar();
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

static void print_answer(const struct llm_answer *a, int jsonl)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!jsonl) {
		printf("[%llu] %s", (unsigned long long)a->id, llm_status_name(a->status));
		if (a->status == LLM_OK && a->content)
			printf(": %s\n", a->content);
		else if (a->status == LLM_OK)
			printf(": %zu embedding(s) of %zu dimensions\n", a->n_embeddings, a->dim);
		else
			printf(": %s\n", a->error ? a->error : "(no reason given)");
		return;
	}
	strbuf_addf(&sb, "{\"id\":%llu,\"status\":\"%s\",\"content\":", (unsigned long long)a->id,
		    llm_status_name(a->status));
	if (a->content)
		strbuf_add_json(&sb, a->content);
	else
		strbuf_addstr(&sb, "null");
	strbuf_addstr(&sb, ",\"embedding_dims\":[");
	for (i = 0; i < a->n_embeddings; i++)
		strbuf_addf(&sb, "%s%zu", i ? "," : "", a->dim);
	strbuf_addstr(&sb, "],\"error\":");
	if (a->error)
		strbuf_add_json(&sb, a->error);
	else
		strbuf_addstr(&sb, "null");
	strbuf_addstr(&sb, ",\"finish_reason\":");
	if (a->finish_reason)
		strbuf_add_json(&sb, a->finish_reason);
	else
		strbuf_addstr(&sb, "null");
	strbuf_addf(&sb, ",\"http_status\":%ld,\"attempts\":%u,\"latency_ms\":%.1f,"
		    "\"tokens_in\":%ld,\"tokens_out\":%ld}\n", a->http_status, a->attempts,
		    a->latency_ms, a->tokens_in, a->tokens_out);
	fwrite(sb.buf, 1, sb.len, stdout);
	strbuf_release(&sb);
}

int cmd_chat(int argc, char **argv)
{
	const char *system_prompt = NULL, *format = "text";
	int embed = 0, npos = 0, rc, ret = EXIT_OK;
	long concurrency = 8, attempts = 6;
	double rpm = 0, tpm = 0, timeout = 60;
	struct option opts[] = {
		{ OPT_STRING, 0, "system", &system_prompt, "TEXT", "a system message before each prompt" },
		{ OPT_BOOL, 0, "embed", &embed, NULL, "ask for embeddings of the prompts instead of answers" },
		{ OPT_LONG, 0, "concurrency", &concurrency, "N", "requests in flight (default 8)" },
		{ OPT_DOUBLE, 0, "rpm", &rpm, "N", "at most N requests per minute" },
		{ OPT_DOUBLE, 0, "tpm", &tpm, "N", "at most N tokens per minute" },
		{ OPT_DOUBLE, 0, "timeout", &timeout, "S", "seconds one attempt may take (default 60)" },
		{ OPT_LONG, 0, "attempts", &attempts, "N", "tries per request, the first included (default 6)" },
		{ OPT_STRING, 'f', "format", &format, "FMT", "text (default) or jsonl" },
		{ OPT_END },
	};
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT };
	const struct adapter *ad;
	struct model_spec spec;
	struct model *model = NULL;
	struct llm_answer *answers = NULL;
	char **prompts, **owned = NULL;
	size_t n, i, done = 0;

	rc = parse_options(argc, argv, opts, usage_chat, &npos);
	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (npos < 1) {
		error("chat needs a model spec (e.g. openai:gpt-4o-mini, exec:'python3 model.py')");
		return EXIT_USAGE;
	}
	if (concurrency < 1 || concurrency > 4096 || attempts < 1 || attempts > 100 || rpm < 0 ||
	    tpm < 0 || !(timeout > 0)) {
		error("--concurrency must be 1..4096, --attempts 1..100, --timeout above 0, --rpm and --tpm >= 0");
		return EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "jsonl")) {
		error("unknown format '%s' (text, jsonl)", format);
		return EXIT_USAGE;
	}
	if (model_spec_parse(&spec, argv[0]) < 0)
		return EXIT_USAGE;
	ad = adapter_find(spec.provider);
	if (!ad || !ad->submit) {
		error(ad ? "model '%s' is not a language model (built-in models need a suite: receval run)"
			 : "unknown model provider in '%s' (known: %s)", argv[0], adapter_providers());
		model_spec_release(&spec);
		return EXIT_USAGE;
	}
	data.limits.concurrency = (unsigned)concurrency;
	data.limits.rpm = rpm;
	data.limits.tpm = tpm;
	data.limits.timeout_s = timeout;
	data.limits.attempts = (unsigned)attempts;
	if (ad->open(&model, &spec, &data) < 0) {
		model_spec_release(&spec);
		return EXIT_USAGE;
	}

	if (npos > 1) {
		prompts = argv + 1;
		n = (size_t)npos - 1;
	} else {
		owned = prompts = read_prompts(&n);
	}
	answers = xcalloc(n ? n : 1, sizeof(*answers));
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
			if (system_prompt) {
				msgs[m].role = "system";
				msgs[m++].content = system_prompt;
			}
			msgs[m].role = "user";
			msgs[m++].content = prompts[i];
			req.kind = LLM_CHAT;
			req.messages = msgs;
			req.n_messages = m;
		}
		if (ad->submit(model, &req) < 0) {
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
		rc = ad->poll(model, &a, 1000);
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
		print_answer(&answers[i], !strcmp(format, "jsonl"));
		if (answers[i].status != LLM_OK)
			ret = EXIT_MODEL;
		llm_answer_release(&answers[i]);
	}
	free(answers);
	ad->free(model);
	model_spec_release(&spec);
	for (i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	return ret;
}
