/* store_readonly.c: reading a database that cannot be written (a 0444 file, a read-only file system) as it is. */
#include <libgen.h>
#include "eval/store_internal.h"
#include "eval/store_scale.h"
#include "lib/strbuf.h"

int store_writable(const char *path)
{
	char *copy = xstrdup(path), *dir = dirname(copy);
	int ok = !access(path, W_OK) && !access(dir, W_OK);

	free(copy);
	return ok;
}

/* "file:PATH?immutable=1", PATH escaped as a URI path */
static char *immutable_uri(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	strbuf_addstr(&sb, "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#' || *p <= ' ' || *p >= 0x7f)
			strbuf_addf(&sb, "%%%02X", *p);
		else
			strbuf_addch(&sb, (char)*p);
	}
	strbuf_addstr(&sb, "?immutable=1");
	return strbuf_detach(&sb, NULL);
}

/* 0 when the schema can be read: the tables are there (no -shm needed, or it could be made) */
static int probe(struct store *s)
{
	return sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int open_flags(struct store *s, const char *name, int flags)
{
	if (sqlite3_open_v2(name, &s->db, flags, NULL) == SQLITE_OK && !probe(s))
		return 0;
	sqlite3_close(s->db);
	s->db = NULL;
	return -1;
}

/* Readers expect today's schema; a read-only file cannot be brought up to it. */
static int check_current(struct store *s)
{
	const struct store_column *c;
	sqlite3_stmt *st = NULL;
	int v = 0, has;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return store_sql_fail(s, "cannot read the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (store_has_column(s, "runs", "id", &has) < 0)
		return -1;
	if (!has)
		return error("%s: not a receval database (no runs table)", s->path);
	for (c = store_added_columns; v == STORE_SCHEMA_VERSION && c->table; c++) {
		if (store_has_column(s, c->table, c->column, &has) < 0)
			return -1;
		if (!has)
			break;
	}
	if (v > STORE_SCHEMA_VERSION)
		return error("%s: made by a newer receval (schema version %d; this one reads up to %d)", s->path, v,
			     STORE_SCHEMA_VERSION);
	if (v < STORE_SCHEMA_VERSION || c->table)
		return error("%s: read-only, and made by an older receval: open it once where it can be written "
			     "to bring it up to date", s->path);
	return 0;
}

int store_open_readonly(struct store *s, const char *path)
{
	char *uri;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(path);
	/*
	 * Plain read-only first: it sees a writer's committed samples. In WAL
	 * mode it needs the -shm file; where that cannot be made (a read-only
	 * file system) the file is read as immutable: nobody can be writing it.
	 */
	if (open_flags(s, path, SQLITE_OPEN_READONLY) < 0) {
		uri = immutable_uri(path);
		if (open_flags(s, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI) < 0) {
			free(uri);
			if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
				probe(s);
			store_sql_fail(s, "cannot open database read-only");
			store_close(s);
			return -1;
		}
		free(uri);
	}
	sqlite3_busy_timeout(s->db, 10000);
	if (check_current(s) < 0) {
		store_close(s);
		return -1;
	}
	return 0;
}
