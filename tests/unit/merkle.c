/*
 * tests/unit/merkle.c - RFC 6962 hashing, proofs, the streaming builder and
 * C2SP tile names, checked against the published RFC 6962 vectors, the
 * upstream Go fixtures in tests/data/upstream/tlog and a naive recursive
 * reference implementation of RFC 6962 section 2.1 written below.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "harness.h"
#include "ledger/internal.h"
#include "sdx/merkle.h"

typedef unsigned char hash_t[SDX_HASH_SIZE];

/* The verifiers take const arrays; C11 will not convert T (*)[32] to that implicitly. */
#define CPROOF(p) ((const unsigned char (*)[SDX_HASH_SIZE])(p))

static int unhex(unsigned char *out, size_t want, const char *hex)
{
	size_t i;

	if (strlen(hex) != 2 * want)
		return -1;
	for (i = 0; i < want; i++) {
		unsigned v = 0;
		int k;

		for (k = 0; k < 2; k++) {
			char c = hex[2 * i + (size_t)k];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* An in-memory node store: level l holds the complete subtrees in order. */

struct level_store {
	hash_t *h;
	uint64_t n, cap;
};

struct store {
	struct level_store lv[64];
};

static void store_free(struct store *s)
{
	unsigned l;

	for (l = 0; l < 64; l++)
		free(s->lv[l].h);
	memset(s, 0, sizeof(*s));
}

/* Emit callback: the builder must hand out nodes in order, each exactly once. */
static int store_emit(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	struct store *s = ctx;
	struct level_store *lv;

	if (level >= 64)
		return sdx_error_set(SDX_ERROR, "emit at level %u", level);
	lv = &s->lv[level];
	if (index != lv->n)
		return sdx_error_set(SDX_ERROR, "emit (%u, %" PRIu64 ") out of order, expected index %" PRIu64,
				     level, index, lv->n);
	if (lv->n == lv->cap) {
		uint64_t cap = lv->cap ? 2 * lv->cap : 64;
		hash_t *h = realloc(lv->h, (size_t)cap * sizeof(hash_t));

		if (!h)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		lv->h = h;
		lv->cap = cap;
	}
	memcpy(lv->h[lv->n++], hash, SDX_HASH_SIZE);
	return 0;
}

/* A reader over a store that only admits nodes inside the first `limit` leaves. */
struct view {
	const struct store *s;
	uint64_t limit;
	unsigned long reads;
	int fail_after;	/* fail the read after this many, or -1 */
};

static int view_read(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct view *v = ctx;
	uint64_t end;

	if (v->fail_after >= 0 && v->reads >= (unsigned long)v->fail_after)
		return sdx_error_set(SDX_EIO, "reader failure injected at read %lu", v->reads);
	if (level >= 64 || index >= v->s->lv[level].n)
		return sdx_error_set(SDX_ENOTFOUND, "no node (%u, %" PRIu64 ")", level, index);
	end = (index + 1) << level;
	if (end >> level != index + 1 || end > v->limit)
		return sdx_error_set(SDX_ENOTFOUND, "node (%u, %" PRIu64 ") lies beyond size %" PRIu64,
				     level, index, v->limit);
	memcpy(out, v->s->lv[level].h[index], SDX_HASH_SIZE);
	v->reads++;
	return 0;
}

static struct view view_of(const struct store *s, uint64_t limit)
{
	struct view v;

	v.s = s;
	v.limit = limit;
	v.reads = 0;
	v.fail_after = -1;
	return v;
}

/* Synthetic leaves: leaf i is the 8-byte big-endian encoding of i. */
static void synth_leaf(unsigned char out[32], uint64_t i)
{
	unsigned char b[8];
	int k;

	for (k = 0; k < 8; k++)
		b[k] = (unsigned char)(i >> (56 - 8 * k));
	sdx_merkle_leaf_hash(out, b, sizeof(b));
}

#define SYNTH_MAX 65537

/* One synthetic tree of SYNTH_MAX leaves serves every smaller size: prefixes share complete subtrees. */
static struct store synth_store;
static hash_t *synth_leaves;

static void synth_free(void)
{
	store_free(&synth_store);
	free(synth_leaves);
	synth_leaves = NULL;
}

static const struct store *synth(void)
{
	sdx_merkle_builder b;
	uint64_t i;

	if (synth_leaves)
		return &synth_store;
	if (!(synth_leaves = malloc(SYNTH_MAX * sizeof(hash_t))))
		return NULL;
	sdx_merkle_builder_init(&b);
	for (i = 0; i < SYNTH_MAX; i++) {
		synth_leaf(synth_leaves[i], i);
		if (sdx_merkle_builder_append(&b, synth_leaves[i], store_emit, &synth_store) < 0) {
			synth_free();
			return NULL;
		}
	}
	atexit(synth_free);
	return &synth_store;
}

/* ------------------------------------------------------------------------ */
/* Reference: RFC 6962 section 2.1 transcribed literally, recursion and all. */

static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

static void ref_mth(unsigned char out[32], const hash_t *leaves, uint64_t lo, uint64_t hi)
{
	hash_t l, r;
	uint64_t k;

	if (hi == lo) {
		sdx_merkle_empty_root(out);
		return;
	}
	if (hi - lo == 1) {
		memcpy(out, leaves[lo], SDX_HASH_SIZE);
		return;
	}
	k = ref_split(hi - lo);
	ref_mth(l, leaves, lo, lo + k);
	ref_mth(r, leaves, lo + k, hi);
	sdx_merkle_node_hash(out, l, r);
}

/* PATH(m, D[lo:hi]) */
static void ref_path(hash_t *out, size_t *len, const hash_t *leaves, uint64_t m,
		     uint64_t lo, uint64_t hi)
{
	uint64_t k;

	if (hi - lo == 1)
		return;
	k = ref_split(hi - lo);
	if (m < lo + k) {
		ref_path(out, len, leaves, m, lo, lo + k);
		ref_mth(out[(*len)++], leaves, lo + k, hi);
	} else {
		ref_path(out, len, leaves, m, lo + k, hi);
		ref_mth(out[(*len)++], leaves, lo, lo + k);
	}
}

/* SUBPROOF(m, D[lo:hi], b), m counted from leaf 0 */
static void ref_subproof(hash_t *out, size_t *len, const hash_t *leaves, uint64_t m,
			 uint64_t lo, uint64_t hi, int b)
{
	uint64_t k;

	if (m == hi) {
		if (!b)
			ref_mth(out[(*len)++], leaves, lo, hi);
		return;
	}
	k = ref_split(hi - lo);
	if (m <= lo + k) {
		ref_subproof(out, len, leaves, m, lo, lo + k, b);
		ref_mth(out[(*len)++], leaves, lo + k, hi);
	} else {
		ref_subproof(out, len, leaves, m, lo + k, hi, 0);
		ref_mth(out[(*len)++], leaves, lo, lo + k);
	}
}

/* ------------------------------------------------------------------------ */
/* Vectors from github.com/transparency-dev/merkle testonly/constants.go. */

static const struct {
	const char *hex;
} rfc_leaves[] = {
	{ "" }, { "00" }, { "10" }, { "2021" }, { "3031" }, { "40414243" },
	{ "5051525354555657" }, { "606162636465666768696a6b6c6d6e6f" },
};

/* RootHashes(): sizes 0..8 */
static const char *const rfc_roots[] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* NodeHashes(): every complete subtree of the 8-leaf tree, by level. */
static const char *const rfc_nodes[4][8] = {
	{ "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
	  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
	  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
	  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
	  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1" },
	{ "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	  "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	  "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	  "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0" },
	{ "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	  "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" },
	{ "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" },
};

/*
 * From github.com/transparency-dev/merkle proof/verify_test.go, the
 * inclusionProofs and consistencyProofs tables.  Upstream numbers leaves
 * from 1 in inclusionProofs (it verifies leaf-1); kept as published.  Its
 * first entry {0, 0, nil} is "an invalid path" upstream and is left out.
 */
static const struct {
	uint64_t leaf, size;
	size_t n;
	const char *proof[3];
} rfc_inclusion[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3, { "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 3, 3, 1, { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 2, 5, 3, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

static const struct {
	uint64_t size1, size2;
	size_t n;
	const char *proof[3];
} rfc_consistency[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, 2, { "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
	{ 6, 7, 3, { "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
		     "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
};

/* verify_test.go's sha256SomeHash */
static const char some_hash_hex[] =
	"abacaba000000000000000000000000000000000000000000060061e00123456";

/* Builds the 8-leaf tree; leaves[] gets the leaf hashes. */
static int rfc_tree(struct store *s, hash_t leaves[8])
{
	sdx_merkle_builder b;
	unsigned char data[16];
	size_t i, len;
	int err;

	sdx_merkle_builder_init(&b);
	for (i = 0; i < 8; i++) {
		len = strlen(rfc_leaves[i].hex) / 2;
		if (unhex(data, len, rfc_leaves[i].hex) < 0)
			return -1;
		sdx_merkle_leaf_hash(leaves[i], data, len);
		if ((err = sdx_merkle_builder_append(&b, leaves[i], store_emit, s)) < 0)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Tamper probes, after verify_test.go's corruptInclusionProof and corruptConsistencyProof. */

static void check_inclusion_rejects(const unsigned char leaf[32], uint64_t index, uint64_t size,
				    const unsigned char root[32], const hash_t *proof, size_t len)
{
	hash_t bad[SDX_MERKLE_MAX_PROOF + 1], h, some;
	size_t i;

	CHECK(len < SDX_MERKLE_MAX_PROOF);
	CHECK(unhex(some, sizeof(some), some_hash_hex) == 0);

	if (index > 0)
		CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index - 1, size, root, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index + 1, size, root, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index ^ 2, size, root, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size * 2, root, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size / 2, root, CPROOF(proof), len), SDX_EVERIFY);

	memcpy(h, leaf, sizeof(h));
	h[31] ^= 1;
	CHECK_ERR(sdx_merkle_verify_inclusion(h, index, size, root, CPROOF(proof), len), SDX_EVERIFY);
	memcpy(h, root, sizeof(h));
	h[0] ^= 0x80;
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, h, CPROOF(proof), len), SDX_EVERIFY);
	sdx_merkle_empty_root(h);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, h, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, some, CPROOF(proof), len), SDX_EVERIFY);

	/* extended at the end and at the front */
	memcpy(bad, proof, len * sizeof(hash_t));
	memcpy(bad[len], root, sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, root, CPROOF(bad), len + 1), SDX_EVERIFY);
	memcpy(bad[0], root, sizeof(hash_t));
	memcpy(bad + 1, proof, len * sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, root, CPROOF(bad), len + 1), SDX_EVERIFY);

	for (i = 0; i < len; i++) {
		memcpy(bad, proof, len * sizeof(hash_t));
		bad[i][0] ^= 8;
		CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, root, CPROOF(bad), len), SDX_EVERIFY);
	}
	if (len > 0)
		CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, root, CPROOF(proof), len - 1), SDX_EVERIFY);
	if (len > 1) {
		/* "inserted component": proof[0], some hash, proof[1:] */
		memcpy(bad[0], proof[0], sizeof(hash_t));
		memcpy(bad[1], some, sizeof(hash_t));
		memcpy(bad + 2, proof + 1, (len - 1) * sizeof(hash_t));
		CHECK_ERR(sdx_merkle_verify_inclusion(leaf, index, size, root, CPROOF(bad), len + 1), SDX_EVERIFY);
	}
}

static void check_consistency_rejects(uint64_t m, uint64_t n, const unsigned char r1[32],
				      const unsigned char r2[32], const hash_t *proof, size_t len)
{
	hash_t bad[SDX_MERKLE_MAX_PROOF + 1], h;
	size_t i;

	CHECK(len > 0 && len < SDX_MERKLE_MAX_PROOF);
	CHECK_ERR(sdx_merkle_verify_consistency(m - 1, n, r1, r2, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m + 1, n, r1, r2, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m ^ 2, n, r1, r2, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m, n * 2, r1, r2, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m, n / 2, r1, r2, CPROOF(proof), len), SDX_EVERIFY);

	memcpy(h, r1, sizeof(h));
	h[5] ^= 2;
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, h, r2, CPROOF(proof), len), SDX_EVERIFY);
	memcpy(h, r2, sizeof(h));
	h[5] ^= 2;
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, h, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r2, r1, CPROOF(proof), len), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(proof), 0), SDX_EVERIFY);

	memcpy(bad, proof, len * sizeof(hash_t));
	memcpy(bad[len], r1, sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len + 1), SDX_EVERIFY);
	memcpy(bad[len], r2, sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len + 1), SDX_EVERIFY);
	memcpy(bad + 1, proof, len * sizeof(hash_t));
	memcpy(bad[0], r1, sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len + 1), SDX_EVERIFY);
	memcpy(bad[0], r2, sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len + 1), SDX_EVERIFY);
	memcpy(bad[0], proof[0], sizeof(hash_t));
	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len + 1), SDX_EVERIFY);

	CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(proof), len - 1), SDX_EVERIFY);
	for (i = 0; i < len; i++) {
		memcpy(bad, proof, len * sizeof(hash_t));
		bad[i][0] ^= 16;
		CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(bad), len), SDX_EVERIFY);
	}
}

