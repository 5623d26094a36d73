/*
 * sdx/age.h - age v1 files (C2SP age), the X25519 recipient type only:
 * bundles encrypted to one or more recipients (formats/age.md).
 *
 * A writer wraps a fresh 16-byte file key for each recipient, writes the
 * header and its MAC at once, then the payload in 64 KiB ChaCha20-Poly1305
 * chunks as data comes: sdx_age_writer_new(), sdx_age_writer_write() any
 * number of times, sdx_age_writer_finish() (the final chunk), then
 * sdx_age_writer_free().  A reader parses and checks the header at
 * sdx_age_reader_new() (the file key unwrapped with one identity, the MAC
 * checked), then hands out plaintext chunk by chunk with
 * sdx_age_reader_read() until it reports the end, which it does only after
 * the final chunk authenticated and nothing follows it.  Both hold one chunk
 * in memory, whatever the size of the file.  Plaintext a reader hands out
 * before an error is authentic but incomplete: callers that must not act on
 * a partial file (sdx) write it to a temporary file and drop it on error.
 *
 * Keys: an identity is 32 random bytes (an X25519 secret), its recipient
 * the X25519 public key; as text "AGE-SECRET-KEY-1..." and "age1..." (Bech32).
 */
#ifndef SDX_AGE_H
#define SDX_AGE_H

#include <stddef.h>

#include <stdint.h>

#include "sdx/api.h"
#include "sdx/ledger.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for "age1..." (62 characters) and "AGE-SECRET-KEY-1..." (74) with the NUL. */
#define SDX_AGE_RECIPIENT_MAX 64
#define SDX_AGE_IDENTITY_MAX 80

typedef struct sdx_age_writer sdx_age_writer;
typedef struct sdx_age_reader sdx_age_reader;

/* Where a writer's bytes go: 0, or a negative SDX_E* code (the writer fails with it). */
typedef int (*sdx_age_write_fn)(void *ctx, const void *data, size_t len);
/* Where a reader's bytes come from: 0 with *got bytes (0 at end of file), or negative. */
typedef int (*sdx_age_read_fn)(void *ctx, void *buf, size_t cap, size_t *got);

/** "age1..." of a recipient (public key) into out. 0, or SDX_EINVAL. */
SDX_API int sdx_age_recipient_format(char out[SDX_AGE_RECIPIENT_MAX], const unsigned char pk[32]);
/** The public key of an "age1..." string (lowercase, Bech32, 32 bytes): 0 or SDX_EFORMAT. */
SDX_API int sdx_age_recipient_parse(unsigned char pk[32], const char *s);
/** "AGE-SECRET-KEY-1..." of an identity into out (wipe it after use). */
SDX_API int sdx_age_identity_format(char out[SDX_AGE_IDENTITY_MAX], const unsigned char sk[32]);
/** The secret of an "AGE-SECRET-KEY-1..." string: 0 or SDX_EFORMAT. */
SDX_API int sdx_age_identity_parse(unsigned char sk[32], const char *s);
/** A new identity (randombytes) and its recipient. */
SDX_API void sdx_age_keygen(unsigned char sk[32], unsigned char pk[32]);
/** The recipient of an identity: 0, or SDX_EINVAL (a secret that gives no public key). */
SDX_API int sdx_age_public_key(unsigned char pk[32], const unsigned char sk[32]);

/**
 * Start an age file to recipients[0..n) (1 <= n <= 64), written through fn:
 * the header and the payload nonce are written before this returns.
 * SDX_EINVAL for a recipient that is not a usable X25519 key.
 */
SDX_API int sdx_age_writer_new(sdx_age_writer **out, const unsigned char (*recipients)[32],
			       size_t n, sdx_age_write_fn fn, void *ctx);
/** Encrypt data[0..len); full chunks are written as they fill. */
SDX_API int sdx_age_writer_write(sdx_age_writer *w, const void *data, size_t len);
/** Write the final chunk.  After it (or any error) only _free() is allowed. */
SDX_API int sdx_age_writer_finish(sdx_age_writer *w);
/** Wipe and free (NULL is fine); an unfinished file is left truncated. */
SDX_API void sdx_age_writer_free(sdx_age_writer *w);

/**
 * Read an age header through fn and open it with the identity sk; `what`
 * names the input in messages ("'acme.sdxb.age'").  SDX_EFORMAT: not an
 * age v1 file, a malformed header (the message names the line), a low-order
 * X25519 share, or a file that ends inside its 16-byte payload nonce;
 * SDX_ENOTFOUND: no X25519 stanza opens with this identity (the file is
 * for other recipients); SDX_EVERIFY: the header MAC does not match (the
 * header was changed: a stanza added, removed or edited); SDX_ELIMIT: a
 * header over 64 KiB or with more than 64 stanzas.
 */
SDX_API int sdx_age_reader_new(sdx_age_reader **out, const unsigned char sk[32],
			       sdx_age_read_fn fn, void *ctx, const char *what);
/**
 * Up to cap bytes of plaintext into buf; *got 0 means the file ended well
 * (the final chunk authenticated, nothing after it).  SDX_EVERIFY for a chunk
 * that does not authenticate (a changed byte, a truncated file, a missing
 * final chunk, data after it) or an empty final chunk after others.
 */
SDX_API int sdx_age_reader_read(sdx_age_reader *r, void *buf, size_t cap, size_t *got);
/** Wipe and free (NULL is fine). */
SDX_API void sdx_age_reader_free(sdx_age_reader *r);

/**
 * Bind the recipient pk to the ledger's party: append an entry of type
 * "age-recipient" ({"recipient": "age1..."}) signed with key, inside
 * sdx_ledger_begin()/_commit(); the newest such entry is the one in force.
 * `out` may be NULL.
 */
SDX_API int sdx_age_bind(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			 const unsigned char pk[32]);
/**
 * The recipient that ledger `origin` bound (origin NULL: this ledger itself;
 * else entries imported from it): 1 with pk (and *index, may be NULL, the
 * entry's index in that ledger), 0 if it bound none, negative on error.
 */
SDX_API int sdx_age_bound_recipient(unsigned char pk[32], uint64_t *index, sdx_ledger *l,
				    const char *origin);

/** Encrypt everything read from in_fd to out_fd (both blocking descriptors). */
SDX_API int sdx_age_encrypt_fd(int in_fd, int out_fd, const unsigned char (*recipients)[32],
			       size_t n);
/** Decrypt in_fd to out_fd with sk; errors as the reader's.  *bytes (may be NULL): plaintext length. */
SDX_API int sdx_age_decrypt_fd(int in_fd, int out_fd, const unsigned char sk[32],
			       const char *what, unsigned long long *bytes);
/**
 * 1 if the file at path begins with an age version line
 * ("age-encryption.org/"), 0 if not, negative if it cannot be read.
 */
SDX_API int sdx_age_file_is_age(const char *path);

#ifdef __cplusplus
}
#endif
#endif
