/*
 * ledger/checkpoint.c - the ledger's own signed checkpoints: signing one
 * for the tree as it stands (never one that does not extend the last), and
 * reading them back.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"

int sdx__checkpoint_rows(struct sdx__stmt *s, sdx_checkpoint_cb cb, void *ctx)
{
	int rc, err = 0;

	while ((rc = sdx__stmt_step(s)) == 1) {
		if (sqlite3_column_bytes(s->st, 1) != 32)
			return sdx_error_set(SDX_EVERIFY, "'%s': damaged checkpoint row", s->l->path);
		if ((err = cb(ctx, (uint64_t)sqlite3_column_int64(s->st, 0),
			      sqlite3_column_blob(s->st, 1), sqlite3_column_blob(s->st, 2),
			      (size_t)sqlite3_column_bytes(s->st, 2))) != 0)
			return err;
	}
	return rc;
}

int sdx_ledger_foreach_checkpoint(sdx_ledger *l, sdx_checkpoint_cb cb, void *ctx)
{
	struct sdx__stmt s;
	int err;

	if ((err = sdx__stmt(&s, l, NULL, "reading checkpoints",
			     "SELECT size, root, note FROM checkpoints ORDER BY size DESC")) < 0)
		return err;
	err = sdx__checkpoint_rows(&s, cb, ctx);
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_get_checkpoint(char **out, size_t *out_len, sdx_checkpoint *parsed, sdx_ledger *l,
			      uint64_t min_size)
{
	const char *sql = min_size == 0
		? "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size DESC LIMIT 1"
		: "SELECT size, note FROM checkpoints WHERE size >= ? ORDER BY size ASC LIMIT 1";
	struct sdx__stmt s;
	int err;

	if (out)
		*out = NULL;
	if ((err = sdx__stmt(&s, l, NULL, "reading checkpoints", sql, SDX__INT(min_size))) < 0)
		return err;
	if ((err = sdx__stmt_step(&s)) == 0) {
		err = sdx_error_set(SDX_ENOTFOUND, "'%s': no signed checkpoint covers size %" PRIu64
				    "; run 'sdx checkpoint'", l->path, min_size);
		goto done;
	}
	if (err < 0)
		goto done;
	err = 0;
	if (parsed && (err = sdx_checkpoint_parse(parsed, sqlite3_column_blob(s.st, 1),
						  (size_t)sqlite3_column_bytes(s.st, 1))) < 0)
		goto done;
	if (out)
		err = sdx__column_dup(s.st, 1, out, out_len);
done:
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_checkpoint(char **out, size_t *out_len, sdx_ledger *l, const sdx_signer *key)
{
	unsigned char root[32], old_root[32];
	sdx_checkpoint last;
	char *text = NULL, *note = NULL;
	size_t tlen, nlen;
	int own_tx = 0, have_last, err;

	if (!l->in_tx) {
		if ((err = sdx_ledger_begin(l)) < 0)
			return err;
		own_tx = 1;
	}
	if ((err = sdx__stage_flush(l)) < 0)
		goto done;
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(l->key), 32) != 0) {
		err = sdx_error_set(SDX_EUNTRUSTED, "'%s': key '%s' is not this ledger's key",
				    l->path, sdx_signer_name(key));
		goto done;
	}
	err = sdx_ledger_get_checkpoint(NULL, NULL, &last, l, 0);
	if (err < 0 && err != SDX_ENOTFOUND)
		goto done;
	have_last = err == 0;
	err = 0;
	if (have_last && last.size == l->size)
		goto done; /* nothing new to sign */
	if (have_last && last.size > l->size) {
		err = sdx_error_set(SDX_ECONFLICT, "'%s': checkpoint of size %" PRIu64 " is larger "
				    "than the ledger (%" PRIu64 "): refusing to sign", l->path,
				    last.size, l->size);
		goto done;
	}
	/* Never sign a tree that does not extend what was signed before. */
	if (have_last) {
		if ((err = sdx_ledger_root(old_root, l, last.size)) < 0)
			goto done;
		if (memcmp(old_root, last.root, 32) != 0) {
			err = sdx_error_set(SDX_ECONFLICT, "'%s': the tree no longer matches checkpoint "
					    "%" PRIu64 ": refusing to sign", l->path, last.size);
			goto done;
		}
	}
	sdx_merkle_builder_root(root, &l->tree);
	if ((err = sdx_checkpoint_format(&text, &tlen, l->origin, l->size, root)) < 0 ||
	    (err = sdx_note_sign(&note, &nlen, text, tlen, key)) < 0)
		goto done;
	if ((err = sdx__db_run(l, NULL, "storing checkpoint",
			       "INSERT INTO checkpoints(size, root, note) VALUES(?, ?, ?)",
			       SDX__INT(l->size), SDX__HASH(root), SDX__BLOB(note, nlen))) > 0)
		err = 0;
done:
	free(text);
	free(note);
	if (own_tx) {
		if (err < 0)
			sdx_ledger_rollback(l);
		else
			err = sdx_ledger_commit(l);
	}
	if (err < 0)
		return err;
	return out ? sdx_ledger_get_checkpoint(out, out_len, NULL, l, 0) : 0;
}
