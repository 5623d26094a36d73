/*
 * ledger/merkle.c - RFC 6962 Merkle tree hashing, audit paths, consistency
 * proofs, their verification, the streaming builder and C2SP tile names.
 *
 * Every tree operation works on ranges of leaves [lo, hi).  In an RFC 6962
 * tree a node covering [lo, hi) always has lo aligned to the smallest power
 * of two >= hi - lo, so such a range splits into complete subtrees of
 * decreasing size (the binary decomposition of hi - lo), and those are what
 * the reader callback serves.  Proof generation walks the tree top-down once
 * and reads only the sibling ranges it needs; at most one of them is not a
 * complete subtree, so a proof costs O(log n) reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/internal.h"
#include "sdx/error.h"
#include "sdx/merkle.h"

/* SHA-256 is ledger/hash.c's: it cannot fail, so these return void. */
void sdx_merkle_leaf_hash(unsigned char out[32], const void *data, size_t len)
{
	static const unsigned char prefix = 0x00;

	sdx__sha256_two(out, &prefix, 1, data, len);
}

void sdx_merkle_node_hash(unsigned char out[32], const unsigned char left[32],
			  const unsigned char right[32])
{
	unsigned char buf[1 + 2 * SDX_HASH_SIZE];

	buf[0] = 0x01;
	memcpy(buf + 1, left, SDX_HASH_SIZE);
	memcpy(buf + 1 + SDX_HASH_SIZE, right, SDX_HASH_SIZE);
	sdx__sha256(out, buf, sizeof(buf));
}

void sdx_merkle_empty_root(unsigned char out[32])
{
	sdx__sha256(out, "", 0);
}

/* Largest power of two <= x, for x > 0. */
static uint64_t floor_pow2(uint64_t x)
{
	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	x |= x >> 32;
	return x - (x >> 1);
}

/* RFC 6962's k: the largest power of two strictly below n, for n >= 2. */
static uint64_t split_point(uint64_t n)
{
	return floor_pow2(n - 1);
}

/* log2 of a power of two. */
static unsigned log2_pow2(uint64_t k)
{
	unsigned l = 0;

	while (k > 1) {
		k >>= 1;
		l++;
	}
	return l;
}

/* Number of significant bits: 0 for 0, 64 for 2^63 and up. */
static unsigned bit_length(uint64_t x)
{
	unsigned n = 0;

	while (x) {
		x >>= 1;
		n++;
	}
	return n;
}

static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static int read_node(sdx_merkle_reader read, void *ctx, unsigned level,
		     uint64_t index, unsigned char out[32])
{
	int err = read(ctx, level, index, out);

	/* The contract says negative; do not let a stray positive value pass as a hash. */
	if (err > 0)
		err = sdx_error_set(SDX_ERROR, "merkle reader returned %d for level %u index %" PRIu64,
				    err, level, index);
	return err;
}

/*
 * Hash of the RFC 6962 subtree over leaves [lo, hi), lo < hi, lo aligned as
 * in every RFC 6962 node: one read per complete subtree in the binary
 * decomposition of hi - lo, then combined right to left.
 */
static int range_hash(unsigned char out[32], uint64_t lo, uint64_t hi,
		      sdx_merkle_reader read, void *ctx)
{
	unsigned char parts[64][SDX_HASH_SIZE];
	size_t n = 0;
	int err = 0;

	while (lo < hi) {
		uint64_t k = floor_pow2(hi - lo);
		unsigned level = log2_pow2(k);

		if ((err = read_node(read, ctx, level, lo >> level, parts[n])) < 0)
			goto done;
		n++;
		lo += k;
	}
	while (n > 1) {
		sdx_merkle_node_hash(parts[n - 2], parts[n - 2], parts[n - 1]);
		n--;
	}
	memcpy(out, parts[0], SDX_HASH_SIZE);
done:
	return err;
}

int sdx_merkle_root(unsigned char out[32], uint64_t size,
		    sdx_merkle_reader read, void *ctx)
{
	if (size == 0) {
		sdx_merkle_empty_root(out);
		return 0;
	}
	return range_hash(out, 0, size, read, ctx);
}

struct range {
	uint64_t lo, hi;
};

