/*
 * cmd/trust_intro.c - sdx trust introduce and sdx trust policy: key
 * introductions (formats/trust.md, "Introductions"), and how trust list and
 * trust revoke show them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static int withdraw_signed(const struct intro_opts *o, sdx_ledger *l, sdx_signer *key)
{
	sdx_entry_info info;
	sdx_verifier *v = NULL;
	char hex[65];
	int rc, err;

	if (binding_opts_given(o->party) || o->method || o->checked)
		return cmd_error(EXIT_USAGE, "trust introduce --withdraw takes the key and, if you "
				 "like, --detail; the rest is the introduction's");
	if ((rc = trust_key_named(&v, l, o->ref, "give the verifier key")) != 0)
		return rc;
	if ((err = sdx_ledger_begin(l)) < 0)
		goto fail;
	if ((err = sdx_ledger_introduction_withdraw(&info, l, key, v, o->detail)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		goto fail;
	}
	hex_hash(hex, info.leaf_hash);
	printf("entry %" PRIu64 " %s withdraws the introduction of %s+%08" PRIx32 "\n",
	       info.index, hex, sdx_verifier_name(v), sdx_verifier_keyid(v));
	sdx_verifier_free(v);
	return EXIT_OK;
fail:
	sdx_verifier_free(v);
	return cmd_fail(err);
}

static int introduce_signed(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	const struct intro_opts *o = ctx;
	sdx_intro_claim c;
	sdx_entry_info info;
	sdx_verifier *v = NULL;
	char hex[65];
	int rc, err;

	(void)list;
	memset(&c, 0, sizeof(c));
	if (o->withdraw)
		return withdraw_signed(o, l, key);
	if ((rc = binding_from_opts(&c.party, o->party, "trust introduce")) != 0)
		return rc;
	if (!o->method)
		return cmd_error(EXIT_USAGE, "trust introduce: --method is required: how you compared "
				 "the fingerprint (%s)", SDX_INTRO_METHODS);
	if (strlen(o->method) >= sizeof(c.method) ||
	    (o->checked && strlen(o->checked) >= sizeof(c.checked)))
		return cmd_error(EXIT_USAGE, "trust introduce: --method or --checked is too long");
	memcpy(c.method, o->method, strlen(o->method) + 1);
	if (o->checked)
		memcpy(c.checked, o->checked, strlen(o->checked) + 1);
	c.detail = o->detail;
	if ((rc = trust_key_named(&v, l, o->ref, "introduce only a key you trust")) != 0)
		return rc;
	if ((err = sdx_ledger_begin(l)) < 0)
		goto fail;
	if ((err = sdx_ledger_introduce(&info, l, key, v, &c)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		goto fail;
	}
	hex_hash(hex, info.leaf_hash);
	printf("entry %" PRIu64 " %s introduces %s+%08" PRIx32 " of %s\n", info.index, hex,
	       sdx_verifier_name(v), sdx_verifier_keyid(v), c.party.name);
	sdx_verifier_free(v);
	return EXIT_OK;
fail:
	sdx_verifier_free(v);
	return cmd_fail(err);
}

int trust_introduce(const struct intro_opts *o)
{
	return cmd_with_key(o->w, 0, introduce_signed, (void *)o);
}

/* ---- the policy ----------------------------------------------------------------------- */

static int print_rule(void *ctx, const sdx_intro_rule *r)
{
	json_t *list = ctx;
	size_t i;

	if (list) {
		json_t *roles = json_array();
		for (i = 0; i < r->nroles; i++)
			json_array_append_new(roles, json_string(r->roles[i]));
		json_array_append_new(list, json_pack("{s:s, s:o, s:i, s:s}", "from", r->from,
						      "roles", roles, "depth", r->depth,
						      "added", r->added));
		return 0;
	}
	printf("accept --from '%s' --roles ", r->from);
	for (i = 0; i < r->nroles; i++)
		printf("%s%s", i ? "," : "", r->roles[i]);
	printf(" --depth %d%s%s%s\n", r->depth, r->added[0] ? "   (set " : "", r->added,
	       r->added[0] ? ")" : "");
	return 0;
}

