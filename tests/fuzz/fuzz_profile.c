/*
 * fuzz_profile: compliance profiles (formats/profiles.md) as read from a file
 * by sdx_profile_load(): any bytes give a profile or a clear error, never a
 * crash; a loaded profile has a name and a title.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"
#include "sdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sdx_profile *p = NULL;
	char path[64];
	FILE *f;
	int err;

	snprintf(path, sizeof(path), "/tmp/sdx-fuzz-profile-%ld.json", (long)getpid());
	if (!(f = fopen(path, "wb")))
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	err = sdx_profile_load(&p, path);
	FUZZ_ASSERT(err == 0 || err == SDX_EFORMAT || err == SDX_ESCHEMA || err == SDX_ELIMIT);
	FUZZ_ASSERT((err == 0) == (p != NULL));
	if (p)
		FUZZ_ASSERT(sdx_profile_name(p) && sdx_profile_title(p));
	sdx_profile_free(p);
	unlink(path);
	return 0;
}
