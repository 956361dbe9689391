/* test_dataset.c: the dataset loaders on good and malformed csv/tsv, movielens and reclm fixtures, and on ML-100K. */
#include "tests/unit/test.h"
#include "eval/data/dataset.h"
#include "lib/strbuf.h"

#define FIX "fixtures/datasets/"

static int load(struct dataset *ds, const char *format, const char *path, const char *items)
{
	struct dataset_spec spec = { .format = format, .path = path, .items = items };

	return dataset_load(ds, &spec);
}

/*
 * Load with stderr captured into err, so a test can check the message
 * names the file and the line.
 */
static int load_capture(struct dataset *ds, const struct dataset_spec *spec, struct strbuf *err)
{
	FILE *tmp = tmpfile();
	int saved, ret;

	if (!tmp)
		return dataset_load(ds, spec);
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(tmp), 2);
	ret = dataset_load(ds, spec);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	strbuf_reset(err);
	for (;;) {
		char buf[512];
		size_t n = fread(buf, 1, sizeof(buf), tmp);
		if (!n)
			break;
		strbuf_add(err, buf, n);
	}
	fclose(tmp);
	return ret;
}

static const struct item *find_item(const struct dataset *ds, const char *id)
{
	uint32_t idx;

	if (strmap_get(&ds->item_index, id, strlen(id), &idx))
		return NULL;
	return &ds->items[idx];
}

static const char *user_of(const struct dataset *ds, size_t i)
{
	return ds->user_ids[ds->inter[i].user];
}

static const char *item_of(const struct dataset *ds, size_t i)
{
	return ds->items[ds->inter[i].item].id;
}

static int zeroed(const struct dataset *ds)
{
	static const struct dataset zero;

	return !memcmp(ds, &zero, sizeof(zero));
}

TEST(dataset_csv_quotes_crlf_bom_repeats)
{
	struct dataset ds;

	CHECK_INT(load(&ds, "csv", FIX "good.csv", NULL), 0);
	CHECK_INT(ds.n_inter, 4);
	CHECK_INT(ds.n_users, 2);
	CHECK_INT(ds.n_items, 3);
	CHECK_INT(ds.duplicates, 2);
	CHECK_INT(ds.filtered, 0);
	CHECK_INT(ds.untitled, 3);
	CHECK_INT(ds.has_timestamps, 1);
	if (ds.n_inter != 4)
		goto out;
	/*
	 * (u1,i1) at ts 100 and 103 keeps 103; (u2,i1) at ts 102 and then 95
	 * keeps 102 though it comes first in the file.
	 */
	CHECK_STR(user_of(&ds, 0), "u1");
	CHECK_STR(item_of(&ds, 0), "i2");
	CHECK_NEAR(ds.inter[0].rating, 3.5, 0);
	CHECK_INT(ds.inter[0].ts, 101);
	CHECK_INT(ds.inter[0].seq, 1);
	CHECK_STR(user_of(&ds, 1), "u2");
	CHECK_STR(item_of(&ds, 1), "i1");
	CHECK_INT(ds.inter[1].ts, 102);
	CHECK_STR(item_of(&ds, 2), "i1");
	CHECK_INT(ds.inter[2].ts, 103);
	CHECK_NEAR(ds.inter[2].rating, 2, 0);
	CHECK_STR(user_of(&ds, 3), "u2");   /* " u2 " trimmed */
	CHECK_STR(item_of(&ds, 3), "i3");
	CHECK_INT(ds.inter[3].seq, 4);
	/* indexes follow first appearance among the kept interactions */
	CHECK_STR(ds.user_ids[0], "u1");
	CHECK_STR(ds.user_ids[1], "u2");
	CHECK_STR(ds.items[0].id, "i2");
	CHECK_STR(ds.items[1].id, "i1");
	CHECK_STR(ds.items[2].id, "i3");
	CHECK(ds.items[0].title == NULL);
	CHECK_STR(item_label(&ds, 0), "i2");
	CHECK_STR(ds.format, "csv");
out:
	dataset_release(&ds);
	CHECK(zeroed(&ds));
}

