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
 * sdx_bundle_verify() (offline, no ledger needed) with the keys it trusts,
 * reading what it found through the sdx_bundle_report_*() accessors, then
 * sdx_bundle_report_free(); or sdx_bundle_import() into a ledger, then
 * sdx_import_result_clear().
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
/* A bundle that carries disclosures or withholds attachments (formats/bundle.md) */
#define SDX_BUNDLE_FORMAT_2 "sdx-bundle/2"
#define SDX_BUNDLE_PAYLOAD_TYPE "application/vnd.sdx.bundle.v1+json"

/**
 * A disclosure policy (formats/disclosure.md, "Choosing what travels";
 * formats/schemas/disclose-policy.schema.json): which disclosures of
 * concealed fields go into one bundle, and whether the attachments of a
 * record with a withheld field go too.
 */
typedef struct sdx_disclose_policy sdx_disclose_policy;

/**
 * Read a policy (JSON text), checked against its schema; `name` (the file)
 * names it in messages.  Free with sdx_disclose_policy_free().
 * @return 0; SDX_EFORMAT (not JSON); SDX_ESCHEMA naming the field; SDX_ENOMEM.
 */
SDX_API int sdx_disclose_policy_parse(sdx_disclose_policy **out, const char *text, size_t len,
				      const char *name);
SDX_API void sdx_disclose_policy_free(sdx_disclose_policy *p);
/** 1 if the disclosure of the field at `pointer` of a record of `type` travels
 *  (NULL policy: every one does), else 0. */
SDX_API int sdx_disclose_policy_discloses(const sdx_disclose_policy *p, const char *type,
					  const char *pointer);
/** 1 if the attachments of a record of `type` travel although one of its
 *  disclosures is withheld (the policy says "send"), else 0; NULL policy: 1. */
SDX_API int sdx_disclose_policy_sends_attachments(const sdx_disclose_policy *p,
						  const char *type);

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
	/* version 2: */
	const unsigned char (*encrypt_to)[32]; /* age X25519 recipients (sdx/age.h): the file
						  is written as an age v1 file only they can
						  open, never in clear (formats/age.md); NULL:
						  a plain bundle */
	size_t n_encrypt_to;                   /* at most 64 */
	/* version 3: */
	const sdx_disclose_policy *disclose;   /* which held disclosures travel, own and
						  forwarded; NULL: every one */
} sdx_export_options;
#define SDX_EXPORT_OPTIONS_VERSION 3
#define SDX_EXPORT_OPTIONS_INIT { SDX_EXPORT_OPTIONS_VERSION, NULL, 0, NULL, NULL, 0, NULL, 0, \
				  NULL, 0, NULL, 0, NULL }

typedef struct sdx_bundle_stats {
	uint64_t entries;
	uint64_t attachments;
	uint64_t attachment_bytes;
	uint64_t tree_size;      /* size of the checkpoint the proofs lead to */
	uint64_t consistency;    /* consistency proofs included */
	/* filled only for options version 3 (an older caller's struct ends here): */
	uint64_t disclosures;    /* disclosures carried */
	uint64_t withheld;       /* disclosures held but withheld by the policy */
	uint64_t withheld_attachments; /* attachments left out for withheld fields */
} sdx_bundle_stats;

/**
 * Write a bundle of the selected entries to `path` (which must not exist).
 * The ledger must have a checkpoint covering them; `key` (the ledger's key)
 * signs the manifest.  *out (may be NULL) gets what was written.
 * @return 0, SDX_ENOTFOUND if the selection is empty, SDX_EINVAL for an
 *         options version it does not know, SDX_EEXISTS if `path` exists
 */
SDX_API int sdx_bundle_export(sdx_bundle_stats *out, sdx_ledger *l, const sdx_signer *key,
			      const sdx_export_options *opts, const char *path);

/**
 * One entry a verification proved, passed to sdx_bundle_sink.entry; every
 * pointer is borrowed for the call.
 */
