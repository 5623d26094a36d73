/*
 * tests/fuzz/fuzz_ipc1752a.c - the IPC-1752A reader and mapping
 * (formats/ipc1752a/, sdx_ipc1752a_convert()) on any bytes.
 *
 * The first byte picks the options: bit 0 gives two --lot specifications
 * (else the lot comes from the product), bit 1 a supplier party that is not
 * JSON; the rest is the XML.  Invariants: a record or a clear error
 * (SDX_EFORMAT, SDX_ESCHEMA, SDX_ELIMIT), never a crash or a leak; a record
 * handed out is a valid declaration, cites the input's SHA-256 only when it
 * has evidence, and converting the same bytes again gives the same text.
 */
#include <string.h>

#include "common.h"

static const char party[] =
	"{\"name\": \"Shenzhen Lianxin Passive Components Co., Ltd.\", \"identifiers\": "
	"[{\"scheme\": \"USCI\", \"id\": \"91440300MA5F8K2L3N\"}], \"address\": "
	"{\"street_address\": \"12 Keji South Road\", \"locality\": \"Shenzhen\"}, \"country\": \"CN\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lots[] = { "L1:5000:H87", "L2:2.5:KGM" };
	sdx_ipc1752a_options o = SDX_IPC1752A_OPTIONS_INIT;
	char *rec = NULL, *again = NULL;
	size_t len = 0, alen = 0;
	int err;

	if (size < 1)
		return 0;
	o.lots = lots;
	o.nlots = data[0] & 1 ? 2 : 0;
	o.supplier = data[0] & 2 ? "{\"name\": " : party;
	o.valid_until = "2027-10-04";
	err = sdx_ipc1752a_convert(&rec, &len, "'fuzz.xml'", data + 1, size - 1, &o);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ESCHEMA || err == SDX_ELIMIT);
	FUZZ_ASSERT((err == 0) == (rec != NULL));
	if (err == 0) {
		unsigned char (*h)[32] = NULL;
		size_t n = 0;

		FUZZ_ASSERT(len == strlen(rec));
		FUZZ_ASSERT(sdx_record_validate("declaration", rec, len) == 0);
		FUZZ_ASSERT(sdx_record_attachments(&h, &n, "declaration", rec, len) == 0);
		FUZZ_ASSERT(n <= 1);
		free(h);
		FUZZ_ASSERT(sdx_ipc1752a_convert(&again, &alen, "'fuzz.xml'", data + 1, size - 1, &o) == 0);
		FUZZ_ASSERT(alen == len && memcmp(again, rec, len) == 0);
	}
	free(again);
	free(rec);
	return 0;
}
