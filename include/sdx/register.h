/*
 * sdx/register.h - reference data kept in the ledger file: registers and
 * lists (lab accreditation registers, substance lists) that checks judge
 * records against.  Each is named by a kind ("lab") and a name
 * ("cnas-2026-05"), and versioned: storing different content under the same
 * kind and name makes the next version, storing the content the newest
 * version holds already changes nothing.  Every version is kept (the table
 * is append-only, like the entries), with the time it was stored and the
 * SHA-256 of the file it came from.
 *
 * Reference data is local, like the trusted keys: it is not signed, not part
 * of the Merkle tree and never exported.  The library stores bodies as given
 * (text without NUL bytes); the module of each kind (sdx/lab.h for "lab")
 * validates them and writes them in a canonical form, so that the same
 * content always gives the same bytes.
 *
 * Order of calls: sdx_ledger_open() (writable for _put), then any of these,
 * then sdx_ledger_free().  A ledger older than format 7 holds no registers;
 * opened read-only it lists none, opened writable it is upgraded first.
 */
#ifndef SDX_REGISTER_H
#define SDX_REGISTER_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_REGISTER_KIND_MAX 32          /* a kind: 1-32 of a-z 0-9 _ - */
#define SDX_REGISTER_NAME_MAX 128         /* a name: 1-128 bytes of UTF-8, no control characters */
#define SDX_REGISTER_BODY_MAX (64u << 20) /* the largest body stored */

/** One stored version of a register. */
typedef struct sdx_register_info {
	char kind[SDX_REGISTER_KIND_MAX + 1];
	char name[SDX_REGISTER_NAME_MAX + 1];
	uint64_t version;                 /* 1 for the first content stored, then 2, 3... */
	char imported[21];                /* when it was stored, YYYY-MM-DDTHH:MM:SSZ (UTC) */
	unsigned char source_sha256[32];  /* SHA-256 of the file it was read from */
	uint64_t body_len;
	int latest;                       /* 1 if no later version of kind and name exists */
} sdx_register_info;

/**
 * Store `body` as the next version of register (kind, name), in one
 * transaction of its own (or in the caller's, if one is open), unless the
 * newest version holds exactly these bytes.
 *
 * @param out            the version stored, or the newest one if nothing
 *                       was stored (may be NULL)
 * @param source_sha256  SHA-256 of the file the body was read from
 * @return 0 when a new version was stored, 1 when the content is the
 *         newest version's already (nothing written); SDX_EINVAL for a bad
 *         kind or name, SDX_EFORMAT for a body holding a NUL byte,
 *         SDX_ELIMIT for one over SDX_REGISTER_BODY_MAX, SDX_EIO.
 */
SDX_API int sdx_ledger_register_put(sdx_register_info *out, sdx_ledger *l, const char *kind,
				    const char *name, const unsigned char source_sha256[32],
				    const char *body, size_t len);

/**
 * The newest version of register (kind, name): *body a malloc'd,
 * NUL-terminated copy (the caller's to free()), *len its length (may be
 * NULL), *info (may be NULL) its description.  SDX_ENOTFOUND if none.
 */
SDX_API int sdx_ledger_register_latest(char **body, size_t *len, sdx_register_info *info,
				       sdx_ledger *l, const char *kind, const char *name);

/** Version `version` of register (kind, name) as _latest() gives the newest
 *  (version 0: the newest); SDX_ENOTFOUND if there is no such version. */
SDX_API int sdx_ledger_register_get(char **body, size_t *len, sdx_register_info *info,
				    sdx_ledger *l, const char *kind, const char *name,
				    uint64_t version);
/**
 * Call cb for every stored version of every register of `kind` (NULL: of
 * every kind), by kind, name and version.  A non-zero return from cb stops
 * the walk and is returned.
 */
typedef int (*sdx_register_cb)(void *ctx, const sdx_register_info *info);
SDX_API int sdx_ledger_register_list(sdx_ledger *l, const char *kind, sdx_register_cb cb,
				     void *ctx);

#ifdef __cplusplus
}
#endif
#endif
