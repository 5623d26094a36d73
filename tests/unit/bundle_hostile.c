/*
 * Hostile bundle content: bundles that are well-formed archives, often with a
 * validly re-signed manifest, but whose content lies.  Each must be refused
 * with the right code and a message naming what is wrong.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "harness.h"
#include "formats/bundle/archive.h"
#include "ledger/internal.h"
#include "sdx.h"

#define MAX_MEMBERS 16

struct unpacked {
	char *name[MAX_MEMBERS];
	unsigned char *data[MAX_MEMBERS];
	size_t len[MAX_MEMBERS];
	size_t n;
};

static void unpacked_free(struct unpacked *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->name[i]);
		free(u->data[i]);
	}
	u->n = 0;
}

static int grab(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	struct unpacked *u = ctx;
	size_t got, total = 0;
	int err;

	if (u->n == MAX_MEMBERS)
		return -1;
	u->name[u->n] = strdup(name);
	u->data[u->n] = malloc((size_t)size + 1);
	while (total < size) {
		if ((err = sdx__tar_member_read(r, u->data[u->n] + total, (size_t)size - total,
						&got)) < 0)
			return err;
		if (got == 0)
			break;
		total += got;
	}
	u->len[u->n++] = total;
	return 0;
}

static int find(const struct unpacked *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->name[i], name) == 0)
			return (int)i;
	return -1;
}

static void replace(struct unpacked *u, const char *name, const void *data, size_t len)
{
	int i = find(u, name);

	if (i < 0)
		return;
	free(u->data[i]);
	u->data[i] = malloc(len ? len : 1);
	memcpy(u->data[i], data, len);
	u->len[i] = len;
}

/* The manifest payload as JSON (borrowed from the unpacked envelope). */
static json_t *manifest_json(const struct unpacked *u)
{
	sdx_dsse_envelope *e = NULL;
	json_t *j = NULL;
	int i = find(u, "MANIFEST.dsse");

	if (i >= 0 && sdx_dsse_parse_max(&e, u->data[i], u->len[i], 1 << 24) == 0)
		j = json_loadb((const char *)e->payload, e->payload_len, 0, NULL);
	sdx_dsse_envelope_free(e);
	return j;
}

/* Recompute every member's hash and size in `m`, sign it with `key`, write `path`. */
static int repack(struct unpacked *u, json_t *m, const sdx_signer *key, const char *payload_text,
		  const char *path)
{
	struct sdx_tar_writer *w = NULL;
	json_t *members = json_array();
	char *text = NULL, *env = NULL, keyid[300], hex[65];
	unsigned char h[32];
	size_t tlen, elen, i;
	int err;

	for (i = 0; i < u->n; i++) {
		/* attachments are not listed: named by their hash, cited by entries */
		if (strcmp(u->name[i], "MANIFEST.dsse") == 0 ||
		    strncmp(u->name[i], "attachments/", 12) == 0)
			continue;
		crypto_hash_sha256(h, u->data[i], u->len[i]);
		sdx__hex(hex, h, 32);
		json_array_append_new(members, json_pack("{s:s, s:s, s:I}", "name", u->name[i],
							 "sha256", hex, "size", (json_int_t)u->len[i]));
	}
	json_object_set_new(m, "members", members);
	if (payload_text) {
		text = strdup(payload_text);
		tlen = strlen(text);
	} else if ((err = sdx__json_dump(&text, &tlen, m)) < 0) {
		return err;
	}
	snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, sdx_signer_name(key), sdx_signer_keyid(key));
	if ((err = sdx_dsse_sign(&env, &elen, SDX_BUNDLE_PAYLOAD_TYPE, text, tlen, keyid, key)) < 0)
		goto done;
	replace(u, "MANIFEST.dsse", env, elen);
	if ((err = sdx__tar_create(&w, path)) < 0)
		goto done;
	for (i = 0; i < u->n; i++)
		if ((err = sdx__tar_add(w, u->name[i], u->data[i], u->len[i])) < 0)
			goto done;
	err = sdx__tar_close(w);
	w = NULL;
done:
	sdx__tar_abort(w);
	free(text);
	free(env);
	return err;
}

static sdx_signer *key_of(unsigned char seed_byte, const char *name)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, seed_byte, sizeof(seed));
	return sdx_signer_from_seed(&s, name, seed) < 0 ? NULL : s;
}

