#define _GNU_SOURCE
/* Unit tests for signed notes, checkpoints, keys ids, DSSE and key files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sodium.h>

#include "harness.h"
#include "sdx.h"

static const char *const sizes[] = { "1", "7", "256", "257", "1000", "66000", NULL };

static char *fixture(const char *size, const char *file, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "upstream/tlog/size-%s/%s", size, file);
	return test_read_file(test_data(rel), len);
}

static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* The Go fixtures: parse keys, verify each checkpoint, and re-sign it byte for byte. */
static void upstream_checkpoints(void)
{
	for (const char *const *sz = sizes; *sz; sz++) {
		char *vkey_s = fixture(*sz, "vkey", NULL), *skey_s = fixture(*sz, "skey", NULL);
		char *cp = NULL, *text = NULL, *again = NULL, *fmt = NULL;
		sdx_verifier *v = NULL;
		sdx_signer *s = NULL;
		sdx_checkpoint c;
		size_t cp_len = 0, tlen = 0, again_len = 0, idx = 99;
		json_t *proofs;
		unsigned char root[32];
		char path[256];

		CHECK(vkey_s && skey_s);
		chomp(vkey_s);
		chomp(skey_s);
		CHECK_OK(sdx_verifier_parse(&v, vkey_s));
		CHECK_OK(sdx_signer_parse(&s, skey_s));
		CHECK(sdx_signer_keyid(s) == sdx_verifier_keyid(v));
		CHECK_MEM(sdx_signer_public_key(s), sdx_verifier_public_key(v), 32);
		CHECK_OK(sdx_verifier_format(&fmt, v));
		CHECK_STR(fmt, vkey_s);
		cp = fixture(*sz, "checkpoint", &cp_len);
		CHECK(cp);
		CHECK_OK(sdx_note_verify(&tlen, &idx, cp, cp_len, &v, 1));
		CHECK(idx == 0);
		CHECK_OK(sdx_checkpoint_parse(&c, cp, cp_len));
		CHECK_STR(c.origin, "example.com/fixture");
		snprintf(path, sizeof(path), "upstream/tlog/size-%s/proofs.json", *sz);
		proofs = json_load_file(test_data(path), 0, NULL);
		CHECK(proofs);
		CHECK(c.size == (uint64_t)json_integer_value(json_object_get(proofs, "tree_size")));
		{
			const char *r = json_string_value(json_object_get(proofs, "root"));
			size_t n;
			char b64[64];
			CHECK(r);
			sodium_bin2base64(b64, sizeof(b64), c.root, 32, sodium_base64_VARIANT_ORIGINAL);
			CHECK_STR(b64, r);
			(void)n;
		}
		json_decref(proofs);
		memcpy(root, c.root, 32);
		CHECK_OK(sdx_checkpoint_format(&text, &tlen, c.origin, c.size, root));
		CHECK_OK(sdx_note_sign(&again, &again_len, text, tlen, s));
		CHECK(again_len == cp_len);
		CHECK_MEM(again, cp, cp_len);
		free(vkey_s);
		free(skey_s);
		free(cp);
		free(text);
		free(again);
		free(fmt);
		sdx_verifier_free(v);
		sdx_signer_free(s);
	}
}

