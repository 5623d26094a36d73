/*
 * tests/unit/payload.c - entry payloads read by position (ledger/payload.c):
 * wherever the reader accepts a payload, strict JSON must read the same
 * header from it, and the reader must never accept a damaged header.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "ledger/internal.h"
#include "sdx/ledger.h"

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

static const struct sample {
	int version;
	const char *text;
	size_t natts;
} samples[] = {
	{ 1, "{\"body\":" BODY TAIL "1}", 0 },
	{ 2, "{\"attachments\":[],\"body\":" BODY TAIL "2}", 0 },
	{ 2, "{\"attachments\":[\"" H1 "\"],\"body\":" BODY TAIL "2}", 1 },
	{ 2, "{\"attachments\":[\"" H1 "\",\"" H2 "\",\"" H3 "\"],\"body\":{}" TAIL "2}", 3 },
};

static int str_is(const json_t *j, const char *s, size_t n)
{
	const char *v = json_string_value(j);

	return v && strlen(v) == n && memcmp(v, s, n) == 0;
}

/*
 * What strict JSON makes of the payload agrees with the reader: 1 if so, 0
 * if not, -1 if it is not JSON with the header fields at all.
 */
static int agrees(const struct sdx__payload *h, const char *text, size_t len)
{
	unsigned char (*atts)[32] = NULL, a[32], prev[32];
	json_t *p = NULL, *body = NULL, *seq;
	json_error_t e;
	size_t natts = 0, i;
	int ok;

	if (sdx__json_parse(&p, text, len, 64, "payload") < 0)
		return -1;
	seq = json_object_get(p, "seq");
	ok = json_object_size(p) == (h->version == 2 ? 9u : 8u) &&
	     str_is(json_object_get(p, "key"), h->key, h->key_len) &&
	     str_is(json_object_get(p, "origin"), h->origin, h->origin_len) &&
	     str_is(json_object_get(p, "type"), h->type, h->type_len) &&
	     str_is(json_object_get(p, "time"), h->time, 20) &&
	     json_is_string(json_object_get(p, "prev")) &&
	     strlen(json_string_value(json_object_get(p, "prev"))) == 64 &&
	     sdx__hex32_at(prev, json_string_value(json_object_get(p, "prev"))) == 0 &&
	     memcmp(prev, h->prev, 32) == 0 &&
	     json_is_integer(seq) && (uint64_t)json_integer_value(seq) == h->seq &&
	     json_integer_value(json_object_get(p, "version")) == h->version;
	if (ok && h->version == 2) {
		ok = sdx__payload_atts_json(&atts, &natts, json_object_get(p, "attachments")) == 0 &&
		     natts == h->natts;
		for (i = 0; ok && i < natts; i++) {
			sdx__payload_attachment(a, h, i);
			ok = memcmp(a, atts[i], 32) == 0;
		}
		free(atts);
	}
	body = json_loadb(h->body, h->body_len, JSON_REJECT_DUPLICATES, &e);
	ok = ok && body && json_equal(body, json_object_get(p, "body"));
	json_decref(body);
	json_decref(p);
	return ok;
}

static void reads_what_sdx_writes(void)
{
	struct sdx__payload h;
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		CHECK(sdx__payload_read(&h, s->text, strlen(s->text), s->version) == 1);
		CHECK(h.natts == s->natts && h.seq == 1234);
		CHECK(agrees(&h, s->text, strlen(s->text)) == 1);
		/* the other version's layout is not read as this one */
		CHECK(sdx__payload_read(&h, s->text, strlen(s->text), 3 - s->version) == 0);
	}
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V1) == 1);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE_V2) == 2);
	CHECK(sdx__payload_version("application/vnd.sdx.entry.v3+json") == 0);
	CHECK(sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE) == 2);
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
	struct sdx__payload h;
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
				if (!sdx__payload_read(&h, buf, len, s->version))
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
					return;
				}
			}
		}
	}
	printf("# %zu changed payloads, %zu read by position, all agreeing\n", tried, accepted);
	CHECK(accepted > 0 && accepted < tried);
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
		NULL
	};
	struct sdx__payload h;
	size_t i;
	int v;

	for (i = 0; bad[i]; i++) {
		v = strstr(bad[i], "\"version\":2") ? 2 : 1;
		if (sdx__payload_read(&h, bad[i], strlen(bad[i]), v) != 0) {
			char why[64];
			snprintf(why, sizeof(why), "shape %zu read by position", i);
			test_fail(__FILE__, __LINE__, why);
			return;
		}
	}
	/* the largest seq JSON holds is read */
	{
		const char *ok = "{\"body\":{},\"key\":\"k+1\",\"origin\":\"o\",\"prev\":\"" PREV
				 "\",\"seq\":9223372036854775807,\"time\":\"2026-11-23T10:00:00Z\","
				 "\"type\":\"t\",\"version\":1}";
		CHECK(sdx__payload_read(&h, ok, strlen(ok), 1) == 1);
		CHECK(h.seq == INT64_MAX);
		CHECK(agrees(&h, ok, strlen(ok)) == 1);
	}
}

static const struct test_case tests[] = {
	{ "reads what sdx writes, as JSON does", reads_what_sdx_writes },
	{ "every one-byte change: reader and JSON agree", every_byte_changed },
	{ "refuses shapes sdx does not write", refuses_shapes_it_does_not_write },
	{ NULL, NULL }
};

TEST_MAIN(tests)
