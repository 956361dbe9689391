/* test_ground.c: reading answers: normalisation, grounding, the messy-answer corpus (precision and recall), multiple choice, hostile input. */
/*
 * The corpus (fixtures/answers/corpus.jsonl) holds one answer a line:
 * {"answer": "...", "task": "retrieval"|"ranking"|"mc", "candidates":
 * [ids]?, "expect": [ids], "letters": true?}, ids from catalogue.csv.
 * For retrieval and ranking, expect is the distinct catalogue items the
 * answer names, in order of first mention (hallucinated titles name none;
 * an item outside the candidates is still named); "letters" lets letters
 * name ranking candidates. For mc, expect is the one candidate picked, or
 * empty. The second half was written after the first version of the
 * extractor, in styles it had not been tuned on.
 */
#include <cJSON.h>
#include "tests/unit/test.h"
#include "eval/data/dataset.h"
#include "eval/answer/ground.h"
#include "lib/strbuf.h"

#define FIX "fixtures/answers/"

/*
 * The corpus catalogue, loaded once with dataset_load() (format csv: it
 * needs an interactions file too, so one naming a single item is written
 * to a temporary file).
 */
static struct dataset cat_ds;
static struct grounder *cat_g;
static int cat_state;   /* 0 not tried, 1 loaded, -1 failed */

static const struct grounder *catalogue(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	struct dataset_spec spec = { .format = "csv", .path = path, .items = FIX "catalogue.csv" };
	int fd;
	FILE *f;

	if (cat_state)
		return cat_state > 0 ? cat_g : NULL;
	cat_state = -1;
	snprintf(path, sizeof(path), "%s/receval-ground-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(path);
		return NULL;
	}
	fputs("user,item\nu1,100\n", f);
	fclose(f);
	if (!dataset_load(&cat_ds, &spec)) {
		cat_g = grounder_new(&cat_ds, 0);
		cat_state = 1;
	}
	unlink(path);
	return cat_g;
}

__attribute__((destructor)) static void catalogue_free(void)
{
	if (cat_state > 0) {
		grounder_free(cat_g);
		dataset_release(&cat_ds);
	}
}

/* The catalogue index of an item id, UINT32_MAX if absent. */
static uint32_t idx(const char *id)
{
	uint32_t v;
	return strmap_get(&cat_ds.item_index, id, strlen(id), &v) ? UINT32_MAX : v;
}

/* The catalogue index of an exact title (the test's own look-up, not the grounder's). */
static uint32_t by_title(const char *title)
{
	size_t i;
	for (i = 0; i < cat_ds.n_items; i++)
		if (cat_ds.items[i].title && !strcmp(cat_ds.items[i].title, title))
			return (uint32_t)i;
	return UINT32_MAX;
}

/* Ground a single title against the whole catalogue: the item, or UINT32_MAX. */
static uint32_t title_item(const char *text, enum ground_how *how, double *score)
{
	struct grounded gr;
	uint32_t item;

	ground_title(&gr, cat_g, text, strlen(text), NULL, 0);
	item = gr.item;
	if (how)
		*how = gr.how;
	if (score)
		*score = gr.score;
	free(gr.text);
	return item;
}

#define CHECK_NORM(in, want) do {                                             \
		char *n_ = ground_normalize((in), strlen(in), NULL);          \
		CHECK_STR(n_, (want));                                        \
		free(n_);                                                     \
	} while (0)

