/*
 * ledger/bech32.h - Bech32 (BIP-173), as age uses it for its keys
 * (formats/age.md): no length limit unless one is asked for, the HRP returned
 * in lowercase.  Not installed; tested against the BIP's vectors
 * (tests/unit/bech32.c).
 */
#ifndef SDX_LEDGER_BECH32_H
#define SDX_LEDGER_BECH32_H

#include <stddef.h>

/*
 * Encode hrp (lowercase, 1..83 printable characters) and the bytes data[0..len)
 * into out (cap bytes with the NUL); upper != 0 writes it in uppercase.
 * Returns the length written, or -1 (bad hrp, out too small).
 */
int sdx__bech32_encode(char *out, size_t cap, const char *hrp, const unsigned char *data,
		       size_t len, int upper);

/*
 * Decode s[0..slen) to its 5-bit values (BIP-173 as written: checksum, case,
 * charset; limit 90 is the BIP's length limit, 0 none).  hrp gets the
 * lowercase HRP (hrp_cap with the NUL), values[0..*n) the data part without
 * the checksum.  0, or -1 for any invalid string.
 */
int sdx__bech32_decode5(char *hrp, size_t hrp_cap, unsigned char *values, size_t cap, size_t *n,
			const char *s, size_t slen, size_t limit);

/*
 * As sdx__bech32_decode5(), then the values regrouped into bytes (the
 * leftover bits must be fewer than 5 and zero).  0 or -1.
 */
int sdx__bech32_decode(char *hrp, size_t hrp_cap, unsigned char *data, size_t cap, size_t *len,
		       const char *s, size_t slen);

#endif
