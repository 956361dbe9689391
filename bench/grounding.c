/* grounding.c: benchmark of reading answers: 100,000 answer strings grounded against a generated 10,000-item catalogue, on one core. */
#include "lib/util.h"
#include "lib/strbuf.h"
#include "eval/data/dataset.h"
#include "eval/answer/ground.h"
#include "lib/strmap.h"

#define N_ITEMS 10000
#define N_ANSWERS 100000
#define LIST_LEN 10

/* xorshift64*: the same catalogue and answers on every machine */
static uint64_t rng_state = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}
static size_t pick(size_t n) { return (size_t)(rnd() % n); }

/*
 * Title words as real catalogues have them: a few common words used
 * everywhere (Zipf over 100 English words) and a long tail of rarer ones
 * (Zipf over 4,000 generated names and words, some accented).
 */
static const char *const common[] = {
	"Love", "Night", "Man", "Day", "Life", "Time", "Last", "Dead", "House", "World", "Girl", "Story", "Big",
	"Little", "Black", "Dark", "Blue", "Red", "White", "Great", "Lost", "City", "Home", "Heart", "King",
	"Blood", "Death", "Summer", "Secret", "Wild", "Boy", "Moon", "Star", "Sun", "Road", "River", "War",
	"Game", "Fire", "Water", "Dream", "Kiss", "Island", "Woman", "Men", "Ghost", "Devil", "Angel", "Street",
	"Town", "Family", "Children", "School", "Party", "Night's", "Good", "Bad", "Old", "New", "Young",
	"First", "Second", "Final", "Silent", "Golden", "Broken", "Hidden", "Crimson", "Frozen", "Wolf", "Dog",
	"Cat", "Bird", "Horse", "Dragon", "Mountain", "Sea", "Ocean", "Desert", "Forest", "Garden", "Window",
	"Mirror", "Shadow", "Storm", "Rain", "Wind", "Snow", "Winter", "Spring", "Train", "Ship", "Letter",
	"Song", "Dance", "Music", "Hunter",
};
static const char *const syll[] = {
	"ka", "lo", "mi", "ra", "ten", "vor", "sal", "bri", "dun", "el", "fa", "gor", "hul", "is", "jen", "kor",
	"lun", "mar", "nes", "or", "pel", "qui", "ros", "sen", "tal", "ur", "vin", "wes", "yar", "zel", "bé",
	"ço", "nø", "äl",
};
#define N_RARE 4000
static char *rare[N_RARE];

/* A Zipf-distributed rank in [0, n): weight 1/(rank+1), by inversion of the harmonic sum. */
static size_t zipf(size_t n)
{
	double h = log((double)n) + 0.5772, u = (double)(rnd() >> 11) / 9007199254740992.0 * h;
	size_t r = (size_t)exp(u - 0.5772);
	return r < n ? r : n - 1;
}

static const char *word(void)
{
	return pick(2) ? common[zipf(ARRAY_SIZE(common))] : rare[zipf(N_RARE)];
}

static void make_words(void)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, k;

	for (i = 0; i < N_RARE; i++) {
		size_t ns = 2 + pick(2);
		strbuf_reset(&sb);
		for (k = 0; k < ns; k++)
			strbuf_addstr(&sb, syll[pick(ARRAY_SIZE(syll))]);
		sb.buf[0] = (char)toupper((unsigned char)sb.buf[0]);
		rare[i] = strbuf_detach(&sb, NULL);
	}
}

