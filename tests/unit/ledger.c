/* Unit tests for the ledger store: append, checkpoints, proofs, audit, tamper. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "harness.h"
#include "ledger/internal.h"
#include "ledger/store.h"
#include "ledger/entry.h"
#include "sdx.h"

static sdx_signer *test_key(const char *name)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, 7, sizeof(seed));
	if (sdx_signer_from_seed(&s, name, seed) < 0)
		return NULL;
	return s;
}

/* A ledger with n appended records (plus genesis) and a checkpoint. */
static sdx_ledger *make_ledger(sdx_signer *key, unsigned n)
{
	sdx_ledger *l = NULL;
	char body[64];
	unsigned i;

	if (sdx_ledger_create(&l, "t.db", key) < 0)
		return NULL;
	if (sdx_ledger_begin(l) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"n\":%u}", i);
		if (sdx_ledger_append(NULL, l, key, "note", body, strlen(body)) < 0)
			goto fail;
	}
	if (sdx_ledger_checkpoint(NULL, NULL, l, key) < 0 || sdx_ledger_commit(l) < 0)
		goto fail;
	return l;
fail:
	sdx_ledger_free(l);
	return NULL;
}

static void create_and_reopen(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = NULL;
	uint64_t size;

	CHECK(key);
	l = make_ledger(key, 3);
	CHECK(l);
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 4);
	sdx_ledger_free(l);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	CHECK_STR(sdx_ledger_origin(l), "example.com/acme");
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 4);
	sdx_ledger_free(l);
	CHECK_ERR(sdx_ledger_create(&l, "t.db", key), SDX_EEXISTS);
	sdx_signer_free(key);
}

static void open_errors(void)
{
	sdx_ledger *l = NULL;
	FILE *f;

	CHECK_ERR(sdx_ledger_open(&l, "missing.db", 0), SDX_ENOTFOUND);
	f = fopen("junk.db", "w");
	CHECK(f);
	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	CHECK_ERR(sdx_ledger_open(&l, "junk.db", 0), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "junk.db") != NULL);
	CHECK(test_sql("t.db", "CREATE TABLE x(a)") == 0);
	CHECK_ERR(sdx_ledger_open(&l, "t.db", 0), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "not an sdx ledger") != NULL);
}

static void append_requires_canonical_and_own_key(void)
{
	sdx_signer *key = test_key("example.com/acme"), *other = NULL;
	unsigned char seed[32] = { 1 };
	sdx_ledger *l = make_ledger(key, 0);

	CHECK(l);
	CHECK_OK(sdx_signer_from_seed(&other, "example.com/acme", seed));
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_ERR(sdx_ledger_append(NULL, l, key, "note", "{ \"a\": 1 }", 10), SDX_EINVAL);
	CHECK_ERR(sdx_ledger_append(NULL, l, key, "note", "{\"b\":1,\"a\":2}", 13), SDX_EINVAL);
	CHECK_ERR(sdx_ledger_append(NULL, l, key, "note", "{\"a\":1,\"a\":2}", 13), SDX_EFORMAT);
	CHECK_ERR(sdx_ledger_append(NULL, l, key, "genesis", "{}", 2), SDX_EINVAL);
	CHECK_ERR(sdx_ledger_append(NULL, l, key, "Bad Type", "{}", 2), SDX_EINVAL);
	CHECK_ERR(sdx_ledger_append(NULL, l, other, "note", "{}", 2), SDX_EUNTRUSTED);
	CHECK_OK(sdx_ledger_append(NULL, l, key, "note", "{\"a\":1,\"b\":[1,2]}", 17));
	sdx_ledger_rollback(l);
	sdx_ledger_free(l);
	sdx_signer_free(other);
	sdx_signer_free(key);
}

