/* test_general.c: general_mc renders MMLU's prompt byte for byte and reads letters from messy answers; bad question files fail with file:line; MT-Bench verdicts are read or refused. */
#include "test.h"
#include "eval/suite.h"
#include "eval/tasks/general.h"
#include "eval/answer/choice.h"
#include "lib/strbuf.h"
#include "metrics/registry.h"

/* tests run in tests/: the shipped suite's data is ../suites/general */
static const char mc_suite[] =
	"{\"name\": \"g\", \"tasks\": [{\"type\": \"general_mc\", \"data\": \"general/mmlu/test\", \"shots\": 5}]}";

TEST(general_mc_prompt_is_mmlu_reference)
{
	struct suite s;
	struct strbuf out = STRBUF_INIT, want = STRBUF_INIT;

	CHECK_INT(suite_parse(&s, "../suites/g.json", mc_suite, strlen(mc_suite)), 0);
	CHECK_INT(strbuf_read_file(&want, "fixtures/general/mmlu_astronomy_5shot.txt", 0), 0);
	/* question 3 of astronomy (subjects are read in file-name order, astronomy first) */
	general_mc_prompt(&out, &s.tasks[0], 2);
	CHECK_STR(out.buf, want.buf);
	strbuf_release(&out);
	strbuf_release(&want);
	suite_release(&s);
}

TEST(general_mc_reads_messy_answers)
{
	static const char *const opts[] = { "Sydney", "Melbourne", "Canberra", "Perth" };
	static const struct {
		const char *answer;
		int want;
	} cases[] = {
		{ "C", 2 }, { "(C)", 2 }, { "Answer: C", 2 }, { "C. Canberra", 2 }, { "Canberra", 2 },
		{ "**C**", 2 }, { "The answer is (C).", 2 }, { "canberra.", 2 }, { "The capital is Canberra.", 2 },
		{ "I think it is B", 1 }, { "A", 0 }, { "I am not sure.", -1 }, { "Sydney or Perth", -1 }, { "", -1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int got = choice_read_options(cases[i].answer, strlen(cases[i].answer), opts, 4);
		if (got != cases[i].want)
			test_fail(__FILE__, __LINE__, "\"%s\" read as %d, expected %d", cases[i].answer, got, cases[i].want);
	}
}

static int load(const char *file, const char *content, const char *task)
{
	FILE *f = fopen(file, "w");
	struct suite s;
	char *text = xstrfmt("{\"name\": \"b\", \"tasks\": [%s]}", task);
	int rc;

	fputs(content, f);
	fclose(f);
	rc = suite_parse(&s, "suite.json", text, strlen(text));
	if (!rc)
		suite_release(&s);
	free(text);
	return rc;
}

TEST(general_bad_question_files)
{
	char dir[] = "/tmp/receval-general-XXXXXX";
	char *csv, *jsonl, *task_csv, *task_jsonl, *task_if, *task_chat;

	CHECK(mkdtemp(dir) != NULL);
	csv = xstrfmt("%s/x_test.csv", dir);
	jsonl = xstrfmt("%s/q.jsonl", dir);
	task_csv = xstrfmt("{\"type\": \"general_mc\", \"data\": \"%s\"}", csv);
	task_jsonl = xstrfmt("{\"type\": \"general_mc\", \"data\": \"%s\"}", jsonl);
	task_if = xstrfmt("{\"type\": \"instruction_following\", \"data\": \"%s\"}", jsonl);
	task_chat = xstrfmt("{\"type\": \"chatbot\", \"data\": \"%s\"}", jsonl);
	CHECK_INT(load(csv, "q,a,b,c,d,A\n\"multi\nline\",a,b,c,d,B\n", task_csv), 0);
	/* a row with five fields, an answer outside the choices, an unclosed quote */
	CHECK_INT(load(csv, "q,a,b,c,d,A\nq2,a,b,c,D\n", task_csv), -1);
	CHECK_INT(load(csv, "q,a,b,c,d,E\n", task_csv), -1);
	CHECK_INT(load(csv, "\"q,a,b,c,d,A\n", task_csv), -1);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\", \"z\"], \"answer\": 2}\n", task_jsonl), 0);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\"], \"answer\": 0}\n", task_jsonl), -1);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\"], \"answer\": \"C\"}\n", task_jsonl), -1);
	CHECK_INT(load(jsonl, "{\"key\": 1, \"prompt\": \"p\", \"instruction_id_list\": [\"punctuation:no_comma\"],"
		       " \"kwargs\": [{}]}\n", task_if), 0);
	CHECK_INT(load(jsonl, "{\"key\": 1, \"prompt\": \"p\", \"instruction_id_list\": [\"punctuation:nope\"],"
		       " \"kwargs\": [{}]}\n", task_if), -1);
	CHECK_INT(load(jsonl, "{\"key\": 1, \"prompt\": \"p\", \"instruction_id_list\": [\"punctuation:no_comma\"],"
		       " \"kwargs\": [{\"num_words\": 3}]}\n", task_if), -1);
	CHECK_INT(load(jsonl, "{\"prompt\": \"hi\"}\n{\"turns\": [\"a\", \"b\"]}\n", task_chat), 0);
	CHECK_INT(load(jsonl, "{\"prompt\": \"hi\"}\n{\"text\": \"no prompt\"}\n", task_chat), -1);
	CHECK_INT(load(jsonl, "\n\n", task_chat), -1);
	unlink(csv);
	unlink(jsonl);
	rmdir(dir);
	free(csv);
	free(jsonl);
	free(task_csv);
	free(task_jsonl);
	free(task_if);
	free(task_chat);
}

