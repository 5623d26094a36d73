/*
 * ledger/trust.c - local policy kept in the ledger file but not signed:
 * the keys this organisation trusts, and the keys it revoked (for good),
 * with what the revocation takes from the keys they introduced.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ledger/introduced.h"
#include "ledger/store.h"

/*
 * Rows of (name, pubkey, text, text) as (verifier, text, text) callbacks: the
 * trusted and the revoked keys.  `what` names the table in messages.
 */
typedef int (*key_row_cb)(void *ctx, const sdx_verifier *v, const char *a, const char *b);

static int key_rows(sdx_ledger *l, const char *sql, const char *what, key_row_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_verifier *v = NULL;
	int rc, err;

	if ((err = sdx__stmt(&s, l, NULL, what, sql)) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if (sqlite3_column_bytes(s.st, 1) != 32 ||
		    (err = sdx_verifier_new(&v, (const char *)sqlite3_column_text(s.st, 0),
					    sqlite3_column_blob(s.st, 1))) < 0) {
			err = err < 0 ? err : sdx_error_set(SDX_EFORMAT, "'%s': damaged row in %s",
							   l->path, what);
			break;
		}
		err = cb(ctx, v, (const char *)sqlite3_column_text(s.st, 2),
			 (const char *)sqlite3_column_text(s.st, 3));
		sdx_verifier_free(v);
		v = NULL;
		if (err != 0)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

/* 1 and the revocation if `pubkey` was revoked, 0 if not. */
static int revoked_at(sdx_ledger *l, const unsigned char pubkey[32], char when[21])
{
	struct sdx__stmt s;
	int err;

	if (l->format < 4) /* an older file, read as it is: nothing was revoked in it */
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading revoked keys",
			     "SELECT revoked FROM revoked_keys WHERE pubkey = ?", SDX__HASH(pubkey))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 1)
		snprintf(when, 21, "%s", (const char *)sqlite3_column_text(s.st, 0));
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_trust_add(sdx_ledger *l, const sdx_verifier *v, const char *label)
{
	char time[21];
	int err;

	if ((err = revoked_at(l, sdx_verifier_public_key(v), time)) != 0)
		return err < 0 ? err : sdx_error_set(SDX_EUNTRUSTED, "key %s+%08" PRIx32 " was "
						     "revoked on %s; a revoked key is never trusted "
						     "again", sdx_verifier_name(v),
						     sdx_verifier_keyid(v), time);
	sdx__utc_now(time);
	err = sdx__db_run(l, NULL, "storing a trusted key", "INSERT INTO trusted_keys(pubkey, name, "
			  "keyid, label, added) VALUES(?, ?, ?, ?, ?)",
			  SDX__HASH(sdx_verifier_public_key(v)), SDX__TEXT(sdx_verifier_name(v)),
			  SDX__INT(sdx_verifier_keyid(v)),
			  SDX__TEXT(label ? label : sdx_verifier_name(v)), SDX__TEXT(time));
	if (err == SDX_ECONFLICT) {
		/* trusted only through an introduction: directly from now on */
		if ((err = sdx__introduced_forget(l, sdx_verifier_public_key(v),
						  label ? label : sdx_verifier_name(v))) != 0)
			return err < 0 ? err : 0;
		return sdx_error_set(SDX_EEXISTS, "key %s+%08" PRIx32 " is already trusted",
				     sdx_verifier_name(v), sdx_verifier_keyid(v));
	}
	return err < 0 ? err : 0;
}

/* The revocation's rows, inside a transaction. */
static int revoke_rows(sdx_ledger *l, const sdx_verifier *v, const char *reason)
{
	char time[21];
	int err;

	if ((err = revoked_at(l, sdx_verifier_public_key(v), time)) != 0)
		return err < 0 ? err : sdx_error_set(SDX_EEXISTS, "key %s+%08" PRIx32 " was revoked "
						     "already, on %s", sdx_verifier_name(v),
						     sdx_verifier_keyid(v), time);
	sdx__utc_now(time);
	if ((err = sdx__db_run(l, NULL, "storing a revocation", "INSERT INTO revoked_keys(pubkey, "
			       "name, keyid, revoked, reason) VALUES(?, ?, ?, ?, ?)",
			       SDX__HASH(sdx_verifier_public_key(v)), SDX__TEXT(sdx_verifier_name(v)),
			       SDX__INT(sdx_verifier_keyid(v)), SDX__TEXT(time),
			       SDX__TEXT(reason ? reason : ""))) < 0)
		return err;
	/* a revoked key is trusted no more, nor what it introduced after the
	 * revocation (as this ledger held it: never by a date the key signed) */
	if ((err = sdx__db_run(l, NULL, "removing a trusted key", "DELETE FROM trusted_keys WHERE "
			       "pubkey = ?", SDX__HASH(sdx_verifier_public_key(v)))) < 0 ||
	    (err = sdx__introduced_revoke(l, sdx_verifier_public_key(v), time)) < 0)
		return err;
	return 0;
}

int sdx_ledger_trust_revoke(sdx_ledger *l, const sdx_verifier *v, const char *reason)
{
	int own_tx = !l->in_tx, err;

	if (own_tx && (err = sdx_ledger_begin(l)) < 0)
		return err;
	err = revoke_rows(l, v, reason);
	if (own_tx && (err < 0 || (err = sdx_ledger_commit(l)) < 0))
		sdx_ledger_rollback(l);
	return err < 0 ? err : 0;
}

int sdx_ledger_foreach_revoked(sdx_ledger *l, sdx_revoked_cb cb, void *ctx)
{
	if (l->format < 4)
		return 0;
	return key_rows(l, "SELECT name, pubkey, revoked, reason FROM revoked_keys ORDER BY name, "
			"revoked", "revoked keys", cb, ctx);
}

int sdx_ledger_trust_remove(size_t *removed, sdx_ledger *l, const char *ref)
{
	int err;

	/* a key name removes all its keys; name+keyid or the key id alone one key */
	if ((err = sdx__db_run(l, NULL, "removing a trusted key", "DELETE FROM trusted_keys WHERE "
			       "name = ?1 OR label = ?1 OR printf('%08x', keyid) = ?1 OR "
			       "name || '+' || printf('%08x', keyid) = ?1", SDX__TEXT(ref))) < 0)
		return err;
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
