/*
 * sdx/ledger.h - the append-only, hash-chained, Merkle-proved ledger.
 *
 * One SQLite file per organisation.  Every entry is a DSSE envelope (dsse.h)
 * whose payload is the canonical JSON object
 *   {"attachments":["<hex SHA-256 of each attachment the body cites>",...],
 *    "body":{...},"key":"<signer key id>","origin":"<ledger origin>",
 *    "prev":"<hex leaf hash of entry seq-1, zeros for entry 0>","seq":N,
 *    "time":"YYYY-MM-DDTHH:MM:SSZ","type":"declaration","version":2}
 * (formats/ledger.md has every byte; version 1, without "attachments", is
 * still read).  Entry 0 is the ledger's genesis record,
 * naming its origin and public key.  The leaves of an RFC 6962 tree are the
 * exact envelope bytes; the tree's complete-subtree hashes are stored so that
 * roots and proofs at any size cost O(log n) reads.  Signed checkpoints
 * (note.h) are kept, every one ever signed.
 *
 * Append-only is enforced by SQL triggers and checked by sdx_ledger_verify(),
 * which recomputes every signature, link, hash and checkpoint.
 *
 * Order of calls:
 *   sdx_ledger_create() or sdx_ledger_open()
 *   writing:  sdx_ledger_begin(), sdx_ledger_attach_file()..., sdx_ledger_append()...,
 *             sdx_ledger_checkpoint(), sdx_ledger_commit() (or _rollback())
 *   reading:  sdx_ledger_size(), sdx_ledger_entry(), sdx_ledger_foreach(),
 *             sdx_ledger_prove_*(), sdx_ledger_verify(), sdx_ledger_publish()
 *   sdx_ledger_free()
 * Attachments (sdx/attachment.h), trusted and revoked keys (sdx/trust.h) and
 * data imported from other ledgers (sdx/imported.h) live in the same file
 * and take the same handle.
 * A handle is not thread-safe; open one per thread.  Several processes may
 * append to one file: sdx_ledger_begin() takes the write lock (waiting for it).
 */
#ifndef SDX_LEDGER_H
#define SDX_LEDGER_H

#include "sdx/api.h"

#include <stddef.h>
#include <stdint.h>

#include "sdx/note.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sdx_ledger sdx_ledger;

/* The payload types of entries: version 3 is written, all three are read. */
#define SDX_ENTRY_PAYLOAD_TYPE_V1 "application/vnd.sdx.entry.v1+json"
#define SDX_ENTRY_PAYLOAD_TYPE_V2 "application/vnd.sdx.entry.v2+json"
#define SDX_ENTRY_PAYLOAD_TYPE_V3 "application/vnd.sdx.entry.v3+json"
#define SDX_ENTRY_PAYLOAD_TYPE_V4 "application/vnd.sdx.entry.v4+json"
#define SDX_ENTRY_PAYLOAD_TYPE SDX_ENTRY_PAYLOAD_TYPE_V4
#define SDX_TYPE_MAX 32 /* longest record type name */

enum {
	SDX_OPEN_READONLY = 1 << 0, /* never write (verify, show, publish) */
	SDX_OPEN_DURABLE = 1 << 1   /* fsync on every commit (synchronous=FULL) */
};

/**
 * 1 if `origin` can name a ledger: 1 to 255 characters from letters, digits
 * and "._-/:" (e.g. example.com/acme-polymers), else 0.
 */
SDX_API int sdx_origin_valid(const char *origin);

/**
 * Create a new ledger file at `path` whose origin is the key's name, and
 * append its genesis entry signed by `key`.  SDX_EEXISTS if the file exists.
 */
SDX_API int sdx_ledger_create(sdx_ledger **out, const char *path, const sdx_signer *key);

/**
 * Open an existing ledger.  SDX_ENOTFOUND if there is no file,
 * SDX_EFORMAT if it is not an sdx ledger (or of a newer format version).
 */
SDX_API int sdx_ledger_open(sdx_ledger **out, const char *path, unsigned flags);

/** Close; rolls back an open transaction.  Accepts NULL. */
SDX_API void sdx_ledger_free(sdx_ledger *l);

/** Borrowed origin string (the key name of the ledger's signer). */
SDX_API const char *sdx_ledger_origin(const sdx_ledger *l);

/** Borrowed path the ledger was opened with. */
SDX_API const char *sdx_ledger_path(const sdx_ledger *l);

