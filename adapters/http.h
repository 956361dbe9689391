/* http.h: many JSON POSTs in flight on one libcurl multi handle, with retries, backoff, Retry-After and rate-limit buckets. */
#ifndef HTTP_H
#define HTTP_H

#include "lib/util.h"
#include "adapters/adapter.h"
#include "lib/rng.h"

/*
 * Backoff: full jitter (Brooks, "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015): before retry r (0 for the first retry) wait a
 * uniform random time in [0, min(cap, base * 2^r)].
 */
#define HTTP_BACKOFF_BASE_MS 500.0
#define HTTP_BACKOFF_CAP_MS 30000.0
/* A server's Retry-After is honoured up to this (longer values are clamped). */
#define HTTP_RETRY_AFTER_MAX_MS 300000.0
/* Completion tokens assumed for a chat request without max_tokens, before usage corrects it. */
#define HTTP_DEFAULT_COMPLETION_TOKENS 256

/*
 * Replica pools: a replica that refuses connections, breaks them, times out
 * or answers 5xx HTTP_REPLICA_FAILURES times in a row is rested for
 * min(cap, base * 2^r) ms, r counting its rests since it last answered;
 * back from a rest it gets one request at a time until one succeeds.
 */
#define HTTP_REPLICA_FAILURES 3
#define HTTP_REST_BASE_MS 1000.0
#define HTTP_REST_CAP_MS 30000.0

/* --- pure pieces (no I/O; unit-tested) ---------------------------------- */

/* How long a replica is rested the (rests + 1)-th time in a row: min(cap, base * 2^rests) ms. */
double http_rest_ms(unsigned rests);

/* The delay before retry r (0-based): uniform in [0, min(cap, base * 2^r)] ms, drawn from r. */
double http_backoff_ms(struct rng *r, unsigned retry);

/*
 * Parse a Retry-After value: delta-seconds ("20", "1.5") or an HTTP date
 * ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 9110 10.2.3) relative to now
 * (seconds since the epoch). A date in the past is 0. Writes milliseconds
 * to *out and returns 0, or -1 when value is neither.
 */
int http_parse_retry_after(double *out, const char *value, time_t now);
/* Parse a retry-after-ms value (non-negative milliseconds); 0 or -1. */
int http_parse_retry_after_ms(double *out, const char *value);

/*
 * Tokens a request will cost before its usage is known: the bytes of
 * its texts over 4 (rounded up), 4 per message for the chat framing, plus
 * completion (max_tokens, or HTTP_DEFAULT_COMPLETION_TOKENS; 0 for
 * embeddings). Bytes, not characters: conservative for non-Latin text.
 */
double http_estimate_tokens(const char *const *texts, size_t n, size_t framing_per_text, long completion);

/*
 * A token bucket: holds at most capacity, refilled continuously at
 * capacity per minute (rate 0: unlimited, never waits). Starts full.
 */
struct http_bucket {
	double capacity, level, per_ms;
	double last_ms;
};

void http_bucket_init(struct http_bucket *b, double per_minute, double now_ms);
/*
 * Milliseconds until n can be taken (0: now). An n above the capacity
 * waits for a full bucket and then drives the level negative, so one huge
 * request is slow rather than impossible.
 */
double http_bucket_wait(struct http_bucket *b, double n, double now_ms);
/* Take n (the level may go negative); call only when http_bucket_wait() was 0. */
void http_bucket_take(struct http_bucket *b, double n, double now_ms);
/* Give back (n < 0: take more): corrects an estimate once the real cost is known. */
void http_bucket_adjust(struct http_bucket *b, double n);

/* --- the engine ---------------------------------------------------------- */

enum http_outcome {
	HTTP_RESPONSE,    /* a final response (2xx, or an error status not retried): status, body */
	HTTP_FAILED,      /* gave up: retries exhausted, a transport error, the body cap: error says why */
	HTTP_CANCELLED,   /* never finished: the engine was aborted (http_engine_abort) */
};

