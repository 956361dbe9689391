/* codec.c: stored sample payloads written and read in one place (the shapes are in codec.h). */
#include <cJSON.h>
#include "eval/codec.h"

void codec_put_items(struct strbuf *out, const struct dataset *ds, const uint32_t *items, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_addch(out, ',');
		strbuf_add_json(out, ds->items[items[i]].id);
	}
	strbuf_addch(out, ']');
}

void codec_put_catalogue(struct strbuf *ids, struct strbuf *titles, const struct dataset *ds)
{
	size_t i;

	strbuf_addch(ids, '[');
	strbuf_addch(titles, '[');
	for (i = 0; i < ds->n_items; i++) {
		if (i) {
			strbuf_addch(ids, ',');
			strbuf_addch(titles, ',');
		}
		strbuf_add_json(ids, ds->items[i].id);
		if (ds->items[i].title)
			strbuf_add_json(titles, ds->items[i].title);
		else
			strbuf_addstr(titles, "null");
	}
	strbuf_addch(ids, ']');
	strbuf_addch(titles, ']');
}

int codec_get_ids(struct id_list *out, const char *json)
{
	cJSON *a, *e;
	size_t n = 0, bytes = 0;
	char *block;

	memset(out, 0, sizeof(*out));
	if (!json || !*json || !(a = cJSON_Parse(json)))
		return -1;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsString(e)) {
			cJSON_Delete(a);
			return -1;
		}
		n++;
		bytes += strlen(e->valuestring) + 1;
	}
	/* one allocation: the pointers, then the strings */
	out->ids = xmalloc(n * sizeof(char *) + bytes + 1);
	block = (char *)(out->ids + n);
	cJSON_ArrayForEach(e, a) {
		size_t len = strlen(e->valuestring) + 1;
		memcpy(block, e->valuestring, len);
		out->ids[out->n++] = block;
		block += len;
	}
	cJSON_Delete(a);
	return 0;
}

void id_list_release(struct id_list *l)
{
	free(l->ids);
	l->ids = NULL;
	l->n = 0;
}

size_t codec_place(const char *json, const char *id, size_t *n)
{
	struct id_list l;
	size_t i, place = 0;

	if (n)
		*n = 0;
	if (codec_get_ids(&l, json) < 0)
		return 0;
	for (i = 0; i < l.n && id && !place; i++)
		if (!strcmp(l.ids[i], id))
			place = i + 1;
	if (n)
		*n = l.n;
	id_list_release(&l);
	return place;
}

void codec_put_groundings(struct strbuf *out, const struct grounding_row *g, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		strbuf_addstr(out, i ? ",{\"text\":" : "{\"text\":");
		strbuf_add_json(out, g[i].text ? g[i].text : "");
		strbuf_addstr(out, ",\"item\":");
		if (g[i].item)
			strbuf_add_json(out, g[i].item);
		else
			strbuf_addstr(out, "null");
		strbuf_addstr(out, ",\"how\":");
		strbuf_add_json(out, g[i].how ? g[i].how : "none");
		strbuf_addf(out, ",\"score\":%.4f}", g[i].score);
	}
	strbuf_addch(out, ']');
}

static char *dup_or_null(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

int codec_get_groundings(struct grounding_row **out, size_t *n, const char *json)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *e;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(**out));
	cJSON_ArrayForEach(e, a) {
		const cJSON *s = cJSON_GetObjectItemCaseSensitive(e, "score");
		(*out)[i].text = dup_or_null(e, "text");
		(*out)[i].item = dup_or_null(e, "item");
		(*out)[i].how = dup_or_null(e, "how");
		(*out)[i].score = cJSON_IsNumber(s) ? s->valuedouble : NAN;
		i++;
	}
	*n = i;
	cJSON_Delete(a);
	return 0;
}

void codec_groundings_free(struct grounding_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)rows[i].text);
		free((char *)rows[i].item);
		free((char *)rows[i].how);
	}
	free(rows);
}

/* A JSON text embedded as it is when it parses, else as a string, so the array always reads back. */
static void add_embedded(struct strbuf *out, const char *json)
{
	cJSON *v;

	if (!json || !*json) {
		strbuf_addstr(out, "null");
		return;
	}
	v = cJSON_Parse(json);
	if (v)
		strbuf_addstr(out, json);
	else
		strbuf_add_json(out, json);
	cJSON_Delete(v);
}

