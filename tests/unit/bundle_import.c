/*
 * Unit tests for sdx_bundle_import() on its own (the CLI's view is
 * tests/cli/t0007-import.sh and t0009-forwarding.sh): what a trusted import
 * stores, that importing the same bundle again does nothing, and that an
 * untrusted or revoked producer, an equivocating checkpoint and a corrupted
 * attachment are refused with nothing written; forwarding imported entries
 * to a third ledger.  Each case builds its ledgers in its own directory.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zlib.h>

#include "harness.h"
#include "sdx.h"

/* The declarations a supplier signs, each with the report it cites. */
static const char *const decl[] = { "pvc-compound-declaration.json", "pigment-declaration.json",
				    "pp-food-contact-declaration.json" };
static const char *const report[] = { "cnas-l1234-report-2026-0917.txt",
				      "cnas-l5678-report-2026-0821.txt",
				      "pp-migration-report-2026-0802.txt" };

static sdx_signer *key_of(unsigned char seed_byte, const char *name)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, seed_byte, sizeof(seed));
	return sdx_signer_from_seed(&s, name, seed) < 0 ? NULL : s;
}

static const char *example(const char *dir, const char *file)
{
	char rel[200];

	snprintf(rel, sizeof(rel), "../../examples/data/%s%s", dir, file);
	return test_data(rel);
}

/* SHA-256 of a report file, as its attachment is named. */
static int report_hash(size_t i, unsigned char h[32])
{
	size_t len;
	char *text = test_read_file(example("reports/", report[i]), &len);

	if (!text)
		return -1;
	crypto_hash_sha256(h, (const unsigned char *)text, len);
	free(text);
	return 0;
}

/* Append declarations first..first+n-1 (with their reports) to the ledger at db, created if
 * need be, sign a checkpoint and export everything to `bundle`. */
static int supply(const char *db, const sdx_signer *k, size_t first, size_t n, const char *bundle)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_ledger *l = NULL;
	char *text;
	size_t len, i;
	int err;

	if ((err = sdx_ledger_open(&l, db, 0)) == SDX_ENOTFOUND)
		err = sdx_ledger_create(&l, db, k);
	if (err < 0 || (err = sdx_ledger_begin(l)) < 0)
		goto done;
	for (i = first; i < first + n; i++) {
		if ((err = sdx_ledger_attach_file(NULL, NULL, l,
						  example("reports/", report[i]))) < 0)
			goto done;
		text = test_read_file(example("", decl[i]), &len);
		err = text ? sdx_record_append(NULL, l, k, "declaration", text, len, decl[i]) : -1;
		free(text);
		if (err < 0)
			goto done;
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, k)) < 0 || (err = sdx_ledger_commit(l)) < 0)
		goto done;
	eo.all = 1;
	err = sdx_bundle_export(NULL, l, k, &eo, bundle);
done:
	sdx_ledger_free(l);
	return err;
}

/* A recipient's ledger at db, trusting the keys given (NULL-terminated). */
static sdx_ledger *recipient(const char *db, const sdx_signer *k, const sdx_signer *const *trust)
{
	sdx_verifier *v = NULL;
	sdx_ledger *l = NULL;
	int err = 0;

	if (sdx_ledger_create(&l, db, k) < 0)
		return NULL;
	for (; *trust && err == 0; trust++) {
		err = sdx_signer_verifier(&v, *trust) < 0 ? -1 : sdx_ledger_trust_add(l, v, NULL);
		sdx_verifier_free(v);
		v = NULL;
	}
	if (err < 0) {
		sdx_ledger_free(l);
		return NULL;
	}
	return l;
}

/* ---- importing with the ledger's own trust policy, as `sdx import` does ---------- */

#define MAX_KEYS 8

struct keys {
	sdx_verifier *v[MAX_KEYS];
	size_t n;
};

static int keep(struct keys *k, const sdx_verifier *v)
{
	char *s = NULL;
	int err;

	if (k->n == MAX_KEYS || sdx_verifier_format(&s, v) < 0)
		return -1;
	err = sdx_verifier_parse(&k->v[k->n], s);
	free(s);
	if (err == 0)
		k->n++;
	return err;
}

static int keep_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	(void)label;
	(void)added;
	return keep(ctx, v);
}

static int keep_revoked(void *ctx, const sdx_verifier *v, const char *revoked, const char *reason)
{
	(void)revoked;
	(void)reason;
	return keep(ctx, v);
}

