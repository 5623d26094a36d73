/*
 * tests/fuzz/fuzz_payload.c - entry payload headers read by position
 * (ledger/payload.c), as version 1 and as version 2.
 *
 * Invariant: whenever the reader accepts a payload, the same payload with
 * its body replaced by {} is JSON that strict parsing reads to the same
 * header (key, origin, prev, seq, time, type, version, attachments); the
 * reader never accepts a header the JSON path would read otherwise.
 */
#include <string.h>

#include "common.h"
#include "ledger/internal.h"

static int same_str(const json_t *j, const char *s, size_t n)
{
	const char *v = json_string_value(j);

	return v && strlen(v) == n && memcmp(v, s, n) == 0;
}

static void check(const struct sdx__payload *h, const char *pl, size_t len)
{
	size_t head = (size_t)(h->body - pl), rest = len - head - h->body_len, n = head + 2 + rest, i;
	unsigned char (*atts)[32] = NULL, a[32], prev[32];
	char *text = malloc(n);
	json_t *p = NULL;
	size_t natts = 0;

	FUZZ_ASSERT(text != NULL);
	memcpy(text, pl, head);
	memcpy(text + head, "{}", 2);
	memcpy(text + head + 2, h->body + h->body_len, rest);
	FUZZ_ASSERT(sdx__json_parse(&p, text, n, 64, "payload") == 0);
	FUZZ_ASSERT(json_object_size(p) == (h->version == 2 ? 9u : 8u));
	FUZZ_ASSERT(same_str(json_object_get(p, "key"), h->key, h->key_len));
	FUZZ_ASSERT(same_str(json_object_get(p, "origin"), h->origin, h->origin_len));
	FUZZ_ASSERT(same_str(json_object_get(p, "type"), h->type, h->type_len));
	FUZZ_ASSERT(same_str(json_object_get(p, "time"), h->time, 20));
	FUZZ_ASSERT(sdx__hex32_at(prev, json_string_value(json_object_get(p, "prev"))) == 0 &&
		    memcmp(prev, h->prev, 32) == 0);
	FUZZ_ASSERT(json_is_integer(json_object_get(p, "seq")) &&
		    (uint64_t)json_integer_value(json_object_get(p, "seq")) == h->seq);
	FUZZ_ASSERT(json_integer_value(json_object_get(p, "version")) == h->version);
	if (h->version == 2) {
		FUZZ_ASSERT(sdx__payload_atts_json(&atts, &natts, json_object_get(p, "attachments")) == 0);
		FUZZ_ASSERT(natts == h->natts);
		for (i = 0; i < natts; i++) {
			sdx__payload_attachment(a, h, i);
			FUZZ_ASSERT(memcmp(a, atts[i], 32) == 0);
		}
		free(atts);
	}
	json_decref(p);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdx__payload h;
	int v;

	for (v = 1; v <= 2; v++)
		if (sdx__payload_read(&h, (const char *)data, size, v)) {
			FUZZ_ASSERT(h.version == v && h.body_len >= 2);
			FUZZ_ASSERT(h.body[0] == '{' && h.body[h.body_len - 1] == '}');
			check(&h, (const char *)data, size);
		}
	return 0;
}
