/*
 * sdx/token.h - the bearer tokens of `sdx serve`: who may read the ledger
 * over HTTP, append to it, or import into it.  Local policy kept in the
 * ledger file (never signed, never exported), like the trusted keys.
 *
 * A token is shown once, when it is added; the ledger keeps only its
 * SHA-256, its id (random, for listing and revoking), a name and a scope.
 * Scopes are ordered: a write token also reads, an admin token also writes.
 *
 * Order of calls: sdx_ledger_open() (not read-only: an older file gets the
 * token table), then sdx_token_add(), sdx_token_foreach(), sdx_token_revoke()
 * or sdx_token_check(), sdx_ledger_free().
 */
#ifndef SDX_TOKEN_H
#define SDX_TOKEN_H

#include "sdx/api.h"

#include <stddef.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sdx_scope {
	SDX_SCOPE_NONE = 0, /* no token: the public tiles and checkpoint only */
	SDX_SCOPE_READ = 1,
	SDX_SCOPE_WRITE = 2,
	SDX_SCOPE_ADMIN = 3
} sdx_scope;

#define SDX_TOKEN_LEN 47     /* "sdx_" and 43 base64url characters (32 random bytes) */
#define SDX_TOKEN_ID_LEN 12  /* 12 hex digits */
#define SDX_TOKEN_NAME_MAX 64

/** What the ledger holds of a token. */
typedef struct sdx_token_info {
	char id[SDX_TOKEN_ID_LEN + 1];
	char name[SDX_TOKEN_NAME_MAX + 1];
	sdx_scope scope;
	char created[21];
} sdx_token_info;

/** The scope named "read", "write" or "admin" into *out; SDX_EINVAL for another name. */
SDX_API int sdx_scope_parse(sdx_scope *out, const char *name);
/** "read", "write", "admin" (or "none"). */
SDX_API const char *sdx_scope_name(sdx_scope scope);

/**
 * Create a token of `scope`: `out` gets the token text (NUL-terminated; the
 * only time it exists outside the caller), `info` (may be NULL) what is stored.
 * `name` (may be NULL: the id) is 1 to SDX_TOKEN_NAME_MAX printable
 * characters, unique among the ledger's tokens (SDX_EEXISTS).
 */
SDX_API int sdx_token_add(char out[SDX_TOKEN_LEN + 1], sdx_token_info *info, sdx_ledger *l,
			  sdx_scope scope, const char *name);

/** Call cb for every token, oldest first; a non-zero return stops and is returned. */
typedef int (*sdx_token_cb)(void *ctx, const sdx_token_info *t);
SDX_API int sdx_token_foreach(sdx_ledger *l, sdx_token_cb cb, void *ctx);

/** Delete the token whose id or name is `ref`; SDX_ENOTFOUND if there is none. */
SDX_API int sdx_token_revoke(sdx_ledger *l, const char *ref);

/**
 * The token `token` presents, into *out: its SHA-256 is compared with every
 * stored one in constant time (sodium_memcmp, no early exit).  SDX_ENOTFOUND
 * if it is not (or no longer) a token of this ledger.
 */
SDX_API int sdx_token_check(sdx_token_info *out, sdx_ledger *l, const char *token);

#ifdef __cplusplus
}
#endif
#endif
