/* roles.h: the models of roles other than the subject (judge, simulator): from the task or the command line, opened for a run. */
#ifndef ROLES_H
#define ROLES_H

#include "eval/suite.h"
#include "adapters/adapter.h"

/*
 * Give every task whose type takes the role's key ("judge", "simulator")
 * the model spec (a copy), replacing what the suite said: --judge SPEC
 * wins over a task's "judge". spec NULL changes nothing. Returns how many
 * tasks took it.
 */
size_t suite_set_role(struct suite *s, enum task_role role, const char *spec);

/*
 * Open the model of a role from its spec text: a language model (a
 * backend with submit), its price parameters taken out, and for a judge
 * temperature 0 unless the spec sets one. Returns 0 with *ad and *out
 * set, or -1 after printing why.
 */
int role_open(const struct adapter **ad, struct model **out, enum task_role role, const char *spec_text,
	      const struct train_data *data);

#endif
