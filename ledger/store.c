/*
 * ledger/store.c - the SQLite file behind a ledger: schema, migrations,
 * transactions, appending entries and reading them back.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "ledger/store.h"
#include "sdx/dsse.h"

/*
 * Schema migrations: migrations[i] brings user_version i to i+1.  Never edit
 * a released step; append a new one.  Every table is append-only: triggers
 * refuse UPDATE and DELETE, and sdx_ledger_verify() checks they are present.
 */
static const char *const migrations[] = {
	"CREATE TABLE meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE entries(idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL UNIQUE,"
	" type TEXT NOT NULL, time TEXT NOT NULL, data BLOB NOT NULL);"
	"CREATE TABLE nodes(level INTEGER NOT NULL, idx INTEGER NOT NULL,"
	" hash BLOB NOT NULL, PRIMARY KEY(level, idx)) WITHOUT ROWID;"
	"CREATE TABLE checkpoints(size INTEGER PRIMARY KEY, root BLOB NOT NULL,"
	" note BLOB NOT NULL);"
	"CREATE TABLE keys(pubkey BLOB PRIMARY KEY, name TEXT NOT NULL,"
	" keyid INTEGER NOT NULL, since INTEGER NOT NULL);"
	"CREATE TABLE attachments(hash BLOB PRIMARY KEY, size INTEGER NOT NULL,"
	" name TEXT NOT NULL);"
	"CREATE TABLE attachment_chunks(hash BLOB NOT NULL, n INTEGER NOT NULL,"
	" data BLOB NOT NULL, PRIMARY KEY(hash, n)) WITHOUT ROWID;"
	"CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER meta_no_delete BEFORE DELETE ON meta BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER nodes_no_update BEFORE UPDATE ON nodes BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER nodes_no_delete BEFORE DELETE ON nodes BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER keys_no_update BEFORE UPDATE ON keys BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER keys_no_delete BEFORE DELETE ON keys BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER chunks_no_update BEFORE UPDATE ON attachment_chunks BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER chunks_no_delete BEFORE DELETE ON attachment_chunks BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 2: the keys this organisation trusts.  Local policy, not evidence:
	 * not signed, not append-only, never exported. */
	"CREATE TABLE trusted_keys(pubkey BLOB PRIMARY KEY, name TEXT NOT NULL,"
	" keyid INTEGER NOT NULL, label TEXT NOT NULL, added TEXT NOT NULL);",
	/* 3: what was imported from other ledgers, kept apart from the own chain */
	"CREATE TABLE foreign_checkpoints(origin TEXT NOT NULL, size INTEGER NOT NULL,"
	" root BLOB NOT NULL, note BLOB NOT NULL, PRIMARY KEY(origin, size)) WITHOUT ROWID;"
	"CREATE TABLE foreign_entries(origin TEXT NOT NULL, idx INTEGER NOT NULL,"
	" leaf BLOB NOT NULL, type TEXT NOT NULL, time TEXT NOT NULL, data BLOB NOT NULL,"
	" proof_size INTEGER NOT NULL, proof BLOB NOT NULL, PRIMARY KEY(origin, idx));"
	"CREATE INDEX foreign_entries_leaf ON foreign_entries(leaf);"
	"CREATE TABLE imports(bundle BLOB PRIMARY KEY, producer TEXT NOT NULL,"
	" created TEXT NOT NULL, entries INTEGER NOT NULL, receipt INTEGER NOT NULL);"
	"CREATE TRIGGER fcp_no_update BEFORE UPDATE ON foreign_checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER fcp_no_delete BEFORE DELETE ON foreign_checkpoints BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER fentries_no_update BEFORE UPDATE ON foreign_entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER fentries_no_delete BEFORE DELETE ON foreign_entries BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER imports_no_update BEFORE UPDATE ON imports BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER imports_no_delete BEFORE DELETE ON imports BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 3 -> 4: revoked keys (local policy, but a revocation is never undone) */
	"CREATE TABLE revoked_keys(pubkey BLOB PRIMARY KEY, name TEXT NOT NULL,"
	" keyid INTEGER NOT NULL, revoked TEXT NOT NULL, reason TEXT NOT NULL);"
	"CREATE TRIGGER revoked_no_update BEFORE UPDATE ON revoked_keys BEGIN SELECT RAISE(ABORT, 'sdx: a revocation is permanent'); END;"
	"CREATE TRIGGER revoked_no_delete BEFORE DELETE ON revoked_keys BEGIN SELECT RAISE(ABORT, 'sdx: a revocation is permanent'); END;",
	/* 4 -> 5: the keys imported data was verified with, so sdx verify can check it again */
	"CREATE TABLE foreign_keys(origin TEXT NOT NULL, pubkey BLOB NOT NULL, added TEXT NOT NULL,"
	" PRIMARY KEY(origin, pubkey));"
	"CREATE TRIGGER fkeys_no_update BEFORE UPDATE ON foreign_keys BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER fkeys_no_delete BEFORE DELETE ON foreign_keys BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 5 -> 6: consistency proofs between imported checkpoints, to forward them */
	"CREATE TABLE foreign_consistency(origin TEXT NOT NULL, old_size INTEGER NOT NULL,"
	" size INTEGER NOT NULL, proof BLOB NOT NULL, PRIMARY KEY(origin, old_size, size));"
	"CREATE TRIGGER fcons_no_update BEFORE UPDATE ON foreign_consistency BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER fcons_no_delete BEFORE DELETE ON foreign_consistency BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
};

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

void sdx__keyid_string(char out[SDX_KEYID_MAX], const sdx_verifier *v)
{
	snprintf(out, SDX_KEYID_MAX, "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
}

int sdx__node_reader(void *ctx, unsigned level, uint64_t index, unsigned char out[32])
{
	sdx_ledger *l = ctx;
	int err, rc;

	if ((err = sdx__db_prepare(l, &l->st_node_get,
				   "SELECT hash FROM nodes WHERE level = ? AND idx = ?")) < 0)
		return err;
	sqlite3_bind_int(l->st_node_get, 1, (int)level);
	sqlite3_bind_int64(l->st_node_get, 2, (sqlite3_int64)index);
	rc = sqlite3_step(l->st_node_get);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(l->st_node_get, 0) == 32) {
		memcpy(out, sqlite3_column_blob(l->st_node_get, 0), 32);
		sqlite3_reset(l->st_node_get);
		return 0;
	}
	sqlite3_reset(l->st_node_get);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return sdx_error_set(SDX_EVERIFY, "'%s': tree hash at level %u index %" PRIu64
				     " is %s", l->path, level, index,
				     rc == SQLITE_ROW ? "damaged" : "missing");
	return sdx__db_error(l, "reading tree hashes");
}

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

static int valid_type(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SDX_TYPE_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
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
	sqlite3_extended_result_codes(l->db, 1);
	/* Entries are ~2-8 KB: in 16 KB pages most fit whole on a b-tree page
	 * instead of spilling into overflow pages (fewer pages, fewer writes).
	 * Only a new, empty file takes it. */
	if (create && (err = sdx__db_exec(l, "PRAGMA page_size=16384")) < 0)
		goto done;
	/* The first statement that reads the file tells a ledger from anything else. */
	if (!(flags & SDX_OPEN_READONLY) &&
	    (err = sdx__db_exec(l, "PRAGMA journal_mode=WAL")) < 0)
		goto done;
	if ((err = sdx__db_exec(l, (flags & SDX_OPEN_DURABLE) ? "PRAGMA synchronous=FULL"
							      : "PRAGMA synchronous=NORMAL")) < 0)
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
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(l->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		err = sdx__db_error(l, "reading schema version");
	else
		*out = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return err;
}

static int migrate(sdx_ledger *l, int from)
{
	char sql[64];
	int v, err = 0;

	for (v = from; v < SDX_LEDGER_FORMAT; v++) {
		if ((err = sdx__db_exec(l, migrations[v])) < 0)
			return err;
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", v + 1);
		if ((err = sdx__db_exec(l, sql)) < 0)
			return err;
	}
	return 0;
}

/* Load origin and key from meta/keys; called after open. */
static int load_identity(sdx_ledger *l)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT value FROM meta WHERE name = 'origin'", -1,
			       &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading ledger identity");
		goto done;
	}
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) > SDX_NAME_MAX) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': not an sdx ledger (no origin)", l->path);
		goto done;
	}
	snprintf(l->origin, sizeof(l->origin), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	/* the key that signs now: the latest one (sdx_ledger_rotate_key) */
	if (sqlite3_prepare_v2(l->db, "SELECT name, pubkey FROM keys ORDER BY since DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading ledger key");
		goto done;
	}
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 1) != 32) {
		err = sdx_error_set(SDX_EFORMAT, "'%s': ledger has no public key", l->path);
		goto done;
	}
	sdx_verifier_free(l->key);
	l->key = NULL;
	if ((err = sdx_verifier_new(&l->key, (const char *)sqlite3_column_text(st, 0),
				    sqlite3_column_blob(st, 1))) < 0)
		goto done;
	sdx__keyid_string(l->keyid, l->key);
