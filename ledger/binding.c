/*
 * ledger/binding.c - the party each trusted key speaks for, and the ledger's
 * own party (sdx/trust.h): the bindings tables of schema version 8.  Local
 * policy, like the trusted keys.  What a party may hold is checked in
 * formats/ (sdx_party_check(), by a schema); this file stores and reads.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ledger/store.h"

#define BINDINGS_FORMAT 8 /* the schema version that added the tables */

int sdx_party_id_parse(sdx_party_id *out, const char *text)
{
	const char *colon = text ? strchr(text, ':') : NULL;
	size_t ns = colon ? (size_t)(colon - text) : 0, ni = colon ? strlen(colon + 1) : 0;

	memset(out, 0, sizeof(*out));
	if (!colon || ns == 0 || ni == 0 || ns >= sizeof(out->scheme) || ni >= sizeof(out->id))
		return sdx_error_set(SDX_EINVAL, "identifier '%.60s': expected SCHEME:ID, e.g. "
				     "USCI:91330206MA2H7K5Q3E or GLN:6901234500011",
				     text ? text : "");
	memcpy(out->scheme, text, ns);
	memcpy(out->id, colon + 1, ni);
	return 0;
}

/* Is the key a trusted one?  1, 0, or the error. */
static int is_trusted(sdx_ledger *l, const unsigned char pubkey[32])
{
	return sdx__db_run(l, NULL, "reading trusted keys", "SELECT 1 FROM trusted_keys WHERE "
			   "pubkey = ?", SDX__HASH(pubkey));
}

static int put_rows(sdx_ledger *l, const unsigned char *key, size_t keylen, const sdx_party *p)
{
	char time[21];
	size_t i;
	int err;

	sdx__utc_now(time);
	if ((err = sdx__db_run(l, NULL, "removing a binding", "DELETE FROM bindings WHERE "
			       "pubkey = ?", SDX__BLOB(key, keylen))) < 0 ||
	    (err = sdx__db_run(l, NULL, "storing a binding", "INSERT INTO bindings(pubkey, name, "
			       "country, bound) VALUES(?, ?, ?, ?)", SDX__BLOB(key, keylen),
			       SDX__TEXT(p->name), SDX__TEXT(p->country), SDX__TEXT(time))) < 0)
		return err;
	for (i = 0; i < p->nids; i++)
		if ((err = sdx__db_run(l, NULL, "storing a binding", "INSERT INTO binding_ids(pubkey, "
				       "n, scheme, id) VALUES(?, ?, ?, ?)", SDX__BLOB(key, keylen),
				       SDX__INT(i), SDX__TEXT(p->ids[i].scheme),
				       SDX__TEXT(p->ids[i].id))) < 0)
			return err;
	for (i = 0; i < p->nroles; i++)
		if ((err = sdx__db_run(l, NULL, "storing a binding", "INSERT INTO binding_roles("
				       "pubkey, n, role) VALUES(?, ?, ?)", SDX__BLOB(key, keylen),
				       SDX__INT(i), SDX__TEXT(p->roles[i]))) < 0)
			return err;
	return 0;
}

int sdx__binding_put(sdx_ledger *l, const sdx_verifier *v, const sdx_party *p)
{
	const unsigned char *key = v ? sdx_verifier_public_key(v) : NULL;
	int own_tx = !l->in_tx, err, rc;

	if (l->flags & SDX_OPEN_READONLY)
		return sdx_error_set(SDX_EINVAL, "'%s': opened read-only", l->path);
	if (p->nids > SDX_PARTY_IDS_MAX || p->nroles > SDX_PARTY_ROLES_MAX)
		return sdx_error_set(SDX_EINVAL, "party '%.60s': more than %d identifiers or %d roles",
				     p->name, SDX_PARTY_IDS_MAX, SDX_PARTY_ROLES_MAX);
	/* the trust check and the rows in one transaction: a key removed meanwhile
	 * leaves no binding behind */
	if (own_tx && (err = sdx_ledger_begin(l)) < 0)
		return err;
	if (key && (rc = is_trusted(l, key)) <= 0)
		err = rc < 0 ? rc : sdx_error_set(SDX_ENOTFOUND, "key %s+%08" PRIx32 " is not "
						  "trusted; 'sdx trust add' it first",
						  sdx_verifier_name(v), sdx_verifier_keyid(v));
	else
		err = put_rows(l, key ? key : (const unsigned char *)"", key ? 32 : 0, p);
	if (own_tx && (err < 0 || (err = sdx_ledger_commit(l)) < 0))
		sdx_ledger_rollback(l);
	return err < 0 ? err : 0;
}

static int get_rows(sdx_party *out, sdx_ledger *l, const unsigned char *key, size_t keylen)
{
	struct sdx__stmt s;
	int rc, bad = 0, found = 0, err;

	if ((err = sdx__stmt(&s, l, NULL, "reading a binding", "SELECT name, country FROM "
			     "bindings WHERE pubkey = ?", SDX__BLOB(key, keylen))) < 0)
		return err;
	if ((rc = sdx__stmt_step(&s)) == 1) {
		found = 1;
		bad = sdx__column_text(out->name, sizeof(out->name), s.st, 0) < 0 ||
		      sdx__column_text(out->country, sizeof(out->country), s.st, 1) < 0;
	}
	sdx__stmt_end(&s);
	if (rc < 0 || !found || bad)
		goto done;
	if ((err = sdx__stmt(&s, l, NULL, "reading a binding", "SELECT scheme, id FROM binding_ids "
			     "WHERE pubkey = ? ORDER BY n", SDX__BLOB(key, keylen))) < 0)
		return err;
	while (!bad && (rc = sdx__stmt_step(&s)) == 1)
		bad = out->nids == SDX_PARTY_IDS_MAX ||
		      sdx__column_text(out->ids[out->nids].scheme, sizeof(out->ids[0].scheme), s.st, 0) < 0 ||
		      sdx__column_text(out->ids[out->nids++].id, sizeof(out->ids[0].id), s.st, 1) < 0;
	sdx__stmt_end(&s);
	if (rc < 0 || bad)
		goto done;
	if ((err = sdx__stmt(&s, l, NULL, "reading a binding", "SELECT role FROM binding_roles "
			     "WHERE pubkey = ? ORDER BY n", SDX__BLOB(key, keylen))) < 0)
		return err;
	while (!bad && (rc = sdx__stmt_step(&s)) == 1)
		bad = out->nroles == SDX_PARTY_ROLES_MAX ||
		      sdx__column_text(out->roles[out->nroles++], sizeof(out->roles[0]), s.st, 0) < 0;
	sdx__stmt_end(&s);
done:
	if (rc < 0)
		return rc;
	if (bad)
		return sdx_error_set(SDX_EFORMAT, "'%s': damaged row in bindings", l->path);
	return found;
}

static int binding(sdx_party *out, sdx_ledger *l, const unsigned char *key, size_t keylen)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (l->format < BINDINGS_FORMAT) /* an older file, read as it is: nothing is bound */
		return 0;
	if ((rc = get_rows(out, l, key, keylen)) != 1)
		memset(out, 0, sizeof(*out));
	return rc;
}

int sdx_ledger_trust_binding(sdx_party *out, sdx_ledger *l, const unsigned char pubkey[32])
{
	return binding(out, l, pubkey, 32);
}

int sdx_ledger_party(sdx_party *out, sdx_ledger *l)
{
	return binding(out, l, (const unsigned char *)"", 0);
}
