/* test_exec.c: the exec provider through its adapter struct, against the fixture programs in tests/fixtures/exec/. */
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "tests/unit/test.h"
#include "adapters/adapter.h"
#include "adapters/exec_internal.h"
#include "adapters/exec.h"

#define PY "exec:python3 fixtures/exec/model.py"
#define SH "exec:sh fixtures/exec/echo.sh"

static int have_python(void)
{
	static int have = -1;

	if (have < 0)
		have = system("python3 -c '' >/dev/null 2>&1") == 0;
	if (!have)
		test_skip("python3 is not installed");
	return have;
}

/* Open files of this process, or -1 without /proc. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;   /* the directory itself */
}

/*
 * The clock a test gives a model (exec_set_clock()): real time plus what
 * the test has skipped, plus step ms more at every reading. Timeouts and
 * grace periods then happen when the test moves the clock on, not when a
 * loaded machine happens to be quick enough.
 */
struct test_clock {
	double skipped, step;
};

static double test_clock_now(void *arg)
{
	struct test_clock *c = arg;

	c->skipped += c->step;
	return now_ms() + c->skipped;
}

/* Wait (at most max_ms) until path exists: 1, or 0 when it never came. */
static int wait_for_file(const char *path, double max_ms)
{
	double end = now_ms() + max_ms;

	while (access(path, F_OK)) {
		if (now_ms() >= end)
			return 0;
		usleep(5000);
	}
	return 1;
}

/* Wait (at most max_ms) until the file at path holds a number: it, or 0 when none came. */
static long wait_for_number(const char *path, double max_ms)
{
	double end = now_ms() + max_ms;
	long n = 0;

	for (;;) {
		FILE *f = fopen(path, "r");

		if (f) {
			if (fscanf(f, "%ld", &n) != 1)
				n = 0;
			fclose(f);
		}
		if (n > 0 || now_ms() >= end)
			return n;
		usleep(5000);
	}
}

/* No child is left, reaped or not (the unit-test binary has no others). */
static int no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

static struct model *open_exec(const char *text, unsigned concurrency, double timeout_s, unsigned attempts)
{
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT, 0 };
	struct model_spec spec;
	struct model *m = NULL;

	data.limits.concurrency = concurrency;
	data.limits.timeout_s = timeout_s;
	data.limits.attempts = attempts;
	if (model_spec_parse(&spec, text) < 0)
		return NULL;
	if (exec_adapter.open(&m, &spec, &data) < 0)
		m = NULL;
	model_spec_release(&spec);
	return m;
}

static void chat(struct model *m, uint64_t id, const char *text)
{
	struct llm_message msgs[2] = { { "system", "be brief" }, { "user", text } };
	struct llm_request req = { 0 };

	req.id = id;
	req.kind = LLM_CHAT;
	req.messages = msgs;
	req.n_messages = 2;
	CHECK_INT(exec_adapter.submit(m, &req), 0);
}

/*
 * Poll until n answers came (ids 1..n into a[id - 1]) or max_ms passed.
 * order, when not NULL, receives the ids in the order they came. Returns
 * how many came.
 */
static size_t collect(struct model *m, struct llm_answer *a, size_t n, double max_ms, uint64_t *order)
{
	double end = now_ms() + max_ms;
	size_t got = 0;

	memset(a, 0, n * sizeof(*a));
	while (got < n && now_ms() < end) {
		struct llm_answer x;

		if (exec_adapter.poll(m, &x, 100) != 1)
			continue;
		if (x.id < 1 || x.id > n || a[x.id - 1].attempts) {
			test_fail(__FILE__, __LINE__, "unexpected answer id %llu", (unsigned long long)x.id);
			llm_answer_release(&x);
			continue;
		}
		if (order)
			order[got] = x.id;
		a[x.id - 1] = x;
		got++;
	}
	return got;
}

/* The next answer into *out, waiting at most max_ms: 1, or 0 when none came. */
static int next_answer(struct model *m, struct llm_answer *out, double max_ms)
{
	double end = now_ms() + max_ms;

	memset(out, 0, sizeof(*out));
	while (now_ms() < end)
		if (exec_adapter.poll(m, out, 100) == 1)
			return 1;
	return 0;
}

