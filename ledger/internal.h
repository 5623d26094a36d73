/*
 * ledger/internal.h - helpers shared inside libsdx (ledger/ and formats/);
 * not installed, not part of the API.
 */
#ifndef SDX_LEDGER_INTERNAL_H
#define SDX_LEDGER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <sodium.h>

#include "sdx/error.h"

/*
 * Parse JSON strictly: duplicate keys, invalid UTF-8, trailing data, NUL bytes
 * and nesting deeper than max_depth are refused.  `what` names the input in
 * the message ("'decl.json'", "entry 12").  Returns 0 or SDX_EFORMAT.
 */
int sdx__json_parse(json_t **out, const char *data, size_t len, size_t max_depth,
		    const char *what);

/* Canonical dump: compact, sorted keys, reals with 15 significant digits. */
int sdx__json_dump(char **out, size_t *out_len, const json_t *j);

/* Standard padded base64 (RFC 4648 section 4).  *out malloc'd, NUL-terminated. */
int sdx__b64_encode(char **out, const unsigned char *data, size_t len);
/* Decode strictly (padding required, no whitespace). *out malloc'd (+1 NUL). */
int sdx__b64_decode(unsigned char **out, size_t *out_len, const char *b64, size_t len);
/* Decode into a fixed buffer; fails unless exactly `want` bytes decode. */
int sdx__b64_decode_fixed(unsigned char *out, size_t want, const char *b64, size_t len);

/* Base64 into a caller's buffer of at least 4*ceil(len/3)+1 bytes; returns
 * the length written (NUL-terminated). */
size_t sdx__b64_encode_to(char *out, const unsigned char *data, size_t len);
/* Strict decode into out (cap >= len/4*3); *out_len gets the byte count. */
int sdx__b64_decode_to(unsigned char *out, size_t cap, size_t *out_len, const char *b64,
		       size_t len);

/*
 * SHA-256 (ledger/hash.c).  init cannot fail; every init must be ended by
 * final or clear (clear after final is harmless).
 */
typedef struct sdx__sha256_ctx {
	void *evp;
	crypto_hash_sha256_state fallback;
} sdx__sha256_ctx;
void sdx__sha256_init(sdx__sha256_ctx *h);
void sdx__sha256_update(sdx__sha256_ctx *h, const void *data, size_t len);
void sdx__sha256_final(sdx__sha256_ctx *h, unsigned char out[32]);
void sdx__sha256_clear(sdx__sha256_ctx *h);
void sdx__sha256(unsigned char out[32], const void *data, size_t len);
/* SHA-256 of a followed by b, in one call. */
void sdx__sha256_two(unsigned char out[32], const void *a, size_t alen, const void *b,
		     size_t blen);
const char *sdx__crypto_version(void);

/*
 * Worker threads for batches of independent items (ledger/pool.c).  threads
 * 0 means one per online CPU.  submit hands out fn(ctx, i) for i < n; wait
 * returns when all ran (the caller runs items too while it waits).  One
 * batch at a time; free waits for running items and joins.
 */
struct sdx__pool;
typedef void (*sdx__pool_fn)(void *ctx, size_t i);
int sdx__pool_new(struct sdx__pool **out, unsigned threads);
unsigned sdx__pool_threads(const struct sdx__pool *p);
void sdx__pool_submit(struct sdx__pool *p, sdx__pool_fn fn, void *ctx, size_t n);
void sdx__pool_wait(struct sdx__pool *p);
void sdx__pool_free(struct sdx__pool *p);

/* Tell the calling thread's progress function (sdx/progress.h), if one is
 * set, that `done` of `total` (0: unknown) are done (ledger/progress.c). */
int sdx__progress_on(void);
void sdx__progress(uint64_t done, uint64_t total);

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code points past
 * U+10FFFF), else 0 (ledger/note.c). */
int sdx__utf8_valid(const unsigned char *s, size_t len);

/* Lowercase hex; out needs 2*len+1. */
void sdx__hex(char *out, const unsigned char *data, size_t len);

/* UTC time "YYYY-MM-DDTHH:MM:SSZ" from the clock (sdx/clock.h); out needs 21 bytes. */
void sdx__utc_now(char out[21]);

/*
 * An options struct's `version` (its first member): 0 if it is one from 1
 * to `newest`, else SDX_EINVAL naming `what` (a struct from a newer library
 * would be read past its end, and 0 is a struct nobody initialised).
 */
int sdx__options_check(unsigned version, unsigned newest, const char *what);

