/*
 * ledger/foreign.c - data imported from other ledgers, kept apart from the
 * own chain: their entries with inclusion proofs, checkpoints, consistency
 * proofs, keys, and the record of each import.  Writing is private to the
 * verified import path (ledger/foreign.h); reading is sdx/imported.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"
#include "ledger/entry.h"
#include "ledger/foreign.h"
#include "ledger/indexer.h"

int sdx__foreign_checkpoint(sdx_ledger *l, const char *origin, uint64_t size,
			    const unsigned char root[32], const char *note, size_t len,
			    char **held)
{
	unsigned char have[32];
	struct sdx__stmt s;
	int err;

	if (held)
		*held = NULL;
	if ((err = sdx__stmt(&s, l, NULL, "reading imported checkpoints", "SELECT root, note FROM "
			     "foreign_checkpoints WHERE origin = ? AND size = ?", SDX__TEXT(origin),
			     SDX__INT(size))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1) {
		if (!sdx__column_hash(s.st, 0, have) || memcmp(have, root, 32)) {
			/* same origin, same size, another root: the signer showed two trees */
			if (held && sdx__column_dup(s.st, 1, held, NULL) < 0)
				*held = NULL;
			err = sdx_error_set(SDX_ECONFLICT, "equivocation by %s: a checkpoint of size %"
					    PRIu64 " with a different root is already held", origin, size);
		}
	}
	sdx__stmt_end(&s);
	if (err != 0)
		return err;
	err = sdx__db_run(l, NULL, "storing an imported checkpoint", "INSERT INTO "
			  "foreign_checkpoints(origin, size, root, note) VALUES(?, ?, ?, ?)",
			  SDX__TEXT(origin), SDX__INT(size), SDX__HASH(root), SDX__BLOB(note, len));
	return err < 0 ? err : 0;
}

