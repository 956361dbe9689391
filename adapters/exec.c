/* exec.c: the exec provider: a pool of local programs answering one JSON request per line on stdin with one JSON answer per line on stdout. */
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <cJSON.h>
#include "adapters/exec_internal.h"
#include "lib/jsontext.h"

extern char **environ;

/*
 * Protocol and behaviour: examples/README.md. In short: each child answers
 * one request at a time, so a slow child holds up only its own request;
 * answers are matched by "id"; a child that dies, times out or falls out of
 * step is killed with its process group, reaped, and started again when
 * the next request needs it.
 */

/* m's clock, in milliseconds. */
double exec_clock_ms(const struct model *m)
{
	return m->now(m->now_arg);
}

static double real_clock(void *unused)
{
	(void)unused;
	return now_ms();
}

void exec_set_clock(struct model *m, double (*now)(void *arg), void *arg)
{
	m->now = now ? now : real_clock;
	m->now_arg = now ? arg : NULL;
}

/* --- children -------------------------------------------------------------- */

/* fd moved above 2 (close-on-exec), so that the dup2 onto 0 and 1 in the child cannot clobber it. */
static int fd_above_stderr(int fd)
{
	int moved;

	if (fd > 2)
		return fd;
	moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return moved;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Start /bin/sh -c COMMAND in slot c. Returns 0, or an errno value. */
static int spawn(struct model *m, struct child *c)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err, i;
	char *argv[] = { "sh", "-c", m->command, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, pipe_only;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		err = errno;
		goto fail;
	}
	in[0] = fd_above_stderr(in[0]);
	in[1] = fd_above_stderr(in[1]);
	out[0] = fd_above_stderr(out[0]);
	out[1] = fd_above_stderr(out[1]);
	for (i = 0; i < 2; i++)
		if (in[i] < 0 || out[i] < 0) {
			err = errno;
			goto fail;
		}
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) < 0 || fcntl(out[0], F_SETFL, O_NONBLOCK) < 0) {
		err = errno;
		goto fail;
	}

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	/*
	 * The child: SIGPIPE back to its default (receval ignores it), no
	 * signal blocked, and a process group of its own, so that a timeout
	 * kills whatever the shell started too, and a terminal's Ctrl-C
	 * reaches receval alone: receval ends its children (exec_free()), or,
	 * should it die first, they read the end of their stdin.
	 */
	sigemptyset(&none);
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK |
				 POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigdefault(&attr, &pipe_only);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setpgroup(&attr, 0);
	err = posix_spawn(&c->pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (err) {
		c->pid = 0;
		goto fail;
	}
	close(in[0]);
	close(out[1]);
	c->in_fd = in[1];
	c->out_fd = out[0];
	c->answered = 0;
	strbuf_reset(&c->rbuf);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&out[i]);
	}
	return err ? err : EIO;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kill c's process group (the shell and what it started). */
static void kill_group(struct child *c)
{
	if (kill(-c->pid, SIGKILL) < 0)
		kill(c->pid, SIGKILL);
}

/* Wait for c to exit (blocking). 1 with *status, 0 when it was not ours to reap (SIGCHLD ignored). */
static int wait_child(struct child *c, int *status)
{
	pid_t r;

	while ((r = waitpid(c->pid, status, 0)) < 0 && errno == EINTR)
		;
	return r == c->pid;
}

/* Empty slot c (its process must be reaped already). The job, if any, stays with the caller. */
static void clear_child(struct child *c)
{
	close_fd(&c->in_fd);
	close_fd(&c->out_fd);
	c->pid = 0;
	c->job = NULL;
	c->written = 0;
	c->answered = 0;
	strbuf_reset(&c->rbuf);
}

/* Kill c and its group now, reap it, empty the slot. */
static void kill_child(struct child *c)
{
	int status;

	if (!c->pid)
		return;
	kill_group(c);
	wait_child(c, &status);
	clear_child(c);
}

/* Requeue j first in line for another try, or fail it when its attempts are spent. */
static void retry(struct model *m, struct job *j, const char *why)
{
	if (j->attempts >= m->limits.attempts) {
		exec_fail(m, j, LLM_ERROR, "exec: %s (%u attempt%s)", why, j->attempts,
		     j->attempts == 1 ? "" : "s");
		return;
	}
	j->next = m->queue;
	m->queue = j;
	if (!m->queue_tail)
		m->queue_tail = j;
}

