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
