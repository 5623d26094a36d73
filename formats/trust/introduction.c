/*
 * formats/trust/introduction.c - key introductions (formats/trust.md,
 * "Introductions"): writing one for a key this ledger trusts and has bound,
 * reading one from an entry, the trust policy's rules and what they accept.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/dsse.h"
#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/trust/introduction.h"
#include "formats/trust/party.h"
#include "ledger/internal.h"
#include "ledger/introduced.h"
#include "formats/text/text.h"

/* ---- the record ----------------------------------------------------------------------- */

static json_t *party_json(const sdx_party *p)
{
	json_t *j = json_pack("{s:s}", "name", p->name), *ids = json_array();
	size_t i;

	for (i = 0; i < p->nids; i++)
		json_array_append_new(ids, json_pack("{s:s, s:s}", "scheme", p->ids[i].scheme,
						     "id", p->ids[i].id));
	if (p->nids)
		json_object_set_new(j, "identifiers", ids);
	else
		json_decref(ids);
	if (p->country[0])
		json_object_set_new(j, "country", json_string(p->country));
	return j;
}

static int is_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	(void)label;
	(void)added;
	return memcmp(sdx_verifier_public_key(v), ctx, 32) == 0;
}

/* The binding of the key introduced: 0, or why it cannot be introduced. */
static int introducible(sdx_party *b, sdx_ledger *l, const sdx_verifier *v, const sdx_party *p)
{
	const unsigned char *pk = sdx_verifier_public_key(v);
	char kt[SDX_NAME_MAX + 16], bt[SDX_PARTY_NAME_MAX + 400];
	size_t i;
	int rc;

	sdx__text_put(kt, sizeof(kt), "%s+%08" PRIx32, sdx_verifier_name(v), sdx_verifier_keyid(v));
	if ((rc = sdx_ledger_foreach_trusted(l, is_trusted, (void *)pk)) < 0)
		return rc;
	if (rc == 0)
		return sdx_error_set(SDX_ENOTFOUND, "key %s is not trusted: introduce only a key "
				     "you trust, after comparing its fingerprint with its party "
				     "('sdx trust add')", kt);
	if ((rc = sdx_ledger_key_introduced(l, pk)) != 0)
		return rc < 0 ? rc : sdx_error_set(SDX_EINVAL, "key %s is trusted only through an "
						   "introduction: introduce only keys whose "
						   "fingerprint you compared yourself", kt);
	if ((rc = sdx_ledger_trust_binding(b, l, pk)) <= 0)
		return rc < 0 ? rc : sdx_error_set(SDX_ENOTFOUND, "key %s is bound to no party: "
						   "'sdx trust bind' it to the party it speaks "
						   "for first", kt);
	sdx__party_text(bt, sizeof(bt), b);
	if (!sdx__party_same(p, b))
		return sdx_error_set(SDX_EINVAL, "key %s is bound to %s, not to %s", kt, bt, p->name);
	for (i = 0; i < p->nroles; i++)
		if (!sdx__party_has_role(b, p->roles[i]))
			return sdx_error_set(SDX_EINVAL, "key %s is bound to %s for other roles than "
					     "%s; introduce it for the roles it is bound for", kt,
					     bt, p->roles[i]);
	return 0;
}

/* The latest own introduction of v: its index. */
struct latest {
	sdx_ledger *l;
	const sdx_verifier *v;
	uint64_t index;
	int found;
};

static int is_of_key(void *ctx, uint64_t index)
{
	struct latest *la = ctx;
	struct sdx__intro in;
	int rc;

	if ((rc = sdx__intro_at(&in, NULL, la->l, index)) == 1 &&
	    memcmp(sdx_verifier_public_key(in.key), sdx_verifier_public_key(la->v), 32) == 0) {
		la->index = index;
		la->found = 1;
	}
	sdx__intro_clear(&in);
	return rc < 0 ? rc : 0;
}