static int show_policy(sdx_ledger *l, int json)
{
	json_t *list = json ? json_array() : NULL;
	int err;

	if ((err = sdx_ledger_foreach_intro_rule(l, print_rule, list)) < 0) {
		json_decref(list);
		return cmd_fail(err);
	}
	if (list)
		print_json(json_pack("{s:s, s:o}", "policy", json_array_size(list) ? "accept" : "none",
				     "rules", list));
	return EXIT_OK;
}

static int count_rule(void *ctx, const sdx_intro_rule *r)
{
	(void)r;
	++*(size_t *)ctx;
	return 0;
}

/* "supplier,lab" into r->roles. */
static int parse_roles(sdx_intro_rule *r, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 0 || len >= sizeof(r->roles[0]) || r->nroles == SDX_PARTY_ROLES_MAX)
			return cmd_error(EXIT_USAGE, "trust policy: --roles '%s': expected roles "
					 "separated by commas, e.g. supplier,lab", text);
		memcpy(r->roles[r->nroles], p, len);
		r->roles[r->nroles++][len] = '\0';
		p += len + (p[len] == ',');
	}
	return 0;
}

int trust_policy(const struct intro_opts *o, sdx_ledger *l, const char *what)
{
	sdx_intro_rule r;
	size_t n = 0;
	int err, rc;

	if (!what) {
		if ((err = sdx_ledger_foreach_intro_rule(l, count_rule, &n)) < 0)
			return cmd_fail(err);
		if (n == 0 && !o->json)
			printf("none: introductions are shown, never accepted; a key is trusted only "
			       "by 'sdx trust add'\n");
		return show_policy(l, o->json);
	}
	if (strcmp(what, "none") == 0) {
		if (o->from || o->roles || o->depth)
			return cmd_error(EXIT_USAGE, "trust policy none takes no --from, --roles or "
					 "--depth");
		if ((err = sdx_ledger_intro_policy_set(l, NULL)) < 0)
			return cmd_fail(err);
		printf("policy: none (introductions are never accepted)\n");
		return EXIT_OK;
	}
	if (strcmp(what, "accept") != 0)
		return cmd_error(EXIT_USAGE, "trust policy: '%s': expected none or accept", what);
	if (!o->from || !o->roles)
		return cmd_error(EXIT_USAGE, "trust policy accept: --from PARTY|%s and --roles "
				 "ROLE,... are required", SDX_INTRO_ANY_DIRECT);
	memset(&r, 0, sizeof(r));
	if (strlen(o->from) >= sizeof(r.from))
		return cmd_error(EXIT_USAGE, "trust policy: --from is too long");
	memcpy(r.from, o->from, strlen(o->from) + 1);
	r.depth = o->depth ? (int)o->depth : 1;
	if ((rc = parse_roles(&r, o->roles)) != 0)
		return rc;
	if ((err = sdx_ledger_intro_policy_set(l, &r)) < 0)
		return cmd_fail(err);
	printf("policy: ");
	print_rule(NULL, &r);
	return EXIT_OK;
}

/* ---- trust list and revoke ------------------------------------------------------------ */

struct shown {
	json_t *list;
	const char *indent;
};

static int print_via(void *ctx, const sdx_introduced *i)
{
	struct shown *s = ctx;
	char hex[65];

	hex_hash(hex, i->leaf);
	if (s->list)
		json_array_append_new(s->list, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, "
							 "s:s, s:s}", "introducer", i->introducer_party,
							 "introducer_key", i->introducer_key,
							 "origin", i->origin, "index",
							 (json_int_t)i->index, "leaf_hash", hex,
							 "checked", i->checked, "method", i->method,
							 "roles", i->roles, "held", i->held,
							 "accepted", i->accepted));
	else
		printf("%sintroduced:  by %s (%s), entry %s/%" PRIu64 ", checked %s by %s, for %s; "
		       "held since %s\n", s->indent, i->introducer_party, i->introducer_key,
		       i->origin, i->index, i->checked, i->method, i->roles, i->held);
	return 0;
}

int trust_print_introduced(sdx_ledger *l, const unsigned char pubkey[32], json_t *obj)
{
	struct shown s = { obj ? json_array() : NULL, "  " };
	int err = sdx_ledger_foreach_introduced(l, pubkey, print_via, &s);

	if (obj && json_array_size(s.list))
		json_object_set_new(obj, "introduced", s.list);
	else
		json_decref(s.list);
	return err;
}

