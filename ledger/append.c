/*
 * ledger/append.c - appending own entries: the payload built by position,
 * signed, stored with its tree hashes (and passed to the index hooks, in the
 * same transaction); and key rotation, the entry that hands the signing role
 * to a new key.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/store.h"
#include "ledger/indexer.h"
#include "ledger/entry.h"
#include "sdx/dsse.h"

void sdx__keyid_string(char out[SDX_KEYID_MAX], const sdx_verifier *v)
{
	snprintf(out, SDX_KEYID_MAX, "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
}

static int valid_type(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SDX_TYPE_MAX)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

static int emit_node(void *ctx, unsigned level, uint64_t index, const unsigned char hash[32])
{
	sdx_ledger *l = ctx;
	int err = sdx__db_run(l, &l->st_node_insert, "storing tree hash",
			      "INSERT INTO nodes(level, idx, hash) VALUES(?, ?, ?)",
			      SDX__INT(level), SDX__INT(index), SDX__HASH(hash));

	return err < 0 ? err : 0;
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* The hashes sorted, each once, in a new array (NULL when n is 0). */
static int sorted_hashes(unsigned char (**out)[32], size_t *m,
			 const unsigned char (*h)[32], size_t n)
{
	size_t i, k = 0;

	*out = NULL;
	*m = 0;
	if (n == 0)
		return 0;
	if (n > SDX_DSSE_MAX_ENVELOPE / 67)
		return sdx_error_set(SDX_ELIMIT, "%zu attachments do not fit an entry", n);
	if (!(*out = malloc(n * 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(*out, h, n * 32);
	qsort(*out, n, 32, cmp_hash);
	for (i = 0; i < n; i++)
		if (k == 0 || memcmp((*out)[k - 1], (*out)[i], 32) != 0)
			memmove((*out)[k++], (*out)[i], 32);
	*m = k;
	return 0;
}

int sdx__build_payload(char **out, size_t *out_len, sdx_ledger *l, uint64_t seq,
		       const char *type, const char *body, size_t len,
		       const unsigned char (*atts)[32], size_t natts, const char *index,
		       size_t index_len, const char time[21])
{
	char prev_hex[65], head[64], *payload;
	size_t plen, cap, i;
	int n;

	/* {"attachments":[...],"body":BODY,"index":INDEX,"key":...,"version":4}:
	 * keys in sorted order, so that it is canonical JSON by construction */
	*out = NULL;
	sdx__hex(prev_hex, l->prev_payload, 32);
	cap = len + index_len + 67 * natts + strlen(l->keyid) + strlen(l->origin) + strlen(type) +
	      256;
	if (!(payload = malloc(cap)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	memcpy(payload, "{\"attachments\":[", 16);
	plen = 16;
	for (i = 0; i < natts; i++) {
		if (i)
			payload[plen++] = ',';
		payload[plen++] = '"';
		sdx__hex(payload + plen, atts[i], 32);
		plen += 64;
		payload[plen++] = '"';
	}
	memcpy(payload + plen, "],\"body\":", 9);
	plen += 9;
	memcpy(payload + plen, body, len);
	plen += len;
	memcpy(payload + plen, ",\"index\":", 9);
	plen += 9;
	memcpy(payload + plen, index, index_len);
	plen += index_len;
	snprintf(head, sizeof(head), "%" PRIu64, seq);
	n = snprintf(payload + plen, cap - plen,
		     ",\"key\":\"%s\",\"origin\":\"%s\",\"prev_payload\":\"%s\",\"seq\":%s,"
		     "\"time\":\"%s\",\"type\":\"%s\",\"version\":%d}",
		     l->keyid, l->origin, prev_hex, head, time, type,
		     sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE));
	if (n < 0 || (size_t)n >= cap - plen) {
		free(payload);
		return sdx_error_set(SDX_ELIMIT, "entry payload too large");
	}
	*out = payload;
	*out_len = plen + (size_t)n;
	sdx__sha256(l->prev_payload, payload, *out_len);
	return 0;
}

int sdx__sign_entry(char **env, size_t *env_len, unsigned char **data, size_t *data_len,
		    const char *keyid, const sdx_signer *key, const char *payload, size_t plen)
{
	unsigned char sig[64];
	int err;

	*env = NULL;
	*data = NULL;
	if ((err = sdx__dsse_sign_detached(sig, SDX_ENTRY_PAYLOAD_TYPE, payload, plen, key)) < 0 ||
	    (err = sdx__dsse_envelope(env, env_len, SDX_ENTRY_PAYLOAD_TYPE, payload, plen, keyid,
				      sig)) < 0)
		return err;
	if (*env_len > SDX_DSSE_MAX_ENVELOPE)
		err = sdx_error_set(SDX_ELIMIT, "entry of %zu bytes exceeds the limit of %d bytes "
				    "(move large content into attachments)", *env_len,
				    SDX_DSSE_MAX_ENVELOPE);
	else
		err = sdx__entry_pack(data, data_len, sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE),
				      keyid, sig, payload, plen);
	if (err < 0) {
		free(*env);
		*env = NULL;
	}
	return err;
}

int sdx__store_entry(sdx_ledger *l, const char *type, const char *time,
		     const unsigned char leaf[32], const char *env, size_t env_len,
		     const unsigned char *data, size_t data_len, const char *payload,
		     size_t plen)
{
	struct sdx__indexed_entry ie = { 1, l->origin, l->size, leaf, type, time,
					 (const unsigned char *)env, env_len, 0, payload, plen };
	int err;

	if ((err = sdx__db_run(l, &l->st_entry_insert, "storing entry",
			       "INSERT INTO entries(idx, leaf, type, time, data) VALUES(?, ?, ?, ?, ?)",
			       SDX__INT(l->size), SDX__HASH(leaf), SDX__TEXT(type), SDX__TEXT(time),
			       SDX__BLOB(data, data_len))) < 0)
		return err;
	if (sdx__indexers_active() && (err = sdx__indexers_entry(l, &ie)) < 0)
		return err;
	if ((err = sdx_merkle_builder_append(&l->tree, leaf, emit_node, l)) < 0)
		return err;
	memcpy(l->prev, leaf, 32);
	l->size++;
	return 0;
}

int sdx__append_raw(sdx_ledger *l, const sdx_signer *key, const char *type, const char *body,
		    size_t len, const unsigned char (*atts)[32], size_t natts, const char *index,
		    size_t index_len, sdx_entry_info *out)
{
	char time[21], *payload = NULL, *env = NULL, *derived = NULL;
	unsigned char prev_payload[32], *data = NULL;
	size_t plen = 0, env_len = 0, data_len = 0;
	unsigned char leaf[32];
	int hooks = sdx__indexers_active(), err = 0;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': append outside a transaction", l->path);
	if (memcmp(sdx_signer_public_key(key), sdx_verifier_public_key(l->key), 32) != 0)
		return sdx_error_set(SDX_EUNTRUSTED, "'%s': key '%s' is not this ledger's key",
				     l->path, sdx_signer_name(key));
	if ((err = sdx__stage_flush(l)) < 0)
		return err;
	if (!index && (err = sdx__indexers_keys(&derived, &index_len, type, body, len,
						      sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE))) < 0)
		return err;
	if (!index)
		index = derived;
	sdx__utc_now(time);
	memcpy(prev_payload, l->prev_payload, 32);
	if ((err = sdx__build_payload(&payload, &plen, l, l->size, type, body, len, atts, natts,
				      index, index_len, time)) < 0)
		goto done;
	if ((err = sdx__sign_entry(&env, &env_len, &data, &data_len, l->keyid, key, payload,
				   plen)) < 0)
		goto done;
	sdx_merkle_leaf_hash(leaf, env, env_len);
	if (hooks && (err = sdx__savepoint(l, SDX__SAVEPOINT_BEGIN)) < 0)
		goto done;
	err = sdx__store_entry(l, type, time, leaf, env, env_len, data, data_len, payload, plen);
	if (hooks)
		err = sdx__savepoint_end(l, err);
	if (err < 0)
		goto done;
	if (out) {
		out->index = l->size - 1;
		memcpy(out->leaf_hash, leaf, 32);
		memcpy(out->time, time, 21);
	}
done:
	if (err < 0)
		memcpy(l->prev_payload, prev_payload, 32); /* nothing was stored */
	free(derived);
	free(payload);
	free(env);
	free(data);
	return err;
}

static int check_type(const char *type)
{
	if (!valid_type(type))
		return sdx_error_set(SDX_EINVAL, "invalid record type '%.40s'", type);
	if (strcmp(type, "genesis") == 0 || strcmp(type, "key") == 0)
		return sdx_error_set(SDX_EINVAL, "record type '%s' is reserved", type);
	return 0;
}

int sdx__ledger_append_canonical(sdx_ledger *l, const sdx_signer *key, const char *type,
				 const char *body, size_t len, const unsigned char (*atts)[32],
				 size_t natts, const char *index, size_t index_len, int staged,
				 sdx_entry_info *out)
{
	unsigned char (*sorted)[32] = NULL;
	size_t n;
	int err;

	if ((err = check_type(type)) < 0 ||
	    (err = sorted_hashes(&sorted, &n, atts, natts)) < 0)
		return err;
	if (staged)
		err = sdx__append_stage(l, key, type, body, len, (const unsigned char (*)[32])sorted,
					n, index, index_len, out);
	else
		err = sdx__append_raw(l, key, type, body, len, (const unsigned char (*)[32])sorted,
				      n, index, index_len, out);
	free(sorted);
	return err;
}

int sdx__ledger_flush(sdx_ledger *l)
{
	return sdx__stage_flush(l);
}

int sdx_ledger_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *body, size_t len)
{
	return sdx_ledger_append_cited(out, l, key, type, body, len, NULL, 0);
}

int sdx_ledger_append_cited(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			    const char *type, const char *body, size_t len,
			    const unsigned char (*attachments)[32], size_t n_attachments)
{
	unsigned char (*sorted)[32] = NULL;
	json_t *j = NULL;
	char *canon = NULL, hex[65];
	size_t clen = 0, natts = 0, i;
	int err;

	if ((err = check_type(type)) < 0)
		return err;
	if ((err = sorted_hashes(&sorted, &natts, attachments, n_attachments)) < 0)
		return err;
	for (i = 0; i < natts; i++) {
		if ((err = sdx_ledger_has_attachment(l, sorted[i])) < 0)
			goto done;
		if (err == 0) {
			sdx__hex(hex, sorted[i], 32);
			err = sdx_error_set(SDX_ENOTFOUND, "'%s': attachment %s is not stored",
					    l->path, hex);
			goto done;
		}
	}
	/* The ledger signs exact bytes and never re-serialises later, so it
	 * accepts only bodies that are already canonical. */
	if ((err = sdx__json_parse(&j, body, len, 64, "entry body")) < 0)
		goto done;
	if (!json_is_object(j)) {
		err = sdx_error_set(SDX_EINVAL, "entry body is not a JSON object");
		goto done;
	}
	if ((err = sdx__json_dump(&canon, &clen, j)) < 0)
		goto done;
	if (clen != len || memcmp(canon, body, len) != 0) {
		err = sdx_error_set(SDX_EINVAL, "entry body is not canonical JSON "
				    "(normalise it with sdx_record_normalize)");
		goto done;
	}
	err = sdx__append_raw(l, key, type, body, len, (const unsigned char (*)[32])sorted, natts,
			      NULL, 0, out);
done:
	json_decref(j);
	free(canon);
	free(sorted);
	return err;
}

int sdx_ledger_rotate_key(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *old,
			  const sdx_signer *new_key, const char *reason)
{
	sdx_verifier *nv = NULL;
	sdx_entry_info info;
	json_t *j = NULL;
	char *vkey = NULL, *body = NULL, keyid[SDX_KEYID_MAX];
	size_t blen;
	int err;

	if (!l->in_tx)
		return sdx_error_set(SDX_EINVAL, "'%s': key rotation outside a transaction", l->path);
	if (strcmp(sdx_signer_name(new_key), l->origin) != 0)
		return sdx_error_set(SDX_EINVAL, "the new key is named '%s', not the ledger's origin "
				     "'%s'", sdx_signer_name(new_key), l->origin);
	if (!memcmp(sdx_signer_public_key(new_key), sdx_signer_public_key(old), 32))
		return sdx_error_set(SDX_EINVAL, "the new key is the old key");
	if ((err = sdx_signer_verifier(&nv, new_key)) < 0 ||
	    (err = sdx_verifier_format(&vkey, nv)) < 0)
		goto done;
	j = json_pack("{s:s, s:s}", "new_key", vkey, "reason", reason && *reason ? reason :
		      "key rotation");
	if (!j) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = sdx__json_dump(&body, &blen, j)) < 0)
		goto done;
	/* the old key signs the new one in: whoever trusts it can follow */
	if ((err = sdx__append_raw(l, old, "key", body, blen, NULL, 0, SDX__INDEX_EMPTY,
				   strlen(SDX__INDEX_EMPTY), &info)) < 0)
		goto done;
	sdx__keyid_string(keyid, nv);
	err = sdx__db_run(l, NULL, "storing the new key",
			  "INSERT INTO keys(pubkey, name, keyid, since) VALUES(?, ?, ?, ?)",
			  SDX__HASH(sdx_signer_public_key(new_key)), SDX__TEXT(l->origin),
			  SDX__INT(sdx_verifier_keyid(nv)), SDX__INT(info.index + 1));
	if (err == SDX_ECONFLICT) {
		err = sdx_error_set(SDX_EEXISTS, "that key signed this ledger before; use a new one");
		goto done;
	}
	if (err < 0)
		goto done;
	err = 0;
	sdx_verifier_free(l->key);
	l->key = nv;
	nv = NULL;
	snprintf(l->keyid, sizeof(l->keyid), "%s", keyid);
	if (out)
		*out = info;
