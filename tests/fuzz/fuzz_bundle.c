/*
 * tests/fuzz/fuzz_bundle.c - sdx_bundle_verify() on hostile bytes
 * (formats/bundle_verify.c and everything under it).
 *
 * The first byte says what the rest is: bit 0 clear, the bundle file as is
 * (seeds: real .sdxb files); bit 0 set, the uncompressed tar, gzipped here
 * (seeds: the same bundles unpacked), so that mutations reach tar headers,
 * the manifest envelope and the members rather than dying in deflate.
 * Nothing can be forged this way: past the manifest's signature see
 * fuzz_bundle_signed.c.  Invariants are those of fuzz_verify_bundle().
 */
#include "common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *gz = NULL;
	const char *path;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		size_t n = 0;
		fuzz_gzip(&gz, &n, data + 1, size - 1);
		fuzz_file(gz, n, &path);
	} else {
		fuzz_file(data + 1, size - 1, &path);
	}
	fuzz_verify_bundle(path);
	free(gz);
	return 0;
}
