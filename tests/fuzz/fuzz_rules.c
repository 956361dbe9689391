/*
 * fuzz_rules.c: what a user types that is parsed: gate rules, model specs
 * (with credential masking), numbers, and the stored id lists and
 * groundings (eval/codec.c) that show, export and report read back.
 */
#include "tests/fuzz/fuzz.h"
#include "lib/strbuf.h"
#include "eval/gate.h"
#include "eval/codec.h"
#include "adapters/adapter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *masked;
	struct strbuf err = STRBUF_INIT;
	struct gate_rule r;
	struct model_spec spec;
	struct id_list ids;
	struct grounding_row *rows;
	size_t n;
	const char *what;
	long l;
	double d;

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	gate_rule_parse(&r, s, &err);
	gate_rule_release(&r);  /* after a failure too */
	strbuf_release(&err);
	masked = model_spec_redact(s, &what);
	if (!what && strcmp(masked, s))
		abort();  /* nothing found: nothing changed */
	free(masked);
	if (!model_spec_parse(&spec, s)) {
		/* an accepted spec holds nothing to mask */
		masked = model_spec_redact(spec.text, &what);
		if (what)
			abort();
		free(masked);
		model_spec_release(&spec);
	}
	parse_long(s, &l);
	parse_double(s, &d);
	if (!codec_get_ids(&ids, s))
		id_list_release(&ids);
	if (!codec_get_groundings(&rows, &n, s))
		codec_groundings_free(rows, n);
	free(s);
	return 0;
}
