/*
 * ledger/verify_foreign.c - the imported part of `sdx verify`: the held
 * checkpoints and keys of other ledgers, each imported entry against its
 * checkpoint, and the consistency proofs kept to be forwarded.  The same
 * checks audit what an export forwards (sdx__foreign_audit()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
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

#define CHECKPOINT_COLS "SELECT origin, size, root, note FROM foreign_checkpoints"

/* One held checkpoint (a row of CHECKPOINT_COLS): its columns are what its
 * note says, signed by a held key. */
static int check_foreign_checkpoint(sdx_ledger *l, const struct fkeys *k, sqlite3_stmt *st)
{
	const char *origin = (const char *)sqlite3_column_text(st, 0);
	const char *note = (const char *)sqlite3_column_blob(st, 3);
	uint64_t size = (uint64_t)sqlite3_column_int64(st, 1);
	sdx_verifier *vs[16];
	sdx_checkpoint cp;
	size_t len = (size_t)sqlite3_column_bytes(st, 3), nk;

	if (!origin)
		return sdx_error_set(SDX_EVERIFY, "'%s': a damaged imported checkpoint", l->path);
	nk = keys_of(k, origin, vs, 16);
	if (!note || sdx_checkpoint_parse(&cp, note, len) < 0 || strcmp(cp.origin, origin) != 0 ||
	    cp.size != size || sqlite3_column_bytes(st, 2) != 32 ||
	    memcmp(cp.root, sqlite3_column_blob(st, 2), 32) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %" PRIu64
				     " was changed", l->path, origin, size);
	if (nk && sdx_note_verify(NULL, NULL, note, len, vs, nk) != 0)
		return sdx_error_set(SDX_EVERIFY, "'%s': imported checkpoint of %s at size %" PRIu64
				     ": signature does not verify", l->path, origin, size);
	return 0;
}