TEST(dataset_csv_catalogue_first)
{
	struct dataset ds;
	const struct item *it;

	CHECK_INT(load(&ds, "csv", FIX "good.csv", FIX "good_items.csv"), 0);
	CHECK_INT(ds.n_items, 4);
	CHECK_INT(ds.untitled, 1);
	if (ds.n_items != 4)
		goto out;
	/* catalogue order, i9 though no one rated it, then i2 from the interactions */
	CHECK_STR(ds.items[0].id, "i3");
	CHECK_STR(ds.items[1].id, "i1");
	CHECK_STR(ds.items[2].id, "i9");
	CHECK_STR(ds.items[3].id, "i2");
	CHECK_STR(ds.items[0].title, "Les Misérables, Part \"One\"");
	CHECK_STR(ds.items[0].categories, "Drama|Musical");
	CHECK_STR(ds.items[1].title, "Plain Title");
	CHECK(ds.items[1].categories == NULL);
	CHECK_STR(ds.items[2].title, "Never\nRated");   /* CRLF inside quotes */
	CHECK(ds.items[3].title == NULL);
	it = find_item(&ds, "i2");
	CHECK(it == &ds.items[3]);
	CHECK_STR(item_of(&ds, 0), "i2");
	CHECK_STR(item_of(&ds, 3), "i3");
out:
	dataset_release(&ds);
}

TEST(dataset_csv_min_rating_after_repeats)
{
	struct dataset_spec spec = { .format = "csv", .path = FIX "good.csv",
				     .has_min_rating = 1, .min_rating = 3 };
	struct strbuf err = STRBUF_INIT;
	struct dataset ds;

	/*
	 * (u1,i1) was rated 4 and later 2: the later opinion is the one
	 * filtered, so the pair is gone; i3 (rated 1) is gone with it.
	 */
	CHECK_INT(dataset_load(&ds, &spec), 0);
	CHECK_INT(ds.n_inter, 2);
	CHECK_INT(ds.duplicates, 2);
	CHECK_INT(ds.filtered, 2);
	CHECK_INT(ds.n_users, 2);
	CHECK_INT(ds.n_items, 2);
	if (ds.n_inter == 2 && ds.n_items == 2) {
		CHECK_STR(item_of(&ds, 0), "i2");
		CHECK_STR(item_of(&ds, 1), "i1");
		CHECK_INT(ds.inter[1].seq, 2);
		CHECK(find_item(&ds, "i3") == NULL);
		CHECK(find_item(&ds, "i1") == &ds.items[1]);
	}
	dataset_release(&ds);

	/* a rating threshold nothing passes leaves no data: an error */
	spec.min_rating = 6;
	CHECK_INT(load_capture(&ds, &spec, &err), -1);
	CHECK(strstr(err.buf, "good.csv: no interactions with rating >= 6") != NULL);
	CHECK(zeroed(&ds));
	strbuf_release(&err);
}

TEST(dataset_tsv_without_timestamps)
{
	struct dataset ds;

	CHECK_INT(load(&ds, "tsv", FIX "good.tsv", FIX "good_items.tsv"), 0);
	CHECK_INT(ds.n_inter, 3);
	CHECK_INT(ds.n_users, 2);
	CHECK_INT(ds.n_items, 2);
	CHECK_INT(ds.has_timestamps, 0);
	CHECK_INT(ds.untitled, 1);
	if (ds.n_inter == 3) {
		CHECK_INT(ds.inter[2].ts, 2);
		CHECK_INT(ds.inter[2].seq, 2);
		CHECK_NEAR(ds.inter[1].rating, 2, 0);
		CHECK_STR(user_of(&ds, 2), "a");
		CHECK_STR(item_of(&ds, 2), "y");
	}
	if (ds.n_items == 2) {
		CHECK_STR(ds.items[0].title, "Ex Title");
		CHECK_STR(ds.items[0].categories, "cat1");
	}
	dataset_release(&ds);
}

