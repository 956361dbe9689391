/* pool.h: the servers of one model: a base URL or a pool of replicas written URL1|URL2|..., checked and named once. */
#ifndef POOL_H
#define POOL_H

#include "lib/util.h"
#include "adapters/adapter.h"

struct pool {
	char **urls;     /* each http(s), without credentials or a final '/', distinct, in the order written */
	size_t n;
	char *identity;  /* the URLs sorted and joined with '|': the same pool whichever replica answers or its order */
};

/*
 * Parse value (the spec's key what: "base_url", "endpoint") into out:
 * URLs separated by '|'. Returns 0, or -1 after a message naming the
 * spec and the URL: not http(s), credentials in it, no host, empty, or
 * named twice.
 */
int pool_parse(struct pool *out, const struct model_spec *spec, const char *what, const char *value);
void pool_release(struct pool *p);

#endif
