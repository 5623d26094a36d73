/*
 * ledger/introduced.c - the trust policy for key introductions and the keys
 * trusted through one (ledger/introduced.h, sdx/introduction.h): the tables
 * intro_policy and introduced_keys of schema version 9.  Local policy like
 * the trusted keys.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/introduced.h"
#include "ledger/store.h"
#include "sdx/ledger.h"

static void roles_text(char *out, size_t cap, const char (*roles)[33], size_t n)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", roles[i]);
}

int sdx__intro_policy_put(sdx_ledger *l, const sdx_intro_rule *r)
{
	char time[21], roles[SDX_PARTY_ROLES_MAX * 34];
	int err;

	if (l->format < SDX__INTRO_FORMAT)
		return sdx_error_set(SDX_EINVAL, "'%s': opened read-only", l->path);
	if (!r)
		err = sdx__db_run(l, NULL, "removing the trust policy", "DELETE FROM intro_policy");
	else if ((err = sdx__db_run(l, NULL, "storing the trust policy", "DELETE FROM intro_policy "
				    "WHERE from_party = ?", SDX__TEXT(r->from))) >= 0) {
		sdx__utc_now(time);
		roles_text(roles, sizeof(roles), r->roles, r->nroles);
		err = sdx__db_run(l, NULL, "storing the trust policy", "INSERT INTO intro_policy("
				  "from_party, roles, depth, added) VALUES(?, ?, ?, ?)",
				  SDX__TEXT(r->from), SDX__TEXT(roles), SDX__INT(r->depth),
				  SDX__TEXT(time));
	}
	return err < 0 ? err : 0;
}

/* "a,b" into roles[]; -1 if it holds more than fit. */
static int roles_parse(char (*roles)[33], size_t *n, const char *text)
{
	const char *p = text;

	*n = 0;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (*n == SDX_PARTY_ROLES_MAX || len == 0 || len >= 33)
			return -1;
		memcpy(roles[*n], p, len);
		roles[(*n)++][len] = '\0';
		p += len + (p[len] == ',');
	}
	return 0;
}

