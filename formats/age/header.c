/*
 * formats/age/header.c - the age v1 header (C2SP age.md, "Header"):
 *
 *     age-encryption.org/v1
 *     -> X25519 <share>
 *     <body, base64 wrapped at 64 columns, ending with a line under 64>
 *     --- <MAC>
 *
 * Parsing only: the reader (formats/age/stream.c) unwraps the file key and
 * checks the MAC over the bytes this parser says it covers.
 */
#include <stdio.h>
#include <string.h>

#include "formats/age/internal.h"
#include "ledger/internal.h"

static const char b64chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t sdx__age_b64_encode(char *out, const unsigned char *data, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)data[i] << 16 | (unsigned)data[i + 1] << 8 | data[i + 2];

		out[k++] = b64chars[v >> 18];
		out[k++] = b64chars[(v >> 12) & 63];
		out[k++] = b64chars[(v >> 6) & 63];
		out[k++] = b64chars[v & 63];
	}
	if (len - i == 1) {
		out[k++] = b64chars[data[i] >> 2];
		out[k++] = b64chars[(data[i] & 3) << 4];
	} else if (len - i == 2) {
		unsigned v = (unsigned)data[i] << 8 | data[i + 1];

		out[k++] = b64chars[v >> 10];
		out[k++] = b64chars[(v >> 4) & 63];
		out[k++] = b64chars[(v & 15) << 2];
	}
	out[k] = '\0';
	return k;
}