TEST(dataset_movielens_latin1_and_genres)
{
	struct dataset ds;
	const struct item *it;

	CHECK_INT(load(&ds, "movielens", FIX "ml", NULL), 0);
	CHECK_INT(ds.n_inter, 4);
	CHECK_INT(ds.n_users, 3);
	CHECK_INT(ds.n_items, 4);
	CHECK_INT(ds.untitled, 1);
	CHECK_INT(ds.has_timestamps, 1);
	it = find_item(&ds, "10");
	CHECK(it == &ds.items[0]);
	if (it) {
		CHECK_STR(it->title, "Mis\xc3\xa9rables, Les (1995)");
		CHECK_STR(it->categories, "Action|Animation");
	}
	it = find_item(&ds, "20");
	if (it)
		CHECK_STR(it->categories, "Animation|Children's|Comedy");
	it = find_item(&ds, "30");
	if (it) {
		CHECK_STR(it->title, "\xc3\x81 k\xc3\xb6ldum klaka (Cold Fever) (1994)");
		CHECK(it->categories == NULL);
	}
	it = find_item(&ds, "99");
	CHECK(it == &ds.items[3]);
	if (it)
		CHECK(it->title == NULL);
	if (ds.n_inter == 4) {
		CHECK_INT(ds.inter[0].ts, 881250949);
		CHECK_NEAR(ds.inter[0].rating, 5, 0);
	}
	dataset_release(&ds);

	/* no u.genre: the flags cannot be named, so no categories */
	CHECK_INT(load(&ds, "movielens", FIX "ml_nogenre", NULL), 0);
	it = find_item(&ds, "20");
	CHECK(it != NULL);
	if (it) {
		CHECK_STR(it->title, "Toy Story (1995)");
		CHECK(it->categories == NULL);
	}
	dataset_release(&ds);
}

static void check_reclm_items(const struct dataset *ds)
{
	CHECK_INT(ds->n_users, 3);
	CHECK_INT(ds->n_inter, 8);
	CHECK_INT(ds->duplicates, 1);
	CHECK_INT(ds->has_timestamps, 0);
	if (ds->n_items < 6 || ds->n_inter != 8)
		return;
	/* ids are line numbers, not the "id" fields */
	CHECK_STR(ds->items[0].id, "1");
	CHECK_STR(ds->items[0].title, "Lost Summoner Kitty");
	CHECK_STR(ds->items[0].categories, "Action|Casual");
	CHECK_STR(ds->items[1].title, "Ironbound");
	CHECK_STR(ds->items[2].title, "Real Pool 3D - Poolians");  /* app_name before title */
	CHECK_STR(ds->items[3].title, "\xe5\xbc\xb9\xe7\x82\xb8\xe4\xba\xba" "2222");
	CHECK(ds->items[4].title == NULL);
	CHECK_STR(ds->items[4].categories, "Clothing, Shoes & Jewelry|Women");
	CHECK_STR(ds->items[5].id, "6");
	CHECK(ds->items[5].title == NULL);
	CHECK(find_item(ds, "761140") == NULL);
	/* "3 5 5": the repeat keeps the later position */
	CHECK_STR(user_of(ds, 7), "3");
	CHECK_STR(item_of(ds, 7), "5");
	CHECK_INT(ds->inter[7].seq, 8);
	CHECK_INT(ds->inter[7].ts, 8);
	CHECK(isnan(ds->inter[7].rating));
	CHECK_STR(user_of(ds, 3), "2");
	CHECK_STR(item_of(ds, 3), "2");
}

