/*
 * formats/export/jws.c - the securing of UNTP credentials (formats/untp.md
 * "Securing"): a compact JWS (RFC 7515) signed EdDSA with the ledger's
 * Ed25519 key (RFC 8037), and the issuer's did:key.  The signature is
 * libsodium's Ed25519 through sdx_signer_sign; base64url is libsodium's.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "sdx/error.h"
#include "formats/export/export.h"

/* base64url without padding of data, appended at out + *at (cap bytes in all). */
static int b64url_to(char *out, size_t cap, size_t *at, const void *data, size_t len)
{
	size_t need = sodium_base64_encoded_len(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);

	if (*at + need > cap)
		return sdx_error_set(SDX_ELIMIT, "JWS larger than expected");
	sodium_bin2base64(out + *at, cap - *at, data, len,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	*at += need - 1;
	return 0;
}

int sdx__jws_sign(char **out, const char *payload, size_t len, const sdx_signer *key,
		  const char *kid, const char *typ, const char *cty)
{
	unsigned char sig[64];
	json_t *h = NULL;
	char *head = NULL, *s = NULL;
	size_t cap, at = 0;
	int err = 0;

	*out = NULL;
	/* keys in this order (the header is the signer's choice, and fixed here); NULL ones left out */
	h = json_pack("{s:s, s:s*, s:s*, s:s*}", "alg", "EdDSA", "kid", kid, "typ", typ, "cty", cty);
	if (!h || !(head = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	cap = 4 * (strlen(head) + len + 64) / 3 + 16;
	if (!(s = malloc(cap))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = b64url_to(s, cap, &at, head, strlen(head))) < 0)
		goto done;
	s[at++] = '.';
	if ((err = b64url_to(s, cap, &at, payload, len)) < 0)
		goto done;
	/* the JWS signing input is ASCII(b64(header) '.' b64(payload)) */
	if ((err = sdx_signer_sign(sig, key, s, at)) < 0)
		goto done;
	s[at++] = '.';
	if ((err = b64url_to(s, cap, &at, sig, sizeof(sig))) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	free(s);
	free(head);
	json_decref(h);
	return err;
}

/* base58btc (the Bitcoin alphabet) of data: big-number division by 58. */
static int base58btc(char *out, size_t cap, const unsigned char *data, size_t len)
{
	static const char alphabet[] =
		"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	unsigned char digits[128];
	size_t nd = 0, zeros = 0, i, k;

	if (len > 64)
		return -1;
	while (zeros < len && data[zeros] == 0)
		zeros++;
	for (i = zeros; i < len; i++) {
		unsigned carry = data[i];
		for (k = 0; k < nd; k++) {
			carry += (unsigned)digits[k] << 8;
			digits[k] = (unsigned char)(carry % 58);
			carry /= 58;
		}
		while (carry) {
			digits[nd++] = (unsigned char)(carry % 58);
			carry /= 58;
		}
	}
	if (zeros + nd + 1 > cap)
		return -1;
	for (i = 0; i < zeros; i++)
		out[i] = '1';
	for (k = 0; k < nd; k++)
		out[zeros + k] = alphabet[digits[nd - 1 - k]];
	out[zeros + nd] = '\0';
	return 0;
}

int sdx_did_key(char **out, const unsigned char pk[32])
{
	unsigned char mc[34];
	char b58[64], *s;

	*out = NULL;
	mc[0] = 0xed; /* multicodec ed25519-pub, as an unsigned varint */
	mc[1] = 0x01;
	memcpy(mc + 2, pk, 32);
	if (base58btc(b58, sizeof(b58), mc, sizeof(mc)) < 0 || !(s = malloc(strlen(b58) + 10)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(s, "did:key:z", 9);
	memcpy(s + 9, b58, strlen(b58) + 1);
	*out = s;
	return 0;
}
