/*
 * formats/age/keys.c - age's X25519 keys as text (C2SP age.md, "The X25519
 * recipient type"): Bech32 with HRP "age" for recipients and
 * "AGE-SECRET-KEY-" (uppercase) for identities.
 */
#include <string.h>

#include <sodium.h>

#include "ledger/bech32.h"
#include "ledger/internal.h"
#include "sdx/age.h"

int sdx_age_recipient_format(char out[SDX_AGE_RECIPIENT_MAX], const unsigned char pk[32])
{
	if (sdx__bech32_encode(out, SDX_AGE_RECIPIENT_MAX, "age", pk, 32, 0) < 0)
		return sdx_error_set(SDX_EINVAL, "cannot encode an age recipient");
	return 0;
}

int sdx_age_recipient_parse(unsigned char pk[32], const char *s)
{
	unsigned char buf[40];
	char hrp[16];
	size_t n;
	size_t len = strlen(s);

	/* age writes recipients in lowercase and so does sdx: accept nothing else */
	for (size_t i = 0; i < len; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			len = 0;
	if (len == 0 || len >= SDX_AGE_RECIPIENT_MAX ||
	    sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, s, len) < 0 ||
	    strcmp(hrp, "age") != 0 || n != 32)
		return sdx_error_set(SDX_EFORMAT, "'%.70s' is not an age X25519 recipient "
				     "('age1' and 58 Bech32 characters)", s);
	memcpy(pk, buf, 32);
	return 0;
}

int sdx_age_identity_format(char out[SDX_AGE_IDENTITY_MAX], const unsigned char sk[32])
{
	if (sdx__bech32_encode(out, SDX_AGE_IDENTITY_MAX, "age-secret-key-", sk, 32, 1) < 0)
		return sdx_error_set(SDX_EINVAL, "cannot encode an age identity");
	return 0;
}

int sdx_age_identity_parse(unsigned char sk[32], const char *s)
{
	unsigned char buf[40];
	char hrp[24];
	size_t n, len = strlen(s);
	int ok;

	ok = len < SDX_AGE_IDENTITY_MAX &&
	     sdx__bech32_decode(hrp, sizeof(hrp), buf, sizeof(buf), &n, s, len) == 0 &&
	     strcmp(hrp, "age-secret-key-") == 0 && n == 32;
	if (ok)
		memcpy(sk, buf, 32);
	sodium_memzero(buf, sizeof(buf));
	if (!ok)
		return sdx_error_set(SDX_EFORMAT, "not an age X25519 identity "
				     "('AGE-SECRET-KEY-1' and 58 Bech32 characters)");
	return 0;
}

void sdx_age_keygen(unsigned char sk[32], unsigned char pk[32])
{
	(void)sdx__init(); /* sodium_init: randombytes works before it, but seeded after */
	do
		randombytes_buf(sk, 32);
	while (crypto_scalarmult_base(pk, sk) != 0);
}

int sdx_age_public_key(unsigned char pk[32], const unsigned char sk[32])
{
	if (crypto_scalarmult_base(pk, sk) != 0)
		return sdx_error_set(SDX_EINVAL, "an X25519 secret without a public key");
	return 0;
}
