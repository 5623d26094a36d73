/*
 * sdx/bundle.h - signed bundles: what one party sends another.
 *
 * A bundle (*.sdxb) is a gzip-compressed tar archive, written
 * deterministically, that carries selected ledger entries with everything a
 * recipient needs to check them offline: each source ledger's signed
 * checkpoint, an RFC 6962 inclusion proof per entry, consistency proofs from
 * the ledger's earlier checkpoints, the evidence files the entries cite, and
 * a manifest signed by the producer that lists every member with its SHA-256
 * and size.  formats/bundle.md specifies every byte.
 *
 * Order of calls: producer: sdx_bundle_export(); recipient:
 * sdx_bundle_verify() (offline, no ledger needed) with the keys it trusts.
 */
#ifndef SDX_BUNDLE_H
#define SDX_BUNDLE_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"
#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_BUNDLE_FORMAT "sdx-bundle/1"
#define SDX_BUNDLE_PAYLOAD_TYPE "application/vnd.sdx.bundle.v1+json"

/** What to put in a bundle. */
typedef struct sdx_export_options {
	unsigned version;
	const uint64_t *indexes;  /* explicit entries (may be NULL) */
	size_t n_indexes;
	const char *lot;          /* declarations covering this lot number (may be NULL) */
	const char *since;        /* entries signed at or after this UTC time (may be NULL) */
	int all;                  /* every entry */
	const char *recipient;    /* intended recipient, recorded in the manifest (may be NULL) */
	int imported;             /* also forward every imported entry, each with the
				     checkpoint and proof it arrived with */
	const unsigned char (*leaves)[32]; /* entries by leaf hash, own or imported (may be
					      NULL); each must be held.  See sdx_graph_upstream() */
	size_t n_leaves;
} sdx_export_options;
#define SDX_EXPORT_OPTIONS_VERSION 1
#define SDX_EXPORT_OPTIONS_INIT { SDX_EXPORT_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, NULL, 0, \
				  NULL, 0 }

typedef struct sdx_bundle_stats {
	uint64_t entries;
	uint64_t attachments;
	uint64_t attachment_bytes;
	uint64_t tree_size;      /* size of the checkpoint the proofs lead to */
	uint64_t consistency;    /* consistency proofs included */
} sdx_bundle_stats;

/**
 * Write a bundle of the selected entries to `path` (which must not exist).
 * The ledger must have a checkpoint covering them; `key` (the ledger's key)
 * signs the manifest.  SDX_ENOTFOUND if the selection is empty.
 */
SDX_API int sdx_bundle_export(sdx_ledger *l, const sdx_signer *key, const sdx_export_options *opts,
			      const char *path, sdx_bundle_stats *out);

/**
 * Optional receivers of what a verification proves, in bundle order (used by
 * sdx_bundle_import).  Each is called only after the item passed its checks
 * (attachments: data first, then end with the verdict), but the verdict on
 * the whole bundle comes last: a receiver must be able to undo everything
 * (a database transaction) if the final result is not 0.  A non-zero return
 * stops the verification and is returned.  Any member may be NULL.
 */
typedef struct sdx_bundle_sink {
	void *ctx;
	int (*checkpoint)(void *ctx, const char *origin, uint64_t size,
			  const unsigned char root[32], const char *note, size_t len);
	int (*entry)(void *ctx, const char *origin, uint64_t index, const unsigned char leaf[32],
		     const char *type, const char *time, const unsigned char *data, size_t len,
		     uint64_t tree_size, const unsigned char (*proof)[32], size_t plen);
	int (*attachment_begin)(void *ctx, const unsigned char hash[32], uint64_t size);
	int (*attachment_data)(void *ctx, const void *data, size_t len);
	int (*attachment_end)(void *ctx);
	/* each key a trusted ledger in the bundle is trusted by; via_rotation: not
	 * trusted as given, but signed in by a key rotation of a trusted key */
	int (*key)(void *ctx, const sdx_verifier *v, int via_rotation);
	/* a consistency proof from an older checkpoint (passed to `checkpoint` first) */
	int (*consistency)(void *ctx, const char *origin, uint64_t old_size, uint64_t size,
			   const unsigned char (*proof)[32], size_t n);
} sdx_bundle_sink;

