/* find.c: a run's samples by task and search, one page at a time; the catalogue's titles by item id. */
#include <cJSON.h>
#include "serve/find.h"
#include "eval/codec.h"

int titles_load(struct titles *out, struct store *s, const struct run_info *run)
{
	cJSON *c = run->config ? cJSON_Parse(run->config) : NULL, *key, *ids = NULL, *titles = NULL;
	char *items_json = NULL, *titles_json = NULL;
	int rc = 0, i, n;

	memset(out, 0, sizeof(*out));
	key = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "dataset"), "catalogue");
	if (cJSON_IsString(key) && *key->valuestring)
		rc = store_get_catalogue(s, key->valuestring, &items_json, &titles_json);
	cJSON_Delete(c);
	if (rc <= 0)
		return rc;
	ids = cJSON_Parse(items_json);
	titles = cJSON_Parse(titles_json);
	n = cJSON_GetArraySize(ids);
	out->ids = xcalloc((size_t)n + 1, sizeof(*out->ids));
	out->titles = xcalloc((size_t)n + 1, sizeof(*out->titles));
	for (i = 0; i < n; i++) {
		cJSON *id = cJSON_GetArrayItem(ids, i), *t = cJSON_GetArrayItem(titles, i);
		if (!cJSON_IsString(id))
			continue;
		out->ids[out->n] = xstrdup(id->valuestring);
		out->titles[out->n] = cJSON_IsString(t) ? xstrdup(t->valuestring) : NULL;
		strmap_put(&out->map, out->ids[out->n], strlen(out->ids[out->n]), (uint32_t)out->n, NULL);
		out->n++;
	}
	cJSON_Delete(ids);
	cJSON_Delete(titles);
	free(items_json);
	free(titles_json);
	return 0;
}

const char *titles_get(const struct titles *t, const char *id)
{
	uint32_t i;

	if (!t || !id || strmap_get(&t->map, id, strlen(id), &i) < 0)
		return NULL;
	return t->titles[i];
}

void titles_release(struct titles *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->ids[i]);
		free(t->titles[i]);
	}
	free(t->ids);
	free(t->titles);
	strmap_release(&t->map);
	memset(t, 0, sizeof(*t));
}

static int has_part(const char *s, const char *q)
{
	return s && strcasestr(s, q) != NULL;
}

static int matches(const struct sample_find *f, const struct sample_view *v)
{
	struct id_list l;
	size_t i;
	int hit = 0;

	if (!f->q || !*f->q)
		return 1;
	if (has_part(v->user, f->q) || has_part(v->sample_id, f->q) || has_part(titles_get(f->titles, v->target), f->q))
		return 1;
	if (!f->titles || codec_get_ids(&l, v->ranking) < 0)
		return 0;
	for (i = 0; i < l.n && !hit; i++)
		hit = has_part(titles_get(f->titles, l.ids[i]), f->q);
	id_list_release(&l);
	return hit;
}

static int visit(const struct sample_view *v, void *data)
{
	struct sample_find *f = data;

	if (f->task && strcmp(f->task, v->task))
		return 0;
	f->task_seen = 1;
	if (!matches(f, v))
		return 0;
	if (f->total >= f->offset && f->total < f->offset + f->limit && f->fn(v, f->data))
		return 1;
	f->total++;
	return 0;
}

int sample_find(struct sample_find *f, struct store *s, int64_t run)
{
	f->total = 0;
	f->task_seen = 0;
	return store_for_each_sample(s, run, visit, f) < 0 ? -1 : 0;
}