/* A ledger with two declarations, exported to b.sdxb and unpacked into u. */
static int setup(sdx_signer *k, const char *db, struct unpacked *u)
{
	static const char *const files[] = { "pvc-compound-declaration.json",
					     "pigment-declaration.json" };
	static const char *const reports[] = { "cnas-l1234-report-2026-0917.txt",
					       "cnas-l5678-report-2026-0821.txt" };
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
	sdx_ledger *l = NULL;
	char rel[200], *text;
	size_t len, i;
	int err;

	if ((err = sdx_ledger_create(&l, db, k)) < 0 || (err = sdx_ledger_begin(l)) < 0)
		goto done;
	for (i = 0; i < 2; i++) {
		snprintf(rel, sizeof(rel), "../../examples/data/reports/%s", reports[i]);
		if ((err = sdx_ledger_attach_file(NULL, NULL, l, test_data(rel))) < 0)
			goto done;
		snprintf(rel, sizeof(rel), "../../examples/data/%s", files[i]);
		text = test_read_file(test_data(rel), &len);
		err = text ? sdx_record_append(NULL, l, k, "declaration", text, len, files[i]) : -1;
		free(text);
		if (err < 0)
			goto done;
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, k)) < 0 || (err = sdx_ledger_commit(l)) < 0)
		goto done;
	eo.all = 1;
	if ((err = sdx_bundle_export(NULL, l, k, &eo, "b.sdxb")) < 0)
		goto done;
	if (u)
		err = sdx__tar_read("b.sdxb", &lim, grab, u);
done:
	sdx_ledger_free(l);
	return err;
}

static int verify(const char *path, const sdx_signer *trusted)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_verifier *v = NULL;
	int err;

	if (sdx_signer_verifier(&v, trusted) < 0)
		return -100;
	o.trusted = &v;
	o.n_trusted = 1;
	err = sdx_bundle_verify(NULL, path, &o);
	sdx_verifier_free(v);
	return err;
}

#define EXPECT(path, code, text) do { \
	int rc_ = verify((path), k); \
	if (rc_ != (code) || !strstr(sdx_error_last(), (text))) { \
		printf("# got %d: %s\n", rc_, sdx_error_last()); \
		test_fail(__FILE__, __LINE__, text); \
	} \
} while (0)

static void repacked_unchanged_verifies(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	CHECK_OK(verify("b.sdxb", k));
	m = manifest_json(&u);
	CHECK(m);
	CHECK_OK(repack(&u, m, k, NULL, "same.sdxb"));
	CHECK_OK(verify("same.sdxb", k));
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void unknown_major_version(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	m = manifest_json(&u);
	json_object_set_new(m, "format", json_string("sdx-bundle/3"));
	CHECK_OK(repack(&u, m, k, NULL, "v3.sdxb"));
	EXPECT("v3.sdxb", SDX_EFORMAT, "'sdx-bundle/3' is not supported");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void manifest_signed_by_another_key(void)
{
	sdx_signer *k = key_of(1, "example.com/acme"), *evil = key_of(2, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m;

	CHECK(k && evil);
	CHECK_OK(setup(k, "t.db", &u));
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, evil, NULL, "evil.sdxb"));
	EXPECT("evil.sdxb", SDX_EVERIFY, "the producer's signature does not verify");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(evil);
	sdx_signer_free(k);
}

static void checkpoint_from_another_origin(void)
{
	sdx_signer *k = key_of(1, "example.com/acme"), *other = key_of(3, "example.com/other");
	struct unpacked u = { 0 }, v = { 0 };
	json_t *m;
	int i;

	CHECK(k && other);
	CHECK_OK(setup(other, "o.db", NULL));
	CHECK(rename("b.sdxb", "o.sdxb") == 0);
	CHECK_OK(setup(k, "t.db", &u));
	{
		struct sdx_tar_limits lim = SDX_TAR_LIMITS_INIT;
		CHECK_OK(sdx__tar_read("o.sdxb", &lim, grab, &v));
	}
	i = find(&v, "ledgers/0/checkpoint");
	CHECK(i >= 0);
	replace(&u, "ledgers/0/checkpoint", v.data[i], v.len[i]);
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, k, NULL, "cp.sdxb"));
	EXPECT("cp.sdxb", SDX_EVERIFY, "ledgers/0/checkpoint: not signed by the ledger's key");
	json_decref(m);
	unpacked_free(&u);
	unpacked_free(&v);
	sdx_signer_free(other);
	sdx_signer_free(k);
}

