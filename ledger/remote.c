/*
 * ledger/remote.c - a remote tlog-tiles log against a checkpoint held
 * (include/sdx/remote.h): the consistency proof is built from the remote
 * log's hash tiles, fetched as the proof needs them, and verified against
 * the held root and the remote's signed root.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/internal.h"
#include "sdx/merkle.h"
#include "sdx/remote.h"

#define CACHED 16

struct tile {
	int level;
	uint64_t index;
	unsigned width;
	unsigned char *data;
};

struct remote {
	sdx_fetch_fn fetch;
	void *ctx;
	uint64_t size;           /* the remote tree's */
	struct tile cache[CACHED];
	size_t next;
	uint64_t fetched;
};

/* Hash tile (level, index) of the remote tree: from the cache, or fetched. */
static int tile_of(struct remote *r, int level, uint64_t index, const unsigned char **out)
{
	uint64_t nodes = r->size >> (8 * level), w;
	unsigned char *data = NULL;
	struct tile *t;
	char path[256];
	size_t len = 0, i;
	int err;

	for (i = 0; i < CACHED; i++)
		if (r->cache[i].data && r->cache[i].level == level && r->cache[i].index == index) {
			*out = r->cache[i].data;
			return 0;
		}
	if (index * SDX_TILE_WIDTH >= nodes)
		return sdx_error_set(SDX_EVERIFY, "remote log: tile %d/%" PRIu64 " is past its tree",
				     level, index);
	w = nodes - index * SDX_TILE_WIDTH;
	if (w > SDX_TILE_WIDTH)
		w = SDX_TILE_WIDTH;
	if ((err = sdx_tile_path(path, sizeof(path), level, index, (unsigned)w)) < 0)
		return err;
	if ((err = r->fetch(r->ctx, path, &data, &len)) < 0)
		return err;
	r->fetched++;
	if (len != w * 32) {
		free(data);
		return sdx_error_set(SDX_EVERIFY, "remote log: %s is %zu bytes, not %" PRIu64, path,
				     len, w * 32);
	}
	t = &r->cache[r->next];
	r->next = (r->next + 1) % CACHED;
	free(t->data);
	t->level = level;
	t->index = index;
	t->width = (unsigned)w;
	t->data = data;
	*out = data;
	return 0;
}

/* A complete subtree hash (level, index) of the remote tree, from the tile
 * at level/8 that holds the nodes it covers, hashed up level % 8 times. */
static int remote_node(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct remote *r = ctx;
	unsigned char buf[128][32];
	const unsigned char *tile = NULL;
	unsigned up = level % 8;
	uint64_t first = index << up, n = 1u << up, i;
	int err;

	if ((err = tile_of(r, (int)(level / 8), first / SDX_TILE_WIDTH, &tile)) < 0)
		return err;
	first %= SDX_TILE_WIDTH;
	if (n == 1) {
		memcpy(out, tile + 32 * first, 32);
		return 0;
	}
	for (i = 0; i < n / 2; i++)
		sdx_merkle_node_hash(buf[i], tile + 32 * (first + 2 * i), tile + 32 * (first + 2 * i + 1));
	for (n /= 2; n > 1; n /= 2)
		for (i = 0; i < n / 2; i++)
			sdx_merkle_node_hash(buf[i], buf[2 * i], buf[2 * i + 1]);
	memcpy(out, buf[0], 32);
	return 0;
}

int sdx_remote_consistent(sdx_remote_report *out, uint64_t held_size,
			  const unsigned char held_root[32], const char *note, size_t len,
			  sdx_verifier *const *vs, size_t nvs, sdx_fetch_fn fetch, void *ctx)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	struct remote r;
	sdx_checkpoint cp;
	size_t n = 0, i;
	int err;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	if ((err = sdx_checkpoint_parse(&cp, note, len)) < 0)
		return err;
	snprintf(out->origin, sizeof(out->origin), "%s", cp.origin);
	out->remote_size = cp.size;
	out->held_size = held_size;
	if ((err = sdx_note_verify(NULL, NULL, note, len, vs, nvs)) < 0)
		return err == SDX_EUNTRUSTED ? sdx_error_set(SDX_EUNTRUSTED, "the remote checkpoint "
				"of %s is signed by no key trusted for it", cp.origin) : err;
	if (cp.size == held_size) {
		if (memcmp(cp.root, held_root, 32) != 0)
			return sdx_error_set(SDX_ECONFLICT, "the remote log shows %s at size %" PRIu64
					     " with another root than the checkpoint held: a fork",
					     cp.origin, cp.size);
		return 0;
	}
	if (cp.size < held_size) {
		out->behind = 1;
		return 0;
	}
	if (held_size == 0)
		return 0; /* every tree extends the empty one */
	r.fetch = fetch;
	r.ctx = ctx;
	r.size = cp.size;
	err = sdx_merkle_prove_consistency(proof, &n, held_size, cp.size, remote_node, &r);
	out->tiles = r.fetched;
	for (i = 0; i < CACHED; i++)
		free(r.cache[i].data);
	if (err < 0)
		return err;
	if (sdx_merkle_verify_consistency(held_size, cp.size, held_root, cp.root,
					  (const unsigned char (*)[32])proof, n) < 0)
		return sdx_error_set(SDX_ECONFLICT, "the remote log's %s at size %" PRIu64 " does "
				     "not extend the checkpoint held at size %" PRIu64 " (its tiles "
				     "give no consistency proof): a fork", cp.origin, cp.size,
				     held_size);
	return 0;
}