done:
	sdx_verifier_free(nv);
	json_decref(j);
	free(vkey);
	free(body);
	return err;
}

int sdx_ledger_key_at(sdx_verifier **out, sdx_ledger *l, uint64_t index)
{
	struct sdx__stmt s;
	int err;

	*out = NULL;
	if ((err = sdx__stmt(&s, l, NULL, "reading ledger keys", "SELECT name, pubkey FROM keys "
			     "WHERE since <= ? ORDER BY since DESC LIMIT 1", SDX__INT(index))) < 0)
		return err;
	if (sdx__stmt_step(&s) != 1 || sqlite3_column_bytes(s.st, 1) != 32)
		err = sdx_error_set(SDX_EFORMAT, "'%s': no key for entry %" PRIu64, l->path, index);
	else
		err = sdx_verifier_new(out, (const char *)sqlite3_column_text(s.st, 0),
				       sqlite3_column_blob(s.st, 1));
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_foreach_key(sdx_ledger *l, sdx_key_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_verifier *v = NULL;
	int rc, err = 0;

	if ((err = sdx__stmt(&s, l, NULL, "reading ledger keys",
			     "SELECT name, pubkey, since FROM keys ORDER BY since")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if (sqlite3_column_bytes(s.st, 1) != 32) {
			err = sdx_error_set(SDX_EVERIFY, "'%s': a damaged ledger key", l->path);
			break;
		}
		if ((err = sdx_verifier_new(&v, (const char *)sqlite3_column_text(s.st, 0),
					    sqlite3_column_blob(s.st, 1))) < 0)
			break;
		err = cb(ctx, v, (uint64_t)sqlite3_column_int64(s.st, 2));
		sdx_verifier_free(v);
		v = NULL;
		if (err)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}
