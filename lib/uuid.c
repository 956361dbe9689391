/* uuid.c: RFC 9562 UUIDs as text: random (version 4) and name-based on SHA-256 (version 8). */
#include "lib/util.h"
#include "lib/uuid.h"
#include "lib/sha256.h"
#include <sys/random.h>

static void format(char out[UUID_TEXT_SIZE], unsigned char b[16], unsigned version)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

void uuid_random(char out[UUID_TEXT_SIZE])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* no kernel generator: time and pid still make a collision unlikely on one machine */
			uint64_t x = (uint64_t)now_ms() * 1000003u ^ (uint64_t)getpid() << 32;
			size_t i;
			for (i = got; i < sizeof(b); i++) {
				x = x * 6364136223846793005u + 1442695040888963407u;
				b[i] = (unsigned char)(x >> 56);
			}
			break;
		}
		got += (size_t)n;
	}
	format(out, b, 4);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void uuid_from_name(char out[UUID_TEXT_SIZE], const void *name, size_t len)
{
	struct sha256 c;
	char digest[65];
	unsigned char b[16];
	size_t i;

	sha256_init(&c);
	sha256_update(&c, name, len);
	sha256_hex(&c, digest);
	for (i = 0; i < 16; i++)
		b[i] = (unsigned char)(hexval(digest[2 * i]) << 4 | hexval(digest[2 * i + 1]));
	format(out, b, 8);
}

int uuid_is_valid(const char *s)
{
	size_t i;

	if (!s || strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i])) {
			return 0;
		}
	}
	return 1;
}
