/* fake_judge.c: the fake server's answers to explanation prompts and judge prompts (pairwise, single, rubric), by model name (tests/FAKE_SERVER.md). */
#include "lib/util.h"
#include "lib/strbuf.h"
#include "tests/fake_judge.h"

static uint64_t hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

/* The text between the line start and the line end markers (new string), or NULL. */
static char *between(const char *s, const char *start, const char *end)
{
	const char *a = strstr(s, start), *b;

	if (!a)
		return NULL;
	a += strlen(start);
	while (*a == '\n')
		a++;
	b = strstr(a, end);
	if (!b)
		return NULL;
	while (b > a && b[-1] == '\n')
		b--;
	return xstrndup(a, (size_t)(b - a));
}

/*
 * How good a text looks to the content-driven judge: titles named with
 * their year ("(1995)") and quoted spans, one point each.
 */
static long content_score(const char *t)
{
	long score = 0, quotes = 0;
	const char *p;

	for (p = t; *p; p++) {
		if (p[0] == '(' && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]) && p[5] == ')')
			score++;
		quotes += *p == '"';
	}
	return score + quotes / 2;
}

/* The judge's leaning, from the model's name. */
enum leaning { LEAN_CONTENT, LEAN_FIRST, LEAN_SECOND, LEAN_TIE, LEAN_GARBLED };

static enum leaning leaning_of(const char *model, const char *user)
{
	if (strstr(model, "garbled"))
		return LEAN_GARBLED;
	if (strstr(model, "flaky"))
		return hash(user) % 3 == 0 ? LEAN_GARBLED : LEAN_CONTENT;
	if (strstr(model, "first"))
		return LEAN_FIRST;
	if (strstr(model, "second"))
		return LEAN_SECOND;
	if (strstr(model, "tie"))
		return LEAN_TIE;
	return LEAN_CONTENT;
}

static const char *const leaning_names[] = { "content", "first", "second", "tie", "garbled" };

/* An explanation prompt ("The given item to be recommended is T."): the answer the subject writes. */
static char *explain(const char *model, const char *user, const char **format)
{
	const char *t = strstr(user, "The given item to be recommended is "), *p;
	struct strbuf sb = STRBUF_INIT;
	char *target, *hist[2] = { NULL, NULL };
	size_t len;
	int i;

	t += strlen("The given item to be recommended is ");
	len = strcspn(t, "\n");
	while (len && t[len - 1] == '.')
		len--;
	target = xstrndup(t, len);
	/* the last two history lines "- Title" */
	for (p = user; (p = strstr(p, "\n- ")); p++) {
		free(hist[0]);
		hist[0] = hist[1];
		hist[1] = xstrndup(p + 3, strcspn(p + 3, "\n"));
	}
	if (strstr(model, "poor")) {
		strbuf_addstr(&sb, "This is a good pick for you because it matches your taste.");
		*format = "expl-poor";
	} else {
		strbuf_addstr(&sb, "Because you enjoyed ");
		for (i = 0; i < 2; i++)
			if (hist[i])
				strbuf_addf(&sb, "%s%s", i && hist[0] ? " and " : "", hist[i]);
		strbuf_addf(&sb, ", \"%s\" is a natural next pick: it shares their tone and will suit your taste.", target);
		*format = "expl-good";
		if (strstr(model, "fake")) {
			strbuf_addstr(&sb, " Fans of it also love \"The Unmade Sequel (2031)\".");
			*format = "expl-fake";
		} else if (strstr(model, "long")) {
			for (i = 0; i < 40; i++)
				strbuf_addstr(&sb, " It is well worth your evening.");
			*format = "expl-long";
		}
	}
	free(target);
	free(hist[0]);
	free(hist[1]);
	return strbuf_detach(&sb, NULL);
}

