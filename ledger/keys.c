/*
 * ledger/keys.c - secret key files (formats/keyfile.md).
 *
 * The seed is sealed with XChaCha20-Poly1305 under a key derived from the
 * passphrase by Argon2id; version, name and public key are the associated
 * data, so a file cannot be relabelled.  Secrets only ever live in
 * sodium_malloc memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ledger/internal.h"
#include "sdx/keys.h"

#define KEYFILE_MAX (64 * 1024)
#define CIPHER "xchacha20poly1305-ietf"
#define KDF_ALG "argon2id13"

/*
 * Two kinds of key file: the Ed25519 signing key (no "type" member) and the
 * X25519 age key beside it ("type": "x25519"); the associated data starts
 * with a tag of its kind, so neither can pass for the other.
 */
struct kind {
	const char *type;   /* the "type" member, or NULL */
	const char *tag;    /* associated data: tag name "\n" public key */
	const char *what;   /* for messages */
};
static const struct kind signing_kind = { NULL, "sdx-key-v1\n", "key file" };
static const struct kind age_kind = { "x25519", "sdx-age-key-v1\n", "age key file" };

/* Associated data: tag, name "\n", public key. */
static int make_ad(unsigned char **out, size_t *len, const struct kind *k, const char *name,
		   const unsigned char pk[32])
{
	size_t n = strlen(name), t = strlen(k->tag);

	if (!(*out = malloc(t + n + 1 + 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(*out, k->tag, t);
	memcpy(*out + t, name, n);
	(*out)[t + n] = '\n';
	memcpy(*out + t + n + 1, pk, 32);
	*len = t + n + 1 + 32;
	return 0;
}

static int derive(unsigned char *key, const char *pass, const unsigned char *salt,
		  unsigned long long ops, size_t mem)
{
	if (crypto_pwhash(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, pass, strlen(pass),
			  salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return sdx_error_set(SDX_ENOMEM, "key derivation failed (out of memory?)");
	return 0;
}

/* One base64 for the whole library (ledger/hash.c).  Its table lookups are
 * not constant-time; the only secret a key file can hold in base64 is the
 * seed of a key saved unencrypted, read once per process from a local file,
 * so there is no repeated measurement to learn it from.  Buffers are wiped. */
static int b64(json_t *obj, const char *field, const unsigned char *data, size_t len)
{
	char s[128];

	if (4 * ((len + 2) / 3) + 1 > sizeof(s))
		return sdx_error_set(SDX_ELIMIT, "key file field '%s' too long", field);
	sdx__b64_encode_to(s, data, len);
	json_object_set_new(obj, field, json_string(s));
	sodium_memzero(s, sizeof(s));
	return 0;
}

static int save(const struct kind *k, const char *name, const unsigned char pk[32],
		const unsigned char *secret, const char *path, const char *passphrase,
		sdx_kdf_level level)
{
	unsigned char salt[crypto_pwhash_SALTBYTES], nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ct[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES], *key = NULL, *ad = NULL;
	unsigned long long ops;
	size_t mem, adlen, len = 0;
	char *text = NULL;
	json_t *j = NULL;
	int fd = -1, err = 0;

	if ((err = sdx__init()) < 0)
		return err;
	j = json_object();
	json_object_set_new(j, "version", json_integer(1));
	json_object_set_new(j, "name", json_string(name));
	if (k->type)
		json_object_set_new(j, "type", json_string(k->type));
	if ((err = b64(j, "public_key", pk, 32)) < 0)
		goto done;
	if (!passphrase) {
		json_object_set_new(j, "kdf", json_string("none"));
		if ((err = b64(j, "seed", secret, 32)) < 0)
			goto done;
	} else {
		ops = level == SDX_KDF_MIN ? crypto_pwhash_OPSLIMIT_MIN
		    : level == SDX_KDF_MODERATE ? crypto_pwhash_OPSLIMIT_MODERATE
		    : crypto_pwhash_OPSLIMIT_INTERACTIVE;
		mem = level == SDX_KDF_MIN ? crypto_pwhash_MEMLIMIT_MIN
		    : level == SDX_KDF_MODERATE ? crypto_pwhash_MEMLIMIT_MODERATE
		    : crypto_pwhash_MEMLIMIT_INTERACTIVE;
		randombytes_buf(salt, sizeof(salt));
		randombytes_buf(nonce, sizeof(nonce));
		if (!(key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		if ((err = derive(key, passphrase, salt, ops, mem)) < 0 ||
		    (err = make_ad(&ad, &adlen, k, name, pk)) < 0)
			goto done;
		crypto_aead_xchacha20poly1305_ietf_encrypt(ct, NULL, secret, 32, ad, adlen,
							   NULL, nonce, key);
		json_object_set_new(j, "kdf", json_pack("{s:s, s:I, s:I}", "alg", KDF_ALG,
							"opslimit", (json_int_t)ops,
							"memlimit", (json_int_t)mem));
		if ((err = b64(json_object_get(j, "kdf"), "salt", salt, sizeof(salt))) < 0 ||
		    (err = b64(j, "nonce", nonce, sizeof(nonce))) < 0 ||
		    (err = b64(j, "ciphertext", ct, sizeof(ct))) < 0)
			goto done;
		json_object_set_new(j, "cipher", json_string(CIPHER));
	}
	if ((err = sdx__json_dump(&text, &len, j)) < 0)
		goto done;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		err = sdx_error_set(errno == EEXIST ? SDX_EEXISTS : SDX_EIO,
				    "cannot create %s '%s': %s", k->what, path, strerror(errno));
		goto done;
	}
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) != 0) {
		err = sdx_error_set(SDX_EIO, "cannot write %s '%s': %s", k->what, path,
				    strerror(errno));
		close(fd);
		fd = -1;
		unlink(path);
		goto done;
	}
done:
	if (fd >= 0 && close(fd) != 0 && !err)
		err = sdx_error_set(SDX_EIO, "cannot write key file '%s': %s", path, strerror(errno));
	if (key)
		sodium_free(key);
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
	free(ad);
	json_decref(j);
	return err;
}

int sdx_key_save(const sdx_signer *s, const char *path, const char *passphrase,
		 sdx_kdf_level level)
{
	return save(&signing_kind, sdx_signer_name(s), sdx_signer_public_key(s), sdx_signer_seed(s),
		    path, passphrase, level);
}

int sdx_age_key_save(const unsigned char sk[32], const char *name, const char *path,
		     const char *passphrase, sdx_kdf_level level)
{
	unsigned char pk[32];

	if (crypto_scalarmult_base(pk, sk) != 0)
		return sdx_error_set(SDX_EINVAL, "an X25519 secret without a public key");
	return save(&age_kind, name, pk, sk, path, passphrase, level);
}

static int read_keyfile(json_t **out, const char *path)
{
	char *buf = NULL;
	struct stat sb;
	ssize_t n;
	int fd, err = 0;

	*out = NULL;
	if ((fd = open(path, O_RDONLY)) < 0)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO,
				     "cannot open key file '%s': %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		err = sdx_error_set(SDX_EIO, "'%s': not a regular file", path);
		goto done;
	}
	if (sb.st_mode & 077) {
		err = sdx_error_set(SDX_EIO, "'%s': key file is accessible by others (mode %04o); "
				    "chmod 600 it", path, (unsigned)(sb.st_mode & 07777));
		goto done;
	}
	if (!(buf = sodium_malloc(KEYFILE_MAX + 1))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	n = read(fd, buf, KEYFILE_MAX + 1);
	if (n < 0 || n > KEYFILE_MAX) {
		err = sdx_error_set(n < 0 ? SDX_EIO : SDX_ELIMIT, "'%s': %s", path,
				    n < 0 ? strerror(errno) : "key file too large");
		goto done;
	}
	if ((err = sdx__json_parse(out, buf, (size_t)n, 4, path)) < 0)
		goto done;
	if (!json_is_object(*out) || json_integer_value(json_object_get(*out, "version")) != 1) {
		json_decref(*out);
		*out = NULL;
		err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx key file (version 1)", path);
	}
done:
	if (buf)
		sodium_free(buf);
	close(fd);
	return err;
}

int sdx_key_is_encrypted(const char *path)
{
	json_t *j = NULL;
	int err;

	if ((err = read_keyfile(&j, path)) < 0)
		return err;
	err = !json_is_string(json_object_get(j, "kdf"));
	json_decref(j);
	return err;
}

static int field_b64(unsigned char *out, size_t want, json_t *obj, const char *field,
		     const char *path)
{
	const char *s = json_string_value(json_object_get(obj, field));
	unsigned char buf[96];
	size_t n = 0, len = s ? strlen(s) : 0;
	int ok = s && want <= sizeof(buf) && len <= 4 * ((sizeof(buf) + 2) / 3);

	ok = ok && sdx__b64_decode_to(buf, sizeof(buf), &n, s, len) == 0 && n == want;
	if (ok)
		memcpy(out, buf, want);
	sodium_memzero(buf, sizeof(buf));
	if (!ok)
		return sdx_error_set(SDX_EFORMAT, "key file '%s': field '%s' is missing or not "
				     "base64 of %zu bytes", path, field, want);
	return 0;
}

/* The 32-byte secret of a key file of kind k into seed (32 bytes of sodium_malloc
 * memory), its name (malloc'd) into *name and its public key into pk. */
static int open_secret(unsigned char *seed, char **name_out, unsigned char pk[32],
		       const struct kind *k, const char *path, const char *passphrase)
{
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char ct[32 + crypto_aead_xchacha20poly1305_ietf_ABYTES];
	unsigned char *key = NULL, *ad = NULL;
	const char *name, *type;
	json_t *j = NULL, *kdf;
	size_t adlen;
	int err;

	*name_out = NULL;
	if ((err = sdx__init()) < 0 || (err = read_keyfile(&j, path)) < 0)
		return err;
	name = json_string_value(json_object_get(j, "name"));
	type = json_string_value(json_object_get(j, "type"));
	kdf = json_object_get(j, "kdf");
	if (!name) {
		err = sdx_error_set(SDX_EFORMAT, "key file '%s': field 'name' is missing", path);
		goto done;
	}
	if ((k->type || type) && (!k->type || !type || strcmp(k->type, type) != 0)) {
		err = sdx_error_set(SDX_EFORMAT, "'%s' is not an sdx %s (it holds %s key)", path,
				    k->what, type ? type : "an Ed25519 signing");
		goto done;
	}
	if ((err = field_b64(pk, 32, j, "public_key", path)) < 0)
		goto done;
	if (!(key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if (json_is_string(kdf) && strcmp(json_string_value(kdf), "none") == 0) {
		if ((err = field_b64(seed, 32, j, "seed", path)) < 0)
			goto done;
	} else {
		json_int_t ops = json_integer_value(json_object_get(kdf, "opslimit"));
		json_int_t mem = json_integer_value(json_object_get(kdf, "memlimit"));
		const char *alg = json_string_value(json_object_get(kdf, "alg"));
		const char *cipher = json_string_value(json_object_get(j, "cipher"));

		if (!alg || strcmp(alg, KDF_ALG) != 0 || !cipher || strcmp(cipher, CIPHER) != 0) {
			err = sdx_error_set(SDX_EFORMAT, "key file '%s': unknown kdf or cipher", path);
			goto done;
		}
		/* A hostile file must not make us spend unbounded time or memory. */
		if (ops < (json_int_t)crypto_pwhash_OPSLIMIT_MIN ||
		    ops > (json_int_t)crypto_pwhash_OPSLIMIT_SENSITIVE ||
		    mem < (json_int_t)crypto_pwhash_MEMLIMIT_MIN ||
		    mem > (json_int_t)crypto_pwhash_MEMLIMIT_SENSITIVE) {
			err = sdx_error_set(SDX_EFORMAT, "key file '%s': kdf limits out of range", path);
			goto done;
		}
		if (!passphrase) {
			err = sdx_error_set(SDX_EINVAL, "%s '%s' is encrypted: a passphrase is "
					    "needed", k->what, path);
			goto done;
		}
		if ((err = field_b64(salt, sizeof(salt), kdf, "salt", path)) < 0 ||
		    (err = field_b64(nonce, sizeof(nonce), j, "nonce", path)) < 0 ||
		    (err = field_b64(ct, sizeof(ct), j, "ciphertext", path)) < 0)
			goto done;
		if ((err = derive(key, passphrase, salt, (unsigned long long)ops, (size_t)mem)) < 0 ||
		    (err = make_ad(&ad, &adlen, k, name, pk)) < 0)
			goto done;
		if (crypto_aead_xchacha20poly1305_ietf_decrypt(seed, NULL, NULL, ct, sizeof(ct), ad,
							       adlen, nonce, key) != 0) {
			err = sdx_error_set(SDX_EPASSPHRASE, "%s '%s': wrong passphrase (or a "
					    "damaged file)", k->what, path);
			goto done;
		}
	}
	if (!(*name_out = strdup(name)))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
done:
	if (key)
		sodium_free(key);
	free(ad);
	json_decref(j);
	return err;
}

int sdx_key_load(sdx_signer **out, const char *path, const char *passphrase)
{
	unsigned char pk[32], *seed;
	char *name = NULL;
	int err;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (!(seed = sodium_malloc(32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = open_secret(seed, &name, pk, &signing_kind, path, passphrase)) < 0 ||
	    (err = sdx_signer_from_seed(out, name, seed)) < 0)
		goto done;
	if (memcmp(sdx_signer_public_key(*out), pk, 32) != 0) {
		sdx_signer_free(*out);
		*out = NULL;
		err = sdx_error_set(SDX_EFORMAT, "key file '%s': the secret key does not match its "
				    "public key", path);
	}
done:
	sodium_free(seed);
	free(name);
	return err;
}

int sdx_age_key_load(unsigned char *sk, char **name, const char *path, const char *passphrase)
{
	unsigned char pk[32], again[32];
	char *n = NULL;
	int err;

	if ((err = open_secret(sk, &n, pk, &age_kind, path, passphrase)) < 0)
		goto done;
	if (crypto_scalarmult_base(again, sk) != 0 || sodium_memcmp(again, pk, 32) != 0)
		err = sdx_error_set(SDX_EFORMAT, "age key file '%s': the secret key does not match "
				    "its public key", path);
done:
	if (err < 0) {
		sodium_memzero(sk, 32);
		free(n);
		n = NULL;
	}
	if (name)
		*name = n;
	else
		free(n);
	return err;
}
