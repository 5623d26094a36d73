/*
 * sdx/record.h - the records carried in ledger entries (declarations,
 * withdrawals, batches, shipments) and their validation.
 *
 * Each record type has a JSON Schema (formats/schemas/<type>.schema.json,
 * compiled into the library), a spec (formats/<type>.md) and one descriptor
 * in the library (formats/records/<type>.c).  A record says its version in
 * its `format` member ("sdx-batch/2", schema <type>.v2.schema.json); one
 * without it is version 1, judged by the version 1 schema.  Validation reads
 * every version this sdx knows; appending writes only the versions still
 * written (batches and shipments: version 2).  Validation is schema-driven
 * plus the cross-field rules the schema cannot say (dates in order, sums that
 * add up); every error names the field by its JSON path, e.g.
 * "declaration: claims[2].limit.value: expected a number".
 *
 * Order of calls: sdx_record_normalize() turns user JSON into the canonical
 * bytes the ledger signs (it validates on the way); sdx_record_attachments()
 * lists the evidence hashes a record references so the caller can check they
 * are present; sdx_record_append() does all of it and appends.  For listings,
 * sdx_record_summary() gives the one line an entry of any type reads as.
 */
#ifndef SDX_RECORD_H
#define SDX_RECORD_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest canonical record body; its signed entry (base64 inside an envelope)
 * must fit the 65,535 bytes of a C2SP entry bundle record. */
#define SDX_RECORD_MAX 48000
/* Largest input text accepted (pretty-printed JSON is larger than canonical). */
#define SDX_RECORD_INPUT_MAX (4 * SDX_RECORD_MAX)
#define SDX_JSON_MAX_DEPTH 32 /* deepest nesting accepted in a record */

/** 1 if `type` (e.g. "declaration") is a known record type, else 0. */
SDX_API int sdx_record_type_known(const char *type);

/** Borrowed text of the embedded JSON Schema for `type`; SDX_ENOTFOUND if none. */
SDX_API int sdx_record_schema(const char **out, size_t *out_len, const char *type);

/**
 * Validate `json` as a record of `type`, of any version this sdx reads.
 * @return 0, SDX_EFORMAT (not JSON, duplicate key, bad UTF-8, too deep),
 *         SDX_ELIMIT (input over SDX_RECORD_INPUT_MAX or canonical form over
 *         SDX_RECORD_MAX), SDX_ENOTFOUND (unknown type) or SDX_ESCHEMA (the
 *         message names the field).
 */
SDX_API int sdx_record_validate(const char *type, const char *json, size_t len);

/**
 * Validate and return the canonical form: compact, keys sorted, UTF-8.
 * *out is malloc'd and NUL-terminated; *out_len excludes the NUL.
 */
SDX_API int sdx_record_normalize(char **out, size_t *out_len, const char *type,
				 const char *json, size_t len);

/**
 * The SHA-256 hashes of the attachments (evidence files) a valid record
 * references, each once, in order of first appearance.
 * *out is malloc'd (free it); *count may be 0 (then *out is NULL).
 */
SDX_API int sdx_record_attachments(unsigned char (**out)[32], size_t *count,
				   const char *type, const char *json, size_t len);

/**
 * The leaf hashes of earlier ledger entries a valid record refers to
 * (a declaration it supersedes, the one a withdrawal withdraws, ...), each
 * once, in order of first appearance.  References are written in records as
 * 64 lowercase hex digits.  *out is malloc'd; *count may be 0.
 */
SDX_API int sdx_record_references(unsigned char (**out)[32], size_t *count,
				  const char *type, const char *json, size_t len);

/**
 * The member that names a record of `type` for people ("batch_id" for a
 * batch), or NULL if it has none.  Borrowed, static.
 */
SDX_API const char *sdx_record_id_field(const char *type);

/**
 * A one-line human summary of an entry of `type` (any entry type, the
 * ledger's own too) from its signed payload (sdx_entry_payload()): the
 * fields a reader scans for, e.g. "batch LH2610-0315: Toy car, HS 9503.00,
 * 2 inputs".  *out is always a NUL-terminated string, possibly empty.
 * @return 0, or SDX_EFORMAT if the payload is not JSON (*out is then ""),
 *         SDX_EINVAL if cap is 0.
 */
