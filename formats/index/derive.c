/*
 * formats/index/derive.c - the graph index rows of one entry: its record row,
 * and from its index keys (keys.c: a version 3 header's, or what an older
 * body gives) the ids it is known by and the entries it cites.
 * Written in the ledger file, or in the temporary tables verify compares.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/index/index.h"
#include "formats/records/internal.h"
#include "formats/records/type.h"
#include "ledger/entry.h"
#include "ledger/store.h"

/* Statement cache slots (sdx_ledger.st_hook): these five per schema, then the readers'. */
enum { ST_RECORD, ST_ID, ST_EDGE, ST_OWN, ST_FOREIGN, ST_PER_SCHEMA = 6 };

static const char *const sql[2][5] = {
	{ "INSERT OR IGNORE INTO main.graph_records(leaf, own, origin, idx, tree_size, type, time)"
	  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	  "INSERT OR IGNORE INTO main.graph_ids(kind, value, leaf) VALUES(?, ?, ?)",
	  "INSERT INTO main.graph_edges(src, n, edge, dst, lot, role) VALUES(?, ?, ?, ?, ?, ?)",
	  "UPDATE main.graph_state SET own_size = ? WHERE rowid = 1",
	  "UPDATE main.graph_state SET foreign_rowid = (SELECT ifnull(max(rowid), 0) FROM "
	  "main.foreign_entries) WHERE rowid = 1" },
	{ "INSERT OR IGNORE INTO temp.graph_records(leaf, own, origin, idx, tree_size, type, time)"
	  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	  "INSERT OR IGNORE INTO temp.graph_ids(kind, value, leaf) VALUES(?, ?, ?)",
	  "INSERT INTO temp.graph_edges(src, n, edge, dst, lot, role) VALUES(?, ?, ?, ?, ?, ?)",
	  "UPDATE temp.graph_state SET own_size = ? WHERE rowid = 1",
	  "UPDATE temp.graph_state SET foreign_rowid = (SELECT ifnull(max(rowid), 0) FROM "
	  "main.foreign_entries) WHERE rowid = 1" },
};

struct put {
	sdx_ledger *l;
	int schema;
	const unsigned char *leaf;
};

static sqlite3_stmt **slot(const struct put *p, int which)
{
	return &p->l->st_hook[p->schema * ST_PER_SCHEMA + which];
}

/* The record row, then a row per id and per edge of its keys. */
static int put_rows(const struct put *p, const struct sdx__indexed_entry *e,
		    const struct sdx_record_type *t, const struct sdx__entry_keys *k)
{
	size_t i;
	int err;

	if ((err = sdx__db_run(p->l, slot(p, ST_RECORD), "indexing a record",
			       sql[p->schema][ST_RECORD], SDX__HASH(e->leaf), SDX__INT(e->own),
			       SDX__TEXT(e->origin), SDX__INT(e->index), SDX__INT(e->tree_size),
			       SDX__TEXT(e->type), SDX__TEXT(e->time))) < 0)
		return err;
	/* the same entry held twice (own and forwarded back): its first row stands */
	if (sqlite3_changes(p->l->db) == 0 || !k)
		return 0;
	for (i = 0; i < k->nids; i++)
		/* a version 4 header's issuer is read from the header (attribution),
		 * never looked up: the party it names has its `party` rows */
		if (strncmp(k->ids[i].kind, "issuer", 6) != 0 &&
		    (err = sdx__db_run(p->l, slot(p, ST_ID), "indexing a record",
				       sql[p->schema][ST_ID], SDX__TEXT(k->ids[i].kind),
				       SDX__TEXT(k->ids[i].value), SDX__HASH(p->leaf))) < 0)
			return err;
	for (i = 0; i < k->nedges; i++)
		if ((err = sdx__db_run(p->l, slot(p, ST_EDGE), "indexing a record",
				       sql[p->schema][ST_EDGE], SDX__HASH(p->leaf), SDX__INT(i),
				       SDX__INT(k->edges[i].edge), SDX__HASH(k->edges[i].dst),
				       SDX__TEXT(k->edges[i].lot), SDX__INT(t->role))) < 0)
			return err;
	return 0;
}

int sdx__gindex_needs_body(const char *type)
{
	const struct sdx_record_type *t = sdx__record_type(type);

	return t && t->role != SDX_ROLE_LEDGER;
}

int sdx__gindex_put(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e)
{
	return sdx__gindex_put_parsed(l, schema, e, NULL, 0);
}

int sdx__gindex_put_parsed(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e,
			   const struct sdx__entry_keys *keys, int parsed)
{
	const struct sdx_record_type *t = sdx__record_type(e->type);
	struct put p = { l, schema, e->leaf };
	struct sdx__entry_keys own;
	int err;

	/* how far the index reaches moves with every entry, indexed or not */
	if (e->own)
		err = sdx__db_run(l, slot(&p, ST_OWN), "indexing a record", sql[schema][ST_OWN],
				  SDX__INT(e->index + 1));
	else
		err = sdx__db_run(l, slot(&p, ST_FOREIGN), "indexing a record",
				  sql[schema][ST_FOREIGN]);
	if (err < 0)
		return err;
	if (!t || t->role == SDX_ROLE_LEDGER)
		return 0;
	if (parsed)
		return keys ? put_rows(&p, e, t, keys) : 0;
	/* an entry whose keys do not read is not in the graph (verify names the entry) */
	if ((err = sdx__gindex_keys(&own, e->type, e->data, e->len, e->payload,
				    e->payload_len)) <= 0)
		return err;
	err = put_rows(&p, e, t, &own);
	sdx__entry_keys_free(&own);
	return err;
}