static void keys_free(struct keys *k)
{
	while (k->n)
		sdx_verifier_free(k->v[--k->n]);
}

static int import(sdx_ledger *l, const sdx_signer *k, const char *bundle, sdx_import_result *res)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	struct keys trusted = { { NULL }, 0 }, revoked = { { NULL }, 0 };
	int err;

	if ((err = sdx_ledger_foreach_trusted(l, keep_trusted, &trusted)) == 0 &&
	    (err = sdx_ledger_foreach_revoked(l, keep_revoked, &revoked)) == 0) {
		o.trusted = trusted.v;
		o.n_trusted = trusted.n;
		o.revoked = revoked.v;
		o.n_revoked = revoked.n;
		o.threads = 2;
		err = sdx_bundle_import(res, l, k, bundle, &o);
	}
	keys_free(&trusted);
	keys_free(&revoked);
	return err;
}

/* ---- what a ledger holds, to show that a refused import wrote nothing ------------- */

struct held {
	uint64_t size;         /* own chain */
	uint64_t entries;      /* imported entries */
	uint64_t origins, tree_size;
	int attachments;       /* which of the reports are stored (bit i: report[i]) */
};

static int count_entry(void *ctx, const sdx_foreign_entry *e)
{
	(void)e;
	((struct held *)ctx)->entries++;
	return 0;
}

static int count_origin(void *ctx, const char *origin, uint64_t tree_size, uint64_t entries,
			const char *latest)
{
	struct held *h = ctx;

	(void)origin;
	(void)entries;
	(void)latest;
	h->origins++;
	h->tree_size += tree_size;
	return 0;
}

static int holds(sdx_ledger *l, struct held *h)
{
	unsigned char hash[32];
	size_t i;
	int err;

	memset(h, 0, sizeof(*h));
	if ((err = sdx_ledger_size(&h->size, l)) < 0 ||
	    (err = sdx_ledger_foreach_foreign_entry(l, count_entry, h)) < 0 ||
	    (err = sdx_ledger_foreach_origin(l, count_origin, h)) < 0)
		return err;
	for (i = 0; i < 3; i++) {
		if (report_hash(i, hash) < 0 || (err = sdx_ledger_has_attachment(l, hash)) < 0)
			return -1;
		h->attachments |= err << i;
	}
	return 0;
}

static int same(const struct held *a, const struct held *b)
{
	return a->size == b->size && a->entries == b->entries && a->origins == b->origins &&
	       a->tree_size == b->tree_size && a->attachments == b->attachments;
}

static int verify_ledger(sdx_ledger *l)
{
	sdx_verify_options o = SDX_VERIFY_OPTIONS_INIT;

	return sdx_ledger_verify(NULL, l, &o);
}

/* ---- cases --------------------------------------------------------------------------- */

/* The parties: supplier s (example.com/acme), maker m, exporter x, and a key nobody
 * uses; the maker's ledger m.db.  Fixed seeds. */
struct fx {
	sdx_signer *s, *m, *x, *other;
	sdx_ledger *l;
	sdx_import_result res;
};

enum { TRUST_SUPPLIER, TRUST_OTHER };

/* The supplier's bundle b.sdxb (genesis and n declarations); m.db trusting one key. */
static int fx_open(struct fx *f, size_t n, int trust)
{
	const sdx_signer *t[2] = { NULL, NULL };

	memset(f, 0, sizeof(*f));
	f->s = key_of(1, "example.com/acme");
	f->m = key_of(2, "example.com/maker");
	f->x = key_of(3, "example.com/exporter");
	f->other = key_of(4, "example.com/other");
	if (!f->s || !f->m || !f->x || !f->other || supply("s.db", f->s, 0, n, "b.sdxb") < 0)
		return -1;
	t[0] = trust == TRUST_SUPPLIER ? f->s : f->other;
	f->l = recipient("m.db", f->m, t);
	return f->l ? 0 : -1;
}

static void fx_close(struct fx *f)
{
	sdx_import_result_clear(&f->res);
	sdx_ledger_free(f->l);
	sdx_signer_free(f->s);
	sdx_signer_free(f->m);
	sdx_signer_free(f->x);
	sdx_signer_free(f->other);
}

