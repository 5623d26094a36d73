/*
 * ledger/verify_foreign.c - the imported part of `sdx verify`: the held
 * checkpoints and keys of other ledgers, each imported entry against its
 * checkpoint, and the consistency proofs kept to be forwarded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/entry.h"
#include "ledger/store.h"
#include "ledger/verify.h"
#include "sdx/dsse.h"

#define MAX_FOREIGN_KEYS 1024

struct fkeys {
	sdx_verifier *v[MAX_FOREIGN_KEYS];
	size_t n;
};

static void fkeys_free(struct fkeys *k)
{
	for (size_t i = 0; i < k->n; i++)
		sdx_verifier_free(k->v[i]);
	k->n = 0;
}

/* The held keys of `origin` into out[] (borrowed); their number. */
static size_t keys_of(const struct fkeys *k, const char *origin, sdx_verifier **out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < k->n && n < cap; i++)
		if (strcmp(sdx_verifier_name(k->v[i]), origin) == 0)
			out[n++] = k->v[i];
	return n;
}

static int load_fkeys(sdx_ledger *l, struct fkeys *k)
{
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT origin, pubkey FROM foreign_keys", -1, &st,
			       NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported keys");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && k->n < MAX_FOREIGN_KEYS) {
		if (sqlite3_column_bytes(st, 1) != 32) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged imported key", l->path);
			break;
		}
		if ((err = sdx_verifier_new(&k->v[k->n], (const char *)sqlite3_column_text(st, 0),
					    sqlite3_column_blob(st, 1))) < 0)
			break;
		k->n++;
	}
	sqlite3_finalize(st);
	return err;
}