int sdx_ledger_foreach_intro_rule(sdx_ledger *l, sdx_intro_rule_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_intro_rule r;
	int rc, err = 0;

	if (l->format < SDX__INTRO_FORMAT) /* an older file, read as it is: the default policy */
		return 0;
	if ((err = sdx__stmt(&s, l, NULL, "reading the trust policy", "SELECT from_party, roles, "
			     "depth, added FROM intro_policy ORDER BY from_party")) < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		memset(&r, 0, sizeof(r));
		if (sdx__column_text(r.from, sizeof(r.from), s.st, 0) < 0 ||
		    roles_parse(r.roles, &r.nroles, (const char *)sqlite3_column_text(s.st, 1)) < 0 ||
		    sdx__column_text(r.added, sizeof(r.added), s.st, 3) < 0) {
			err = sdx_error_set(SDX_EFORMAT, "'%s': damaged row in intro_policy", l->path);
			break;
		}
		r.depth = sqlite3_column_int(s.st, 2);
		if ((err = cb(ctx, &r)) != 0)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx__introduced_put(sdx_ledger *l, const sdx_introduced *i)
{
	char time[21];
	int err;

	sdx__utc_now(time);
	err = sdx__db_run(l, NULL, "storing an introduction", "INSERT OR REPLACE INTO "
			  "introduced_keys(pubkey, key, party, introducer, introducer_key, "
			  "introducer_party, origin, idx, leaf, checked, method, roles, held, accepted) "
			  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", SDX__HASH(i->pubkey),
			  SDX__TEXT(i->key), SDX__TEXT(i->party), SDX__HASH(i->introducer),
			  SDX__TEXT(i->introducer_key), SDX__TEXT(i->introducer_party),
			  SDX__TEXT(i->origin), SDX__INT(i->index), SDX__HASH(i->leaf),
			  SDX__TEXT(i->checked), SDX__TEXT(i->method), SDX__TEXT(i->roles),
			  SDX__TEXT(i->held), SDX__TEXT(time));
	return err < 0 ? err : 0;
}

static int read_row(sdx_introduced *out, sqlite3_stmt *st)
{
	memset(out, 0, sizeof(*out));
	if (sqlite3_column_bytes(st, 0) != 32 || sqlite3_column_bytes(st, 1) != 32 ||
	    sqlite3_column_bytes(st, 6) != 32)
		return -1;
	memcpy(out->pubkey, sqlite3_column_blob(st, 0), 32);
	memcpy(out->introducer, sqlite3_column_blob(st, 1), 32);
	memcpy(out->leaf, sqlite3_column_blob(st, 6), 32);
	out->index = (uint64_t)sqlite3_column_int64(st, 5);
	return sdx__column_text(out->introducer_key, sizeof(out->introducer_key), st, 2) < 0 ||
	       sdx__column_text(out->introducer_party, sizeof(out->introducer_party), st, 3) < 0 ||
	       sdx__column_text(out->origin, sizeof(out->origin), st, 4) < 0 ||
	       sdx__column_text(out->checked, sizeof(out->checked), st, 7) < 0 ||
	       sdx__column_text(out->method, sizeof(out->method), st, 8) < 0 ||
	       sdx__column_text(out->roles, sizeof(out->roles), st, 9) < 0 ||
	       sdx__column_text(out->held, sizeof(out->held), st, 10) < 0 ||
	       sdx__column_text(out->accepted, sizeof(out->accepted), st, 11) < 0 ||
	       sdx__column_text(out->key, sizeof(out->key), st, 12) < 0 ||
	       sdx__column_text(out->party, sizeof(out->party), st, 13) < 0 ? -1 : 0;
}

int sdx_ledger_foreach_introduced(sdx_ledger *l, const unsigned char *pubkey,
				  sdx_introduced_cb cb, void *ctx)
{
	struct sdx__stmt s;
	sdx_introduced row;
	int rc, err = 0;

	if (l->format < SDX__INTRO_FORMAT)
		return 0;
#define COLUMNS "SELECT pubkey, introducer, introducer_key, introducer_party, origin, idx, " \
	"leaf, checked, method, roles, held, accepted, key, party FROM introduced_keys "
	if (pubkey)
		err = sdx__stmt(&s, l, NULL, "reading introductions", COLUMNS "WHERE pubkey = ? "
				"ORDER BY accepted", SDX__HASH(pubkey));
	else
		err = sdx__stmt(&s, l, NULL, "reading introductions", COLUMNS "ORDER BY pubkey, "
				"accepted");
#undef COLUMNS
	if (err < 0)
		return err;
	while ((rc = sdx__stmt_step(&s)) == 1) {
		if (read_row(&row, s.st) < 0) {
			err = sdx_error_set(SDX_EFORMAT, "'%s': damaged row in introduced_keys",
					    l->path);
			break;
		}
		if ((err = cb(ctx, &row)) != 0)
			break;
	}
	if (!err && rc < 0)
		err = rc;
	sdx__stmt_end(&s);
	return err;
}

int sdx_ledger_key_introduced(sdx_ledger *l, const unsigned char pubkey[32])
{
	if (l->format < SDX__INTRO_FORMAT)
		return 0;
	return sdx__db_run(l, NULL, "reading introductions", "SELECT 1 FROM introduced_keys "
			   "WHERE pubkey = ?", SDX__HASH(pubkey));
}

int sdx__introduced_forget(sdx_ledger *l, const unsigned char pubkey[32], const char *label)
{
	int rc;

	if ((rc = sdx_ledger_key_introduced(l, pubkey)) <= 0)
		return rc;
	if ((rc = sdx__db_run(l, NULL, "trusting a key", "DELETE FROM introduced_keys WHERE "
			      "pubkey = ?", SDX__HASH(pubkey))) < 0 ||
	    (rc = sdx__db_run(l, NULL, "trusting a key", "UPDATE trusted_keys SET label = ? "
			      "WHERE pubkey = ?", SDX__TEXT(label), SDX__HASH(pubkey))) < 0)
		return rc;
	return 1;
}

int sdx__introduced_revoke(sdx_ledger *l, const unsigned char pubkey[32], const char *revoked)
{
	int err;

	if (l->format < SDX__INTRO_FORMAT)
		return 0;
	/* the keys left with no introduction that counts are trusted no more (their
	 * rows go with them: trigger trusted_unintroduce); then the rows that no
	 * longer count of keys that keep another */
	if ((err = sdx__db_run(l, NULL, "removing introduced keys", "DELETE FROM trusted_keys "
			       "WHERE pubkey IN (SELECT pubkey FROM introduced_keys WHERE "
			       "introducer = ?1 AND held >= ?2) AND pubkey NOT IN (SELECT pubkey "
			       "FROM introduced_keys WHERE introducer != ?1 OR held < ?2)",
			       SDX__HASH(pubkey), SDX__TEXT(revoked))) < 0 ||
	    (err = sdx__db_run(l, NULL, "removing introductions", "DELETE FROM introduced_keys "
			       "WHERE introducer = ?1 AND held >= ?2", SDX__HASH(pubkey),
			       SDX__TEXT(revoked))) < 0)
		return err;
	return 0;
}

/*
 * Column 0 of every row of the statement started in *s, as integers, into a
 * malloc'd *out (*n of them); the statement is ended.  0 or the error.
 */
static int collect_ints(uint64_t **out, size_t *n, struct sdx__stmt *s)
{
	uint64_t *grown;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	while ((rc = sdx__stmt_step(s)) == 1) {
		if (*n == cap) {
			if (!(grown = realloc(*out, (cap ? 2 * cap : 16) * sizeof(*grown)))) {
				rc = sdx_error_set(SDX_ENOMEM, "out of memory");
				break;
			}
			*out = grown;
			cap = cap ? 2 * cap : 16;
		}
		(*out)[(*n)++] = (uint64_t)sqlite3_column_int64(s->st, 0);
	}
	sdx__stmt_end(s);
	return rc < 0 ? rc : 0;
}

struct held {
	const char *origin;
	uint64_t index;
	char *time;
	int found;
};

/* Does the receipt list a checkpoint of the origin covering the index? */
static int receipt_covers(const char *payload, size_t len, const struct held *h)
{
	json_t *p = NULL, *led;
	size_t i;
	int yes = 0;

	if (sdx__json_parse(&p, payload, len, 64, "an import receipt") < 0) {
		sdx_error_clear();
		return 0;
	}
	json_array_foreach(json_object_get(json_object_get(p, "body"), "ledgers"), i, led)
		yes |= json_is_string(json_object_get(led, "origin")) &&
		       strcmp(json_string_value(json_object_get(led, "origin")), h->origin) == 0 &&
		       json_integer_value(json_object_get(led, "tree_size")) > (json_int_t)h->index;
	json_decref(p);
	return yes;
}

int sdx__intro_held(char out[21], sdx_ledger *l, const char *origin, uint64_t index)
{
	struct held h = { origin, index, out, 0 };
	struct sdx__stmt s;
	uint64_t *receipts = NULL;
	size_t n = 0, i;
	int rc, err;

	/* a checkpoint of the origin covering it was held at all? */
	if ((rc = sdx__db_run(l, NULL, "reading imported checkpoints", "SELECT 1 FROM "
			      "foreign_checkpoints WHERE origin = ? AND size > ?", SDX__TEXT(origin),
			      SDX__INT(index))) <= 0)
		return rc;
	if ((err = sdx__stmt(&s, l, NULL, "reading imports", "SELECT receipt FROM imports ORDER BY "
			     "receipt")) < 0)
		return err;
	rc = collect_ints(&receipts, &n, &s);
	for (i = 0; rc >= 0 && i < n && !h.found; i++) {
		sdx_entry *e = NULL;
		char *payload = NULL;
		size_t plen;
		if ((rc = sdx_ledger_entry(&e, l, receipts[i])) >= 0 &&
		    (rc = sdx_entry_payload(&payload, &plen, e)) >= 0 && receipt_covers(payload, plen, &h)) {
			h.found = 1;
			snprintf(out, 21, "%s", e->time);
		}
		free(payload);
		sdx_entry_free(e);
	}
	free(receipts);
	return rc < 0 ? rc : h.found;
}

int sdx__own_introduction_put(sdx_ledger *l, uint64_t index, const char *key_name)
{
	int err = sdx__db_run(l, NULL, "storing an introduction", "INSERT INTO own_introductions("
			      "idx, key_name) VALUES(?, ?)", SDX__INT(index), SDX__TEXT(key_name));

	return err < 0 ? err : 0;
}

int sdx__own_introductions(sdx_ledger *l, const char *key_name,
			   int (*cb)(void *ctx, uint64_t index), void *ctx)
{
	struct sdx__stmt s;
	uint64_t *idx = NULL;
	size_t n = 0, i;
	int rc, err = 0;

	if (l->format < SDX__INTRO_FORMAT)
		return 0;
	/* the indexes first: cb reads entries, on this connection */
	if ((err = sdx__stmt(&s, l, NULL, "reading introductions", "SELECT idx FROM "
			     "own_introductions WHERE key_name = ? ORDER BY idx",
			     SDX__TEXT(key_name))) < 0)
		return err;
	rc = collect_ints(&idx, &n, &s);
	for (i = 0; rc >= 0 && i < n && !err; i++)
		err = cb(ctx, idx[i]);
	free(idx);
	return rc < 0 ? rc : err;
}
