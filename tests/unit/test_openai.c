/* test_openai.c: the remote-model engine's pure pieces (Retry-After, backoff, token estimates, rate buckets) and the providers' identity(). */
#include "tests/unit/test.h"
#include "adapters/http.h"

/* 2015-10-21T07:28:00Z as seconds since the epoch: "now" for the HTTP-date cases */
#define OCT21 ((time_t)1445412480)

TEST(retry_after_seconds)
{
	double ms = -1;

	CHECK_INT(http_parse_retry_after(&ms, "20", OCT21), 0);
	CHECK_NEAR(ms, 20000, 1e-9);
	CHECK_INT(http_parse_retry_after(&ms, " 0 ", OCT21), 0);
	CHECK_NEAR(ms, 0, 1e-9);
	CHECK_INT(http_parse_retry_after(&ms, "1.5", OCT21), 0);
	CHECK_NEAR(ms, 1500, 1e-9);
	ms = 7;
	CHECK_INT(http_parse_retry_after(&ms, "-3", OCT21), -1);
	CHECK_INT(http_parse_retry_after(&ms, "", OCT21), -1);
	CHECK_INT(http_parse_retry_after(&ms, "soon", OCT21), -1);
	CHECK_INT(http_parse_retry_after(&ms, "5s", OCT21), -1);
	CHECK_NEAR(ms, 7, 0);  /* untouched on failure */
}

TEST(retry_after_http_date)
{
	double ms = -1;

	/* IMF-fixdate, 90 s ahead */
	CHECK_INT(http_parse_retry_after(&ms, "Wed, 21 Oct 2015 07:29:30 GMT", OCT21), 0);
	CHECK_NEAR(ms, 90000, 1e-9);
	/* the obsolete forms RFC 9110 still asks recipients to read: RFC 850 and asctime */
	CHECK_INT(http_parse_retry_after(&ms, "Wednesday, 21-Oct-15 07:28:05 GMT", OCT21), 0);
	CHECK_NEAR(ms, 5000, 1e-9);
	CHECK_INT(http_parse_retry_after(&ms, "Wed Oct 21 07:28:02 2015", OCT21), 0);
	CHECK_NEAR(ms, 2000, 1e-9);
	/* a date already past means now */
	CHECK_INT(http_parse_retry_after(&ms, "Wed, 21 Oct 2015 07:00:00 GMT", OCT21), 0);
	CHECK_NEAR(ms, 0, 0);
}

TEST(retry_after_ms)
{
	double ms = -1;

	CHECK_INT(http_parse_retry_after_ms(&ms, "250"), 0);
	CHECK_NEAR(ms, 250, 0);
	CHECK_INT(http_parse_retry_after_ms(&ms, " 12.5"), 0);
	CHECK_NEAR(ms, 12.5, 0);
	CHECK_INT(http_parse_retry_after_ms(&ms, "abc"), -1);
	CHECK_INT(http_parse_retry_after_ms(&ms, "-1"), -1);
	CHECK_INT(http_parse_retry_after_ms(&ms, "Wed, 21 Oct 2015 07:29:30 GMT"), -1);
}

/* Full jitter: every delay in [0, min(cap, base 2^r)], spread over the range, reproducible from the seed. */
TEST(backoff_bounds)
{
	struct rng r, again;
	unsigned retry;
	int i;

	rng_seed(&r, 42);
	rng_seed(&again, 42);
	for (retry = 0; retry < 40; retry++) {
		double ceiling = fmin(HTTP_BACKOFF_CAP_MS, HTTP_BACKOFF_BASE_MS * pow(2, retry));
		double lo = INFINITY, hi = 0, sum = 0;

		for (i = 0; i < 2000; i++) {
			double d = http_backoff_ms(&r, retry);
			CHECK(d >= 0 && d <= ceiling);
			CHECK_NEAR(http_backoff_ms(&again, retry), d, 0);
			lo = fmin(lo, d);
			hi = fmax(hi, d);
			sum += d;
		}
		/* the whole range is used, mean near the middle */
		CHECK(lo < 0.01 * ceiling);
		CHECK(hi > 0.99 * ceiling);
		CHECK_NEAR(sum / 2000 / ceiling, 0.5, 0.05);
	}
	CHECK_NEAR(HTTP_BACKOFF_BASE_MS, 500, 0);
	CHECK_NEAR(HTTP_BACKOFF_CAP_MS, 30000, 0);
}

