/*
 * tests/fuzz/common.h - what the libFuzzer targets in tests/fuzz/ share.
 *
 * Each target is one fuzz_<name>.c defining LLVMFuzzerTestOneInput(); it is
 * linked with common.o, libsdx.a and libFuzzer (tests/fuzz/fuzz.mk).  Keys
 * are fixed so that every run is deterministic: the signer is the upstream
 * fixture key of tests/data/upstream (not a secret), under its own name or
 * under any other name a target needs (a bundle's ledger origin).
 *
 * Whatever these helpers hand out lives until the process ends; targets free
 * everything else they allocate, so LeakSanitizer reports only real leaks.
 */
#ifndef SDX_FUZZ_COMMON_H
#define SDX_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sdx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixture key of tests/data/upstream/tlog (name example.com/fixture). */
#define FUZZ_VKEY "example.com/fixture+7b6d82fe+Ae13qPoXiyRvnHh0k6u+/P9goc7Syh3l6z9/uDWQT+zA"
#define FUZZ_SKEY "PRIVATE+KEY+example.com/fixture+7b6d82fe+Aa8okaBH3+lS0xT/T6+sDXfbHHOL2oAZ1xn0vRv1+Cuv"

/* Borrowed, made once: the fixture signer and its verifier. */
const sdx_signer *fuzz_signer(void);
sdx_verifier *fuzz_verifier(void);

/* The fixture's seed under another key name; NULL if sdx refuses the name.
 * Borrowed: a small cache keeps the last few names asked for. */
const sdx_signer *fuzz_signer_named(const char *name);

/*
 * An in-memory regular file (memfd) holding exactly data[0..len), reused
 * from call to call; *path gets a name under which open(2) reaches it.
 * Returns the descriptor, positioned at 0.
 */
int fuzz_file(const void *data, size_t len, const char **path);

/* gzip (RFC 1952) of data at level 6, whose header (XFL 0, OS Unix) is the one
 * bundle reading requires; level 1 would set XFL 4.  *out malloc'd. */
void fuzz_gzip(unsigned char **out, size_t *out_len, const void *data, size_t len);

/*
 * sdx_bundle_verify() of the bundle at `path` with small limits (1 MiB a
 * member, 4 MiB in all, 1000 entries), one thread, trust on first use, and
 * a sink that checks everything handed to it as sdx_bundle_import would
 * store it.  Returns what sdx_bundle_verify returned.
 */
int fuzz_verify_bundle(const char *path);

/* data[0..len) as a malloc'd NUL-terminated string. */
char *fuzz_strndup(const void *data, size_t len);

/* An invariant the library promises; a broken one is a finding. */
#define FUZZ_ASSERT(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s (last error: %s)\n", __FILE__, \
			__LINE__, #cond, sdx_error_last()); \
		abort(); \
	} \
} while (0)

#endif
