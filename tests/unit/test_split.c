/* test_split.c: leave-last-out with ties, skipped users, seeded user sampling and ranking candidates. */
#include "tests/unit/test.h"
#include "eval/data/split.h"
#include "lib/strbuf.h"
#include "lib/rng.h"

/* Load CSV text as a dataset through a temporary file. */
static int load_text(struct dataset *ds, const char *text)
{
	char path[] = "/tmp/receval-test-XXXXXX";
	int fd = mkstemp(path), ret;
	struct dataset_spec spec = { "csv", path, NULL, 0, 0 };
	FILE *f;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	memset(ds, 0, sizeof(*ds));
	ret = dataset_load(ds, &spec);
	unlink(path);
	return ret;
}

static uint32_t item(const struct dataset *ds, const char *id)
{
	uint32_t v = UINT32_MAX;
	strmap_get(&ds->item_index, id, strlen(id), &v);
	return v;
}

static uint32_t user(const struct dataset *ds, const char *id)
{
	uint32_t v = UINT32_MAX;
	strmap_get(&ds->user_index, id, strlen(id), &v);
	return v;
}

TEST(split_last_by_time_ties_in_file_order)
{
	struct dataset ds;
	struct split sp;
	struct split_spec spec = { "leave-last-out", 0, 1 };
	uint32_t a;

	/* a: b (t=5) and c (t=5) tie at the end: c comes later in the file, so it is the target;
	   d at t=1 is first although it comes last in the file */
	CHECK_INT(load_text(&ds, "user,item,timestamp\na,b,5\na,x,3\na,c,5\na,d,1\n"
				 "s,b,1\n"), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	a = user(&ds, "a");
	CHECK_INT(sp.target[a], item(&ds, "c"));
	CHECK_INT(sp.train_off[a + 1] - sp.train_off[a], 3);
	CHECK_INT(sp.train_items[sp.train_off[a]], item(&ds, "d"));
	CHECK_INT(sp.train_items[sp.train_off[a] + 1], item(&ds, "x"));
	CHECK_INT(sp.train_items[sp.train_off[a] + 2], item(&ds, "b"));
	/* s has one interaction: skipped, and it stays in training (b is seen twice) */
	CHECK_INT(sp.target[user(&ds, "s")], NO_TARGET);
	CHECK_INT(sp.skipped, 1);
	CHECK_INT(sp.n_eligible, 1);
	CHECK_INT(sp.item_count[item(&ds, "b")], 2);
	CHECK_INT(sp.item_count[item(&ds, "c")], 0);
	split_release(&sp);
	dataset_release(&ds);
}

TEST(split_min_history)
{
	struct dataset ds;
	struct split sp;
	struct split_spec spec = { "leave-last-out", 0, 3 };

	CHECK_INT(load_text(&ds, "user,item\na,1\na,2\na,3\nb,1\nb,2\nb,3\nb,4\n"), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	CHECK_INT(sp.n_eligible, 1);
	CHECK_INT(sp.skipped, 1);
	CHECK_INT(sp.target[user(&ds, "b")], item(&ds, "4"));
	split_release(&sp);
	spec.min_history = 4;
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), -1);  /* nobody left */
	dataset_release(&ds);
}

static void make_users(struct strbuf *sb, int users, int items)
{
	int u, i;

	strbuf_addstr(sb, "user,item\n");
	for (u = 0; u < users; u++)
		for (i = 0; i < 3 + u % 5; i++)
			strbuf_addf(sb, "u%d,i%d\n", u, (u * 7 + i * 13) % items);
}

