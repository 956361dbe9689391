/* opt.h: command-line options parsed from a table, so that --help and parsing cannot drift apart. */
#ifndef OPT_H
#define OPT_H

#include "lib/util.h"

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,     /* int *: set to 1 */
	OPT_STRING,   /* const char **: the argument (points into argv) */
	OPT_LONG,     /* long *: a whole number */
	OPT_DOUBLE,   /* double *: a finite number */
	OPT_LIST,     /* struct opt_list *: every occurrence, in order */
};

/* Values of an option that may be repeated (--model A --model B). */
struct opt_list {
	const char **v;   /* point into argv; free(v) only */
	size_t n, alloc;
};

struct option {
	enum opt_type type;
	char short_name;        /* 0: none */
	const char *long_name;  /* NULL: none */
	void *value;
	const char *argh;       /* the argument's name in help, e.g. "N" */
	const char *help;
};

#define OPT_HELP_SHOWN 1

/*
 * Parse argv[1..argc-1] against opts (terminated by an OPT_END entry).
 * Accepted forms: -x, -x VALUE, -xVALUE, --name, --name VALUE,
 * --name=VALUE; "--" ends the options. -h and --help print the usage
 * and the table to stdout.
 *
 * Positional arguments are moved to argv[0..] in order; *npos gets their
 * count. Returns 0; OPT_HELP_SHOWN after printing help (the caller exits 0);
 * -1 after printing a one-line error naming the option (the caller exits 2).
 */
int parse_options(int argc, char **argv, const struct option *opts,
		  const char *usage, int *npos);

/* Print usage and the option table to f. */
void print_usage(FILE *f, const char *usage, const struct option *opts);

#endif