/** *out gets the number of entries. */
SDX_API int sdx_ledger_size(uint64_t *out, sdx_ledger *l);

/**
 * The ledger's current public key (the one that signs now): *out is a new
 * verifier, the caller's (sdx_verifier_free()).
 */
SDX_API int sdx_ledger_verifier(sdx_verifier **out, sdx_ledger *l);


/**
 * Read from one consistent snapshot until sdx_ledger_snapshot_end(), however
 * others append meanwhile (and with fewer locks, so faster for long reads).
 */
SDX_API int sdx_ledger_snapshot_begin(sdx_ledger *l);
SDX_API void sdx_ledger_snapshot_end(sdx_ledger *l);

/** Start a write transaction (waits for other writers). */
SDX_API int sdx_ledger_begin(sdx_ledger *l);
/** Make everything since begin durable at once. */
SDX_API int sdx_ledger_commit(sdx_ledger *l);
/**
 * Make everything committed so far survive a power loss, whatever the
 * durability setting (SDX_OPEN_DURABLE): called before a checkpoint leaves the
 * ledger (export, publish, sdx checkpoint), so that a checkpoint others hold
 * can never be lost and signed differently later (which they would see as a fork).
 */
SDX_API int sdx_ledger_sync(sdx_ledger *l);
/** Drop everything since begin. */
SDX_API void sdx_ledger_rollback(sdx_ledger *l);

/** What an append produced. */
typedef struct sdx_entry_info {
	uint64_t index;
	unsigned char leaf_hash[32];
	char time[21];
} sdx_entry_info;

/**
 * Append a record.  `body` must be a canonical JSON object (as produced by
 * sdx_record_normalize()); `type` a record type name.  The entry is signed
 * with `key`, which must be the ledger's key.  Must be inside begin/commit.
 * @param out  what was appended (may be NULL)
 */
SDX_API int sdx_ledger_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			      const char *type, const char *body, size_t len);

/**
 * As sdx_ledger_append(), for a body that cites attachments: the entry's
 * signed header lists their hashes (sorted, each once), so that a verifier
 * can check the evidence travels with it without reading the body.  Each
 * must be stored already (sdx_ledger_attach_file()): SDX_ENOTFOUND if not.
 * sdx_record_append() finds them in the record itself.
 */
SDX_API int sdx_ledger_append_cited(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
				    const char *type, const char *body, size_t len,
				    const unsigned char (*attachments)[32], size_t n_attachments);

/**
 * Rotate the ledger's key: append an entry of type "key", signed by `old`
 * (the current key), that names `new_key`; from the next entry on, entries
 * and checkpoints are signed by `new_key`.  Whoever trusts the old key can
 * follow the rotation (bundles carry the key entries); everything signed
 * before stays verifiable with the old key.  Inside a transaction; sign a
 * checkpoint (with the new key) before committing.  `out` may be NULL.
 */
SDX_API int sdx_ledger_rotate_key(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *old,
				  const sdx_signer *new_key, const char *reason);
/**
 * The key that signs entry `index` (and checkpoints of that size): *out is a
 * new verifier, the caller's (sdx_verifier_free()).  SDX_ENOTFOUND past the end.
 */
SDX_API int sdx_ledger_key_at(sdx_verifier **out, sdx_ledger *l, uint64_t index);
/** Every key the ledger has had, oldest first, with the first entry it signs. */
typedef int (*sdx_key_cb)(void *ctx, const sdx_verifier *v, uint64_t since);
SDX_API int sdx_ledger_foreach_key(sdx_ledger *l, sdx_key_cb cb, void *ctx);

/**
 * Call cb for every signed checkpoint, newest first, as (size, root, signed
 * note).  A non-zero return from cb stops the walk and is returned.
 */
typedef int (*sdx_checkpoint_cb)(void *ctx, uint64_t size, const unsigned char root[32],
				 const char *note, size_t len);
SDX_API int sdx_ledger_foreach_checkpoint(sdx_ledger *l, sdx_checkpoint_cb cb, void *ctx);

/**
 * Sign a checkpoint for the current tree if it grew since the last one (inside
 * or outside a transaction), then return the latest signed checkpoint note.
 * @param out  the malloc'd note text, the caller's to free() (may be NULL);
 *             out_len may be NULL
 */
SDX_API int sdx_ledger_checkpoint(char **out, size_t *out_len, sdx_ledger *l,
				  const sdx_signer *key);

