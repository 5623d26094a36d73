/*
 * formats/age/stream.c - the age v1 writer and reader (C2SP age.md):
 * X25519 stanzas, the header MAC, and the STREAM payload of 64 KiB
 * ChaCha20-Poly1305-IETF chunks, nonce = 11-byte big-endian counter and a
 * last-chunk flag.  Keys: HKDF-SHA-256 (ledger/hkdf.c); everything else is
 * libsodium.  Secrets (file key, payload key, chunk plaintext) live in
 * sodium_malloc memory and are wiped when freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "formats/age/internal.h"
#include "ledger/hkdf.h"
#include "ledger/internal.h"
#include "sdx/age.h"

#define CHUNK (64 * 1024)
#define TAG crypto_aead_chacha20poly1305_ietf_ABYTES
#define CT_CHUNK (CHUNK + TAG)
#define X25519_INFO "age-encryption.org/v1/X25519"

struct sdx_age_writer {
	sdx_age_write_fn fn;
	void *ctx;
	unsigned char key[32];   /* payload key */
	uint64_t chunk;          /* index of the chunk being filled */
	size_t n;                /* plaintext bytes in buf */
	int state;               /* 0 open, 1 finished, -1 failed */
	unsigned char buf[CHUNK];
	unsigned char ct[CT_CHUNK];
};

struct sdx_age_reader {
	sdx_age_read_fn fn;
	void *ctx;
	char what[256];
	unsigned char key[32];
	uint64_t chunk;          /* index of the next chunk to read */
	int state;               /* 0 reading, 1 final chunk read, -1 failed; after the chunk
				  * in pt: 2 data follows the final, 3 the end comes early */
	unsigned char in[4096];  /* bytes read past the header, not used yet */
	size_t in_pos, in_len;
	size_t pt_pos, pt_len;
	unsigned char pt[CHUNK];
	unsigned char ct[CT_CHUNK + 1];
};

static void chunk_nonce(unsigned char nonce[12], uint64_t i, int last)
{
	memset(nonce, 0, 12);
	for (int k = 0; k < 8; k++)
		nonce[10 - k] = (unsigned char)(i >> (8 * k));
	nonce[11] = last ? 1 : 0;
}

/* --- writer ------------------------------------------------------------ */

static int emit(sdx_age_writer *w, const void *data, size_t len)
{
	int err = w->fn(w->ctx, data, len);

	if (err < 0)
		w->state = -1;
	return err < 0 ? err : 0;
}

/* One "-> X25519 share\nbody\n" stanza wrapping file_key for recipient pk. */
static int stanza(char *out, size_t *len, const unsigned char pk[32], const unsigned char fk[16])
{
	unsigned char *eph = NULL, *shared = NULL, *wrap = NULL, share[32], salt[64], body[32];
	static const unsigned char zero_nonce[12];
	char s64[48], b64[48];
	int err = 0;

	if (!(eph = sodium_malloc(32)) || !(shared = sodium_malloc(32)) ||
	    !(wrap = sodium_malloc(32))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	randombytes_buf(eph, 32);
	/* crypto_scalarmult refuses a low-order recipient (an all-zero shared secret) */
	if (crypto_scalarmult_base(share, eph) != 0 || crypto_scalarmult(shared, eph, pk) != 0) {
		err = sdx_error_set(SDX_EINVAL, "an age recipient that is not a usable X25519 key");
		goto done;
	}
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	if (sdx__hkdf(wrap, 32, salt, sizeof(salt), shared, 32, X25519_INFO) != 0) {
		err = sdx_error_set(SDX_ERROR, "HKDF failed");
		goto done;
	}
	crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, fk, 16, NULL, 0, NULL, zero_nonce,
						  wrap);
	sdx__age_b64_encode(s64, share, 32);
	sdx__age_b64_encode(b64, body, 32);
	*len = (size_t)snprintf(out, 128, "-> X25519 %s\n%s\n", s64, b64);
done:
	if (eph)
		sodium_free(eph);
	if (shared)
		sodium_free(shared);
	if (wrap)
		sodium_free(wrap);
	return err;
}

