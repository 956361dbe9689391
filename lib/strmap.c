/* strmap.c: string → index hash map with linear probing. */
#include "lib/strmap.h"

static struct strmap_entry *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		struct strmap_entry *e = &m->slots[i];
		if (!e->key)
			return e;
		if (e->hash == h && e->len == len && !memcmp(e->key, key, len))
			return e;
	}
}

int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *out)
{
	struct strmap_entry *e;

	if (!m->cap)
		return -1;
	e = find(m, key, len, str_hash(key, len));
	if (!e->key)
		return -1;
	*out = e->value;
	return 0;
}

static void grow(struct strmap *m)
{
	struct strmap old = *m;
	size_t i;

	m->cap = old.cap ? old.cap * 2 : 64;
	m->slots = xcalloc(m->cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			*find(m, old.slots[i].key, old.slots[i].len, old.slots[i].hash) = old.slots[i];
	free(old.slots);
}

int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value, uint32_t *existing)
{
	uint64_t h = str_hash(key, len);
	struct strmap_entry *e;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	e = find(m, key, len, h);
	if (e->key) {
		if (existing)
			*existing = e->value;
		return 0;
	}
	e->key = key;
	e->len = (uint32_t)len;
	e->hash = h;
	e->value = value;
	m->n++;
	return 1;
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
