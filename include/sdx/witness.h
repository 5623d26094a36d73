/*
 * sdx/witness.h - witnesses of a ledger's checkpoints: C2SP tlog-cosignature
 * (cosignature/v1, Ed25519), the C2SP tlog-witness add-checkpoint call, and
 * trust policies over them (the vkey form of the Sigsum policy text that
 * torchwood and Tessera read).  formats/witness.md is the spec.
 *
 * A cosigner key is a verifier key of signature type 0x04:
 * "name+hex8(keyid)+base64(0x04 || public key)", its key id the first four
 * bytes of SHA-256(name || "\n" || 0x04 || public key).  A cosignature line is
 * "— name base64(keyid || u64be time || Ed25519 signature)", the signature over
 * "cosignature/v1\ntime <time>\n" followed by the checkpoint text.
 *
 * Typical use: a log's sdx_witness_request() body goes to a witness, whose
 * sdx_witness_add_checkpoint() answers with cosignature lines, which the log
 * keeps with sdx_ledger_cosignature_add(); a verifier reads a policy with
 * sdx_policy_parse() and checks each checkpoint note with sdx_policy_check().
 */
#ifndef SDX_WITNESS_H
#define SDX_WITNESS_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/ledger.h"
#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_WITNESS_MAX_PROOF 63   /* consistency proof lines a request may carry */

typedef struct sdx_cosigner sdx_cosigner;

/** Parse a cosigner vkey (type 0x04); SDX_EFORMAT naming what is wrong. */
SDX_API int sdx_cosigner_parse(sdx_cosigner **out, const char *vkey);
/** The cosigner key of a signer's Ed25519 key under the signer's name. */
SDX_API int sdx_cosigner_from_signer(sdx_cosigner **out, const sdx_signer *s);
/** The cosigner key of a note verifier's Ed25519 key under its name. */
SDX_API int sdx_cosigner_from_verifier(sdx_cosigner **out, const sdx_verifier *v);
/** The vkey line; *out malloc'd. */
SDX_API int sdx_cosigner_format(char **out, const sdx_cosigner *c);
SDX_API const char *sdx_cosigner_name(const sdx_cosigner *c);
SDX_API uint32_t sdx_cosigner_keyid(const sdx_cosigner *c);
SDX_API void sdx_cosigner_free(sdx_cosigner *c);

/**
 * Cosign checkpoint text (what precedes the blank line of its note) at
 * `time` (POSIX seconds): *line gets "— name base64(...)\n", malloc'd.
 */
SDX_API int sdx_cosign(char **line, const sdx_signer *s, const char *text, size_t len,
		       uint64_t time);

/**
 * Check the cosignatures in a note (a checkpoint with its signature lines) by
 * the cosigners given: times[i] gets the time of cs[i]'s valid cosignature, 0
 * if it did not cosign.  Lines by other keys are ignored.  0, SDX_EVERIFY if a
 * line by one of cs does not verify (or its time is past 2^63 - 1),
 * SDX_EFORMAT if the note is malformed.
 */
SDX_API int sdx_note_cosignatures(uint64_t *times, const char *note, size_t len,
				  sdx_cosigner *const *cs, size_t n);

/* ---- trust policies ---------------------------------------------------------------- */

typedef struct sdx_policy sdx_policy;

/**
 * Parse a policy: lines `log VKEY`, `witness NAME VKEY [URL]`, `group NAME N|any|all
 * MEMBER...`, `quorum NAME|none`, `#` comments.  `path` names the file in
 * errors ("FILE:LINE: ..."); SDX_EFORMAT.
 */
SDX_API int sdx_policy_parse(sdx_policy **out, const char *text, size_t len, const char *path);
SDX_API void sdx_policy_free(sdx_policy *p);

/** The witnesses of a policy: how many, and the i-th's key and submission URL ("" if
 *  none was given; borrowed), NULL past the end. */
SDX_API size_t sdx_policy_witness_count(const sdx_policy *p);
SDX_API const sdx_cosigner *sdx_policy_witness(const sdx_policy *p, size_t i, const char **url);

/**
 * Does a checkpoint note satisfy the policy: signed by the policy's `log` key
 * whose name is its origin, and its cosignatures meeting the quorum?
 * *witnesses (may be NULL) gets the names of the witnesses whose
 * cosignatures verified, comma-separated (malloc'd, "" for none), also when
 * the quorum is not met.  0; SDX_EUNTRUSTED saying what is missing (no log of
 * that origin, the log did not sign, the quorum not met); SDX_EVERIFY when a
 * signature by a key of the policy is bad; SDX_EFORMAT.
 */
