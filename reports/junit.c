/* junit.c: writes JUnit XML; the subset every common CI reader accepts, and the attributes the Ant schema requires. */
#include "lib/utf8.h"
#include "reports/junit.h"

/* The length of the UTF-8 sequence at s (len bytes left) that XML 1.0 allows, or 0. */
static size_t xml_char(const unsigned char *s, size_t len)
{
	uint32_t c;
	size_t n = utf8_decode((const char *)s, len, &c);

	/* besides what UTF-8 itself forbids, XML excludes the two non-characters U+FFFE and U+FFFF */
	if (n && (c == 0xfffe || c == 0xffff))
		return 0;
	return n;
}

/* in_attr: tab and line ends as references too (an attribute's value normalizes them to spaces). */
static void escape(struct strbuf *sb, const char *str, int in_attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	const unsigned char *end = s + strlen((const char *)s);

	while (*s) {
		size_t n;

		switch (*s) {
		case '&':
			strbuf_addstr(sb, "&amp;");
			break;
		case '<':
			strbuf_addstr(sb, "&lt;");
			break;
		case '>':
			strbuf_addstr(sb, "&gt;");
			break;
		case '"':
			strbuf_addstr(sb, "&quot;");
			break;
		case '\'':
			strbuf_addstr(sb, "&apos;");
			break;
		case '\t':
			strbuf_addstr(sb, in_attr ? "&#9;" : "\t");
			break;
		case '\n':
			strbuf_addstr(sb, in_attr ? "&#10;" : "\n");
			break;
		case '\r':
			strbuf_addstr(sb, "&#13;");
			break;
		default:
			if (*s < 0x20) {
				strbuf_addch(sb, '?');
				break;
			}
			n = xml_char(s, (size_t)(end - s));
			if (!n) {
				strbuf_addstr(sb, UTF8_REPLACEMENT);
				break;
			}
			strbuf_add(sb, s, n);
			s += n;
			continue;
		}
		s++;
	}
}

void xml_escape(struct strbuf *sb, const char *s)
{
	escape(sb, s, 1);
}

static void attr(struct strbuf *sb, const char *name, const char *value)
{
	strbuf_addf(sb, " %s=\"", name);
	xml_escape(sb, value);
	strbuf_addch(sb, '"');
}

void junit_add(struct strbuf *sb, const struct junit_suite *s)
{
	size_t i, failures = 0, errors = 0;
	char num[64];

	for (i = 0; i < s->n_cases; i++) {
		if (s->cases[i].failure)
			failures++;
		else if (s->cases[i].error)
			errors++;
	}
	strbuf_addstr(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(sb, "name", s->name);
	strbuf_addf(sb, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\">\n",
		    s->n_cases, failures, errors, s->time);

	strbuf_addstr(sb, "  <testsuite");
	attr(sb, "name", s->name);
	strbuf_addf(sb, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"%.3f\"",
		    s->n_cases, failures, errors, s->time);
	if (s->timestamp)
		attr(sb, "timestamp", s->timestamp);
	attr(sb, "hostname", s->hostname ? s->hostname : "localhost");
	strbuf_addstr(sb, " id=\"0\"");
	attr(sb, "package", s->name);
	strbuf_addstr(sb, ">\n    <properties>\n");
	for (i = 0; i < s->n_props; i++) {
		strbuf_addstr(sb, "      <property");
		attr(sb, "name", s->props[i].name);
		attr(sb, "value", s->props[i].value);
		strbuf_addstr(sb, "/>\n");
	}
	strbuf_addstr(sb, "    </properties>\n");
	for (i = 0; i < s->n_cases; i++) {
		const struct junit_case *c = &s->cases[i];
		const char *what = c->failure ? "failure" : c->error ? "error" : NULL;

		strbuf_addstr(sb, "    <testcase");
		attr(sb, "classname", c->classname);
		attr(sb, "name", c->name);
		snprintf(num, sizeof(num), "%.3f", c->time);
		attr(sb, "time", num);
		if (!what) {
			strbuf_addstr(sb, "/>\n");
			continue;
		}
		strbuf_addf(sb, ">\n      <%s", what);
		attr(sb, "message", c->failure ? c->failure : c->error);
		if (c->type)
			attr(sb, "type", c->type);
		strbuf_addch(sb, '>');
		escape(sb, c->detail, 0);
		strbuf_addf(sb, "</%s>\n    </testcase>\n", what);
	}
	strbuf_addstr(sb, "    <system-out>");
	escape(sb, s->system_out, 0);
	strbuf_addstr(sb, "</system-out>\n    <system-err></system-err>\n  </testsuite>\n</testsuites>\n");
}
