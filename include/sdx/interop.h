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
 * Order of calls: sdx_graph_from_ledger() (sdx/provenance.h), sdx_graph_find(),
 * then sdx_export_epcis() or sdx_export_untp(), free() the text,
 * sdx_graph_free().
 */
#ifndef SDX_INTEROP_H
#define SDX_INTEROP_H

#include "sdx/api.h"

#include <stddef.h>

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

#ifdef __cplusplus
}
#endif
#endif