done:
	sqlite3_finalize(st);
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
		if ((err = user_version(l, &v)) < 0 || (err = migrate(l, v)) < 0 ||
		    (err = sdx__db_exec(l, "COMMIT")) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			goto done;
		}
		v = SDX_LEDGER_FORMAT;
	}
	l->format = v;
	err = load_identity(l);
done:
	if (err < 0) {
		sdx_ledger_free(l);
		return err;
	}
	*out = l;
	return 0;
}

static int load_tree(sdx_ledger *l)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf FROM entries ORDER BY idx DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading entries");
	memset(l->prev, 0, 32);
	l->size = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		l->size = (uint64_t)sqlite3_column_int64(st, 0) + 1;
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(l->prev, sqlite3_column_blob(st, 1), 32);
	}
	sqlite3_finalize(st);
	err = sdx_merkle_builder_resume(&l->tree, l->size, sdx__node_reader, l);
	return err;
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
	if ((err = load_tree(l)) < 0) {
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
	if ((err = sdx__db_exec(l, "COMMIT")) < 0) {
		sdx_ledger_rollback(l);
		return err;
	}
	l->in_tx = 0;
	return 0;
}

int sdx_ledger_sync(sdx_ledger *l)
{
	int busy = 0, logged = 0, done = 0;
	sqlite3_stmt *st = NULL;

	if (l->flags & SDX_OPEN_READONLY)
		return 0; /* a reader cannot checkpoint the WAL; the writer's own sync applies */
	/* copy the WAL into the database file and sync it: everything committed
	 * so far survives a power loss */
	if (sqlite3_prepare_v2(l->db, "PRAGMA wal_checkpoint(FULL)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "syncing the ledger");
	if (sqlite3_step(st) == SQLITE_ROW) {
		busy = sqlite3_column_int(st, 0);
		logged = sqlite3_column_int(st, 1);
		done = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (busy || done < logged)
		return sdx_error_set(SDX_EIO, "'%s': cannot sync the ledger to disk while another "
				     "process holds it; try again", l->path);
	return 0;
}

void sdx_ledger_rollback(sdx_ledger *l)
{
	if (l && l->in_tx) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->in_tx = 0;
		/* a key rotated in the dropped transaction is undone too */
		if (load_identity(l) < 0)
			sdx_error_clear();
	}
}

static int emit_node(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	sdx_ledger *l = ctx;
	int err;

	if ((err = sdx__db_prepare(l, &l->st_node_insert,
				   "INSERT INTO nodes(level, idx, hash) VALUES(?, ?, ?)")) < 0)
		return err;
	sqlite3_bind_int(l->st_node_insert, 1, (int)level);
	sqlite3_bind_int64(l->st_node_insert, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(l->st_node_insert, 3, hash, 32, SQLITE_STATIC);
	if (sqlite3_step(l->st_node_insert) != SQLITE_DONE)
		return sdx__db_error(l, "storing tree hash");
	return 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* The hashes sorted, each once, in a new array (NULL when n is 0). */
static int sorted_hashes(unsigned char (**out)[32], size_t *m,
			 const unsigned char (*h)[32], size_t n)
{
	size_t i, k = 0;

	*out = NULL;
	*m = 0;
	if (n == 0)
		return 0;
	if (n > SDX_DSSE_MAX_ENVELOPE / 67)
		return sdx_error_set(SDX_ELIMIT, "%zu attachments do not fit an entry", n);
	if (!(*out = malloc(n * 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(*out, h, n * 32);
	qsort(*out, n, 32, cmp_hash);
	for (i = 0; i < n; i++)
		if (k == 0 || memcmp((*out)[k - 1], (*out)[i], 32) != 0)
			memmove((*out)[k++], (*out)[i], 32);
	*m = k;
	return 0;
}

/* Append a payload body that is known to be canonical, citing the sorted,
 * distinct atts.  Version 2: {"attachments":[...],"body":BODY,"key":...,
 * "version":2}, keys in sorted order, so the payload is canonical JSON by
 * construction. */
static int append_raw(sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *body, size_t len, const unsigned char (*atts)[32], size_t natts,
		      sdx_entry_info *out)
{
	char prev_hex[65], time[21], head[64];
	char *payload = NULL, *env = NULL;
	size_t plen, cap, env_len = 0, i;
	unsigned char leaf[32];
	int n, err = 0;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': append outside a transaction", l->path);
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(l->key), 32) != 0)
		return sdx_error_set(SDX_EUNTRUSTED, "'%s': key '%s' is not this ledger's key",
				     l->path, sdx_signer_name(key));
	sdx__hex(prev_hex, l->prev, 32);
	sdx__utc_now(time);
	cap = len + 67 * natts + strlen(l->keyid) + strlen(l->origin) + strlen(type) + 256;
	if (!(payload = malloc(cap))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(payload, "{\"attachments\":[", 16);
	plen = 16;
	for (i = 0; i < natts; i++) {
		if (i)
			payload[plen++] = ',';
		payload[plen++] = '"';
		sdx__hex(payload + plen, atts[i], 32);
		plen += 64;
		payload[plen++] = '"';
	}
	memcpy(payload + plen, "],\"body\":", 9);
	plen += 9;
	memcpy(payload + plen, body, len);
	plen += len;
	snprintf(head, sizeof(head), "%" PRIu64, l->size);
	n = snprintf(payload + plen, cap - plen,
		     ",\"key\":\"%s\",\"origin\":\"%s\",\"prev\":\"%s\",\"seq\":%s,"
		     "\"time\":\"%s\",\"type\":\"%s\",\"version\":2}",
		     l->keyid, l->origin, prev_hex, head, time, type);
	if (n < 0 || (size_t)n >= cap - plen) {
		err = sdx_error_set(SDX_ELIMIT, "entry payload too large");
		goto done;
	}
	plen += (size_t)n;
	if ((err = sdx_dsse_sign(&env, &env_len, SDX_ENTRY_PAYLOAD_TYPE, payload, plen,
				 l->keyid, key)) < 0)
		goto done;
	if (env_len > SDX_DSSE_MAX_ENVELOPE) {
		err = sdx_error_set(SDX_ELIMIT, "entry of %zu bytes exceeds the limit of %d bytes "
				    "(move large content into attachments)", env_len,
				    SDX_DSSE_MAX_ENVELOPE);
		goto done;
	}
	sdx_merkle_leaf_hash(leaf, env, env_len);
	if ((err = sdx__db_prepare(l, &l->st_entry_insert,
				   "INSERT INTO entries(idx, leaf, type, time, data) "
				   "VALUES(?, ?, ?, ?, ?)")) < 0)
		goto done;
	sqlite3_bind_int64(l->st_entry_insert, 1, (sqlite3_int64)l->size);
	sqlite3_bind_blob(l->st_entry_insert, 2, leaf, 32, SQLITE_STATIC);
	sqlite3_bind_text(l->st_entry_insert, 3, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->st_entry_insert, 4, time, -1, SQLITE_STATIC);
	sqlite3_bind_blob(l->st_entry_insert, 5, env, (int)env_len, SQLITE_STATIC);
	if (sqlite3_step(l->st_entry_insert) != SQLITE_DONE) {
		err = sdx__db_error(l, "storing entry");
		sqlite3_reset(l->st_entry_insert);
		goto done;
	}
	sqlite3_reset(l->st_entry_insert);
	if ((err = sdx_merkle_builder_append(&l->tree, leaf, emit_node, l)) < 0)
		goto done;
	if (out) {
		out->index = l->size;
		memcpy(out->leaf_hash, leaf, 32);
		memcpy(out->time, time, 21);
	}
	memcpy(l->prev, leaf, 32);
	l->size++;
done:
	free(payload);
	free(env);
	return err;
}

static int check_type(const char *type)
{
	if (!valid_type(type))
		return sdx_error_set(SDX_EINVAL, "invalid record type '%.40s'", type);
	if (strcmp(type, "genesis") == 0 || strcmp(type, "key") == 0)
		return sdx_error_set(SDX_EINVAL, "record type '%s' is reserved", type);
	return 0;
}

int sdx__ledger_append_canonical(sdx_ledger *l, const sdx_signer *key, const char *type,
				 const char *body, size_t len, const unsigned char (*atts)[32],
				 size_t natts, sdx_entry_info *out)
{
	unsigned char (*sorted)[32] = NULL;
	size_t n;
	int err;

	if ((err = check_type(type)) < 0 ||
	    (err = sorted_hashes(&sorted, &n, atts, natts)) < 0)
		return err;
	err = append_raw(l, key, type, body, len, (const unsigned char (*)[32])sorted, n, out);
	free(sorted);
	return err;
}

int sdx_ledger_append(sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *body, size_t len, sdx_entry_info *out)
{
	return sdx_ledger_append_cited(l, key, type, body, len, NULL, 0, out);
}

int sdx_ledger_append_cited(sdx_ledger *l, const sdx_signer *key, const char *type,
			    const char *body, size_t len, const unsigned char (*attachments)[32],
			    size_t n_attachments, sdx_entry_info *out)
{
	unsigned char (*sorted)[32] = NULL;
	json_t *j = NULL;
	char *canon = NULL, hex[65];
	size_t clen = 0, natts = 0, i;
	int err;

	if ((err = check_type(type)) < 0)
		return err;
	if ((err = sorted_hashes(&sorted, &natts, attachments, n_attachments)) < 0)
		return err;
	for (i = 0; i < natts; i++) {
		if ((err = sdx_ledger_has_attachment(l, sorted[i])) < 0)
			goto done;
		if (err == 0) {
			sdx__hex(hex, sorted[i], 32);
			err = sdx_error_set(SDX_ENOTFOUND, "'%s': attachment %s is not stored",
					    l->path, hex);
			goto done;
		}
	}
	/* The ledger signs exact bytes and never re-serialises later, so it
	 * accepts only bodies that are already canonical. */
	if ((err = sdx__json_parse(&j, body, len, 64, "entry body")) < 0)
		goto done;
	if (!json_is_object(j)) {
		err = sdx_error_set(SDX_EINVAL, "entry body is not a JSON object");
		goto done;
	}
	if ((err = sdx__json_dump(&canon, &clen, j)) < 0)
		goto done;
	if (clen != len || memcmp(canon, body, len) != 0) {
		err = sdx_error_set(SDX_EINVAL, "entry body is not canonical JSON "
				    "(normalise it with sdx_record_normalize)");
		goto done;
	}
	err = append_raw(l, key, type, body, len, (const unsigned char (*)[32])sorted, natts, out);
done:
	json_decref(j);
	free(canon);
	free(sorted);
	return err;
}

int sdx_ledger_rotate_key(sdx_ledger *l, const sdx_signer *old, const sdx_signer *new_key,
			  const char *reason, sdx_entry_info *out)
{
	sdx_verifier *nv = NULL;
	sdx_entry_info info;
	sqlite3_stmt *st = NULL;
	json_t *j = NULL;
	char *vkey = NULL, *body = NULL, keyid[SDX_KEYID_MAX];
	size_t blen;
	int rc, err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': key rotation outside a transaction", l->path);
	if (strcmp(sdx_signer_name(new_key), l->origin) != 0)
		return sdx_error_set(SDX_EINVAL, "the new key is named '%s', not the ledger's origin "
				     "'%s'", sdx_signer_name(new_key), l->origin);
	if (!memcmp(sdx_signer_public_key(new_key), sdx_signer_public_key(old), 32))
		return sdx_error_set(SDX_EINVAL, "the new key is the old key");
	if ((err = sdx_signer_verifier(&nv, new_key)) < 0 ||
	    (err = sdx_verifier_format(&vkey, nv)) < 0)
		goto done;
	j = json_pack("{s:s, s:s}", "new_key", vkey, "reason", reason && *reason ? reason :
		      "key rotation");
	if (!j) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__json_dump(&body, &blen, j)) < 0)
		goto done;
	/* the old key signs the new one in: whoever trusts it can follow */
	if ((err = append_raw(l, old, "key", body, blen, NULL, 0, &info)) < 0)
		goto done;
	sdx__keyid_string(keyid, nv);
	if (sqlite3_prepare_v2(l->db, "INSERT INTO keys(pubkey, name, keyid, since) VALUES(?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "storing the new key");
		goto done;
	}
	sqlite3_bind_blob(st, 1, sdx_signer_public_key(new_key), 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, sdx_verifier_keyid(nv));
	sqlite3_bind_int64(st, 4, (sqlite3_int64)(info.index + 1));
	rc = sqlite3_step(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT) {
		err = sdx_error_set(SDX_EEXISTS, "that key signed this ledger before; use a new one");
		goto done;
	}
	if (rc != SQLITE_DONE) {
		err = sdx__db_error(l, "storing the new key");
		goto done;
	}
	sdx_verifier_free(l->key);
	l->key = nv;
	nv = NULL;
	snprintf(l->keyid, sizeof(l->keyid), "%s", keyid);
	if (out)
		*out = info;
done:
	sqlite3_finalize(st);
	sdx_verifier_free(nv);
	json_decref(j);
	free(vkey);
	free(body);
	return err;
}

int sdx_ledger_key_at(sdx_ledger *l, uint64_t index, sdx_verifier **out)
{
	sqlite3_stmt *st = NULL;
	int err;

	*out = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT name, pubkey FROM keys WHERE since <= ? ORDER BY since "
			       "DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading ledger keys");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	if (sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 1) != 32)
		err = sdx_error_set(SDX_EFORMAT, "'%s': no key for entry %" PRIu64, l->path, index);
	else
		err = sdx_verifier_new(out, (const char *)sqlite3_column_text(st, 0),
				       sqlite3_column_blob(st, 1));
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreach_key(sdx_ledger *l, sdx_key_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	sdx_verifier *v = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT name, pubkey, since FROM keys ORDER BY since", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading ledger keys");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 32) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged ledger key", l->path);
			break;
		}
		if ((err = sdx_verifier_new(&v, (const char *)sqlite3_column_text(st, 0),
					    sqlite3_column_blob(st, 1))) < 0)
			break;
		err = cb(ctx, v, (uint64_t)sqlite3_column_int64(st, 2));
		sdx_verifier_free(v);
		v = NULL;
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = sdx__db_error(l, "reading ledger keys");
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_create(sdx_ledger **out, const char *path, const sdx_signer *key)
{
	sdx_ledger *l = NULL;
	char *vkey = NULL, *body = NULL, time[21];
	sqlite3_stmt *st = NULL;
	sdx_verifier *v = NULL;
	json_t *j = NULL;
	size_t blen;
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
	if ((err = migrate(l, 0)) < 0)
		goto done;
	snprintf(l->origin, sizeof(l->origin), "%s", sdx_signer_name(key));
	if ((err = sdx_signer_verifier(&v, key)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "INSERT INTO meta(name, value) VALUES('origin', ?), "
			       "('format', 'sdx-ledger/1')", -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "creating ledger");
		goto done;
	}
	sqlite3_bind_text(st, 1, l->origin, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = sdx__db_error(l, "creating ledger");
		goto done;
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(l->db, "INSERT INTO keys(pubkey, name, keyid, since) VALUES(?, ?, ?, 0)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "creating ledger");
		goto done;
	}
	sqlite3_bind_blob(st, 1, sdx_signer_public_key(key), 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, l->origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, sdx_signer_keyid(key));
	if (sqlite3_step(st) != SQLITE_DONE) {
		err = sdx__db_error(l, "creating ledger");
		goto done;
	}
	l->key = v;
	v = NULL;
	sdx__keyid_string(l->keyid, l->key);
	sdx_merkle_builder_init(&l->tree);
	sdx__utc_now(time);
	j = json_pack("{s:s, s:s, s:s, s:s}", "origin", l->origin, "key", vkey,
		      "created", time, "format", "sdx-ledger/1");
	if (!j || (err = sdx__json_dump(&body, &blen, j)) < 0) {
		err = err < 0 ? err : sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = append_raw(l, key, "genesis", body, blen, NULL, 0, NULL)) < 0)
		goto done;
	if ((err = sdx_ledger_checkpoint(l, key, NULL, NULL)) < 0)
		goto done;
	if ((err = sdx_ledger_commit(l)) < 0)
		goto done;
done:
	sqlite3_finalize(st);
	json_decref(j);
	free(body);
	free(vkey);
	sdx_verifier_free(v);
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
	if (!l)
		return;
	sdx_ledger_rollback(l);
	sqlite3_finalize(l->st_entry_insert);
	sqlite3_finalize(l->st_has_attachment);
	sqlite3_finalize(l->st_node_insert);
	sqlite3_finalize(l->st_node_get);
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

int sdx_ledger_verifier(sdx_ledger *l, sdx_verifier **out)
{
	return sdx_verifier_new(out, sdx_verifier_name(l->key), sdx_verifier_public_key(l->key));
}

int sdx_ledger_size(sdx_ledger *l, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (l->in_tx) {
		*out = l->size;
		return 0;
	}
	if (sqlite3_prepare_v2(l->db, "SELECT max(idx) FROM entries", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW)
		err = sdx__db_error(l, "reading entries");
	else
		*out = sqlite3_column_type(st, 0) == SQLITE_NULL
			       ? 0 : (uint64_t)sqlite3_column_int64(st, 0) + 1;
	sqlite3_finalize(st);
	return err;
}

/* --- attachments ------------------------------------------------------------ */

static int hash_file(const char *path, unsigned char out[32], uint64_t *size)
{
	sdx__sha256_ctx h = { 0 };
	unsigned char *buf = NULL;
	uint64_t total = 0;
	FILE *f = NULL;
	size_t n;
	int err = 0;

	if (!(f = fopen(path, "rb")))
		return sdx_error_set(errno == ENOENT ? SDX_ENOTFOUND : SDX_EIO,
				     "cannot open attachment '%s': %s", path, strerror(errno));
	if (!(buf = malloc(SDX_ATTACH_CHUNK))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	sdx__sha256_init(&h);
	while ((n = fread(buf, 1, SDX_ATTACH_CHUNK, f)) > 0) {
		sdx__sha256_update(&h, buf, n);
		total += n;
	}
	if (ferror(f)) {
		err = sdx_error_set(SDX_EIO, "cannot read attachment '%s': %s", path, strerror(errno));
		goto done;
	}
	sdx__sha256_final(&h, out);
	*size = total;
done:
	sdx__sha256_clear(&h);
	free(buf);
	fclose(f);
	return err;
}

int sdx_ledger_has_attachment(sdx_ledger *l, const unsigned char hash[32])
{
	int rc, err;

	/* asked once per cited attachment of every record appended */
	if ((err = sdx__db_prepare(l, &l->st_has_attachment,
				   "SELECT 1 FROM attachments WHERE hash = ?")) < 0)
		return err;
	sqlite3_bind_blob(l->st_has_attachment, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(l->st_has_attachment);
	err = rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : sdx__db_error(l, "reading attachments");
	sqlite3_reset(l->st_has_attachment);
	return err;
}

int sdx_ledger_attach_file(sdx_ledger *l, const char *path, unsigned char out_hash[32],
			   uint64_t *out_size)
{
	sdx__sha256_ctx h = { 0 };
	unsigned char hash[32], check[32], *buf = NULL;
	sqlite3_stmt *st = NULL;
	uint64_t size = 0, total = 0;
	const char *base;
	FILE *f = NULL;
	sqlite3_int64 n = 0;
	size_t got;
	int err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': attach outside a transaction", l->path);
	/* Two passes: the content address must be known before the chunks are
	 * keyed by it, and rows are never updated afterwards. */
	if ((err = hash_file(path, hash, &size)) < 0)
		return err;
	if (out_hash)
		memcpy(out_hash, hash, 32);
	if (out_size)
		*out_size = size;
	if ((err = sdx_ledger_has_attachment(l, hash)) != 0)
		return err < 0 ? err : 0;
	if (!(f = fopen(path, "rb"))) {
		err = sdx_error_set(SDX_EIO, "cannot open attachment '%s': %s", path, strerror(errno));
		goto done;
	}
	if (!(buf = malloc(SDX_ATTACH_CHUNK))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if (sqlite3_prepare_v2(l->db, "INSERT INTO attachment_chunks(hash, n, data) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "storing attachment");
		goto done;
	}
	sdx__sha256_init(&h);
	while ((got = fread(buf, 1, SDX_ATTACH_CHUNK, f)) > 0) {
		sdx__sha256_update(&h, buf, got);
		total += got;
		sqlite3_reset(st);
		sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, n++);
		sqlite3_bind_blob(st, 3, buf, (int)got, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			err = sdx__db_error(l, "storing attachment");
			goto done;
		}
	}
	sdx__sha256_final(&h, check);
	if (ferror(f) || total != size || memcmp(check, hash, 32) != 0) {
		err = sdx_error_set(SDX_EIO, "attachment '%s' changed while it was being stored", path);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(l->db, "INSERT INTO attachments(hash, size, name) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "storing attachment");
		goto done;
	}
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	sqlite3_bind_text(st, 3, base, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = sdx__db_error(l, "storing attachment");
done:
	sdx__sha256_clear(&h);
	sqlite3_finalize(st);
	free(buf);
	if (f)
		fclose(f);
	return err;
}

int sdx_ledger_export_attachment(sdx_ledger *l, const unsigned char hash[32], const char *path)
{
	sqlite3_stmt *st = NULL;
	FILE *f = NULL;
	int fd, err = 0, rc, any = 0;

	if ((err = sdx_ledger_has_attachment(l, hash)) <= 0) {
		char hex[65];
		sdx__hex(hex, hash, 32);
		return err < 0 ? err : sdx_error_set(SDX_ENOTFOUND, "no attachment %s", hex);
	}
	err = 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || !(f = fdopen(fd, "wb"))) {
		err = sdx_error_set(errno == EEXIST ? SDX_EEXISTS : SDX_EIO,
				    "cannot create '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	if (sqlite3_prepare_v2(l->db, "SELECT data FROM attachment_chunks WHERE hash = ? ORDER BY n",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading attachment");
		goto done;
	}
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_bytes(st, 0);
		any = 1;
		if (n > 0 && fwrite(sqlite3_column_blob(st, 0), 1, (size_t)n, f) != (size_t)n) {
			err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", path, strerror(errno));
			goto done;
		}
	}
	(void)any;
	if (rc != SQLITE_DONE)
		err = sdx__db_error(l, "reading attachment");
done:
	sqlite3_finalize(st);
	if (fclose(f) != 0 && !err)
		err = sdx_error_set(SDX_EIO, "cannot write '%s': %s", path, strerror(errno));
	if (err < 0)
		unlink(path);
	return err;
}

struct sdx_attachment_reader {
	sdx_ledger *l;
	sqlite3_stmt *st;
	const unsigned char *chunk;
	size_t len, off;
	int done;
};

int sdx_ledger_attachment_open(sdx_ledger *l, const unsigned char hash[32],
			       sdx_attachment_reader **out, uint64_t *size)
{
	sdx_attachment_reader *r = NULL;
	sqlite3_stmt *st = NULL;
	char hex[65];
	int rc, err = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT size FROM attachments WHERE hash = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading attachments");
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && size)
		*size = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE) {
		sdx__hex(hex, hash, 32);
		return sdx_error_set(SDX_ENOTFOUND, "'%s': no attachment %s", l->path, hex);
	}
	if (rc != SQLITE_ROW)
		return sdx__db_error(l, "reading attachments");
	if (!(r = calloc(1, sizeof(*r))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	r->l = l;
	if (sqlite3_prepare_v2(l->db, "SELECT data FROM attachment_chunks WHERE hash = ? ORDER BY n",
			       -1, &r->st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading attachments");
		sdx_attachment_reader_free(r);
		return err;
	}
	sqlite3_bind_blob(r->st, 1, hash, 32, SQLITE_TRANSIENT);
	*out = r;
	return 0;
}

int sdx_attachment_read(sdx_attachment_reader *r, void *buf, size_t cap, size_t *got)
{
	size_t n;
	int rc;

	*got = 0;
	while (!r->done && r->off == r->len) {
		rc = sqlite3_step(r->st);
		if (rc == SQLITE_DONE) {
			r->done = 1;
			break;
		}
		if (rc != SQLITE_ROW)
			return sdx__db_error(r->l, "reading attachment");
		r->chunk = sqlite3_column_blob(r->st, 0);
		r->len = (size_t)sqlite3_column_bytes(r->st, 0);
		r->off = 0;
	}
	if (r->done)
		return 0;
	n = r->len - r->off < cap ? r->len - r->off : cap;
	memcpy(buf, r->chunk + r->off, n);
	r->off += n;
	*got = n;
	return 0;
}

void sdx_attachment_reader_free(sdx_attachment_reader *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->st);
	free(r);
}

int sdx_ledger_foreach_checkpoint(sdx_ledger *l, sdx_checkpoint_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT size, root, note FROM checkpoints ORDER BY size DESC",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading checkpoints");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 32) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': damaged checkpoint row", l->path);
			break;
		}
		if ((err = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
			      sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2))) != 0)
			break;
	}
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = sdx__db_error(l, "reading checkpoints");
	sqlite3_finalize(st);
	return err;
}

/* --- imported data ---------------------------------------------------------------- */

int sdx_ledger_foreign_checkpoint(sdx_ledger *l, const char *origin, uint64_t size,
				  const unsigned char root[32], const char *note, size_t len,
				  char **held)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (held)
		*held = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT root, note FROM foreign_checkpoints WHERE origin = ? "
			       "AND size = ?", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 0) != 32 || memcmp(sqlite3_column_blob(st, 0), root, 32)) {
			/* same origin, same size, another root: the signer showed two trees */
			if (held && (*held = malloc((size_t)sqlite3_column_bytes(st, 1) + 1))) {
				memcpy(*held, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
				(*held)[sqlite3_column_bytes(st, 1)] = '\0';
			}
			err = sdx_error_set(SDX_ECONFLICT, "equivocation by %s: a checkpoint of size %"
					    PRIu64 " with a different root is already held", origin, size);
		}
		sqlite3_finalize(st);
		return err < 0 ? err : 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sdx__db_error(l, "reading imported checkpoints");
	if (sqlite3_prepare_v2(l->db, "INSERT INTO foreign_checkpoints(origin, size, root, note) "
			       "VALUES(?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing an imported checkpoint");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 3, root, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 4, note, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing an imported checkpoint");
}

int sdx_ledger_foreach_foreign_checkpoint(sdx_ledger *l, const char *origin,
					  sdx_checkpoint_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT size, root, note FROM foreign_checkpoints WHERE "
			       "origin = ? ORDER BY size DESC", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((err = cb(ctx, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
			      sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2))) != 0)
			break;
	if (!err && rc != SQLITE_DONE)
		err = sdx__db_error(l, "reading imported checkpoints");
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreign_checkpoint_note(sdx_ledger *l, const char *origin, uint64_t size,
				       char **note, size_t *len)
{
	sqlite3_stmt *st = NULL;
	int rc, n, err = 0;

	*note = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT note FROM foreign_checkpoints WHERE origin = ? AND "
			       "size = ?", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		n = sqlite3_column_bytes(st, 0);
		if (!(*note = malloc((size_t)n + 1))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
		} else {
			memcpy(*note, sqlite3_column_blob(st, 0), (size_t)n);
			(*note)[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	} else if (rc == SQLITE_DONE) {
		err = sdx_error_set(SDX_ENOTFOUND, "the checkpoint of %s at size %" PRIu64
				    " is not held", origin, size);
	} else {
		err = sdx__db_error(l, "reading imported checkpoints");
	}
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreign_latest(sdx_ledger *l, const char *origin, uint64_t *size, char **note)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	*size = 0;
	if (note)
		*note = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT size, note FROM foreign_checkpoints WHERE origin = ? "
			       "ORDER BY size DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		if (note && (*note = malloc((size_t)sqlite3_column_bytes(st, 1) + 1))) {
			memcpy(*note, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1));
			(*note)[sqlite3_column_bytes(st, 1)] = '\0';
		}
	} else if (rc == SQLITE_DONE) {
		err = SDX_ENOTFOUND;
	} else {
		err = sdx__db_error(l, "reading imported checkpoints");
	}
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreign_entry(sdx_ledger *l, const char *origin, uint64_t index,
			     const unsigned char leaf[32], const char *type, const char *time,
			     const unsigned char *data, size_t len, uint64_t tree_size,
			     const unsigned char (*proof)[32], size_t plen)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(l->db, "SELECT leaf FROM foreign_entries WHERE origin = ? AND idx = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported entries");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int same = sqlite3_column_bytes(st, 0) == 32 && !memcmp(sqlite3_column_blob(st, 0), leaf, 32);
		sqlite3_finalize(st);
		return same ? 0 : sdx_error_set(SDX_ECONFLICT, "equivocation by %s: entry %" PRIu64
						" differs from the one already held", origin, index);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sdx__db_error(l, "reading imported entries");
	if (sqlite3_prepare_v2(l->db, "INSERT INTO foreign_entries(origin, idx, leaf, type, time, "
			       "data, proof_size, proof) VALUES(?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing an imported entry");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	sqlite3_bind_blob(st, 3, leaf, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, time, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 6, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)tree_size);
	sqlite3_bind_blob(st, 8, plen ? (const void *)proof : "", (int)(32 * plen), SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing an imported entry");
}

