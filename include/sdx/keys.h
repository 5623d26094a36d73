/*
 * sdx/keys.h - secret key files.
 *
 * A key file holds one Ed25519 signer (name + seed), encrypted with a key
 * derived from a passphrase by Argon2id (crypto_pwhash) and sealed with
 * XChaCha20-Poly1305; the name and public key are bound as associated data so
 * a file cannot be relabelled.  Unencrypted files exist only when asked for
 * (passphrase NULL).  Files are written with mode 0600 and loading refuses a
 * file readable by group or others, as ssh does.  The format is in
 * formats/keyfile.md.
 *
 * Order of calls: sdx_signer_generate() (note.h), sdx_key_save(); later
 * sdx_key_load(), use the signer, sdx_signer_free() (which wipes it).
 */
#ifndef SDX_KEYS_H
#define SDX_KEYS_H

#include "sdx/api.h"

#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Work factors for new key files. */
typedef enum {
	SDX_KDF_INTERACTIVE = 0, /* crypto_pwhash *_INTERACTIVE (default) */
	SDX_KDF_MODERATE = 1,
	SDX_KDF_MIN = 2          /* test suites only */
} sdx_kdf_level;

/**
 * Write `s` to a new file at `path` (fails with SDX_EEXISTS if it exists).
 * passphrase NULL writes the seed unencrypted.
 */
SDX_API int sdx_key_save(const sdx_signer *s, const char *path, const char *passphrase,
			 sdx_kdf_level level);

/**
 * Read a key file.  Returns SDX_EPASSPHRASE for a wrong passphrase,
 * SDX_EINVAL if the file is encrypted and passphrase is NULL, SDX_EFORMAT for a
 * damaged file, SDX_EIO if it is readable by group/other.
 */
SDX_API int sdx_key_load(sdx_signer **out, const char *path, const char *passphrase);

/**
 * The ledger's age key (an X25519 secret, formats/age.md): a key file of
 * the same format with "type": "x25519", its public key the X25519 one,
 * sealed the same way under associated data "sdx-age-key-v1\n" name "\n"
 * public key.  `name` is the ledger's origin.  Errors as sdx_key_save().
 */
SDX_API int sdx_age_key_save(const unsigned char sk[32], const char *name, const char *path,
			     const char *passphrase, sdx_kdf_level level);
/**
 * Read an age key file into sk (32 bytes; sodium_malloc memory advised) and,
 * if name is not NULL, its name (malloc'd) into *name.  Errors as
 * sdx_key_load(); SDX_EFORMAT for a signing key file given instead.
 */
SDX_API int sdx_age_key_load(unsigned char *sk, char **name, const char *path,
			     const char *passphrase);

/** 1 if the key file at path is encrypted, 0 if not, negative on error. */
SDX_API int sdx_key_is_encrypted(const char *path);

#ifdef __cplusplus
}
#endif
#endif