/* Importing `bundle` into l fails with `code` and leaves l as it was. */
static int refused(sdx_ledger *l, const sdx_signer *k, const char *bundle, int code,
		   sdx_import_result *res)
{
	struct held before, after;
	int err;

	sdx_import_result_clear(res);
	if (holds(l, &before) < 0)
		return -1;
	err = import(l, k, bundle, res);
	if (err != code) {
		fprintf(stderr, "import of %s: %s: %s\n", bundle, sdx_error_name(err),
			sdx_error_last());
		return -1;
	}
	if (holds(l, &after) < 0 || !same(&before, &after) ||
	    sdx_ledger_import_seen(NULL, l, res->bundle_sha256) != 0)
		return -1;
	return verify_ledger(l);
}

/* Both ledgers hold the same checkpoint of `origin` at `size`. */
static int same_checkpoint(sdx_ledger *a, sdx_ledger *b, const char *origin, uint64_t size)
{
	char *na = NULL, *nb = NULL;
	size_t la = 0, lb = 0;
	int ok = sdx_ledger_foreign_checkpoint_note(&na, &la, a, origin, size) == 0 &&
		 sdx_ledger_foreign_checkpoint_note(&nb, &lb, b, origin, size) == 0 && la == lb &&
		 memcmp(na, nb, la) == 0;

	free(na);
	free(nb);
	return ok;
}

static void test_trusted(void)
{
	struct fx f;
	sdx_ledger *src = NULL;
	sdx_entry *e = NULL;
	struct held h;
	char *note = NULL, *held = NULL, *payload = NULL, *want, *got, out[16], hex[65];
	size_t len, hlen, wlen, glen, i;
	unsigned char hash[32];
	uint64_t receipt = 0;

	CHECK_OK(fx_open(&f, 2, TRUST_SUPPLIER));
	CHECK_OK(import(f.l, f.m, "b.sdxb", &f.res));
	CHECK(!f.res.already && f.res.receipt == 1);
	CHECK(sdx_bundle_report_entries(f.res.report) == 3 &&
	      sdx_bundle_report_attachments(f.res.report) == 2);
	CHECK(sdx_bundle_report_producer_trusted(f.res.report) &&
	      strcmp(sdx_bundle_report_producer(f.res.report), "example.com/acme") == 0);
	CHECK(sdx_bundle_report_ledger_count(f.res.report) == 1 &&
	      sdx_bundle_report_ledger(f.res.report, 0)->tree_size == 3 &&
	      sdx_bundle_report_ledger(f.res.report, 1) == NULL);
	/* entries, checkpoint and attachments stored apart from the own chain */
	CHECK_OK(holds(f.l, &h));
	CHECK(h.size == 2 && h.entries == 3 && h.origins == 1 && h.tree_size == 3);
	CHECK(h.attachments == 3);
	CHECK_OK(sdx_ledger_open(&src, "s.db", SDX_OPEN_READONLY));
	CHECK_OK(sdx_ledger_get_checkpoint(&note, &len, NULL, src, 0));
	sdx_ledger_free(src);
	CHECK_OK(sdx_ledger_foreign_checkpoint_note(&held, &hlen, f.l, "example.com/acme", 3));
	CHECK(hlen == len && memcmp(held, note, len) == 0);
	for (i = 0; i < 2; i++) {
		snprintf(out, sizeof(out), "att%zu", i);
		CHECK(report_hash(i, hash) == 0);
		CHECK_OK(sdx_ledger_export_attachment(f.l, hash, out));
		want = test_read_file(example("reports/", report[i]), &wlen);
		got = test_read_file(out, &glen);
		CHECK(want && got && wlen == glen && memcmp(want, got, wlen) == 0);
		free(want);
		free(got);
	}
	/* the receipt: an "import" entry on the own chain naming the bundle */
	CHECK_OK(sdx_ledger_entry(&e, f.l, f.res.receipt));
	CHECK_STR(e->type, "import");
	CHECK_OK(sdx_entry_payload(&payload, &len, e));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", f.res.bundle_sha256[i]);
	CHECK(strstr(payload, hex) != NULL);
	CHECK(sdx_ledger_import_seen(&receipt, f.l, f.res.bundle_sha256) == 1 && receipt == 1);
	CHECK_OK(verify_ledger(f.l));
	sdx_entry_free(e);
	free(payload);
	free(note);
	free(held);
	fx_close(&f);
}

