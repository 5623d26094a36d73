/*
 * formats/bundle/export_stream.h - the bytes of a ledgers/<k>/entries member
 * (formats/bundle.md), generated as the archive writer pulls them: index,
 * entry and inclusion proof per record.  Not installed; for export.c.
 *
 * Order of calls: sdx__stream_new(); per member sdx__stream_start(), then
 * sdx__stream_hash() (the manifest's digest) or sdx__stream_read() until it
 * gives 0 bytes (the archive); sdx__stream_free().  An own ledger's entries
 * are read a chunk of neighbours at a time with one statement, and their
 * proofs computed from the tree's stored hashes through a cache of the
 * hashes the previous proofs read (consecutive entries share most of their
 * proof), not one query per entry and per proof hash.
 */
#ifndef SDX_BUNDLE_EXPORT_STREAM_H
#define SDX_BUNDLE_EXPORT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"

struct sdx__stream {
	uint64_t done, total;   /* records built, for the progress function */
	struct stream_state *st;
};

int sdx__stream_new(struct sdx__stream **out, sdx_ledger *l);
void sdx__stream_free(struct sdx__stream *s);
/* foreign: the origin of imported entries (which travel with the proof they
 * came with), NULL for the own ledger's; idx (borrowed) ascending. */
void sdx__stream_start(struct sdx__stream *s, const char *foreign, const uint64_t *idx,
		       size_t n, uint64_t tree_size);
/* The archive layer's pull callback: up to cap bytes, *got = 0 at the end. */
int sdx__stream_read(void *ctx, void *buf, size_t cap, size_t *got);
/* SHA-256 and size of the whole member, then back to its start. */
int sdx__stream_hash(struct sdx__stream *s, unsigned char out[32], uint64_t *size);

#endif
