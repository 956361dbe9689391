/* queue.c: the runs receval serve was asked for: kept in the store, each made by a child process `receval run`, --workers at a time, cancelled with SIGINT. */
#include <cJSON.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include "serve/queue.h"
#include "eval/shard.h"
#include "lib/uuid.h"

/*
 * Why child processes and not threads: a run's state is the process's
 * (the SIGINT flag run.c stops on, its progress on stderr, its adapters'
 * connections), a crash in a run must not take the server down, and
 * SIGINT to one child interrupts exactly one run, which `receval run`
 * already stores as "interrupted" and resumable.
 */

/* A job a worker has taken. */
struct active {
	int64_t job;
	pid_t pid;             /* 0 until spawned */
	int cancel;            /* DELETE asked for it */
	int64_t runs[64];      /* the runs it has made so far */
	size_t n_runs;
};

struct queue {
	struct server *srv;
	struct store store;    /* the one writing connection, under lock */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t *threads;
	size_t n_threads;
	struct active **active;
	size_t n_active, alloc_active;
	int stopping;
	double stop_time;
};

extern char **environ;

/* Take the oldest queued job (status becomes running) into *j and a new active entry: 1, 0 when none, -1. */
static int take_job(struct queue *q, struct job_row *j, struct active **a)
{
	struct job_row *rows = NULL;
	size_t n = 0, i;
	int ret = 0;

	if (store_list_jobs(&q->store, "queued", &rows, &n) < 0)
		return -1;
	if (n && store_job_set(&q->store, rows[0].id, "running", NULL, -1, NULL) == 0) {
		*j = rows[0];
		memset(&rows[0], 0, sizeof(rows[0]));
		*a = xcalloc(1, sizeof(**a));
		(*a)->job = j->id;
		ALLOC_GROW(q->active, q->n_active + 1, q->alloc_active);
		q->active[q->n_active++] = *a;
		ret = 1;
	}
	for (i = 0; i < n; i++)
		job_row_release(&rows[i]);
	free(rows);
	return ret;
}

static void drop_active(struct queue *q, struct active *a)
{
	size_t i;

	for (i = 0; i < q->n_active; i++)
		if (q->active[i] == a) {
			q->active[i] = q->active[--q->n_active];
			break;
		}
	free(a);
}

/* The job's models (JSON array of strings) into argv-ready strings; count returned. */
static size_t job_models(const struct job_row *j, char ***out)
{
	cJSON *m = j->models ? cJSON_Parse(j->models) : NULL, *v;
	size_t n = 0;

	*out = xcalloc((size_t)cJSON_GetArraySize(m) + 1, sizeof(**out));
	cJSON_ArrayForEach(v, m)
		if (cJSON_IsString(v))
			(*out)[n++] = xstrdup(v->valuestring);
	cJSON_Delete(m);
	return n;
}

/* argv of the child: `receval run` of the job. */
static char **job_argv(const struct queue *q, const struct job_row *j, char **models, size_t n_models)
{
	const struct serve_config *cfg = q->srv->cfg;
	char **argv = xcalloc(16 + 2 * n_models, sizeof(*argv));
	cJSON *o = j->options ? cJSON_Parse(j->options) : NULL, *v;
	size_t a = 0, i;

	argv[a++] = xstrdup(cfg->exe);
	argv[a++] = xstrdup("run");
	if (!strcmp(j->kind, "resume")) {
		argv[a++] = xstrdup("--resume");
		argv[a++] = xstrfmt("%lld", (long long)j->resume_run);
	} else {
		argv[a++] = xstrdup(j->suite);
		argv[a++] = xstrdup("--run-key");
		argv[a++] = xstrdup(j->run_group);
		for (i = 0; i < n_models; i++) {
			argv[a++] = xstrdup("--model");
			argv[a++] = xstrdup(models[i]);
		}
		if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(o, "judge"))) {
			argv[a++] = xstrdup("--judge");
			argv[a++] = xstrdup(v->valuestring);
		}
		/* as text, not as a long: an edited job's 1e300 reaches `run`, which refuses it by name */
		if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "limit")))
			argv[a++] = xstrfmt("--limit=%.17g", v->valuedouble);
		if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(o, "seed")))
			argv[a++] = xstrfmt("--seed=%.17g", v->valuedouble);
	}
	argv[a++] = xstrdup("--db");
	argv[a++] = xstrdup(cfg->db_path);
	argv[a++] = xstrdup("--quiet");
	cJSON_Delete(o);
	return argv;
}