static void test_again(void)
{
	sdx_import_result again;
	struct held before, after;
	struct fx f;

	CHECK_OK(fx_open(&f, 2, TRUST_SUPPLIER));
	CHECK_OK(import(f.l, f.m, "b.sdxb", &f.res));
	CHECK_OK(holds(f.l, &before));
	/* the same bundle again: nothing done, the first receipt named */
	CHECK_OK(import(f.l, f.m, "b.sdxb", &again));
	CHECK(again.already && again.receipt == f.res.receipt);
	CHECK_MEM(again.bundle_sha256, f.res.bundle_sha256, 32);
	CHECK_OK(holds(f.l, &after));
	CHECK(same(&before, &after));
	/* the grown ledger's next bundle repeats the entries held: only the new one is added */
	CHECK_OK(supply("s.db", f.s, 2, 1, "c.sdxb"));
	sdx_import_result_clear(&again);
	CHECK_OK(import(f.l, f.m, "c.sdxb", &again));
	CHECK(!again.already && again.receipt == f.res.receipt + 1 && sdx_bundle_report_entries(again.report) == 4);
	CHECK_OK(holds(f.l, &after));
	CHECK(after.entries == 4 && after.tree_size == 4 && after.size == before.size + 1);
	CHECK(after.attachments == 7);
	CHECK_OK(verify_ledger(f.l));
	sdx_import_result_clear(&again);
	fx_close(&f);
}

static void test_untrusted(void)
{
	struct fx f;

	CHECK_OK(fx_open(&f, 1, TRUST_OTHER));
	CHECK_OK(refused(f.l, f.m, "b.sdxb", SDX_EUNTRUSTED, &f.res));
	CHECK(strstr(sdx_error_last(), "refused") && strstr(sdx_error_last(), "example.com/acme"));
	CHECK(!sdx_bundle_report_producer_trusted(f.res.report));
	fx_close(&f);
}

static void test_revoked(void)
{
	sdx_verifier *v = NULL;
	struct fx f;

	CHECK_OK(fx_open(&f, 1, TRUST_SUPPLIER));
	CHECK_OK(sdx_signer_verifier(&v, f.s));
	CHECK_OK(sdx_ledger_trust_revoke(f.l, v, "key lost"));
	CHECK_OK(refused(f.l, f.m, "b.sdxb", SDX_EUNTRUSTED, &f.res));
	CHECK(strstr(sdx_error_last(), "revoked") != NULL);
	/* revocation is permanent: trusting the key again is refused too */
	CHECK(sdx_ledger_trust_add(f.l, v, NULL) < 0);
	CHECK_OK(refused(f.l, f.m, "b.sdxb", SDX_EUNTRUSTED, &f.res));
	sdx_verifier_free(v);
	fx_close(&f);
}

static void test_equivocation(void)
{
	struct fx f;

	/* one key, two ledgers of the same size with different entries */
	CHECK_OK(fx_open(&f, 2, TRUST_SUPPLIER));
	CHECK_OK(supply("fork.db", f.s, 1, 2, "fork.sdxb"));
	CHECK_OK(import(f.l, f.m, "b.sdxb", &f.res));
	CHECK_OK(refused(f.l, f.m, "fork.sdxb", SDX_ECONFLICT, &f.res));
	CHECK(strstr(sdx_error_last(), "equivocation by example.com/acme") != NULL);
	/* both notes, for the evidence: the one held and the bundle's */
	CHECK(f.res.held_checkpoint && f.res.new_checkpoint);
	CHECK(strcmp(f.res.held_checkpoint, f.res.new_checkpoint) != 0);
	CHECK(strncmp(f.res.held_checkpoint, "example.com/acme\n3\n", 19) == 0);
	CHECK(strncmp(f.res.new_checkpoint, "example.com/acme\n3\n", 19) == 0);
	fx_close(&f);
}

/* ---- a corrupted attachment: one byte of its content changed inside the archive ---- */

#define TAR_MAX (1u << 20)

/* The tar stream of a .sdxb (gunzipped), malloc'd. */
static unsigned char *gunzip_file(const char *path, size_t *len)
{
	unsigned char *out = malloc(TAR_MAX);
	gzFile f = gzopen(path, "rb");
	int n = -1;

	if (out && f)
		n = gzread(f, out, TAR_MAX);
	if (f)
		gzclose(f);
	if (n <= 0 || (size_t)n == TAR_MAX) {
		free(out);
		return NULL;
	}
	*len = (size_t)n;
	return out;
}