TEST(dataset_reclm_json_with_negatives)
{
	struct dataset ds;
	const struct item *seven;
	uint32_t u;

	CHECK_INT(load(&ds, "reclm", FIX "reclm_json", NULL), 0);
	check_reclm_items(&ds);
	CHECK_INT(ds.n_items, 7);
	CHECK_INT(ds.untitled, 2);  /* 6 from the sequences, 7 from the negatives */
	CHECK(ds.negatives != NULL);
	seven = find_item(&ds, "7");
	CHECK(seven == &ds.items[6]);
	if (ds.negatives && ds.n_users == 3 && !strmap_get(&ds.user_index, "1", 1, &u)) {
		CHECK_INT(ds.n_negatives[u], 3);
		CHECK_STR(ds.items[ds.negatives[u][0]].id, "4");
		CHECK_STR(ds.items[ds.negatives[u][2]].id, "7");
		CHECK(!strmap_get(&ds.user_index, "3", 1, &u));
		CHECK(ds.negatives[u] == NULL);
		CHECK_INT(ds.n_negatives[u], 0);
	}
	dataset_release(&ds);
	CHECK(zeroed(&ds));
}

TEST(dataset_reclm_jsonl_and_array)
{
	struct dataset ds;

	/* metadata.jsonl with a BOM, CRLF and a blank line, no negatives */
	CHECK_INT(load(&ds, "reclm", FIX "reclm_jsonl", NULL), 0);
	check_reclm_items(&ds);
	CHECK_INT(ds.n_items, 6);
	CHECK_INT(ds.untitled, 1);
	CHECK(ds.negatives == NULL);
	CHECK(ds.n_negatives == NULL);
	dataset_release(&ds);

	/* metadata.json as one JSON array */
	CHECK_INT(load(&ds, "reclm", FIX "reclm_array", NULL), 0);
	check_reclm_items(&ds);
	dataset_release(&ds);
}

struct bad_case {
	const char *format, *path, *items;
	const char *where;   /* expected at the start of the message, after "receval: " */
	const char *what;    /* expected somewhere in the message */
};

static const struct bad_case bad_cases[] = {
	{ "csv", FIX "bad/missing_column.csv", NULL, FIX "bad/missing_column.csv:1: ", "missing column 'item'" },
	{ "csv", FIX "bad/fields.csv", NULL, FIX "bad/fields.csv:3: ", "expected 2 fields, found 3" },
	/* the quoted newline on line 2 must not throw the line count off */
	{ "csv", FIX "bad/rating_after_multiline.csv", NULL, FIX "bad/rating_after_multiline.csv:4: ",
	  "non-numeric rating 'abc'" },
	{ "csv", FIX "bad/timestamp.csv", NULL, FIX "bad/timestamp.csv:2: ", "non-numeric timestamp 'yesterday'" },
	{ "csv", FIX "bad/empty_id.csv", NULL, FIX "bad/empty_id.csv:3: ", "empty user id" },
	{ "csv", FIX "bad/unterminated.csv", NULL, FIX "bad/unterminated.csv:3: ", "unterminated quoted field" },
	{ "csv", FIX "bad/after_quote.csv", NULL, FIX "bad/after_quote.csv:2: ", "after a closing quote: 'b'" },
	{ "csv", FIX "bad/header_only.csv", NULL, FIX "bad/header_only.csv: ", "no interactions" },
	{ "csv", FIX "bad/empty.csv", NULL, FIX "bad/empty.csv: ", "expected a header row" },
	{ "csv", FIX "bad/long_rating.csv", NULL, FIX "bad/long_rating.csv:2: ",
	  "non-numeric rating 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'" },
	{ "csv", FIX "bad/same_column.csv", NULL, FIX "bad/same_column.csv:1: ", "'user' and 'userId'" },
	{ "csv", FIX "good.csv", FIX "bad/items_utf8.csv", FIX "bad/items_utf8.csv:2: ", "invalid UTF-8 in title 'Caf?'" },
	{ "csv", FIX "good.csv", FIX "bad/items_surrogate.csv", FIX "bad/items_surrogate.csv:2: ", "invalid UTF-8" },
	/* a sequence cut short by the end of its field */
	{ "csv", FIX "good.csv", FIX "bad/items_truncated.csv", FIX "bad/items_truncated.csv:2: ", "invalid UTF-8" },
	{ "csv", FIX "good.csv", FIX "bad/items_dup.csv", FIX "bad/items_dup.csv:3: ", "item 'i1' listed twice" },
	{ "csv", FIX "good.csv", FIX "nope.csv", FIX "nope.csv: ", "cannot read" },
	{ "csv", FIX "nope.csv", NULL, FIX "nope.csv: ", "cannot read: No such file" },
	{ "csv", FIX "ml", NULL, FIX "ml: ", "cannot read" },   /* a folder: unreadable as a file */
	{ "tsv", FIX "good.csv", NULL, FIX "good.csv:1: ", "missing column 'user'" },
	{ "movielens", FIX "bad/ml_data", NULL, FIX "bad/ml_data/u.data:2: ", "expected 4 tab-separated fields" },
	{ "movielens", FIX "bad/ml_genre", NULL, FIX "bad/ml_genre/u.genre:2: ", "bad genre index 'x'" },
	{ "movielens", FIX "nope", NULL, FIX "nope/u.item: ", "cannot read" },
	{ "reclm", FIX "bad/reclm_json", NULL, FIX "bad/reclm_json/metadata.jsonl:2: ", "invalid JSON" },
	{ "reclm", FIX "bad/reclm_neg", NULL, FIX "bad/reclm_neg/negative_samples.txt:2: ", "unknown user '9'" },
	{ "reclm", FIX "bad/reclm_nometa", NULL, FIX "bad/reclm_nometa: ", "no metadata.json or metadata.jsonl" },
	{ "parquet", FIX "good.csv", NULL, "", "unknown dataset format 'parquet'" },
};