int sdx_ledger_foreach_foreign_checkpoint(sdx_ledger *l, const char *origin,
					  sdx_checkpoint_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imported checkpoints", "SELECT size, root, note "
			     "FROM foreign_checkpoints WHERE origin = ? ORDER BY size DESC",
			     SDX__TEXT(origin))) < 0)
		return err;
	err = sdx__checkpoint_rows(&s, cb, ctx);
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_foreign_checkpoint_note(char **note, size_t *len, sdx_ledger *l, const char *origin,
				       uint64_t size)
{
	struct sdx__stmt s;
	int err;

	*note = NULL;
	if ((err = sdx__stmt(&s, l, NULL, "reading imported checkpoints", "SELECT note FROM "
			     "foreign_checkpoints WHERE origin = ? AND size = ?", SDX__TEXT(origin),
			     SDX__INT(size))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		err = sdx__column_dup(s.st, 0, note, len);
	else if (err == 0)
		err = sdx_error_set(SDX_ENOTFOUND, "the checkpoint of %s at size %" PRIu64
				    " is not held", origin, size);
	sdx__stmt_end(&s);
	return err;
}

/* The leaf held for origin/index: 1 and *same if held, 0 if not. */
static int foreign_held(sdx_ledger *l, const struct sdx__foreign_row *e, int *same)
{
	unsigned char have[32];
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, &l->st_foreign_get, "reading imported entries",
			     "SELECT leaf FROM foreign_entries WHERE origin = ? AND idx = ?",
			     SDX__TEXT(e->origin), SDX__INT(e->index))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*same = sdx__column_hash(s.st, 0, have) && !memcmp(have, e->leaf, 32);
	sdx__stmt_end(&s);
	return err;
}

int sdx__foreign_entry(sdx_ledger *l, const struct sdx__foreign_row *e)
{
	struct sdx__indexed_entry ie = { 0, e->origin, e->index, e->leaf, e->type, e->time,
					 e->data, e->len, e->tree_size, NULL, 0 };
	int hooks = sdx__indexers_active(), same = 0, err;
	unsigned char *packed = NULL;
	size_t plen = 0;

	if ((err = foreign_held(l, e, &same)) != 0)
		return err < 0 ? err : same ? 0 : sdx_error_set(SDX_ECONFLICT, "equivocation by %s: "
							       "entry %" PRIu64 " differs from the "
							       "one already held", e->origin,
							       e->index);
	if (l->tx_broken)
		return sdx_error_set(SDX_EINVAL, "'%s': an imported entry of this transaction "
				     "failed to be stored: roll it back", l->path);
	/* stored as its signature and payload where it rebuilds exactly (schema 9) */
	if ((err = sdx__entry_pack_envelope(&packed, &plen, e->data, e->len)) < 0)
		return err;
	/* No savepoint: one would copy every page the entry's rows touch into the
	 * statement journal first (some twenty 64 KB pages an entry).  A failure
	 * here instead leaves the transaction good only for a rollback, which
	 * sdx_ledger_commit() then does itself; an import rolls back whole anyway. */
	err = sdx__db_run(l, &l->st_foreign_insert, "storing an imported entry",
			  "INSERT INTO foreign_entries(origin, idx, leaf, type, time, data, "
			  "proof_size, proof) VALUES(?, ?, ?, ?, ?, ?, ?, ?)", SDX__TEXT(e->origin),
			  SDX__INT(e->index), SDX__HASH(e->leaf), SDX__TEXT(e->type),
			  SDX__TEXT(e->time),
			  SDX__BLOB(packed ? packed : e->data, packed ? plen : e->len),
			  SDX__INT(e->tree_size), SDX__BLOB(e->proof, 32 * e->proof_len));
	free(packed);
	if (hooks && err >= 0)
		err = sdx__indexers_entry(l, &ie);
	if (err < 0)
		l->tx_broken = 1;
	return err < 0 ? err : 0;
}

int sdx__foreign_consistency(sdx_ledger *l, const char *origin, uint64_t old_size,
			     uint64_t size, const unsigned char (*proof)[32], size_t n)
{
	int err = sdx__db_run(l, NULL, "storing a consistency proof", "INSERT OR IGNORE INTO "
			      "foreign_consistency(origin, old_size, size, proof) VALUES(?, ?, ?, ?)",
			      SDX__TEXT(origin), SDX__INT(old_size), SDX__INT(size),
			      SDX__BLOB(proof, 32 * n));

	return err < 0 ? err : 0;
}

int sdx_ledger_foreign_consistency_get(unsigned char (*proof)[32], size_t *n, sdx_ledger *l,
				       const char *origin, uint64_t old_size, uint64_t size)
{
	struct sdx__stmt s;
	int bytes, err;

	*n = 0;
	if (l->format < 6)
		return SDX_ENOTFOUND;
	if ((err = sdx__stmt(&s, l, NULL, "reading consistency proofs", "SELECT proof FROM "
			     "foreign_consistency WHERE origin = ? AND old_size = ? AND size = ?",
			     SDX__TEXT(origin), SDX__INT(old_size), SDX__INT(size))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1) {
		err = 0;
		bytes = sqlite3_column_bytes(s.st, 0);
		if (bytes % 32 != 0 || bytes / 32 > SDX_MERKLE_MAX_PROOF)
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged consistency proof", l->path);
		else if (bytes)
			memcpy(proof, sqlite3_column_blob(s.st, 0), (size_t)bytes);
		*n = (size_t)bytes / 32;
	} else if (err == 0) {
		err = SDX_ENOTFOUND;
	}
	sdx__stmt_end(&s);
	return err;
}

int sdx__foreign_key(sdx_ledger *l, const sdx_verifier *v)
{
	char time[21];
	int err;

	sdx__utc_now(time);
	err = sdx__db_run(l, NULL, "storing an imported key", "INSERT OR IGNORE INTO "
			  "foreign_keys(origin, pubkey, added) VALUES(?, ?, ?)",
			  SDX__TEXT(sdx_verifier_name(v)), SDX__HASH(sdx_verifier_public_key(v)),
			  SDX__TEXT(time));
	return err < 0 ? err : 0;
}

static int foreign_rows(struct sdx__stmt *s, sdx_foreign_cb cb, void *ctx, int *any)
{
	sqlite3_stmt *st = s->st;
	sdx_foreign_entry e;
	int rc, err = 0;

	while ((rc = sdx__stmt_step(s)) == 1) {
		memset(&e, 0, sizeof(e));
		snprintf(e.origin, sizeof(e.origin), "%s", (const char *)sqlite3_column_text(st, 0));
		e.index = (uint64_t)sqlite3_column_int64(st, 1);
		sdx__column_hash(st, 2, e.leaf_hash);
		snprintf(e.type, sizeof(e.type), "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(e.time, sizeof(e.time), "%s", (const char *)sqlite3_column_text(st, 4));
		e.data = sqlite3_column_blob(st, 5);
		e.len = (size_t)sqlite3_column_bytes(st, 5);
		e.tree_size = (uint64_t)sqlite3_column_int64(st, 6);
		e.proof = (const unsigned char (*)[32])sqlite3_column_blob(st, 7);
		e.proof_len = (size_t)sqlite3_column_bytes(st, 7) / 32;
		if (e.proof_len > SDX_MERKLE_MAX_PROOF)
			return sdx_error_set(SDX_EVERIFY, "'%s': damaged imported entry", s->l->path);
		*any = 1;
		if ((err = cb(ctx, &e)) != 0)
			return err;
	}
	return rc;
}

#define FOREIGN_COLS "origin, idx, leaf, type, time, sdx_envelope(data), proof_size, proof"

static int foreach_foreign(sdx_ledger *l, sdx_foreign_cb cb, void *ctx, int stored)
{
	struct sdx__stmt s;
	int any = 0, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imported entries", stored ?
			     "SELECT origin, idx, leaf, type, time, data, proof_size, proof FROM "
			     "foreign_entries ORDER BY origin, proof_size, idx" :
			     "SELECT " FOREIGN_COLS " FROM foreign_entries ORDER BY origin, "
			     "proof_size, idx")) < 0)
		return err;
	err = foreign_rows(&s, cb, ctx, &any);
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_foreach_foreign_entry(sdx_ledger *l, sdx_foreign_cb cb, void *ctx)
{
	return foreach_foreign(l, cb, ctx, 0);
}

int sdx__ledger_foreach_foreign_stored(sdx_ledger *l, sdx_foreign_cb cb, void *ctx)
{
	return foreach_foreign(l, cb, ctx, 1);
}

int sdx_ledger_foreign_mark(uint64_t *out, sdx_ledger *l)
{
	struct sdx__stmt s;
	int err;

	*out = 0;
	/* foreign_entries is append-only (its triggers), so rowids only grow */
	if ((err = sdx__stmt(&s, l, NULL, "reading imported entries",
			     "SELECT coalesce(max(rowid), 0) FROM foreign_entries")) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		*out = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return err < 0 ? err : 0;
}

int sdx_ledger_foreach_foreign_since(sdx_ledger *l, uint64_t mark, sdx_foreign_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int any = 0, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imported entries", "SELECT " FOREIGN_COLS
			     " FROM foreign_entries WHERE rowid > ? ORDER BY rowid",
			     SDX__INT(mark))) < 0)
		return err;
	err = foreign_rows(&s, cb, ctx, &any);
	sdx__stmt_end(&s);
	return err;
}

