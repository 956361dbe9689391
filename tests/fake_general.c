/* fake_general.c: the fake server's `--answer general`: answers to multiple-choice, judge and open prompts, as varied as real models write them, and deterministic. */
#include "lib/util.h"
#include "lib/strbuf.h"

char *fake_general_answer(const char *user, const char **format);

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * The options of the last question of a multiple-choice prompt ("A. text"
 * lines after the last blank line, before "Answer:"): how many, and each
 * one's text in opts (pointers into user, lengths in len).
 */
static size_t options(const char *user, const char **opts, size_t *len, size_t cap)
{
	const char *block = user, *p, *q;
	size_t n = 0;

	for (p = user; (q = strstr(p, "\n\n")); p = q + 2)
		block = q + 2;
	for (p = block; *p && n < cap; p = q ? q + 1 : p + strlen(p)) {
		q = strchr(p, '\n');
		if (p[0] == (char)('A' + n) && p[1] == '.' && p[2] == ' ') {
			opts[n] = p + 3;
			len[n++] = (size_t)((q ? q : p + strlen(p)) - (p + 3));
		}
		if (!q)
			break;
	}
	return n;
}

char *fake_general_answer(const char *user, const char **format)
{
	uint64_t h = fnv1a(user);
	const char *opts[26];
	size_t len[26], n;
	size_t ulen = strlen(user);

	if (strstr(user, "[The Start of Assistant's Answer]") || strstr(user, "Assistant A's Conversation with User|>")) {
		/* a judge: one verdict in ten cannot be read */
		if (h % 10 == 0) {
			*format = "judge-unreadable";
			return xstrdup("Both parts of this answer have merits, and I cannot settle on a number.");
		}
		*format = "judge";
		return xstrfmt("The response is relevant and clear, with room for more detail.\n\nRating: [[%d]]",
			       (int)(1 + h % 10));
	}
	if (ulen >= 7 && !strcmp(user + ulen - 7, "Answer:") && (n = options(user, opts, len, 26)) >= 2) {
		size_t pick = (size_t)(h % n);
		char letter = (char)('A' + pick);
		switch ((h / 7) % 6) {
		case 0:
			*format = "mc-letter";
			return xstrfmt("%c", letter);
		case 1:
			*format = "mc-paren";
			return xstrfmt("(%c)", letter);
		case 2:
			*format = "mc-answer-colon";
			return xstrfmt("Answer: %c", letter);
		case 3:
			*format = "mc-letter-text";
			return xstrfmt("%c. %.*s", letter, (int)len[pick], opts[pick]);
		case 4:
			*format = "mc-text";
			return xstrfmt("%.*s", (int)len[pick], opts[pick]);
		default:
			*format = "mc-unreadable";
			return xstrdup("I am not sure about this one.");
		}
	}
	*format = "open";
	return xstrfmt("Here is my answer.\n\nThank you for the question, which has %zu characters. "
		       "I would start with the basics and keep it simple. P.S. Enjoy!", ulen);
}
