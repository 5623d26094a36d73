/*
 * ledger/store.h - the ledger handle's insides, shared by the ledger/ files
 * files that implement include/sdx/ledger.h.  Not installed.
 */
#ifndef SDX_LEDGER_STORE_H
#define SDX_LEDGER_STORE_H

#include <sqlite3.h>

#include "sdx/ledger.h"
#include "sdx/merkle.h"
#include "ledger/internal.h"

#define SDX_LEDGER_FORMAT 6          /* PRAGMA user_version of the newest schema */
#define SDX_KEYID_MAX (SDX_NAME_MAX + 10)
#define SDX_ATTACH_CHUNK (1024 * 1024)
#define SDX_BUSY_TIMEOUT_MS (10 * 60 * 1000) /* how long a writer waits for another */

struct sdx_ledger {
	sqlite3 *db;
	char *path;
	unsigned flags;
	int format;                    /* user_version as opened (or after upgrading) */
	char origin[SDX_NAME_MAX + 1];
	sdx_verifier *key;             /* the ledger's own key, from the genesis entry */
	char keyid[SDX_KEYID_MAX];     /* "origin+hex8" as written in envelopes */
	int in_tx;
	/* valid inside a transaction: the tree as it stands */
	uint64_t size;
	unsigned char prev[32];
	sdx_merkle_builder tree;
	sqlite3_stmt *st_entry_insert;
	sqlite3_stmt *st_has_attachment;
	sqlite3_stmt *st_node_insert;
	sqlite3_stmt *st_node_get;
};

/* Set the error from the database's message and return SDX_EIO (or ELIMIT/EFORMAT). */
int sdx__db_error(sdx_ledger *l, const char *what);
/* Run SQL without results. */
int sdx__db_exec(sdx_ledger *l, const char *sql);
/* Prepare (cached in *st, reset for reuse). */
int sdx__db_prepare(sdx_ledger *l, sqlite3_stmt **st, const char *sql);
/* sdx_merkle_reader over the stored nodes; ctx is the ledger. */
int sdx__node_reader(void *ctx, unsigned level, uint64_t index, unsigned char out[32]);
/* "name+hex8" of a verifier. */
void sdx__keyid_string(char out[SDX_KEYID_MAX], const sdx_verifier *v);

#endif
