/* task.c: the registry of task types (one line each) and the role names. */
#include "eval/task.h"

extern const struct task_type task_retrieval, task_ranking, task_mc, task_embedding_retrieval,
	task_embedding_ranking, task_explanation;
extern const struct task_type task_general_mc, task_instruction_following, task_chatbot;
extern const struct task_type task_conversation;

const struct task_type *const task_types[] = {
	&task_retrieval,
	&task_ranking,
	&task_mc,
	&task_embedding_retrieval,
	&task_embedding_ranking,
	&task_explanation,
	&task_general_mc,
	&task_instruction_following,
	&task_chatbot,
	&task_conversation,
	NULL,
};

const char *task_role_name(enum task_role r)
{
	switch (r) {
	case ROLE_SUBJECT: return "subject";
	case ROLE_JUDGE: return "judge";
	case ROLE_SIMULATOR: return "simulator";
	default: return "?";
	}
}

const struct task_type *task_type_find(const char *name)
{
	size_t i;

	for (i = 0; task_types[i]; i++)
		if (!strcmp(task_types[i]->name, name))
			return task_types[i];
	return NULL;
}

const char *task_type_names(void)
{
	static char buf[512];
	size_t i, o = 0;

	if (buf[0])
		return buf;
	for (i = 0; task_types[i] && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? ", " : "", task_types[i]->name);
	return buf;
}
