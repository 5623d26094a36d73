/*
 * tests/unit/bech32.c - Bech32 (ledger/bech32.c) against BIP-173's test
 * vectors (valid and invalid checksums, its 90-character limit) and age's
 * example keys (C2SP age.md, "The X25519 recipient type").
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "ledger/bech32.h"

static int decode5(const char *s, size_t len, size_t limit)
{
	char hrp[100];
	unsigned char v[128];
	size_t n;

	return sdx__bech32_decode5(hrp, sizeof(hrp), v, sizeof(v), &n, s, len, limit);
}

static void bip173_valid(void)
{
	static const char *const valid[] = {
		"A12UEL5L",
		"a12uel5l",
		"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		"?1ezyfcl",
	};

	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		char flipped[128];
		size_t len = strlen(valid[i]);

		CHECK(decode5(valid[i], len, 90) == 0);
		/* one character changed in the data part breaks the checksum */
		memcpy(flipped, valid[i], len + 1);
		flipped[len - 2] = flipped[len - 2] == 'q' || flipped[len - 2] == 'Q' ?
			(char)(flipped[len - 2] + 1) : (flipped[len - 2] >= 'a' ? 'q' : 'Q');
		CHECK(decode5(flipped, len, 90) != 0);
	}
}

static void bip173_invalid(void)
{
	static const struct { const char *s; size_t len; } invalid[] = {
		{ "\x20" "1nwldj5", 8 },      /* HRP character out of range */
		{ "\x7f" "1axkwrx", 8 },
		{ "\x80" "1eym55h", 8 },
		{ "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", 91 },
		{ "pzry9x0s0muk", 12 },       /* no separator */
		{ "1pzry9x0s0muk", 13 },      /* empty HRP */
		{ "x1b4n0q5v", 9 },           /* invalid data character */
		{ "li1dgmt3", 8 },            /* checksum too short */
		{ "de1lg7wt" "\xff", 9 },     /* invalid character in checksum */
		{ "A1G7SGD8", 8 },            /* checksum of the uppercase HRP */
		{ "10a06t8", 7 },             /* empty HRP */
		{ "1qzzfhee", 8 },            /* empty HRP */
	};

	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		CHECK(decode5(invalid[i].s, invalid[i].len, 90) != 0);
	/* mixed case is invalid too */
	CHECK(decode5("A12uEL5L", 8, 90) != 0);
}

/* age's own examples: the identity of 32 bytes 0x42 and its recipient */
static void age_example_keys(void)
{
	static const char ident[] =
		"AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX";
	static const char recip[] = "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj";
	unsigned char sk[32], pk[32], want[32], buf[64];
	char hrp[32], out[128];
	size_t n;

	CHECK(sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, ident, strlen(ident)) == 0);
	CHECK_STR(hrp, "age-secret-key-");
	CHECK(n == 32);
	memset(want, 0x42, sizeof(want));
	CHECK_MEM(buf, want, 32);
	memcpy(sk, buf, 32);
	CHECK(sdx__bech32_encode(out, sizeof(out), "age-secret-key-", sk, 32, 1) ==
	      (int)strlen(ident));
	CHECK_STR(out, ident);
	CHECK(crypto_scalarmult_base(pk, sk) == 0);
	CHECK(sdx__bech32_encode(out, sizeof(out), "age", pk, 32, 0) == (int)strlen(recip));
	CHECK_STR(out, recip);
	CHECK(sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, recip, strlen(recip)) == 0);
	CHECK(n == 32 && memcmp(buf, pk, 32) == 0);
	CHECK_STR(hrp, "age");
	/* too small an output buffer */
	CHECK(sdx__bech32_decode(hrp, sizeof(hrp), buf, 31, &n, recip, strlen(recip)) != 0);
	CHECK(sdx__bech32_encode(out, 20, "age", pk, 32, 0) == -1);
}

/* regrouping into bytes: leftover bits must be zero and fewer than five */
static void padding_strict(void)
{
	unsigned char data[3] = { 0xff, 0x00, 0x80 }, buf[8];
	char s[64], hrp[8];
	size_t n, len;

	CHECK(sdx__bech32_encode(s, sizeof(s), "x", data, 3, 0) > 0);
	CHECK(sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, s, strlen(s)) == 0);
	CHECK(n == 3 && memcmp(buf, data, 3) == 0);
	/* 82 values of BIP-173's "11qq...c8247j" are 410 bits: 51 bytes, 2 zero bits over */
	{
		static const char v[] = "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j";
		unsigned char big[64];

		CHECK(sdx__bech32_decode(hrp, sizeof(hrp), big, sizeof(big), &n, v, strlen(v)) == 0);
		CHECK(n == 51);
	}
	len = (size_t)sdx__bech32_encode(s, sizeof(s), "x", (const unsigned char *)"", 0, 0);
	CHECK(len == 8);
	CHECK(sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, s, len) == 0 && n == 0);
}

static const struct test_case tests[] = {
	{ "BIP-173 valid checksums", bip173_valid },
	{ "BIP-173 invalid strings", bip173_invalid },
	{ "age example identity and recipient", age_example_keys },
	{ "strict regrouping", padding_strict },
	{ NULL, NULL }
};

TEST_MAIN(tests)
