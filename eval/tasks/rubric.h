/* rubric.h: a judge's rubric (aspects, their wording, one scale), read from a suite's task or a rubric file. */
#ifndef TASKS_RUBRIC_H
#define TASKS_RUBRIC_H

#include "eval/task.h"

#define RUBRIC_MAX_ASPECTS 16

struct rubric {
	char *name[RUBRIC_MAX_ASPECTS];          /* metric names: [a-z][a-z0-9_]* */
	char *description[RUBRIC_MAX_ASPECTS];
	size_t n;
	long lo, hi;                             /* the scale, both ends included */
};

/*
 * The rubric under key of the task: an object {"scale": [MIN, MAX],
 * "aspects": {"name": "what to look for", ...}}, or a file (relative to
 * the suite) in the text form, or the built-in file builtin:
 *
 *   # a comment
 *   scale: 1-3
 *   informativeness: how much the explanation tells ...
 *
 * Names must not be one of reserved[] (the task's own metrics). 0, or -1
 * after "receval: FILE:LINE: ...". A stored suite (no files read) gets the
 * names and scale of an inline rubric, or none (n = 0).
 */
int rubric_parse(struct rubric *out, const struct task_parse *tp, const char *key, const char *builtin,
		 const char *const *reserved);
void rubric_release(struct rubric *r);

/* The aspects as the judge's prompt lists them: "- name (lo-hi): description" lines. */
void rubric_aspect_lines(struct strbuf *out, const struct rubric *r);
/* The JSON object the judge must answer with: {"name": <lo-hi>, ...}. */
void rubric_format(struct strbuf *out, const struct rubric *r);

#endif
