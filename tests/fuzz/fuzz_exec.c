/* fuzz_exec.c: one answer line of an exec: model, for a chat request and for an embeddings request of 2 texts. */
#include "adapters/exec_internal.h"
#include "lib/jsontext.h"
#include "tests/fuzz/fuzz.h"

static double clock_ms(void *arg)
{
	(void)arg;
	return 0;
}

static void answer(const char *line, enum llm_kind kind)
{
	struct model m;
	struct child c;
	struct job *j = calloc(1, sizeof(*j));
	struct done *d;

	if (!j)
		abort();
	memset(&m, 0, sizeof(m));
	memset(&c, 0, sizeof(c));
	j->id = 7;
	j->wire_id = 1;
	j->kind = kind;
	j->n_input = 2;
	j->line = strdup("{}\n");
	j->len = 3;
	c.job = j;
	m.n_pending = 1;
	m.now = clock_ms;
	exec_take_answer(&m, &c, line);
	if (c.job) {
		/* not answered: the caller would kill the child and fail the job */
		free(c.job->line);
		free(c.job);
	}
	while ((d = m.done)) {
		m.done = d->next;
		llm_answer_release(&d->a);
		free(d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);

	if (!line)
		abort();
	memcpy(line, data, size);
	line[size] = '\0';
	json_fix_escapes(line, strlen(line));
	answer(line, LLM_CHAT);
	answer(line, LLM_EMBED);
	free(line);
	return 0;
}
