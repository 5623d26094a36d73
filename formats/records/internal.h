/*
 * formats/records/internal.h - what the rest of libsdx (bundles, graph,
 * rules) uses of formats/records/: entry payloads as JSON, a record's
 * preparation and citations, units, the embedded schemas.  The record-type
 * table is type.h.  Not installed.
 */
#ifndef SDX_RECORD_INTERNAL_H
#define SDX_RECORD_INTERNAL_H

#include <jansson.h>

/*
 * The attachment hashes a parsed record body cites, each once, without
 * validating the body against its schema (for signed records from other
 * ledgers, which are checked by signature, not re-judged).  Hashes that are
 * not 64 lowercase hex digits are SDX_ESCHEMA.  *out malloc'd.
 */
int sdx__record_attachments_json(unsigned char (**out)[32], size_t *count, const char *type,
				 const json_t *body);

/*
 * The parsed payload of an entry envelope (DSSE JSON bytes), not verified:
 * {"body":..., "type":..., ...}.  *out is a new reference.  `what` names the
 * entry in messages.
 */
int sdx__entry_payload_json(json_t **out, const unsigned char *data, size_t len,
			    const char *what);

/*
 * sdx_record_normalize(), sdx_record_attachments() and
 * sdx_record_references() from one parse of `json`: the canonical bytes and
 * what they cite, and (index not NULL) the index member a version 3 payload
 * carries for it (formats/index/keys.c).  All outputs malloc'd.
 */
int sdx__record_prepare(const char *type, const char *json, size_t len, char **canon,
			size_t *clen, unsigned char (**atts)[32], size_t *natts,
			unsigned char (**refs)[32], size_t *nrefs, char **index,
			size_t *index_len);

/* 1 if `type` names a statement (a declaration): a record that covers lots. */
int sdx__record_is_statement(const char *type);

/* 1 if records of the `len`-byte `type` cite attachments in their body (a
 * version 1 entry lists them nowhere else). */
int sdx__record_cites_files(const char *type, size_t len);

/*
 * The plausibility check of a record about to be appended, against what
 * the ledger holds (formats/plausibility.md): 0, or SDX_ESCHEMA naming the
 * field.  Set by formats/rules/plausible_use.c when that is linked in (a
 * constructor, like the graph index's indexer: the same code that reads the
 * graph), NULL before.
 */
struct sdx_ledger;
extern int (*sdx__record_plausibility)(struct sdx_ledger *l, const char *type,
				       const char *canon, size_t clen, const char *what);

/* mg/kg per unit of a mass fraction (%, mg/kg, ug/kg); 0 for any other unit. */
double sdx__mass_fraction_factor(const char *unit);

/* A compiled embedded schema by file name ("profile"), borrowed. */
struct sdx_schema;
/* sdx_record_fill_attachments() on a parsed body, in place: 1 if it filled
 * something, 0 if not, or the error. */
int sdx__record_fill_json(const char *type, json_t *body, const char *const *files,
			  const unsigned char (*hashes)[32], size_t n, const char *what);

int sdx__schema_named(const struct sdx_schema **out, const char *name);

#endif