/* Stop for good: every request, now and later, fails with LLM_FATAL and why (taken over). */
static void go_fatal(struct model *m, char *why)
{
	struct job *j;
	size_t i;

	m->fatal = why;
	for (i = 0; i < m->limits.concurrency; i++) {
		struct child *c = &m->children[i];
		j = c->job;
		kill_child(c);
		if (j)
			exec_fail(m, j, LLM_FATAL, "%s", m->fatal);
	}
	while ((j = m->queue)) {
		m->queue = j->next;
		exec_fail(m, j, LLM_FATAL, "%s", m->fatal);
	}
	m->queue_tail = NULL;
}

/*
 * c's stdout reached its end or its stdin broke: the child is gone (or
 * going). Reap it, and send its request to another try.
 */
static void child_died(struct model *m, struct child *c)
{
	struct job *j = c->job;
	int early = !c->answered, status = 0, reaped = 0, killed = 0;
	double end = exec_clock_ms(m) + REAP_GRACE_MS;
	char how[80], *why;
	pid_t r;

	/* it is usually exiting already: give it a moment, so its status is the real one */
	for (;;) {
		r = waitpid(c->pid, &status, WNOHANG);
		if (r == c->pid) {
			reaped = 1;
			break;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || exec_clock_ms(m) >= end)
			break;
		sleep_ms(1);
	}
	if (!reaped && r == 0) {
		kill_group(c);
		reaped = wait_child(c, &status);
		killed = 1;
	}
	if (killed)
		snprintf(how, sizeof(how), "closed its standard input or output");
	else if (reaped && WIFEXITED(status))
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(status));
	else if (reaped && WIFSIGNALED(status))
		snprintf(how, sizeof(how), "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(how, sizeof(how), "exited");
	clear_child(c);
	if (!j)
		return;   /* between requests: started again when one needs it */
	/*
	 * Until the program has answered once, children dying unanswered mean
	 * it cannot work (not found, a syntax error, a missing file): stop.
	 * After, a crash is the request's doing, retried like any other.
	 */
	if (early && !m->ever_answered && ++m->early_deaths >= EARLY_DEATHS_FATAL) {
		/* the job first, so it is answered in order with the rest */
		exec_fail(m, j, LLM_FATAL, "exec: '%s' %s before answering", m->command, how);
		go_fatal(m, xstrfmt("exec: '%s' %s before answering", m->command, how));
		return;
	}
	why = xstrfmt("'%s' %s %s", m->command, how, early ? "before answering" : "while answering");
	retry(m, j, why);
	free(why);
}