/* 1 and the leaf hash and body of the latest own introduction of v, 0 if none. */
static int latest_own(unsigned char leaf[32], struct sdx__intro *in, sdx_ledger *l,
		      const sdx_verifier *v)
{
	struct latest la = { l, v, 0, 0 };
	int err;

	memset(in, 0, sizeof(*in));
	if ((err = sdx__own_introductions(l, sdx_verifier_name(v), is_of_key, &la)) < 0 || !la.found)
		return err;
	return sdx__intro_at(in, leaf, l, la.index);
}

/* Append the body, supersede the latest own introduction of v (if any), index it. */
static int append_intro(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			const sdx_verifier *v, json_t *body, const unsigned char *supersedes)
{
	sdx_entry_info info;
	char *text = NULL, hex[65];
	size_t len;
	int err;

	if (supersedes) {
		sdx__hex(hex, supersedes, 32);
		json_object_set_new(body, "supersedes", json_string(hex));
	}
	if ((err = sdx__json_dump(&text, &len, body)) < 0 ||
	    (err = sdx_record_append(&info, l, key, "introduction", text, len, "introduction")) < 0 ||
	    (err = sdx__own_introduction_put(l, info.index, sdx_verifier_name(v))) < 0)
		goto done;
	if (out)
		*out = info;
done:
	free(text);
	return err;
}

int sdx_ledger_introduce(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			 const sdx_verifier *v, const sdx_intro_claim *c)
{
	struct sdx__intro old;
	sdx_party bound;
	json_t *body = NULL, *roles;
	unsigned char prev[32];
	char *vkey = NULL, today[21];
	size_t i;
	int err;

	if ((err = sdx_party_check(&c->party)) < 0 ||
	    (err = introducible(&bound, l, v, &c->party)) < 0 ||
	    (err = sdx_verifier_format(&vkey, v)) < 0)
		goto done;
	roles = json_array();
	for (i = 0; i < c->party.nroles; i++)
		json_array_append_new(roles, json_string(c->party.roles[i]));
	sdx__utc_now(today);
	today[10] = '\0'; /* not given: the fingerprint was compared today */
	body = json_pack("{s:s, s:o, s:o, s:s, s:s}", "key", vkey, "party", party_json(&c->party),
			 "roles", roles, "checked", c->checked[0] ? c->checked : today,
			 "method", c->method);
	if (body && c->detail)
		json_object_set_new(body, "detail", json_string(c->detail));
	if (!body) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	/* a new word on the key replaces the earlier one */
	if ((err = latest_own(prev, &old, l, v)) >= 0)
		err = append_intro(out, l, key, v, body, err == 1 ? prev : NULL);
	sdx__intro_clear(&old);
done:
	json_decref(body);
	free(vkey);
	return err < 0 ? err : 0;
}

int sdx_ledger_introduction_withdraw(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
				     const sdx_verifier *v, const char *detail)
{
	struct sdx__intro old;
	unsigned char prev[32];
	json_t *body = NULL, *roles = json_array();
	size_t i;
	int err;

	if ((err = latest_own(prev, &old, l, v)) <= 0) {
		json_decref(roles);
		return err < 0 ? err : sdx_error_set(SDX_ENOTFOUND, "this ledger never introduced "
						     "key %s+%08" PRIx32, sdx_verifier_name(v),
						     sdx_verifier_keyid(v));
	}
	if (old.withdrawn) {
		err = sdx_error_set(SDX_EEXISTS, "the introduction of key %s+%08" PRIx32 " was "
				    "withdrawn already", sdx_verifier_name(v), sdx_verifier_keyid(v));
		goto done;
	}
	for (i = 0; i < old.party.nroles; i++)
		json_array_append_new(roles, json_string(old.party.roles[i]));
	body = json_pack("{s:s, s:o, s:O, s:s, s:s, s:b}", "key", old.vkey, "party",
			 party_json(&old.party), "roles", roles, "checked", old.checked, "method",
			 old.method, "withdrawn", 1);
	if (body && detail)
		json_object_set_new(body, "detail", json_string(detail));
	err = body ? append_intro(out, l, key, v, body, prev)
		   : sdx_error_set(SDX_ENOMEM, "out of memory");
done:
	json_decref(roles);
	json_decref(body);
	sdx__intro_clear(&old);
	return err < 0 ? err : 0;
}

