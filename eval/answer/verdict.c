/* verdict.c: a judge's verdict read strictly: one mark, one rating or one JSON object, or a judge failure. */
#include <cJSON.h>
#include "eval/answer/verdict.h"

/* How much of a judge's answer is read. */
#define VERDICT_MAX_BYTES (256 * 1024)

const char *verdict_name(enum verdict v)
{
	return v == VERDICT_A ? "A" : v == VERDICT_B ? "B" : "C";
}

/*
 * The part of the answer that holds the verdict, as a new string: after the
 * last </think>; nothing when a <think> at the start is never closed.
 */
static char *visible(const char *text, size_t len)
{
	const char *end, *p, *last = NULL;
	size_t i = 0;

	if (len > VERDICT_MAX_BYTES)
		len = VERDICT_MAX_BYTES;
	end = text + len;
	for (p = text; p + 8 <= end; p++)
		if (!memcmp(p, "</think>", 8))
			last = p + 8;
	if (last)
		return xstrndup(last, (size_t)(end - last));
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (len - i >= 7 && !memcmp(text + i, "<think>", 7))
		return xstrdup("");
	return xstrndup(text, len);
}

int verdict_pairwise(enum verdict *out, const char *text, size_t len, const char **why)
{
	char *s = visible(text, len);
	const char *p;
	int seen[3] = { 0 }, kinds = 0, i;

	for (p = s; (p = strstr(p, "[[")); p++)
		if ((p[2] == 'A' || p[2] == 'B' || p[2] == 'C') && p[3] == ']' && p[4] == ']')
			seen[p[2] - 'A'] = 1;
	free(s);
	for (i = 0; i < 3; i++)
		kinds += seen[i];
	if (kinds == 0) {
		*why = "no verdict [[A]], [[B]] or [[C]]";
		return -1;
	}
	if (kinds > 1) {
		*why = "two different verdicts";
		return -1;
	}
	*out = seen[0] ? VERDICT_A : seen[1] ? VERDICT_B : VERDICT_TIE;
	return 0;
}

int verdict_rating(double *out, const char *text, size_t len, double lo, double hi, const char **why)
{
	char *s = visible(text, len);
	const char *p;
	double found = NAN;
	int n = 0, differ = 0;

	for (p = s; (p = strstr(p, "[[")); p++) {
		const char *q = p + 2;
		char *end;
		double v;
		while (*q == ' ')
			q++;
		if (!isdigit((unsigned char)*q))
			continue;
		v = strtod(q, &end);
		while (*end == ' ')
			end++;
		if (end[0] != ']' || end[1] != ']')
			continue;
		if (n++ && v != found)
			differ = 1;
		found = v;
	}
	free(s);
	if (!n) {
		*why = "no rating [[N]]";
		return -1;
	}
	if (differ) {
		*why = "two different ratings";
		return -1;
	}
	if (!(found >= lo && found <= hi)) {
		*why = "a rating off the scale";
		return -1;
	}
	*out = found;
	return 0;
}

/* Whether object o has any of the aspects as a key. */
static int has_aspect(const cJSON *o, const char *const *aspects, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cJSON_GetObjectItem(o, aspects[i]))
			return 1;
	return 0;
}

int verdict_rubric(long *scores, const char *text, size_t len, const char *const *aspects, size_t n,
		   long lo, long hi, const char **why)
{
	char *s = visible(text, len);
	const char *p = s;
	cJSON *found = NULL;
	int braces = 0, parsed = 0, ret = -1;
	size_t i;

	while ((p = strchr(p, '{'))) {
		const char *end = NULL;
		cJSON *o = cJSON_ParseWithOpts(p, &end, 0);
		braces = 1;
		if (!o || !cJSON_IsObject(o)) {
			cJSON_Delete(o);
			p++;
			continue;
		}
		parsed = 1;
		if (has_aspect(o, aspects, n)) {
			if (found && !cJSON_Compare(found, o, 1)) {
				cJSON_Delete(o);
				*why = "two different verdicts";
				goto out;
			}
			if (found)
				cJSON_Delete(o);
			else
				found = o;
		} else {
			cJSON_Delete(o);
		}
		p = end && end > p ? end : p + 1;
	}
	if (!found) {
		*why = !braces ? "no JSON object" : !parsed ? "the JSON object is not valid JSON" :
		       "no JSON object with the rubric's aspects";
		goto out;
	}
	for (i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetObjectItem(found, aspects[i]);
		if (!v) {
			*why = "an aspect is missing";
			goto out;
		}
		if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble)) {
			*why = "an aspect's score is not a whole number";
			goto out;
		}
		if (v->valuedouble < (double)lo || v->valuedouble > (double)hi) {
			*why = "an aspect's score is off the scale";
			goto out;
		}
		scores[i] = (long)v->valuedouble;
	}
	ret = 0;
out:
	cJSON_Delete(found);
	free(s);
	return ret;
}
