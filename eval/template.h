/* template.h: prompt templates: plain text with {placeholders}, built in or read from a suite's files. */
#ifndef TEMPLATE_H
#define TEMPLATE_H

#include "lib/util.h"
#include "lib/strbuf.h"

/* The built-in template called name ("ranking.txt"), or NULL. */
const char *template_builtin(const char *name);

/*
 * Check that text uses only the placeholders in allowed (NULL-terminated)
 * and that its braces pair up; "{{" and "}}" are literal braces. Returns 0,
 * or -1 after "receval: FILE:LINE: unknown placeholder '{x}' ...".
 */
int template_check(const char *text, const char *file, const char *const *allowed);

/* Append text to out with each {name} replaced by values[i] where names[i] is name. */
void template_render(struct strbuf *out, const char *text, const char *const *names,
		     const char *const *values, size_t n);

#endif
