/*
 * ledger/open.c - a ledger handle's life: creating and opening the SQLite
 * file (upgrading an older schema), its identity (origin and current key),
 * transactions and snapshots, and closing it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ledger/store.h"
#include "ledger/indexer.h"
#include "ledger/entry.h"
#include "sdx/dsse.h"

int sdx_origin_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SDX_NAME_MAX)
		return 0;
	/* A conservative charset: it appears unescaped in JSON and note lines. */
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("._-/:", *s)))
			return 0;
	return 1;
}

static int db_open(sdx_ledger **out, const char *path, unsigned flags, int create)
{
	sdx_ledger *l = NULL;
	int oflags, err = 0;

	*out = NULL;
	if ((err = sdx__init()) < 0)
		return err;
	if (!(l = calloc(1, sizeof(*l))) || !(l->path = strdup(path))) {
		free(l);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	l->flags = flags;
	oflags = (flags & SDX_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (create)
		oflags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &l->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "cannot open ledger");
		goto done;
	}
	/* writers wait for each other (one transaction at a time); a long import
	 * may hold the lock for minutes, and a waiting declare must not fail */
	sqlite3_busy_timeout(l->db, SDX_BUSY_TIMEOUT_MS);
	if ((err = sdx__entry_sql_register(l->db)) < 0)
		goto done;
	sqlite3_extended_result_codes(l->db, 1);
	/* Entries are ~2-8 KB: they fit whole on a b-tree page instead of
	 * spilling into overflow pages, and 64 KB pages leave on average half an
	 * entry of each page unused where 16 KB pages left a third of the page
	 * (formats/ledger.md, "The SQLite file").  Only a new, empty file takes it. */
	if (create && (err = sdx__db_exec(l, "PRAGMA page_size=65536")) < 0)
		goto done;
	/* The first statement that reads the file tells a ledger from anything else. */
	if (!(flags & SDX_OPEN_READONLY) &&
	    (err = sdx__db_exec(l, "PRAGMA journal_mode=WAL")) < 0)
		goto done;
	if ((err = sdx__db_exec(l, (flags & SDX_OPEN_DURABLE) ? "PRAGMA synchronous=FULL"
							      : "PRAGMA synchronous=NORMAL")) < 0)
		goto done;
	/* 16 MiB of page cache (SQLite's default is 2 MiB, 31 pages of 64 KB): a
	 * transaction of thousands of entries keeps the pages it dirties instead
	 * of spilling them to the WAL and reading them back */
	if ((err = sdx__db_exec(l, "PRAGMA cache_size=-16384")) < 0)
		goto done;
	/* and as much for the temporary tables verify builds the index again in
	 * (formats/index/check.c), which spilled to a file at 2 MiB */
	if ((err = sdx__db_exec(l, "PRAGMA temp.cache_size=-16384")) < 0)
		goto done;
done:
	if (err == SDX_EFORMAT)
		err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger (%s)", path,
				    sqlite3_errmsg(l->db));
	if (err < 0) {
		sdx_ledger_free(l);
		return err;
	}
	*out = l;
	return 0;
}

static int user_version(sdx_ledger *l, int *out)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading schema version", "PRAGMA user_version")) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = sqlite3_column_int(s.st, 0);
	else if (err == 0)
		err = sdx__db_error(l, "reading schema version");
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

int sdx__load_identity(sdx_ledger *l)
{
	struct sdx__stmt s = { 0 };
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading ledger identity",
			     "SELECT value FROM meta WHERE name = 'origin'")) < 0)
		return err;
	if (sdx__stmt_step(&s) != 1 || sqlite3_column_bytes(s.st, 0) > SDX_NAME_MAX) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger (no origin)", l->path);
		goto done;
	}
	snprintf(l->origin, sizeof(l->origin), "%s", (const char *)sqlite3_column_text(s.st, 0));
	sdx__stmt_end(&s);
	/* the key that signs now: the latest one (sdx_ledger_rotate_key) */
	if ((err = sdx__stmt(&s, l, NULL, "reading ledger key",
			     "SELECT name, pubkey FROM keys ORDER BY since DESC LIMIT 1")) < 0)
		return err;
	if (sdx__stmt_step(&s) != 1 || sqlite3_column_bytes(s.st, 1) != 32) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': ledger has no public key", l->path);
		goto done;
	}
	sdx_verifier_free(l->key);
	l->key = NULL;
	if ((err = sdx_verifier_new(&l->key, (const char *)sqlite3_column_text(s.st, 0),
				    sqlite3_column_blob(s.st, 1))) < 0)
		goto done;
	sdx__keyid_string(l->keyid, l->key);
