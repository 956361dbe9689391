/* find.c: a run's samples by task and search, one page at a time; the catalogue's titles by item id. */
#include <cJSON.h>
#include "serve/find.h"
#include "serve/serve.h"
#include "eval/codec.h"

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

/* The search: counts every match, hands on those of the page (their metrics are read only then). */
static int want(const struct sample_view *v, void *data)
{
	struct sample_find *f = data;
	int in_page;

	f->task_seen = 1;
	if (!matches(f, v))
		return 0;
	in_page = f->total >= f->offset && f->total < f->offset + f->limit;
	f->total++;
	return in_page;
}

static int visit(const struct sample_view *v, void *data)
{
	struct sample_find *f = data;

	return f->fn(v, f->data);
}

int sample_find(struct sample_find *f, struct store *s, int64_t run)
{
	struct sample_walk w = { f->task, 0, 0, want };
	int64_t n;

	f->total = 0;
	f->task_seen = 0;
	if (f->q && *f->q)
		return store_walk_samples(s, run, &w, visit, f) < 0 ? -1 : 0;
	/* no search: the page is cut in SQL and the total counted there */
	if ((n = store_count_samples(s, run, f->task)) < 0)
		return -1;
	f->total = (size_t)n;
	f->task_seen = n > 0;
	w.offset = f->offset;
	w.limit = f->limit;
	w.want = NULL;
	return store_walk_samples(s, run, &w, visit, f) < 0 ? -1 : 0;
}

struct titles_cache {
	char *key;
	struct titles *titles;
};

const struct titles *serve_titles(struct server *srv, struct store *s, const struct run_info *run)
{
	cJSON *c = run->config ? cJSON_Parse(run->config) : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(c, "dataset"), "catalogue");
	char *key = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	struct titles *t = NULL;
	size_t i;

	cJSON_Delete(c);
	pthread_mutex_lock(&srv->pool_lock);
	for (i = 0; i < srv->n_titles && !t; i++)
		if (!strcmp(srv->titles[i].key, key))
			t = srv->titles[i].titles;
	pthread_mutex_unlock(&srv->pool_lock);
	if (t) {
		free(key);
		return t;
	}
	/* built outside the lock; two threads may both build it, and the second copy is dropped */
	t = xcalloc(1, sizeof(*t));
	if (titles_add_run(t, s, run) < 0) {
		titles_release(t);
		free(t);
		free(key);
		return NULL;
	}
	pthread_mutex_lock(&srv->pool_lock);
	for (i = 0; i < srv->n_titles; i++)
		if (!strcmp(srv->titles[i].key, key))
			break;
	if (i < srv->n_titles) {
		titles_release(t);
		free(t);
		free(key);
		t = srv->titles[i].titles;
	} else {
		ALLOC_GROW(srv->titles, srv->n_titles + 1, srv->alloc_titles);
		srv->titles[srv->n_titles].key = key;
		srv->titles[srv->n_titles++].titles = t;
	}
	pthread_mutex_unlock(&srv->pool_lock);
	return t;
}

void serve_titles_free(struct server *srv)
{
	size_t i;

	for (i = 0; i < srv->n_titles; i++) {
		titles_release(srv->titles[i].titles);
		free(srv->titles[i].titles);
		free(srv->titles[i].key);
	}
	free(srv->titles);
	srv->titles = NULL;
	srv->n_titles = 0;
}
