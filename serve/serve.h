/* serve.h: what the parts of `receval serve` share: the server, one request, the store pool, replies and the run queue. */
#ifndef SERVE_H
#define SERVE_H

#include <pthread.h>
#include "lib/strbuf.h"
#include "eval/store.h"

struct MHD_Connection;
struct queue;
struct titles_cache;

/* What `receval serve` was started with (eval/cli/cmd_serve.c). */
struct serve_config {
	const char *db_path;
	const char *bind;           /* an IPv4 or IPv6 address */
	long port;                  /* 0: a free one */
	const char *port_file;      /* write the port there once listening, or NULL */
	const char *token_file;     /* the bearer token, or NULL */
	const char *suites;         /* the folder suites of POST /api/runs must lie under */
	const char *exe;            /* this program, run as `receval run` for each queued run */
	long workers;               /* runs at a time */
	size_t body_cap;            /* request bodies larger than this are refused (413) */
	long max_connections;
};

struct server {
	const struct serve_config *cfg;
	char *token;                /* NULL: none asked for (loopback only) */
	char *suites_root;          /* cfg->suites, resolved (realpath) */
	int loopback;
	unsigned port;
	struct queue *queue;
	pthread_mutex_t pool_lock;  /* the read-only stores not in use */
	struct store **pool;
	size_t n_pool, alloc_pool;
	struct titles_cache *titles;/* catalogues' titles by key (find.c), under pool_lock */
	size_t n_titles, alloc_titles;
	volatile int stopping;      /* SIGTERM: streams end, the queue drains */
	int inflight;               /* requests begun and not completed (atomic) */
};

/* A server-sent event stream (events.c): its state, owned by the response. */
struct sse;

/* One request as a route sees it, and the answer it fills in. */
struct request {
	struct server *srv;
	struct MHD_Connection *conn;
	const char *method, *path;
	struct strbuf body;         /* POST bodies, at most cfg->body_cap */
	int too_large;
	int authorized;
	/* the answer */
	unsigned status;            /* 0 until a route answers: 200 */
	const char *type;           /* Content-Type */
	struct strbuf out;
	char *location;             /* a redirect's target */
	char *link;                 /* a Link header (paging) */
	char *set_cookie;
	long long total;            /* X-Total-Count, or -1 */
	struct sse *sse;            /* set: the answer is this stream */
	char err[1024];             /* error() messages of the request (util.h's error_capture) */
};

/* --- requests (http.c) -------------------------------------------------- */

/* A query argument, or NULL. */
const char *req_arg(struct request *r, const char *name);
/* Every value of a repeated query argument (runs=3&runs=7) into *out (free the array only). */
size_t req_args(struct request *r, const char *name, const char ***out);
/* A header, or NULL. */
const char *req_header(struct request *r, const char *name);
/*
 * A form field of an application/x-www-form-urlencoded body into a new
 * string (caller frees), or NULL when absent.
 */
char *req_form(struct request *r, const char *name);
/* A query argument as a whole number in [min, max] (absent: def): 0, or -1 after answering 400. */
int req_long(struct request *r, const char *name, long def, long min, long max, long *out);

/* --- answers ---------------------------------------------------------- */

/* The HTTP status of a CLI exit code (util.h): 2 400, 3 404 or 422 (found: 1 or 0), 4 502, 5 503, 6 500. */
unsigned serve_status_of(int exit_code, int not_found);
/*
 * Answer with one JSON line: {"error": MESSAGE, "exit_code": CODE}
 * (exit_code: the CLI's code of the same failure). Returns 0.
 */
int reply_error(struct request *r, unsigned status, int exit_code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same after a store function failed: its captured message, 503 / exit code 5. */
int reply_store_error(struct request *r);
/* The same as an HTML page (the browser's routes). */
int page_error(struct request *r, unsigned status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A 303 to location (a copy is taken). */
int reply_redirect(struct request *r, const char *location);

/* --- the store pool (http.c) ------------------------------------------- */

/* A read-only connection to the database, or NULL after reply_store_error(). Give it back with serve_store_put(). */
struct store *serve_store_get(struct request *r);
/* The same without a request: NULL after printing why. */
struct store *serve_store_take(struct server *srv);
void serve_store_put(struct server *srv, struct store *s);

/* --- routes ------------------------------------------------------------- */

/* The JSON API under /api (api.c, api_runs.c); a route returns 0 once it has answered, 1 when the path is not its. */
int api_route(struct request *r);
/* The pages (pages.c, page_run.c); the same contract. */
int pages_route(struct request *r);

/* Parse "12" as a positive id: 0 and *out, or -1. */
int serve_parse_id(const char *s, int64_t *out);
/* The id after prefix in path ("/api/runs/12/samples") and what follows it in *rest ("/samples"): 0, or -1 when path is not prefix + id. */
int serve_path_id(const char *path, const char *prefix, int64_t *id, const char **rest);

/* --- server-sent events (events.c) --------------------------------------- */

/* Answer with a stream of the progress of run id (run != 0) or job id: "progress" events, then "end". */
int sse_start(struct request *r, int64_t run, int64_t job);
/* The MHD content reader and its free function for r->sse. */
ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max);
void sse_free(void *cls);

struct job_row;
/* A queued run as the API shows it: {"job", "kind", "status", "suite", "models", "options", "resume_run", "runs", "created_at", "started_at", "finished_at", "exit_code", "error"}. */
void serve_job_json(struct strbuf *out, const struct job_row *j);

/* The progress of run as one JSON object (the events' data, the run page): 0, or -1 on a store error. */
int serve_run_progress(struct strbuf *out, struct store *s, int64_t run, int *ended);

#endif
