/*
 * ledger/bech32.c - Bech32, BIP-173: a BCH checksum over the HRP and 5-bit
 * groups.  Keys pass through here (age's AGE-SECRET-KEY-1...), so nothing
 * branches on the data values beyond the table lookups of the charset, and
 * scratch buffers are wiped.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "ledger/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t c, unsigned v)
{
	static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd,
					 0x2a1462b3 };
	uint32_t b = c >> 25;
	int i;

	c = ((c & 0x1ffffff) << 5) ^ v;
	for (i = 0; i < 5; i++)
		c ^= -((b >> i) & 1) & gen[i];
	return c;
}

/* The checksum state after the expanded HRP: high bits, a zero, low bits. */
static uint32_t polymod_hrp(const char *hrp, size_t n)
{
	uint32_t c = 1;
	size_t i;

	for (i = 0; i < n; i++)
		c = polymod_step(c, (unsigned char)hrp[i] >> 5);
	c = polymod_step(c, 0);
	for (i = 0; i < n; i++)
		c = polymod_step(c, (unsigned char)hrp[i] & 31);
	return c;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int sdx__bech32_encode(char *out, size_t cap, const char *hrp, const unsigned char *data,
		       size_t len, int upper)
{
	size_t h = strlen(hrp), ngroups = (len * 8 + 4) / 5, total = h + 1 + ngroups + 6, i, k = 0;
	uint32_t c, acc = 0;
	unsigned bits = 0, v;

	if (h < 1 || h > 83 || total + 1 > cap)
		return -1;
	for (i = 0; i < h; i++)
		if (hrp[i] < 33 || hrp[i] > 126 || (hrp[i] >= 'A' && hrp[i] <= 'Z'))
			return -1;
	memcpy(out, hrp, h);
	out[h] = '1';
	k = h + 1;
	c = polymod_hrp(hrp, h);
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			v = (acc >> bits) & 31;
			c = polymod_step(c, v);
			out[k++] = charset[v];
		}
	}
	if (bits) {
		v = (acc << (5 - bits)) & 31;
		c = polymod_step(c, v);
		out[k++] = charset[v];
	}
	for (i = 0; i < 6; i++)
		c = polymod_step(c, 0);
	c ^= 1;
	for (i = 0; i < 6; i++)
		out[k++] = charset[(c >> (5 * (5 - i))) & 31];
	out[k] = '\0';
	if (upper)
		for (i = 0; i < k; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] = (char)(out[i] - 32);
	acc = 0;
	return (int)k;
}

int sdx__bech32_decode5(char *hrp, size_t hrp_cap, unsigned char *values, size_t cap, size_t *n,
			const char *s, size_t slen, size_t limit)
{
	size_t i, sep = 0, nd;
	int has_lower = 0, has_upper = 0, found = 0;
	uint32_t c;

	*n = 0;
	if (slen < 8 || (limit && slen > limit))
		return -1;
	for (i = 0; i < slen; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 33 || ch > 126)
			return -1;
		has_lower |= ch >= 'a' && ch <= 'z';
		has_upper |= ch >= 'A' && ch <= 'Z';
		if (ch == '1') {
			sep = i;
			found = 1;
		}
	}
	if ((has_lower && has_upper) || !found || sep < 1 || sep + 7 > slen || sep + 1 > hrp_cap)
		return -1;
	nd = slen - sep - 1 - 6;
	if (nd > cap)
		return -1;
	for (i = 0; i < sep; i++)
		hrp[i] = (char)lower(s[i]);
	hrp[sep] = '\0';
	c = polymod_hrp(hrp, sep);
	for (i = sep + 1; i < slen; i++) {
		const char *p = memchr(charset, lower(s[i]), 32);

		if (!p)
			return -1;
		c = polymod_step(c, (unsigned)(p - charset));
		if (i - sep - 1 < nd)
			values[i - sep - 1] = (unsigned char)(p - charset);
	}
	if (c != 1)
		return -1;
	*n = nd;
	return 0;
}

int sdx__bech32_decode(char *hrp, size_t hrp_cap, unsigned char *data, size_t cap, size_t *len,
		       const char *s, size_t slen)
{
	unsigned char v[512];
	size_t n, i, k = 0;
	uint32_t acc = 0;
	unsigned bits = 0;
	int rc = -1;

	*len = 0;
	if (sdx__bech32_decode5(hrp, hrp_cap, v, sizeof(v), &n, s, slen, 0) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		acc = ((acc << 5) | v[i]) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (k == cap)
				goto done;
			data[k++] = (unsigned char)(acc >> bits);
		}
	}
	/* BIP-173 convertbits without padding: under 5 bits left over, all zero */
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		goto done;
	*len = k;
	rc = 0;
done:
	sodium_memzero(v, sizeof(v));
	acc = 0;
	return rc;
}
