/* cmd.h: the subcommands, each in eval/cli/cmd_<name>.c, and the preamble they share (eval/cli/common.c). */
#ifndef CMD_H
#define CMD_H

#include "lib/opt.h"
#include "eval/store.h"

/* argv[0] is the subcommand's name; the return value is the exit code (util.h). */
int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_chat(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_trec(int argc, char **argv);
int cmd_gate(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_suites(int argc, char **argv);
int cmd_tasks(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_judge(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_serve(int argc, char **argv);

/* --- the shared preamble (common.c) ------------------------------------ */

/* The --db entry of an option table, with the help every command shows. */
#define OPT_DB(var) { OPT_STRING, 0, "db", (var), "FILE", "database (default $RECEVAL_DB or receval.db)" }

/* What cmd_start() returns when the command goes on; every other value is an exit code. */
#define CMD_GO (-1)

/*
 * The positional arguments a command takes: min to max of them (max < 0:
 * no limit). When the count is outside, why is printed as the error; a
 * "%s" in it stands for the first positional argument (for commands that
 * take none: "list takes no arguments, got '%s'").
 */
struct cmd_args {
	int min, max;
	const char *why;
};

/*
 * A command's first step: parse_options() of argv against opts, then the
 * count of positional arguments (moved to argv[0..*npos)) checked against
 * args (NULL: any count). Returns CMD_GO to go on; otherwise the exit code
 * to return at once: EXIT_OK after --help, EXIT_USAGE after printing why.
 */
int cmd_start(int argc, char **argv, const struct option *opts, const char *usage,
	      const struct cmd_args *args, int *npos);

/* The database named by --db, else $RECEVAL_DB, else "receval.db". */
const char *default_db_path(const char *flag);

/*
 * Open the existing database that --db (db, or NULL) names, as
 * default_db_path() resolves it. EXIT_OK, or EXIT_STORE after printing
 * why. Either way store_close(out) is then safe.
 */
int cmd_open_store(struct store *out, const char *db);

/*
 * The exit code of a store lookup that returns 1 (found: EXIT_OK), 0 (not
 * there, printed: EXIT_INPUT) or -1 (the store failed, printed: EXIT_STORE),
 * as runarg_get(), runarg_load_run() and store_get_run() do.
 */
int cmd_found(int rc);

/*
 * Load the run *id names into *out, where 0 is the latest run (as
 * runarg_parse() reads "latest"); *id is set to the run's id. EXIT_OK
 * (release *out with run_info_release()), EXIT_INPUT (no such run) or
 * EXIT_STORE, failures printed; *out is empty after a failure.
 */
int cmd_get_run(struct run_info *out, struct store *store, int64_t *id);

/*
 * The preamble of a command about one run: open the database (--db: db)
 * and load the run *id names (cmd_open_store(), cmd_get_run()). EXIT_OK
 * with *store and *run to release; otherwise both are released and the
 * exit code is returned.
 */
int cmd_open_run(struct store *store, struct run_info *run, const char *db, int64_t *id);

/*
 * Write buf[0..len) to path, replacing the file ("-": standard output).
 * 0, or -1 after printing "cannot write 'PATH': why" (the caller exits 6);
 * a file that could be opened but not wholly written is removed.
 */
int cmd_write_file(const char *path, const char *buf, size_t len);

#endif