/* Put "prefix: " before the last error message; returns code. */
int sdx__error_prefix(int code, const char *prefix);

struct sdx_ledger;
struct sdx_signer;
struct sdx_entry_info;
/* 1 if the ledger holds any disclosure of own entries (ledger/disclosures.c), else 0 or an error. */
int sdx__ledger_holds_disclosures(struct sdx_ledger *l);
/* sdx_ledger_append_cited for a body the caller has just produced with
 * sdx__json_dump (so it is canonical by construction): skips re-parsing.
 * `index` is its version 3 index member (formats/index/keys.c; NULL: made
 * from the body).  staged: built now, signed on every core and stored at
 * the next flush (ledger/stage.c), which fills *out. */
int sdx__ledger_append_canonical(struct sdx_ledger *l, const struct sdx_signer *key,
				 const char *type, const char *body, size_t len,
				 const unsigned char (*atts)[32], size_t natts,
				 const char *index, size_t index_len, int staged,
				 struct sdx_entry_info *out);
/* Store every staged append of l (see above); 0 or the first error. */
int sdx__ledger_flush(struct sdx_ledger *l);

/* Store the party the trusted key v speaks for (v NULL: the ledger's own),
 * replacing what was bound; formats/ checks the party first (sdx_party_check).
 * SDX_ENOTFOUND if v is not trusted (ledger/binding.c). */
struct sdx_verifier;
struct sdx_party;
int sdx__binding_put(struct sdx_ledger *l, const struct sdx_verifier *v,
		     const struct sdx_party *p);

/*
 * The checks `sdx verify` makes of imported data (ledger/verify_foreign.c),
 * for what an export forwards: _checkpoint() the held checkpoint of origin at
 * size (its columns as its note says, signed by a key kept for the origin),
 * _entry() one imported entry (bytes and leaf hash, its proof to the held
 * checkpoint of tree_size, signed by a kept key, payload as stored).  Each
 * returns 0, or SDX_EVERIFY naming what fails.  Inside the caller's read
 * transaction; free with _free() (accepts NULL).
 */
struct sdx__foreign_audit;
int sdx__foreign_audit_new(struct sdx__foreign_audit **out, struct sdx_ledger *l);
int sdx__foreign_audit_checkpoint(struct sdx__foreign_audit *a, const char *origin,
				  uint64_t size);
int sdx__foreign_audit_entry(struct sdx__foreign_audit *a, const char *origin, uint64_t index,
			     uint64_t tree_size);
void sdx__foreign_audit_free(struct sdx__foreign_audit *a);

/* Entry bytes as a typed view, and the checks in chain order: ledger/entry.h,
 * ledger/chain.h. */

/* 64 lowercase hex digits at s (not necessarily NUL-terminated) into out. */
int sdx__hex32_at(unsigned char out[32], const char *s);
/* A string of exactly 64 lowercase hex digits (NULL: -1) into out. */
int sdx__hex32_parse(unsigned char out[32], const char *s);
/* The range [lo, hi] of leaf hashes starting with the hex prefix `ref` (4 to
 * 64 digits, either case); 0 if it is not one. */
int sdx__prefix_range(const char *ref, unsigned char lo[32], unsigned char hi[32]);

/* sodium_init() once per process; returns 0 or SDX_ERROR.  Call before any
 * libsodium use that needs randomness or CPU feature selection. */
int sdx__init(void);

/*
 * sdx_disclosure_reveal(), marking what stays withheld (formats/disclosure.md,
 * "Marking what is withheld"): an object keeps in "_sd" the digests left
 * without a disclosure, and an object whose member is an array that lost
 * withheld elements gets "_withheld_elements": {member: count}.  Digests in
 * decoys[0..ndecoys) are dropped and not counted.  For the record graph;
 * such a body is never signed or written.
 */
struct sdx_disclosure_view;
int sdx__disclosure_reveal_marked(char **body_out, size_t *body_len,
				  struct sdx_disclosure_view *view, const char *body, size_t len,
				  const char *const *texts, size_t n, const char *const *decoys,
				  size_t ndecoys);
/* The same for entry `index` of `origin` (NULL or the ledger's own: an own
 * entry), with the disclosures the ledger holds for it and, for an own
 * entry, its decoys. */
int sdx__ledger_entry_revealed_marked(char **body_out, size_t *body_len,
				      struct sdx_disclosure_view *view, struct sdx_ledger *l,
				      const char *origin, uint64_t index);

#endif
