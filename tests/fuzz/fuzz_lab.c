/*
 * fuzz_lab: lab accreditation registers (sdx_lab_register_read(), CSV or
 * JSON) from any bytes: a register or a clear error, never a crash; a
 * register read gives the same canonical JSON when read again from that
 * JSON, and every entry it holds is found and judged without an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "sdx.h"

static int write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (len && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sdx_lab_register *r = NULL, *again = NULL;
	const char *json, *items[] = { "Pb" }, *standards[] = { "GB 31701-2026" };
	char path[64], why[512];
	size_t i, len;
	int err;

	snprintf(path, sizeof(path), "/tmp/sdx-fuzz-lab-%ld", (long)getpid());
	if (write_file(path, data, size) < 0)
		return 0;
	err = sdx_lab_register_read(&r, path);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ELIMIT);
	FUZZ_ASSERT((err == 0) == (r != NULL));
	if (r) {
		json = sdx_lab_register_json(r, &len);
		FUZZ_ASSERT(json && strlen(json) == len);
		FUZZ_ASSERT(write_file(path, json, len) == 0);
		FUZZ_ASSERT(sdx_lab_register_read(&again, path) == 0);
		FUZZ_ASSERT(strcmp(sdx_lab_register_json(again, NULL), json) == 0);
		for (i = 0; i < sdx_lab_register_count(r); i++) {
			const sdx_lab_entry *e = sdx_lab_register_entry(r, i);
			FUZZ_ASSERT(sdx_lab_register_find(r, 0, e->body, e->number) == i);
			err = sdx_lab_register_judge(why, sizeof(why), r, e->body, e->number,
						     e->valid_from, standards, 1, items, 1);
			FUZZ_ASSERT(err >= SDX_LAB_OK && err <= SDX_LAB_OUT_OF_SCOPE &&
				    err != SDX_LAB_NOT_LISTED && strlen(why) < sizeof(why));
		}
	}
	sdx_lab_register_free(again);
	sdx_lab_register_free(r);
	unlink(path);
	return 0;
}