done:
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_open(sdx_ledger **out, const char *path, unsigned flags)
{
	sdx_ledger *l = NULL;
	struct stat sb;
	int v = 0, err;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO,
				     "cannot open ledger '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger (not a regular file)", path);
	if ((err = db_open(&l, path, flags, 0)) < 0)
		goto done;
	if ((err = user_version(l, &v)) < 0) {
		if (err == SDX_EFORMAT)
			err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger (%s)", path,
					    sqlite3_errmsg(l->db));
		goto done;
	}
	if (v == 0) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger", path);
		goto done;
	}
	if (v > SDX_LEDGER_FORMAT) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': ledger format %d is newer than this sdx "
				    "understands (%d); upgrade sdx", path, v, SDX_LEDGER_FORMAT);
		goto done;
	}
	/* Read-only handles read an older format as it is; writers upgrade it,
	 * reading the version again under the write lock, as another process
	 * may have upgraded it in the meantime (found by the torture helper:
	 * writers opening an old ledger at once failed with "table ... already
	 * exists"). */
	if (v < SDX_LEDGER_FORMAT && !(flags & SDX_OPEN_READONLY)) {
		if ((err = sdx__db_exec(l, "BEGIN IMMEDIATE")) < 0)
			goto done;
		if ((err = user_version(l, &v)) < 0 || (err = sdx__schema_migrate(l, v)) < 0 ||
		    (err = sdx__db_exec(l, "COMMIT")) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			goto done;
		}
		v = SDX_LEDGER_FORMAT;
	}
	l->format = v;
	if ((err = sdx__load_identity(l)) < 0)
		goto done;
	if (!(flags & SDX_OPEN_READONLY))
		err = sdx__indexers_open(l);
done:
	if (err < 0) {
		sdx_ledger_free(l);
		return err;
	}
	*out = l;
	return 0;
}

/* Write the new file's identity rows and genesis entry; inside its first transaction. */
static int genesis(sdx_ledger *l, const sdx_signer *key)
{
	char *vkey = NULL, *body = NULL, time[21];
	sdx_verifier *v = NULL;
	json_t *j = NULL;
	size_t blen;
	int err;

	snprintf(l->origin, sizeof(l->origin), "%s", sdx_signer_name(key));
	if ((err = sdx_signer_verifier(&v, key)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0)
		goto done;
	if ((err = sdx__db_run(l, NULL, "creating ledger", "INSERT INTO meta(name, value) VALUES"
			       "('origin', ?), ('format', 'sdx-ledger/1')", SDX__TEXT(l->origin))) < 0 ||
	    (err = sdx__db_run(l, NULL, "creating ledger", "INSERT INTO keys(pubkey, name, keyid, "
			       "since) VALUES(?, ?, ?, 0)", SDX__HASH(sdx_signer_public_key(key)),
			       SDX__TEXT(l->origin), SDX__INT(sdx_signer_keyid(key)))) < 0)
		goto done;
	l->key = v;
	v = NULL;
	sdx__keyid_string(l->keyid, l->key);
	sdx_merkle_builder_init(&l->tree);
	/* a new file's indexes start empty, before the first entry they index */
	if ((err = sdx__indexers_create(l)) < 0)
		goto done;
	sdx__utc_now(time);
	j = json_pack("{s:s, s:s, s:s, s:s}", "origin", l->origin, "key", vkey,
		      "created", time, "format", "sdx-ledger/1");
	if (!j || (err = sdx__json_dump(&body, &blen, j)) < 0) {
		err = err < 0 ? err : sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__append_raw(l, key, "genesis", body, blen, NULL, 0, SDX__INDEX_EMPTY,
				   strlen(SDX__INDEX_EMPTY), NULL)) < 0)
		goto done;
	err = sdx_ledger_checkpoint(NULL, NULL, l, key);
done:
	json_decref(j);
	free(body);
	free(vkey);
	sdx_verifier_free(v);
	return err;
}

