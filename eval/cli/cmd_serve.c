/* cmd_serve.c: `receval serve`: the results viewer and JSON API over a database, with runs queued from the browser or the API. */
#include <limits.h>
#include "eval/cli/cmd.h"
#include "serve/serve_main.h"

static const char usage_serve[] =
	"receval serve [--db FILE] [--bind ADDR] [--port N] [--port-file F] [--token-file F]\n"
	"                     [--suites DIR] [--workers N] [--max-body BYTES] [--max-connections N]";

int cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *bind = "127.0.0.1", *port_file = NULL, *token_file = NULL, *suites = ".";
	long port = 8080, workers = 1, max_body = 1 << 20, max_conn = 256;
	int npos = 0, ret;
	struct option opts[] = {
		OPT_DB(&db),
		{ OPT_STRING, 0, "bind", &bind, "ADDR", "address to listen on (default 127.0.0.1; others need --token-file)" },
		{ OPT_LONG, 0, "port", &port, "N", "port (default 8080; 0: a free one, see --port-file)" },
		{ OPT_STRING, 0, "port-file", &port_file, "F", "write the port to F once listening" },
		{ OPT_STRING, 0, "token-file", &token_file, "F", "ask every request for the token in F (Authorization: Bearer)" },
		{ OPT_STRING, 0, "suites", &suites, "DIR", "suites (and their datasets) POST /api/runs may name lie under DIR (default .)" },
		{ OPT_LONG, 0, "workers", &workers, "N", "queued runs made at a time (default 1)" },
		{ OPT_LONG, 0, "max-body", &max_body, "BYTES", "largest request body accepted (default 1048576)" },
		{ OPT_LONG, 0, "max-connections", &max_conn, "N", "connections at a time (default 256)" },
		{ OPT_END },
	};
	static const struct cmd_args no_args = { 0, 0, "serve takes no arguments, got '%s' (see --help)" };
	struct serve_config cfg;
	char exe[PATH_MAX];
	ssize_t n;

	ret = cmd_start(argc, argv, opts, usage_serve, &no_args, &npos);
	if (ret != CMD_GO)
		return ret;
	if (port < 0 || port > 65535 || workers < 1 || workers > 64 || max_body < 1024 || max_body > (1L << 30) ||
	    max_conn < 4 || max_conn > 65536) {
		error("--port must be 0..65535, --workers 1..64, --max-body 1024..1073741824, --max-connections 4..65536");
		return EXIT_USAGE;
	}
	/* queued runs are this same program's `receval run` */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		error("cannot find this program's path: %s", strerror(errno));
		return EXIT_OUTPUT;
	}
	exe[n] = '\0';
	memset(&cfg, 0, sizeof(cfg));
	cfg.db_path = default_db_path(db);
	cfg.bind = bind;
	cfg.port = port;
	cfg.port_file = port_file;
	cfg.token_file = token_file;
	cfg.suites = suites;
	cfg.exe = exe;
	cfg.workers = workers;
	cfg.body_cap = (size_t)max_body;
	cfg.max_connections = max_conn;
	return serve_main(&cfg);
}
