/* conversation.h: what the `conversation` task's files share: its keys, a dialogue's state and figures, reading a turn. */
#ifndef TASKS_CONVERSATION_H
#define TASKS_CONVERSATION_H

#include "eval/run_internal.h"
#include "eval/codec.h"
#include "eval/answer/ground.h"
#include "eval/data/knowledge.h"

/* The task's own keys (task_spec.priv). */
struct conv_spec {
	size_t max_turns;          /* 1..50, default 5 */
	size_t k;                  /* items a subject's turn may offer, default 10 */
	size_t retries;            /* a leaking simulator turn is asked again this many times, default 2 */
	/* the simulator's prompts: its system message, how a recommender's turn is told to it, the note after a leak */
	char *sim_system, *sim_feedback, *sim_retry;
};

/* What a run of the task keeps (task_ctx.priv). */
struct conv_run {
	struct grounder *grounder;
	struct knowledge *kn;      /* the subject's {knowledge}, or NULL */
};

/* How a dialogue stands. */
enum conv_wait { WAIT_SIMULATOR, WAIT_SUBJECT };

/* One dialogue, between its requests (work.state). */
struct dialogue {
	size_t turn;               /* the turn under way, 1-based */
	enum conv_wait wait;
	size_t attempt;            /* the simulator's tries at this turn, 1-based */
	char **sim, **subj;        /* [max_turns]: the accepted simulator turns, the subject's answers */
	char **leaked;             /* this turn's leaking answers (attempt - 1 of them), each shown back with the retry note */
	struct strbuf feedback;    /* scratch: a subject turn as told to the simulator */
	/* every item the subject offered, turn by turn (turn_end[t] ends turn t + 1's) */
	uint32_t *offered;
	size_t n_offered, alloc_offered, *turn_end;
	struct strbuf grounding;   /* every subject turn's groundings, one JSON array */
	size_t n_grounding;
	size_t extracted, hallucinated, repeated, sim_answers, leaks;
	size_t success;            /* the turn the target came, 0: not yet */
	struct transcript_row *rows;
	size_t n_rows, alloc_rows;
	/* the messages of the request in flight and their text */
	struct llm_message *msgs;
	size_t n_msgs, alloc_msgs;
	struct strbuf sys;
	double latency_ms;
	long tokens_in, tokens_out;
};

/* Placeholders of the templates. */
extern const char *const conv_subject_vars[], *const conv_simulator_vars[], *const conv_feedback_vars[],
	*const conv_retry_vars[];

/*
 * Whether text names the target item (a simulator's turn that leaks it):
 * an item the answer reader grounds in text is the target, or has its
 * title; or the target's normalised title, its year and leading article
 * aside (ground_normalize()), appears in the normalised text as whole
 * words; a one-word title counts only written with its capitals, and
 * only when it has at least four letters ("Heat" in "I want Heat", not
 * "the heat of summer").
 */
int conv_names_target(const struct grounder *g, const struct dataset *ds, const char *text, uint32_t target);

/* Whether item is the target, or another catalogue item of the very same title (MovieLens lists a few twice). */
int conv_is_target(const struct dataset *ds, uint32_t item, uint32_t target);

/*
 * Read a subject's turn: the items it names, grounded, at most k distinct
 * ones offered (appended to d->offered, turn_end set), the others counted:
 * those that ground to nothing (hallucinated), those offered at an earlier
 * turn (repeated; offered again all the same, as the subject wrote them).
 * Returns the number offered this turn; *read gets the turn's JSON for the
 * transcript (the caller frees).
 */
size_t conv_read_turn(struct dialogue *d, const struct grounder *g, const struct dataset *ds, const char *text,
		      size_t k, uint32_t target, char **read);

/* The per-sample figures of a dialogue that ended, stored with its sample. */
int conv_store(struct task_ctx *c, struct work *w, struct dialogue *d, const char *status, const char *error);

#endif
