/* gen_demo.c: writes the demo dataset (fictional films and who watched them), byte for byte the same on every machine. */
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/util.h"
#include "lib/strbuf.h"
#include "lib/rng.h"

/*
 * Everything below is integer arithmetic on one seeded generator
 * (metrics/rng.h), so the output depends on nothing but this file: no
 * rand(), no clock, no locale, no floating point. Changing a constant or the
 * order of the draws changes the data; regenerate with `make demo-data` and
 * commit the result together with the change.
 */
#define SEED 20240517u
#define N_ITEMS 400
#define N_FRANCHISES 64
#define N_USERS 600
#define MIN_LEN 15
#define MAX_LEN 60
#define MAX_PARTS 5
#define ZIPF_SHIFT 2   /* popularity of the k-th franchise: 1/(k + ZIPF_SHIFT) */
#define P_CONT 60      /* percent of steps going on with a started franchise */

static const char *const genre_names[] = {
	"Action", "Animation", "Comedy", "Crime",
	"Drama", "Horror", "Romance", "Sci-Fi",
};
#define N_GENRES ((int)ARRAY_SIZE(genre_names))

static const char *const adjectives[] = {
	"Silent", "Crimson", "Last", "Broken", "Golden", "Hidden", "Burning",
	"Frozen", "Distant", "Forgotten", "Midnight", "Wild", "Quiet", "Endless",
	"Hollow", "Restless", "Velvet", "Iron", "Paper", "Electric", "Lonely",
	"Secret", "Savage", "Gentle", "Bitter", "Northern", "Eternal", "Fallen",
	"Scarlet", "Shattered", "Sleeping", "Wandering", "Painted", "Stolen",
	"Lucky", "Brave", "Dark", "Bright", "Long", "Crooked", "Amber", "Silver",
};

static const char *const nouns[] = {
	"Harbor", "Road", "Garden", "River", "Kingdom", "Mirror", "Letter",
	"Horizon", "Station", "Island", "Empire", "Shadow", "Storm", "Promise",
	"Frontier", "Lighthouse", "Orchard", "Carnival", "Machine", "Witness",
	"Summer", "Winter", "Echo", "Signal", "Voyage", "Dream", "Heart", "City",
	"Valley", "Tide", "Forest", "Bridge", "Crown", "Circus", "Planet",
	"Detective", "Stranger", "Dancer", "Hunter", "Sister", "Mountain",
	"Window", "Compass", "Harvest", "Engine", "Ghost", "Oracle", "Lantern",
	"Fortune", "Orbit", "Widow", "Sailor", "Gambler", "Prince", "Violin",
};

static const char *const prepositions[] = {
	"Beyond the", "Under the", "After the", "Across the", "Before the",
	"Inside the",
};

static const char *const numerals[MAX_PARTS] = { "", "II", "III", "IV", "V" };

/*
 * Titles that exercise the CSV loader and title matching: a comma (the field
 * is quoted), a doubled quote inside quotes, UTF-8 accents. Each starts a
 * franchise of the given length so it is also watched, not only listed.
 */
static const struct {
	const char *title;
	int year;
	int parts;
} special[] = {
	{ "Love, Death and Taxes", 1994, 2 },
	{ "The \"Perfect\" Alibi", 1999, 1 },
	{ "Amélie's Garden", 2001, 1 },
	{ "Café Noir", 1963, 3 },
	{ "Noël in Montréal", 1996, 1 },
};

struct film {
	char *title;          /* without the year */
	int year;
	unsigned genres;      /* bit g: genre_names[g] */
	int franchise;        /* index into franchises[], or -1 */
	int part;             /* 0 for the first film of a franchise */
	uint64_t weight;      /* popularity: chance to be picked as a new film */
	int id;               /* 1-based number in the item id "m%03d" */
};

struct franchise {
	int first;            /* index of part 0 in films[] */
	int n;
};

static struct film films[N_ITEMS];
static int n_films;
static struct franchise franchises[N_ITEMS];
static int n_franchises;

