/*
 * ledger/note.c - Ed25519 signers and verifiers in C2SP signed-note form,
 * signed notes and C2SP tlog-checkpoints.  See include/sdx/note.h and
 * formats/signed-note.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/internal.h"
#include "sdx/note.h"

#define ALG_ED25519 0x01
#define MAX_SIGS 100
static const char sig_prefix[] = "\xe2\x80\x94 "; /* U+2014 EM DASH, space */

struct sdx_signer {
	char *name;
	uint32_t keyid;
	unsigned char pk[32];
	unsigned char *sk; /* 64 bytes (seed || pk) in sodium_malloc memory */
};

struct sdx_verifier {
	char *name;
	uint32_t keyid;
	unsigned char pk[32];
};

int sdx__utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (size_t k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

/* A key name: non-empty, valid UTF-8, no whitespace, control characters or '+'. */
static int valid_name(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > SDX_NAME_MAX || !sdx__utf8_valid((const unsigned char *)name, n))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c <= 0x20 || c == 0x7f || c == '+')
			return 0;
	}
	return 1;
}

uint32_t sdx_note_keyid(const char *name, const unsigned char pk[32])
{
	sdx__sha256_ctx h = { 0 };
	unsigned char alg = ALG_ED25519, nl = '\n', out[32];

	sdx__sha256_init(&h);
	sdx__sha256_update(&h, (const unsigned char *)name, strlen(name));
	sdx__sha256_update(&h, &nl, 1);
	sdx__sha256_update(&h, &alg, 1);
	sdx__sha256_update(&h, pk, 32);
	sdx__sha256_final(&h, out);
	return (uint32_t)out[0] << 24 | (uint32_t)out[1] << 16 | (uint32_t)out[2] << 8 | out[3];
}

