/* openai.c: the openai and azure providers: chat completions and embeddings from OpenAI, Azure OpenAI or an OpenAI-compatible server. */
#include <strings.h>
#include <cJSON.h>
#include "adapters/adapter.h"
#include "adapters/http.h"
#include "adapters/openai_read.h"
#include "adapters/pool.h"
#include "lib/strbuf.h"
#include "lib/utf8.h"

#define OPENAI_DEFAULT_BASE_URL "https://api.openai.com/v1"
/* The latest GA data-plane inference version of the classic Azure OpenAI API. */
#define AZURE_DEFAULT_API_VERSION "2024-10-21"
/* Server messages quoted in an answer's error are cut to this many bytes. */
#define MESSAGE_MAX 240

enum flavour { FLAVOUR_OPENAI, FLAVOUR_AZURE };

struct model {
	enum flavour flavour;
	char *name;              /* the model (openai) or the deployment (azure) */
	char *base;              /* base_url (openai) or endpoint (azure): its replicas sorted, '|'-joined (pool.identity) */
	struct pool pool;        /* the replicas: one URL, or several (URL1|URL2|...) */
	long replica_cc;         /* replica_concurrency: requests in flight on each replica (0: --concurrency) */
	char *api_version;       /* azure */
	int v1;                  /* azure with api_version=v1: /openai/v1/..., "model" in the body */
	char *embedding_model;   /* NULL: name */
	char *temperature;       /* as sent: "0", "0.7" */
	char *top_p;             /* NULL: not sent */
	long max_tokens;         /* 0: not sent */
	long seed;
	int has_seed;
	const char *key_var;     /* the variable whose secret is sent, or NULL */
	char *chat_url, *embed_url;  /* paths after a replica's URL */
	char *secrets[2];        /* the values to scrub from any text we hand out */
	char *fatal;             /* why the engine was stopped (an earlier fatal answer) */
	struct http_engine *engine;
};

/* What poll() must know of a request to read its answer. */
struct pending {
	enum llm_kind kind;
	size_t n_input;
};

/* --- small helpers ------------------------------------------------------- */

/* The number as JSON writes it, shortest form that reads back the same. */
static char *num_text(double v)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "%.15g", v);
	if (strtod(buf, NULL) != v)
		snprintf(buf, sizeof(buf), "%.17g", v);
	return xstrdup(buf);
}

/* Percent-encode s for a URL path segment or query value (RFC 3986 unreserved kept). */
static void add_escaped(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
			strbuf_addch(sb, ch);
		else
			strbuf_addf(sb, "%%%02X", ch);
	}
}

/*
 * s as one line of at most max bytes: control characters and runs of white
 * space become one space, a byte that is not UTF-8 U+FFFD (a proxy's
 * Latin-1 page went to the terminal and the database as it came); a cut
 * ends in "..." and never splits a UTF-8 character.
 */
static char *one_line(const char *s, size_t len, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, n;

	for (i = 0; i < len && s[i]; i += n) {
		unsigned char ch = (unsigned char)s[i];
		n = ch < 0x80 ? 1 : utf8_len(s + i, len - i);
		if (ch < 0x20 || ch == 0x7f || ch == ' ') {
			if (sb.len && sb.buf[sb.len - 1] != ' ')
				strbuf_addch(&sb, ' ');
			continue;
		}
		if (n) {
			strbuf_add(&sb, s + i, n);
		} else {
			strbuf_addstr(&sb, UTF8_REPLACEMENT);
			n = 1;
		}
	}
	while (sb.len && sb.buf[sb.len - 1] == ' ')
		strbuf_setlen(&sb, sb.len - 1);
	if (sb.len > max) {
		size_t cut = max;
		while (cut && ((unsigned char)sb.buf[cut] & 0xc0) == 0x80)
			cut--;
		strbuf_setlen(&sb, cut);
		strbuf_addstr(&sb, "...");
	}
	return strbuf_detach(&sb, NULL);
}

/*
 * Replace every occurrence of a secret in *text (owned) by "[redacted]". A
 * key under 8 bytes is a placeholder ('x', 'EMPTY', 'ollama': what local
 * servers' guides set), no secret: scrubbing OPENAI_API_KEY=k turned every
 * "k" of every message into "[redacted]" ("the server as[redacted]ed").
 */
