/*
 * sdx/imported.h - reading what was imported from other ledgers: their
 * entries (each with the inclusion proof it arrived with), checkpoints,
 * consistency proofs between them, and the imports themselves.  Kept apart
 * from the own chain, and checked again by sdx_ledger_verify().
 *
 * Only sdx_bundle_import() (sdx/bundle.h) writes imported data, after
 * verifying the bundle; everything here only reads.
 *
 * Order of calls: sdx_ledger_open(), any of these (inside
 * sdx_ledger_snapshot_begin()/_end() for a consistent view), sdx_ledger_free().
 */
#ifndef SDX_IMPORTED_H
#define SDX_IMPORTED_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Call cb for each held checkpoint of `origin`, largest first. */
SDX_API int sdx_ledger_foreach_foreign_checkpoint(sdx_ledger *l, const char *origin,
						  sdx_checkpoint_cb cb, void *ctx);
/** The held checkpoint of `origin` at `size`: *out a malloc'd note; SDX_ENOTFOUND if none. */
SDX_API int sdx_ledger_foreign_checkpoint_note(char **out, size_t *out_len, sdx_ledger *l,
					       const char *origin, uint64_t size);
/** The kept proof from old_size to size (out: SDX_MERKLE_MAX_PROOF room); SDX_ENOTFOUND. */
SDX_API int sdx_ledger_foreign_consistency_get(unsigned char (*out)[32], size_t *out_len, sdx_ledger *l,
					       const char *origin, uint64_t old_size,
					       uint64_t size);

/** An imported entry with the inclusion proof it arrived with. */
typedef struct sdx_foreign_entry {
	char origin[SDX_NAME_MAX + 1];
	uint64_t index;
	uint64_t tree_size;           /* the checkpoint size the proof leads to */
	unsigned char leaf_hash[32];
	char type[SDX_TYPE_MAX + 1];
	char time[21];
	const unsigned char *data;    /* borrowed for the callback */
	size_t len;
	const unsigned char (*proof)[32];
	size_t proof_len;
} sdx_foreign_entry;

/** Call cb for every imported entry, by origin, proof tree size and index. */
typedef int (*sdx_foreign_cb)(void *ctx, const sdx_foreign_entry *e);
SDX_API int sdx_ledger_foreach_foreign_entry(sdx_ledger *l, sdx_foreign_cb cb, void *ctx);
/**
 * The same for the imported entries whose leaf hash is one of leaves[0..n),
 * in the same order; the cost is theirs, not the table's.  A leaf not held
 * is skipped.
 */
SDX_API int sdx_ledger_foreach_foreign_leaf(sdx_ledger *l, const unsigned char (*leaves)[32],
					    size_t n, sdx_foreign_cb cb, void *ctx);
/** The same for one entry; SDX_ENOTFOUND if not held. */
SDX_API int sdx_ledger_foreign_get(sdx_ledger *l, const char *origin, uint64_t index,
				   sdx_foreign_cb cb, void *ctx);

/**
 * What is held now, as a mark (*out) for sdx_ledger_foreach_foreign_since():
 * take it before sdx_bundle_import() to learn what that import brought.
 */
SDX_API int sdx_ledger_foreign_mark(uint64_t *out, sdx_ledger *l);
/** Call cb for each entry imported after `mark` was taken, in the order stored. */
SDX_API int sdx_ledger_foreach_foreign_since(sdx_ledger *l, uint64_t mark, sdx_foreign_cb cb,
					     void *ctx);

/**
 * 1 if a bundle with this SHA-256 was imported (*out: the index of its
 * receipt entry; out may be NULL), 0 if not, negative on error.
 */
SDX_API int sdx_ledger_import_seen(uint64_t *out, sdx_ledger *l, const unsigned char bundle[32]);

/** For each origin held: latest checkpoint size, entries held, newest entry time. */
typedef int (*sdx_origin_cb)(void *ctx, const char *origin, uint64_t tree_size,
			     uint64_t entries, const char *latest);
SDX_API int sdx_ledger_foreach_origin(sdx_ledger *l, sdx_origin_cb cb, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
