/* suite_paths.c: the file paths a suite names, noted as the loader resolves them, for receval serve's folder check. */
#include "eval/suite.h"

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
