/* store_internal.h: what the store's files (store.c, store_resume.c, store_samples.c) share. */
#ifndef STORE_INTERNAL_H
#define STORE_INTERNAL_H

#include <sqlite3.h>
#include "eval/store.h"

/* Print "PATH: what: SQLite's message" and return -1. */
int store_sql_fail(struct store *s, const char *what);
/* A copy of column i's text (caller frees), or NULL for SQL NULL. */
char *store_col_dup(sqlite3_stmt *st, int i);

/* A column added to a table after its first schema: added when a database is opened for writing. */
struct store_column {
	const char *table, *column, *type;
};
/* Every such column, ended by a NULL table (store.c). */
extern const struct store_column store_added_columns[];
/* *out = 1 when table has column, else 0; -1 after a message when the schema cannot be read. */
int store_has_column(struct store *s, const char *table, const char *column, int *out);

/* 1 when path and its folder can be written (so SQLite can make its -wal and -shm files beside it). */
int store_writable(const char *path);
/* Open path read-only, without touching its schema; -1 after a message (store_readonly.c). */
int store_open_readonly(struct store *s, const char *path);
/* Run sql (no results); -1 after a message naming the database. */
int store_exec(struct store *s, const char *sql);
/*
 * While batching (store_batch()), open the batch's transaction for what
 * is written next when none is open, so a cached answer commits with the
 * samples around it, never before them. 0, or -1 after a message.
 */
int store_batch_join(struct store *s);
/* One run_metrics row; NAN is stored as NULL. */
int store_put_run_row(struct store *s, int64_t run, const char *task, const char *metric,
		      double value, double lo, double hi, size_t n);

#endif