/*
 * RFC 6962 PATH(m, D[n]).  Walking down records the sibling of every node
 * on the way to the leaf, root first; the proof lists them leaf first.
 * Each step at least halves the range, so 64 siblings are enough.
 */
int sdx_merkle_prove_inclusion(unsigned char (*out)[32], size_t *out_len,
			       uint64_t index, uint64_t size,
			       sdx_merkle_reader read, void *ctx)
{
	struct range sib[64];
	uint64_t lo = 0, hi = size;
	size_t n = 0, i;
	int err = 0;

	*out_len = 0;
	if (index >= size) {
		err = sdx_error_set(SDX_EINVAL, "leaf index %" PRIu64 " is not in tree of size %" PRIu64,
				    index, size);
		goto done;
	}
	while (hi - lo > 1) {
		uint64_t k = split_point(hi - lo);

		if (index < lo + k) {
			sib[n].lo = lo + k;
			sib[n].hi = hi;
			hi = lo + k;
		} else {
			sib[n].lo = lo;
			sib[n].hi = lo + k;
			lo += k;
		}
		n++;
	}
	for (i = 0; i < n; i++)
		if ((err = range_hash(out[i], sib[n - 1 - i].lo, sib[n - 1 - i].hi, read, ctx)) < 0)
			goto done;
	*out_len = n;
done:
	return err;
}

/*
 * RFC 6962 PROOF(m, D[n]) = SUBPROOF(m, D[n], true).  Walking down towards
 * the node that ends at m records siblings as above.  That node itself is
 * part of the proof unless it is the old tree (lo == 0, the "b" flag).
 */
int sdx_merkle_prove_consistency(unsigned char (*out)[32], size_t *out_len,
				 uint64_t old_size, uint64_t size,
				 sdx_merkle_reader read, void *ctx)
{
	struct range sib[64];
	uint64_t lo = 0, hi = size;
	size_t n = 0, p = 0;
	int err = 0;

	*out_len = 0;
	if (old_size > size) {
		err = sdx_error_set(SDX_EINVAL, "old tree size %" PRIu64 " is larger than tree size %" PRIu64,
				    old_size, size);
		goto done;
	}
	if (old_size == 0 || old_size == size)
		goto done;
	/* Invariant lo < old_size <= hi, so the loop ends at the latest when hi - lo is 1. */
	while (old_size != hi) {
		uint64_t k = split_point(hi - lo);

		if (old_size <= lo + k) {
			sib[n].lo = lo + k;
			sib[n].hi = hi;
			hi = lo + k;
		} else {
			sib[n].lo = lo;
			sib[n].hi = lo + k;
			lo += k;
		}
		n++;
	}
	if (lo != 0 && (err = range_hash(out[p++], lo, hi, read, ctx)) < 0)
		goto done;
	while (n > 0) {
		n--;
		if ((err = range_hash(out[p++], sib[n].lo, sib[n].hi, read, ctx)) < 0)
			goto done;
	}
	*out_len = p;
done:
	return err;
}

static void hex8(char out[17], const unsigned char h[32])
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < 8; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[16] = '\0';
}

/*
 * RFC 9162 section 2.1.3.2.  The proof length is checked first against the
 * shape of the tree (inner path below the point where the leaf's path and
 * the last leaf's path meet, plus one hash per left border node above it),
 * so a malformed proof gets a message saying what was expected.
 */