/* Records: u64 index, u16 len, entry, u8 n, n hashes.  Swap two proofs. */
static void inclusion_proof_for_another_entry(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	unsigned char *d, *p1, *p2, tmp[32];
	size_t off = 0, len, r;
	json_t *m;
	int i;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	i = find(&u, "ledgers/0/entries");
	CHECK(i >= 0);
	d = u.data[i];
	/* records 0 and 1: genesis and the first declaration; first proof hash of each */
	len = (size_t)d[8] << 8 | d[9];
	p1 = d + 10 + len + 1;
	r = 10 + len + 1 + 32 * (size_t)d[10 + len];
	off = r;
	len = (size_t)d[off + 8] << 8 | d[off + 9];
	p2 = d + off + 10 + len + 1;
	CHECK(d[10 + ((size_t)d[8] << 8 | d[9])] > 0 && d[off + 10 + len] > 0);
	memcpy(tmp, p1, 32);
	memcpy(p1, p2, 32);
	memcpy(p2, tmp, 32);
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, k, NULL, "proof.sdxb"));
	EXPECT("proof.sdxb", SDX_EVERIFY, "inclusion proof does not lead to the checkpoint");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

/* A validly signed entry the ledger never held: its proof cannot fit. */
static void entry_signed_outside_the_ledger(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	unsigned char *d, *rec;
	char *env = NULL, keyid[300];
	size_t elen, old, rest, nlen;
	json_t *m;
	int i;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, sdx_signer_name(k), sdx_signer_keyid(k));
	CHECK_OK(sdx_dsse_sign(&env, &elen, "text/plain", "hello", 5, keyid, k));
	i = find(&u, "ledgers/0/entries");
	d = u.data[i];
	old = (size_t)d[8] << 8 | d[9];
	rest = u.len[i] - 10 - old;
	nlen = 10 + elen + rest;
	rec = malloc(nlen);
	memcpy(rec, d, 8);
	rec[8] = (unsigned char)(elen >> 8);
	rec[9] = (unsigned char)elen;
	memcpy(rec + 10, env, elen);
	memcpy(rec + 10 + elen, d + 10 + old, rest);
	replace(&u, "ledgers/0/entries", rec, nlen);
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, k, NULL, "ptype.sdxb"));
	EXPECT("ptype.sdxb", SDX_EVERIFY, "wrong payloadType 'text/plain'");
	json_decref(m);
	free(rec);
	free(env);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void entry_count_differs(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m, *led;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	m = manifest_json(&u);
	led = json_array_get(json_object_get(m, "ledgers"), 0);
	json_object_set_new(led, "entries", json_integer(2));
	CHECK_OK(repack(&u, m, k, NULL, "count.sdxb"));
	EXPECT("count.sdxb", SDX_EVERIFY, "entry count differs from the manifest");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void truncated_entry_record(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m;
	int i;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	i = find(&u, "ledgers/0/entries");
	u.len[i] -= 7;
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, k, NULL, "trunc.sdxb"));
	EXPECT("trunc.sdxb", SDX_EFORMAT, "truncated entry record");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void add(struct unpacked *u, const char *name, const void *data, size_t len)
{
	u->name[u->n] = strdup(name);
	u->data[u->n] = malloc(len ? len : 1);
	memcpy(u->data[u->n], data, len);
	u->len[u->n++] = len;
}

/*
 * Found while writing the bundle fuzz targets: the ledger number was read
 * with strtoul(), which also takes "+0", "-0" and " 0", so a producer could
 * send one ledger's checkpoint and entries again under other names, and
 * have them counted and handed to the importer twice.
 */
