/* registry.h: every metric name receval writes, with its direction, cutoff, per-sample values, kind and one-line description. */
#ifndef METRIC_REGISTRY_H
#define METRIC_REGISTRY_H

#include <stddef.h>

/*
 * Readers (compare's W/T/L, the report's best marks and tables, the run
 * summary, show's row order) ask here instead of guessing from a name: a
 * name the registry does not know has direction NEITHER and is reported
 * as unknown, and the caller decides what to do with it.
 *
 * Names: FAMILY, FAMILY@K (K a positive integer: "ndcg@10", "success@3"),
 * and the position-bias figures derived from either, NAME_perm_mean and
 * NAME_perm_sd ("ndcg@10_perm_sd"). NAME/QUALIFIER is the figure of NAME
 * on part of the samples, and reads as NAME: "acc/abstract_algebra" (a
 * subject), "instruction_strict_acc/keywords:existence" (an instruction id). A family is registered either with a
 * cutoff or without one; "acc@1" (multiple choice over candidates) and
 * "acc" (general multiple-choice questions) are two entries.
 */

enum metric_direction {
	METRIC_LOWER = -1,    /* lower is better: failure rates, cost */
	METRIC_NEITHER = 0,   /* neither: descriptive figures (popularity, length), and unknown names */
	METRIC_HIGHER = 1,    /* higher is better: accuracy */
};

enum metric_kind {
	METRIC_QUALITY,       /* how good the answers are: accuracy, success, judged scores */
	METRIC_VALIDITY,      /* how often answers fail: parse failures, hallucinations, errors, full lists */
	METRIC_BEYOND,        /* what is recommended or said, beyond accuracy: popularity, diversity, length */
	METRIC_COST,          /* tokens and money */
	METRIC_POSITION_BIAS, /* how much the answer depends on the order things were shown in */
};

enum {
	METRIC_CUTOFF = (1 << 0),     /* the name takes "@K" (and must) */
	METRIC_PER_SAMPLE = (1 << 1), /* one value per sample: a mean with an interval, paired tests */
	METRIC_SUMMARY = (1 << 2),    /* shown in the summary `receval run` prints */
	METRIC_HEADLINE = (1 << 3),   /* the report's headline family (at the largest cutoff every run has) */
	METRIC_CURVE = (1 << 4),      /* the report plots it against its cutoff */
};

/* One family. The built-in ones are static; metric_registry_add() copies its argument's strings. */
struct metric_info {
	const char *name;                 /* the family: "ndcg", "error_rate" */
	enum metric_direction direction;
	enum metric_kind kind;
	unsigned flags;                   /* METRIC_CUTOFF | METRIC_PER_SAMPLE | ... */
	/*
	 * Display order (show, report, compare rows): families with a rank
	 * come first, by rank; the others (rank 0, and unknown names) follow
	 * in alphabetical order.
	 */
	unsigned rank;
	const char *description;          /* one line */
};

/* What a full metric name is. */
enum metric_derived {
	METRIC_PLAIN,                     /* the family itself */
	METRIC_PERM_MEAN,                 /* NAME_perm_mean: the mean over the candidate orders shown */
	METRIC_PERM_SD,                   /* NAME_perm_sd: their standard deviation */
};

struct metric_lookup {
	const struct metric_info *info;   /* the family's entry; NULL for an unknown name */
	long cutoff;                      /* K of "@K"; -1 without one */
	enum metric_derived derived;
	/* of the full name: a _perm_sd is lower-is-better and run-level whatever its family */
	enum metric_direction direction;
	enum metric_kind kind;
	int per_sample;
};

/*
 * Look name up. Returns 0 with *out filled, or -1 when the name is unknown
 * (or malformed: "ndcg" without a cutoff, "error_rate@5"), with *out set
 * to info NULL, direction NEITHER, kind QUALITY, per_sample 0, and cutoff
 * and derived as far as they could be read.
 */
int metric_lookup(struct metric_lookup *out, const char *name);

/* The direction of name, NEITHER when unknown. */
enum metric_direction metric_direction(const char *name);

/* "higher", "lower", "neither". */
const char *metric_direction_name(enum metric_direction d);
/* "quality", "validity", "beyond-accuracy", "cost", "position-bias". */
const char *metric_kind_name(enum metric_kind k);

/*
 * Whether value a is better than b under direction d: 1 better, -1 worse,
 * 0 equal or when d is NEITHER (no order to judge by). NaN is never better.
 */
int metric_better(enum metric_direction d, double a, double b);

/*
 * Display rank of the family name[0..len) ("ndcg" of "ndcg@10"): its
 * entry's rank, or METRIC_RANK_REST when it has none or is unknown.
 */
#define METRIC_RANK_REST 1000u
unsigned metric_family_rank(const char *name, size_t len);

/* Every registered family, built-in first then added: i from 0 to metric_registry_count() - 1. */
size_t metric_registry_count(void);
const struct metric_info *metric_registry_at(size_t i);

/*
 * Register a family only a suite knows (a custom rubric aspect), so that
 * nothing is guessed about it. The strings are copied. Returns 0; 1 when
 * the same family (name and cutoff) is already registered with the same
 * direction, kind and flags; -1 when it is registered differently, or the
 * name is empty or holds '@'. Not thread-safe: add before starting
 * workers. metric_registry_clear() forgets every addition (tests).
 */
int metric_registry_add(const struct metric_info *m);
void metric_registry_clear(void);

#endif