/**
 * The latest signed checkpoint whose size is >= min_size (0: the latest):
 * *out is the malloc'd note (free() it), *out_len its length (may be NULL),
 * *parsed its parsed text (may be NULL).  SDX_ENOTFOUND if none.
 */
SDX_API int sdx_ledger_get_checkpoint(char **out, size_t *out_len, sdx_checkpoint *parsed,
				      sdx_ledger *l, uint64_t min_size);

/** An entry as stored. */
typedef struct sdx_entry {
	uint64_t index;
	unsigned char leaf_hash[32];
	char type[SDX_TYPE_MAX + 1];
	char time[21];
	unsigned char *data; /* the exact envelope bytes */
	size_t len;
} sdx_entry;

/** Read entry `index` into a new *out (sdx_entry_free()).  SDX_ENOTFOUND if there is none. */
SDX_API int sdx_ledger_entry(sdx_entry **out, sdx_ledger *l, uint64_t index);
SDX_API void sdx_entry_free(sdx_entry *e);

/**
 * The payload (JSON text) of an entry's envelope, without verifying it.
 * *out is malloc'd (free() it) and NUL-terminated; out_len may be NULL.
 */
SDX_API int sdx_entry_payload(char **out, size_t *out_len, const sdx_entry *e);

/**
 * Resolve REF to the index of an own entry (*out): a decimal number is an
 * index; otherwise a hex prefix (4 to 64 digits, so with a letter unless all
 * 64 are given) of a leaf hash.
 * SDX_ENOTFOUND, or SDX_EINVAL if a prefix is ambiguous.
 */
SDX_API int sdx_ledger_resolve(uint64_t *out, sdx_ledger *l, const char *ref);

/** An entry found by sdx_ledger_find(): own, or imported from another ledger. */
typedef struct sdx_found {
	int own;                        /* 1: this ledger's entry; 0: imported */
	char origin[SDX_NAME_MAX + 1];  /* the ledger that signed it */
	sdx_entry entry;                /* its index there, leaf hash, type, time and bytes */
} sdx_found;

/**
 * Find an entry among the own and the imported ones: REF is a hex prefix (4
 * to 64 digits) of its leaf hash, or a decimal index in the own ledger (as
 * for sdx_ledger_resolve()).  *out is new: free it with sdx_found_free().
 * SDX_ENOTFOUND, or SDX_EINVAL if a prefix is ambiguous.
 */
SDX_API int sdx_ledger_find(sdx_found **out, sdx_ledger *l, const char *ref);
SDX_API void sdx_found_free(sdx_found *f);

/**
 * Call cb for entries [from, to) in order (to = UINT64_MAX: to the end).
 * The entry passed is borrowed for the call.  A non-zero return from cb
 * stops the walk and is returned.
 */
typedef int (*sdx_entry_cb)(void *ctx, const sdx_entry *e);
SDX_API int sdx_ledger_foreach(sdx_ledger *l, uint64_t from, uint64_t to, sdx_entry_cb cb, void *ctx);
/**
 * The index of the newest entry of `type` of ledger `origin`: this ledger's
 * own (origin NULL or its own), else one imported from it.  1 and *out if
 * there is one, 0 if none, negative on error.
 */
SDX_API int sdx_ledger_latest_of_type(uint64_t *out, sdx_ledger *l, const char *origin,
				      const char *type);

/** *out gets the root of the tree of the first `size` entries (from stored hashes). */
SDX_API int sdx_ledger_root(unsigned char out[32], sdx_ledger *l, uint64_t size);

/**
 * Inclusion proof of entry `index` in the tree of `size` entries: `out` has
 * room for SDX_MERKLE_MAX_PROOF hashes, *out_len gets how many were written.
 */
SDX_API int sdx_ledger_prove_inclusion(unsigned char (*out)[32], size_t *out_len, sdx_ledger *l,
				       uint64_t index, uint64_t size);

/** Consistency proof between tree sizes old_size <= size (`out` as above). */
SDX_API int sdx_ledger_prove_consistency(unsigned char (*out)[32], size_t *out_len, sdx_ledger *l,
					 uint64_t old_size, uint64_t size);

/** Options for sdx_ledger_verify. */
typedef struct sdx_verify_options {
	unsigned version;
	unsigned threads;  /* 0: one per online CPU */
	unsigned flags;    /* SDX_VERIFY_* (version 2 on) */
} sdx_verify_options;
#define SDX_VERIFY_OPTIONS_VERSION 2
#define SDX_VERIFY_OPTIONS_INIT { SDX_VERIFY_OPTIONS_VERSION, 0, 0 }

