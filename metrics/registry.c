/* registry.c: the table of every metric family receval writes (see registry.h), and the additions a suite makes. */
#include "lib/util.h"
#include "metrics/registry.h"

#define Q METRIC_QUALITY
#define V METRIC_VALIDITY
#define B METRIC_BEYOND
#define C METRIC_COST
#define UP METRIC_HIGHER
#define DOWN METRIC_LOWER
#define NONE METRIC_NEITHER
#define K METRIC_CUTOFF
#define S METRIC_PER_SAMPLE

/*
 * Directions, with the reason where it is a choice:
 * - accuracy, success and judged scores: higher is better.
 * - failure rates (and hallucinated_titles, a count of failures): lower.
 *   full_list_rate is the exception among the *_rate names: it is the
 *   share of answers that listed every place asked for, so higher.
 * - the beyond-accuracy figures describe *what* is recommended, and none
 *   is better by itself: more popular (arp, novelty, aplt), more diverse
 *   (ild) or more evenly spread (coverage, gini, entropy) lists trade
 *   against accuracy, and which to want is the evaluator's choice. So
 *   neither; compare counts them higher/equal/lower and says so.
 * - words: a length, neither (over_length_rate judges it against max_words).
 * - cost: fewer tokens and less money for the same answers is better.
 * - turns (of a dialogue's success, max_turns + 1 for none): lower.
 * - judge figures are B against A: win_rate higher, loss_rate lower;
 *   tie_rate neither (more ties is neither better nor worse for B);
 *   consistency_rate (both orders agree) higher; first_position_rate and
 *   longer_preferred_rate neither: an unbiased judge sits at 0.5 or at the
 *   humans' own rate, not at an end of the scale.
 */