static const char *pick(struct rng *r, const char *const *list, size_t n)
{
	return list[rng_below(r, n)];
}

#define PICK(r, list) pick((r), (list), ARRAY_SIZE(list))

static int title_taken(const char *title)
{
	int i;

	for (i = 0; i < n_films; i++)
		if (!strcmp(films[i].title, title))
			return 1;
	return 0;
}

static int starts_with_vowel(const char *s)
{
	return strchr("AEIOU", s[0]) != NULL;
}

/* A fresh, readable title that no film has yet; the caller frees it. */
static char *make_title(struct rng *r)
{
	for (;;) {
		struct strbuf sb = STRBUF_INIT;
		const char *adj = PICK(r, adjectives);
		const char *noun = PICK(r, nouns);
		const char *noun2 = PICK(r, nouns);

		switch (rng_below(r, 7)) {
		case 0:
		case 1:
			strbuf_addf(&sb, "The %s %s", adj, noun);
			break;
		case 2:
			strbuf_addf(&sb, "%s %s", adj, noun);
			break;
		case 3:
			strbuf_addf(&sb, "%s %s %s",
				    starts_with_vowel(adj) ? "An" : "A", adj, noun);
			break;
		case 4:
			if (noun == noun2)
				goto retry;
			strbuf_addf(&sb, "The %s's %s", noun, noun2);
			break;
		case 5:
			strbuf_addf(&sb, "%s %s", PICK(r, prepositions), noun);
			break;
		default:
			if (noun == noun2)
				goto retry;
			strbuf_addf(&sb, "%s of the %s %s", noun, adj, noun2);
			break;
		}
		if (!title_taken(sb.buf))
			return strbuf_detach(&sb, NULL);
retry:
		strbuf_release(&sb);
	}
}

/* One genre, or two different ones (four times in ten). */
static unsigned make_genres(struct rng *r)
{
	unsigned g = 1u << rng_below(r, N_GENRES);

	if (rng_below(r, 10) < 4) {
		unsigned h;

		do {
			h = 1u << rng_below(r, N_GENRES);
		} while (h == g);
		g |= h;
	}
	return g;
}

/*
 * Add a franchise of parts films (1: a standalone film); the first is titled
 * base (which it takes over) and comes out in year (0: a random year before
 * 2008). Sequels keep the genres, come out 1-4 years apart (so none after
 * 2023) and are titled "Base II", "Base III"..., half of the franchises with
 * a subtitle ("Base II: The Iron Crown").
 */
static void add_franchise(struct rng *r, char *base, int year, int parts)
{
	int subtitled = (int)rng_below(r, 2);
	unsigned genres = make_genres(r);
	int p;

	if (!year)
		year = 1950 + (int)rng_below(r, 58);
	franchises[n_franchises].first = n_films;
	franchises[n_franchises].n = parts;
	for (p = 0; p < parts; p++) {
		struct film *f = &films[n_films];

		if (!p) {
			f->title = base;
		} else if (subtitled) {
			char *sub;

			do {
				sub = make_title(r);
				f->title = xstrfmt("%s %s: %s", base, numerals[p], sub);
				free(sub);
				if (!title_taken(f->title))
					break;
				free(f->title);
			} while (1);
		} else {
			f->title = xstrfmt("%s %s", base, numerals[p]);
		}
		if (p)
			year += 1 + (int)rng_below(r, 4);
		f->year = year;
		f->genres = genres;
		f->franchise = parts > 1 ? n_franchises : -1;
		f->part = p;
		n_films++;
	}
	n_franchises++;
}

