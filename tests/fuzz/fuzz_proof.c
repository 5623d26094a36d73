/*
 * tests/fuzz/fuzz_proof.c - RFC 6962 proofs and tile paths (ledger/merkle.c).
 *
 * The first byte picks what the rest is:
 *  0  a proof to check: u64 index-or-old-size, u64 size (big-endian), a
 *     32-byte hash (leaf or old root), a 32-byte root, then any number of
 *     32-byte proof hashes.  Both verifiers must answer 0 or SDX_EVERIFY and
 *     read no further than the hashes given, whatever the sizes.  Bit 4 of
 *     the first byte shrinks the sizes below 2^16, where proofs have shapes
 *     small enough to be hit.
 *  1  a tree to build: u16 leaves (1..520), u16 index, u16 old size, u16 bit.
 *     The builder, the reader-based root and the proofs must agree; every
 *     proof sdx makes must verify, and must fail once one bit of it (or of
 *     the root) is flipped.  The reader asserts that only complete subtrees
 *     inside the tree are asked for.
 *  2  a tile path to parse; one that parses is formatted back to itself.
 *  3  level, u64 index, width to format as a tile path and parse back.
 */
#include <string.h>

#include "common.h"

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void check_raw(uint8_t mode, const uint8_t *p, size_t n)
{
	unsigned char (*proof)[32];
	uint64_t a, b;
	size_t plen;
	int err;

	if (n < 80)
		return;
	a = be64(p);
	b = be64(p + 8);
	if (mode & 0x10) {
		a &= 0xffff;
		b &= 0xffff;
	}
	plen = (n - 80) / 32;
	/* an exact-size copy, so that ASan sees any read past the last hash */
	if (!(proof = malloc(plen ? plen * 32 : 1)))
		abort();
	memcpy(proof, p + 80, plen * 32);
	err = sdx_merkle_verify_inclusion(p + 16, a, b, p + 48, (const unsigned char (*)[32])proof,
					  plen);
	FUZZ_ASSERT(err == 0 || err == SDX_EVERIFY);
	err = sdx_merkle_verify_consistency(a, b, p + 16, p + 48,
					    (const unsigned char (*)[32])proof, plen);
	FUZZ_ASSERT(err == 0 || err == SDX_EVERIFY);
	free(proof);
}

#define TREE_MAX 520
#define LEVELS 10 /* 2^10 > TREE_MAX */

struct tree {
	uint64_t size;
	unsigned char node[LEVELS + 1][TREE_MAX][32];
};

static struct tree tree;

static int emit(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	struct tree *t = ctx;

	FUZZ_ASSERT(level <= LEVELS && index < TREE_MAX);
	memcpy(t->node[level][index], hash, 32);
	return 0;
}

static int reader(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct tree *t = ctx;

	/* a complete subtree inside the tree: leaves [index*2^level, (index+1)*2^level) */
	FUZZ_ASSERT(level <= LEVELS && ((index + 1) << level) <= t->size);
	memcpy(out, t->node[level][index], 32);
	return 0;
}

