/*
 * formats/index/check.c - the verify hook of the graph index: the rows the
 * entries give are built again in temporary tables and compared with the
 * file's, both ways; the first row that differs, is extra or is missing is
 * named (formats/ledger.md, "Indexes").
 */
#include <stdio.h>
#include <string.h>

#include "formats/index/index.h"
#include "ledger/store.h"

struct table {
	const char *name, *cols;
	int nkey;                  /* the first nkey columns identify a row */
};

static const struct table tables[] = {
	{ "graph_records", "leaf, own, origin, idx, tree_size, type, time", 1 },
	{ "graph_ids", "kind, value, leaf", 3 },
	{ "graph_edges", "src, n, edge, dst, lot, role", 2 },
	{ "graph_state", "own_size, foreign_rowid", 0 },
};

/* "graph_edges(src <hex>, n 0, ...)": the current row of st, for messages. */
static void describe(char *out, size_t cap, const char *table, sqlite3_stmt *st)
{
	size_t o = (size_t)snprintf(out, cap, "%s(", table);
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n && o < cap; i++) {
		const char *sep = i ? ", " : "", *name = sqlite3_column_name(st, i);
		char hex[65];
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_BLOB:
			sdx__hex(hex, sqlite3_column_blob(st, i),
				 sqlite3_column_bytes(st, i) > 32 ? 32 : (size_t)sqlite3_column_bytes(st, i));
			o += (size_t)snprintf(out + o, cap - o, "%s%s %s", sep, name, hex);
			break;
		case SQLITE_INTEGER:
			o += (size_t)snprintf(out + o, cap - o, "%s%s %lld", sep, name,
					      (long long)sqlite3_column_int64(st, i));
			break;
		case SQLITE_NULL:
			o += (size_t)snprintf(out + o, cap - o, "%s%s null", sep, name);
			break;
		default:
			o += (size_t)snprintf(out + o, cap - o, "%s%s '%.80s'", sep, name,
					      (const char *)sqlite3_column_text(st, i));
		}
	}
	if (o < cap)
		snprintf(out + o, cap - o, ")");
}

/* 1 if `other` has a row with the key of st's current row. */
static int has_key(sdx_ledger *l, const struct table *t, const char *other, sqlite3_stmt *st)
{
	char sql[300];
	sqlite3_stmt *q = NULL;
	size_t o;
	int i, rc;

	if (t->nkey == 0)
		return 1;
	snprintf(sql, sizeof(sql), "SELECT 1 FROM %s.%s WHERE ", other, t->name);
	o = strlen(sql);
	for (i = 0; i < t->nkey; i++)
		o += (size_t)snprintf(sql + o, sizeof(sql) - o, "%s%s = ?", i ? " AND " : "",
				      sqlite3_column_name(st, i));
	if (sqlite3_prepare_v2(l->db, sql, -1, &q, NULL) != SQLITE_OK)
		return sdx__db_error(l, "checking the graph index");
	for (i = 0; i < t->nkey; i++)
		sqlite3_bind_value(q, i + 1, sqlite3_column_value(st, i));
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_ROW;
}

/* The first row of `a` that `b` lacks: 0 if none, else SDX_EVERIFY naming it. */
static int compare(sdx_ledger *l, const struct table *t, int stored_first)
{
	const char *a = stored_first ? "main" : "temp", *b = stored_first ? "temp" : "main";
	char sql[400], row[600];
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	snprintf(sql, sizeof(sql), "SELECT %s FROM %s.%s EXCEPT SELECT %s FROM %s.%s LIMIT 1",
		 t->cols, a, t->name, t->cols, b, t->name);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "checking the graph index");
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		describe(row, sizeof(row), t->name, st);
		if (!stored_first)
			err = sdx_error_set(SDX_EVERIFY, "'%s': graph index: row %s is missing; "
					    "'sdx reindex' rebuilds the index", l->path, row);
		else if ((err = has_key(l, t, "temp", st)) == 1)
			err = sdx_error_set(SDX_EVERIFY, "'%s': graph index: row %s differs from "
					    "what the entries give; 'sdx reindex' rebuilds the index",
					    l->path, row);
		else if (err == 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': graph index: row %s is not derived "
					    "from any entry; 'sdx reindex' rebuilds the index", l->path,
					    row);
	} else if (rc != SQLITE_DONE) {
		err = sdx__db_error(l, "checking the graph index");
	}
	sqlite3_finalize(st);
	return err;
}

/* Empty the temporary tables (not dropped: a statement of the audit may still be
 * stepping, and DROP TABLE would then fail as locked). */
static int clear_temp(sdx_ledger *l)
{
	return sdx__db_exec(l, "DELETE FROM temp.graph_records; DELETE FROM temp.graph_ids; "
			    "DELETE FROM temp.graph_edges; UPDATE temp.graph_state SET own_size = 0, "
			    "foreign_rowid = 0");
}

static int temp_tables(sdx_ledger *l)
{
	int err = sdx__db_run(l, NULL, "checking the graph index", "SELECT 1 FROM "
			      "temp.sqlite_master WHERE name = 'graph_records'");

	if (err < 0)
		return err;
	return err ? clear_temp(l) : sdx__gindex_create(l, SDX__GI_TEMP);
}

int sdx__gindex_verify(void *ctx, sdx_ledger *l)
{
	size_t i;
	int v, err;

	(void)ctx;
	/* none yet, or of another version: nothing a reader uses; a writable open builds it */
	if ((err = sdx__index_version(l, SDX__GINDEX_NAME, &v)) < 0 || v != SDX__GINDEX_VERSION)
		return err;
	if ((err = temp_tables(l)) < 0 || (err = sdx__gindex_fill(l, SDX__GI_TEMP)) < 0)
		goto done;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]) && !err; i++)
		if ((err = compare(l, &tables[i], 1)) == 0)
			err = compare(l, &tables[i], 0);
done:
	if (err < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		clear_temp(l);
		return sdx_error_set(err, "%s", msg);
	}
	return clear_temp(l);
}