/* ------------------------------------------------------------------------ */
/* 1. RFC 6962 reference vectors */

static void rfc6962_hashes_and_roots(void)
{
	struct store s = { 0 };
	hash_t leaves[8], want, got;
	sdx_merkle_builder b;
	struct view v;
	size_t i, j;

	if (rfc_tree(&s, leaves) != 0) {
		store_free(&s);
		CHECK(!"building the 8-leaf tree failed");
	}
	/* Every emitted complete subtree is one of NodeHashes(). */
	for (i = 0; i < 4; i++) {
		if (s.lv[i].n != (8u >> i))
			break;
		for (j = 0; j < s.lv[i].n; j++) {
			if (unhex(want, 32, rfc_nodes[i][j]) != 0 || memcmp(want, s.lv[i].h[j], 32) != 0)
				break;
		}
		if (j != s.lv[i].n)
			break;
	}
	if (i != 4 || s.lv[4].n != 0) {
		store_free(&s);
		CHECK(!"emitted nodes differ from NodeHashes()");
	}

	sdx_merkle_builder_init(&b);
	for (i = 0; i <= 8; i++) {
		if (unhex(want, 32, rfc_roots[i]) != 0)
			break;
		sdx_merkle_builder_root(got, &b);
		if (memcmp(got, want, 32) != 0)
			break;
		v = view_of(&s, i);
		if (sdx_merkle_root(got, i, view_read, &v) != 0 || memcmp(got, want, 32) != 0)
			break;
		if (i < 8 && sdx_merkle_builder_append(&b, leaves[i], NULL, NULL) != 0)
			break;
	}
	store_free(&s);
	CHECK(i == 9);
	sdx_merkle_empty_root(got);
	CHECK(unhex(want, 32, rfc_roots[0]) == 0);
	CHECK_MEM(got, want, 32);
}

