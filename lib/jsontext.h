/* jsontext.h: repairs of JSON text before it is parsed, so an odd but harmless answer is read whole. */
#ifndef JSONTEXT_H
#define JSONTEXT_H

#include <stddef.h>

/*
 * In the strings of JSON text s[0..len), in place: "\u0000" (which a C
 * string would end at) and a "\uD800".."\uDFFF" escape that is not half
 * of a surrogate pair (which cJSON refuses, losing the whole answer)
 * become "\uFFFD", the replacement character. Same length, so the text
 * stays where it is; everything else is left alone. Returns how many
 * escapes were replaced.
 */
size_t json_fix_escapes(char *s, size_t len);

#endif