static void free_strings(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Start argv[0] with its stderr into *err_fd, in its own process group, with default signals. */
static pid_t spawn(char **argv, int *err_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, deflt;
	int fds[2];
	pid_t pid = 0;
	int rc;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&deflt);
	sigaddset(&deflt, SIGINT);
	sigaddset(&deflt, SIGTERM);
	sigaddset(&deflt, SIGPIPE);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &deflt);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawn(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(fds[1]);
	if (rc) {
		close(fds[0]);
		errno = rc;
		return -1;
	}
	*err_fd = fds[0];
	return pid;
}

/* Find the runs the child has made so far (by their keys), under lock; 1 when a new one was found. */
static int find_runs(struct queue *q, struct active *a, char keys[][UUID_TEXT_SIZE], size_t n_keys)
{
	size_t i, k;
	int found = 0;

	for (i = 0; i < n_keys && a->n_runs < ARRAY_SIZE(a->runs); i++) {
		int64_t id = store_run_by_key(&q->store, keys[i]);
		if (id <= 0)
			continue;
		for (k = 0; k < a->n_runs && a->runs[k] != id; k++)
			;
		if (k == a->n_runs) {
			a->runs[a->n_runs++] = id;
			found = 1;
		}
	}
	return found;
}

static char *runs_json(const struct active *a)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	strbuf_addch(&sb, '[');
	for (i = 0; i < a->n_runs; i++)
		strbuf_addf(&sb, "%s%lld", i ? "," : "", (long long)a->runs[i]);
	strbuf_addch(&sb, ']');
	return strbuf_detach(&sb, NULL);
}

/* Keep the child's last error line ("receval: ...", not a warning) in last. */
static void scan_lines(struct strbuf *pending, struct strbuf *last)
{
	char *nl;

	while ((nl = memchr(pending->buf, '\n', pending->len))) {
		size_t len = (size_t)(nl - pending->buf);
		if (len > 9 && !strncmp(pending->buf, "receval: ", 9) && strncmp(pending->buf, "receval: warning:", 17)) {
			strbuf_reset(last);
			strbuf_add(last, pending->buf + 9, len - 9);
		}
		memmove(pending->buf, nl + 1, pending->len - len - 1);
		strbuf_setlen(pending, pending->len - len - 1);
	}
	if (pending->len > 8192)
		strbuf_reset(pending);
}