int sdx_ledger_foreign_consistency(sdx_ledger *l, const char *origin, uint64_t old_size,
				   uint64_t size, const unsigned char (*proof)[32], size_t n)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(l->db, "INSERT OR IGNORE INTO foreign_consistency(origin, old_size, "
			       "size, proof) VALUES(?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing a consistency proof");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)old_size);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	sqlite3_bind_blob(st, 4, n ? (const void *)proof : "", (int)(32 * n), SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing a consistency proof");
}

int sdx_ledger_foreign_consistency_get(sdx_ledger *l, const char *origin, uint64_t old_size,
				       uint64_t size, unsigned char (*proof)[32], size_t *n)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	*n = 0;
	if (l->format < 6)
		return SDX_ENOTFOUND;
	if (sqlite3_prepare_v2(l->db, "SELECT proof FROM foreign_consistency WHERE origin = ? AND "
			       "old_size = ? AND size = ?", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading consistency proofs");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)old_size);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		int bytes = sqlite3_column_bytes(st, 0);
		if (bytes % 32 != 0 || bytes / 32 > SDX_MERKLE_MAX_PROOF)
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged consistency proof", l->path);
		else if (bytes)
			memcpy(proof, sqlite3_column_blob(st, 0), (size_t)bytes);
		*n = (size_t)bytes / 32;
	} else {
		err = rc == SQLITE_DONE ? SDX_ENOTFOUND : sdx__db_error(l, "reading consistency proofs");
	}
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreign_key(sdx_ledger *l, const sdx_verifier *v)
{
	sqlite3_stmt *st = NULL;
	char time[21];
	int rc;

	sdx__utc_now(time);
	if (sqlite3_prepare_v2(l->db, "INSERT OR IGNORE INTO foreign_keys(origin, pubkey, added) "
			       "VALUES(?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing an imported key");
	sqlite3_bind_text(st, 1, sdx_verifier_name(v), -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, sdx_verifier_public_key(v), 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, time, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing an imported key");
}

static int foreign_rows(sdx_ledger *l, sqlite3_stmt *st, sdx_foreign_cb cb, void *ctx, int *any)
{
	sdx_foreign_entry e;
	int rc, err = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		snprintf(e.origin, sizeof(e.origin), "%s", (const char *)sqlite3_column_text(st, 0));
		e.index = (uint64_t)sqlite3_column_int64(st, 1);
		if (sqlite3_column_bytes(st, 2) == 32)
			memcpy(e.leaf_hash, sqlite3_column_blob(st, 2), 32);
		snprintf(e.type, sizeof(e.type), "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(e.time, sizeof(e.time), "%s", (const char *)sqlite3_column_text(st, 4));
		e.data = sqlite3_column_blob(st, 5);
		e.len = (size_t)sqlite3_column_bytes(st, 5);
		e.tree_size = (uint64_t)sqlite3_column_int64(st, 6);
		e.proof = (const unsigned char (*)[32])sqlite3_column_blob(st, 7);
		e.proof_len = (size_t)sqlite3_column_bytes(st, 7) / 32;
		if (e.proof_len > SDX_MERKLE_MAX_PROOF)
			return sdx_error_set(SDX_EVERIFY, "'%s': damaged imported entry", l->path);
		*any = 1;
		if ((err = cb(ctx, &e)) != 0)
			return err;
	}
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "reading imported entries");
}

#define FOREIGN_COLS "origin, idx, leaf, type, time, data, proof_size, proof"

int sdx_ledger_foreach_foreign_entry(sdx_ledger *l, sdx_foreign_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int any = 0, err;

	if (sqlite3_prepare_v2(l->db, "SELECT " FOREIGN_COLS " FROM foreign_entries ORDER BY "
			       "origin, proof_size, idx", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported entries");
	err = foreign_rows(l, st, cb, ctx, &any);
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_foreign_get(sdx_ledger *l, const char *origin, uint64_t index,
			   sdx_foreign_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int any = 0, err;

	if (sqlite3_prepare_v2(l->db, "SELECT " FOREIGN_COLS " FROM foreign_entries WHERE "
			       "origin = ? AND idx = ?", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported entries");
	sqlite3_bind_text(st, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)index);
	err = foreign_rows(l, st, cb, ctx, &any);
	sqlite3_finalize(st);
	if (!err && !any)
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no imported entry %s/%" PRIu64, l->path,
				    origin, index);
	return err;
}

int sdx_ledger_import_seen(sdx_ledger *l, const unsigned char bundle[32], uint64_t *receipt)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(l->db, "SELECT receipt FROM imports WHERE bundle = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imports");
	sqlite3_bind_blob(st, 1, bundle, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && receipt)
		*receipt = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "reading imports");
}

int sdx_ledger_import_record(sdx_ledger *l, const unsigned char bundle[32], const char *producer,
			     const char *created, uint64_t entries, uint64_t receipt)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(l->db, "INSERT INTO imports(bundle, producer, created, entries, "
			       "receipt) VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing an import");
	sqlite3_bind_blob(st, 1, bundle, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, producer, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, created, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)entries);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)receipt);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing an import");
}

