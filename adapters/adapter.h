/* adapter.h: the one interface every model backend implements, and model specs (PROVIDER:NAME?key=value). */
#ifndef ADAPTER_H
#define ADAPTER_H

#include "lib/util.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"

struct model_param {
	char *key, *value;
};

/* A parsed model spec: "builtin:itemknn?neighbors=50". */
struct model_spec {
	char *text;       /* as written; never holds a credential (see model_spec_redact()) */
	char *provider;   /* "builtin" */
	char *name;       /* "itemknn" */
	struct model_param *params;
	size_t n_params;
};

/*
 * Parse text into out (zeroed by the caller). Returns 0, or -1 after
 * printing what is wrong (no provider, empty name, a key without '=').
 * The provider is not checked here: see adapter_find().
 */
int model_spec_parse(struct model_spec *out, const char *text);
/*
 * text with every credential masked as "***": a URL's user name and
 * password, and the value of a key such as key, api_key, token or sig in
 * the spec's parameters or in a URL's own query string. *what (when not
 * NULL) is set to what was masked first, or NULL when nothing was: then
 * the copy equals text. model_spec_parse() refuses any spec with one.
 * Caller frees.
 */
char *model_spec_redact(const char *text, const char **what);
void model_spec_release(struct model_spec *s);
/* The value of key, or NULL. */
const char *model_spec_get(const struct model_spec *s, const char *key);
/* Fail (-1, message) when s has a key not in allowed (NULL-terminated). */
int model_spec_check_keys(const struct model_spec *s, const char *const *allowed);

/* How hard a remote backend may push: run options (--concurrency, --rpm, ...). */
struct adapter_limits {
	unsigned concurrency;     /* requests in flight (default 8) */
	double rpm, tpm;          /* requests and tokens per minute; 0: unlimited */
	double timeout_s;         /* one attempt's timeout (default 60) */
	unsigned attempts;        /* tries per request, the first included (default 6) */
	size_t body_cap;          /* largest response body accepted (default 8 MiB) */
	/*
	 * --sample-deadline: the longest a request may take from its first
	 * attempt, retries, Retry-After waits and attempts included (default
	 * 600); past it the request is an error, and no wait goes beyond it.
	 */
	double deadline_s;
};

#define ADAPTER_LIMITS_INIT { 8, 0, 0, 60, 6, (size_t)8 << 20, 600 }

/* What a model may learn from: the dataset and its training split only; and the run's limits. */
struct train_data {
	const struct dataset *ds;     /* NULL for commands that only talk to a model (receval chat) */
	const struct split *sp;       /* likewise */
	uint64_t seed;                /* the run's seed */
	struct adapter_limits limits;
	unsigned threads;             /* threads training may use (--threads); 0: one per core */
};

/* --- language-model requests and answers -------------------------------- */

enum llm_kind {
	LLM_CHAT,    /* chat completion: messages in, text out */
	LLM_EMBED,   /* embeddings: texts in, one vector per text out */
};

struct llm_message {
	const char *role;      /* "system", "user", "assistant" */
	const char *content;
};

/*
 * One request. The adapter copies what it keeps: the caller may free the
 * request as soon as submit() returns. id is the caller's, carried back
 * in the answer: answers come in any order and are matched by id only.
 */
struct llm_request {
	uint64_t id;
	enum llm_kind kind;
	const struct llm_message *messages;   /* LLM_CHAT */
	size_t n_messages;
	const char *const *input;             /* LLM_EMBED */
	size_t n_input;
};

enum llm_status {
	LLM_OK,        /* content (chat) or embeddings (embed) */
	LLM_ERROR,     /* failed after its retries, or an unusable answer: error says why */
	LLM_REFUSED,   /* the provider's content filter refused: the sample's outcome, not retried */
	LLM_FATAL,     /* 401, 403, 404 or a bad configuration: retrying cannot help; stop the run */
};

/* An answer. Strings and arrays are owned by the answer: llm_answer_release() frees them. */
struct llm_answer {
	uint64_t id;
	enum llm_status status;
	char *content;            /* LLM_CHAT and LLM_OK: the text */
	double *embeddings;       /* LLM_EMBED and LLM_OK: n_embeddings rows of dim, row-major */
	size_t n_embeddings, dim;
	char *error;              /* not LLM_OK: one line, never holding a secret */
	char *finish_reason;      /* "stop", "length", "content_filter", ... or NULL */
	long http_status;         /* of the last attempt; 0 when none was made */
	unsigned attempts;
	double latency_ms;        /* from submit to answer, retries and waits included */
	long tokens_in, tokens_out;
};

