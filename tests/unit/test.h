/* test.h: the unit-test harness: TEST() registers a test, CHECK*() record failures and go on. */
#ifndef TEST_H
#define TEST_H

#include "lib/util.h"

typedef void (*test_fn)(void);
void test_register(const char *name, const char *file, test_fn fn);
/* Record a failed check (used by the macros). */
void test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Mark the current test skipped, with the reason printed. */
void test_skip(const char *why);

/*
 * Where ../shared lives, seen from tests/ (the runner's working folder), or
 * NULL when it is absent: tests that need it call test_skip().
 */
const char *test_shared_dir(void);

#define TEST(name)                                                            \
	static void test_##name(void);                                        \
	__attribute__((constructor)) static void register_##name(void)        \
	{ test_register(#name, __FILE__, test_##name); }                      \
	static void test_##name(void)

#define CHECK(cond)                                                           \
	do { if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); } while (0)

#define CHECK_INT(a, b)                                                       \
	do {                                                                  \
		long long a_ = (long long)(a), b_ = (long long)(b);           \
		if (a_ != b_)                                                 \
			test_fail(__FILE__, __LINE__, "%s == %lld, expected %lld", #a, a_, b_); \
	} while (0)

#define CHECK_NEAR(a, b, eps)                                                 \
	do {                                                                  \
		double a_ = (double)(a), b_ = (double)(b);                    \
		if (!(fabs(a_ - b_) <= (eps)) && !(isnan(a_) && isnan(b_)))   \
			test_fail(__FILE__, __LINE__, "%s == %.17g, expected %.17g", #a, a_, b_); \
	} while (0)

#define CHECK_STR(a, b)                                                       \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		if (!a_ || !b_ || strcmp(a_, b_))                             \
			test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #a, \
				  a_ ? a_ : "(null)", b_ ? b_ : "(null)");    \
	} while (0)

#endif
