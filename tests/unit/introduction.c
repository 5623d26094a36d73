/*
 * tests/unit/introduction.c - key introductions (formats/trust/introduction.c,
 * ledger/introduced.c): whom a policy rule names, which roles the rules
 * accept, the policy as stored, writing an introduction only for a key the
 * ledger trusts directly and has bound, the record's schema, and what a
 * revocation of the introducer takes: the introductions held from the
 * revocation on, never those held before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "formats/trust/introduction.h"
#include "ledger/introduced.h"
#include "sdx.h"

static sdx_signer *key_of(const char *name, unsigned char fill)
{
	unsigned char seed[32];
	sdx_signer *s = NULL;

	memset(seed, fill, sizeof(seed));
	return sdx_signer_from_seed(&s, name, seed) < 0 ? NULL : s;
}

static sdx_party party(const char *name, const char *id, const char *role)
{
	sdx_party p;

	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s", name);
	if (id && sdx_party_id_parse(&p.ids[0], id) == 0)
		p.nids = 1;
	if (role)
		snprintf(p.roles[p.nroles++], sizeof(p.roles[0]), "%s", role);
	return p;
}

static sdx_intro_rule rule(const char *from, const char *r1, const char *r2)
{
	sdx_intro_rule r;

	memset(&r, 0, sizeof(r));
	snprintf(r.from, sizeof(r.from), "%s", from);
	snprintf(r.roles[r.nroles++], sizeof(r.roles[0]), "%s", r1);
	if (r2)
		snprintf(r.roles[r.nroles++], sizeof(r.roles[0]), "%s", r2);
	r.depth = 1;
	return r;
}

static void rule_names_introducer(void)
{
	sdx_party m = party("Cixi Little Harbour Toys Co., Ltd.", "USCI:91330282MA2CX7LH5B",
			    "manufacturer");
	struct sdx__introducer q = { "example.com/m", "example.com/m+1a2b3c4d", "Cixi, contract 17",
				     1, &m };
	sdx_intro_rule r;

	r = rule("any-direct", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
	r = rule("example.com/m", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
	r = rule("example.com/m+1a2b3c4d", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
	r = rule("Cixi, contract 17", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
	r = rule("  cixi little HARBOUR   toys co., ltd. ", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));     /* names compared as attribution does */
	r = rule("USCI:91330282MA2CX7LH5B", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
	r = rule("USCI:91330206MA2H7K5Q3E", "supplier", NULL);
	CHECK(!sdx__intro_rule_from(&r, &q));    /* another party's identifier */
	r = rule("example.com/x", "supplier", NULL);
	CHECK(!sdx__intro_rule_from(&r, &q));
	q.bound = 0;                              /* a key bound to no party: by key only */
	r = rule("Cixi Little Harbour Toys Co., Ltd.", "supplier", NULL);
	CHECK(!sdx__intro_rule_from(&r, &q));
	r = rule("example.com/m", "supplier", NULL);
	CHECK(sdx__intro_rule_from(&r, &q));
}

static void roles_accepted(void)
{
	sdx_party m = party("Cixi", NULL, "manufacturer");
	struct sdx__introducer q = { "example.com/m", "example.com/m+1a2b3c4d", "", 1, &m };
	struct sdx__intro in;
	sdx_intro_rule rules[3];
	char roles[SDX_PARTY_ROLES_MAX][33];
	int matched;

	memset(&in, 0, sizeof(in));
	in.party = party("Ningbo Haixing", NULL, "supplier");
	snprintf(in.party.roles[in.party.nroles++], sizeof(in.party.roles[0]), "lab");
	/* no rule: the default policy, nothing accepted, nobody matched */
	CHECK(sdx__intro_accepted(roles, &matched, rules, 0, &q, &in) == 0);
	CHECK(!matched);
	/* a rule about another party */
	rules[0] = rule("example.com/x", "supplier", "lab");
	CHECK(sdx__intro_accepted(roles, &matched, rules, 1, &q, &in) == 0);
	CHECK(!matched);
	/* a rule about it, for another role: matched, none accepted */
	rules[0] = rule("Cixi", "exporter", NULL);
	CHECK(sdx__intro_accepted(roles, &matched, rules, 1, &q, &in) == 0);
	CHECK(matched);
	/* only the roles a rule accepts */
	rules[1] = rule("any-direct", "supplier", NULL);
	CHECK(sdx__intro_accepted(roles, &matched, rules, 2, &q, &in) == 1);
	CHECK_STR(roles[0], "supplier");
	rules[2] = rule("example.com/m", "lab", NULL);
	CHECK(sdx__intro_accepted(roles, &matched, rules, 3, &q, &in) == 2);
	CHECK_STR(roles[1], "lab");
	/* a rule of another depth counts for nothing */
	rules[1].depth = rules[2].depth = 2;
	CHECK(sdx__intro_accepted(roles, &matched, rules, 3, &q, &in) == 0);
}

static int count_rules(void *ctx, const sdx_intro_rule *r)
{
	char *seen = ctx;
	size_t n = strlen(seen);

	snprintf(seen + n, 200 - n, "%s%s:%zu", n ? " " : "", r->from, r->nroles);
	return 0;
}

