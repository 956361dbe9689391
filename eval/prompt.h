/* prompt.h: what a language model is asked for a sample, and how its answer becomes a ranked list of catalogue items. */
#ifndef PROMPT_H
#define PROMPT_H

#include "util.h"
#include "strbuf.h"
#include "strmap.h"
#include "dataset.h"

/*
 * The messages of one request. History is given as titles, oldest first,
 * one per line, whole items only; candidates are numbered from 1.
 */
struct prompt {
	struct strbuf system, user;
};

void prompt_init(struct prompt *p);
void prompt_release(struct prompt *p);
void prompt_ranking(struct prompt *p, const struct dataset *ds, const uint32_t *hist, size_t n_hist,
		    const uint32_t *cand, size_t n_cand);
void prompt_retrieval(struct prompt *p, const struct dataset *ds, const uint32_t *hist, size_t n_hist,
		      size_t k);
/* The request as stored with its sample: {"messages": [{"role", "content"}, ...]}. */
void prompt_json(struct strbuf *out, const struct prompt *p);

/* Catalogue titles, folded to lower case, for grounding answers by exact title. */
struct title_index {
	struct strmap map;
	char **keys;       /* owned, one per item with a title */
	size_t n;
};

void title_index_build(struct title_index *ti, const struct dataset *ds);
void title_index_release(struct title_index *ti);

/*
 * Ranking answer: each line names a candidate by its number ("3", "3.",
 * "#3", "3)") or by its exact title (case folded); repeats and lines that
 * name nothing are skipped. The candidates the answer left out follow, in
 * the order they were shown (which was shuffled), so omission gains nothing.
 * Writes n_cand items to out; returns how many came from the answer.
 */
size_t answer_ranking(uint32_t *out, const char *text, const struct title_index *ti,
		      const uint32_t *cand, size_t n_cand);

/*
 * Retrieval answer: each line, stripped of list numbering and bullets, is a
 * title grounded by exact (case-folded) match; up to k distinct items are
 * written to out, in order. *lines gets the number of non-empty lines
 * read (answers that could not be grounded are lines - returned).
 */
size_t answer_retrieval(uint32_t *out, size_t k, const char *text, const struct title_index *ti,
			size_t *lines);

#endif
