/* exec.h: the exec provider's clock, which tests set so as to move time on rather than wait for it. */
#ifndef EXEC_H
#define EXEC_H

#include "adapters/adapter.h"

/* How long exec's free() lets busy children exit once their stdin is closed, before it kills them. */
#define EXEC_EXIT_GRACE_MS 2000.0

/*
 * Read model m's time from now(arg) (milliseconds, never going back)
 * instead of now_ms(): every timeout, latency and grace period of m is
 * measured on it, as http.h's pure pieces take the time as an argument.
 * poll(2) still sleeps in real time, never past the next deadline by
 * this clock. Call it before m's first submit(); now NULL: now_ms() again.
 * m must come from exec_adapter.open().
 */
void exec_set_clock(struct model *m, double (*now)(void *arg), void *arg);

#endif