/* The pid in an answer of echo.sh ("pid PID id ID"), or -1. */
static long answer_pid(const struct llm_answer *a)
{
	long pid;

	return a->content && sscanf(a->content, "pid %ld", &pid) == 1 ? pid : -1;
}

static void release_all(struct llm_answer *a, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		llm_answer_release(&a[i]);
}

/* One request, its answer in *a; 0, or -1 when none came in time. */
/*
 * The most a test waits for answers it expects. It returns as soon as they
 * come, so the bound only decides how long a broken adapter takes to fail:
 * generous, so that a machine loaded by other work (slow python start-ups,
 * five of them for five attempts) cannot fail a correct one.
 */
#define ANSWER_WAIT_MS 120000

static int ask(struct model *m, const char *text, struct llm_answer *a)
{
	chat(m, 1, text);
	return collect(m, a, 1, ANSWER_WAIT_MS, NULL) == 1 ? 0 : -1;
}

/* The process pid is gone (or a zombie waiting for init). */
static int process_gone(long pid)
{
	char path[64], buf[256];
	double end = now_ms() + 2000;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	while (now_ms() < end) {
		FILE *f;
		char *rp;

		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			return 1;
		f = fopen(path, "r");
		if (!f)
			return 1;
		rp = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
		fclose(f);
		if (rp && rp[1] == ' ' && rp[2] == 'Z')
			return 1;
		usleep(20000);
	}
	return 0;
}

TEST(exec_chat_answer_and_identity)
{
	struct test_clock clk = { 0, 0 };
	struct llm_answer a;
	struct model *m;
	char *id;
	int fds = count_fds();

	if (!have_python())
		return;
	m = open_exec(PY "?temperature=0&seed=7&temperature=1", 2, 10, 3);
	CHECK(m != NULL);
	if (!m)
		return;
	exec_set_clock(m, test_clock_now, &clk);
	chat(m, 1, "echo:hello there");
	clk.skipped += 1000;   /* the latency is read from the model's clock */
	CHECK_INT(exec_adapter.pending(m), 1);
	CHECK_INT(collect(m, &a, 1, ANSWER_WAIT_MS, NULL), 1);
	CHECK_INT(exec_adapter.pending(m), 0);
	CHECK_INT(a.status, LLM_OK);
	CHECK_STR(a.content, "hello there");
	CHECK_STR(a.finish_reason, "stop");
	CHECK_INT(a.tokens_in, 3);
	CHECK_INT(a.tokens_out, 1);
	CHECK_INT(a.attempts, 1);
	CHECK_INT(a.http_status, 0);
	CHECK(a.latency_ms >= 1000);
	llm_answer_release(&a);

	/* the spec's parameters, as strings, keys sorted, the last value winning */
	CHECK_INT(ask(m, "params", &a), 0);
	CHECK_STR(a.content, "{\"seed\": \"7\", \"temperature\": \"1\"}");
	llm_answer_release(&a);
	id = exec_adapter.identity(m);
	CHECK_STR(id, "exec\npython3 fixtures/exec/model.py\n{\"seed\": \"7\", \"temperature\": \"1\"}");
	free(id);

	/* non-ASCII goes out as \u escapes and comes back as UTF-8; a byte that is not UTF-8 as U+FFFD */
	CHECK_INT(ask(m, "echo:h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xff!", &a), 0);
	CHECK_STR(a.content, "h\xc3\xa9llo \xe2\x82\xac \xf0\x9d\x84\x9e \xef\xbf\xbd!");
	llm_answer_release(&a);

	/* a finish_reason of content_filter is a refusal, as from the openai provider */
	CHECK_INT(ask(m, "refuse", &a), 0);
	CHECK_INT(a.status, LLM_REFUSED);
	llm_answer_release(&a);

	/* nothing pending: poll returns at once */
	CHECK_INT(exec_adapter.poll(m, &a, 5000), 0);
	exec_adapter.free(m);
	CHECK(no_children());
	if (fds >= 0)
		CHECK_INT(count_fds(), fds);
}