static void run_job(struct queue *q, struct job_row *j, struct active *a)
{
	char **models = NULL, **argv = NULL, (*keys)[UUID_TEXT_SIZE] = NULL;
	size_t n_models = 0, i;
	struct strbuf pending = STRBUF_INIT, last = STRBUF_INIT;
	const char *status;
	char *runs;
	int fd = -1, wst = 0, code = -1, eof = 0, killed = 0, requeued = 0;
	pid_t pid;

	n_models = job_models(j, &models);
	if (!strcmp(j->kind, "resume")) {
		a->runs[a->n_runs++] = j->resume_run;
	} else {
		keys = xcalloc(n_models + 1, sizeof(*keys));
		for (i = 0; i < n_models; i++)
			shard_run_key(keys[i], j->run_group, NULL, 0, -1, 1, models[i]);
	}
	argv = job_argv(q, j, models, n_models);

	pthread_mutex_lock(&q->lock);
	if (a->cancel || q->stopping) {
		/* stopping: it stays queued for the next server */
		requeued = !a->cancel;
		store_job_set(&q->store, j->id, a->cancel ? "cancelled" : "queued", NULL, -1, NULL);
		pthread_mutex_unlock(&q->lock);
		goto out;
	}
	pid = spawn(argv, &fd);
	if (pid < 0) {
		char *why = xstrfmt("cannot start '%s': %s", argv[0], strerror(errno));
		store_job_set(&q->store, j->id, "failed", NULL, -1, why);
		free(why);
		pthread_mutex_unlock(&q->lock);
		goto out;
	}
	a->pid = pid;
	/*
	 * A run is batch work beside people reading pages: it yields the CPU to
	 * them. Set before it starts its threads, which inherit it.
	 */
	setpriority(PRIO_PROCESS, (id_t)pid, 10);
	runs = runs_json(a);
	store_job_set(&q->store, j->id, "running", runs, -1, NULL);
	free(runs);
	pthread_mutex_unlock(&q->lock);

	while (!eof) {
		struct pollfd p = { fd, POLLIN, 0 };
		char buf[4096];
		int rc = poll(&p, 1, 200);

		if (rc > 0) {
			ssize_t got = read(fd, buf, sizeof(buf));
			if (got <= 0) {
				eof = 1;
			} else {
				strbuf_add(&pending, buf, (size_t)got);
				scan_lines(&pending, &last);
			}
		}
		pthread_mutex_lock(&q->lock);
		if (keys && find_runs(q, a, keys, n_models)) {
			runs = runs_json(a);
			store_job_set(&q->store, j->id, "running", runs, -1, NULL);
			free(runs);
		}
		/* a run that does not stop 30 s after the server was asked to is killed (stored as interrupted below) */
		if (q->stopping && !killed && now_ms() - q->stop_time > 30000) {
			kill(pid, SIGKILL);
			killed = 1;
		}
		pthread_mutex_unlock(&q->lock);
	}
	close(fd);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;

	pthread_mutex_lock(&q->lock);
	if (keys)
		find_runs(q, a, keys, n_models);
	if (WIFEXITED(wst))
		code = WEXITSTATUS(wst);
	if (code == 0 || code == EXIT_MODEL)
		status = "done";
	else if (code == 130)
		status = a->cancel ? "cancelled" : "interrupted";
	else
		status = "failed";
	if (!WIFEXITED(wst)) {
		/* a crash leaves its run "running": say it stopped, so that --resume finishes it */
		strbuf_reset(&last);
		strbuf_addf(&last, "the run process died of signal %d", WTERMSIG(wst));
		for (i = 0; i < a->n_runs; i++) {
			struct run_info ri;
			memset(&ri, 0, sizeof(ri));
			if (store_get_run(&q->store, a->runs[i], &ri) == 1 && !strcmp(ri.status, "running")) {
				long errs = store_count_errors(&q->store, a->runs[i]);
				store_finish_run(&q->store, a->runs[i], "interrupted", errs > 0 ? (size_t)errs : 0);
			}
			if (ri.status)
				run_info_release(&ri);
		}
		status = a->cancel ? "cancelled" : "interrupted";
	}
	runs = runs_json(a);
	store_job_set(&q->store, j->id, status, runs, code, last.len ? last.buf : NULL);
	free(runs);
	pthread_mutex_unlock(&q->lock);
out:
	if (j->temp_suite && j->suite && !requeued)
		unlink(j->suite);
	free(keys);
	free_strings(models);
	free_strings(argv);
	strbuf_release(&pending);
	strbuf_release(&last);
}

