/*
 * formats/index/derive.c - the graph index rows of one entry, from its type's
 * descriptor alone (formats/records/type.h): its record row, the ids it is
 * known by (id field, lots, parties) and the entries it cites (edges).
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

#define LOTS_ON_STACK 1024 /* a declaration lists at most 1000 */
#define MAX_REFS 600        /* as a graph read whole (formats/graph/load.c) */

/* Statement cache slots (sdx_ledger.st_hook): these five per schema, then the readers'. */
enum { ST_RECORD, ST_ID, ST_EDGE, ST_OWN, ST_FOREIGN, ST_PER_SCHEMA = 6 };

static const char *const sql[2][5] = {
	{ "INSERT OR IGNORE INTO main.graph_records(leaf, own, origin, idx, tree_size, type, time)"
	  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	  "INSERT OR IGNORE INTO main.graph_ids(kind, value, leaf) VALUES(?, ?, ?)",
	  "INSERT INTO main.graph_edges(src, n, edge, dst, lot, role) VALUES(?, ?, ?, ?, ?, ?)",
	  "UPDATE main.graph_state SET own_size = ?",
	  "UPDATE main.graph_state SET foreign_rowid = (SELECT ifnull(max(rowid), 0) FROM "
	  "main.foreign_entries)" },
	{ "INSERT OR IGNORE INTO temp.graph_records(leaf, own, origin, idx, tree_size, type, time)"
	  " VALUES(?, ?, ?, ?, ?, ?, ?)",
	  "INSERT OR IGNORE INTO temp.graph_ids(kind, value, leaf) VALUES(?, ?, ?)",
	  "INSERT INTO temp.graph_edges(src, n, edge, dst, lot, role) VALUES(?, ?, ?, ?, ?, ?)",
	  "UPDATE temp.graph_state SET own_size = ?",
	  "UPDATE temp.graph_state SET foreign_rowid = (SELECT ifnull(max(rowid), 0) FROM "
	  "main.foreign_entries)" },
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

static int put_id(const struct put *p, const char *kind, const char *value)
{
	int err;

	if (!value)
		return 0;
	err = sdx__db_run(p->l, slot(p, ST_ID), "indexing a record", sql[p->schema][ST_ID],
			  SDX__TEXT(kind), SDX__TEXT(value), SDX__HASH(p->leaf));
	return err < 0 ? err : 0;
}

/* The member at "a" or "a.b" of body. */
static const json_t *member(const json_t *body, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[64];

	if (!dot)
		return json_object_get(body, path);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(body, head), dot + 1);
}

static int put_parties(const struct put *p, const struct sdx_record_type *t, const json_t *body)
{
	const char *const *path;
	char id[300];
	size_t i;
	json_t *x;
	int err;

	for (path = t->parties; path && *path; path++) {
		const json_t *party = member(body, *path);
		if ((err = put_id(p, "party", json_string_value(json_object_get(party, "name")))) < 0)
			return err;
		json_array_foreach(json_object_get(party, "identifiers"), i, x) {
			const char *scheme = json_string_value(json_object_get(x, "scheme"));
			const char *v = json_string_value(json_object_get(x, "id"));
			if (!scheme || !v)
				continue;
			snprintf(id, sizeof(id), "%s:%s", scheme, v);
			if ((err = put_id(p, "party_id", id)) < 0)
				return err;
		}
	}
	return 0;
}

