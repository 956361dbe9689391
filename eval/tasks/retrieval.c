/* retrieval.c: the `retrieval` task: the top k of the whole catalogue for a user's history. */
#include "eval/tasks/rec.h"

static const char *const keys[] = { "k", "template", "system", "fuzzy_threshold", NULL };

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
	.metric_names = rec_metric_names,
	.builtin = rec_builtin,
	.start = rec_chat_start,
	.work_count = rec_work_count,
	.step = rec_chat_step,
	.stop = rec_chat_stop,
	.finish = rec_distribution,
};