static void ledger_number_spelled_otherwise(void)
{
	static const char *const aliases[] = { "ledgers/+0", "ledgers/ 0", "ledgers/-0", NULL };
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	char name[64], path[32];
	json_t *m;
	size_t i, a;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	for (a = 0; aliases[a]; a++) {
		struct unpacked v = { 0 };
		/* names in byte order: the aliases sort before "ledgers/0/" */
		for (i = 0; i < u.n; i++) {
			if (strcmp(u.name[i], "ledgers/0/checkpoint") == 0) {
				snprintf(name, sizeof(name), "%s/checkpoint", aliases[a]);
				add(&v, name, u.data[i], u.len[i]);
				snprintf(name, sizeof(name), "%s/entries", aliases[a]);
				add(&v, name, u.data[find(&u, "ledgers/0/entries")],
				    u.len[find(&u, "ledgers/0/entries")]);
			}
			add(&v, u.name[i], u.data[i], u.len[i]);
		}
		m = manifest_json(&v);
		snprintf(path, sizeof(path), "alias%zu.sdxb", a);
		CHECK_OK(repack(&v, m, k, NULL, path));
		EXPECT(path, SDX_EFORMAT, "unknown kind of member");
		json_decref(m);
		unpacked_free(&v);
	}
	unpacked_free(&u);
	sdx_signer_free(k);
}

