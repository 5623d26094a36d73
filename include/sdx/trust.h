/*
 * sdx/trust.h - trusted and revoked keys: the parties whose bundles this
 * organisation accepts (sdx_bundle_import checks them), and the keys it
 * refuses for good.  Local policy kept in the ledger file, but not part of
 * the signed ledger and never exported.
 *
 * Order of calls: sdx_ledger_open(), then any of these (each one statement,
 * on its own or inside an open transaction), sdx_ledger_free().
 */
#ifndef SDX_TRUST_H
#define SDX_TRUST_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Trust `v`; `label` (may be NULL) is a note for people. SDX_EEXISTS if trusted already. */
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

#ifdef __cplusplus
}
#endif
#endif
