/*
 * tests/fuzz/fuzz_record.c - record validation and canonical form
 * (formats/record.c, formats/schema.c with the embedded schemas).
 *
 * The first byte picks the record type (its low two bits: declaration,
 * withdrawal, batch, shipment; 0xff: a type that does not exist); the rest is
 * the record's JSON text.
 * Invariants: the canonical form of a valid record is valid, fits
 * SDX_RECORD_MAX and is its own canonical form; the attachment and
 * reference lists of a valid record can be read.
 */
#include <string.h>

#include "common.h"

static void check_lists(const char *type, const char *json, size_t len)
{
	unsigned char (*h)[32] = NULL;
	size_t n = 0;

	FUZZ_ASSERT(sdx_record_attachments(&h, &n, type, json, len) == 0);
	FUZZ_ASSERT((n == 0) == (h == NULL));
	free(h);
	h = NULL;
	FUZZ_ASSERT(sdx_record_references(&h, &n, type, json, len) == 0);
	FUZZ_ASSERT((n == 0) == (h == NULL));
	free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *type;
	char *canon = NULL, *again = NULL, *json;
	size_t clen = 0, alen = 0;
	int err;

	if (size < 1)
		return 0;
	{
		static const char *const types[] = { "declaration", "withdrawal", "batch", "shipment" };
		type = data[0] == 0xff ? "invoice" : types[data[0] & 3];
	}
	/* records reach the library from files: no terminator promised */
	json = fuzz_strndup(data + 1, size - 1);
	err = sdx_record_normalize(&canon, &clen, type, json, size - 1);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT ||
		    err == SDX_ESCHEMA || err == SDX_ENOTFOUND);
	FUZZ_ASSERT((err == 0) == (canon != NULL));
	if (err == 0) {
		FUZZ_ASSERT(clen == strlen(canon) && clen <= SDX_RECORD_MAX);
		FUZZ_ASSERT(sdx_record_normalize(&again, &alen, type, canon, clen) == 0);
		FUZZ_ASSERT(alen == clen && memcmp(again, canon, clen) == 0);
		FUZZ_ASSERT(sdx_record_validate(type, canon, clen) == 0);
		/* once from the remembered canonical form, once parsed afresh */
		check_lists(type, canon, clen);
		check_lists(type, json, size - 1);
	}
	free(again);
	free(canon);
	free(json);
	return 0;
}
