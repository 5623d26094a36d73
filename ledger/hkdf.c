/*
 * ledger/hkdf.c - HKDF-SHA-256, RFC 5869 sections 2.2 and 2.3, on
 * crypto_auth_hmacsha256 (which takes keys of any length, as HMAC does).
 * Every intermediate value is wiped.
 */
#include <string.h>

#include <sodium.h>

#include "ledger/hkdf.h"

void sdx__hkdf_extract(unsigned char prk[32], const unsigned char *salt, size_t salt_len,
		       const unsigned char *ikm, size_t ikm_len)
{
	static const unsigned char zeros[32];
	crypto_auth_hmacsha256_state st;

	/* RFC 5869 2.2: "if not provided, [salt] is set to a string of HashLen zeros" */
	if (salt_len == 0) {
		salt = zeros;
		salt_len = sizeof(zeros);
	}
	crypto_auth_hmacsha256_init(&st, salt, salt_len);
	crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
	crypto_auth_hmacsha256_final(&st, prk);
	sodium_memzero(&st, sizeof(st));
}

int sdx__hkdf_expand(unsigned char *okm, size_t okm_len, const unsigned char prk[32],
		     const unsigned char *info, size_t info_len)
{
	crypto_auth_hmacsha256_state st;
	unsigned char t[32];
	size_t done = 0, n;
	unsigned char i;

	if (okm_len > 255 * 32)
		return -1;
	/* T(i) = HMAC(PRK, T(i-1) | info | i), T(0) empty; OKM = T(1) | T(2) | ... */
	for (i = 1; done < okm_len; i++) {
		crypto_auth_hmacsha256_init(&st, prk, 32);
		if (i > 1)
			crypto_auth_hmacsha256_update(&st, t, sizeof(t));
		crypto_auth_hmacsha256_update(&st, info, info_len);
		crypto_auth_hmacsha256_update(&st, &i, 1);
		crypto_auth_hmacsha256_final(&st, t);
		n = okm_len - done < sizeof(t) ? okm_len - done : sizeof(t);
		memcpy(okm + done, t, n);
		done += n;
	}
	sodium_memzero(t, sizeof(t));
	sodium_memzero(&st, sizeof(st));
	return 0;
}

int sdx__hkdf(unsigned char *okm, size_t okm_len, const unsigned char *salt, size_t salt_len,
	      const unsigned char *ikm, size_t ikm_len, const char *info)
{
	unsigned char prk[32];
	int rc;

	sdx__hkdf_extract(prk, salt, salt_len, ikm, ikm_len);
	rc = sdx__hkdf_expand(okm, okm_len, prk, (const unsigned char *)info, strlen(info));
	sodium_memzero(prk, sizeof(prk));
	return rc;
}
