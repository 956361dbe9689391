/* scan.c: the trec engine's input files, mapped or read whole. */
#include "eval/trec/scan.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

int trec_input_load(struct trec_input *in)
{
	int fd = 0;
	struct stat st;
	char *buf = NULL;
	size_t len = 0, alloc = 0;

	in->name = strcmp(in->path, "-") ? in->path : "stdin";
	if (strcmp(in->path, "-") && (fd = open(in->path, O_RDONLY)) < 0)
		return error("cannot open '%s': %s", in->path, strerror(errno));
	if (fd && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *p = mmap(NULL, (size_t)st.st_size, PROT_READ,
			       MAP_PRIVATE | MAP_POPULATE, fd, 0);

		if (p != MAP_FAILED) {
			in->buf = p;
			in->len = in->map_len = (size_t)st.st_size;
			close(fd);
			goto out;
		}
	}
	for (;;) {
		ssize_t n;

		ALLOC_GROW(buf, len + 65536, alloc);
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			if (fd)
				close(fd);
			return error("cannot read '%s': %s", in->name, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (fd)
		close(fd);
	in->buf = buf;
	in->len = len;
out:
	/* documents are kept as 32-bit offsets into the file */
	if (in->len > UINT32_MAX)
		return error("'%s' is too large (4 GiB at most)", in->name);
	return 0;
}

void trec_input_release(struct trec_input *in)
{
	if (in->map_len)
		munmap((void *)in->buf, in->map_len);
	else
		free((void *)in->buf);
	in->buf = NULL;
	in->len = in->map_len = 0;
}

/* The line number of byte off, counted from 1. */
long trec_line_of(const struct trec_input *in, size_t off)
{
	const char *p = in->buf, *end = in->buf + off;
	long line = 1;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p)))) {
		line++;
		p++;
	}
	return line;
}
