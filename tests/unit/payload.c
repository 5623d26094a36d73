/*
 * tests/unit/payload.c - entry payloads read by position and as strict JSON
 * (ledger/entry.c): wherever the fast reader accepts a payload, the strict
 * path must read the same header from it, and the fast reader must never
 * accept a damaged header.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "ledger/entry.h"
#include "ledger/internal.h"
#include "sdx/ledger.h"
#include "sdx/dsse.h"
#include "sdx/keys.h"

#define KEYID "example.com/acme+0a1b2c3d"
#define ORIGIN "example.com/acme"
#define PREV "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define H1 "0f6acfef83072dea3b5ace2dc79ebcb9adcced9ca515e28440318f96234ee960"
#define H2 "3b4228ae30d26cc109800b61c6adfcd708552081348071f63edcb41aec56043a"
#define H3 "c26d576e33ea821919461a3d9f93ae69982867df1038e3628044a13cf3a7fc42"
/* a body with a member named "key": the header starts at the last `,"key":"` */
#define BODY "{\"a\":[1,2.5,{\"b\":\"\\\"q\\\"\"}],\"key\":\"not the header\"}"
#define TAIL ",\"key\":\"" KEYID "\",\"origin\":\"" ORIGIN "\",\"prev\":\"" PREV "\",\"seq\":1234," \
	     "\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"declaration\",\"version\":"
#define TAIL3 ",\"key\":\"" KEYID "\",\"origin\":\"" ORIGIN "\",\"prev_payload\":\"" PREV "\"," \
	      "\"seq\":1234,\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"declaration\",\"version\":3}"
/* a body holding what the index member starts with: the last one is the index */
#define BODY3 "{\"a\":{\"b\":{},\"index\":{\"edges\":[]}},\"key\":\"not\"}"
#define INDEX3 "{\"edges\":[[0,\"" H1 "\",\"L-1\"],[2,\"" H2 "\",null]],\"ids\":{\"batch_id\":" \
	       "[\"B \xc3\xa9\"],\"lot\":[\"L-1\",\"\"],\"party\":[\"Acme\"]}}"

static const struct sample {
	int version;
	const char *text;
	size_t natts;
} samples[] = {
	{ 1, "{\"body\":" BODY TAIL "1}", 0 },
	{ 2, "{\"attachments\":[],\"body\":" BODY TAIL "2}", 0 },
	{ 2, "{\"attachments\":[\"" H1 "\"],\"body\":" BODY TAIL "2}", 1 },
	{ 2, "{\"attachments\":[\"" H1 "\",\"" H2 "\",\"" H3 "\"],\"body\":{}" TAIL "2}", 3 },
	{ 3, "{\"attachments\":[],\"body\":" BODY ",\"index\":" SDX__INDEX_EMPTY TAIL3, 0 },
	{ 3, "{\"attachments\":[\"" H1 "\"],\"body\":" BODY3 ",\"index\":" INDEX3 TAIL3, 1 },
	{ 3, "{\"attachments\":[],\"body\":{},\"index\":" INDEX3 TAIL3, 0 },
};

/* The keys of two version 3 headers are the same (1), or not (0). */
static int same_keys(const struct sdx__entry_header *a, const struct sdx__entry_header *b)
{
	struct sdx__entry_keys x, y;
	size_t i;
	int ok;

	if (a->version < 3)
		return 1;
	if (sdx__entry_keys_read(&x, a->index, a->index_len) < 0)
		return 0;
	if (sdx__entry_keys_read(&y, b->index, b->index_len) < 0) {
		sdx__entry_keys_free(&x);
		return 0;
	}
	ok = x.nids == y.nids && x.nedges == y.nedges;
	for (i = 0; ok && i < x.nids; i++)
		ok = strcmp(x.ids[i].kind, y.ids[i].kind) == 0 &&
		     strcmp(x.ids[i].value, y.ids[i].value) == 0;
	for (i = 0; ok && i < x.nedges; i++)
		ok = x.edges[i].edge == y.edges[i].edge &&
		     memcmp(x.edges[i].dst, y.edges[i].dst, 32) == 0 &&
		     (x.edges[i].lot ? y.edges[i].lot && strcmp(x.edges[i].lot, y.edges[i].lot) == 0
				     : !y.edges[i].lot);
	sdx__entry_keys_free(&x);
	sdx__entry_keys_free(&y);
	return ok;
}