/* Write what is left of c's request, as far as the pipe takes it. */
static void write_request(struct model *m, struct child *c)
{
	while (c->job && c->written < c->job->len) {
		ssize_t n = write(c->in_fd, c->job->line + c->written, c->job->len - c->written);

		if (n > 0) {
			c->written += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		child_died(m, c);   /* EPIPE: it closed its stdin, or is gone */
		return;
	}
}

/* A line too long for limits.body_cap: c's request fails, c is killed. */
static void too_long(struct model *m, struct child *c)
{
	struct job *j = c->job;

	kill_child(c);
	if (j)
		exec_fail(m, j, LLM_ERROR, "exec: answer longer than %zu bytes", m->limits.body_cap);
}

/* Consume the complete lines c wrote. Returns 0, or -1 when c was killed. */
static int take_lines(struct model *m, struct child *c)
{
	for (;;) {
		char *line = c->rbuf.buf, *nl = memchr(line, '\n', c->rbuf.len), *end;
		size_t used;

		if (!nl) {
			if (c->rbuf.len > m->limits.body_cap) {
				too_long(m, c);
				return -1;
			}
			return 0;
		}
		if ((size_t)(nl - line) > m->limits.body_cap) {
			too_long(m, c);
			return -1;
		}
		used = (size_t)(nl - line) + 1;
		if (memchr(line, '\0', (size_t)(nl - line))) {
			/* no JSON line holds one; read up to it, "\0garbage" was a blank line, ignored */
			struct job *j = c->job;
			c->job = NULL;
			if (j)
				exec_fail(m, j, LLM_ERROR, "exec: answer holds a NUL byte: it is not a JSON line");
			else
				warning("exec: '%s' wrote a NUL byte nobody asked for; restarting it", m->command);
			kill_child(c);
			return -1;
		}
		*nl = '\0';
		for (end = nl; end > line && isspace((unsigned char)end[-1]); end--)
			;
		*end = '\0';
		while (isspace((unsigned char)*line))
			line++;
		if (*line) {
			if (!c->job) {
				char *s = exec_snippet(line);
				warning("exec: '%s' wrote a line nobody asked for: '%s'; restarting it",
					m->command, s);
				free(s);
				kill_child(c);
				return -1;
			}
			json_fix_escapes(line, strlen(line));  /* "\u0000", half a surrogate pair: U+FFFD */
			if (exec_take_answer(m, c, line) < 0) {
				kill_child(c);   /* out of step: what it writes next answers nothing */
				return -1;
			}
		}
		memmove(c->rbuf.buf, c->rbuf.buf + used, c->rbuf.len - used);
		strbuf_setlen(&c->rbuf, c->rbuf.len - used);
	}
}

/* Read what c wrote; handle its answers and its end. */
static void read_child(struct model *m, struct child *c)
{
	char tmp[65536];

	for (;;) {
		ssize_t n = read(c->out_fd, tmp, sizeof(tmp));

		if (n > 0) {
			strbuf_add(&c->rbuf, tmp, (size_t)n);
			if (take_lines(m, c) < 0)
				return;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		/* the end: a last line without its newline still counts */
		if (c->rbuf.len && c->job) {
			strbuf_addch(&c->rbuf, '\n');
			if (take_lines(m, c) < 0)
				return;
		}
		child_died(m, c);
		return;
	}
}

/*
 * Notice idle children that have exited (or written out of turn) since
 * last looked at, so that a request is not handed to a dead one.
 */
static void check_idle(struct model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->limits.concurrency; i++) {
		struct child *c = &m->children[i];

		if (c->pid && !c->job) {
			m->fds[n].fd = c->out_fd;
			m->fds[n].events = POLLIN;
			m->fd_child[n++] = c;
		}
	}
	if (!n || poll(m->fds, (nfds_t)n, 0) <= 0)
		return;
	for (i = 0; i < n; i++)
		if (m->fds[i].revents && m->fd_child[i]->pid)
			read_child(m, m->fd_child[i]);
}

/* Give the next queued request to idle children, starting new ones up to the limit. */
static void dispatch(struct model *m)
{
	size_t i;
	int pass;

	if (!m->queue)
		return;
	check_idle(m);

	/* children already running first: start a new one only when none is idle */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < m->limits.concurrency && m->queue; i++) {
			struct child *c = &m->children[i];
			struct job *j;
			double now;
			int err;

			if (c->job || (!pass && !c->pid))
				continue;
			j = m->queue;
			m->queue = j->next;
			if (!m->queue)
				m->queue_tail = NULL;
			j->next = NULL;
			if (!c->pid && (err = spawn(m, c))) {
				exec_fail(m, j, LLM_ERROR, "exec: cannot start '/bin/sh -c %s': %s", m->command,
				     strerror(err));
				continue;
			}
			j->attempts++;
			c->job = j;
			c->written = 0;
			now = exec_clock_ms(m);
			if (j->attempts == 1)
				j->first_ms = now;
			c->deadline_ms = m->limits.timeout_s > 0 ? now + m->limits.timeout_s * 1e3 : INFINITY;
			/* no attempt outlives the sample's deadline, as with a remote model */
			if (m->limits.deadline_s > 0)
				c->deadline_ms = fmin(c->deadline_ms, j->first_ms + m->limits.deadline_s * 1e3);
			write_request(m, c);
		}
	}
}

/* Kill the children whose request took too long, and send the requests to another try. */
static void check_timeouts(struct model *m)
{
	double now = exec_clock_ms(m);
	size_t i;

	for (i = 0; i < m->limits.concurrency; i++) {
		struct child *c = &m->children[i];
		struct job *j = c->job;
		char *why;

		if (!j || now < c->deadline_ms)
			continue;
		kill_child(c);
		why = xstrfmt("timed out after %g s", m->limits.timeout_s);
		if (m->limits.deadline_s > 0 && now >= j->first_ms + m->limits.deadline_s * 1e3) {
			exec_fail(m, j, LLM_ERROR, "exec: no answer within the sample deadline (%g s) after %u attempt%s "
				  "(--sample-deadline)", m->limits.deadline_s, j->attempts, j->attempts == 1 ? "" : "s");
		} else if (j->attempts >= m->limits.attempts) {
			exec_fail(m, j, LLM_ERROR, "exec: timed out after %u attempt%s of %g s each",
			     j->attempts, j->attempts == 1 ? "" : "s", m->limits.timeout_s);
		} else {
			retry(m, j, why);
		}
		free(why);
	}
}

static int busy(const struct model *m)
{
	size_t i;

	if (m->queue)
		return 1;
	for (i = 0; i < m->limits.concurrency; i++)
		if (m->children[i].job)
			return 1;
	return 0;
}

