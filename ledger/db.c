/*
 * ledger/db.c - running statements on the ledger's SQLite database: prepare
 * (cached or not), bind a typed parameter list, step, map SQLite's errors to
 * SDX_E* codes with a message naming the ledger and the operation.
 */
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"

int sdx__db_error(sdx_ledger *l, const char *what)
{
	int rc = sqlite3_extended_errcode(l->db);
	int code = SDX_EIO;

	if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT)
		code = SDX_EFORMAT;
	else if ((rc & 0xff) == SQLITE_FULL || (rc & 0xff) == SQLITE_TOOBIG)
		code = SDX_ELIMIT;
	else if ((rc & 0xff) == SQLITE_CONSTRAINT)
		code = SDX_ECONFLICT;
	return sdx_error_set(code, "'%s': %s: %s", l->path, what, sqlite3_errmsg(l->db));
}

int sdx__db_exec(sdx_ledger *l, const char *sql)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sdx__db_error(l, "database");
	return 0;
}

int sdx__db_prepare(sdx_ledger *l, sqlite3_stmt **st, const char *sql)
{
	if (*st) {
		sqlite3_reset(*st);
		sqlite3_clear_bindings(*st);
		return 0;
	}
	if (sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "database");
	return 0;
}

static int bind(sqlite3_stmt *st, int i, const struct sdx__arg *a)
{
	switch (a->type) {
	case 'i':
		return sqlite3_bind_int64(st, i, (sqlite3_int64)a->i);
	case 't':
		return sqlite3_bind_text(st, i, a->p, -1, SQLITE_STATIC);
	default:
		/* SQLite binds a NULL pointer as NULL: an empty blob needs bytes */
		return sqlite3_bind_blob(st, i, a->n ? a->p : "", (int)a->n, SQLITE_STATIC);
	}
}

int sdx__stmt_start(struct sdx__stmt *s, sdx_ledger *l, sqlite3_stmt **cache, const char *what,
		    const char *sql, const struct sdx__arg *args, size_t n)
{
	size_t i;

	s->l = l;
	s->what = what;
	s->cached = cache != NULL;
	s->st = cache ? *cache : NULL;
	if (!s->st) {
		/* statements kept for the handle's life are prepared as such */
		if (sqlite3_prepare_v3(l->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0,
				       &s->st, NULL) != SQLITE_OK) {
			s->st = NULL;
			return sdx__db_error(l, what);
		}
		if (cache)
			*cache = s->st;
	}
	for (i = 0; i < n; i++)
		if (bind(s->st, (int)i + 1, &args[i]) != SQLITE_OK) {
			int err = sdx__db_error(l, what);
			sdx__stmt_end(s);
			return err;
		}
	return 0;
}

int sdx__stmt_step(struct sdx__stmt *s)
{
	int rc = sqlite3_step(s->st);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sdx__db_error(s->l, s->what);
}

void sdx__stmt_end(struct sdx__stmt *s)
{
	if (!s->st)
		return;
	if (s->cached) {
		sqlite3_reset(s->st);
		sqlite3_clear_bindings(s->st);
	} else {
		sqlite3_finalize(s->st);
	}
	s->st = NULL;
}

int sdx__db_run_args(sdx_ledger *l, sqlite3_stmt **cache, const char *what, const char *sql,
		     const struct sdx__arg *args, size_t n)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt_start(&s, l, cache, what, sql, args, n)) < 0)
		return err;
	err = sdx__stmt_step(&s);
	sdx__stmt_end(&s);
	return err;
}

int sdx__column_text(char *out, size_t cap, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	size_t n = s ? strlen(s) : 0;

	if (!s || n >= cap)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

int sdx__column_dup(sqlite3_stmt *st, int col, char **out, size_t *len)
{
	int n = sqlite3_column_bytes(st, col);

	if (!(*out = malloc((size_t)n + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (n > 0)
		memcpy(*out, sqlite3_column_blob(st, col), (size_t)n);
	(*out)[n] = '\0';
	if (len)
		*len = (size_t)n;
	return 0;
}

int sdx__column_hash(sqlite3_stmt *st, int col, unsigned char out[32])
{
	if (sqlite3_column_bytes(st, col) != 32)
		return 0;
	memcpy(out, sqlite3_column_blob(st, col), 32);
	return 1;
}