static void hostile_manifest_json(void)
{
	static const char *const texts[] = {
		"{\"format\":\"sdx-bundle/1\",\"format\":\"sdx-bundle/1\"}",
		"{\"format\":\"sdx-bundle/1\",\"producer\":\"\xff\xfe\"}",
		"{\"members\":[{\"name\":\"x\",\"sha256\":\"00\",\"size\":99999999999999999999999}]}",
		"{\"members\":[{\"name\":\"x\",\"size\":1e400}]}",
		NULL
	};
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	char *deep;
	json_t *m;
	size_t i;
	int rc;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	m = manifest_json(&u);
	for (i = 0; texts[i]; i++) {
		char path[32];
		snprintf(path, sizeof(path), "h%zu.sdxb", i);
		CHECK_OK(repack(&u, m, k, texts[i], path));
		rc = verify(path, k);
		CHECK(rc == SDX_EVERIFY || rc == SDX_EFORMAT);
	}
	deep = malloc(20002);
	memset(deep, '[', 10000);
	memset(deep + 10000, ']', 10000);
	deep[20000] = '\0';
	CHECK_OK(repack(&u, m, k, deep, "deep.sdxb"));
	rc = verify("deep.sdxb", k);
	CHECK(rc == SDX_EVERIFY || rc == SDX_EFORMAT);
	free(deep);
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

/*
 * A forwarder lists a trusted supplier's key beside a key of its own that
 * carries the supplier's name, and signs the supplier's ledger with its own:
 * the trusted key lends no trust to what it did not sign.
 */
static void trusted_key_listed_beside_a_forged_one(void)
{
	sdx_signer *acme = key_of(1, "example.com/acme"), *evil = key_of(2, "example.com/acme");
	sdx_signer *works = key_of(4, "example.com/works");
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_verifier *tv[2] = { NULL, NULL }, *ev = NULL;
	struct unpacked u = { 0 };
	char *vk = NULL;
	json_t *m, *keys;
	int rc;

	CHECK(acme && evil && works);
	CHECK_OK(setup(evil, "e.db", &u));   /* a ledger "example.com/acme" signed by evil */
	m = manifest_json(&u);
	CHECK(m);
	CHECK_OK(sdx_signer_verifier(&tv[0], acme));
	CHECK_OK(sdx_signer_verifier(&tv[1], works));
	CHECK_OK(sdx_verifier_format(&vk, tv[0]));
	keys = json_object_get(json_array_get(json_object_get(m, "ledgers"), 0), "keys");
	json_array_append_new(keys, json_string(vk));
	free(vk);
	CHECK_OK(sdx_verifier_format(&vk, tv[1]));
	json_object_set_new(m, "producer_key", json_string(vk));
	free(vk);
	CHECK_OK(repack(&u, m, works, NULL, "fwd.sdxb"));
	o.trusted = tv;
	o.n_trusted = 2;
	rc = sdx_bundle_verify(NULL, "fwd.sdxb", &o);
	CHECK(rc == SDX_EUNTRUSTED);
	CHECK(strstr(sdx_error_last(), "not trust: example.com/acme") != NULL);
	/* and trusting the forged key too makes it valid: nothing else was wrong */
	CHECK_OK(sdx_signer_verifier(&ev, evil));
	{
		sdx_verifier *three[3] = { tv[0], tv[1], ev };
		o.trusted = three;
		o.n_trusted = 3;
		CHECK_OK(sdx_bundle_verify(NULL, "fwd.sdxb", &o));
	}
	sdx_verifier_free(ev);
	sdx_verifier_free(tv[0]);
	sdx_verifier_free(tv[1]);
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(acme);
	sdx_signer_free(evil);
	sdx_signer_free(works);
}

/* Attachments are not listed in the manifest: each must be cited, and their number is signed. */
static void attachments_cited_and_counted(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	unsigned char h[32];
	char name[100], hex[65];
	json_int_t n;
	json_t *m;
	int i;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	m = manifest_json(&u);
	CHECK(m);
	n = json_integer_value(json_object_get(m, "attachments"));
	CHECK(n == 2);
	/* an extra, uncited attachment (correctly named), counted */
	crypto_hash_sha256(h, (const unsigned char *)"smuggled", 8);
	sdx__hex(hex, h, 32);
	snprintf(name, sizeof(name), "attachments/%s", hex);
	CHECK(u.n < MAX_MEMBERS);
	/* keep names sorted: attachments sort before ledgers/ */
	for (i = (int)u.n; i > 0 && strcmp(u.name[i - 1], name) > 0; i--) {
		u.name[i] = u.name[i - 1];
		u.data[i] = u.data[i - 1];
		u.len[i] = u.len[i - 1];
	}
	u.name[i] = strdup(name);
	u.data[i] = (unsigned char *)strdup("smuggled");
	u.len[i] = 8;
	u.n++;
	json_object_set_new(m, "attachments", json_integer(n + 1));
	CHECK_OK(repack(&u, m, k, NULL, "extra.sdxb"));
	EXPECT("extra.sdxb", SDX_EVERIFY, "is cited by no entry of the bundle");
	/* the same, but the count left as it was */
	json_object_set_new(m, "attachments", json_integer(n));
	CHECK_OK(repack(&u, m, k, NULL, "count.sdxb"));
	EXPECT("count.sdxb", SDX_EVERIFY, "more attachments than the signed manifest counts");
	/* an attachment removed (and the smuggled one with it), the count lowered */
	for (i = 0; i < (int)u.n && strncmp(u.name[i], "attachments/", 12) != 0; i++)
		;
	free(u.name[i]);
	free(u.data[i]);
	for (; i + 1 < (int)u.n; i++) {
		u.name[i] = u.name[i + 1];
		u.data[i] = u.data[i + 1];
		u.len[i] = u.len[i + 1];
	}
	u.n--;
	json_object_set_new(m, "attachments", json_integer(n));
	CHECK_OK(repack(&u, m, k, NULL, "gone.sdxb"));
	EXPECT("gone.sdxb", SDX_EVERIFY, "which the bundle lacks");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

/* bundle.md allows 1,024 consistency proofs; each would cost a signature check. */
static void too_many_consistency_proofs(void)
{
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	json_t *m, *list = json_array();
	char *text;
	int i;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	for (i = 0; i < 1025; i++)
		json_array_append_new(list, json_pack("{s:s}", "checkpoint", "x"));
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	CHECK(text != NULL);
	replace(&u, "ledgers/0/consistency.json", text, strlen(text));
	free(text);
	m = manifest_json(&u);
	CHECK_OK(repack(&u, m, k, NULL, "many.sdxb"));
	EXPECT("many.sdxb", SDX_ELIMIT, "more than 1,024 consistency proofs");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

/*
 * A version 2 entry's header lists the attachments its body cites; sdx
 * writes both from one record, but a signer could make them disagree.
 * Default verify reads the header (the evidence it lists must travel);
 * SDX_BUNDLE_VERIFY_BODIES finds the disagreement and names the hash.
 */
static int header_body_bundle(const sdx_signer *k, const char *db, int listed_not_cited,
			      const char *out, char hex[65])
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	unsigned char h[1][32];
	sdx_ledger *l = NULL;
	char *text = NULL, *canon = NULL;
	size_t len, clen;
	int err;

	if ((err = sdx_ledger_create(&l, db, k)) < 0 || (err = sdx_ledger_begin(l)) < 0)
		goto done;
	if (listed_not_cited) {
		err = sdx_ledger_attach_file(h[0], NULL, l,
					     test_data("../../examples/data/reports/" "cnas-l1234-report-2026-0917.txt"));
		if (err < 0 || (err = sdx_ledger_append_cited(NULL, l, k, "note", "{\"n\":1}", 7,
							      (const unsigned char (*)[32])h,
							      1)) < 0)
			goto done;
	} else {
		/* the declaration cites its report; the generic append lists nothing */
		text = test_read_file(test_data("../../examples/data/pigment-declaration.json"), &len);
		err = text ? sdx_record_normalize(&canon, &clen, "declaration", text, len) : -1;
		if (err < 0 || (err = sdx_ledger_append(NULL, l, k, "declaration", canon,
							clen)) < 0)
			goto done;
		memcpy(hex, "c26d576e33ea821919461a3d9f93ae69982867df1038e3628044a13cf3a7fc42", 65);
	}
	if (listed_not_cited)
		sdx__hex(hex, h[0], 32);
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, k)) < 0 || (err = sdx_ledger_commit(l)) < 0)
		goto done;
	eo.all = 1;
	err = sdx_bundle_export(NULL, l, k, &eo, out);
