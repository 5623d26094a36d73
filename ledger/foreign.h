/*
 * ledger/foreign.h - writing imported data: entries, checkpoints, consistency
 * proofs and keys of other ledgers, and the record of each import.  Not
 * installed, and not for any caller but the verified import path
 * (formats/bundle/import.c, sdx_bundle_import): these store what they are
 * given, and only that path has checked it first.  Reading it back is public
 * (sdx/imported.h).
 *
 * Inside a transaction.  Equivocation - two different checkpoints of one
 * size, or two different entries at one index, from the same origin - is
 * SDX_ECONFLICT.
 */
#ifndef SDX_LEDGER_FOREIGN_H
#define SDX_LEDGER_FOREIGN_H

#include <stddef.h>
#include <stdint.h>

#include "sdx/imported.h"

/* An imported entry to store, with the inclusion proof it arrived with; borrowed. */
struct sdx__foreign_row {
	const char *origin;
	uint64_t index;
	const unsigned char *leaf;    /* 32 bytes */
	const char *type;
	const char *time;
	const unsigned char *data;    /* the exact envelope bytes */
	size_t len;
	uint64_t tree_size;           /* the checkpoint size the proof leads to */
	const unsigned char (*proof)[32];
	size_t proof_len;
};

/*
 * Store an imported entry (0; also if the same one is held already, then it
 * is not stored again), passing it to the index hooks (ledger/indexer.h).
 */
int sdx__foreign_entry(sdx_ledger *l, const struct sdx__foreign_row *e);

/*
 * Store a checkpoint of `origin`: 0 if stored, 1 if the same one was held
 * already, SDX_ECONFLICT if one of that size with another root is held
 * (*held, may be NULL, then gets that note, malloc'd).
 */
int sdx__foreign_checkpoint(sdx_ledger *l, const char *origin, uint64_t size,
			    const unsigned char root[32], const char *note, size_t len,
			    char **held);

/* Keep a verified consistency proof between two imported checkpoints of `origin`. */
int sdx__foreign_consistency(sdx_ledger *l, const char *origin, uint64_t old_size,
			     uint64_t size, const unsigned char (*proof)[32], size_t n);

/* Keep a key that signed imported data (named by its origin), so that
 * sdx_ledger_verify() can check the imported entries and checkpoints again. */
int sdx__foreign_key(sdx_ledger *l, const sdx_verifier *v);

/* Record an import: the bundle's SHA-256, its producer and creation time, the
 * entries it brought and the index of the receipt entry on the own chain. */
int sdx__import_record(sdx_ledger *l, const unsigned char bundle[32], const char *producer,
		       const char *created, uint64_t entries, uint64_t receipt);

#endif
