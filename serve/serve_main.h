/* serve_main.h: the entry of `receval serve` (serve/http.c), for eval/cli/cmd_serve.c. */
#ifndef SERVE_MAIN_H
#define SERVE_MAIN_H

#include "serve/serve.h"

/*
 * Serve cfg->db_path until SIGTERM or SIGINT, then drain: no new
 * connection, requests in flight finish (10 s at most), running runs are
 * interrupted (stored "interrupted", resumable), queued ones stay queued.
 * Returns an exit code: EXIT_OK after a stop, EXIT_USAGE (a bad --bind,
 * or a non-loopback address without --token-file), EXIT_INPUT (the token
 * file), EXIT_STORE, EXIT_OUTPUT (cannot listen, or write --port-file).
 */
int serve_main(const struct serve_config *cfg);

#endif
