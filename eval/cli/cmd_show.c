/* cmd_show.c: `receval show`: a run's metrics (table, json, csv) or its samples (jsonl, table). */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"
#include "reports/table.h"
#include "reports/run.h"
#include "reports/samples.h"
#include "reports/scale.h"

static const char usage_show[] =
	"receval show RUN_ID [--db FILE] [--format table|json|csv] [--samples [--format jsonl|table]]";

int cmd_show(int argc, char **argv)
{
	const char *db = NULL, *format = NULL;
	int samples = 0, npos = 0, ret;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_STRING, 'f', "format", &format, "FMT", "table, json or csv; with --samples: jsonl or table" },
		{ OPT_BOOL, 0, "samples", &samples, NULL, "print every sample instead of the aggregates" },
		{ OPT_END },
	};
	static const struct cmd_args one_run = { 1, 1, "show needs one run id (see 'receval list')" };
	struct store store;
	struct run_info run;
	struct metric_row *rows = NULL;
	size_t n = 0;
	int64_t id;

	ret = cmd_start(argc, argv, opts, usage_show, &one_run, &npos);
	if (ret != CMD_GO)
		return ret;
	if (!format)
		format = samples ? "jsonl" : "table";
	if (samples ? strcmp(format, "jsonl") && strcmp(format, "table")
		    : strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv")) {
		error("unknown format '%s'%s (%s)", format, samples ? " for --samples" : "",
		      samples ? "jsonl, table" : "table, json, csv");
		return EXIT_USAGE;
	}
	if (runarg_parse(&id, argv[0]) < 0)
		return EXIT_USAGE;
	if ((ret = cmd_open_run(&store, &run, db, &id)) != EXIT_OK)
		return ret;
	if (samples) {
		if ((strcmp(format, "table") ? samples_write_jsonl(stdout, &store, id)
					     : samples_write_table(stdout, &store, id)) < 0)
			ret = EXIT_STORE;
	} else if (store_get_run_metrics(&store, id, &rows, &n) < 0) {
		ret = EXIT_STORE;
	} else if (!strcmp(format, "json")) {
		if (run_write_json(stdout, &store, &run, rows, n) < 0)
			ret = EXIT_STORE;
	} else if (!strcmp(format, "csv")) {
		run_write_csv(stdout, &run, rows, n);
	} else {
		table_run(stdout, &run, rows, n);
		if (scale_write_table(stdout, &store, &run) < 0)
			ret = EXIT_STORE;
	}
	metric_rows_free(rows, n);
	run_info_release(&run);
	store_close(&store);
	return ret;
}