int sdx__intro_read(struct sdx__intro *out, sdx_dsse_envelope **env, const unsigned char *data,
		    size_t len)
{
	json_t *p = NULL, *b, *x;
	const char *k;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	*env = NULL;
	if ((err = sdx_dsse_parse(env, data, len)) < 0 ||
	    (err = sdx__json_parse(&p, (const char *)(*env)->payload, (*env)->payload_len, 64,
				   "an introduction")) < 0)
		return err;
	b = json_object_get(p, "body");
	k = json_string_value(json_object_get(b, "key"));
	if (!k || strlen(k) >= sizeof(out->vkey) || sdx_verifier_parse(&out->key, k) < 0 ||
	    sdx__party_from_json(&out->party, json_object_get(b, "party")) != 1) {
		err = sdx_error_set(SDX_EFORMAT, "an introduction without a key or a party");
		goto done;
	}
	memcpy(out->vkey, k, strlen(k) + 1);
	json_array_foreach(json_object_get(b, "roles"), i, x)
		if (out->party.nroles < SDX_PARTY_ROLES_MAX && json_string_length(x) < 33)
			memcpy(out->party.roles[out->party.nroles++], json_string_value(x),
			       json_string_length(x) + 1);
	sdx__text_put(out->checked, sizeof(out->checked), "%s",
		 json_string_value(json_object_get(b, "checked")) ?
		 json_string_value(json_object_get(b, "checked")) : "");
	sdx__text_put(out->method, sizeof(out->method), "%s",
		 json_string_value(json_object_get(b, "method")) ?
		 json_string_value(json_object_get(b, "method")) : "");
	out->withdrawn = json_is_true(json_object_get(b, "withdrawn"));
done:
	json_decref(p);
	return err;
}

void sdx__intro_clear(struct sdx__intro *i)
{
	sdx_verifier_free(i->key);
	i->key = NULL;
}

int sdx__intro_at(struct sdx__intro *out, unsigned char *leaf, sdx_ledger *l, uint64_t index)
{
	sdx_dsse_envelope *env = NULL;
	sdx_entry *e = NULL;
	int err, rc = 0;

	memset(out, 0, sizeof(*out));
	if ((err = sdx_ledger_entry(&e, l, index)) < 0)
		return err;
	if (strcmp(e->type, "introduction") == 0 && sdx__intro_read(out, &env, e->data, e->len) == 0)
		rc = 1;
	else
		sdx__intro_clear(out);
	sdx_error_clear();
	if (rc && leaf)
		memcpy(leaf, e->leaf_hash, 32);
	sdx_dsse_envelope_free(env);
	sdx_entry_free(e);
	return rc;
}

/* ---- the policy ----------------------------------------------------------------------- */

int sdx_ledger_intro_policy_set(sdx_ledger *l, const sdx_intro_rule *r)
{
	sdx_party probe;
	size_t i;
	int err;

	if (r) {
		if (r->depth != 1)
			return sdx_error_set(SDX_EINVAL, "trust policy: depth %d: introductions count "
					     "at depth 1 only (from parties you trust directly)",
					     r->depth);
		if (!r->from[0] || r->nroles == 0 || r->nroles > SDX_PARTY_ROLES_MAX)
			return sdx_error_set(SDX_EINVAL, "trust policy: name whom to accept "
					     "introductions from and for which roles");
		/* the roles are a party's roles: the party schema says which */
		memset(&probe, 0, sizeof(probe));
		memcpy(probe.name, "policy", 7);
		for (i = 0; i < r->nroles; i++)
			memcpy(probe.roles[probe.nroles++], r->roles[i], sizeof(r->roles[i]));
		if ((err = sdx_party_check(&probe)) < 0)
			return sdx__error_prefix(SDX_EINVAL, "trust policy");
	}
	return sdx__intro_policy_put(l, r);
}

