/* common.c: the preamble every command shares: options, the database, the run ids, and their exit codes. */
#include "eval/cli/cmd.h"
#include "eval/runarg.h"

/* Print why with its "%s" (if any) replaced by arg. */
static void print_args_error(const char *why, const char *arg)
{
	const char *s = strstr(why, "%s");

	if (s)
		error("%.*s%s%s", (int)(s - why), why, arg ? arg : "", s + 2);
	else
		error("%s", why);
}

int cmd_start(int argc, char **argv, const struct option *opts, const char *usage,
	      const struct cmd_args *args, int *npos)
{
	int rc = parse_options(argc, argv, opts, usage, npos);

	if (rc == OPT_HELP_SHOWN)
		return EXIT_OK;
	if (rc < 0)
		return EXIT_USAGE;
	if (args && (*npos < args->min || (args->max >= 0 && *npos > args->max))) {
		print_args_error(args->why, *npos ? argv[0] : NULL);
		return EXIT_USAGE;
	}
	return CMD_GO;
}

const char *default_db_path(const char *flag)
{
	const char *env;

	if (flag && *flag)
		return flag;
	env = getenv("RECEVAL_DB");
	if (env && *env)
		return env;
	return "receval.db";
}

int cmd_open_store(struct store *out, const char *db)
{
	/* a failed open leaves *out zeroed, which store_close() accepts */
	memset(out, 0, sizeof(*out));
	return store_open_existing(out, default_db_path(db)) < 0 ? EXIT_STORE : EXIT_OK;
}

int cmd_found(int rc)
{
	return rc > 0 ? EXIT_OK : rc ? EXIT_STORE : EXIT_INPUT;
}

int cmd_get_run(struct run_info *out, struct store *store, int64_t *id)
{
	int ret;

	memset(out, 0, sizeof(*out));
	ret = cmd_found(runarg_get_latest(out, store, id));
	if (ret != EXIT_OK)
		run_info_release(out);
	return ret;
}

int cmd_open_run(struct store *store, struct run_info *run, const char *db, int64_t *id)
{
	int ret = cmd_open_store(store, db);

	memset(run, 0, sizeof(*run));
	if (ret == EXIT_OK && (ret = cmd_get_run(run, store, id)) != EXIT_OK)
		store_close(store);
	return ret;
}

int cmd_write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	int ok, saved;

	if (!f)
		return error("cannot write '%s': %s", path, strerror(errno));
	ok = fwrite(buf, 1, len, f) == len;
	ok = !fflush(f) && ok;
	if (f != stdout)
		ok = !fclose(f) && ok;
	if (ok)
		return 0;
	saved = errno;
	/* a half-written file would look like a whole one: remove what we wrote */
	if (f != stdout)
		unlink(path);
	return error("cannot write '%s': %s", path, strerror(saved));
}
