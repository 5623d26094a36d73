/*
 * formats/bundle/export_stream.c - a ledgers/<k>/entries member as a stream
 * (formats/bundle/export_stream.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/bundle/export_stream.h"
#include "formats/bundle/internal.h"
#include "ledger/internal.h"
#include "ledger/store.h"
#include "sdx/dsse.h"
#include "sdx/imported.h"
#include "sdx/merkle.h"

/* Own entries read per statement: neighbours within CHUNK_SPAN indexes. */
#define CHUNK_ENTRIES 256
#define CHUNK_SPAN 4096
#define NODE_SLOTS 1024

struct stream_state {
	sdx_ledger *l;
	const char *foreign;
	const uint64_t *idx;
	size_t n, next;
	uint64_t tree_size;
	unsigned char rec[SDX_BUNDLE_RECORD_MAX];
	size_t len, off;
	/* the chunk of own entries read ahead: bytes, and each entry's place */
	unsigned char *chunk;
	size_t chunk_len, chunk_cap;
	struct { uint64_t index; size_t off, len; } at[CHUNK_ENTRIES];
	size_t cn, ci;
	/* tree hashes the proofs read, direct-mapped by (level, index) */
	struct node { uint64_t index; unsigned level; int valid; unsigned char h[32]; } *nodes;
	int err;
};

int sdx__stream_new(struct sdx__stream **out, sdx_ledger *l)
{
	struct sdx__stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->st = calloc(1, sizeof(*s->st))) ||
	    !(s->st->nodes = calloc(NODE_SLOTS, sizeof(*s->st->nodes)))) {
		sdx__stream_free(s);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	s->st->l = l;
	*out = s;
	return 0;
}

void sdx__stream_free(struct sdx__stream *s)
{
	if (!s)
		return;
	if (s->st) {
		free(s->st->chunk);
		free(s->st->nodes);
		free(s->st);
	}
	free(s);
}

void sdx__stream_start(struct sdx__stream *s, const char *foreign, const uint64_t *idx,
		       size_t n, uint64_t tree_size)
{
	struct stream_state *t = s->st;

	t->foreign = foreign;
	t->idx = idx;
	t->n = n;
	t->tree_size = tree_size;
	t->next = 0;
	t->len = t->off = 0;
	t->cn = t->ci = 0;
	/* a proof of another tree size combines other hashes: keep none */
	memset(t->nodes, 0, NODE_SLOTS * sizeof(*t->nodes));
}

/* One record: u64 index, u16 length, entry, u8 proof length, proof. */
static void put_record(struct sdx__stream *s, uint64_t index, const unsigned char *data,
		       size_t len, const unsigned char (*proof)[32], size_t plen)
{
	struct stream_state *t = s->st;
	size_t i, n = 0;

	for (i = 0; i < 8; i++)
		t->rec[n++] = (unsigned char)(index >> (56 - 8 * i));
	t->rec[n++] = (unsigned char)(len >> 8);
	t->rec[n++] = (unsigned char)len;
	memcpy(t->rec + n, data, len);
	n += len;
	t->rec[n++] = (unsigned char)plen;
	for (i = 0; i < plen; i++, n += 32)
		memcpy(t->rec + n, proof[i], 32);
	t->len = n;
	t->off = 0;
	t->next++;
	if (++s->done % 4096 == 0)
		sdx__progress(s->done, s->total);
}

static int put_foreign(void *ctx, const sdx_foreign_entry *e)
{
	struct sdx__stream *s = ctx;

	if (e->tree_size != s->st->tree_size || e->len > SDX_DSSE_MAX_ENVELOPE)
		return sdx_error_set(SDX_EVERIFY, "imported entry %s/%" PRIu64 " changed", e->origin,
				     e->index);
	put_record(s, e->index, e->data, e->len, e->proof, e->proof_len);
	return 0;
}

/* A stored tree hash, through the cache. */
static int cached_node(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	struct stream_state *t = ctx;
	struct node *c = &t->nodes[(index * 64 + level) % NODE_SLOTS];
	int err;

	if (c->valid && c->index == index && c->level == level) {
		memcpy(out, c->h, 32);
		return 0;
	}
	if ((err = sdx__node_reader(t->l, level, index, out)) < 0)
		return err;
	c->index = index;
	c->level = level;
	c->valid = 1;
	memcpy(c->h, out, 32);
	return 0;
}

