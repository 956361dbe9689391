/* run.h: the run loop: one model through every task of a suite on the sampled users, each sample stored as it completes. */
#ifndef RUN_H
#define RUN_H

#include "lib/util.h"
#include "eval/suite.h"
#include "eval/data/dataset.h"
#include "eval/data/split.h"
#include "eval/store.h"
#include "lib/strmap.h"
#include "adapters/adapter.h"

/* Everything the models of one `receval run` share. */
struct run_plan {
	const struct suite *suite;
	const struct dataset *ds;
	const struct split *sp;
	const uint32_t *users;    /* the sampled users, in evaluation order */
	size_t n_users;
	uint64_t seed;
	long limit;               /* --limit, or -1 */
	long shard_i, shard_n;    /* --shard I/N, or 0/1 */
	const char *run_group;    /* names the sharded run all shards belong to (--run-key, the scheduler's job), or NULL */
	size_t sampled;           /* users sampled before --limit and --shard */
	int quiet;
	int no_cache;             /* --no-cache: ask even what the cache holds */
	struct adapter_limits limits;  /* --concurrency, --rpm, --tpm, --timeout */
	const char *model_text;   /* the spec being run, for messages */
	int64_t resume_run;       /* --resume: the run to finish (0: a new run) */
	const struct strmap *done;/* --resume: "task\nsample_id" of samples not to ask again */
	int dry;                  /* --dry-run: language models replaced by eval/dry.h's stand-in; the store is in memory */
	double max_cost;          /* --max-cost: USD the subject may spend (0: no limit) */
	char **why;               /* or NULL: set by run_model() to why the model's run stopped early (caller frees) */
	const char *simulator;    /* --simulator: likewise, the simulated user of every task that takes one */
	const char *judge;        /* --judge: the judge model of every task that takes one (wins over the suite's; stored with the run), or NULL */
	unsigned threads;         /* --threads: built-in models evaluate samples on this many threads */
};

/* Set by the SIGINT handler: stop between samples, mark the run interrupted. */
extern volatile int run_interrupted;

/*
 * Whether SIGINT came. The handler may run on any thread (OpenBLAS's
 * among them) and sets the flag with an atomic store: read it this way.
 */
static inline int run_was_interrupted(void)
{
	return __atomic_load_n(&run_interrupted, __ATOMIC_RELAXED);
}

/*
 * Train the model spec names and evaluate it on every task of the plan,
 * committing each sample with its metrics, then aggregate. *run_id is set
 * as soon as the run row exists (0 before). Returns an exit code: EXIT_OK,
 * EXIT_USAGE/EXIT_INPUT when the model cannot be built (from_flag picks
 * which), EXIT_STORE, or 130 when interrupted.
 */
int run_model(const struct run_plan *plan, struct store *store, const struct model_spec *spec,
	      int from_flag, int64_t *run_id);

#endif
