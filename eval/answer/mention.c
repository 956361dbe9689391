/* mention.c: the names of the ways an element grounds, and freeing read elements (contracts in mention.h). */
#include "eval/answer/mention.h"

const char *ground_how_name(enum ground_how how)
{
	switch (how) {
	case GROUND_EXACT: return "exact";
	case GROUND_NORMALIZED: return "normalized";
	case GROUND_FUZZY: return "fuzzy";
	case GROUND_NUMBER: return "number";
	case GROUND_LETTER: return "letter";
	case GROUND_NONE: break;
	}
	return "none";
}

void grounded_free(struct grounded *v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}