static void chain_and_payload(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 2);
	sdx_entry *e0 = NULL, *e1 = NULL;
	char *payload = NULL, hex[65], want[160];
	unsigned char h0[32];
	size_t i, plen = 0;

	CHECK(l);
	CHECK_OK(sdx_ledger_entry(&e0, l, 0));
	CHECK_OK(sdx_ledger_entry(&e1, l, 1));
	CHECK_STR(e0->type, "genesis");
	/* version 3: each payload names the SHA-256 of the payload before it */
	CHECK_OK(sdx_entry_payload(&payload, &plen, e0));
	sdx__sha256(h0, payload, plen);
	free(payload);
	CHECK_OK(sdx_entry_payload(&payload, NULL, e1));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h0[i]);
	snprintf(want, sizeof(want), "\"prev_payload\":\"%s\"", hex);
	CHECK(strstr(payload, want) != NULL);
	snprintf(want, sizeof(want), "{\"attachments\":[],\"body\":{\"n\":0},\"index\":%s,\"key\":"
		 "\"example.com/acme+", SDX__INDEX_EMPTY);
	CHECK(strncmp(payload, want, strlen(want)) == 0);
	CHECK(strstr(payload, ",\"version\":4}") != NULL);
	CHECK(strstr(payload, "\"seq\":1,") != NULL);
	free(payload);
	sdx_entry_free(e0);
	sdx_entry_free(e1);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void proofs_match_checkpoint(void)
{
	unsigned char proof[SDX_MERKLE_MAX_PROOF][32], old_root[32];
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 300);
	sdx_checkpoint cp;
	sdx_entry *e = NULL;
	uint64_t i;
	size_t n;

	CHECK(l);
	CHECK_OK(sdx_ledger_get_checkpoint(NULL, NULL, &cp, l, 0));
	CHECK(cp.size == 301);
	for (i = 0; i < cp.size; i += 37) {
		CHECK_OK(sdx_ledger_entry(&e, l, i));
		CHECK_OK(sdx_ledger_prove_inclusion(proof, &n, l, i, cp.size));
		CHECK_OK(sdx_merkle_verify_inclusion(e->leaf_hash, i, cp.size, cp.root,
						     (const unsigned char (*)[32])proof, n));
		sdx_entry_free(e);
		e = NULL;
		CHECK_OK(sdx_ledger_root(old_root, l, i + 1));
		CHECK_OK(sdx_ledger_prove_consistency(proof, &n, l, i + 1, cp.size));
		CHECK_OK(sdx_merkle_verify_consistency(i + 1, cp.size, old_root, cp.root,
						       (const unsigned char (*)[32])proof, n));
	}
	CHECK_ERR(sdx_ledger_prove_inclusion(proof, &n, l, 301, 301), SDX_ENOTFOUND);
	CHECK_ERR(sdx_ledger_prove_inclusion(proof, &n, l, 0, 302), SDX_ENOTFOUND);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void checkpoints_are_kept(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 1);
	sdx_checkpoint a, b;
	char *note = NULL;

	CHECK(l);
	CHECK_OK(sdx_ledger_get_checkpoint(NULL, NULL, &a, l, 0));
	/* signing again without growth changes nothing */
	CHECK_OK(sdx_ledger_checkpoint(&note, NULL, l, key));
	free(note);
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_append(NULL, l, key, "note", "{}", 2));
	CHECK_OK(sdx_ledger_commit(l));
	CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, l, key));
	CHECK_OK(sdx_ledger_get_checkpoint(NULL, NULL, &b, l, 0));
	CHECK(a.size == 2 && b.size == 3);
	/* the first checkpoint covering size 1 is the genesis one */
	CHECK_OK(sdx_ledger_get_checkpoint(NULL, NULL, &a, l, 2));
	CHECK(a.size == 2);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void verify_passes(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 1000);
	sdx_verify_report rep;

	CHECK(l);
	CHECK_OK(sdx_ledger_verify(&rep, l, NULL));
	CHECK(rep.entries == 1001);
	CHECK(rep.checkpoints == 2);
	CHECK(rep.first_bad == -1);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

