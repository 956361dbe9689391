/* http.c: receval serve's HTTP front on libmicrohttpd: the daemon, tokens, bodies, the store pool, errors as JSON, and the server's life from start to a drained stop. */
#include <microhttpd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>
#include "serve/serve.h"
#include "serve/queue.h"
#include "serve/find.h"
#include "serve/serve_main.h"

/* --- requests --------------------------------------------------------------- */

const char *req_arg(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct arg_walk {
	const char *name;
	const char **v;
	size_t n, alloc;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct arg_walk *w = cls;

	(void)kind;
	if (key && value && !strcmp(key, w->name)) {
		ALLOC_GROW(w->v, w->n + 1, w->alloc);
		w->v[w->n++] = value;
	}
	return MHD_YES;
}

size_t req_args(struct request *r, const char *name, const char ***out)
{
	struct arg_walk w = { name, NULL, 0, 0 };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &w);
	*out = w.v;
	return w.n;
}

char *req_form(struct request *r, const char *name)
{
	const char *p = r->body.buf, *end = p + r->body.len;
	size_t len = strlen(name);

	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p)), *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		if (eq && (size_t)(eq - p) == len && !memcmp(p, name, len)) {
			char *v = xstrndup(eq + 1, (size_t)(stop - eq - 1)), *c;
			for (c = v; *c; c++)
				if (*c == '+')
					*c = ' ';
			v[MHD_http_unescape(v)] = '\0';
			return v;
		}
		p = stop + 1;
	}
	return NULL;
}

int req_long(struct request *r, const char *name, long def, long min, long max, long *out)
{
	const char *v = req_arg(r, name);

	*out = def;
	if (!v)
		return 0;
	if (parse_long(v, out) < 0 || *out < min || *out > max) {
		reply_error(r, 400, EXIT_USAGE, "'%s' must be a whole number from %ld to %ld, not '%s'", name, min, max, v);
		return -1;
	}
	return 0;
}

int serve_parse_id(const char *s, int64_t *out)
{
	long v;

	if (!s || parse_long(s, &v) < 0 || v < 1)
		return -1;
	*out = v;
	return 0;
}

int serve_path_id(const char *path, const char *prefix, int64_t *id, const char **rest)
{
	size_t n = strlen(prefix), d;
	char num[24];

	if (strncmp(path, prefix, n))
		return -1;
	path += n;
	d = strspn(path, "0123456789");
	if (!d || d >= sizeof(num))
		return -1;
	memcpy(num, path, d);
	num[d] = '\0';
	*rest = path + d;
	return serve_parse_id(num, id);
}

/* --- answers ------------------------------------------------------------------ */

unsigned serve_status_of(int exit_code, int not_found)
{
	switch (exit_code) {
	case EXIT_USAGE: return 400;
	case EXIT_INPUT: return not_found ? 404 : 422;
	case EXIT_MODEL: return 502;
	case EXIT_STORE: return 503;
	default: return 500;
	}
}