static int take_done(struct model *m, struct llm_answer *out)
{
	struct done *d = m->done;

	if (!d)
		return 0;
	m->done = d->next;
	if (!m->done)
		m->done_tail = NULL;
	*out = d->a;
	free(d);
	m->n_pending--;
	return 1;
}

/* One poll(2) of every child for at most wait_ms, then the events handled. -1 on EINTR. */
static int wait_events(struct model *m, int wait_ms)
{
	size_t i, n = 0;
	int r;

	for (i = 0; i < m->limits.concurrency; i++) {
		struct child *c = &m->children[i];

		if (!c->pid)
			continue;
		/* idle children too: to notice them exit, or write out of turn */
		m->fds[n].fd = c->out_fd;
		m->fds[n].events = POLLIN;
		m->fd_child[n++] = c;
		if (c->job && c->written < c->job->len) {
			m->fds[n].fd = c->in_fd;
			m->fds[n].events = POLLOUT;
			m->fd_child[n++] = c;
		}
	}
	r = poll(m->fds, (nfds_t)n, wait_ms);
	if (r < 0)
		return errno == EINTR ? -1 : 0;
	for (i = 0; i < n; i++) {
		struct child *c = m->fd_child[i];

		if (!m->fds[i].revents || !c->pid)
			continue;   /* nothing, or killed while handling an earlier event */
		if (m->fds[i].fd == c->in_fd)
			write_request(m, c);
		else if (m->fds[i].fd == c->out_fd)
			read_child(m, c);
	}
	return 0;
}

/* --- the adapter ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int exec_open(struct model **out, const struct model_spec *spec, const struct train_data *data)
{
	/* receval's own parameters, not passed on to the program: none yet */
	static const char *const own[] = { NULL };
	struct strbuf sb = STRBUF_INIT;
	const char **keys = xcalloc(spec->n_params + 1, sizeof(*keys));
	struct model *m;
	size_t i, j, n = 0;

	/* keys sorted and unique (the last value wins), so the cache key does not depend on their order */
	for (i = 0; i < spec->n_params; i++) {
		for (j = 0; own[j] && strcmp(own[j], spec->params[i].key); j++)
			;
		if (!own[j])
			keys[n++] = spec->params[i].key;
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	strbuf_addch(&sb, '{');
	for (i = 0; i < n; i++) {
		if (i && !strcmp(keys[i], keys[i - 1]))
			continue;
		strbuf_addstr(&sb, i ? ", " : "");
		strbuf_add_json_ascii(&sb, keys[i]);
		strbuf_addstr(&sb, ": ");
		strbuf_add_json_ascii(&sb, model_spec_get(spec, keys[i]));
	}
	strbuf_addch(&sb, '}');
	free(keys);

	m = xcalloc(1, sizeof(*m));
	m->command = xstrdup(spec->name);
	m->params = strbuf_detach(&sb, NULL);
	m->limits = data->limits;
	if (!m->limits.concurrency)
		m->limits.concurrency = 8;
	if (!m->limits.attempts)
		m->limits.attempts = 1;
	if (!m->limits.body_cap)
		m->limits.body_cap = (size_t)8 << 20;
	m->children = xcalloc(m->limits.concurrency, sizeof(*m->children));
	for (i = 0; i < m->limits.concurrency; i++) {
		m->children[i].in_fd = m->children[i].out_fd = -1;
		strbuf_init(&m->children[i].rbuf, 0);
	}
	m->fds = xcalloc(2 * (size_t)m->limits.concurrency, sizeof(*m->fds));
	m->fd_child = xcalloc(2 * (size_t)m->limits.concurrency, sizeof(*m->fd_child));
	m->next_wire_id = 1;
	exec_set_clock(m, NULL, NULL);
	/* a child gone while we write to it is an EPIPE to handle, not a signal that kills receval */
	signal(SIGPIPE, SIG_IGN);
	*out = m;
	return 0;
}

