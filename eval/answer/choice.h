/* choice.h: reading a multiple-choice answer: the option it picks, by letter, number or (with a catalogue) title. */
#ifndef CHOICE_H
#define CHOICE_H

#include "lib/util.h"

struct grounder;

/*
 * Multiple choice: the single candidate the answer picks (0-based), or -1
 * when it picks none or is ambiguous. Read in this order: an explicit
 * "Answer: C" / "the answer is (C)" / "Option C" (the last one given);
 * an answer that is only a letter or a number ("C", "(c)", "**C**", "3");
 * a leading marker ("C. Title", "(C) ...", "C) ..."); letters in brackets
 * or bold anywhere ("(C)", "**C**"), if they name one candidate; then
 * stand-alone capital letters in sentences and titles grounded among the
 * candidates, which must agree on one candidate. The article "A" and the
 * pronoun "I" inside a sentence are never read as answers.
 *
 * choice_read() needs no catalogue: options are n_options letters A..
 * (at most 26) or numbers 1..n_options; g and cand may be NULL (a task
 * such as general knowledge has no catalogue), and then only letters and
 * numbers count. With g and cand (one catalogue id per option), titles
 * grounded among the candidates count in the last step too.
 */
int choice_read(const char *answer, size_t len, size_t n_options, const struct grounder *g, const uint32_t *cand);

/*
 * Multiple choice over options written out (general knowledge): the
 * letter or number choice_read() finds; else the text of one option,
 * alone (case, white space, quotes and a final period aside); else the
 * one option whose text (3 characters or more) stands as whole words in
 * the answer, when no other option's does. -1 when none or ambiguous.
 */
int choice_read_options(const char *answer, size_t len, const char *const *options, size_t n_options);

/* choice_read() for a task with candidates: -1 when cand is NULL. */
int answer_choice(const struct grounder *g, const char *answer, size_t len, const uint32_t *cand,
		  size_t n_cand);

#endif
