/*
 * ledger/indexer.c - the registry of index hooks, their versions in the
 * ledger file, and the savepoint an append and its hooks are undone to
 * (ledger/indexer.h says when each hook runs, and why the registry is static).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"
#include "ledger/indexer.h"
#include "ledger/entry.h"

static const struct sdx__indexer *registry[SDX__MAX_INDEXERS];
static int registered;

int sdx__indexer_register(const struct sdx__indexer *ix)
{
	int i;

	for (i = 0; i < registered; i++)
		if (strcmp(registry[i]->name, ix->name) == 0)
			return sdx_error_set(SDX_EEXISTS, "index '%s' is registered already", ix->name);
	if (registered == SDX__MAX_INDEXERS)
		return sdx_error_set(SDX_ELIMIT, "more than %d indexes", SDX__MAX_INDEXERS);
	registry[registered++] = ix;
	return 0;
}

void sdx__indexer_unregister(const struct sdx__indexer *ix)
{
	int i;

	for (i = 0; i < registered; i++)
		if (registry[i] == ix) {
			memmove(&registry[i], &registry[i + 1],
				(size_t)(registered - i - 1) * sizeof(registry[0]));
			registered--;
			return;
		}
}

int sdx__indexers_active(void)
{
	return registered;
}

int sdx__indexers_keys(char **out, size_t *len, const char *type, const char *body,
		       size_t body_len, int version)
{
	int i;

	for (i = 0; i < registered; i++)
		if (registry[i]->keys)
			return registry[i]->keys(registry[i]->ctx, out, len, type, body, body_len,
						 version);
	if (!(*out = strdup(SDX__INDEX_EMPTY)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*len = strlen(*out);
	return 0;
}

int sdx__index_version(sdx_ledger *l, const char *name, int *out)
{
	struct sdx__stmt s;
	int err;

	*out = 0;
	/* a file no indexer has opened for writing has no table yet */
	if ((err = sdx__db_run(l, NULL, "reading index versions", "SELECT 1 FROM sqlite_master "
			       "WHERE type = 'table' AND name = 'index_versions'")) <= 0)
		return err;
	if ((err = sdx__stmt(&s, l, NULL, "reading index versions",
			     "SELECT version FROM index_versions WHERE name = ?", SDX__TEXT(name))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = sqlite3_column_int(s.st, 0);
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

/* Bring index ix from `from` to its version and store that; inside a transaction. */
static int migrate_one(sdx_ledger *l, const struct sdx__indexer *ix, int from)
{
	char what[80];
	int err;

	snprintf(what, sizeof(what), "index '%s'", ix->name);
	if (from > ix->version)
		return sdx_error_set(SDX_EFORMAT, "'%s': %s is of version %d, newer than this sdx "
				     "understands (%d); upgrade sdx", l->path, what, from,
				     ix->version);
	if (ix->migrate && (err = ix->migrate(ix->ctx, l, from)) < 0)
		return sdx__error_prefix(err, what);
	err = sdx__db_run(l, NULL, "storing index versions", "INSERT OR REPLACE INTO "
			  "index_versions(name, version) VALUES(?, ?)", SDX__TEXT(ix->name),
			  SDX__INT(ix->version));
	return err < 0 ? err : 0;
}

static int migrate_all(sdx_ledger *l, int fresh)
{
	int i, v = 0, err;

	/* not part of the ledger schema: derived data, rebuilt by migrate from entries */
	if ((err = sdx__db_exec(l, "CREATE TABLE IF NOT EXISTS index_versions("
				"name TEXT PRIMARY KEY, version INTEGER NOT NULL)")) < 0)
		return err;
	for (i = 0; i < registered; i++) {
		if (!fresh && (err = sdx__index_version(l, registry[i]->name, &v)) < 0)
			return err;
		if ((fresh || v != registry[i]->version) &&
		    (err = migrate_one(l, registry[i], fresh ? 0 : v)) < 0)
			return err;
	}
	return 0;
}

int sdx__indexers_create(sdx_ledger *l)
{
	return registered ? migrate_all(l, 1) : 0;
}

int sdx__indexers_open(sdx_ledger *l)
{
	int i, v, err;

	/* an up-to-date file is opened without taking the write lock */
	for (i = 0; i < registered; i++) {
		if ((err = sdx__index_version(l, registry[i]->name, &v)) < 0)
			return err;
		if (v != registry[i]->version)
			break;
	}
	if (i == registered)
		return 0;
	/* under the lock, the versions are read again: another writer may have migrated */
	if ((err = sdx_ledger_begin(l)) < 0)
		return err;
	if ((err = migrate_all(l, 0)) < 0) {
		sdx_ledger_rollback(l);
		return err;
	}
	return sdx_ledger_commit(l);
}

int sdx__indexers_verify(sdx_ledger *l)
{
	int i, err;

	for (i = 0; i < registered; i++)
		if (registry[i]->verify && (err = registry[i]->verify(registry[i]->ctx, l)) < 0)
			return err;
	return 0;
}

int sdx__indexers_entry(sdx_ledger *l, const struct sdx__indexed_entry *e)
{
	char what[80];
	int i, err;

	for (i = 0; i < registered; i++) {
		if (!registry[i]->on_entry ||
		    (err = registry[i]->on_entry(registry[i]->ctx, l, e)) >= 0)
			continue;
		snprintf(what, sizeof(what), "index '%s'", registry[i]->name);
		return sdx__error_prefix(err, what);
	}
	return 0;
}

int sdx__savepoint(sdx_ledger *l, int op)
{
	static const char *const sql[] = { "SAVEPOINT sdx_entry", "RELEASE sdx_entry",
					   "ROLLBACK TO sdx_entry" };
	int err = sdx__db_run(l, &l->st_savepoint[op], "indexing an entry", sql[op]);

	return err < 0 ? err : 0;
}

int sdx__savepoint_end(sdx_ledger *l, int err)
{
	char msg[512];

	if (err >= 0)
		return sdx__savepoint(l, SDX__SAVEPOINT_RELEASE);
	/* the first error is the one to report, should the undo fail too */
	snprintf(msg, sizeof(msg), "%s", sdx_error_last());
	if (sdx__savepoint(l, SDX__SAVEPOINT_ROLLBACK) < 0 ||
	    sdx__savepoint(l, SDX__SAVEPOINT_RELEASE) < 0)
		sdx_error_set(err, "%s", msg);
	return err;
}
