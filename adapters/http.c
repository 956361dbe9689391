/* http.c: the event loop of remote models: JSON POSTs on one curl multi handle, retried with backoff, paced by rpm/tpm buckets. */
#include <strings.h>
#include <curl/curl.h>
#include "adapters/http.h"
#include "lib/strbuf.h"

/* --- the engine ---------------------------------------------------------- */

/* One request, across its attempts. */
struct call {
	struct http_engine *e;
	uint64_t id;
	void *priv;
	char *url, *body;
	size_t len;
	double est_tokens;
	unsigned attempts;
	unsigned failovers;          /* attempts moved to another replica, not counted in attempts */
	size_t replica, avoid;       /* the attempt's replica; the one that just failed it (SIZE_MAX: none) */
	double submitted_ms, not_before_ms;
	double first_ms;             /* when its first attempt started (0: not yet): the deadline counts from it */
	/* the attempt in flight */
	CURL *easy;
	size_t slot;                 /* index in e->running */
	struct strbuf resp;
	int over_cap;
	double retry_after, retry_after_ms;   /* from headers, in ms; -1: none */
	char errbuf[CURL_ERROR_SIZE];
};

/* A server of the model; the engine's only one ("" + url) unless http_engine_set_replicas() named several. */
struct replica {
	char *base;
	unsigned cap, running;
	unsigned in_row;             /* failures in a row */
	unsigned rest_level;         /* rests since it last answered */
	double rested_until;
	int probing;                 /* back from a rest: one request at a time until one succeeds */
};

struct http_engine {
	CURLM *multi;
	struct replica *rep;
	struct replica_stat *stat;   /* rep[i]'s counts */
	size_t n_rep;
	struct curl_slist *headers;
	struct adapter_limits lim;
	struct rng rng;
	http_final_fn final;
	struct http_bucket rpm, tpm;
	char *user_agent;
	int aborted;
	/* waiting for their first attempt, oldest first: fresh[fresh_head .. n_fresh) */
	struct call **fresh;
	size_t fresh_head, n_fresh, alloc_fresh;
	/* waiting for a retry (not_before_ms says when) */
	struct call **retry;
	size_t n_retry, alloc_retry;
	/* in flight */
	struct call **running;
	size_t n_running, alloc_running;
	/* finished, not yet handed back: done[done_head .. n_done) */
	struct http_result *done;
	size_t done_head, n_done, alloc_done;
};

static unsigned curl_users;

void http_result_release(struct http_result *r)
{
	free(r->body);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct call *c = ud;
	size_t len = size * n;

	if (c->resp.len + len > c->e->lim.body_cap) {
		c->over_cap = 1;
		return 0;  /* not len: curl aborts the transfer with CURLE_WRITE_ERROR */
	}
	strbuf_add(&c->resp, p, len);
	return len;
}

/* Retry-After, retry-after-ms (OpenAI) and x-ms-retry-after-ms (Azure). */
static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct call *c = ud;
	size_t len = size * n, k;
	char line[256], *colon, *value;
	double ms;

	if (len >= 5 && !strncmp(p, "HTTP/", 5)) {
		/* a new response (after a 100 Continue, say): forget the last one's */
		c->retry_after = c->retry_after_ms = -1;
		return len;
	}
	k = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
	memcpy(line, p, k);
	while (k && (line[k - 1] == '\r' || line[k - 1] == '\n'))
		k--;
	line[k] = '\0';
	colon = strchr(line, ':');
	if (!colon)
		return len;
	*colon = '\0';
	value = colon + 1;
	if (!strcasecmp(line, "retry-after-ms") || !strcasecmp(line, "x-ms-retry-after-ms")) {
		if (!http_parse_retry_after_ms(&ms, value))
			c->retry_after_ms = ms;
	} else if (!strcasecmp(line, "retry-after")) {
		if (!http_parse_retry_after(&ms, value, time(NULL)))
			c->retry_after = ms;
	}
	return len;
}