/* Every held checkpoint. */
static int check_foreign_checkpoints(sdx_ledger *l, const struct fkeys *k, sdx_verify_report *rep)
{
	sqlite3_stmt *st = NULL;
	int err = 0;

	if (sqlite3_prepare_v2(l->db, CHECKPOINT_COLS, -1, &st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	while (!err && sqlite3_step(st) == SQLITE_ROW) {
		err = check_foreign_checkpoint(l, k, st);
		rep->imported_checkpoints++;
	}
	sqlite3_finalize(st);
	return err;
}

/*
 * The held checkpoints entries were proved against, most recent few: root,
 * and the key id of the held key whose signature on it verifies ("" if no
 * key of its origin is held).  Entries are read by origin and index, so runs
 * of them share one checkpoint.
 */
#define ROOTS_CACHED 4
struct roots {
	sqlite3_stmt *st;
	struct held_root {
		char origin[SDX_NAME_MAX + 1];
		uint64_t size;
		unsigned char root[32];
		char keyid[SDX_NAME_MAX + 16];
		int valid;
	} c[ROOTS_CACHED];
	size_t next;
};

static void roots_free(struct roots *r)
{
	sqlite3_finalize(r->st);
	memset(r, 0, sizeof(*r));
}

/* The root (and signer) of the held checkpoint of origin at size; signers
 * are only looked for with keys (then the checkpoint was verified first). */
static int foreign_root(sdx_ledger *l, struct roots *r, const struct fkeys *k,
			const char *origin, uint64_t size, const struct held_root **out)
{
	struct held_root *h;
	sdx_verifier *vs[16];
	size_t i, nk, signer = 0;
	int rc;

	for (i = 0; i < ROOTS_CACHED; i++)
		if (r->c[i].valid && r->c[i].size == size && strcmp(r->c[i].origin, origin) == 0) {
			*out = &r->c[i];
			return 0;
		}
	if (!r->st && sqlite3_prepare_v2(l->db, "SELECT root, note FROM foreign_checkpoints WHERE "
					 "origin = ? AND size = ?", -1, &r->st, NULL) != SQLITE_OK)
		return sdx__db_error(l, "reading imported checkpoints");
	sqlite3_reset(r->st);
	sqlite3_bind_text(r->st, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(r->st, 2, (sqlite3_int64)size);
	rc = sqlite3_step(r->st);
	if (rc != SQLITE_ROW || sqlite3_column_bytes(r->st, 0) != 32)
		return sdx_error_set(SDX_EVERIFY, "'%s': no imported checkpoint of %s at size %" PRIu64
				     " for the entries proved against it", l->path, origin, size);
	h = &r->c[r->next];
	r->next = (r->next + 1) % ROOTS_CACHED;
	memset(h, 0, sizeof(*h));
	snprintf(h->origin, sizeof(h->origin), "%s", origin);
	h->size = size;
	memcpy(h->root, sqlite3_column_blob(r->st, 0), 32);
	nk = k ? keys_of(k, origin, vs, 16) : 0;
	if (nk && sdx_note_verify(NULL, &signer, sqlite3_column_blob(r->st, 1),
				  (size_t)sqlite3_column_bytes(r->st, 1), vs, nk) == 0 && signer < nk)
		snprintf(h->keyid, sizeof(h->keyid), "%s+%08" PRIx32, origin,
			 sdx_verifier_keyid(vs[signer]));
	h->valid = 1;
	*out = h;
	return 0;
}

/*
 * One imported entry: hash, proof, signature (when its key is held), payload.
 * Hash-bound unless `signatures`: an entry signed by the key that signed the
 * held checkpoint it is proved against is authenticated by that checkpoint's
 * root, so its own signature is not checked (formats/ledger.md "What verify
 * proves").
 */
static int check_foreign_entry(sdx_ledger *l, const struct fkeys *k, sqlite3_stmt *row,
			       struct roots *roots, int signatures, sdx_verify_report *rep)
{
	const struct held_root *held = NULL;
	const char *origin = (const char *)sqlite3_column_text(row, 0);
	uint64_t idx = (uint64_t)sqlite3_column_int64(row, 1);
	const unsigned char *data = sqlite3_column_blob(row, 5);
	size_t len = (size_t)sqlite3_column_bytes(row, 5), nk, i;
	uint64_t tsize = (uint64_t)sqlite3_column_int64(row, 6);
	unsigned char leaf[32];
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
	if ((err = foreign_root(l, roots, k, origin, tsize, &held)) < 0)
		return err;
	if (sqlite3_column_bytes(row, 7) % 32 != 0 ||
	    sdx_merkle_verify_inclusion(leaf, idx, tsize, held->root,
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
	if (!signatures && held->keyid[0] && strcmp(held->keyid, e.env->keyid) == 0)
		nk = 0, ok = 1;
	for (i = 0; i < nk && !ok; i++) {
		snprintf(keyid, sizeof(keyid), "%s+%08" PRIx32, origin, sdx_verifier_keyid(vs[i]));
		ok = strcmp(keyid, e.env->keyid) == 0 && sdx_dsse_verify(e.env, vs[i]) == 0;
	}
	if (nk && !ok) {
		err = sdx_error_set(SDX_EVERIFY, "'%s': %s: signature does not verify", l->path, what);
		goto done;
	}
	if (!nk && !ok)
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

#define ENTRY_COLS "SELECT origin, idx, leaf, type, time, sdx_envelope(data), proof_size, " \
	"proof FROM foreign_entries"

struct sdx__foreign_audit {
	sdx_ledger *l;
	struct fkeys k;
	sqlite3_stmt *cp, *row;
	struct roots roots;
	sdx_verify_report rep;
};

int sdx__foreign_audit_new(struct sdx__foreign_audit **out, sdx_ledger *l)
{
	struct sdx__foreign_audit *a = calloc(1, sizeof(*a));
	int err = 0;

	*out = NULL;
	if (!a)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	a->l = l;
	if (l->format >= 5 && (err = load_fkeys(l, &a->k)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, CHECKPOINT_COLS " WHERE origin = ? AND size = ?", -1, &a->cp,
			       NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(l->db, ENTRY_COLS " WHERE origin = ? AND idx = ?", -1, &a->row,
			       NULL) != SQLITE_OK)
		err = sdx__db_error(l, "reading imported data");
done:
	if (err < 0)
		sdx__foreign_audit_free(a);
	else
		*out = a;
	return err;
}

void sdx__foreign_audit_free(struct sdx__foreign_audit *a)
{
	if (!a)
		return;
	sqlite3_finalize(a->cp);
	sqlite3_finalize(a->row);
	roots_free(&a->roots);
	fkeys_free(&a->k);
	free(a);
}

int sdx__foreign_audit_checkpoint(struct sdx__foreign_audit *a, const char *origin, uint64_t size)
{
	int rc;

	sqlite3_reset(a->cp);
	sqlite3_bind_text(a->cp, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(a->cp, 2, (sqlite3_int64)size);
	if ((rc = sqlite3_step(a->cp)) == SQLITE_ROW)
		return check_foreign_checkpoint(a->l, &a->k, a->cp);
	return rc == SQLITE_DONE ? sdx_error_set(SDX_EVERIFY, "'%s': no imported checkpoint of %s "
						 "at size %" PRIu64, a->l->path, origin, size)
				 : sdx__db_error(a->l, "reading imported checkpoints");
}

int sdx__foreign_audit_entry(struct sdx__foreign_audit *a, const char *origin, uint64_t index,
			     uint64_t tree_size)
{
	int rc;

	sqlite3_reset(a->row);
	sqlite3_bind_text(a->row, 1, origin, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(a->row, 2, (sqlite3_int64)index);
	if ((rc = sqlite3_step(a->row)) != SQLITE_ROW)
		return rc == SQLITE_DONE ? sdx_error_set(SDX_EVERIFY, "'%s': no imported entry %s/%"
							 PRIu64, a->l->path, origin, index)
					 : sdx__db_error(a->l, "reading imported entries");
	if ((uint64_t)sqlite3_column_int64(a->row, 6) != tree_size)
		return sdx_error_set(SDX_EVERIFY, "'%s': imported entry %s/%" PRIu64 " changed",
				     a->l->path, origin, index);
	return check_foreign_entry(a->l, &a->k, a->row, &a->roots, 0, &a->rep);
}

int sdx__verify_foreign(sdx_ledger *l, sdx_verify_report *rep, int signatures)
{
	struct fkeys k = { { NULL }, 0 };
	struct roots roots;
	sqlite3_stmt *st = NULL;
	int rc, err;

	memset(&roots, 0, sizeof(roots));
	if (l->format < 3)
		return 0; /* an older file, read as it is: nothing was imported */
	if (l->format >= 5 && (err = load_fkeys(l, &k)) < 0)
		goto done;
	if ((err = check_foreign_checkpoints(l, &k, rep)) < 0)
		goto done;
	if (sqlite3_prepare_v2(l->db, ENTRY_COLS " ORDER BY origin, idx", -1, &st, NULL) !=
	    SQLITE_OK) {
		err = sdx__db_error(l, "reading imported entries");
		goto done;
	}
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW)
		err = check_foreign_entry(l, &k, st, &roots, signatures, rep);
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
		const struct held_root *h1, *h2;
		unsigned char r1[32];
		int n = sqlite3_column_bytes(st, 3);

		if (!origin) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged consistency proof", l->path);
			break;
		}
		if ((err = foreign_root(l, &roots, NULL, origin, old, &h1)) < 0)
			break;
		memcpy(r1, h1->root, 32);  /* the next lookup may reuse its slot */
		if ((err = foreign_root(l, &roots, NULL, origin, size, &h2)) < 0)
			break;
		if (n % 32 != 0 || sdx_merkle_verify_consistency(old, size, r1, h2->root,
				(const unsigned char (*)[32])sqlite3_column_blob(st, 3),
				(size_t)n / 32) < 0)
			err = sdx_error_set(SDX_EVERIFY, "'%s': kept consistency proof of %s from size %"
					    PRIu64 " to %" PRIu64 " does not hold", l->path, origin,
					    old, size);
	}
done:
	sqlite3_finalize(st);
	roots_free(&roots);
	fkeys_free(&k);
	return err;
}
