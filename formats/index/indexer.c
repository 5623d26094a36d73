/*
 * formats/index/indexer.c - the graph index's tables, the indexer that keeps
 * them (registered when libsdx is loaded), its migration and rebuild, and
 * whether a reader may use them (index.h; formats/ledger.md, "Indexes").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/imported.h"
#include "sdx/index.h"
#include "formats/index/index.h"
#include "formats/records/internal.h"
#include "ledger/entry.h"
#include "ledger/store.h"

/* %s: "main" or "temp" */
static const char *const tables[] = {
	"CREATE TABLE %s.graph_records(leaf BLOB PRIMARY KEY, own INTEGER NOT NULL,"
	" origin TEXT NOT NULL, idx INTEGER NOT NULL, tree_size INTEGER NOT NULL,"
	" type TEXT NOT NULL, time TEXT NOT NULL) WITHOUT ROWID",
	"CREATE INDEX %s.graph_records_own ON graph_records(idx) WHERE own = 1",
	"CREATE TABLE %s.graph_ids(kind TEXT NOT NULL, value TEXT NOT NULL, leaf BLOB NOT NULL,"
	" PRIMARY KEY(kind, value, leaf)) WITHOUT ROWID",
	"CREATE TABLE %s.graph_edges(src BLOB NOT NULL, n INTEGER NOT NULL, edge INTEGER NOT NULL,"
	" dst BLOB NOT NULL, lot TEXT, role INTEGER NOT NULL, PRIMARY KEY(src, n)) WITHOUT ROWID",
	"CREATE INDEX %s.graph_edges_dst ON graph_edges(dst, role, lot)",
	/* how far the tables reach: own entries [0, own_size), imported rows up to rowid */
	"CREATE TABLE %s.graph_state(own_size INTEGER NOT NULL, foreign_rowid INTEGER NOT NULL)",
	"INSERT INTO %s.graph_state VALUES(0, 0)",
};

int sdx__gindex_create(sdx_ledger *l, int schema)
{
	const char *s = schema == SDX__GI_TEMP ? "temp" : "main";
	char sql[400];
	size_t i;
	int err;

	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		snprintf(sql, sizeof(sql), tables[i], s);
		if ((err = sdx__db_exec(l, sql)) < 0)
			return err;
	}
	return 0;
}

static int drop(sdx_ledger *l)
{
	return sdx__db_exec(l, "DROP TABLE IF EXISTS main.graph_records; DROP TABLE IF EXISTS "
			    "main.graph_ids; DROP TABLE IF EXISTS main.graph_edges; DROP TABLE IF "
			    "EXISTS main.graph_state");
}

/*
 * Filling an index from the whole ledger (migration, reindex, verify's
 * rebuild): entries are taken in batches, their keys read on every core
 * (version 3: from the header by position; older: their bodies parsed, the
 * cost of a fill), then their rows written in order on this thread
 * (SQLite's connection is not shared).
 */
#define FILL_BATCH 256

struct pending {
	struct sdx__indexed_entry ie;
	unsigned char leaf[32];
	char *origin, *type, *time; /* owned copies */
	unsigned char *data;
	struct sdx__entry_keys keys;
	int have_keys;              /* 1: keys read; 0: not needed, or did not read */
	int err;                    /* SDX_ENOMEM reading them */
};

struct fill {
	sdx_ledger *l;
	int schema;
	struct sdx__pool *pool;
	struct pending item[FILL_BATCH];
	size_t n;
};

static void parse_one(void *ctx, size_t i)
{
	struct pending *p = &((struct fill *)ctx)->item[i];

	int r = sdx__gindex_keys(&p->keys, p->type, p->data, p->ie.len, NULL, 0);

	p->have_keys = r == 1;
	p->err = r < 0 ? r : 0;
}

static void pending_clear(struct pending *p)
{
	free(p->origin);
	free(p->type);
	free(p->time);
	free(p->data);
	sdx__entry_keys_free(&p->keys);
	memset(p, 0, sizeof(*p));
}

static int flush(struct fill *f)
{
	size_t i;
	int err = 0;

	if (f->pool)
		sdx__pool_submit(f->pool, parse_one, f, f->n);
	else
		for (i = 0; i < f->n; i++)
			parse_one(f, i);
	if (f->pool)
		sdx__pool_wait(f->pool);
	for (i = 0; i < f->n; i++) {
		if (err == 0 && (err = f->item[i].err) < 0)
			sdx_error_set(err, "out of memory");
		if (err == 0)
			err = sdx__gindex_put_parsed(f->l, f->schema, &f->item[i].ie,
						     f->item[i].have_keys ? &f->item[i].keys
									  : NULL, 1);
		pending_clear(&f->item[i]);
	}
	f->n = 0;
	return err;
}

