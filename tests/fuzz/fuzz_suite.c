/* fuzz_suite.c: suite JSON, as a stored suite (no file read, no variable expanded) and as a file's text. */
#include <sys/stat.h>
#include "tests/fuzz/fuzz.h"
#include "eval/suite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct suite s;

	if (!suite_parse_stored(&s, (const char *)data, size))
		suite_release(&s);
	if (!suite_parse(&s, "/nonexistent/fuzz.json", (const char *)data, size))
		suite_release(&s);
	return 0;
}