static int exec_submit(struct model *m, const struct llm_request *req)
{
	struct job *j = xcalloc(1, sizeof(*j));
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	j->id = req->id;
	j->kind = req->kind;
	j->wire_id = m->next_wire_id++;
	j->submitted_ms = exec_clock_ms(m);
	strbuf_addf(&sb, "{\"id\": %" PRIu64 ", \"type\": \"%s\", ", j->wire_id,
		    req->kind == LLM_EMBED ? "embed" : "chat");
	if (req->kind == LLM_EMBED) {
		j->n_input = req->n_input;
		strbuf_addstr(&sb, "\"input\": [");
		for (i = 0; i < req->n_input; i++) {
			strbuf_addstr(&sb, i ? ", " : "");
			strbuf_add_json_ascii(&sb, req->input[i]);
		}
	} else {
		strbuf_addstr(&sb, "\"messages\": [");
		for (i = 0; i < req->n_messages; i++) {
			strbuf_addstr(&sb, i ? ", {\"role\": " : "{\"role\": ");
			strbuf_add_json_ascii(&sb, req->messages[i].role ? req->messages[i].role : "user");
			strbuf_addstr(&sb, ", \"content\": ");
			strbuf_add_json_ascii(&sb, req->messages[i].content);
			strbuf_addch(&sb, '}');
		}
	}
	strbuf_addf(&sb, "], \"params\": %s}\n", m->params);
	j->line = strbuf_detach(&sb, &j->len);
	m->n_pending++;
	if (m->fatal) {
		exec_fail(m, j, LLM_FATAL, "%s", m->fatal);
		return 0;
	}
	if (m->queue_tail)
		m->queue_tail->next = j;
	else
		m->queue = j;
	m->queue_tail = j;
	dispatch(m);   /* start work now: neither spawning nor writing blocks */
	return 0;
}

static int exec_poll(struct model *m, struct llm_answer *out, int timeout_ms)
{
	double end = timeout_ms < 0 ? INFINITY : exec_clock_ms(m) + timeout_ms;

	for (;;) {
		double now, wake;
		size_t i;
		int wait_ms;

		check_timeouts(m);
		dispatch(m);
		if (take_done(m, out))
			return 1;
		if (!busy(m))
			return 0;   /* nothing will come */
		now = exec_clock_ms(m);
		wake = end;
		for (i = 0; i < m->limits.concurrency; i++)
			if (m->children[i].job && m->children[i].deadline_ms < wake)
				wake = m->children[i].deadline_ms;
		if (isinf(wake))
			wait_ms = -1;
		else if (wake <= now)
			wait_ms = 0;
		else
			wait_ms = wake - now > INT_MAX ? INT_MAX : (int)ceil(wake - now);
		if (wait_events(m, wait_ms) < 0)
			return take_done(m, out);   /* a signal: let the caller look at its flags */
		if (take_done(m, out))
			return 1;
		if (exec_clock_ms(m) >= end) {
			check_timeouts(m);
			return take_done(m, out);
		}
	}
}

static size_t exec_pending(struct model *m)
{
	return m->n_pending;
}

static char *exec_identity(struct model *m)
{
	return xstrfmt("exec\n%s\n%s", m->command, m->params);
}

static void exec_free(struct model *m)
{
	struct llm_answer a;
	struct job *j;
	size_t i, left;
	double end;

	if (!m)
		return;
	end = exec_clock_ms(m) + EXEC_EXIT_GRACE_MS;
	/* closing stdin asks a child to finish; closing stdout lets one stuck writing see EPIPE */
	for (i = 0; i < m->limits.concurrency; i++) {
		close_fd(&m->children[i].in_fd);
		close_fd(&m->children[i].out_fd);
	}
	for (;;) {
		left = 0;
		for (i = 0; i < m->limits.concurrency; i++) {
			struct child *c = &m->children[i];
			int status;
			pid_t r;

			if (!c->pid)
				continue;
			while ((r = waitpid(c->pid, &status, WNOHANG)) < 0 && errno == EINTR)
				;
			if (r == 0)
				left++;
			else
				c->pid = 0;   /* reaped, or not ours to reap */
		}
		if (!left || exec_clock_ms(m) >= end)
			break;
		sleep_ms(5);
	}
	for (i = 0; i < m->limits.concurrency; i++) {
		struct child *c = &m->children[i];

		if ((j = c->job)) {
			free(j->line);
			free(j);
		}
		kill_child(c);
		strbuf_release(&c->rbuf);
	}
	while ((j = m->queue)) {
		m->queue = j->next;
		free(j->line);
		free(j);
	}
	while (take_done(m, &a))
		llm_answer_release(&a);
	free(m->children);
	free(m->fds);
	free(m->fd_child);
	free(m->command);
	free(m->params);
	free(m->fatal);
	free(m);
}

const struct adapter exec_adapter = {
	.provider = "exec",
	.summary = "any local program: one JSON request per line on its stdin, one JSON answer per line on its stdout",
	.open = exec_open,
	.submit = exec_submit,
	.poll = exec_poll,
	.pending = exec_pending,
	.identity = exec_identity,
	.free = exec_free,
};
