/*
 * tests/unit/age.c - the age v1 reader and writer (formats/age/): C2SP
 * CCTV's age vectors (tests/data/age/, each expected outcome and payload
 * hash), round trips of every chunk boundary to several recipients, and
 * tampering: every flipped byte, every truncation, a stanza added.
 */
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "harness.h"
#include "formats/age/internal.h"
#include "sdx.h"

static const unsigned char *find(const unsigned char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(p + i, s, n) == 0)
			return p + i;
	return NULL;
}

struct mem {
	unsigned char *p;
	size_t len, cap, pos;
	size_t step; /* reads hand out at most this many bytes (0: all asked) */
};

static int mem_write(void *ctx, const void *data, size_t len)
{
	struct mem *m = ctx;

	if (m->len + len > m->cap) {
		size_t cap = (m->len + len) * 2;
		unsigned char *p = realloc(m->p, cap);

		if (!p)
			return SDX_ENOMEM;
		m->p = p;
		m->cap = cap;
	}
	memcpy(m->p + m->len, data, len);
	m->len += len;
	return 0;
}

static int mem_read(void *ctx, void *buf, size_t cap, size_t *got)
{
	struct mem *m = ctx;
	size_t k = m->len - m->pos < cap ? m->len - m->pos : cap;

	if (m->step && k > m->step)
		k = m->step;
	memcpy(buf, m->p + m->pos, k);
	m->pos += k;
	*got = k;
	return 0;
}

/* Decrypt in[0..len) with sk into *out; returns the stage's error (0 on success). */
static int decrypt(const unsigned char *in, size_t len, const unsigned char sk[32],
		   struct mem *out, int *at_open, size_t step)
{
	struct mem src = { (unsigned char *)in, len, len, 0, step };
	sdx_age_reader *r = NULL;
	unsigned char buf[5000];
	size_t got;
	int err;

	*at_open = 1;
	if ((err = sdx_age_reader_new(&r, sk, mem_read, &src, "'test'")) < 0)
		return err;
	*at_open = 0;
	for (;;) {
		if ((err = sdx_age_reader_read(r, buf, sizeof(buf), &got)) < 0 || got == 0)
			break;
		if ((err = mem_write(out, buf, got)) < 0)
			break;
	}
	sdx_age_reader_free(r);
	return err;
}

/* One CCTV vector: its header lines, a blank line, then the file (maybe zlib). */
static int cctv_one(const char *path, char *why, size_t whylen)
{
	size_t len, hlen, flen;
	char *text = test_read_file(path, &len), *line, *end, expect[32] = "", payload[65] = "";
	unsigned char sk[32], hash[32], *file = NULL;
	int compressed = 0, have_id = 0, at_open, err, rc = -1;
	struct mem out = { 0 };
	char hex[65];

	if (!text) {
		snprintf(why, whylen, "cannot read");
		return -1;
	}
	end = strstr(text, "\n\n");
	if (!end)
		goto done;
	hlen = (size_t)(end - text) + 2;
	for (line = text; line < end; line = strchr(line, '\n') + 1) {
		char *nl = strchr(line, '\n');

		*nl = '\0';
		if (strncmp(line, "expect: ", 8) == 0)
			snprintf(expect, sizeof(expect), "%s", line + 8);
		else if (strncmp(line, "payload: ", 9) == 0)
			snprintf(payload, sizeof(payload), "%s", line + 9);
		else if (strcmp(line, "compressed: zlib") == 0)
			compressed = 1;
		else if (strncmp(line, "identity: ", 10) == 0 && !have_id)
			have_id = sdx_age_identity_parse(sk, line + 10) == 0;
		*nl = '\n';
	}
	if (!have_id) {
		snprintf(why, whylen, "no X25519 identity");
		goto done;
	}
	flen = len - hlen;
	file = (unsigned char *)text + hlen;
	if (compressed) {
		uLongf n = 16 * 1024 * 1024;

		if (!(file = malloc(n)) ||
		    uncompress(file, &n, (unsigned char *)text + hlen, (uLong)(len - hlen)) != Z_OK) {
			snprintf(why, whylen, "zlib");
			goto done;
		}
		flen = n;
	}
	err = decrypt(file, flen, sk, &out, &at_open, 0);
	crypto_hash_sha256(hash, out.p ? out.p : (const unsigned char *)"", out.len);
	test_hex(hex, hash);
	if (strcmp(expect, "success") == 0)
		rc = err == 0 && strcmp(hex, payload) == 0 ? 0 : -1;
	else if (strcmp(expect, "no match") == 0)
		rc = err == SDX_ENOTFOUND && at_open ? 0 : -1;
	else if (strcmp(expect, "HMAC failure") == 0)
		rc = err == SDX_EVERIFY && at_open ? 0 : -1;
	else if (strcmp(expect, "header failure") == 0)
		rc = err == SDX_EFORMAT && at_open ? 0 : -1;
	else if (strcmp(expect, "payload failure") == 0)
		/* what was released before the failure is what the vector says */
		rc = err == SDX_EVERIFY && !at_open && strcmp(hex, payload) == 0 ? 0 : -1;
	if (rc < 0)
		snprintf(why, whylen, "expected %s, got %d%s (%s)", expect, err,
			 at_open ? " at the header" : " in the payload", sdx_error_last());
done:
	if (compressed)
		free(file);
	free(out.p);
	free(text);
	return rc;
}

