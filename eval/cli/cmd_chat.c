/* cmd_chat.c: `receval chat`: send prompts to a model through its adapter and print the answers, to check a model spec works. */
#include "eval/cli/cmd.h"
#include "lib/strbuf.h"
#include "eval/chat.h"
#include "reports/chat.h"

static const char usage_chat[] =
	"receval chat MODEL [PROMPT]... [--system TEXT] [--embed] [--concurrency N] [--rpm N] [--tpm N]\n"
	"                    [--timeout S] [--attempts N] [--format text|jsonl]";

int cmd_chat(int argc, char **argv)
{
	const char *system_prompt = NULL, *format = "text";
	int embed = 0, npos = 0, ret;
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
	static const struct cmd_args a_model = {
		1, -1, "chat needs a model spec (e.g. openai:gpt-4o-mini, exec:'python3 model.py')"
	};
	struct adapter_limits limits = ADAPTER_LIMITS_INIT;
	struct chat chat;
	struct llm_answer *answers;
	struct strbuf line = STRBUF_INIT;
	char **prompts, **owned = NULL;
	size_t n, i;

	ret = cmd_start(argc, argv, opts, usage_chat, &a_model, &npos);
	if (ret != CMD_GO)
		return ret;
	if (concurrency < 1 || concurrency > 4096 || attempts < 1 || attempts > 100 || rpm < 0 ||
	    tpm < 0 || !(timeout > 0)) {
		error("--concurrency must be 1..4096, --attempts 1..100, --timeout above 0, --rpm and --tpm >= 0");
		return EXIT_USAGE;
	}
	if (strcmp(format, "text") && strcmp(format, "jsonl")) {
		error("unknown format '%s' (text, jsonl)", format);
		return EXIT_USAGE;
	}
	limits.concurrency = (unsigned)concurrency;
	limits.rpm = rpm;
	limits.tpm = tpm;
	limits.timeout_s = timeout;
	limits.attempts = (unsigned)attempts;
	if (chat_open(&chat, argv[0], &limits) < 0)
		return EXIT_USAGE;
	ret = EXIT_OK;

	if (npos > 1) {
		prompts = argv + 1;
		n = (size_t)npos - 1;
	} else {
		owned = prompts = chat_read_prompts(stdin, &n);
	}
	answers = xcalloc(n ? n : 1, sizeof(*answers));
	chat_ask(&chat, answers, (const char *const *)prompts, n, system_prompt, embed);
	for (i = 0; i < n; i++) {
		strbuf_reset(&line);
		chat_add_answer(&line, &answers[i], !strcmp(format, "jsonl"));
		fwrite(line.buf, 1, line.len, stdout);
		if (answers[i].status != LLM_OK)
			ret = EXIT_MODEL;
		llm_answer_release(&answers[i]);
	}
	free(answers);
	strbuf_release(&line);
	chat_close(&chat);
	for (i = 0; owned && i < n; i++)
		free(owned[i]);
	free(owned);
	return ret;
}
