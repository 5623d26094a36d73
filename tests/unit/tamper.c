/*
 * Tamper sweep: flip bytes of everything a small ledger stores (entries, tree
 * hashes, checkpoints, their index columns, attachment chunks) and of a small
 * bundle file, and require every flip to be caught: sdx_ledger_verify or
 * sdx_bundle_verify fails (never "ok", never "only untrusted"), and nothing
 * crashes.  Prints what it tried and caught.
 *
 * Ledger bytes are changed as an attacker with the file would (the append-only
 * trigger dropped around an UPDATE, then put back), and restored after each
 * check.  SDX_TAMPER_ALL=1 flips every byte of every blob; the
 * default flips every byte of blobs up to 512 bytes and, in longer ones, every
 * byte of the first and last 256 and every 3rd byte between.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>
#include <zlib.h>

#include "harness.h"
#include "sdx.h"
#include "ledger/entry.h"

static int all_bytes(void)
{
	const char *e = getenv("SDX_TAMPER_ALL");

	return e && strcmp(e, "1") == 0;
}

static int sampled(size_t i, size_t n)
{
	return all_bytes() || n <= 512 || i < 128 || i >= n - 128 || i % 13 == 0;
}

static sdx_signer *key(void)
{
	unsigned char seed[32] = { 9 };
	sdx_signer *s = NULL;

	return sdx_signer_from_seed(&s, "example.com/acme", seed) < 0 ? NULL : s;
}

/* genesis + 3 declarations, attachments, a checkpoint after each call */
static int make_ledger(sdx_signer *k, const char *path)
{
	static const char *const files[] = { "pvc-compound-declaration.json",
					     "pigment-declaration.json",
					     "pp-food-contact-declaration.json" };
	static const char *const reports[] = { "cnas-l1234-report-2026-0917.txt",
					       "cnas-l5678-report-2026-0821.txt",
					       "pp-migration-report-2026-0802.txt" };
	sdx_ledger *l = NULL;
	char rel[200], *text;
	size_t len, i;
	int err;

	if ((err = sdx_ledger_create(&l, path, k)) < 0)
		return err;
	for (i = 0; i < 3 && !err; i++) {
		if ((err = sdx_ledger_begin(l)) < 0)
			break;
		snprintf(rel, sizeof(rel), "../../examples/data/reports/%s", reports[i]);
		if ((err = sdx_ledger_attach_file(NULL, NULL, l, test_data(rel))) < 0)
			break;
		snprintf(rel, sizeof(rel), "../../examples/data/%s", files[i]);
		text = test_read_file(test_data(rel), &len);
		err = text ? sdx_record_append(NULL, l, k, "declaration", text, len, files[i]) : -1;
		free(text);
		if (!err)
			err = sdx_ledger_checkpoint(NULL, NULL, l, k);
		if (!err)
			err = sdx_ledger_commit(l);
	}
	sdx_ledger_free(l);
	return err;
}

static int ledger_ok(const char *path)
{
	sdx_ledger *l = NULL;
	int err;

	if ((err = sdx_ledger_open(&l, path, SDX_OPEN_READONLY)) == 0) {
		sdx_verify_options o = SDX_VERIFY_OPTIONS_INIT;
		o.threads = 1;
		err = sdx_ledger_verify(NULL, l, &o);
	}
	sdx_ledger_free(l);
	sdx_error_clear();
	return err == 0;
}

struct sweep {
	unsigned long tried, caught, same;
	char first_miss[512];
};

/* Set a value behind sdx's back: drop the table's update trigger, UPDATE, put it back. */
static const char *key_of(const char *table)
{
	/* a text key of each row; WITHOUT ROWID tables by their primary keys */
	if (strcmp(table, "nodes") == 0)
		return "(level || '/' || idx)";
	if (strcmp(table, "attachment_chunks") == 0)
		return "(hex(hash) || '/' || n)";
	return "CAST(rowid AS TEXT)";
}

