/*
 * Unit tests for the graph index (formats/index/): built on append and on
 * import, rebuilt equal to what appends wrote, tampering caught by verify,
 * an old ledger migrated; and the walks read from it print what they print
 * reading the ledger whole.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "harness.h"
#include "ledger/store.h"
#include "ledger/internal.h"
#include "sdx.h"

#define LOT "HX2609-0418"

struct fx {
	sdx_signer *k;
	sdx_ledger *l;
	char decl[65], batch[65], ship[65];
};

static void hex_of(char out[65], const unsigned char leaf[32])
{
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", leaf[i]);
}

static int append(struct fx *f, const char *type, const char *json, char hex[65])
{
	sdx_entry_info info;
	int err;

	if ((err = sdx_ledger_begin(f->l)) < 0)
		return err;
	if ((err = sdx_record_append(&info, f->l, f->k, type, json, strlen(json), type)) < 0) {
		sdx_ledger_rollback(f->l);
		return err;
	}
	hex_of(hex, info.leaf_hash);
	return sdx_ledger_commit(f->l);
}

/* A ledger "path" of origin `origin`: a declaration, a batch of it and a shipment. */
static int fx_open(struct fx *f, const char *path, const char *origin, unsigned char seed0)
{
	unsigned char seed[32] = { seed0 }, h[32];
	char *decl = NULL, json[1200];
	int err = -1;

	memset(f, 0, sizeof(*f));
	remove(path);
	if (sdx_signer_from_seed(&f->k, origin, seed) < 0 || sdx_ledger_create(&f->l, path, f->k) < 0 ||
	    sdx_ledger_begin(f->l) < 0 ||
	    sdx_ledger_attach_file(h, NULL, f->l, test_data("../../examples/data/reports/"
							    "cnas-l1234-report-2026-0917.txt")) < 0 ||
	    sdx_ledger_commit(f->l) < 0 ||
	    !(decl = test_read_file(test_data("../../examples/data/pvc-compound-declaration.json"),
				    NULL)) ||
	    append(f, "declaration", decl, f->decl) < 0)
		goto done;
	snprintf(json, sizeof(json), "{\"format\":\"sdx-batch/2\",\"batch_id\":\"B-1\","
		 "\"manufacturer\":{\"name\":\"Toy Works\",\"identifiers\":[{\"scheme\":\"DUNS\","
		 "\"id\":\"123456789\"}],\"country\":\"CN\"},\"product\":{\"name\":\"Toy\","
		 "\"hs_code\":\"9503.00\"},\"production_date\":\"2026-10-12\",\"site\":{\"name\":"
		 "\"Plant 1\",\"country\":\"CN\"},\"quantity\":{\"value\":10,\"unit\":\"H87\"},"
		 "\"inputs\":[{\"entry\":\"%s\",\"lot_number\":\"" LOT "\",\"quantity\":{\"value\":"
		 "0.5,\"unit\":\"TNE\"}}]}", f->decl);
	if (append(f, "batch", json, f->batch) < 0)
		goto done;
	snprintf(json, sizeof(json), "{\"format\":\"sdx-shipment/2\",\"exporter\":{\"name\":"
		 "\"Export Co.\",\"identifiers\":[{\"scheme\":\"DUNS\",\"id\":\"987654321\"}],"
		 "\"country\":\"CN\"},\"shipment_id\":\"S-1\",\"ship_date\":\"2026-11-20\","
		 "\"destination_country\":\"DE\",\"port_of_loading\":\"CNNGB\",\"consignee\":"
		 "{\"name\":\"Buyer GmbH\",\"country\":\"DE\"},\"items\":[{\"batch\":\"%s\","
		 "\"hs_code\":\"9503.00\",\"quantity\":{\"value\":10,\"unit\":\"H87\"}}]}", f->batch);
	err = append(f, "shipment", json, f->ship);
done:
	free(decl);
	return err;
}

