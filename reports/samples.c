/* samples.c: stored samples as JSON lines (`show --samples`, `export --format jsonl`) or as a table with the target's rank. */
#include "reports/samples.h"
#include "eval/codec.h"
#include "eval/titles.h"

/*
 * A stored id list as it is (the codec's stored form is the export's), or
 * [] when the column is empty or not one.
 */
static void add_ids(struct strbuf *sb, const char *json)
{
	struct id_list l;

	if (codec_get_ids(&l, json) < 0) {
		strbuf_addstr(sb, "[]");
		return;
	}
	id_list_release(&l);
	strbuf_addstr(sb, json);
}

/* A stored grounding written again (a database from before may hold bytes that are not UTF-8), or [] when the column is empty or not one. */
static void add_groundings(struct strbuf *sb, const char *json)
{
	struct grounding_row *rows;
	size_t n;

	if (codec_get_groundings(&rows, &n, json) < 0) {
		strbuf_addstr(sb, "[]");
		return;
	}
	codec_put_groundings(sb, rows, n);
	codec_groundings_free(rows, n);
}

static void add_string_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		strbuf_addstr(sb, "null");
}

/*
 * Add the title of every id of a stored id list that has one, as "id":
 * "title" members of the object being written; seen (keys owned by t)
 * keeps each id once across the lists.
 */
static void add_titles_of(struct strbuf *sb, const struct titles *t, const char *json, struct strmap *seen,
			  size_t *n)
{
	struct id_list l;
	size_t i;

	if (!json || codec_get_ids(&l, json) < 0)
		return;
	for (i = 0; i < l.n; i++) {
		const char *key = titles_key(t, l.ids[i]), *title = titles_get(t, l.ids[i]);
		if (!key || !title || strmap_put(seen, key, strlen(key), 0, NULL) != 1)
			continue;
		strbuf_addstr(sb, (*n)++ ? "," : "");
		strbuf_add_json(sb, l.ids[i]);
		strbuf_addch(sb, ':');
		strbuf_add_json(sb, title);
	}
	id_list_release(&l);
}

void samples_add_jsonl(struct strbuf *sb, const struct sample_view *v, const struct titles *t)
{
	size_t i;

	strbuf_addstr(sb, "{\"task\":");
	strbuf_add_json(sb, v->task);
	strbuf_addstr(sb, ",\"sample_id\":");
	strbuf_add_json(sb, v->sample_id);
	strbuf_addstr(sb, ",\"user\":");
	add_string_or_null(sb, v->user);
	strbuf_addstr(sb, ",\"target\":");
	add_string_or_null(sb, v->target);
	strbuf_addstr(sb, ",\"title\":");
	add_string_or_null(sb, titles_get(t, v->target));
	strbuf_addstr(sb, ",\"history\":");
	add_ids(sb, v->history);
	strbuf_addstr(sb, ",\"candidates\":");
	add_ids(sb, v->candidates);
	strbuf_addstr(sb, ",\"ranking\":");
	add_ids(sb, v->ranking);
	if (t && t->n) {
		/* the titles of the ids above, once per sample: the catalogue itself is stored once per dataset */
		struct strmap seen = STRMAP_INIT;
		size_t n = 0;
		strbuf_addstr(sb, ",\"titles\":{");
		add_titles_of(sb, t, v->history, &seen, &n);
		add_titles_of(sb, t, v->candidates, &seen, &n);
		add_titles_of(sb, t, v->ranking, &seen, &n);
		strbuf_addch(sb, '}');
		strmap_release(&seen);
	}
	strbuf_addstr(sb, ",\"response\":");
	add_string_or_null(sb, v->response);
	strbuf_addstr(sb, ",\"status\":");
	add_string_or_null(sb, v->status);
	strbuf_addstr(sb, ",\"error\":");
	add_string_or_null(sb, v->error);
	strbuf_addstr(sb, ",\"grounding\":");
	add_groundings(sb, v->grounding);
	strbuf_addf(sb, ",\"latency_ms\":%.3f", v->latency_ms);
	if (v->transcript) {
		/* every request of the sample (an explanation, then its judge), re-encoded by the codec */
		struct transcript_row *e = NULL;
		size_t n_e = 0;
		if (codec_get_transcript(&e, &n_e, v->transcript) == 0) {
			strbuf_addstr(sb, ",\"transcript\":");
			codec_put_transcript(sb, e, n_e);
			codec_transcript_free(e, n_e);
		}
	}
	strbuf_addstr(sb, ",\"metrics\":{");
	for (i = 0; i < v->n_metrics; i++) {
		if (i)
			strbuf_addch(sb, ',');
		strbuf_add_json(sb, v->metric_names[i]);
		if (isnan(v->metric_values[i]) || isinf(v->metric_values[i]))
			strbuf_addstr(sb, ":null");
		else
			strbuf_addf(sb, ":%.17g", v->metric_values[i]);
	}
	strbuf_addstr(sb, "}}\n");
}

struct jsonl_writer {
	FILE *f;
	struct strbuf sb;
	struct titles titles;
};

static int write_one(const struct sample_view *v, void *data)
{
	struct jsonl_writer *w = data;

	strbuf_reset(&w->sb);
	samples_add_jsonl(&w->sb, v, &w->titles);
	/* a positive value stops the walk: the write failed, not the store */
	return fwrite(w->sb.buf, 1, w->sb.len, w->f) == w->sb.len ? 0 : 1;
}

/* The titles of run's catalogue into *t (empty when the run has none): 0, or -1 on a store error. */
static int load_titles(struct titles *t, struct store *s, int64_t run)
{
	struct run_info info;
	int rc = store_get_run(s, run, &info);

	if (rc <= 0)
		return rc;
	rc = titles_add_run(t, s, &info);
	run_info_release(&info);
	return rc;
}

int samples_write_jsonl(FILE *f, struct store *s, int64_t run)
{
	struct jsonl_writer w = { f, STRBUF_INIT, TITLES_INIT };
	int rc = load_titles(&w.titles, s, run);

	if (rc >= 0)
		rc = store_for_each_sample(s, run, write_one, &w);
	strbuf_release(&w.sb);
	titles_release(&w.titles);
	if (rc > 0)
		return error("cannot write the samples: %s", strerror(errno));
	return rc < 0 ? -1 : 0;
}

struct table_writer {
	FILE *f;
	struct titles titles;
};

/* A line of samples_write_table(). */
static int table_line(const struct sample_view *v, void *data)
{
	struct table_writer *w = data;
	size_t r = codec_place(v->ranking, v->target, NULL);
	const char *title = titles_get(&w->titles, v->target);

	fprintf(w->f, "%-12s  %-14s  %-10s  %-7s  ", v->task, v->sample_id, v->user ? v->user : "",
		v->status ? v->status : "");
	if (r)
		fprintf(w->f, "%4zu  ", r);
	else
		fprintf(w->f, "%4s  ", "-");
	/* the target last: a title is as long as it is */
	if (title)
		fprintf(w->f, "%s (%s)\n", title, v->target);
	else
		fprintf(w->f, "%s\n", v->target ? v->target : "-");
	return 0;
}

int samples_write_table(FILE *f, struct store *s, int64_t run)
{
	struct table_writer w = { f, TITLES_INIT };
	int rc = load_titles(&w.titles, s, run);

	fprintf(f, "%-12s  %-14s  %-10s  %-7s  %4s  %s\n", "task", "sample_id", "user", "status", "rank", "target");
	if (rc >= 0)
		rc = store_for_each_sample(s, run, table_line, &w);
	titles_release(&w.titles);
	return rc ? -1 : 0;
}