static void check_tree(const uint8_t *p, size_t n)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], root[32], root2[32], old_root[32];
	sdx_merkle_builder b;
	uint64_t size, index, old, i;
	size_t plen = 0, flip;

	if (n < 8)
		return;
	size = be16(p) % TREE_MAX + 1;
	index = be16(p + 2) % size;
	old = be16(p + 4) % (size + 1);
	flip = be16(p + 6);
	memset(&tree, 0, sizeof(tree));
	tree.size = size;
	sdx_merkle_builder_init(&b);
	for (i = 0; i < size; i++) {
		unsigned char leaf[32], bytes[8];
		for (int k = 0; k < 8; k++)
			bytes[k] = (unsigned char)(i >> (56 - 8 * k));
		sdx_merkle_leaf_hash(leaf, bytes, sizeof(bytes));
		FUZZ_ASSERT(sdx_merkle_builder_append(&b, leaf, emit, &tree) == 0);
	}
	sdx_merkle_builder_root(root, &b);
	FUZZ_ASSERT(sdx_merkle_root(root2, size, reader, &tree) == 0);
	FUZZ_ASSERT(memcmp(root, root2, 32) == 0);
	if (old == 0)
		sdx_merkle_empty_root(old_root);
	else
		FUZZ_ASSERT(sdx_merkle_root(old_root, old, reader, &tree) == 0);

	/* inclusion of leaf `index` */
	FUZZ_ASSERT(sdx_merkle_prove_inclusion(proof, &plen, index, size, reader, &tree) == 0);
	FUZZ_ASSERT(plen <= SDX_MERKLE_MAX_PROOF);
	FUZZ_ASSERT(sdx_merkle_verify_inclusion(tree.node[0][index], index, size, root,
						(const unsigned char (*)[32])proof, plen) == 0);
	if (plen) {
		proof[(flip / 256) % plen][(flip / 8) % 32] ^= (unsigned char)(1u << (flip % 8));
		FUZZ_ASSERT(sdx_merkle_verify_inclusion(tree.node[0][index], index, size, root,
							(const unsigned char (*)[32])proof,
							plen) == SDX_EVERIFY);
	}
	/* the proof of another leaf does not prove this one */
	if (size > 1)
		FUZZ_ASSERT(sdx_merkle_verify_inclusion(tree.node[0][(index + 1) % size], index,
							size, root,
							(const unsigned char (*)[32])proof,
							plen) == SDX_EVERIFY);

	/* consistency from `old` */
	FUZZ_ASSERT(sdx_merkle_prove_consistency(proof, &plen, old, size, reader, &tree) == 0);
	FUZZ_ASSERT(plen <= SDX_MERKLE_MAX_PROOF);
	FUZZ_ASSERT(sdx_merkle_verify_consistency(old, size, old_root, root,
						  (const unsigned char (*)[32])proof, plen) == 0);
	if (plen) {
		proof[(flip / 256) % plen][(flip / 8) % 32] ^= (unsigned char)(1u << (flip % 8));
		FUZZ_ASSERT(sdx_merkle_verify_consistency(old, size, old_root, root,
							  (const unsigned char (*)[32])proof,
							  plen) == SDX_EVERIFY);
		proof[(flip / 256) % plen][(flip / 8) % 32] ^= (unsigned char)(1u << (flip % 8));
	}
	if (old > 0 && old < size) {
		root[flip % 32] ^= 1;
		FUZZ_ASSERT(sdx_merkle_verify_consistency(old, size, old_root, root,
							  (const unsigned char (*)[32])proof,
							  plen) == SDX_EVERIFY);
	}
}

static void check_tile_parse(const uint8_t *p, size_t n)
{
	char *path = fuzz_strndup(p, n), out[128];
	uint64_t index = 0;
	unsigned width = 0;
	int level = 0;

	if (sdx_tile_parse_path(&level, &index, &width, path) == 0) {
		FUZZ_ASSERT(sdx_tile_path(out, sizeof(out), level, index, width) == 0);
		FUZZ_ASSERT(strcmp(out, path) == 0 ||
			    (strncmp(path, "tile/", 5) != 0 && strcmp(out + 5, path) == 0));
	}
	free(path);
}

static void check_tile_format(const uint8_t *p, size_t n)
{
	char out[128];
	uint64_t index, index2 = 0;
	unsigned width, width2 = 0;
	int level, level2 = 0, err;

	if (n < 11)
		return;
	level = (int)(int8_t)p[0];
	index = be64(p + 1);
	width = be16(p + 9);
	err = sdx_tile_path(out, (size_t)(p[0] & 0x7f), level, index, width);
	FUZZ_ASSERT(err == 0 || err == SDX_EINVAL || err == SDX_ELIMIT);
	if (sdx_tile_path(out, sizeof(out), level, index, width) == 0) {
		FUZZ_ASSERT(sdx_tile_parse_path(&level2, &index2, &width2, out) == 0);
		FUZZ_ASSERT(level2 == level && index2 == index && width2 == width);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		check_raw(data[0], data + 1, size - 1);
		break;
	case 1:
		check_tree(data + 1, size - 1);
		break;
	case 2:
		check_tile_parse(data + 1, size - 1);
		break;
	default:
		check_tile_format(data + 1, size - 1);
		break;
	}
	return 0;
}