TEST(split_sampling_is_seeded_and_stable)
{
	struct strbuf sb = STRBUF_INIT;
	struct dataset ds;
	struct split sp;
	struct split_spec spec = { "leave-last-out", 0, 1 };
	uint32_t *a, *b, *all;
	size_t na, nb, nall, i;
	int same = 1;

	make_users(&sb, 100, 50);
	CHECK_INT(load_text(&ds, sb.buf), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	split_sample_users(&a, &na, &sp, 10, 42);
	split_sample_users(&b, &nb, &sp, 10, 42);
	CHECK_INT(na, 10);
	CHECK(!memcmp(a, b, na * sizeof(*a)));
	/* the first of seed 42's draw, fixed: any change to the generator or the shuffle shows here */
	CHECK_STR(ds.user_ids[a[0]], "u0");
	CHECK_STR(ds.user_ids[a[1]], "u47");
	free(b);
	split_sample_users(&b, &nb, &sp, 10, 43);
	for (i = 0; i < na; i++)
		same &= a[i] == b[i];
	CHECK(!same);
	/* never "the first N" */
	same = 1;
	for (i = 0; i < na; i++)
		same &= a[i] == i;
	CHECK(!same);
	/* a prefix of the full order: --limit and a smaller "users" agree */
	split_sample_users(&all, &nall, &sp, 0, 42);
	CHECK_INT(nall, 100);
	CHECK(!memcmp(a, all, na * sizeof(*a)));
	free(a);
	free(b);
	free(all);
	split_release(&sp);
	dataset_release(&ds);
	strbuf_release(&sb);
}

TEST(split_candidates_exclude_history)
{
	struct strbuf sb = STRBUF_INIT;
	struct dataset ds;
	struct split sp;
	struct split_spec spec = { "leave-last-out", 0, 1 };
	unsigned char *mark;
	uint32_t c1[20], c2[20];
	size_t u, i, j, n1, n2;
	int pop, target_first = 0;

	make_users(&sb, 60, 40);
	CHECK_INT(load_text(&ds, sb.buf), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	mark = xcalloc(ds.n_items, 1);
	for (pop = 0; pop < 2; pop++)
		for (u = 0; u < sp.n_eligible; u++) {
			uint32_t usr = sp.eligible[u];
			enum negatives how = pop ? NEG_POPULARITY : NEG_UNIFORM;
			n1 = split_candidates(c1, 20, &sp, &ds, usr, how, 42, "ranking", mark);
			n2 = split_candidates(c2, 20, &sp, &ds, usr, how, 42, "ranking", mark);
			CHECK_INT(n1, 20);
			CHECK(n1 == n2 && !memcmp(c1, c2, n1 * sizeof(*c1)));
			target_first += c1[0] == sp.target[usr];
			for (i = 0; i < n1; i++) {
				int count = 0;
				for (j = 0; j < n1; j++)
					count += c1[j] == c1[i];
				CHECK_INT(count, 1);
				if (c1[i] == sp.target[usr])
					continue;
				for (j = sp.train_off[usr]; j < sp.train_off[usr + 1]; j++)
					CHECK(sp.train_items[j] != c1[i]);
			}
			for (i = 0; i < ds.n_items; i++)
				CHECK_INT(mark[i], 0);
		}
	/* shuffled: the target is not always first */
	CHECK(target_first < (int)sp.n_eligible);
	free(mark);
	split_release(&sp);
	dataset_release(&ds);
	strbuf_release(&sb);
}

TEST(split_candidates_small_catalogue)
{
	struct dataset ds;
	struct split sp;
	struct split_spec spec = { "leave-last-out", 0, 1 };
	unsigned char mark[8] = { 0 };
	uint32_t c[10];

	/* a has seen 1, 2 and holds out 3: only 4 and 5 can be negatives */
	CHECK_INT(load_text(&ds, "user,item\na,1\na,2\na,3\nb,4\nb,5\n"), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	CHECK_INT(split_candidates(c, 10, &sp, &ds, user(&ds, "a"), NEG_POPULARITY, 1, "r", mark), 3);
	CHECK_INT(split_candidates(c, 10, &sp, &ds, user(&ds, "a"), NEG_UNIFORM, 1, "r", mark), 3);
	split_release(&sp);
	dataset_release(&ds);
}
