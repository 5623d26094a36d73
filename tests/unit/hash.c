/*
 * tests/unit/hash.c - SHA-256 and base64 on libcrypto (ledger/hash.c), and
 * the canonical envelope reader (ledger/dsse.c): each must agree exactly
 * with the slower code it stands in for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "ledger/internal.h"
#include "sdx/dsse.h"
#include "sdx/note.h"

static void sha256_vectors(void)
{
	/* FIPS 180-2 appendix B.1 and B.2, and the empty string */
	static const struct { const char *in, *hex; } v[] = {
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	};
	unsigned char h[32];
	char hex[65];
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		sdx__sha256(h, v[i].in, strlen(v[i].in));
		sdx__hex(hex, h, 32);
		CHECK_STR(hex, v[i].hex);
	}
}

/* Streaming and one-shot agree with libsodium, at every split. */
static void sha256_streaming(void)
{
	unsigned char data[1000], a[32], b[32];
	size_t split;

	randombytes_buf(data, sizeof(data));
	crypto_hash_sha256(a, data, sizeof(data));
	sdx__sha256(b, data, sizeof(data));
	CHECK_MEM(a, b, 32);
	for (split = 0; split <= sizeof(data); split += 37) {
		sdx__sha256_ctx h;

		sdx__sha256_init(&h);
		sdx__sha256_update(&h, data, split);
		sdx__sha256_update(&h, data + split, sizeof(data) - split);
		sdx__sha256_final(&h, b);
		CHECK_MEM(a, b, 32);
	}
}

/* libsodium's strict decoder, as the reference for what must pass. */
static int ref_decode(unsigned char *out, size_t cap, size_t *n, const char *s, size_t len)
{
	const char *end = NULL;
	size_t i;

	if (len % 4)
		return -1;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return -1;
	return sodium_base642bin(out, cap, s, len, NULL, n, &end,
				 sodium_base64_VARIANT_ORIGINAL) == 0 && end == s + len ? 0 : -1;
}

static void base64_strict(void)
{
	static const char *const bad[] = {
		"QQ=A", "Q===", "QR==", "QUK=", " QUJD", "QUJD ", "QU JD", "QU-D", "QU_D",
		"QUJ\xc4", "QUJDQ", "====", "QUJD\n", "QUJ=QUJD", "A", "AB", "ABC",
	};
	static const char *const good[] = { "", "QQ==", "QUI=", "QUJD", "QUJDRA==", "/+/+" };
	unsigned char out[64];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sdx__b64_decode_to(out, sizeof(out), &n, bad[i], strlen(bad[i])) == 0) {
			char msg[80];
			snprintf(msg, sizeof(msg), "accepted non-canonical base64 '%s'", bad[i]);
			test_fail(__FILE__, __LINE__, msg);
			return;
		}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK_OK(sdx__b64_decode_to(out, sizeof(out), &n, good[i], strlen(good[i])));
	CHECK_ERR(sdx__b64_decode_to(out, 2, &n, "QUJD", 4), SDX_ELIMIT);
}

/* Random values and every single-byte change of their encodings: accepted
 * exactly when libsodium accepts, with the same bytes. */
static void base64_agrees_with_libsodium(void)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				       "0123456789+/= \n-_\\\"\x80\xff";
	unsigned char data[40], a[64], b[64];
	char enc[64];
	size_t len, elen, i, k, na, nb;

	for (len = 0; len < sizeof(data); len++) {
		randombytes_buf(data, len);
		elen = sdx__b64_encode_to(enc, data, len);
		CHECK(elen == (len + 2) / 3 * 4);
		CHECK_OK(sdx__b64_decode_to(a, sizeof(a), &na, enc, elen));
		CHECK(na == len && memcmp(a, data, len) == 0);
		for (i = 0; i < elen; i++)
			for (k = 0; k < sizeof(alphabet) - 1; k++) {
				char orig = enc[i];
				int ra, rb;

				enc[i] = alphabet[k];
				ra = sdx__b64_decode_to(a, sizeof(a), &na, enc, elen);
				rb = ref_decode(b, sizeof(b), &nb, enc, elen);
				enc[i] = orig;
				CHECK((ra == 0) == (rb == 0));
				CHECK(ra != 0 || (na == nb && memcmp(a, b, na) == 0));
			}
	}
	sdx_error_clear();
}