typedef struct sdx_bundle_entry {
	const char *origin;               /* the ledger that signed it */
	uint64_t index;                   /* its index there */
	const unsigned char *leaf;        /* its leaf hash, 32 bytes */
	const char *type;
	const char *time;
	const unsigned char *data;        /* the exact envelope bytes */
	size_t len;
	uint64_t tree_size;               /* the checkpoint size the proof leads to */
	const unsigned char (*proof)[32]; /* its inclusion proof */
	size_t proof_len;
} sdx_bundle_entry;

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
	int (*entry)(void *ctx, const sdx_bundle_entry *e);
	int (*attachment_begin)(void *ctx, const unsigned char hash[32], uint64_t size);
	int (*attachment_data)(void *ctx, const void *data, size_t len);
	int (*attachment_end)(void *ctx);
	/* each key a trusted ledger in the bundle is trusted by; via_rotation: not
	 * trusted as given, but signed in by a key rotation of a trusted key */
	int (*key)(void *ctx, const sdx_verifier *v, int via_rotation);
	/* a consistency proof from an older checkpoint (passed to `checkpoint` first) */
	int (*consistency)(void *ctx, const char *origin, uint64_t old_size, uint64_t size,
			   const unsigned char (*proof)[32], size_t n);
	/* read only with options version 3: a disclosure the bundle carries, checked
	 * against the entry's digests, after that entry was passed to `entry` */
	int (*disclosure)(void *ctx, const char *origin, uint64_t index, const char *text);
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
#define SDX_BUNDLE_VERIFY_OPTIONS_VERSION 3 /* 3: sink->disclosure is read */
#define SDX_BUNDLE_VERIFY_OPTIONS_INIT { SDX_BUNDLE_VERIFY_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, \
					 NULL, NULL, 0, 0 }
/*
 * Parse every entry's body as strict JSON as well, and check that a version
 * 2 entry's header lists exactly the attachments its body cites.  Without
 * it, a version 2 header is read by position and the body, which the
 * signature covers, is not parsed (formats/bundle.md).
 */
#define SDX_BUNDLE_VERIFY_BODIES (1u << 0)
/*
 * By default an entry signed by the key that signed its ledger's checkpoint
 * in the bundle is authenticated by its inclusion proof to that signed root,
 * and its own signature is not checked (formats/bundle.md "What verify
 * proves"); entries signed by another key are checked by their signatures.
 * SDX_BUNDLE_VERIFY_SIGNATURES checks every entry's signature.
 */
#define SDX_BUNDLE_VERIFY_SIGNATURES (1u << 1)

/* Most ledgers one bundle may carry: a larger one is refused (SDX_EFORMAT). */
#define SDX_BUNDLE_MAX_LEDGERS 64
#define SDX_BUNDLE_DEFAULT_MAX_ENTRIES 10000000ULL

/**
 * What a verification found, filled as far as it got (so also after a
 * failure); made by sdx_bundle_verify(), freed with sdx_bundle_report_free().
 * Every accessor accepts NULL (and then gives "", 0 or NULL).
 */
typedef struct sdx_bundle_report sdx_bundle_report;

/** One ledger a bundle carries, as the report tells it. */
typedef struct sdx_bundle_ledger {
	char origin[SDX_NAME_MAX + 1];
	uint64_t tree_size;   /* size of its checkpoint in the bundle */
	uint64_t entries;     /* entries proved against it */
	uint64_t consistency; /* consistency proofs from its earlier checkpoints */
	int trusted;          /* every key it signs with is trusted */
} sdx_bundle_ledger;

SDX_API void sdx_bundle_report_free(sdx_bundle_report *r);
/** Borrowed strings, valid until the report is freed: the producer (its origin), */
SDX_API const char *sdx_bundle_report_producer(const sdx_bundle_report *r);
/** its verifier key line ("name+keyid+base64"), */
SDX_API const char *sdx_bundle_report_producer_vkey(const sdx_bundle_report *r);
/** when it made the bundle (UTC), and the intended recipient ("" if none named). */
SDX_API const char *sdx_bundle_report_created(const sdx_bundle_report *r);
SDX_API const char *sdx_bundle_report_recipient(const sdx_bundle_report *r);
/** 1 if the producer's key is trusted, else 0. */
SDX_API int sdx_bundle_report_producer_trusted(const sdx_bundle_report *r);
/** Entries and attachments checked, and members whose hashes were checked. */
SDX_API uint64_t sdx_bundle_report_entries(const sdx_bundle_report *r);
SDX_API uint64_t sdx_bundle_report_attachments(const sdx_bundle_report *r);
SDX_API uint64_t sdx_bundle_report_members(const sdx_bundle_report *r);
/** The number of ledgers the bundle carries, and the i-th (borrowed; NULL past the end). */
SDX_API size_t sdx_bundle_report_ledger_count(const sdx_bundle_report *r);
SDX_API const sdx_bundle_ledger *sdx_bundle_report_ledger(const sdx_bundle_report *r, size_t i);
/** Disclosures checked against their entries' digests. */
SDX_API uint64_t sdx_bundle_report_disclosures(const sdx_bundle_report *r);
/** Attachments the producer withheld (cited by entries with withheld fields),
 *  and the i-th: its hash (32 bytes) and the entry citing it; 0, or -1 past the end. */