struct held_at {
	char origin[SDX_NAME_MAX + 1];
	uint64_t size, index;
};

static int cmp_held_at(const void *x, const void *y)
{
	const struct held_at *a = x, *b = y;
	int c = strcmp(a->origin, b->origin);

	if (c)
		return c;
	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

int sdx_ledger_foreach_foreign_leaf(sdx_ledger *l, const unsigned char (*leaves)[32], size_t n,
				    sdx_foreign_cb cb, void *ctx)
{
	struct held_at *at = NULL;
	struct sdx__stmt s;
	size_t i, k = 0, cap = 0;
	int rc = 0, err = 0;

	/* where each is held (by the leaf index), then read in the order of the
	 * whole walk: by origin, proof tree size and index */
	for (i = 0; i < n && err >= 0; i++) {
		if ((err = sdx__stmt(&s, l, NULL, "reading imported entries", "SELECT origin, idx, "
				     "proof_size FROM foreign_entries WHERE leaf = ?",
				     SDX__HASH(leaves[i]))) < 0)
			break;
		while ((rc = sdx__stmt_step(&s)) == 1) {
			if (k == cap) {
				void *p = realloc(at, (cap = cap ? 2 * cap : 16) * sizeof(*at));
				if (!p) {
					rc = sdx_error_set(SDX_ENOMEM, "out of memory");
					break;
				}
				at = p;
			}
			snprintf(at[k].origin, sizeof(at[k].origin), "%s",
				 (const char *)sqlite3_column_text(s.st, 0));
			at[k].index = (uint64_t)sqlite3_column_int64(s.st, 1);
			at[k].size = (uint64_t)sqlite3_column_int64(s.st, 2);
			k++;
		}
		sdx__stmt_end(&s);
		if (rc < 0)
			err = rc;
	}
	if (err >= 0 && k)
		qsort(at, k, sizeof(*at), cmp_held_at);
	for (i = 0; i < k && err == 0; i++)
		if (i == 0 || cmp_held_at(&at[i - 1], &at[i]) != 0)
			err = sdx_ledger_foreign_get(l, at[i].origin, at[i].index, cb, ctx);
	free(at);
	return err; /* or what cb returned to stop the walk */
}

int sdx_ledger_foreign_get(sdx_ledger *l, const char *origin, uint64_t index,
			   sdx_foreign_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int any = 0, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imported entries", "SELECT " FOREIGN_COLS
			     " FROM foreign_entries WHERE origin = ? AND idx = ?",
			     SDX__TEXT(origin), SDX__INT(index))) < 0)
		return err;
	err = foreign_rows(&s, cb, ctx, &any);
	sdx__stmt_end(&s);
	if (!err && !any)
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no imported entry %s/%" PRIu64, l->path,
				    origin, index);
	return err;
}