/*
 * What the strict path makes of the payload agrees with the fast reader: 1 if
 * so, 0 if not, -1 if it is not JSON with the header fields at all.
 */
static int agrees(const struct sdx__entry_header *h, const char *text, size_t len)
{
	struct sdx__entry_header j;
	json_t *p = NULL, *body = NULL;
	json_error_t e;
	int ok;

	if (sdx__entry_header_strict(&j, text, len, h->version) != 0)
		return -1;
	ok = j.version == h->version && strcmp(j.key, h->key) == 0 &&
	     strcmp(j.origin, h->origin) == 0 && strcmp(j.type, h->type) == 0 &&
	     strcmp(j.time, h->time) == 0 && memcmp(j.prev, h->prev, 32) == 0 &&
	     j.seq == h->seq && j.natts == h->natts &&
	     (j.natts == 0 || memcmp(j.atts, h->atts, 32 * j.natts) == 0) && same_keys(h, &j);
	sdx__entry_header_clear(&j);
	/* the body span is the body JSON reads */
	if (sdx__json_parse(&p, text, len, 64, "payload") < 0)
		return -1;
	body = json_loadb(h->body, h->body_len, JSON_REJECT_DUPLICATES, &e);
	ok = ok && body && json_equal(body, json_object_get(p, "body"));
	json_decref(body);
	json_decref(p);
	return ok;
}

/* The fast reader, freeing what an earlier read held. */
static int fast_read(struct sdx__entry_header *h, const char *text, size_t len, int version)
{
	sdx__entry_header_clear(h);
	return sdx__entry_header_fast(h, text, len, version);
}

static void reads_what_sdx_writes(void)
{
	struct sdx__entry_header h = { 0 };
	struct sdx__entry_keys k;
	size_t i;
	int v;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		CHECK(fast_read(&h, s->text, strlen(s->text), s->version) == 1);
		CHECK(h.natts == s->natts && h.seq == 1234);
		CHECK(agrees(&h, s->text, strlen(s->text)) == 1);
		/* another version's layout is not read as this one */
		for (v = 1; v <= 3; v++)
			CHECK(v == s->version || fast_read(&h, s->text, strlen(s->text), v) == 0);
	}
	/* the index member of sample 5 is the last `},"index":{"edges":[`, not the body's */
	CHECK(fast_read(&h, samples[5].text, strlen(samples[5].text), 3) == 1);
	CHECK(h.body_len == strlen(BODY3) && h.index_len == strlen(INDEX3));
	CHECK(sdx__entry_keys_read(&k, h.index, h.index_len) == 0);
	CHECK(k.nids == 4 && k.nedges == 2 && strcmp(k.ids[0].value, "B \xc3\xa9") == 0);
	CHECK(strcmp(k.ids[2].kind, "lot") == 0 && k.ids[2].value[0] == '\0');
	CHECK(k.edges[1].edge == 2 && !k.edges[1].lot && strcmp(k.edges[0].lot, "L-1") == 0);
	sdx__entry_keys_free(&k);
	/* an escape is read as JSON, to the same keys */
	{
		const char *esc = "{\"edges\":[],\"ids\":{\"lot\":[\"a\\\"b\"]}}";
		CHECK(sdx__entry_keys_read(&k, esc, strlen(esc)) == 0);
	}
	CHECK(k.nids == 1 && strcmp(k.ids[0].value, "a\"b") == 0);
	sdx__entry_keys_free(&k);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V1) == 1);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V2) == 2);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V3) == 3);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V4) == 4);
	CHECK(sdx__payload_version("application/vnd.sdx.entry.v5+json") == 0);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE) == 4);
	CHECK(strcmp(sdx__payload_type(4), SDX_ENTRY_PAYLOAD_TYPE_V4) == 0);
	sdx__entry_header_clear(&h);
}