static int poke(sqlite3 *db, const char *table, const char *column, const char *row,
		int type, const unsigned char *v, int n)
{
	sqlite3_stmt *st = NULL;
	char sql[300], *trig = NULL;
	int rc;

	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof(sql), "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
		 "AND tbl_name = '%s' AND sql LIKE '%%BEFORE UPDATE%%'", table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW) {
		char drop[200];
		trig = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(drop, sizeof(drop), "DROP TRIGGER %s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
		if (sqlite3_exec(db, drop, NULL, NULL, NULL) != SQLITE_OK) {
			sqlite3_free(trig);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	} else {
		sqlite3_finalize(st);
	}
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?", table, column,
		 key_of(table));
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc == SQLITE_OK) {
		if (type == SQLITE_TEXT)
			sqlite3_bind_text(st, 1, (const char *)v, n, SQLITE_STATIC);
		else
			sqlite3_bind_blob(st, 1, v, n, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, row, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_finalize(st);
	}
	if (trig && sqlite3_exec(db, trig, NULL, NULL, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	sqlite3_free(trig);
	if (sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		rc = SQLITE_ERROR;
	return rc == SQLITE_OK ? 0 : -1;
}

/* Does a changed stored row of entries.data rebuild the same envelope as the
 * original?  An LZ4 block (schema 14) can encode the same payload in more
 * than one way, as deflate can a bundle: such a change alters nothing that is
 * signed, hashed or read. */
static int same_entry(const unsigned char *was, const unsigned char *now, size_t n)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int same;

	same = was[0] == 0x02 && sdx__entry_unpack(&a, &alen, was, n) == 1 &&
	       sdx__entry_unpack(&b, &blen, now, n) == 1 && alen == blen && !memcmp(a, b, alen);
	free(a);
	free(b);
	return same;
}

/* Flip bytes of one column of every row of `table`. */
static int sweep_column(struct sweep *s, sqlite3 *db, const char *path, const char *table,
			const char *column)
{
	sqlite3_stmt *st = NULL;
	char sql[200];
	int rc;

	snprintf(sql, sizeof(sql), "SELECT %s, %s, typeof(%s) = 'text' FROM %s", key_of(table),
		 column, column, table);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char row[200];
		int n = sqlite3_column_bytes(st, 1), i;
		int type = sqlite3_column_int(st, 2) ? SQLITE_TEXT : SQLITE_BLOB;
		unsigned char *v = malloc((size_t)n + 1), *orig = malloc((size_t)n + 1);

		if (!v || !orig) {
			free(v);
			free(orig);
			break;
		}
		snprintf(row, sizeof(row), "%s", (const char *)sqlite3_column_text(st, 0));
		memcpy(v, sqlite3_column_blob(st, 1), (size_t)n);
		memcpy(orig, v, (size_t)n);
		for (i = 0; i < n; i++) {
			/* the low bit everywhere sampled; the high bit too in short values
			 * (signatures, hashes, notes), where a byte over 0x7f once went
			 * unnoticed by a lenient base64 decoder */
			static const unsigned char masks[] = { 0x01, 0x80 };
			for (size_t m = 0; m < (n <= 512 ? 2u : 1u); m++) {
				if (!sampled((size_t)i, (size_t)n))
					continue;
				v[i] ^= masks[m];
				if (poke(db, table, column, row, type, v, n) < 0) {
					free(v);
					free(orig);
					sqlite3_finalize(st);
					return -1;
				}
				s->tried++;
				if (!ledger_ok(path))
					s->caught++;
				else if (!strcmp(column, "data") && !strcmp(table, "entries") &&
					 same_entry(orig, v, (size_t)n))
					s->same++;
				else if (!s->first_miss[0])
					snprintf(s->first_miss, sizeof(s->first_miss), "%s.%s row %s "
						 "byte %d (xor %#x)", table, column, row, i, masks[m]);
				v[i] ^= masks[m];
				if (poke(db, table, column, row, type, v, n) < 0) {
					free(v);
					free(orig);
					sqlite3_finalize(st);
					return -1;
				}
			}
		}
		free(v);
		free(orig);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void ledger_sweep(void)
{
	static const char *const cols[][2] = {
		{ "entries", "data" }, { "entries", "leaf" }, { "entries", "type" },
		{ "entries", "time" }, { "nodes", "hash" }, { "checkpoints", "note" },
		{ "checkpoints", "root" }, { "attachment_chunks", "data" }, { "keys", "pubkey" },
		{ "meta", "value" },
	};
	sdx_signer *k = key();
	struct sweep s;
	sqlite3 *db = NULL;
	size_t i;

	memset(&s, 0, sizeof(s));
	CHECK(k);
	CHECK_OK(make_ledger(k, "t.db"));
	CHECK(ledger_ok("t.db"));
	CHECK(sqlite3_open("t.db", &db) == SQLITE_OK);
	/* the attacker's own writes need not reach the disk */
	CHECK(sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL) == SQLITE_OK);
	for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		if (sweep_column(&s, db, "t.db", cols[i][0], cols[i][1]) != 0) {
			printf("# %s.%s: %s\n", cols[i][0], cols[i][1], sqlite3_errmsg(db));
			CHECK(0);
		}
	sqlite3_close(db);
	CHECK(ledger_ok("t.db")); /* everything was put back */
	printf("# tamper: ledger: %lu flips tried, %lu detected, %lu changed only the LZ4 "
	       "encoding of a payload (the same entry once decompressed)%s%s\n", s.tried,
	       s.caught, s.same, s.first_miss[0] ? "; first missed: " : "", s.first_miss);
	CHECK(s.tried > 1000);
	CHECK(s.caught + s.same == s.tried && s.same < s.tried / 100);
	sdx_signer_free(k);
}

static int bundle_verdict(const char *path, sdx_verifier *v)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	int err;

	o.trusted = &v;
	o.n_trusted = 1;
	o.threads = 1;
	err = sdx_bundle_verify(NULL, path, &o);
	sdx_error_clear();
	return err;
}

/* The decompressed bytes of a gzip file (malloc'd), NULL if it does not inflate. */
static unsigned char *inflated(const unsigned char *data, size_t len, size_t *out_len)
{
	z_stream z;
	size_t cap = 1 << 20, n = 0;
	unsigned char *out = malloc(cap);
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (!out || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
		free(out);
		return NULL;
	}
	z.next_in = (unsigned char *)data;
	z.avail_in = (uInt)len;
	while (rc == Z_OK) {
		if (n == cap) {
			unsigned char *p = realloc(out, cap * 2);
			if (!p)
				break;
			out = p;
			cap *= 2;
		}
		z.next_out = out + n;
		z.avail_out = (uInt)(cap - n);
		rc = inflate(&z, Z_NO_FLUSH);
		n = cap - z.avail_out;
	}
	inflateEnd(&z);
	if (rc != Z_STREAM_END || z.avail_in != 0) {
		free(out);
		return NULL;
	}
	*out_len = n;
	return out;
}

static void bundle_sweep(void)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_signer *k = key();
	sdx_verifier *v = NULL;
	sdx_ledger *l = NULL;
	unsigned char *data;
	size_t len, i;
	unsigned long tried = 0, caught = 0, same = 0;
	unsigned char *orig, *now;
	size_t orig_len, now_len;
	long first_miss = -1;
	FILE *f;
	int rc;

	CHECK(k);
	CHECK_OK(make_ledger(k, "t.db"));
	CHECK_OK(sdx_ledger_open(&l, "t.db", 0));
	eo.all = 1;
	CHECK_OK(sdx_bundle_export(NULL, l, k, &eo, "b.sdxb"));
	sdx_ledger_free(l);
	CHECK_OK(sdx_signer_verifier(&v, k));
	CHECK(bundle_verdict("b.sdxb", v) == 0);
	CHECK((data = (unsigned char *)test_read_file("b.sdxb", &len)) != NULL);
	CHECK((orig = inflated(data, len, &orig_len)) != NULL);
	for (i = 0; i < len; i++) {
		if (!sampled(i, len))
			continue;
		data[i] ^= 0x01;
		CHECK((f = fopen("x.sdxb", "wb")) != NULL);
		CHECK(fwrite(data, 1, len, f) == len);
		fclose(f);
		tried++;
		rc = bundle_verdict("x.sdxb", v);
		if (rc < 0 && rc != SDX_EUNTRUSTED) {
			caught++;
		} else if ((now = inflated(data, len, &now_len)) && now_len == orig_len &&
			   memcmp(now, orig, orig_len) == 0) {
			/* deflate can say the same thing in other bits (an unused code
			 * length): the bundle is byte for byte the same once inflated */
			same++;
			free(now);
		} else {
			free(now);
			if (first_miss < 0)
				first_miss = (long)i;
			printf("# tamper: bundle byte %zu flipped and not detected\n", i);
		}
		data[i] ^= 0x01;
	}
	printf("# tamper: bundle (%zu bytes): %lu flips tried, %lu detected, %lu changed only the "
	       "deflate encoding (identical content once inflated)", len, tried, caught, same);
	if (first_miss >= 0)
		printf("; first missed at byte %ld", first_miss);
	printf("\n");
	free(data);
	free(orig);
	sdx_verifier_free(v);
	sdx_signer_free(k);
	CHECK(tried > 1000);
	CHECK(caught + same == tried);
}