static void policy_stored(void)
{
	sdx_signer *k = key_of("example.com/e", 3);
	sdx_ledger *l = NULL;
	sdx_intro_rule r;
	char seen[200] = "";

	CHECK(k);
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(sdx_ledger_foreach_intro_rule(l, count_rules, seen));
	CHECK_STR(seen, "");                       /* none: the default */
	r = rule("example.com/m", "supplier", NULL);
	r.depth = 2;
	CHECK_ERR(sdx_ledger_intro_policy_set(l, &r), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "depth 1 only") != NULL);
	r = rule("example.com/m", "buyer", NULL);
	CHECK_ERR(sdx_ledger_intro_policy_set(l, &r), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "buyer") != NULL);
	r = rule("example.com/m", "supplier", NULL);
	CHECK_OK(sdx_ledger_intro_policy_set(l, &r));
	r = rule("any-direct", "lab", NULL);
	CHECK_OK(sdx_ledger_intro_policy_set(l, &r));
	r = rule("example.com/m", "supplier", "lab"); /* replaces the rule of the same from */
	CHECK_OK(sdx_ledger_intro_policy_set(l, &r));
	CHECK_OK(sdx_ledger_foreach_intro_rule(l, count_rules, seen));
	CHECK_STR(seen, "any-direct:1 example.com/m:2");
	CHECK_OK(sdx_ledger_intro_policy_set(l, NULL));
	seen[0] = '\0';
	CHECK_OK(sdx_ledger_foreach_intro_rule(l, count_rules, seen));
	CHECK_STR(seen, "");
	sdx_ledger_free(l);
	sdx_signer_free(k);
}

static void introduce_only_bound(void)
{
	sdx_signer *k = key_of("example.com/m", 4), *sk = key_of("example.com/s", 5);
	sdx_verifier *sv = NULL;
	sdx_ledger *l = NULL;
	sdx_intro_claim c;
	sdx_entry_info info;
	sdx_entry *e = NULL;
	char *payload = NULL;
	size_t len;

	CHECK(k && sk);
	CHECK_OK(sdx_signer_verifier(&sv, sk));
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	memset(&c, 0, sizeof(c));
	c.party = party("Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", "supplier");
	snprintf(c.method, sizeof(c.method), "in-person");
	snprintf(c.checked, sizeof(c.checked), "2026-11-20");
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_ERR(sdx_ledger_introduce(&info, l, k, sv, &c), SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "not trusted") != NULL);
	CHECK_OK(sdx_ledger_trust_add(l, sv, NULL));
	CHECK_ERR(sdx_ledger_introduce(&info, l, k, sv, &c), SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "bound to no party") != NULL);
	{
		sdx_party b = party("Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", "supplier");
		CHECK_OK(sdx_ledger_trust_bind(l, sv, &b));
	}
	c.party = party("Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", "lab");
	CHECK_ERR(sdx_ledger_introduce(&info, l, k, sv, &c), SDX_EINVAL);
	c.party = party("Foshan Redstone", "USCI:91440604MA4UL0F22X", "supplier");
	CHECK_ERR(sdx_ledger_introduce(&info, l, k, sv, &c), SDX_EINVAL);
	CHECK(strstr(sdx_error_last(), "not to Foshan Redstone") != NULL);
	c.party = party("Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", "supplier");
	snprintf(c.method, sizeof(c.method), "telepathy");
	CHECK_ERR(sdx_ledger_introduce(&info, l, k, sv, &c), SDX_ESCHEMA);
	snprintf(c.method, sizeof(c.method), "registry-lookup");
	CHECK_OK(sdx_ledger_introduce(&info, l, k, sv, &c));
	CHECK_OK(sdx_ledger_commit(l));
	CHECK_OK(sdx_ledger_entry(&e, l, info.index));
	CHECK_STR(e->type, "introduction");
	CHECK_OK(sdx_entry_payload(&payload, &len, e));
	CHECK(strstr(payload, "\"method\":\"registry-lookup\"") != NULL);
	CHECK(strstr(payload, "\"checked\":\"2026-11-20\"") != NULL);
	free(payload);
	sdx_entry_free(e);
	sdx_ledger_free(l);
	sdx_verifier_free(sv);
	sdx_signer_free(k);
	sdx_signer_free(sk);
}

