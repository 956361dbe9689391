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
#include <dirent.h>
#include <fcntl.h>

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

/* Remove fuzz_dir()'s files and the folder itself, at exit. */
static inline void fuzz_dir_remove(void);

/*
 * A private folder for this process's files (made once), e.g.
 * /dev/shm/receval-fuzz.1234: under $TMPDIR when it is set, else in
 * /dev/shm when that is a writable folder, else /tmp. Memory, not a disk:
 * on a disk every execution's rewrite of a file truncates it, and ext4
 * then discards its blocks and waits for the device (most of an
 * execution's time when /tmp is ext4); the loaders read the same bytes
 * through the same calls either way.
 */
static inline const char *fuzz_dir(void)
{
	static char dir[64];

	if (!dir[0]) {
		const char *base = getenv("TMPDIR");

		if (!base || !*base)
			base = access("/dev/shm", W_OK | X_OK) ? "/tmp" : "/dev/shm";
		snprintf(dir, sizeof(dir), "%s/receval-fuzz.%ld", base, (long)getpid());
		mkdir(dir, 0700);
		atexit(fuzz_dir_remove);
	}
	return dir;
}

static inline void fuzz_dir_remove(void)
{
	const char *dir = fuzz_dir();
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
	rmdir(dir);
}

/* Write s[0..n) to fuzz_dir()/name, replacing it; returns path, where the path is written (size bytes). */
static inline const char *fuzz_file(const char *name, const uint8_t *s, size_t n, char *path, size_t size)
{
	int fd;

	snprintf(path, size, "%s/%s", fuzz_dir(), name);
	/* open() and write(), not stdio: no buffer to allocate and free per execution */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		abort();
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			abort();
		s += w;
		n -= (size_t)w;
	}
	close(fd);
	return path;
}

#endif