static int put_lots(const struct put *p, const struct sdx_record_type *t, const json_t *body)
{
	const char *stack[LOTS_ON_STACK], **lots = stack;
	size_t k, m;
	int err = 0;

	if (!t->lots)
		return 0;
	if ((m = t->lots(body, stack, LOTS_ON_STACK)) > LOTS_ON_STACK) {
		if (!(lots = malloc(m * sizeof(*lots))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		t->lots(body, lots, m);
	}
	for (k = 0; k < m && err >= 0; k++)
		err = put_id(p, "lot", lots[k] ? lots[k] : "");
	if (lots != stack)
		free(lots);
	return err < 0 ? err : 0;
}

/* One row per entry a record cites, in the order of its type's edges, then of each array. */
static int put_edges(const struct put *p, const struct sdx_record_type *t, const json_t *body)
{
	unsigned char dst[32];
	size_t e, i, n = 0, k = 0, count;
	int err;

	for (e = 0; e < t->nedges; e++) {
		const struct sdx_record_edge *edge = &t->edges[e];
		const json_t *arr = edge->array ? json_object_get(body, edge->array) : NULL;
		if (edge->attachment)
			continue;
		count = edge->array ? json_array_size(arr) : 1;
		for (i = 0; i < count; i++) {
			const json_t *x = edge->array ? json_array_get(arr, i) : body;
			const char *lot = edge->array ? json_string_value(json_object_get(x,
									"lot_number")) : NULL;
			const char *hex = sdx__edge_hash(edge, x);
			if (!hex || k++ >= MAX_REFS || sdx__hex32_parse(dst, hex) != 0)
				continue;
			if ((err = sdx__db_run(p->l, slot(p, ST_EDGE), "indexing a record",
					       sql[p->schema][ST_EDGE], SDX__HASH(p->leaf),
					       SDX__INT(n), SDX__INT(e), SDX__HASH(dst),
					       SDX__TEXT(lot), SDX__INT(t->role))) < 0)
				return err;
			n++;
		}
	}
	return 0;
}

static int put_rows(const struct put *p, const struct sdx__indexed_entry *e,
		    const struct sdx_record_type *t, const json_t *body)
{
	int err;

	if ((err = sdx__db_run(p->l, slot(p, ST_RECORD), "indexing a record",
			       sql[p->schema][ST_RECORD], SDX__HASH(e->leaf), SDX__INT(e->own),
			       SDX__TEXT(e->origin), SDX__INT(e->index), SDX__INT(e->tree_size),
			       SDX__TEXT(e->type), SDX__TEXT(e->time))) < 0)
		return err;
	/* the same entry held twice (own and forwarded back): its first row stands */
	if (sqlite3_changes(p->l->db) == 0)
		return 0;
	if (t->id_field &&
	    (err = put_id(p, t->id_field, json_string_value(json_object_get(body, t->id_field)))) < 0)
		return err;
	if ((err = put_lots(p, t, body)) < 0 || (err = put_parties(p, t, body)) < 0)
		return err;
	return put_edges(p, t, body);
}

int sdx__gindex_needs_body(const char *type)
{
	const struct sdx_record_type *t = sdx__record_type(type);

	return t && t->role != SDX_ROLE_LEDGER;
}

json_t *sdx__gindex_body(const unsigned char *data, size_t len)
{
	struct sdx__entry e;
	json_t *body = NULL;

	memset(&e, 0, sizeof(e));
	if (sdx__entry_open(&e, data, len) == 0 && sdx__entry_read(&e, NULL, 0) == 0 &&
	    sdx__json_parse(&body, e.h.body, e.h.body_len, 64, "entry") == 0 &&
	    !json_is_object(body)) {
		json_decref(body);
		body = NULL;
	}
	sdx__entry_close(&e);
	sdx_error_clear();
	return body;
}

int sdx__gindex_put(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e)
{
	return sdx__gindex_put_parsed(l, schema, e, NULL, 0);
}

int sdx__gindex_put_parsed(sdx_ledger *l, int schema, const struct sdx__indexed_entry *e,
			   const json_t *body, int parsed)
{
	const struct sdx_record_type *t = sdx__record_type(e->type);
	struct put p = { l, schema, e->leaf };
	json_t *own_parse = NULL;
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
		return body ? put_rows(&p, e, t, body) : 0;
	/* a payload that does not parse is not in the graph (verify names the entry) */
	if (!(own_parse = sdx__gindex_body(e->data, e->len)))
		return 0;
	err = put_rows(&p, e, t, own_parse);
	json_decref(own_parse);
	return err;
}
