/* test_ux.c: what a user reads: model labels, error causes, the list prices only at the vendor's endpoint (issue 15). */
#include "tests/unit/test.h"
#include "eval/label.h"
#include "eval/run_errors.h"
#include "adapters/prices.h"
#include "lib/strbuf.h"

static void check_label(const char *spec, const char *endpoint, const char *want)
{
	char *got = spec_label(spec, endpoint);

	CHECK_STR(got, want);
	free(got);
}

TEST(label_names_a_model_readably)
{
	check_label("builtin:pop", NULL, "builtin:pop");
	check_label("openai:gpt-4o?label=mine&temperature=1", NULL, "mine");
	/* short specs stay whole; long ones keep provider, name and host */
	check_label("builtin:itemknn?neighbors=50", NULL, "builtin:itemknn?neighbors=50");
	/* (a user name in a URL is a credential: model_spec_parse() refuses it, issue 14) */
	check_label("openai:gpt-4?base_url=http://10.0.0.2:8000/v1", NULL, "openai:gpt-4@10.0.0.2:8000");
	check_label("openai:gpt-4?base_url=http://10.0.0.2:8000/v1&temperature=0.7", NULL,
		    "openai:gpt-4@10.0.0.2:8000?\xe2\x80\xa6");
	check_label("azure:dep?endpoint=https://x.openai.azure.com&api_version=v1", NULL,
		    "azure:dep@x.openai.azure.com?\xe2\x80\xa6");
	/* OPENAI_BASE_URL: the run's endpoint says where it went, unless it is OpenAI's own */
	check_label("openai:gpt-4o", "http://localhost:11434/v1", "openai:gpt-4o@localhost:11434");
	check_label("openai:gpt-4o", "https://api.openai.com/v1", "openai:gpt-4o");
	check_label("builtin:pop", "http://localhost:1/v1", "builtin:pop");
}

TEST(label_fit_keeps_head_and_tail)
{
	char *s = label_fit("openai:gpt-4o-mini@127.0.0.1:8000", 16);

	CHECK_INT(label_width(s), 16);
	CHECK_STR(s, "openai:g\xe2\x80\xa6"".1:8000");
	free(s);
	s = label_fit("short", 16);
	CHECK_STR(s, "short");
	free(s);
	/* characters, not bytes: "é" is one */
	CHECK_INT(label_width("caf\xc3\xa9"), 4);
	s = label_fit("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 5);
	CHECK_STR(s, "\xc3\xa9\xc3\xa9\xe2\x80\xa6\xc3\xa9\xc3\xa9");
	free(s);
}

TEST(error_cause_drops_the_servers_words)
{
	char *c = error_cause("HTTP 500 after 6 attempts: boom (request 7)");

	CHECK_STR(c, "HTTP 500 after 6 attempts");
	free(c);
	c = error_cause("timeout after 6 attempts (60 s each)");
	CHECK_STR(c, "timeout after 6 attempts (60 s each)");
	free(c);
	c = error_cause(NULL);
	CHECK_STR(c, "unknown error");
	free(c);
}

TEST(errwatch_stops_after_identical_connection_failures)
{
	struct error_watch w;
	struct llm_answer a;
	int i, stop = 0;

	errwatch_init(&w, "openai:m", 1);
	memset(&a, 0, sizeof(a));
	a.status = LLM_ERROR;
	a.error = "connection failed after 6 attempts: Couldn't connect to server";
	for (i = 0; i < ERRWATCH_SAME_MAX - 1; i++)
		stop |= errwatch_answer(&w, &a);
	CHECK_INT(stop, 0);
	/* an answer in between starts the count again */
	a.status = LLM_OK;
	CHECK_INT(errwatch_answer(&w, &a), 0);
	a.status = LLM_ERROR;
	for (i = 0; i < ERRWATCH_SAME_MAX - 1; i++)
		stop |= errwatch_answer(&w, &a);
	CHECK_INT(stop, 0);
	CHECK_INT(errwatch_answer(&w, &a), 1);
	CHECK(w.stop && strstr(w.stop, "8 requests in a row") != NULL);
	CHECK_INT(w.errors, 2 * ERRWATCH_SAME_MAX - 1);
	errwatch_release(&w);

	/* HTTP errors never stop a run early: the server is there, and answers other requests */
	errwatch_init(&w, "openai:m", 1);
	a.error = "HTTP 500 after 6 attempts: boom";
	for (i = 0; i < 3 * ERRWATCH_SAME_MAX; i++)
		stop |= errwatch_answer(&w, &a);
	CHECK_INT(stop, 0);
	errwatch_release(&w);
}

TEST(list_prices_only_at_the_vendors_endpoint)
{
	struct model_spec s;
	struct price p;

	CHECK_INT(model_spec_parse(&s, "openai:gpt-4o-mini"), 0);
	CHECK_INT(price_for(&p, &s, "https://api.openai.com/v1"), 0);
	CHECK_NEAR(p.in, 0.15, 1e-12);
	CHECK_INT(price_for(&p, &s, "http://localhost:8000/v1"), 0);
	CHECK(isnan(p.in) && isnan(p.out));
	CHECK_INT(price_for(&p, &s, NULL), 0);
	CHECK(isnan(p.in));
	model_spec_release(&s);
	CHECK_INT(model_spec_parse(&s, "openai:gpt-4o-mini?price_in=1&price_out=2&label=x"), 0);
	CHECK_INT(price_for(&p, &s, "http://localhost:8000/v1"), 0);
	CHECK_NEAR(p.in, 1, 0);
	CHECK_NEAR(p.out, 2, 0);
	{
		/* label and prices are receval's: the backend never sees them */
		struct model_spec b;
		model_spec_without_prices(&b, &s);
		CHECK_INT(b.n_params, 0);
		model_spec_release(&b);
	}
	model_spec_release(&s);
}

/* bug: a model's invalid UTF-8 went raw into show --samples and export's JSON lines, which JSON readers then refused */
TEST(json_string_replaces_bytes_that_are_not_utf8)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_add_json(&sb, "Toy \xc3(1995) \x80\xbf \xc0\xaf \xed\xa0\x80 \xf0\x9f\x98");
	CHECK_STR(sb.buf, "\"Toy \xef\xbf\xbd(1995) \xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
	strbuf_reset(&sb);
	strbuf_add_json(&sb, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac \xef\xbf\xbd \"\n\x7f");
	CHECK_STR(sb.buf, "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x8e\xac \xef\xbf\xbd \\\"\\n\x7f\"");
	strbuf_release(&sb);
}
