/*
 * formats/bundle/internal.h - constants shared by the bundle writer and
 * reader (formats/bundle.md).  Not installed.
 */
#ifndef SDX_BUNDLE_INTERNAL_H
#define SDX_BUNDLE_INTERNAL_H

#include "sdx/bundle.h"
#include "sdx/dsse.h"
#include "sdx/merkle.h"

#define SDX_BUNDLE_MANIFEST "MANIFEST.dsse"
/* One record of a ledgers/<k>/entries member: u64 index, u16 length, the
 * entry, u8 proof length, the proof hashes. */
#define SDX_BUNDLE_RECORD_MAX (8 + 2 + SDX_DSSE_MAX_ENVELOPE + 1 + 32 * SDX_MERKLE_MAX_PROOF)
/* Most recent earlier checkpoints given consistency proofs. */
#define SDX_BUNDLE_MAX_CONSISTENCY 1024
/* Largest manifest accepted (it lists every member). */
#define SDX_BUNDLE_MAX_MANIFEST (64u * 1024 * 1024)

/*
 * *dst = the caller's options (NULL: the defaults), read only as far as its
 * version goes, then marked the current version.  SDX_EINVAL naming `what`
 * for a version this library does not know.
 */
int sdx__bundle_options_copy(sdx_bundle_verify_options *dst,
			     const sdx_bundle_verify_options *src, const char *what);

/*
 * 1 if a policy's pointer pattern covers a field's pointer (formats/bundle/policy.c):
 * token by token equal, "*" for any one token, the field at or inside the one named.
 */
int sdx__disclose_pattern_covers(const char *pattern, const char *pointer);

#endif
