/* junit.h: JUnit XML reports (testsuites > testsuite > testcase > failure) for the readers of GitLab, Jenkins and GitHub Actions. */
#ifndef REPORTS_JUNIT_H
#define REPORTS_JUNIT_H

#include <stdio.h>
#include "lib/strbuf.h"

struct junit_property {
	const char *name, *value;
};

/* One test case. At most one of failure and error is set; neither: it passed. */
struct junit_case {
	const char *classname;     /* e.g. "receval.gate.retrieval" */
	const char *name;
	double time;               /* seconds */
	const char *failure;       /* <failure message="..."> */
	const char *error;         /* <error message="...">: the case could not run */
	const char *type;          /* the failure's or error's type attribute, or NULL */
	const char *detail;        /* the failure's or error's text, or NULL */
};

struct junit_suite {
	const char *name;
	const char *timestamp;     /* "YYYY-MM-DDTHH:MM:SS" in UTC (the Ant schema's form), or NULL */
	const char *hostname;      /* or NULL: "localhost" */
	double time;               /* seconds */
	const struct junit_property *props;
	size_t n_props;
	const struct junit_case *cases;
	size_t n_cases;
	const char *system_out;    /* or NULL */
};

/*
 * Append one suite as a whole JUnit XML document to sb: <testsuites> with
 * one <testsuite> carrying tests, failures, errors, skipped (0), time,
 * timestamp and hostname, then <properties>, a <testcase> per case with
 * its <failure> or <error>, <system-out> and <system-err>. Every string is
 * XML-escaped (xml_escape), so any bytes make a well-formed document.
 */
void junit_add(struct strbuf *sb, const struct junit_suite *s);

/*
 * Append s as XML character data that is also safe inside a double- or
 * single-quoted attribute: & < > " ' as entities, tab and line ends as
 * character references (attributes keep them), other control characters
 * (not allowed in XML 1.0) as '?', and bytes that are not UTF-8 as U+FFFD.
 */
void xml_escape(struct strbuf *sb, const char *s);

#endif
