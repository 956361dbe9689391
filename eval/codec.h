/* codec.h: the one encoding of stored sample payloads: id lists (rankings, candidates, histories), groundings, transcripts. */
#ifndef CODEC_H
#define CODEC_H

#include "lib/util.h"
#include "lib/strbuf.h"
#include "eval/data/dataset.h"

/*
 * Stored forms (the samples table's columns, and the JSONL export):
 *   id list     JSON array of the dataset's item ids as strings: ["m1","m7"]
 *   grounding   JSON array of {"text", "item" (an id, or null), "how", "score"}
 * Writers go through codec_put_*; readers through codec_get_*, so the
 * shape is written and read in one place.
 */

/* An id list as read back: ids[i] point into one block owned by the list. */
struct id_list {
	char **ids;
	size_t n;
};

/* Append the ids of items[0..n) (dataset indexes) to out as a JSON array. */
void codec_put_items(struct strbuf *out, const struct dataset *ds, const uint32_t *items, size_t n);

/* The whole catalogue of ds: its ids in order into ids, and its titles (null where none) into titles. */
void codec_put_catalogue(struct strbuf *ids, struct strbuf *titles, const struct dataset *ds);

/*
 * Read a stored id list. NULL or "" reads as no list (-1); a value that is
 * not a JSON array, or holds a non-string, is malformed (-1). Returns 0 and
 * fills out (release with id_list_release), or -1 with out empty.
 */
int codec_get_ids(struct id_list *out, const char *json);
void id_list_release(struct id_list *l);

/* The 1-based place of id in a stored id list, or 0 (not there, or no list); *n, if given, gets the list's length. */
size_t codec_place(const char *json, const char *id, size_t *n);

/* One mention in an answer and the catalogue item it was read as. */
struct grounding_row {
	const char *text;     /* the mention as written */
	const char *item;     /* the item id, or NULL when it grounds to nothing */
	const char *how;      /* ground_how_name(): "exact", "normalised", "fuzzy", "index", "none", ... */
	double score;
};

/* Append rows[0..n) to out as a JSON array. */
void codec_put_groundings(struct strbuf *out, const struct grounding_row *rows, size_t n);

/*
 * Read a stored grounding array into *out (n rows): the rows' strings point
 * into storage owned by *out; free the whole with codec_groundings_free.
 * Returns 0, or -1 when json is not such an array (nothing allocated).
 */
int codec_get_groundings(struct grounding_row **out, size_t *n, const char *json);
void codec_groundings_free(struct grounding_row *rows, size_t n);

/*
 * A sample of several requests (a dialogue, a judged answer): one row per
 * request, in the order they were made, stored in the samples table's
 * transcript column as a JSON array of
 *   {"role" ("subject", "judge", "simulator"), "turn" (1-based), "request"
 *    (the request as sent, a JSON object), "response" (the text, or null),
 *    "score" (a number read from a judge's verdict; absent when none)}
 * and, for rows that record how the request went (status set), also
 *   "status" ("ok": answered; "error": not), "error" (why, or null),
 *   "verdict" (what was read from a judge's answer, as JSON: {"aspect": 3,
 *   ...}, {"verdict": "A"}, or {"failure": "why"} when it could not be read),
 *   "tokens_in", "tokens_out" (0 when from the cache), "latency_ms", "cached";
 * and, for a dialogue's rows (the conversation task), "read": what receval
 * read from the answer, as JSON: a subject's turn {"items": [ids],
 * "extracted", "hallucinated", "repeated", "success"}, a simulator's
 * {"leak": true|false, "attempt": N}.
 */
struct transcript_row {
	const char *role;
	size_t turn;
	const char *request;  /* JSON text of the request (written as it is) */
	const char *response; /* or NULL */
	double score;         /* NAN: none */
	/* how the request went: written when status is not NULL (rows must be zeroed first) */
	const char *status;
	const char *error;
	const char *verdict;  /* JSON text, or NULL */
	long tokens_in, tokens_out;
	double latency_ms;
	int cached;
	const char *read;     /* what receval read from a dialogue's turn, JSON text (written as it is), or NULL */
};

void codec_put_transcript(struct strbuf *out, const struct transcript_row *rows, size_t n);

/*
 * Read a stored transcript into *out (n rows, every field filled: score NAN
 * and status NULL where absent); strings point into storage owned by *out
 * (request and verdict as compact JSON text). Free with
 * codec_transcript_free. Returns 0, or -1 when json is not such an array
 * (nothing allocated).
 */
int codec_get_transcript(struct transcript_row **out, size_t *n, const char *json);
void codec_transcript_free(struct transcript_row *rows, size_t n);

#endif