SDX_API size_t sdx_bundle_report_withheld_count(const sdx_bundle_report *r);
SDX_API int sdx_bundle_report_withheld(const sdx_bundle_report *r, size_t i,
				       const unsigned char **hash, const char **origin,
				       uint64_t *index);

/**
 * Check a bundle offline: archive safety and limits, the manifest's
 * signature and every member's hash and size, every entry's payload and
 * signature (by default only where its ledger's signed checkpoint does not
 * cover it: SDX_BUNDLE_VERIFY_SIGNATURES), every inclusion proof, every checkpoint signature and every
 * consistency proof, and that every cited attachment is present or withheld
 * with a withheld field; in an sdx-bundle/2, every disclosure carried against
 * its entry's digests (a forgery: SDX_EVERIFY naming the member and the entry).
 *
 * @return 0 when everything holds and every signer is trusted;
 *         SDX_EUNTRUSTED when everything holds but a signer is not trusted,
 *         or when the producer or a ledger in the bundle signs with a revoked key;
 *         SDX_EVERIFY when anything is forged, corrupt or inconsistent;
 *         SDX_EFORMAT / SDX_ELIMIT when the input is unreadable or too large;
 *         SDX_EINVAL for an options version it does not know.
 *         The message names the member or entry at fault.
 * @param out  NULL, or gets a new report whatever the result (NULL only on
 *             SDX_EINVAL and SDX_ENOMEM): free it with sdx_bundle_report_free()
 * @param opts may be NULL (the defaults)
 */
SDX_API int sdx_bundle_verify(sdx_bundle_report **out, const char *path,
			      const sdx_bundle_verify_options *opts);

/** What an import did. */
typedef struct sdx_import_result {
	int already;                    /* this very bundle was imported before: nothing done */
	uint64_t receipt;               /* index of the import receipt in the own ledger */
	unsigned char bundle_sha256[32];
	sdx_bundle_report *report;      /* what the verification found (NULL if `already`) */
	char *held_checkpoint;          /* on SDX_ECONFLICT: the checkpoint already held */
	char *new_checkpoint;           /* ... and the bundle's checkpoint that contradicts it */
} sdx_import_result;

/** Free what an sdx_import_result holds (not the struct itself); accepts NULL. */
SDX_API void sdx_import_result_clear(sdx_import_result *r);

/**
 * Verify a bundle (as sdx_bundle_verify, with the same options) and, only if
 * it is valid and every signer trusted, store its entries, checkpoints and
 * attachments in the ledger, apart from the own chain, and append an import
 * receipt (bundle hash, producer, counts) to the own ledger, signed with
 * `key`, all in one transaction.  Importing the same bundle again does
 * nothing.  A checkpoint that contradicts one already held for its origin
 * (same size and another root; or an older or newer tree that cannot be shown
 * consistent with it) is refused with SDX_ECONFLICT, both notes in `out` -
 * but only once the bundle is trusted and what is held is valid under the
 * same trusted keys of that origin; otherwise SDX_EUNTRUSTED (an origin name
 * alone proves nothing).
 * `out` is filled whatever the result: clear it with sdx_import_result_clear().
 * @return the codes of sdx_bundle_verify(), SDX_ECONFLICT, or a ledger error
 */
SDX_API int sdx_bundle_import(sdx_import_result *out, sdx_ledger *l, const sdx_signer *key,
			      const char *path, const sdx_bundle_verify_options *opts);

#ifdef __cplusplus
}
#endif
#endif