TEST(ground_normalize_basics)
{
	int year = -1;
	char *n = ground_normalize("Toy Story (1995)", 16, &year);

	CHECK_STR(n, "toy story");
	CHECK_INT(year, 1995);
	free(n);
	n = ground_normalize("Toy Story", 9, &year);
	CHECK_INT(year, 0);
	free(n);
	CHECK_NORM("  Heat   (1995)  ", "heat");
	CHECK_NORM("Heat [1995]", "heat");
	CHECK_NORM("THE MATRIX", "matrix");
	CHECK_NORM("Schindler's List", "schindlers list");
	CHECK_NORM("Schindler\xE2\x80\x99s List", "schindlers list");
	CHECK_NORM("L.A. Confidential (1997)", "la confidential");
	CHECK_NORM("Face/Off", "face off");
	CHECK_NORM("Spider-Man 2", "spider man 2");
	CHECK_NORM("Lock, Stock & Two Smoking Barrels", "lock stock and two smoking barrels");
	CHECK_NORM("Who Framed Roger Rabbit?", "who framed roger rabbit");
	CHECK_NORM("2001: A Space Odyssey (1968)", "2001 a space odyssey");
	CHECK_NORM("Rocky II", "rocky 2");
	CHECK_NORM("Star Wars: Episode IV - A New Hope", "star wars episode 4 a new hope");
	CHECK_NORM("Rocky V", "rocky 5");
	CHECK_NORM("V for Vendetta", "v for vendetta");        /* a lone V starts no number */
	CHECK_NORM("\xEF\xBC\xA8\xEF\xBD\x85\xEF\xBD\x81\xEF\xBD\x94", "heat");   /* full-width */
	CHECK_NORM("(1995)", "1995");                           /* a year alone is the title */
	CHECK_NORM("", "");
	CHECK_NORM("!!!", "");
}

TEST(ground_normalize_articles)
{
	CHECK_NORM("The Godfather", "godfather");
	CHECK_NORM("Godfather, The (1972)", "godfather");
	CHECK_NORM("Godfather, the", "godfather");
	CHECK_NORM("A Bug's Life", "bugs life");
	CHECK_NORM("Bug's Life, A (1998)", "bugs life");
	CHECK_NORM("An American in Paris", "american in paris");
	CHECK_NORM("American in Paris, An", "american in paris");
	CHECK_NORM("La Haine", "haine");
	CHECK_NORM("Haine, La (1995)", "haine");
	CHECK_NORM("Les Misérables", "miserables");
	CHECK_NORM("Samouraï, Le (1967)", "samourai");
	CHECK_NORM("L'Avventura", "avventura");
	CHECK_NORM("L\xE2\x80\x99" "Avventura", "avventura");
	CHECK_NORM("Avventura, L' (1960)", "avventura");
	CHECK_NORM("Il Postino", "postino");
	CHECK_NORM("Postino, Il", "postino");
	CHECK_NORM("Das Boot", "boot");
	CHECK_NORM("Boot, Das (1981)", "boot");
	CHECK_NORM("Der Untergang", "untergang");
	CHECK_NORM("Blechtrommel, Die", "blechtrommel");
	CHECK_NORM("El Mariachi", "mariachi");
	CHECK_NORM("The", "the");                               /* the article is the whole title */
	CHECK_NORM("Good, the Bad and the Ugly, The", "good the bad and the ugly");
	CHECK_NORM("2001: A Space Odyssey", "2001 a space odyssey");   /* not leading */
}

TEST(ground_normalize_accents)
{
	CHECK_NORM("Amélie", "amelie");
	CHECK_NORM("AMÉLIE", "amelie");
	CHECK_NORM("Ame\xCC\x81lie", "amelie");                 /* decomposed: e + combining acute */
	CHECK_NORM("Über", "uber");
	CHECK_NORM("Señor", "senor");
	CHECK_NORM("Garçon", "garcon");
	CHECK_NORM("Smørrebrød", "smorrebrod");
	CHECK_NORM("Æon Flux", "aeon flux");
	CHECK_NORM("Hævnen", "haevnen");
	CHECK_NORM("Weiße Band", "weisse band");
	CHECK_NORM("Œuvre", "oeuvre");
	CHECK_NORM("Łódź", "lodz");
	CHECK_NORM("Dvořák", "dvorak");
	CHECK_NORM("Ådalen", "adalen");
	CHECK_NORM("Tôkyô", "tokyo");
	CHECK_NORM("WALL·E", "wall e");
	CHECK_NORM("Am\xE9lie", "amelie");                      /* Latin-1 byte in UTF-8 text: read as Latin-1 */
}