/* Tamper with the file by raw SQL, then expect verify to fail naming it. */
static void tamper_case(const char *sql, const char *expect)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 20);
	sdx_verify_report rep;
	int err;

	CHECK(l);
	sdx_ledger_free(l);
	l = NULL;
	CHECK(test_sql("t.db", sql) == 0);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	err = sdx_ledger_verify(&rep, l, NULL);
	if (err != SDX_EVERIFY || !strstr(sdx_error_last(), expect)) {
		fprintf(stdout, "# got: %s\n", sdx_error_last());
		test_fail(__FILE__, __LINE__, expect);
	}
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

#define DROP_E "DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete;"
#define RESTORE_E "CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'x'); END;" \
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'x'); END;"

static void tamper_entry_byte(void)
{
	/* flip one byte inside the base64 payload of entry 5 */
	tamper_case(DROP_E "UPDATE entries SET data = substr(data,1,30) || "
		    "CASE substr(data,31,1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(data,32) "
		    "WHERE idx = 5;" RESTORE_E, "entry 5");
}

static void tamper_delete_row(void)
{
	tamper_case(DROP_E "DELETE FROM entries WHERE idx = 7;" RESTORE_E, "entry 7 is missing");
}

static void tamper_delete_tail(void)
{
	tamper_case(DROP_E "DELETE FROM entries WHERE idx = 20;" RESTORE_E, "checkpoint 21");
}

static void tamper_reorder(void)
{
	tamper_case(DROP_E "UPDATE entries SET idx = 1000 WHERE idx = 3;"
		    "UPDATE entries SET idx = 3 WHERE idx = 4;"
		    "UPDATE entries SET idx = 4 WHERE idx = 1000;" RESTORE_E, "entry 3");
}

static void tamper_node_hash(void)
{
	tamper_case("DROP TRIGGER nodes_no_update; UPDATE nodes SET hash = zeroblob(32) "
		    "WHERE level = 2 AND idx = 1;"
		    "CREATE TRIGGER nodes_no_update BEFORE UPDATE ON nodes BEGIN SELECT RAISE(ABORT, 'x'); END;",
		    "level 2 index 1");
}

static void tamper_extra_node(void)
{
	tamper_case("INSERT INTO nodes VALUES(9, 9, zeroblob(32));", "stored tree hashes");
}

static void tamper_checkpoint(void)
{
	tamper_case("DROP TRIGGER checkpoints_no_update; UPDATE checkpoints SET note = "
		    "replace(note, 'example.com/acme', 'example.com/acmf') WHERE size = 21;"
		    "CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'x'); END;",
		    "checkpoint 21");
}

static void tamper_trigger_removed(void)
{
	tamper_case("DROP TRIGGER entries_no_delete;", "entries_no_delete");
}

static void triggers_refuse_rewrite(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 2);

	CHECK(l);
	sdx_ledger_free(l);
	CHECK(test_sql("t.db", "UPDATE entries SET type = 'x' WHERE idx = 1") != 0);
	CHECK(test_sql("t.db", "DELETE FROM entries WHERE idx = 2") != 0);
	CHECK(test_sql("t.db", "DELETE FROM nodes") != 0);
	CHECK(test_sql("t.db", "DELETE FROM checkpoints") != 0);
	sdx_signer_free(key);
}

/* Attachments an entry cites are listed in its signed header, sorted, each
 * once; each must be stored; verify finds one that went missing. */
