/*
 * ledger/db.h - the one way ledger/ code runs a statement on the ledger's
 * SQLite database (ledger/db.c).  Not installed.
 *
 * A statement is prepared (or taken from a cache slot, for the hot paths),
 * its parameters bound from one typed list, stepped, and ended:
 *
 *     struct sdx__stmt s;
 *     if ((err = sdx__stmt(&s, l, NULL, "reading entries",
 *                          "SELECT data FROM entries WHERE idx = ?", SDX__INT(i))) < 0)
 *             return err;
 *     while ((rc = sdx__stmt_step(&s)) == 1)
 *             ... sqlite3_column_*(s.st, ...) ...
 *     sdx__stmt_end(&s);
 *
 * or, for a statement whose rows are not read, in one call:
 *
 *     err = sdx__db_run(l, &l->st_x, "storing x", "INSERT ...", SDX__HASH(h), SDX__TEXT(s));
 *
 * Errors carry the ledger's path, `what` and SQLite's message, with SQLite's
 * result mapped to an SDX_E* code (sdx__db_error).
 */
#ifndef SDX_LEDGER_DB_H
#define SDX_LEDGER_DB_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

struct sdx_ledger;

/* A parameter: build it with SDX__INT, SDX__TEXT, SDX__BLOB or SDX__HASH. */
struct sdx__arg {
	char type;         /* 'i' integer, 't' text, 'b' blob */
	int64_t i;
	const void *p;     /* text (NUL-terminated; NULL binds NULL) or blob bytes */
	size_t n;          /* blob length; a blob of length 0 binds an empty blob, never NULL */
};
#define SDX__INT(x) { 'i', (int64_t)(x), NULL, 0 }
#define SDX__TEXT(s) { 't', 0, (s), 0 }
#define SDX__BLOB(b, len) { 'b', 0, (b), (len) }
#define SDX__HASH(h) SDX__BLOB((h), 32)

/* The parameters as (array, count); the leading dummy allows an empty list. */
#define SDX__ARGV(...) ((const struct sdx__arg[]){ { 0 }, __VA_ARGS__ }) + 1, \
	sizeof((const struct sdx__arg[]){ { 0 }, __VA_ARGS__ }) / sizeof(struct sdx__arg) - 1

struct sdx__stmt {
	struct sdx_ledger *l;
	sqlite3_stmt *st;   /* read the current row's columns from here */
	const char *what;   /* names the operation in error messages */
	int cached;         /* st lives in a cache slot: end resets it, not finalizes */
};

/*
 * Prepare `sql` (or reuse *cache, preparing it there once, if cache is not
 * NULL) and bind args[0..n).  On error nothing needs ending.
 */
int sdx__stmt_start(struct sdx__stmt *s, struct sdx_ledger *l, sqlite3_stmt **cache,
		    const char *what, const char *sql, const struct sdx__arg *args, size_t n);
#define sdx__stmt(s, l, cache, what, ...) sdx__stmt_start(s, l, cache, what, sdx__first(__VA_ARGS__))
/* 1: a row is ready; 0: no more rows; negative: the error, set. */
int sdx__stmt_step(struct sdx__stmt *s);
/* Release the statement (reset a cached one, finalize another).  Idempotent. */
void sdx__stmt_end(struct sdx__stmt *s);

/* Start, step once, end: 1 if the statement gave a row, 0 if not, or the error. */
int sdx__db_run_args(struct sdx_ledger *l, sqlite3_stmt **cache, const char *what,
		     const char *sql, const struct sdx__arg *args, size_t n);
#define sdx__db_run(l, cache, what, ...) sdx__db_run_args(l, cache, what, sdx__first(__VA_ARGS__))

/* sql, params... -> sql, SDX__ARGV(params...) */
#define sdx__first(sql, ...) (sql), SDX__ARGV(__VA_ARGS__)

/*
 * Column `col` of the current row into a malloc'd, NUL-terminated copy
 * (*len, may be NULL, gets its length).
 */
int sdx__column_dup(sqlite3_stmt *st, int col, char **out, size_t *len);
/* Column `col` (text) into out[cap]: 0, or -1 if it does not fit or is NULL. */
int sdx__column_text(char *out, size_t cap, sqlite3_stmt *st, int col);
/* 1 and the 32 bytes of column `col` into out if it holds exactly 32 bytes, else 0. */
int sdx__column_hash(sqlite3_stmt *st, int col, unsigned char out[32]);

/* Set the error from the database's message and return SDX_EIO (or ELIMIT, EFORMAT,
 * ECONFLICT for a constraint). */
int sdx__db_error(struct sdx_ledger *l, const char *what);
/* Run SQL without results. */
int sdx__db_exec(struct sdx_ledger *l, const char *sql);
/* Prepare (cached in *st, reset for reuse). */
int sdx__db_prepare(struct sdx_ledger *l, sqlite3_stmt **st, const char *sql);

#endif