/* Pairwise: [[A]], [[B]] or [[C]] by the leaning. */
static char *pairwise(enum leaning l, const char *user, const char **format)
{
	char *a = between(user, "[The Start of Assistant A's Answer]", "[The End of Assistant A's Answer]");
	char *b = between(user, "[The Start of Assistant B's Answer]", "[The End of Assistant B's Answer]");
	static const char *const garbled[] = {
		"Both answers have merits; I cannot decide between them.",
		"Assistant A is better: [[A]]. On reflection, Assistant B is better: [[B]].",
		"Final verdict: [[D]]",
	};
	static const char *const garbled_names[] = { "pair-garbled-none", "pair-garbled-two", "pair-garbled-bad" };
	const char *v;
	char *out;

	if (!a || !b) {
		free(a);
		free(b);
		a = between(user, "<|The Start of Assistant A's Conversation with User|>",
			    "<|The End of Assistant A's Conversation with User|>");
		b = between(user, "<|The Start of Assistant B's Conversation with User|>",
			    "<|The End of Assistant B's Conversation with User|>");
	}
	if (l == LEAN_GARBLED) {
		size_t k = hash(user) % 3;
		*format = garbled_names[k];
		free(a);
		free(b);
		return xstrdup(garbled[k]);
	}
	if (l == LEAN_FIRST)
		v = "[[A]]";
	else if (l == LEAN_SECOND)
		v = "[[B]]";
	else if (l == LEAN_TIE)
		v = "[[C]]";
	else {
		long sa = a ? content_score(a) : 0, sb = b ? content_score(b) : 0;
		v = sa > sb ? "[[A]]" : sb > sa ? "[[B]]" : "[[C]]";
	}
	free(a);
	free(b);
	out = xstrfmt("Comparing the two answers, one is more specific about the titles. Final verdict: %s", v);
	*format = l == LEAN_FIRST ? "pair-first" : l == LEAN_SECOND ? "pair-second" : l == LEAN_TIE ? "pair-tie" :
		  "pair-content";
	return out;
}

/* Rubric: aspect lines "- name (lo-hi): ..." and the answer between the single-answer markers. */
static char *rubric(enum leaning l, const char *user, const char *answer, const char **format)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	long score = content_score(answer);
	size_t n = 0, k = hash(user) % 4;

	strbuf_addstr(&sb, "The explanation names what the user watched.\n");
	if (l == LEAN_GARBLED && k == 0) {
		strbuf_addstr(&sb, "{\"informativeness\": 2, oops");
		*format = "rubric-garbled-json";
		return strbuf_detach(&sb, NULL);
	}
	if (l == LEAN_GARBLED && k == 3) {
		strbuf_addstr(&sb, "All aspects: good.");
		*format = "rubric-garbled-none";
		return strbuf_detach(&sb, NULL);
	}
	strbuf_addch(&sb, '{');
	for (p = user; (p = strstr(p, "\n- ")); p++) {
		const char *name = p + 3, *q = name;
		long lo, hi, v;
		char *end;
		while (islower((unsigned char)*q) || isdigit((unsigned char)*q) || *q == '_')
			q++;
		if (q == name || q[0] != ' ' || q[1] != '(')
			continue;
		lo = strtol(q + 2, &end, 10);
		if (*end != '-')
			continue;
		hi = strtol(end + 1, &end, 10);
		if (end[0] != ')' || end[1] != ':')
			continue;
		/* garbled: the first aspect left out (k 1), or off the scale (k 2) */
		if (l == LEAN_GARBLED && k == 1 && n == 0) {
			n++;
			continue;
		}
		v = l == LEAN_FIRST ? hi : l == LEAN_SECOND || l == LEAN_TIE ? lo : lo + score;
		if (v > hi)
			v = hi;
		if (l == LEAN_GARBLED && k == 2)
			v = hi + 1;
		strbuf_addf(&sb, "%s\"%.*s\": %ld", sb.buf[sb.len - 1] == '{' ? "" : ", ", (int)(q - name), name, v);
		n++;
	}
	strbuf_addch(&sb, '}');
	*format = l != LEAN_GARBLED ? "rubric" : k == 1 ? "rubric-garbled-missing" : "rubric-garbled-scale";
	return strbuf_detach(&sb, NULL);
}

char *fake_judge_answer(const char *model, const char *user, const char **format)
{
	enum leaning l = leaning_of(model ? model : "", user);
	char *answer, *out;

	/* a judge prompt quotes the explanation prompt: look for the judge's markers first */
	if (strstr(user, "[The Start of Assistant A's Answer]") ||
	    strstr(user, "<|The Start of Assistant A's Conversation with User|>"))
		return pairwise(l, user, format);
	answer = between(user, "[The Start of Assistant's Answer]", "[The End of Assistant's Answer]");
	if (!answer) {
		if (strstr(user, "The given item to be recommended is ") && strstr(user, "explanation"))
			return explain(model ? model : "", user, format);
		return NULL;
	}
	if (strstr(user, "Rating: [[")) {
		long r = 1 + 3 * content_score(answer);
		if (r > 10)
			r = 10;
		if (l == LEAN_FIRST)
			r = 10;
		else if (l == LEAN_SECOND || l == LEAN_TIE)
			r = 1;
		if (l == LEAN_GARBLED) {
			out = xstrdup(hash(user) % 2 ? "Rating: 7" : "Rating: [[11]]");
			*format = "single-garbled";
		} else {
			out = xstrfmt("A fair answer. Rating: [[%ld]]", r);
			*format = "single";
		}
	} else {
		out = rubric(l, user, answer, format);
	}
	free(answer);
	(void)leaning_names;
	return out;
}