/* gzip as sdx writes it (level 6, no name, no time: the header bundle reading requires). */
static int gzip_file(const char *path, const unsigned char *data, size_t len)
{
	unsigned char *out;
	z_stream z;
	FILE *f;
	int ok;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	out = malloc(deflateBound(&z, (uLong)len));
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)deflateBound(&z, (uLong)len);
	ok = out && deflate(&z, Z_FINISH) == Z_STREAM_END && (f = fopen(path, "wb")) != NULL;
	if (ok) {
		ok = fwrite(out, 1, z.total_out, f) == z.total_out;
		ok = fclose(f) == 0 && ok;
	}
	deflateEnd(&z);
	free(out);
	return ok ? 0 : -1;
}

static unsigned char *find_bytes(unsigned char *hay, size_t n, const void *needle, size_t k)
{
	size_t i;

	for (i = 0; k && i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

static void test_corrupt_attachment(void)
{
	unsigned char *tar, *at;
	size_t tlen, rlen;
	struct fx f;
	char *text;

	CHECK_OK(fx_open(&f, 2, TRUST_SUPPLIER));
	CHECK((tar = gunzip_file("b.sdxb", &tlen)) != NULL);
	CHECK((text = test_read_file(example("reports/", report[1]), &rlen)) != NULL);
	CHECK(rlen > 64);
	/* the report's bytes sit whole in the tar stream: change one in the middle */
	CHECK((at = find_bytes(tar, tlen, text, rlen)) != NULL);
	at[rlen / 2] ^= 0x20;
	CHECK_OK(gzip_file("bad.sdxb", tar, tlen));
	CHECK_OK(refused(f.l, f.m, "bad.sdxb", SDX_EVERIFY, &f.res));
	CHECK(strstr(sdx_error_last(), "attachments/") != NULL);
	/* the bundle as written still imports: the refusal was the changed byte */
	sdx_import_result_clear(&f.res);
	CHECK_OK(import(f.l, f.m, "b.sdxb", &f.res));
	free(tar);
	free(text);
	fx_close(&f);
}

/* ---- forwarding: the maker passes the supplier's entries on to an exporter -------- */

static void test_forwarding(void)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	const sdx_signer *maker[2], *both[3];
	sdx_ledger *xl = NULL;
	struct held mh, xh;
	struct fx f;

	CHECK_OK(fx_open(&f, 2, TRUST_SUPPLIER));
	CHECK_OK(import(f.l, f.m, "b.sdxb", &f.res));
	eo.all = 1;
	eo.imported = 1;
	CHECK_OK(sdx_bundle_export(NULL, f.l, f.m, &eo, "fwd.sdxb"));
	/* the maker's word is not enough for the supplier's entries */
	maker[0] = f.m;
	maker[1] = NULL;
	CHECK((xl = recipient("x1.db", f.x, maker)) != NULL);
	CHECK_OK(refused(xl, f.x, "fwd.sdxb", SDX_EUNTRUSTED, &f.res));
	CHECK(strstr(sdx_error_last(), "example.com/acme") != NULL);
	sdx_ledger_free(xl);
	/* with both trusted, the exporter holds both origins, the supplier's as the maker does */
	both[0] = f.m;
	both[1] = f.s;
	both[2] = NULL;
	CHECK((xl = recipient("x2.db", f.x, both)) != NULL);
	sdx_import_result_clear(&f.res);
	CHECK_OK(import(xl, f.x, "fwd.sdxb", &f.res));
	CHECK(sdx_bundle_report_ledger_count(f.res.report) == 2);
	CHECK_OK(holds(f.l, &mh));
	CHECK_OK(holds(xl, &xh));
	CHECK(xh.origins == 2 && xh.attachments == 3);
	CHECK(xh.entries == mh.entries + mh.size);
	CHECK(same_checkpoint(f.l, xl, "example.com/acme", 3));
	CHECK_OK(verify_ledger(xl));
	sdx_ledger_free(xl);
	fx_close(&f);
}

static const struct test_case tests[] = {
	{ "a trusted bundle stores entries, checkpoint, attachments and a receipt", test_trusted },
	{ "the same bundle again does nothing; a grown one adds only the new entry", test_again },
	{ "an untrusted producer is refused, nothing written", test_untrusted },
	{ "a revoked key is refused, nothing written", test_revoked },
	{ "an equivocating checkpoint is refused with both notes, nothing written",
	  test_equivocation },
	{ "a corrupted attachment is refused, nothing written", test_corrupt_attachment },
	{ "forwarded entries round-trip to a third ledger", test_forwarding },
	{ NULL, NULL }
};

TEST_MAIN(tests)
