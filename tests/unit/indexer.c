/*
 * Unit tests for the index hooks (ledger/indexer.h): a test indexer keeps a
 * table of every entry it was shown, and counts its calls.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "harness.h"
#include "ledger/store.h"
#include "ledger/indexer.h"
#include "sdx.h"

struct counts {
	int own, imported, migrations, last_from;
	int outside_tx;     /* a hook ran outside a transaction */
	int unseen;         /* on_entry ran before the entry's row was there */
	int fail_at;        /* fail the on_entry call of this number (1-based; 0: never) */
	int calls;
	char origin[SDX_NAME_MAX + 1]; /* of the last imported entry */
};

static struct counts seen;

static int test_migrate(void *ctx, sdx_ledger *l, int from);
static int test_on_entry(void *ctx, sdx_ledger *l, const struct sdx__indexed_entry *e);

static struct sdx__indexer test_indexer = { "test", 1, &seen, test_migrate, test_on_entry, NULL,
					    NULL };

static int index_row(void *ctx, const sdx_entry *e)
{
	sdx_ledger *l = ctx;
	int err = sdx__db_run(l, NULL, "test index", "INSERT INTO test_index(origin, idx, own) "
			      "VALUES(?, ?, 1)", SDX__TEXT(sdx_ledger_origin(l)), SDX__INT(e->index));

	return err < 0 ? err : 0;
}

static int test_migrate(void *ctx, sdx_ledger *l, int from)
{
	struct counts *c = ctx;
	int err;

	c->migrations++;
	c->last_from = from;
	if (sqlite3_get_autocommit(l->db))
		c->outside_tx++;
	if (from > 0)
		return 0;
	/* a new index is filled from what the ledger holds already */
	if ((err = sdx__db_exec(l, "CREATE TABLE test_index(origin TEXT NOT NULL, idx INTEGER "
				"NOT NULL, own INTEGER NOT NULL)")) < 0)
		return err;
	return sdx_ledger_foreach(l, 0, UINT64_MAX, index_row, l);
}

static int test_on_entry(void *ctx, sdx_ledger *l, const struct sdx__indexed_entry *e)
{
	struct counts *c = ctx;
	int err;

	if (++c->calls == c->fail_at)
		return sdx_error_set(SDX_EIO, "test hook failed on purpose");
	if (sqlite3_get_autocommit(l->db))
		c->outside_tx++;
	err = sdx__db_run(l, NULL, "test index", e->own
			  ? "SELECT 1 FROM entries WHERE idx = ? AND leaf = ?"
			  : "SELECT 1 FROM foreign_entries WHERE idx = ? AND leaf = ?",
			  SDX__INT(e->index), SDX__HASH(e->leaf));
	if (err < 0)
		return err;
	if (err == 0)
		c->unseen++;
	if (e->own) {
		c->own++;
	} else {
		c->imported++;
		snprintf(c->origin, sizeof(c->origin), "%s", e->origin);
	}
	err = sdx__db_run(l, NULL, "test index", "INSERT INTO test_index(origin, idx, own) "
			  "VALUES(?, ?, ?)", SDX__TEXT(e->origin), SDX__INT(e->index),
			  SDX__INT(e->own));
	return err < 0 ? err : 0;
}

static sdx_signer *test_key(const char *name, int seed_byte)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, seed_byte, sizeof(seed));
	if (sdx_signer_from_seed(&s, name, seed) < 0)
		return NULL;
	return s;
}

/* One integer from SQL on the ledger's file (-1 on error). */
static int64_t count(sdx_ledger *l, const char *sql)
{
	struct sdx__stmt s;
	int64_t n = -1;

	if (sdx__stmt(&s, l, NULL, "test", sql) < 0)
		return -1;
	if (sdx__stmt_step(&s) == 1)
		n = sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return n;
}

static int append_notes(sdx_ledger *l, const sdx_signer *k, int n)
{
	char body[32];
	int i, err;

	if ((err = sdx_ledger_begin(l)) < 0)
		return err;
	for (i = 0; i < n; i++) {
		snprintf(body, sizeof(body), "{\"n\":%d}", i);
		if ((err = sdx_ledger_append(NULL, l, k, "note", body, strlen(body))) < 0) {
			sdx_ledger_rollback(l);
			return err;
		}
	}
	if ((err = sdx_ledger_checkpoint(NULL, NULL, l, k)) < 0 || (err = sdx_ledger_commit(l)) < 0)
		return err;
	return 0;
}

static void start(void)
{
	memset(&seen, 0, sizeof(seen));
	test_indexer.version = 1;
	sdx__indexer_unregister(&test_indexer);
}

