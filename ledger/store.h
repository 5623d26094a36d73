/*
 * ledger/store.h - the ledger handle's insides, shared by the ledger/ files
 * that implement the public ledger headers (sdx/ledger.h, sdx/attachment.h,
 * sdx/trust.h, sdx/imported.h, sdx/register.h).  Not installed.
 *
 * The handle is split by concern: ledger/open.c (open, create, transactions),
 * ledger/schema.c (the SQL schema and its migrations), ledger/append.c (own
 * entries and key rotation), ledger/checkpoint.c (own checkpoints),
 * ledger/attachment.c, ledger/foreign.c (imported data), ledger/trust.c and
 * ledger/binding.c (trusted keys and the parties they are bound to),
 * ledger/lookup.c (reading entries, proofs), ledger/register.c (reference
 * data), ledger/indexer.c (index hooks) and ledger/db.c (running statements).
 */
#ifndef SDX_LEDGER_STORE_H
#define SDX_LEDGER_STORE_H

#include <sqlite3.h>

#include "sdx/ledger.h"
#include "sdx/attachment.h"
#include "sdx/trust.h"
#include "sdx/imported.h"
#include "sdx/register.h"
#include "sdx/token.h"
#include "sdx/merkle.h"
#include "ledger/internal.h"
#include "ledger/db.h"
#include "ledger/indexer.h"

#define SDX_LEDGER_FORMAT 14         /* PRAGMA user_version of the newest schema */
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
	/* an imported entry failed while being stored, its rows perhaps half
	 * written: the transaction can only be rolled back (foreign.c) */
	int tx_broken;
	/* valid inside a transaction: the tree as it stands */
	uint64_t size;
	unsigned char prev[32];
	unsigned char prev_payload[32]; /* SHA-256 of the last payload built (staged too) */
	sdx_merkle_builder tree;
	struct sdx__stage *stage;      /* appends built and signing, not stored yet (stage.c) */
	/* statements of the hot paths, prepared once per handle (sdx__stmt cache slots) */
	sqlite3_stmt *st_entry_insert;
	sqlite3_stmt *st_has_attachment;
	sqlite3_stmt *st_node_insert;
	sqlite3_stmt *st_node_get;
	sqlite3_stmt *st_foreign_get;
	sqlite3_stmt *st_foreign_insert;
	sqlite3_stmt *st_chunk_insert;
	sqlite3_stmt *st_entry_get;    /* lookups by index and leaf (ledger/lookup.c) */
	sqlite3_stmt *st_resolve;
	sqlite3_stmt *st_find_foreign;
	sqlite3_stmt *st_savepoint[3]; /* begin, release, roll back (ledger/indexer.c) */
	sqlite3_stmt *st_hook[SDX__HOOK_STMTS]; /* the index hooks' (ledger/indexer.h) */
};

/* sdx_merkle_reader over the stored nodes; ctx is the ledger. */
int sdx__node_reader(void *ctx, unsigned level, uint64_t index, unsigned char out[32]);
/* "name+hex8" of a verifier. */
void sdx__keyid_string(char out[SDX_KEYID_MAX], const sdx_verifier *v);

/* Rows of (size, root, note) to cb until it returns non-zero (ledger/checkpoint.c). */
int sdx__checkpoint_rows(struct sdx__stmt *s, sdx_checkpoint_cb cb, void *ctx);
/* Bring the schema from user_version `from` to SDX_LEDGER_FORMAT (ledger/schema.c). */
int sdx__schema_migrate(sdx_ledger *l, int from);
/* Load origin and current key from the file (ledger/open.c). */
int sdx__load_identity(sdx_ledger *l);
/* Append a payload body known to be canonical, citing the sorted, distinct
 * atts, with its version 3 index member (NULL: the indexers' keys hook makes
 * it) (ledger/append.c); type is not checked. */
int sdx__append_raw(sdx_ledger *l, const sdx_signer *key, const char *type, const char *body,
		    size_t len, const unsigned char (*atts)[32], size_t natts, const char *index,
		    size_t index_len, sdx_entry_info *out);
/* The payload of entry `seq` (version 3), linked to l->prev_payload, which
 * then names it; *out malloc'd (ledger/append.c). */
int sdx__build_payload(char **out, size_t *out_len, sdx_ledger *l, uint64_t seq,
		       const char *type, const char *body, size_t len,
		       const unsigned char (*atts)[32], size_t natts, const char *index,
		       size_t index_len, const char time[21]);
/* Store a signed entry of index l->size: its row (data: its stored form,
 * ledger/entry_pack.c), what the index hooks make of its envelope, its tree
 * hashes; no savepoint of its own (ledger/append.c). */
int sdx__store_entry(sdx_ledger *l, const char *type, const char *time,
		     const unsigned char leaf[32], const char *env, size_t env_len,
		     const unsigned char *data, size_t data_len, const char *payload,
		     size_t plen);
/* Sign payload of `version`: its envelope (for the leaf hash and the hooks)
 * and its stored form, both malloc'd (ledger/append.c).  Safe on any thread. */
int sdx__sign_entry(char **env, size_t *env_len, unsigned char **data, size_t *data_len,
		    const char *keyid, const sdx_signer *key, const char *payload, size_t plen);
/* Reload the tree, size, prev and prev_payload from the file (ledger/open.c). */
int sdx__load_tree(sdx_ledger *l);

/* Staged appends (ledger/stage.c): payloads built in order now, signed on
 * every core, stored in order by flush, all under one savepoint.  `out`
 * (may be NULL) is filled by the flush.  Any other append, a checkpoint and
 * a commit flush first; a rollback discards them. */
int sdx__append_stage(sdx_ledger *l, const sdx_signer *key, const char *type, const char *body,
		      size_t len, const unsigned char (*atts)[32], size_t natts,
		      const char *index, size_t index_len, sdx_entry_info *out);
int sdx__stage_flush(sdx_ledger *l);
void sdx__stage_discard(sdx_ledger *l);
void sdx__stage_free(sdx_ledger *l);

#endif