done:
	free(text);
	free(canon);
	sdx_ledger_free(l);
	return err;
}

static void header_and_body_disagree(void)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_signer *k = key_of(1, "example.com/acme");
	sdx_verifier *v = NULL;
	char hex[65], want[200];
	int pass;

	CHECK(k);
	CHECK_OK(sdx_signer_verifier(&v, k));
	o.trusted = &v;
	o.n_trusted = 1;
	for (pass = 0; pass < 2; pass++) {
		const char *path = pass ? "cited.sdxb" : "listed.sdxb";
		CHECK_OK(header_body_bundle(k, pass ? "c.db" : "l.db", !pass, path, hex));
		o.flags = 0;
		CHECK_OK(sdx_bundle_verify(NULL, path, &o));
		o.flags = SDX_BUNDLE_VERIFY_BODIES;
		CHECK_ERR(sdx_bundle_verify(NULL, path, &o), SDX_EVERIFY);
		snprintf(want, sizeof(want), pass ? "the body cites attachment %s, which the header "
			 "does not list" : "the header lists attachment %s, which the body does not "
			 "cite", hex);
		if (!strstr(sdx_error_last(), want)) {
			fprintf(stdout, "# got: %s\n", sdx_error_last());
			CHECK(!"the disagreement is named");
		}
	}
	sdx_verifier_free(v);
	sdx_signer_free(k);
}

/* Put a member in name order (or replace it). */
static void put(struct unpacked *u, const char *name, const char *text)
{
	int i;

	if (find(u, name) >= 0) {
		replace(u, name, text, strlen(text));
		return;
	}
	for (i = (int)u->n; i > 0 && strcmp(u->name[i - 1], name) > 0; i--) {
		u->name[i] = u->name[i - 1];
		u->data[i] = u->data[i - 1];
		u->len[i] = u->len[i - 1];
	}
	u->name[i] = strdup(name);
	u->data[i] = (unsigned char *)strdup(text);
	u->len[i] = strlen(text);
	u->n++;
}

static void drop(struct unpacked *u, const char *name)
{
	int i = find(u, name);

	if (i < 0)
		return;
	free(u->name[i]);
	free(u->data[i]);
	for (; i + 1 < (int)u->n; i++) {
		u->name[i] = u->name[i + 1];
		u->data[i] = u->data[i + 1];
		u->len[i] = u->len[i + 1];
	}
	u->n--;
}

/*
 * ledgers/<k>/disclosures.json (sdx-bundle/2) that lies: a disclosure of no
 * digest of its entry, an entry the bundle does not carry, a report file
 * withheld from a record that conceals nothing, one both withheld and sent,
 * the member in a version 1 bundle.
 */