/*
 * Every one-byte change and every one-byte deletion of every sample: where
 * the reader still accepts the payload, JSON reads the same header, or the
 * change is inside the body (which neither the reader nor the signature
 * check parses; --bodies does).
 */
static void every_byte_changed(void)
{
	static const char repl[] = "09afgAF\"\\,:{}[] x-+.Ze\x7f\x80";
	char buf[1024], why[200];
	struct sdx__entry_header h = { 0 };
	size_t i, k, r, len, pos, tried = 0, accepted = 0;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		size_t n = strlen(s->text);
		for (k = 0; k < n; k++) {
			for (r = 0; r <= sizeof(repl) - 1; r++) {
				memcpy(buf, s->text, n);
				if (r < sizeof(repl) - 1) {
					if (buf[k] == repl[r])
						continue;
					buf[k] = repl[r];
					len = n;
				} else { /* delete byte k */
					memmove(buf + k, buf + k + 1, n - k - 1);
					len = n - 1;
				}
				tried++;
				if (!fast_read(&h, buf, len, s->version))
					continue;
				accepted++;
				pos = (size_t)(h.body - buf);
				switch (agrees(&h, buf, len)) {
				case 1:
					break;
				case -1:
					if (k >= pos && k < pos + h.body_len)
						break;
					/* fall through */
				default:
					snprintf(why, sizeof(why), "sample %zu byte %zu -> %s: reader "
						 "and JSON disagree", i, k,
						 r < sizeof(repl) - 1 ? "changed" : "deleted");
					test_fail(__FILE__, __LINE__, why);
					sdx__entry_header_clear(&h);
					return;
				}
			}
		}
	}
	printf("# %zu changed payloads, %zu read by position, all agreeing\n", tried, accepted);
	CHECK(accepted > 0 && accepted < tried);
	sdx__entry_header_clear(&h);
}