static void cited_attachments(void)
{
	static const char *const drop =
		"DROP TRIGGER attachments_no_delete; DROP TRIGGER chunks_no_delete;"
		"DELETE FROM attachment_chunks WHERE hash = x'%s';"
		"DELETE FROM attachments WHERE hash = x'%s';"
		"CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments BEGIN SELECT "
		"RAISE(ABORT, 'sdx: ledger is append-only'); END;"
		"CREATE TRIGGER chunks_no_delete BEFORE DELETE ON attachment_chunks BEGIN SELECT "
		"RAISE(ABORT, 'sdx: ledger is append-only'); END;";
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 0);
	unsigned char h[3][32], none[1][32], lo[32], hi[32];
	char hex_lo[65], hex_hi[65], want[300], sql[1200];
	sdx_entry *e = NULL;
	sdx_entry_info info;
	char *payload = NULL;
	uint64_t size;
	int pass;

	CHECK(l);
	CHECK(test_write_file("a.txt", "report a\n") == 0 && test_write_file("b.txt", "report b\n") == 0);
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_attach_file(h[0], &size, l, "a.txt"));
	CHECK_OK(sdx_ledger_attach_file(h[1], &size, l, "b.txt"));
	memcpy(h[2], h[0], 32); /* a repeat */
	memset(none, 0xab, sizeof(none));
	CHECK_ERR(sdx_ledger_append_cited(NULL, l, key, "note", "{\"n\":1}", 7,
					  (const unsigned char (*)[32])none, 1), SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "attachment abababab") != NULL);
	CHECK_OK(sdx_ledger_append_cited(&info, l, key, "note", "{\"n\":1}", 7,
					 (const unsigned char (*)[32])h, 3));
	CHECK_OK(sdx_ledger_commit(l));
	memcpy(lo, memcmp(h[0], h[1], 32) < 0 ? h[0] : h[1], 32);
	memcpy(hi, memcmp(h[0], h[1], 32) < 0 ? h[1] : h[0], 32);
	sdx__hex(hex_lo, lo, 32);
	sdx__hex(hex_hi, hi, 32);
	CHECK_OK(sdx_ledger_entry(&e, l, info.index));
	CHECK_OK(sdx_entry_payload(&payload, NULL, e));
	snprintf(want, sizeof(want), "{\"attachments\":[\"%s\",\"%s\"],\"body\":{\"n\":1},", hex_lo,
		 hex_hi);
	CHECK(strncmp(payload, want, strlen(want)) == 0);
	free(payload);
	sdx_entry_free(e);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	vo.flags = SDX_VERIFY_BODIES;
	CHECK_OK(sdx_ledger_verify(NULL, l, &vo));
	sdx_ledger_free(l);
	l = NULL;
	snprintf(sql, sizeof(sql), drop, hex_hi, hex_hi);
	CHECK(test_sql("t.db", sql) == 0);
	snprintf(want, sizeof(want), "entry 1: cites attachment %s, which the ledger does not hold",
		 hex_hi);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	/* by position, and through the JSON path */
	for (pass = 0; pass < 2; pass++) {
		vo.flags = pass ? SDX_VERIFY_BODIES : 0;
		CHECK_ERR(sdx_ledger_verify(NULL, l, &vo), SDX_EVERIFY);
		if (!strstr(sdx_error_last(), want)) {
			fprintf(stdout, "# got: %s\n", sdx_error_last());
			CHECK(!"the missing attachment is named");
		}
	}
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void attachments(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 0);
	unsigned char hash[32], again[32];
	uint64_t size;
	size_t len;
	char *back;
	FILE *f;
	int i;

	CHECK(l);
	f = fopen("report.txt", "wb");
	CHECK(f);
	for (i = 0; i < 300000; i++)
		fputs("lab report line\n", f); /* several chunks */
	fclose(f);
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_attach_file(hash, &size, l, "report.txt"));
	CHECK(size == 300000u * 16);
	CHECK_OK(sdx_ledger_attach_file(again, &size, l, "report.txt")); /* no-op */
	CHECK_MEM(hash, again, 32);
	CHECK_ERR(sdx_ledger_attach_file(again, &size, l, "nope.txt"), SDX_ENOTFOUND);
	CHECK_OK(sdx_ledger_commit(l));
	CHECK(sdx_ledger_has_attachment(l, hash) == 1);
	CHECK_OK(sdx_ledger_export_attachment(l, hash, "back.txt"));
	back = test_read_file("back.txt", &len);
	CHECK(back && len == 300000u * 16);
	free(back);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;
	CHECK(test_sql("t.db", "DROP TRIGGER chunks_no_update; UPDATE attachment_chunks SET data = "
		      "zeroblob(10) WHERE n = 1;") == 0);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	CHECK_ERR(sdx_ledger_verify(NULL, l, NULL), SDX_EVERIFY);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void resolve_refs(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 10);
	sdx_entry *e = NULL;
	char hex[65];
	uint64_t idx;
	size_t i;

	CHECK(l);
	CHECK_OK(sdx_ledger_resolve(&idx, l, "3"));
	CHECK(idx == 3);
	CHECK_OK(sdx_ledger_entry(&e, l, 7));
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", e->leaf_hash[i]);
	sdx_entry_free(e);
	CHECK_OK(sdx_ledger_resolve(&idx, l, hex));
	CHECK(idx == 7);
	/* a prefix of 9 digits or more, long enough to hold a letter (all-decimal
	 * input is an index) */
	for (i = 9; i < 64 && strspn(hex, "0123456789") >= i; i++)
		;
	hex[i] = '\0';
	CHECK_OK(sdx_ledger_resolve(&idx, l, hex));
	CHECK(idx == 7);
	CHECK_ERR(sdx_ledger_resolve(&idx, l, "11"), SDX_ENOTFOUND);
	CHECK_ERR(sdx_ledger_resolve(&idx, l, "zz"), SDX_ENOTFOUND);
	CHECK_ERR(sdx_ledger_resolve(&idx, l, ""), SDX_ENOTFOUND);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void publish_tiles(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 599); /* 600 entries: 2 full tiles + .p/88 */
	sdx_publish_stats st;
	struct stat sb;
	unsigned char root[32];
	char *tile;
	size_t len;

	CHECK(l);
	CHECK_OK(sdx_ledger_publish(&st, l, "pub"));
	CHECK(st.size == 600);
	CHECK(stat("pub/checkpoint", &sb) == 0);
	CHECK(stat("pub/tile/0/000", &sb) == 0 && sb.st_size == 8192);
	CHECK(stat("pub/tile/0/001", &sb) == 0);
	CHECK(stat("pub/tile/0/002.p/88", &sb) == 0 && sb.st_size == 88 * 32);
	CHECK(stat("pub/tile/1/000.p/2", &sb) == 0 && sb.st_size == 64);
	CHECK(stat("pub/tile/entries/002.p/88", &sb) == 0);
	/* the level-1 tile holds the roots of the two full level-0 tiles */
	tile = test_read_file("pub/tile/1/000.p/2", &len);
	CHECK(tile);
	CHECK_OK(sdx_ledger_root(root, l, 256));
	CHECK_MEM(tile, root, 32);
	free(tile);
	/* a second run keeps full tiles */
	CHECK_OK(sdx_ledger_publish(&st, l, "pub"));
	CHECK(st.tiles_written == 0);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static void migrates_format_1(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 2);
	sdx_verifier *v = NULL;

	CHECK(l);
	sdx_ledger_free(l);
	l = NULL;
	/* what a format-1 file looked like */
	CHECK(test_sql("t.db", "DROP TABLE trusted_keys; DROP TABLE foreign_checkpoints; "
		      "DROP TABLE foreign_entries; DROP TABLE imports; DROP TABLE revoked_keys; "
		      "DROP TABLE foreign_keys; DROP TABLE foreign_consistency; "
		      "DROP TABLE registers; DROP TABLE bindings; DROP TABLE binding_ids; "
		      "DROP TABLE binding_roles; DROP TABLE intro_policy; DROP TABLE introduced_keys; "
		      "DROP TABLE own_introductions; DROP TABLE api_tokens; DROP TABLE cosignatures; "
		      "DROP TABLE witness_logs; DROP TABLE witness_heads; DROP TABLE disclosures; "
		      "PRAGMA user_version = 1;") == 0);
	CHECK_OK(sdx_ledger_open(&l, "t.db", SDX_OPEN_READONLY));
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;
	CHECK_OK(sdx_ledger_open(&l, "t.db", 0));
	CHECK_OK(sdx_signer_verifier(&v, key));
	CHECK_OK(sdx_ledger_trust_add(l, v, "ourselves"));
	CHECK_ERR(sdx_ledger_trust_add(l, v, NULL), SDX_EEXISTS);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	CHECK(test_sql("t.db", "PRAGMA user_version = 99;") == 0);
	sdx_ledger_free(l);
	l = NULL;
	CHECK_ERR(sdx_ledger_open(&l, "t.db", 0), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "newer than this sdx") != NULL);
	sdx_verifier_free(v);
	sdx_signer_free(key);
}

