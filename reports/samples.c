/* samples.c: stored samples as JSON lines (`show --samples`, `export --format jsonl`) or as a table with the target's rank. */
#include "reports/samples.h"
#include "eval/codec.h"

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

/* A stored grounding as it is, or [] when the column is empty or not one. */
static void add_groundings(struct strbuf *sb, const char *json)
{
	struct grounding_row *rows;
	size_t n;

	if (codec_get_groundings(&rows, &n, json) < 0) {
		strbuf_addstr(sb, "[]");
		return;
	}
	codec_groundings_free(rows, n);
	strbuf_addstr(sb, json);
}

static void add_string_or_null(struct strbuf *sb, const char *s)
{
	if (s)
		strbuf_add_json(sb, s);
	else
		strbuf_addstr(sb, "null");
}

void samples_add_jsonl(struct strbuf *sb, const struct sample_view *v)
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
	strbuf_addstr(sb, ",\"history\":");
	add_ids(sb, v->history);
	strbuf_addstr(sb, ",\"candidates\":");
	add_ids(sb, v->candidates);
	strbuf_addstr(sb, ",\"ranking\":");
	add_ids(sb, v->ranking);
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
};

static int write_one(const struct sample_view *v, void *data)
{
	struct jsonl_writer *w = data;

	strbuf_reset(&w->sb);
	samples_add_jsonl(&w->sb, v);
	/* a positive value stops the walk: the write failed, not the store */
	return fwrite(w->sb.buf, 1, w->sb.len, w->f) == w->sb.len ? 0 : 1;
}

int samples_write_jsonl(FILE *f, struct store *s, int64_t run)
{
	struct jsonl_writer w = { f, STRBUF_INIT };
	int rc = store_for_each_sample(s, run, write_one, &w);

	strbuf_release(&w.sb);
	if (rc > 0)
		return error("cannot write the samples: %s", strerror(errno));
	return rc < 0 ? -1 : 0;
}

/* A line of samples_write_table(). */
static int table_line(const struct sample_view *v, void *data)
{
	size_t r = codec_place(v->ranking, v->target, NULL);
	FILE *f = data;

	fprintf(f, "%-12s  %-14s  %-10s  %-10s  %-7s  ", v->task, v->sample_id, v->user ? v->user : "",
		v->target ? v->target : "-", v->status ? v->status : "");
	if (r)
		fprintf(f, "%zu\n", r);
	else
		fprintf(f, "-\n");
	return 0;
}

int samples_write_table(FILE *f, struct store *s, int64_t run)
{
	fprintf(f, "%-12s  %-14s  %-10s  %-10s  %-7s  %s\n", "task", "sample_id", "user", "target",
		"status", "rank");
	return store_for_each_sample(s, run, table_line, f) ? -1 : 0;
}