static void disclosures_that_lie(void)
{
	/* RFC 9901's element disclosure: of no record here */
	static const char other[] = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0";
	sdx_signer *k = key_of(1, "example.com/acme");
	struct unpacked u = { 0 };
	unsigned char h[32];
	char text[400], hex[65], att[80], *file;
	size_t len;
	json_t *m;

	CHECK(k);
	CHECK_OK(setup(k, "t.db", &u));
	file = test_read_file(test_data("../../examples/data/reports/cnas-l1234-report-2026-0917.txt"),
			      &len);
	CHECK(file);
	crypto_hash_sha256(h, (unsigned char *)file, len);
	free(file);
	sdx__hex(hex, h, 32);
	snprintf(att, sizeof(att), "attachments/%s", hex);
	CHECK(find(&u, att) >= 0);
	m = manifest_json(&u);
	CHECK(m);

	/* the member in a version 1 bundle: not a kind that version knows */
	snprintf(text, sizeof(text), "[{\"disclosures\":[\"%s\"],\"index\":1}]", other);
	put(&u, "ledgers/0/disclosures.json", text);
	CHECK_OK(repack(&u, m, k, NULL, "d1.sdxb"));
	EXPECT("d1.sdxb", SDX_EFORMAT, "member 'ledgers/0/disclosures.json': unknown kind of member");
	json_object_set_new(m, "format", json_string("sdx-bundle/2"));

	/* a disclosure that matches no digest of entry 1: a forgery, named */
	CHECK_OK(repack(&u, m, k, NULL, "d2.sdxb"));
	EXPECT("d2.sdxb", SDX_EVERIFY, "member 'ledgers/0/disclosures.json': example.com/acme "
	       "entry 1: disclosure 1 (an array element) matches no digest");

	/* an entry the bundle does not carry */
	snprintf(text, sizeof(text), "[{\"disclosures\":[\"%s\"],\"index\":7}]", other);
	put(&u, "ledgers/0/disclosures.json", text);
	CHECK_OK(repack(&u, m, k, NULL, "d3.sdxb"));
	EXPECT("d3.sdxb", SDX_EVERIFY, "entry 7 is not in the bundle");

	/* its report listed as withheld, but sent */
	snprintf(text, sizeof(text), "[{\"disclosures\":[],\"index\":1,"
		 "\"withheld_attachments\":[\"%s\"]}]", hex);
	put(&u, "ledgers/0/disclosures.json", text);
	CHECK_OK(repack(&u, m, k, NULL, "d4.sdxb"));
	EXPECT("d4.sdxb", SDX_EVERIFY, "as withheld, which the bundle holds");

	/* and left out, though the record conceals nothing: missing, not withheld */
	drop(&u, att);
	json_object_set_new(m, "attachments", json_integer(1));
	CHECK_OK(repack(&u, m, k, NULL, "d5.sdxb"));
	EXPECT("d5.sdxb", SDX_EVERIFY, "but every field of the entry is disclosed");

	/* without the item, the file is simply missing */
	drop(&u, "ledgers/0/disclosures.json");
	CHECK_OK(repack(&u, m, k, NULL, "d6.sdxb"));
	EXPECT("d6.sdxb", SDX_EVERIFY, "which the bundle lacks");

	/* items out of order, or saying nothing */
	put(&u, "ledgers/0/disclosures.json", "[{\"disclosures\":[],\"index\":1}]");
	CHECK_OK(repack(&u, m, k, NULL, "d7.sdxb"));
	EXPECT("d7.sdxb", SDX_EFORMAT, "needs index, disclosures");
	json_decref(m);
	unpacked_free(&u);
	sdx_signer_free(k);
}

static const struct test_case tests[] = {
	{ "a repacked, re-signed bundle still verifies", repacked_unchanged_verifies },
	{ "an unknown major version is refused", unknown_major_version },
	{ "a manifest signed by another key", manifest_signed_by_another_key },
	{ "a checkpoint from another origin", checkpoint_from_another_origin },
	{ "an inclusion proof for another entry", inclusion_proof_for_another_entry },
	{ "a signed entry the ledger never held", entry_signed_outside_the_ledger },
	{ "the manifest's entry count differs", entry_count_differs },
	{ "a truncated entry record", truncated_entry_record },
	{ "hostile manifest JSON does not crash", hostile_manifest_json },
	{ "attachments: each cited, their number signed", attachments_cited_and_counted },
	{ "a trusted key listed beside a forged one lends no trust",
	  trusted_key_listed_beside_a_forged_one },
	{ "a ledger number spelled otherwise (fuzz)", ledger_number_spelled_otherwise },
	{ "more consistency proofs than the format allows", too_many_consistency_proofs },
	{ "header and body disagree on attachments", header_and_body_disagree },
	{ "disclosures.json that lies", disclosures_that_lie },
	{ NULL, NULL }
};

TEST_MAIN(tests)
