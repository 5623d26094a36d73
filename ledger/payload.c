/*
 * ledger/payload.c - entry payloads: which version an envelope carries, the
 * header read by position from the exact layout sdx writes, and the
 * "attachments" list of version 2 (formats/ledger.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"
#include "sdx/ledger.h"

int sdx__payload_version(const char *payload_type)
{
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V2) == 0)
		return 2;
	if (strcmp(payload_type, SDX_ENTRY_PAYLOAD_TYPE_V1) == 0)
		return 1;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int sdx__hex32_parse(unsigned char out[32], const char *s)
{
	return s && strlen(s) == 64 ? sdx__hex32_at(out, s) : -1;
}

int sdx__field_is(const char *f, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(f, s, n) == 0;
}

int sdx__hex32_at(unsigned char out[32], const char *s)
{
	size_t i;

	for (i = 0; i < 32; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* A cursor over the payload; every step either matches or fails. */
struct cur {
	const char *p, *end;
};

static int lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* A run of 1..max characters from `set`, ended by '"' (not consumed). */
static int run(struct cur *c, const char *set, size_t max, const char **s, size_t *n)
{
	const char *q = c->p;

	while (q < c->end && *q && *q != '"' && (size_t)(q - c->p) <= max && strchr(set, *q))
		q++;
	if (q == c->p || q >= c->end || *q != '"' || (size_t)(q - c->p) > max)
		return -1;
	*s = c->p;
	*n = (size_t)(q - c->p);
	c->p = q;
	return 0;
}

#define ORIGIN_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-/:"
#define KEYID_CHARS ORIGIN_CHARS "+"
#define TYPE_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_-"

/* The fixed-shape members after the body, from `,"key":"` to the end. */
static int tail(struct cur *c, struct sdx__payload *h, int version)
{
	const char *t;
	size_t i, n;
	uint64_t seq = 0;

	if (lit(c, ",\"key\":\"") < 0 || run(c, KEYID_CHARS, SDX_NAME_MAX + 9, &h->key, &h->key_len) < 0 ||
	    lit(c, "\",\"origin\":\"") < 0 ||
	    run(c, ORIGIN_CHARS, SDX_NAME_MAX, &h->origin, &h->origin_len) < 0 ||
	    lit(c, "\",\"prev\":\"") < 0 || c->end - c->p < 64 || sdx__hex32_at(h->prev, c->p) < 0)
		return -1;
	c->p += 64;
	if (lit(c, "\",\"seq\":") < 0)
		return -1;
	for (n = 0; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++, n++) {
		unsigned d = (unsigned)(*c->p - '0');
		if (seq > (UINT64_MAX - d) / 10)
			return -1;
		seq = seq * 10 + d;
	}
	/* digits, no leading zero, and below 2^63 (a JSON integer jansson reads) */
	if (n == 0 || (n > 1 && c->p[-(ptrdiff_t)n] == '0') || seq > INT64_MAX)
		return -1;
	h->seq = seq;
	if (lit(c, ",\"time\":\"") < 0 || c->end - c->p < 20)
		return -1;
	t = c->p;
	for (i = 0; i < 20; i++)
		if (!("dddd-dd-ddTdd:dd:ddZ"[i] == 'd' ? t[i] >= '0' && t[i] <= '9'
							: t[i] == "dddd-dd-ddTdd:dd:ddZ"[i]))
			return -1;
	memcpy(h->time, t, 20);
	h->time[20] = '\0';
	c->p += 20;
	if (lit(c, "\",\"type\":\"") < 0 || run(c, TYPE_CHARS, SDX_TYPE_MAX, &h->type, &h->type_len) < 0 ||
	    lit(c, version == 2 ? "\",\"version\":2}" : "\",\"version\":1}") < 0 || c->p != c->end)
		return -1;
	return 0;
}

int sdx__payload_read(struct sdx__payload *h, const char *pl, size_t len, int version)
{
	static const char key[] = ",\"key\":\"";
	struct cur c = { pl, pl + len };
	const char *k, *stop;

	memset(h, 0, sizeof(*h));
	h->version = version;
	if (version == 2) {
		if (lit(&c, "{\"attachments\":[") < 0)
			return 0;
		h->atts = c.p + 1;
		while (lit(&c, "]") < 0) {
			unsigned char prev[32], cur[32];
			if ((h->natts && lit(&c, ",") < 0) || lit(&c, "\"") < 0 ||
			    c.end - c.p < 65 || sdx__hex32_at(cur, c.p) < 0 || c.p[64] != '"')
				return 0;
			/* strictly ascending: sorted and no hash twice */
			if (h->natts && (sdx__hex32_at(prev, c.p - 67) < 0 || memcmp(prev, cur, 32) >= 0))
				return 0;
			c.p += 65;
			h->natts++;
		}
		if (lit(&c, ",\"body\":{") < 0)
			return 0;
	} else if (version != 1 || lit(&c, "{\"body\":{") < 0) {
		return 0;
	}
	h->body = c.p - 1;
	/* The header after the body holds no '"' of its own making but those
	 * around its strings: the last `,"key":"` is where it starts. */
	stop = c.p;
	for (k = c.end - (sizeof(key) - 1); k > stop; k--)
		if (*k == ',' && memcmp(k, key, sizeof(key) - 1) == 0)
			break;
	if (k <= stop || k[-1] != '}')
		return 0;
	h->body_len = (size_t)(k - h->body);
	c.p = k;
	return tail(&c, h, version) < 0 ? 0 : 1;
}

void sdx__payload_attachment(unsigned char out[32], const struct sdx__payload *h, size_t i)
{
	(void)sdx__hex32_at(out, h->atts + 67 * i);
}

int sdx__payload_atts_json(unsigned char (**out)[32], size_t *count, const json_t *list)
{
	unsigned char (*h)[32] = NULL;
	size_t i, n;
	const char *s;

	*out = NULL;
	*count = 0;
	if (!json_is_array(list))
		return sdx_error_set(SDX_EFORMAT, "payload: field 'attachments' is not an array");
	n = json_array_size(list);
	if (n && !(h = malloc(n * sizeof(*h))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		s = json_string_value(json_array_get(list, i));
		if (!s || strlen(s) != 64 || sdx__hex32_at(h[i], s) < 0) {
			free(h);
			return sdx_error_set(SDX_EFORMAT, "payload: attachments[%zu] is not 64 "
					     "lowercase hex digits", i);
		}
		if (i && memcmp(h[i - 1], h[i], 32) >= 0) {
			free(h);
			return sdx_error_set(SDX_EFORMAT, "payload: attachments[%zu] is out of order "
					     "or repeated (the list is sorted, each hash once)", i);
		}
	}
	*out = h;
	*count = n;
	return 0;
}