/* Fisher-Yates shuffle of v[0..n). */
static void shuffle(struct rng *r, int *v, int n)
{
	int i;

	for (i = n - 1; i > 0; i--) {
		int j = (int)rng_below(r, (uint64_t)i + 1);
		int t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static void make_catalogue(void)
{
	struct rng r;
	int order[N_ITEMS];
	size_t i;
	int k, rank;

	rng_seed(&r, rng_mix(SEED, 1));
	for (i = 0; i < ARRAY_SIZE(special); i++)
		add_franchise(&r, xstrdup(special[i].title), special[i].year,
			      special[i].parts);
	while (n_franchises < N_FRANCHISES) {
		/* 2: 35%, 3: 35%, 4: 20%, 5: 10% */
		int d = (int)rng_below(&r, 20), parts;

		parts = d < 7 ? 2 : d < 14 ? 3 : d < 18 ? 4 : 5;
		add_franchise(&r, make_title(&r), 0, parts);
	}
	while (n_films < N_ITEMS)
		add_franchise(&r, make_title(&r), 0, 1);

	/*
	 * Popularity follows a shifted Zipf law over franchises (and standalone
	 * films): the one ranked k is picked in proportion to 1/(k + ZIPF_SHIFT).
	 * Sequels are only watched after the film before them: no weight.
	 */
	for (k = 0; k < n_franchises; k++)
		order[k] = k;
	shuffle(&r, order, n_franchises);
	for (rank = 0; rank < n_franchises; rank++)
		films[franchises[order[rank]].first].weight =
			1000000000u / (uint64_t)(rank + ZIPF_SHIFT);

	/* Item ids in a shuffled order, so ids say nothing about the data. */
	for (k = 0; k < n_films; k++)
		order[k] = k;
	shuffle(&r, order, n_films);
	for (k = 0; k < n_films; k++)
		films[order[k]].id = k + 1;
}

/* Append s as one CSV field, quoted (RFC 4180) only when it has to be. */
static void add_csv_field(struct strbuf *sb, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			strbuf_addch(sb, '"');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '"');
}

static void write_items(struct strbuf *sb)
{
	int by_id[N_ITEMS];
	int k, g;

	for (k = 0; k < n_films; k++)
		by_id[films[k].id - 1] = k;
	strbuf_addstr(sb, "item,title,genres\n");
	for (k = 0; k < n_films; k++) {
		const struct film *f = &films[by_id[k]];
		struct strbuf title = STRBUF_INIT;
		const char *sep = "";

		strbuf_addf(&title, "%s (%d)", f->title, f->year);
		strbuf_addf(sb, "m%03d,", f->id);
		add_csv_field(sb, title.buf);
		strbuf_addch(sb, ',');
		for (g = 0; g < N_GENRES; g++) {
			if (f->genres & (1u << g)) {
				strbuf_addf(sb, "%s%s", sep, genre_names[g]);
				sep = "|";
			}
		}
		strbuf_addch(sb, '\n');
		strbuf_release(&title);
	}
}

/*
 * Pick a film the user has not seen, in proportion to its weight, among the
 * films that start something (standalone films and first parts) and, when
 * genres is not 0, share a genre with it. Returns -1 when none is left.
 */
static int pick_new(struct rng *r, const unsigned char *seen, unsigned genres)
{
	uint64_t total = 0, x;
	int k;

	for (k = 0; k < n_films; k++)
		if (!seen[k] && !films[k].part &&
		    (!genres || (films[k].genres & genres)))
			total += films[k].weight;
	if (!total)
		return -1;
	x = rng_below(r, total);
	for (k = 0; k < n_films; k++) {
		if (seen[k] || films[k].part ||
		    (genres && !(films[k].genres & genres)))
			continue;
		if (x < films[k].weight)
			return k;
		x -= films[k].weight;
	}
	return -1; /* not reached */
}

/*
 * One user's history. A user likes one or two genres; at each step they
 * either go on with a franchise they have started (the next part, in order)
 * or start a new film, mostly from their genres and mostly a popular one.
 * Ratings lean high for liked genres; timestamps grow, sometimes not at all
 * (ties); a few users have one row written twice, exactly.
 */
static size_t write_user(struct strbuf *sb, int u, size_t *dups)
{
	struct rng r;
	unsigned char seen[N_ITEMS] = { 0 };
	int open[N_ITEMS], n_open = 0;
	unsigned likes;
	int len, step, dup_at = -1;
	int64_t ts;

	rng_seed(&r, rng_mix(SEED, 1000 + (uint64_t)u));
	likes = 1u << rng_below(&r, N_GENRES);
	if (rng_below(&r, 2))
		likes |= 1u << rng_below(&r, N_GENRES);
	len = MIN_LEN + (int)rng_below(&r, MAX_LEN - MIN_LEN + 1);
	ts = 946684800 + (int64_t)rng_below(&r, 4 * 365 * 86400);
	if (!rng_below(&r, 75))
		dup_at = 2 + (int)rng_below(&r, (uint64_t)len - 4);

	for (step = 0; step < len; step++) {
		int k = -1, rating;
		uint64_t d;

		if (n_open && rng_below(&r, 100) < P_CONT) {
			int o = (int)rng_below(&r, (uint64_t)n_open);
			const struct franchise *fr = &franchises[open[o]];
			int p;

			for (p = 0; p < fr->n && k < 0; p++)
				if (!seen[fr->first + p])
					k = fr->first + p;
			if (k < 0 || k == fr->first + fr->n - 1)
				open[o] = open[--n_open];
		}
		if (k < 0)
			k = pick_new(&r, seen, rng_below(&r, 100) < 85 ? likes : 0);
		if (k < 0)
			k = pick_new(&r, seen, 0);
		if (k < 0)
			break; /* seen everything: cannot happen with these sizes */
		seen[k] = 1;
		if (films[k].franchise >= 0 && !films[k].part)
			open[n_open++] = films[k].franchise;

		rating = (films[k].genres & likes) ? 4 : 3;
		d = rng_below(&r, 10);
		rating += d < 2 ? -1 : d < 4 ? 1 : d < 5 ? -2 : 0;
		if (rating < 1)
			rating = 1;
		if (rating > 5)
			rating = 5;

		/* 1 in 60 steps shares the previous timestamp */
		if (step && rng_below(&r, 60))
			ts += 300 + (int64_t)rng_below(&r, 6 * 86400);
		strbuf_addf(sb, "u%03d,m%03d,%d,%lld\n", u + 1, films[k].id,
			    rating, (long long)ts);
		if (step == dup_at) {
			strbuf_addf(sb, "u%03d,m%03d,%d,%lld\n", u + 1,
				    films[k].id, rating, (long long)ts);
			(*dups)++;
		}
	}
	return (size_t)step;
}

static int write_file(const char *dir, const char *name,
		      const struct strbuf *sb)
{
	char *path = xstrfmt("%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	int ret = 0;

	if (!fp) {
		ret = error("cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fwrite(sb->buf, 1, sb->len, fp) != sb->len)
		ret = error("cannot write '%s': %s", path, strerror(errno));
	if (fclose(fp) && !ret)
		ret = error("cannot write '%s': %s", path, strerror(errno));
out:
	free(path);
	return ret;
}

int main(int argc, char **argv)
{
	struct strbuf items = STRBUF_INIT, inter = STRBUF_INIT;
	size_t lines = 0, dups = 0;
	int u, k, ret = 0;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: gen_demo OUTDIR\n");
		return 0;
	}
	if (argc != 2) {
		error("usage: gen_demo OUTDIR");
		return 1;
	}
	if (mkdir(argv[1], 0777) && errno != EEXIST) {
		error("cannot create '%s': %s", argv[1], strerror(errno));
		return 1;
	}

	make_catalogue();
	write_items(&items);
	strbuf_addstr(&inter, "user,item,rating,timestamp\n");
	for (u = 0; u < N_USERS; u++)
		lines += write_user(&inter, u, &dups);

	if (write_file(argv[1], "items.csv", &items) ||
	    write_file(argv[1], "interactions.csv", &inter))
		ret = 1;
	else
		fprintf(stderr, "gen_demo: %d items, %d users, %zu interactions "
			"(%zu repeated rows) in %s\n", n_films, N_USERS,
			lines + dups, dups, argv[1]);

	for (k = 0; k < n_films; k++)
		free(films[k].title);
	strbuf_release(&items);
	strbuf_release(&inter);
	return ret;
}