int sdx_ledger_create(sdx_ledger **out, const char *path, const sdx_signer *key)
{
	sdx_ledger *l = NULL;
	int fd, err;

	*out = NULL;
	if (!sdx_origin_valid(sdx_signer_name(key)))
		return sdx_error_set(SDX_EINVAL, "invalid origin '%s': use letters, digits and "
				     "._-/: only, e.g. example.com/acme-polymers",
				     sdx_signer_name(key));
	/* O_EXCL: never adopt or clobber an existing file. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return sdx_error_set(errno == EEXIST ? SDX_EEXISTS : SDX_EIO,
				     "cannot create ledger '%s': %s", path, strerror(errno));
	close(fd);
	if ((err = db_open(&l, path, 0, 1)) < 0)
		goto done;
	if ((err = sdx__db_exec(l, "BEGIN IMMEDIATE")) < 0)
		goto done;
	l->in_tx = 1;
	l->format = SDX_LEDGER_FORMAT;
	if ((err = sdx__schema_migrate(l, 0)) < 0 || (err = genesis(l, key)) < 0)
		goto done;
	err = sdx_ledger_commit(l);
done:
	if (err < 0) {
		char side[4096];
		sdx_ledger_free(l);
		/* leave nothing half-made behind, WAL side files included */
		unlink(path);
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
		return err;
	}
	*out = l;
	return 0;
}

void sdx_ledger_free(sdx_ledger *l)
{
	size_t i;

	if (!l)
		return;
	sdx_ledger_rollback(l);
	sdx__stage_free(l);
	sqlite3_finalize(l->st_entry_insert);
	sqlite3_finalize(l->st_has_attachment);
	sqlite3_finalize(l->st_node_insert);
	sqlite3_finalize(l->st_node_get);
	sqlite3_finalize(l->st_foreign_get);
	sqlite3_finalize(l->st_foreign_insert);
	sqlite3_finalize(l->st_chunk_insert);
	sqlite3_finalize(l->st_entry_get);
	sqlite3_finalize(l->st_resolve);
	sqlite3_finalize(l->st_find_foreign);
	for (i = 0; i < sizeof(l->st_savepoint) / sizeof(l->st_savepoint[0]); i++)
		sqlite3_finalize(l->st_savepoint[i]);
	for (i = 0; i < SDX__HOOK_STMTS; i++)
		sqlite3_finalize(l->st_hook[i]);
	sqlite3_close(l->db);
	sdx_verifier_free(l->key);
	free(l->path);
	free(l);
}

const char *sdx_ledger_origin(const sdx_ledger *l)
{
	return l->origin;
}

const char *sdx_ledger_path(const sdx_ledger *l)
{
	return l->path;
}

int sdx_ledger_verifier(sdx_verifier **out, sdx_ledger *l)
{
	return sdx_verifier_new(out, sdx_verifier_name(l->key), sdx_verifier_public_key(l->key));
}

