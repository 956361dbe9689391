/* fake_conversation.c: the fake server's `--answer conversation`: a simulated user and a recommender for the conversation task, chosen by the model's name, deterministic. */
#include "lib/util.h"
#include "lib/strbuf.h"
#include <cJSON.h>

char *fake_conversation_answer(const char *model, const cJSON *messages, const char **format);

static const char *content_of(const cJSON *m)
{
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "content");
	return cJSON_IsString(c) ? c->valuestring : "";
}

static const char *role_of(const cJSON *m)
{
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(m, "role");
	return cJSON_IsString(r) ? r->valuestring : "";
}

/* The text between after and the first end after it, as a new string, or NULL. */
static char *between(const char *s, const char *after, const char *end)
{
	const char *p = strstr(s, after), *q;

	if (!p)
		return NULL;
	p += strlen(after);
	q = strstr(p, end);
	return q ? xstrfmt("%.*s", (int)(q - p), p) : NULL;
}

/* The "- Title" lines of text, in order (pointers into a copy the caller frees with *block). */
static size_t history(const char *text, char ***out, char **block)
{
	char *p, *line, *next;
	size_t n = 0, alloc = 0;

	*out = NULL;
	*block = xstrdup(text);
	for (line = *block; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		for (p = line; *p == ' '; p++)
			;
		if (p[0] == '-' && p[1] == ' ' && p[2]) {
			ALLOC_GROW(*out, n + 1, alloc);
			(*out)[n++] = p + 2;
		}
	}
	return n;
}

static void hex_add(struct strbuf *sb, const char *s)
{
	for (; *s; s++)
		strbuf_addf(sb, "%02x", (unsigned char)*s);
}

/* The title hidden in the last "[code:HEX]" of text, or NULL. */
static char *code_title(const char *text)
{
	const char *p = text, *last = NULL;
	struct strbuf sb = STRBUF_INIT;

	while ((p = strstr(p, "[code:"))) {
		last = p + 6;
		p += 6;
	}
	if (!last)
		return NULL;
	for (p = last; isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]); p += 2) {
		unsigned v;
		sscanf(p, "%2x", &v);
		strbuf_addch(&sb, (int)v);
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * The simulated user: its system prompt names the target ("Your target
 * items: T."); the last user message is the recommender's turn as told
 * ("[The items the recommender offered: A; B]").
 */
static char *simulator(const char *model, const cJSON *messages, const char *sys, const char **format)
{
	char *target = between(sys, "Your target items: ", ".\n");
	const cJSON *m, *last_user = NULL;
	const char *told;
	struct strbuf sb = STRBUF_INIT;
	size_t assistant = 0;
	int retry;

	cJSON_ArrayForEach(m, messages) {
		if (!strcmp(role_of(m), "user"))
			last_user = m;
		if (!strcmp(role_of(m), "assistant"))
			assistant++;
	}
	told = last_user ? content_of(last_user) : "";
	retry = !strncmp(told, "Your last message named", 23);
	if (!target)
		target = xstrdup("?");
	if (strstr(model, "sim-leak-once") ? !retry && !assistant : strstr(model, "sim-leak") != NULL) {
		/* names the target: receval must catch it and ask again */
		strbuf_addf(&sb, "I really want to watch %s again.", target);
		*format = "sim-leak";
	} else if (!retry && strstr(told, "[The items the recommender offered: ") &&
		   strstr(strstr(told, "[The items the recommender offered: "), target)) {
		strbuf_addstr(&sb, "Yes, that is the one I was looking for. Thank you!");
		*format = "sim-accept";
	} else {
		strbuf_addstr(&sb, assistant ? "No, none of those is what I have in mind. Something else, please."
					     : "Hi! I am looking for something to watch tonight.");
		strbuf_addstr(&sb, " [code:");
		hex_add(&sb, target);
		strbuf_addch(&sb, ']');
		*format = retry ? "sim-rephrase" : assistant ? "sim-refuse" : "sim-open";
	}
	free(target);
	return strbuf_detach(&sb, NULL);
}

/*
 * The recommender: k (from "must contain K items", default 10) titles a
 * turn from the history lines of its system prompt, turn t taking the
 * t-th k of them (wrapping); by name: rec-turnN also offers the target
 * (read from the simulator's [code:...]) first at turn N; rec-repeat
 * offers the same k every turn; rec-hallucinate makes every third title
 * up; rec-ask asks a question at turn 1 and lists nothing.
 */
static char *recommender(const char *model, const cJSON *messages, const char *sys, const char **format)
{
	const cJSON *m, *last_user = NULL;
	char **hist = NULL, *block = NULL, *target = NULL, *ks = between(sys, "must contain ", " items");
	size_t n_hist = history(sys, &hist, &block), turn = 0, k = ks ? strtoul(ks, NULL, 10) : 10, i, at_turn = 0;
	struct strbuf sb = STRBUF_INIT;
	const char *p;

	free(ks);
	if (!k)
		k = 10;
	cJSON_ArrayForEach(m, messages)
		if (!strcmp(role_of(m), "user")) {
			last_user = m;
			turn++;
		}
	if ((p = strstr(model, "rec-turn")))
		at_turn = strtoul(p + 8, NULL, 10);
	if (last_user)
		target = code_title(content_of(last_user));
	*format = "rec-list";
	if (strstr(model, "rec-ask") && turn == 1) {
		strbuf_addstr(&sb, "What kind of film are you in the mood for?");
		*format = "rec-ask";
	} else {
		size_t from = strstr(model, "rec-repeat") ? 0 : (turn - 1) * k, n = 0;
		strbuf_addstr(&sb, "Here are my recommendations:\n");
		if (at_turn && turn == at_turn && target) {
			strbuf_addf(&sb, "%zu. %s\n", ++n, target);
			*format = "rec-target";
		}
		for (i = 0; n < k && n_hist; i++) {
			if (strstr(model, "rec-hallucinate") && n % 3 == 2)
				strbuf_addf(&sb, "%zu. The Unmade Sequel %zu-%zu (2031)\n", n + 1, turn, n + 1);
			else
				strbuf_addf(&sb, "%zu. %s\n", n + 1, hist[(from + i) % n_hist]);
			n++;
		}
		strbuf_setlen(&sb, sb.len && sb.buf[sb.len - 1] == '\n' ? sb.len - 1 : sb.len);
	}
	free(target);
	free(hist);
	free(block);
	return strbuf_detach(&sb, NULL);
}

char *fake_conversation_answer(const char *model, const cJSON *messages, const char **format)
{
	const cJSON *first = cJSON_GetArrayItem(messages, 0);
	const char *sys = first && !strcmp(role_of(first), "system") ? content_of(first) : "";

	if (strstr(sys, "Your target items: "))
		return simulator(model ? model : "", messages, sys, format);
	if (strstr(sys, "You are a recommender chatting"))
		return recommender(model ? model : "", messages, sys, format);
	return NULL;
}