static int b64val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long sdx__age_b64_decode(unsigned char *out, size_t cap, const char *s, size_t len)
{
	size_t i, k = 0;
	unsigned acc = 0, bits = 0;

	/* one character over a multiple of four cannot end a byte */
	if (len % 4 == 1 || len / 4 * 3 + (len % 4 * 3) / 4 > cap)
		return -1;
	for (i = 0; i < len; i++) {
		int v = b64val((unsigned char)s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[k++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* RFC 4648 3.5: the bits left over must be zero, or the encoding is not canonical */
	if (acc != 0)
		return -1;
	return (long)k;
}

/* The line starting at buf[at]: its length without the LF, or -1 if no LF within limits. */
static long line_at(const unsigned char *buf, size_t len, size_t at)
{
	size_t max = len - at < SDX__AGE_LINE_MAX ? len - at : SDX__AGE_LINE_MAX;
	const unsigned char *nl = memchr(buf + at, '\n', max);

	return nl ? (long)(nl - (buf + at)) : -1;
}

static int bad(const char *what, unsigned line, const char *why)
{
	return sdx_error_set(SDX_EFORMAT, "%s: age header line %u: %s", what, line, why);
}

/* "-> ARG ARG..." at p[0..n): each argument 1*VCHAR, one space between. */
static int parse_args(struct sdx__age_stanza *st, const unsigned char *p, size_t n,
		      const char *what, unsigned line)
{
	const unsigned char *arg[3];
	size_t alen[3], nargs = 0, i, start = 3;
	long got;

	if (n < 4)
		return bad(what, line, "a recipient stanza without arguments");
	for (i = 3; i <= n; i++) {
		if (i < n && p[i] >= 0x21 && p[i] <= 0x7e)
			continue;
		if (i < n && p[i] != ' ')
			return bad(what, line, "a character that is not printable ASCII in a stanza");
		if (i == start)
			return bad(what, line, "an empty stanza argument (two spaces, or one at the end)");
		if (nargs < 3) {
			arg[nargs] = p + start;
			alen[nargs] = i - start;
		}
		nargs++;
		start = i + 1;
	}
	st->type = SDX__AGE_OTHER;
	if (alen[0] == 6 && memcmp(arg[0], "X25519", 6) == 0) {
		st->type = SDX__AGE_X25519;
		if (nargs != 2)
			return bad(what, line, "an X25519 stanza must have exactly two arguments");
		got = sdx__age_b64_decode(st->share, sizeof(st->share), (const char *)arg[1], alen[1]);
		if (got != 32)
			return bad(what, line, "an X25519 share that is not canonical base64 of 32 bytes");
	} else if (alen[0] == 6 && memcmp(arg[0], "scrypt", 6) == 0) {
		st->type = SDX__AGE_SCRYPT;
	}
	return 0;
}

int sdx__age_header_parse(struct sdx__age_header *h, const unsigned char *buf, size_t len,
			  const char *what)
{
	static const char v1[] = "age-encryption.org/v1";
	unsigned char body[SDX__AGE_LINE_MAX];
	size_t at = 0, blen;
	unsigned line = 1;
	long n, got;
	int scrypt = 0, err;

	memset(h, 0, sizeof(*h));
	if (len > SDX__AGE_HEADER_MAX)
		len = SDX__AGE_HEADER_MAX;
	n = line_at(buf, len, 0);
	if (n < 0 || (size_t)n < sizeof(v1) - 1 || memcmp(buf, "age-encryption.org/", 19) != 0)
		return sdx_error_set(SDX_EFORMAT, "%s: not an age file (the first line is not "
				     "'age-encryption.org/v1')", what);
	if ((size_t)n != sizeof(v1) - 1 || memcmp(buf, v1, (size_t)n) != 0)
		return sdx_error_set(SDX_EFORMAT, "%s: age version '%.*s' is not supported (only v1)",
				     what, n - 19 > 40 ? 40 : (int)(n - 19), (const char *)buf + 19);
	at = (size_t)n + 1;
	for (;;) {
		struct sdx__age_stanza *st;

		line++;
		if ((n = line_at(buf, len, at)) < 0)
			return len >= SDX__AGE_HEADER_MAX
				? sdx_error_set(SDX_ELIMIT, "%s: age header over %d bytes", what,
						SDX__AGE_HEADER_MAX)
				: bad(what, line, "the header ends without its MAC line ('--- ...')");
		if (n >= 3 && memcmp(buf + at, "---", 3) == 0)
			break;
		if (n < 3 || memcmp(buf + at, "-> ", 3) != 0)
			return bad(what, line, "expected a recipient stanza ('-> ') or the MAC line "
				   "('--- ')");
		if (h->n == SDX__AGE_STANZAS_MAX)
			return sdx_error_set(SDX_ELIMIT, "%s: more than %d recipient stanzas", what,
					     SDX__AGE_STANZAS_MAX);
		st = &h->st[h->n++];
		if ((err = parse_args(st, buf + at, (size_t)n, what, line)) < 0)
			return err;
		at += (size_t)n + 1;
		/* the body: full lines of 64 columns, then one shorter line (maybe empty) */
		blen = 0;
		for (;;) {
			line++;
			if ((n = line_at(buf, len, at)) < 0)
				return bad(what, line, "a stanza body without its final line");
			if (n > 64)
				return bad(what, line, "a stanza body line longer than 64 columns");
			if (blen + (size_t)n > sizeof(body))
				return sdx_error_set(SDX_ELIMIT, "%s: age header line %u: a stanza "
						     "body over %zu bytes", what, line, sizeof(body));
			for (long i = 0; i < n; i++)
				if (b64val(buf[at + (size_t)i]) < 0)
					return bad(what, line, "a stanza body that is not base64 "
						   "(no padding, no CR, no spaces)");
			memcpy(body + blen, buf + at, (size_t)n);
			blen += (size_t)n;
			at += (size_t)n + 1;
			if (n < 64)
				break;
		}
		got = sdx__age_b64_decode(body, sizeof(body), (const char *)body, blen);
		if (got < 0)
			return bad(what, line, "a stanza body that is not canonical base64");
		if (st->type == SDX__AGE_X25519) {
			/* exactly 32 bytes before any decryption (partitioning oracles) */
			if (got != 32)
				return bad(what, line, "an X25519 stanza body that is not 32 bytes");
			memcpy(st->body, body, 32);
		}
		scrypt |= st->type == SDX__AGE_SCRYPT;
	}
	if (h->n == 0)
		return bad(what, line, "no recipient stanza");
	if (scrypt && h->n > 1)
		return bad(what, line, "an scrypt stanza beside other stanzas");
	/* "--- " and 43 base64 characters of the 32-byte MAC */
	h->mac_covers = at + 3;
	if (n != 47 || buf[at + 3] != ' ' ||
	    sdx__age_b64_decode(h->mac, sizeof(h->mac), (const char *)buf + at + 4, 43) != 32)
		return bad(what, line, "the MAC line is not '--- ' and base64 of 32 bytes");
	h->len = at + (size_t)n + 1;
	return 0;
}