TEST(ground_exact_normalized_years)
{
	enum ground_how how;
	double score;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		return;
	}
	CHECK_INT(title_item("Toy Story (1995)", &how, &score), by_title("Toy Story (1995)"));
	CHECK_INT(how, GROUND_EXACT);
	CHECK_NEAR(score, 1, 0);
	CHECK_INT(title_item("Toy Story", &how, NULL), by_title("Toy Story (1995)"));
	CHECK_INT(how, GROUND_NORMALIZED);
	CHECK_INT(title_item("toy story 2", NULL, NULL), by_title("Toy Story 2 (1999)"));
	CHECK_INT(title_item("The Godfather", NULL, NULL), by_title("Godfather, The (1972)"));
	CHECK_INT(title_item("Godfather, The", NULL, NULL), by_title("Godfather, The (1972)"));
	/* a wrong year still names the only film of that title */
	CHECK_INT(title_item("Toy Story (1994)", &how, NULL), by_title("Toy Story (1995)"));
	CHECK_INT(how, GROUND_NORMALIZED);
	/* remakes: the year picks; the nearest year; none given: the lowest catalogue index */
	CHECK_INT(title_item("Psycho (1998)", NULL, NULL), by_title("Psycho (1998)"));
	CHECK_INT(title_item("Psycho (1960)", NULL, NULL), by_title("Psycho (1960)"));
	CHECK_INT(title_item("Psycho (1961)", NULL, NULL), by_title("Psycho (1960)"));
	CHECK_INT(title_item("Psycho (1997)", NULL, NULL), by_title("Psycho (1998)"));
	CHECK_INT(title_item("Psycho", NULL, NULL), by_title("Psycho (1960)"));
	CHECK_INT(title_item("Hamlet (1991)", NULL, NULL), by_title("Hamlet (1990)"));
	CHECK_INT(title_item("Psycho 1998", NULL, NULL), by_title("Psycho (1998)"));   /* a bare year */
	/* a title that is a number, and one that ends with one */
	CHECK_INT(title_item("1917", NULL, NULL), by_title("1917 (2019)"));
	CHECK_INT(title_item("300", NULL, NULL), by_title("300 (2007)"));
	/* alternative titles in parentheses, "a.k.a." */
	CHECK_INT(title_item("Se7en", NULL, NULL), by_title("Seven (a.k.a. Se7en) (1995)"));
	CHECK_INT(title_item("Seven", NULL, NULL), by_title("Seven (a.k.a. Se7en) (1995)"));
	CHECK_INT(title_item("The Bicycle Thief", NULL, NULL),
		  by_title("Bicycle Thieves (a.k.a. The Bicycle Thief) (Ladri di biciclette) (1948)"));
	CHECK_INT(title_item("Ladri di biciclette", NULL, NULL),
		  by_title("Bicycle Thieves (a.k.a. The Bicycle Thief) (Ladri di biciclette) (1948)"));
	CHECK_INT(title_item("Alien", NULL, NULL), by_title("Alien (1979)"));   /* own title before another's alternative */
	CHECK_INT(title_item("Alien (1992)", NULL, NULL), by_title("Alien³ (a.k.a. Alien 3) (1992)"));
	/* commas inside a title */
	CHECK_INT(title_item("Love, Death and Taxes (1994)", &how, NULL), by_title("Love, Death and Taxes (1994)"));
	CHECK_INT(how, GROUND_EXACT);
	CHECK_INT(title_item("Love Death and Taxes", NULL, NULL), by_title("Love Death and Taxes (2001)"));
	CHECK_INT(title_item("Nothing Like This (2003)", &how, &score), UINT32_MAX);
	CHECK_INT(how, GROUND_NONE);
	CHECK_NEAR(score, 0, 0);
}

