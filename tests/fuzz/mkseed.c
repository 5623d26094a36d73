#define _GNU_SOURCE
/*
 * tests/fuzz/mkseed.c - writes the generated seeds of tests/fuzz/corpus/
 * (`make fuzz-corpus`, run from the top of the tree).
 *
 * Real inputs made with the public API and the fixture seed (common.h), so
 * that fuzz_bundle_signed.c can sign mutations again as their producer:
 * ledger example.com/acme with two declarations (their reports attached), a
 * checkpoint, a withdrawal, another checkpoint, exported as a bundle; ledger
 * example.com/buyer that imports it and forwards it (a two-ledger bundle).
 * From those come the bundle, archive, dsse, note and json seeds; the record
 * seeds are examples/data; the proof seeds are the upstream Go proofs of
 * tests/data/upstream, a few built trees and tile paths.  Hand-written seeds
 * (tests/fuzz/corpus/<target>/hand-*) are left alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <zlib.h>

#include "common.h"
#include "formats/bundle/archive.h"
#include "ledger/internal.h"

/* Seeds are written at one fixed time, so that they come out the same each run. */
static int64_t seed_time;

static int64_t seed_clock(void *ctx)
{
	(void)ctx;
	return seed_time;
}

static char top[4096];

static void die(const char *what)
{
	fprintf(stderr, "mkseed: %s: %s\n", what, sdx_error_last());
	exit(1);
}

