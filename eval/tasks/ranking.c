/* ranking.c: the `ranking` task: order the held-out item and sampled negatives, optionally in several shuffled orders. */
#include <cJSON.h>
#include "eval/tasks/rec.h"

static const char *const keys[] = {
	"k", "candidates", "negatives", "permutations", "template", "system", "fuzzy_threshold", "knowledge", "knowledge_k", NULL,
};

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	if (task_get_cutoffs(tp, t) < 0 || rec_parse_candidates(t, tp, 0, 100000) < 0 || rec_check_cutoffs(t, tp) < 0 ||
	    (task_key(tp, "permutations") && task_get_count(tp, "permutations", 0, 100, &t->permutations) < 0))
		return -1;
	return rec_parse_chat(t, tp, "ranking.txt", rec_candidate_vars);
}

const struct task_type task_ranking = {
	.name = "ranking",
	.summary = "order the held-out item among sampled negatives (ndcg, recall, ... at each k; position bias with permutations)",
	.flags = TASK_CANDIDATES,
	.keys = keys,
	.parse = parse,
	REC_CHAT_MEMBERS,
};