TEST(ground_fuzzy_threshold)
{
	enum ground_how how;
	double score;
	struct grounder *strictg;
	struct grounded gr;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		return;
	}
	CHECK_NEAR(grounder_threshold(cat_g), GROUND_FUZZY_DEFAULT, 0);
	CHECK_NEAR(ground_similarity("heat", "heat"), 1, 1e-12);
	/* " heat " and " heart ": {" he", "hea", "eat", "at "} and {" he", "hea", "ear", "art", "rt "} share 2 */
	CHECK_NEAR(ground_similarity("heat", "heart"), 4.0 / 9, 1e-12);
	CHECK_NEAR(ground_similarity("abc", "xyz"), 0, 0);

	CHECK_INT(title_item("The Shawshank Redemtion", &how, &score), by_title("Shawshank Redemption, The (1994)"));
	CHECK_INT(how, GROUND_FUZZY);
	CHECK(score > 0.8 && score < 1);
	CHECK_INT(title_item("Pulp Fictoin", &how, NULL), by_title("Pulp Fiction (1994)"));   /* swapped letters */
	CHECK_INT(how, GROUND_FUZZY);
	CHECK_INT(title_item("Forest Gump (1994)", NULL, NULL), by_title("Forrest Gump (1994)"));
	/* sequels and franchise entries the catalogue lacks stay unground */
	CHECK_INT(title_item("Toy Story 3", NULL, NULL), UINT32_MAX);
	CHECK_INT(title_item("Toy Story 2", NULL, NULL), by_title("Toy Story 2 (1999)"));
	CHECK_INT(title_item("Rocky IV", NULL, NULL), UINT32_MAX);
	CHECK_INT(title_item("Jurassic World", NULL, NULL), UINT32_MAX);
	CHECK_INT(title_item("Mission: Impossible - Fallout", NULL, NULL), UINT32_MAX);
	CHECK_INT(title_item("The Dark Knight Rises", NULL, NULL), UINT32_MAX);
	/* four letters are too few to read a typo in */
	CHECK_INT(title_item("Heet", NULL, NULL), UINT32_MAX);

	/* the threshold is the grounder's: at 0.95 a one-letter slip in a long title is not enough */
	strictg = grounder_new(&cat_ds, 0.95);
	CHECK_NEAR(grounder_threshold(strictg), 0.95, 0);
	ground_title(&gr, strictg, "The Shawshank Redemtion", 23, NULL, 0);
	CHECK_INT(gr.item, UINT32_MAX);
	free(gr.text);
	ground_title(&gr, strictg, "Shawshank Redemption", 20, NULL, 0);
	CHECK_INT(gr.item, by_title("Shawshank Redemption, The (1994)"));
	CHECK_INT(gr.how, GROUND_NORMALIZED);
	free(gr.text);
	grounder_free(strictg);
	strictg = grounder_new(&cat_ds, 7);   /* above 1 is 1: only equal trigram sets */
	CHECK_NEAR(grounder_threshold(strictg), 1, 0);
	grounder_free(strictg);
}

TEST(ground_how_names)
{
	CHECK_STR(ground_how_name(GROUND_NONE), "none");
	CHECK_STR(ground_how_name(GROUND_EXACT), "exact");
	CHECK_STR(ground_how_name(GROUND_NORMALIZED), "normalized");
	CHECK_STR(ground_how_name(GROUND_FUZZY), "fuzzy");
	CHECK_STR(ground_how_name(GROUND_NUMBER), "number");
	CHECK_STR(ground_how_name(GROUND_LETTER), "letter");
}

