/*
 * tests/unit/interop.c - the pieces of the EPCIS and UNTP exports that have
 * published answers: the JWS of RFC 8037 appendix A.4, a did:key, ni URIs
 * (RFC 6920), GS1 Digital Link from GTINs with right and wrong check
 * digits, and identifiers under a ledger origin.  The exports themselves are
 * checked against the official schemas by tests/cli/t0024-interop.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx.h"
#include "formats/export/export.h"
#include "tests/unit/harness.h"

/* RFC 8037 A.1: the Ed25519 key (RFC 8032 test 1), A.4: its JWS of "Example of Ed25519 signing" */
static const unsigned char rfc8037_seed[32] = {
	0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
	0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60
};

static void jws_rfc8037(void)
{
	sdx_signer *s = NULL;
	char *jws = NULL;
	const char *msg = "Example of Ed25519 signing";

	CHECK_OK(sdx_signer_from_seed(&s, "example.com/test", rfc8037_seed));
	CHECK_OK(sdx__jws_sign(&jws, msg, strlen(msg), s, NULL, NULL, NULL));
	CHECK(strcmp(jws, "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc."
		     "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg")
	      == 0);
	free(jws);
	jws = NULL;
	CHECK_OK(sdx__jws_sign(&jws, msg, strlen(msg), s, "k", "vc+jwt", "vc"));
	/* {"alg":"EdDSA","kid":"k","typ":"vc+jwt","cty":"vc"} */
	CHECK(strncmp(jws, "eyJhbGciOiJFZERTQSIsImtpZCI6ImsiLCJ0eXAiOiJ2Yytqd3QiLCJjdHkiOiJ2YyJ9.",
		      69) == 0);
	free(jws);
	sdx_signer_free(s);
}

static void did_key(void)
{
	sdx_signer *s = NULL;
	char *did = NULL;

	CHECK_OK(sdx_signer_from_seed(&s, "example.com/test", rfc8037_seed));
	CHECK_OK(sdx_did_key(&did, sdx_signer_public_key(s)));
	/* base58btc of 0xed 0x01 ‖ d75a9801…, worked out apart (tests/node, BigInt) */
	CHECK(strcmp(did, "did:key:z6MktwupdmLXVVqTzCw4i46r4uGyosGXRnR3XjN4Zq7oMMsw") == 0);
	free(did);
	sdx_signer_free(s);
}

static void ni_uris(void)
{
	char *ni = sdx__xp_ni_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	char *mb = sdx__xp_multibase_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	/* SHA-256 of nothing, base64url without padding */
	CHECK(ni && strcmp(ni, "ni:///sha-256;47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU") == 0);
	CHECK(mb && strcmp(mb, "uEiDjsMRCmPwcFJr79MiZb7kkJ65B5GSbk0yklZkbeFK4VQ") == 0);
	free(ni);
	free(mb);
	CHECK(sdx__xp_ni_hex("e3b0") == NULL);
}

static void gs1_digital_link(void)
{
	char *dl = sdx__xp_gs1_lot("6971234560018", "LH2610-0315");

	CHECK(dl && strcmp(dl, "https://id.gs1.org/01/06971234560018/10/LH2610-0315") == 0);
	free(dl);
	/* a wrong check digit, a GTIN of 11 digits, a lot GS1 cannot carry: no key made up */
	CHECK(sdx__xp_gs1_lot("6971234560019", "LH2610-0315") == NULL);
	CHECK(sdx__xp_gs1_lot("69712345600", "LH2610-0315") == NULL);
	CHECK(sdx__xp_gs1_lot("6971234560018", "LOT 1") == NULL);
	CHECK(sdx__xp_gs1_lot("6971234560018", "123456789012345678901") == NULL);
	dl = sdx__xp_gs1_lot("96385074", "A/1"); /* GTIN-8, a '/' in the lot escaped */
	CHECK(dl && strcmp(dl, "https://id.gs1.org/01/00000096385074/10/A%2F1") == 0);
	free(dl);
}

static void origin_uris(void)
{
	char *u = sdx__xp_uri("haixing-polymer.example/ledger", "lot", "HX 1/2");

	CHECK(u && strcmp(u, "https://haixing-polymer.example/ledger/lot/HX%201%2F2") == 0);
	free(u);
	u = sdx__xp_uri("example.com:8443/x", "location/unlocode", "CNNGB");
	CHECK(u && strcmp(u, "https://example.com:8443/x/location/unlocode/CNNGB") == 0);
	free(u);
	/* not a DNS name: a URN, never an https URL of somebody else's host */
	u = sdx__xp_uri("test/ledger", "lot", "L1");
	CHECK(u && strcmp(u, "urn:sdx:ledger:test/ledger:lot:L1") == 0);
	free(u);
	CHECK(strcmp(sdx__xp_unit("mg/kg"), "NA") == 0);
	CHECK(strcmp(sdx__xp_unit("mg/dm2"), "mg/dm2") == 0);
}

static const struct test_case tests[] = {
	{ "the JWS of RFC 8037 A.4, and the header credentials carry", jws_rfc8037 },
	{ "did:key of an Ed25519 key", did_key },
	{ "ni URIs and multibase digests of SHA-256", ni_uris },
	{ "GS1 Digital Link only from a GTIN with a right check digit", gs1_digital_link },
	{ "identifiers under a ledger origin, and units", origin_uris },
	{ NULL, NULL }
};

TEST_MAIN(tests)
