/*
 * tests/fuzz/fuzz_payload.c - entry payload headers read by position and as
 * strict JSON (ledger/entry.c), as versions 1, 2 and 3.
 *
 * Invariant: whenever the fast reader accepts a payload, the same payload
 * with its body replaced by {} is read by the strict path to the same header
 * (key, origin, prev, seq, time, type, version, attachments, and version 3's
 * index keys); the fast
 * reader never accepts a header the strict path would read otherwise.
 */
#include <string.h>

#include "common.h"
#include "ledger/entry.h"

/* Version 3: both read the same index keys. */
static void same_keys(const struct sdx__entry_header *a, const struct sdx__entry_header *b)
{
	struct sdx__entry_keys x, y;
	size_t i;

	FUZZ_ASSERT(sdx__entry_keys_read(&x, a->index, a->index_len) == 0);
	FUZZ_ASSERT(sdx__entry_keys_read(&y, b->index, b->index_len) == 0);
	FUZZ_ASSERT(x.nids == y.nids && x.nedges == y.nedges);
	for (i = 0; i < x.nids; i++)
		FUZZ_ASSERT(strcmp(x.ids[i].kind, y.ids[i].kind) == 0 &&
			    strcmp(x.ids[i].value, y.ids[i].value) == 0);
	for (i = 0; i < x.nedges; i++)
		FUZZ_ASSERT(x.edges[i].edge == y.edges[i].edge &&
			    memcmp(x.edges[i].dst, y.edges[i].dst, 32) == 0 &&
			    !x.edges[i].lot == !y.edges[i].lot &&
			    (!x.edges[i].lot || strcmp(x.edges[i].lot, y.edges[i].lot) == 0));
	sdx__entry_keys_free(&x);
	sdx__entry_keys_free(&y);
}

static void check(const struct sdx__entry_header *h, const char *pl, size_t len)
{
	size_t head = (size_t)(h->body - pl), rest = len - head - h->body_len, n = head + 2 + rest;
	struct sdx__entry_header j;
	char *text = malloc(n);

	FUZZ_ASSERT(text != NULL);
	memcpy(text, pl, head);
	memcpy(text + head, "{}", 2);
	memcpy(text + head + 2, h->body + h->body_len, rest);
	FUZZ_ASSERT(sdx__entry_header_strict(&j, text, n, h->version) == 0);
	FUZZ_ASSERT(j.version == h->version);
	FUZZ_ASSERT(strcmp(j.key, h->key) == 0 && strcmp(j.origin, h->origin) == 0);
	FUZZ_ASSERT(strcmp(j.type, h->type) == 0 && strcmp(j.time, h->time) == 0);
	FUZZ_ASSERT(memcmp(j.prev, h->prev, 32) == 0 && j.seq == h->seq);
	FUZZ_ASSERT(j.natts == h->natts &&
		    (j.natts == 0 || memcmp(j.atts, h->atts, 32 * j.natts) == 0));
	if (h->version >= 3)
		same_keys(h, &j);
	sdx__entry_header_clear(&j);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdx__entry_header h;
	int v;

	for (v = 1; v <= 3; v++)
		if (sdx__entry_header_fast(&h, (const char *)data, size, v)) {
			FUZZ_ASSERT(h.version == v && h.body_len >= 2);
			FUZZ_ASSERT(h.body[0] == '{' && h.body[h.body_len - 1] == '}');
			check(&h, (const char *)data, size);
			sdx__entry_header_clear(&h);
		}
	return 0;
}
