/* strbuf.h: a growable string buffer whose buf is never NULL (after git's strbuf). */
#ifndef STRBUF_H
#define STRBUF_H

#include "lib/util.h"

struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;  /* always NUL-terminated; points at a static "" until grown */
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT { 0, 0, strbuf_slopbuf }

void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the contents; sb is left empty and reusable. */
void strbuf_release(struct strbuf *sb);
/* Hand the string over to the caller, who frees it; sb is left empty. */
char *strbuf_detach(struct strbuf *sb, size_t *len);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/*
 * Append s as a JSON string literal, quotes included (NULL as ""): '"',
 * '\\' and control characters escaped, valid UTF-8 as it is, and a byte
 * that starts no valid sequence as U+FFFD, so the literal is valid UTF-8.
 */
void strbuf_add_json(struct strbuf *sb, const char *s);
/* Append s[0..len) with every byte that starts no valid UTF-8 sequence replaced by U+FFFD. */
void strbuf_add_utf8(struct strbuf *sb, const char *s, size_t len);
/*
 * The same in plain ASCII: everything else as \uXXXX (a surrogate pair
 * above U+FFFF), DEL too, and a byte that is not UTF-8 as U+FFFD, so that
 * the reader gets valid JSON whatever its locale or encoding.
 */
void strbuf_add_json_ascii(struct strbuf *sb, const char *s);

/*
 * Read the whole file at path into sb (appending). At most cap bytes are
 * accepted (0: no cap). Returns 0, or -1 with errno set (EFBIG over the cap).
 */
int strbuf_read_file(struct strbuf *sb, const char *path, size_t cap);

#endif
