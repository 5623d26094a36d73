/*
 * tests/fuzz/fuzz_json.c - the strict JSON reader and canonical writer, and
 * the strict base64 decoder (ledger/util.c), which every envelope, record,
 * manifest and key file goes through.
 *
 * Invariants: what parses dumps to a canonical form that parses again and
 * dumps to the same bytes (records are signed in that form); nesting past
 * the limit is refused; what decodes as base64 encodes back to the input.
 */
#include <string.h>

#include "common.h"
#include "ledger/internal.h"

static void check_json(const uint8_t *data, size_t size)
{
	json_t *j = NULL, *k = NULL;
	char *d1 = NULL, *d2 = NULL;
	size_t n1 = 0, n2 = 0;
	int err;

	err = sdx__json_parse(&j, (const char *)data, size, SDX_JSON_MAX_DEPTH, "fuzz");
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT);
	if (err < 0)
		return;
	FUZZ_ASSERT(sdx__json_dump(&d1, &n1, j) == 0);
	FUZZ_ASSERT(sdx__json_parse(&k, d1, n1, SDX_JSON_MAX_DEPTH, "fuzz") == 0);
	FUZZ_ASSERT(sdx__json_dump(&d2, &n2, k) == 0);
	FUZZ_ASSERT(n1 == n2 && memcmp(d1, d2, n1) == 0);
	json_decref(k);
	k = NULL;
	/* one level less than the input has is refused */
	if (json_is_object(j) || json_is_array(j))
		FUZZ_ASSERT(sdx__json_parse(&k, (const char *)data, size, 0, "fuzz") == SDX_EFORMAT);
	json_decref(k);
	json_decref(j);
	free(d1);
	free(d2);
}

static void check_b64(const uint8_t *data, size_t size)
{
	unsigned char *bin = NULL;
	char *text = NULL;
	size_t n = 0;

	if (sdx__b64_decode(&bin, &n, (const char *)data, size) < 0)
		return;
	FUZZ_ASSERT(bin[n] == '\0');
	FUZZ_ASSERT(sdx__b64_encode(&text, bin, n) == 0);
	FUZZ_ASSERT(strlen(text) == size && memcmp(text, data, size) == 0);
	free(text);
	free(bin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_json(data, size);
	check_b64(data, size);
	return 0;
}
