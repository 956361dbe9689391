/* strmap.h: an open-addressing hash map from strings to 32-bit values (item and user ids). */
#ifndef STRMAP_H
#define STRMAP_H

#include "lib/util.h"

struct strmap_entry {
	const char *key;   /* not owned: must outlive the map */
	uint32_t len;
	uint32_t value;
	uint64_t hash;
};

struct strmap {
	struct strmap_entry *slots;
	size_t cap, n;
};

#define STRMAP_INIT { NULL, 0, 0 }

/* Look key (len bytes) up: 0 and *out set, or -1 when absent. */
int strmap_get(const struct strmap *m, const char *key, size_t len, uint32_t *out);
/*
 * Insert key → value unless present. Returns 1 when inserted, 0 when the key
 * was already there (*existing set if not NULL). key is kept by pointer.
 */
int strmap_put(struct strmap *m, const char *key, size_t len, uint32_t value, uint32_t *existing);
void strmap_release(struct strmap *m);

#endif
