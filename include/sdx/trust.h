/*
 * sdx/trust.h - trusted and revoked keys: the parties whose bundles this
 * organisation accepts (sdx_bundle_import checks them), and the keys it
 * refuses for good.  Local policy kept in the ledger file, but not part of
 * the signed ledger and never exported.
 *
 * A trusted key may be bound to the party it speaks for (name, identifiers
 * such as USCI or GLN, the roles it signs for), and the ledger has a party of
 * its own: attribution (formats/trust.md) compares the party a record names
 * with the binding of the key that signed it.
 *
 * Order of calls: sdx_ledger_open(), then any of these (each one statement
 * or one transaction of its own, or inside an open transaction),
 * sdx_ledger_free().
 */
#ifndef SDX_TRUST_H
#define SDX_TRUST_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Trust `v`; `label` (may be NULL) is a note for people.  SDX_EEXISTS if
 * trusted already - unless only through an introduction (sdx/introduction.h):
 * then it is trusted directly from now on (0).
 */
SDX_API int sdx_ledger_trust_add(sdx_ledger *l, const sdx_verifier *v, const char *label);

/**
 * Stop trusting the keys matching `ref`: a key name (all its keys), a label,
 * an 8-hex-digit key id, or name+keyid.  *out (may be NULL) gets how many
 * were removed.  SDX_ENOTFOUND if none matched.
 */
SDX_API int sdx_ledger_trust_remove(size_t *out, sdx_ledger *l, const char *ref);

/**
 * Revoke a key: it is removed from the trusted keys, and bundles signed with
 * it are refused from now on (sdx_bundle_verify_options.revoked), whoever
 * vouches for it.  Permanent: the key can never be trusted again in this
 * ledger.  SDX_EEXISTS if it was revoked already.
 */
SDX_API int sdx_ledger_trust_revoke(sdx_ledger *l, const sdx_verifier *v, const char *reason);
/** Call cb for each revoked key with the UTC time of its revocation and the reason. */
typedef int (*sdx_revoked_cb)(void *ctx, const sdx_verifier *v, const char *revoked,
			      const char *reason);
SDX_API int sdx_ledger_foreach_revoked(sdx_ledger *l, sdx_revoked_cb cb, void *ctx);

/** Call cb for each trusted key (borrowed for the call), ordered by name. */
typedef int (*sdx_trusted_cb)(void *ctx, const sdx_verifier *v, const char *label,
			      const char *added);
SDX_API int sdx_ledger_foreach_trusted(sdx_ledger *l, sdx_trusted_cb cb, void *ctx);

/* ---- parties bound to keys ------------------------------------------------------------ */

#define SDX_PARTY_NAME_MAX 800  /* bytes: 200 characters of UTF-8, as a record's party name */
#define SDX_PARTY_IDS_MAX 10    /* as a record's party lists at most */
#define SDX_PARTY_ROLES_MAX 8

/** An identifier of an organisation: scheme (USCI, LEI, GLN, DUNS, EORI, VAT) and id. */
typedef struct sdx_party_id {
	char scheme[17];
	char id[41];
} sdx_party_id;

/**
 * A party a key speaks for.  roles are what formats/schemas/party.schema.json
 * lists (supplier, manufacturer, exporter, lab); country is "" if not given.
 */
typedef struct sdx_party {
	char name[SDX_PARTY_NAME_MAX + 1];
	char country[3];
	size_t nids;
	sdx_party_id ids[SDX_PARTY_IDS_MAX];
	size_t nroles;
	char roles[SDX_PARTY_ROLES_MAX][33];
} sdx_party;

/**
 * Read "SCHEME:ID" (e.g. "USCI:91330206MA2H7K5Q3E") into *out.  The scheme
 * and id are checked by sdx_party_check().  SDX_EINVAL if there is no ':' or
 * a part is empty or too long.
 */
SDX_API int sdx_party_id_parse(sdx_party_id *out, const char *text);

/**
 * Check a party against formats/schemas/party.schema.json (a name, at least
 * one role, identifiers of known schemes and forms, none twice).  SDX_ESCHEMA
 * naming the member ("party: identifiers[1].id: ...").
 */
SDX_API int sdx_party_check(const sdx_party *p);

/**
 * Bind the trusted key `v` to party `p` (checked as sdx_party_check() does),
 * replacing any binding it had.  SDX_ENOTFOUND if `v` is not trusted.
 */
SDX_API int sdx_ledger_trust_bind(sdx_ledger *l, const sdx_verifier *v, const sdx_party *p);

/**
 * The party the trusted key `pubkey` is bound to: 1 and *out, or 0 (*out
 * cleared) if it is bound to none, or the error.  A ledger older than format
 * 8 holds no bindings.
 */
SDX_API int sdx_ledger_trust_binding(sdx_party *out, sdx_ledger *l,
				     const unsigned char pubkey[32]);

/** Set the ledger's own party (the one its keys sign for), checked as sdx_party_check(). */
SDX_API int sdx_ledger_party_set(sdx_ledger *l, const sdx_party *p);

/** The ledger's own party: 1 and *out, or 0 (*out cleared) if none was set, or the error. */
SDX_API int sdx_ledger_party(sdx_party *out, sdx_ledger *l);

#ifdef __cplusplus
}
#endif
#endif