static void rfc6962_inclusion_vectors(void)
{
	struct store s = { 0 };
	hash_t leaves[8], roots[9], want[3], proof[SDX_MERKLE_MAX_PROOF];
	size_t i, j, len;
	struct view v;
	int bad = 0;

	bad = rfc_tree(&s, leaves) != 0;
	for (i = 0; i < 9 && !bad; i++)
		bad = unhex(roots[i], 32, rfc_roots[i]) != 0;
	for (i = 0; i < sizeof(rfc_inclusion) / sizeof(rfc_inclusion[0]) && !bad; i++) {
		uint64_t index = rfc_inclusion[i].leaf - 1, size = rfc_inclusion[i].size;

		for (j = 0; j < rfc_inclusion[i].n; j++)
			bad |= unhex(want[j], 32, rfc_inclusion[i].proof[j]) != 0;
		v = view_of(&s, size);
		if (bad || sdx_merkle_prove_inclusion(proof, &len, index, size, view_read, &v) != 0 ||
		    len != rfc_inclusion[i].n || memcmp(proof, want, len * 32) != 0) {
			bad = 1;
			break;
		}
		if (sdx_merkle_verify_inclusion(leaves[index], index, size, roots[size],
						CPROOF(want), len) != 0) {
			bad = 2;
			break;
		}
		check_inclusion_rejects(leaves[index], index, size, roots[size], CPROOF(want), len);
		if (test_failed())
			break;
	}
	store_free(&s);
	CHECK(bad != 1);
	CHECK(bad != 2);
}

static void rfc6962_consistency_vectors(void)
{
	struct store s = { 0 };
	hash_t leaves[8], roots[9], want[3], proof[SDX_MERKLE_MAX_PROOF];
	size_t i, j, len;
	struct view v;
	int bad = 0;

	bad = rfc_tree(&s, leaves) != 0;
	for (i = 0; i < 9 && !bad; i++)
		bad = unhex(roots[i], 32, rfc_roots[i]) != 0;
	for (i = 0; i < sizeof(rfc_consistency) / sizeof(rfc_consistency[0]) && !bad; i++) {
		uint64_t m = rfc_consistency[i].size1, n = rfc_consistency[i].size2;

		for (j = 0; j < rfc_consistency[i].n; j++)
			bad |= unhex(want[j], 32, rfc_consistency[i].proof[j]) != 0;
		v = view_of(&s, n);
		if (bad || sdx_merkle_prove_consistency(proof, &len, m, n, view_read, &v) != 0 ||
		    len != rfc_consistency[i].n || memcmp(proof, want, len * 32) != 0) {
			bad = 1;
			break;
		}
		if (sdx_merkle_verify_consistency(m, n, roots[m], roots[n], CPROOF(want), len) != 0) {
			bad = 2;
			break;
		}
		if (len > 0)
			check_consistency_rejects(m, n, roots[m], roots[n], CPROOF(want), len);
		if (test_failed())
			break;
	}
	store_free(&s);
	CHECK(bad != 1);
	CHECK(bad != 2);
}