static void once_per_own_append(void)
{
	sdx_signer *k = test_key("example.com/acme", 7);
	sdx_ledger *l = NULL;
	uint64_t size;
	int v;

	start();
	CHECK(k);
	CHECK_OK(sdx__indexer_register(&test_indexer));
	CHECK_ERR(sdx__indexer_register(&test_indexer), SDX_EEXISTS);
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	/* set up before the genesis entry, which it then indexes */
	CHECK(seen.migrations == 1 && seen.last_from == 0);
	CHECK(seen.own == 1);
	CHECK_OK(append_notes(l, k, 3));
	CHECK(seen.own == 4 && seen.imported == 0);
	CHECK(seen.outside_tx == 0 && seen.unseen == 0);
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 4);
	CHECK(count(l, "SELECT count(*) FROM test_index WHERE own = 1") == 4);
	CHECK_OK(sdx__index_version(l, "test", &v));
	CHECK(v == 1);
	/* the index tables do not disturb the audit */
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;
	/* an index up to date is not migrated again */
	CHECK_OK(sdx_ledger_open(&l, "t.db", 0));
	CHECK(seen.migrations == 1);
	sdx_ledger_free(l);
	sdx__indexer_unregister(&test_indexer);
	sdx_signer_free(k);
}

/* A supplier's ledger of n notes exported whole to b.sdxb; its key's verifier in *v. */
static int supplier_bundle(int n, sdx_verifier **v)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_signer *k = test_key("example.com/supplier", 9);
	sdx_ledger *l = NULL;
	int err;

	if (!k)
		return -100;
	eo.all = 1;
	if ((err = sdx_ledger_create(&l, "s.db", k)) < 0 || (err = append_notes(l, k, n)) < 0 ||
	    (err = sdx_bundle_export(NULL, l, k, &eo, "b.sdxb")) < 0 ||
	    (err = sdx_signer_verifier(v, k)) < 0)
		goto done;
done:
	sdx_ledger_free(l);
	sdx_signer_free(k);
	return err;
}

static int import(sdx_ledger *l, const sdx_signer *k, sdx_verifier *trusted)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_import_result res;
	int err;

	o.trusted = &trusted;
	o.n_trusted = 1;
	err = sdx_bundle_import(&res, l, k, "b.sdxb", &o);
	sdx_import_result_clear(&res);
	return err;
}

static void once_per_imported_entry(void)
{
	sdx_signer *k = test_key("example.com/maker", 8);
	sdx_verifier *sv = NULL;
	sdx_ledger *l = NULL;

	start();
	CHECK(k);
	CHECK_OK(sdx__indexer_register(&test_indexer));
	CHECK_OK(supplier_bundle(2, &sv));
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	memset(&seen, 0, sizeof(seen));
	CHECK_OK(import(l, k, sv));
	/* the supplier's three entries, and the receipt on the own chain */
	CHECK(seen.imported == 3 && seen.own == 1);
	CHECK_STR(seen.origin, "example.com/supplier");
	CHECK(seen.outside_tx == 0 && seen.unseen == 0);
	CHECK(count(l, "SELECT count(*) FROM test_index WHERE own = 0 AND "
		  "origin = 'example.com/supplier'") == 3);
	/* the same bundle again stores nothing new, and shows nothing again */
	CHECK_OK(import(l, k, sv));
	CHECK(seen.imported == 3 && seen.own == 1);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	sdx_verifier_free(sv);
	sdx__indexer_unregister(&test_indexer);
	sdx_signer_free(k);
}

static void failing_hook_writes_nothing(void)
{
	sdx_signer *k = test_key("example.com/acme", 7);
	sdx_verifier *sv = NULL;
	sdx_ledger *l = NULL;
	uint64_t size, after;
	int64_t entries, nodes, indexed;

	start();
	CHECK(k);
	CHECK_OK(sdx__indexer_register(&test_indexer));
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(append_notes(l, k, 2));
	entries = count(l, "SELECT count(*) FROM entries");
	nodes = count(l, "SELECT count(*) FROM nodes");
	indexed = count(l, "SELECT count(*) FROM test_index");
	CHECK(entries == 3 && indexed == 3);
	/* an own append: refused, with the hook's message; the transaction goes on */
	seen.fail_at = seen.calls + 1;
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_ERR(sdx_ledger_append(NULL, l, k, "note", "{}", 2), SDX_EIO);
	CHECK(strstr(sdx_error_last(), "index 'test': test hook failed on purpose") != NULL);
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 3);
	CHECK(count(l, "SELECT count(*) FROM entries") == entries);
	CHECK(count(l, "SELECT count(*) FROM nodes") == nodes);
	CHECK(count(l, "SELECT count(*) FROM test_index") == indexed);
	CHECK_OK(sdx_ledger_append(NULL, l, k, "note", "{}", 2));
	CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, l, k));
	CHECK_OK(sdx_ledger_commit(l));
	CHECK(count(l, "SELECT count(*) FROM test_index") == indexed + 1);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	/* an import: refused as a whole when the hook fails on its second entry */
	CHECK_OK(supplier_bundle(2, &sv));
	CHECK_OK(sdx_ledger_size(&size, l));
	entries = count(l, "SELECT count(*) FROM entries");
	indexed = count(l, "SELECT count(*) FROM test_index");
	seen.fail_at = seen.calls + 2;
	CHECK_ERR(import(l, k, sv), SDX_EIO);
	CHECK(strstr(sdx_error_last(), "test hook failed on purpose") != NULL);
	CHECK_OK(sdx_ledger_size(&after, l));
	CHECK(after == size);
	CHECK(count(l, "SELECT count(*) FROM entries") == entries);
	CHECK(count(l, "SELECT count(*) FROM foreign_entries") == 0);
	CHECK(count(l, "SELECT count(*) FROM foreign_checkpoints") == 0);
	CHECK(count(l, "SELECT count(*) FROM imports") == 0);
	CHECK(count(l, "SELECT count(*) FROM test_index") == indexed);
	/* and goes through once the hook does */
	seen.fail_at = 0;
	CHECK_OK(import(l, k, sv));
	CHECK(count(l, "SELECT count(*) FROM foreign_entries") == 3);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	sdx_verifier_free(sv);
	sdx__indexer_unregister(&test_indexer);
	sdx_signer_free(k);
}

