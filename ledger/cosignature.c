/*
 * ledger/cosignature.c - C2SP tlog-cosignature v1 (Ed25519, type 0x04):
 * cosigner keys, cosigning a checkpoint, checking the cosignatures of a note
 * (include/sdx/witness.h, formats/witness.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/cosignature.h"
#include "ledger/internal.h"
#include "sdx/witness.h"

#define ALG_COSIGNATURE 0x04
#define COSIG_LEN (4 + 8 + 64)

static const char sig_prefix[] = "\xe2\x80\x94 "; /* U+2014 EM DASH, space */

struct sdx_cosigner {
	char name[SDX_NAME_MAX + 1];
	uint32_t keyid;
	unsigned char pk[32];
};

uint32_t sdx__cosigner_keyid(const char *name, const unsigned char pk[32])
{
	sdx__sha256_ctx h;
	unsigned char d[32], t[2] = { '\n', ALG_COSIGNATURE };

	sdx__sha256_init(&h);
	sdx__sha256_update(&h, name, strlen(name));
	sdx__sha256_update(&h, t, 2);
	sdx__sha256_update(&h, pk, 32);
	sdx__sha256_final(&h, d);
	return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

static int cosigner_new(sdx_cosigner **out, const char *name, size_t nlen,
			const unsigned char pk[32])
{
	sdx_cosigner *c;
	size_t i;

	*out = NULL;
	if (nlen == 0 || nlen > SDX_NAME_MAX || !sdx__utf8_valid((const unsigned char *)name, nlen))
		return sdx_error_set(SDX_EFORMAT, "cosigner key: invalid name");
	for (i = 0; i < nlen; i++)
		if ((unsigned char)name[i] <= 0x20 || name[i] == '+' || name[i] == 0x7f)
			return sdx_error_set(SDX_EFORMAT, "cosigner key: invalid name");
	if (!(c = calloc(1, sizeof(*c))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(c->name, name, nlen);
	memcpy(c->pk, pk, 32);
	c->keyid = sdx__cosigner_keyid(c->name, pk);
	*out = c;
	return 0;
}

int sdx_cosigner_parse(sdx_cosigner **out, const char *vkey)
{
	const char *p1 = strchr(vkey, '+'), *p2 = p1 ? strchr(p1 + 1, '+') : NULL;
	unsigned char raw[33];
	char hex[9];
	size_t rlen = 0;
	int err;

	*out = NULL;
	if (!p1 || !p2 || p2 - p1 != 9 || strspn(p1 + 1, "0123456789abcdef") < 8)
		return sdx_error_set(SDX_EFORMAT, "cosigner key '%.80s': not of the form "
				     "name+keyid+base64", vkey);
	if (sdx__b64_decode_to(raw, sizeof(raw), &rlen, p2 + 1, strlen(p2 + 1)) < 0 || rlen != 33)
		return sdx_error_set(SDX_EFORMAT, "cosigner key '%.80s': the key is not 33 bytes "
				     "of base64", vkey);
	if (raw[0] != ALG_COSIGNATURE)
		return sdx_error_set(SDX_EFORMAT, "cosigner key '%.80s': signature type 0x%02x, not "
				     "0x04 (cosignature/v1)%s", vkey, raw[0], raw[0] == 1 ?
				     "; this is a log or note key" : "");
	if ((err = cosigner_new(out, vkey, (size_t)(p1 - vkey), raw + 1)) < 0)
		return err;
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	if (strtoul(hex, NULL, 16) != (*out)->keyid) {
		sdx_cosigner_free(*out);
		*out = NULL;
		return sdx_error_set(SDX_EFORMAT, "cosigner key '%.80s': key id %s does not match "
				     "the key", vkey, hex);
	}
	return 0;
}

int sdx_cosigner_from_signer(sdx_cosigner **out, const sdx_signer *s)
{
	return cosigner_new(out, sdx_signer_name(s), strlen(sdx_signer_name(s)),
			    sdx_signer_public_key(s));
}

int sdx_cosigner_from_verifier(sdx_cosigner **out, const sdx_verifier *v)
{
	return cosigner_new(out, sdx_verifier_name(v), strlen(sdx_verifier_name(v)),
			    sdx_verifier_public_key(v));
}

int sdx_cosigner_format(char **out, const sdx_cosigner *c)
{
	unsigned char raw[33];
	char b64[64];
	size_t n = strlen(c->name) + 10 + sizeof(b64);

	raw[0] = ALG_COSIGNATURE;
	memcpy(raw + 1, c->pk, 32);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	if (!(*out = malloc(n)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(*out, n, "%s+%08" PRIx32 "+%s", c->name, c->keyid, b64);
	return 0;
}

const char *sdx_cosigner_name(const sdx_cosigner *c)
{
	return c->name;
}

uint32_t sdx_cosigner_keyid(const sdx_cosigner *c)
{
	return c->keyid;
}

void sdx_cosigner_free(sdx_cosigner *c)
{
	free(c);
}

/* "cosignature/v1\ntime T\n" || text */
static int message(unsigned char **out, size_t *out_len, const char *text, size_t len,
		   uint64_t time)
{
	char head[48];
	int n = snprintf(head, sizeof(head), "cosignature/v1\ntime %" PRIu64 "\n", time);

	if (!(*out = malloc((size_t)n + len)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(*out, head, (size_t)n);
	memcpy(*out + n, text, len);
	*out_len = (size_t)n + len;
	return 0;
}

int sdx_cosign(char **line, const sdx_signer *s, const char *text, size_t len, uint64_t time)
{
	unsigned char raw[COSIG_LEN], *msg = NULL;
	uint32_t keyid = sdx__cosigner_keyid(sdx_signer_name(s), sdx_signer_public_key(s));
	char b64[sodium_base64_ENCODED_LEN(COSIG_LEN, sodium_base64_VARIANT_ORIGINAL)];
	size_t mlen, cap;
	int err, i;

	*line = NULL;
	if (time == 0 || time > INT64_MAX)
		return sdx_error_set(SDX_EINVAL, "cosignature time 0 or past 2^63 - 1");
	if (len == 0 || text[len - 1] != '\n')
		return sdx_error_set(SDX_EFORMAT, "cosign: the checkpoint text must end in a newline");
	for (i = 0; i < 4; i++)
		raw[i] = (unsigned char)(keyid >> (24 - 8 * i));
	for (i = 0; i < 8; i++)
		raw[4 + i] = (unsigned char)(time >> (56 - 8 * i));
	if ((err = message(&msg, &mlen, text, len, time)) < 0)
		return err;
	err = sdx_signer_sign(raw + 12, s, msg, mlen);
	free(msg);
	if (err < 0)
		return err;
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	cap = sizeof(sig_prefix) + strlen(sdx_signer_name(s)) + strlen(b64) + 3;
	if (!(*line = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(*line, cap, "%s%s %s\n", sig_prefix, sdx_signer_name(s), b64);
	return 0;
}

int sdx__note_signatures(const char *note, size_t len, size_t *text_len, sdx__sig_cb cb,
			 void *ctx)
{
	const char *p, *end = note + len, *split = NULL;
	size_t n = 0;
	int err;

	for (p = note; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			split = p;
	if (!split)
		return sdx_error_set(SDX_EFORMAT, "note: no blank line before the signatures");
	*text_len = (size_t)(split - note) + 1;
	p = split + 2;
	if (p == end || end[-1] != '\n')
		return sdx_error_set(SDX_EFORMAT, "note: no signature lines, or the last one does "
				     "not end with a newline");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sp;
		unsigned char raw[128];
		size_t rlen = 0;

		n++;
		if ((size_t)(eol - p) < sizeof(sig_prefix) - 1 ||
		    memcmp(p, sig_prefix, sizeof(sig_prefix) - 1) != 0)
			return sdx_error_set(SDX_EFORMAT, "note: signature line %zu does not start "
					     "with an em dash and a space", n);
		p += sizeof(sig_prefix) - 1;
		sp = memchr(p, ' ', (size_t)(eol - p));
		if (!sp || sp == p || memchr(sp + 1, ' ', (size_t)(eol - sp - 1)))
			return sdx_error_set(SDX_EFORMAT, "note: signature line %zu is not "
					     "'name base64'", n);
		if (sdx__b64_decode_to(raw, sizeof(raw), &rlen, sp + 1, (size_t)(eol - sp - 1)) < 0 ||
		    rlen < 5)
			return sdx_error_set(SDX_EFORMAT, "note: signature line %zu: bad base64", n);
		if ((err = cb(ctx, p, (size_t)(sp - p), raw, rlen)) != 0)
			return err;
		p = eol + 1;
	}
	return 0;
}

struct cosig_check {
	const char *text;
	size_t text_len;
	sdx_cosigner *const *cs;
	size_t n;
	uint64_t *times;
};

static int check_line(void *ctx, const char *name, size_t nlen, const unsigned char *raw,
		      size_t rlen)
{
	struct cosig_check *k = ctx;
	uint32_t keyid = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
			 (uint32_t)raw[2] << 8 | raw[3];
	unsigned char *msg = NULL;
	uint64_t time = 0;
	size_t i, mlen;
	int j, err;

	for (i = 0; i < k->n; i++) {
		const sdx_cosigner *c = k->cs[i];
		if (c->keyid != keyid || strlen(c->name) != nlen || memcmp(c->name, name, nlen))
			continue;
		if (rlen != COSIG_LEN)
			return sdx_error_set(SDX_EVERIFY, "note: cosignature by '%s' has the wrong "
					     "length", c->name);
		for (j = 0; j < 8; j++)
			time = time << 8 | raw[4 + j];
		if (time == 0 || time > INT64_MAX)
			return sdx_error_set(SDX_EVERIFY, "note: cosignature by '%s': time %s",
					     c->name, time ? "past 2^63 - 1" : "0");
		if ((err = message(&msg, &mlen, k->text, k->text_len, time)) < 0)
			return err;
		err = crypto_sign_verify_detached(raw + 12, msg, mlen, c->pk);
		free(msg);
		if (err != 0)
			return sdx_error_set(SDX_EVERIFY, "note: cosignature by '%s' does not verify",
					     c->name);
		if (time > k->times[i])
			k->times[i] = time;
	}
	return 0;
}

int sdx_note_cosignatures(uint64_t *times, const char *note, size_t len,
			  sdx_cosigner *const *cs, size_t n)
{
	struct cosig_check k = { note, 0, cs, n, times };
	size_t text_len;

	memset(times, 0, n * sizeof(*times));
	if (len > SDX_NOTE_MAX)
		return sdx_error_set(SDX_ELIMIT, "note: longer than %d bytes", SDX_NOTE_MAX);
	/* the text is known once the signature lines are found: a first pass */
	if (sdx__note_signatures(note, len, &text_len, sdx__sig_any, NULL) < 0)
		return SDX_EFORMAT;
	k.text_len = text_len;
	return sdx__note_signatures(note, len, &text_len, check_line, &k);
}

int sdx__sig_any(void *ctx, const char *name, size_t nlen, const unsigned char *raw,
		 size_t rlen)
{
	(void)ctx;
	(void)name;
	(void)nlen;
	(void)raw;
	(void)rlen;
	return 0;
}

int sdx__proof_text(char **out, size_t *out_len, const char *head,
		    const unsigned char (*proof)[32], size_t n, char *note, size_t nlen)
{
	size_t cap = strlen(head) + n * 46 + 1 + nlen + 1, i;
	char *buf, b64[45];

	*out = NULL;
	if (!(buf = malloc(cap))) {
		free(note);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	i = (size_t)snprintf(buf, cap, "%s", head);
	for (size_t k = 0; k < n; k++) {
		sodium_bin2base64(b64, sizeof(b64), proof[k], 32, sodium_base64_VARIANT_ORIGINAL);
		i += (size_t)snprintf(buf + i, cap - i, "%s\n", b64);
	}
	buf[i++] = '\n';
	memcpy(buf + i, note, nlen);
	i += nlen;
	buf[i] = '\0';
	free(note);
	*out = buf;
	if (out_len)
		*out_len = i;
	return 0;
}