static void schema(void)
{
	sdx_signer *sk = key_of("example.com/s", 5);
	sdx_verifier *sv = NULL;
	char *vkey = NULL, ok[400], buf[600];

	CHECK(sk);
	CHECK_OK(sdx_signer_verifier(&sv, sk));
	CHECK_OK(sdx_verifier_format(&vkey, sv));
	snprintf(ok, sizeof(ok), "{\"key\":\"%s\",\"party\":{\"name\":\"S\"},\"roles\":"
		 "[\"supplier\"],\"checked\":\"2026-11-20\",\"method\":\"other\"", vkey);
	snprintf(buf, sizeof(buf), "%s}", ok);
	CHECK_OK(sdx_record_validate("introduction", buf, strlen(buf)));
	snprintf(buf, sizeof(buf), "%s,\"withdrawn\":true}", ok);
	CHECK_ERR(sdx_record_validate("introduction", buf, strlen(buf)), SDX_ESCHEMA);
	snprintf(buf, sizeof(buf), "%s,\"withdrawn\":true,\"supersedes\":\"%064d\"}", ok, 0);
	CHECK_OK(sdx_record_validate("introduction", buf, strlen(buf)));
	snprintf(buf, sizeof(buf), "%s,\"detail\":\"\"}", ok);
	CHECK_ERR(sdx_record_validate("introduction", buf, strlen(buf)), SDX_ESCHEMA);
	vkey[strlen(vkey) - 2] ^= 1; /* another key under the same name and key id */
	snprintf(buf, sizeof(buf), "{\"key\":\"%s\",\"party\":{\"name\":\"S\"},\"roles\":"
		 "[\"supplier\"],\"checked\":\"2026-11-20\",\"method\":\"other\"}", vkey);
	CHECK_ERR(sdx_record_validate("introduction", buf, strlen(buf)), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "not a verifier key") != NULL);
	free(vkey);
	sdx_verifier_free(sv);
	sdx_signer_free(sk);
}

static int64_t fixed_now(void *ctx)
{
	return *(int64_t *)ctx;
}

static int list_keys(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	char *out = ctx;
	size_t n = strlen(out);

	(void)label;
	(void)added;
	snprintf(out + n, 200 - n, "%s%s", n ? " " : "", sdx_verifier_name(v));
	return 0;
}

/* The exporter e trusts m directly and s1, s2 through m's introductions,
 * s1's held before m's revocation, s2's after it. */
static void revocation(void)
{
	sdx_signer *k = key_of("example.com/e", 6), *m = key_of("example.com/m", 7);
	sdx_signer *s1 = key_of("example.com/s1", 8), *s2 = key_of("example.com/s2", 9);
	sdx_verifier *mv = NULL, *v1 = NULL, *v2 = NULL;
	sdx_ledger *l = NULL;
	sdx_introduced row;
	int64_t now;
	char keys[200] = "";

	CHECK(k && m && s1 && s2);
	CHECK_OK(sdx_signer_verifier(&mv, m));
	CHECK_OK(sdx_signer_verifier(&v1, s1));
	CHECK_OK(sdx_signer_verifier(&v2, s2));
	CHECK_OK(sdx_ledger_create(&l, "t.db", k));
	CHECK_OK(sdx_ledger_trust_add(l, mv, NULL));
	CHECK_OK(sdx_ledger_trust_add(l, v1, "introduced by m"));
	CHECK_OK(sdx_ledger_trust_add(l, v2, "introduced by m"));
	memset(&row, 0, sizeof(row));
	memcpy(row.introducer, sdx_signer_public_key(m), 32);
	snprintf(row.introducer_key, sizeof(row.introducer_key), "example.com/m+00000000");
	snprintf(row.origin, sizeof(row.origin), "example.com/m");
	memcpy(row.pubkey, sdx_signer_public_key(s1), 32);
	snprintf(row.held, sizeof(row.held), "2026-11-22T10:00:00Z");
	CHECK_OK(sdx__introduced_put(l, &row));
	memcpy(row.pubkey, sdx_signer_public_key(s2), 32);
	row.index = 1;
	snprintf(row.held, sizeof(row.held), "2026-11-24T10:00:00Z");
	CHECK_OK(sdx__introduced_put(l, &row));
	CHECK(sdx_ledger_key_introduced(l, sdx_signer_public_key(s1)) == 1);
	CHECK(sdx_ledger_key_introduced(l, sdx_signer_public_key(m)) == 0);
	CHECK_OK(sdx_time_parse(&now, "2026-11-23T00:00:00Z"));
	sdx_clock_set(fixed_now, &now);
	CHECK_OK(sdx_ledger_trust_revoke(l, mv, "stolen"));
	sdx_clock_set(NULL, NULL);
	CHECK_OK(sdx_ledger_foreach_trusted(l, list_keys, keys));
	CHECK_STR(keys, "example.com/s1");          /* s2 was held only after the revocation */
	CHECK(sdx_ledger_key_introduced(l, sdx_signer_public_key(s1)) == 1);
	CHECK(sdx_ledger_key_introduced(l, sdx_signer_public_key(s2)) == 0);
	sdx_ledger_free(l);
	sdx_verifier_free(mv);
	sdx_verifier_free(v1);
	sdx_verifier_free(v2);
	sdx_signer_free(k);
	sdx_signer_free(m);
	sdx_signer_free(s1);
	sdx_signer_free(s2);
}

static const struct test_case tests[] = {
	{ "a rule names its introducer by party, identifier, key or label", rule_names_introducer },
	{ "the roles the rules accept, and whom they are about", roles_accepted },
	{ "the policy as stored: depth 1, known roles, one rule per from, none", policy_stored },
	{ "an introduction only of a key trusted and bound, for its party and roles",
	  introduce_only_bound },
	{ "the record's schema", schema },
	{ "a revocation takes the introductions held from then on, not before", revocation },
	{ NULL, NULL }
};

TEST_MAIN(tests)