TEST(exec_answers_matched_by_id_out_of_order)
{
	char dir[] = "/tmp/receval-exec-XXXXXX";
	struct llm_answer a;
	struct model *m;
	char *path;
	size_t i;

	if (!have_python())
		return;
	CHECK(mkdtemp(dir) != NULL);
	m = open_exec(PY, 6, 60, 1);
	/* six children, each holding its answer until its gate (a file) opens */
	for (i = 1; i <= 6; i++) {
		char *text = xstrfmt("wait:%s/%zu:answer %zu", dir, i, i);
		chat(m, i, text);
		free(text);
	}
	/* the gates opened last to first: the answers come in that order, each matched to its request */
	for (i = 6; i >= 1; i--) {
		FILE *f;

		path = xstrfmt("%s/%zu", dir, i);
		f = fopen(path, "w");
		CHECK(f != NULL);
		if (f)
			fclose(f);
		CHECK_INT(next_answer(m, &a, 10000), 1);
		CHECK_INT(a.id, i);
		CHECK_INT(a.status, LLM_OK);
		{
			char *want = xstrfmt("answer %zu", i);
			CHECK_STR(a.content, want);
			free(want);
		}
		llm_answer_release(&a);
		unlink(path);
		free(path);
	}
	CHECK_INT(exec_adapter.pending(m), 0);
	exec_adapter.free(m);
	CHECK(no_children());
	rmdir(dir);
}

TEST(exec_children_run_in_parallel)
{
	char dir[] = "/tmp/receval-exec-XXXXXX";
	struct llm_answer a[8];
	struct model *m;
	char *text;
	size_t i, j, distinct = 0;
	long pids[8];

	if (!have_python())
		return;
	CHECK(mkdtemp(dir) != NULL);
	m = open_exec(PY, 8, 60, 1);
	/* no child answers before all eight hold a request: one after another would never finish */
	text = xstrfmt("barrier:%s:8", dir);
	for (i = 0; i < 8; i++)
		chat(m, i + 1, text);
	free(text);
	CHECK_INT(collect(m, a, 8, ANSWER_WAIT_MS, NULL), 8);
	for (i = 0; i < 8; i++) {
		CHECK_INT(a[i].status, LLM_OK);
		if (a[i].status != LLM_OK)
			printf("#   %s\n", a[i].error ? a[i].error : "(no error)");
		pids[i] = answer_pid(&a[i]);
		CHECK(pids[i] > 0);
		for (j = 0; j < i && pids[j] != pids[i]; j++)
			;
		distinct += j == i;
	}
	CHECK_INT(distinct, 8);   /* eight processes */
	release_all(a, 8);
	exec_adapter.free(m);
	CHECK(no_children());
	{
		DIR *d = opendir(dir);
		struct dirent *e;

		while (d && (e = readdir(d)))
			if (e->d_name[0] != '.') {
				char *p = xstrfmt("%s/%s", dir, e->d_name);
				unlink(p);
				free(p);
			}
		if (d)
			closedir(d);
		rmdir(dir);
	}
}