/* The emit callback of a forger's rebuild: every tree hash rewritten. */
static int rewrite_node(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	sqlite3_stmt *st = ctx;

	sqlite3_reset(st);
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, (int)level);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)index);
	return sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
}

/* *out = entry idx's leaf column. */
static int stored_leaf(sqlite3 *db, uint64_t idx, unsigned char out[32])
{
	sqlite3_stmt *st = NULL;
	int err = -1;

	if (sqlite3_prepare_v2(db, "SELECT leaf FROM entries WHERE idx = ?", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
		if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32) {
			memcpy(out, sqlite3_column_blob(st, 0), 32);
			err = 0;
		}
	}
	sqlite3_finalize(st);
	return err;
}

/*
 * Change one byte of entry idx's signature (a base64 digit well inside it,
 * so the envelope still parses and only the signature and the leaf hash
 * change); with `rehash`, then recompute every leaf and tree hash column as
 * one would who wants the stored tree to agree with the bytes.
 */
static int forge_entry(const char *path, uint64_t idx, int rehash)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *rd = NULL, *leaf = NULL, *node = NULL;
	sdx_merkle_builder b;
	unsigned char h[32], *v;
	char *triggers = NULL;
	sdx_entry **env = NULL;
	uint64_t size = 0, k;
	int n, err = -1;

	/* the envelopes as the library reads them back, whatever form rows store */
	{
		sdx_ledger *l = NULL;
		if (sdx_ledger_open(&l, path, SDX_OPEN_READONLY) < 0 || sdx_ledger_size(&size, l) < 0 ||
		    !(env = calloc(size ? size : 1, sizeof(*env)))) {
			sdx_ledger_free(l);
			return -1;
		}
		for (k = 0; k < size; k++)
			if (sdx_ledger_entry(&env[k], l, k) < 0) {
				sdx_ledger_free(l);
				goto done;
			}
		sdx_ledger_free(l);
	}

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT group_concat(sql, ';') FROM sqlite_master WHERE name IN "
			       "('entries_no_update', 'nodes_no_update')", -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_step(rd) != SQLITE_ROW ||
	    !(triggers = sqlite3_mprintf("%s", (const char *)sqlite3_column_text(rd, 0))) ||
	    sqlite3_finalize(rd) != SQLITE_OK || (rd = NULL) ||
	    sqlite3_exec(db, "DROP TRIGGER entries_no_update; DROP TRIGGER nodes_no_update",
			 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT idx, data FROM entries ORDER BY idx", -1, &rd,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE entries SET data = ?, leaf = ? WHERE idx = ?", -1, &leaf,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE nodes SET hash = ? WHERE level = ? AND idx = ?", -1,
			       &node, NULL) != SQLITE_OK)
		goto done;
	sdx_merkle_builder_init(&b);
	while (sqlite3_step(rd) == SQLITE_ROW) {
		uint64_t i = (uint64_t)sqlite3_column_int64(rd, 0);
		if (i >= size)
			goto done;
		n = (int)env[i]->len;
		if (!(v = malloc((size_t)n)))
			goto done;
		memcpy(v, env[i]->data, (size_t)n);
		if (i == idx)
			v[n - 10] = v[n - 10] == 'A' ? 'B' : 'A';
		sdx_merkle_leaf_hash(h, v, (size_t)n);
		/* without rehash the leaf column keeps the hash of the old bytes */
		if ((i == idx || rehash) &&
		    (rehash || stored_leaf(db, i, h) == 0)) {
			sqlite3_reset(leaf);
			sqlite3_bind_blob(leaf, 1, v, n, SQLITE_TRANSIENT);
			sqlite3_bind_blob(leaf, 2, h, 32, SQLITE_TRANSIENT);
			sqlite3_bind_int64(leaf, 3, (sqlite3_int64)i);
			if (sqlite3_step(leaf) != SQLITE_DONE) {
				free(v);
				goto done;
			}
		}
		free(v);
		if (!rehash)
			sdx_merkle_leaf_hash(h, env[i]->data, env[i]->len);
		if (rehash && sdx_merkle_builder_append(&b, h, rewrite_node, node) < 0)
			goto done;
	}
	err = 0;