int sdx_ledger_import_seen(uint64_t *receipt, sdx_ledger *l, const unsigned char bundle[32])
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imports",
			     "SELECT receipt FROM imports WHERE bundle = ?", SDX__HASH(bundle))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1 && receipt)
		*receipt = (uint64_t)sqlite3_column_int64(s.st, 0);
	sdx__stmt_end(&s);
	return err;
}

int sdx__import_record(sdx_ledger *l, const unsigned char bundle[32], const char *producer,
		       const char *created, uint64_t entries, uint64_t receipt)
{
	int err = sdx__db_run(l, NULL, "storing an import", "INSERT INTO imports(bundle, producer, "
			      "created, entries, receipt) VALUES(?, ?, ?, ?, ?)", SDX__HASH(bundle),
			      SDX__TEXT(producer), SDX__TEXT(created), SDX__INT(entries),
			      SDX__INT(receipt));

	return err < 0 ? err : 0;
}

int sdx_ledger_foreach_origin(sdx_ledger *l, sdx_origin_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int rc, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading imports",
			     "SELECT c.origin, max(c.size), (SELECT count(*) FROM foreign_entries e "
			     "WHERE e.origin = c.origin), (SELECT max(time) FROM foreign_entries e "
			     "WHERE e.origin = c.origin) FROM foreign_checkpoints c GROUP BY c.origin "
			     "ORDER BY c.origin")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		const char *latest = (const char *)sqlite3_column_text(s.st, 3);
		if ((err = cb(ctx, (const char *)sqlite3_column_text(s.st, 0),
			      (uint64_t)sqlite3_column_int64(s.st, 1),
			      (uint64_t)sqlite3_column_int64(s.st, 2), latest ? latest : "")) != 0)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}