TEST(ground_answer_read_fields)
{
	const char *a = "Here are my picks:\n1. **Heat** (1995) - tense\n2. Casinno\n3. The Irishman (2019)\n4. Jaws\nEnjoy!";
	uint32_t cand[3];
	struct grounded *v;
	size_t n;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		return;
	}
	cand[0] = by_title("Casino (1995)");
	cand[1] = by_title("Heat (1995)");
	cand[2] = by_title("Fargo (1996)");
	n = answer_read(&v, cat_g, a, strlen(a), cand, 3, 0);
	CHECK_INT(n, 4);
	if (n == 4) {
		CHECK_STR(v[0].text, "Heat");
		CHECK_INT(v[0].item, cand[1]);
		CHECK_INT(v[0].how, GROUND_EXACT);     /* "Heat (1995)": the span and its year */
		CHECK_INT(v[0].in_candidates, 1);
		CHECK_STR(v[1].text, "Casinno");
		CHECK_INT(v[1].item, cand[0]);
		CHECK_INT(v[1].how, GROUND_FUZZY);
		CHECK(v[1].score >= GROUND_FUZZY_DEFAULT && v[1].score < 1);
		CHECK_STR(v[2].text, "The Irishman (2019)");
		CHECK_INT(v[2].item, UINT32_MAX);        /* a hallucination */
		CHECK_INT(v[2].how, GROUND_NONE);
		CHECK_INT(v[2].in_candidates, 0);
		CHECK_INT(v[3].item, by_title("Jaws (1975)"));
		CHECK_INT(v[3].in_candidates, 0);        /* out of the candidates */
	}
	grounded_free(v, n);

	/* candidate numbers and letters */
	n = answer_read(&v, cat_g, "3, 1", 4, cand, 3, 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].item, cand[2]);
		CHECK_INT(v[0].how, GROUND_NUMBER);
		CHECK_STR(v[0].text, "3");
		CHECK_INT(v[1].item, cand[0]);
	}
	grounded_free(v, n);
	n = answer_read(&v, cat_g, "C\nA", 3, cand, 3, 1);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].item, cand[2]);
		CHECK_INT(v[0].how, GROUND_LETTER);
		CHECK_INT(v[1].item, cand[0]);
	}
	grounded_free(v, n);
	/* without letters, "C" is no candidate; a number beyond the candidates is none */
	n = answer_read(&v, cat_g, "C", 1, cand, 3, 0);
	CHECK(n == 0 || v[0].item == UINT32_MAX);
	grounded_free(v, n);
	/* a list numbered 1, 2, 3 ranks titles; numbers alone name candidates */
	n = answer_read(&v, cat_g, "1. Fargo\n2. Heat", 16, cand, 3, 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_INT(v[0].item, cand[2]);
		CHECK_INT(v[1].item, cand[1]);
	}
	grounded_free(v, n);
	/* the same title shown as a candidate wins over its namesake: Psycho (1960) is the candidate */
	cand[0] = by_title("Psycho (1960)");
	n = answer_read(&v, cat_g, "Psycho (1998)", 13, cand, 1, 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_INT(v[0].item, cand[0]);
		CHECK_INT(v[0].in_candidates, 1);
	}
	grounded_free(v, n);
	/* duplicates are reported as they come */
	n = answer_read(&v, cat_g, "Heat\nHeat (1995)", 16, NULL, 0, 0);
	CHECK_INT(n, 2);
	if (n == 2)
		CHECK_INT(v[0].item, v[1].item);
	grounded_free(v, n);
	/* nothing to read: a parse failure */
	n = answer_read(&v, cat_g, "Here are my recommendations:\n\nI hope you enjoy these!", 53, NULL, 0, 0);
	CHECK_INT(n, 0);
	grounded_free(v, n);
	n = answer_read(&v, cat_g, "<think>\nHeat? Casino?", 21, NULL, 0, 0);
	CHECK_INT(n, 0);
	grounded_free(v, n);
	n = answer_read(&v, cat_g, NULL, 0, NULL, 0, 0);
	CHECK_INT(n, 0);
	CHECK(v == NULL);
}

static int choice(const char *a, const uint32_t *cand, size_t n)
{
	return answer_choice(cat_g, a, strlen(a), cand, n);
}

