/*
 * formats/export/ids.c - the identifiers the exports write (formats/epcis.md
 * "Identifiers"): GS1 Digital Link URIs built only from a GTIN or GLN the
 * record holds, checked by their check digit; everything else named under
 * the ledger origin of the party that recorded it; RFC 6920 ni URIs and
 * multibase digests of SHA-256 hashes; UN/ECE Rec 20 unit codes.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sdx/error.h"
#include "formats/embedded.h"
#include "formats/export/export.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

/* RFC 3986 unreserved characters stay, everything else is %XX. */
static int pct_append(char *out, size_t cap, size_t *at, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
		if (*at + (plain ? 1 : 3) >= cap)
			return -1;
		if (plain) {
			out[(*at)++] = (char)c;
		} else {
			out[(*at)++] = '%';
			out[(*at)++] = hex[c >> 4];
			out[(*at)++] = hex[c & 15];
		}
	}
	out[*at] = '\0';
	return 0;
}

/* The origin starts with a host name (letters, digits, '-', '.', with a dot)
 * and an optional :port, then '/' or its end. */
static int origin_is_web(const char *origin)
{
	size_t i = 0, dots = 0;

	for (; origin[i] && origin[i] != '/' && origin[i] != ':'; i++) {
		char c = origin[i];
		if (c == '.')
			dots++;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	if (!dots || i == 0 || origin[0] == '.' || origin[i - 1] == '.')
		return 0;
	if (origin[i] == ':') {
		size_t d = 0;
		for (i++; origin[i] >= '0' && origin[i] <= '9'; i++)
			d++;
		if (!d)
			return 0;
	}
	return origin[i] == '\0' || origin[i] == '/';
}

char *sdx__xp_uri(const char *origin, const char *kind, const char *value)
{
	size_t cap = strlen(origin) + strlen(kind) + 3 * strlen(value) + 32, at;
	char *s = malloc(cap);
	int web = origin_is_web(origin);

	if (!s)
		return NULL;
	if (web)
		at = (size_t)snprintf(s, cap, "https://%s%s%s/", origin,
				      origin[strlen(origin) - 1] == '/' ? "" : "/", kind);
	else
		at = (size_t)snprintf(s, cap, "urn:sdx:ledger:%s:%s:", origin, kind);
	if (pct_append(s, cap, &at, value) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* GS1 mod-10 over digits[0..n-1], the last being the check digit. */
static int gs1_check(const char *d, size_t n)
{
	int sum = 0;

	for (size_t i = 0; i + 1 < n; i++) {
		int v = d[i] - '0';
		sum += ((n - 1 - i) % 2 == 1) ? 3 * v : v;
	}
	return (10 - sum % 10) % 10 == d[n - 1] - '0';
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

/* GS1 AI encodable character set 82, which a lot (AI 10) is written in. */
static int gs1_cset82(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 20)
		return 0;
	for (; *s; s++)
		if (!strchr("!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_"
			    "abcdefghijklmnopqrstuvwxyz", *s))
			return 0;
	return 1;
}

char *sdx__xp_gs1_lot(const char *gtin, const char *lot)
{
	char g14[15], *s;
	size_t n, at, cap;

	if (!gtin || !lot)
		return NULL;
	n = strlen(gtin);
	if ((n != 8 && n != 12 && n != 13 && n != 14) || !all_digits(gtin, n) || !gs1_check(gtin, n) ||
	    !gs1_cset82(lot))
		return NULL;
	memset(g14, '0', 14 - n);
	memcpy(g14 + 14 - n, gtin, n + 1);
	cap = 64 + 3 * strlen(lot);
	if (!(s = malloc(cap)))
		return NULL;
	at = (size_t)snprintf(s, cap, "https://id.gs1.org/01/%s/10/", g14);
	if (pct_append(s, cap, &at, lot) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

char *sdx__xp_gln(const json_t *identifiers, const char *ai)
{
	size_t i;
	json_t *id;

	json_array_foreach(identifiers, i, id) {
		const char *scheme = json_string_value(json_object_get(id, "scheme"));
		const char *v = json_string_value(json_object_get(id, "id"));
		char *s;
		if (!scheme || !v || strcmp(scheme, "GLN") != 0 || strlen(v) != 13 ||
		    !all_digits(v, 13) || !gs1_check(v, 13))
			continue;
		if (!(s = malloc(64)))
			return NULL;
		sdx__text_put(s, 64, "https://id.gs1.org/%s/%s", ai, v);
		return s;
	}
	return NULL;
}

char *sdx__xp_party_uri(const char *origin, const json_t *party)
{
	char *gln = sdx__xp_gln(json_object_get(party, "identifiers"), "417");
	const char *name = json_string_value(json_object_get(party, "name"));

	return gln ? gln : sdx__xp_uri(origin, "party", name ? name : "unnamed");
}

static char *b64url(const unsigned char *data, size_t len, const char *prefix)
{
	size_t pl = strlen(prefix), cap = pl + sodium_base64_encoded_len(len,
					sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *s = malloc(cap);

	if (!s)
		return NULL;
	memcpy(s, prefix, pl);
	sodium_bin2base64(s + pl, cap - pl, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return s;
}

char *sdx__xp_ni(const unsigned char hash[32])
{
	return b64url(hash, 32, "ni:///sha-256;");
}

char *sdx__xp_ni_hex(const char *hex)
{
	unsigned char h[32];

	return hex && sdx__hex32_parse(h, hex) == 0 ? sdx__xp_ni(h) : NULL;
}

char *sdx__xp_multibase_hex(const char *hex)
{
	unsigned char mh[34];

	if (!hex || sdx__hex32_parse(mh + 2, hex) != 0)
		return NULL;
	mh[0] = 0x12; /* multihash sha2-256 */
	mh[1] = 0x20; /* 32 bytes */
	return b64url(mh, sizeof(mh), "u");
}

int sdx__xp_body_hash(unsigned char out[32], const json_t *body)
{
	char *s = NULL;
	size_t n;
	int err;

	if ((err = sdx__json_dump(&s, &n, body)) < 0)
		return err;
	crypto_hash_sha256(out, (const unsigned char *)s, n);
	free(s);
	return 0;
}

void sdx__xp_datetime(char out[21], const char *date, int end)
{
	out[0] = '\0';
	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return;
	sdx__text_put(out, 21, "%sT%sZ", date, end ? "23:59:59" : "00:00:00");
}

const char *sdx__xp_str(const json_t *o, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[64];

	if (!dot)
		return json_string_value(json_object_get(o, path));
	if ((size_t)(dot - path) >= sizeof(head))
		return NULL;
	memcpy(head, path, (size_t)(dot - path));
	head[dot - path] = '\0';
	return sdx__xp_str(json_object_get(o, head), dot + 1);
}

/* ---- the identifiers of records ---- */

char *sdx__xp_batch_uri(const sdx_graph *g, size_t i)
{
	const json_t *b = sdx__graph_body(g, &g->n[i]);
	const char *id = sdx__xp_str(b, "batch_id");
	char *dl = sdx__xp_gs1_lot(sdx__xp_str(b, "product.gtin"), id);

	return dl ? dl : sdx__xp_uri(g->n[i].origin, "batch", id ? id : g->n[i].hex);
}

char *sdx__xp_input_uri(const sdx_graph *g, size_t to, const char *lot)
{
	if (strcmp(g->n[to].type->name, "batch") == 0)
		return sdx__xp_batch_uri(g, to);
	return sdx__xp_uri(g->n[to].origin, "lot", lot ? lot : "");
}

char *sdx__xp_site_uri(const sdx_graph *g, size_t i, const json_t *site)
{
	char *gln = sdx__xp_gln(json_object_get(site, "identifiers"), "414");
	const char *name = sdx__xp_str(site, "name");

	return gln ? gln : sdx__xp_uri(g->n[i].origin, "site", name ? name : "");
}

/* ---- units: formats/export/units.json, compiled in ---- */

static pthread_once_t units_once = PTHREAD_ONCE_INIT;
static json_t *units;

static void units_load(void)
{
	for (size_t i = 0; sdx_embedded_interop[i].name; i++)
		if (strcmp(sdx_embedded_interop[i].name, "units") == 0) {
			json_t *j = json_loadb(sdx_embedded_interop[i].text,
					       sdx_embedded_interop[i].len, 0, NULL);
			units = json_incref(json_object_get(j, "units"));
			json_decref(j);
		}
}

const char *sdx__xp_unit(const char *unit)
{
	const char *code;

	pthread_once(&units_once, units_load);
	code = unit ? json_string_value(json_object_get(units, unit)) : NULL;
	return code ? code : unit;
}

int sdx__xp_dump(char **out, json_t *j, int pretty)
{
	char *s;

	*out = NULL;
	if (!j)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	s = json_dumps(j, (pretty ? JSON_INDENT(2) : JSON_COMPACT) | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!s)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*out = s;
	return 0;
}