static int count_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	(void)v; (void)label; (void)added;
	(*(int *)ctx)++;
	return 0;
}

static void trusted_keys(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 0);
	sdx_verifier *a = NULL, *b = NULL;
	unsigned char pk[32] = { 1 };
	size_t removed = 0;
	int n = 0;

	CHECK(l);
	CHECK_OK(sdx_verifier_new(&a, "example.com/supplier-a", pk));
	pk[0] = 2;
	CHECK_OK(sdx_verifier_new(&b, "example.com/supplier-b", pk));
	CHECK_OK(sdx_ledger_trust_add(l, a, "PVC compound supplier"));
	CHECK_OK(sdx_ledger_trust_add(l, b, NULL));
	CHECK_OK(sdx_ledger_foreach_trusted(l, count_trusted, &n));
	CHECK(n == 2);
	CHECK_OK(sdx_ledger_trust_remove(&removed, l, "example.com/supplier-a"));
	CHECK(removed == 1);
	CHECK_ERR(sdx_ledger_trust_remove(&removed, l, "example.com/supplier-a"), SDX_ENOTFOUND);
	n = 0;
	CHECK_OK(sdx_ledger_foreach_trusted(l, count_trusted, &n));
	CHECK(n == 1);
	/* trust is local policy: changing it does not disturb the audit */
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_verifier_free(a);
	sdx_verifier_free(b);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

