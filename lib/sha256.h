/* sha256.h: SHA-256 (FIPS 180-4), for cache keys. */
#ifndef SHA256_H
#define SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;         /* bytes hashed so far */
	unsigned char buf[64];
	size_t used;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
/* Finish and write the digest as 64 lower-case hex digits and a NUL into hex[65]. */
void sha256_hex(struct sha256 *c, char hex[65]);

#endif
