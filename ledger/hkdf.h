/*
 * ledger/hkdf.h - HKDF-SHA-256 (RFC 5869) over libsodium's HMAC-SHA-256.
 * Not installed.  One of the two small encodings sdx writes itself (with
 * Bech32, ledger/bech32.h), for age (formats/age.md); tested against the
 * RFC's test cases (tests/unit/hkdf.c).
 */
#ifndef SDX_LEDGER_HKDF_H
#define SDX_LEDGER_HKDF_H

#include <stddef.h>

/* HKDF-Extract: prk = HMAC-SHA-256(salt, ikm); an empty salt is 32 zero bytes. */
void sdx__hkdf_extract(unsigned char prk[32], const unsigned char *salt, size_t salt_len,
		       const unsigned char *ikm, size_t ikm_len);

/* HKDF-Expand: okm_len (at most 255 * 32) bytes from prk and info; -1 if too long. */
int sdx__hkdf_expand(unsigned char *okm, size_t okm_len, const unsigned char prk[32],
		     const unsigned char *info, size_t info_len);

/* Extract then Expand, as age uses it; -1 if okm_len is too long. */
int sdx__hkdf(unsigned char *okm, size_t okm_len, const unsigned char *salt, size_t salt_len,
	      const unsigned char *ikm, size_t ikm_len, const char *info);

#endif