/* Multiple choice without a catalogue (general knowledge): letters and numbers only, no grounder needed. */
TEST(ground_mc_without_catalogue)
{
	static const char *const a1 = "The answer is (C).", *const a2 = "B", *const a3 = "I think D is right.";
	static const char *const a4 = "Paris, the capital", *const a5 = "Answer: E";

	CHECK_INT(choice_read(a1, strlen(a1), 4, NULL, NULL), 2);
	CHECK_INT(choice_read(a2, strlen(a2), 4, NULL, NULL), 1);
	CHECK_INT(choice_read(a3, strlen(a3), 4, NULL, NULL), 3);
	CHECK_INT(choice_read(a4, strlen(a4), 4, NULL, NULL), -1);
	CHECK_INT(choice_read(a5, strlen(a5), 4, NULL, NULL), -1);   /* past the options */
	CHECK_INT(choice_read(a1, strlen(a1), 0, NULL, NULL), -1);
}

TEST(ground_mc_letters)
{
	uint32_t cand[10];
	const char *titles[] = { "Heat (1995)", "Casino (1995)", "Fargo (1996)", "Toy Story (1995)", "Up (2009)",
				 "Jaws (1975)", "Alien (1979)", "Big (1988)", "Rocky (1976)", "Amadeus (1984)" };
	size_t i;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		return;
	}
	for (i = 0; i < 10; i++)
		cand[i] = by_title(titles[i]);
	CHECK_INT(choice("C", cand, 10), 2);
	CHECK_INT(choice("(C)", cand, 10), 2);
	CHECK_INT(choice("Answer: C", cand, 10), 2);
	CHECK_INT(choice("**C**", cand, 10), 2);
	CHECK_INT(choice("C. Fargo (1996)", cand, 10), 2);
	CHECK_INT(choice("c", cand, 10), 2);
	CHECK_INT(choice("The answer is (C).", cand, 10), 2);
	/* "A" alone, or after "Answer:", is the letter A */
	CHECK_INT(choice("A", cand, 10), 0);
	CHECK_INT(choice("A.", cand, 10), 0);
	CHECK_INT(choice("Answer: A", cand, 10), 0);
	CHECK_INT(choice("(A) Heat", cand, 10), 0);
	/* the article A and the pronoun I inside a sentence are not answers */
	CHECK_INT(choice("I think A is the most likely.", cand, 10), -1);
	CHECK_INT(choice("I think the user would like E.", cand, 10), 4);
	CHECK_INT(choice("A good choice would be G.", cand, 10), 6);
	CHECK_INT(choice("I", cand, 10), 8);   /* alone, I is the ninth */
	/* a title alone; ambiguity; letters beyond the candidates */
	CHECK_INT(choice("Fargo (1996)", cand, 10), 2);
	CHECK_INT(choice("B or D", cand, 10), -1);
	CHECK_INT(choice("(B) or (D)", cand, 10), -1);
	CHECK_INT(choice("K", cand, 10), -1);
	CHECK_INT(choice("D", cand, 3), -1);
	CHECK_INT(choice("", cand, 10), -1);
	CHECK_INT(choice("None of these.", cand, 10), -1);
	CHECK_INT(choice("C", cand, 0), -1);
	CHECK_INT(choice("<think>Maybe A, or B.</think>Answer: D", cand, 10), 3);
	CHECK_INT(choice("3", cand, 10), 2);
}

/* A deterministic byte generator for the hostile inputs. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Read a hostile answer every way; it must come back, and quickly. */
static void survive(const char *what, const char *a, size_t len, double max_ms)
{
	uint32_t cand[10];
	struct grounded *v;
	size_t n, i;
	double t0 = now_ms(), dt;

	for (i = 0; i < 10; i++)
		cand[i] = (uint32_t)(i * 7 % cat_ds.n_items);
	n = answer_read(&v, cat_g, a, len, NULL, 0, 0);
	CHECK(n <= ANSWER_MAX_ITEMS);
	for (i = 0; i < n; i++)
		CHECK(v[i].text && (v[i].item == UINT32_MAX || v[i].item < cat_ds.n_items));
	grounded_free(v, n);
	n = answer_read(&v, cat_g, a, len, cand, 10, 1);
	CHECK(n <= ANSWER_MAX_ITEMS);
	grounded_free(v, n);
	i = (size_t)(answer_choice(cat_g, a, len, cand, 10) + 1);
	CHECK(i <= 10);
	dt = now_ms() - t0;
	if (dt > max_ms)
		test_fail(__FILE__, __LINE__, "%s took %.0f ms (limit %.0f)", what, dt, max_ms);
}

