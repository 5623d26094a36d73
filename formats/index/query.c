/*
 * formats/index/query.c - reading the graph index: a record by leaf, own
 * index or hash prefix; what a record cites and what cites it; records by
 * the ids people know them by (index.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/index/index.h"
#include "ledger/store.h"

/* Cache slots after the writers' (derive.c) */
enum { ST_BY_LEAF = 12, ST_EDGES, ST_USERS, ST_USERS_LOT, ST_IDS };

#define RECORD_COLS "leaf, own, origin, idx, tree_size, type, time"

static void record_from_row(sqlite3_stmt *st, struct sdx__gi_record *r)
{
	if (!sdx__column_hash(st, 0, r->leaf))
		memset(r->leaf, 0, 32);
	r->own = sqlite3_column_int(st, 1);
	snprintf(r->origin, sizeof(r->origin), "%s", (const char *)sqlite3_column_text(st, 2));
	r->index = (uint64_t)sqlite3_column_int64(st, 3);
	r->tree_size = (uint64_t)sqlite3_column_int64(st, 4);
	snprintf(r->type, sizeof(r->type), "%s", (const char *)sqlite3_column_text(st, 5));
	snprintf(r->time, sizeof(r->time), "%s", (const char *)sqlite3_column_text(st, 6));
}

/* Step s once: 1 and the row into *out, 0 if none, or the error. */
static int one_record(struct sdx__stmt *s, struct sdx__gi_record *out)
{
	int rc = sdx__stmt_step(s);

	if (rc == 1)
		record_from_row(s->st, out);
	sdx__stmt_end(s);
	return rc;
}

int sdx__gindex_record(sdx_ledger *l, const unsigned char leaf[32], struct sdx__gi_record *out)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, &l->st_hook[ST_BY_LEAF], "reading the graph index",
			     "SELECT " RECORD_COLS " FROM main.graph_records WHERE leaf = ?",
			     SDX__HASH(leaf))) < 0)
		return err;
	return one_record(&s, out);
}

int sdx__gindex_own(sdx_ledger *l, uint64_t index, struct sdx__gi_record *out)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index", "SELECT " RECORD_COLS
			     " FROM main.graph_records WHERE own = 1 AND idx = ? LIMIT 1",
			     SDX__INT(index))) < 0)
		return err;
	return one_record(&s, out);
}

int sdx__gindex_prefix(sdx_ledger *l, const char *ref, struct sdx__gi_record *out, size_t *hits)
{
	unsigned char lo[32], hi[32];
	struct sdx__stmt s;
	int rc, err;

	*hits = 0;
	if (!sdx__prefix_range(ref, lo, hi))
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index", "SELECT " RECORD_COLS
			     " FROM main.graph_records WHERE leaf BETWEEN ? AND ? ORDER BY leaf",
			     SDX__HASH(lo), SDX__HASH(hi))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1)
		if ((*hits)++ == 0)
			record_from_row(s.st, out);
	sdx__stmt_end(&s);
	return rc < 0 ? rc : 0;
}

int sdx__gindex_count(sdx_ledger *l, uint64_t *out)
{
	struct sdx__stmt s;
	int err;

	*out = 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index",
			     "SELECT count(*) FROM main.graph_records")) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

int sdx__gindex_edges(sdx_ledger *l, const unsigned char src[32], sdx__gi_edge_cb cb, void *ctx)
{
	unsigned char dst[32];
	struct sdx__stmt s;
	int rc, err = 0;

	if ((err = sdx__stmt(&s, l, &l->st_hook[ST_EDGES], "reading the graph index",
			     "SELECT edge, dst, lot FROM main.graph_edges WHERE src = ? ORDER BY n",
			     SDX__HASH(src))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1)
		if (sdx__column_hash(s.st, 1, dst) &&
		    (err = cb(ctx, sqlite3_column_int(s.st, 0), dst,
			      (const char *)sqlite3_column_text(s.st, 2))) != 0)
			break;
	sdx__stmt_end(&s);
	return err ? err : rc < 0 ? rc : 0;
}

/* Run s and pass column 0 of each row to cb. */
static int leaves(struct sdx__stmt *s, sdx__gi_leaf_cb cb, void *ctx)
{
	unsigned char leaf[32];
	int rc, err = 0;

	while ((rc = sdx__stmt_step(s)) == 1)
		if (sdx__column_hash(s->st, 0, leaf) && (err = cb(ctx, leaf)) != 0)
			break;
	sdx__stmt_end(s);
	return err ? err : rc < 0 ? rc : 0;
}

int sdx__gindex_users(sdx_ledger *l, const unsigned char dst[32], int role, const char *lot,
		      sdx__gi_leaf_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int err;

	if (lot)
		err = sdx__stmt(&s, l, &l->st_hook[ST_USERS_LOT], "reading the graph index",
				"SELECT src FROM main.graph_edges WHERE dst = ? AND role = ? AND "
				"lot = ?", SDX__HASH(dst), SDX__INT(role), SDX__TEXT(lot));
	else
		err = sdx__stmt(&s, l, &l->st_hook[ST_USERS], "reading the graph index",
				"SELECT src FROM main.graph_edges WHERE dst = ? AND role = ?",
				SDX__HASH(dst), SDX__INT(role));
	return err < 0 ? err : leaves(&s, cb, ctx);
}

int sdx__gindex_ids(sdx_ledger *l, const char *kind, const char *value, sdx__gi_leaf_cb cb,
		    void *ctx)
{
	unsigned char (*found)[32] = NULL, (*p)[32];
	size_t n = 0, cap = 0, i;
	struct sdx__stmt s;
	int rc, err = 0;

	/* The statement is kept for the handle's life; the leaves are collected
	 * before cb runs, so that cb may look records up again. */
	if ((err = sdx__stmt(&s, l, &l->st_hook[ST_IDS], "reading the graph index", "SELECT leaf "
			     "FROM main.graph_ids WHERE kind = ? AND value = ?", SDX__TEXT(kind),
			     SDX__TEXT(value))) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if (!(p = realloc(found, cap * sizeof(*p)))) {
				err = sdx_error_set(SDX_ENOMEM, "out of memory");
				break;
			}
			found = p;
		}
		if (sdx__column_hash(s.st, 0, found[n]))
			n++;
	}
	sdx__stmt_end(&s);
	if (!err && rc < 0)
		err = rc;
	for (i = 0; i < n && err == 0; i++)
		err = cb(ctx, found[i]);
	free(found);
	return err;
}

int sdx__gindex_shared(sdx_ledger *l, const char *kind, sdx__gi_leaf_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int err;

	/* one pass over the kind's rows in key order, then a lookup per value shared */
	if ((err = sdx__stmt(&s, l, NULL, "reading the graph index", "SELECT i.leaf FROM "
			     "(SELECT value FROM main.graph_ids WHERE kind = ?1 GROUP BY value "
			     "HAVING count(*) > 1) AS d JOIN main.graph_ids AS i ON i.kind = ?1 "
			     "AND i.value = d.value", SDX__TEXT(kind))) < 0)
		return err;
	return leaves(&s, cb, ctx);
}