/* verify_test.go TestVerifyConsistency's fixed table and TestVerifyInclusion's probes. */
static void rfc6962_verify_edge_cases(void)
{
	hash_t r1, r2, empty, some, proof2[1];
	static const struct {
		uint64_t m, n;
		int root1, root2;	/* 1 = r1, 2 = r2, 3 = empty tree hash */
		size_t len;		/* 0 or 1 (proof2 = {empty tree hash}) */
		int ok;
	} t[] = {
		{ 0, 0, 1, 2, 0, 0 }, { 1, 1, 1, 2, 0, 0 },
		{ 0, 0, 1, 1, 0, 1 }, { 0, 1, 1, 2, 0, 1 }, { 1, 1, 2, 2, 0, 1 },
		{ 1, 0, 1, 2, 0, 0 }, { 2, 1, 1, 2, 0, 0 },
		{ 1, 2, 1, 2, 0, 0 },
		{ 0, 0, 3, 2, 0, 0 }, { 1, 1, 3, 2, 0, 0 },
		{ 0, 0, 3, 3, 1, 0 }, { 0, 1, 3, 3, 1, 0 }, { 1, 1, 3, 3, 1, 0 },
	};
	static const uint64_t probes[][2] = { { 0, 0 }, { 0, 1 }, { 1, 0 }, { 2, 1 } };
	const unsigned char *roots[4];
	size_t i;

	memset(r1, 0, 32);
	memcpy(r1, "don't care 1", 12);
	memset(r2, 0, 32);
	memcpy(r2, "don't care 2", 12);
	sdx_merkle_empty_root(empty);
	memcpy(proof2[0], empty, 32);
	CHECK(unhex(some, 32, some_hash_hex) == 0);
	roots[1] = r1;
	roots[2] = r2;
	roots[3] = empty;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int rc = sdx_merkle_verify_consistency(t[i].m, t[i].n, roots[t[i].root1], roots[t[i].root2],
						       CPROOF(proof2), t[i].len);

		if (t[i].ok)
			CHECK_OK(rc);
		else
			CHECK_ERR(rc, SDX_EVERIFY);
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		CHECK_ERR(sdx_merkle_verify_inclusion(some, probes[i][0], probes[i][1], empty,
						      CPROOF(proof2), 0), SDX_EVERIFY);

	/* A one-leaf tree: the root is the leaf hash and the proof is empty. */
	sdx_merkle_leaf_hash(r1, "data", 4);
	CHECK_OK(sdx_merkle_verify_inclusion(r1, 0, 1, r1, CPROOF(proof2), 0));
	CHECK_ERR(sdx_merkle_verify_inclusion(r1, 0, 1, empty, CPROOF(proof2), 0), SDX_EVERIFY);
	CHECK_ERR(sdx_merkle_verify_inclusion(r1, 0, 1, r1, CPROOF(proof2), 1), SDX_EVERIFY);
	/* The message says what was wrong. */
	CHECK_ERR(sdx_merkle_verify_inclusion(r1, 5, 7, r1, CPROOF(proof2), 1), SDX_EVERIFY);
	CHECK_STR(sdx_error_last(), "inclusion proof has 1 hashes, expected 3 for index 5 in tree of 7");
}

/* ------------------------------------------------------------------------ */
/* 2. Upstream Go fixtures */

struct upstream {
	char dir[256];
	json_t *json;
	struct store s;
	char **files;		/* entry tile contents */
	size_t nfiles;
	const unsigned char **data;	/* entry i's bytes, inside files[] */
	size_t *len;
	uint64_t size;
	size_t tiles_checked, tiles_found;
	unsigned char *buf;
};

static const char *fixture_path(const struct upstream *u, const char *rel)
{
	char tmp[600];

	snprintf(tmp, sizeof(tmp), "%s/%s", u->dir, rel);
	return test_data(tmp);
}

static int b64_hash(unsigned char out[32], json_t *s)
{
	if (!json_is_string(s))
		return -1;
	return sdx__b64_decode_fixed(out, 32, json_string_value(s), json_string_length(s));
}

static int b64_proof(hash_t *out, size_t *len, json_t *a)
{
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > SDX_MERKLE_MAX_PROOF)
		return -1;
	for (i = 0; i < json_array_size(a); i++)
		if (b64_hash(out[i], json_array_get(a, i)) != 0)
			return -1;
	*len = json_array_size(a);
	return 0;
}

/* Counts regular files under dir, checking that each name parses as a tile path and back. */
static int walk_tiles(struct upstream *u, const char *dir, const char *rel, int depth)
{
	DIR *d;
	struct dirent *e;
	int err = 0;

	if (depth > 12 || !(d = opendir(dir)))
		return -1;
	while (!err && (e = readdir(d)) != NULL) {
		char path[1024], sub[512], back[128];
		struct stat st;
		int level;
		uint64_t index;
		unsigned width;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(sub, sizeof(sub), "%s/%s", rel, e->d_name);
		if (stat(path, &st) != 0) {
			err = -1;
		} else if (S_ISDIR(st.st_mode)) {
			err = walk_tiles(u, path, sub, depth + 1);
		} else {
			u->tiles_found++;
			if (sdx_tile_parse_path(&level, &index, &width, sub) != 0 ||
			    sdx_tile_path(back, sizeof(back), level, index, width) != 0 ||
			    strcmp(back, sub) != 0)
				err = -1;
		}
	}
	closedir(d);
	return err;
}

