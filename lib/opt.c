/* opt.c: the table-driven command-line parser. */
#include "lib/opt.h"

void print_usage(FILE *f, const char *usage, const struct option *opts)
{
	const struct option *o;

	fprintf(f, "usage: %s\n\n", usage);
	for (o = opts; o->type != OPT_END; o++) {
		char left[64];
		int n = 0;

		if (o->short_name && o->long_name)
			n = snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name);
		else if (o->short_name)
			n = snprintf(left, sizeof(left), "-%c", o->short_name);
		else
			n = snprintf(left, sizeof(left), "    --%s", o->long_name);
		if (o->type != OPT_BOOL && o->argh && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", o->argh);
		/* a long option name takes its own line, so the help column stays straight */
		if (strlen(left) > 26)
			fprintf(f, "    %s\n    %-26s %s\n", left, "", o->help ? o->help : "");
		else
			fprintf(f, "    %-26s %s\n", left, o->help ? o->help : "");
	}
	fprintf(f, "    %-26s %s\n", "-h, --help", "show this help");
}

static int set_value(const struct option *o, const char *name, const char *arg)
{
	switch (o->type) {
	case OPT_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPT_STRING:
		*(const char **)o->value = arg;
		return 0;
	case OPT_LONG:
		if (parse_long(arg, (long *)o->value) < 0)
			return error("option '%s' expects a whole number, not '%s'", name, arg);
		return 0;
	case OPT_DOUBLE:
		if (parse_double(arg, (double *)o->value) < 0)
			return error("option '%s' expects a number, not '%s'", name, arg);
		return 0;
	case OPT_LIST: {
		struct opt_list *l = o->value;
		ALLOC_GROW(l->v, l->n + 1, l->alloc);
		l->v[l->n++] = arg;
		return 0;
	}
	case OPT_END:
		break;
	}
	return error("internal: bad option type");
}

int parse_options(int argc, char **argv, const struct option *opts,
		  const char *usage, int *npos)
{
	int i, pos = 0, only_pos = 0;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		const struct option *o = NULL;
		const char *arg = NULL;
		char name[128];

		if (only_pos || a[0] != '-' || !a[1]) {
			argv[pos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(stdout, usage, opts);
			return OPT_HELP_SHOWN;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

			for (o = opts; o->type != OPT_END; o++)
				if (o->long_name && strlen(o->long_name) == len &&
				    !memcmp(o->long_name, a + 2, len))
					break;
			snprintf(name, sizeof(name), "--%.*s", (int)len, a + 2);
			if (o->type == OPT_END)
				return error("unknown option '%s' (see --help)", name);
			if (eq) {
				if (o->type == OPT_BOOL)
					return error("option '%s' takes no value", name);
				arg = eq + 1;
			}
		} else {
			for (o = opts; o->type != OPT_END; o++)
				if (o->short_name == a[1])
					break;
			snprintf(name, sizeof(name), "-%c", a[1]);
			if (o->type == OPT_END)
				return error("unknown option '%s' (see --help)", name);
			if (a[2]) {
				if (o->type == OPT_BOOL)
					return error("option '%s' takes no value (in '%s')", name, a);
				arg = a + 2;
			}
		}
		if (o->type != OPT_BOOL && !arg) {
			if (i + 1 >= argc)
				return error("option '%s' needs a value", name);
			arg = argv[++i];
		}
		if (set_value(o, name, arg) < 0)
			return -1;
	}
	*npos = pos;
	return 0;
}
