/*
 * sdx/index.h - the ledger's derived indexes: tables kept in the ledger file
 * beside the entries, so that trace, where-used, check and export
 * --provenance read what they print instead of the whole ledger
 * (formats/ledger.md, "Indexes").
 *
 * libsdx keeps them by itself: every append and import writes the rows of
 * its entries in the same transaction, and a writable open of an older
 * ledger builds them.  sdx_ledger_verify() checks them against the entries.
 * A rebuild is only needed after a check finds them damaged, or after a
 * program without them (an older sdx) wrote to the ledger.
 *
 * Order of calls: sdx_ledger_open() (not read-only), sdx_ledger_reindex(),
 * sdx_ledger_free().
 */
#ifndef SDX_INDEX_H
#define SDX_INDEX_H

#include "sdx/api.h"

#include <stdint.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What a rebuild wrote. */
typedef struct sdx_reindex_stats {
	uint64_t records;  /* declarations, withdrawals, batches and shipments, own and imported */
	uint64_t ids;      /* ids they are known by: batch, shipment and declaration ids, lots, parties */
	uint64_t edges;    /* entries they cite */
} sdx_reindex_stats;

/**
 * Drop the graph index and build it again from the entries, in one
 * transaction.  `out` may be NULL.  SDX_EINVAL on a read-only handle.
 */
SDX_API int sdx_ledger_reindex(sdx_reindex_stats *out, sdx_ledger *l);

#ifdef __cplusplus
}
#endif
#endif