/*
 * An entry's header fields (attachments, key, origin, prev, seq, time, type,
 * version) are read from the exact layout sdx writes, without parsing the body
 * between them: the signature covers the body, and it was validated when
 * written.  Every attachment a header lists must be held.
 * SDX_VERIFY_BODIES also parses every body as strict JSON (about twice the
 * time), which finds a body its own signer wrote malformed.
 */
#define SDX_VERIFY_BODIES (1u << 0)
/*
 * By default an entry that a later checkpoint signed by its own key covers
 * is authenticated by that checkpoint's root, which verify rebuilds from the
 * entries' bytes, and its own signature is not checked; entries signed by
 * another key than the checkpoint's (before a rotation) and entries after
 * the last checkpoint are checked by their signatures (formats/ledger.md
 * "What verify proves").  SDX_VERIFY_SIGNATURES checks every signature.
 */
#define SDX_VERIFY_SIGNATURES (1u << 1)

/** What a verification looked at. */
typedef struct sdx_verify_report {
	uint64_t entries;
	uint64_t nodes;
	uint64_t checkpoints;
	uint64_t attachments;
	uint64_t attachment_bytes;
	unsigned threads;
	int64_t first_bad;  /* index of the first bad entry, -1 if none or not entry-specific */
	uint64_t imported_entries;      /* imported entries checked again */
	uint64_t imported_checkpoints;  /* imported checkpoints checked again */
	uint64_t imported_unsigned;     /* of those, checked without signatures: imported
					   before ledger format 5 kept the signers' keys */
} sdx_verify_report;

/**
 * Audit the whole ledger: every entry's bytes (by the checkpoint of its key
 * that covers it, else, or with SDX_VERIFY_SIGNATURES, by its signature),
 * payload, sequence and chain link; every stored tree hash (and that there are no others); every
 * imported entry's hash, payload and inclusion proof against the imported
 * checkpoint it came with (and signature, as for the own entries), and that checkpoint's signature; every
 * checkpoint's signature and root; every attachment's hash; the append-only
 * triggers; the derived indexes (sdx/index.h) against the entries.  *out
 * (may be NULL) gets what was looked at; `opts` may be NULL (the defaults).
 * Returns 0, SDX_EINVAL for an options version it does not know, or
 * SDX_EVERIFY with a message naming the first problem (e.g. "entry 17:
 * signature does not verify").
 */
SDX_API int sdx_ledger_verify(sdx_verify_report *out, sdx_ledger *l,
			      const sdx_verify_options *opts);

/** What sdx_ledger_publish wrote. */
typedef struct sdx_publish_stats {
	uint64_t size;          /* tree size published (latest checkpoint) */
	uint64_t tiles_written; /* files written this run */
	uint64_t tiles_kept;    /* full tiles already present, left alone */
} sdx_publish_stats;

/**
 * Write the ledger at its latest checkpoint as a static C2SP tlog-tiles
 * directory: dir/checkpoint, dir/tile/<L>/<N>[.p/<W>], dir/tile/entries/<N>[...].
 * Incremental: full tiles already present are not rewritten.  The checkpoint
 * is replaced last, atomically.  *out (may be NULL) gets what was written.
 */
SDX_API int sdx_ledger_publish(sdx_publish_stats *out, sdx_ledger *l, const char *dir);

/**
 * One C2SP tlog-tiles tile of the tree of `tree_size` entries, with the bytes
 * sdx_ledger_publish() writes to its file: level 0..7 (hash tiles) or
 * SDX_TILE_ENTRIES (entry bundles), tile `index`, `width` 1..SDX_TILE_WIDTH
 * (SDX_TILE_WIDTH: a full tile).  A partial tile is the one of that exact
 * width, so any partial tile a reader of an older checkpoint asks for is found.
 * *out is malloc'd (free() it), *out_len its length.  SDX_ENOTFOUND if the
 * tile is not complete in that tree; SDX_EINVAL for a level or width out of range.
 */
SDX_API int sdx_ledger_tile(unsigned char **out, size_t *out_len, sdx_ledger *l, int level,
			    uint64_t index, unsigned width, uint64_t tree_size);

#ifdef __cplusplus
}
#endif
#endif
