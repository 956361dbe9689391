/* retrieval.c: the `retrieval` task: the top k of the whole catalogue for a user's history. */
#include "eval/tasks/rec.h"

static const char *const keys[] = { "k", "template", "system", "fuzzy_threshold", "knowledge", "knowledge_k", NULL };

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	if (task_get_cutoffs(tp, t) < 0)
		return -1;
	return rec_parse_chat(t, tp, "retrieval.txt", rec_retrieval_vars);
}

const struct task_type task_retrieval = {
	.name = "retrieval",
	.summary = "the top k items of the whole catalogue for a user's history (ndcg, recall, ... at each k)",
	.keys = keys,
	.parse = parse,
	REC_CHAT_MEMBERS,
	.finish = rec_distribution,
};