static const struct metric_info builtin[] = {
	/* ranking quality (metrics/ranking.h), trec_eval's definitions; rank = the order show prints them in */
	{ "ndcg", UP, Q, K | S | METRIC_SUMMARY | METRIC_HEADLINE | METRIC_CURVE, 1,
	  "normalised discounted cumulative gain of the top k (trec_eval ndcg_cut.k)" },
	{ "recall", UP, Q, K | S | METRIC_SUMMARY | METRIC_CURVE, 2,
	  "share of the relevant items in the top k (trec_eval recall.k)" },
	{ "hit", UP, Q, K | S, 3, "1 when any of the top k is relevant (trec_eval success.k)" },
	{ "precision", UP, Q, K | S, 4, "relevant items in the top k, divided by k (trec_eval P.k)" },
	{ "mrr", UP, Q, K | S | METRIC_SUMMARY, 5, "1 / rank of the first relevant item within the top k, else 0" },
	{ "map", UP, Q, K | S, 6, "average precision cut at k (trec_eval map_cut.k)" },
	{ "acc", UP, Q, K | S | METRIC_SUMMARY, 0, "multiple choice over candidates: 1 when the item chosen is the target" },

	/*
	 * validity rates of language-model answers (eval/run_llm.c, eval/run.c);
	 * the run summary shows the four that say whether a score can be
	 * trusted (an acc@1 of 0 with every answer unreadable is no accuracy)
	 */
	{ "error_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of samples whose request failed after its retries" },
	{ "parse_failure_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of answers from which no list or choice could be read" },
	{ "hallucination_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of the items named that ground to no catalogue item" },
	{ "out_of_candidate_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of the items named that are not among the candidates shown" },
	{ "in_history_rate", DOWN, V, S, 0, "share of the items named that the user has already interacted with" },
	{ "duplicate_rate", DOWN, V, S, 0, "share of the items named that repeat an earlier one of the same list" },
	{ "full_list_rate", UP, V, S, 0, "share of answers that filled every place asked for (all candidates, or k items)" },

	/* beyond accuracy (metrics/beyond.h): descriptive, see above */
	{ "novelty", NONE, B, K | S, 0, "mean -log2 popularity share of the top k (unseen items count once)" },
	{ "arp", NONE, B, K | S, 0, "average recommendation popularity: mean training interactions of the top k" },
	{ "aplt", NONE, B, K | S, 0, "share of the top k in the long tail (outside the 20% short head)" },
	{ "ild", NONE, B, K | S, 0, "intra-list diversity: mean 1 - Jaccard of category sets over pairs of the top k" },
	{ "coverage", NONE, B, K | METRIC_SUMMARY, 0, "share of the catalogue in at least one top k of the run" },
	{ "gini", NONE, B, K, 0, "Gini index of how often each item is recommended in the top k (0 even, 1 concentrated)" },
	{ "entropy", NONE, B, K, 0, "entropy in bits of how often each item is recommended in the top k" },

	/* cost (eval/run.c): totals per task, no per-sample values */
	{ "tokens_in", DOWN, C, 0, 0, "prompt tokens the API reported, over the task" },
	{ "tokens_out", DOWN, C, 0, 0, "completion tokens the API reported, over the task" },
	{ "cost_usd", DOWN, C, 0, 0, "tokens times the model's price, in US dollars, over the task" },

	/* explanation */
	{ "words", NONE, B, S, 0, "words in the explanation" },
	{ "over_length_rate", DOWN, V, S, 0, "share of explanations longer than max_words" },
	{ "target_named_rate", UP, Q, S | METRIC_SUMMARY, 0, "share of explanations that name the item they explain" },
	{ "history_cited", UP, Q, S, 0, "items of the user's history the explanation names" },
	{ "hallucinated_titles", DOWN, V, S | METRIC_SUMMARY, 0, "quoted or title-like spans that ground to no catalogue item" },
	{ "informativeness", UP, Q, S | METRIC_SUMMARY, 0, "judge's rubric score: how much the explanation tells" },
	{ "persuasiveness", UP, Q, S | METRIC_SUMMARY, 0, "judge's rubric score: how convincing the explanation is" },
	{ "helpfulness", UP, Q, S | METRIC_SUMMARY, 0, "judge's rubric score: how much the explanation helps the user decide" },
	{ "judge_failure_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of judge verdicts that could not be read" },

	/* conversation */
	{ "success", UP, Q, K | S | METRIC_SUMMARY | METRIC_CURVE, 0, "1 when the target was among the subject's items by turn t" },
	{ "turns", DOWN, Q, S | METRIC_SUMMARY, 0, "turn of success, max_turns + 1 when the target never came" },
	{ "repeat_rate", DOWN, V, S, 0, "share of offered items that had been refused before" },
	{ "leak_rate", DOWN, V, S, 0, "share of simulator turns that named the target and were asked again" },
	{ "invalid_rate", DOWN, V, S | METRIC_SUMMARY, 0, "share of dialogues given up because the simulator named the target on every try" },

	/* general_mc, instruction_following, chatbot */
	{ "acc", UP, Q, S | METRIC_SUMMARY, 0, "multiple-choice questions: 1 when the answer is the key" },
	{ "prompt_strict_acc", UP, Q, S | METRIC_SUMMARY, 0, "IFEval: share of prompts whose every instruction is followed (strict)" },
	{ "instruction_strict_acc", UP, Q, S, 0, "IFEval: share of instructions followed (strict)" },
	{ "prompt_loose_acc", UP, Q, S | METRIC_SUMMARY, 0, "IFEval: share of prompts whose every instruction is followed (loose)" },
	{ "instruction_loose_acc", UP, Q, S, 0, "IFEval: share of instructions followed (loose)" },
	{ "instructions", NONE, B, S, 0, "IFEval: the verifiable instructions a prompt has" },
	{ "rating", UP, Q, S | METRIC_SUMMARY, 0, "judge's single-answer rating, 1 to 10 (MT-Bench)" },

	/* pairwise judge (receval judge A B): B against A */
	{ "win_rate", UP, Q, S, 0, "share of samples the judge gave to B in both orders" },
	{ "loss_rate", DOWN, Q, S, 0, "share of samples the judge gave to A in both orders" },
	{ "tie_rate", NONE, Q, S, 0, "share of samples tied, or judged differently in the two orders" },
	{ "win_rate_adjusted", UP, Q, S, 0, "(wins + ties / 2) / samples" },
	{ "consistency_rate", UP, METRIC_POSITION_BIAS, S, 0, "share of samples whose two verdicts agree" },
	{ "first_position_rate", NONE, METRIC_POSITION_BIAS, 0, 0,
	  "share of verdicts that chose whichever answer was shown first (0.5 unbiased)" },
	{ "longer_preferred_rate", NONE, METRIC_POSITION_BIAS, 0, 0,
	  "share of decisive verdicts that chose the longer answer" },
	{ "p", NONE, Q, 0, 0, "two-sided sign test of B's wins against its losses" },
	{ "samples", NONE, Q, 0, 0, "samples both runs answered, judged in both orders" },
	{ "judged", NONE, Q, 0, 0, "samples whose two verdicts could both be read" },
	{ "judge_errors", DOWN, V, 0, 0, "samples the judge could not answer after its retries" },
	{ "judge_tokens_in", DOWN, C, 0, 0, "the judge's prompt tokens, over the task (apart from the subject's)" },
	{ "judge_tokens_out", DOWN, C, 0, 0, "the judge's completion tokens, over the task" },
	{ "judge_cost_usd", DOWN, C, 0, 0, "the judge's tokens times its price, in US dollars, over the task" },

	/* a judge against human labels (receval judge --calibrate) */
	{ "agreement", UP, Q, 0, 0, "share of human labels the judge's verdict (both orders) matches, ties included" },
	{ "agreement_no_ties", UP, Q, 0, 0, "the same over labels where neither judge nor human called a tie" },
	{ "kappa", UP, Q, 0, 0, "Cohen's kappa of judge and humans over a, b and tie" },
	{ "human_longer_preferred_rate", NONE, METRIC_POSITION_BIAS, 0, 0,
	  "share of decisive human labels that chose the longer answer" },
	{ "human_agreement", NONE, Q, 0, 0, "share of pairs of human labels of one question that agree" },
	{ "human_agreement_no_ties", NONE, Q, 0, 0, "the same over pairs where neither label is a tie" },
	{ "human_pairs", NONE, Q, 0, 0, "pairs of human labels of one question (and its two answers)" },
	{ "labels", NONE, Q, 0, 0, "human labels read" },
	{ "items", NONE, Q, 0, 0, "distinct pairs of answers the judge was asked about" },
};