TEST(dataset_malformed_input)
{
	struct strbuf err = STRBUF_INIT;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct dataset_spec spec = { .format = bc->format, .path = bc->path, .items = bc->items };
		struct dataset ds;
		char *where = xstrfmt("receval: %s", bc->where);
		int ret = load_capture(&ds, &spec, &err);

		if (ret != -1)
			test_fail(__FILE__, __LINE__, "%s: returned %d, expected -1", bc->path, ret);
		if (strncmp(err.buf, where, strlen(where)) || !strstr(err.buf, bc->what))
			test_fail(__FILE__, __LINE__, "%s: message \"%.*s\", expected \"%s...%s\"",
				  bc->items ? bc->items : bc->path, (int)strcspn(err.buf, "\n"), err.buf,
				  where, bc->what);
		/* one line, and the struct is left empty */
		CHECK(err.len && strchr(err.buf, '\n') == err.buf + err.len - 1);
		CHECK(zeroed(&ds));
		free(where);
		if (ret == 0)
			dataset_release(&ds);
	}
	strbuf_release(&err);
}

TEST(dataset_min_rating_needs_ratings)
{
	struct dataset_spec spec = { .format = "reclm", .path = FIX "reclm_json",
				     .has_min_rating = 1, .min_rating = 3 };
	struct strbuf err = STRBUF_INIT;
	struct dataset ds;

	CHECK_INT(load_capture(&ds, &spec, &err), -1);
	CHECK(strstr(err.buf, "no ratings") != NULL);
	spec.format = "tsv";
	spec.path = FIX "bad/header_only.csv";   /* comma-separated: one column "user,item,rating" */
	CHECK_INT(load_capture(&ds, &spec, &err), -1);
	strbuf_release(&err);
}

static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 :
			(*p & 0xf8) == 0xf0 ? 3 : -1;
		if (n < 0)
			return 0;
		for (p++; n > 0; n--, p++)
			if ((*p & 0xc0) != 0x80)
				return 0;
	}
	return 1;
}

