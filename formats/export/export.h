/*
 * formats/export/export.h - what the EPCIS (epcis.c) and UNTP (untp.c,
 * untp_events.c) exports share: the records below a node in the order they
 * happened, the identifiers sdx mints or takes from GS1 keys (ids.c), where
 * each record came from (source.c), and the compact JWS (jws.c).  Not
 * installed; formats/epcis.md and formats/untp.md are the specs.
 */
#ifndef SDX_EXPORT_INTERNAL_H
#define SDX_EXPORT_INTERNAL_H

#include <stddef.h>

#include <jansson.h>

#include "sdx/interop.h"
#include "formats/graph/internal.h"

/* The extension namespace of sdx's own terms (EPCIS @context prefix "sdx"). */
#define SDX_XP_NS "urn:sdx:epcis:"
#define SDX_XP_HS_SCHEME "https://www.wcoomd.org/en/topics/nomenclature/overview.aspx"

/* The declarations, batches and shipments at and below a node, each once,
 * every input before the records made of it (withdrawals are not listed:
 * sdx__xp_status tells them). */
struct xp_walk {
	const sdx_graph *g;
	size_t *nodes;
	size_t n;
};
int sdx__xp_walk(struct xp_walk *w, const sdx_graph *g, size_t node);
void sdx__xp_walk_free(struct xp_walk *w);
/* 1 if node i is a record of type `type` ("declaration", "batch", "shipment"). */
int sdx__xp_is(const sdx_graph *g, size_t i, const char *type);
/* The node an input or item hash names, or SIZE_MAX. */
size_t sdx__xp_node(const sdx_graph *g, const char *hex);
/* "ok", "withdrawn" or "superseded": a declaration's standing with its own ledger. */
const char *sdx__xp_status(const sdx_graph *g, size_t i);

/* ---- identifiers (ids.c) ---- */

/* "https://ORIGIN/KIND/VALUE" (VALUE percent-encoded; KIND may hold '/'),
 * or "urn:sdx:ledger:ORIGIN:KIND:VALUE" when the origin does not start with
 * a DNS name.  NULL if out of memory. */
char *sdx__xp_uri(const char *origin, const char *kind, const char *value);
/* The GS1 Digital Link of a GTIN's lot "https://id.gs1.org/01/GTIN14/10/LOT",
 * or NULL if `gtin` is not a GTIN-8/12/13/14 with a right check digit or the
 * lot is not 1-20 characters of GS1's set. */
char *sdx__xp_gs1_lot(const char *gtin, const char *lot);
/* "https://id.gs1.org/AI/GLN" for the first GLN among `identifiers` (the
 * record's [{scheme, id}]), AI "414" (a location) or "417" (a party); NULL. */
char *sdx__xp_gln(const json_t *identifiers, const char *ai);
/* A party's id: its GLN as AI 417, else ORIGIN/party/NAME. */
char *sdx__xp_party_uri(const char *origin, const json_t *party);
/* A batch as a class of goods: its GTIN's lot (GS1 Digital Link), else
 * ORIGIN/batch/ID; an input: a sub-assembly batch so, a declaration's lot as
 * ORIGIN/lot/LOT; a site: its GLN (AI 414), else ORIGIN/site/NAME. */
char *sdx__xp_batch_uri(const sdx_graph *g, size_t i);
char *sdx__xp_input_uri(const sdx_graph *g, size_t to, const char *lot);
char *sdx__xp_site_uri(const sdx_graph *g, size_t i, const json_t *site);
/* "ni:///sha-256;B64URL" (RFC 6920) of a hash, or of 64 hex digits (NULL if not). */
char *sdx__xp_ni(const unsigned char hash[32]);
char *sdx__xp_ni_hex(const char *hex);
/* "u" + base64url(0x12 0x20 ‖ hash): a multibase multihash (digestMultibase). */
char *sdx__xp_multibase_hex(const char *hex);
/* SHA-256 of the record as signed (the canonical body of its entry). */
int sdx__xp_body_hash(unsigned char out[32], const json_t *body);
/* "YYYY-MM-DD" -> "YYYY-MM-DDT00:00:00Z" (end: T23:59:59Z); "" if not a date. */
void sdx__xp_datetime(char out[21], const char *date, int end);
/* The UN/ECE Rec 20 code of an sdx unit (formats/export/units.json), or the unit. */
const char *sdx__xp_unit(const char *unit);
/* The string at "a.b" in o, or NULL. */
const char *sdx__xp_str(const json_t *o, const char *path);

/* ---- where a record came from (source.c) ---- */

/* {P"origin", P"index", P"leafHash", P"entryTime", P"checkpoint": {P"origin",
 * P"treeSize", P"rootHash"}, P"status"} with P the prefix ("sdx:" or "").
 * The checkpoint is the ledger's own (the first covering the entry) or the
 * imported one its inclusion proof leads to. */
json_t *sdx__xp_source(const sdx_graph *g, size_t i, const char *prefix);

/* ---- JWS (jws.c) ---- */

/* A compact JWS over `payload` (RFC 7515, EdDSA per RFC 8037) with the
 * protected header {"alg":"EdDSA","kid":kid,"typ":typ,"cty":cty}, the NULL ones left out. */
int sdx__jws_sign(char **out, const char *payload, size_t len, const sdx_signer *key,
		  const char *kid, const char *typ, const char *cty);

/* *out = pretty JSON text of j (consumed); SDX_ENOMEM if j is NULL. */
int sdx__xp_dump(char **out, json_t *j, int pretty);

#endif
