/*
 * ledger/tokens.c - the bearer tokens of sdx serve (sdx/token.h): stored as
 * SHA-256 only, checked in constant time, revoked by deleting the row.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "ledger/store.h"
#include "sdx/token.h"

static const char *const scope_names[] = { "none", "read", "write", "admin" };

int sdx_scope_parse(sdx_scope *out, const char *name)
{
	int i;

	for (i = SDX_SCOPE_READ; i <= SDX_SCOPE_ADMIN; i++)
		if (name && strcmp(name, scope_names[i]) == 0) {
			*out = (sdx_scope)i;
			return 0;
		}
	return sdx_error_set(SDX_EINVAL, "unknown scope '%s'; use read, write or admin",
			     name ? name : "");
}

const char *sdx_scope_name(sdx_scope scope)
{
	return scope >= SDX_SCOPE_NONE && scope <= SDX_SCOPE_ADMIN ? scope_names[scope] : "none";
}

static int name_ok(const char *name)
{
	size_t n = strlen(name), i;

	if (n == 0 || n > SDX_TOKEN_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x21 || (unsigned char)name[i] > 0x7e)
			return 0;
	return 1;
}

/* The token table exists from ledger format 11; an older file read as it is has none. */
static int has_table(sdx_ledger *l)
{
	if (l->format >= 11)
		return 0;
	return sdx_error_set(SDX_ENOTFOUND, "'%s' holds no tokens (ledger format %d; open it "
			     "for writing once to upgrade it)", l->path, l->format);
}

int sdx_token_add(char out[SDX_TOKEN_LEN + 1], sdx_token_info *info, sdx_ledger *l,
		  sdx_scope scope, const char *name)
{
	unsigned char secret[32], hash[32], id[SDX_TOKEN_ID_LEN / 2];
	sdx_token_info t;
	int err;

	out[0] = '\0';
	if ((err = has_table(l)) < 0)
		return err;
	if (scope < SDX_SCOPE_READ || scope > SDX_SCOPE_ADMIN)
		return sdx_error_set(SDX_EINVAL, "a token needs a scope: read, write or admin");
	if (name && !name_ok(name))
		return sdx_error_set(SDX_EINVAL, "token name '%s': 1 to %d printable characters, "
				     "no spaces", name, SDX_TOKEN_NAME_MAX);
	memset(&t, 0, sizeof(t));
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(t.id, sizeof(t.id), id, sizeof(id));
	snprintf(t.name, sizeof(t.name), "%s", name ? name : t.id);
	t.scope = scope;
	sdx__utc_now(t.created);
	randombytes_buf(secret, sizeof(secret));
	memcpy(out, "sdx_", 4);
	sodium_bin2base64(out + 4, SDX_TOKEN_LEN + 1 - 4, secret, sizeof(secret),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(secret, sizeof(secret));
	crypto_hash_sha256(hash, (const unsigned char *)out, strlen(out));
	err = sdx__db_run(l, NULL, "storing a token", "INSERT INTO api_tokens(id, hash, name, "
			  "scope, created) VALUES(?, ?, ?, ?, ?)", SDX__TEXT(t.id), SDX__HASH(hash),
			  SDX__TEXT(t.name), SDX__TEXT(sdx_scope_name(scope)), SDX__TEXT(t.created));
	if (err == SDX_ECONFLICT)
		err = sdx_error_set(SDX_EEXISTS, "a token named '%s' exists already", t.name);
	if (err < 0) {
		sodium_memzero(out, SDX_TOKEN_LEN + 1);
		return err;
	}
	if (info)
		*info = t;
	return 0;
}

/* Row (id, name, scope, created, ...) into *t. */
static int row_info(sdx_ledger *l, sqlite3_stmt *st, sdx_token_info *t)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);
	const char *created = (const char *)sqlite3_column_text(st, 3);

	memset(t, 0, sizeof(*t));
	if (!id || !name || !created ||
	    sdx_scope_parse(&t->scope, (const char *)sqlite3_column_text(st, 2)) < 0)
		return sdx_error_set(SDX_EFORMAT, "'%s': damaged row in api_tokens", l->path);
	snprintf(t->id, sizeof(t->id), "%s", id);
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->created, sizeof(t->created), "%s", created);
	return 0;
}

int sdx_token_foreach(sdx_ledger *l, sdx_token_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_token_info t;
	int rc, err;

	if ((err = has_table(l)) < 0)
		return err;
	if ((err = sdx__stmt(&s, l, NULL, "reading tokens", "SELECT id, name, scope, created "
			     "FROM api_tokens ORDER BY created, rowid")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1)
		if ((err = row_info(l, s.st, &t)) != 0 || (err = cb(ctx, &t)) != 0)
			break;
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx_token_revoke(sdx_ledger *l, const char *ref)
{
	int err;

	if ((err = has_table(l)) < 0)
		return err;
	if ((err = sdx__db_run(l, NULL, "revoking a token", "DELETE FROM api_tokens WHERE id = ? "
			       "OR name = ?", SDX__TEXT(ref), SDX__TEXT(ref))) < 0)
		return err;
	if (sqlite3_changes(l->db) == 0)
		return sdx_error_set(SDX_ENOTFOUND, "no token '%s' in '%s' (sdx serve token list)",
				     ref, l->path);
	return 0;
}

int sdx_token_check(sdx_token_info *out, sdx_ledger *l, const char *token)
{
	unsigned char hash[32];
	struct sdx__stmt s;
	sdx_token_info t;
	int rc, err, found = 0;

	memset(out, 0, sizeof(*out));
	if ((err = has_table(l)) < 0)
		return err;
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	if ((err = sdx__stmt(&s, l, NULL, "reading tokens", "SELECT id, name, scope, created, "
			     "hash FROM api_tokens")) < 0)
		return err;
	/* every row is compared, a match or not, each in constant time */
	while ((rc = sdx__stmt_step(&s)) == 1) {
		int same = sqlite3_column_bytes(s.st, 4) == 32 &&
			   sodium_memcmp(sqlite3_column_blob(s.st, 4), hash, 32) == 0;
		if ((err = row_info(l, s.st, &t)) < 0)
			break;
		if (same) {
			*out = t;
			found = 1;
		}
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	sodium_memzero(hash, sizeof(hash));
	if (err < 0)
		return err;
	return found ? 0 : sdx_error_set(SDX_ENOTFOUND, "the bearer token is not one of this "
					 "ledger's (revoked, or never added)");
}
