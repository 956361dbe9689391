/* dry.c: `run --dry-run`: a stand-in for a language model that sends nothing, counts the requests a run would make and keeps the first of each task. */
#include "eval/dry.h"
#include "lib/strbuf.h"

struct dry_task {
	char *name;
	size_t chat, embed;          /* requests */
	double tokens_in, tokens_out;
	char *first;                 /* the first request, as text */
};

struct pending_answer {
	uint64_t id;
	enum llm_kind kind;
	size_t n_input;
};

struct model {
	char *label;
	long max_tokens;
	struct dry_task *tasks;
	size_t n_tasks, alloc_tasks;
	struct pending_answer *queue;
	size_t head, n, alloc;
};

struct model *dry_model_new(const char *label, long max_tokens)
{
	struct model *m = xcalloc(1, sizeof(*m));

	m->label = xstrdup(label);
	m->max_tokens = max_tokens > 0 ? max_tokens : 256;
	dry_set_task(m, "");
	return m;
}

void dry_set_task(struct model *m, const char *task)
{
	struct dry_task *t;

	/* an unused placeholder (the one made with the model) is taken over */
	if (m->n_tasks && !m->tasks[m->n_tasks - 1].chat && !m->tasks[m->n_tasks - 1].embed) {
		t = &m->tasks[m->n_tasks - 1];
		free(t->name);
		t->name = xstrdup(task);
		return;
	}
	ALLOC_GROW(m->tasks, m->n_tasks + 1, m->alloc_tasks);
	t = &m->tasks[m->n_tasks++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(task);
}

/* "    [role] first line" and the next lines indented under it. */
static void add_indented(struct strbuf *sb, const char *role, const char *text)
{
	strbuf_addf(sb, "    [%s] ", role);
	for (; *text; text++) {
		strbuf_addch(sb, *text);
		if (*text == '\n' && text[1])
			strbuf_addstr(sb, "      ");
	}
	strbuf_addch(sb, '\n');
}

static int dry_submit(struct model *m, const struct llm_request *req)
{
	struct dry_task *t = &m->tasks[m->n_tasks - 1];
	struct strbuf text = STRBUF_INIT;
	size_t i, bytes = 0;

	if (req->kind == LLM_CHAT) {
		for (i = 0; i < req->n_messages; i++) {
			bytes += strlen(req->messages[i].content);
			if (!t->first)
				add_indented(&text, req->messages[i].role, req->messages[i].content);
		}
		t->chat++;
		t->tokens_out += (double)m->max_tokens;
	} else {
		for (i = 0; i < req->n_input; i++) {
			bytes += strlen(req->input[i]);
			if (!t->first && i < 3)
				add_indented(&text, "input", req->input[i]);
		}
		if (!t->first && req->n_input > 3)
			strbuf_addf(&text, "    ... and %zu more inputs\n", req->n_input - 3);
		t->embed++;
	}
	/* as the rate limiter estimates: a token is about 4 bytes */
	t->tokens_in += (double)bytes / 4;
	if (!t->first)
		t->first = strbuf_detach(&text, NULL);
	strbuf_release(&text);
	ALLOC_GROW(m->queue, m->n + 1, m->alloc);
	m->queue[m->n].id = req->id;
	m->queue[m->n].kind = req->kind;
	m->queue[m->n++].n_input = req->n_input;
	return 0;
}

static int dry_poll(struct model *m, struct llm_answer *out, int timeout_ms)
{
	struct pending_answer p;
	size_t i;

	(void)timeout_ms;
	if (m->head == m->n) {
		m->head = m->n = 0;
		return 0;
	}
	p = m->queue[m->head++];
	memset(out, 0, sizeof(*out));
	out->id = p.id;
	out->status = LLM_OK;
	out->tokens_in = out->tokens_out = 0;
	if (p.kind == LLM_CHAT) {
		out->content = xstrdup("");
	} else {
		out->n_embeddings = p.n_input;
		out->dim = 1;
		out->embeddings = xcalloc(p.n_input ? p.n_input : 1, sizeof(*out->embeddings));
		for (i = 0; i < p.n_input; i++)
			out->embeddings[i] = 1;
	}
	return 1;
}

static size_t dry_pending(struct model *m)
{
	return m->n - m->head;
}

static void dry_free(struct model *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_tasks; i++) {
		free(m->tasks[i].name);
		free(m->tasks[i].first);
	}
	free(m->tasks);
	free(m->queue);
	free(m->label);
	free(m);
}

/* "12,345" */
static void print_count(FILE *f, double v)
{
	char digits[64];
	size_t n, i;

	snprintf(digits, sizeof(digits), "%.0f", v);
	n = strlen(digits);
	for (i = 0; i < n; i++) {
		fputc(digits[i], f);
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			fputc(',', f);
	}
}

void dry_report(FILE *f, struct model *m, double price_in, double price_out)
{
	double in = 0, out = 0;
	size_t i, requests = 0;

	fprintf(f, "%s: nothing sent (--dry-run)\n", m->label);
	for (i = 0; i < m->n_tasks; i++) {
		const struct dry_task *t = &m->tasks[i];
		if (!t->chat && !t->embed)
			continue;
		fprintf(f, "  task %s: %zu request%s", t->name, t->chat + t->embed, t->chat + t->embed == 1 ? "" : "s");
		if (t->embed)
			fprintf(f, " (%zu of embeddings)", t->embed);
		fputs(", ~", f);
		print_count(f, t->tokens_in);
		fputs(" prompt tokens", f);
		if (t->chat) {
			fputs(", at most ", f);
			print_count(f, t->tokens_out);
			fprintf(f, " completion tokens (%ld each)", m->max_tokens);
		}
		fputs("\n  first request:\n", f);
		fputs(t->first ? t->first : "", f);
		requests += t->chat + t->embed;
		in += t->tokens_in;
		out += t->tokens_out;
	}
	fprintf(f, "  total: %zu requests, ~", requests);
	print_count(f, in);
	fputs(" prompt and at most ", f);
	print_count(f, out);
	fputs(" completion tokens; ", f);
	if (isnan(price_in) || isnan(price_out))
		fputs("cost unknown (no price for this model here: give ?price_in=&price_out=)\n", f);
	else
		fprintf(f, "at most $%.4f at $%g / $%g per million tokens\n", (in * price_in + out * price_out) / 1e6,
			price_in, price_out);
	fputs("  (answers the cache already holds would not be sent: this is an upper bound)\n", f);
}

const struct adapter dry_adapter = {
	.provider = "dry",
	.summary = "--dry-run's stand-in: sends nothing",
	.submit = dry_submit,
	.poll = dry_poll,
	.pending = dry_pending,
	.free = dry_free,
};