/* Families a suite added (custom rubric aspects): owned here. */
static struct metric_info *added;
static size_t n_added, alloc_added;

size_t metric_registry_count(void)
{
	return ARRAY_SIZE(builtin) + n_added;
}

const struct metric_info *metric_registry_at(size_t i)
{
	if (i < ARRAY_SIZE(builtin))
		return &builtin[i];
	i -= ARRAY_SIZE(builtin);
	return i < n_added ? &added[i] : NULL;
}

/* The entry of family name[0..len), with or without a cutoff; NULL when none. */
static const struct metric_info *find(const char *name, size_t len, int cutoff)
{
	size_t i, n = metric_registry_count();

	for (i = 0; i < n; i++) {
		const struct metric_info *m = metric_registry_at(i);
		if (!!(m->flags & METRIC_CUTOFF) == cutoff && strlen(m->name) == len && !memcmp(m->name, name, len))
			return m;
	}
	return NULL;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && !memcmp(s + len - n, suffix, n);
}

int metric_lookup(struct metric_lookup *out, const char *name)
{
	size_t len = name ? strlen(name) : 0, flen;
	const char *at;
	const struct metric_info *m;

	memset(out, 0, sizeof(*out));
	out->cutoff = -1;
	out->direction = METRIC_NEITHER;
	out->kind = METRIC_QUALITY;
	if (!len)
		return -1;
	if (ends_with(name, len, "_perm_mean")) {
		out->derived = METRIC_PERM_MEAN;
		len -= strlen("_perm_mean");
	} else if (ends_with(name, len, "_perm_sd")) {
		out->derived = METRIC_PERM_SD;
		len -= strlen("_perm_sd");
	}
	/* FAMILY/QUALIFIER: the family's figure on part of the samples (acc/<subject>, instruction_strict_acc/<id>) */
	{
		const char *slash = memchr(name, '/', len);
		if (slash)
			len = (size_t)(slash - name);
	}
	at = memchr(name, '@', len);
	flen = at ? (size_t)(at - name) : len;
	if (at) {
		const char *p = at + 1, *end = name + len;
		long k = 0;

		if (p == end || *p == '0')
			return -1;
		for (; p < end; p++) {
			if (!isdigit((unsigned char)*p) || k > (LONG_MAX - 9) / 10)
				return -1;
			k = k * 10 + (*p - '0');
		}
		out->cutoff = k;
	}
	if (!flen || !(m = find(name, flen, at != NULL)))
		return -1;
	out->info = m;
	switch (out->derived) {
	case METRIC_PLAIN:
		out->direction = m->direction;
		out->kind = m->kind;
		out->per_sample = !!(m->flags & METRIC_PER_SAMPLE);
		break;
	case METRIC_PERM_MEAN:
		/* the same figure, averaged over the orders: better the same way */
		out->direction = m->direction;
		out->kind = METRIC_POSITION_BIAS;
		break;
	case METRIC_PERM_SD:
		/* how much the figure moves with the order shown: the less, the better */
		out->direction = METRIC_LOWER;
		out->kind = METRIC_POSITION_BIAS;
		break;
	}
	return 0;
}