done:
	sqlite3_finalize(rd);
	sqlite3_finalize(leaf);
	sqlite3_finalize(node);
	/* the triggers back, so that only the forged bytes differ */
	if (triggers && sqlite3_exec(db, triggers, NULL, NULL, NULL) != SQLITE_OK)
		err = -1;
	sqlite3_free(triggers);
	sqlite3_close(db);
	for (k = 0; env && k < size; k++)
		sdx_entry_free(env[k]);
	free(env);
	return err;
}

/* sdx_ledger_verify's message for the ledger at path (flags as given). */
static int verdict(const char *path, unsigned flags, char *msg, size_t cap)
{
	sdx_verify_options o = SDX_VERIFY_OPTIONS_INIT;
	sdx_ledger *l = NULL;
	int err;

	o.threads = 1;
	o.flags = flags;
	if ((err = sdx_ledger_open(&l, path, SDX_OPEN_READONLY)) == 0)
		err = sdx_ledger_verify(NULL, l, &o);
	snprintf(msg, cap, "%s", err ? sdx_error_last() : "ok");
	sdx_ledger_free(l);
	sdx_error_clear();
	return err;
}

/* genesis, 3 declarations, each checkpointed, and entry 4 after the last checkpoint */
static void make_uncovered(sdx_signer *k)
{
	sdx_ledger *l = NULL;
	static const char body[] = "{\"n\":1}";

	remove("t.db");
	remove("t.db-wal");
	remove("t.db-shm");
	CHECK_OK(make_ledger(k, "t.db"));
	CHECK_OK(sdx_ledger_open(&l, "t.db", 0));
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_append(NULL, l, k, "note", body, strlen(body)));
	CHECK_OK(sdx_ledger_commit(l));
	sdx_ledger_free(l);
}