struct http_engine *http_engine_new(const struct adapter_limits *limits, uint64_t seed,
				    const char *const *headers, http_final_fn final)
{
	static const struct adapter_limits defaults = ADAPTER_LIMITS_INIT;
	struct http_engine *e = xcalloc(1, sizeof(*e));
	size_t i;

	if (!curl_users++)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	e->lim = *limits;
	if (!e->lim.concurrency)
		e->lim.concurrency = defaults.concurrency;
	if (!e->lim.attempts)
		e->lim.attempts = defaults.attempts;
	if (!(e->lim.timeout_s > 0))
		e->lim.timeout_s = defaults.timeout_s;
	if (!e->lim.body_cap)
		e->lim.body_cap = defaults.body_cap;
	if (!(e->lim.deadline_s > 0))
		e->lim.deadline_s = defaults.deadline_s;
	rng_seed(&e->rng, rng_mix(seed, 0x68747470 /* "http" */));
	e->n_rep = 1;
	e->rep = xcalloc(1, sizeof(*e->rep));
	e->stat = xcalloc(1, sizeof(*e->stat));
	e->rep[0].base = xstrdup("");
	e->rep[0].cap = e->lim.concurrency;
	e->stat[0].url = e->rep[0].base;
	e->final = final;
	http_bucket_init(&e->rpm, e->lim.rpm, now_ms());
	http_bucket_init(&e->tpm, e->lim.tpm, now_ms());
	e->user_agent = xstrfmt("receval/%s", receval_version);
	for (i = 0; headers && headers[i]; i++)
		e->headers = curl_slist_append(e->headers, headers[i]);
	/* no "Expect: 100-continue" round trip before larger bodies */
	e->headers = curl_slist_append(e->headers, "Expect:");
	e->multi = curl_multi_init();
	if (!e->multi || !e->headers) {
		fprintf(stderr, "receval: cannot initialise libcurl\n");
		abort();
	}
	/* idle connections kept for reuse: one per transfer slot */
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)e->lim.concurrency + 4);
	return e;
}

static void call_free(struct call *c)
{
	if (c->easy) {
		curl_multi_remove_handle(c->e->multi, c->easy);
		curl_easy_cleanup(c->easy);
	}
	strbuf_release(&c->resp);
	free(c->url);
	free(c->body);
	free(c);
}

/* Hand c back as finished (outcome, error) and free it. */
static void finish(struct http_engine *e, struct call *c, enum http_outcome outcome, char *err, int fatal)
{
	struct http_result *r;

	if (e->done_head && e->done_head * 2 >= e->n_done) {
		memmove(e->done, e->done + e->done_head, (e->n_done - e->done_head) * sizeof(*e->done));
		e->n_done -= e->done_head;
		e->done_head = 0;
	}
	ALLOC_GROW(e->done, e->n_done + 1, e->alloc_done);
	r = &e->done[e->n_done++];
	memset(r, 0, sizeof(*r));
	r->id = c->id;
	r->priv = c->priv;
	r->outcome = outcome;
	r->error = err;
	r->fatal = fatal;
	r->attempts = c->attempts;
	r->latency_ms = now_ms() - c->submitted_ms;
	r->est_tokens = c->est_tokens;
	r->replica = c->replica < e->n_rep ? c->replica : 0;
	if (outcome != HTTP_CANCELLED && c->easy == NULL) {
		r->body_len = c->resp.len;
		r->body = c->resp.len ? strbuf_detach(&c->resp, NULL) : NULL;
	}
	call_free(c);
}

void http_engine_submit(struct http_engine *e, uint64_t id, void *priv, const char *url,
			char *body, size_t len, double est_tokens)
{
	struct call *c = xcalloc(1, sizeof(*c));

	c->e = e;
	c->id = id;
	c->priv = priv;
	c->url = xstrdup(url);
	c->body = body;
	c->len = len;
	c->est_tokens = est_tokens;
	c->replica = c->avoid = SIZE_MAX;
	c->submitted_ms = now_ms();
	strbuf_init(&c->resp, 0);
	if (e->aborted) {
		finish(e, c, HTTP_CANCELLED, NULL, 0);
		return;
	}
	if (e->fresh_head && e->fresh_head * 2 >= e->n_fresh) {
		memmove(e->fresh, e->fresh + e->fresh_head, (e->n_fresh - e->fresh_head) * sizeof(*e->fresh));
		e->n_fresh -= e->fresh_head;
		e->fresh_head = 0;
	}
	ALLOC_GROW(e->fresh, e->n_fresh + 1, e->alloc_fresh);
	e->fresh[e->n_fresh++] = c;
}