/* corpus/<target>/seed-<name>: an optional first byte, then the data. */
static void put(const char *target, const char *name, int first, const void *data, size_t len)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus", top);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", top, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s/seed-%s", top, target, name);
	if (!(f = fopen(path, "wb")) || (first >= 0 && fputc(first, f) == EOF) ||
	    (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		fprintf(stderr, "mkseed: cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
}

static char *slurp(const char *rel, size_t *len)
{
	char path[4200];
	char *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/%s", rel[0] == '/' ? "" : top, rel);
	if (!(f = fopen(path, "rb")) || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "mkseed: cannot read '%s'\n", path);
		exit(1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

static unsigned char *gunzip(const unsigned char *gz, size_t len, size_t *out_len)
{
	size_t cap = 1 << 20;
	unsigned char *out = malloc(cap);
	z_stream z;

	memset(&z, 0, sizeof(z));
	if (!out || inflateInit2(&z, 15 + 16) != Z_OK)
		exit(1);
	z.next_in = (Bytef *)(uintptr_t)gz;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (inflate(&z, Z_FINISH) != Z_STREAM_END) {
		fprintf(stderr, "mkseed: bundle does not gunzip into 1 MiB\n");
		exit(1);
	}
	*out_len = z.total_out;
	inflateEnd(&z);
	return out;
}

static void append_file(sdx_ledger *l, const sdx_signer *key, const char *type, const char *rel,
			sdx_entry_info *info)
{
	size_t len;
	char *text = slurp(rel, &len);

	if (sdx_record_append(info, l, key, type, text, len, rel) < 0)
		die(rel);
	free(text);
}

static void attach(sdx_ledger *l, const char *rel)
{
	char path[4200];
	unsigned char h[32];

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	if (sdx_ledger_attach_file(h, NULL, l, path) < 0)
		die(rel);
}

/* The acme ledger: 4 entries (genesis, 2 declarations, a withdrawal), 2 checkpoints. */
static sdx_ledger *make_acme(const sdx_signer *key)
{
	sdx_entry_info pvc;
	sdx_ledger *l = NULL;
	char hex[65], *text = NULL;
	size_t len;
	json_t *w;

	if (sdx_ledger_create(&l, "acme.db", key) < 0 || sdx_ledger_begin(l) < 0)
		die("acme.db");
	attach(l, "examples/data/reports/cnas-l1234-report-2026-0917.txt");
	attach(l, "examples/data/reports/cnas-l5678-report-2026-0821.txt");
	append_file(l, key, "declaration", "examples/data/pvc-compound-declaration.json", &pvc);
	append_file(l, key, "declaration", "examples/data/pigment-declaration.json", NULL);
	if (sdx_ledger_checkpoint(NULL, NULL, l, key) < 0 || sdx_ledger_commit(l) < 0)
		die("acme.db checkpoint");
	/* withdraw the PVC declaration: the example names another ledger's entry */
	text = slurp("examples/data/withdrawal.json", &len);
	if (!(w = json_loadb(text, len, 0, NULL)))
		exit(1);
	free(text);
	sdx__hex(hex, pvc.leaf_hash, 32);
	json_object_set_new(w, "withdraws", json_string(hex));
	if (sdx__json_dump(&text, &len, w) < 0 || sdx_ledger_begin(l) < 0 ||
	    sdx_record_append(NULL, l, key, "withdrawal", text, len, "withdrawal") < 0 ||
	    sdx_ledger_checkpoint(NULL, NULL, l, key) < 0 || sdx_ledger_commit(l) < 0)
		die("acme.db withdrawal");
	free(text);
	json_decref(w);
	return l;
}

/* The manifest (and its payload) and consistency lists of a bundle. */
static int member_seed(void *ctx, const char *name, uint64_t size, struct sdx_tar_reader *r)
{
	const char *bundle = ctx;
	sdx_dsse_envelope *e = NULL;
	char *buf = malloc((size_t)size + 1), seed[128];
	size_t got, done = 0;

	if (!buf)
		exit(1);
	while (done < size && sdx__tar_member_read(r, buf + done, (size_t)size - done, &got) == 0 &&
	       got)
		done += got;
	if (strcmp(name, "MANIFEST.dsse") == 0) {
		snprintf(seed, sizeof(seed), "%s-manifest", bundle);
		put("dsse", seed, -1, buf, done);
		if (sdx_dsse_parse_max(&e, buf, done, 1u << 20) < 0)
			die("manifest");
		put("json", seed, -1, e->payload, e->payload_len);
		sdx_dsse_envelope_free(e);
	} else if (strstr(name, "consistency.json")) {
		snprintf(seed, sizeof(seed), "%s-consistency", bundle);
		put("json", seed, -1, buf, done);
	}
	free(buf);
	return 0;
}

static void bundle_seeds(const char *name, const char *file)
{
	size_t len, tlen;
	char *gz = slurp(file, &len);
	unsigned char *tar = gunzip((unsigned char *)gz, len, &tlen);
	char n[128];

	snprintf(n, sizeof(n), "%s.sdxb", name);
	put("bundle", n, 0, gz, len);
	put("archive", n, 0, gz, len);
	snprintf(n, sizeof(n), "%s.tar", name);
	put("bundle", n, 1, tar, tlen);
	put("bundle_signed", n, -1, tar, tlen);
	put("archive", n, 1, tar, tlen);
	snprintf(n, sizeof(n), "%s-bytewise.tar", name);
	put("archive", n, 1 | 2 << 1, tar, tlen);
	if (sdx__tar_read(file, NULL, member_seed, (void *)name) < 0)
		die(file);
	free(tar);
	free(gz);
}

static int entry_seed(void *ctx, const sdx_entry *e)
{
	char name[64], *payload = NULL;
	size_t len = 0;

	(void)ctx;
	snprintf(name, sizeof(name), "acme-entry-%llu", (unsigned long long)e->index);
	put("dsse", name, -1, e->data, e->len);
	if (sdx_entry_payload(&payload, &len, e) < 0)
		die("entry payload");
	put("json", name, -1, payload, len);
	free(payload);
	return 0;
}

static int checkpoint_seed(void *ctx, uint64_t size, const unsigned char root[32],
			   const char *note, size_t len)
{
	char name[64];

	(void)ctx;
	(void)root;
	snprintf(name, sizeof(name), "acme-checkpoint-%llu", (unsigned long long)size);
	put("note", name, -1, note, len);
	return 0;
}

static void ledger_seeds(void)
{
	const sdx_signer *acme_key = fuzz_signer_named("example.com/acme");
	const sdx_signer *buyer_key = fuzz_signer_named("example.com/buyer");
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_bundle_verify_options vo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_verifier *acme_v = NULL;
	sdx_import_result res;
	sdx_ledger *acme, *buyer = NULL;
	char tmp[] = "/tmp/sdx-mkseed-XXXXXX", path[4200];

	if (!acme_key || !buyer_key || !mkdtemp(tmp) || chdir(tmp) != 0)
		die("setup");
	if (sdx_time_parse(&seed_time, "2026-11-23T00:00:00Z") < 0)
		die("seed time");
	sdx_clock_set(seed_clock, NULL);
	acme = make_acme(acme_key);
	eo.all = 1;
	eo.recipient = "example.com/buyer";
	if (sdx_bundle_export(NULL, acme, acme_key, &eo, "acme.sdxb") < 0)
		die("export acme.sdxb");
	if (sdx_ledger_foreach(acme, 0, UINT64_MAX, entry_seed, NULL) < 0 ||
	    sdx_ledger_foreach_checkpoint(acme, checkpoint_seed, NULL) < 0)
		die("acme seeds");

	/* the buyer imports it and forwards it: a bundle of two ledgers */
	if (sdx_signer_verifier(&acme_v, acme_key) < 0 ||
	    sdx_ledger_create(&buyer, "buyer.db", buyer_key) < 0 ||
	    sdx_ledger_trust_add(buyer, acme_v, NULL) < 0)
		die("buyer.db");
	vo.trusted = &acme_v;
	vo.n_trusted = 1;
	memset(&res, 0, sizeof(res));
	if (sdx_bundle_import(&res, buyer, buyer_key, "acme.sdxb", &vo) < 0)
		die("import acme.sdxb");
	sdx_import_result_clear(&res);
	eo = (sdx_export_options)SDX_EXPORT_OPTIONS_INIT;
	eo.all = 1;
	eo.imported = 1;
	if (sdx_ledger_checkpoint(NULL, NULL, buyer, buyer_key) < 0 ||
	    sdx_bundle_export(NULL, buyer, buyer_key, &eo, "forward.sdxb") < 0)
		die("export forward.sdxb");
	snprintf(path, sizeof(path), "%s/acme.sdxb", tmp);
	bundle_seeds("acme", path);
	snprintf(path, sizeof(path), "%s/forward.sdxb", tmp);
	bundle_seeds("forward", path);
	sdx_verifier_free(acme_v);
	sdx_ledger_free(acme);
	sdx_ledger_free(buyer);
	for (const char *const *f = (const char *const[]){ "acme.db", "buyer.db", "acme.sdxb",
							  "forward.sdxb", NULL }; *f; f++) {
		snprintf(path, sizeof(path), "%s/%s", tmp, *f);
		unlink(path);
	}
	rmdir(tmp);
	if (chdir(top) != 0)
		exit(1);
}

/* Records and JSON: the examples as they are. */
static void record_seeds(void)
{
	static const char *const decls[] = { "pvc-compound-declaration", "pigment-declaration",
					     "pp-food-contact-declaration", NULL };
	char rel[256];
	size_t len;
	char *text;

	for (const char *const *d = decls; *d; d++) {
		snprintf(rel, sizeof(rel), "examples/data/%s.json", *d);
		text = slurp(rel, &len);
		put("record", *d, 0, text, len);
		put("json", *d, -1, text, len);
		free(text);
	}
	text = slurp("examples/data/withdrawal.json", &len);
	put("record", "withdrawal", 1, text, len);
	free(text);
}

static void be64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (56 - 8 * i));
}

static void b64_at(unsigned char *out, json_t *s)
{
	const char *t = json_string_value(s);

	if (!t || sdx__b64_decode_fixed(out, 32, t, strlen(t)) < 0)
		die("proofs.json hash");
}

/*
 * fuzz_proof mode 0 from the Go proofs (every fifth, to stay small):
 * index/old size, size, leaf/old root, root, proof hashes.
 */
static void proof_seeds_from(const char *size)
{
	unsigned char buf[1 + 80 + 32 * SDX_MERKLE_MAX_PROOF];
	char rel[256], name[64];
	json_t *j, *items, *x, *h;
	size_t i, k, n;
	const char *kinds[] = { "inclusion", "consistency" };

	snprintf(rel, sizeof(rel), "%s/tests/data/upstream/tlog/size-%s/proofs.json", top, size);
	if (!(j = json_load_file(rel, 0, NULL)))
		die(rel);
	for (int kind = 0; kind < 2; kind++) {
		items = json_object_get(j, kinds[kind]);
		json_array_foreach(items, i, x) {
			json_t *proof = json_object_get(x, "proof");
			if (i % 5 != 0 || json_array_size(proof) > SDX_MERKLE_MAX_PROOF)
				continue;
			buf[0] = 0;
			be64(buf + 1, (uint64_t)json_integer_value(json_object_get(x,
					kind ? "old_size" : "index")));
			be64(buf + 9, (uint64_t)json_integer_value(json_object_get(x, "tree_size")));
			b64_at(buf + 17, json_object_get(x, kind ? "old_root" : "leaf_hash"));
			b64_at(buf + 49, json_object_get(x, "root"));
			n = 81;
			json_array_foreach(proof, k, h) {
				b64_at(buf + n, h);
				n += 32;
			}
			snprintf(name, sizeof(name), "go-%s-%s-%zu", size, kinds[kind], i);
			put("proof", name, -1, buf, n);
		}
	}
	json_decref(j);
}

static void proof_seeds(void)
{
	static const char *const tiles[] = { "tile/0/000", "tile/0/001.p/1", "tile/1/000.p/1",
		"tile/entries/x001/x234/067.p/8", "tile/63/x018/x446/x744/x073/x709/x551/615",
		"0/000", NULL };
	static const unsigned char trees[][12] = {
		{ 1, 0, 6, 0, 3, 0, 4, 0, 9 },            /* 7 leaves */
		{ 1, 1, 0, 0, 200, 0, 255, 1, 1 },        /* 257 leaves */
		{ 1, 1, 255, 1, 3, 0, 100, 2, 2 },        /* 512 leaves */
		{ 3, 0xff, 0, 0, 0, 0, 0, 4, 0xd2, 1, 0 }, /* mode 3: tile/entries/x001/234 */
	};
	char name[64];
	size_t i;

	proof_seeds_from("7");
	proof_seeds_from("257");
	for (i = 0; i < sizeof(trees) / sizeof(trees[0]); i++) {
		snprintf(name, sizeof(name), "mode%u-%zu", trees[i][0], i);
		put("proof", name, -1, trees[i], sizeof(trees[i]));
	}
	for (i = 0; tiles[i]; i++) {
		snprintf(name, sizeof(name), "tile-%zu", i);
		put("proof", name, 2, tiles[i], strlen(tiles[i]));
	}
}

/* The upstream checkpoints and keys. */
static void note_seeds(void)
{
	static const char *const sizes[] = { "1", "7", "66000", NULL };
	char rel[256], name[64];
	size_t len;
	char *text;

	for (const char *const *s = sizes; *s; s++) {
		snprintf(rel, sizeof(rel), "tests/data/upstream/tlog/size-%s/checkpoint", *s);
		text = slurp(rel, &len);
		snprintf(name, sizeof(name), "go-checkpoint-%s", *s);
		put("note", name, -1, text, len);
		free(text);
	}
	put("note", "vkey", -1, FUZZ_VKEY "\n", strlen(FUZZ_VKEY) + 1);
	put("note", "skey", -1, FUZZ_SKEY "\n", strlen(FUZZ_SKEY) + 1);
}

int main(void)
{
	if (!getcwd(top, sizeof(top)))
		return 1;
	ledger_seeds();
	record_seeds();
	proof_seeds();
	note_seeds();
	return 0;
}
