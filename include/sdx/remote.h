/*
 * sdx/remote.h - what a remote log shows, against what is held: a C2SP
 * tlog-tiles log (its /checkpoint and hash tiles, read through a fetch
 * callback, so that libsdx itself does no HTTP) is consistent with a
 * checkpoint held of the same origin, or it shows another history (a fork)
 * or an older one.  Only the tiles the consistency proof needs are read.
 * formats/witness.md "Remote logs" is the spec.
 */
#ifndef SDX_REMOTE_H
#define SDX_REMOTE_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Fetch `path` ("tile/0/x001/234.p/7", as sdx_tile_path() writes it) of the
 * remote log into *out (malloc'd) and *out_len: 0, SDX_ENOTFOUND when the log
 * has no such resource, another error when it cannot be read.
 */
typedef int (*sdx_fetch_fn)(void *ctx, const char *path, unsigned char **out, size_t *out_len);

typedef struct sdx_remote_report {
	char origin[SDX_NAME_MAX + 1];
	uint64_t remote_size;   /* the remote checkpoint's */
	uint64_t held_size;     /* the checkpoint held */
	uint64_t tiles;         /* tiles fetched */
	int behind;             /* the remote tree is smaller than the one held: not judged */
} sdx_remote_report;

/**
 * Is the remote checkpoint `note` (signed by one of vs) consistent with the
 * checkpoint held of its origin (held_size, held_root)?  Equal sizes: the
 * roots must be equal.  A larger remote tree: a consistency proof from the
 * held size, built from the remote log's hash tiles, must verify against both
 * roots (tiles that lie do not lead to the signed root).  A smaller remote
 * tree cannot be judged from the remote tiles: 0 with out->behind set (the
 * caller may prove it from a tree it holds, with sdx_ledger_prove_consistency()).
 *
 * @return 0 when consistent (or behind); SDX_ECONFLICT when the remote log
 *         shows another history (a fork, named with both sizes); SDX_EUNTRUSTED
 *         when no key of vs signed the remote checkpoint; SDX_EFORMAT, or what
 *         fetch returned.
 */
SDX_API int sdx_remote_consistent(sdx_remote_report *out, uint64_t held_size,
				  const unsigned char held_root[32], const char *note, size_t len,
				  sdx_verifier *const *vs, size_t nvs, sdx_fetch_fn fetch,
				  void *ctx);

#ifdef __cplusplus
}
#endif
#endif