/* One generated title, MovieLens style ("Silent River, The (1994)"), into sb. */
static void gen_title(struct strbuf *sb)
{
	int year = 1930 + (int)pick(94);
	const char *a = word(), *b = word(), *c = word();

	strbuf_reset(sb);
	switch (pick(8)) {
	case 0: strbuf_addf(sb, "%s %s, The", a, b); break;
	case 1: strbuf_addf(sb, "%s of the %s", a, b); break;
	case 2: strbuf_addf(sb, "%s's %s", a, b); break;
	case 3: strbuf_addf(sb, "%s %s: The %s %s", a, b, c, word()); break;
	case 4: strbuf_addf(sb, "%s %s %zu", a, b, 2 + pick(4)); break;
	case 5: strbuf_addf(sb, "%s, %s and the %s", a, b, c); break;
	case 6: strbuf_addf(sb, "%s", a); break;
	default: strbuf_addf(sb, "%s %s %s", a, b, c); break;
	}
	strbuf_addf(sb, " (%d)", year);
}

/* One or two letters of s changed: swapped, dropped or replaced. */
static void misspell(struct strbuf *sb)
{
	int k, edits = 1 + (int)pick(2);
	for (k = 0; k < edits; k++) {
		size_t at = 1 + pick(sb->len > 12 ? sb->len - 10 : 1);
		char c = sb->buf[at];
		if (!isalpha((unsigned char)c) || !isalpha((unsigned char)sb->buf[at + 1]))
			continue;
		switch (pick(3)) {
		case 0: sb->buf[at] = sb->buf[at + 1]; sb->buf[at + 1] = c; break;
		case 1: memmove(sb->buf + at, sb->buf + at + 1, sb->len - at); sb->len--; break;
		default: sb->buf[at] = (char)('a' + pick(26)); break;
		}
	}
}

/* A variant that should normalise back: case, the article moved, no year, punctuation. */
static void variant(struct strbuf *sb, const char *title)
{
	const char *the = strstr(title, ", The (");
	size_t i;

	strbuf_reset(sb);
	switch (pick(4)) {
	case 0:
		if (the) {
			strbuf_addstr(sb, "The ");
			strbuf_add(sb, title, (size_t)(the - title));
			strbuf_addstr(sb, the + 5);
		} else {
			strbuf_addstr(sb, title);
		}
		break;
	case 1:
		strbuf_addstr(sb, title);
		for (i = 0; i < sb->len; i++)
			sb->buf[i] = (char)toupper((unsigned char)sb->buf[i]);
		break;
	case 2: {
		const char *y = strrchr(title, '(');
		strbuf_add(sb, title, y ? (size_t)(y - title) : strlen(title));
		break;
	}
	default:
		for (i = 0; title[i]; i++)
			if (title[i] != ',' && title[i] != ':' && title[i] != '\'')
				strbuf_addch(sb, title[i]);
	}
}

/* The way a model writes one item of a list. */
static void decorate(struct strbuf *out, const char *t, size_t rank)
{
	switch (pick(6)) {
	case 0: strbuf_addf(out, "%zu. %s\n", rank, t); break;
	case 1: strbuf_addf(out, "- **%s** - a great pick\n", t); break;
	case 2: strbuf_addf(out, "%s\n", t); break;
	case 3: strbuf_addf(out, "%zu) \"%s\"\n", rank, t); break;
	case 4: strbuf_addf(out, "* %s: because you liked similar films\n", t); break;
	default: strbuf_addf(out, "%s<end>", t); break;
	}
}

enum kind { K_EXACT, K_NORMAL, K_TYPO, K_HALLU, K_COUNT };
static const char *const kind_name[K_COUNT] = { "exact", "normalised", "misspelt", "hallucinated" };

/* The catalogue's normalised titles, so a generated hallucination is one the catalogue lacks. */
static struct strmap known = STRMAP_INIT;
static char **known_keys;

static int is_known(const char *title)
{
	char *k = ground_normalize(title, strlen(title), NULL);
	uint32_t v;
	int found = !strmap_get(&known, k, strlen(k), &v);
	free(k);
	return found;
}

/* One item mention of the given kind (target set when it names a catalogue item). */
static enum kind gen_mention(struct strbuf *sb, char **titles, uint32_t *target)
{
	size_t r = pick(100), i = pick(N_ITEMS);
	struct strbuf tmp = STRBUF_INIT;
	enum kind k;

