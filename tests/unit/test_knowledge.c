/* test_knowledge.c: item knowledge for prompts: co-interactions from the training split only (never the held-out target), attributes, the lines written. */
#include "tests/unit/test.h"
#include "eval/data/knowledge.h"
#include "lib/strbuf.h"

/* Load interactions (and an items file when items != NULL) as a dataset through temporary files. */
static int load(struct dataset *ds, const char *inter, const char *items)
{
	char ip[] = "/tmp/receval-kn-XXXXXX", tp[] = "/tmp/receval-kt-XXXXXX";
	int fd = mkstemp(ip), fd2 = items ? mkstemp(tp) : -1, ret;
	struct dataset_spec spec = { "csv", ip, items ? tp : NULL, 0, 0 };
	FILE *f;

	if (fd < 0 || (items && fd2 < 0))
		return -1;
	f = fdopen(fd, "w");
	fputs(inter, f);
	fclose(f);
	if (items) {
		f = fdopen(fd2, "w");
		fputs(items, f);
		fclose(f);
	}
	memset(ds, 0, sizeof(*ds));
	ret = dataset_load(ds, &spec);
	unlink(ip);
	if (items)
		unlink(tp);
	return ret;
}

static uint32_t item(const struct dataset *ds, const char *id)
{
	uint32_t v = UINT32_MAX;
	strmap_get(&ds->item_index, id, strlen(id), &v);
	return v;
}

/*
 * 30 users, each with h1 and one of h2..h6 in training and T last (held
 * out). Counted over every interaction, T would be h1's top co-interaction
 * (30 users, against 6 for each of h2..h6); counted over training rows, as
 * the knowledge must be, T appears nowhere.
 */
TEST(knowledge_never_names_the_held_out_target)
{
	struct strbuf csv = STRBUF_INIT, text = STRBUF_INIT;
	struct split_spec spec = { "leave-last-out", 0, 1 };
	struct dataset ds;
	struct split sp;
	struct knowledge *kn;
	uint32_t co[5], h1, t, *all;
	size_t u, n, i, best = 0;

	strbuf_addstr(&csv, "user,item,timestamp\n");
	for (u = 0; u < 30; u++)
		strbuf_addf(&csv, "u%zu,h1,1\nu%zu,h%zu,2\nu%zu,T,3\n", u, u, 2 + u % 5, u);
	CHECK_INT(load(&ds, csv.buf, NULL), 0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	h1 = item(&ds, "h1");
	t = item(&ds, "T");

	/* the dataset does what it says: over all interactions, T is h1's most frequent companion */
	all = xcalloc(ds.n_items, sizeof(*all));
	for (u = 0; u < ds.n_users; u++) {
		int has_h1 = 0;
		for (i = 0; i < ds.n_inter; i++)
			has_h1 |= ds.inter[i].user == u && ds.inter[i].item == h1;
		for (i = 0; has_h1 && i < ds.n_inter; i++)
			if (ds.inter[i].user == u && ds.inter[i].item != h1)
				all[ds.inter[i].item]++;
	}
	for (i = 0; i < ds.n_items; i++)
		if (all[i] > all[best])
			best = i;
	CHECK_INT(best, t);
	CHECK_INT(all[t], 30);
	free(all);

	kn = knowledge_new(&ds, &sp, KNOWLEDGE_CF, 5);
	n = knowledge_co(kn, h1, co);
	CHECK_INT(n, 5);
	for (i = 0; i < n; i++)
		CHECK(co[i] != t);
	/* h2..h6, six users each: ties go by popularity (equal), then catalogue order */
	CHECK_INT(co[0], item(&ds, "h2"));
	CHECK_INT(co[4], item(&ds, "h6"));
	knowledge_render(&text, kn, &h1, 1);
	CHECK_STR(text.buf, "h1: Often liked together with: h2; h3; h4; h5; h6.");
	CHECK(!strstr(text.buf, "T"));
	/* T has no training user: nothing is known of it, so no line */
	strbuf_reset(&text);
	knowledge_render(&text, kn, &t, 1);
	CHECK_STR(text.buf, "");
	knowledge_free(kn);
	split_release(&sp);
	dataset_release(&ds);
	strbuf_release(&csv);
	strbuf_release(&text);
}

TEST(knowledge_counts_ranks_and_renders)
{
	struct split_spec spec = { "leave-last-out", 0, 1 };
	struct dataset ds;
	struct split sp;
	struct knowledge *kn;
	struct strbuf text = STRBUF_INIT;
	uint32_t co[3], shown[3];
	size_t n;
	unsigned what = 0;

	/*
	 * Training rows (the last of each user held out): a: x y z; b: x y; c: x z w; d: y w.
	 * x is with y twice, with z twice, with w once; y and z are as popular (3 and 2? y: a b d = 3, z: a c = 2)
	 */
	CHECK_INT(load(&ds,
		       "user,item,timestamp\n"
		       "a,x,1\na,y,2\na,z,3\na,q,9\n"
		       "b,x,1\nb,y,2\nb,q,9\n"
		       "c,x,1\nc,z,2\nc,w,3\nc,q,9\n"
		       "d,y,1\nd,w,2\nd,q,9\n",
		       "item,title,genres\nx,Ex (1999),Drama|Comedy\ny,Why (2001),\nz,Zed,Horror\nw,Double,\nq,Queue,\n"),
		  0);
	CHECK_INT(split_leave_last_out(&sp, &ds, &spec), 0);
	kn = knowledge_new(&ds, &sp, KNOWLEDGE_CF | KNOWLEDGE_ATTRIBUTES, 2);
	n = knowledge_co(kn, item(&ds, "x"), co);
	CHECK_INT(n, 2);
	/* y and z both twice with x: y is more popular in training (3 against 2) */
	CHECK_INT(co[0], item(&ds, "y"));
	CHECK_INT(co[1], item(&ds, "z"));
	/* asked again: remembered, the same */
	CHECK_INT(knowledge_co(kn, item(&ds, "x"), co), 2);
	CHECK_INT(co[0], item(&ds, "y"));
	shown[0] = item(&ds, "x");
	shown[1] = item(&ds, "q");
	shown[2] = item(&ds, "x");
	knowledge_render(&text, kn, shown, 3);
	/* q was only ever held out: no training user, no genres, no year: no line; x once */
	CHECK_STR(text.buf, "Ex (1999): genres: Drama, Comedy. Year: 1999. Often liked together with: Why (2001); Zed.");
	knowledge_free(kn);

	kn = knowledge_new(&ds, &sp, KNOWLEDGE_ATTRIBUTES, 3);
	strbuf_reset(&text);
	shown[0] = item(&ds, "z");
	shown[1] = item(&ds, "y");
	knowledge_render(&text, kn, shown, 2);
	CHECK_STR(text.buf, "Zed: genres: Horror.\nWhy (2001): Year: 2001.");
	CHECK_INT(knowledge_co(kn, item(&ds, "x"), co), 0);
	knowledge_free(kn);

	CHECK_INT(knowledge_parse("both", &what), 0);
	CHECK_INT(what, KNOWLEDGE_CF | KNOWLEDGE_ATTRIBUTES);
	CHECK_INT(knowledge_parse("cf", &what), 0);
	CHECK_INT(what, KNOWLEDGE_CF);
	CHECK_INT(knowledge_parse("CF", &what), -1);
	CHECK_INT(knowledge_parse("", &what), -1);
	split_release(&sp);
	dataset_release(&ds);
	strbuf_release(&text);
}