/*
 * Hash-bound verification (formats/ledger.md "What verify proves"): a
 * changed byte of an entry a checkpoint covers is caught by the hashes that
 * checkpoint signs, also when the forger rewrote every stored hash to agree
 * (the signed root then differs), and the entry is named; one after the
 * last checkpoint is caught by its signature; --signatures checks each.
 */
static void hash_bound(void)
{
	/* the entry forged, whether every hash was rewritten, what each mode says */
	static const struct { uint64_t idx; int rehash; const char *by_root, *by_signature; } cases[] = {
		{ 2, 0, "entry 2: its bytes are not those checkpoint 4 signs (their hash is not the "
		  "stored leaf hash, and its signature does not verify)",
		  "entry 2: signature does not verify" },
		{ 2, 1, "entry 2: its bytes are not those checkpoint 3 signs (the root rebuilt from "
		  "the entries differs, and its signature does not verify)",
		  "entry 2: signature does not verify" },
		{ 4, 1, "entry 4: signature does not verify", "entry 4: signature does not verify" },
	};
	sdx_signer *k = key();
	char msg[600];
	size_t i;

	CHECK(k);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		make_uncovered(k);
		CHECK(verdict("t.db", 0, msg, sizeof(msg)) == 0);
		CHECK_OK(forge_entry("t.db", cases[i].idx, cases[i].rehash));
		CHECK(verdict("t.db", 0, msg, sizeof(msg)) == SDX_EVERIFY);
		printf("# entry %llu forged%s: %s\n", (unsigned long long)cases[i].idx,
		       cases[i].rehash ? ", every hash rewritten" : "", msg);
		CHECK(strstr(msg, cases[i].by_root) != NULL);
		CHECK(verdict("t.db", SDX_VERIFY_SIGNATURES, msg, sizeof(msg)) == SDX_EVERIFY);
		CHECK(strstr(msg, cases[i].by_signature) != NULL);
	}
	sdx_signer_free(k);
}

static const struct test_case tests[] = {
	{ "a covered entry is caught by the signed root, a later one by its signature", hash_bound },
	{ "every flipped ledger byte is caught", ledger_sweep },
	{ "every flipped bundle byte is caught", bundle_sweep },
	{ NULL, NULL }
};

TEST_MAIN(tests)
