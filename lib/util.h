/* util.h: the headers, allocation wrappers and error helpers every file of receval uses. */
#ifndef UTIL_H
#define UTIL_H

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes of the CLI (DESIGN.md); only cmd_*() and main() use them. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_GATE = 1,    /* evaluation ran, a gate rule or threshold failed */
	EXIT_USAGE = 2,   /* unknown command or flag, bad flag value */
	EXIT_INPUT = 3,   /* suite, dataset, run or qrels unreadable or malformed */
	EXIT_MODEL = 4,   /* a backend could not answer after its retries */
	EXIT_STORE = 5,   /* the database could not be opened or written */
	EXIT_OUTPUT = 6,  /* an output file could not be written, or gnuplot is missing (plot) */
};

/*
 * Allocation that cannot fail: on exhaustion it prints the size asked for
 * and aborts. Callers free with free().
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string the caller frees. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Grow *array (of *alloc elements of size elem) so it holds at least need
 * elements; doubles, as git's ALLOC_GROW.
 */
#define ALLOC_GROW(array, need, alloc)                                        \
	do {                                                                  \
		if ((size_t)(need) > (size_t)(alloc)) {                       \
			size_t n_ = (size_t)(alloc) * 2 + 16;                 \
			if (n_ < (size_t)(need))                              \
				n_ = (need);                                  \
			(array) = xrealloc((array), n_ * sizeof(*(array)));   \
			(alloc) = n_;                                         \
		}                                                             \
	} while (0)

/*
 * error(): print "receval: <message>" on stderr and return -1, so that
 * `return error("cannot open '%s'", path);` is one line.
 * error_at(): the same with "receval: FILE:LINE: <message>"; line 0 omits it.
 */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * The message of the last error() or error_at() of this thread, without
 * "receval: " (cut at 511 bytes), or NULL after error_last_reset(): what
 * a failed run stores as its reason.
 */
const char *error_last(void);
void error_last_reset(void);
int error_at(const char *file, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* warning(): "receval: warning: <message>" on stderr; returns nothing. */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Capture this thread's error() and error_at() messages into buf[0..size)
 * instead of printing them (the first one is kept, without "receval: ");
 * warnings are dropped meanwhile. size 0 prints again. For `receval serve`,
 * which answers a request's failure with its message as JSON.
 */
void error_capture(char *buf, size_t size);
/* Parse a whole string as a number; 0 on success, -1 if s is not one. */
int parse_long(const char *s, long *out);
/*
 * A decimal number ("12", "-0.5", "1e-3"): no hex, inf or nan, no
 * surrounding space; a value too small to represent becomes 0 (or a
 * subnormal), one too large is refused.
 */
int parse_double(const char *s, double *out);
/*
 * d as a long when it is a whole number in [lo, hi]: 0, else -1 (NaN, a
 * fraction, out of range) with *out untouched. Use it before converting
 * a number read from JSON: the conversion of a double a long cannot hold
 * (1e300 in a hand-edited database) is undefined behaviour.
 */
int whole_long(double d, long lo, long hi, long *out);
/* The 1-based line of text that pos is on (counting up to pos or a NUL before it); 0 when pos is NULL. */
long text_line(const char *text, const char *pos);
/*
 * The first byte of s below 0x20, or 0x7f, or NULL: a name or spec holding
 * one (an ESC sequence) would drive the terminal it is printed on. With
 * text, tab and line feed are allowed (a description).
 */
const char *find_control_byte(const char *s, int text);

/*
 * The one string hash: FNV-1a, 64 bits, of s[0..len). Stable across
 * machines and runs, since per-user seeds and stored figures derive from
 * it (strmap, split and run seeds, grounding's number signatures).
 */
uint64_t str_hash(const char *s, size_t len);

/* Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ" in buf (at least 21 bytes). */
void iso_time(char *buf, size_t size);
/* Monotonic clock in milliseconds. */
double now_ms(void);

/* The code version (git describe) this binary was built from. */
extern const char receval_version[];

#include "lib/banned.h"

#endif
