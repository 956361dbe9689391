/* test_task.c: the task registry keeps its contract: every type complete, suite keys routed to their type, stored suites read without files. */
#include "test.h"
#include "eval/suite.h"
#include "eval/task.h"

TEST(task_registry_contract)
{
	size_t i, j;

	CHECK(task_types[0] != NULL);
	for (i = 0; task_types[i]; i++) {
		const struct task_type *t = task_types[i];
		CHECK(t->name && *t->name);
		CHECK(t->summary && *t->summary);
		CHECK(t->parse && t->metric_names && t->work_count && t->step);
		/* a type that starts state frees it */
		CHECK(!t->start == !t->stop);
		CHECK(task_type_find(t->name) == t);
		for (j = 0; j < i; j++)
			CHECK(strcmp(task_types[j]->name, t->name));
		/* the common keys are the loader's, never a type's */
		for (j = 0; t->keys && t->keys[j]; j++)
			CHECK(strcmp(t->keys[j], "type") && strcmp(t->keys[j], "name"));
	}
	CHECK(task_type_find("nope") == NULL);
	CHECK(strstr(task_type_names(), "retrieval") != NULL);
	CHECK_STR(task_role_name(ROLE_JUDGE), "judge");
}

static const char suite_text[] =
	"{\"name\": \"s\", \"dataset\": {\"format\": \"csv\", \"path\": \"$RECEVAL_SURELY_UNSET/x.csv\"},\n"
	" \"tasks\": [{\"type\": \"ranking\", \"k\": [10, 5, 5], \"candidates\": 20, \"permutations\": 2},\n"
	"            {\"type\": \"mc\", \"name\": \"pick\", \"variant\": \"cf\"},\n"
	"            {\"type\": \"retrieval\", \"k\": 3, \"template\": \"no/such/file.txt\"}]}";

TEST(task_stored_suite_reads_no_file)
{
	struct suite s;

	/* an unset variable and a missing template are fine when nothing is read */
	CHECK_INT(suite_parse_stored(&s, suite_text, strlen(suite_text)), 0);
	CHECK_INT(s.n_tasks, 3);
	CHECK_STR(s.tasks[0].type->name, "ranking");
	CHECK_INT(s.tasks[0].n_k, 2);
	CHECK_INT(s.tasks[0].k[0], 5);
	CHECK_INT(s.tasks[0].permutations, 2);
	CHECK_STR(s.tasks[1].name, "pick");
	CHECK_INT(s.tasks[1].candidates, 10);
	CHECK_INT(s.tasks[1].seq, 0);
	CHECK_INT(s.tasks[1].k[0], 1);
	CHECK(s.tasks[2].template_text == NULL);
	suite_release(&s);
	/* read for a run, the same suite fails on the unset variable, once (no double free) */
	CHECK_INT(suite_parse(&s, "suite.json", suite_text, strlen(suite_text)), -1);
}

TEST(task_keys_go_to_their_type)
{
	static const char *const bad[] = {
		/* a key of another type, and a typo */
		"{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"retrieval\",\"k\":1,\"variant\":\"cf\"}]}",
		"{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"ranking\",\"k\":1,\"candidats\":5}]}",
		"{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"nope\"}]}",
		"{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"mc\",\"candidates\":27}]}",
	};
	struct suite s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_INT(suite_parse_stored(&s, bad[i], strlen(bad[i])), -1);
}

/*
 * A ranking's cutoffs stop at its candidates (bug: k 50 over 20 candidates was accepted). A stored suite
 * that has one (a run made before the check) still reads: --resume, judge and merge must not refuse it.
 */
TEST(task_ranking_k_within_candidates)
{
	static const char text[] = "{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"ranking\",\"candidates\":20,\"k\":[10,50]}]}";
	static const char fits[] = "{\"name\":\"s\",\"dataset\":{\"format\":\"csv\",\"path\":\"x\"},\"tasks\":[{\"type\":\"ranking\",\"candidates\":20,\"k\":[10,20]}]}";
	struct suite s;

	CHECK_INT(suite_parse_stored(&s, text, strlen(text)), 0);
	CHECK_INT(s.tasks[0].k[1], 50);
	suite_release(&s);
	CHECK_INT(suite_parse_stored(&s, fits, strlen(fits)), 0);
	suite_release(&s);
}
