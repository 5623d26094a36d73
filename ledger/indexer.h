/*
 * ledger/indexer.h - index hooks: derived tables (the graph index of
 * formats/graph, say) kept in the ledger file and written in the same
 * transaction as each entry they index, without ledger/ knowing formats/.
 * Not installed.
 *
 * An indexer is a table of callbacks that formats/ registers once, at start-
 * up, before any ledger is opened:
 *
 *   sdx__indexer_register(&graph_indexer);
 *
 * Then for every ledger handle opened for writing:
 *   - on sdx_ledger_create(), migrate(ctx, l, 0) runs in the new file's first
 *     transaction, before the genesis entry;
 *   - on sdx_ledger_open(), if the index version stored in the file is older
 *     than ix->version (or absent: 0), migrate(ctx, l, stored) runs under
 *     the write lock, in a transaction of its own, then the version is
 *     stored; it may read the whole ledger (sdx_ledger_foreach(),
 *     sdx_ledger_foreach_foreign_entry()) to fill a new index;
 *   - on_entry(ctx, l, e) runs for each own entry appended (genesis, key
 *     rotations and import receipts too) and each imported entry newly stored,
 *     inside the transaction, after the entry's row is written;
 *   - sdx_ledger_verify() (read-only handles too) ends with verify(ctx, l).
 * A hook's failure (a negative return, with the error set) fails the append,
 * the import or the open; the append's rows and whatever the hooks wrote for
 * it are rolled back to a savepoint, so nothing of it is left.  Read-only
 * handles call no hook: a reader sees an index as the last writer left it
 * (sdx__index_version() tells which version that is).
 *
 * Hooks run their own SQL on l->db with the statement helper (ledger/db.h).
 * They must not append to or commit the ledger.
 *
 * Why a static registry and not a setter per handle: an index is only right
 * if it saw every append, and ledgers are opened in many places (every
 * command, sdx_bundle_import's caller, tests, an HTTP API); a setter one of
 * them forgot would leave the index silently stale.  Registered once, the
 * hooks see every handle.  The cost: registration is process-wide and not
 * synchronised (register before opening ledgers, unregister when none is open).
 */
#ifndef SDX_LEDGER_INDEXER_H
#define SDX_LEDGER_INDEXER_H

#include <stddef.h>
#include <stdint.h>

struct sdx_ledger;

/* An entry as an index hook sees it; everything borrowed for the call. */
struct sdx__indexed_entry {
	int own;                  /* 1: appended to this ledger; 0: imported */
	const char *origin;       /* the ledger that signed it */
	uint64_t index;           /* its index there */
	const unsigned char *leaf; /* 32 bytes: its leaf hash */
	const char *type;
	const char *time;
	const unsigned char *data; /* the exact envelope bytes */
	size_t len;
	uint64_t tree_size;       /* imported: the tree size its proof is for; own: 0 */
	const char *payload;      /* its payload, when the caller has it decoded (an own
				   * append), else NULL */
	size_t payload_len;
};

struct sdx__indexer {
	const char *name;         /* its row in the index_versions table; names it in errors */
	int version;              /* >= 1: the version migrate brings an index to */
	void *ctx;
	int (*migrate)(void *ctx, struct sdx_ledger *l, int from_version);
	int (*on_entry)(void *ctx, struct sdx_ledger *l, const struct sdx__indexed_entry *e);
	/* sdx_ledger_verify(): 0 if the index is what the entries give (or the
	 * handle has none to check), else SDX_EVERIFY naming the first bad row.
	 * May be NULL. */
	int (*verify)(void *ctx, struct sdx_ledger *l);
	/* The index member a payload of `version` (3 or later) carries for a
	 * record of `type` with this canonical body (formats/ledger.md,
	 * "Entries"), malloc'd into *out: what sdx_ledger_append() signs when its
	 * caller did not give one.  0 or an error.  May be NULL; the first
	 * indexer that has it is asked. */
	int (*keys)(void *ctx, char **out, size_t *len, const char *type, const char *body,
		    size_t body_len, int version);
};

/* Statement cache slots on each handle for hooks (sdx__stmt's cache argument). */
#define SDX__HOOK_STMTS 20

#define SDX__MAX_INDEXERS 8

/* Add ix (borrowed until unregistered).  SDX_ELIMIT if the table is full,
 * SDX_EEXISTS if one of that name is registered. */
int sdx__indexer_register(const struct sdx__indexer *ix);
void sdx__indexer_unregister(const struct sdx__indexer *ix);

/* The index version stored in the ledger for `name` (0 if none). */
int sdx__index_version(struct sdx_ledger *l, const char *name, int *out);

/* --- for the ledger itself --- */

/* The number of registered indexers (0: skip everything below). */
int sdx__indexers_active(void);
/* Migrate every index of a handle just opened for writing. */
int sdx__indexers_open(struct sdx_ledger *l);
/* Set up every index of a new ledger; inside its first transaction. */
int sdx__indexers_create(struct sdx_ledger *l);
/* Run every verify hook, in order of registration. */
int sdx__indexers_verify(struct sdx_ledger *l);
/* The index member for a record (the first keys hook; with none, the empty
 * member SDX__INDEX_EMPTY), malloc'd into *out. */
int sdx__indexers_keys(char **out, size_t *len, const char *type, const char *body,
		       size_t body_len, int version);
/* Pass an entry just stored to every on_entry hook, in order of registration. */
int sdx__indexers_entry(struct sdx_ledger *l, const struct sdx__indexed_entry *e);

enum { SDX__SAVEPOINT_BEGIN, SDX__SAVEPOINT_RELEASE, SDX__SAVEPOINT_ROLLBACK };
/* Open the savepoint one append (with its hooks) is undone to. */
int sdx__savepoint(struct sdx_ledger *l, int op);
/* Close it: release if err >= 0 (returns 0 or the release's error), else
 * roll back to it and release (returns err). */
int sdx__savepoint_end(struct sdx_ledger *l, int err);

#endif