static void fx_close(struct fx *f)
{
	sdx_ledger_free(f->l);
	sdx_signer_free(f->k);
}

static long one(sdx_ledger *l, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long v = -1;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Every row of the index tables, in key order, as text (malloc'd). */
static char *dump(sdx_ledger *l)
{
	static const char *const q[] = {
		"SELECT hex(leaf), own, origin, idx, tree_size, type, time FROM graph_records ORDER BY 1",
		"SELECT kind, value, hex(leaf) FROM graph_ids ORDER BY 1, 2, 3",
		"SELECT hex(src), n, edge, hex(dst), lot, role FROM graph_edges ORDER BY 1, 2",
		"SELECT own_size, foreign_rowid FROM graph_state",
	};
	size_t cap = 1 << 16, o = 0;
	char *s = malloc(cap);

	for (size_t i = 0; s && i < sizeof(q) / sizeof(q[0]); i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(l->db, q[i], -1, &st, NULL) != SQLITE_OK)
			break;
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int c = 0; c < sqlite3_column_count(st) && o + 300 < cap; c++)
				o += (size_t)snprintf(s + o, cap - o, "%s|",
						      (const char *)sqlite3_column_text(st, c));
			if (o + 2 < cap)
				s[o++] = '\n';
		}
		sqlite3_finalize(st);
	}
	if (s)
		s[o] = '\0';
	return s;
}

/* trace, where-used --lot and the upstream set of `ref`, as one text (malloc'd). */
static char *walks(sdx_ledger *l, const char *ref)
{
	sdx_graph *g = NULL;
	char *t = NULL, *w = NULL, *all = NULL;
	unsigned char (*up)[32] = NULL;
	size_t node, n = 0;

	if (sdx_graph_from_ledger(&g, l) == 0 && sdx_graph_resolve(&node, g, ref) == 0 &&
	    sdx_graph_trace(&t, g, node) == 0 && sdx_graph_upstream(&up, &n, g, node) == 0 &&
	    sdx_graph_where_used(&w, g, SIZE_MAX, LOT) == 0 &&
	    (all = malloc(strlen(t) + strlen(w) + 40)))
		snprintf(all, strlen(t) + strlen(w) + 40, "%s\n%s\n%zu %zu", t, w, n,
			 sdx_graph_size(g));
	sdx_graph_free(g);
	free(up);
	free(t);
	free(w);
	return all;
}

/* The walks read the same from the index as from the whole ledger. */
static int same_walks(sdx_ledger *l, const char *ref)
{
	char *lazy = walks(l, ref), *whole;
	int same;

	/* an index behind the entries is not used: the ledger is read whole */
	sqlite3_exec(l->db, "UPDATE graph_state SET own_size = 1", NULL, NULL, NULL);
	whole = walks(l, ref);
	same = lazy && whole && strcmp(lazy, whole) == 0 && strstr(lazy, "\"status\":\"ok\"");
	free(lazy);
	free(whole);
	return same && sdx_ledger_reindex(NULL, l) == 0;
}

