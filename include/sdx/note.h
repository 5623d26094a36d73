/*
 * sdx/note.h - Ed25519 keys in C2SP signed-note form, signed notes and
 * C2SP tlog-checkpoints.
 *
 * Key names and ids follow c2sp.org/signed-note: the key id is the first four
 * bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).  A
 * verifier key is written "name+hex8(keyid)+base64(0x01 || public key)"; a
 * signer key (golang.org/x/mod/sumdb/note form, accepted for interop and
 * tests) "PRIVATE+KEY+name+hex8(keyid)+base64(0x01 || seed)".
 *
 * A note is UTF-8 text ending in "\n", then a blank line, then one line per
 * signature: U+2014, space, key name, space, base64(keyid || signature), "\n".
 * The signed message is the text up to and including its final newline.
 *
 * A checkpoint (c2sp.org/tlog-checkpoint) is a note whose text is
 *   origin "\n" decimal size "\n" base64(root) "\n" [extension lines]
 *
 * Typical use: sdx_signer_generate() or sdx_key_load() (keys.h), then
 * sdx_checkpoint_format() + sdx_note_sign(); on the other side
 * sdx_verifier_parse() + sdx_note_verify() + sdx_checkpoint_parse().
 */
#ifndef SDX_NOTE_H
#define SDX_NOTE_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SDX_NAME_MAX 255        /* longest key name / origin accepted */
#define SDX_NOTE_MAX (64 * 1024) /* longest note accepted */

typedef struct sdx_signer sdx_signer;
typedef struct sdx_verifier sdx_verifier;

/** New random Ed25519 key named `name` (no spaces, '+' or newlines). */
SDX_API int sdx_signer_generate(sdx_signer **out, const char *name);

/** Key from a 32-byte Ed25519 seed (deterministic). */
SDX_API int sdx_signer_from_seed(sdx_signer **out, const char *name, const unsigned char seed[32]);

/** Parse a "PRIVATE+KEY+name+keyid+base64" signer key. SDX_EFORMAT on error. */
SDX_API int sdx_signer_parse(sdx_signer **out, const char *skey);

/** Wipes and frees. Accepts NULL. */
SDX_API void sdx_signer_free(sdx_signer *s);

/** Borrowed name of the key. */
SDX_API const char *sdx_signer_name(const sdx_signer *s);
SDX_API uint32_t sdx_signer_keyid(const sdx_signer *s);
/** Borrowed 32-byte public key. */
SDX_API const unsigned char *sdx_signer_public_key(const sdx_signer *s);
/** Borrowed 32-byte seed (secret: lives in locked memory). */
SDX_API const unsigned char *sdx_signer_seed(const sdx_signer *s);

/** A new verifier for this signer's public key. */
SDX_API int sdx_signer_verifier(sdx_verifier **out, const sdx_signer *s);

/** Plain Ed25519 signature of msg. */
SDX_API int sdx_signer_sign(unsigned char sig[64], const sdx_signer *s, const void *msg, size_t len);

/** Parse "name+keyid+base64(0x01||pk)"; checks that keyid matches. */
SDX_API int sdx_verifier_parse(sdx_verifier **out, const char *vkey);
SDX_API int sdx_verifier_new(sdx_verifier **out, const char *name, const unsigned char pk[32]);
SDX_API void sdx_verifier_free(sdx_verifier *v);
SDX_API const char *sdx_verifier_name(const sdx_verifier *v);
SDX_API uint32_t sdx_verifier_keyid(const sdx_verifier *v);
SDX_API const unsigned char *sdx_verifier_public_key(const sdx_verifier *v);

/** Format the verifier key line. *out is malloc'd; free() it. */
SDX_API int sdx_verifier_format(char **out, const sdx_verifier *v);

/** Check a plain Ed25519 signature: 0 or SDX_EVERIFY. */
SDX_API int sdx_verifier_verify(const sdx_verifier *v, const unsigned char sig[64],
				const void *msg, size_t len);

/**
 * Human-comparable fingerprint: SHA-256 of the public key, as 16 groups of
 * 4 hex digits "ab12 cd34 ...". Writes at most cap bytes (80 suffices).
 */
SDX_API int sdx_key_fingerprint(char *out, size_t cap, const unsigned char pk[32]);

/** Key id of a (name, public key) pair as defined by signed-note. */
SDX_API uint32_t sdx_note_keyid(const char *name, const unsigned char pk[32]);

/**
 * Sign `text` (which must end in "\n" and contain no blank line at its end)
 * and return the full note: text, "\n", signature line.
 * *out is malloc'd, NUL-terminated; *out_len excludes the NUL.
 */
SDX_API int sdx_note_sign(char **out, size_t *out_len, const char *text, size_t len,
			  const sdx_signer *s);

/**
 * Verify a note against the verifiers given.
 *
 * @param out_text_len  length of the signed text (may be NULL)
 * @param out_signer    index in `vs` of the verifier whose signature checked (may be NULL)
 * @return 0 if at least one signature by a known key verifies and no
 *         signature by a known key fails; SDX_EVERIFY if one by a known key
 *         is bad; SDX_EUNTRUSTED if no signature is by a known key;
 *         SDX_EFORMAT if the note is malformed.
 */
SDX_API int sdx_note_verify(size_t *out_text_len, size_t *out_signer, const char *note, size_t len,
			    sdx_verifier *const *vs, size_t nvs);

/** A parsed checkpoint. */
typedef struct sdx_checkpoint {
	char origin[SDX_NAME_MAX + 1];
	uint64_t size;
	unsigned char root[32];
} sdx_checkpoint;

/** Format the checkpoint text (unsigned). *out is malloc'd. */
SDX_API int sdx_checkpoint_format(char **out, size_t *out_len, const char *origin,
				  uint64_t size, const unsigned char root[32]);

/**
 * Parse checkpoint text (or a whole signed note: only the text part is read;
 * verify the signature first with sdx_note_verify).  Extension lines are
 * accepted and ignored.  SDX_EFORMAT names the bad line.
 */
SDX_API int sdx_checkpoint_parse(sdx_checkpoint *out, const char *text, size_t len);

#ifdef __cplusplus
}
#endif
#endif
