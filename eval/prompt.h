/* prompt.h: what a language model is asked for a sample: the task's templates filled with its history and candidates. */
#ifndef PROMPT_H
#define PROMPT_H

#include "lib/util.h"
#include "lib/strbuf.h"
#include "eval/data/dataset.h"
#include "eval/suite.h"
#include "eval/data/knowledge.h"

/* The messages of one chat request, or the text of one embedding input. */
struct prompt {
	struct strbuf system, user;
	struct knowledge *kn;   /* {knowledge}: the task's item knowledge, or NULL (renders empty); not owned */
};

void prompt_init(struct prompt *p);
void prompt_release(struct prompt *p);

/*
 * Fill t's templates for one sample: {history} as "- Title" lines, oldest
 * first (for mc "cf", shuffled with seed: the order must tell nothing),
 * whole items only; {candidates} as "1. Title" lines (mc: "A. Title");
 * {k} the task's largest cutoff; {n} the number of candidates;
 * {knowledge} p->kn's lines about the history items shown, then the
 * candidates (empty without p->kn).
 */
void prompt_render(struct prompt *p, const struct task_spec *t, const struct dataset *ds,
		   const uint32_t *hist, size_t n_hist, const uint32_t *cand, size_t n_cand, uint64_t seed);

/* Embedding tasks: an item's text ({title}, {categories}) and a user's ({history}: titles joined by "; "). */
void prompt_item_text(struct strbuf *out, const struct task_spec *t, const struct dataset *ds, uint32_t item);
void prompt_user_text(struct strbuf *out, const struct task_spec *t, const struct dataset *ds,
		      const uint32_t *hist, size_t n_hist);

/* The chat request as stored with its sample: {"messages": [{"role", "content"}, ...]}. */
void prompt_json(struct strbuf *out, const struct prompt *p);

#endif