TEST(token_estimate)
{
	const char *msgs[] = { "You rank movies.", "12345678", "" };
	const char *inputs[] = { "abcd", "abcde" };

	/* ceil(16/4) + ceil(8/4) + 0, plus 4 framing per message, plus the completion allowance */
	CHECK_NEAR(http_estimate_tokens(msgs, 3, 4, 100), 4 + 2 + 0 + 12 + 100, 0);
	CHECK_NEAR(http_estimate_tokens(msgs, 3, 4, 0), 18, 0);
	/* embeddings: no framing, no completion: 1 + 2 */
	CHECK_NEAR(http_estimate_tokens(inputs, 2, 0, 0), 3, 0);
	/* bytes, not characters: "é" is 2 bytes */
	{
		const char *u[] = { "\xc3\xa9\xc3\xa9\xc3\xa9" };
		CHECK_NEAR(http_estimate_tokens(u, 1, 0, 0), 2, 0);
	}
}

TEST(bucket_pacing)
{
	struct http_bucket b;
	int i;

	/* 60 per minute: a full minute's burst, then one per second */
	http_bucket_init(&b, 60, 0);
	for (i = 0; i < 60; i++) {
		CHECK_NEAR(http_bucket_wait(&b, 1, 0), 0, 0);
		http_bucket_take(&b, 1, 0);
	}
	CHECK_NEAR(http_bucket_wait(&b, 1, 0), 1000, 1e-6);
	CHECK_NEAR(http_bucket_wait(&b, 1, 400), 600, 1e-6);
	CHECK_NEAR(http_bucket_wait(&b, 1, 1000), 0, 1e-6);
	http_bucket_take(&b, 1, 1000);
	/* refill never exceeds the capacity */
	CHECK_NEAR(http_bucket_wait(&b, 60, 3600000), 0, 0);
	CHECK_NEAR(http_bucket_wait(&b, 61, 3600000), 0, 0);  /* more than a minute's worth: a full bucket will do */
	http_bucket_take(&b, 90, 3600000);
	CHECK_NEAR(b.level, -30, 1e-9);
	CHECK_NEAR(http_bucket_wait(&b, 1, 3600000), 31000, 1e-6);
	/* corrections: an overestimate comes back, never above the capacity */
	http_bucket_adjust(&b, 20);
	CHECK_NEAR(b.level, -10, 1e-9);
	http_bucket_adjust(&b, 1000);
	CHECK_NEAR(b.level, 60, 1e-9);
	/* rate 0: unlimited */
	http_bucket_init(&b, 0, 0);
	http_bucket_take(&b, 1e9, 0);
	CHECK_NEAR(http_bucket_wait(&b, 1e9, 0), 0, 0);
}

/* identity(): what decides an answer, canonical, and never the key. */
static char *identity_of(const struct adapter *ad, const char *text)
{
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT, 0 };
	struct model_spec spec;
	struct model *m = NULL;
	char *id = NULL;

	if (model_spec_parse(&spec, text) < 0)
		return NULL;
	if (!ad->open(&m, &spec, &data)) {
		id = ad->identity(m);
		ad->free(m);
	}
	model_spec_release(&spec);
	return id;
}

TEST(openai_identity)
{
	char *id;

	setenv("OPENAI_API_KEY", "sk-unit-secret", 1);
	unsetenv("OPENAI_BASE_URL");
	id = identity_of(&openai_adapter, "openai:gpt-test?base_url=http://127.0.0.1:9/v1/&temperature=0.50&seed=3");
	CHECK_STR(id, "provider=openai\nbase_url=http://127.0.0.1:9/v1\nmodel=gpt-test\ntemperature=0.5\nseed=3\n");
	free(id);
	id = identity_of(&openai_adapter, "openai:gpt-test?max_tokens=20&top_p=1&embedding_model=emb");
	CHECK_STR(id, "provider=openai\nbase_url=https://api.openai.com/v1\nmodel=gpt-test\ntemperature=0\n"
		      "max_tokens=20\ntop_p=1\nembedding_model=emb\n");
	CHECK(!id || !strstr(id, "sk-unit-secret"));
	free(id);
	unsetenv("OPENAI_API_KEY");

	setenv("AZURE_OPENAI_API_KEY", "az-unit-secret", 1);
	unsetenv("AZURE_OPENAI_API_VERSION");
	id = identity_of(&azure_adapter, "azure:dep?endpoint=https://x.openai.azure.com");
	CHECK_STR(id, "provider=azure\nendpoint=https://x.openai.azure.com\ndeployment=dep\n"
		      "api_version=2024-10-21\ntemperature=0\n");
	CHECK(!id || !strstr(id, "az-unit-secret"));
	free(id);
	id = identity_of(&azure_adapter, "azure:dep?endpoint=https://x.openai.azure.com&api_version=v1");
	CHECK_STR(id, "provider=azure\nendpoint=https://x.openai.azure.com\ndeployment=dep\napi_version=v1\n"
		      "temperature=0\n");
	free(id);
	unsetenv("AZURE_OPENAI_API_KEY");
}