int sdx_signer_from_seed(sdx_signer **out, const char *name, const unsigned char seed[32])
{
	sdx_signer *s = NULL;
	int err;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (!valid_name(name))
		return sdx_error_set(SDX_EINVAL, "invalid key name '%.80s': it must be non-empty "
				     "UTF-8 without spaces or '+'", name);
	if (!(s = calloc(1, sizeof(*s))) || !(s->name = strdup(name)) ||
	    !(s->sk = sodium_malloc(crypto_sign_SECRETKEYBYTES))) {
		sdx_signer_free(s);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	crypto_sign_seed_keypair(s->pk, s->sk, seed);
	s->keyid = sdx_note_keyid(name, s->pk);
	*out = s;
	return 0;
}

int sdx_signer_generate(sdx_signer **out, const char *name)
{
	unsigned char *seed;
	int err;

	if ((err = sdx__init()) < 0)
		return err;
	if (!(seed = sodium_malloc(32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	randombytes_buf(seed, 32);
	err = sdx_signer_from_seed(out, name, seed);
	sodium_free(seed);
	return err;
}

/* Split "a+b+c" into exactly three parts (the name cannot contain '+'). */
static int split3(const char *s, const char **name, size_t *name_len, char hex[9],
		  const char **b64)
{
	const char *p1 = strchr(s, '+'), *p2;

	if (!p1 || !(p2 = strchr(p1 + 1, '+')))
		return -1;
	if (p2 - p1 - 1 != 8 || strspn(p1 + 1, "0123456789abcdef") < 8)
		return -1;
	memcpy(hex, p1 + 1, 8);
	hex[8] = '\0';
	*name = s;
	*name_len = (size_t)(p1 - s);
	*b64 = p2 + 1;
	return 0;
}

/* Decode base64(0x01 || 32 bytes) into out. */
static int decode_key(unsigned char out[32], const char *b64)
{
	unsigned char buf[33];
	int err;

	if ((err = sdx__b64_decode_fixed(buf, 33, b64, strlen(b64))) < 0)
		return err;
	if (buf[0] != ALG_ED25519) {
		sodium_memzero(buf, sizeof(buf));
		return sdx_error_set(SDX_EFORMAT, "key algorithm %u is not Ed25519 (1)", buf[0]);
	}
	memcpy(out, buf + 1, 32);
	sodium_memzero(buf, sizeof(buf));
	return 0;
}

int sdx_signer_parse(sdx_signer **out, const char *skey)
{
	static const char prefix[] = "PRIVATE+KEY+";
	const char *name, *b64;
	char hex[9], nm[SDX_NAME_MAX + 1];
	unsigned char *seed = NULL;
	size_t nlen;
	int err;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (strncmp(skey, prefix, sizeof(prefix) - 1) != 0 ||
	    split3(skey + sizeof(prefix) - 1, &name, &nlen, hex, &b64) < 0 || nlen > SDX_NAME_MAX)
		return sdx_error_set(SDX_EFORMAT, "signer key: not of the form "
				     "PRIVATE+KEY+name+keyid+base64");
	memcpy(nm, name, nlen);
	nm[nlen] = '\0';
	if (!(seed = sodium_malloc(32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = decode_key(seed, b64)) < 0) {
		err = sdx__error_prefix(SDX_EFORMAT, "signer key");
		goto done;
	}
	if ((err = sdx_signer_from_seed(out, nm, seed)) < 0)
		goto done;
	if (strtoul(hex, NULL, 16) != (*out)->keyid) {
		sdx_signer_free(*out);
		*out = NULL;
		err = sdx_error_set(SDX_EFORMAT, "signer key: key id %s does not match the key", hex);
	}
done:
	sodium_free(seed);
	return err;
}

void sdx_signer_free(sdx_signer *s)
{
	if (!s)
		return;
	if (s->sk)
		sodium_free(s->sk); /* sodium_free wipes */
	free(s->name);
	free(s);
}

const char *sdx_signer_name(const sdx_signer *s)
{
	return s->name;
}

uint32_t sdx_signer_keyid(const sdx_signer *s)
{
	return s->keyid;
}

const unsigned char *sdx_signer_public_key(const sdx_signer *s)
{
	return s->pk;
}

const unsigned char *sdx_signer_seed(const sdx_signer *s)
{
	return s->sk; /* libsodium's secret key starts with the seed */
}

int sdx_signer_verifier(sdx_verifier **out, const sdx_signer *s)
{
	return sdx_verifier_new(out, s->name, s->pk);
}

int sdx_signer_sign(unsigned char sig[64], const sdx_signer *s, const void *msg, size_t len)
{
	if (crypto_sign_detached(sig, NULL, msg, len, s->sk) != 0)
		return sdx_error_set(SDX_ERROR, "signing failed");
	return 0;
}

int sdx_verifier_new(sdx_verifier **out, const char *name, const unsigned char pk[32])
{
	sdx_verifier *v;

	*out = NULL;
	if (!valid_name(name))
		return sdx_error_set(SDX_EINVAL, "invalid key name '%.80s'", name);
	if (!(v = calloc(1, sizeof(*v))) || !(v->name = strdup(name))) {
		free(v);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(v->pk, pk, 32);
	v->keyid = sdx_note_keyid(name, pk);
	*out = v;
	return 0;
}

int sdx_verifier_parse(sdx_verifier **out, const char *vkey)
{
	const char *name, *b64;
	char hex[9], nm[SDX_NAME_MAX + 1];
	unsigned char pk[32];
	size_t nlen;
	int err;

	*out = NULL;
	if (strlen(vkey) > SDX_NAME_MAX + 64 || split3(vkey, &name, &nlen, hex, &b64) < 0 ||
	    nlen > SDX_NAME_MAX)
		return sdx_error_set(SDX_EFORMAT, "verifier key '%.80s': not of the form "
				     "name+keyid+base64", vkey);
	memcpy(nm, name, nlen);
	nm[nlen] = '\0';
	if ((err = decode_key(pk, b64)) < 0)
		return sdx__error_prefix(SDX_EFORMAT, "verifier key");
	if ((err = sdx_verifier_new(out, nm, pk)) < 0)
		return err;
	if (strtoul(hex, NULL, 16) != (*out)->keyid) {
		sdx_verifier_free(*out);
		*out = NULL;
		return sdx_error_set(SDX_EFORMAT, "verifier key '%.80s': key id %s does not match "
				     "the key", nm, hex);
	}
	return 0;
}

void sdx_verifier_free(sdx_verifier *v)
{
	if (!v)
		return;
	free(v->name);
	free(v);
}

const char *sdx_verifier_name(const sdx_verifier *v)
{
	return v->name;
}

uint32_t sdx_verifier_keyid(const sdx_verifier *v)
{
	return v->keyid;
}

const unsigned char *sdx_verifier_public_key(const sdx_verifier *v)
{
	return v->pk;
}

int sdx_verifier_format(char **out, const sdx_verifier *v)
{
	unsigned char buf[33];
	char b64[64];
	size_t n = strlen(v->name) + 8 + 2 + sizeof(b64);

	buf[0] = ALG_ED25519;
	memcpy(buf + 1, v->pk, 32);
	sodium_bin2base64(b64, sizeof(b64), buf, 33, sodium_base64_VARIANT_ORIGINAL);
	if (!(*out = malloc(n)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(*out, n, "%s+%08" PRIx32 "+%s", v->name, v->keyid, b64);
	return 0;
}

int sdx_verifier_verify(const sdx_verifier *v, const unsigned char sig[64], const void *msg,
			size_t len)
{
	if (crypto_sign_verify_detached(sig, msg, len, v->pk) != 0)
		return sdx_error_set(SDX_EVERIFY, "signature by '%s' does not verify", v->name);
	return 0;
}

int sdx_key_fingerprint(char *out, size_t cap, const unsigned char pk[32])
{
	unsigned char h[32];
	char hex[65];
	size_t i, o = 0;

	if (cap < 80)
		return sdx_error_set(SDX_ELIMIT, "fingerprint buffer too small");
	sdx__sha256(h, pk, 32);
	sodium_bin2hex(hex, sizeof(hex), h, 32);
	for (i = 0; i < 16; i++) {
		memcpy(out + o, hex + 4 * i, 4);
		o += 4;
		out[o++] = i < 15 ? ' ' : '\0';
	}
	return 0;
}

/* Text rules shared by signing and verifying: non-empty, ends in "\n",
 * UTF-8, no control characters but newline. */
static int check_text(const char *text, size_t len)
{
	size_t i;

	if (len == 0 || text[len - 1] != '\n')
		return sdx_error_set(SDX_EFORMAT, "note: text must be non-empty and end with a newline");
	if (!sdx__utf8_valid((const unsigned char *)text, len))
		return sdx_error_set(SDX_EFORMAT, "note: text is not valid UTF-8");
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return sdx_error_set(SDX_EFORMAT, "note: text contains a control character");
	}
	return 0;
}

int sdx_note_sign(char **out, size_t *out_len, const char *text, size_t len,
		  const sdx_signer *s)
{
	unsigned char sig[68];
	char b64[128];
	size_t cap, n;
	int err;

	*out = NULL;
	if (len > SDX_NOTE_MAX)
		return sdx_error_set(SDX_ELIMIT, "note: text longer than %d bytes", SDX_NOTE_MAX);
	if ((err = check_text(text, len)) < 0)
		return err;
	if (len >= 2 && text[len - 2] == '\n')
		return sdx_error_set(SDX_EFORMAT, "note: text must not end with a blank line");
	sig[0] = (unsigned char)(s->keyid >> 24);
	sig[1] = (unsigned char)(s->keyid >> 16);
	sig[2] = (unsigned char)(s->keyid >> 8);
	sig[3] = (unsigned char)s->keyid;
	if ((err = sdx_signer_sign(sig + 4, s, text, len)) < 0)
		return err;
	sodium_bin2base64(b64, sizeof(b64), sig, sizeof(sig), sodium_base64_VARIANT_ORIGINAL);
	cap = len + 1 + sizeof(sig_prefix) + strlen(s->name) + 1 + strlen(b64) + 2;
	if (!(*out = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(*out, text, len);
	n = len;
	n += (size_t)snprintf(*out + n, cap - n, "\n%s%s %s\n", sig_prefix, s->name, b64);
	if (out_len)
		*out_len = n;
	return 0;
}

int sdx_note_verify(size_t *text_len, size_t *signer, const char *note, size_t len,
		    sdx_verifier *const *vs, size_t nvs)
{
	const char *p, *end = note + len, *split = NULL;
	size_t tlen, nsigs = 0, i;
	int good = 0, err;

	if (len > SDX_NOTE_MAX)
		return sdx_error_set(SDX_ELIMIT, "note: longer than %d bytes", SDX_NOTE_MAX);
	/* The signatures start after the last blank line. */
	for (p = note; p + 1 < end; p++)
		if (p[0] == '\n' && p[1] == '\n')
			split = p;
	if (!split)
		return sdx_error_set(SDX_EFORMAT, "note: no blank line before the signatures");
	tlen = (size_t)(split - note) + 1;
	if ((err = check_text(note, tlen)) < 0)
		return err;
	p = split + 2;
	if (p == end || end[-1] != '\n')
		return sdx_error_set(SDX_EFORMAT, "note: no signature lines, or the last one does "
				     "not end with a newline");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *sp, *b64;
		unsigned char sig[68];
		size_t nlen, blen;
		uint32_t keyid;

		nsigs++;
		if (nsigs > MAX_SIGS)
			return sdx_error_set(SDX_ELIMIT, "note: more than %d signatures", MAX_SIGS);
		if ((size_t)(eol - p) < sizeof(sig_prefix) - 1 ||
		    memcmp(p, sig_prefix, sizeof(sig_prefix) - 1) != 0)
			return sdx_error_set(SDX_EFORMAT, "note: signature line %zu does not start "
					     "with an em dash and a space", nsigs);
		p += sizeof(sig_prefix) - 1;
		sp = memchr(p, ' ', (size_t)(eol - p));
		if (!sp || sp == p || memchr(sp + 1, ' ', (size_t)(eol - sp - 1)))
			return sdx_error_set(SDX_EFORMAT, "note: signature line %zu is not "
					     "'name base64'", nsigs);
		nlen = (size_t)(sp - p);
		b64 = sp + 1;
		blen = (size_t)(eol - b64);
		{
			unsigned char *raw = NULL;
			size_t rlen = 0;
			if (sdx__b64_decode(&raw, &rlen, b64, blen) < 0 || rlen < 5) {
				free(raw);
				return sdx_error_set(SDX_EFORMAT, "note: signature line %zu: bad base64",
						     nsigs);
			}
			keyid = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
				(uint32_t)raw[2] << 8 | raw[3];
			for (i = 0; i < nvs; i++) {
				if (vs[i]->keyid != keyid || strlen(vs[i]->name) != nlen ||
				    memcmp(vs[i]->name, p, nlen) != 0)
					continue;
				if (rlen != sizeof(sig)) {
					free(raw);
					return sdx_error_set(SDX_EVERIFY, "note: signature by '%s' has "
							     "the wrong length", vs[i]->name);
				}
				memcpy(sig, raw, sizeof(sig));
				if (crypto_sign_verify_detached(sig + 4, (const unsigned char *)note,
								tlen, vs[i]->pk) != 0) {
					free(raw);
					return sdx_error_set(SDX_EVERIFY, "note: signature by '%s' does "
							     "not verify", vs[i]->name);
				}
				if (!good && signer)
					*signer = i;
				good = 1;
			}
			free(raw);
		}
		p = eol + 1;
	}
	if (!good)
		return sdx_error_set(SDX_EUNTRUSTED, "note: no signature by a known key");
	if (text_len)
		*text_len = tlen;
	return 0;
}

int sdx_checkpoint_format(char **out, size_t *out_len, const char *origin, uint64_t size,
			  const unsigned char root[32])
{
	char b64[48];
	size_t cap = strlen(origin) + 80;
	int n;

	if (!valid_name(origin))
		return sdx_error_set(SDX_EINVAL, "invalid origin '%.80s'", origin);
	sodium_bin2base64(b64, sizeof(b64), root, 32, sodium_base64_VARIANT_ORIGINAL);
	if (!(*out = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n = snprintf(*out, cap, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
	if (out_len)
		*out_len = (size_t)n;
	return 0;
}

int sdx_checkpoint_parse(sdx_checkpoint *out, const char *text, size_t len)
{
	const char *p = text, *end, *nl;
	uint64_t size = 0;
	size_t n, i;
	int err;

	/* a whole note: only the text before the first blank line */
	for (end = text; end + 1 < text + len; end++)
		if (end[0] == '\n' && end[1] == '\n')
			break;
	end = (end + 1 < text + len) ? end + 1 : text + len;
	if ((err = check_text(text, (size_t)(end - text))) < 0)
		return sdx__error_prefix(SDX_EFORMAT, "checkpoint");
	/* origin */
	nl = memchr(p, '\n', (size_t)(end - p));
	n = (size_t)(nl - p);
	if (n == 0 || n > SDX_NAME_MAX)
		return sdx_error_set(SDX_EFORMAT, "checkpoint: line 1: origin is empty or too long");
	memcpy(out->origin, p, n);
	out->origin[n] = '\0';
	p = nl + 1;
	/* size */
	if (p >= end || !(nl = memchr(p, '\n', (size_t)(end - p))))
		return sdx_error_set(SDX_EFORMAT, "checkpoint: line 2: missing tree size");
	n = (size_t)(nl - p);
	if (n == 0 || n > 20 || (n > 1 && p[0] == '0'))
		return sdx_error_set(SDX_EFORMAT, "checkpoint: line 2: bad tree size");
	for (i = 0; i < n; i++) {
		unsigned d;
		if (p[i] < '0' || p[i] > '9')
			return sdx_error_set(SDX_EFORMAT, "checkpoint: line 2: bad tree size");
		d = (unsigned)(p[i] - '0');
		if (size > (UINT64_MAX - d) / 10)
			return sdx_error_set(SDX_EFORMAT, "checkpoint: line 2: tree size overflows");
		size = size * 10 + d;
	}
	out->size = size;
	p = nl + 1;
	/* root */
	if (p >= end || !(nl = memchr(p, '\n', (size_t)(end - p))))
		return sdx_error_set(SDX_EFORMAT, "checkpoint: line 3: missing root hash");
	if (sdx__b64_decode_fixed(out->root, 32, p, (size_t)(nl - p)) < 0)
		return sdx_error_set(SDX_EFORMAT, "checkpoint: line 3: root hash is not base64 of "
				     "32 bytes");
	/* extension lines: any non-empty lines */
	for (p = nl + 1; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p)
			return sdx_error_set(SDX_EFORMAT, "checkpoint: empty extension line");
	}
	return 0;
}