TEST(ground_hostile_input)
{
	size_t big = 1 << 20, i;
	char *buf = xmalloc(big + 1);
	struct strbuf sb = STRBUF_INIT;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		free(buf);
		return;
	}
	/* 1 MB of junk text (only the first 64 KiB is read) */
	for (i = 0; i < big; i++)
		buf[i] = "abc ,.;:-*()[]{}\"'<>\n0123456789"[rng() % 32];
	survive("1 MB of junk", buf, big, 3000);
	/* random bytes with NULs, invalid UTF-8 */
	for (i = 0; i < big; i++)
		buf[i] = (char)(rng() & 0xFF);
	survive("random bytes", buf, big, 3000);
	for (i = 0; i < 70000; i++)
		buf[i] = (char)(0x80 | (rng() & 0x3F));   /* lone continuation bytes */
	survive("invalid UTF-8", buf, 70000, 3000);
	memset(buf, 0, 4096);
	survive("NULs", buf, 4096, 1000);
	/* 10,000 lines of titles and near-titles */
	for (i = 0; i < 10000; i++)
		strbuf_addf(&sb, "%zu. %s\n", i + 1, i % 3 ? "Toy Story (1995)" : "Shawshank Redemtion - a classic, Heat");
	survive("10,000 lines", sb.buf, sb.len, 5000);
	/* one line of 64 KiB commas, quotes and brackets: the splitter and the patterns must not go quadratic */
	strbuf_reset(&sb);
	for (i = 0; sb.len < 70000; i++)
		strbuf_addstr(&sb, i % 2 ? "Heat, \"" : "(Casino, [");
	survive("one long line", sb.buf, sb.len, 5000);
	strbuf_reset(&sb);
	for (i = 0; sb.len < 70000; i++)
		strbuf_addstr(&sb, "<think><think></think>**a** _b_ `c` \"d\" (1995) ");
	survive("markup soup", sb.buf, sb.len, 5000);
	strbuf_reset(&sb);
	for (i = 0; sb.len < 70000; i++)
		strbuf_addstr(&sb, "[[[[{{{{\"");
	survive("unclosed JSON", sb.buf, sb.len, 5000);
	strbuf_release(&sb);
	free(buf);
}

/* ------------------------------------------------------------------ the corpus */

struct corpus_stats {
	size_t answers, expected, got, correct, in_order, failures;
};

static size_t distinct_items(const struct grounded *v, size_t n, uint32_t *out)
{
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		int dup = 0;
		if (v[i].item == UINT32_MAX)
			continue;
		for (j = 0; j < k; j++)
			dup |= out[j] == v[i].item;
		if (!dup)
			out[k++] = v[i].item;
	}
	return k;
}

static void show_failure(struct corpus_stats *st, size_t line, const char *answer, const uint32_t *got, size_t ng,
			 const uint32_t *want, size_t nw)
{
	size_t i;

	if (++st->failures > 40)
		return;
	printf("#   corpus line %zu: %.80s%s\n#     got:", line, answer, strlen(answer) > 80 ? "..." : "");
	for (i = 0; i < ng; i++)
		printf(" %s", got[i] < cat_ds.n_items ? item_label(&cat_ds, got[i]) : "?");
	printf("\n#     want:");
	for (i = 0; i < nw; i++)
		printf(" %s", want[i] < cat_ds.n_items ? item_label(&cat_ds, want[i]) : "?");
	printf("\n");
}

