/*
 * ledger/verify_store.c - the parts of `sdx verify` about the file itself:
 * meta rows, the append-only triggers, and the attachments' content.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/store.h"
#include "ledger/verify.h"

/* meta holds exactly what sdx_ledger_create() wrote: the origin and the format. */
int sdx__verify_meta(sdx_ledger *l)
{
	sqlite3_stmt *st = NULL;
	int rc, n = 0, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT name, value FROM meta ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading meta");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		const char *value = (const char *)sqlite3_column_text(st, 1);
		int ok = name && value &&
			 ((strcmp(name, "format") == 0 && strcmp(value, "sdx-ledger/1") == 0) ||
			  (strcmp(name, "origin") == 0 && strcmp(value, l->origin) == 0));
		if (!ok)
			err = sdx_error_set(SDX_EVERIFY, "'%s': meta '%.40s' was changed or added",
					    l->path, name ? name : "");
		n++;
	}
	sqlite3_finalize(st);
	if (!err && n != 2)
		err = sdx_error_set(SDX_EVERIFY, "'%s': meta rows were removed", l->path);
	return err;
}

int sdx__verify_triggers(sdx_ledger *l)
{
	/* trigger prefix, table: every append-only table of every format version */
	static const char *const tables[][2] = {
		{ "meta", "meta" }, { "entries", "entries" }, { "nodes", "nodes" },
		{ "checkpoints", "checkpoints" }, { "keys", "keys" },
		{ "attachments", "attachments" }, { "chunks", "attachment_chunks" },
		{ "fcp", "foreign_checkpoints" }, { "fentries", "foreign_entries" },
		{ "imports", "imports" }, { "revoked", "revoked_keys" },
		{ "fkeys", "foreign_keys" }, { "fcons", "foreign_consistency" },
		{ "registers", "registers" }, { "cosig", "cosignatures" },
		{ "wlogs", "witness_logs" }, { "wheads", "witness_heads" },
		{ "disc", "disclosures" }, { NULL, NULL }
	};
	sqlite3_stmt *st = NULL, *tb = NULL;
	char name[64];
	int i, k, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND "
			       "name = ?", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
			       "name = ?", -1, &tb, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading schema");
		goto done;
	}
	for (i = 0; tables[i][0] && !err; i++) {
		/* tables of a newer format than this file's are simply absent */
		sqlite3_reset(tb);
		sqlite3_bind_text(tb, 1, tables[i][1], -1, SQLITE_STATIC);
		if (sqlite3_step(tb) != SQLITE_ROW)
			continue;
		for (k = 0; k < 2 && !err; k++) {
			snprintf(name, sizeof(name), "%s_no_%s", tables[i][0], k ? "delete" : "update");
			sqlite3_reset(st);
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_ROW)
				err = sdx_error_set(SDX_EVERIFY, "'%s': append-only trigger '%s' was "
						    "removed", l->path, name);
		}
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(tb);
	return err;
}

int sdx__verify_attachments(sdx_ledger *l, sdx_verify_report *rep)
{
	sqlite3_stmt *at = NULL, *ch = NULL;
	sdx__sha256_ctx h = { 0 };
	unsigned char hash[32];
	char hex[65];
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT hash, size FROM attachments ORDER BY hash", -1, &at,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, "SELECT n, data FROM attachment_chunks WHERE hash = ? "
			       "ORDER BY n", -1, &ch, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	while ((rc = sqlite3_step(at)) == SQLITE_ROW) {
		uint64_t size = 0, want = (uint64_t)sqlite3_column_int64(at, 1);
		sqlite3_int64 n = 0;
		int key_ok = sqlite3_column_bytes(at, 0) == 32;

		memset(hex, 0, sizeof(hex));
		if (key_ok)
			sdx__hex(hex, sqlite3_column_blob(at, 0), 32);
		sdx__sha256_init(&h);
		sqlite3_reset(ch);
		sqlite3_bind_blob(ch, 1, sqlite3_column_blob(at, 0), sqlite3_column_bytes(at, 0),
				  SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(ch)) == SQLITE_ROW) {
			if (sqlite3_column_int64(ch, 0) != n++) {
				err = sdx_error_set(SDX_EVERIFY, "'%s': attachment %s: a chunk is "
						    "missing", l->path, hex);
				goto done;
			}
			sdx__sha256_update(&h, sqlite3_column_blob(ch, 1),
						  (unsigned long long)sqlite3_column_bytes(ch, 1));
			size += (uint64_t)sqlite3_column_bytes(ch, 1);
		}
		if (rc != SQLITE_DONE) {
			err = sdx__db_error(l, "reading attachments");
			goto done;
		}
		sdx__sha256_final(&h, hash);
		if (!key_ok || size != want || memcmp(hash, sqlite3_column_blob(at, 0), 32) != 0) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': attachment %s: content does not match "
					    "its hash", l->path, hex);
			goto done;
		}
		rep->attachments++;
		rep->attachment_bytes += size;
	}
	if (rc != SQLITE_DONE) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	sqlite3_finalize(at);
	at = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM attachment_chunks WHERE hash NOT IN "
			       "(SELECT hash FROM attachments)", -1, &at, NULL) != SQLITE_OK ||
	    sqlite3_step(at) != SQLITE_ROW) {
		err = sdx__db_error(l, "reading attachments");
		goto done;
	}
	if (sqlite3_column_int64(at, 0) != 0)
		err = sdx_error_set(SDX_EVERIFY, "'%s': attachment chunks belong to no attachment",
				    l->path);
done:
	sdx__sha256_clear(&h);
	sqlite3_finalize(at);
	sqlite3_finalize(ch);
	return err;
}