/* The introductions by a key about to be revoked, to say what the revocation took. */
struct by_key {
	const unsigned char *pk;
	sdx_introduced *v;
	size_t n;
};

static int keep_by(void *ctx, const sdx_introduced *i)
{
	struct by_key *b = ctx;
	sdx_introduced *grown;

	if (memcmp(i->introducer, b->pk, 32) != 0)
		return 0;
	if (!(grown = realloc(b->v, (b->n + 1) * sizeof(*grown))))
		return -1;
	b->v = grown;
	b->v[b->n++] = *i;
	return 0;
}

struct revoked_when {
	const unsigned char *pk;
	char when[21];
};

static int find_revoked(void *ctx, const sdx_verifier *v, const char *revoked, const char *reason)
{
	struct revoked_when *r = ctx;

	(void)reason;
	if (memcmp(sdx_verifier_public_key(v), r->pk, 32) == 0)
		snprintf(r->when, sizeof(r->when), "%s", revoked);
	return 0;
}

int trust_revoke_introduced(sdx_ledger *l, const sdx_verifier *v, const char *reason)
{
	struct by_key b = { sdx_verifier_public_key(v), NULL, 0 };
	struct revoked_when rw = { sdx_verifier_public_key(v), "" };
	char fp[80];
	size_t i;
	int err;

	if ((err = sdx_ledger_foreach_introduced(l, NULL, keep_by, &b)) < 0 ||
	    (err = sdx_ledger_trust_revoke(l, v, reason)) < 0 ||
	    (err = sdx_ledger_foreach_revoked(l, find_revoked, &rw)) < 0) {
		free(b.v);
		return cmd_fail(err);
	}
	sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v));
	printf("revoked %s+%08" PRIx32 "\nfingerprint: %s\n", sdx_verifier_name(v),
	       sdx_verifier_keyid(v), fp);
	/* held before the revocation: still counts; at or after it: no longer */
	for (i = 0; i < b.n; i++) {
		int before = strcmp(b.v[i].held, rw.when) < 0;
		printf("%s %s (%s), introduced in %s/%" PRIu64 ", held since %s, %s the "
		       "revocation\n", before ? "still trusted:" : "no longer trusted through it:",
		       b.v[i].key, b.v[i].party, b.v[i].origin, b.v[i].index, b.v[i].held,
		       before ? "before" : "not before");
	}
	free(b.v);
	return EXIT_OK;
}

/* ---- sdx import: the keys an import's introductions made trusted ---------------------- */

struct intro_snapshot {
	sdx_introduced *v;
	size_t n;
};

static int keep_all(void *ctx, const sdx_introduced *i)
{
	struct intro_snapshot *s = ctx;
	sdx_introduced *grown;

	if (!(grown = realloc(s->v, (s->n + 1) * sizeof(*grown))))
		return -1;
	s->v = grown;
	s->v[s->n++] = *i;
	return 0;
}

struct intro_snapshot *trust_intro_snapshot(sdx_ledger *l)
{
	struct intro_snapshot *s = calloc(1, sizeof(*s));

	if (s && sdx_ledger_foreach_introduced(l, NULL, keep_all, s) != 0)
		sdx_error_clear(); /* then every introduced key is reported as new */
	return s;
}

void trust_intro_report(sdx_ledger *l, struct intro_snapshot *before)
{
	struct intro_snapshot now = { NULL, 0 };
	size_t i, k;

	if (l && before && sdx_ledger_foreach_introduced(l, NULL, keep_all, &now) == 0)
		for (i = 0; i < now.n; i++) {
			for (k = 0; k < before->n; k++)
				if (memcmp(now.v[i].pubkey, before->v[k].pubkey, 32) == 0 &&
				    memcmp(now.v[i].introducer, before->v[k].introducer, 32) == 0)
					break;
			if (k == before->n)
				fprintf(stderr, "sdx: now trusting %s (%s) for %s, introduced by %s "
					"(entry %s/%" PRIu64 ", fingerprint checked %s by %s), as your "
					"trust policy allows\n", now.v[i].key, now.v[i].party,
					now.v[i].roles, now.v[i].introducer_party, now.v[i].origin,
					now.v[i].index, now.v[i].checked, now.v[i].method);
		}
	if (l)
		sdx_error_clear();
	free(now.v);
	if (before)
		free(before->v);
	free(before);
}
