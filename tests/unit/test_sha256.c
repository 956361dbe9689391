/* test_sha256.c: SHA-256 against the FIPS 180-4 / NIST example vectors. */
#include "tests/unit/test.h"
#include "lib/sha256.h"

static void hash(char hex[65], const char *s, size_t repeat)
{
	struct sha256 c;
	size_t i;

	sha256_init(&c);
	for (i = 0; i < repeat; i++)
		sha256_update(&c, s, strlen(s));
	sha256_hex(&c, hex);
}

TEST(sha256_vectors)
{
	char hex[65];

	hash(hex, "", 1);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hash(hex, "abc", 1);
	CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hash(hex, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 1);
	CHECK_STR(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a', fed in pieces that straddle blocks */
	hash(hex, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10000);
	CHECK_STR(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