int sdx_ledger_foreach_origin(sdx_ledger *l, sdx_origin_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db,
			       "SELECT c.origin, max(c.size), (SELECT count(*) FROM foreign_entries e "
			       "WHERE e.origin = c.origin), (SELECT max(time) FROM foreign_entries e "
			       "WHERE e.origin = c.origin) FROM foreign_checkpoints c GROUP BY c.origin "
			       "ORDER BY c.origin", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imports");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *latest = (const char *)sqlite3_column_text(st, 3);
		if ((err = cb(ctx, (const char *)sqlite3_column_text(st, 0),
			      (uint64_t)sqlite3_column_int64(st, 1),
			      (uint64_t)sqlite3_column_int64(st, 2), latest ? latest : "")) != 0)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = sdx__db_error(l, "reading imports");
	sqlite3_finalize(st);
	return err;
}

/* Attachments arriving in pieces (from a bundle); the hash is checked at the end. */
struct sdx_attachment_writer {
	sdx_ledger *l;
	unsigned char hash[32];
	uint64_t size, got;
	sdx__sha256_ctx h;
	unsigned char *buf;
	size_t fill;
	sqlite3_int64 n;
	int skip;
};

int sdx_ledger_attachment_create(sdx_ledger *l, const unsigned char hash[32], uint64_t size,
				 sdx_attachment_writer **out)
{
	sdx_attachment_writer *w;
	int have;

	*out = NULL;
	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': attach outside a transaction", l->path);
	if ((have = sdx_ledger_has_attachment(l, hash)) < 0)
		return have;
	if (!(w = calloc(1, sizeof(*w))) || (!have && !(w->buf = malloc(SDX_ATTACH_CHUNK)))) {
		free(w);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	w->l = l;
	memcpy(w->hash, hash, 32);
	w->size = size;
	w->skip = have; /* content-addressed: already stored means identical */
	sdx__sha256_init(&w->h);
	*out = w;
	return 0;
}

static int writer_flush(sdx_attachment_writer *w)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (w->fill == 0)
		return 0;
	if (sqlite3_prepare_v2(w->l->db, "INSERT INTO attachment_chunks(hash, n, data) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(w->l, "storing attachment");
	sqlite3_bind_blob(st, 1, w->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, w->n++);
	sqlite3_bind_blob(st, 3, w->buf, (int)w->fill, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	w->fill = 0;
	return rc == SQLITE_DONE ? 0 : sdx__db_error(w->l, "storing attachment");
}

int sdx_attachment_write(sdx_attachment_writer *w, const void *data, size_t len)
{
	const unsigned char *p = data;
	int err;

	sdx__sha256_update(&w->h, p, len);
	w->got += len;
	if (w->got > w->size)
		return sdx_error_set(SDX_EVERIFY, "attachment longer than announced");
	if (w->skip)
		return 0;
	while (len) {
		size_t k = SDX_ATTACH_CHUNK - w->fill < len ? SDX_ATTACH_CHUNK - w->fill : len;
		memcpy(w->buf + w->fill, p, k);
		w->fill += k;
		p += k;
		len -= k;
		if (w->fill == SDX_ATTACH_CHUNK && (err = writer_flush(w)) < 0)
			return err;
	}
	return 0;
}

int sdx_attachment_writer_finish(sdx_attachment_writer *w)
{
	unsigned char check[32];
	sqlite3_stmt *st = NULL;
	int rc, err;

	sdx__sha256_final(&w->h, check);
	if (w->got != w->size || memcmp(check, w->hash, 32) != 0) {
		err = sdx_error_set(SDX_EVERIFY, "attachment content does not match its hash");
		goto done;
	}
	if (w->skip) {
		err = 0;
		goto done;
	}
	if ((err = writer_flush(w)) < 0)
		goto done;
	if (sqlite3_prepare_v2(w->l->db, "INSERT INTO attachments(hash, size, name) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(w->l, "storing attachment");
		goto done;
	}
	sqlite3_bind_blob(st, 1, w->hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)w->size);
	sqlite3_bind_text(st, 3, "(imported)", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	err = rc == SQLITE_DONE ? 0 : sdx__db_error(w->l, "storing attachment");
done:
	sdx_attachment_writer_free(w);
	return err;
}

void sdx_attachment_writer_free(sdx_attachment_writer *w)
{
	if (!w)
		return;
	sdx__sha256_clear(&w->h);
	free(w->buf);
	free(w);
}

/* --- trusted keys (local policy) ------------------------------------------------ */

/*
 * Rows of (name, pubkey, text, text) as (verifier, text, text) callbacks: the
 * trusted and the revoked keys.  `what` names the table in messages.
 */
typedef int (*key_row_cb)(void *ctx, const sdx_verifier *v, const char *a, const char *b);

static int key_rows(sdx_ledger *l, const char *sql, const char *what, key_row_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	sdx_verifier *v = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, what);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(st, 1) != 32 ||
		    (err = sdx_verifier_new(&v, (const char *)sqlite3_column_text(st, 0),
					    sqlite3_column_blob(st, 1))) < 0) {
			err = err < 0 ? err : sdx_error_set(SDX_EFORMAT, "'%s': damaged row in %s",
							   l->path, what);
			break;
		}
		err = cb(ctx, v, (const char *)sqlite3_column_text(st, 2),
			 (const char *)sqlite3_column_text(st, 3));
		sdx_verifier_free(v);
		v = NULL;
		if (err != 0)
			break;
	}
	if (!err && rc != SQLITE_DONE)
		err = sdx__db_error(l, what);
	sqlite3_finalize(st);
	return err;
}



/* 1 and the revocation if `pubkey` was revoked, 0 if not. */
static int revoked_at(sdx_ledger *l, const unsigned char pubkey[32], char when[21])
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (l->format < 4) /* an older file, read as it is: nothing was revoked in it */
		return 0;
	if (sqlite3_prepare_v2(l->db, "SELECT revoked FROM revoked_keys WHERE pubkey = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading revoked keys");
	sqlite3_bind_blob(st, 1, pubkey, 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(when, 21, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return sdx__db_error(l, "reading revoked keys");
	return rc == SQLITE_ROW;
}

int sdx_ledger_trust_add(sdx_ledger *l, const sdx_verifier *v, const char *label)
{
	sqlite3_stmt *st = NULL;
	char time[21];
	int rc;

	if ((rc = revoked_at(l, sdx_verifier_public_key(v), time)) != 0)
		return rc < 0 ? rc : sdx_error_set(SDX_EUNTRUSTED, "key %s+%08" PRIx32 " was revoked "
						   "on %s; a revoked key is never trusted again",
						   sdx_verifier_name(v), sdx_verifier_keyid(v), time);
	sdx__utc_now(time);
	if (sqlite3_prepare_v2(l->db, "INSERT INTO trusted_keys(pubkey, name, keyid, label, added) "
			       "VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing a trusted key");
	sqlite3_bind_blob(st, 1, sdx_verifier_public_key(v), 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sdx_verifier_name(v), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, sdx_verifier_keyid(v));
	sqlite3_bind_text(st, 4, label ? label : sdx_verifier_name(v), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, time, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return sdx_error_set(SDX_EEXISTS, "key %s+%08" PRIx32 " is already trusted",
				     sdx_verifier_name(v), sdx_verifier_keyid(v));
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "storing a trusted key");
}

int sdx_ledger_trust_revoke(sdx_ledger *l, const sdx_verifier *v, const char *reason)
{
	sqlite3_stmt *st = NULL;
	char time[21];
	int rc;

	if ((rc = revoked_at(l, sdx_verifier_public_key(v), time)) != 0)
		return rc < 0 ? rc : sdx_error_set(SDX_EEXISTS, "key %s+%08" PRIx32 " was revoked "
						   "already, on %s", sdx_verifier_name(v),
						   sdx_verifier_keyid(v), time);
	sdx__utc_now(time);
	if (sqlite3_prepare_v2(l->db, "INSERT INTO revoked_keys(pubkey, name, keyid, revoked, reason) "
			       "VALUES(?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "storing a revocation");
	sqlite3_bind_blob(st, 1, sdx_verifier_public_key(v), 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sdx_verifier_name(v), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, sdx_verifier_keyid(v));
	sqlite3_bind_text(st, 4, time, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sdx__db_error(l, "storing a revocation");
	/* a revoked key is trusted no more */
	if (sqlite3_prepare_v2(l->db, "DELETE FROM trusted_keys WHERE pubkey = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "removing a trusted key");
	sqlite3_bind_blob(st, 1, sdx_verifier_public_key(v), 32, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : sdx__db_error(l, "removing a trusted key");
}

int sdx_ledger_foreach_revoked(sdx_ledger *l, sdx_revoked_cb cb, void *ctx)
{
	if (l->format < 4)
		return 0;
	return key_rows(l, "SELECT name, pubkey, revoked, reason FROM revoked_keys ORDER BY name, "
			"revoked", "revoked keys", cb, ctx);
}

int sdx_ledger_trust_remove(sdx_ledger *l, const char *ref, size_t *removed)
{
	sqlite3_stmt *st = NULL;
	int rc;

	/* a key name removes all its keys; name+keyid or the key id alone one key */
	if (sqlite3_prepare_v2(l->db, "DELETE FROM trusted_keys WHERE name = ?1 OR label = ?1 OR "
			       "printf('%08x', keyid) = ?1 OR name || '+' || printf('%08x', keyid) = ?1",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "removing a trusted key");
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return sdx__db_error(l, "removing a trusted key");
	if (removed)
		*removed = (size_t)sqlite3_changes(l->db);
	if (sqlite3_changes(l->db) == 0)
		return sdx_error_set(SDX_ENOTFOUND, "no trusted key matches '%s'", ref);
	return 0;
}

int sdx_ledger_foreach_trusted(sdx_ledger *l, sdx_trusted_cb cb, void *ctx)
{
	return key_rows(l, "SELECT name, pubkey, label, added FROM trusted_keys ORDER BY name, added",
			"trusted keys", cb, ctx);
}

/* --- reading entries -------------------------------------------------------- */

static int entry_from_row(sqlite3_stmt *st, sdx_entry *e, int copy)
{
	int n = sqlite3_column_bytes(st, 4);

	e->index = (uint64_t)sqlite3_column_int64(st, 0);
	if (sqlite3_column_bytes(st, 1) == 32)
		memcpy(e->leaf_hash, sqlite3_column_blob(st, 1), 32);
	else
		memset(e->leaf_hash, 0, 32);
	snprintf(e->type, sizeof(e->type), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(e->time, sizeof(e->time), "%s", (const char *)sqlite3_column_text(st, 3));
	e->len = (size_t)n;
	if (!copy) {
		e->data = (unsigned char *)sqlite3_column_blob(st, 4);
		return 0;
	}
	if (!(e->data = malloc((size_t)n + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (n > 0)
		memcpy(e->data, sqlite3_column_blob(st, 4), (size_t)n);
	e->data[n] = '\0';
	return 0;
}

int sdx_ledger_entry(sdx_ledger *l, uint64_t index, sdx_entry **out)
{
	sqlite3_stmt *st = NULL;
	sdx_entry *e = NULL;
	int rc, err = 0;

	*out = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf, type, time, data FROM entries WHERE idx = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading entry");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)index);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no entry %" PRIu64, l->path, index);
		goto done;
	}
	if (rc != SQLITE_ROW) {
		err = sdx__db_error(l, "reading entry");
		goto done;
	}
	if (!(e = calloc(1, sizeof(*e)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = entry_from_row(st, e, 1)) < 0)
		goto done;
	*out = e;
	e = NULL;
done:
	sqlite3_finalize(st);
	sdx_entry_free(e);
	return err;
}

void sdx_entry_free(sdx_entry *e)
{
	if (!e)
		return;
	free(e->data);
	free(e);
}

int sdx_entry_payload(const sdx_entry *e, char **out, size_t *out_len)
{
	sdx_dsse_envelope *env = NULL;
	int err;

	*out = NULL;
	if ((err = sdx_dsse_parse(&env, e->data, e->len)) < 0)
	{
		char what[40];
		snprintf(what, sizeof(what), "entry %" PRIu64, e->index);
		return sdx__error_prefix(err, what);
	}
	*out = (char *)env->payload;
	if (out_len)
		*out_len = env->payload_len;
	env->payload = NULL;
	sdx_dsse_envelope_free(env);
	return 0;
}

int sdx_ledger_foreach(sdx_ledger *l, uint64_t from, uint64_t to, sdx_entry_cb cb, void *ctx)
{
	sqlite3_stmt *st = NULL;
	sdx_entry e;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf, type, time, data FROM entries "
			       "WHERE idx >= ? AND idx < ? ORDER BY idx", -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading entries");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, to > (uint64_t)INT64_MAX ? INT64_MAX : (sqlite3_int64)to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		entry_from_row(st, &e, 0);
		if ((err = cb(ctx, &e)) != 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		err = sdx__db_error(l, "reading entries");
done:
	sqlite3_finalize(st);
	return err;
}

static int parse_index(const char *ref, uint64_t *out)
{
	uint64_t v = 0;
	size_t i, n = strlen(ref);

	if (n == 0 || n > 19 || strspn(ref, "0123456789") != n)
		return 0;
	for (i = 0; i < n; i++)
		v = v * 10 + (uint64_t)(ref[i] - '0');
	*out = v;
	return 1;
}

/* The range of leaf hashes starting with the hex prefix `ref` (4 to 64 digits); 0 if not one. */
static int prefix_range(const char *ref, unsigned char lo[32], unsigned char hi[32])
{
	size_t n = strlen(ref), i;

	if (n < 4 || n > 64 || strspn(ref, "0123456789abcdefABCDEF") != n)
		return 0;
	memset(lo, 0, 32);
	memset(hi, 0xff, 32);
	for (i = 0; i < n; i++) {
		char c = ref[i];
		unsigned d = (unsigned)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
		if (i % 2 == 0) {
			lo[i / 2] = (unsigned char)(d << 4);
			hi[i / 2] = (unsigned char)((d << 4) | 0x0f);
		} else {
			lo[i / 2] |= (unsigned char)d;
			hi[i / 2] = (unsigned char)((hi[i / 2] & 0xf0) | d);
		}
	}
	return 1;
}

int sdx_ledger_resolve(sdx_ledger *l, const char *ref, uint64_t *index)
{
	unsigned char lo[32], hi[32];
	sqlite3_stmt *st = NULL;
	uint64_t size, v = 0;
	int is_index = parse_index(ref, &v), rc, err, found = 0;

	/* A decimal number is an index (`sdx show 2494` must never show another
	 * entry whose hash happens to start with 2494); hex with a letter in it,
	 * 4 to 64 digits, is a leaf-hash prefix; so is all 64 digits. */
	if ((!is_index || strlen(ref) == 64) && prefix_range(ref, lo, hi)) {
		if (sqlite3_prepare_v2(l->db, "SELECT idx FROM entries WHERE leaf BETWEEN ? AND ? "
				       "LIMIT 2", -1, &st, NULL) != SQLITE_OK)
			return sdx__db_error(l, "reading entries");
		sqlite3_bind_blob(st, 1, lo, 32, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, hi, 32, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			*index = (uint64_t)sqlite3_column_int64(st, 0);
			found++;
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return sdx__db_error(l, "reading entries");
		if (found > 1)
			return sdx_error_set(SDX_EINVAL, "'%s' matches several entries; give more "
					     "digits", ref);
		if (found == 1)
			return 0;
	}
	if (!is_index)
		return sdx_error_set(SDX_ENOTFOUND, "no entry matches '%s' (give an index or 4 to "
				     "64 hex digits of a leaf hash)", ref);
	if ((err = sdx_ledger_size(l, &size)) < 0)
		return err;
	if (v >= size)
		return sdx_error_set(SDX_ENOTFOUND, "no entry %" PRIu64 " (the ledger has %" PRIu64
				     " entries)", v, size);
	*index = v;
	return 0;
}

void sdx_found_free(sdx_found *f)
{
	if (f) {
		free(f->entry.data);
		free(f);
	}
}

/* Imported entries whose leaf is in [lo, hi]: the first into *f (if not yet
 * filled), and how many distinct leaves matched. */
static int find_foreign(sdx_ledger *l, const unsigned char lo[32], const unsigned char hi[32],
			sdx_found *f, int *found)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT idx, leaf, type, time, data, origin FROM "
			       "foreign_entries WHERE leaf BETWEEN ? AND ? ORDER BY leaf LIMIT 2",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported entries");
	sqlite3_bind_blob(st, 1, lo, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, hi, 32, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *leaf = sqlite3_column_blob(st, 1);
		if (*found && f->entry.data && leaf && !memcmp(leaf, f->entry.leaf_hash, 32))
			continue; /* the same entry, held twice */
		(*found)++;
		if (f->entry.data)
			continue;
		f->own = 0;
		snprintf(f->origin, sizeof(f->origin), "%s", (const char *)sqlite3_column_text(st, 5));
		if ((err = entry_from_row(st, &f->entry, 1)) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = sdx__db_error(l, "reading imported entries");
	return err;
}

int sdx_ledger_find(sdx_ledger *l, const char *ref, sdx_found **out)
{
	unsigned char lo[32], hi[32];
	sdx_found *f;
	sdx_entry *e = NULL;
	uint64_t index;
	int err, found = 0;

	*out = NULL;
	if (!(f = calloc(1, sizeof(*f))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	err = sdx_ledger_resolve(l, ref, &index);
	if (err == 0) {
		if ((err = sdx_ledger_entry(l, index, &e)) < 0)
			goto done;
		f->own = 1;
		snprintf(f->origin, sizeof(f->origin), "%s", l->origin);
		f->entry = *e;
		free(e);
		found = 1;
	} else if (err != SDX_ENOTFOUND) {
		goto done;
	}
	err = 0;
	if ((strspn(ref, "0123456789") != strlen(ref) || strlen(ref) == 64) &&
	    prefix_range(ref, lo, hi) && (err = find_foreign(l, lo, hi, f, &found)) < 0)
		goto done;
	if (found == 0)
		err = sdx_error_set(SDX_ENOTFOUND, "no entry, own or imported, matches '%s'", ref);
	else if (found > 1 && !(f->own && strlen(ref) == 64))
		err = sdx_error_set(SDX_EINVAL, "'%s' matches several entries; give more digits",
				    ref);
done:
	if (err < 0) {
		sdx_found_free(f);
		return err;
	}
	*out = f;
	return 0;
}

/* --- tree ------------------------------------------------------------------- */

int sdx_ledger_root(sdx_ledger *l, uint64_t size, unsigned char out[32])
{
	return sdx_merkle_root(out, size, sdx__node_reader, l);
}

static int check_size(sdx_ledger *l, uint64_t size)
{
	uint64_t have;
	int err;

	if ((err = sdx_ledger_size(l, &have)) < 0)
		return err;
	if (size > have)
		return sdx_error_set(SDX_ENOTFOUND, "tree size %" PRIu64 " is larger than the "
				     "ledger (%" PRIu64 " entries)", size, have);
	return 0;
}

int sdx_ledger_prove_inclusion(sdx_ledger *l, uint64_t index, uint64_t size,
			       unsigned char (*out)[32], size_t *out_len)
{
	int err;

	if ((err = check_size(l, size)) < 0)
		return err;
	if (index >= size)
		return sdx_error_set(SDX_ENOTFOUND, "entry %" PRIu64 " is not in a tree of size %"
				     PRIu64, index, size);
	return sdx_merkle_prove_inclusion(out, out_len, index, size, sdx__node_reader, l);
}

int sdx_ledger_prove_consistency(sdx_ledger *l, uint64_t old_size, uint64_t size,
				 unsigned char (*out)[32], size_t *out_len)
{
	int err;

	if ((err = check_size(l, size)) < 0)
		return err;
	if (old_size > size)
		return sdx_error_set(SDX_EINVAL, "old size %" PRIu64 " is larger than size %" PRIu64,
				     old_size, size);
	return sdx_merkle_prove_consistency(out, out_len, old_size, size, sdx__node_reader, l);
}

/* --- checkpoints ------------------------------------------------------------- */

int sdx_ledger_get_checkpoint(sdx_ledger *l, uint64_t min_size, char **out, size_t *out_len,
			      sdx_checkpoint *parsed)
{
	sqlite3_stmt *st = NULL;
	const char *sql = min_size == 0
		? "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size DESC LIMIT 1"
		: "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size ASC LIMIT 1";
	int rc, err = 0, n;

	if (out)
		*out = NULL;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading checkpoints");
	sqlite3_bind_int64(st, 1, (sqlite3_int64)min_size);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no signed checkpoint covers size %" PRIu64
				    "; run 'sdx checkpoint'", l->path, min_size);
		goto done;
	}
	if (rc != SQLITE_ROW) {
		err = sdx__db_error(l, "reading checkpoints");
		goto done;
	}
	n = sqlite3_column_bytes(st, 1);
	if (parsed && (err = sdx_checkpoint_parse(parsed, sqlite3_column_blob(st, 1), (size_t)n)) < 0)
		goto done;
	if (out) {
		if (!(*out = malloc((size_t)n + 1))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		memcpy(*out, sqlite3_column_blob(st, 1), (size_t)n);
		(*out)[n] = '\0';
		if (out_len)
			*out_len = (size_t)n;
	}
done:
	sqlite3_finalize(st);
	return err;
}

int sdx_ledger_checkpoint(sdx_ledger *l, const sdx_signer *key, char **out, size_t *out_len)
{
	unsigned char root[32], old_root[32];
	sdx_checkpoint last;
	char *text = NULL, *note = NULL;
	size_t tlen, nlen;
	sqlite3_stmt *st = NULL;
	int own_tx = 0, have_last, err;

	if (!l->in_tx) {
		if ((err = sdx_ledger_begin(l)) < 0)
			return err;
		own_tx = 1;
	}
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(l->key), 32) != 0) {
		err = sdx_error_set(SDX_EUNTRUSTED, "'%s': key '%s' is not this ledger's key",
				    l->path, sdx_signer_name(key));
		goto done;
	}
	err = sdx_ledger_get_checkpoint(l, 0, NULL, NULL, &last);
	if (err < 0 && err != SDX_ENOTFOUND)
		goto done;
	have_last = err == 0;
	err = 0;
	if (have_last && last.size == l->size)
		goto done; /* nothing new to sign */
	if (have_last && last.size > l->size) {
		err = sdx_error_set(SDX_ECONFLICT, "'%s': checkpoint of size %" PRIu64 " is larger "
				    "than the ledger (%" PRIu64 "): refusing to sign", l->path,
				    last.size, l->size);
		goto done;
	}
	/* Never sign a tree that does not extend what was signed before. */
	if (have_last) {
		if ((err = sdx_ledger_root(l, last.size, old_root)) < 0)
			goto done;
		if (memcmp(old_root, last.root, 32) != 0) {
			err = sdx_error_set(SDX_ECONFLICT, "'%s': the tree no longer matches checkpoint "
					    "%" PRIu64 ": refusing to sign", l->path, last.size);
			goto done;
		}
	}
	sdx_merkle_builder_root(&l->tree, root);
	if ((err = sdx_checkpoint_format(&text, &tlen, l->origin, l->size, root)) < 0 ||
	    (err = sdx_note_sign(&note, &nlen, text, tlen, key)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "INSERT INTO checkpoints(size, root, note) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "storing checkpoint");
		goto done;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)l->size);
	sqlite3_bind_blob(st, 2, root, 32, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, note, (int)nlen, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err = sdx__db_error(l, "storing checkpoint");
done:
	sqlite3_finalize(st);
	free(text);
	free(note);
	if (own_tx) {
		if (err < 0)
			sdx_ledger_rollback(l);
		else
			err = sdx_ledger_commit(l);
	}
	if (err < 0)
		return err;
	return out ? sdx_ledger_get_checkpoint(l, 0, out, out_len, NULL) : 0;
}