TEST(ground_corpus)
{
	struct strbuf file = STRBUF_INIT;
	struct corpus_stats st = { 0 };
	char *line, *save = NULL;
	size_t lineno = 0, n_mc = 0, mc_right = 0;
	double precision, recall;

	if (!catalogue()) {
		test_fail(__FILE__, __LINE__, "cannot load %s", FIX "catalogue.csv");
		return;
	}
	if (strbuf_read_file(&file, FIX "corpus.jsonl", 0)) {
		test_fail(__FILE__, __LINE__, "cannot read %s", FIX "corpus.jsonl");
		return;
	}
	for (line = strtok_r(file.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		cJSON *o = cJSON_Parse(line), *a, *t, *c, *e, *x, *l;
		uint32_t cand[64], want[64], got[ANSWER_MAX_ITEMS];
		size_t nc = 0, nw = 0, ng = 0, i, j, hit = 0;

		lineno++;
		if (!o) {
			test_fail(__FILE__, __LINE__, "corpus line %zu is not JSON", lineno);
			continue;
		}
		a = cJSON_GetObjectItem(o, "answer");
		t = cJSON_GetObjectItem(o, "task");
		c = cJSON_GetObjectItem(o, "candidates");
		e = cJSON_GetObjectItem(o, "expect");
		l = cJSON_GetObjectItem(o, "letters");
		if (!cJSON_IsString(a) || !cJSON_IsString(t) || !cJSON_IsArray(e)) {
			test_fail(__FILE__, __LINE__, "corpus line %zu lacks answer, task or expect", lineno);
			cJSON_Delete(o);
			continue;
		}
		cJSON_ArrayForEach(x, c)
			if (cJSON_IsString(x) && nc < ARRAY_SIZE(cand))
				cand[nc++] = idx(x->valuestring);
		cJSON_ArrayForEach(x, e)
			if (cJSON_IsString(x) && nw < ARRAY_SIZE(want))
				want[nw++] = idx(x->valuestring);
		for (i = 0; i < nc; i++)
			if (cand[i] == UINT32_MAX)
				test_fail(__FILE__, __LINE__, "corpus line %zu: unknown candidate id", lineno);
		for (i = 0; i < nw; i++)
			if (want[i] == UINT32_MAX)
				test_fail(__FILE__, __LINE__, "corpus line %zu: unknown expected id", lineno);

		if (!strcmp(t->valuestring, "mc")) {
			int k = answer_choice(cat_g, a->valuestring, strlen(a->valuestring), cand, nc);
			if (k >= 0)
				got[ng++] = cand[k];
			n_mc++;
		} else {
			struct grounded *v;
			size_t n = answer_read(&v, cat_g, a->valuestring, strlen(a->valuestring), nc ? cand : NULL, nc,
					       cJSON_IsTrue(l));
			ng = distinct_items(v, n, got);
			grounded_free(v, n);
		}
		for (i = 0; i < ng; i++)
			for (j = 0; j < nw; j++)
				if (got[i] == want[j]) {
					hit++;
					break;
				}
		st.answers++;
		st.expected += nw;
		st.got += ng;
		st.correct += hit;
		if (ng == nw && hit == nw) {
			int same = 1;
			for (i = 0; i < ng; i++)
				same &= got[i] == want[i];
			st.in_order += same;
			mc_right += same && !strcmp(t->valuestring, "mc");
			if (!same)
				show_failure(&st, lineno, a->valuestring, got, ng, want, nw);
		} else {
			show_failure(&st, lineno, a->valuestring, got, ng, want, nw);
		}
		cJSON_Delete(o);
	}
	strbuf_release(&file);

	precision = st.got ? (double)st.correct / (double)st.got : 1;
	recall = st.expected ? (double)st.correct / (double)st.expected : 1;
	printf("#   corpus: %zu answers (%zu multiple choice), %zu expected items, %zu grounded, %zu right\n",
	       st.answers, n_mc, st.expected, st.got, st.correct);
	printf("#   corpus: precision %.4f, recall %.4f, %zu of %zu answers exactly right and in order (%zu of %zu mc)\n",
	       precision, recall, st.in_order, st.answers, mc_right, n_mc);
	CHECK(st.answers >= 200);
	CHECK(precision >= 0.99);
	CHECK(recall >= 0.97);
}