static void upstream_run(struct upstream *u)
{
	json_error_t jerr;
	json_t *a, *x;
	hash_t root, got, want, leaf, *proof = NULL, *gen = NULL;
	size_t i, k, plen, glen;
	uint64_t t, ntiles, count;
	sdx_merkle_builder b;
	struct view v;
	char rel[128];
	unsigned level;

	u->json = json_load_file(fixture_path(u, "proofs.json"), 0, &jerr);
	CHECK(u->json != NULL);
	CHECK(json_is_integer(json_object_get(u->json, "tree_size")));
	u->size = (uint64_t)json_integer_value(json_object_get(u->json, "tree_size"));
	CHECK(u->size > 0 && u->size < 1000000);
	CHECK(b64_hash(root, json_object_get(u->json, "root")) == 0);

	/* Entry bundles: big-endian uint16 length, then the entry. */
	ntiles = (u->size + 255) / 256;
	u->files = calloc((size_t)ntiles, sizeof(char *));
	u->data = calloc((size_t)u->size, sizeof(*u->data));
	u->len = calloc((size_t)u->size, sizeof(size_t));
	u->buf = malloc(SDX_TILE_WIDTH * (2 + 65535));
	CHECK(u->files && u->data && u->len && u->buf);
	u->nfiles = (size_t)ntiles;
	sdx_merkle_builder_init(&b);
	for (t = 0; t < ntiles; t++) {
		unsigned w = (unsigned)(u->size - t * 256 < 256 ? u->size - t * 256 : 256);
		size_t flen, pos = 0, out = 0;

		CHECK_OK(sdx_tile_path(rel, sizeof(rel), SDX_TILE_ENTRIES, t, w));
		u->files[t] = test_read_file(fixture_path(u, rel), &flen);
		CHECK(u->files[t] != NULL);
		for (k = 0; k < w; k++) {
			uint64_t idx = t * 256 + k;
			const unsigned char *p = (const unsigned char *)u->files[t] + pos;
			size_t n;

			CHECK(flen - pos >= 2);
			n = (size_t)p[0] << 8 | p[1];
			CHECK(flen - pos - 2 >= n);
			u->data[idx] = p + 2;
			u->len[idx] = n;
			pos += 2 + n;
			sdx_merkle_leaf_hash(leaf, u->data[idx], n);
			CHECK_OK(sdx_merkle_builder_append(&b, leaf, store_emit, &u->s));
			/* rebuild the bundle */
			u->buf[out++] = (unsigned char)(n >> 8);
			u->buf[out++] = (unsigned char)n;
			memcpy(u->buf + out, u->data[idx], n);
			out += n;
		}
		CHECK(pos == flen);
		CHECK(out == flen && memcmp(u->buf, u->files[t], flen) == 0);
		u->tiles_checked++;
	}
	sdx_merkle_builder_root(got, &b);
	CHECK_MEM(got, root, 32);
	v = view_of(&u->s, u->size);
	CHECK_OK(sdx_merkle_root(got, u->size, view_read, &v));
	CHECK_MEM(got, root, 32);

	/* Hash tiles: tile level L holds tree level 8L. */
	for (level = 0; (count = u->size >> (8 * level)) > 0; level++) {
		const struct level_store *lv = &u->s.lv[8 * level];

		CHECK(lv->n == count);
		for (t = 0; t < (count + 255) / 256; t++) {
			unsigned w = (unsigned)(count - t * 256 < 256 ? count - t * 256 : 256);
			size_t flen;
			char *file;
			int same;

			CHECK_OK(sdx_tile_path(rel, sizeof(rel), (int)level, t, w));
			file = test_read_file(fixture_path(u, rel), &flen);
			CHECK(file != NULL);
			same = flen == (size_t)w * 32 && memcmp(file, lv->h[t * 256], flen) == 0;
			free(file);
			if (!same)
				test_fail(__FILE__, __LINE__, rel);
			CHECK(same);
			u->tiles_checked++;
		}
	}
	CHECK(walk_tiles(u, fixture_path(u, "tile"), "tile", 0) == 0);
	CHECK(u->tiles_found == u->tiles_checked);

	proof = calloc(SDX_MERKLE_MAX_PROOF, sizeof(hash_t));
	gen = calloc(SDX_MERKLE_MAX_PROOF, sizeof(hash_t));
	if (!proof || !gen) {
		free(proof);
		free(gen);
		CHECK(!"out of memory");
	}
	a = json_object_get(u->json, "inclusion");
	if (!json_is_array(a) || json_array_size(a) == 0)
		goto fail;
	json_array_foreach(a, i, x) {
		uint64_t idx = (uint64_t)json_integer_value(json_object_get(x, "index"));
		uint64_t n = (uint64_t)json_integer_value(json_object_get(x, "tree_size"));
		json_t *d = json_object_get(x, "leaf_data_b64"), *lf = json_object_get(x, "leaf_file");
		unsigned char *data = NULL;
		char *file = NULL;
		size_t dlen, flen = 0;
		int ok;

		if (n == 0 || n > u->size || idx >= n || !json_is_string(d) || !json_is_string(lf))
			goto fail;
		if (b64_hash(root, json_object_get(x, "root")) != 0 ||
		    b64_hash(want, json_object_get(x, "leaf_hash")) != 0 ||
		    b64_proof(proof, &plen, json_object_get(x, "proof")) != 0 ||
		    sdx__b64_decode(&data, &dlen, json_string_value(d), json_string_length(d)) != 0)
			goto fail;
		file = test_read_file(fixture_path(u, json_string_value(lf)), &flen);
		ok = dlen == u->len[idx] && memcmp(data, u->data[idx], dlen) == 0 &&
		     file && flen == dlen && memcmp(file, data, dlen) == 0;
		sdx_merkle_leaf_hash(leaf, data, dlen);
		free(data);
		free(file);
		if (!ok || memcmp(leaf, want, 32) != 0 || memcmp(leaf, u->s.lv[0].h[idx], 32) != 0)
			goto fail;
		v = view_of(&u->s, n);
		if (sdx_merkle_root(got, n, view_read, &v) != 0 || memcmp(got, root, 32) != 0)
			goto fail;
		v = view_of(&u->s, n);
		if (sdx_merkle_prove_inclusion(gen, &glen, idx, n, view_read, &v) != 0 ||
		    glen != plen || memcmp(gen, proof, plen * 32) != 0)
			goto fail;
		if (sdx_merkle_verify_inclusion(leaf, idx, n, root, CPROOF(proof), plen) != 0)
			goto fail;
	}
	a = json_object_get(u->json, "consistency");
	if (!json_is_array(a) || json_array_size(a) == 0)
		goto fail;
	json_array_foreach(a, i, x) {
		uint64_t m = (uint64_t)json_integer_value(json_object_get(x, "old_size"));
		uint64_t n = (uint64_t)json_integer_value(json_object_get(x, "tree_size"));
		hash_t old_root;

		if (m == 0 || m > n || n > u->size)
			goto fail;
		if (b64_hash(old_root, json_object_get(x, "old_root")) != 0 ||
		    b64_hash(root, json_object_get(x, "root")) != 0 ||
		    b64_proof(proof, &plen, json_object_get(x, "proof")) != 0)
			goto fail;
		v = view_of(&u->s, m);
		if (sdx_merkle_root(got, m, view_read, &v) != 0 || memcmp(got, old_root, 32) != 0)
			goto fail;
		v = view_of(&u->s, n);
		if (sdx_merkle_root(got, n, view_read, &v) != 0 || memcmp(got, root, 32) != 0)
			goto fail;
		v = view_of(&u->s, n);
		if (sdx_merkle_prove_consistency(gen, &glen, m, n, view_read, &v) != 0 ||
		    glen != plen || memcmp(gen, proof, plen * 32) != 0)
			goto fail;
		if (sdx_merkle_verify_consistency(m, n, old_root, root, CPROOF(proof), plen) != 0)
			goto fail;
	}
	free(proof);
	free(gen);
	return;
fail:
	free(proof);
	free(gen);
	test_fail(__FILE__, __LINE__, sdx_error_last()[0] ? sdx_error_last() : "fixture proof mismatch");
}

