/* suite_paths.c: the file paths a suite names: variables in them expanded, and noted as the loader resolves them, for receval serve's folder check. */
#include "eval/suite.h"
#include "lib/strbuf.h"

/* where this thread's loader notes each path it resolves (suite_record_paths()) */
static _Thread_local struct suite_paths *recording;

void suite_record_paths(struct suite_paths *out)
{
	recording = out;
}

char *suite_paths_note(char *path)
{
	if (!recording)
		return path;
	ALLOC_GROW(recording->v, recording->n + 1, recording->alloc);
	recording->v[recording->n++] = xstrdup(path);
	return path;
}

void suite_paths_release(struct suite_paths *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

/*
 * $NAME, ${NAME} and ${NAME:-default} in a dataset path come from the
 * environment, so one suite can point at data that lives elsewhere on each
 * machine. A variable that is unset and has no default is an error.
 * *from_env is set when the path starts with a variable the environment
 * set: such a path was typed where the command runs, so a relative one
 * is relative to the current folder (a default is written in the suite,
 * and relative to it, as every other path of the suite).
 */
char *suite_expand_env(const char *file, const char *p, long line, int *from_env)
{
	struct strbuf out = STRBUF_INIT;
	const char *start = p;

	*from_env = 0;
	while (*p) {
		const char *name, *end, *def = NULL;
		size_t len, dlen = 0;
		char *var;
		const char *val;

		if (*p != '$' || !(p[1] == '{' || isalpha((unsigned char)p[1]) || p[1] == '_')) {
			strbuf_addch(&out, *p++);
			continue;
		}
		if (p[1] == '{') {
			name = p + 2;
			end = strchr(name, '}');
			if (!end) {
				error_at(file, line, "unclosed '${' in dataset path");
				strbuf_release(&out);
				return NULL;
			}
			len = strcspn(name, ":}");
			if (name[len] == ':' && name[len + 1] == '-') {
				def = name + len + 2;
				dlen = (size_t)(end - def);
			}
			p = end + 1;
		} else {
			name = p + 1;
			for (len = 0; isalnum((unsigned char)name[len]) || name[len] == '_'; len++)
				;
			p = name + len;
		}
		var = xstrndup(name, len);
		val = getenv(var);
		if (val && *val) {
			strbuf_addstr(&out, val);
			if (!out.len || out.len == strlen(val))
				*from_env = *from_env || (name == start + 1 || name == start + 2);
		} else if (def) {
			strbuf_add(&out, def, dlen);
		} else {
			error_at(file, line, "the dataset path names $%s, which is not set", var);
			free(var);
			strbuf_release(&out);
			return NULL;
		}
		free(var);
	}
	return strbuf_detach(&out, NULL);
}
