/*
 * fuzz_dataset.c: the dataset formats. The first byte picks csv, tsv,
 * movielens or reclm; the rest is split at "\n=====\n" into the format's
 * files (csv/tsv: interactions, items; movielens: u.data, u.item, u.genre;
 * reclm: sequential_data.txt, negative_samples.txt, metadata.json).
 */
#include <sys/stat.h>
#include "tests/fuzz/fuzz.h"
#include "eval/data/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "csv", "tsv", "movielens", "reclm" };
	const uint8_t *p[3];
	size_t n[3], k;
	char a[256], b[256], c[256];
	struct dataset_spec spec = { 0 };
	struct dataset ds;
	int which;

	if (!size)
		return 0;
	which = data[0] % 4;
	k = fuzz_split(data + 1, size - 1, p, n, 3);
	spec.format = formats[which];
	if (which < 2) {
		spec.path = fuzz_file("inter", p[0], n[0], a, sizeof(a));
		if (k > 1)
			spec.items = fuzz_file("items", p[1], n[1], b, sizeof(b));
		spec.has_min_rating = data[0] & 4;
		spec.min_rating = 3;
	} else {
		static const char *const ml[] = { "u.data", "u.item", "u.genre" };
		static const char *const rl[] = { "sequential_data.txt", "negative_samples.txt", "metadata.json" };
		const char *const *names = which == 2 ? ml : rl;
		size_t i;
		for (i = 0; i < 3; i++) {
			snprintf(c, sizeof(c), "%s/%s", fuzz_dir(), names[i]);
			unlink(c);
		}
		for (i = 0; i < k; i++)
			fuzz_file(names[i], p[i], n[i], c, sizeof(c));
		spec.path = fuzz_dir();
	}
	if (!dataset_load(&ds, &spec))
		dataset_release(&ds);
	return 0;
}