static void cctv_vectors(void)
{
	DIR *d = opendir(test_data("age"));
	struct dirent *e;
	char path[4400], why[512], dir[4000];
	int n = 0;

	CHECK(d != NULL);
	snprintf(dir, sizeof(dir), "%s", test_data("age"));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "README") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		why[0] = '\0';
		if (cctv_one(path, why, sizeof(why)) != 0) {
			char msg[700];

			snprintf(msg, sizeof(msg), "%s: %s", e->d_name, why);
			closedir(d);
			test_fail(__FILE__, __LINE__, msg);
			return;
		}
		n++;
	}
	closedir(d);
	CHECK(n >= 40);
}

static int encrypt(struct mem *out, const unsigned char (*rcpt)[32], size_t n,
		   const unsigned char *data, size_t len, size_t piece)
{
	sdx_age_writer *w = NULL;
	size_t k;
	int err;

	if ((err = sdx_age_writer_new(&w, rcpt, n, mem_write, out)) < 0)
		return err;
	for (k = 0; k < len && err == 0; k += piece)
		err = sdx_age_writer_write(w, data + k, len - k < piece ? len - k : piece);
	if (err == 0)
		err = sdx_age_writer_finish(w);
	sdx_age_writer_free(w);
	return err;
}

/* every size around the chunk boundaries, three recipients, each can read it */
static void round_trips(void)
{
	static const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072, 200000 };
	unsigned char sk[4][32], pk[4][32], *data = malloc(200000);
	size_t i, j;

	CHECK(data != NULL);
	randombytes_buf(data, 200000);
	for (j = 0; j < 4; j++)
		sdx_age_keygen(sk[j], pk[j]);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct mem f = { 0 };
		int at_open;

		/* in pieces, and in one write (whole chunks sealed without a copy) */
		CHECK_OK(encrypt(&f, (const unsigned char (*)[32])pk, 3, data, sizes[i], i % 2 ? 7000 : 200001));
		/* header, nonce, one tag per chunk (at least one chunk) */
		CHECK(f.len > sizes[i] + 16 + 16);
		for (j = 0; j < 3; j++) {
			struct mem out = { 0 };

			CHECK_OK(decrypt(f.p, f.len, sk[j], &out, &at_open, j == 1 ? 1000 : 0));
			CHECK(out.len == sizes[i] && (sizes[i] == 0 || memcmp(out.p, data, sizes[i]) == 0));
			free(out.p);
		}
		{
			struct mem out = { 0 };

			CHECK(decrypt(f.p, f.len, sk[3], &out, &at_open, 0) == SDX_ENOTFOUND && at_open);
			free(out.p);
		}
		free(f.p);
	}
	free(data);
}

