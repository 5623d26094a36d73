/*
 * tests/fuzz/fuzz_dsse.c - DSSE envelopes (ledger/dsse.c), as entries and
 * bundle manifests arrive.
 *
 * The input is parsed as an envelope and verified with the fixture key.
 * Invariants: a parsed envelope re-signed by sdx parses back to the same
 * type, payload and key id and verifies; the size limit is honoured.
 */
#include <string.h>

#include "common.h"

static void check_resign(const sdx_dsse_envelope *e)
{
	sdx_dsse_envelope *again = NULL;
	char *env = NULL;
	size_t len = 0;

	/* sdx writes only plain ASCII types and key ids: refused otherwise */
	if (sdx_dsse_sign(&env, &len, e->payload_type, e->payload, e->payload_len, e->keyid,
			  fuzz_signer()) < 0)
		return;
	FUZZ_ASSERT(strlen(env) == len);
	if (len <= SDX_DSSE_MAX_ENVELOPE) {
		FUZZ_ASSERT(sdx_dsse_parse(&again, env, len) == 0);
		FUZZ_ASSERT(strcmp(again->payload_type, e->payload_type) == 0 &&
			    strcmp(again->keyid, e->keyid) == 0 &&
			    again->payload_len == e->payload_len &&
			    memcmp(again->payload, e->payload, e->payload_len) == 0);
		FUZZ_ASSERT(sdx_dsse_verify(again, fuzz_verifier()) == 0);
	}
	sdx_dsse_envelope_free(again);
	free(env);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sdx_dsse_envelope *e = NULL;
	int err;

	err = sdx_dsse_parse(&e, data, size);
	FUZZ_ASSERT((err == 0) == (e != NULL));
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT);
	if (err == 0) {
		FUZZ_ASSERT(e->payload[e->payload_len] == '\0');
		err = sdx_dsse_verify(e, fuzz_verifier());
		FUZZ_ASSERT(err == 0 || err == SDX_EVERIFY);
		check_resign(e);
		sdx_dsse_envelope_free(e);
		e = NULL;
	}
	if (size > 1) {
		FUZZ_ASSERT(sdx_dsse_parse_max(&e, data, size, size - 1) == SDX_ELIMIT);
		FUZZ_ASSERT(e == NULL);
	}
	return 0;
}