static int add(struct fill *f, int own, const char *origin, uint64_t index,
	       const unsigned char leaf[32], const char *type, const char *time,
	       const unsigned char *data, size_t len, uint64_t tree_size)
{
	struct pending *p = &f->item[f->n];

	memcpy(p->leaf, leaf, 32);
	p->origin = strdup(origin);
	p->type = strdup(type);
	p->time = strdup(time);
	p->data = malloc(len ? len : 1);
	if (!p->origin || !p->type || !p->time || !p->data) {
		pending_clear(p);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	memcpy(p->data, data, len);
	p->ie = (struct sdx__indexed_entry){ own, p->origin, index, p->leaf, p->type, p->time,
					     p->data, len, tree_size, NULL, 0 };
	return ++f->n == FILL_BATCH ? flush(f) : 0;
}

static int fill_own(void *ctx, const sdx_entry *e)
{
	struct fill *f = ctx;

	return add(f, 1, sdx_ledger_origin(f->l), e->index, e->leaf_hash, e->type, e->time,
		   e->data, e->len, 0);
}

static int fill_foreign(void *ctx, const sdx_foreign_entry *e)
{
	return add(ctx, 0, e->origin, e->index, e->leaf_hash, e->type, e->time, e->data, e->len,
		   e->tree_size);
}

int sdx__gindex_fill(sdx_ledger *l, int schema)
{
	struct fill *f = calloc(1, sizeof(*f));
	size_t i;
	int err;

	if (!f)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	f->l = l;
	f->schema = schema;
	if (sdx__pool_new(&f->pool, 0) < 0) {
		f->pool = NULL; /* one thread, then */
		sdx_error_clear();
	}
	/* the order a whole-ledger read sees them in: where two hold one leaf, the first counts */
	err = sdx__ledger_foreach_stored(l, 0, UINT64_MAX, fill_own, f);
	if (!err)
		err = flush(f);
	if (!err)
		err = sdx__ledger_foreach_foreign_stored(l, fill_foreign, f);
	if (!err)
		err = flush(f);
	for (i = 0; i < f->n; i++)
		pending_clear(&f->item[i]);
	sdx__pool_free(f->pool);
	free(f);
	return err;
}

/* Any older version is dropped and built again: the tables are derived. */
static int migrate(void *ctx, sdx_ledger *l, int from)
{
	int err;

	(void)ctx;
	if (from > 0 && (err = drop(l)) < 0)
		return err;
	if ((err = sdx__gindex_create(l, SDX__GI_MAIN)) < 0)
		return err;
	return sdx__gindex_fill(l, SDX__GI_MAIN);
}

static int on_entry(void *ctx, sdx_ledger *l, const struct sdx__indexed_entry *e)
{
	(void)ctx;
	return sdx__gindex_put(l, SDX__GI_MAIN, e);
}

static int keys(void *ctx, char **out, size_t *len, const char *type, const char *body,
		size_t body_len, int version)
{
	(void)ctx;
	return sdx__index_member_text(out, len, type, body, body_len, version);
}

static const struct sdx__indexer graph_indexer = {
	SDX__GINDEX_NAME, SDX__GINDEX_VERSION, NULL, migrate, on_entry, sdx__gindex_verify, keys
};

/*
 * Registered when libsdx is loaded, before main() and so before any ledger is
 * opened: every program that writes a ledger through libsdx keeps the index,
 * without a call it could forget (ledger/indexer.h says why that matters).
 * libsdx.so always runs this; a program linked with libsdx.a gets this file
 * whenever it reads the graph (sdx__gindex_ready() is here), and a ledger
 * written by one that does not is found behind by that same check and read
 * whole until a writable open or 'sdx reindex' brings the index up to date.
 */
__attribute__((constructor)) static void register_graph_index(void)
{
	sdx__indexer_register(&graph_indexer);
}

int sdx__gindex_ready(sdx_ledger *l)
{
	struct sdx__stmt s;
	int v, err, rc;

	if ((err = sdx__index_version(l, SDX__GINDEX_NAME, &v)) < 0)
		return err;
	if (v != SDX__GINDEX_VERSION)
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index", "SELECT own_size = (SELECT "
			     "ifnull(max(idx) + 1, 0) FROM entries) AND foreign_rowid = (SELECT "
			     "ifnull(max(rowid), 0) FROM foreign_entries) FROM main.graph_state")) < 0)
		return err;
	rc = sdx__stmt_step(&s);
	err = rc == 1 ? sqlite3_column_int(s.st, 0) == 1 : rc;
	sdx__stmt_end(&s);
	return err;
}

static int count(sdx_ledger *l, const char *table, uint64_t *out)
{
	char sql[80];
	struct sdx__stmt s;
	int err;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM main.%s", table);
	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index", sql)) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

int sdx_ledger_reindex(sdx_reindex_stats *out, sdx_ledger *l)
{
	sdx_reindex_stats st = { 0, 0, 0 };
	int err;

	if (out)
		*out = st;
	if (l->flags & SDX_OPEN_READONLY)
		return sdx_error_set(SDX_EINVAL, "'%s': opened read-only; the index cannot be "
				     "rebuilt", l->path);
	if ((err = sdx_ledger_begin(l)) < 0)
		return err;
	if ((err = drop(l)) < 0 || (err = sdx__gindex_create(l, SDX__GI_MAIN)) < 0 ||
	    (err = sdx__gindex_fill(l, SDX__GI_MAIN)) < 0 ||
	    (err = sdx__db_run(l, NULL, "storing index versions", "INSERT OR REPLACE INTO "
			       "index_versions(name, version) VALUES(?, ?)",
			       SDX__TEXT(SDX__GINDEX_NAME), SDX__INT(SDX__GINDEX_VERSION))) < 0 ||
	    (err = count(l, "graph_records", &st.records)) < 0 ||
	    (err = count(l, "graph_ids", &st.ids)) < 0 ||
	    (err = count(l, "graph_edges", &st.edges)) < 0) {
		sdx_ledger_rollback(l);
		return err;
	}
	if ((err = sdx_ledger_commit(l)) < 0)
		return err;
	if (out)
		*out = st;
	return 0;
}
