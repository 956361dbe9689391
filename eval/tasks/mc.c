/* mc.c: the `mc` task (RecLM-eval's multiple choice): pick the held-out item among lettered candidates. */
#include <cJSON.h>
#include "eval/tasks/rec.h"

static const char *const keys[] = {
	"candidates", "negatives", "variant", "template", "system", "fuzzy_threshold", "knowledge", "knowledge_k", NULL,
};

static int parse(struct task_spec *t, const struct task_parse *tp)
{
	const cJSON *v = task_key(tp, "variant");

	/* one answer: accuracy is the only cutoff */
	t->k = xmalloc(sizeof(*t->k));
	t->k[0] = 1;
	t->n_k = 1;
	/* RecLM-eval's A-J by default; no more than the alphabet */
	if (rec_parse_candidates(t, tp, 10, 26) < 0)
		return -1;
	if (v && cJSON_IsString(v) && !strcmp(v->valuestring, "cf"))
		t->seq = 0;
	else if (v && !(cJSON_IsString(v) && !strcmp(v->valuestring, "seq")))
		return task_error(tp, "variant", "'variant' must be \"cf\" or \"seq\"");
	return rec_parse_chat(t, tp, t->seq ? "mc_seq.txt" : "mc_cf.txt", rec_candidate_vars);
}

const struct task_type task_mc = {
	.name = "mc",
	.summary = "pick the held-out item among lettered candidates, history in order (seq) or shuffled (cf) (acc@1)",
	.flags = TASK_CANDIDATES | TASK_LETTERED,
	.keys = keys,
	.parse = parse,
	REC_CHAT_MEMBERS,
};