/*
 * Found by tests/fuzz/fuzz_questions.c: a JSONL answer index of 1e95 was
 * cast to long before its range was checked (undefined behaviour). It is
 * now "not one of the choices", as 3 is for three choices.
 */
TEST(general_mc_huge_answer_index_is_refused)
{
	char dir[] = "/tmp/receval-general-XXXXXX";
	char *jsonl, *task;

	CHECK(mkdtemp(dir) != NULL);
	jsonl = xstrfmt("%s/q.jsonl", dir);
	task = xstrfmt("{\"type\": \"general_mc\", \"data\": \"%s\"}", jsonl);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\"], \"answer\": 1e95}\n", task), -1);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\"], \"answer\": -1e95}\n", task), -1);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\"], \"answer\": 2}\n", task), -1);
	CHECK_INT(load(jsonl, "{\"question\": \"q\", \"choices\": [\"x\", \"y\"], \"answer\": 1}\n", task), 0);
	unlink(jsonl);
	rmdir(dir);
	free(jsonl);
	free(task);
}

/* Same class as the above, found reading the code: a rubric scale of 1e300 was cast to long before its check. */
TEST(rubric_huge_scale_is_refused)
{
	static const char *const scales[] = { "[1, 1e300]", "[-1e300, 3]", "[1, 3.5]", "[3, 1]" };
	struct suite s;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(scales); i++) {
		char *text = xstrfmt("{\"name\": \"t\", \"dataset\": {\"format\": \"csv\", \"path\": \"d.csv\"},"
				     " \"tasks\": [{\"type\": \"explanation\", \"rubric\": {\"scale\": %s,"
				     " \"aspects\": {\"a\": \"b\"}}}]}", scales[i]);
		CHECK_INT(suite_parse_stored(&s, text, strlen(text)), -1);
		free(text);
	}
}

TEST(general_suite_without_dataset)
{
	static const char needs[] = "{\"name\": \"n\", \"tasks\": [{\"type\": \"ranking\", \"k\": 5, \"candidates\": 5}]}";
	static const char stored[] =
		"{\"name\": \"n\", \"tasks\": [{\"type\": \"general_mc\", \"data\": \"no/such/folder\", \"shots\": 5},"
		" {\"type\": \"chatbot\", \"data\": \"nope.jsonl\", \"judge\": \"openai:x\"}]}";
	struct suite s;

	CHECK_INT(suite_parse(&s, "x.json", needs, strlen(needs)), -1);
	/* a stored suite (finishing a run) reads no question file */
	CHECK_INT(suite_parse_stored(&s, stored, strlen(stored)), 0);
	CHECK_STR(s.tasks[1].role_spec[ROLE_JUDGE], "openai:x");
	CHECK(s.dataset.format == NULL);
	suite_release(&s);
}

TEST(chatbot_reads_mt_bench_verdicts)
{
	CHECK_NEAR(chatbot_read_rating("Good answer.\n\nRating: [[8]]"), 8, 0);
	CHECK_NEAR(chatbot_read_rating("Rating: [[7.5]] then [[2]]"), 7.5, 0);
	CHECK_NEAR(chatbot_read_rating("Rating: [6]"), 6, 0);
	CHECK_NEAR(chatbot_read_rating("Rating: [[11]]"), -1, 0);
	CHECK_NEAR(chatbot_read_rating("no number"), -1, 0);
	CHECK_NEAR(chatbot_read_rating("[[A]] [[ 5 ]]"), -1, 0);
	CHECK_NEAR(chatbot_read_rating(NULL), -1, 0);
}

TEST(general_qualified_metric_names)
{
	struct metric_lookup l;

	/* per subject and per instruction id: the family's entry, its direction */
	CHECK_INT(metric_lookup(&l, "acc/abstract_algebra"), 0);
	CHECK_INT(l.direction, METRIC_HIGHER);
	CHECK(l.per_sample);
	CHECK_INT(metric_lookup(&l, "instruction_strict_acc/keywords:existence"), 0);
	CHECK_INT(l.direction, METRIC_HIGHER);
	CHECK_INT(metric_lookup(&l, "rating/turn2"), 0);
	CHECK_INT(metric_lookup(&l, "nope/x"), -1);
	CHECK_INT(metric_lookup(&l, "ndcg/x"), -1);
}
