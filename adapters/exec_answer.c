/* exec_answer.c: the exec adapter's reading of a child's answer line: content or embeddings, errors quoted safely, delivered by id. */
#include <inttypes.h>
#include <cJSON.h>
#include "adapters/exec_internal.h"

/* --- answers -------------------------------------------------------------- */

static void exec_push_done(struct model *m, struct done *d)
{
	if (m->done_tail)
		m->done_tail->next = d;
	else
		m->done = d;
	m->done_tail = d;
}

/* Hand a's contents over as j's answer (stamped with id, attempts, latency) and free j. */
void exec_deliver(struct model *m, struct job *j, struct llm_answer *a)
{
	struct done *d = xcalloc(1, sizeof(*d));

	d->a = *a;
	d->a.id = j->id;
	d->a.attempts = j->attempts;
	d->a.latency_ms = exec_clock_ms(m) - j->submitted_ms;
	exec_push_done(m, d);
	free(j->line);
	free(j);
}

__attribute__((format(printf, 4, 5)))
void exec_fail(struct model *m, struct job *j, enum llm_status status, const char *fmt, ...)
{
	struct llm_answer a = { 0 };
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	a.status = status;
	a.error = strbuf_detach(&sb, NULL);
	exec_deliver(m, j, &a);
}

/* s cut to SNIPPET_MAX bytes with control characters as '?', for quoting in an error. */
char *exec_snippet(const char *s)
{
	size_t i, n = strlen(s);
	char *out;

	if (n > SNIPPET_MAX)
		n = SNIPPET_MAX;
	out = xstrndup(s, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = '?';
	if (strlen(s) > SNIPPET_MAX) {
		char *longer = xstrfmt("%s...", out);
		free(out);
		out = longer;
	}
	return out;
}

/* A one-line copy of the model's own error text (objects and numbers as JSON). */
static char *error_text(const cJSON *e)
{
	char *s, *p;

	if (cJSON_IsString(e)) {
		s = xstrdup(e->valuestring);
	} else {
		const cJSON *msg = cJSON_GetObjectItemCaseSensitive(e, "message");
		if (cJSON_IsObject(e) && cJSON_IsString(msg)) {
			s = xstrdup(msg->valuestring);
		} else {
			char *printed = cJSON_PrintUnformatted(e);
			s = xstrdup(printed ? printed : "error");
			cJSON_free(printed);
		}
	}
	for (p = s; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	if (!*s) {
		free(s);
		s = xstrdup("the model answered with an empty error");
	}
	return s;
}

/* "embedding": one array of numbers per input, all of one length. Returns NULL or what is wrong. */
static const char *parse_embeddings(struct llm_answer *a, const cJSON *emb, size_t n_input)
{
	const cJSON *row, *x;
	size_t i = 0, k;

	if (!cJSON_IsArray(emb))
		return "\"embedding\" is not an array of vectors";
	if ((size_t)cJSON_GetArraySize(emb) != n_input)
		return "\"embedding\" does not hold one vector per input";
	cJSON_ArrayForEach(row, emb) {
		if (!cJSON_IsArray(row))
			return "\"embedding\" is not an array of vectors (arrays of numbers)";
		if (i == 0) {
			a->dim = (size_t)cJSON_GetArraySize(row);
			if (!a->dim)
				return "an embedding vector is empty";
			a->embeddings = xcalloc(n_input * a->dim, sizeof(double));
		} else if ((size_t)cJSON_GetArraySize(row) != a->dim) {
			return "embedding vectors differ in length";
		}
		k = 0;
		cJSON_ArrayForEach(x, row) {
			if (!cJSON_IsNumber(x))
				return "an embedding vector holds something other than numbers";
			a->embeddings[i * a->dim + k++] = x->valuedouble;
		}
		i++;
	}
	a->n_embeddings = n_input;
	return NULL;
}

/*
 * The answer line of c's request. Returns 0 when the line answers it (the
 * answer is delivered, whatever it says), or -1 when the line is not an
 * answer to it: the request has failed and the stream is out of step.
 */
int exec_take_answer(struct model *m, struct child *c, const char *line)
{
	struct job *j = c->job;
	struct llm_answer a = { 0 };
	const cJSON *id, *err, *content, *emb, *usage, *fin, *v;
	const char *why = NULL;
	cJSON *root = cJSON_ParseWithOpts(line, NULL, 1);
	char *s;

	if (!root || !cJSON_IsObject(root)) {
		s = exec_snippet(line);
		c->job = NULL;
		exec_fail(m, j, LLM_ERROR, "exec: answer is not a JSON object: '%s'", s);
		free(s);
		cJSON_Delete(root);
		return -1;
	}
	id = cJSON_GetObjectItemCaseSensitive(root, "id");
	if (!cJSON_IsNumber(id) || id->valuedouble != (double)j->wire_id) {
		c->job = NULL;
		if (!id) {
			exec_fail(m, j, LLM_ERROR, "exec: answer has no \"id\"");
		} else {
			char *printed = cJSON_PrintUnformatted(id);
			s = exec_snippet(printed ? printed : "?");
			exec_fail(m, j, LLM_ERROR, "exec: answer has id %s, but the request sent had id %" PRIu64,
			     s, j->wire_id);
			free(s);
			cJSON_free(printed);
		}
		cJSON_Delete(root);
		return -1;
	}

	/* in step: whatever else the answer says, this child works */
	c->job = NULL;
	c->answered = 1;
	m->ever_answered = 1;

	usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
	/* a count a long cannot hold (found by tests/fuzz/fuzz_exec.c: 2.2e90) is no count */
	if ((v = cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens")) && cJSON_IsNumber(v) &&
	    v->valuedouble >= 0 && v->valuedouble < 1e15)
		a.tokens_in = (long)v->valuedouble;
	if ((v = cJSON_GetObjectItemCaseSensitive(usage, "completion_tokens")) && cJSON_IsNumber(v) &&
	    v->valuedouble >= 0 && v->valuedouble < 1e15)
		a.tokens_out = (long)v->valuedouble;
	fin = cJSON_GetObjectItemCaseSensitive(root, "finish_reason");
	if (cJSON_IsString(fin))
		a.finish_reason = xstrdup(fin->valuestring);

	err = cJSON_GetObjectItemCaseSensitive(root, "error");
	content = cJSON_GetObjectItemCaseSensitive(root, "content");
	/* no usage is unknown usage, not zero tokens (an embedding has no completion tokens) */
	if (!cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens"))
		a.tokens_in = -1;
	if (!cJSON_GetObjectItemCaseSensitive(usage, "completion_tokens") && cJSON_IsString(content))
		a.tokens_out = -1;
	emb = cJSON_GetObjectItemCaseSensitive(root, "embedding");
	if (err && !cJSON_IsNull(err)) {
		a.status = LLM_ERROR;
		a.error = error_text(err);
	} else if (j->kind == LLM_CHAT && cJSON_IsString(content)) {
		a.content = xstrdup(content->valuestring);
		a.status = LLM_OK;
		if (a.finish_reason && !strcmp(a.finish_reason, "content_filter")) {
			a.status = LLM_REFUSED;
			a.error = xstrdup("exec: refused (finish_reason content_filter)");
		}
	} else if (j->kind == LLM_EMBED && emb) {
		why = parse_embeddings(&a, emb, j->n_input);
	} else if (!content && !emb) {
		why = "answer has neither \"content\", \"embedding\" nor \"error\"";
	} else if (j->kind == LLM_CHAT) {
		why = content ? "\"content\" is not a string" : "a chat request was answered with \"embedding\"";
	} else {
		why = "an embed request was answered with \"content\"";
	}
	if (why) {
		free(a.embeddings);
		a.embeddings = NULL;
		a.n_embeddings = a.dim = 0;
		a.status = LLM_ERROR;
		a.error = xstrfmt("exec: %s", why);
	}
	cJSON_Delete(root);
	exec_deliver(m, j, &a);
	return 0;
}
