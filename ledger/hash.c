/*
 * ledger/hash.c - SHA-256 and base64, the two transforms every entry goes
 * through, on OpenSSL's libcrypto.
 *
 * libsodium's SHA-256 and base64 are portable, constant-time C: for a 6.5 KB
 * entry they cost 15 us and 25 us, more together than the Ed25519 check they
 * surround.  libcrypto's use the CPU's SHA and vector instructions (4 us and
 * 2 us).  Signatures, key derivation and secret-key encryption stay with
 * libsodium.  If libcrypto cannot give a context (out of memory), hashing
 * falls back to libsodium, which computes the same function.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ledger/internal.h"

static EVP_MD *sha256_md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
	/* fetched once: an implicit fetch on every init costs more than
	 * hashing a tree node */
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void sdx__sha256_init(sdx__sha256_ctx *h)
{
	EVP_MD_CTX *c;

	pthread_once(&md_once, md_fetch);
	h->evp = NULL;
	if (sha256_md && (c = EVP_MD_CTX_new())) {
		if (EVP_DigestInit_ex(c, sha256_md, NULL) == 1) {
			h->evp = c;
			return;
		}
		EVP_MD_CTX_free(c);
	}
	crypto_hash_sha256_init(&h->fallback);
}

void sdx__sha256_update(sdx__sha256_ctx *h, const void *data, size_t len)
{
	if (h->evp)
		EVP_DigestUpdate(h->evp, data, len);
	else
		crypto_hash_sha256_update(&h->fallback, data, len);
}

void sdx__sha256_final(sdx__sha256_ctx *h, unsigned char out[32])
{
	if (h->evp) {
		EVP_DigestFinal_ex(h->evp, out, NULL);
		EVP_MD_CTX_free(h->evp);
		h->evp = NULL;
	} else {
		crypto_hash_sha256_final(&h->fallback, out);
	}
}

void sdx__sha256_clear(sdx__sha256_ctx *h)
{
	EVP_MD_CTX_free(h->evp);
	h->evp = NULL;
}

/*
 * One-shot hashes (tree nodes: 65 bytes, 17 per inclusion proof) reuse one
 * context per thread: making and freeing a context costs more than hashing
 * a node.  The thread's pointer is in C11 thread storage; a pthread key only
 * frees it when a thread ends.
 */
static pthread_key_t ctx_key;
static int ctx_key_ok;
static pthread_once_t ctx_once = PTHREAD_ONCE_INIT;
static _Thread_local EVP_MD_CTX *thread_ctx;

static void ctx_end(void *c)
{
	EVP_MD_CTX_free(c);
	thread_ctx = NULL;
}

static void ctx_key_make(void)
{
	ctx_key_ok = pthread_key_create(&ctx_key, ctx_end) == 0;
}

static EVP_MD_CTX *one_shot_ctx(void)
{
	pthread_once(&md_once, md_fetch);
	pthread_once(&ctx_once, ctx_key_make);
	if (thread_ctx || !sha256_md || !ctx_key_ok)
		return thread_ctx;
	if ((thread_ctx = EVP_MD_CTX_new()) && pthread_setspecific(ctx_key, thread_ctx) != 0) {
		EVP_MD_CTX_free(thread_ctx);
		thread_ctx = NULL;
	}
	return thread_ctx;
}

void sdx__sha256_two(unsigned char out[32], const void *a, size_t alen, const void *b, size_t blen)
{
	EVP_MD_CTX *c = one_shot_ctx();
	crypto_hash_sha256_state st;

	if (c && EVP_DigestInit_ex2(c, sha256_md, NULL) == 1 &&
	    EVP_DigestUpdate(c, a, alen) == 1 && EVP_DigestUpdate(c, b, blen) == 1 &&
	    EVP_DigestFinal_ex(c, out, NULL) == 1)
		return;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, a, alen);
	crypto_hash_sha256_update(&st, b, blen);
	crypto_hash_sha256_final(&st, out);
}

void sdx__sha256(unsigned char out[32], const void *data, size_t len)
{
	sdx__sha256_two(out, data, len, "", 0);
}

size_t sdx__b64_encode_to(char *out, const unsigned char *data, size_t len)
{
	size_t n = 0;

	/* EVP_EncodeBlock takes an int; entries are far below that, but not
	 * every caller's data is */
	while (len > 0) {
		size_t chunk = len > 3u * (1u << 28) ? 3u * (1u << 28) : len;
		n += (size_t)EVP_EncodeBlock((unsigned char *)out + n, data, (int)chunk);
		data += chunk;
		len -= chunk;
	}
	out[n] = '\0';
	return n;
}

int sdx__b64_decode_to(unsigned char *out, size_t cap, size_t *out_len, const char *b64,
		       size_t len)
{
	size_t full = len / 4 * 3, pad, n, last;
	char again[5];

	/*
	 * EVP_DecodeBlock alone is lenient: it skips outer whitespace, takes
	 * '=' anywhere and ignores padding bits.  Only the canonical encoding
	 * of each value passes here: every group decodes (no whitespace, since
	 * the length must come out whole), '=' only as padding, and the last
	 * group, re-encoded, gives the input back (padding bits zero).
	 */
	if (len % 4 != 0)
		return sdx_error_set(SDX_EFORMAT, "base64 length is not a multiple of 4");
	if (len > (size_t)1 << 30)
		return sdx_error_set(SDX_ELIMIT, "base64 value too long");
	if (cap < full)
		return sdx_error_set(SDX_ELIMIT, "base64 value too long");
	if (len == 0) {
		*out_len = 0;
		return 0;
	}
	pad = (b64[len - 1] == '=') + (b64[len - 2] == '=');
	if (memchr(b64, '=', len - 2) ||
	    EVP_DecodeBlock(out, (const unsigned char *)b64, (int)len) != (int)full)
		return sdx_error_set(SDX_EFORMAT, "invalid base64");
	n = full - pad;
	last = full - 3;
	if (sdx__b64_encode_to(again, out + last, n - last) != 4 ||
	    memcmp(again, b64 + len - 4, 4) != 0)
		return sdx_error_set(SDX_EFORMAT, "invalid base64");
	*out_len = n;
	return 0;
}

const char *sdx__crypto_version(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