static void running_remove(struct http_engine *e, struct call *c)
{
	struct call *last = e->running[--e->n_running];

	if (c->replica < e->n_rep && e->rep[c->replica].running)
		e->rep[c->replica].running--;
	e->running[c->slot] = last;
	last->slot = c->slot;
}

/* Milliseconds left before c's deadline (--sample-deadline), counted from its first attempt. */
static double deadline_left(const struct http_engine *e, const struct call *c, double now)
{
	return (c->first_ms ? c->first_ms : now) + e->lim.deadline_s * 1000 - now;
}

/*
 * Why c gave up at its deadline; wait_ms: the wait before its next attempt,
 * 0 when none; asked: the server asked for it (Retry-After), else it is the
 * backoff, which no server asked for.
 */
static char *deadline_text(const struct http_engine *e, const struct call *c, double wait_ms, int asked)
{
	if (wait_ms > 0)
		return xstrfmt("no answer within the sample deadline (%g s) after %u attempt%s: %s %.0f s more "
			       "(--sample-deadline)", e->lim.deadline_s, c->attempts, c->attempts == 1 ? "" : "s",
			       asked ? "the server asked to wait" : "the next attempt was due in", wait_ms / 1000);
	return xstrfmt("no answer within the sample deadline (%g s) after %u attempt%s (--sample-deadline)",
		       e->lim.deadline_s, c->attempts, c->attempts == 1 ? "" : "s");
}

/* Start one attempt of c on replica r. */
static void start_attempt(struct http_engine *e, struct call *c, size_t r)
{
	CURL *h;
	double ms;
	long timeout_ms;
	char *url;

	if (!c->first_ms)
		c->first_ms = now_ms();
	/*
	 * No attempt outlives the deadline. In doubles until the end: --timeout
	 * 1e16 is past a long's milliseconds, and converting it was undefined
	 * (LONG_MIN on x86: every sample failed "after 0 attempts").
	 */
	ms = fmin(e->lim.timeout_s * 1000, ceil(deadline_left(e, c, now_ms())));
	if (!(ms > 0)) {
		finish(e, c, HTTP_FAILED, deadline_text(e, c, 0, 0), 0);
		return;
	}
	timeout_ms = ms < (double)LONG_MAX ? (long)ms : LONG_MAX;
	h = curl_easy_init();
	url = xstrfmt("%s%s", e->rep[r].base, c->url);
	c->attempts++;
	c->replica = r;
	e->stat[r].requests++;
	if (!h) {
		free(url);
		finish(e, c, HTTP_FAILED, xstrdup("cannot create a transfer (libcurl)"), 0);
		return;
	}
	strbuf_reset(&c->resp);
	c->over_cap = 0;
	c->retry_after = c->retry_after_ms = -1;
	c->errbuf[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);  /* libcurl keeps a copy */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->body);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->len);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, e->headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, e->user_agent);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, c);
	curl_easy_setopt(h, CURLOPT_PRIVATE, c);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	/* HTTP/2 servers: wait for the connection being set up and multiplex on it */
	if (!strncasecmp(url, "https:", 6))
		curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
	free(url);
	/* TLS peer and host verification stay at libcurl's default: on */
	if (curl_multi_add_handle(e->multi, h) != CURLM_OK) {
		curl_easy_cleanup(h);
		finish(e, c, HTTP_FAILED, xstrdup("cannot start a transfer (libcurl)"), 0);
		return;
	}
	c->easy = h;
	e->rep[r].running++;
	ALLOC_GROW(e->running, e->n_running + 1, e->alloc_running);
	c->slot = e->n_running;
	e->running[e->n_running++] = c;
}

/* Whether replica r may take another request now. */
static int replica_free(const struct http_engine *e, size_t r, double now)
{
	const struct replica *p = &e->rep[r];

	return p->rested_until <= now && p->running < (p->probing ? 1 : p->cap);
}

/*
 * The replica for a request: the one with the fewest in flight among those
 * not rested and not full, fewest requests so far breaking ties, avoid
 * (the replica that just failed the request) only when no other will do.
 * SIZE_MAX when none can take it now.
 */
static size_t pick_replica(const struct http_engine *e, size_t avoid, double now)
{
	size_t i, best = SIZE_MAX;

	for (i = 0; i < e->n_rep; i++) {
		if (i == avoid || !replica_free(e, i, now))
			continue;
		if (best == SIZE_MAX || e->rep[i].running < e->rep[best].running ||
		    (e->rep[i].running == e->rep[best].running && e->stat[i].requests < e->stat[best].requests))
			best = i;
	}
	if (best == SIZE_MAX && avoid < e->n_rep && replica_free(e, avoid, now))
		best = avoid;
	return best;
}

