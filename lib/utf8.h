/* utf8.h: the one UTF-8 decoder and encoder: strict (no overlong forms, surrogates or code points past U+10FFFF). */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* U+FFFD, the replacement character, as UTF-8. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/*
 * Decode the sequence at s, of which at most len bytes may be read. Returns
 * its length (1 to 4) and sets *cp; returns 0 when no valid sequence starts
 * there (a stray continuation byte, an overlong form, a surrogate, a code
 * point past U+10FFFF, or a sequence cut short by len), leaving *cp alone.
 * A NUL byte is a valid one-byte sequence: callers that stop at NUL check it.
 */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Length of the valid sequence at s (0 when none): utf8_decode without the code point. */
size_t utf8_len(const char *s, size_t len);

/* Offset of the first byte of s[0..len) that starts no valid sequence, or len when all of it is valid. */
size_t utf8_valid_prefix(const char *s, size_t len);

/* Write cp (at most U+10FFFF, not a surrogate) into out as 1 to 4 bytes; returns how many. */
size_t utf8_encode(char out[4], uint32_t cp);

#endif
