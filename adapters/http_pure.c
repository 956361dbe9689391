/* http_pure.c: the pure pieces of the remote models' event loop: backoff, Retry-After, token estimates, rate-limit buckets, replica rests. */
#include <curl/curl.h>
#include "adapters/http.h"

/* --- pure pieces --------------------------------------------------------- */

double http_backoff_ms(struct rng *r, unsigned retry)
{
	double ceiling = HTTP_BACKOFF_CAP_MS;

	/* base * 2^retry, without overflow for large retry counts */
	if (retry < 30)
		ceiling = fmin(ceiling, HTTP_BACKOFF_BASE_MS * (double)(1u << retry));
	return rng_double(r) * ceiling;
}

/* A non-negative decimal number filling all of s (spaces around allowed). */
static int parse_nonneg(const char *s, double *out)
{
	char *end;
	double v;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (errno || *end || !isfinite(v) || v < 0)
		return -1;
	*out = v;
	return 0;
}

int http_parse_retry_after(double *out, const char *value, time_t now)
{
	double secs;
	time_t when;

	if (!parse_nonneg(value, &secs)) {
		*out = secs * 1000;
		return 0;
	}
	/* curl_getdate() reads the three HTTP date forms (IMF-fixdate, RFC 850, asctime) */
	when = curl_getdate(value, NULL);
	if (when == (time_t)-1)
		return -1;
	*out = when > now ? difftime(when, now) * 1000 : 0;
	return 0;
}

int http_parse_retry_after_ms(double *out, const char *value)
{
	return parse_nonneg(value, out);
}

double http_estimate_tokens(const char *const *texts, size_t n, size_t framing_per_text, long completion)
{
	double tokens = 0;
	size_t i;

	for (i = 0; i < n; i++)
		tokens += ceil((double)(texts[i] ? strlen(texts[i]) : 0) / 4) + (double)framing_per_text;
	return tokens + (completion > 0 ? (double)completion : 0);
}

double http_rest_ms(unsigned rests)
{
	return rests < 30 ? fmin(HTTP_REST_CAP_MS, HTTP_REST_BASE_MS * (double)(1u << rests)) : HTTP_REST_CAP_MS;
}

void http_bucket_init(struct http_bucket *b, double per_minute, double now)
{
	b->capacity = per_minute > 0 ? per_minute : 0;
	b->level = b->capacity;
	b->per_ms = b->capacity / 60000.0;
	b->last_ms = now;
}

static void bucket_refill(struct http_bucket *b, double now)
{
	if (now > b->last_ms) {
		b->level = fmin(b->capacity, b->level + (now - b->last_ms) * b->per_ms);
		b->last_ms = now;
	}
}

double http_bucket_wait(struct http_bucket *b, double n, double now)
{
	double need;

	if (b->capacity <= 0)
		return 0;
	bucket_refill(b, now);
	need = fmin(n, b->capacity);  /* more than a minute's worth waits for a full bucket */
	if (b->level >= need)
		return 0;
	return (need - b->level) / b->per_ms;
}

void http_bucket_take(struct http_bucket *b, double n, double now)
{
	if (b->capacity <= 0)
		return;
	bucket_refill(b, now);
	b->level -= n;
}

void http_bucket_adjust(struct http_bucket *b, double n)
{
	if (b->capacity > 0)
		b->level = fmin(b->capacity, b->level + n);
}