static void add_string_or_null(struct strbuf *out, const char *s)
{
	if (s)
		strbuf_add_json(out, s);
	else
		strbuf_addstr(out, "null");
}

void codec_put_transcript(struct strbuf *out, const struct transcript_row *rows, size_t n)
{
	size_t i;

	strbuf_addch(out, '[');
	for (i = 0; i < n; i++) {
		const struct transcript_row *r = &rows[i];
		strbuf_addstr(out, i ? ",{\"role\":" : "{\"role\":");
		add_string_or_null(out, r->role);
		strbuf_addf(out, ",\"turn\":%zu,\"request\":", r->turn);
		add_embedded(out, r->request);
		strbuf_addstr(out, ",\"response\":");
		add_string_or_null(out, r->response);
		if (!isnan(r->score))
			strbuf_addf(out, ",\"score\":%.17g", r->score);
		if (r->status) {
			strbuf_addstr(out, ",\"status\":");
			strbuf_add_json(out, r->status);
			strbuf_addstr(out, ",\"error\":");
			add_string_or_null(out, r->error);
			strbuf_addstr(out, ",\"verdict\":");
			add_embedded(out, r->verdict);
			strbuf_addf(out, ",\"tokens_in\":%ld,\"tokens_out\":%ld,\"latency_ms\":%.1f,\"cached\":%s",
				    r->tokens_in, r->tokens_out, isnan(r->latency_ms) ? 0 : r->latency_ms,
				    r->cached ? "true" : "false");
		}
		if (r->read) {
			strbuf_addstr(out, ",\"read\":");
			add_embedded(out, r->read);
		}
		strbuf_addch(out, '}');
	}
	strbuf_addch(out, ']');
}

static char *json_or_null(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char *p, *ret;

	if (!v || cJSON_IsNull(v))
		return NULL;
	p = cJSON_PrintUnformatted(v);
	ret = xstrdup(p ? p : "null");
	cJSON_free(p);
	return ret;
}

/* A count or turn: 0 when absent, or not a whole number from 0 a long holds. */
static long long_or_zero(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	long n = 0;

	if (cJSON_IsNumber(v))
		whole_long(v->valuedouble, 0, LONG_MAX, &n);
	return n;
}

int codec_get_transcript(struct transcript_row **out, size_t *n, const char *json)
{
	cJSON *a = json ? cJSON_Parse(json) : NULL, *e;
	size_t i = 0;

	*out = NULL;
	*n = 0;
	if (!cJSON_IsArray(a)) {
		cJSON_Delete(a);
		return -1;
	}
	*out = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(**out));
	cJSON_ArrayForEach(e, a) {
		const cJSON *v;
		struct transcript_row *t = &(*out)[i++];
		t->role = dup_or_null(e, "role");
		t->turn = (size_t)long_or_zero(e, "turn");
		t->request = json_or_null(e, "request");
		t->response = dup_or_null(e, "response");
		v = cJSON_GetObjectItemCaseSensitive(e, "score");
		t->score = cJSON_IsNumber(v) ? v->valuedouble : NAN;
		t->status = dup_or_null(e, "status");
		t->error = dup_or_null(e, "error");
		t->verdict = json_or_null(e, "verdict");
		t->read = json_or_null(e, "read");
		t->tokens_in = long_or_zero(e, "tokens_in");
		t->tokens_out = long_or_zero(e, "tokens_out");
		v = cJSON_GetObjectItemCaseSensitive(e, "latency_ms");
		t->latency_ms = cJSON_IsNumber(v) ? v->valuedouble : NAN;
		t->cached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "cached"));
	}
	*n = i;
	cJSON_Delete(a);
	return 0;
}

void codec_transcript_free(struct transcript_row *rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free((char *)rows[i].role);
		free((char *)rows[i].request);
		free((char *)rows[i].response);
		free((char *)rows[i].status);
		free((char *)rows[i].error);
		free((char *)rows[i].verdict);
		free((char *)rows[i].read);
	}
	free(rows);
}
