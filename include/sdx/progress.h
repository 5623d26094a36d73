/*
 * sdx/progress.h - hearing how far a long operation has got.
 *
 * sdx_progress_set() installs a function that the long operations of the
 * calling thread - sdx_ledger_verify(), sdx_bundle_verify(),
 * sdx_bundle_import(), sdx_bundle_export(), sdx_ledger_publish() - call now
 * and then (about once per few thousand entries), always from that thread,
 * with the entries done so far and the total (0 when it is not known).  The
 * library itself never prints.  Order of calls: sdx_progress_set(fn, ctx),
 * the operation, sdx_progress_set(NULL, NULL).
 */
#ifndef SDX_PROGRESS_H
#define SDX_PROGRESS_H

#include <stdint.h>

#include "sdx/error.h"

/** Told `done` of `total` (0: unknown); must not call back into libsdx. */
typedef void sdx_progress_fn(void *ctx, uint64_t done, uint64_t total);

/** Install fn (NULL: none) for the calling thread; ctx is passed to it. */
SDX_API void sdx_progress_set(sdx_progress_fn *fn, void *ctx);

#endif