SDX_API int sdx_record_summary(char *out, size_t cap, const char *type, const char *payload,
			       size_t len);

/**
 * Validate, normalise and append a record of `type` to the ledger, inside
 * sdx_ledger_begin()/sdx_ledger_commit().  Refused (nothing appended) when
 * the record is invalid, when an attachment it references is not stored
 * (SDX_ENOTFOUND, naming the hash), or when an entry it refers to does not
 * exist or is of the wrong kind (a withdrawal must name a declaration, a
 * supersession a record of its own type and ledger), and when the record is of
 * a version no longer written (a version 1 batch or shipment: SDX_ESCHEMA
 * saying what to add).  `what` names the input in messages ("'decl.json'",
 * "line 7").
 * @param out  what was appended (may be NULL)
 */
SDX_API int sdx_record_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			      const char *type, const char *json, size_t len, const char *what);

/**
 * As sdx_record_append(), with the fields `pointers` names (JSON pointers
 * into the record, sdx/disclosure.h) concealed: the record is validated and
 * checked whole, then signed with each of those fields replaced by a salted
 * digest (and `decoys` random digests in each "_sd" it touches); its index
 * is made from the signed body, and the ledger keeps the disclosures
 * (sdx_ledger_disclosure_add()).  SDX_ENOTFOUND names a pointer that names
 * nothing.  Must be inside begin/commit.
 */
SDX_API int sdx_record_append_concealed(sdx_entry_info *out, sdx_ledger *l,
					const sdx_signer *key, const char *type,
					const char *json, size_t len, const char *what,
					const char *const *pointers, size_t n, unsigned decoys);

/**
 * What sdx_record_append() would say of a batch or shipment's plausibility
 * against what ledger l holds (formats/plausibility.md), as a JSON array in
 * *out (malloc'd): each fact {"kind": "refused" | "unchecked" | "shown",
 * "field", "text"}; "[]" for other types and for a record that does not
 * validate (the append says why).  sdx_record_append() refuses the first
 * "refused" fact itself; this is for showing the others before writing.
 * @return 0, SDX_ENOMEM, or an error reading the ledger
 */
SDX_API int sdx_record_plausible(char **out, sdx_ledger *l, const char *type, const char *json,
				 size_t len);

/**
 * Evidence that cites its report by file name only, `"attachment":
 * {"file_name": "report.pdf"}`, gets the SHA-256 of the file of that name
 * among `files` (paths; their base names are compared), whose hashes are
 * `hashes` (formats/declaration.md §6).  *out is the record with the hashes
 * filled in (malloc'd, *out_len bytes), or NULL when nothing was filled (a
 * record that does not parse is left for the append to refuse).
 * @return 0, or SDX_ESCHEMA naming the evidence ("WHAT: evidence[0].attachment:
 *         ...") when no file of that name was given
 */
SDX_API int sdx_record_fill_attachments(char **out, size_t *out_len, const char *type,
					const char *json, size_t len, const char *const *files,
					const unsigned char (*hashes)[32], size_t n,
					const char *what);

/** One record for sdx_record_append_many(); every pointer is borrowed. */
typedef struct sdx_record_input {
	const char *json;
	size_t len;
	const char *what; /* names it in messages, e.g. "'bulk.jsonl' line 7" */
} sdx_record_input;

/**
 * Append the `n` records `in` of one type in order, inside
 * sdx_ledger_begin()/commit(): they are validated and normalised on every
 * core first, then checked in order, signed on every core (a version 3
 * payload links to the hash of the payload before it, known before it is
 * signed) and stored in order.  Stops at the first refused record: *failed
 * (may be NULL) is its index (n if none was refused) and the records before
 * it are appended (roll back to drop them).
 *
 * @param outs  room for n results (may be NULL)
 * @return 0, or the error of the first refused record, as sdx_record_append()
 */
SDX_API int sdx_record_append_many(sdx_entry_info *outs, size_t *failed, sdx_ledger *l,
				   const sdx_signer *key, const char *type,
				   const sdx_record_input *in, size_t n);

#ifdef __cplusplus
}
#endif
#endif
