/*
 * formats/trust/party.h - parties as records name them and as keys are bound
 * to them (sdx/trust.h): reading a record's party object, telling whether two
 * descriptions name one party (formats/trust.md, "Identity").  Not installed.
 */
#ifndef SDX_FORMATS_PARTY_H
#define SDX_FORMATS_PARTY_H

#include <jansson.h>

#include "sdx/trust.h"

/* The party object of a record ({name, identifiers, country}) into *out, no
 * roles: 1, or 0 (*out cleared) if `obj` is not an object with a name. */
int sdx__party_from_json(sdx_party *out, const json_t *obj);

/* The party as JSON {name, identifiers, country (if set), roles}; NULL if out of memory. */
json_t *sdx__party_json(const sdx_party *p);

/* Do a and b name one party?  Any SCHEME:ID in common; when both list
 * identifiers and none is common, no; when either lists none, the same name
 * (case-insensitive for ASCII, runs of white space as one space, trimmed). */
int sdx__party_same(const sdx_party *a, const sdx_party *b);

/* 1 if p signs for `role`. */
int sdx__party_has_role(const sdx_party *p, const char *role);

/* "Name (USCI:..., GLN:...)" for messages, at most cap bytes. */
void sdx__party_text(char *out, size_t cap, const sdx_party *p);

/* A key signed in by a rotation speaks for the party its origin's trusted
 * keys are bound to: bind v as the first bound trusted key of its name is,
 * unless v is bound already.  Inside the import's transaction. */
int sdx__binding_inherit(sdx_ledger *l, const sdx_verifier *v);

#endif
