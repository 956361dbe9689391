/* fuzz.h: what the libFuzzer harnesses share: splitting one input into files, writing them where loaders read. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

/* The separator of the parts of one input: a line of its own ("\n=====\n"). */
#define FUZZ_SEP "\n=====\n"

/*
 * Split data at FUZZ_SEP into at most max parts (the last takes the rest);
 * part i is p[i][0..n[i]). Returns how many parts there are.
 */
static inline size_t fuzz_split(const uint8_t *data, size_t size, const uint8_t **p, size_t *n, size_t max)
{
	size_t k = 0, seplen = strlen(FUZZ_SEP);
	const uint8_t *s = data, *end = data + size;

	while (k + 1 < max) {
		const uint8_t *hit = NULL, *q;
		for (q = s; q + seplen <= end; q++)
			if (!memcmp(q, FUZZ_SEP, seplen)) {
				hit = q;
				break;
			}
		if (!hit)
			break;
		p[k] = s;
		n[k++] = (size_t)(hit - s);
		s = hit + seplen;
	}
	p[k] = s;
	n[k++] = (size_t)(end - s);
	return k;
}

/* A private folder for this process's files (made once), e.g. /tmp/receval-fuzz.1234. */
static inline const char *fuzz_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/receval-fuzz.%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
			 (long)getpid());
		mkdir(dir, 0700);
	}
	return dir;
}

/* Write s[0..n) to fuzz_dir()/name; returns the path (static buffer per call site's slot). */
static inline const char *fuzz_file(const char *name, const uint8_t *s, size_t n, char *path, size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", fuzz_dir(), name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (n && fwrite(s, 1, n, f) != n)
		abort();
	fclose(f);
	return path;
}

#endif