SDX_API int sdx_policy_check(char **witnesses, const sdx_policy *p, const char *note,
			     size_t len);

/* ---- C2SP tlog-proof@v1 ------------------------------------------------------------- */

/**
 * A tlog-proof of own entry `index`: "c2sp.org/tlog-proof@v1", "index N", the
 * inclusion hashes, an empty line and the latest checkpoint with the
 * cosignatures kept for it.  *out malloc'd.
 */
SDX_API int sdx_tlog_proof(char **out, size_t *out_len, sdx_ledger *l, uint64_t index);

/**
 * Check a tlog-proof for the entry bytes given (the leaf is their RFC 6962
 * leaf hash): the checkpoint against the policy, the inclusion proof to its
 * root.  *index gets the entry's index, *witnesses (may be NULL) who
 * cosigned, as sdx_policy_check() gives them.  0; SDX_EVERIFY when the proof
 * or a signature does not hold; SDX_EUNTRUSTED when the policy is not met;
 * SDX_EFORMAT naming the line.
 */
SDX_API int sdx_tlog_proof_verify(uint64_t *index, char **witnesses, const char *proof,
				  size_t len, const void *entry, size_t entry_len,
				  const sdx_policy *p);

/* ---- the log's side: asking witnesses, keeping their cosignatures ----------------- */

/**
 * The body of an add-checkpoint request: "old N\n", the consistency proof
 * from old_size to the checkpoint's size (none when old_size is 0), a blank
 * line, the note of the ledger's checkpoint at `size` (0: the latest).
 * *out malloc'd.
 */
SDX_API int sdx_witness_request(char **out, size_t *out_len, sdx_ledger *l, uint64_t old_size,
				uint64_t size);

/**
 * Keep the cosignature lines a witness answered for the own checkpoint at
 * `size`, after checking each verifies with cosigner c (lines by other keys
 * are refused: SDX_EVERIFY).  Kept lines go with the checkpoint: into
 * sdx_ledger_cosigned_checkpoint(), and so into bundles.  *added: how many
 * were new (may be NULL).
 */
SDX_API int sdx_ledger_cosignature_add(size_t *added, sdx_ledger *l, uint64_t size,
				       const sdx_cosigner *c, const char *lines, size_t len);

/**
 * The own checkpoint note at `size` (0: the latest) with every cosignature
 * kept for it appended (sdx_ledger_get_checkpoint()'s note otherwise).
 */
SDX_API int sdx_ledger_cosigned_checkpoint(char **out, size_t *out_len, sdx_checkpoint *parsed,
					   sdx_ledger *l, uint64_t size);

/** The largest own checkpoint size cosigned by the witness named `name`, 0 if none. */
SDX_API int sdx_ledger_cosigned_size(uint64_t *out, sdx_ledger *l, const char *name);

/* ---- the witness's side -------------------------------------------------------------- */

/** Witness the log of `vkey` (an Ed25519 note vkey; its name is the log's origin).
 *  A log once added is never removed (re-adding one could sign a split view), nor
 *  given another key: SDX_EEXISTS. */
SDX_API int sdx_witness_add_log(sdx_ledger *l, const char *vkey);

/** Call cb for each witnessed log: origin, vkey, latest cosigned size (0: none). */
typedef int (*sdx_witness_log_cb)(void *ctx, const char *origin, const char *vkey,
				  uint64_t size);
SDX_API int sdx_witness_foreach_log(sdx_ledger *l, sdx_witness_log_cb cb, void *ctx);

/** What an add-checkpoint call came to: the HTTP status the spec gives it. */
typedef struct sdx_witness_answer {
	int status;          /* 200, 400, 403, 404, 409, 422 */
	uint64_t latest;     /* 409: the latest cosigned size */
	char *body;          /* 200: the cosignature lines (malloc'd); else NULL */
	size_t body_len;
	char message[300];   /* why, for anything but 200 */
} sdx_witness_answer;

/**
 * The C2SP tlog-witness add-checkpoint call against the witnessed logs of l,
 * cosigned with `key` (named as the witness): the check of the old size and
 * the store of the new checkpoint are one transaction.  Returns 0 with the
 * answer in *a (free its body), or an error of the ledger itself.
 */
SDX_API int sdx_witness_add_checkpoint(sdx_witness_answer *a, sdx_ledger *l,
				       const sdx_signer *key, const char *body, size_t len);

#ifdef __cplusplus
}
#endif
#endif