enum metric_direction metric_direction(const char *name)
{
	struct metric_lookup l;

	metric_lookup(&l, name);
	return l.direction;
}

const char *metric_direction_name(enum metric_direction d)
{
	return d == METRIC_HIGHER ? "higher" : d == METRIC_LOWER ? "lower" : "neither";
}

const char *metric_kind_name(enum metric_kind k)
{
	static const char *const names[] = {
		[METRIC_QUALITY] = "quality",
		[METRIC_VALIDITY] = "validity",
		[METRIC_BEYOND] = "beyond-accuracy",
		[METRIC_COST] = "cost",
		[METRIC_POSITION_BIAS] = "position-bias",
	};

	return (size_t)k < ARRAY_SIZE(names) ? names[k] : "?";
}

int metric_better(enum metric_direction d, double a, double b)
{
	if (d == METRIC_NEITHER || isnan(a) || isnan(b) || a == b)
		return 0;
	if (d == METRIC_HIGHER)
		return a > b ? 1 : -1;
	return a < b ? 1 : -1;
}

unsigned metric_family_rank(const char *name, size_t len)
{
	size_t i;

	/* the rank belongs to the family, whichever of its entries (with or without a cutoff) carries it */
	for (i = 0; i < ARRAY_SIZE(builtin); i++)
		if (builtin[i].rank && strlen(builtin[i].name) == len && !memcmp(builtin[i].name, name, len))
			return builtin[i].rank;
	return METRIC_RANK_REST;
}

int metric_registry_add(const struct metric_info *m)
{
	const struct metric_info *old;
	struct metric_info *e;

	if (!m->name || !*m->name || strchr(m->name, '@'))
		return -1;
	old = find(m->name, strlen(m->name), !!(m->flags & METRIC_CUTOFF));
	if (old)
		return old->direction == m->direction && old->kind == m->kind && old->flags == m->flags ? 1 : -1;
	ALLOC_GROW(added, n_added + 1, alloc_added);
	e = &added[n_added++];
	*e = *m;
	e->name = xstrdup(m->name);
	e->description = xstrdup(m->description ? m->description : "");
	e->rank = 0;  /* added families sort with the rest */
	return 0;
}

void metric_registry_clear(void)
{
	size_t i;

	for (i = 0; i < n_added; i++) {
		free((char *)added[i].name);
		free((char *)added[i].description);
	}
	free(added);
	added = NULL;
	n_added = alloc_added = 0;
}
