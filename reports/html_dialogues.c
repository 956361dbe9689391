/* html_dialogues.c: the report's dialogues: the first few conversations of each run, every turn of both roles with what receval read from it. */
#include <cJSON.h>
#include "reports/html.h"
#include "eval/store.h"
#include "eval/codec.h"

/* What one run's walk over its samples gathers: the first `want` dialogues per task, already written. */
struct gather {
	struct strbuf *out;
	const char *run_label;
	size_t want;
	/* dialogues written so far, per task seen (names kept in order) */
	char **tasks;
	size_t *shown, n_tasks;
};

static size_t *shown_for(struct gather *g, const char *task)
{
	size_t i;

	for (i = 0; i < g->n_tasks; i++)
		if (!strcmp(g->tasks[i], task))
			return &g->shown[i];
	g->tasks = xrealloc(g->tasks, (g->n_tasks + 1) * sizeof(*g->tasks));
	g->shown = xrealloc(g->shown, (g->n_tasks + 1) * sizeof(*g->shown));
	g->tasks[g->n_tasks] = xstrdup(task);
	g->shown[g->n_tasks] = 0;
	return &g->shown[g->n_tasks++];
}

/* "read" of a row as HTML: a simulator's leak check, a subject's items (target marked), an error. */
static void add_read(struct strbuf *sb, const struct transcript_row *r, const char *target)
{
	cJSON *j = r->read ? cJSON_Parse(r->read) : NULL, *v, *e;

	if (r->status && !strcmp(r->status, "error")) {
		strbuf_addstr(sb, " <span class=\"status\">error: ");
		html_escape(sb, r->error ? r->error : "no answer");
		strbuf_addstr(sb, "</span>");
	}
	if (!j) {
		cJSON_Delete(j);
		return;
	}
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "leak")) && cJSON_IsTrue(v))
		strbuf_addstr(sb, " <span class=\"status\">named the target: asked again</span>");
	if ((v = cJSON_GetObjectItemCaseSensitive(j, "items")) && cJSON_IsArray(v)) {
		strbuf_addstr(sb, "<br/><span class=\"label\">Offered:</span> ");
		if (!cJSON_GetArraySize(v))
			strbuf_addstr(sb, "<span class=\"runid\">nothing from the catalogue</span>");
		cJSON_ArrayForEach(e, v) {
			int hit = cJSON_IsString(e) && target && !strcmp(e->valuestring, target);
			strbuf_addstr(sb, hit ? "<span class=\"item target\">" : "<span class=\"item\">");
			html_escape(sb, cJSON_IsString(e) ? e->valuestring : "?");
			strbuf_addstr(sb, "</span> ");
		}
		if ((v = cJSON_GetObjectItemCaseSensitive(j, "hallucinated")) && cJSON_IsNumber(v) && v->valuedouble > 0)
			strbuf_addf(sb, " <span class=\"runid\">%.0f made up</span>", v->valuedouble);
		if ((v = cJSON_GetObjectItemCaseSensitive(j, "repeated")) && cJSON_IsNumber(v) && v->valuedouble > 0)
			strbuf_addf(sb, " <span class=\"runid\">%.0f offered before</span>", v->valuedouble);
	}
	cJSON_Delete(j);
}

static int one(const struct sample_view *v, void *data)
{
	struct gather *g = data;
	struct transcript_row *rows = NULL;
	size_t n = 0, i, *shown;
	int dialogue = 0;

	if (!v->transcript || codec_get_transcript(&rows, &n, v->transcript) < 0)
		return 0;
	/* a dialogue's rows carry what was read from them; a judged answer's do not */
	for (i = 0; i < n; i++)
		dialogue |= rows[i].read != NULL;
	shown = dialogue ? shown_for(g, v->task) : NULL;
	if (!shown || *shown >= g->want) {
		codec_transcript_free(rows, n);
		return 0;
	}
	(*shown)++;
	strbuf_addstr(g->out, "<div class=\"card\">\n<h4>");
	html_escape(g->out, g->run_label);
	strbuf_addstr(g->out, " <span class=\"runid\">\xc2\xb7 task ");
	html_escape(g->out, v->task);
	strbuf_addstr(g->out, " \xc2\xb7 sample ");
	html_escape(g->out, v->sample_id);
	strbuf_addstr(g->out, " \xc2\xb7 ");
	html_escape(g->out, v->status ? v->status : "?");
	strbuf_addstr(g->out, "</span></h4>\n<p><span class=\"label\">Target:</span> <span class=\"item target\">");
	html_escape(g->out, v->target ? v->target : "?");
	strbuf_addstr(g->out, "</span></p>\n<table>\n<thead><tr><th>turn</th><th>who</th><th>said</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < n; i++) {
		strbuf_addf(g->out, "<tr><td class=\"num\">%zu</td><td>", rows[i].turn);
		html_escape(g->out, rows[i].role ? rows[i].role : "?");
		strbuf_addstr(g->out, "</td><td>");
		if (rows[i].response) {
			strbuf_addstr(g->out, "<pre class=\"response\">");
			html_escape(g->out, rows[i].response);
			strbuf_addstr(g->out, "</pre>");
		}
		add_read(g->out, &rows[i], v->target);
		strbuf_addstr(g->out, "</td></tr>\n");
	}
	strbuf_addstr(g->out, "</tbody></table>\n</div>\n");
	codec_transcript_free(rows, n);
	return 0;
}

int html_dialogues(struct strbuf *out, struct store *s, const int64_t *runs, const char *const *labels,
		   size_t n_runs, size_t per_task)
{
	struct strbuf body = STRBUF_INIT;
	size_t r, i;
	int ret = 0;

	for (r = 0; r < n_runs && !ret; r++) {
		struct gather g = { &body, labels[r], per_task, NULL, NULL, 0 };
		if (store_for_each_sample(s, runs[r], one, &g) < 0)
			ret = -1;
		for (i = 0; i < g.n_tasks; i++)
			free(g.tasks[i]);
		free(g.tasks);
		free(g.shown);
	}
	if (!ret && body.len) {
		strbuf_addf(out, "<section id=\"dialogues\">\n<h2>Dialogues</h2>\n<p class=\"legend\">The first %zu"
				 " dialogues of each conversation task in each run, every turn of both roles (a simulator's"
				 " tries that named the target included), with the items receval grounded in each of the"
				 " subject's turns; the held-out target is <span class=\"item target\">highlighted</span>."
				 " Every dialogue: <code>receval show RUN_ID --samples --format jsonl</code>.</p>\n",
			    per_task);
		strbuf_add(out, body.buf, body.len);
		strbuf_addstr(out, "</section>\n");
	}
	strbuf_release(&body);
	return ret;
}
