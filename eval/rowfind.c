/* rowfind.c: finding one (task, metric) among a run's aggregated metrics or a comparison's rows. */
#include "eval/rowfind.h"
#include "lib/strbuf.h"
#include "lib/strmap.h"
#include <stddef.h>

/*
 * A report of 10,000 tasks looks up every (task, metric) of every run,
 * often several times: a scan each time made it quadratic (issue 14).
 * The first lookup in an array of rows indexes it; later ones hash. The
 * few arrays in use at once are remembered by address, and forgotten
 * when metric_rows_free() frees them (rowfind_forget()).
 */
#define INDEXED 8
#define SMALL 16   /* shorter arrays are scanned: indexing them costs more than it saves */

struct row_index {
	const void *rows;
	size_t n;
	struct strmap map;
	struct strbuf keys;   /* "task\x1fmetric\0" for every row: the map's keys */
	size_t *off;          /* where row i's key starts in keys */
	struct strmap tasks;  /* task -> its slot in first[], last[] */
	size_t *first, *last; /* a task's rows lie in [first, last] */
};

static struct row_index indexed[INDEXED];
static size_t next_slot;

void rowfind_forget(const void *rows)
{
	size_t i;

	for (i = 0; i < INDEXED; i++)
		if (indexed[i].rows == rows && rows) {
			strmap_release(&indexed[i].map);
			strbuf_release(&indexed[i].keys);
			free(indexed[i].off);
			strmap_release(&indexed[i].tasks);
			free(indexed[i].first);
			free(indexed[i].last);
			memset(&indexed[i], 0, sizeof(indexed[i]));
		}
}

static void key_of(struct strbuf *sb, const char *task, const char *metric)
{
	strbuf_addstr(sb, task);
	strbuf_addch(sb, '\x1f');
	strbuf_addstr(sb, metric);
}

/* The task and metric of row i of an array of structs of size bytes holding them at these offsets. */
#define FIELD(rows, i, size, off) (*(const char *const *)((const char *)(rows) + (i) * (size) + (off)))

/* The index of rows (built now if it is not yet). */
static struct row_index *index_of(const void *rows, size_t n, size_t size, size_t task_off, size_t metric_off)
{
	struct row_index *x;
	size_t i;

	for (i = 0; i < INDEXED; i++)
		if (indexed[i].rows == rows && indexed[i].n == n)
			return &indexed[i];
	x = &indexed[next_slot];
	next_slot = (next_slot + 1) % INDEXED;
	rowfind_forget(x->rows);
	x->rows = rows;
	x->n = n;
	strbuf_init(&x->keys, 0);
	x->off = xmalloc(n * sizeof(*x->off));
	for (i = 0; i < n; i++) {
		x->off[i] = x->keys.len;
		key_of(&x->keys, FIELD(rows, i, size, task_off), FIELD(rows, i, size, metric_off));
		strbuf_addch(&x->keys, '\0');
	}
	/* keys are kept by pointer: only now that the buffer stops moving; the first of two equal keys wins */
	x->first = xmalloc(n * sizeof(*x->first));
	x->last = xmalloc(n * sizeof(*x->last));
	for (i = 0; i < n; i++) {
		const char *k = x->keys.buf + x->off[i], *task = FIELD(rows, i, size, task_off);
		uint32_t t = (uint32_t)x->tasks.n;
		strmap_put(&x->map, k, strlen(k), (uint32_t)i, NULL);
		if (strmap_put(&x->tasks, task, strlen(task), t, &t))
			x->first[t] = i;
		x->last[t] = i;
	}
	return x;
}

const struct metric_row *metric_row_find(const struct metric_row *rows, size_t n, const char *task,
					 const char *metric)
{
	struct strbuf k = STRBUF_INIT;
	struct row_index *x;
	uint32_t at;
	size_t i;
	int found;

	if (n < SMALL || n > UINT32_MAX) {
		for (i = 0; i < n; i++)
			if (!strcmp(rows[i].task, task) && !strcmp(rows[i].metric, metric))
				return &rows[i];
		return NULL;
	}
	x = index_of(rows, n, sizeof(*rows), offsetof(struct metric_row, task), offsetof(struct metric_row, metric));
	key_of(&k, task, metric);
	found = !strmap_get(&x->map, k.buf, k.len, &at);
	strbuf_release(&k);
	return found ? &rows[at] : NULL;
}

void metric_rows_task(const struct metric_row *rows, size_t n, const char *task, size_t *begin, size_t *end)
{
	struct row_index *x;
	uint32_t t;

	if (n < SMALL || n > UINT32_MAX) {
		*begin = 0;
		*end = n;
		return;
	}
	x = index_of(rows, n, sizeof(*rows), offsetof(struct metric_row, task), offsetof(struct metric_row, metric));
	if (strmap_get(&x->tasks, task, strlen(task), &t)) {
		*begin = *end = 0;
		return;
	}
	*begin = x->first[t];
	*end = x->last[t] + 1;
}

const struct compare_row *compare_row_find(const struct comparison *c, const char *task, const char *metric)
{
	struct strbuf k = STRBUF_INIT;
	struct row_index *x;
	uint32_t at;
	size_t i;
	int found;

	if (!c || c->n_rows < SMALL || c->n_rows > UINT32_MAX) {
		for (i = 0; c && i < c->n_rows; i++)
			if (!strcmp(c->rows[i].task, task) && !strcmp(c->rows[i].metric, metric))
				return &c->rows[i];
		return NULL;
	}
	x = index_of(c->rows, c->n_rows, sizeof(*c->rows), offsetof(struct compare_row, task),
		     offsetof(struct compare_row, metric));
	key_of(&k, task, metric);
	found = !strmap_get(&x->map, k.buf, k.len, &at);
	strbuf_release(&k);
	return found ? &c->rows[at] : NULL;
}