/* golang.org/x/mod/sumdb/note documentation example key. */
static void peter_neumann_key(void)
{
	sdx_verifier *v = NULL;
	char *back = NULL;

	CHECK_OK(sdx_verifier_parse(&v, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"));
	CHECK_STR(sdx_verifier_name(v), "PeterNeumann");
	CHECK(sdx_verifier_keyid(v) == 0xc74f20a3);
	CHECK_OK(sdx_verifier_format(&back, v));
	CHECK_STR(back, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
	free(back);
	sdx_verifier_free(v);
	/* a wrong key id is refused */
	CHECK_ERR(sdx_verifier_parse(&v, "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"),
		  SDX_EFORMAT);
	CHECK_ERR(sdx_verifier_parse(&v, "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T"),
		  SDX_EFORMAT);
	CHECK_ERR(sdx_verifier_parse(&v, "PeterNeumann+c74f20a3"), SDX_EFORMAT);
}

static void note_tamper_and_untrusted(void)
{
	unsigned char seed[32] = { 3 }, seed2[32] = { 4 };
	sdx_signer *s = NULL, *other = NULL;
	sdx_verifier *v = NULL, *vo = NULL;
	const char *text = "example.com/a\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	char *note = NULL;
	size_t len, i;

	CHECK_OK(sdx_signer_from_seed(&s, "example.com/a", seed));
	CHECK_OK(sdx_signer_from_seed(&other, "example.com/b", seed2));
	CHECK_OK(sdx_signer_verifier(&v, s));
	CHECK_OK(sdx_signer_verifier(&vo, other));
	CHECK_OK(sdx_note_sign(&note, &len, text, strlen(text), s));
	CHECK_OK(sdx_note_verify(NULL, NULL, note, len, &v, 1));
	CHECK_ERR(sdx_note_verify(NULL, NULL, note, len, &vo, 1), SDX_EUNTRUSTED);
	/* every single-byte change is caught */
	for (i = 0; i < len; i++) {
		note[i] ^= 0x01;
		CHECK(sdx_note_verify(NULL, NULL, note, len, &v, 1) < 0);
		note[i] ^= 0x01;
	}
	CHECK_ERR(sdx_note_verify(NULL, NULL, note, len - 1, &v, 1), SDX_EFORMAT);
	CHECK_ERR(sdx_note_verify(NULL, NULL, text, strlen(text), &v, 1), SDX_EFORMAT);
	free(note);
	CHECK_ERR(sdx_note_sign(&note, &len, "no newline", 10, s), SDX_EFORMAT);
	CHECK_ERR(sdx_note_sign(&note, &len, "", 0, s), SDX_EFORMAT);
	CHECK_ERR(sdx_note_sign(&note, &len, "a\x01\n", 3, s), SDX_EFORMAT);
	sdx_signer_free(s);
	sdx_signer_free(other);
	sdx_verifier_free(v);
	sdx_verifier_free(vo);
}

static void note_too_many_signatures(void)
{
	unsigned char seed[32] = { 3 };
	sdx_signer *s = NULL;
	sdx_verifier *v = NULL;
	char *note = NULL, *big;
	size_t len, n = 0, i;

	CHECK_OK(sdx_signer_from_seed(&s, "a", seed));
	CHECK_OK(sdx_signer_verifier(&v, s));
	CHECK_OK(sdx_note_sign(&note, &len, "x\n", 2, s));
	big = malloc(len * 120);
	CHECK(big);
	memcpy(big, note, len);
	n = len;
	for (i = 0; i < 110; i++) { /* repeat the signature line */
		memcpy(big + n, note + 3, len - 3);
		n += len - 3;
	}
	CHECK_ERR(sdx_note_verify(NULL, NULL, big, n, &v, 1), SDX_ELIMIT);
	free(big);
	free(note);
	sdx_signer_free(s);
	sdx_verifier_free(v);
}

static void checkpoint_parse_errors(void)
{
	sdx_checkpoint c;
	const char *root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
	char buf[256];

	snprintf(buf, sizeof(buf), "o\n12\n%s\nextension line\n", root);
	CHECK_OK(sdx_checkpoint_parse(&c, buf, strlen(buf)));
	CHECK(c.size == 12);
	snprintf(buf, sizeof(buf), "o\n012\n%s\n", root);
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
	snprintf(buf, sizeof(buf), "o\n18446744073709551616\n%s\n", root);
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
	snprintf(buf, sizeof(buf), "o\n18446744073709551615\n%s\n", root);
	CHECK_OK(sdx_checkpoint_parse(&c, buf, strlen(buf)));
	snprintf(buf, sizeof(buf), "o\n1\n%s\n", "AAAA");
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
	snprintf(buf, sizeof(buf), "o\n1\n");
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
	snprintf(buf, sizeof(buf), "\n1\n%s\n", root);
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
	snprintf(buf, sizeof(buf), "o\n-1\n%s\n", root);
	CHECK_ERR(sdx_checkpoint_parse(&c, buf, strlen(buf)), SDX_EFORMAT);
}

/*
 * Found by tests/fuzz (note, json): libsodium decodes any byte >= 0x80 as the
 * base64 digit '/', so a key or signature had many spellings.
 */
static void base64_outside_alphabet(void)
{
	const char *vkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	char *cp = NULL, *vkey_s = NULL, *slash, buf[128];
	sdx_verifier *v = NULL;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", vkey);
	*strchr(buf, '/') = (char)0xd4;
	CHECK_ERR(sdx_verifier_parse(&v, buf), SDX_EFORMAT);
	CHECK(v == NULL);
	/* the upstream size-7 checkpoint has a '/' in its signature */
	cp = test_read_file(test_data("upstream/tlog/size-7/checkpoint"), &len);
	vkey_s = test_read_file(test_data("upstream/tlog/size-7/vkey"), NULL);
	CHECK(cp && vkey_s);
	chomp(vkey_s);
	CHECK_OK(sdx_verifier_parse(&v, vkey_s));
	CHECK_OK(sdx_note_verify(NULL, NULL, cp, len, &v, 1));
	slash = strchr(strrchr(cp, ' '), '/'); /* after the key name */
	CHECK(slash);
	*slash = (char)0x80;
	CHECK_ERR(sdx_note_verify(NULL, NULL, cp, len, &v, 1), SDX_EFORMAT);
	*slash = (char)0xff;
	CHECK_ERR(sdx_note_verify(NULL, NULL, cp, len, &v, 1), SDX_EFORMAT);
	sdx_verifier_free(v);
	free(cp);
	free(vkey_s);
}

static void dsse_pae_example(void)
{
	unsigned char *pae = NULL;
	size_t len;
	const char *want = "DSSEv1 29 http://example.com/HelloWorld 11 hello world";

	CHECK_OK(sdx_dsse_pae(&pae, &len, "http://example.com/HelloWorld", "hello world", 11));
	CHECK(len == strlen(want));
	CHECK_MEM(pae, want, len);
	free(pae);
}

static void dsse_round_trip_and_tamper(void)
{
	unsigned char seed[32] = { 9 }, seed2[32] = { 10 };
	sdx_signer *s = NULL, *s2 = NULL;
	sdx_verifier *v = NULL, *v2 = NULL;
	sdx_dsse_envelope *e = NULL;
	char *env = NULL;
	size_t len;

	CHECK_OK(sdx_signer_from_seed(&s, "k", seed));
	CHECK_OK(sdx_signer_from_seed(&s2, "k", seed2));
	CHECK_OK(sdx_signer_verifier(&v, s));
	CHECK_OK(sdx_signer_verifier(&v2, s2));
	CHECK_OK(sdx_dsse_sign(&env, &len, "text/plain", "hello world", 11, "k+1", s));
	{
		static const char head[] = "{\"payload\":\"aGVsbG8gd29ybGQ=\",\"payloadType\":"
			"\"text/plain\",\"signatures\":[{\"keyid\":\"k+1\",\"sig\":\"";
		json_t *j = json_loadb(env, len, 0, NULL);
		char *canon = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		CHECK(strncmp(env, head, sizeof(head) - 1) == 0);
		/* written by hand, but byte-identical to a canonical JSON dump */
		CHECK(canon && strcmp(canon, env) == 0);
		free(canon);
		json_decref(j);
	}
	{
		char *bad = NULL;
		size_t blen;
		CHECK_ERR(sdx_dsse_sign(&bad, &blen, "bad\"type", "x", 1, "k", s), SDX_EINVAL);
	}
	CHECK_OK(sdx_dsse_parse(&e, env, len));
	CHECK(e->payload_len == 11 && memcmp(e->payload, "hello world", 11) == 0);
	CHECK_STR(e->keyid, "k+1");
	CHECK_OK(sdx_dsse_verify(e, v));
	CHECK_ERR(sdx_dsse_verify(e, v2), SDX_EVERIFY);
	e->payload[0] ^= 1;
	CHECK_ERR(sdx_dsse_verify(e, v), SDX_EVERIFY);
	e->payload[0] ^= 1;
	e->payload_type[0] = 'T';
	CHECK_ERR(sdx_dsse_verify(e, v), SDX_EVERIFY);
	e->payload_type[0] = 't';
	e->sig[5] ^= 1;
	CHECK_ERR(sdx_dsse_verify(e, v), SDX_EVERIFY);
	sdx_dsse_envelope_free(e);
	e = NULL;
	free(env);
	sdx_signer_free(s);
	sdx_signer_free(s2);
	sdx_verifier_free(v);
	sdx_verifier_free(v2);
}

static void dsse_malformed(void)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{\"payload\":\"aGk=\",\"payloadType\":\"t\"}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[]}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
		"{\"payload\":\"aGk\",\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
		"{\"payload\":1,\"payloadType\":\"t\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
		"{\"payload\":\"aGk=\",\"payload\":\"aGk=\",\"payloadType\":\"t\",\"signatures\":[]}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"\xff\",\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
		"{\"payload\":\"aGk=\",\"payloadType\":\"t\",\"extra\":1,\"signatures\":[{\"keyid\":\"k\",\"sig\":\"AA==\"}]}",
		NULL
	};
	sdx_dsse_envelope *e = NULL;
	char *huge;
	size_t i;

	for (i = 0; bad[i]; i++)
		CHECK_ERR(sdx_dsse_parse(&e, bad[i], strlen(bad[i])), SDX_EFORMAT);
	huge = calloc(1, SDX_DSSE_MAX_ENVELOPE + 2);
	CHECK(huge);
	memset(huge, ' ', SDX_DSSE_MAX_ENVELOPE + 1);
	CHECK_ERR(sdx_dsse_parse(&e, huge, SDX_DSSE_MAX_ENVELOPE + 1), SDX_ELIMIT);
	free(huge);
}

static void key_files(void)
{
	unsigned char seed[32] = { 42 };
	sdx_signer *s = NULL, *back = NULL;
	struct stat sb;
	char *text, b64[64];
	size_t len;

	CHECK_OK(sdx_signer_from_seed(&s, "example.com/k", seed));
	CHECK_OK(sdx_key_save(s, "enc.key", "pass phrase", SDX_KDF_MIN));
	CHECK(stat("enc.key", &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK(sdx_key_is_encrypted("enc.key") == 1);
	CHECK_ERR(sdx_key_save(s, "enc.key", "pass phrase", SDX_KDF_MIN), SDX_EEXISTS);
	text = test_read_file("enc.key", &len);
	CHECK(text);
	sodium_bin2base64(b64, sizeof(b64), seed, 32, sodium_base64_VARIANT_ORIGINAL);
	CHECK(strstr(text, b64) == NULL);
	CHECK(memmem(text, len, seed, 32) == NULL);
	free(text);
	CHECK_OK(sdx_key_load(&back, "enc.key", "pass phrase"));
	CHECK_MEM(sdx_signer_public_key(back), sdx_signer_public_key(s), 32);
	CHECK_STR(sdx_signer_name(back), "example.com/k");
	sdx_signer_free(back);
	back = NULL;
	CHECK_ERR(sdx_key_load(&back, "enc.key", "wrong"), SDX_EPASSPHRASE);
	CHECK_ERR(sdx_key_load(&back, "enc.key", NULL), SDX_EINVAL);
	CHECK_OK(sdx_key_save(s, "plain.key", NULL, SDX_KDF_MIN));
	CHECK(sdx_key_is_encrypted("plain.key") == 0);
	CHECK_OK(sdx_key_load(&back, "plain.key", NULL));
	sdx_signer_free(back);
	back = NULL;
	chmod("plain.key", 0644);
	CHECK_ERR(sdx_key_load(&back, "plain.key", NULL), SDX_EIO);
	CHECK(strstr(sdx_error_last(), "chmod 600") != NULL);
	CHECK_ERR(sdx_key_load(&back, "missing.key", NULL), SDX_ENOTFOUND);
	sdx_signer_free(s);
}

/* Rewrite a field of a key file, keeping mode 0600. */
static int rewrite(const char *from, const char *to, const char *field, json_t *value)
{
	json_t *j = json_load_file(from, 0, NULL);
	FILE *f;
	int rc;

	if (!j)
		return -1;
	if (strchr(field, '.')) /* kdf.memlimit */
		json_object_set_new(json_object_get(j, "kdf"), strchr(field, '.') + 1, value);
	else
		json_object_set_new(j, field, value);
	f = fopen(to, "w");
	rc = f && json_dumpf(j, f, JSON_COMPACT) == 0 ? 0 : -1;
	if (f)
		fclose(f);
	chmod(to, 0600);
	json_decref(j);
	return rc;
}

static void key_file_tamper(void)
{
	unsigned char seed[32] = { 43 };
	sdx_signer *s = NULL, *back = NULL;
	json_t *j;
	const char *ct;
	char flipped[200];

	CHECK_OK(sdx_signer_from_seed(&s, "example.com/k", seed));
	CHECK_OK(sdx_key_save(s, "k.key", "pw", SDX_KDF_MIN));
	CHECK(rewrite("k.key", "renamed.key", "name", json_string("example.com/evil")) == 0);
	CHECK_ERR(sdx_key_load(&back, "renamed.key", "pw"), SDX_EPASSPHRASE);
	CHECK(rewrite("k.key", "huge.key", "kdf.memlimit", json_integer((json_int_t)1 << 40)) == 0);
	CHECK_ERR(sdx_key_load(&back, "huge.key", "pw"), SDX_EFORMAT);
	j = json_load_file("k.key", 0, NULL);
	CHECK(j);
	ct = json_string_value(json_object_get(j, "ciphertext"));
	CHECK(ct && strlen(ct) < sizeof(flipped));
	snprintf(flipped, sizeof(flipped), "%s", ct);
	flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
	json_decref(j);
	CHECK(rewrite("k.key", "flip.key", "ciphertext", json_string(flipped)) == 0);
	CHECK_ERR(sdx_key_load(&back, "flip.key", "pw"), SDX_EPASSPHRASE);
	sdx_signer_free(s);
}

static void fingerprint_and_names(void)
{
	unsigned char pk[32] = { 0 };
	sdx_signer *s = NULL;
	char fp[80];

	CHECK_OK(sdx_key_fingerprint(fp, sizeof(fp), pk));
	CHECK(strlen(fp) == 79 && fp[4] == ' ');
	CHECK_ERR(sdx_signer_from_seed(&s, "has space", pk), SDX_EINVAL);
	CHECK_ERR(sdx_signer_from_seed(&s, "has+plus", pk), SDX_EINVAL);
	CHECK_ERR(sdx_signer_from_seed(&s, "", pk), SDX_EINVAL);
	CHECK_ERR(sdx_signer_from_seed(&s, "bad\xc3", pk), SDX_EINVAL);
	CHECK_OK(sdx_signer_from_seed(&s, "ünïcode.example", pk));
	sdx_signer_free(s);
}

static const struct test_case tests[] = {
	{ "upstream checkpoints verify and re-sign byte for byte", upstream_checkpoints },
	{ "sumdb/note example verifier key", peter_neumann_key },
	{ "note tampering and unknown keys", note_tamper_and_untrusted },
	{ "note with too many signatures", note_too_many_signatures },
	{ "checkpoint parse errors", checkpoint_parse_errors },
	{ "base64 outside its alphabet is refused (fuzz)", base64_outside_alphabet },
	{ "DSSE PAE example", dsse_pae_example },
	{ "DSSE round trip and tampering", dsse_round_trip_and_tamper },
	{ "DSSE malformed envelopes", dsse_malformed },
	{ "key files: save, load, modes, passphrases", key_files },
	{ "key files: relabel, hostile kdf, flipped ciphertext", key_file_tamper },
	{ "fingerprints and key names", fingerprint_and_names },
	{ NULL, NULL }
};

TEST_MAIN(tests)