/* A finished request. body and error are owned: http_result_release() frees them. */
struct http_result {
	uint64_t id;
	void *priv;               /* the submitter's, handed back untouched */
	enum http_outcome outcome;
	long status;              /* HTTP status of the last attempt; 0 when none answered */
	char *body;               /* the last attempt's body (NUL-terminated) or NULL */
	size_t body_len;
	char *error;              /* HTTP_FAILED: one line, e.g. "HTTP 503 after 6 attempts" */
	int fatal;                /* HTTP_FAILED that no retry can fix (TLS verification, a malformed URL) */
	unsigned attempts;        /* counted attempts (a failover to another replica is not one) */
	double latency_ms;        /* submit to finish, waits included */
	double est_tokens;        /* as submitted */
	size_t replica;           /* the replica of the last attempt (http_engine_replica_url()) */
};

void http_result_release(struct http_result *r);

struct http_engine;

/*
 * Decides, for a retryable status (429, 500, 502, 503, 504) that came with
 * body, that retrying cannot help (e.g. OpenAI's 429 "insufficient_quota"):
 * return 1 to make it final. NULL: always retry.
 */
typedef int (*http_final_fn)(long status, const char *body, size_t len);

/*
 * A new engine for limits (concurrency, rpm, tpm, timeout, attempts,
 * body cap; zeros take the defaults of ADAPTER_LIMITS_INIT) whose backoff
 * draws from a generator seeded by seed. headers (NULL-terminated, e.g.
 * "api-key: ...") are sent with every request; they may hold secrets and
 * are never printed. Initialises libcurl on first use. Never NULL.
 */
struct http_engine *http_engine_new(const struct adapter_limits *limits, uint64_t seed,
				    const char *const *headers, http_final_fn final);
/* Cancel everything, free the engine; the last one cleans libcurl up. */
void http_engine_free(struct http_engine *e);

/*
 * Serve requests from a pool of replicas: each request goes to the healthy
 * replica with the fewest in flight, at most per_replica at once on each
 * (0: the limits' concurrency); a failing replica is rested (see
 * HTTP_REPLICA_FAILURES) and its request tried at once on another without
 * counting as an attempt. From then on http_engine_submit()'s url is a
 * path appended to the replica's URL. bases are copied. Call before the
 * first submit. Without it the engine has one replica whose URL is "",
 * so a submitted url is used as it is.
 */
void http_engine_set_replicas(struct http_engine *e, const char *const *bases, size_t n, unsigned per_replica);
/* Requests the engine can have in flight: the sum of its replicas' concurrency. */
size_t http_engine_capacity(const struct http_engine *e);
/* Replica i's URL, for messages. */
const char *http_engine_replica_url(const struct http_engine *e, size_t i);
/* The replicas and their counts so far: *out points into the engine; returns how many. */
size_t http_engine_replicas(const struct http_engine *e, const struct replica_stat **out);

/*
 * Queue a POST of body (JSON; ownership passes to the engine) to url (copied;
 * a path, with replicas). est_tokens is charged to the tpm bucket at each attempt.
 */
void http_engine_submit(struct http_engine *e, uint64_t id, void *priv, const char *url,
			char *body, size_t len, double est_tokens);

/*
 * Drive transfers, retries and buckets for up to timeout_ms (0: no
 * waiting). 1 with *out filled (release it), 0 when nothing finished in
 * time or nothing is pending.
 */
int http_engine_poll(struct http_engine *e, struct http_result *out, int timeout_ms);
/* Requests not yet handed back by http_engine_poll(). */
size_t http_engine_pending(const struct http_engine *e);
/* Of them, those with a transfer under way or finished (not queued, not waiting for a retry). */
size_t http_engine_in_flight(const struct http_engine *e);
/* Correct the tpm bucket once a request's real token count is known. */
void http_engine_charge(struct http_engine *e, double est_tokens, double actual_tokens);

/*
 * Stop: every request queued, waiting for a retry or in flight, and every
 * one submitted later, comes back as HTTP_CANCELLED. For a fatal answer
 * (a wrong key) that every other request would repeat.
 */
void http_engine_abort(struct http_engine *e);
int http_engine_aborted(const struct http_engine *e);

#endif
