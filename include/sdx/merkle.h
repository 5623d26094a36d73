/*
 * sdx/merkle.h - RFC 6962 Merkle tree hashing, proofs and C2SP tlog tiles.
 *
 * Hashing follows RFC 6962 section 2.1 exactly:
 *   leaf hash = SHA-256(0x00 || entry bytes)
 *   node hash = SHA-256(0x01 || left || right)
 * and the tree over n leaves splits at the largest power of two below n.
 *
 * A tree is reached through a reader callback that returns the hash of a
 * *complete* subtree: level L, index i covers leaves [i*2^L, (i+1)*2^L).
 * Every proof and root below is computed from O(log n) such reads, which is
 * how the ledger answers proofs at any size without recomputation.
 *
 * To build a tree from a stream of leaves use sdx_merkle_builder: append leaf
 * hashes in order; the callback receives each complete subtree hash as it
 * appears (that is what the ledger stores); sdx_merkle_builder_root() gives
 * the root of what was appended so far.
 *
 * Proof arrays are ordered leaf-to-root as in RFC 6962 (and golang.org/x/mod
 * sumdb/tlog).  Verifiers return 0 or SDX_EVERIFY.
 */
#ifndef SDX_MERKLE_H
#define SDX_MERKLE_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_HASH_SIZE 32
/* A proof in a tree of at most 2^63 leaves never has more hashes than this. */
#define SDX_MERKLE_MAX_PROOF 128

/** leaf hash = SHA-256(0x00 || data). */
SDX_API void sdx_merkle_leaf_hash(unsigned char out[32], const void *data, size_t len);

/** node hash = SHA-256(0x01 || left || right). */
SDX_API void sdx_merkle_node_hash(unsigned char out[32], const unsigned char left[32],
				  const unsigned char right[32]);

/** The root of the empty tree, SHA-256(""). */
SDX_API void sdx_merkle_empty_root(unsigned char out[32]);

/**
 * Reads the hash of the complete subtree at (level, index).
 * Returns 0, or a negative SDX_E* code (with sdx_error_set) on failure.
 */
typedef int (*sdx_merkle_reader)(void *ctx, unsigned level, uint64_t index,
				 unsigned char out[32]);

/** Root of the first `size` leaves (size 0 gives the empty root). Returns 0 or the reader's error. */
SDX_API int sdx_merkle_root(unsigned char out[32], uint64_t size,
			    sdx_merkle_reader read, void *ctx);

/**
 * Inclusion proof (audit path) for leaf `index` in the tree of `size` leaves.
 *
 * @param out      room for SDX_MERKLE_MAX_PROOF hashes
 * @param out_len  number of hashes written
 * @return 0, SDX_EINVAL if index >= size, or the reader's error
 */
SDX_API int sdx_merkle_prove_inclusion(unsigned char (*out)[32], size_t *out_len,
				       uint64_t index, uint64_t size,
				       sdx_merkle_reader read, void *ctx);

/**
 * Consistency proof between the trees of `old_size` and `size` leaves
 * (RFC 6962 PROOF(m, D[n]); empty when old_size is 0 or equals size).
 *
 * @return 0, SDX_EINVAL if old_size > size, or the reader's error
 */
SDX_API int sdx_merkle_prove_consistency(unsigned char (*out)[32], size_t *out_len,
					 uint64_t old_size, uint64_t size,
					 sdx_merkle_reader read, void *ctx);

/** Check an inclusion proof. Returns 0 or SDX_EVERIFY (message says why). */
SDX_API int sdx_merkle_verify_inclusion(const unsigned char leaf_hash[32],
					uint64_t index, uint64_t size,
					const unsigned char root[32],
					const unsigned char (*proof)[32], size_t proof_len);

/** Check a consistency proof. Returns 0 or SDX_EVERIFY (message says why). */
SDX_API int sdx_merkle_verify_consistency(uint64_t old_size, uint64_t size,
					  const unsigned char old_root[32],
					  const unsigned char root[32],
					  const unsigned char (*proof)[32], size_t proof_len);

/** Called by the builder for every complete subtree hash, in append order. */
typedef int (*sdx_merkle_emit)(void *ctx, unsigned level, uint64_t index,
			       const unsigned char hash[32]);

/**
 * Streaming tree builder (a "compact range" from 0): O(log n) memory.
 * A plain struct so it can live on the stack; fields are private.
 */
typedef struct sdx_merkle_builder {
	uint64_t size;                 /* leaves appended */
	unsigned char stack[64][32];   /* stack[l] valid when bit l of size is set */
} sdx_merkle_builder;

/** Start empty, or resume at `size` leaves with the complete-subtree hashes read through `read`. */
SDX_API void sdx_merkle_builder_init(sdx_merkle_builder *b);
SDX_API int sdx_merkle_builder_resume(sdx_merkle_builder *b, uint64_t size,
				      sdx_merkle_reader read, void *ctx);

/**
 * Append one leaf hash. `emit` (may be NULL) is called for the leaf itself
 * (level 0) and for every subtree the leaf completes, lowest level first.
 * Returns 0 or the first error `emit` returned.
 */
SDX_API int sdx_merkle_builder_append(sdx_merkle_builder *b, const unsigned char leaf_hash[32],
				      sdx_merkle_emit emit, void *ctx);

/** *out gets the root of everything appended so far (the empty root if nothing was). */
SDX_API void sdx_merkle_builder_root(unsigned char out[32], const sdx_merkle_builder *b);

/*
 * C2SP tlog-tiles naming.  Tiles are 256 hashes wide (height 8): a tile at
 * level L, index N holds the hashes of tree level 8*L, nodes N*256 ...
 * A partial tile of width W (1..255) gets the suffix ".p/W".
 */
#define SDX_TILE_WIDTH 256

/**
 * Write the path "tile/<L>/<N>[.p/<W>]" (or "tile/entries/<N>[.p/<W>]" when
 * level is SDX_TILE_ENTRIES) with N in C2SP's x001/x234/067 form.
 * width == SDX_TILE_WIDTH means a full tile.
 * @return 0, SDX_ELIMIT if `cap` is too small, SDX_EINVAL for a level outside
 *         SDX_TILE_ENTRIES..63 or a width outside 1..256.
 */
#define SDX_TILE_ENTRIES (-1)
SDX_API int sdx_tile_path(char *out, size_t cap, int level, uint64_t index, unsigned width);

/**
 * Parse a tile path written by sdx_tile_path (with or without the leading
 * "tile/") into its level (SDX_TILE_ENTRIES for entry bundles), index and
 * width, all three out parameters.
 * @return 0 or SDX_EFORMAT.
 */
SDX_API int sdx_tile_parse_path(int *out_level, uint64_t *out_index, unsigned *out_width,
				const char *path);

#ifdef __cplusplus
}
#endif
#endif