int sdx__intro_rule_from(const sdx_intro_rule *r, const struct sdx__introducer *q)
{
	sdx_party_id id;
	sdx_party named;
	size_t i;

	if (strcmp(r->from, SDX_INTRO_ANY_DIRECT) == 0)
		return 1;
	if (strcmp(r->from, q->key_name) == 0 || strcmp(r->from, q->key_text) == 0 ||
	    (q->label && strcmp(r->from, q->label) == 0))
		return 1;
	if (!q->bound)
		return 0;
	if (strchr(r->from, ':') && sdx_party_id_parse(&id, r->from) == 0) {
		for (i = 0; i < q->party->nids; i++)
			if (strcmp(q->party->ids[i].scheme, id.scheme) == 0 &&
			    strcmp(q->party->ids[i].id, id.id) == 0)
				return 1;
	}
	sdx_error_clear();
	memset(&named, 0, sizeof(named));
	sdx__text_put(named.name, sizeof(named.name), "%s", r->from);
	/* a name alone: compared as attribution compares names */
	return sdx__party_same(&named, q->party);
}

size_t sdx__intro_accepted(char (*out)[33], int *matched, const sdx_intro_rule *rules,
			   size_t nrules, const struct sdx__introducer *q, const struct sdx__intro *in)
{
	size_t i, k, r, n = 0;
	int any = 0, ok;

	for (i = 0; i < in->party.nroles && n < SDX_PARTY_ROLES_MAX; i++) {
		for (ok = 0, r = 0; r < nrules && !ok; r++) {
			if (rules[r].depth != 1 || !sdx__intro_rule_from(&rules[r], q))
				continue;
			any = 1;
			for (k = 0; k < rules[r].nroles && !ok; k++)
				ok = strcmp(rules[r].roles[k], in->party.roles[i]) == 0;
		}
		if (ok)
			memcpy(out[n++], in->party.roles[i], 33);
	}
	for (r = 0; r < nrules && !any; r++)
		any = rules[r].depth == 1 && sdx__intro_rule_from(&rules[r], q);
	if (matched)
		*matched = any;
	return n;
}

/* ---- rotations of introduced keys ----------------------------------------------------- */

struct inherit {
	sdx_ledger *l;
	const sdx_verifier *v;
	int rotated;            /* v is trusted only as signed in by a rotation */
	sdx_introduced *rows;
	size_t n;
	int err;
};

static int keep_row(void *ctx, const sdx_introduced *i)
{
	struct inherit *in = ctx;
	sdx_introduced *grown;

	if (!(grown = realloc(in->rows, (in->n + 1) * sizeof(*grown))))
		return in->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	in->rows = grown;
	in->rows[in->n++] = *i;
	return 0;
}

static int rows_of_name(void *ctx, const sdx_verifier *k, const char *label, const char *added)
{
	struct inherit *in = ctx;

	(void)added;
	if (memcmp(sdx_verifier_public_key(k), sdx_verifier_public_key(in->v), 32) == 0) {
		in->rotated = strcmp(label, "signed in by a key rotation") == 0;
		return 0;
	}
	if (strcmp(sdx_verifier_name(k), sdx_verifier_name(in->v)) != 0)
		return 0;
	return sdx_ledger_foreach_introduced(in->l, sdx_verifier_public_key(k), keep_row, in);
}

int sdx__intro_inherit(sdx_ledger *l, const sdx_verifier *v)
{
	struct inherit in = { l, v, 0, NULL, 0, 0 };
	size_t i;
	int err;

	if ((err = sdx_ledger_key_introduced(l, sdx_verifier_public_key(v))) != 0)
		return err < 0 ? err : 0;
	if ((err = sdx_ledger_foreach_trusted(l, rows_of_name, &in)) < 0 || in.err < 0) {
		free(in.rows);
		return err < 0 ? err : in.err;
	}
	for (i = 0; in.rotated && i < in.n && err >= 0; i++) {
		memcpy(in.rows[i].pubkey, sdx_verifier_public_key(v), 32);
		sdx__text_put(in.rows[i].key, sizeof(in.rows[i].key), "%s+%08" PRIx32,
			 sdx_verifier_name(v), sdx_verifier_keyid(v));
		err = sdx__introduced_put(l, &in.rows[i]);
	}
	free(in.rows);
	return err < 0 ? err : 0;
}
