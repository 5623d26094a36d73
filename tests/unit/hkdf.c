/*
 * tests/unit/hkdf.c - HKDF-SHA-256 (ledger/hkdf.c) against RFC 5869
 * appendix A.1-A.3, the SHA-256 test cases.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "ledger/hkdf.h"

static size_t unhex(unsigned char *out, size_t cap, const char *hex)
{
	size_t n = 0;

	if (sodium_hex2bin(out, cap, hex, strlen(hex), NULL, &n, NULL) != 0)
		return (size_t)-1;
	return n;
}

static void seq(unsigned char *out, unsigned from, unsigned to)
{
	for (unsigned i = from; i <= to; i++)
		out[i - from] = (unsigned char)i;
}

/* one RFC case: PRK and OKM both */
static int rfc_case(const unsigned char *ikm, size_t ikm_len, const unsigned char *salt,
		    size_t salt_len, const unsigned char *info, size_t info_len, size_t L,
		    const char *prk_hex, const char *okm_hex)
{
	unsigned char prk[32], want_prk[32], okm[128], want_okm[128];

	if (unhex(want_prk, sizeof(want_prk), prk_hex) != 32 ||
	    unhex(want_okm, sizeof(want_okm), okm_hex) != L)
		return -1;
	sdx__hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
	if (memcmp(prk, want_prk, 32) != 0)
		return -2;
	if (sdx__hkdf_expand(okm, L, prk, info, info_len) != 0 || memcmp(okm, want_okm, L) != 0)
		return -3;
	return 0;
}

static void rfc5869_case1(void)
{
	unsigned char ikm[22], salt[13], info[10];

	memset(ikm, 0x0b, sizeof(ikm));
	seq(salt, 0x00, 0x0c);
	seq(info, 0xf0, 0xf9);
	CHECK(rfc_case(ikm, sizeof(ikm), salt, sizeof(salt), info, sizeof(info), 42,
		       "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
		       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
		       "34007208d5b887185865") == 0);
}

static void rfc5869_case2(void)
{
	unsigned char ikm[80], salt[80], info[80];

	seq(ikm, 0x00, 0x4f);
	seq(salt, 0x60, 0xaf);
	seq(info, 0xb0, 0xff);
	CHECK(rfc_case(ikm, sizeof(ikm), salt, sizeof(salt), info, sizeof(info), 82,
		       "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
		       "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
		       "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
		       "cc30c58179ec3e87c14c01d5c1f3434f1d87") == 0);
}

static void rfc5869_case3(void)
{
	unsigned char ikm[22];

	memset(ikm, 0x0b, sizeof(ikm));
	CHECK(rfc_case(ikm, sizeof(ikm), NULL, 0, NULL, 0, 42,
		       "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
		       "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
		       "9d201395faa4b61a96c8") == 0);
}

/* the one-call form agrees with extract + expand; L over 255 * 32 is refused */
static void one_call_and_limit(void)
{
	unsigned char ikm[22], salt[13], a[42], b[42], prk[32];
	static unsigned char big[255 * 32 + 1];

	memset(ikm, 0x0b, sizeof(ikm));
	seq(salt, 0x00, 0x0c);
	CHECK(sdx__hkdf(a, sizeof(a), salt, sizeof(salt), ikm, sizeof(ikm), "header") == 0);
	sdx__hkdf_extract(prk, salt, sizeof(salt), ikm, sizeof(ikm));
	CHECK(sdx__hkdf_expand(b, sizeof(b), prk, (const unsigned char *)"header", 6) == 0);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	CHECK(sdx__hkdf_expand(big, sizeof(big) - 1, prk, NULL, 0) == 0);
	CHECK(sdx__hkdf_expand(big, sizeof(big), prk, NULL, 0) == -1);
}

static const struct test_case tests[] = {
	{ "RFC 5869 A.1 basic", rfc5869_case1 },
	{ "RFC 5869 A.2 long inputs and outputs", rfc5869_case2 },
	{ "RFC 5869 A.3 empty salt and info", rfc5869_case3 },
	{ "one call, length limit", one_call_and_limit },
	{ NULL, NULL }
};

TEST_MAIN(tests)