	*target = (uint32_t)i;
	if (r < 40) {
		strbuf_reset(sb);
		strbuf_addstr(sb, titles[i]);
		k = K_EXACT;
	} else if (r < 65) {
		variant(sb, titles[i]);
		k = K_NORMAL;
	} else if (r < 85) {
		/* a typo in a title of a dozen letters or more */
		while (strcspn(titles[i], "(") < 14)
			i = pick(N_ITEMS);
		*target = (uint32_t)i;
		strbuf_reset(sb);
		strbuf_addstr(sb, titles[i]);
		misspell(sb);
		k = K_TYPO;
	} else {
		/* a title made like the catalogue's, that it does not hold */
		do
			gen_title(sb);
		while (is_known(sb->buf));
		*target = UINT32_MAX;
		k = K_HALLU;
	}
	strbuf_release(&tmp);
	return k;
}

/* Read every answer, three times over: the fastest pass in milliseconds; *items gets the items read in a pass. */
static double best_of_3(const struct grounder *g, char **answers, size_t n_answers, size_t *items)
{
	double best = 1e300;
	int pass;

	for (pass = 0; pass < 3; pass++) {
		double t0 = now_ms(), dt;
		size_t i, count = 0;
		for (i = 0; i < n_answers; i++) {
			struct grounded *v;
			size_t n = answer_read(&v, g, answers[i], strlen(answers[i]), NULL, 0, 0);
			count += n;
			grounded_free(v, n);
		}
		dt = now_ms() - t0;
		if (dt < best)
			best = dt;
		*items = count;
	}
	return best;
}

