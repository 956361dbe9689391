/* events.c: server-sent events of a run's or a queued job's progress, read from the store twice a second until it ends. */
#include <microhttpd.h>
#include "serve/serve.h"
#include "eval/store_jobs.h"

struct sse {
	struct server *srv;
	int64_t run, job;
	struct strbuf pending;  /* to send: pending.buf[sent..len) */
	size_t sent;
	struct strbuf last;     /* the last data sent, to send only changes */
	int finished;
	double beat;            /* when something was last sent */
};

int serve_run_progress(struct strbuf *out, struct store *s, int64_t run, int *ended)
{
	struct run_info ri;
	struct run_usage u;
	int rc = store_get_run(s, run, &ri);

	*ended = 1;
	if (rc <= 0)
		return rc < 0 ? -1 : (strbuf_addf(out, "{\"run\":%lld,\"status\":null}", (long long)run), 0);
	if (store_get_usage(s, run, &u) < 0) {
		run_info_release(&ri);
		return -1;
	}
	*ended = strcmp(ri.status, "running") != 0;
	strbuf_addf(out, "{\"run\":%lld,\"status\":", (long long)run);
	strbuf_add_json(out, ri.status);
	strbuf_addf(out, ",\"planned\":%lld,\"stored\":%lld,\"ok\":%lld,\"errors\":%lld,\"invalid\":%lld}",
		    (long long)ri.samples, (long long)u.samples, (long long)u.ok, (long long)u.errors,
		    (long long)u.invalid);
	run_info_release(&ri);
	return 0;
}

/* The stream's current data into out; *ended when it will not change again. 0 or -1. */
static int current(struct sse *e, struct store *s, struct strbuf *out, int *ended)
{
	struct job_row j;
	int rc;

	if (e->run)
		return serve_run_progress(out, s, e->run, ended);
	rc = store_get_job(s, e->job, &j);
	*ended = 1;
	if (rc < 0)
		return -1;
	if (!rc) {
		strbuf_addf(out, "{\"job\":%lld,\"status\":null}", (long long)e->job);
		return 0;
	}
	*ended = strcmp(j.status, "queued") && strcmp(j.status, "running");
	serve_job_json(out, &j);
	job_row_release(&j);
	return 0;
}

ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct sse *e = cls;

	(void)pos;
	for (;;) {
		struct strbuf now = STRBUF_INIT;
		struct store *s;
		int ended = 0, rc;

		if (e->sent < e->pending.len) {
			size_t n = e->pending.len - e->sent;
			if (n > max)
				n = max;
			memcpy(buf, e->pending.buf + e->sent, n);
			e->sent += n;
			e->beat = now_ms();
			return (ssize_t)n;
		}
		strbuf_reset(&e->pending);
		e->sent = 0;
		if (e->finished)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (e->srv->stopping) {
			strbuf_addstr(&e->pending, "event: end\ndata: {\"reason\":\"the server is stopping\"}\n\n");
			e->finished = 1;
			continue;
		}
		s = serve_store_take(e->srv);
		rc = s ? current(e, s, &now, &ended) : -1;
		serve_store_put(e->srv, s);
		if (rc < 0) {
			strbuf_addstr(&e->pending, "event: error\ndata: {\"error\":\"the database could not be read\"}\n\n");
			e->finished = 1;
		} else if (strcmp(now.buf, e->last.buf)) {
			strbuf_addf(&e->pending, "event: progress\ndata: %s\n\n", now.buf);
			strbuf_reset(&e->last);
			strbuf_addstr(&e->last, now.buf);
			if (ended) {
				strbuf_addstr(&e->pending, "event: end\ndata: {}\n\n");
				e->finished = 1;
			}
		} else if (now_ms() - e->beat > 15000) {
			/* a comment keeps proxies from closing a quiet stream */
			strbuf_addstr(&e->pending, ": still running\n\n");
		} else {
			usleep(400 * 1000);
		}
		strbuf_release(&now);
	}
}

void sse_free(void *cls)
{
	struct sse *e = cls;

	strbuf_release(&e->pending);
	strbuf_release(&e->last);
	free(e);
}

int sse_start(struct request *r, int64_t run, int64_t job)
{
	struct sse *e = xcalloc(1, sizeof(*e));

	e->srv = r->srv;
	e->run = run;
	e->job = job;
	strbuf_init(&e->pending, 0);
	strbuf_init(&e->last, 0);
	e->beat = now_ms();
	/* a retry hint first: a browser that loses the stream comes back after 2 s */
	strbuf_addstr(&e->pending, "retry: 2000\n\n");
	r->sse = e;
	return 0;
}