static void upstream_case(unsigned size)
{
	struct upstream u;
	size_t i;

	memset(&u, 0, sizeof(u));
	snprintf(u.dir, sizeof(u.dir), "upstream/tlog/size-%u", size);
	upstream_run(&u);
	for (i = 0; i < u.nfiles; i++)
		free(u.files[i]);
	free(u.files);
	free(u.data);
	free(u.len);
	free(u.buf);
	json_decref(u.json);
	store_free(&u.s);
}

static void upstream_size_1(void) { upstream_case(1); }
static void upstream_size_7(void) { upstream_case(7); }
static void upstream_size_256(void) { upstream_case(256); }
static void upstream_size_257(void) { upstream_case(257); }
static void upstream_size_1000(void) { upstream_case(1000); }
static void upstream_size_66000(void) { upstream_case(66000); }

/* ------------------------------------------------------------------------ */
/* 3. Edge sizes, tampering and the reference implementation */

static const uint64_t edge_sizes[] = { 0, 1, 2, 3, 255, 256, 257, 65535, 65536, 65537 };

static unsigned bits_of(uint64_t x)
{
	unsigned n = 0;

	for (; x; x >>= 1)
		n++;
	return n;
}

static void edge_inclusion(void)
{
	const struct store *s = synth();
	hash_t proof[SDX_MERKLE_MAX_PROOF], root;
	size_t i, j, len;
	struct view v;

	CHECK(s != NULL);
	for (i = 0; i < sizeof(edge_sizes) / sizeof(edge_sizes[0]); i++) {
		uint64_t n = edge_sizes[i];
		uint64_t idx[3];

		v = view_of(s, n);
		CHECK_OK(sdx_merkle_root(root, n, view_read, &v));
		v = view_of(s, n);
		CHECK_ERR(sdx_merkle_prove_inclusion(proof, &len, n, n, view_read, &v), SDX_EINVAL);
		CHECK_ERR(sdx_merkle_verify_inclusion(synth_leaves[0], n, n, root, CPROOF(proof), 0),
			  SDX_EVERIFY);
		if (n == 0)
			continue;
		idx[0] = 0;
		idx[1] = n / 2;
		idx[2] = n - 1;
		for (j = 0; j < 3; j++) {
			v = view_of(s, n);
			CHECK_OK(sdx_merkle_prove_inclusion(proof, &len, idx[j], n, view_read, &v));
			/* O(log n): one read per left sibling plus the right fringe. */
			CHECK(v.reads <= 2 * (bits_of(n) + 1));
			CHECK_OK(sdx_merkle_verify_inclusion(synth_leaves[idx[j]], idx[j], n, root,
							     CPROOF(proof), len));
			check_inclusion_rejects(synth_leaves[idx[j]], idx[j], n, root, CPROOF(proof), len);
			if (test_failed())
				return;
		}
	}
}

static void edge_consistency(void)
{
	const struct store *s = synth();
	hash_t proof[SDX_MERKLE_MAX_PROOF], r1, r2;
	size_t i, j, len;
	struct view v;

	CHECK(s != NULL);
	for (i = 0; i < sizeof(edge_sizes) / sizeof(edge_sizes[0]); i++) {
		uint64_t n = edge_sizes[i];
		uint64_t old[5];

		old[0] = 0;
		old[1] = 1;
		old[2] = n / 2;
		old[3] = n ? n - 1 : 0;
		old[4] = n;
		v = view_of(s, n);
		CHECK_OK(sdx_merkle_root(r2, n, view_read, &v));
		v = view_of(s, n + 1);
		CHECK_ERR(sdx_merkle_prove_consistency(proof, &len, n + 1, n, view_read, &v), SDX_EINVAL);
		CHECK_ERR(sdx_merkle_verify_consistency(n + 1, n, r2, r2, CPROOF(proof), 0), SDX_EVERIFY);
		for (j = 0; j < 5; j++) {
			uint64_t m = old[j];

			if (m > n)
				continue;
			v = view_of(s, m);
			CHECK_OK(sdx_merkle_root(r1, m, view_read, &v));
			v = view_of(s, n);
			CHECK_OK(sdx_merkle_prove_consistency(proof, &len, m, n, view_read, &v));
			CHECK(v.reads <= 3 * (bits_of(n) + 1));
			CHECK_OK(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(proof), len));
			if (m == 0 || m == n) {
				CHECK(len == 0);
				/* A non-empty proof is refused even when it would be harmless. */
				memcpy(proof[0], r1, 32);
				CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(proof), 1),
					  SDX_EVERIFY);
				if (m == n && n > 0) {
					r1[3] ^= 1;
					CHECK_ERR(sdx_merkle_verify_consistency(m, n, r1, r2, CPROOF(proof), 0),
						  SDX_EVERIFY);
				}
				continue;
			}
			check_consistency_rejects(m, n, r1, r2, CPROOF(proof), len);
			if (test_failed())
				return;
		}
	}
}

static void check_against_reference(const struct store *s, uint64_t n, uint64_t m)
{
	hash_t got[SDX_MERKLE_MAX_PROOF], want[SDX_MERKLE_MAX_PROOF], root;
	size_t glen, wlen = 0;
	struct view v;

	if (m < n) {
		v = view_of(s, n);
		CHECK_OK(sdx_merkle_prove_inclusion(got, &glen, m, n, view_read, &v));
		ref_path(want, &wlen, CPROOF(synth_leaves), m, 0, n);
		CHECK(glen == wlen && memcmp(got, want, glen * 32) == 0);
	}
	if (m >= 1 && m <= n) {
		wlen = 0;
		v = view_of(s, n);
		CHECK_OK(sdx_merkle_prove_consistency(got, &glen, m, n, view_read, &v));
		if (m < n)
			ref_subproof(want, &wlen, CPROOF(synth_leaves), m, 0, n, 1);
		CHECK(glen == wlen && memcmp(got, want, glen * 32) == 0);
	}
	v = view_of(s, m);
	CHECK_OK(sdx_merkle_root(got[0], m, view_read, &v));
	ref_mth(root, CPROOF(synth_leaves), 0, m);
	CHECK_MEM(got[0], root, 32);
}

