/* test_exec.c: the exec provider through its adapter struct, against the fixture programs in tests/fixtures/exec/. */
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include "tests/unit/test.h"
#include "adapters/adapter.h"

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

/* No child is left, reaped or not (the unit-test binary has no others). */
static int no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD;
}

static struct model *open_exec(const char *text, unsigned concurrency, double timeout_s, unsigned attempts)
{
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT };
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
static int ask(struct model *m, const char *text, struct llm_answer *a)
{
	chat(m, 1, text);
	return collect(m, a, 1, 10000, NULL) == 1 ? 0 : -1;
}

TEST(exec_chat_answer_and_identity)
{
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
	chat(m, 1, "echo:hello there");
	CHECK_INT(exec_adapter.pending(m), 1);
	CHECK_INT(collect(m, &a, 1, 10000, NULL), 1);
	CHECK_INT(exec_adapter.pending(m), 0);
	CHECK_INT(a.status, LLM_OK);
	CHECK_STR(a.content, "hello there");
	CHECK_STR(a.finish_reason, "stop");
	CHECK_INT(a.tokens_in, 3);
	CHECK_INT(a.tokens_out, 1);
	CHECK_INT(a.attempts, 1);
	CHECK_INT(a.http_status, 0);
	CHECK(a.latency_ms > 0);
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
	static const char *const texts[] = {
		"sleep:0.6:one", "sleep:0.4:two", "sleep:0.3:three", "sleep:0.2:four", "sleep:0.1:five", "sleep:0:six",
	};
	struct llm_answer a[ARRAY_SIZE(texts)];
	uint64_t order[ARRAY_SIZE(texts)];
	struct model *m;
	size_t i;

	if (!have_python())
		return;
	m = open_exec(PY, 6, 10, 1);
	/* six children started first, so that their start-up times do not decide the order */
	for (i = 0; i < ARRAY_SIZE(texts); i++)
		chat(m, i + 1, "sleep:0.2:warm");
	CHECK_INT(collect(m, a, ARRAY_SIZE(texts), 10000, NULL), ARRAY_SIZE(texts));
	release_all(a, ARRAY_SIZE(texts));
	for (i = 0; i < ARRAY_SIZE(texts); i++)
		chat(m, i + 1, texts[i]);
	CHECK_INT(collect(m, a, ARRAY_SIZE(texts), 10000, order), ARRAY_SIZE(texts));
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		CHECK_INT(a[i].status, LLM_OK);
		CHECK_STR(a[i].content, strrchr(texts[i], ':') + 1);
	}
	/* the slowest was asked first, the quickest last */
	CHECK(order[0] != 1);
	CHECK(order[ARRAY_SIZE(texts) - 1] == 1);
	release_all(a, ARRAY_SIZE(texts));
	exec_adapter.free(m);
	CHECK(no_children());
}

TEST(exec_children_run_in_parallel)
{
	struct llm_answer a[8];
	struct model *m = open_exec(SH " 0.3", 8, 10, 1);
	double t0 = now_ms(), took;
	size_t i, j, distinct = 0;
	long pids[8];

	for (i = 0; i < 8; i++)
		chat(m, i + 1, "x");
	CHECK_INT(collect(m, a, 8, 10000, NULL), 8);
	took = now_ms() - t0;
	/* one after another would take 2.4 s */
	CHECK(took < 1200);
	for (i = 0; i < 8; i++) {
		CHECK_INT(a[i].status, LLM_OK);
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
	 * next request and started again for it (a request written in the
	 * instant between an answer and the exit would cost an attempt: hence
	 * the pause)
	 */
	m = open_exec(SH " 0 once", 2, 10, 3);
	for (i = 0; i < 3; i++) {
		usleep(i ? 100000 : 0);
		CHECK_INT(ask(m, "x", &a[0]), 0);
		CHECK_INT(a[0].status, LLM_OK);
		CHECK_INT(a[0].attempts, 1);
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

TEST(exec_timeout_kills_and_retries)
{
	char marker[] = "/tmp/receval-exec-XXXXXX";
	struct llm_answer a;
	struct model *m;
	double t0;
	char *text;
	int fd;
	long pid = 0;

	if (!have_python())
		return;
	fd = mkstemp(marker);
	close(fd);
	unlink(marker);
	/* 1.5 s: room for python to start on a loaded machine */
	m = open_exec(PY, 2, 1.5, 4);
	text = xstrfmt("hang-once:%s", marker);
	t0 = now_ms();
	CHECK_INT(ask(m, text, &a), 0);
	free(text);
	CHECK(now_ms() - t0 < 7000);
	CHECK_INT(a.status, LLM_OK);
	CHECK_STR(a.content, "survived");
	CHECK(a.attempts >= 2);   /* 2, unless python took 1.5 s to start on a loaded machine */
	llm_answer_release(&a);
	unlink(marker);
	exec_adapter.free(m);

	/* hanging every time: "timed out after 2 attempts" */
	m = open_exec(PY, 1, 0.3, 2);
	t0 = now_ms();
	CHECK_INT(ask(m, "hang", &a), 0);
	CHECK(now_ms() - t0 < 3000);
	CHECK_INT(a.status, LLM_ERROR);
	CHECK(a.error && strstr(a.error, "timed out after 2 attempts"));
	llm_answer_release(&a);
	exec_adapter.free(m);
	CHECK(no_children());

	/*
	 * "; :" makes the shell fork python rather than exec it: the timeout
	 * must kill the grandchild too (its process group), not orphan it.
	 */
	fd = mkstemp(marker);
	close(fd);
	m = open_exec(PY "; :", 1, 1.5, 1);
	text = xstrfmt("pid:%s", marker);
	CHECK_INT(ask(m, text, &a), 0);
	free(text);
	CHECK_INT(a.status, LLM_ERROR);
	llm_answer_release(&a);
	{
		FILE *f = fopen(marker, "r");
		if (f) {
			if (fscanf(f, "%ld", &pid) != 1)
				pid = 0;
			fclose(f);
		}
	}
	CHECK(pid > 0);
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
	struct train_data data = { NULL, NULL, 42, ADAPTER_LIMITS_INIT };
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
	CHECK_INT(collect(m, a, 3, 10000, NULL), 3);
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
	CHECK_INT(collect(m, a, 3, 10000, NULL), 3);
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
		CHECK_INT(collect(m, a, 4, 10000, NULL), 4);
		release_all(a, 4);
	}
	t0 = now_ms();
	exec_adapter.free(m);
	CHECK(now_ms() - t0 < 1000);
	CHECK(no_children());

	/* busy ones that never finish: killed after the grace period, requests and answers dropped */
	m = open_exec(PY, 3, 60, 1);
	for (i = 0; i < 5; i++)
		chat(m, i + 1, i == 4 ? "echo:done" : "hang");
	CHECK_INT(exec_adapter.pending(m), 5);
	{
		struct llm_answer a = { 0 };
		(void)exec_adapter.poll(m, &a, 300);   /* whatever came, free() must cope */
		llm_answer_release(&a);
	}
	t0 = now_ms();
	exec_adapter.free(m);
	CHECK(now_ms() - t0 < 3000);
	CHECK(no_children());
	if (fds >= 0)
		CHECK_INT(count_fds(), fds);
}
