/* template.c: finding, checking and filling prompt templates. */
#include "eval/template.h"

extern const char *const builtin_templates[][2];

const char *template_builtin(const char *name)
{
	size_t i;

	for (i = 0; builtin_templates[i][0]; i++)
		if (!strcmp(builtin_templates[i][0], name))
			return builtin_templates[i][1];
	return NULL;
}

int template_check(const char *text, const char *file, const char *const *allowed)
{
	const char *p;
	long line = 1;
	size_t i;

	for (p = text; *p; p++) {
		if (*p == '\n')
			line++;
		if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
			p++;
			continue;
		}
		if (*p == '}')
			return error_at(file, line, "a '}' closes no placeholder (write '}}' for a brace)");
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t len;
			if (!end || memchr(p, '\n', (size_t)(end - p)))
				return error_at(file, line, "a '{' opens a placeholder that is not closed "
						"(write '{{' for a brace)");
			len = (size_t)(end - p - 1);
			for (i = 0; allowed[i]; i++)
				if (strlen(allowed[i]) == len && !memcmp(allowed[i], p + 1, len))
					break;
			if (!allowed[i]) {
				struct strbuf known = STRBUF_INIT;
				for (i = 0; allowed[i]; i++)
					strbuf_addf(&known, "%s{%s}", i ? ", " : "", allowed[i]);
				error_at(file, line, "unknown placeholder '{%.*s}' (this task has %s)",
					 (int)(len > 40 ? 40 : len), p + 1, known.buf);
				strbuf_release(&known);
				return -1;
			}
			p = end;
		}
	}
	return 0;
}

void template_render(struct strbuf *out, const char *text, const char *const *names,
		     const char *const *values, size_t n)
{
	const char *p;
	size_t i;

	for (p = text; *p; p++) {
		if ((*p == '{' && p[1] == '{') || (*p == '}' && p[1] == '}')) {
			strbuf_addch(out, *p++);
			continue;
		}
		if (*p == '{') {
			const char *end = strchr(p, '}');
			size_t len = end ? (size_t)(end - p - 1) : 0;
			for (i = 0; end && i < n; i++)
				if (strlen(names[i]) == len && !memcmp(names[i], p + 1, len))
					break;
			if (end && i < n) {
				strbuf_addstr(out, values[i]);
				p = end;
				continue;
			}
		}
		strbuf_addch(out, *p);
	}
}