int sdx_ledger_size(uint64_t *out, sdx_ledger *l)
{
	struct sdx__stmt s;
	int err;

	if (l->in_tx) {
		*out = l->size;
		return 0;
	}
	if ((err = sdx__stmt(&s, l, NULL, "reading entries", "SELECT max(idx) FROM entries")) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = sqlite3_column_type(s.st, 0) == SQLITE_NULL
			       ? 0 : (uint64_t)sqlite3_column_int64(s.st, 0) + 1;
	else if (err == 0)
		err = sdx__db_error(l, "reading entries");
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

/* The SHA-256 of the payload of an entry's envelope (version 3 links to it). */
static int payload_hash(sdx_ledger *l, unsigned char out[32], const void *data, size_t len)
{
	sdx_dsse_envelope *env = NULL;
	int err;

	if ((err = sdx_dsse_parse(&env, data, len)) < 0)
		return sdx_error_set(err == SDX_ENOMEM ? err : SDX_EVERIFY, "'%s': the last entry "
				     "is not an envelope; run 'sdx verify'", l->path);
	sdx__sha256(out, env->payload, env->payload_len);
	sdx_dsse_envelope_free(env);
	return 0;
}

/* The tree as it stands, for appending; under the write lock. */
int sdx__load_tree(sdx_ledger *l)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading entries",
			     "SELECT idx, leaf, sdx_envelope(data) FROM entries ORDER BY idx DESC LIMIT 1")) < 0)
		return err;
	memset(l->prev, 0, 32);
	memset(l->prev_payload, 0, 32);
	l->size = 0;
	if ((err = sdx__stmt_step(&s)) == 1) {
		l->size = (uint64_t)sqlite3_column_int64(s.st, 0) + 1;
		sdx__column_hash(s.st, 1, l->prev);
		err = payload_hash(l, l->prev_payload, sqlite3_column_blob(s.st, 2),
				   (size_t)sqlite3_column_bytes(s.st, 2));
	}
	sdx__stmt_end(&s);
	if (err < 0)
		return err;
	sdx_merkle_builder_init(&l->tree);
	return sdx_merkle_builder_resume(&l->tree, l->size, sdx__node_reader, l);
}

int sdx_ledger_snapshot_begin(sdx_ledger *l)
{
	if (l->in_tx)
		return 0; /* a write transaction is a snapshot already */
	return sdx__db_exec(l, "BEGIN");
}

void sdx_ledger_snapshot_end(sdx_ledger *l)
{
	if (!l->in_tx)
		sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
}

int sdx_ledger_begin(sdx_ledger *l)
{
	int err;

	if (l->flags & SDX_OPEN_READONLY)
		return sdx_error_set(SDX_EINVAL, "'%s': opened read-only", l->path);
	if (l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': a transaction is already open", l->path);
	/* IMMEDIATE takes the write lock now, so the tree cannot move under us. */
	if ((err = sdx__db_exec(l, "BEGIN IMMEDIATE")) < 0)
		return err;
	l->in_tx = 1;
	l->tx_broken = 0;
	if ((err = sdx__load_tree(l)) < 0) {
		sdx_ledger_rollback(l);
		return err;
	}
	return 0;
}

int sdx_ledger_commit(sdx_ledger *l)
{
	int err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': no transaction is open", l->path);
	if (l->tx_broken) {
		sdx_ledger_rollback(l);
		return sdx_error_set(SDX_EINVAL, "'%s': an imported entry of this transaction "
				     "failed to be stored: rolled back, nothing was written", l->path);
	}
	if ((err = sdx__stage_flush(l)) < 0 || (err = sdx__db_exec(l, "COMMIT")) < 0) {
		sdx_ledger_rollback(l);
		return err;
	}
	l->in_tx = 0;
	return 0;
}

int sdx_ledger_sync(sdx_ledger *l)
{
	int busy = 0, logged = 0, done = 0, err;
	struct sdx__stmt s;

	if (l->flags & SDX_OPEN_READONLY)
		return 0; /* a reader cannot checkpoint the WAL; the writer's own sync applies */
	/* copy the WAL into the database file and sync it: everything committed
	 * so far survives a power loss */
	if ((err = sdx__stmt(&s, l, NULL, "syncing the ledger", "PRAGMA wal_checkpoint(FULL)")) < 0)
		return err;
	if (sqlite3_step(s.st) == SQLITE_ROW) {
		busy = sqlite3_column_int(s.st, 0);
		logged = sqlite3_column_int(s.st, 1);
		done = sqlite3_column_int(s.st, 2);
	}
	sdx__stmt_end(&s);
	if (busy || done < logged)
		return sdx_error_set(SDX_EIO, "'%s': cannot sync the ledger to disk while another "
				     "process holds it; try again", l->path);
	return 0;
}

void sdx_ledger_rollback(sdx_ledger *l)
{
	if (l && l->in_tx) {
		sdx__stage_discard(l);
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->in_tx = 0;
		l->tx_broken = 0;
		/* a key rotated in the dropped transaction is undone too */
		if (sdx__load_identity(l) < 0)
			sdx_error_clear();
	}
}
