/* cmd.h: the subcommands; each lives in eval/cmd_<name>.c and returns the process exit code. */
#ifndef CMD_H
#define CMD_H

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
int cmd_judge(int argc, char **argv);

/* The database named by --db, else $RECEVAL_DB, else "receval.db". */
const char *default_db_path(const char *flag);

#endif
