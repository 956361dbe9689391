/* main.c: receval's entry point: finds the subcommand in the table and runs it. */
#include "lib/util.h"
#include "eval/cli/cmd.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "run", cmd_run, "evaluate models on a suite and store every sample" },
	{ "list", cmd_list, "list the runs in a database (--suite, --model, --status, --label filter them)" },
	{ "suites", cmd_suites, "the suites in a folder (default suites/): name, tasks, description" },
	{ "tasks", cmd_tasks, "the task types a suite may use, one line each" },
	{ "models", cmd_models, "the model specs receval can evaluate, one line each" },
	{ "delete", cmd_delete, "delete runs, with their samples and metrics, from a database" },
	{ "show", cmd_show, "print a run's metrics or samples (table, json, csv, jsonl)" },
	{ "chat", cmd_chat, "send prompts to a language model and print its answers" },
	{ "compare", cmd_compare, "compare two runs sample by sample, with intervals and significance tests" },
	{ "trec", cmd_trec, "evaluate a TREC run against qrels, as trec_eval 10.0" },
	{ "gate", cmd_gate, "check a candidate run against rules and a baseline run (CI; JUnit, Markdown)" },
	{ "export", cmd_export, "write a run's samples as JSON lines, or as a TREC run file and qrels" },
	{ "report", cmd_report, "write a self-contained HTML report comparing runs, with plots" },
	{ "plot", cmd_plot, "draw one chart of a metric (PNG or SVG) with gnuplot" },
	{ "merge", cmd_merge, "copy runs of several databases into one, joining the shards of each run" },
	{ "judge", cmd_judge, "judge two runs' answers pairwise in both orders, or a judge against human labels" },
	{ "serve", cmd_serve, "serve the results as web pages and a JSON API, and queue runs from the browser" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: receval <command> [<args>]\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "    %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\n'receval <command> --help' describes a command's options.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("receval %s\n", receval_version);
		return EXIT_OK;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	error("'%s' is not a receval command (see 'receval --help')", argv[1]);
	return EXIT_USAGE;
}