void llm_answer_release(struct llm_answer *a);
const char *llm_status_name(enum llm_status s);

struct model;  /* a backend's own state */

/* One replica of a model that several serve (base_url=URL1|URL2|...): its URL and what it was asked. */
struct replica_stat {
	const char *url;          /* never holds a secret */
	unsigned long requests;   /* attempts sent to it */
	unsigned long failures;   /* of them: refused or broken connections, timeouts and 5xx answers */
	unsigned long rests;      /* times it was rested after failing */
};

/*
 * A backend. Members a backend cannot serve are NULL; the run loop checks
 * before calling. All calls on one struct model come from one thread
 * (clone() gives another thread a struct model of its own).
 */
struct adapter {
	const char *provider;   /* the part of a spec before ':' */
	const char *summary;    /* one line for --help */

	/*
	 * Create a model for spec and train it on data (which outlives the
	 * model). Returns 0 with *out set, or -1 after printing why: unknown
	 * name, bad parameter, a catalogue too large for the method.
	 */
	int (*open)(struct model **out, const struct model_spec *spec, const struct train_data *data);

	/*
	 * Retrieval: the k best items for user over the whole catalogue, best
	 * first, never an item of the user's training history. Writes up to k
	 * items to out (room for k) and their count to *n_out. Returns 0 or -1.
	 */
	int (*recommend)(struct model *m, uint32_t user, size_t k, uint32_t *out, size_t *n_out);

	/*
	 * Ranking: cand[0..n) ordered best first into out (room for n). Ties
	 * keep the order of cand, which the caller has shuffled. Returns 0 or -1.
	 */
	int (*rank)(struct model *m, uint32_t user, const uint32_t *cand, size_t n, uint32_t *out);

	/*
	 * Built-in models: a copy of m for another thread, sharing what
	 * training made (read-only from then on) and owning its own scratch,
	 * so recommend() and rank() may run on m and its clones at once. Free
	 * it with free() before m. NULL for backends that cannot.
	 */
	struct model *(*clone)(struct model *m);

	/*
	 * Language models (NULL for built-in models). submit() queues a request
	 * (a copy) and returns 0, or -1 when it cannot be sent at all (the
	 * caller marks it failed). poll() waits up to timeout_ms for an answer:
	 * 1 with *out filled (the caller releases it), 0 when none came. It
	 * drives all transfers, retries and rate limits in between. pending()
	 * is how many requests are queued or in flight.
	 */
	int (*submit)(struct model *m, const struct llm_request *req);
	int (*poll)(struct model *m, struct llm_answer *out, int timeout_ms);
	size_t (*pending)(struct model *m);

	/*
	 * What, besides the request itself, decides the answer: provider,
	 * endpoint, deployment, API version, model and parameters, as a string
	 * the cache hashes together with the messages or input. Never holds a
	 * secret. NULL for adapters whose answers are not cached. Caller frees.
	 */
	char *(*identity)(struct model *m);

	/*
	 * Requests the model can have in flight at once: for a pool of
	 * replicas, each one's concurrency times their number. NULL: the run's
	 * --concurrency.
	 */
	size_t (*capacity)(struct model *m);

	/*
	 * The replicas serving the model, with their counts so far: *out
	 * points into the model (valid until the next call or free()); returns
	 * how many. NULL for backends without replicas.
	 */
	size_t (*replicas)(struct model *m, const struct replica_stat **out);

	/*
	 * Requests whose transfer is under way or has finished: not those
	 * queued or waiting to be retried. An interrupted run waits for
	 * these only.
	 * NULL: pending().
	 */
	size_t (*in_flight)(struct model *m);

	/* Free the model and everything it owns (cancelling what is in flight). */
	void (*free)(struct model *m);
};

extern const struct adapter builtin_adapter;
extern const struct adapter openai_adapter;
extern const struct adapter azure_adapter;
extern const struct adapter exec_adapter;

/*
 * Check a builtin: spec's name and keys before any data is loaded, so a
 * typo fails at once. 0, or -1 after printing what is wrong.
 */
int builtin_check_spec(const struct model_spec *spec);

/* The backend serving provider, or NULL. */
const struct adapter *adapter_find(const char *provider);
/* Names of all providers, for messages: "builtin, openai, ...". */
const char *adapter_providers(void);

#endif
