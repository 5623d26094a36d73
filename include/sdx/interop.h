/*
 * sdx/interop.h - the provenance graph in other systems' formats: a GS1
 * EPCIS 2.0 JSON-LD document of traceability events (formats/epcis.md) and
 * UN Transparency Protocol 0.7.0 credentials - Digital Conformity
 * Credentials, Digital Product Passports and Digital Traceability Events -
 * as W3C Verifiable Credentials 2.0 secured with a compact JWS (EdDSA,
 * VC-JOSE-COSE) that anyone holding the ledger's public key can check
 * (formats/untp.md).
 *
 * Every exported event and credential names where it came from: the ledger
 * origin and index of the record, its leaf hash and the checkpoint that
 * covers it.  Identifiers are GS1 Digital Link URIs only where a GTIN or GLN
 * is recorded; everything else is named under the ledger origin.
 *
 * Also the document lines a China customs declaration takes for the accredited
 * test reports behind a shipment's items (formats/cn-customs.md): licence
 * category 630, "accreditation-body code/report number", cargo attribute 46,
 * in CSV or JSON, each line with the report's SHA-256 and where it was read.
 *
 * Order of calls: sdx_graph_from_ledger() (sdx/provenance.h), sdx_graph_find(),
 * then sdx_export_epcis(), sdx_export_untp() or sdx_export_cn_customs()
 * (with a lab register, sdx/lab.h), free() the text, sdx_graph_free().
 */
#ifndef SDX_INTEROP_H
#define SDX_INTEROP_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/lab.h"
#include "sdx/note.h"
#include "sdx/provenance.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The UNTP credentials sdx_export_untp() issues. */
typedef enum sdx_untp_kind {
	SDX_UNTP_DCC = 1, /* a Digital Conformity Credential per declaration */
	SDX_UNTP_DPP = 2, /* a Digital Product Passport per batch */
	SDX_UNTP_DTE = 3  /* a Digital Traceability Event per batch and shipment */
} sdx_untp_kind;

/**
 * The EPCIS 2.0 EPCISDocument of `node` and everything upstream of it:
 * commissioning ObjectEvents for the supplier lots, a TransformationEvent per
 * batch, a shipping ObjectEvent per shipment, inputs before what was made of
 * them.  The graph must come from a ledger (sdx_graph_from_ledger), which
 * gives the checkpoints.
 * @param out  JSON text (malloc'd, pretty-printed), the caller's to free()
 * @return 0; SDX_ENOTFOUND if an input is not held; SDX_EINVAL for a graph
 *         read from a bundle; SDX_ENOMEM
 */
SDX_API int sdx_export_epcis(char **out, const sdx_graph *g, size_t node);

/**
 * UNTP credentials about `node` and everything upstream of it, each signed
 * by `key` (the ledger's key, whose did:key is the issuer): one compact JWS
 * per line, each ending in '\n'.  SDX_ENOTFOUND (naming the type) when the
 * graph holds none of what `kind` is about.
 * @param out       the text (malloc'd), the caller's to free()
 * The issuer's name is the ledger's own party (sdx_ledger_party), else its origin.
 * @param n_out     gets the number of credentials (may be NULL)
 */
SDX_API int sdx_export_untp(char **out, size_t *n_out, const sdx_graph *g, size_t node,
			    sdx_untp_kind kind, const sdx_signer *key);

/**
 * The did:key of an Ed25519 public key: "did:key:z" followed by the base58btc
 * of the multicodec ed25519-pub prefix 0xed 0x01 and the 32 key bytes.
 * @param out  malloc'd, the caller's to free()
 */
SDX_API int sdx_did_key(char **out, const unsigned char pk[32]);

/** The forms sdx_export_cn_customs() writes. */
typedef enum sdx_cn_customs_format {
	SDX_CN_CUSTOMS_CSV = 1,  /* RFC 4180, a header row, CRLF */
	SDX_CN_CUSTOMS_JSON = 2  /* formats/schemas/cn-customs.schema.json */
} sdx_cn_customs_format;

/** What sdx_export_cn_customs() found. */
typedef struct sdx_cn_customs_result {
	size_t items;    /* items of the shipment */
	size_t lines;    /* document lines in the text */
	size_t missing;  /* items with no accredited report to declare */
	size_t reports;  /* test reports found behind the items (one reached by two items: twice) */
	size_t skipped;  /* of those, the ones that do not count (a line repeated is neither) */
	char *problems;  /* for each of those, one line naming the item and why each of
			  * its reports does not count, each ended by '\n'; NULL if none.
			  * malloc'd: the caller's to free() */
	char *notes;     /* for the items that have lines, one line per report that does
			  * not count, saying why ('\n'-ended; NULL if none); free() it */
} sdx_cn_customs_result;

/**
 * The China customs document lines of the shipment `node`: per item, one
 * line for each accredited test report on its batch (and its sub-assemblies)
 * or on a supplier lot that went into it, with licence category, document
 * number and cargo attribute from formats/export/cn-customs.json.  A report
 * counts when its record stands (not withdrawn or superseded), it names an
 * accreditation whose body has a customs code, it is valid on the ship date,
 * and `labs` judges the accreditation SDX_LAB_OK at its issue date for its
 * standards and test items (formats/cn-customs.md, "Which reports").
 *
 * An item with no report that counts does not stop the export: *out still
 * gets the lines of the others, and res->missing and res->problems say which
 * items lack one and why.  A declaration must not be filed from such text.
 *
 * @param out    the CSV or JSON text (malloc'd), the caller's to free()
 * @param res    gets the counts, problems and notes, the caller's to free()
 * @param labs   the lab register to judge by (an empty one judges every
 *               report not listed)
 * @return 0; SDX_EINVAL if node is not a shipment or the graph was read
 *         from a bundle; SDX_ENOTFOUND if an input is not held; SDX_ENOMEM
 */
SDX_API int sdx_export_cn_customs(char **out, sdx_cn_customs_result *res, const sdx_graph *g,
				  size_t node, const sdx_lab_register *labs,
				  sdx_cn_customs_format format);

#ifdef __cplusplus
}
#endif
#endif
