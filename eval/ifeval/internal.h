/* internal.h: what ifeval.c and checks.c share: compiling the reference's patterns, and the checker's scratch. */
#ifndef IFEVAL_INTERNAL_H
#define IFEVAL_INTERNAL_H

#include "eval/ifeval/ifeval.h"
#include "lib/strbuf.h"

#define IFRX_CASELESS  (1u << 0)
#define IFRX_MULTILINE (1u << 1)

/*
 * Compile a pattern of the reference (Python re syntax, which PCRE2
 * shares for everything IFEval writes) with Python's str semantics:
 * UTF-8, Unicode \w \s \d \b, '.' and '$' around "\n" only. Returns the
 * pcre2_code, or NULL with *err set (the caller frees it).
 */
void *ifeval_rx_compile(const char *pattern, unsigned flags, char **err);
void ifeval_rx_free(void *rx);

/* The checker's nine scratch buffers for the loose variants (and the response made valid UTF-8). */
struct strbuf *ifeval_checker_variants(struct ifeval_checker *c);

/* The CLD2 shim (cld2.cc): the language code CLD2 reads in text, "un" when it cannot tell. */
const char *ifeval_cld2(const char *text, size_t len);

#endif