TEST(dataset_ml100k)
{
	const char *shared = test_shared_dir();
	struct dataset ds;
	const struct item *it;
	char *path;
	double t0, ms;
	size_t i, accented = 0;

	if (!shared) {
		test_skip("../shared absent: ml-100k not loaded");
		return;
	}
	/* ../shared is there: its ml-100k must load */
	path = xstrfmt("%s/data/ml-100k", shared);
	t0 = now_ms();
	if (load(&ds, "movielens", path, NULL)) {
		test_fail(__FILE__, __LINE__, "cannot load %s", path);
		free(path);
		return;
	}
	ms = now_ms() - t0;
	printf("#   ml-100k loaded in %.1f ms\n", ms);
	/*
	 * A loose bound that still catches anything quadratic, even under
	 * sanitizers; ThreadSanitizer's instrumentation of every load and store
	 * is slower still (make test-threads), so there it is looser.
	 */
#if defined(__SANITIZE_THREAD__)
	CHECK(ms < 10000);
#else
	CHECK(ms < 2000);
#endif
	CHECK_INT(ds.n_users, 943);
	CHECK_INT(ds.n_items, 1682);
	CHECK_INT(ds.n_inter, 100000);
	CHECK_INT(ds.duplicates, 0);
	CHECK_INT(ds.untitled, 0);
	CHECK_INT(ds.has_timestamps, 1);
	it = find_item(&ds, "1");
	CHECK(it == &ds.items[0]);
	if (it) {
		CHECK_STR(it->title, "Toy Story (1995)");
		CHECK_STR(it->categories, "Animation|Children's|Comedy");
	}
	it = find_item(&ds, "1633");
	CHECK(it != NULL);
	if (it)
		CHECK_STR(it->title, "\xc3\x81 k\xc3\xb6ldum klaka (Cold Fever) (1994)");
	for (i = 0; i < ds.n_items; i++) {
		const char *t = ds.items[i].title;
		if (!t)
			continue;
		if (!valid_utf8(t))
			test_fail(__FILE__, __LINE__, "item %s: title not UTF-8", ds.items[i].id);
		accented += strstr(t, "\xc3\xa9") != NULL;   /* é */
	}
	CHECK(accented >= 5);
	/* u.data's first line: 196 242 3 881250949 */
	CHECK_STR(user_of(&ds, 0), "196");
	CHECK_STR(item_of(&ds, 0), "242");
	CHECK_INT(ds.inter[0].ts, 881250949);
	dataset_release(&ds);
	free(path);
}

/*
 * A csv of n rows written to a temporary file: row i is "u<i % 97>,<i /
 * 97>,<rating>,<i>" (no repeats); the row starting 8 bytes before the
 * reader's first 8 MiB window ends is a quoted record of three lines
 * (*quoted_at: which), and row bad_at has a bad rating.
 */
static long big_csv_padding;  /* blank lines written before the quoted record */

static void write_big_csv(const char *path, size_t n, size_t *quoted_at, size_t bad_at)
{
	FILE *f = fopen(path, "w");
	size_t i;
	int quoted = 0;

	big_csv_padding = 0;
	fputs("user,item,rating,timestamp,note\n", f);
	for (i = 0; i < n; i++) {
		if (!quoted && ftell(f) >= (8L << 20) - 8 - 12) {
			quoted = 1;
			*quoted_at = i;
			/* padding, so that the quoted record starts 8 bytes before the window's end */
			while (ftell(f) < (8L << 20) - 8) {
				fputc('\n', f);
				big_csv_padding++;
			}
		}
		if (i == *quoted_at)  /* a quoted id with a separator and a doubled quote; newlines in a quoted note */
			fprintf(f, "u%zu,\"it,em\"\"x\",3.5,%zu,\"a\n\nb\"\n", i % 97, i);
		else if (i == bad_at)
			fprintf(f, "u%zu,%zu,oops,%zu,\n", i % 97, i / 97, i);
		else
			fprintf(f, "u%zu,%zu,%zu.%zu,%zu,\n", i % 97, i / 97, 1 + i % 5, i % 2 * 5, i);
	}
	fclose(f);
}