/* every byte flipped, every prefix: an error each time, never a wrong success */
static void tamper_and_truncate(void)
{
	unsigned char sk[32], pk[32], data[300];
	struct mem f = { 0 };
	size_t i;
	int at_open;

	randombytes_buf(data, sizeof(data));
	sdx_age_keygen(sk, pk);
	CHECK_OK(encrypt(&f, (const unsigned char (*)[32])&pk, 1, data, sizeof(data), 300));
	for (i = 0; i < f.len; i++) {
		struct mem out = { 0 };
		int err;

		f.p[i] ^= 0x01;
		err = decrypt(f.p, f.len, sk, &out, &at_open, 0);
		f.p[i] ^= 0x01;
		free(out.p);
		CHECK(err < 0);
	}
	for (i = 0; i < f.len; i++) {
		struct mem out = { 0 };
		int err = decrypt(f.p, i, sk, &out, &at_open, 0);

		free(out.p);
		CHECK(err < 0);
	}
	free(f.p);
}

/* a stanza added to a file's header (for another key) breaks the header MAC */
static void stanza_added(void)
{
	unsigned char sk[32], pk[32], sk2[32], pk2[32];
	struct mem f = { 0 }, g = { 0 }, out = { 0 };
	const unsigned char *dash;
	int at_open;

	sdx_age_keygen(sk, pk);
	sdx_age_keygen(sk2, pk2);
	CHECK_OK(encrypt(&f, (const unsigned char (*)[32])&pk, 1, (const unsigned char *)"hello", 5, 5));
	CHECK_OK(encrypt(&g, (const unsigned char (*)[32])&pk2, 1, (const unsigned char *)"x", 1, 1));
	/* g's stanza (line 2 and 3) spliced in before f's "---" */
	dash = find(f.p, f.len, "\n---");
	CHECK(dash != NULL);
	{
		size_t at = (size_t)(dash - f.p) + 1, slen;
		const unsigned char *s = g.p + 22, *e = find(g.p, g.len, "\n---");
		struct mem h = { 0 };

		CHECK(e != NULL);
		slen = (size_t)(e - s) + 1;
		CHECK_OK(mem_write(&h, f.p, at));
		CHECK_OK(mem_write(&h, s, slen));
		CHECK_OK(mem_write(&h, f.p + at, f.len - at));
		CHECK(decrypt(h.p, h.len, sk, &out, &at_open, 0) == SDX_EVERIFY && at_open);
		CHECK(strstr(sdx_error_last(), "MAC") != NULL);
		free(h.p);
	}
	free(out.p);
	free(f.p);
	free(g.p);
}

static void keys_as_text(void)
{
	unsigned char sk[32], pk[32], back[32];
	char r[SDX_AGE_RECIPIENT_MAX], id[SDX_AGE_IDENTITY_MAX];

	sdx_age_keygen(sk, pk);
	CHECK_OK(sdx_age_recipient_format(r, pk));
	CHECK(strncmp(r, "age1", 4) == 0 && strlen(r) == 62);
	CHECK_OK(sdx_age_recipient_parse(back, r));
	CHECK_MEM(back, pk, 32);
	CHECK_OK(sdx_age_identity_format(id, sk));
	CHECK(strncmp(id, "AGE-SECRET-KEY-1", 16) == 0 && strlen(id) == 74);
	CHECK_OK(sdx_age_identity_parse(back, id));
	CHECK_MEM(back, sk, 32);
	r[10] = r[10] == 'q' ? 'p' : 'q';
	CHECK(sdx_age_recipient_parse(back, r) == SDX_EFORMAT);
	CHECK(sdx_age_recipient_parse(back, id) == SDX_EFORMAT);
	CHECK(sdx_age_identity_parse(back, "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj") == SDX_EFORMAT);
}

