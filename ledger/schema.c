/*
 * ledger/schema.c - the SQL schema of a ledger file and how older files are
 * brought up to date (PRAGMA user_version is the format number).
 */
#include <stdio.h>

#include "ledger/store.h"

/*
 * Schema migrations: migrations[i] brings user_version i to i+1.  Never edit
 * a released step; append a new one.  Every table but trusted_keys, the
 * bindings tables, the introduction tables and api_tokens (local policy:
 * sdx_ledger_trust_remove(), sdx_ledger_trust_bind(), the introduction
 * policy and the tokens change them) is append-only: triggers
 * refuse UPDATE and DELETE, and sdx_ledger_verify() checks they are present.
 * The index_versions table of ledger/indexer.c is not part of the schema.
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
	/* 6 -> 7: reference data (sdx/register.h): registers and lists, every version kept */
	"CREATE TABLE registers(kind TEXT NOT NULL, name TEXT NOT NULL, version INTEGER NOT NULL,"
	" imported TEXT NOT NULL, source_sha256 BLOB NOT NULL, body TEXT NOT NULL,"
	" PRIMARY KEY(kind, name, version)) WITHOUT ROWID;"
	"CREATE TRIGGER registers_no_update BEFORE UPDATE ON registers BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER registers_no_delete BEFORE DELETE ON registers BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 7 -> 8: the party each trusted key speaks for, and the ledger's own
	 * party (pubkey X'': every key of this ledger).  Local policy like
	 * trusted_keys: editable, and gone with the key it binds. */
	"CREATE TABLE bindings(pubkey BLOB PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL,"
	" bound TEXT NOT NULL);"
	"CREATE TABLE binding_ids(pubkey BLOB NOT NULL, n INTEGER NOT NULL, scheme TEXT NOT NULL,"
	" id TEXT NOT NULL, PRIMARY KEY(pubkey, n)) WITHOUT ROWID;"
	"CREATE TABLE binding_roles(pubkey BLOB NOT NULL, n INTEGER NOT NULL, role TEXT NOT NULL,"
	" PRIMARY KEY(pubkey, n)) WITHOUT ROWID;"
	"CREATE TRIGGER bindings_cascade AFTER DELETE ON bindings BEGIN"
	" DELETE FROM binding_ids WHERE pubkey = OLD.pubkey;"
	" DELETE FROM binding_roles WHERE pubkey = OLD.pubkey; END;"
	"CREATE TRIGGER trusted_unbind AFTER DELETE ON trusted_keys BEGIN"
	" DELETE FROM bindings WHERE pubkey = OLD.pubkey; END;",
	/* 8 -> 9: key introductions (formats/trust.md): the recipient's policy for
	 * them, and the keys trusted through one, with the introduction and when
	 * a checkpoint covering it was first held.  Local policy like
	 * trusted_keys: editable, and an introduced key's rows go with it.  And
	 * the own introductions by the name of the key they introduce, so that an
	 * export finds those it carries without reading every entry. */
	"CREATE TABLE intro_policy(from_party TEXT PRIMARY KEY, roles TEXT NOT NULL,"
	" depth INTEGER NOT NULL, added TEXT NOT NULL);"
	"CREATE TABLE introduced_keys(pubkey BLOB NOT NULL, key TEXT NOT NULL, party TEXT NOT NULL,"
	" introducer BLOB NOT NULL,"
	" introducer_key TEXT NOT NULL, introducer_party TEXT NOT NULL, origin TEXT NOT NULL,"
	" idx INTEGER NOT NULL, leaf BLOB NOT NULL, checked TEXT NOT NULL, method TEXT NOT NULL,"
	" roles TEXT NOT NULL, held TEXT NOT NULL, accepted TEXT NOT NULL,"
	" PRIMARY KEY(pubkey, introducer)) WITHOUT ROWID;"
	"CREATE TABLE own_introductions(idx INTEGER PRIMARY KEY, key_name TEXT NOT NULL);"
	"CREATE TRIGGER trusted_unintroduce AFTER DELETE ON trusted_keys BEGIN"
	" DELETE FROM introduced_keys WHERE pubkey = OLD.pubkey; END;",
	/* 9 -> 10: rows of entries and foreign_entries written from now on hold
	 * the raw signature and payload (ledger/entry_pack.c), read back as the
	 * envelope through sdx_envelope(data); older rows stay as they are (the
	 * envelope's text) and read the same.  No table changes: the version
	 * tells an older sdx, which would misread the new rows, to refuse the file. */
	"SELECT 1;",
	/* 10 -> 11: the bearer tokens of sdx serve (sdx/token.h), as SHA-256 only.
	 * Local policy like trusted_keys: editable, revoked by deleting the row. */
	"CREATE TABLE api_tokens(id TEXT PRIMARY KEY, hash BLOB NOT NULL UNIQUE,"
	" name TEXT NOT NULL UNIQUE, scope TEXT NOT NULL, created TEXT NOT NULL);",
	/* 11 -> 12: witnesses (sdx/witness.h, formats/witness.md).  A log's own
	 * checkpoints' cosignatures, as the witnesses answered; and, for a ledger
	 * that is a witness, the logs it witnesses and each checkpoint it
	 * cosigned.  All append-only: a witness never forgets a log, nor rolls
	 * one back. */
	"CREATE TABLE cosignatures(size INTEGER NOT NULL, name TEXT NOT NULL,"
	" keyid INTEGER NOT NULL, time INTEGER NOT NULL, line TEXT NOT NULL,"
	" PRIMARY KEY(size, name, keyid)) WITHOUT ROWID;"
	"CREATE TABLE witness_logs(origin TEXT PRIMARY KEY, vkey TEXT NOT NULL,"
	" added TEXT NOT NULL);"
	"CREATE TABLE witness_heads(origin TEXT NOT NULL, size INTEGER NOT NULL,"
	" root BLOB NOT NULL, note BLOB NOT NULL, received TEXT NOT NULL,"
	" PRIMARY KEY(origin, size)) WITHOUT ROWID;"
	"CREATE TRIGGER cosig_no_update BEFORE UPDATE ON cosignatures BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER cosig_no_delete BEFORE DELETE ON cosignatures BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER wlogs_no_update BEFORE UPDATE ON witness_logs BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER wlogs_no_delete BEFORE DELETE ON witness_logs BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER wheads_no_update BEFORE UPDATE ON witness_heads BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER wheads_no_delete BEFORE DELETE ON witness_heads BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 12 -> 13: the disclosures held of entries whose bodies conceal fields
	 * (sdx/disclosure.h, formats/disclosure.md): own entries under the
	 * ledger's origin, imported ones under theirs.  Each was checked against
	 * its entry's digests when stored and is checked again by verify.
	 * Local, like the attachments: not signed, not in the tree; append-only. */
	"CREATE TABLE disclosures(origin TEXT NOT NULL, idx INTEGER NOT NULL,"
	" digest TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY(origin, idx, digest))"
	" WITHOUT ROWID;"
	"CREATE TRIGGER disc_no_update BEFORE UPDATE ON disclosures BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;"
	"CREATE TRIGGER disc_no_delete BEFORE DELETE ON disclosures BEGIN SELECT RAISE(ABORT, 'sdx: ledger is append-only'); END;",
	/* 13 -> 14: rows of entries and foreign_entries written from now on
	 * hold their payload LZ4-compressed where that is smaller
	 * (ledger/entry_pack.c); older rows stay as they are and read the same.
	 * No table changes, as for 9 -> 10: the version tells an older sdx, which
	 * would misread the new rows (and the version 4 payloads written since
	 * session 11), to refuse the file. */
	"SELECT 1;",
};

int sdx__schema_migrate(sdx_ledger *l, int from)
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
