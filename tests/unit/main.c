/* main.c: runs every registered unit test (or those whose name contains argv[1]) and prints a summary. */
#include "tests/unit/test.h"

struct test {
	const char *name, *file;
	test_fn fn;
};

static struct test *tests;
static size_t ntests, alloc_tests;
static int cur_failed, cur_skipped;

void test_register(const char *name, const char *file, test_fn fn)
{
	ALLOC_GROW(tests, ntests + 1, alloc_tests);
	tests[ntests].name = name;
	tests[ntests].file = file;
	tests[ntests].fn = fn;
	ntests++;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stdout, "#   %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	cur_failed++;
}

void test_skip(const char *why)
{
	fprintf(stdout, "#   skipped: %s\n", why);
	cur_skipped = 1;
}

const char *test_shared_dir(void)
{
	static const char *const dirs[] = { "../../shared", "../shared" };
	const char *env = getenv("RECEVAL_SHARED");
	size_t i;

	if (env && *env)
		return access(env, R_OK) ? NULL : env;
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char probe[256];
		snprintf(probe, sizeof(probe), "%s/DESIGN.md", dirs[i]);
		if (!access(probe, R_OK))
			return dirs[i];
	}
	return NULL;
}

static int by_file_then_order(const void *a, const void *b)
{
	const struct test *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	size_t i, n = 0;
	int passed = 0, failed = 0, skipped = 0;

	qsort(tests, ntests, sizeof(*tests), by_file_then_order);
	for (i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		cur_failed = cur_skipped = 0;
		fflush(stdout);
		tests[i].fn();
		n++;
		if (cur_failed) {
			printf("not ok %zu - %s\n", n, tests[i].name);
			failed++;
		} else if (cur_skipped) {
			printf("ok %zu - %s # skip\n", n, tests[i].name);
			skipped++;
		} else {
			printf("ok %zu - %s\n", n, tests[i].name);
			passed++;
		}
	}
	printf("1..%zu\n", n);
	printf("unit: %d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}