/* The same envelope, canonical and in other JSON spellings, reads the same. */
static void dsse_canonical_and_json_agree(void)
{
	sdx_signer *s = NULL;
	sdx_verifier *v = NULL;
	sdx_dsse_envelope *e1 = NULL, *e2 = NULL;
	char *env = NULL, *alt, *p;
	size_t len;

	CHECK_OK(sdx_signer_generate(&s, "example.com/a"));
	CHECK_OK(sdx_signer_verifier(&v, s));
	CHECK_OK(sdx_dsse_sign(&env, &len, "application/x", "{\"a\":1}", 7, "k1", s));
	CHECK_OK(sdx_dsse_parse(&e1, env, len));
	CHECK_OK(sdx_dsse_verify(e1, v));
	/* spaces after the colons: the JSON path reads it */
	alt = malloc(2 * len + 16);
	CHECK(alt != NULL);
	for (p = env, len = 0; *p; p++) {
		alt[len++] = *p;
		if (*p == ':')
			alt[len++] = ' ';
	}
	alt[len] = '\0';
	CHECK_OK(sdx_dsse_parse(&e2, alt, len));
	CHECK(e2->payload_len == e1->payload_len &&
	      memcmp(e2->payload, e1->payload, e1->payload_len) == 0);
	CHECK_STR(e2->keyid, e1->keyid);
	CHECK_STR(e2->payload_type, e1->payload_type);
	CHECK_MEM(e2->sig, e1->sig, 64);
	sdx_dsse_envelope_free(e2);
	e2 = NULL;
	/* an escaped '/' in the payload type: the same value, by the JSON path */
	p = strstr(env, "application/x");
	CHECK(p != NULL);
	snprintf(alt, 2 * strlen(env) + 16, "%.*sapplication\\/x%s", (int)(p - env), env,
		 p + strlen("application/x"));
	CHECK_OK(sdx_dsse_parse(&e2, alt, strlen(alt)));
	CHECK_STR(e2->payload_type, "application/x");
	CHECK_OK(sdx_dsse_verify(e2, v));
	sdx_dsse_envelope_free(e2);
	e2 = NULL;
	/* trailing bytes, a bad signature length: refused by both paths */
	snprintf(alt, 2 * strlen(env) + 16, "%s ", env);
	CHECK_OK(sdx_dsse_parse(&e2, alt, strlen(alt)));   /* JSON allows trailing space */
	sdx_dsse_envelope_free(e2);
	e2 = NULL;
	snprintf(alt, 2 * strlen(env) + 16, "%sx", env);
	CHECK_ERR(sdx_dsse_parse(&e2, alt, strlen(alt)), SDX_EFORMAT);
	p = strstr(env, "\"sig\":\"");
	CHECK(p != NULL);
	snprintf(alt, 2 * strlen(env) + 16, "%.*sAAAA%s", (int)(p - env) + 7, env, p + 7);
	CHECK_ERR(sdx_dsse_parse(&e2, alt, strlen(alt)), SDX_EFORMAT);
	free(alt);
	free(env);
	sdx_dsse_envelope_free(e1);
	sdx_verifier_free(v);
	sdx_signer_free(s);
}

static const struct test_case tests[] = {
	{ "sha256 vectors", sha256_vectors },
	{ "sha256 streaming agrees with libsodium", sha256_streaming },
	{ "base64 decoding is strict", base64_strict },
	{ "base64 agrees with libsodium on every one-byte change", base64_agrees_with_libsodium },
	{ "dsse canonical reader agrees with the JSON path", dsse_canonical_and_json_agree },
	{ NULL, NULL }
};

TEST_MAIN(tests)