int main(void)
{
	struct dataset ds;
	struct strbuf sb = STRBUF_INIT, ans = STRBUF_INIT;
	char **titles = xmalloc(N_ITEMS * sizeof(*titles));
	char **answers = xmalloc(N_ANSWERS * sizeof(*answers));
	char **mentions = xmalloc(N_ANSWERS * sizeof(*mentions));
	uint32_t *targets = xmalloc(N_ANSWERS * sizeof(*targets));
	enum kind *kinds = xmalloc(N_ANSWERS * sizeof(*kinds));
	size_t i, items = 0, right[K_COUNT] = { 0 }, total[K_COUNT] = { 0 }, hows[6] = { 0 };
	struct grounder *g;
	double t0, t_build, t_single, t_list;

	memset(&ds, 0, sizeof(ds));
	ds.n_items = N_ITEMS;
	ds.items = xcalloc(N_ITEMS, sizeof(*ds.items));
	make_words();
	known_keys = xmalloc(N_ITEMS * sizeof(*known_keys));
	for (i = 0; i < N_ITEMS; i++) {
		gen_title(&sb);
		titles[i] = xstrdup(sb.buf);
		ds.items[i].id = xstrfmt("%zu", i + 1);
		ds.items[i].title = titles[i];
		known_keys[i] = ground_normalize(titles[i], strlen(titles[i]), NULL);
		strmap_put(&known, known_keys[i], strlen(known_keys[i]), (uint32_t)i, NULL);
	}
	for (i = 0; i < N_ANSWERS; i++) {
		kinds[i] = gen_mention(&sb, titles, &targets[i]);
		mentions[i] = xstrdup(sb.buf);
		strbuf_reset(&ans);
		decorate(&ans, sb.buf, 1 + pick(10));
		answers[i] = strbuf_detach(&ans, NULL);
	}

	t0 = now_ms();
	g = grounder_new(&ds, 0);
	t_build = now_ms() - t0;

	/* what the answers ground to, by kind of mention (untimed) */
	for (i = 0; i < N_ANSWERS; i++) {
		struct grounded *v;
		size_t n = answer_read(&v, g, answers[i], strlen(answers[i]), NULL, 0, 0);
		total[kinds[i]]++;
		if (n >= 1) {
			hows[v[0].how]++;
			/* a remake shares its title: a same-titled item counts as right */
			if (v[0].item == targets[i] ||
			    (targets[i] != UINT32_MAX && v[0].item != UINT32_MAX &&
			     !strncmp(titles[v[0].item], titles[targets[i]], strcspn(titles[targets[i]], "("))))
				right[kinds[i]]++;
		} else if (targets[i] == UINT32_MAX) {
			right[kinds[i]]++;
		}
		grounded_free(v, n);
	}
	/* one item per answer string */
	t_single = best_of_3(g, answers, N_ANSWERS, &items);

	printf("grounding: %d-item generated catalogue (index built in %.0f ms), %d answer strings, one core, best of 3\n",
	       N_ITEMS, t_build, N_ANSWERS);
	printf("  %-34s %10s %12s\n", "case", "items", "items/s");
	printf("  %-34s %10zu %12.0f\n", "one item per answer", items, items / (t_single / 1000));

	/* the same mentions as 10-item lists (10,000 answers), each list in one style */
	{
		size_t n_lists = N_ANSWERS / LIST_LEN, list_items = 0, j;
		char **lists = xmalloc(n_lists * sizeof(*lists));
		for (i = 0; i < n_lists; i++) {
			size_t style = pick(6);
			strbuf_reset(&ans);
			if (style != 4)
				strbuf_addstr(&ans, "Here are my recommendations:\n\n");
			else
				strbuf_addch(&ans, '[');
			for (j = 0; j < LIST_LEN; j++) {
				const char *t = mentions[i * LIST_LEN + j];
				switch (style) {
				case 0: strbuf_addf(&ans, "%zu. %s\n", j + 1, t); break;
				case 1: strbuf_addf(&ans, "- %s\n", t); break;
				case 2: strbuf_addf(&ans, "%zu. **%s** - because you liked similar films\n", j + 1, t); break;
				case 3: strbuf_addf(&ans, "%s<end>", t); break;
				case 4: strbuf_addstr(&ans, j ? ", " : ""); strbuf_add_json(&ans, t); break;
				default: strbuf_addf(&ans, "%s\n", t); break;
				}
			}
			if (style == 4)
				strbuf_addch(&ans, ']');
			else
				strbuf_addstr(&ans, "\nI hope you enjoy these!");
			lists[i] = strbuf_detach(&ans, NULL);
		}
		t_list = best_of_3(g, lists, n_lists, &list_items);
		printf("  %-34s %10zu %12.0f\n", "ten-item lists (10,000 answers)", list_items,
		       list_items / (t_list / 1000));
		for (i = 0; i < n_lists; i++)
			free(lists[i]);
		free(lists);
	}
	printf("  accuracy by kind of mention:");
	for (i = 0; i < K_COUNT; i++)
		printf(" %s %.3f%s", kind_name[i], total[i] ? (double)right[i] / (double)total[i] : 0,
		       i + 1 < K_COUNT ? "," : "\n");
	printf("  first item grounded as:");
	for (i = 0; i < 6; i++)
		printf(" %s %zu%s", ground_how_name((enum ground_how)i), hows[i], i < 5 ? "," : "\n");
	printf("  goal: 200,000 items/s\n");

	grounder_free(g);
	for (i = 0; i < N_ITEMS; i++) {
		free(ds.items[i].id);
		free(titles[i]);
	}
	for (i = 0; i < N_ANSWERS; i++) {
		free(answers[i]);
		free(mentions[i]);
	}
	free(mentions);
	for (i = 0; i < N_RARE; i++)
		free(rare[i]);
	for (i = 0; i < N_ITEMS; i++)
		free(known_keys[i]);
	free(known_keys);
	strmap_release(&known);
	free(ds.items);
	free(titles);
	free(answers);
	free(targets);
	free(kinds);
	strbuf_release(&sb);
	strbuf_release(&ans);
	return 0;
}