TEST(dataset_csv_larger_than_the_read_window)
{
	char path[] = "/tmp/receval-window-XXXXXX";
	struct dataset_spec spec = { .format = "csv", .path = path };
	struct strbuf err = STRBUF_INIT;
	struct dataset ds;
	/* about 20 MiB: two window refills; the quoted record straddles the first window's end */
	size_t n = 900000, quoted = (size_t)-1, i;
	long line;
	int fd = mkstemp(path);
	const struct item *it;

	close(fd);
	write_big_csv(path, n, &quoted, (size_t)-1);
	if (load(&ds, "csv", path, NULL) < 0) {
		test_fail(__FILE__, __LINE__, "the file does not load");
		unlink(path);
		return;
	}
	CHECK_INT(ds.n_inter, n);
	CHECK_INT(ds.n_users, 97);
	it = find_item(&ds, "it,em\"x");
	CHECK(it != NULL);
	/* the rows after the quoted one, intact: row i has timestamp i and rating 1 + i % 5 (+ .5 when odd) */
	for (i = 0; i < n; i += 99991) {
		CHECK_INT(ds.inter[i].ts, i);
		if (i != quoted)
			CHECK_NEAR(ds.inter[i].rating, 1 + i % 5 + (i % 2) * 0.5, 0);
	}
	CHECK_INT(ds.inter[n - 1].ts, n - 1);
	dataset_release(&ds);

	/* an error past the first window names its line: the header, the rows, the quoted record's 2 extra lines */
	write_big_csv(path, n, &quoted, 600000);
	CHECK_INT(load_capture(&ds, &spec, &err), -1);
	/* the header, the blank lines of padding, the rows, the quoted record's 2 extra lines */
	line = 2 + 600000 + big_csv_padding + 2;
	{
		char *want = xstrfmt("%s:%ld: non-numeric rating 'oops'", path, line);
		if (!strstr(err.buf, want))
			test_fail(__FILE__, __LINE__, "got '%s', expected '%s'", err.buf, want);
		free(want);
	}
	unlink(path);
	strbuf_release(&err);
}

TEST(dataset_csv_record_longer_than_the_window)
{
	char path[] = "/tmp/receval-long-XXXXXX";
	struct dataset ds;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	size_t i;

	/* one quoted id of 9 MiB: the window grows to hold it */
	fputs("user,item\nu1,i1\nu1,\"", f);
	for (i = 0; i < (9u << 20); i++)
		fputc('a' + (int)(i % 26), f);
	fputs("\"\nu2,i1\n", f);
	fclose(f);
	CHECK_INT(load(&ds, "csv", path, NULL), 0);
	CHECK_INT(ds.n_inter, 3);
	CHECK_INT(ds.n_items, 2);
	CHECK_INT(strlen(ds.items[1].id), 9u << 20);
	dataset_release(&ds);
	unlink(path);
}

TEST(dataset_numeric_and_other_ids_apart)
{
	char path[] = "/tmp/receval-ids-XXXXXX";
	struct dataset ds;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	/* "7" and "07" and " 7" (trimmed to "7") and "7.0": three items, numbers looked up without hashing */
	fputs("user,item\nu1,7\nu1,07\nu2, 7\nu2,7.0\nu3,16777216\nu3,16777215\n", f);
	fclose(f);
	CHECK_INT(load(&ds, "csv", path, NULL), 0);
	CHECK_INT(ds.n_items, 5);
	CHECK_STR(ds.items[ds.inter[0].item].id, "7");
	CHECK_STR(ds.items[ds.inter[1].item].id, "07");
	CHECK_INT(ds.inter[2].item, ds.inter[0].item);
	CHECK_STR(ds.items[ds.inter[3].item].id, "7.0");
	CHECK(find_item(&ds, "16777216") && find_item(&ds, "16777215"));
	dataset_release(&ds);
	unlink(path);
}
