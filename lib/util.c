/* util.c: allocation wrappers, error printing and small parsers shared by all modules. */
#include "lib/util.h"

static void oom(size_t size)
{
	fprintf(stderr, "receval: out of memory allocating %zu bytes\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);
	if (!p)
		oom(size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xstrfmt(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* error_capture(): where error() and error_at() write on this thread instead of stderr */
static _Thread_local char *capture_buf;
static _Thread_local size_t capture_size;

void error_capture(char *buf, size_t size)
{
	capture_buf = size ? buf : NULL;
	capture_size = size;
	if (capture_buf)
		capture_buf[0] = '\0';
}

/* Keep the first message captured: the one nearest the cause. */
static int captured(const char *file, long line, const char *fmt, va_list ap)
{
	int n = 0;

	if (!capture_buf)
		return 0;
	if (capture_buf[0])
		return 1;
	if (file)
		n = line > 0 ? snprintf(capture_buf, capture_size, "%s:%ld: ", file, line)
			     : snprintf(capture_buf, capture_size, "%s: ", file);
	if (n >= 0 && (size_t)n < capture_size)
		vsnprintf(capture_buf + n, capture_size - (size_t)n, fmt, ap);
	return 1;
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (captured(NULL, 0, fmt, ap)) {
		va_end(ap);
		return -1;
	}
	va_end(ap);
	fputs("receval: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int error_at(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (captured(file, line, fmt, ap)) {
		va_end(ap);
		return -1;
	}
	va_end(ap);
	if (line > 0)
		fprintf(stderr, "receval: %s:%ld: ", file, line);
	else
		fprintf(stderr, "receval: %s: ", file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	/* a request of `receval serve` answers with its error alone */
	if (capture_buf)
		return;
	fputs("receval: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_long(const char *s, long *out)
{
	char *end;
	long v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

int parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

void iso_time(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

uint64_t str_hash(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}
