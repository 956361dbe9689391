/* fake_judge.h: the fake server's explanation writer and judges (--answer judge). */
#ifndef FAKE_JUDGE_H
#define FAKE_JUDGE_H

/*
 * The answer to the last user message when it is an explanation prompt or
 * a judge prompt (pairwise, single, rubric), written as model (its name
 * picks the behaviour: see tests/FAKE_SERVER.md); NULL for any other
 * prompt. *format gets the answer's name for x-answer-format. The caller
 * frees the string.
 */
char *fake_judge_answer(const char *model, const char *user, const char **format);

#endif
