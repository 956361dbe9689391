/* jsontext.c: repairs of JSON text before it is parsed (see jsontext.h). */
#include <string.h>
#include "lib/jsontext.h"

/* The value of 4 hex digits at s (which has at least 4 bytes), or -1. */
static long hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* Whether s[i..len) starts with "\uXXXX" and its value, in *v. */
static int unicode_escape(const char *s, size_t i, size_t len, long *v)
{
	if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u')
		return 0;
	*v = hex4(s + i + 2);
	return *v >= 0;
}

size_t json_fix_escapes(char *s, size_t len)
{
	size_t i = 0, n = 0;
	int in_string = 0;

	while (i < len) {
		long v, w;

		if (!in_string) {
			in_string = s[i] == '"';
			i++;
			continue;
		}
		if (s[i] == '"') {
			in_string = 0;
			i++;
			continue;
		}
		if (s[i] != '\\') {
			i++;
			continue;
		}
		if (!unicode_escape(s, i, len, &v)) {
			i += 2;  /* a short escape (\n, \", \\, ...) or a malformed one the parser reports */
			continue;
		}
		if (v >= 0xd800 && v <= 0xdbff && unicode_escape(s, i + 6, len, &w) && w >= 0xdc00 && w <= 0xdfff) {
			i += 12;  /* a whole surrogate pair */
			continue;
		}
		if (v == 0 || (v >= 0xd800 && v <= 0xdfff)) {
			memcpy(s + i + 2, "fffd", 4);
			n++;
		}
		i += 6;
	}
	return n;
}
