/*
 * formats/export/untp.h - what untp.c (envelope, conformity credentials,
 * signing) and untp_events.c (product passports, traceability events)
 * share.  Not installed.
 */
#ifndef SDX_EXPORT_UNTP_H
#define SDX_EXPORT_UNTP_H

#include "formats/export/export.h"

/* One export: the issuer and the credentials signed so far, one JWS a line. */
struct untp {
	const sdx_graph *g;
	const sdx_signer *key;
	const char *origin;  /* the exporting ledger's: credential ids are under it */
	const char *issuer;  /* its party's name, or the origin */
	char *did, *kid;     /* did:key of the key, and its verification method */
	char *text;
	size_t len, cap, count;
};

/* ["TYPE"]: the type member UNTP objects carry. */
json_t *sdx__untp_typed(const char *type);
/* A UNTP Party of a record's party {name, identifiers, country}. */
json_t *sdx__untp_party(const char *origin, const json_t *party);
/* "REGULATION: sum < 0.1 %": what a claim's limit asks (a criterion's name). */
void sdx__untp_limit_text(char *out, size_t cap, const json_t *claim);
/* A UNTP Link to a report: its ni URI, name, digestMultibase, media type. */
json_t *sdx__untp_link(const json_t *evidence);
/* The credential about node i (subject consumed): context, type [TYPE,
 * VerifiableCredential], id ORIGIN/credentials/KIND/LEAF, the issuer,
 * validFrom (`from`, else the entry's time), validUntil (if `until`), name,
 * and sdxSource: where the record came from.  NULL if out of memory. */
json_t *sdx__untp_credential(struct untp *u, const char *type, const char *kind, size_t i,
			     const char *name, const char *from, const char *until,
			     json_t *subject);
/* Sign vc (consumed) and append it to u->text as one line. */
int sdx__untp_emit(struct untp *u, json_t *vc);

/* untp_events.c: the passport of a batch; the traceability event of a batch
 * (a MakeEvent) or a shipment (a MoveEvent).  NULL if out of memory. */
json_t *sdx__untp_dpp(struct untp *u, size_t i);
json_t *sdx__untp_dte(struct untp *u, size_t i);

#endif