/*
 * Start what may start: retries that are due first (they are older), then
 * fresh requests, while a replica has a free slot and both buckets allow.
 * Returns when (ms, absolute) something not yet startable could start, or
 * INFINITY.
 */
static double start_ready(struct http_engine *e, double now)
{
	double wake = INFINITY;
	size_t i;

	if (e->aborted)
		return wake;
	for (;;) {
		struct call *c = NULL;
		size_t ri = SIZE_MAX, r;
		double w;

		for (i = 0; i < e->n_retry; i++)
			if (e->retry[i]->not_before_ms <= now &&
			    (ri == SIZE_MAX || e->retry[i]->not_before_ms < e->retry[ri]->not_before_ms))
				ri = i;
		if (ri != SIZE_MAX)
			c = e->retry[ri];
		else if (e->fresh_head < e->n_fresh)
			c = e->fresh[e->fresh_head];
		if (!c)
			break;
		r = pick_replica(e, c->avoid, now);
		if (r == SIZE_MAX)
			break;
		w = fmax(http_bucket_wait(&e->rpm, 1, now), http_bucket_wait(&e->tpm, c->est_tokens, now));
		if (w > 0) {
			wake = now + w;
			break;
		}
		if (ri != SIZE_MAX)
			e->retry[ri] = e->retry[--e->n_retry];
		else
			e->fresh_head++;
		http_bucket_take(&e->rpm, 1, now);
		http_bucket_take(&e->tpm, c->est_tokens, now);
		start_attempt(e, c, r);
	}
	for (i = 0; i < e->n_retry; i++)
		if (e->retry[i]->not_before_ms > now)
			wake = fmin(wake, e->retry[i]->not_before_ms);
	/* a rested replica coming back may take what waits */
	for (i = 0; i < e->n_rep; i++)
		if (e->rep[i].rested_until > now)
			wake = fmin(wake, e->rep[i].rested_until);
	return wake;
}

static int retryable_status(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/* Transport failures another attempt may cure. */
static int retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_WEIRD_SERVER_REPLY:
		return 1;
	default:
		return 0;
	}
}

/* Configuration errors no retry can fix. */
static int fatal_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return 1;
	default:
		return 0;
	}
}

static const char *plural(unsigned n)
{
	return n == 1 ? "" : "s";
}

/* "8 MiB", "512 KiB" or "1000 bytes". */
static char *size_text(size_t n)
{
	if (n >= (1 << 20) && !(n % (1 << 20)))
		return xstrfmt("%zu MiB", n >> 20);
	if (n >= 1024 && !(n % 1024))
		return xstrfmt("%zu KiB", n >> 10);
	return xstrfmt("%zu bytes", n);
}

/* curl's message for rc, one line: its error buffer when it has one. */
static const char *curl_text(const struct call *c, CURLcode rc)
{
	return c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc);
}

static void schedule_retry(struct http_engine *e, struct call *c)
{
	double delay;
	int asked = 1;   /* the server said how long (Retry-After), else it is our backoff */

	if (c->retry_after_ms >= 0) {
		delay = c->retry_after_ms;
	} else if (c->retry_after >= 0) {
		delay = c->retry_after;
	} else {
		delay = http_backoff_ms(&e->rng, c->attempts - 1);
		asked = 0;
	}
	delay = fmin(delay, HTTP_RETRY_AFTER_MAX_MS);
	/* a wait that would end past the deadline is not waited: the request fails now */
	if (delay >= deadline_left(e, c, now_ms())) {
		finish(e, c, HTTP_FAILED, deadline_text(e, c, delay, asked), 0);
		return;
	}
	c->not_before_ms = now_ms() + delay;
	ALLOC_GROW(e->retry, e->n_retry + 1, e->alloc_retry);
	e->retry[e->n_retry++] = c;
}

/* Whether another replica than r can serve requests (now or once its slots free up). */
static int other_replica(const struct http_engine *e, size_t r, double now)
{
	size_t i;

	for (i = 0; i < e->n_rep; i++)
		if (i != r && e->rep[i].rested_until <= now)
			return 1;
	return 0;
}

