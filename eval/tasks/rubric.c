/* rubric.c: reading a judge's rubric (inline in the suite, or a rubric file) and writing it into the judge's prompt. */
#include <cJSON.h>
#include "eval/tasks/rubric.h"

static int name_ok(const char *s)
{
	if (!*s || !islower((unsigned char)*s) || strlen(s) > 40)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_')
			return 0;
	return 1;
}

static int reserved_name(const char *s, const char *const *reserved)
{
	size_t i;

	for (i = 0; reserved && reserved[i]; i++)
		if (!strcmp(reserved[i], s))
			return 1;
	return 0;
}

/* Add an aspect; a message (from the caller's place) when it is bad. NULL: fine. */
static const char *add_aspect(struct rubric *r, const char *name, size_t name_len, const char *desc,
			      const char *const *reserved)
{
	static char why[160];
	char *n = xstrndup(name, name_len);
	size_t i;

	if (!name_ok(n))
		snprintf(why, sizeof(why), "aspect name '%.60s' must be lower case letters, digits and '_', "
			 "starting with a letter", n);
	else if (reserved_name(n, reserved))
		snprintf(why, sizeof(why), "aspect name '%.60s' is one of the task's own metrics", n);
	else if (r->n >= RUBRIC_MAX_ASPECTS)
		snprintf(why, sizeof(why), "a rubric has at most %d aspects", RUBRIC_MAX_ASPECTS);
	else
		why[0] = 0;
	for (i = 0; !why[0] && i < r->n; i++)
		if (!strcmp(r->name[i], n))
			snprintf(why, sizeof(why), "aspect '%.60s' is named twice", n);
	if (why[0]) {
		free(n);
		return why;
	}
	r->name[r->n] = n;
	r->description[r->n++] = xstrdup(desc);
	return NULL;
}

static int scale_ok(long lo, long hi)
{
	return lo >= 0 && hi <= 100 && lo < hi;
}

static int parse_inline(struct rubric *r, const struct task_parse *tp, const char *key, const cJSON *o,
			const char *const *reserved)
{
	const cJSON *scale = cJSON_GetObjectItemCaseSensitive(o, "scale");
	const cJSON *aspects = cJSON_GetObjectItemCaseSensitive(o, "aspects"), *it;
	const char *why;
	double lo, hi;

	cJSON_ArrayForEach(it, o)
		if (strcmp(it->string, "scale") && strcmp(it->string, "aspects"))
			return task_error(tp, key, "unknown key '%s' in '%s' (it takes \"scale\" and \"aspects\")",
					  it->string, key);
	if (!cJSON_IsArray(scale) || cJSON_GetArraySize(scale) != 2 ||
	    !cJSON_IsNumber(cJSON_GetArrayItem(scale, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(scale, 1)))
		return task_error(tp, key, "'%s' needs \"scale\": [MIN, MAX], two whole numbers", key);
	lo = cJSON_GetArrayItem(scale, 0)->valuedouble;
	hi = cJSON_GetArrayItem(scale, 1)->valuedouble;
	/* in range before the cast: a double past a long's range cast to long is undefined (1e300) */
	if (!(lo >= 0 && lo <= 100 && hi >= 0 && hi <= 100) || lo != floor(lo) || hi != floor(hi) ||
	    !scale_ok((long)lo, (long)hi))
		return task_error(tp, key, "'%s' scale must be two whole numbers 0 <= MIN < MAX <= 100", key);
	r->lo = (long)lo;
	r->hi = (long)hi;
	if (!cJSON_IsObject(aspects) || !cJSON_GetArraySize(aspects))
		return task_error(tp, key, "'%s' needs \"aspects\": {\"name\": \"what to look for\", ...}", key);
	cJSON_ArrayForEach(it, aspects) {
		if (!cJSON_IsString(it) || !*it->valuestring)
			return task_error(tp, key, "aspect '%s' needs its wording as a non-empty string", it->string);
		if ((why = add_aspect(r, it->string, strlen(it->string), it->valuestring, reserved)))
			return task_error(tp, key, "%s", why);
	}
	return 0;
}

/* The text form, from file (for messages). */
static int parse_text(struct rubric *r, const char *text, const char *file, const char *const *reserved)
{
	const char *p = text, *why;
	long line = 0;
	int has_scale = 0;

	while (*p) {
		const char *end = strchr(p, '\n'), *colon, *v;
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *desc;
		line++;
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (!len || *p == '#')
			goto next;
		colon = memchr(p, ':', len);
		if (!colon)
			return error_at(file, line, "expected 'scale: MIN-MAX' or 'name: what to look for'");
		v = colon + 1;
		while (v < p + len && isspace((unsigned char)*v))
			v++;
		if ((size_t)(colon - p) == 5 && !memcmp(p, "scale", 5)) {
			char *s = xstrndup(v, (size_t)(p + len - v)), *dash = strchr(s, '-');
			int ok = 0;
			if (dash) {
				*dash = 0;
				ok = !parse_long(s, &r->lo) && !parse_long(dash + 1, &r->hi) && scale_ok(r->lo, r->hi);
			}
			free(s);
			if (!ok)
				return error_at(file, line, "'scale' must be MIN-MAX, whole numbers 0 <= MIN < MAX <= 100");
			has_scale = 1;
			goto next;
		}
		if (v == p + len)
			return error_at(file, line, "aspect '%.*s' has no wording", (int)(colon - p), p);
		desc = xstrndup(v, (size_t)(p + len - v));
		why = add_aspect(r, p, (size_t)(colon - p), desc, reserved);
		free(desc);
		if (why)
			return error_at(file, line, "%s", why);
next:
		if (!end)
			break;
		p = end + 1;
	}
	if (!has_scale)
		return error_at(file, 0, "the rubric has no 'scale: MIN-MAX' line");
	if (!r->n)
		return error_at(file, 0, "the rubric has no aspect");
	return 0;
}

int rubric_parse(struct rubric *out, const struct task_parse *tp, const char *key, const char *builtin,
		 const char *const *reserved)
{
	static const char *const no_vars[] = { NULL };
	const cJSON *v = task_key(tp, key);
	char *text = NULL, *file = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (v && cJSON_IsObject(v))
		return parse_inline(out, tp, key, v, reserved);
	if (task_get_template(tp, key, builtin, no_vars, &text, &file) < 0) {
		free(text);
		free(file);
		return -1;
	}
	/* a stored suite reads no file: the rubric is in the stored requests */
	ret = text ? parse_text(out, text, file, reserved) : 0;
	free(text);
	free(file);
	return ret;
}

void rubric_release(struct rubric *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->name[i]);
		free(r->description[i]);
	}
	memset(r, 0, sizeof(*r));
}

void rubric_aspect_lines(struct strbuf *out, const struct rubric *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		strbuf_addf(out, "%s- %s (%ld-%ld): %s", i ? "\n" : "", r->name[i], r->lo, r->hi, r->description[i]);
}

void rubric_format(struct strbuf *out, const struct rubric *r)
{
	size_t i;

	strbuf_addch(out, '{');
	for (i = 0; i < r->n; i++)
		strbuf_addf(out, "%s\"%s\": <%ld-%ld>", i ? ", " : "", r->name[i], r->lo, r->hi);
	strbuf_addch(out, '}');
}
