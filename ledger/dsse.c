/*
 * ledger/dsse.c - DSSE v1 envelopes: PAE, signing, strict parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ledger/internal.h"
#include "ledger/entry.h"
#include "sdx/dsse.h"

int sdx_dsse_pae(unsigned char **out, size_t *out_len, const char *type, const void *body,
		 size_t len)
{
	size_t tlen = strlen(type), cap = tlen + len + 64, n;
	unsigned char *buf;

	*out = NULL;
	if (!(buf = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n = (size_t)snprintf((char *)buf, cap, "DSSEv1 %zu %s %zu ", tlen, type, len);
	memcpy(buf + n, body, len);
	*out = buf;
	*out_len = n + len;
	return 0;
}

/* Strings that need no JSON escaping: printable ASCII other than '"' and '\\'. */
static int plain_ascii(const char *s)
{
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e || *s == '"' || *s == '\\')
			return 0;
	return 1;
}

int sdx__dsse_envelope(char **out, size_t *out_len, const char *type, const void *payload,
		       size_t len, const char *keyid, const unsigned char sig[64])
{
	static const char k1[] = "{\"payload\":\"", k2[] = "\",\"payloadType\":\"",
		k3[] = "\",\"signatures\":[{\"keyid\":\"", k4[] = "\",\"sig\":\"", k5[] = "\"}]}";
	size_t b64len, tlen = strlen(type), klen = strlen(keyid), cap, n;
	char *buf = NULL;

	*out = NULL;
	/* The envelope is written directly in canonical form (keys sorted, no
	 * whitespace): base64 never needs escaping, and the two strings are
	 * required to be plain ASCII, so no JSON encoder pass over the payload. */
	if (!plain_ascii(type) || !plain_ascii(keyid))
		return sdx_error_set(SDX_EINVAL, "payloadType and keyid must be printable ASCII "
				     "without quotes or backslashes");
	b64len = (len + 2) / 3 * 4 + 1;
	cap = b64len + tlen + klen + 128 + sizeof(k1) + sizeof(k2) + sizeof(k3) + sizeof(k4) +
	      sizeof(k5);
	if (!(buf = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n = sizeof(k1) - 1;
	memcpy(buf, k1, n);
	n += sdx__b64_encode_to(buf + n, payload, len);
	memcpy(buf + n, k2, sizeof(k2) - 1);
	n += sizeof(k2) - 1;
	memcpy(buf + n, type, tlen);
	n += tlen;
	memcpy(buf + n, k3, sizeof(k3) - 1);
	n += sizeof(k3) - 1;
	memcpy(buf + n, keyid, klen);
	n += klen;
	memcpy(buf + n, k4, sizeof(k4) - 1);
	n += sizeof(k4) - 1;
	n += sdx__b64_encode_to(buf + n, sig, 64);
	memcpy(buf + n, k5, sizeof(k5));
	n += sizeof(k5) - 1;
	*out = buf;
	if (out_len)
		*out_len = n;
	return 0;
}

int sdx__dsse_sign_detached(unsigned char sig[64], const char *type, const void *payload,
			    size_t len, const sdx_signer *s)
{
	unsigned char *pae = NULL;
	size_t plen;
	int err;

	if ((err = sdx_dsse_pae(&pae, &plen, type, payload, len)) < 0)
		return err;
	err = sdx_signer_sign(sig, s, pae, plen);
	free(pae);
	return err;
}

int sdx_dsse_sign(char **out, size_t *out_len, const char *type, const void *payload,
		  size_t len, const char *keyid, const sdx_signer *s)
{
	unsigned char sig[64];
	int err;

	*out = NULL;
	if (!plain_ascii(type) || !plain_ascii(keyid))
		return sdx_error_set(SDX_EINVAL, "payloadType and keyid must be printable ASCII "
				     "without quotes or backslashes");
	if ((err = sdx__dsse_sign_detached(sig, type, payload, len, s)) < 0)
		return err;
	return sdx__dsse_envelope(out, out_len, type, payload, len, keyid, sig);
}

void sdx_dsse_envelope_free(sdx_dsse_envelope *e)
{
	if (!e)
		return;
	free(e->payload_type);
	free(e->payload);
	free(e->keyid);
	free(e);
}

static const char *get_string(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

int sdx_dsse_parse(sdx_dsse_envelope **out, const void *data, size_t len)
{
	return sdx_dsse_parse_max(out, data, len, SDX_DSSE_MAX_ENVELOPE);
}

/* The next field of the canonical layout: lit, then a string up to '"'. */
static const char *field(const char *p, const char *end, const char *lit, const char **val,
			 size_t *vlen)
{
	size_t n = strlen(lit);
	const char *q;

	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		return NULL;
	p += n;
	if (!(q = memchr(p, '"', (size_t)(end - p))))
		return NULL;
	*val = p;
	*vlen = (size_t)(q - p);
	return q;
}

static char *plain_dup(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '\\')
			return NULL;
	return strndup(s, n);
}

/*
 * Envelopes as sdx_dsse_sign() writes them (keys sorted, no whitespace, no
 * escapes) are read without building a JSON tree: 1 if read, 0 if the bytes
 * are laid out in any other way (then the JSON parser decides), or an error.
 * A string with an escape, a control or a non-ASCII byte is "any other way",
 * so both paths give the same values for the same bytes.
 */
static int parse_canonical(sdx_dsse_envelope **out, const char *d, size_t len)
{
	const char *end = d + len, *p = d, *pl, *ty, *ki, *sg;
	size_t pll, tyl, kil, sgl, n = 0;
	unsigned char sb[66];
	sdx_dsse_envelope *e;

	if (!(p = field(p, end, "{\"payload\":\"", &pl, &pll)) ||
	    !(p = field(p, end, "\",\"payloadType\":\"", &ty, &tyl)) ||
	    !(p = field(p, end, "\",\"signatures\":[{\"keyid\":\"", &ki, &kil)) ||
	    !(p = field(p, end, "\",\"sig\":\"", &sg, &sgl)) ||
	    (size_t)(end - p) != 4 || memcmp(p, "\"}]}", 4) != 0 || memchr(pl, '\\', pll))
		return 0;
	if (!(e = calloc(1, sizeof(*e))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (!(e->payload_type = plain_dup(ty, tyl)) || !(e->keyid = plain_dup(ki, kil)) ||
	    !(e->payload = malloc(pll / 4 * 3 + 1)) ||
	    sdx__b64_decode_to(e->payload, pll / 4 * 3, &e->payload_len, pl, pll) < 0 ||
	    sgl != 88 || sdx__b64_decode_to(sb, sizeof(sb), &n, sg, sgl) < 0 ||
	    n != sizeof(e->sig)) {
		/* the JSON path gives the precise message, or ENOMEM again */
		sdx_dsse_envelope_free(e);
		sdx_error_clear();
		return 0;
	}
	memcpy(e->sig, sb, sizeof(e->sig));
	e->payload[e->payload_len] = '\0';
	*out = e;
	return 1;
}

int sdx_dsse_parse_max(sdx_dsse_envelope **out, const void *data, size_t len, size_t max)
{
	sdx_dsse_envelope *e = NULL;
	json_t *j = NULL, *sigs, *sig;
	const char *payload, *type, *keyid, *s64;
	int err;

	*out = NULL;
	if (len > max)
		return sdx_error_set(SDX_ELIMIT, "envelope of %zu bytes exceeds %zu", len, max);
	if ((err = parse_canonical(out, data, len)) != 0)
		return err < 0 ? err : 0;
	if ((err = sdx__json_parse(&j, data, len, 4, "envelope")) < 0)
		return err;
	if (!json_is_object(j) || json_object_size(j) != 3) {
		err = sdx_error_set(SDX_EFORMAT, "envelope: not an object of payload, payloadType "
				    "and signatures");
		goto done;
	}
	payload = get_string(j, "payload");
	type = get_string(j, "payloadType");
	sigs = json_object_get(j, "signatures");
	if (!payload || !type) {
		err = sdx_error_set(SDX_EFORMAT, "envelope: field '%s' missing or not a string",
				    payload ? "payloadType" : "payload");
		goto done;
	}
	if (!json_is_array(sigs) || json_array_size(sigs) != 1) {
		err = sdx_error_set(SDX_EFORMAT, "envelope: field 'signatures' must hold exactly one "
				    "signature");
		goto done;
	}
	sig = json_array_get(sigs, 0);
	keyid = get_string(sig, "keyid");
	s64 = get_string(sig, "sig");
	if (!json_is_object(sig) || json_object_size(sig) != 2 || !keyid || !s64) {
		err = sdx_error_set(SDX_EFORMAT, "envelope: signatures[0] must have exactly keyid "
				    "and sig strings");
		goto done;
	}
	if (!(e = calloc(1, sizeof(*e))) || !(e->payload_type = strdup(type)) ||
	    !(e->keyid = strdup(keyid))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__b64_decode(&e->payload, &e->payload_len, payload, strlen(payload))) < 0) {
		err = sdx__error_prefix(SDX_EFORMAT, "envelope: payload");
		goto done;
	}
	if ((err = sdx__b64_decode_fixed(e->sig, 64, s64, strlen(s64))) < 0) {
		err = sdx__error_prefix(SDX_EFORMAT, "envelope: signatures[0].sig");
		goto done;
	}
	*out = e;
	e = NULL;
done:
	sdx_dsse_envelope_free(e);
	json_decref(j);
	return err;
}

int sdx_dsse_verify(const sdx_dsse_envelope *e, const sdx_verifier *v)
{
	unsigned char *pae = NULL;
	size_t plen;
	int err;

	if ((err = sdx_dsse_pae(&pae, &plen, e->payload_type, e->payload, e->payload_len)) < 0)
		return err;
	err = sdx_verifier_verify(v, e->sig, pae, plen);
	free(pae);
	return err;
}