/* unpadded base64: canonical only */
static void base64_canonical(void)
{
	unsigned char out[8];
	char s[16];

	CHECK(sdx__age_b64_encode(s, (const unsigned char *)"\xff", 1) == 2);
	CHECK_STR(s, "/w");
	CHECK(sdx__age_b64_decode(out, sizeof(out), "/w", 2) == 1 && out[0] == 0xff);
	CHECK(sdx__age_b64_decode(out, sizeof(out), "/x", 2) == -1);  /* low bits set */
	CHECK(sdx__age_b64_decode(out, sizeof(out), "/w==", 4) == -1); /* padding */
	CHECK(sdx__age_b64_decode(out, sizeof(out), "/", 1) == -1);
	CHECK(sdx__age_b64_decode(out, 1, "AAAA", 4) == -1);           /* too long for out */
	CHECK(sdx__age_b64_decode(out, 3, "AAAA", 4) == 3);
}

/* sdx_bundle_export() to recipients: an age file that decrypts to a bundle that verifies */
static void bundle_export_encrypted(void)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	unsigned char sk[2][32], pk[2][32];
	sdx_ledger *l = NULL;
	sdx_signer *k = NULL;
	sdx_verifier *v = NULL;
	char leaf[65], *text;
	size_t len;
	int in, out, ok;

	ok = test_ledger_declared(&l, &k, "example.com/s", 7, "../../examples/data/pvc-compound-declaration.json",
				  "../../examples/data/reports/cnas-l1234-report-2026-0917.txt", leaf) == 0;
	if (!ok) {
		sdx_ledger_free(l);
		sdx_signer_free(k);
	}
	CHECK(ok);
	CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, l, k));
	sdx_age_keygen(sk[0], pk[0]);
	sdx_age_keygen(sk[1], pk[1]);
	eo.all = 1;
	eo.encrypt_to = (const unsigned char (*)[32])pk;
	eo.n_encrypt_to = 2;
	CHECK_OK(sdx_bundle_export(NULL, l, k, &eo, "b.age"));
	text = test_read_file("b.age", &len);
	CHECK(text && len > 22 && memcmp(text, "age-encryption.org/v1\n", 22) == 0);
	free(text);
	/* either recipient decrypts it to a bundle that verifies */
	CHECK((in = open("b.age", O_RDONLY)) >= 0);
	CHECK((out = open("b.sdxb", O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0);
	CHECK_OK(sdx_age_decrypt_fd(in, out, sk[1], "'b.age'", NULL));
	close(in);
	close(out);
	CHECK_OK(sdx_signer_verifier(&v, k));
	bo.trusted = &v;
	bo.n_trusted = 1;
	CHECK_OK(sdx_bundle_verify(NULL, "b.sdxb", &bo));
	/* a version 1 struct has no recipients: a plain bundle */
	eo.version = 1;
	CHECK_OK(sdx_bundle_export(NULL, l, k, &eo, "plain.sdxb"));
	CHECK_OK(sdx_bundle_verify(NULL, "plain.sdxb", &bo));
	/* a recipient that is no X25519 key: nothing written */
	eo.version = SDX_EXPORT_OPTIONS_VERSION;
	memset(pk[1], 0, 32);
	CHECK_ERR(sdx_bundle_export(NULL, l, k, &eo, "bad.age"), SDX_EINVAL);
	CHECK(access("bad.age", F_OK) != 0);
	sdx_verifier_free(v);
	sdx_signer_free(k);
	sdx_ledger_free(l);
}

static const struct test_case tests[] = {
	{ "sdx_bundle_export to age recipients", bundle_export_encrypted },
	{ "C2SP CCTV age vectors", cctv_vectors },
	{ "round trips across chunk boundaries, three recipients", round_trips },
	{ "every flipped byte and every truncation fails", tamper_and_truncate },
	{ "a stanza added breaks the header MAC", stanza_added },
	{ "keys as text", keys_as_text },
	{ "canonical unpadded base64", base64_canonical },
	{ NULL, NULL }
};

TEST_MAIN(tests)