/* Every held checkpoint: its columns are what its note says, signed by a held key. */
static int check_foreign_checkpoints(sdx_ledger *l, const struct fkeys *k, sdx_verify_report *rep)
{
	sdx_verifier *vs[16];
	sdx_checkpoint cp;
	sqlite3_stmt *st = NULL;
	int rc, err = 0;

	if (sqlite3_prepare_v2(l->db, "SELECT origin, size, root, note FROM foreign_checkpoints",
			       -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(st, 0);
		const char *note = (const char *)sqlite3_column_blob(st, 3);
		size_t len = (size_t)sqlite3_column_bytes(st, 3), nk = keys_of(k, origin, vs, 16);
		uint64_t size = (uint64_t)sqlite3_column_int64(st, 1);

		if (!note || sdx_checkpoint_parse(&cp, note, len) < 0 || strcmp(cp.origin, origin) != 0 ||
		    cp.size != size || sqlite3_column_bytes(st, 2) != 32 ||
		    memcmp(cp.root, sqlite3_column_blob(st, 2), 32) != 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %"
					    PRIu64 " was changed", l->path, origin, size);
		else if (nk && sdx_note_verify(NULL, NULL, note, len, vs, nk) != 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %"
					    PRIu64 ": signature does not verify", l->path, origin, size);
		rep->imported_checkpoints++;
	}
	sqlite3_finalize(st);
	return err;
}

/* The root of the held checkpoint of origin at size. */
static int foreign_root(sdx_ledger *l, sqlite3_stmt **st, const char *origin, uint64_t size,
			unsigned char root[32])
{
	int rc;

	if (!*st && sqlite3_prepare_v2(l->db, "SELECT root FROM foreign_checkpoints WHERE origin = ? "
				       "AND size = ?", -1, st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_reset(*st);
	sqlite3_bind_text(*st, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(*st, 2, (sqlite3_int64)size);
	rc = sqlite3_step(*st);
	if (rc != SQLITE_ROW || sqlite3_column_bytes(*st, 0) != 32)
		return sdx_error_set(SDX_EVERIFY, "'%s': no imported checkpoint of %s at size %" PRIu64
				     " for the entries proved against it", l->path, origin, size);
	memcpy(root, sqlite3_column_blob(*st, 0), 32);
	return 0;
}

/* One imported entry: hash, proof, signature (when its key is held), payload. */
static int check_foreign_entry(sdx_ledger *l, const struct fkeys *k, sqlite3_stmt *row,
			       sqlite3_stmt **roots, sdx_verify_report *rep)
{
	const char *origin = (const char *)sqlite3_column_text(row, 0);
	uint64_t idx = (uint64_t)sqlite3_column_int64(row, 1);
	const unsigned char *data = sqlite3_column_blob(row, 5);
	size_t len = (size_t)sqlite3_column_bytes(row, 5), nk, i;
	uint64_t tsize = (uint64_t)sqlite3_column_int64(row, 6);
	unsigned char leaf[32], root[32];
	struct sdx__entry e;
	struct sdx__entry_want want = { origin, (const char *)sqlite3_column_text(row, 3),
					(const char *)sqlite3_column_text(row, 4), 1, idx };
	sdx_verifier *vs[16];
	char what[SDX_NAME_MAX + 64], keyid[SDX_NAME_MAX + 16];
	int err = 0, ok = 0;

	memset(&e, 0, sizeof(e));
	snprintf(what, sizeof(what), "imported entry %s/%" PRIu64, origin ? origin : "?", idx);
	if (!origin || !data)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: damaged", l->path, what);
	sdx_merkle_leaf_hash(leaf, data, len);
	if (sqlite3_column_bytes(row, 2) != 32 || memcmp(leaf, sqlite3_column_blob(row, 2), 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: its bytes do not match its leaf hash",
				     l->path, what);
	if ((err = foreign_root(l, roots, origin, tsize, root)) < 0)
		return err;
	if (sqlite3_column_bytes(row, 7) % 32 != 0 ||
	    sdx_merkle_verify_inclusion(leaf, idx, tsize, root,
					(const unsigned char (*)[32])sqlite3_column_blob(row, 7),
					(size_t)sqlite3_column_bytes(row, 7) / 32) < 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': %s: its inclusion proof does not lead to "
				     "the checkpoint", l->path, what);
	/* a payloadType of neither version is a payload fault, found after the signature */
	if ((err = sdx__entry_open(&e, data, len)) < 0 && !e.env) {
		sdx__entry_close(&e);
		return err == SDX_ENOMEM ? err
					 : sdx_error_set(SDX_EVERIFY, "'%s': %s: not an envelope",
							 l->path, what);
	}
	nk = keys_of(k, origin, vs, 16);
	for (i = 0; i < nk && !ok; i++) {
		snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, origin, sdx_verifier_keyid(vs[i]));
		ok = strcmp(keyid, e.env->keyid) == 0 && sdx_dsse_verify(e.env, vs[i]) == 0;
	}
	if (nk && !ok) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': %s: signature does not verify", l->path, what);
		goto done;
	}
	if (!nk)
		rep->imported_unsigned++;
	if (err < 0 || !want.type || !want.time || (err = sdx__entry_read(&e, &want, 0)) < 0 ||
	    e.h.seq != idx)
		err = err == SDX_ENOMEM ? err
					: sdx_error_set(SDX_EVERIFY, "'%s': %s: its payload does not "
							"match what is stored about it", l->path, what);
done:
	sdx__entry_close(&e);
	rep->imported_entries++;
	return err;
}

int sdx__verify_foreign(sdx_ledger *l, sdx_verify_report *rep)
{
	struct fkeys k = { { NULL }, 0 };
	sqlite3_stmt *st = NULL, *roots = NULL;
	int rc, err;

	if (l->format < 3)
		return 0; /* an older file, read as it is: nothing was imported */
	if (l->format >= 5 && (err = load_fkeys(l, &k)) < 0)
		goto done;
	if ((err = check_foreign_checkpoints(l, &k, rep)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT origin, idx, leaf, type, time, data, proof_size, proof "
			       "FROM foreign_entries ORDER BY origin, idx", -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading imported entries");
		goto done;
	}
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = check_foreign_entry(l, &k, st, &roots, rep);
	sqlite3_finalize(st);
	st = NULL;
	/* the consistency proofs kept to be forwarded hold between the held roots */
	if (err || l->format < 6)
		goto done;
	if (sqlite3_prepare_v2(l->db, "SELECT origin, old_size, size, proof FROM "
			       "foreign_consistency", -1, &st, NULL) != SQLITE_OK) {
		err = sdx__db_error(l, "reading consistency proofs");
		goto done;
	}
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *origin = (const char *)sqlite3_column_text(st, 0);
		uint64_t old = (uint64_t)sqlite3_column_int64(st, 1);
		uint64_t size = (uint64_t)sqlite3_column_int64(st, 2);
		unsigned char r1[32], r2[32];
		int n = sqlite3_column_bytes(st, 3);

		if ((err = foreign_root(l, &roots, origin, old, r1)) < 0 ||
		    (err = foreign_root(l, &roots, origin, size, r2)) < 0)
			break;
		if (n % 32 != 0 || sdx_merkle_verify_consistency(old, size, r1, r2,
				(const unsigned char (*)[32])sqlite3_column_blob(st, 3),
				(size_t)n / 32) < 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': kept consistency proof of %s from size %"
					    PRIu64 " to %" PRIu64 " does not hold", l->path, origin,
					    old, size);
	}
done:
	sqlite3_finalize(st);
	sqlite3_finalize(roots);
	fkeys_free(&k);
	return err;
}
