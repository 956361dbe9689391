/* test_conversation.c: the conversation task's readings: a simulator turn that names the target (and ones that only seem to), a subject turn's items (k, repeats, made-up titles, the target by title). */
#include "tests/unit/test.h"
#include "eval/tasks/conversation.h"

static int load(struct dataset *ds, const char *items)
{
	char ip[] = "/tmp/receval-cv-XXXXXX", tp[] = "/tmp/receval-ct-XXXXXX";
	int fd = mkstemp(ip), fd2 = mkstemp(tp), ret;
	struct dataset_spec spec = { "csv", ip, tp, 0, 0 };
	FILE *f;

	if (fd < 0 || fd2 < 0)
		return -1;
	f = fdopen(fd, "w");
	fputs("user,item\nu,f\nu,h\n", f);
	fclose(f);
	f = fdopen(fd2, "w");
	fputs(items, f);
	fclose(f);
	memset(ds, 0, sizeof(*ds));
	ret = dataset_load(ds, &spec);
	unlink(ip);
	unlink(tp);
	return ret;
}

static uint32_t item(const struct dataset *ds, const char *id)
{
	uint32_t v = UINT32_MAX;
	strmap_get(&ds->item_index, id, strlen(id), &v);
	return v;
}

static const char catalogue[] =
	"item,title\n"
	"f,Fargo (1996)\n"
	"h,Heat (1995)\n"
	"g,\"Godfather, The (1972)\"\n"
	"g2,\"Godfather, The (1972)\"\n"
	"s,Star Wars (1977)\n"
	"i,It (1990)\n"
	"t,Toy Story (1995)\n";

TEST(conversation_leak_check)
{
	struct dataset ds;
	struct grounder *g;

	CHECK_INT(load(&ds, catalogue), 0);
	g = grounder_new(&ds, 0);
	/* named, in any of the ways a user would */
	CHECK(conv_names_target(g, &ds, "I would love to see Fargo again.", item(&ds, "f")));
	CHECK(conv_names_target(g, &ds, "1. Fargo (1996)", item(&ds, "f")));
	CHECK(conv_names_target(g, &ds, "something like star wars, you know?", item(&ds, "s")));
	CHECK(conv_names_target(g, &ds, "Maybe \"Star Wars\"", item(&ds, "s")));
	CHECK(conv_names_target(g, &ds, "I want Heat", item(&ds, "h")));
	CHECK(conv_names_target(g, &ds, "The Godfather, please", item(&ds, "g")));
	/* the same title under another id (MovieLens lists a few films twice) is the target all the same */
	CHECK(conv_names_target(g, &ds, "The Godfather (1972)", item(&ds, "g2")));
	/* not named: a common word, a title inside a longer word, another film, nothing at all */
	CHECK(!conv_names_target(g, &ds, "I can't stand the heat of summer.", item(&ds, "h")));
	CHECK(!conv_names_target(g, &ds, "A Fargonian epic would be nice.", item(&ds, "f")));
	CHECK(!conv_names_target(g, &ds, "Something with stars and wars in space.", item(&ds, "s")));
	CHECK(!conv_names_target(g, &ds, "Toy Story was fun.", item(&ds, "f")));
	CHECK(!conv_names_target(g, &ds, "It is late: a thriller, please.", item(&ds, "i")));
	CHECK(!conv_names_target(g, &ds, "", item(&ds, "f")));
	grounder_free(g);
	dataset_release(&ds);
}

TEST(conversation_reads_a_turn)
{
	struct dataset ds;
	struct grounder *g;
	struct dialogue d;
	char *read = NULL;
	size_t turn_end[3] = { 0 };

	CHECK_INT(load(&ds, catalogue), 0);
	g = grounder_new(&ds, 0);
	memset(&d, 0, sizeof(d));
	strbuf_init(&d.grounding, 0);
	d.turn_end = turn_end;
	d.turn = 1;
	/* k = 2: the third grounded item is not offered; the made-up one is counted */
	CHECK_INT(conv_read_turn(&d, g, &ds, "1. Fargo (1996)\n2. The Unmade Film (2031)\n3. Heat (1995)\n4. Toy Story (1995)",
				 2, item(&ds, "s"), &read), 2);
	CHECK_INT(d.extracted, 4);
	CHECK_INT(d.hallucinated, 1);
	CHECK_INT(d.repeated, 0);
	CHECK_INT(d.success, 0);
	CHECK_STR(read, "{\"items\":[\"f\",\"h\"],\"extracted\":4,\"hallucinated\":1,\"repeated\":0,\"success\":false}");
	free(read);
	/* turn 2: Heat again (a repeat), Fargo twice in the turn (once), then the target by its twin's title */
	d.turn = 2;
	CHECK_INT(conv_read_turn(&d, g, &ds, "- Heat (1995)\n- Heat (1995)\n- The Godfather (1972)", 5, item(&ds, "g2"),
				 &read), 2);
	CHECK_INT(d.repeated, 1);
	CHECK_INT(d.success, 2);
	CHECK_INT(d.n_offered, 4);
	CHECK_INT(turn_end[0], 2);
	CHECK_INT(turn_end[1], 4);
	free(read);
	free(d.offered);
	strbuf_release(&d.grounding);
	grounder_free(g);
	dataset_release(&ds);
}
