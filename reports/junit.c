/* junit.c: writes JUnit XML; the subset every common CI reader accepts, and the attributes the Ant schema requires. */
#include "reports/junit.h"

/* The length of the well-formed UTF-8 sequence at s that XML 1.0 allows, or 0. */
static size_t utf8_char(const unsigned char *s)
{
	uint32_t c;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, and the two non-characters XML excludes */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
		return 0;
	return n;
}

/* in_attr: tab and line ends as references too (an attribute's value normalizes them to spaces). */
static void escape(struct strbuf *sb, const char *str, int in_attr)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");

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
			n = utf8_char(s);
			if (!n) {
				strbuf_addstr(sb, "\xef\xbf\xbd");
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
