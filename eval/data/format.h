/* format.h: what the dataset formats (format_*.c) share with dataset.c: the loader, the format table's entries, helpers. */
#ifndef FORMAT_H
#define FORMAT_H

#include "eval/data/dataset.h"
#include "lib/strbuf.h"

/* The dataset being built, and how far its arrays have grown. */
struct loader {
	struct dataset *ds;
	const struct dataset_spec *spec;
	size_t alloc_users, alloc_items, alloc_inter;
	size_t n_catalogue;   /* items[0, n_catalogue) came from the catalogue */
	/* items whose id is a plain number below 2^24 ("31", not "031"): num_item[id] = index + 1 */
	uint32_t *num_item;
	size_t num_cap;
	int num_off;          /* set by loader_finish(): from then on, the strmap alone */
};

/*
 * One dataset format: its name in a suite ("csv"), and load(), which
 * reads l->spec->path into l->ds through the loader_*() calls and ends
 * with loader_finish(). Returns 0, or -1 with the error printed (a file
 * and line where one is to blame); dataset_load() then releases what was
 * built. Registered by one line in dataset.c's table.
 */
struct dataset_format {
	const char *name;
	int (*load)(struct loader *l);
};

extern const struct dataset_format format_csv, format_tsv, format_movielens, format_reclm;

/* ---------------------------------------------------------------- building (dataset.c) */

/* The index of user s[0..len), added when new. */
uint32_t loader_user(struct loader *l, const char *s, size_t len);
/* Append item s (which must not be known yet); it owns title and categories from now on. */
uint32_t loader_new_item(struct loader *l, const char *s, size_t len, char *title, char *categories);
/* The index of item s[0..len), added (untitled) when new. */
uint32_t loader_item(struct loader *l, const char *s, size_t len);
/* Record an interaction; its seq is its position among the file's interactions. */
void loader_add_inter(struct loader *l, uint32_t user, uint32_t item, float rating, int64_t ts, int has_ts);
/*
 * Once every interaction is read: drop repeats (the last occurrence is
 * the user's latest opinion, so min_rating is applied to it afterwards,
 * not to stale ones), then renumber. file names the interactions file.
 */
int loader_finish(struct loader *l, const char *file);

/* ---------------------------------------------------------------- helpers (dataset.c) */

/*
 * A copy of s fit for quoting in a one-line message: at most SNIP_MAX
 * bytes, cut on a character boundary, control bytes and invalid UTF-8
 * shown as '?', and "..." when shortened.
 */
#define SNIP_MAX 40
struct snip {
	char buf[SNIP_MAX + 4];
};

const char *data_snip(struct snip *sn, const char *s, size_t len);
/*
 * Read path into sb; -1 with "<path>: cannot read: ..." printed, or with
 * "<path>:<line>: NUL byte ..." when it holds one (no text format has any).
 */
int data_read_file(struct strbuf *sb, const char *path);
/*
 * -1 with "<file>:<line>: control byte 0xNN in <what> '...'" when s[0..len)
 * holds a byte below 0x20 or 0x7f (such a byte would be cut where the text
 * is stored, or break a prompt or a table), else 0. A "title" may hold
 * tabs and line ends (a quoted csv field spans lines); ids may not.
 */
int data_check_text(const char *file, long line, const char *what, const char *s, size_t len);
/* 3 when sb starts with a UTF-8 byte order mark, else 0. */
size_t data_skip_bom(const struct strbuf *sb);
/* 1 when s[0..len) is only spaces, tabs and line ends. */
int data_is_blank(const char *s, size_t len);
/* 1 when path exists. */
int data_exists(const char *path);
/* A whole integer or float ("978300760.0") as a timestamp: 0, or -1 when s is none. */
int data_parse_timestamp(const char *s, int64_t *out);

/* Line iterator over a buffer we own: each line is NUL-terminated in place, its "\r\n" or "\n" cut. */
struct lines {
	char *buf;
	size_t len, pos;
	long no;   /* number of the line last returned, from 1 */
};
void data_lines_init(struct lines *it, struct strbuf *sb);
/* The next line (1 and *line, *len), or 0 at the end. */
int data_next_line(struct lines *it, char **line, size_t *len);
/*
 * Split s (NUL-terminated) in place at every sep: the fields become
 * NUL-terminated strings. Returns the number of fields, of which at most
 * max are stored in f.
 */
size_t data_split(char *s, char sep, char **f, size_t max);

#endif