static void vreply_error(struct request *r, unsigned status, int exit_code, const char *fmt, va_list ap)
{
	struct strbuf msg = STRBUF_INIT;

	strbuf_vaddf(&msg, fmt, ap);
	/* one line whatever the message held */
	for (char *c = msg.buf; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	strbuf_reset(&r->out);
	strbuf_addstr(&r->out, "{\"error\":");
	strbuf_add_json(&r->out, msg.buf);
	strbuf_addf(&r->out, ",\"exit_code\":%d}\n", exit_code);
	r->status = status;
	r->type = "application/json";
	strbuf_release(&msg);
}

int reply_error(struct request *r, unsigned status, int exit_code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreply_error(r, status, exit_code, fmt, ap);
	va_end(ap);
	return 0;
}

int reply_store_error(struct request *r)
{
	return reply_error(r, 503, EXIT_STORE, "%s", r->err[0] ? r->err : "the database could not be read");
}

int reply_redirect(struct request *r, const char *location)
{
	free(r->location);
	r->location = xstrdup(location);
	r->status = 303;
	r->type = "text/plain; charset=utf-8";
	strbuf_reset(&r->out);
	strbuf_addf(&r->out, "see %s\n", location);
	return 0;
}

/* --- the store pool -------------------------------------------------------------- */

struct store *serve_store_get(struct request *r)
{
	struct store *s = serve_store_take(r->srv);

	if (!s)
		reply_store_error(r);
	return s;
}

struct store *serve_store_take(struct server *srv)
{
	struct store *s = NULL;

	pthread_mutex_lock(&srv->pool_lock);
	if (srv->n_pool)
		s = srv->pool[--srv->n_pool];
	pthread_mutex_unlock(&srv->pool_lock);
	if (s)
		return s;
	s = xcalloc(1, sizeof(*s));
	if (store_open_readonly(s, srv->cfg->db_path) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

void serve_store_put(struct server *srv, struct store *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&srv->pool_lock);
	ALLOC_GROW(srv->pool, srv->n_pool + 1, srv->alloc_pool);
	srv->pool[srv->n_pool++] = s;
	pthread_mutex_unlock(&srv->pool_lock);
}

/* --- who may ask ------------------------------------------------------------------- */

/* Equal strings, in a time that does not depend on where they differ. */
static int same_secret(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la; i++)
		d |= (unsigned char)(a[i] ^ b[i % (lb ? lb : 1)]);
	return !d;
}

/* The token of an "Authorization: Bearer" header, or of the receval_token cookie (the browser, after /login). */
static int has_token(struct request *r)
{
	const char *auth = req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "receval_token");

	if (auth && !strncasecmp(auth, "Bearer ", 7) && same_secret(auth + 7, r->srv->token))
		return 1;
	return cookie && same_secret(cookie, r->srv->token);
}

/*
 * On a loopback address, the Host header must name loopback too: a page
 * elsewhere that makes its name resolve to 127.0.0.1 (DNS rebinding)
 * cannot read the service through the browser.
 */
static int host_allowed(struct request *r)
{
	const char *host = req_header(r, MHD_HTTP_HEADER_HOST);
	size_t n;

	if (!r->srv->loopback)
		return 1;
	if (!host)
		return 0;
	n = strcspn(host, host[0] == '[' ? "]" : ":");
	if (host[0] == '[')
		return !strncmp(host, "[::1]", 5);
	return (n == 9 && !strncmp(host, "127.0.0.1", 9)) || (n == 9 && !strncasecmp(host, "localhost", 9));
}

/* A POST from a page of another site (a form aimed at this service) is refused. */
static int same_origin(struct request *r)
{
	const char *site = req_header(r, "Sec-Fetch-Site"), *origin = req_header(r, "Origin");
	const char *host = req_header(r, MHD_HTTP_HEADER_HOST);

	if (site && strcmp(site, "same-origin") && strcmp(site, "none"))
		return 0;
	if (origin && strcmp(origin, "null")) {
		const char *p = strstr(origin, "://");
		return p && host && !strcmp(p + 3, host);
	}
	return 1;
}

/* --- the daemon's callbacks ---------------------------------------------------------- */

static int route(struct request *r)
{
	if (!host_allowed(r))
		return reply_error(r, 421, EXIT_USAGE, "the Host header must name this loopback address");
	if (r->srv->token && !r->authorized && strcmp(r->path, "/login"))
		return reply_error(r, 401, EXIT_USAGE, "this service needs a token: Authorization: Bearer TOKEN"
				   " (browsers: /login)");
	if (strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && !same_origin(r))
		return reply_error(r, 403, EXIT_USAGE, "a request from another site's page is refused");
	if (r->too_large)
		return reply_error(r, 413, EXIT_USAGE, "the request body is over %zu bytes", r->srv->cfg->body_cap);
	if (api_route(r) == 0 || pages_route(r) == 0)
		return 0;
	return reply_error(r, 404, EXIT_USAGE, "no such page: %s %s", r->method, r->path);
}

static enum MHD_Result add_header(struct MHD_Response *resp, const char *name, const char *value)
{
	return value ? MHD_add_response_header(resp, name, value) : MHD_YES;
}