static void scrub(const struct model *m, char **text)
{
	size_t i;

	for (i = 0; *text && i < ARRAY_SIZE(m->secrets); i++) {
		const char *sec = m->secrets[i], *p, *from;
		struct strbuf sb = STRBUF_INIT;

		if (!sec || strlen(sec) < 8 || !strstr(*text, sec))
			continue;
		for (from = *text; (p = strstr(from, sec)); from = p + strlen(sec)) {
			strbuf_add(&sb, from, (size_t)(p - from));
			strbuf_addstr(&sb, "[redacted]");
		}
		strbuf_addstr(&sb, from);
		free(*text);
		*text = strbuf_detach(&sb, NULL);
	}
}

static const char *json_string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/*
 * The server's own explanation of an error body: {"error": {"message",
 * "code", "innererror": {"code"}}} (OpenAI, Azure), {"error": "text"}
 * (some compatible servers), {"message"}, or the text itself when the body
 * is not JSON (a proxy's HTML page). *code gets error.code, then
 * innererror.code ("" when none); the message is one line (caller frees)
 * or NULL.
 */
static char *server_message(const char *body, size_t len, char *code, size_t code_size)
{
	cJSON *root, *err;
	const char *msg = NULL, *c = NULL;
	char *out = NULL;

	code[0] = '\0';
	if (!body || !len)
		return NULL;
	root = cJSON_ParseWithLength(body, len);
	if (!root)
		return one_line(body, len, MESSAGE_MAX);
	err = cJSON_GetObjectItemCaseSensitive(root, "error");
	if (cJSON_IsString(err)) {
		/* {"error": "Internal Server Error", "message": "what went wrong"} (Fastify, Express): both say something */
		const char *more = json_string(root, "message");
		if (more && *more && strcmp(more, err->valuestring)) {
			char *both = xstrfmt("%s: %s", err->valuestring, more);
			out = one_line(both, strlen(both), MESSAGE_MAX);
			free(both);
			cJSON_Delete(root);
			return out;
		}
		msg = err->valuestring;
	} else if (cJSON_IsObject(err)) {
		const cJSON *inner = cJSON_GetObjectItemCaseSensitive(err, "innererror");
		msg = json_string(err, "message");
		c = json_string(err, "code");
		if (!c && cJSON_IsObject(inner))
			c = json_string(inner, "code");
	} else {
		msg = json_string(root, "message");
	}
	if (c)
		snprintf(code, code_size, "%s", c);
	if (msg)
		out = one_line(msg, strlen(msg), MESSAGE_MAX);
	cJSON_Delete(root);
	return out;
}

/* Azure's refusal: 400 with error.code "content_filter" (innererror "ResponsibleAIPolicyViolation"). */
static int is_content_filter(const char *body, size_t len)
{
	cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *err = cJSON_GetObjectItemCaseSensitive(root, "error");
	const char *code = json_string(err, "code");
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(err, "innererror");
	const char *inner_code = json_string(inner, "code");
	int yes = (code && !strcmp(code, "content_filter")) ||
		  (inner_code && !strcmp(inner_code, "ResponsibleAIPolicyViolation"));

	cJSON_Delete(root);
	return yes;
}

/* OpenAI's 429 "insufficient_quota": out of credit, no retry helps. */
static int final_status(long status, const char *body, size_t len)
{
	char code[64];
	char *msg;

	if (status != 429)
		return 0;
	msg = server_message(body, len, code, sizeof(code));
	free(msg);
	return !strcmp(code, "insufficient_quota");
}

/* --- open ---------------------------------------------------------------- */

static int bad_param(const struct model_spec *spec, const char *key, const char *value, const char *want)
{
	return error("model '%s': %s '%s' is not %s", spec->text, key, value, want);
}