int sdx_merkle_verify_inclusion(const unsigned char leaf_hash[32],
				uint64_t index, uint64_t size,
				const unsigned char root[32],
				const unsigned char (*proof)[32], size_t proof_len)
{
	unsigned char r[SDX_HASH_SIZE];
	uint64_t fn, sn;
	size_t want, i;
	unsigned inner;
	char got_hex[17], want_hex[17];
	int err = 0;

	if (index >= size) {
		err = sdx_error_set(SDX_EVERIFY, "inclusion proof for index %" PRIu64
				    " cannot be in tree of %" PRIu64, index, size);
		goto done;
	}
	inner = bit_length(index ^ (size - 1));
	want = inner + popcount64(inner >= 64 ? 0 : index >> inner);
	if (proof_len != want) {
		err = sdx_error_set(SDX_EVERIFY, "inclusion proof has %zu hashes, expected %zu for index %"
				    PRIu64 " in tree of %" PRIu64, proof_len, want, index, size);
		goto done;
	}

	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, SDX_HASH_SIZE);
	for (i = 0; i < proof_len; i++) {
		if (sn == 0) {
			err = sdx_error_set(SDX_EVERIFY, "inclusion proof for index %" PRIu64
					    " in tree of %" PRIu64 " is too long", index, size);
			goto done;
		}
		if ((fn & 1) || fn == sn) {
			sdx_merkle_node_hash(r, proof[i], r);
			/* A right-border node has no right sibling: climb to where it has one. */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			sdx_merkle_node_hash(r, r, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		err = sdx_error_set(SDX_EVERIFY, "inclusion proof for index %" PRIu64
				    " in tree of %" PRIu64 " is too short", index, size);
		goto done;
	}
	if (memcmp(r, root, SDX_HASH_SIZE) != 0) {
		hex8(got_hex, r);
		hex8(want_hex, root);
		err = sdx_error_set(SDX_EVERIFY, "inclusion proof for index %" PRIu64 " in tree of %" PRIu64
				    " leads to root %s..., not %s...", index, size, got_hex, want_hex);
		goto done;
	}
done:
	return err;
}

/*
 * RFC 9162 section 2.1.4.2.  When old_size is a power of two the old root is
 * itself a node of the new tree and the proof omits it; it is the seed.
 */
int sdx_merkle_verify_consistency(uint64_t old_size, uint64_t size,
				  const unsigned char old_root[32],
				  const unsigned char root[32],
				  const unsigned char (*proof)[32], size_t proof_len)
{
	unsigned char fr[SDX_HASH_SIZE], sr[SDX_HASH_SIZE];
	uint64_t fn, sn;
	unsigned inner, shift;
	size_t want, i, start;
	int pow2, err = 0;

	if (old_size > size) {
		err = sdx_error_set(SDX_EVERIFY, "old tree size %" PRIu64 " is larger than tree size %" PRIu64,
				    old_size, size);
		goto done;
	}
	if (old_size == size) {
		if (proof_len != 0) {
			err = sdx_error_set(SDX_EVERIFY, "consistency proof between equal sizes %" PRIu64
					    " has %zu hashes, expected 0", size, proof_len);
			goto done;
		}
		if (memcmp(old_root, root, SDX_HASH_SIZE) != 0) {
			err = sdx_error_set(SDX_EVERIFY, "trees of equal size %" PRIu64
					    " have different roots", size);
			goto done;
		}
		goto done;
	}
	if (old_size == 0) {
		/* Every tree extends the empty one; a non-empty proof is malformed. */
		if (proof_len != 0)
			err = sdx_error_set(SDX_EVERIFY, "consistency proof from the empty tree has %zu hashes, "
					    "expected 0", proof_len);
		goto done;
	}

	shift = log2_pow2(old_size & -old_size);
	pow2 = (old_size & (old_size - 1)) == 0;
	inner = bit_length((old_size - 1) ^ (size - 1));
	want = (pow2 ? 0 : 1) + (inner - shift) +
	       popcount64(inner >= 64 ? 0 : (old_size - 1) >> inner);
	if (proof_len != want) {
		err = sdx_error_set(SDX_EVERIFY, "consistency proof has %zu hashes, expected %zu from size %"
				    PRIu64 " to %" PRIu64, proof_len, want, old_size, size);
		goto done;
	}

	if (pow2) {
		memcpy(fr, old_root, SDX_HASH_SIZE);
		start = 0;
	} else {
		memcpy(fr, proof[0], SDX_HASH_SIZE);
		start = 1;
	}
	memcpy(sr, fr, SDX_HASH_SIZE);
	fn = (old_size - 1) >> shift;
	sn = (size - 1) >> shift;
	for (i = start; i < proof_len; i++) {
		if (sn == 0) {
			err = sdx_error_set(SDX_EVERIFY, "consistency proof from size %" PRIu64 " to %" PRIu64
					    " is too long", old_size, size);
			goto done;
		}
		if ((fn & 1) || fn == sn) {
			sdx_merkle_node_hash(fr, proof[i], fr);
			sdx_merkle_node_hash(sr, proof[i], sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			sdx_merkle_node_hash(sr, sr, proof[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0) {
		err = sdx_error_set(SDX_EVERIFY, "consistency proof from size %" PRIu64 " to %" PRIu64
				    " is too short", old_size, size);
		goto done;
	}
	if (memcmp(fr, old_root, SDX_HASH_SIZE) != 0) {
		err = sdx_error_set(SDX_EVERIFY, "consistency proof from size %" PRIu64 " to %" PRIu64
				    " does not lead to the old root", old_size, size);
		goto done;
	}
	if (memcmp(sr, root, SDX_HASH_SIZE) != 0) {
		err = sdx_error_set(SDX_EVERIFY, "consistency proof from size %" PRIu64 " to %" PRIu64
				    " does not lead to the new root", old_size, size);
		goto done;
	}
done:
	return err;
}

void sdx_merkle_builder_init(sdx_merkle_builder *b)
{
	memset(b, 0, sizeof(*b));
}

/*
 * The complete subtrees of a tree of `size` leaves are the set bits of size:
 * bit l set means the subtree at level l ending just before the leaves
 * covered by higher bits.  b is only changed once every read succeeded.
 */
int sdx_merkle_builder_resume(sdx_merkle_builder *b, uint64_t size,
			      sdx_merkle_reader read, void *ctx)
{
	sdx_merkle_builder nb;
	unsigned l;
	int err = 0;

	sdx_merkle_builder_init(&nb);
	for (l = 0; l < 64; l++) {
		if (!((size >> l) & 1))
			continue;
		if ((err = read_node(read, ctx, l, (size >> l) - 1, nb.stack[l])) < 0)
			goto done;
	}
	nb.size = size;
	*b = nb;
done:
	return err;
}

/*
 * Appending leaf i completes one subtree per trailing one bit of i.  The
 * builder is updated only after every emit succeeded, so a failed append
 * (say, the database refused a node) can simply be retried.
 */
int sdx_merkle_builder_append(sdx_merkle_builder *b, const unsigned char leaf_hash[32],
			      sdx_merkle_emit emit, void *ctx)
{
	unsigned char h[SDX_HASH_SIZE];
	uint64_t index = b->size;
	unsigned level = 0;
	int err = 0;

	if (index == UINT64_MAX) {
		err = sdx_error_set(SDX_ELIMIT, "merkle tree is full at %" PRIu64 " leaves", index);
		goto done;
	}
	memcpy(h, leaf_hash, SDX_HASH_SIZE);
	if (emit && (err = emit(ctx, 0, index, h)) < 0)
		goto done;
	/* index < UINT64_MAX has a zero bit, so level stays below 64. */
	while ((index >> level) & 1) {
		sdx_merkle_node_hash(h, b->stack[level], h);
		level++;
		if (emit && (err = emit(ctx, level, index >> level, h)) < 0)
			goto done;
	}
	memcpy(b->stack[level], h, SDX_HASH_SIZE);
	b->size = index + 1;
done:
	return err;
}

void sdx_merkle_builder_root(unsigned char out[32], const sdx_merkle_builder *b)
{
	unsigned char h[SDX_HASH_SIZE];
	unsigned l;
	int have = 0;

	if (b->size == 0) {
		sdx_merkle_empty_root(out);
		return;
	}
	/* Smallest subtree is rightmost: fold the larger ones in from the left. */
	for (l = 0; l < 64; l++) {
		if (!((b->size >> l) & 1))
			continue;
		if (have) {
			sdx_merkle_node_hash(h, b->stack[l], h);
		} else {
			memcpy(h, b->stack[l], SDX_HASH_SIZE);
			have = 1;
		}
	}
	memcpy(out, h, SDX_HASH_SIZE);
}

/* Longest path: "tile/entries/" + 7 groups of "x000/" + ".p/255" fits easily. */
#define TILE_PATH_MAX 64
#define TILE_MAX_LEVEL 63

int sdx_tile_path(char *out, size_t cap, int level, uint64_t index, unsigned width)
{
	char buf[TILE_PATH_MAX];
	unsigned groups[7];
	size_t ng = 0, len = 0, i;
	int n, err = 0;

	if (level != SDX_TILE_ENTRIES && (level < 0 || level > TILE_MAX_LEVEL)) {
		err = sdx_error_set(SDX_EINVAL, "tile level %d is out of range", level);
		goto done;
	}
	if (width < 1 || width > SDX_TILE_WIDTH) {
		err = sdx_error_set(SDX_EINVAL, "tile width %u is out of range 1..%d", width, SDX_TILE_WIDTH);
		goto done;
	}
	do {
		groups[ng++] = (unsigned)(index % 1000);
		index /= 1000;
	} while (index > 0);

	if (level == SDX_TILE_ENTRIES)
		n = snprintf(buf, sizeof(buf), "tile/entries/");
	else
		n = snprintf(buf, sizeof(buf), "tile/%d/", level);
	len = (size_t)n;
	for (i = ng; i > 1; i--) {
		n = snprintf(buf + len, sizeof(buf) - len, "x%03u/", groups[i - 1]);
		len += (size_t)n;
	}
	n = snprintf(buf + len, sizeof(buf) - len, "%03u", groups[0]);
	len += (size_t)n;
	if (width < SDX_TILE_WIDTH) {
		n = snprintf(buf + len, sizeof(buf) - len, ".p/%u", width);
		len += (size_t)n;
	}

	if (len + 1 > cap) {
		err = sdx_error_set(SDX_ELIMIT, "tile path '%s' needs %zu bytes, have %zu", buf, len + 1, cap);
		if (cap > 0)
			out[0] = '\0';
		goto done;
	}
	memcpy(out, buf, len + 1);
done:
	return err;
}

/* Exactly `n` decimal digits at *p; advances *p. */
static int take_digits(const char **p, size_t n, unsigned *out)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		v = v * 10 + (unsigned)((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* A decimal of 1..max_digits digits with no leading zero (except "0" itself). */
static int take_decimal(const char **p, size_t max_digits, unsigned *out)
{
	size_t n = 0;

	while (n <= max_digits && (*p)[n] >= '0' && (*p)[n] <= '9')
		n++;
	if (n == 0 || n > max_digits || (n > 1 && (*p)[0] == '0'))
		return -1;
	return take_digits(p, n, out);
}

/*
 * Parse strictly: the output is valid only when the path is exactly what
 * sdx_tile_path writes for it, which rules out leading zero groups such as
 * "x000/001", stray x prefixes, widths 0 or >= 256 and trailing junk.
 */
int sdx_tile_parse_path(int *level, uint64_t *index, unsigned *width, const char *path)
{
	char canon[TILE_PATH_MAX];
	const char *p = path, *rest;
	uint64_t n = 0;
	unsigned v, w = SDX_TILE_WIDTH;
	int l;

	if (strnlen(path, TILE_PATH_MAX) >= TILE_PATH_MAX)
		goto bad;
	if (strncmp(p, "tile/", 5) == 0)
		p += 5;
	rest = p;
	if (strncmp(p, "entries/", 8) == 0) {
		l = SDX_TILE_ENTRIES;
		p += 8;
	} else {
		if (take_decimal(&p, 2, &v) < 0 || v > TILE_MAX_LEVEL || *p != '/')
			goto bad;
		l = (int)v;
		p++;
	}
	for (;;) {
		int more = *p == 'x';

		if (more)
			p++;
		if (take_digits(&p, 3, &v) < 0)
			goto bad;
		if (n > (UINT64_MAX - v) / 1000)
			goto bad;
		n = n * 1000 + v;
		if (!more)
			break;
		if (*p != '/')
			goto bad;
		p++;
	}
	if (strncmp(p, ".p/", 3) == 0) {
		p += 3;
		if (take_decimal(&p, 3, &w) < 0 || w == 0 || w >= SDX_TILE_WIDTH)
			goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (sdx_tile_path(canon, sizeof(canon), l, n, w) < 0 || strcmp(canon + 5, rest) != 0)
		goto bad;
	*level = l;
	*index = n;
	*width = w;
	return 0;
bad:
	return sdx_error_set(SDX_EFORMAT, "malformed tile path '%.*s'", TILE_PATH_MAX, path);
}