static int gunzip(const char *from, const char *to)
{
	gzFile in = gzopen(from, "rb");
	FILE *out = fopen(to, "wb");
	char buf[65536];
	int n, err = 0;

	if (!in || !out)
		err = -1;
	while (!err && (n = gzread(in, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			err = -1;
	if (in && gzclose(in) != Z_OK)
		err = -1;
	if (out && fclose(out) != 0)
		err = -1;
	return err;
}

static void migrates_an_older_ledger(void)
{
	sdx_ledger *l = NULL;
	uint64_t size;
	int v;

	start();
	CHECK(gunzip(test_data("v1/v1.db.gz"), "v1.db") == 0);
	CHECK_OK(sdx__indexer_register(&test_indexer));
	/* a reader leaves the file as it is */
	CHECK_OK(sdx_ledger_open(&l, "v1.db", SDX_OPEN_READONLY));
	CHECK(seen.migrations == 0);
	CHECK_OK(sdx__index_version(l, "test", &v));
	CHECK(v == 0);
	sdx_ledger_free(l);
	l = NULL;
	/* a writer builds the index from the entries held */
	CHECK_OK(sdx_ledger_open(&l, "v1.db", 0));
	CHECK(seen.migrations == 1 && seen.last_from == 0 && seen.outside_tx == 0);
	CHECK_OK(sdx_ledger_size(&size, l));
	CHECK(size == 3);
	CHECK(count(l, "SELECT count(*) FROM test_index") == 3);
	CHECK_OK(sdx__index_version(l, "test", &v));
	CHECK(v == 1);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	l = NULL;
	/* a newer indexer migrates from the version stored */
	test_indexer.version = 2;
	CHECK_OK(sdx_ledger_open(&l, "v1.db", 0));
	CHECK(seen.migrations == 2 && seen.last_from == 1);
	CHECK_OK(sdx__index_version(l, "test", &v));
	CHECK(v == 2);
	sdx_ledger_free(l);
	l = NULL;
	/* an older one refuses to write to an index it does not understand */
	test_indexer.version = 1;
	CHECK_ERR(sdx_ledger_open(&l, "v1.db", 0), SDX_EFORMAT);
	CHECK(strstr(sdx_error_last(), "index 'test' is of version 2") != NULL);
	CHECK_OK(sdx_ledger_open(&l, "v1.db", SDX_OPEN_READONLY));
	sdx_ledger_free(l);
	sdx__indexer_unregister(&test_indexer);
}

static void no_indexer_no_table(void)
{
	sdx_signer *k = test_key("example.com/acme", 7);
	sdx_ledger *l = NULL;

	start();
	CHECK(k);
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(append_notes(l, k, 1));
	CHECK(seen.calls == 0 && seen.migrations == 0);
	/* without an indexer a ledger file is what it always was */
	CHECK(count(l, "SELECT count(*) FROM sqlite_master WHERE name = 'index_versions'") == 0);
	sdx_ledger_free(l);
	sdx_signer_free(k);
}

static const struct test_case tests[] = {
	{ "called once per own append, inside the transaction", once_per_own_append },
	{ "called once per imported entry, inside the transaction", once_per_imported_entry },
	{ "a failing hook leaves the ledger unchanged", failing_hook_writes_nothing },
	{ "migrate runs for an older ledger", migrates_an_older_ledger },
	{ "no indexer, no index table", no_indexer_no_table },
	{ NULL, NULL }
};

TEST_MAIN(tests)
