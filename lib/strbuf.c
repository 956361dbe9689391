/* strbuf.c: the growable string buffer. */
#include "lib/strbuf.h"
#include "lib/utf8.h"

char strbuf_slopbuf[1];

void strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *p;

	if (len)
		*len = sb->len;
	if (!sb->alloc)
		strbuf_grow(sb, 0);
	p = sb->buf;
	strbuf_init(sb, 0);
	return p;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	int fresh = !sb->alloc;

	if (sb->len + extra + 1 <= sb->alloc)
		return;
	if (fresh)
		sb->buf = NULL;
	ALLOC_GROW(sb->buf, sb->len + extra + 1, sb->alloc);
	if (fresh)
		sb->buf[0] = '\0';
}

void strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (!sb->alloc) {
		if (len)
			strbuf_grow(sb, len);
		else
			return;
	}
	sb->len = len;
	sb->buf[len] = '\0';
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc ? sb->alloc - sb->len : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if (sb->len + (size_t)n + 1 > sb->alloc) {
		strbuf_grow(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

/* strbuf_add_json() and, when ascii, strbuf_add_json_ascii(): their contracts are in strbuf.h. */
static void add_json(struct strbuf *sb, const char *s, int ascii)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);

	strbuf_addch(sb, '"');
	while (*p) {
		uint32_t c;
		size_t n;
		const unsigned char *run = p;

		/* a run of printable ASCII written as it is, copied at once */
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run) {
			strbuf_add(sb, run, (size_t)(p - run));
			continue;
		}
		if (*p < 0x80) {
			switch (*p) {
			case '"': strbuf_addstr(sb, "\\\""); break;
			case '\\': strbuf_addstr(sb, "\\\\"); break;
			case '\n': strbuf_addstr(sb, "\\n"); break;
			case '\r': strbuf_addstr(sb, "\\r"); break;
			case '\t': strbuf_addstr(sb, "\\t"); break;
			/* exec children have always been sent \b and \f as \u escapes */
			case '\b': strbuf_addstr(sb, ascii ? "\\u0008" : "\\b"); break;
			case '\f': strbuf_addstr(sb, ascii ? "\\u000c" : "\\f"); break;
			default:
				if (*p < 0x20 || (ascii && *p == 0x7f))
					strbuf_addf(sb, "\\u%04x", *p);
				else
					strbuf_addch(sb, *p);
			}
			p++;
			continue;
		}
		/* a byte that starts no valid sequence is one U+FFFD: the output is valid UTF-8 whatever came in */
		n = utf8_decode((const char *)p, (size_t)(end - p), &c);
		if (!n) {
			n = 1;
			c = 0xfffd;
		}
		if (!ascii) {
			if (c == 0xfffd && n == 1)
				strbuf_addstr(sb, UTF8_REPLACEMENT);
			else
				strbuf_add(sb, p, n);
			p += n;
			continue;
		}
		p += n;
		if (c >= 0x10000) {
			c -= 0x10000;
			strbuf_addf(sb, "\\u%04x\\u%04x", 0xd800 + (unsigned)(c >> 10),
				    0xdc00 + (unsigned)(c & 0x3ff));
		} else {
			strbuf_addf(sb, "\\u%04x", (unsigned)c);
		}
	}
	strbuf_addch(sb, '"');
}

void strbuf_add_json(struct strbuf *sb, const char *s)
{
	add_json(sb, s, 0);
}

void strbuf_add_json_ascii(struct strbuf *sb, const char *s)
{
	add_json(sb, s, 1);
}

int strbuf_read_file(struct strbuf *sb, const char *path, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t start = sb->len;
	char tmp[65536];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if (cap && sb->len - start + n > cap) {
			fclose(f);
			strbuf_setlen(sb, start);
			errno = EFBIG;
			return -1;
		}
		strbuf_add(sb, tmp, n);
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		strbuf_setlen(sb, start);
		errno = e ? e : EIO;
		return -1;
	}
	fclose(f);
	return 0;
}

void strbuf_add_utf8(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t ok = utf8_valid_prefix(s + i, len - i);
		strbuf_add(sb, s + i, ok);
		i += ok;
		if (i < len) {
			strbuf_addstr(sb, UTF8_REPLACEMENT);
			i++;
		}
	}
}
