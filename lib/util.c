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

/* The last error printed by this thread, without "receval: " (error_last()). */
static _Thread_local char last_error[512];

const char *error_last(void)
{
	return last_error[0] ? last_error : NULL;
}

void error_last_reset(void)
{
	last_error[0] = '\0';
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

/*
 * Print "receval: " prefix message (or, while a capture is set, keep the
 * first message there: the one nearest the cause), and keep a copy (cut at
 * 511 bytes) as the last error.
 */
static void report(const char *prefix, const char *fmt, va_list ap)
{
	size_t n = strlen(prefix);
	va_list copy;

	va_copy(copy, ap);
	if (!capture_buf) {
		fprintf(stderr, "receval: %s", prefix);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else if (!capture_buf[0]) {
		va_list again;
		int k = snprintf(capture_buf, capture_size, "%s", prefix);
		va_copy(again, copy);
		if (k >= 0 && (size_t)k < capture_size)
			vsnprintf(capture_buf + k, capture_size - (size_t)k, fmt, again);
		va_end(again);
	}
	if (n >= sizeof(last_error))
		n = sizeof(last_error) - 1;
	memcpy(last_error, prefix, n);
	last_error[n] = '\0';
	vsnprintf(last_error + n, sizeof(last_error) - n, fmt, copy);
	va_end(copy);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("", fmt, ap);
	va_end(ap);
	return -1;
}

int error_at(const char *file, long line, const char *fmt, ...)
{
	char prefix[300];
	va_list ap;

	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%ld: ", file, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", file);
	va_start(ap, fmt);
	report(prefix, fmt, ap);
	va_end(ap);
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

	const char *p;

	if (!s || !*s || isspace((unsigned char)*s))
		return -1;
	/* decimal only: strtod() would also take "0x10", "inf" and "nan" */
	for (p = s; *p; p++)
		if (!isdigit((unsigned char)*p) && !strchr("+-.eE", *p))
			return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || end == s)
		return -1;
	/* too small to represent is 0 (or a subnormal), not an error; too large is */
	if (errno == ERANGE && fabs(v) > 1)
		return -1;
	*out = v;
	return 0;
}

int whole_long(double d, long lo, long hi, long *out)
{
	/* (double)LONG_MAX rounds up to 2^63, which no long holds: hence the second bound */
	if (!(d >= (double)lo && d <= (double)hi && d < 0x1p63) || d != floor(d))
		return -1;
	*out = (long)d;
	return 0;
}

long text_line(const char *text, const char *pos)
{
	long line = 1;

	if (!pos)
		return 0;
	for (; text < pos && *text; text++)
		line += *text == '\n';
	return line;
}

const char *find_control_byte(const char *s, int text)
{
	for (; *s; s++)
		if (((unsigned char)*s < 0x20 && !(text && (*s == '\t' || *s == '\n'))) || *s == 0x7f)
			return s;
	return NULL;
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