/** Limits and trust for reading a bundle. */
typedef struct sdx_bundle_verify_options {
	unsigned version;
	sdx_verifier *const *trusted; /* keys the caller trusts (may be empty) */
	size_t n_trusted;
	int trust_on_first_use;       /* accept the producer's own keys when none is trusted */
	uint64_t max_member;          /* 0: default, 1 GiB + 64 KiB (formats/bundle.md) */
	uint64_t max_total;           /* 0: default, 8 GiB uncompressed */
	uint64_t max_entries;         /* 0: default, SDX_BUNDLE_DEFAULT_MAX_ENTRIES */
	unsigned threads;             /* 0: one per core */
	const sdx_bundle_sink *sink;  /* may be NULL */
	sdx_verifier *const *revoked; /* keys revoked: a bundle they signed is refused */
	size_t n_revoked;
	unsigned flags;               /* version 2: SDX_BUNDLE_VERIFY_* */
} sdx_bundle_verify_options;
#define SDX_BUNDLE_VERIFY_OPTIONS_VERSION 2
#define SDX_BUNDLE_VERIFY_OPTIONS_INIT { SDX_BUNDLE_VERIFY_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, \
					 NULL, NULL, 0, 0 }
/*
 * Parse every entry's body as strict JSON as well, and check that a version
 * 2 entry's header lists exactly the attachments its body cites.  Without
 * it, a version 2 header is read by position and the body, which the
 * signature covers, is not parsed (formats/bundle.md).
 */
#define SDX_BUNDLE_VERIFY_BODIES (1u << 0)

#define SDX_BUNDLE_MAX_LEDGERS 64
#define SDX_BUNDLE_DEFAULT_MAX_ENTRIES 10000000ULL

/** What a verification found; filled as far as it got. */
typedef struct sdx_bundle_report {
	char producer[SDX_NAME_MAX + 1];
	char producer_vkey[SDX_NAME_MAX + 64];
	char created[21];
	char recipient[SDX_NAME_MAX + 1];
	size_t n_ledgers;
	struct {
		char origin[SDX_NAME_MAX + 1];
		uint64_t tree_size;
		uint64_t entries;
		uint64_t consistency;
		int trusted;     /* its key is among the trusted ones */
	} ledgers[SDX_BUNDLE_MAX_LEDGERS];
	uint64_t entries;
	uint64_t attachments;
	uint64_t members;
	int producer_trusted;
} sdx_bundle_report;

/**
 * Check a bundle offline: archive safety and limits, the manifest's
 * signature and every member's hash and size, every entry's signature and
 * payload, every inclusion proof, every checkpoint signature and every
 * consistency proof, and that every cited attachment is present.
 *
 * @return 0 when everything holds and every signer is trusted;
 *         SDX_EUNTRUSTED when everything holds but a signer is not trusted,
 *         or when the producer or a ledger in the bundle signs with a revoked key;
 *         SDX_EVERIFY when anything is forged, corrupt or inconsistent;
 *         SDX_EFORMAT / SDX_ELIMIT when the input is unreadable or too large.
 *         The message names the member or entry at fault.
 */
SDX_API int sdx_bundle_verify(const char *path, const sdx_bundle_verify_options *opts,
			      sdx_bundle_report *out);

/** What an import did. */
typedef struct sdx_import_result {
	int already;                    /* this very bundle was imported before: nothing done */
	uint64_t receipt;               /* index of the import receipt in the own ledger */
	unsigned char bundle_sha256[32];
	sdx_bundle_report report;
	char *held_checkpoint;          /* on SDX_ECONFLICT: the checkpoint already held */
	char *new_checkpoint;           /* ... and the bundle's checkpoint that contradicts it */
} sdx_import_result;

/** Free what an sdx_import_result holds (not the struct). */
SDX_API void sdx_import_result_clear(sdx_import_result *r);

/**
 * Verify a bundle (as sdx_bundle_verify, with the same options) and, only if
 * it is valid and every signer trusted, store its entries, checkpoints and
 * attachments in the ledger, apart from the own chain, and append an import
 * receipt (bundle hash, producer, counts) to the own ledger, signed with
 * `key`, all in one transaction.  Importing the same bundle again does
 * nothing.  A checkpoint that contradicts one already held for its origin
 * (same size and another root; or an older or newer tree that cannot be shown
 * consistent with it) is refused with SDX_ECONFLICT, both notes in `out`.
 */
SDX_API int sdx_bundle_import(sdx_ledger *l, const sdx_signer *key, const char *path,
			      const sdx_bundle_verify_options *opts, sdx_import_result *out);

#ifdef __cplusplus
}
#endif
#endif
