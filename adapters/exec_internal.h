/* exec_internal.h: what the exec adapter's two files (exec.c: children and the adapter; exec_answer.c: reading answers) share. */
#ifndef EXEC_INTERNAL_H
#define EXEC_INTERNAL_H

#include "adapters/adapter.h"
#include "adapters/exec.h"
#include "lib/strbuf.h"

/* Children dying before any has answered anything, this many: the command cannot work. */
#define EARLY_DEATHS_FATAL 3
/* How long a child whose stdout closed may take to become reapable before it is killed. */
#define REAP_GRACE_MS 200.0
/* Longest piece of a bad answer quoted in an error. */
#define SNIPPET_MAX 60

struct job {
	struct job *next;
	uint64_t id;            /* the caller's */
	uint64_t wire_id;       /* the "id" the child sees: unique in this model, exact as a double */
	enum llm_kind kind;
	size_t n_input;         /* LLM_EMBED: how many vectors the answer must hold */
	char *line;             /* the request: one JSON line, '\n' included */
	size_t len;
	unsigned attempts;      /* times handed to a child */
	double submitted_ms;
	double first_ms;        /* when first handed to a child: --sample-deadline counts from it */
};

struct child {
	pid_t pid;              /* 0: no process in this slot; also its process group */
	int in_fd, out_fd;      /* our ends of its stdin (write) and stdout (read); -1 when none */
	struct job *job;        /* the request it is answering, or NULL when idle */
	size_t written;         /* bytes of job->line written so far */
	double deadline_ms;     /* when job times out */
	int answered;           /* it has answered a request (any answer in step) */
	struct strbuf rbuf;     /* what it wrote that is not consumed yet */
};

struct done {
	struct done *next;
	struct llm_answer a;
};

struct model {
	char *command;
	char *params;           /* the "params" object sent with every request, JSON */
	struct adapter_limits limits;
	struct child *children; /* [limits.concurrency] slots */
	struct pollfd *fds;     /* [2 * limits.concurrency] scratch for poll() */
	struct child **fd_child;
	struct job *queue, *queue_tail;   /* waiting for a child */
	struct done *done, *done_tail;    /* answers not yet returned */
	size_t n_pending;       /* submitted, not yet returned by poll() */
	uint64_t next_wire_id;
	int ever_answered;      /* some child of this model has answered */
	unsigned early_deaths;  /* children that died before answering, while none ever has */
	char *fatal;            /* once set, every request fails with LLM_FATAL and this reason */
	double (*now)(void *);  /* the clock every deadline and latency is read from (exec_set_clock()) */
	void *now_arg;
};

/* m's clock, in milliseconds (exec_set_clock()). */
double exec_clock_ms(const struct model *m);
/* Hand a's answer to job j back to the caller (poll()); j is freed, a's contents taken over. */
void exec_deliver(struct model *m, struct job *j, struct llm_answer *a);
/* Answer job j with status and the formatted reason. */
void exec_fail(struct model *m, struct job *j, enum llm_status status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A copy of s fit to quote in a one-line error: at most SNIPPET_MAX bytes, control bytes shown safely (caller frees). */
char *exec_snippet(const char *s);
/*
 * One line child c wrote: its answer to its job. Returns 0 when it answered
 * its job (delivered), -1 when the line is out of step (the caller kills c).
 */
int exec_take_answer(struct model *m, struct child *c, const char *line);

#endif