static void built_on_append(void)
{
	struct fx f;

	CHECK_OK(fx_open(&f, "a.db", "example.com/a", 1));
	CHECK(one(f.l, "SELECT version FROM index_versions WHERE name = 'graph'") == 1);
	CHECK(one(f.l, "SELECT count(*) FROM graph_records") == 3);
	CHECK(one(f.l, "SELECT count(*) FROM graph_ids WHERE kind = 'lot' AND value = '" LOT "'") == 1);
	CHECK(one(f.l, "SELECT count(*) FROM graph_ids WHERE kind = 'lot' AND value = 'B-1'") == 1);
	CHECK(one(f.l, "SELECT count(*) FROM graph_ids WHERE kind = 'batch_id' AND value = 'B-1'") == 1);
	CHECK(one(f.l, "SELECT count(*) FROM graph_ids WHERE kind = 'party' AND value = 'Buyer GmbH'") == 1);
	CHECK(one(f.l, "SELECT count(*) FROM graph_edges") == 2);
	/* version 4 headers name the issuer (the batch's manufacturer), which
	 * attribution reads there; the index holds no rows of it */
	{
		sdx_entry *e = NULL;
		CHECK_OK(sdx_ledger_entry(&e, f.l, 2));
		if (e) {
			sdx_dsse_envelope *env = NULL;
			CHECK_OK(sdx_dsse_parse(&env, e->data, e->len));
			CHECK(env && strstr((const char *)env->payload, "\"issuer\":[\"Toy Works\"],"
					    "\"issuer_id\":[\"DUNS:123456789\"]") != NULL);
			sdx_dsse_envelope_free(env);
		}
		sdx_entry_free(e);
	}
	CHECK(one(f.l, "SELECT count(*) FROM graph_ids WHERE kind LIKE 'issuer%'") == 0);
	CHECK(one(f.l, "SELECT own_size FROM graph_state") == 4);
	CHECK(same_walks(f.l, f.ship));
	CHECK_OK(sdx_ledger_verify(NULL, f.l, NULL));
	fx_close(&f);
}

static void built_on_import(void)
{
	sdx_export_options eo = SDX_EXPORT_OPTIONS_INIT;
	sdx_bundle_verify_options vo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_import_result r;
	sdx_verifier *v = NULL;
	struct fx a, b;

	memset(&r, 0, sizeof(r));
	CHECK_OK(fx_open(&a, "a.db", "example.com/a", 1));
	CHECK_OK(fx_open(&b, "b.db", "example.com/b", 2));
	eo.all = 1;
	CHECK_OK(sdx_ledger_checkpoint(NULL, NULL, a.l, a.k));
	CHECK_OK(sdx_bundle_export(NULL, a.l, a.k, &eo, "a.sdxb"));
	CHECK_OK(sdx_signer_verifier(&v, a.k));
	vo.trusted = &v;
	vo.n_trusted = 1;
	CHECK_OK(sdx_bundle_import(&r, b.l, b.k, "a.sdxb", &vo));
	sdx_import_result_clear(&r);
	sdx_verifier_free(v);
	CHECK(one(b.l, "SELECT count(*) FROM graph_records WHERE own = 0") == 3);
	CHECK(one(b.l, "SELECT count(*) FROM graph_records") == 6);
	CHECK(one(b.l, "SELECT foreign_rowid FROM graph_state") ==
	      one(b.l, "SELECT max(rowid) FROM foreign_entries"));
	CHECK(same_walks(b.l, a.ship));
	CHECK_OK(sdx_ledger_verify(NULL, b.l, NULL));
	fx_close(&a);
	fx_close(&b);
}

static void reindex_equals_original(void)
{
	sdx_reindex_stats st;
	struct fx f;
	char *before, *after;

	CHECK_OK(fx_open(&f, "a.db", "example.com/a", 1));
	before = dump(f.l);
	CHECK_OK(sdx_ledger_reindex(&st, f.l));
	after = dump(f.l);
	CHECK(before && after && strcmp(before, after) == 0 && strlen(before) > 200);
	free(before);
	free(after);
	CHECK(st.records == 3 && st.edges == 2);
	fx_close(&f);
}

