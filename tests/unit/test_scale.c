/* test_scale.c: scale-out's pure pieces: UUIDs, --shard parsing and auto-detection, run keys, replica rests, pools. */
#include "tests/unit/test.h"
#include "lib/uuid.h"
#include "eval/shard.h"
#include "adapters/http.h"
#include "adapters/pool.h"

static const char *const sched_vars[] = {
	"JOB_COMPLETION_INDEX", "RECEVAL_SHARDS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN",
	"SLURM_ARRAY_TASK_STEP", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_JOB_ID", "SLURM_CLUSTER_NAME",
};

static void clear_env(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sched_vars); i++)
		unsetenv(sched_vars[i]);
}

TEST(uuid_forms)
{
	char a[UUID_TEXT_SIZE], b[UUID_TEXT_SIZE];

	uuid_random(a);
	uuid_random(b);
	CHECK(uuid_is_valid(a));
	CHECK(strcmp(a, b));
	CHECK(a[14] == '4');
	CHECK(strchr("89ab", a[19]) != NULL);
	uuid_from_name(a, "abc", 3);
	uuid_from_name(b, "abc", 3);
	CHECK_STR(a, b);
	/* SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 ...: version 8 and the RFC variant set */
	CHECK_STR(a, "ba7816bf-8f01-8fea-8141-40de5dae2223");
	CHECK(!uuid_is_valid("ba7816bf-8f01-8fea-8141-40de5dae222"));
	CHECK(!uuid_is_valid("ba7816bf+8f01-8fea-8141-40de5dae2223"));
}

TEST(shard_parse_forms)
{
	long i, n;

	CHECK(!shard_parse("0/1", &i, &n) && i == 0 && n == 1);
	CHECK(!shard_parse("2/3", &i, &n) && i == 2 && n == 3);
	CHECK(shard_parse("3/3", &i, &n) < 0);
	CHECK(shard_parse("-1/3", &i, &n) < 0);
	CHECK(shard_parse("1/0", &i, &n) < 0);
	CHECK(shard_parse("1", &i, &n) < 0);
	CHECK(shard_parse("a/b", &i, &n) < 0);
}

TEST(shard_auto_kubernetes)
{
	long i = -1, n = -1;
	const char *sched = NULL;
	char *group = NULL;

	clear_env();
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);  /* no scheduler */
	setenv("JOB_COMPLETION_INDEX", "2", 1);
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);  /* no count */
	CHECK(!shard_auto(&i, &n, &sched, &group, 4));
	CHECK_INT(i, 2);
	CHECK_INT(n, 4);
	CHECK_STR(sched, "kubernetes");
	CHECK(group == NULL);
	setenv("RECEVAL_SHARDS", "3", 1);
	CHECK(!shard_auto(&i, &n, &sched, &group, 0));
	CHECK_INT(n, 3);
	CHECK(shard_auto(&i, &n, &sched, &group, 2) < 0);  /* index 2 of 2 */
	setenv("JOB_COMPLETION_INDEX", "x", 1);
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);
	clear_env();
}

TEST(shard_auto_slurm)
{
	long i = -1, n = -1;
	const char *sched = NULL;
	char *group = NULL;

	clear_env();
	setenv("SLURM_ARRAY_TASK_ID", "7", 1);
	setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);  /* no count */
	setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
	setenv("SLURM_ARRAY_JOB_ID", "1234", 1);
	setenv("SLURM_CLUSTER_NAME", "c1", 1);
	CHECK(!shard_auto(&i, &n, &sched, &group, 0));
	CHECK_INT(i, 2);
	CHECK_INT(n, 4);
	CHECK_STR(sched, "slurm");
	CHECK_STR(group, "slurm:c1:1234");
	free(group);
	group = NULL;
	CHECK(shard_auto(&i, &n, &sched, &group, 3) < 0);  /* --shards disagrees */
	setenv("SLURM_ARRAY_TASK_STEP", "2", 1);
	setenv("SLURM_ARRAY_TASK_ID", "9", 1);
	CHECK(!shard_auto(&i, &n, &sched, &group, 0));
	CHECK_INT(i, 2);
	free(group);
	group = NULL;
	setenv("SLURM_ARRAY_TASK_ID", "8", 1);  /* not on the step */
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);
	setenv("SLURM_ARRAY_TASK_ID", "13", 1); /* past the count */
	CHECK(shard_auto(&i, &n, &sched, &group, 0) < 0);
	clear_env();
}

TEST(shard_run_keys)
{
	char a[37], b[37], c[37], d[37];

	shard_run_key(a, NULL, "{\"name\":\"x\"}", 42, -1, 3, "builtin:pop");
	shard_run_key(b, NULL, "{\"name\":\"x\"}", 42, -1, 3, "builtin:pop");
	shard_run_key(c, NULL, "{\"name\":\"x\"}", 42, -1, 3, "builtin:ease");
	shard_run_key(d, NULL, "{\"name\":\"x\"}", 43, -1, 3, "builtin:pop");
	CHECK_STR(a, b);          /* every shard of one run */
	CHECK(strcmp(a, c));      /* each model its own */
	CHECK(strcmp(a, d));      /* another seed, another run */
	shard_run_key(a, "job-1", "{}", 1, -1, 3, "m");
	shard_run_key(b, "job-1", "{\"other\":1}", 2, 5, 3, "m");
	CHECK_STR(a, b);          /* a named group is the key, whatever the content */
	shard_run_key(a, NULL, "{}", 1, -1, 1, "m");
	shard_run_key(b, NULL, "{}", 1, -1, 1, "m");
	CHECK(strcmp(a, b));      /* a run that is not sharded: its own */
	CHECK(uuid_is_valid(a) && uuid_is_valid(c));
}

TEST(http_replica_rests)
{
	CHECK_NEAR(http_rest_ms(0), HTTP_REST_BASE_MS, 0);
	CHECK_NEAR(http_rest_ms(1), 2 * HTTP_REST_BASE_MS, 0);
	CHECK_NEAR(http_rest_ms(3), 8 * HTTP_REST_BASE_MS, 0);
	CHECK_NEAR(http_rest_ms(20), HTTP_REST_CAP_MS, 0);
	CHECK_NEAR(http_rest_ms(1000), HTTP_REST_CAP_MS, 0);
}

TEST(pool_parse_forms)
{
	struct model_spec spec = { 0 };
	struct pool p, q;

	CHECK(!model_spec_parse(&spec, "openai:m"));
	CHECK(!pool_parse(&p, &spec, "base_url", "http://b:1/v1/|https://a:2/v1"));
	CHECK_INT(p.n, 2);
	CHECK_STR(p.urls[0], "http://b:1/v1");
	CHECK_STR(p.identity, "http://b:1/v1|https://a:2/v1");
	CHECK(!pool_parse(&q, &spec, "base_url", "https://a:2/v1|http://b:1/v1"));
	CHECK_STR(q.identity, p.identity);  /* the order written does not matter */
	pool_release(&q);
	pool_release(&p);
	CHECK(!pool_parse(&p, &spec, "base_url", "http://one"));
	CHECK_STR(p.identity, "http://one");
	pool_release(&p);
	CHECK(pool_parse(&p, &spec, "base_url", "http://a||http://b") < 0);
	CHECK(pool_parse(&p, &spec, "base_url", "http://a|http://a/") < 0);
	CHECK(pool_parse(&p, &spec, "base_url", "http://a|ftp://b") < 0);
	CHECK(pool_parse(&p, &spec, "base_url", "http://u:pw@a") < 0);
	model_spec_release(&spec);
}