/*
 * A decimal REF is an index, never a hash prefix: `sdx show 2494` once showed
 * the entry whose leaf hash starts with 2494 (found by the crash torture).
 */
static void decimal_refs_are_indexes(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 60);
	sdx_entry *e = NULL;
	char hex[65], digits[5];
	uint64_t idx, i;
	int found = 0;

	CHECK(l);
	for (i = 1; i <= 60 && !found; i++) {
		CHECK_OK(sdx_ledger_entry(&e, l, i));
		for (int k = 0; k < 32; k++)
			snprintf(hex + 2 * k, 3, "%02x", e->leaf_hash[k]);
		sdx_entry_free(e);
		e = NULL;
		if (strspn(hex, "0123456789") >= 4 && strtoul(hex, NULL, 10) >= 100) {
			memcpy(digits, hex, 4);
			digits[4] = '\0';
			found = 1;
		}
	}
	CHECK(found); /* 60 entries: a 4-decimal-digit prefix is all but certain */
	if (strtoul(digits, NULL, 10) > 60) {
		CHECK_ERR(sdx_ledger_resolve(&idx, l, digits), SDX_ENOTFOUND);
	} else {
		CHECK_OK(sdx_ledger_resolve(&idx, l, digits));
		CHECK(idx == strtoul(digits, NULL, 10));
	}
	/* the same digits with the next hex digit of the hash are a prefix again */
	hex[5] = '\0';
	if (strspn(hex, "0123456789") < 5) {
		CHECK_OK(sdx_ledger_resolve(&idx, l, hex));
		CHECK(idx == i - 1);
	}
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

