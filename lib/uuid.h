/* uuid.h: RFC 9562 UUIDs as text: random (version 4) and name-based on SHA-256 (version 8), for run keys. */
#ifndef UUID_H
#define UUID_H

#include <stddef.h>

#define UUID_TEXT_SIZE 37  /* 36 characters and a NUL */

/* A random UUID (version 4) from the kernel's generator, as "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx". */
void uuid_random(char out[UUID_TEXT_SIZE]);

/*
 * A name-based UUID: the first 128 bits of SHA-256(name[0..len)) with the
 * version set to 8 and the variant to RFC 9562's (its appendix B.2 example
 * of a name-based version 8 UUID). The same name always gives the same UUID.
 */
void uuid_from_name(char out[UUID_TEXT_SIZE], const void *name, size_t len);

/* Whether s is a UUID in the canonical text form (36 characters, hex digits and four '-'). */
int uuid_is_valid(const char *s);

#endif