/*
 * The replica of c's attempt failed it (a refused, broken or timed-out
 * connection, or 5xx): count it, rest the replica when it keeps failing,
 * and, when another replica can serve, queue c again at once without
 * counting the attempt. Returns 1 when c was queued again.
 */
static int replica_failed(struct http_engine *e, struct call *c, CURLcode rc)
{
	struct replica *p;
	double now = now_ms();

	if (c->replica >= e->n_rep || e->n_rep < 2)
		return 0;
	p = &e->rep[c->replica];
	e->stat[c->replica].failures++;
	p->in_row++;
	if (p->rested_until <= now &&
	    (p->probing || p->in_row >= HTTP_REPLICA_FAILURES || rc == CURLE_COULDNT_CONNECT)) {
		p->rested_until = now + http_rest_ms(p->rest_level);
		p->rest_level++;
		p->in_row = 0;
		p->probing = 1;
		e->stat[c->replica].rests++;
	}
	if (e->aborted || !other_replica(e, c->replica, now) || c->failovers >= e->lim.attempts * e->n_rep)
		return 0;
	c->failovers++;
	c->attempts--;
	c->avoid = c->replica;
	c->not_before_ms = now;
	ALLOC_GROW(e->retry, e->n_retry + 1, e->alloc_retry);
	e->retry[e->n_retry++] = c;
	return 1;
}

/* The replica of c's attempt answered: it is healthy again. */
static void replica_answered(struct http_engine *e, const struct call *c)
{
	struct replica *p;

	if (c->replica >= e->n_rep)
		return;
	p = &e->rep[c->replica];
	p->in_row = 0;
	p->rest_level = 0;
	p->probing = 0;
}

/* An attempt of c ended with rc and status: retry it, or finish it. */
static void attempt_done(struct http_engine *e, struct call *c, CURLcode rc, long status)
{
	int more = c->attempts < e->lim.attempts && !e->aborted;
	char *cap;

	if (rc == CURLE_OK ? status >= 500 && status <= 504 && status != 501 : retryable_curl(rc)) {
		if (replica_failed(e, c, rc))
			return;
	} else if (rc == CURLE_OK) {
		replica_answered(e, c);
	}

	if (rc == CURLE_OK) {
		if (retryable_status(status) && !(e->final && e->final(status, c->resp.buf, c->resp.len))) {
			if (more) {
				schedule_retry(e, c);
				return;
			}
			finish(e, c, HTTP_FAILED, xstrfmt("HTTP %ld after %u attempt%s", status, c->attempts,
							  plural(c->attempts)), 0);
			e->done[e->n_done - 1].status = status;
			return;
		}
		finish(e, c, HTTP_RESPONSE, NULL, 0);
		e->done[e->n_done - 1].status = status;
		return;
	}
	if (c->over_cap) {
		cap = size_text(e->lim.body_cap);
		finish(e, c, HTTP_FAILED, xstrfmt("response body over %s", cap), 0);
		e->done[e->n_done - 1].status = status;
		free(cap);
		return;
	}
	if (retryable_curl(rc)) {
		if (more) {
			schedule_retry(e, c);
			return;
		}
		if (rc == CURLE_OPERATION_TIMEDOUT)
			finish(e, c, HTTP_FAILED, xstrfmt("timeout after %u attempt%s (%g s each)", c->attempts,
							  plural(c->attempts), e->lim.timeout_s), 0);
		else
			finish(e, c, HTTP_FAILED, xstrfmt("connection failed after %u attempt%s: %s", c->attempts,
							  plural(c->attempts), curl_text(c, rc)), 0);
		return;
	}
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE) {
		finish(e, c, HTTP_FAILED, xstrfmt("TLS certificate verification failed: %s (check the "
						  "endpoint's certificate, or point SSL_CERT_FILE at its CA)",
						  curl_text(c, rc)), 1);
		return;
	}
	finish(e, c, HTTP_FAILED, xstrfmt("request failed: %s", curl_text(c, rc)), fatal_curl(rc));
}

/* Finished transfers: retried or handed to done. Returns how many ended. */
static int collect(struct http_engine *e)
{
	CURLMsg *msg;
	int left, n = 0;

	while ((msg = curl_multi_info_read(e->multi, &left))) {
		CURL *h = msg->easy_handle;
		CURLcode rc = msg->data.result;
		struct call *c;
		char *p = NULL;
		long status = 0;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(h, CURLINFO_PRIVATE, &p);
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		c = (struct call *)(void *)p;
		running_remove(e, c);
		curl_multi_remove_handle(e->multi, h);
		curl_easy_cleanup(h);
		c->easy = NULL;
		attempt_done(e, c, rc, status);
		n++;
	}
	return n;
}

