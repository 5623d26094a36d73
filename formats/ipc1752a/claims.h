/*
 * formats/ipc1752a/claims.h - a Product's Class C RoHS statement and Class D
 * homogeneous materials as declaration claims (claims.c), for map.c, and the
 * vocabulary both map by (vocab.c).  Not installed.
 */
#ifndef SDX_IPC1752A_CLAIMS_H
#define SDX_IPC1752A_CLAIMS_H

#include <jansson.h>
#include <libxml/tree.h>

/* The evidence id Class D claims cite: the IPC-1752A file itself. */
#define SDX_IPC_EVIDENCE_ID "IPC1752A"

/*
 * Append to claims (a JSON array) the claim of Product/RoHSDeclaration, if
 * there is one, then one claim per HomogeneousMaterial of
 * Product/MaterialInfo/HomogeneousMaterialList.  *class_d is set when any of
 * the latter was made (they cite SDX_IPC_EVIDENCE_ID).  0 or the error.
 */
int sdx__ipc_claims(json_t *claims, int *class_d, const char *what, const xmlNode *product);

/* vocab.c: a table of formats/data/ipc1752a.json (borrowed; NULL if absent),
 * and the member of an object table whose name is key, ignoring case. */
const json_t *sdx__ipc_vocab(const char *table);
const json_t *sdx__ipc_vocab_get(const char *table, const char *key);

#endif