static void *worker(void *arg)
{
	struct queue *q = arg;

	pthread_mutex_lock(&q->lock);
	while (!q->stopping) {
		struct job_row j;
		struct active *a = NULL;
		struct timespec until;
		int got;

		memset(&j, 0, sizeof(j));
		got = take_job(q, &j, &a);
		if (got > 0) {
			pthread_mutex_unlock(&q->lock);
			run_job(q, &j, a);
			job_row_release(&j);
			pthread_mutex_lock(&q->lock);
			drop_active(q, a);
			continue;
		}
		/* woken by a submission; the timeout also retries after a store error */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += got < 0 ? 5 : 2;
		pthread_cond_timedwait(&q->cond, &q->lock, &until);
	}
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int queue_start(struct queue **out, struct server *srv)
{
	struct queue *q = xcalloc(1, sizeof(*q));
	struct job_row *rows = NULL;
	size_t n = 0, i;

	*out = NULL;
	q->srv = srv;
	if (store_open(&q->store, srv->cfg->db_path) < 0 || store_jobs_init(&q->store) < 0 ||
	    store_list_jobs(&q->store, "running", &rows, &n) < 0) {
		store_close(&q->store);
		free(q);
		return -1;
	}
	/* what a server stopped without draining left running */
	for (i = 0; i < n; i++) {
		store_job_set(&q->store, rows[i].id, "interrupted", NULL, -1, "the server stopped while it ran");
		job_row_release(&rows[i]);
	}
	free(rows);
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->cond, NULL);
	q->n_threads = srv->cfg->workers > 0 ? (size_t)srv->cfg->workers : 1;
	q->threads = xcalloc(q->n_threads, sizeof(*q->threads));
	for (i = 0; i < q->n_threads; i++)
		if (pthread_create(&q->threads[i], NULL, worker, q)) {
			error("cannot start the queue's workers: %s", strerror(errno));
			q->n_threads = i;
			queue_stop(q);
			return -1;
		}
	*out = q;
	return 0;
}

int queue_submit(struct queue *q, struct job_row *j, int64_t *id)
{
	char group[UUID_TEXT_SIZE];
	int ret;

	uuid_random(group);
	free(j->run_group);
	j->run_group = xstrfmt("serve-%s", group);
	pthread_mutex_lock(&q->lock);
	ret = store_job_add(&q->store, id, j);
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	return ret;
}

int queue_cancel_job(struct queue *q, int64_t id)
{
	struct job_row j;
	size_t i;
	int ret;

	pthread_mutex_lock(&q->lock);
	for (i = 0; i < q->n_active; i++)
		if (q->active[i]->job == id) {
			q->active[i]->cancel = 1;
			if (q->active[i]->pid > 0)
				kill(q->active[i]->pid, SIGINT);
			pthread_mutex_unlock(&q->lock);
			return 1;
		}
	ret = store_get_job(&q->store, id, &j);
	if (ret == 1 && !strcmp(j.status, "queued")) {
		ret = store_job_set(&q->store, id, "cancelled", NULL, -1, NULL) < 0 ? -1 : 1;
		if (ret == 1 && j.temp_suite && j.suite)
			unlink(j.suite);
	} else if (ret == 1) {
		ret = 2;
	}
	pthread_mutex_unlock(&q->lock);
	job_row_release(&j);
	return ret;
}

int64_t queue_job_of_run(struct queue *q, int64_t run)
{
	int64_t job = 0;
	size_t i, k;

	pthread_mutex_lock(&q->lock);
	for (i = 0; i < q->n_active && !job; i++)
		for (k = 0; k < q->active[i]->n_runs; k++)
			if (q->active[i]->runs[k] == run)
				job = q->active[i]->job;
	pthread_mutex_unlock(&q->lock);
	return job;
}

void queue_stop(struct queue *q)
{
	size_t i;

	pthread_mutex_lock(&q->lock);
	q->stopping = 1;
	q->stop_time = now_ms();
	for (i = 0; i < q->n_active; i++)
		if (q->active[i]->pid > 0)
			kill(q->active[i]->pid, SIGINT);
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->lock);
	for (i = 0; i < q->n_threads; i++)
		pthread_join(q->threads[i], NULL);
	free(q->threads);
	free(q->active);
	store_close(&q->store);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->cond);
	free(q);
}
