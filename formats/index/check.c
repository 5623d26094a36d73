/*
 * formats/index/check.c - the verify hook of the graph index: the rows the
 * entries give are built again in temporary tables and compared with the
 * file's, each pair of tables read side by side in key order; the first row
 * that differs, is extra or is missing is named (formats/ledger.md,
 * "Indexes").
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

/* The length of the first n names of a column list ("a, b, c"). */
static size_t key_len(const char *cols, int n)
{
	const char *p = cols;

	while (n-- > 0 && (p = strchr(p, ',')))
		if (n > 0)
			p++;
	return p ? (size_t)(p - cols) : strlen(cols);
}

/* SQLite's order of two values of one column (BINARY collation): NULL,
 * then numbers, then text, then blobs; text and blobs byte by byte. */
static int value_cmp(sqlite3_value *a, sqlite3_value *b)
{
	static const int rank[] = { 0, 1, 1, 2, 3, 0 }; /* by SQLITE_INTEGER .. SQLITE_NULL */
	int ta = sqlite3_value_type(a), tb = sqlite3_value_type(b), c;
	size_t la, lb;

	if (rank[ta] != rank[tb])
		return rank[ta] < rank[tb] ? -1 : 1;
	switch (ta) {
	case SQLITE_NULL:
		return 0;
	case SQLITE_INTEGER:
	case SQLITE_FLOAT: {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		if (ta == SQLITE_INTEGER && tb == SQLITE_INTEGER) {
			sqlite3_int64 i = sqlite3_value_int64(a), k = sqlite3_value_int64(b);
			return i < k ? -1 : i > k;
		}
		return x < y ? -1 : x > y;
	}
	default:
		la = (size_t)sqlite3_value_bytes(a);
		lb = (size_t)sqlite3_value_bytes(b);
		c = memcmp(ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(a)
					     : sqlite3_value_blob(a),
			   tb == SQLITE_TEXT ? (const void *)sqlite3_value_text(b)
					     : sqlite3_value_blob(b), la < lb ? la : lb);
		return c ? c : la < lb ? -1 : la > lb;
	}
}

/* The order of the current rows of a and b over columns [from, to). */
static int row_cmp(sqlite3_stmt *a, sqlite3_stmt *b, int from, int to)
{
	int i, c;

	for (i = from; i < to; i++)
		if ((c = value_cmp(sqlite3_column_value(a, i), sqlite3_column_value(b, i))) != 0)
			return c;
	return 0;
}

static int step(sdx_ledger *l, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sdx__db_error(l, "checking the "
									     "graph index");
}

/*
 * The file's table against the one built from the entries: both read in the
 * order of their key (no sort: they are WITHOUT ROWID tables on it) and
 * walked side by side.  0 if they hold the same rows, else SDX_EVERIFY naming
 * the first row that differs, is not derived from any entry, or is missing.
 */
static int compare(sdx_ledger *l, const struct table *t)
{
	sqlite3_stmt *st[2] = { NULL, NULL };
	char sql[400], row[600], missing[600];
	int have[2], k, ncols, err = 0;

	for (k = 0; k < 2; k++) {
		snprintf(sql, sizeof(sql), "SELECT %s FROM %s.%s%s%.*s", t->cols, k ? "temp" : "main",
			 t->name, t->nkey ? " ORDER BY " : "", (int)key_len(t->cols, t->nkey),
			 t->cols);
		if (sqlite3_prepare_v2(l->db, sql, -1, &st[k], NULL) != SQLITE_OK) {
			err = sdx__db_error(l, "checking the graph index");
			goto done;
		}
	}
	ncols = sqlite3_column_count(st[0]);
	if ((have[0] = step(l, st[0])) < 0 || (have[1] = step(l, st[1])) < 0) {
		err = have[0] < 0 ? have[0] : have[1];
		goto done;
	}
	/* a row of the file that no entry gives is named before a row missing
	 * from it: a changed row is both, and the first says what was written */
	missing[0] = '\0';
	while (have[0] || have[1]) {
		int key = !have[0] ? 1 : !have[1] ? -1 : row_cmp(st[0], st[1], 0, t->nkey);
		if (key == 0 && row_cmp(st[0], st[1], t->nkey, ncols) == 0) {
			if ((have[0] = step(l, st[0])) < 0 || (have[1] = step(l, st[1])) < 0) {
				err = have[0] < 0 ? have[0] : have[1];
				goto done;
			}
			continue;
		}
		if (key > 0) {
			if (!missing[0])
				describe(missing, sizeof(missing), t->name, st[1]);
			if ((have[1] = step(l, st[1])) < 0) {
				err = have[1];
				goto done;
			}
			continue;
		}
		describe(row, sizeof(row), t->name, st[0]);
		err = sdx_error_set(SDX_EVERIFY, "'%s': graph index: row %s %s; 'sdx reindex' "
				    "rebuilds the index", l->path, row, key == 0 ?
				    "differs from what the entries give" :
				    "is not derived from any entry");
		goto done;
	}
	if (missing[0])
		err = sdx_error_set(SDX_EVERIFY, "'%s': graph index: row %s is missing; 'sdx "
				    "reindex' rebuilds the index", l->path, missing);
done:
	sqlite3_finalize(st[0]);
	sqlite3_finalize(st[1]);
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
		err = compare(l, &tables[i]);
done:
	if (err < 0) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", sdx_error_last());
		clear_temp(l);
		return sdx_error_set(err, "%s", msg);
	}
	return clear_temp(l);
}