static int parse_params(struct model *m, const struct model_spec *spec)
{
	const char *v;
	double d;

	v = model_spec_get(spec, "temperature");
	if (v && (parse_double(v, &d) || !isfinite(d) || d < 0 || d > 2))
		return bad_param(spec, "temperature", v, "a number from 0 to 2");
	m->temperature = num_text(v ? d : 0);
	v = model_spec_get(spec, "top_p");
	if (v && (parse_double(v, &d) || !isfinite(d) || d < 0 || d > 1))
		return bad_param(spec, "top_p", v, "a number from 0 to 1");
	if (v)
		m->top_p = num_text(d);
	v = model_spec_get(spec, "max_tokens");
	if (v && (parse_long(v, &m->max_tokens) || m->max_tokens < 1))
		return bad_param(spec, "max_tokens", v, "a positive integer");
	v = model_spec_get(spec, "seed");
	if (v && parse_long(v, &m->seed))
		return bad_param(spec, "seed", v, "an integer");
	m->has_seed = v != NULL;
	v = model_spec_get(spec, "replica_concurrency");
	if (v && (parse_long(v, &m->replica_cc) || m->replica_cc < 1 || m->replica_cc > 4096))
		return bad_param(spec, "replica_concurrency", v, "a whole number from 1 to 4096");
	v = model_spec_get(spec, "embedding_model");
	if (v && !*v)
		return bad_param(spec, "embedding_model", v, "a model name");
	if (v)
		m->embedding_model = xstrdup(v);
	return 0;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int open_openai(struct model *m, const struct model_spec *spec, struct strbuf *auth)
{
	static const char *const keys[] = {
		"base_url", "temperature", "max_tokens", "seed", "top_p", "embedding_model", "replica_concurrency", NULL
	};
	const char *base = model_spec_get(spec, "base_url"), *key = env("OPENAI_API_KEY");

	if (model_spec_check_keys(spec, keys) < 0 || parse_params(m, spec) < 0)
		return -1;
	if (!base)
		base = env("OPENAI_BASE_URL");
	if (pool_parse(&m->pool, spec, "base_url", base ? base : OPENAI_DEFAULT_BASE_URL) < 0)
		return -1;
	m->base = xstrdup(m->pool.identity);
	if (key) {
		strbuf_addf(auth, "Authorization: Bearer %s", key);
		m->secrets[0] = xstrdup(key);
		m->key_var = "OPENAI_API_KEY";
	} else if (strcasestr(m->base, "https://api.openai.com")) {
		/* a local server needs no key; OpenAI's own always does */
		return error("model '%s': OPENAI_API_KEY is not set (base_url %s needs it)", spec->text, m->base);
	}
	m->chat_url = xstrdup("/chat/completions");
	m->embed_url = xstrdup("/embeddings");
	return 0;
}

static int open_azure(struct model *m, const struct model_spec *spec, struct strbuf *auth)
{
	static const char *const keys[] = {
		"endpoint", "api_version", "temperature", "max_tokens", "seed", "top_p", "embedding_model",
		"replica_concurrency", NULL
	};
	const char *endpoint = model_spec_get(spec, "endpoint"), *ver = model_spec_get(spec, "api_version");
	const char *key = env("AZURE_OPENAI_API_KEY"), *token = env("AZURE_OPENAI_AD_TOKEN");
	struct strbuf url = STRBUF_INIT;

	if (model_spec_check_keys(spec, keys) < 0 || parse_params(m, spec) < 0)
		return -1;
	if (!endpoint)
		endpoint = env("AZURE_OPENAI_ENDPOINT");
	if (!endpoint)
		return error("model '%s' has no endpoint: add ?endpoint=https://NAME.openai.azure.com "
			     "or set AZURE_OPENAI_ENDPOINT", spec->text);
	if (pool_parse(&m->pool, spec, "endpoint", endpoint) < 0)
		return -1;
	m->base = xstrdup(m->pool.identity);
	if (!ver)
		ver = env("AZURE_OPENAI_API_VERSION");
	if (ver && !*ver)
		return bad_param(spec, "api_version", ver, "a version such as " AZURE_DEFAULT_API_VERSION " or v1");
	m->api_version = xstrdup(ver ? ver : AZURE_DEFAULT_API_VERSION);
	m->v1 = !strcmp(m->api_version, "v1");
	if (key) {
		strbuf_addf(auth, "api-key: %s", key);
		m->key_var = "AZURE_OPENAI_API_KEY";
	} else if (token) {
		strbuf_addf(auth, "Authorization: Bearer %s", token);
		m->key_var = "AZURE_OPENAI_AD_TOKEN";
	} else {
		return error("model '%s': set AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN for Microsoft "
			     "Entra ID)", spec->text);
	}
	m->secrets[0] = key ? xstrdup(key) : NULL;
	m->secrets[1] = token ? xstrdup(token) : NULL;
	if (m->v1) {
		m->chat_url = xstrdup("/openai/v1/chat/completions");
		m->embed_url = xstrdup("/openai/v1/embeddings");
		return 0;
	}
	strbuf_addstr(&url, "/openai/deployments/");
	add_escaped(&url, m->name);
	strbuf_addstr(&url, "/chat/completions?api-version=");
	add_escaped(&url, m->api_version);
	m->chat_url = strbuf_detach(&url, NULL);
	strbuf_addstr(&url, "/openai/deployments/");
	add_escaped(&url, m->embedding_model ? m->embedding_model : m->name);
	strbuf_addstr(&url, "/embeddings?api-version=");
	add_escaped(&url, m->api_version);
	m->embed_url = strbuf_detach(&url, NULL);
	return 0;
}

static void model_free(struct model *m)
{
	size_t i;

	if (!m)
		return;
	if (m->engine) {
		struct http_result r;
		/* hand back (and drop) what is queued or in flight, to free what each request carries */
		http_engine_abort(m->engine);
		while (http_engine_poll(m->engine, &r, 0) == 1) {
			free(r.priv);
			http_result_release(&r);
		}
		http_engine_free(m->engine);
	}
	free(m->name);
	free(m->base);
	pool_release(&m->pool);
	free(m->api_version);
	free(m->embedding_model);
	free(m->temperature);
	free(m->top_p);
	free(m->chat_url);
	free(m->embed_url);
	for (i = 0; i < ARRAY_SIZE(m->secrets); i++)
		free(m->secrets[i]);
	free(m->fatal);
	free(m);
}

static int open_common(struct model **out, const struct model_spec *spec, const struct train_data *data,
		       enum flavour flavour)
{
	struct model *m = xcalloc(1, sizeof(*m));
	struct strbuf auth = STRBUF_INIT;
	const char *headers[4];
	size_t n = 0;
	int rc;

	*out = NULL;
	m->flavour = flavour;
	m->name = xstrdup(spec->name);
	rc = flavour == FLAVOUR_AZURE ? open_azure(m, spec, &auth) : open_openai(m, spec, &auth);
	if (rc < 0) {
		strbuf_release(&auth);
		model_free(m);
		return -1;
	}
	headers[n++] = "Content-Type: application/json";
	headers[n++] = "Accept: application/json";
	if (auth.len)
		headers[n++] = auth.buf;
	headers[n] = NULL;
	m->engine = http_engine_new(&data->limits, data->seed, headers, final_status);
	http_engine_set_replicas(m->engine, (const char *const *)m->pool.urls, m->pool.n, (unsigned)m->replica_cc);
	strbuf_release(&auth);
	*out = m;
	return 0;
}

static int openai_open(struct model **out, const struct model_spec *spec, const struct train_data *data)
{
	return open_common(out, spec, data, FLAVOUR_OPENAI);
}

static int azure_open(struct model **out, const struct model_spec *spec, const struct train_data *data)
{
	return open_common(out, spec, data, FLAVOUR_AZURE);
}

/* --- requests ------------------------------------------------------------ */

/* The parameters every chat body ends with. */
static void add_chat_params(struct strbuf *sb, const struct model *m)
{
	strbuf_addf(sb, ",\"temperature\":%s", m->temperature);
	if (m->max_tokens)
		strbuf_addf(sb, ",\"max_tokens\":%ld", m->max_tokens);
	if (m->has_seed)
		strbuf_addf(sb, ",\"seed\":%ld", m->seed);
	if (m->top_p)
		strbuf_addf(sb, ",\"top_p\":%s", m->top_p);
}

static int openai_submit(struct model *m, const struct llm_request *req)
{
	struct strbuf body = STRBUF_INIT;
	struct pending *p;
	const char **texts;
	double est;
	size_t i, len;
	int chat = req->kind == LLM_CHAT;
	/* the classic Azure path names the deployment in the URL; every other form names the model in the body */
	int model_in_body = m->flavour == FLAVOUR_OPENAI || m->v1;
	const char *model = chat || !m->embedding_model ? m->name : m->embedding_model;

	if (chat ? !req->n_messages : !req->n_input)
		return -1;
	strbuf_addch(&body, '{');
	if (model_in_body) {
		strbuf_addstr(&body, "\"model\":");
		strbuf_add_json(&body, model);
		strbuf_addch(&body, ',');
	}
	if (chat) {
		texts = xcalloc(req->n_messages, sizeof(*texts));
		strbuf_addstr(&body, "\"messages\":[");
		for (i = 0; i < req->n_messages; i++) {
			const struct llm_message *msg = &req->messages[i];
			texts[i] = msg->content ? msg->content : "";
			strbuf_addstr(&body, i ? ",{\"role\":" : "{\"role\":");
			strbuf_add_json(&body, msg->role ? msg->role : "user");
			strbuf_addstr(&body, ",\"content\":");
			strbuf_add_json(&body, texts[i]);
			strbuf_addch(&body, '}');
		}
		strbuf_addch(&body, ']');
		add_chat_params(&body, m);
		est = http_estimate_tokens(texts, req->n_messages, 4,
					   m->max_tokens ? m->max_tokens : HTTP_DEFAULT_COMPLETION_TOKENS);
	} else {
		texts = xcalloc(req->n_input, sizeof(*texts));
		strbuf_addstr(&body, "\"input\":[");
		for (i = 0; i < req->n_input; i++) {
			texts[i] = req->input[i] ? req->input[i] : "";
			if (i)
				strbuf_addch(&body, ',');
			strbuf_add_json(&body, texts[i]);
		}
		strbuf_addch(&body, ']');
		est = http_estimate_tokens(texts, req->n_input, 0, 0);
	}
	strbuf_addch(&body, '}');
	free(texts);
	p = xmalloc(sizeof(*p));
	p->kind = req->kind;
	p->n_input = req->n_input;
	len = body.len;
	http_engine_submit(m->engine, req->id, p, chat ? m->chat_url : m->embed_url,
			   strbuf_detach(&body, NULL), len, est);
	return 0;
}

/* --- answers ------------------------------------------------------------- */

/* Stop the engine: a fatal answer every other request would repeat. */
static void go_fatal(struct model *m, struct llm_answer *a)
{
	a->status = LLM_FATAL;
	if (!m->fatal)
		m->fatal = xstrdup(a->error);
	http_engine_abort(m->engine);
}

/* A final error status (not retried, or retries exhausted) into a. */
static void read_error(struct model *m, struct llm_answer *a, const struct http_result *r, enum llm_kind kind)
{
	const char *name = kind == LLM_EMBED && m->embedding_model ? m->embedding_model : m->name;
	char code[64], *msg = server_message(r->body, r->body_len, code, sizeof(code));
	const char *key_var = m->key_var ? m->key_var
			    : m->flavour == FLAVOUR_AZURE ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY";

	switch (r->status) {
	case 400:
		if (is_content_filter(r->body, r->body_len)) {
			a->status = LLM_REFUSED;
			a->finish_reason = xstrdup("content_filter");
			a->error = xstrfmt("refused by the content filter%s%s", msg ? ": " : "", msg ? msg : "");
			break;
		}
		goto plain;
	case 401:
	case 403:
		/* the server's words are left out: OpenAI's message quotes part of the key */
		a->error = xstrfmt("HTTP %ld %s from %s: check %s%s", r->status,
				   r->status == 401 ? "Unauthorized" : "Forbidden", http_engine_replica_url(m->engine, r->replica), key_var,
				   m->key_var ? "" : " (it is not set)");
		go_fatal(m, a);
		break;
	case 404: {
		const char *url = http_engine_replica_url(m->engine, r->replica);
		if (m->flavour == FLAVOUR_AZURE)
			a->error = xstrfmt("HTTP 404 Not Found from %s: check the model or deployment name ('%s'), "
					   "the endpoint and api_version%s%s", url, name,
					   msg ? "; the server says: " : "", msg ? msg : "");
		else
			/* the usual cause with a local server: a base_url without its /v1 */
			a->error = xstrfmt("HTTP 404 Not Found from %s: check the model name ('%s') and base_url%s%s%s",
					   url, name, strstr(url, "/v1") ? "" : " (OpenAI-compatible servers usually "
					   "answer under /v1: base_url=http://HOST:PORT/v1)", msg ? "; the server says: " : "",
					   msg ? msg : "");
	}
		go_fatal(m, a);
		break;
	case 429:
		if (!strcmp(code, "insufficient_quota")) {
			a->error = xstrfmt("HTTP 429 insufficient_quota: the account is out of credit; check its "
					   "plan and billing%s%s", msg ? ": " : "", msg ? msg : "");
			go_fatal(m, a);
			break;
		}
		goto plain;
	default:
	plain:
		a->status = LLM_ERROR;
		if (r->error)
			a->error = xstrfmt("%s%s%s", r->error, msg ? ": " : "", msg ? msg : "");
		else
			a->error = xstrfmt("HTTP %ld%s%s", r->status, msg ? ": " : "", msg ? msg : "");
	}
	free(msg);
}

static int openai_poll(struct model *m, struct llm_answer *out, int timeout_ms)
{
	struct http_result r;
	struct pending *p;
	cJSON *root;

	if (http_engine_poll(m->engine, &r, timeout_ms) != 1)
		return 0;
	p = r.priv;
	memset(out, 0, sizeof(*out));
	out->id = r.id;
	out->http_status = r.status;
	out->attempts = r.attempts;
	out->latency_ms = r.latency_ms;
	switch (r.outcome) {
	case HTTP_CANCELLED:
		out->status = LLM_FATAL;
		out->error = xstrfmt("cancelled after an earlier request failed: %s", m->fatal ? m->fatal : "stopped");
		break;
	case HTTP_FAILED:
		if (r.fatal) {
			out->error = xstrdup(r.error);
			go_fatal(m, out);
		} else if (r.status >= 400) {
			read_error(m, out, &r, p->kind);
		} else {
			out->status = LLM_ERROR;
			out->error = xstrdup(r.error);
		}
		break;
	case HTTP_RESPONSE:
		if (r.status < 200 || r.status > 299) {
			read_error(m, out, &r, p->kind);
			break;
		}
		/* "\u0000" or half a surrogate pair in an answer: read it whole, with U+FFFD there */
		root = r.body ? (json_fix_escapes(r.body, r.body_len), cJSON_ParseWithLength(r.body, r.body_len)) : NULL;
		if (!root) {
			out->status = LLM_ERROR;
			out->error = openai_json_failure(r.body, r.body_len);
			break;
		}
		if (p->kind == LLM_CHAT)
			openai_read_chat(out, root);
		else
			openai_read_embeddings(out, root, p->n_input);
		cJSON_Delete(root);
		/* a count the server did not give (-1) leaves the estimate standing */
		if (out->tokens_in > 0 && out->tokens_out >= 0)
			http_engine_charge(m->engine, r.est_tokens, (double)(out->tokens_in + out->tokens_out));
		break;
	}
	scrub(m, &out->error);
	free(p);
	http_result_release(&r);
	return 1;
}

static size_t openai_pending(struct model *m)
{
	return http_engine_pending(m->engine);
}

static size_t openai_in_flight(struct model *m)
{
	return http_engine_in_flight(m->engine);
}

/* provider, where, which model, and the parameters: what decides an answer besides the request */
static char *openai_identity(struct model *m)
{
	struct strbuf sb = STRBUF_INIT;

	if (m->flavour == FLAVOUR_AZURE)
		strbuf_addf(&sb, "provider=azure\nendpoint=%s\ndeployment=%s\napi_version=%s\n", m->base,
			    m->name, m->api_version);
	else
		strbuf_addf(&sb, "provider=openai\nbase_url=%s\nmodel=%s\n", m->base, m->name);
	strbuf_addf(&sb, "temperature=%s\n", m->temperature);
	if (m->max_tokens)
		strbuf_addf(&sb, "max_tokens=%ld\n", m->max_tokens);
	if (m->has_seed)
		strbuf_addf(&sb, "seed=%ld\n", m->seed);
	if (m->top_p)
		strbuf_addf(&sb, "top_p=%s\n", m->top_p);
	if (m->embedding_model)
		strbuf_addf(&sb, "embedding_model=%s\n", m->embedding_model);
	return strbuf_detach(&sb, NULL);
}

static size_t openai_capacity(struct model *m)
{
	return http_engine_capacity(m->engine);
}

/* A pool's replicas and their counts; a model on one server has none to report. */
static size_t openai_replicas(struct model *m, const struct replica_stat **out)
{
	return m->pool.n > 1 ? http_engine_replicas(m->engine, out) : 0;
}

static void openai_free(struct model *m)
{
	model_free(m);
}

const struct adapter openai_adapter = {
	.provider = "openai",
	.summary = "OpenAI chat completions and embeddings, or any OpenAI-compatible server (base_url)",
	.open = openai_open,
	.submit = openai_submit,
	.poll = openai_poll,
	.pending = openai_pending,
	.in_flight = openai_in_flight,
	.identity = openai_identity,
	.capacity = openai_capacity,
	.replicas = openai_replicas,
	.free = openai_free,
};

const struct adapter azure_adapter = {
	.provider = "azure",
	.summary = "Azure OpenAI deployments: chat completions and embeddings",
	.open = azure_open,
	.submit = openai_submit,
	.poll = openai_poll,
	.pending = openai_pending,
	.in_flight = openai_in_flight,
	.identity = openai_identity,
	.capacity = openai_capacity,
	.replicas = openai_replicas,
	.free = openai_free,
};
