/* find.c: a run's samples by task and search, one page at a time; the catalogue's titles by item id. */
#include "serve/find.h"
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