int sdx_age_writer_new(sdx_age_writer **out, const unsigned char (*recipients)[32], size_t n,
		       sdx_age_write_fn fn, void *ctx)
{
	static const char v1[] = "age-encryption.org/v1\n";
	sdx_age_writer *w = NULL;
	unsigned char *fk = NULL, *hkey = NULL, mac[32], nonce[16];
	char *hdr = NULL, mac64[48];
	size_t len, slen = 0, i;
	int err;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (n < 1 || n > SDX__AGE_STANZAS_MAX)
		return sdx_error_set(SDX_EINVAL, "an age file needs 1 to %d recipients, not %zu",
				     SDX__AGE_STANZAS_MAX, n);
	if (!(w = sodium_malloc(sizeof(*w))) || !(fk = sodium_malloc(16)) ||
	    !(hkey = sodium_malloc(32)) || !(hdr = malloc(sizeof(v1) + n * 128 + 64))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	memset(w, 0, sizeof(*w));
	w->fn = fn;
	w->ctx = ctx;
	randombytes_buf(fk, 16);
	memcpy(hdr, v1, sizeof(v1) - 1);
	len = sizeof(v1) - 1;
	for (i = 0; i < n; i++) {
		if ((err = stanza(hdr + len, &slen, recipients[i], fk)) < 0)
			goto done;
		len += slen;
	}
	/* the MAC covers the header through "---", without the space after it */
	memcpy(hdr + len, "---", 3);
	len += 3;
	if (sdx__hkdf(hkey, 32, NULL, 0, fk, 16, "header") != 0 ||
	    crypto_auth_hmacsha256(mac, (const unsigned char *)hdr, len, hkey) != 0) {
		err = sdx_error_set(SDX_ERROR, "HMAC failed");
		goto done;
	}
	sdx__age_b64_encode(mac64, mac, 32);
	len += (size_t)snprintf(hdr + len, 64, " %s\n", mac64);
	randombytes_buf(nonce, sizeof(nonce));
	if (sdx__hkdf(w->key, 32, nonce, sizeof(nonce), fk, 16, "payload") != 0) {
		err = sdx_error_set(SDX_ERROR, "HKDF failed");
		goto done;
	}
	if ((err = emit(w, hdr, len)) < 0 || (err = emit(w, nonce, sizeof(nonce))) < 0)
		goto done;
	*out = w;
	w = NULL;
done:
	sdx_age_writer_free(w);
	if (fk)
		sodium_free(fk);
	if (hkey)
		sodium_free(hkey);
	free(hdr);
	return err;
}

/* Seal n bytes at src as the next chunk and write it out. */
static int seal_from(sdx_age_writer *w, const unsigned char *src, size_t n, int last)
{
	unsigned char nonce[12];

	chunk_nonce(nonce, w->chunk, last);
	crypto_aead_chacha20poly1305_ietf_encrypt(w->ct, NULL, src, n, NULL, 0, NULL, nonce, w->key);
	w->chunk++;
	return emit(w, w->ct, n + TAG) < 0 ? -1 : 0;
}

static int seal(sdx_age_writer *w, int last)
{
	if (seal_from(w, w->buf, w->n, last) < 0)
		return -1;
	w->n = 0;
	return 0;
}

int sdx_age_writer_write(sdx_age_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t k;

	if (w->state != 0)
		return sdx_error_set(SDX_EINVAL, "age writer already finished or failed");
	while (len > 0) {
		/* a full chunk goes out only once more data follows: the last is flagged */
		if (w->n == CHUNK && seal(w, 0) < 0)
			return SDX_EIO;
		/* whole chunks with more after them go out without a copy */
		if (w->n == 0 && len > CHUNK) {
			if (seal_from(w, p, CHUNK, 0) < 0)
				return SDX_EIO;
			p += CHUNK;
			len -= CHUNK;
			continue;
		}
		k = len < CHUNK - w->n ? len : CHUNK - w->n;
		memcpy(w->buf + w->n, p, k);
		w->n += k;
		p += k;
		len -= k;
	}
	return 0;
}

int sdx_age_writer_finish(sdx_age_writer *w)
{
	if (w->state != 0)
		return sdx_error_set(SDX_EINVAL, "age writer already finished or failed");
	/* empty only when the whole payload is: n == 0 implies chunk 0 */
	if (seal(w, 1) < 0)
		return SDX_EIO;
	w->state = 1;
	return 0;
}

void sdx_age_writer_free(sdx_age_writer *w)
{
	if (w)
		sodium_free(w); /* sodium_free wipes */
}

/* --- reader ------------------------------------------------------------ */

/* Up to cap bytes from the buffer of header read-ahead, then from the source. */
static int src_read(sdx_age_reader *r, unsigned char *buf, size_t cap, size_t *got)
{
	size_t n = 0, k;
	int err;

	while (n < cap) {
		if (r->in_pos < r->in_len) {
			k = r->in_len - r->in_pos < cap - n ? r->in_len - r->in_pos : cap - n;
			memcpy(buf + n, r->in + r->in_pos, k);
			r->in_pos += k;
			n += k;
			continue;
		}
		if ((err = r->fn(r->ctx, buf + n, cap - n, &k)) < 0)
			return err;
		if (k == 0)
			break;
		n += k;
	}
	*got = n;
	return 0;
}

/* The header into *hbuf (malloc'd): lines up to the "---" line, bounded. */
static int read_header(sdx_age_reader *r, unsigned char **hbuf, size_t *hlen)
{
	unsigned char *h;
	size_t len = 0, line_start = 0, k;
	int err;

	if (!(h = malloc(SDX__AGE_HEADER_MAX)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*hbuf = h;
	for (;;) {
		if (r->in_pos == r->in_len) {
			if ((err = r->fn(r->ctx, r->in, sizeof(r->in), &k)) < 0)
				return err;
			r->in_pos = 0;
			r->in_len = k;
			if (k == 0)
				break; /* the parser says what is missing */
		}
		if (len == SDX__AGE_HEADER_MAX)
			break;
		h[len++] = r->in[r->in_pos++];
		if (h[len - 1] != '\n')
			continue;
		/* the first line must already look like age's, before reading on */
		if (line_start == 0 && (len < 20 || memcmp(h, "age-encryption.org/", 19) != 0))
			break;
		if (len - line_start >= 4 && memcmp(h + line_start, "---", 3) == 0)
			break;
		line_start = len;
	}
	*hlen = len;
	return 0;
}

static int unwrap(unsigned char fk[16], const struct sdx__age_stanza *st, const unsigned char *sk,
		  const unsigned char pk[32])
{
	static const unsigned char zero_nonce[12];
	unsigned char *shared = NULL, *wrap = NULL, salt[64];
	int rc = -1;

	if (!(shared = sodium_malloc(32)) || !(wrap = sodium_malloc(32)))
		goto done;
	/* crypto_scalarmult fails on an all-zero shared secret, which age says to refuse */
	if (crypto_scalarmult(shared, sk, st->share) != 0) {
		rc = -2;
		goto done;
	}
	memcpy(salt, st->share, 32);
	memcpy(salt + 32, pk, 32);
	if (sdx__hkdf(wrap, 32, salt, sizeof(salt), shared, 32, X25519_INFO) != 0)
		goto done;
	rc = crypto_aead_chacha20poly1305_ietf_decrypt(fk, NULL, NULL, st->body, 32, NULL, 0,
						       zero_nonce, wrap) == 0 ? 0 : -1;
done:
	if (shared)
		sodium_free(shared);
	if (wrap)
		sodium_free(wrap);
	return rc;
}

int sdx_age_reader_new(sdx_age_reader **out, const unsigned char sk[32], sdx_age_read_fn fn,
		       void *ctx, const char *what)
{
	struct sdx__age_header *h = NULL;
	sdx_age_reader *r = NULL;
	unsigned char *hbuf = NULL, *fk = NULL, *hkey = NULL, pk[32], mac[32], nonce[16];
	size_t hlen = 0, i, got, nx = 0;
	int err, opened = 0;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (!(r = sodium_malloc(sizeof(*r))) || !(h = malloc(sizeof(*h))) ||
	    !(fk = sodium_malloc(16)) || !(hkey = sodium_malloc(32))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	memset(r, 0, sizeof(*r));
	r->fn = fn;
	r->ctx = ctx;
	snprintf(r->what, sizeof(r->what), "%s", what);
	if ((err = sdx_age_public_key(pk, sk)) < 0 || (err = read_header(r, &hbuf, &hlen)) < 0 ||
	    (err = sdx__age_header_parse(h, hbuf, hlen, r->what)) < 0)
		goto done;
	for (i = 0; i < h->n && !opened; i++) {
		if (h->st[i].type != SDX__AGE_X25519)
			continue; /* age: ignore stanzas of other types */
		nx++;
		if ((err = unwrap(fk, &h->st[i], sk, pk)) == -2) {
			err = sdx_error_set(SDX_EFORMAT, "%s: recipient stanza %zu: an X25519 share of "
					    "low order (the shared secret is all zero)", r->what, i + 1);
			goto done;
		}
		opened = err == 0;
	}
	err = 0;
	if (!opened) {
		err = sdx_error_set(SDX_ENOTFOUND, "%s: not encrypted to this key: none of its %zu "
				    "recipient stanza%s (%zu X25519) opens with it", r->what, h->n,
				    h->n == 1 ? "" : "s", nx);
		goto done;
	}
	if (sdx__hkdf(hkey, 32, NULL, 0, fk, 16, "header") != 0 ||
	    crypto_auth_hmacsha256(mac, hbuf, h->mac_covers, hkey) != 0 ||
	    sodium_memcmp(mac, h->mac, 32) != 0) {
		err = sdx_error_set(SDX_EVERIFY, "%s: the age header MAC does not match: the header "
				    "was changed (a recipient stanza added, removed or edited)", r->what);
		goto done;
	}
	/* read_header stops at the LF of the MAC line: the rest is still in r->in */
	if (hlen != h->len) {
		err = sdx_error_set(SDX_EFORMAT, "%s: age header parse out of step", r->what);
		goto done;
	}
	if ((err = src_read(r, nonce, sizeof(nonce), &got)) < 0)
		goto done;
	if (got != sizeof(nonce)) {
		err = sdx_error_set(SDX_EFORMAT, "%s: the age file is truncated: it ends in its "
				    "16-byte payload nonce", r->what);
		goto done;
	}
	if (sdx__hkdf(r->key, 32, nonce, sizeof(nonce), fk, 16, "payload") != 0) {
		err = sdx_error_set(SDX_ERROR, "HKDF failed");
		goto done;
	}
	*out = r;
	r = NULL;
done:
	sdx_age_reader_free(r);
	free(h);
	free(hbuf);
	if (fk)
		sodium_free(fk);
	if (hkey)
		sodium_free(hkey);
	return err;
}

/* The next chunk into r->pt; whether it is the last is known by reading one byte on. */
static int next_chunk(sdx_age_reader *r)
{
	unsigned char nonce[12];
	unsigned long long plen = 0;
	size_t got, more = 0, have = 0;
	int err, last, ok;

	/* a byte read ahead last time starts this chunk */
	if (r->chunk > 0) {
		r->ct[0] = r->ct[CT_CHUNK];
		have = 1;
	}
	if ((err = src_read(r, r->ct + have, CT_CHUNK - have, &got)) < 0)
		return err;
	got += have;
	if (got == CT_CHUNK && (err = src_read(r, r->ct + CT_CHUNK, 1, &more)) < 0)
		return err;
	last = more == 0;
	if (got < TAG)
		return sdx_error_set(SDX_EVERIFY, "%s: the age payload is truncated: %s", r->what,
				     got == 0 ? "it has no chunk" : "its last chunk is shorter than "
				     "its tag");
	chunk_nonce(nonce, r->chunk, last);
	ok = crypto_aead_chacha20poly1305_ietf_decrypt(r->pt, &plen, NULL, r->ct, got, NULL, 0,
						       nonce, r->key) == 0;
	if (!ok && got == CT_CHUNK) {
		/* a full final chunk with bytes after it, or a full chunk that is not
		 * final at the end of the file: authentic, so hand it out, then fail */
		chunk_nonce(nonce, r->chunk, !last);
		if (crypto_aead_chacha20poly1305_ietf_decrypt(r->pt, &plen, NULL, r->ct, got, NULL,
							      0, nonce, r->key) == 0) {
			r->chunk++;
			r->pt_pos = 0;
			r->pt_len = (size_t)plen;
			r->state = last ? 3 : 2;
			return 0;
		}
	}
	if (!ok)
		return sdx_error_set(SDX_EVERIFY, "%s: age payload chunk %llu does not authenticate: "
				     "the file was changed, or truncated%s", r->what,
				     (unsigned long long)r->chunk,
				     last ? " (it ends without its final chunk)" : "");
	if (last && plen == 0 && r->chunk > 0)
		return sdx_error_set(SDX_EVERIFY, "%s: an empty final age chunk after %llu others "
				     "(not allowed)", r->what, (unsigned long long)r->chunk);
	r->chunk++;
	r->pt_pos = 0;
	r->pt_len = (size_t)plen;
	r->state = last;
	return 0;
}

int sdx_age_reader_read(sdx_age_reader *r, void *buf, size_t cap, size_t *got)
{
	size_t k;
	int err;

	*got = 0;
	if (r->state < 0)
		return sdx_error_set(SDX_EINVAL, "%s: age reader failed before", r->what);
	while (r->pt_pos == r->pt_len) {
		if (r->state == 1)
			return 0;
		if (r->state == 2) {
			r->state = -1;
			return sdx_error_set(SDX_EVERIFY, "%s: data after the final age chunk", r->what);
		}
		if (r->state == 3) {
			r->state = -1;
			return sdx_error_set(SDX_EVERIFY, "%s: the age payload is truncated: it ends "
					     "without its final chunk", r->what);
		}
		if ((err = next_chunk(r)) < 0) {
			r->state = -1;
			return err;
		}
	}
	k = r->pt_len - r->pt_pos < cap ? r->pt_len - r->pt_pos : cap;
	memcpy(buf, r->pt + r->pt_pos, k);
	r->pt_pos += k;
	*got = k;
	return 0;
}

void sdx_age_reader_free(sdx_age_reader *r)
{
	if (r)
		sodium_free(r);
}

/* --- descriptors -------------------------------------------------------- */

static int fd_write(void *ctx, const void *data, size_t len)
{
	const unsigned char *p = data;
	int fd = *(int *)ctx;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return sdx_error_set(SDX_EIO, "cannot write: %s", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fd_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	int fd = *(int *)ctx;
	ssize_t n;

	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return sdx_error_set(SDX_EIO, "cannot read: %s", strerror(errno));
	*got = (size_t)n;
	return 0;
}

int sdx_age_encrypt_fd(int in_fd, int out_fd, const unsigned char (*recipients)[32], size_t n)
{
	sdx_age_writer *w = NULL;
	unsigned char *buf = malloc(CHUNK);
	size_t got;
	int err;

	if (!buf)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx_age_writer_new(&w, recipients, n, fd_write, &out_fd)) < 0)
		goto done;
	for (;;) {
		if ((err = fd_read(&in_fd, buf, CHUNK, &got)) < 0)
			goto done;
		if (got == 0)
			break;
		if ((err = sdx_age_writer_write(w, buf, got)) < 0)
			goto done;
	}
	err = sdx_age_writer_finish(w);
done:
	sdx_age_writer_free(w);
	free(buf);
	return err;
}

int sdx_age_decrypt_fd(int in_fd, int out_fd, const unsigned char sk[32], const char *what,
		       unsigned long long *bytes)
{
	sdx_age_reader *r = NULL;
	unsigned long long total = 0;
	unsigned char *buf;
	size_t got;
	int err;

	if ((err = sdx__init()) < 0) /* before sodium_malloc */
		return err;
	if (!(buf = sodium_malloc(CHUNK)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = sdx_age_reader_new(&r, sk, fd_read, &in_fd, what)) < 0)
		goto done;
	for (;;) {
		if ((err = sdx_age_reader_read(r, buf, CHUNK, &got)) < 0)
			goto done;
		if (got == 0)
			break;
		if ((err = fd_write(&out_fd, buf, got)) < 0)
			goto done;
		total += got;
	}
	if (bytes)
		*bytes = total;
done:
	sdx_age_reader_free(r);
	sodium_free(buf);
	return err;
}

int sdx_age_file_is_age(const char *path)
{
	char head[19];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO, "cannot open '%s': %s",
				     path, strerror(errno));
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0)
		return sdx_error_set(SDX_EIO, "cannot read '%s': %s", path, strerror(errno));
	return n == (ssize_t)sizeof(head) && memcmp(head, "age-encryption.org/", 19) == 0;
}