static void refuses_shapes_it_does_not_write(void)
{
	static const char *const bad[] = {
		/* whitespace, another member order, a leading zero, a seq past 2^63 - 1,
		 * attachments out of order or repeated, uppercase hex, an escape */
		"{\"body\":{} ,\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV "\",\"seq\":1,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1}",
		"{\"body\":{},\"origin\":\"o\",\"key\":\"k+1\",\"prev\":\"" PREV "\",\"seq\":1,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV "\",\"seq\":01,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV "\",\"seq\":"
		"9223372036854775808,\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1}",
		"{\"attachments\":[\"" H2 "\",\"" H1 "\"],\"body\":{},\"key\":\"k+1\",\"origin\":\"o\","
		"\"prev\":\"" PREV "\",\"seq\":1,\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\","
		"\"version\":2}",
		"{\"attachments\":[\"" H1 "\",\"" H1 "\"],\"body\":{},\"key\":\"k+1\",\"origin\":\"o\","
		"\"prev\":\"" PREV "\",\"seq\":1,\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\","
		"\"version\":2}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV "\",\"seq\":1,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":2}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"00112233445566778899AABBCCDDEEFF"
		"00112233445566778899aabbccddeeff\",\"seq\":1,\"time\":\"2026-11-23T10:00:00Z\","
		"\"type\":\"t\",\"version\":1}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\\u0041\",\"prev\":\"" PREV "\",\"seq\":1,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1}",
		"{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV "\",\"seq\":1,"
		"\"time\":\"2026-11-23T10:00:00Z\",\"type\":\"t\",\"version\":1} ",
		/* version 3: kinds out of order, a kind twice, a kind with no ids, an
		 * edge number with a leading zero, an escape, whitespace, a v2 tail */
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[],\"ids\":{\"lot\":[\"a\"],"
		"\"batch_id\":[\"b\"]}}" TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[],\"ids\":{\"lot\":[\"a\"],"
		"\"lot\":[\"b\"]}}" TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[],\"ids\":{\"lot\":[]}}" TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[[01,\"" H1 "\",null]],"
		"\"ids\":{}}" TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[],\"ids\":{\"lot\":[\"a\\n\"]}}"
		TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[], \"ids\":{}}" TAIL3,
		"{\"attachments\":[],\"body\":{},\"index\":{\"edges\":[],\"ids\":{}}" TAIL "3}",
		NULL
	};
	struct sdx__entry_header h = { 0 };
	size_t i;
	int v;

	for (i = 0; bad[i]; i++) {
		v = strstr(bad[i], "\"version\":3") ? 3 : strstr(bad[i], "\"version\":2") ? 2 : 1;
		if (fast_read(&h, bad[i], strlen(bad[i]), v) != 0) {
			char why[64];
			snprintf(why, sizeof(why), "shape %zu read by position", i);
			test_fail(__FILE__, __LINE__, why);
			sdx__entry_header_clear(&h);
			return;
		}
	}
	/* the largest seq JSON holds is read */
	{
		const char *ok = "{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV
				 "\",\"seq\":9223372036854775807,\"time\":\"2026-11-23T10:00:00Z\","
				 "\"type\":\"t\",\"version\":1}";
		CHECK(fast_read(&h, ok, strlen(ok), 1) == 1);
		CHECK(h.seq == INT64_MAX);
		CHECK(agrees(&h, ok, strlen(ok)) == 1);
	}
	sdx__entry_header_clear(&h);
}

/* Schema 9: an envelope sdx writes is stored as its signature and payload
 * and rebuilt byte for byte; one it would not write stays text. */
static void stored_form_rebuilds(void)
{
	unsigned char seed[32] = { 7 }, *packed = NULL;
	const char *pl = samples[4].text;
	sdx_signer *key = NULL;
	char *env = NULL, *back = NULL, *odd = NULL;
	size_t elen = 0, plen = 0, blen = 0, i;

	CHECK_OK(sdx_signer_from_seed(&key, ORIGIN, seed));
	CHECK_OK(sdx_dsse_sign(&env, &elen, SDX_ENTRY_PAYLOAD_TYPE, pl, strlen(pl), KEYID, key));
	CHECK(sdx__entry_pack_envelope(&packed, &plen, (unsigned char *)env, elen) == 1);
	CHECK((packed[0] == 0x01 && plen == 3 + strlen(KEYID) + 64 + strlen(pl)) ||
	      (packed[0] == 0x02 && plen < 3 + strlen(KEYID) + 64 + strlen(pl)));
	CHECK(sdx__entry_unpack(&back, &blen, packed, plen) == 1);
	CHECK(blen == elen && memcmp(back, env, elen) == 0);
	free(back);
	back = NULL;
	/* text rows are read as they are */
	CHECK(sdx__entry_unpack(&back, &blen, (unsigned char *)env, elen) == 0 && !back);
	free(packed);
	packed = NULL;
	/* whitespace after the envelope: valid DSSE, not what sdx writes: kept as text */
	CHECK((odd = malloc(elen + 2)) != NULL);
	memcpy(odd, env, elen);
	odd[elen] = '\n';
	CHECK(sdx__entry_pack_envelope(&packed, &plen, (unsigned char *)odd, elen + 1) == 0 &&
	      !packed);
	/* every truncation of a stored form reads back as something, never crashes */
	CHECK(sdx__entry_pack_envelope(&packed, &plen, (unsigned char *)env, elen) == 1);
	for (i = 0; i < plen; i += 7) {
		if (sdx__entry_unpack(&back, &blen, packed, i) == 1)
			CHECK(blen != elen || memcmp(back, env, elen) != 0);
		free(back);
		back = NULL;
	}
	free(packed);
	free(odd);
	free(env);
	sdx_signer_free(key);
}

/* Schema 14: a payload that LZ4 makes smaller is stored compressed, one it
 * would not is stored raw; both read back exactly, and a damaged block
 * never reads back as the payload. */
static void stored_form_compressed(void)
{
	unsigned char sig[64] = { 1 }, *packed = NULL, noise[3000];
	char *big = NULL, *rnd = NULL;
	sdx_dsse_envelope *e = NULL;
	size_t n = 0, i, raw;

	CHECK((big = malloc(6001)) != NULL && (rnd = malloc(4100)) != NULL);
	if (!big || !rnd)
		goto done;
	for (i = 0; i < 6000; i++)
		big[i] = "{\"claims\":[{\"substance\":\"lead (Pb)\",\"value\":12.4}],"[i % 49];
	big[6000] = '\0';
	CHECK_OK(sdx__entry_pack(&packed, &n, 4, KEYID, sig, big, 6000));
	CHECK(packed && packed[0] == 0x02 && n < 3000);
	CHECK(sdx__entry_unpack_parsed(&e, packed, n) == 1);
	CHECK(e && e->payload_len == 6000 && memcmp(e->payload, big, 6000) == 0 &&
	      e->payload[6000] == '\0' && strcmp(e->keyid, KEYID) == 0 &&
	      memcmp(e->sig, sig, 64) == 0 && strcmp(e->payload_type, SDX_ENTRY_PAYLOAD_TYPE) == 0);
	sdx_dsse_envelope_free(e);
	e = NULL;
	/* each byte of the block changed, and each truncation: never the payload */
	raw = 3 + strlen(KEYID) + 64 + 4;
	for (i = raw; packed && i < n; i += 3) {
		packed[i] ^= 0x5a;
		if (sdx__entry_unpack_parsed(&e, packed, n) == 1)
			CHECK(e->payload_len != 6000 || memcmp(e->payload, big, 6000) != 0);
		sdx_dsse_envelope_free(e);
		e = NULL;
		packed[i] ^= 0x5a;
		if (sdx__entry_unpack_parsed(&e, packed, i) == 1)
			CHECK(e->payload_len != 6000 || memcmp(e->payload, big, 6000) != 0);
		sdx_dsse_envelope_free(e);
		e = NULL;
	}
	free(packed);
	packed = NULL;
	/* incompressible (random base64): stored raw */
	randombytes_buf(noise, sizeof(noise));
	sodium_bin2base64(rnd, 4100, noise, sizeof(noise), sodium_base64_VARIANT_ORIGINAL);
	CHECK_OK(sdx__entry_pack(&packed, &n, 4, KEYID, sig, rnd, strlen(rnd)));
	CHECK(packed && packed[0] == 0x01 && n == 3 + strlen(KEYID) + 64 + strlen(rnd));
	CHECK(sdx__entry_unpack_parsed(&e, packed, n) == 1);
	CHECK(e && e->payload_len == strlen(rnd) && memcmp(e->payload, rnd, strlen(rnd)) == 0);
	sdx_dsse_envelope_free(e);
done:
	free(packed);
	free(big);
	free(rnd);
}

static const struct test_case tests[] = {
	{ "reads what sdx writes, as JSON does", reads_what_sdx_writes },
	{ "every one-byte change: reader and JSON agree", every_byte_changed },
	{ "refuses shapes sdx does not write", refuses_shapes_it_does_not_write },
	{ "the stored form rebuilds the envelope byte for byte", stored_form_rebuilds },
	{ "the stored form compresses what LZ4 makes smaller; a damaged block is never the "
	  "payload", stored_form_compressed },
	{ NULL, NULL }
};

TEST_MAIN(tests)