static enum MHD_Result answer(struct request *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	size_t len;
	char *body;

	if (r->sse) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, (MHD_ContentReaderCallback)sse_read,
							 r->sse, sse_free);
		r->sse = NULL;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		ret = MHD_queue_response(r->conn, 200, resp);
		MHD_destroy_response(resp);
		return ret;
	}
	body = strbuf_detach(&r->out, &len);
	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : "text/plain; charset=utf-8");
	/* pages fetch nothing from anywhere; their one script is inline */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline';"
				" connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	add_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	add_header(resp, MHD_HTTP_HEADER_LINK, r->link);
	add_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
	if (r->total >= 0) {
		char n[32];
		snprintf(n, sizeof(n), "%lld", r->total);
		MHD_add_response_header(resp, "X-Total-Count", n);
	}
	if (r->srv->token)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	ret = MHD_queue_response(r->conn, r->status ? r->status : 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct server *srv = cls;
	struct request *r = *state;
	enum MHD_Result ret;

	(void)version;
	if (!r) {
		const char *len;
		r = xcalloc(1, sizeof(*r));
		r->srv = srv;
		r->conn = conn;
		r->method = method;
		r->path = url;
		r->total = -1;
		strbuf_init(&r->body, 0);
		strbuf_init(&r->out, 0);
		r->authorized = !srv->token || has_token(r);
		__atomic_add_fetch(&srv->inflight, 1, __ATOMIC_SEQ_CST);
		*state = r;
		len = req_header(r, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (len) {
			long n;
			if (parse_long(len, &n) == 0 && n >= 0 && (size_t)n > srv->cfg->body_cap) {
				/* refused before it is read: MHD closes the connection after the answer */
				r->too_large = 1;
				error_capture(r->err, sizeof(r->err));
				route(r);
				error_capture(NULL, 0);
				return answer(r);
			}
		}
		return MHD_YES;
	}
	if (*upload_size) {
		/* a body is kept only from a caller who may send one, and only up to the cap */
		if (!r->authorized || r->too_large || r->body.len + *upload_size > srv->cfg->body_cap) {
			r->too_large = r->authorized;
			strbuf_release(&r->body);
		} else {
			strbuf_add(&r->body, upload, *upload_size);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	error_capture(r->err, sizeof(r->err));
	route(r);
	error_capture(NULL, 0);
	ret = answer(r);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
	struct request *r = *state;
	struct server *srv = cls;

	(void)conn;
	(void)why;
	if (!r)
		return;
	__atomic_sub_fetch(&srv->inflight, 1, __ATOMIC_SEQ_CST);
	strbuf_release(&r->body);
	strbuf_release(&r->out);
	free(r->location);
	free(r->link);
	free(r->set_cookie);
	if (r->sse)
		sse_free(r->sse);
	free(r);
	*state = NULL;
}

/* --- the server's life ------------------------------------------------------------ */

/* The token in path: its first line, without surrounding space. NULL after printing why. */
static char *read_token(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *t, *end;

	if (strbuf_read_file(&sb, path, 4096) < 0) {
		error("cannot read the token file '%s': %s", path, strerror(errno));
		strbuf_release(&sb);
		return NULL;
	}
	t = sb.buf + strspn(sb.buf, " \t\r\n");
	end = t + strcspn(t, "\r\n");
	while (end > t && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - t < 16) {
		error("%s: the token must be one line of at least 16 characters", path);
		strbuf_release(&sb);
		return NULL;
	}
	t = xstrndup(t, (size_t)(end - t));
	strbuf_release(&sb);
	return t;
}

static int write_port_file(const char *path, unsigned port)
{
	char *tmp = xstrfmt("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	int ok = f && fprintf(f, "%u\n", port) > 0;

	ok = f && !fclose(f) && ok;
	/* whole or not at all: a test that waits for the file reads a whole number */
	ok = ok && !rename(tmp, path);
	if (!ok)
		error("cannot write '%s': %s", path, strerror(errno));
	free(tmp);
	return ok ? 0 : -1;
}

int serve_main(const struct serve_config *cfg)
{
	struct server srv;
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	struct store rw;
	sigset_t stop;
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC |
			 MHD_USE_POLL;
	int v6 = 0, sig = 0, ret = EXIT_OK, waited;
	const struct sockaddr *addr;

	memset(&srv, 0, sizeof(srv));
	srv.cfg = cfg;
	pthread_mutex_init(&srv.pool_lock, NULL);
	memset(&a4, 0, sizeof(a4));
	memset(&a6, 0, sizeof(a6));
	if (inet_pton(AF_INET, cfg->bind, &a4.sin_addr) == 1) {
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)cfg->port);
		srv.loopback = (ntohl(a4.sin_addr.s_addr) >> 24) == 127;
		addr = (const struct sockaddr *)&a4;
	} else if (inet_pton(AF_INET6, cfg->bind, &a6.sin6_addr) == 1) {
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)cfg->port);
		srv.loopback = IN6_IS_ADDR_LOOPBACK(&a6.sin6_addr);
		addr = (const struct sockaddr *)&a6;
		v6 = 1;
		flags |= MHD_USE_IPv6;
	} else {
		error("--bind: '%s' is not an IPv4 or IPv6 address", cfg->bind);
		return EXIT_USAGE;
	}
	(void)v6;
	if (cfg->token_file && !(srv.token = read_token(cfg->token_file)))
		return EXIT_INPUT;
	if (!srv.loopback && !srv.token) {
		error("--bind %s is not a loopback address: give --token-file FILE, so that only holders of the"
		      " token can read the results and start runs", cfg->bind);
		return EXIT_USAGE;
	}
	srv.suites_root = realpath(cfg->suites, NULL);
	if (!srv.suites_root) {
		error("--suites: cannot read '%s': %s", cfg->suites, strerror(errno));
		free(srv.token);
		return EXIT_USAGE;
	}
	/* the schema once, by a writer, so that every reader can open read-only */
	if (store_open(&rw, cfg->db_path) < 0) {
		free(srv.token);
		free(srv.suites_root);
		return EXIT_STORE;
	}
	store_close(&rw);

	/* signals: SIGTERM and SIGINT are waited for below; every thread inherits them blocked */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (queue_start(&srv.queue, &srv) < 0) {
		ret = EXIT_STORE;
		goto out;
	}
	d = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, &srv,
			     MHD_OPTION_SOCK_ADDR, addr,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &srv,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
			     MHD_OPTION_END);
	if (!d) {
		error("cannot listen on %s port %ld: %s", cfg->bind, cfg->port, strerror(errno));
		ret = EXIT_OUTPUT;
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	srv.port = info ? info->port : (unsigned)cfg->port;
	if (cfg->port_file && write_port_file(cfg->port_file, srv.port) < 0) {
		ret = EXIT_OUTPUT;
		goto out;
	}
	fprintf(stderr, "receval: serving %s on http://%s%s%s:%u/%s\n", cfg->db_path, v6 ? "[" : "", cfg->bind,
		v6 ? "]" : "", srv.port, srv.token ? " (token required)" : "");

	while (sigwait(&stop, &sig) != 0)
		;
	fprintf(stderr, "receval: %s: draining requests, interrupting running runs\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");

	/* no new connection; streams end at their next wake-up; requests in flight finish */
	srv.stopping = 1;
	{
		MHD_socket fd = MHD_quiesce_daemon(d);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
	}
	for (waited = 0; waited < 200 && __atomic_load_n(&srv.inflight, __ATOMIC_SEQ_CST); waited++)
		usleep(50 * 1000);
out:
	if (d)
		MHD_stop_daemon(d);
	if (srv.queue)
		queue_stop(srv.queue);
	while (srv.n_pool) {
		store_close(srv.pool[--srv.n_pool]);
		free(srv.pool[srv.n_pool]);
	}
	free(srv.pool);
	serve_titles_free(&srv);
	free(srv.token);
	free(srv.suites_root);
	pthread_mutex_destroy(&srv.pool_lock);
	return ret;
}
