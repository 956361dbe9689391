/* drive.h: running one task on language models: its work items through step(), many requests in flight. */
#ifndef DRIVE_H
#define DRIVE_H

#include "eval/task.h"

/*
 * Run task c->t on the models of c (every role it uses has an adapter with
 * submit/poll): start(), phase 0's work items, then phase 1's (the
 * samples), stop(). Returns EXIT_OK, EXIT_MODEL after a fatal answer or
 * when the task cannot go on, or EXIT_STORE.
 */
int drive_task(struct task_ctx *c);

#endif