/* sdx_ledger_foreach's callback: keep the entries of the chunk that are wanted. */
static int chunk_take(void *ctx, const sdx_entry *e)
{
	struct stream_state *t = ctx;
	size_t need;

	if (t->next + t->cn >= t->n || e->index != t->idx[t->next + t->cn])
		return 0;
	if (e->len > SDX_DSSE_MAX_ENVELOPE)
		return sdx_error_set(SDX_EFORMAT, "entry %" PRIu64 " is larger than an entry may be",
				     e->index);
	need = t->chunk_len + e->len;
	if (need > t->chunk_cap) {
		size_t cap = t->chunk_cap ? t->chunk_cap : 1u << 20;
		unsigned char *p;
		while (cap < need)
			cap *= 2;
		if (!(p = realloc(t->chunk, cap)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		t->chunk = p;
		t->chunk_cap = cap;
	}
	memcpy(t->chunk + t->chunk_len, e->data, e->len);
	t->at[t->cn].index = e->index;
	t->at[t->cn].off = t->chunk_len;
	t->at[t->cn].len = e->len;
	t->chunk_len += e->len;
	t->cn++;
	return t->cn == CHUNK_ENTRIES ? 1 : 0;
}

/* Read the next chunk of wanted own entries, neighbours in one walk. */
static int read_chunk(struct stream_state *t)
{
	uint64_t from = t->idx[t->next], to = from + 1;
	size_t k;
	int err;

	for (k = t->next; k < t->n && k - t->next < CHUNK_ENTRIES && t->idx[k] - from < CHUNK_SPAN; k++)
		to = t->idx[k] + 1;
	t->cn = t->ci = 0;
	t->chunk_len = 0;
	if ((err = sdx_ledger_foreach(t->l, from, to, chunk_take, t)) < 0)
		return err;
	if (t->cn < k - t->next)
		return sdx_error_set(SDX_ENOTFOUND, "no entry %" PRIu64, t->idx[t->next + t->cn]);
	return 0;
}

/* Build the record of the next entry into the record buffer. */
static int next_record(struct sdx__stream *s)
{
	struct stream_state *t = s->st;
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32];
	size_t plen, i;
	int err;

	/* imported entries travel with the proof they came with */
	if (t->foreign)
		return sdx_ledger_foreign_get(t->l, t->foreign, t->idx[t->next], put_foreign, s);
	if (t->ci == t->cn && (err = read_chunk(t)) < 0)
		return err;
	i = t->ci++;
	if (t->at[i].index >= t->tree_size)
		return sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not in a tree of size %"
				     PRIu64, t->at[i].index, t->tree_size);
	if ((err = sdx_merkle_prove_inclusion(proof, &plen, t->at[i].index, t->tree_size,
					      cached_node, t)) < 0)
		return err;
	put_record(s, t->at[i].index, t->chunk + t->at[i].off, t->at[i].len,
		   (const unsigned char (*)[32])proof, plen);
	return 0;
}

int sdx__stream_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct sdx__stream *s = ctx;
	struct stream_state *t = s->st;
	size_t k;
	int err;

	*got = 0;
	if (t->off == t->len) {
		if (t->next == t->n)
			return 0;
		if ((err = next_record(s)) < 0)
			return err;
	}
	k = t->len - t->off < cap ? t->len - t->off : cap;
	memcpy(buf, t->rec + t->off, k);
	t->off += k;
	*got = k;
	return 0;
}

int sdx__stream_hash(struct sdx__stream *s, unsigned char out[32], uint64_t *size)
{
	struct stream_state *t = s->st;
	sdx__sha256_ctx h = { 0 };
	unsigned char buf[65536];
	size_t got;
	int err;

	sdx__sha256_init(&h);
	*size = 0;
	for (;;) {
		if ((err = sdx__stream_read(s, buf, sizeof(buf), &got)) < 0) {
			sdx__sha256_clear(&h);
			return err;
		}
		if (got == 0)
			break;
		sdx__sha256_update(&h, buf, got);
		*size += got;
	}
	sdx__sha256_final(&h, out);
	/* back to the start, for the write; the cached tree hashes stay good */
	t->next = 0;
	t->len = t->off = 0;
	t->cn = t->ci = 0;
	return 0;
}