static void tampering_caught(void)
{
	static const char *const tamper[][2] = {
		{ "UPDATE main.graph_edges SET lot = 'HX2609-0417'", "graph_edges(src " },
		{ "DELETE FROM main.graph_records WHERE type = 'batch'", "is missing" },
		{ "INSERT INTO main.graph_edges VALUES(randomblob(32), 0, 0, randomblob(32), NULL, 3)",
		  "is not derived from any entry" },
		{ "UPDATE main.graph_state SET foreign_rowid = 7", "graph_state(own_size 4, foreign_rowid 7)" },
	};
	struct fx f;

	/* main.: verify leaves empty temporary tables of the same names on the handle */
	CHECK_OK(fx_open(&f, "a.db", "example.com/a", 1));
	for (size_t i = 0; i < sizeof(tamper) / sizeof(tamper[0]); i++) {
		CHECK(sqlite3_exec(f.l->db, tamper[i][0], NULL, NULL, NULL) == SQLITE_OK);
		CHECK_ERR(sdx_ledger_verify(NULL, f.l, NULL), SDX_EVERIFY);
		CHECK(strstr(sdx_error_last(), "graph index") && strstr(sdx_error_last(), tamper[i][1]));
		CHECK_OK(sdx_ledger_reindex(NULL, f.l));
		CHECK_OK(sdx_ledger_verify(NULL, f.l, NULL));
	}
	fx_close(&f);
}

static void old_ledger_migrated(void)
{
	gzFile in = gzopen(test_data("v1/v1.db.gz"), "rb");
	FILE *out = fopen("v1.db", "wb");
	sdx_ledger *l = NULL;
	char buf[8192];
	int n, v = -1;

	CHECK(in && out);
	while ((n = gzread(in, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, out);
	gzclose(in);
	fclose(out);
	CHECK_OK(sdx_ledger_open(&l, "v1.db", SDX_OPEN_READONLY));
	CHECK_OK(sdx__index_version(l, "graph", &v));
	CHECK(v == 0);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
	CHECK_OK(sdx_ledger_open(&l, "v1.db", 0));
	CHECK_OK(sdx__index_version(l, "graph", &v));
	CHECK(v == 1);
	CHECK(one(l, "SELECT count(*) FROM graph_records WHERE type = 'declaration'") == 2);
	CHECK(one(l, "SELECT own_size FROM graph_state") == 3);
	CHECK_OK(sdx_ledger_verify(NULL, l, NULL));
	sdx_ledger_free(l);
}

/* Version 3 carries the keys in the header: rows come from it, and --bodies
 * derives them from the body again and names a header that differs. */
static void header_keys_checked_against_body(void)
{
	static const char body[] = "{\"declaration_id\":\"D-1\"}";
	static const char wrong[] = "{\"edges\":[],\"ids\":{\"declaration_id\":[\"D-2\"]}}";
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	struct fx f;

	CHECK_OK(fx_open(&f, "k.db", "example.com/k", 3));
	CHECK_OK(sdx_ledger_verify(NULL, f.l, &vo));
	CHECK_OK(sdx_ledger_begin(f.l));
	CHECK_OK(sdx__ledger_append_canonical(f.l, f.k, "declaration", body, strlen(body), NULL, 0,
					      wrong, strlen(wrong), 0, NULL));
	CHECK_OK(sdx_ledger_commit(f.l));
	/* the index takes the signed header's word for it */
	CHECK(one(f.l, "SELECT count(*) FROM main.graph_ids WHERE kind = 'declaration_id' AND "
		  "value = 'D-2'") == 1);
	CHECK_OK(sdx_ledger_verify(NULL, f.l, NULL));
	vo.flags = SDX_VERIFY_BODIES;
	CHECK(sdx_ledger_verify(NULL, f.l, &vo) == SDX_EVERIFY);
	CHECK(strstr(sdx_error_last(), "entry 4") &&
	      strstr(sdx_error_last(), "not the ids and edges the body gives"));
	fx_close(&f);
}

static const struct test_case tests[] = {
	{ "index built on append, walks read the same as from the whole ledger", built_on_append },
	{ "index built on import", built_on_import },
	{ "reindex rebuilds what appends wrote", reindex_equals_original },
	{ "verify catches a changed, missing or extra row", tampering_caught },
	{ "an old ledger gets the index on its first writable open", old_ledger_migrated },
	{ "version 3 header keys: the index reads them, --bodies checks them", header_keys_checked_against_body },
	{ NULL, NULL }
};

TEST_MAIN(tests)
