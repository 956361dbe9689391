/* roles.c: judge and simulator models: the spec a task runs with, and the model opened from it. */
#include "eval/roles.h"
#include "adapters/prices.h"

size_t suite_set_role(struct suite *s, enum task_role role, const char *spec)
{
	const char *key = task_role_name(role);
	size_t t, i, n = 0;

	if (!spec)
		return 0;
	for (t = 0; t < s->n_tasks; t++) {
		const struct task_type *type = s->tasks[t].type;
		for (i = 0; type->keys && type->keys[i]; i++)
			if (!strcmp(type->keys[i], key))
				break;
		if (!type->keys || !type->keys[i])
			continue;
		free(s->tasks[t].role_spec[role]);
		s->tasks[t].role_spec[role] = xstrdup(spec);
		n++;
	}
	return n;
}

int role_open(const struct adapter **ad, struct model **out, enum task_role role, const char *spec_text,
	      const struct train_data *data)
{
	struct model_spec spec = { 0 }, backend = { 0 };
	char *text;
	int rc;

	*out = NULL;
	if (model_spec_parse(&spec, spec_text) < 0)
		return -1;
	if (!(*ad = adapter_find(spec.provider))) {
		error("unknown model provider '%s' in %s '%s' (known: %s)", spec.provider, task_role_name(role),
		      spec_text, adapter_providers());
		model_spec_release(&spec);
		return -1;
	}
	if (!(*ad)->submit) {
		error("%s '%s' must be a language model (openai:, azure: or exec:), not a built-in one",
		      task_role_name(role), spec_text);
		model_spec_release(&spec);
		return -1;
	}
	/* a judge grades the same answer the same way every time, unless told otherwise */
	if (role == ROLE_JUDGE && !model_spec_get(&spec, "temperature")) {
		text = xstrfmt("%s%ctemperature=0", spec_text, strchr(spec_text, '?') ? '&' : '?');
		model_spec_release(&spec);
		memset(&spec, 0, sizeof(spec));
		rc = model_spec_parse(&spec, text);
		free(text);
		if (rc < 0)
			return -1;
	}
	model_spec_without_prices(&backend, &spec);
	rc = (*ad)->open(out, &backend, data);
	model_spec_release(&backend);
	model_spec_release(&spec);
	return rc < 0 ? -1 : 0;
}