TEST(exec_children_started_lazily_and_reused)
{
	struct llm_answer a[3];
	struct model *m = open_exec(SH, 8, 10, 1);
	size_t i;

	/* one request at a time: the one child started answers all three */
	for (i = 0; i < 3; i++)
		CHECK_INT(ask(m, "x", &a[i]), 0);
	for (i = 0; i < 3; i++) {
		CHECK_INT(a[i].status, LLM_OK);
		CHECK(answer_pid(&a[i]) > 0);
		CHECK_INT(answer_pid(&a[i]), answer_pid(&a[0]));
	}
	release_all(a, 3);
	exec_adapter.free(m);
	CHECK(no_children());

	/*
	 * a program that exits after each answer is noticed gone before the
	 * next request and started again for it. A request written in the
	 * instant between an answer and the exit would cost an attempt, so
	 * the next is asked once the last child has exited ("exec" makes the
	 * shell that answered the process receval started, whose exit closes
	 * the pipe).
	 */
	m = open_exec("exec:exec sh fixtures/exec/echo.sh 0 once", 2, 10, 3);
	for (i = 0; i < 3; i++) {
		long pid;

		CHECK_INT(ask(m, "x", &a[0]), 0);
		CHECK_INT(a[0].status, LLM_OK);
		CHECK_INT(a[0].attempts, 1);
		pid = answer_pid(&a[0]);
		CHECK(pid > 0);
		if (pid > 0)
			CHECK(process_gone(pid));
		llm_answer_release(&a[0]);
	}
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_dead_child_restarted_and_retried)
{
	char marker[] = "/tmp/receval-exec-XXXXXX";
	struct llm_answer a;
	struct model *m;
	int fd;

	if (!have_python())
		return;
	fd = mkstemp(marker);
	close(fd);
	unlink(marker);
	m = open_exec(PY, 2, 10, 5);
	CHECK_INT(ask(m, "echo:warm up", &a), 0);   /* it answered once: its death is not "before answering" */
	llm_answer_release(&a);
	{
		char *text = xstrfmt("die-once:%s", marker);
		CHECK_INT(ask(m, text, &a), 0);
		free(text);
	}
	CHECK_INT(a.status, LLM_OK);
	CHECK_STR(a.content, "survived");
	CHECK_INT(a.attempts, 2);
	llm_answer_release(&a);
	unlink(marker);

	/*
	 * dying every time: an error after the attempts allowed, naming the
	 * status; not fatal, though fresh children die unanswered, since the
	 * program has been seen to work: the request kills it
	 */
	CHECK_INT(ask(m, "die", &a), 0);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK_INT(a.attempts, 5);
	CHECK(a.error && strstr(a.error, "exited with status 3"));
	llm_answer_release(&a);

	/* and the model still works */
	CHECK_INT(ask(m, "echo:still here", &a), 0);
	CHECK_STR(a.content, "still here");
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_timeout_kills_and_retries)
{
	char marker[] = "/tmp/receval-exec-XXXXXX";
	struct test_clock clk = { 0, 0 };
	struct llm_answer a;
	struct model *m;
	char *text;
	int fd;
	long pid;

	if (!have_python())
		return;
	fd = mkstemp(marker);
	close(fd);
	unlink(marker);
	/* a 60 s timeout, reached by moving the model's clock on once the child hangs */
	m = open_exec(PY, 2, 60, 4);
	exec_set_clock(m, test_clock_now, &clk);
	text = xstrfmt("hang-once:%s", marker);
	chat(m, 1, text);
	free(text);
	CHECK(wait_for_file(marker, 10000));   /* the first child has the request, and hangs */
	CHECK_INT(exec_adapter.poll(m, &a, 0), 0);   /* not timed out before its time */
	clk.skipped += 60000;
	CHECK_INT(collect(m, &a, 1, ANSWER_WAIT_MS, NULL), 1);
	CHECK_INT(a.status, LLM_OK);
	CHECK_STR(a.content, "survived");
	CHECK_INT(a.attempts, 2);
	CHECK(a.latency_ms >= 60000);
	llm_answer_release(&a);
	unlink(marker);
	exec_adapter.free(m);

	/* hanging every time: "timed out after 2 attempts" */
	m = open_exec(PY, 1, 60, 2);
	exec_set_clock(m, test_clock_now, &clk);
	chat(m, 1, "hang");
	clk.skipped += 60000;
	CHECK_INT(exec_adapter.poll(m, &a, 0), 0);   /* the first attempt timed out: a second one started */
	CHECK_INT(exec_adapter.pending(m), 1);
	clk.skipped += 60000;
	CHECK_INT(collect(m, &a, 1, ANSWER_WAIT_MS, NULL), 1);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK_STR(a.error, "exec: timed out after 2 attempts of 60 s each");
	CHECK_INT(a.attempts, 2);
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());

	/*
	 * --sample-deadline 90 bounds the attempts in all, as it does a remote
	 * model's: the second attempt ends at 90 s, not 120 s (the exec adapter
	 * ignored it, so a hanging model took attempts times --timeout)
	 */
	m = open_exec(PY, 1, 60, 6);
	m->limits.deadline_s = 90;
	exec_set_clock(m, test_clock_now, &clk);
	chat(m, 1, "hang");
	clk.skipped += 60000;
	CHECK_INT(exec_adapter.poll(m, &a, 0), 0);   /* a second attempt */
	clk.skipped += 30000;
	CHECK_INT(collect(m, &a, 1, ANSWER_WAIT_MS, NULL), 1);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK_STR(a.error, "exec: no answer within the sample deadline (90 s) after 2 attempts (--sample-deadline)");
	CHECK_INT(a.attempts, 2);
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());

	/*
	 * "; :" makes the shell fork python rather than exec it: the timeout
	 * must kill the grandchild too (its process group), not orphan it.
	 */
	fd = mkstemp(marker);
	close(fd);
	m = open_exec(PY "; :", 1, 60, 1);
	exec_set_clock(m, test_clock_now, &clk);
	text = xstrfmt("pid:%s", marker);
	chat(m, 1, text);
	free(text);
	pid = wait_for_number(marker, 10000);   /* python has written its pid, and hangs */
	CHECK(pid > 0);
	clk.skipped += 60000;
	CHECK_INT(collect(m, &a, 1, ANSWER_WAIT_MS, NULL), 1);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK_STR(a.error, "exec: timed out after 1 attempt of 60 s each");
	llm_answer_release(&a);
	if (pid > 0)
		CHECK(process_gone(pid));
	unlink(marker);
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_bad_answers_fail_the_request)
{
	static const struct {
		const char *text, *error;
	} cases[] = {
		{ "garbage", "exec: answer is not a JSON object: 'this is not json'" },
		{ "badid", "exec: answer has id 1003, but the request sent had id 3" },
		{ "noid", "exec: answer has no \"id\"" },
		{ "nothing", "exec: answer has neither \"content\", \"embedding\" nor \"error\"" },
		{ "error", "the model is sad" },
		/* read as a C string, the line was blank, and the request waited out every attempt */
		{ "nul", "exec: answer holds a NUL byte: it is not a JSON line" },
	};
	struct llm_answer a;
	struct model *m;
	size_t i;

	if (!have_python())
		return;
	m = open_exec(PY, 1, 10, 3);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_INT(ask(m, cases[i].text, &a), 0);
		CHECK_INT(a.status, LLM_ERROR);
		CHECK_INT(a.attempts, 1);   /* not retried */
		CHECK_STR(a.error, cases[i].error);
		llm_answer_release(&a);
		/* the next request is answered (by a fresh child where the stream was out of step) */
		CHECK_INT(ask(m, "echo:next", &a), 0);
		CHECK_STR(a.content, "next");
		llm_answer_release(&a);
	}

	/* a second answer to one request: the child is out of step and restarted; the next request is fine */
	CHECK_INT(ask(m, "chatty", &a), 0);
	CHECK_STR(a.content, "first");
	llm_answer_release(&a);
	CHECK_INT(ask(m, "echo:after chatty", &a), 0);
	CHECK_STR(a.content, "after chatty");
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_answer_over_body_cap)
{
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT, 0 };
	struct model_spec spec;
	struct llm_answer a;
	struct model *m = NULL;

	if (!have_python())
		return;
	data.limits.body_cap = 1000;
	CHECK_INT(model_spec_parse(&spec, PY), 0);
	CHECK_INT(exec_adapter.open(&m, &spec, &data), 0);
	model_spec_release(&spec);
	CHECK_INT(ask(m, "big:900", &a), 0);
	CHECK_INT(a.status, LLM_OK);
	llm_answer_release(&a);
	CHECK_INT(ask(m, "big:100000", &a), 0);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK_STR(a.error, "exec: answer longer than 1000 bytes");
	llm_answer_release(&a);
	CHECK_INT(ask(m, "echo:fine", &a), 0);
	CHECK_STR(a.content, "fine");
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_command_not_found_is_fatal)
{
	struct llm_answer a[4];
	struct model *m = open_exec("exec:receval-no-such-program-here", 2, 60, 6);
	double t0 = now_ms();
	size_t i;

	for (i = 0; i < 3; i++)
		chat(m, i + 1, "hello");
	CHECK_INT(collect(m, a, 3, ANSWER_WAIT_MS, NULL), 3);
	CHECK(now_ms() - t0 < 3000);
	for (i = 0; i < 3; i++) {
		CHECK_INT(a[i].status, LLM_FATAL);
		CHECK_STR(a[i].error, "exec: 'receval-no-such-program-here' exited with status 127 before answering");
	}
	release_all(a, 3);
	/* and from then on, at once */
	chat(m, 1, "hello");
	CHECK_INT(exec_adapter.poll(m, &a[0], 0), 1);
	CHECK_INT(a[0].status, LLM_FATAL);
	llm_answer_release(&a[0]);
	exec_adapter.free(m);
	CHECK(no_children());

	/* one that starts and exits at once, whatever its status */
	m = open_exec("exec:exit 0", 1, 60, 6);
	CHECK_INT(ask(m, "hello", &a[0]), 0);
	CHECK_INT(a[0].status, LLM_FATAL);
	CHECK_STR(a[0].error, "exec: 'exit 0' exited with status 0 before answering");
	llm_answer_release(&a[0]);
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_embeddings)
{
	const char *in1[] = { "first text", "second text" }, *in2[] = { "second text" };
	const char *bad[] = { "x", "bad" };
	struct llm_request req = { 0 };
	struct llm_answer a[3];
	struct model *m;

	if (!have_python())
		return;
	m = open_exec(PY, 4, 10, 1);
	req.kind = LLM_EMBED;
	req.id = 1;
	req.input = in1;
	req.n_input = 2;
	CHECK_INT(exec_adapter.submit(m, &req), 0);
	req.id = 2;
	req.input = in2;
	req.n_input = 1;
	CHECK_INT(exec_adapter.submit(m, &req), 0);
	req.id = 3;
	req.input = bad;
	req.n_input = 2;
	CHECK_INT(exec_adapter.submit(m, &req), 0);
	CHECK_INT(collect(m, a, 3, ANSWER_WAIT_MS, NULL), 3);
	CHECK_INT(a[0].status, LLM_OK);
	CHECK_INT(a[0].n_embeddings, 2);
	CHECK_INT(a[0].dim, 4);
	CHECK_INT(a[1].status, LLM_OK);
	CHECK_INT(a[1].n_embeddings, 1);
	CHECK_INT(a[1].dim, 4);
	CHECK(a[0].content == NULL);
	if (a[0].embeddings && a[1].embeddings) {
		/* sha256("second text")[0..4) / 255, as the fixture computes: the same text, the same vector */
		CHECK_NEAR(a[0].embeddings[4], a[1].embeddings[0], 0);
		CHECK_NEAR(a[0].embeddings[7], a[1].embeddings[3], 0);
		CHECK(a[0].embeddings[0] != a[0].embeddings[4]);
	}
	CHECK_INT(a[2].status, LLM_ERROR);
	CHECK_STR(a[2].error, "exec: \"embedding\" does not hold one vector per input");
	release_all(a, 3);

	/* a chat answer to an embed request is an error, not a crash */
	{
		const char *echo[] = { "x" };
		struct model *s = open_exec(SH, 1, 10, 1);
		req.id = 1;
		req.input = echo;
		req.n_input = 1;
		CHECK_INT(exec_adapter.submit(s, &req), 0);
		CHECK_INT(collect(s, a, 1, 10000, NULL), 1);
		CHECK_INT(a[0].status, LLM_ERROR);
		CHECK_STR(a[0].error, "exec: an embed request was answered with \"content\"");
		llm_answer_release(&a[0]);
		exec_adapter.free(s);
	}
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_free_reaps_everything)
{
	struct test_clock clk = { 0, 0 };
	struct model *m;
	double t0;
	int fds = count_fds();
	size_t i;

	if (!have_python())
		return;
	/* idle children exit when their stdin closes: free() returns at once */
	m = open_exec(SH, 4, 10, 1);
	for (i = 0; i < 4; i++)
		chat(m, i + 1, "x");
	{
		struct llm_answer a[4];
		CHECK_INT(collect(m, a, 4, ANSWER_WAIT_MS, NULL), 4);
		release_all(a, 4);
	}
	t0 = now_ms();
	exec_adapter.free(m);
	CHECK(now_ms() - t0 < EXEC_EXIT_GRACE_MS);   /* they exited: free() did not wait out the grace */
	CHECK(no_children());

	/*
	 * busy ones that never finish: killed after the grace period, requests
	 * and answers dropped (the grace passes on the model's clock, moved on
	 * 100 ms at every reading)
	 */
	m = open_exec(PY, 3, 60, 1);
	exec_set_clock(m, test_clock_now, &clk);
	for (i = 0; i < 5; i++)
		chat(m, i + 1, i == 4 ? "echo:done" : "hang");
	CHECK_INT(exec_adapter.pending(m), 5);
	{
		struct llm_answer a = { 0 };
		(void)exec_adapter.poll(m, &a, 300);   /* whatever came, free() must cope */
		llm_answer_release(&a);
	}
	clk.step = 100;
	t0 = test_clock_now(&clk);
	exec_adapter.free(m);
	CHECK(test_clock_now(&clk) - t0 >= EXEC_EXIT_GRACE_MS);   /* they had their grace */
	CHECK(no_children());
	if (fds >= 0)
		CHECK_INT(count_fds(), fds);
}