/* The statement helper of ledger/db.h: typed binds, cached statements, errors. */
static void statement_helper(void)
{
	sdx_signer *key = test_key("example.com/acme");
	sdx_ledger *l = make_ledger(key, 0);
	sqlite3_stmt *cache = NULL;
	struct sdx__stmt s;
	unsigned char h[32];
	int i;

	CHECK(l);
	memset(h, 0xab, sizeof(h));
	CHECK_OK(sdx__db_exec(l, "CREATE TEMP TABLE t(k INTEGER PRIMARY KEY, b BLOB NOT NULL, "
			      "x TEXT)"));
	/* a cached statement reused with new values; an empty blob is a blob, not NULL */
	for (i = 0; i < 3; i++)
		CHECK(sdx__db_run(l, &cache, "test", "INSERT INTO t(k, b, x) VALUES(?, ?, ?)",
				  SDX__INT(i), SDX__BLOB(i ? h : NULL, i ? 32 : 0),
				  SDX__TEXT(i == 2 ? NULL : "x")) == 0);
	CHECK(cache != NULL);
	CHECK(sdx__stmt(&s, l, NULL, "test", "SELECT k, length(b), typeof(b), x FROM t "
			"WHERE k <= ? ORDER BY k", SDX__INT(2)) == 0);
	for (i = 0; sdx__stmt_step(&s) == 1; i++) {
		CHECK(sqlite3_column_int(s.st, 0) == i);
		CHECK(sqlite3_column_int(s.st, 1) == (i ? 32 : 0));
		CHECK_STR((const char *)sqlite3_column_text(s.st, 2), "blob");
		CHECK((sqlite3_column_type(s.st, 3) == SQLITE_NULL) == (i == 2));
	}
	sdx__stmt_end(&s);
	sdx__stmt_end(&s);
	CHECK(i == 3);
	CHECK(sdx__db_run(l, NULL, "test", "SELECT b FROM t WHERE k = ?", SDX__INT(1)) == 1);
	CHECK(sdx__db_run(l, NULL, "test", "SELECT b FROM t WHERE k = ?", SDX__INT(9)) == 0);
	/* SQLite's errors as SDX_E* codes, with the file, the operation and the reason */
	CHECK_ERR(sdx__db_run(l, &cache, "storing t", "INSERT INTO t(k, b, x) VALUES(?, ?, ?)",
			      SDX__INT(1), SDX__HASH(h), SDX__TEXT("y")), SDX_ECONFLICT);
	CHECK(strstr(sdx_error_last(), "'t.db': storing t: UNIQUE constraint failed") != NULL);
	CHECK_ERR(sdx__db_run(l, NULL, "reading u", "SELECT * FROM u"), SDX_EIO);
	CHECK(strstr(sdx_error_last(), "reading u: no such table: u") != NULL);
	CHECK(sdx__db_run(l, &cache, "test", "INSERT INTO t(k, b, x) VALUES(?, ?, ?)",
			  SDX__INT(5), SDX__HASH(h), SDX__TEXT("z")) == 0);
	sqlite3_finalize(cache); /* before the ledger: a connection closes only without statements */
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static const struct test_case tests[] = {
	{ "statement helper: binds, cache, errors", statement_helper },
	{ "decimal refs are indexes, not hash prefixes", decimal_refs_are_indexes },
	{ "format 1 files are read and upgraded", migrates_format_1 },
	{ "trusted keys: add, list, remove", trusted_keys },
	{ "create and reopen", create_and_reopen },
	{ "open errors name the file", open_errors },
	{ "append requires canonical body and own key", append_requires_canonical_and_own_key },
	{ "cited attachments in the signed header", cited_attachments },
	{ "entries chain by payload hash", chain_and_payload },
	{ "proofs verify against the checkpoint", proofs_match_checkpoint },
	{ "checkpoints are kept and only grow", checkpoints_are_kept },
	{ "verify passes on a good ledger", verify_passes },
	{ "tamper: one entry byte", tamper_entry_byte },
	{ "tamper: deleted row", tamper_delete_row },
	{ "tamper: deleted last row", tamper_delete_tail },
	{ "tamper: reordered rows", tamper_reorder },
	{ "tamper: stored hash", tamper_node_hash },
	{ "tamper: extra hash", tamper_extra_node },
	{ "tamper: checkpoint", tamper_checkpoint },
	{ "tamper: trigger removed", tamper_trigger_removed },
	{ "triggers refuse rewrites", triggers_refuse_rewrite },
	{ "attachments stream, export and verify", attachments },
	{ "resolve index and hash prefix", resolve_refs },
	{ "publish tlog tiles", publish_tiles },
	{ NULL, NULL }
};

TEST_MAIN(tests)