static void reference_exhaustive(void)
{
	const struct store *s = synth();
	uint64_t n, m, x = 0x9e3779b97f4a7c15u;

	CHECK(s != NULL);
	/* Every (m, n) for small trees... */
	for (n = 1; n <= 80; n++) {
		for (m = 0; m <= n; m++) {
			check_against_reference(s, n, m);
			if (test_failed())
				return;
		}
	}
	/* ...and a sample of m, including the awkward ones, up to 600. */
	for (n = 81; n <= 600; n += 3) {
		uint64_t ms[6];
		size_t i;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ms[0] = 1;
		ms[1] = n / 2;
		ms[2] = n - 1;
		ms[3] = n;
		ms[4] = x % n;
		ms[5] = (x >> 20) % n + 1;
		for (i = 0; i < 6; i++) {
			check_against_reference(s, n, ms[i]);
			if (test_failed())
				return;
		}
	}
}

/* A failing reader aborts with its own code; nothing is half-written to out_len. */
static void reader_errors(void)
{
	const struct store *s = synth();
	hash_t proof[SDX_MERKLE_MAX_PROOF], root;
	sdx_merkle_builder b, copy;
	struct view v;
	size_t len = 99;

	CHECK(s != NULL);
	v = view_of(s, 1000);
	v.fail_after = 2;
	CHECK_ERR(sdx_merkle_prove_inclusion(proof, &len, 3, 1000, view_read, &v), SDX_EIO);
	CHECK(len == 0);
	CHECK(strstr(sdx_error_last(), "injected") != NULL);
	len = 99;
	v = view_of(s, 1000);
	v.fail_after = 1;
	CHECK_ERR(sdx_merkle_prove_consistency(proof, &len, 3, 1000, view_read, &v), SDX_EIO);
	CHECK(len == 0);
	v = view_of(s, 1000);
	v.fail_after = 0;
	CHECK_ERR(sdx_merkle_root(root, 1000, view_read, &v), SDX_EIO);
	/* A reader that refuses nodes past its size catches over-reads. */
	v = view_of(s, 999);
	CHECK_ERR(sdx_merkle_root(root, 1000, view_read, &v), SDX_ENOTFOUND);

	/* A failed resume leaves the builder as it was. */
	sdx_merkle_builder_init(&b);
	CHECK_OK(sdx_merkle_builder_append(&b, synth_leaves[0], NULL, NULL));
	copy = b;
	v = view_of(s, 1023);
	v.fail_after = 3;
	CHECK_ERR(sdx_merkle_builder_resume(&b, 1023, view_read, &v), SDX_EIO);
	CHECK(memcmp(&b, &copy, sizeof(b)) == 0);
	CHECK_ERR(sdx_merkle_prove_consistency(proof, &len, 5, 4, view_read, &v), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "5") != NULL);
}

/* ------------------------------------------------------------------------ */
/* 4. Tile path naming */

static void tile_paths(void)
{
	static const struct {
		int level;
		uint64_t index;
		unsigned width;
		const char *path;
	} t[] = {
		{ 0, 0, 256, "tile/0/000" },
		{ 0, 5, 256, "tile/0/005" },
		{ 0, 999, 256, "tile/0/999" },
		{ 0, 1000, 256, "tile/0/x001/000" },
		{ 1, 1234067, 256, "tile/1/x001/x234/067" },
		{ 0, 1000000, 256, "tile/0/x001/x000/000" },
		{ 2, 5, 7, "tile/2/005.p/7" },
		{ 0, 3, 232, "tile/0/003.p/232" },
		{ 1, 0, 1, "tile/1/000.p/1" },
		{ 63, 0, 255, "tile/63/000.p/255" },
		{ SDX_TILE_ENTRIES, 0, 256, "tile/entries/000" },
		{ SDX_TILE_ENTRIES, 0, 1, "tile/entries/000.p/1" },
		{ SDX_TILE_ENTRIES, 257, 208, "tile/entries/257.p/208" },
		{ SDX_TILE_ENTRIES, 1234067, 255, "tile/entries/x001/x234/067.p/255" },
		{ 7, UINT64_MAX, 256, "tile/7/x018/x446/x744/x073/x709/x551/615" },
		{ SDX_TILE_ENTRIES, UINT64_MAX, 255, "tile/entries/x018/x446/x744/x073/x709/x551/615.p/255" },
	};
	char buf[128];
	size_t i;
	int level;
	uint64_t index;
	unsigned width;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_OK(sdx_tile_path(buf, sizeof(buf), t[i].level, t[i].index, t[i].width));
		CHECK_STR(buf, t[i].path);
		CHECK_OK(sdx_tile_parse_path(&level, &index, &width, t[i].path));
		CHECK(level == t[i].level && index == t[i].index && width == t[i].width);
		/* the leading "tile/" is optional */
		CHECK_OK(sdx_tile_parse_path(&level, &index, &width, t[i].path + 5));
		CHECK(level == t[i].level && index == t[i].index && width == t[i].width);
	}
	/* exactly enough room, and one byte short */
	CHECK_OK(sdx_tile_path(buf, strlen("tile/1/x001/x234/067") + 1, 1, 1234067, 256));
	CHECK_ERR(sdx_tile_path(buf, strlen("tile/1/x001/x234/067"), 1, 1234067, 256), SDX_ELIMIT);
	CHECK(buf[0] == '\0');
	CHECK_ERR(sdx_tile_path(buf, 0, 0, 0, 256), SDX_ELIMIT);
	CHECK_ERR(sdx_tile_path(buf, sizeof(buf), 0, 0, 0), SDX_EINVAL);
	CHECK_ERR(sdx_tile_path(buf, sizeof(buf), 0, 0, 257), SDX_EINVAL);
	CHECK_ERR(sdx_tile_path(buf, sizeof(buf), 64, 0, 256), SDX_EINVAL);
	CHECK_ERR(sdx_tile_path(buf, sizeof(buf), -2, 0, 256), SDX_EINVAL);
}