int http_engine_poll(struct http_engine *e, struct http_result *out, int timeout_ms)
{
	double deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);

	for (;;) {
		double now, wake, wait;
		int running;

		if (e->done_head < e->n_done) {
			*out = e->done[e->done_head++];
			return 1;
		}
		if (!http_engine_pending(e))
			return 0;
		now = now_ms();
		wake = start_ready(e, now);
		curl_multi_perform(e->multi, &running);
		if (collect(e))
			continue;
		now = now_ms();
		if (now >= deadline)
			return 0;
		wait = fmin(deadline, wake) - now;
		if (wait < 0)
			wait = 0;
		/* curl_multi_poll() shortens the wait further to curl's own timers */
		curl_multi_poll(e->multi, NULL, 0, (int)ceil(wait), NULL);
	}
}

size_t http_engine_in_flight(const struct http_engine *e)
{
	return e->n_running + (e->n_done - e->done_head);
}

size_t http_engine_pending(const struct http_engine *e)
{
	return (e->n_fresh - e->fresh_head) + e->n_retry + e->n_running + (e->n_done - e->done_head);
}

void http_engine_charge(struct http_engine *e, double est_tokens, double actual_tokens)
{
	http_bucket_adjust(&e->tpm, est_tokens - actual_tokens);
}

void http_engine_abort(struct http_engine *e)
{
	size_t i;

	e->aborted = 1;
	while (e->n_running) {
		struct call *c = e->running[e->n_running - 1];
		running_remove(e, c);
		finish(e, c, HTTP_CANCELLED, NULL, 0);
	}
	for (i = 0; i < e->n_retry; i++)
		finish(e, e->retry[i], HTTP_CANCELLED, NULL, 0);
	e->n_retry = 0;
	for (i = e->fresh_head; i < e->n_fresh; i++)
		finish(e, e->fresh[i], HTTP_CANCELLED, NULL, 0);
	e->fresh_head = e->n_fresh = 0;
}

int http_engine_aborted(const struct http_engine *e)
{
	return e->aborted;
}

void http_engine_free(struct http_engine *e)
{
	size_t i;

	if (!e)
		return;
	http_engine_abort(e);
	for (i = e->done_head; i < e->n_done; i++)
		http_result_release(&e->done[i]);
	free(e->done);
	free(e->fresh);
	free(e->retry);
	free(e->running);
	curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->headers);
	free(e->user_agent);
	for (i = 0; i < e->n_rep; i++)
		free(e->rep[i].base);
	free(e->rep);
	free(e->stat);
	free(e);
	if (!--curl_users)
		curl_global_cleanup();
}

void http_engine_set_replicas(struct http_engine *e, const char *const *bases, size_t n, unsigned per_replica)
{
	size_t i, total = 0;

	if (!n)
		return;
	for (i = 0; i < e->n_rep; i++)
		free(e->rep[i].base);
	free(e->rep);
	free(e->stat);
	e->n_rep = n;
	e->rep = xcalloc(n, sizeof(*e->rep));
	e->stat = xcalloc(n, sizeof(*e->stat));
	for (i = 0; i < n; i++) {
		e->rep[i].base = xstrdup(bases[i]);
		e->rep[i].cap = per_replica ? per_replica : e->lim.concurrency;
		e->stat[i].url = e->rep[i].base;
		total += e->rep[i].cap;
	}
	/* idle connections kept for reuse: one per transfer slot */
	curl_multi_setopt(e->multi, CURLMOPT_MAXCONNECTS, (long)total + 4);
}

size_t http_engine_capacity(const struct http_engine *e)
{
	size_t i, total = 0;

	for (i = 0; i < e->n_rep; i++)
		total += e->rep[i].cap;
	return total;
}

const char *http_engine_replica_url(const struct http_engine *e, size_t i)
{
	return i < e->n_rep ? e->rep[i].base : "";
}

size_t http_engine_replicas(const struct http_engine *e, const struct replica_stat **out)
{
	*out = e->stat;
	return e->n_rep;
}
