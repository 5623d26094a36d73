/*
 * sdx/build.h - make a batch or shipment record from field values and
 * references to earlier entries, as `sdx batch` and `sdx ship` options give
 * them (and an HTTP API would): the record's shape, its defaults, how an
 * input or item names an entry and how much of it, and which entries may be
 * named, are the library's.
 *
 * Order of calls: sdx_record_builder_new(); sdx_record_builder_set() for each
 * field given and sdx_record_builder_add() for each input (batch) or item
 * (shipment); sdx_record_builder_missing() says what a record still lacks;
 * sdx_record_builder_check() checks the fields (no ledger needed);
 * sdx_record_builder_resolve() finds the entries the inputs or items name,
 * own or imported, and makes the record; then sdx_record_builder_json() (a
 * dry run: the validated text) or sdx_record_builder_append() inside
 * sdx_ledger_begin()/sdx_ledger_commit(); sdx_record_builder_free().
 * Every message names the field or reference by the `what` it was given with
 * ("--quantity", "--input #2", "items[1]").
 */
#ifndef SDX_BUILD_H
#define SDX_BUILD_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sdx_record_builder sdx_record_builder;

/** Most inputs or items one record may be built with. */
#define SDX_BUILD_MAX_LINKS 10000

/**
 * A builder for a record of `type`: "batch" or "shipment".
 * @return 0, SDX_ENOTFOUND (no builder for the type) or SDX_ENOMEM
 */
SDX_API int sdx_record_builder_new(sdx_record_builder **out, const char *type);
SDX_API void sdx_record_builder_free(sdx_record_builder *b);

/**
 * Give field `field` (its JSON path: "batch_id", "product.hs_code",
 * "quantity", "consignee.country", ...) the text `value` (copied).  A
 * quantity is "N:UNIT" (UN/ECE Rec 20 unit, N > 0), read by
 * sdx_record_builder_check().  Setting a field again replaces it, except a
 * party's identifiers ("manufacturer.identifiers", "exporter.identifiers"),
 * which take one "SCHEME:ID" per call, in order.  The record is written in
 * its type's newest version, with its `format` member.
 * @param what  names the value in messages (may be NULL: the field)
 * @return 0, SDX_EINVAL (no such field) or SDX_ENOMEM
 */
SDX_API int sdx_record_builder_set(sdx_record_builder *b, const char *field, const char *value,
				   const char *what);

/**
 * Add an input (batch: "REF:LOT:N:UNIT[:ROLE]", LOT empty when REF is an
 * earlier batch, ROLE material, additive, component, ...) or an item (shipment: "REF:N:UNIT[:HS]", HS defaulting to the
 * batch's product code).  REF is 4+ hex digits of a leaf hash or an own
 * entry index.  Read by sdx_record_builder_resolve(), in the order added.
 * @return 0, SDX_ELIMIT (over SDX_BUILD_MAX_LINKS) or SDX_ENOMEM
 */
SDX_API int sdx_record_builder_add(sdx_record_builder *b, const char *spec, const char *what);

/** The first required field not given ("inputs"/"items": none added), or NULL. */
SDX_API const char *sdx_record_builder_missing(const sdx_record_builder *b);

/**
 * Check the fields given: every required one present (SDX_EINVAL naming the
 * first missing) and each quantity well-formed (SDX_EFORMAT).
 */
SDX_API int sdx_record_builder_check(sdx_record_builder *b);

/**
 * Read every input or item in order and make the record: each reference is
 * found in `l` (own or imported; the errors of sdx_ledger_find()), an item
 * must name a batch (SDX_ESCHEMA), and a malformed spec is SDX_EFORMAT.
 * Calls sdx_record_builder_check() first.
 */
SDX_API int sdx_record_builder_resolve(sdx_record_builder *b, sdx_ledger *l);

/** SDX_BUILD_PRETTY: indented, keys sorted (for people); else compact. */
#define SDX_BUILD_PRETTY 1u

/**
 * The resolved record as JSON text, validated as sdx_record_validate() does
 * (its errors).  *out is malloc'd and NUL-terminated; out_len may be NULL.
 */
SDX_API int sdx_record_builder_json(char **out, size_t *out_len, const sdx_record_builder *b,
				    unsigned flags);

/** Borrowed name of the record for messages, e.g. "batch 'BY2610-032'". */
SDX_API const char *sdx_record_builder_label(const sdx_record_builder *b);

/**
 * Append the resolved record as sdx_record_append() does, its messages
 * prefixed with the label.  @param out  may be NULL
 */
SDX_API int sdx_record_builder_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
				      const sdx_record_builder *b);

#ifdef __cplusplus
}
#endif
#endif