static void tile_parse_rejects(void)
{
	static const char *const bad[] = {
		"", "tile", "tile/", "tile/0", "tile/0/", "tile/0/0", "tile/0/00", "tile/0/0000",
		"tile/0/1", "tile/0/x000/001", "tile/0/x000/x001/000", "tile/0/x001", "tile/0/x001/",
		"tile/0/001/002", "tile/0/x001/x002", "tile/0/X001/000", "tile/0/xx001/000",
		"tile/00/000", "tile/01/000", "tile/64/000", "tile/100/000", "tile/-1/000",
		"tile/+1/000", "tile//000", "tile/a/000", "tiles/0/000", "tile/data/000",
		"tile/entry/000", "tile/entries", "tile/entries/", "tile/entries/x000/000",
		"tile/0/000.p/0", "tile/0/000.p/256", "tile/0/000.p/999", "tile/0/000.p/1000",
		"tile/0/000.p/007", "tile/0/000.p/", "tile/0/000.p", "tile/0/000.p/1/",
		"tile/0/000.p/1 ", "tile/0/000.p/-1", "tile/0/000.q/1", "tile/0/000/",
		" tile/0/000", "tile/0/000 ", "tile /0/000", "tile/0/00a", "tile/0/+01",
		"tile/0/-01", "tile/0/000\n", "/tile/0/000", "tile/tile/0/000", "entries",
		"tile/0/x018/x446/x744/x073/x709/x551/616",
		"tile/0/x999/x999/x999/x999/x999/x999/x999/999",
		"tile/0/x001/x000/x000/x000/x000/x000/x000/000",
		"tile/entries/x001/x234/067.p/255/extra-junk-to-make-it-longer-than-64-bytes",
	};
	size_t i;
	int level = 42;
	uint64_t index = 42;
	unsigned width = 42;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (sdx_tile_parse_path(&level, &index, &width, bad[i]) != SDX_EFORMAT) {
			test_fail(__FILE__, __LINE__, bad[i]);
			return;
		}
		/* outputs are only written on success */
		CHECK(level == 42 && index == 42 && width == 42);
	}
	CHECK(strstr(sdx_error_last(), "malformed tile path") != NULL);
}

/* ------------------------------------------------------------------------ */
/* 5. The builder */

static void reader_root_matches_builder(void)
{
	struct store s = { 0 };
	sdx_merkle_builder b;
	hash_t leaf, a, r;
	struct view v;
	uint64_t n;
	int bad = 0;

	sdx_merkle_builder_init(&b);
	for (n = 0; n <= 300 && !bad; n++) {
		sdx_merkle_builder_root(a, &b);
		v = view_of(&s, n);
		bad = sdx_merkle_root(r, n, view_read, &v) != 0 || memcmp(a, r, 32) != 0;
		/* one read per set bit of n: the binary decomposition */
		if (!bad) {
			unsigned ones = 0;
			uint64_t x;

			for (x = n; x; x &= x - 1)
				ones++;
			bad = v.reads != ones;
		}
		synth_leaf(leaf, n);
		if (!bad)
			bad = sdx_merkle_builder_append(&b, leaf, store_emit, &s) != 0;
	}
	store_free(&s);
	CHECK(!bad);
}

/* Checks every emit against the synthetic tree and the order the header promises. */
struct emit_check {
	const struct store *s;
	uint64_t leaf;
	unsigned next_level;
	int fail_at_level;	/* make emit fail at this level, or -1 */
};

static int check_emit(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	struct emit_check *c = ctx;

	if (c->fail_at_level >= 0 && level == (unsigned)c->fail_at_level)
		return sdx_error_set(SDX_EIO, "emit failure injected");
	if (level != c->next_level || index != c->leaf >> level)
		return sdx_error_set(SDX_ERROR, "emit (%u, %" PRIu64 ") out of order", level, index);
	if (index >= c->s->lv[level].n || memcmp(hash, c->s->lv[level].h[index], 32) != 0)
		return sdx_error_set(SDX_ERROR, "emit (%u, %" PRIu64 ") has the wrong hash", level, index);
	c->next_level++;
	return 0;
}

static void builder_resume(void)
{
	static const uint64_t starts[] = { 0, 1, 2, 3, 7, 8, 255, 256, 257, 1000, 4095, 65000 };
	const struct store *s = synth();
	sdx_merkle_builder b, copy;
	struct emit_check c;
	struct view v;
	hash_t a, r;
	size_t i;
	uint64_t n;

	CHECK(s != NULL);
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		sdx_merkle_builder_init(&b);
		b.size = 12345; /* resume overwrites whatever was there */
		v = view_of(s, starts[i]);
		CHECK_OK(sdx_merkle_builder_resume(&b, starts[i], view_read, &v));
		for (n = starts[i]; n < starts[i] + 300 && n < SYNTH_MAX; n++) {
			sdx_merkle_builder_root(a, &b);
			v = view_of(s, n);
			CHECK_OK(sdx_merkle_root(r, n, view_read, &v));
			CHECK_MEM(a, r, 32);
			c.s = s;
			c.leaf = n;
			c.next_level = 0;
			c.fail_at_level = -1;
			/* Every few leaves, fail the last emit first: the append must be retryable. */
			if (n % 4 == 3) {
				c.fail_at_level = 2;
				copy = b;
				CHECK_ERR(sdx_merkle_builder_append(&b, synth_leaves[n], check_emit, &c), SDX_EIO);
				CHECK(memcmp(&b, &copy, sizeof(b)) == 0);
				c.next_level = 0;
				c.fail_at_level = -1;
			}
			CHECK_OK(sdx_merkle_builder_append(&b, synth_leaves[n], check_emit, &c));
			/* leaf n completes one subtree per trailing one bit */
			{
				unsigned want = 1;
				uint64_t x;

				for (x = n; x & 1; x >>= 1)
					want++;
				CHECK(c.next_level == want);
			}
		}
	}
}

static const struct test_case tests[] = {
	{ "rfc6962 leaf, node and root hashes", rfc6962_hashes_and_roots },
	{ "rfc6962 inclusion proof vectors", rfc6962_inclusion_vectors },
	{ "rfc6962 consistency proof vectors", rfc6962_consistency_vectors },
	{ "rfc6962 verifier edge cases", rfc6962_verify_edge_cases },
	{ "upstream fixture size 1", upstream_size_1 },
	{ "upstream fixture size 7", upstream_size_7 },
	{ "upstream fixture size 256", upstream_size_256 },
	{ "upstream fixture size 257", upstream_size_257 },
	{ "upstream fixture size 1000", upstream_size_1000 },
	{ "upstream fixture size 66000", upstream_size_66000 },
	{ "inclusion proofs at edge sizes, tampering rejected", edge_inclusion },
	{ "consistency proofs at edge sizes, tampering rejected", edge_consistency },
	{ "proofs and roots equal the recursive reference", reference_exhaustive },
	{ "reader errors propagate", reader_errors },
	{ "tile paths", tile_paths },
	{ "tile path parser rejects malformed paths", tile_parse_rejects },
	{ "reader root equals builder root for sizes 0..300", reader_root_matches_builder },
	{ "builder resume and emit order", builder_resume },
	{ NULL, NULL },
};

TEST_MAIN(tests)
