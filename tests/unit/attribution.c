/*
 * tests/unit/attribution.c - parties bound to keys and attribution
 * (formats/trust.md): bindings stored, replaced and gone with their key; a
 * party checked; two descriptions of one party; a restatement compared with
 * the issuer's own (the conflicts and the non-conflicts); the outcomes of a
 * graph's records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"
#include "formats/trust/party.h"

static void party_of(sdx_party *p, const char *name, const char *id, const char *role)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (id)
		sdx_party_id_parse(&p->ids[p->nids++], id);
	if (role)
		snprintf(p->roles[p->nroles++], sizeof(p->roles[0]), "%s", role);
}

static void bindings(void)
{
	sdx_signer *key = NULL, *other = NULL;
	sdx_verifier *v = NULL;
	sdx_ledger *l = NULL;
	sdx_party p, got;
	size_t removed = 0;

	CHECK_OK(sdx_signer_generate(&key, "example.com/m"));
	CHECK_OK(sdx_signer_generate(&other, "example.com/s"));
	CHECK_OK(sdx_ledger_create(&l, "t.db", key));
	CHECK_OK(sdx_signer_verifier(&v, other));
	party_of(&p, "Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", "supplier");
	/* a key must be trusted before it is bound */
	CHECK_ERR(sdx_ledger_trust_bind(l, v, &p), SDX_ENOTFOUND);
	CHECK_OK(sdx_ledger_trust_add(l, v, NULL));
	CHECK(sdx_ledger_trust_binding(&got, l, sdx_verifier_public_key(v)) == 0);
	CHECK_OK(sdx_ledger_trust_bind(l, v, &p));
	CHECK(sdx_ledger_trust_binding(&got, l, sdx_verifier_public_key(v)) == 1);
	CHECK_STR(got.name, "Ningbo Haixing");
	CHECK(got.nids == 1 && got.nroles == 1);
	CHECK_STR(got.ids[0].scheme, "USCI");
	CHECK_STR(got.roles[0], "supplier");
	/* bound again: replaced, not added to */
	party_of(&p, "Ningbo Haixing Polymer", "GLN:6901234500011", "manufacturer");
	CHECK_OK(sdx_ledger_trust_bind(l, v, &p));
	CHECK(sdx_ledger_trust_binding(&got, l, sdx_verifier_public_key(v)) == 1);
	CHECK(got.nids == 1 && got.nroles == 1);
	CHECK_STR(got.ids[0].id, "6901234500011");
	CHECK_STR(got.roles[0], "manufacturer");
	/* the own party is apart from every key's */
	CHECK(sdx_ledger_party(&got, l) == 0);
	party_of(&p, "Little Harbour Toys", NULL, "manufacturer");
	CHECK_OK(sdx_ledger_party_set(l, &p));
	CHECK(sdx_ledger_party(&got, l) == 1);
	CHECK_STR(got.name, "Little Harbour Toys");
	/* a key no longer trusted is bound no more */
	CHECK_OK(sdx_ledger_trust_remove(&removed, l, "example.com/s"));
	CHECK(sdx_ledger_trust_binding(&got, l, sdx_verifier_public_key(v)) == 0);
	CHECK(sdx_ledger_party(&got, l) == 1);
	sdx_ledger_free(l);
	sdx_verifier_free(v);
	sdx_signer_free(key);
	sdx_signer_free(other);
}

static void party_checked(void)
{
	sdx_party p;
	sdx_party_id id;

	party_of(&p, "Acme", "GLN:6901234500011", "supplier");
	CHECK_OK(sdx_party_check(&p));
	party_of(&p, "Acme", "GLN:123", "supplier");
	CHECK_ERR(sdx_party_check(&p), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "identifiers[0].id") != NULL);
	party_of(&p, "Acme", NULL, "broker");
	CHECK_ERR(sdx_party_check(&p), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "roles[0]") != NULL);
	party_of(&p, "Acme", NULL, NULL);
	CHECK_ERR(sdx_party_check(&p), SDX_ESCHEMA);
	party_of(&p, "", NULL, "lab");
	CHECK_ERR(sdx_party_check(&p), SDX_ESCHEMA);
	CHECK_ERR(sdx_party_id_parse(&id, "USCI"), SDX_EINVAL);
	CHECK_ERR(sdx_party_id_parse(&id, ":x"), SDX_EINVAL);
	CHECK_ERR(sdx_party_id_parse(&id, "GLN:"), SDX_EINVAL);
	CHECK_OK(sdx_party_id_parse(&id, "VAT:DE123456789"));
	CHECK_STR(id.scheme, "VAT");
	CHECK_STR(id.id, "DE123456789");
}

static void same_party(void)
{
	sdx_party a, b;

	/* an identifier in common, whatever the names */
	party_of(&a, "Ningbo Haixing", "USCI:91330206MA2H7K5Q3E", NULL);
	party_of(&b, "NINGBO HAIXING POLYMER", "USCI:91330206MA2H7K5Q3E", NULL);
	CHECK(sdx__party_same(&a, &b));
	/* identifiers on both sides and none in common: another party, same name or not */
	party_of(&b, "Ningbo Haixing", "GLN:6901234500011", NULL);
	CHECK(!sdx__party_same(&a, &b));
	/* either side without identifiers: the names, folded and spaces collapsed */
	party_of(&b, "  ningbo   HAIXING ", NULL, NULL);
	CHECK(sdx__party_same(&a, &b));
	CHECK(sdx__party_same(&b, &a));
	party_of(&b, "Ningbo Haixin", NULL, NULL);
	CHECK(!sdx__party_same(&a, &b));
	party_of(&b, "Ningbo Hai xing", NULL, NULL);
	CHECK(!sdx__party_same(&a, &b));
	party_of(&b, "", NULL, NULL);
	CHECK(!sdx__party_same(&b, &b));
	party_of(&a, "Acme", NULL, "exporter");
	CHECK(sdx__party_has_role(&a, "exporter"));
	CHECK(!sdx__party_has_role(&a, "supplier"));
}

/* A small declaration: one lot, one heavy-metal claim with lead and cadmium. */
static json_t *decl(const char *id, const char *lot, const char *from, const char *until,
		    double lead, const char *unit, const char *conformance)
{
	return json_pack("{s:s, s:s, s:s, s:{s:[{s:s}]}, s:[{s:s, s:s, s:s, s:[{s:s, s:s, s:f, "
			 "s:s}, {s:s, s:s, s:b, s:f, s:s}]}]}",
			 "declaration_id", id, "valid_from", from, "valid_until", until,
			 "material", "lots", "lot_number", lot,
			 "claims", "id", "C1", "topic", "heavy_metals", "conformance", conformance,
			 "measurements", "substance", "lead (Pb)", "cas_number", "7439-92-1",
			 "value", lead, "unit", unit, "substance", "cadmium (Cd)", "cas_number",
			 "7440-43-9", "below_detection", 1, "detection_limit", 2.0, "unit", "mg/kg");
}

/* A restatement r against the issuer's own d, each as decl() makes it. */
struct pair {
	const char *rid, *rlot, *rfrom, *runtil;
	double rlead;
	const char *runit, *rconf;
	const char *did, *dlot, *dfrom, *duntil;
	double dlead;
	const char *dconf;
	int conflict;
	const char *why;   /* part of what differs, or NULL */
};

static const struct pair pairs[] = {
	/* one document, a lower lead value: a conflict naming both values */
	{ "D-1", "L1", "2026-01-01", "2026-12-31", 4.1, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms",
	  1, "lead (Pb), CAS 7439-92-1 (lot L1): 4.1 mg/kg in the restatement, 12.4 mg/kg" },
	/* identical in values: a restatement, no conflict; ppm is mg/kg, % is 10000 of them */
	{ "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 0, NULL },
	{ "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "ppm", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 0, NULL },
	{ "D-1", "L1", "2026-01-01", "2026-12-31", 0.00124, "%", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 0, NULL },
	/* conformance that differs */
	{ "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "does_not_conform",
	  1, "conforms in the restatement, does_not_conform" },
	/* another document of the same lot with overlapping validity: compared */
	{ "M-7", "L1", "2026-06-01", "2027-05-31", 4.1, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 1, "4.1 mg/kg in the restatement" },
	/* an annual renewal (no overlap) or another lot: not about the same thing */
	{ "D-2", "L1", "2027-01-01", "2027-12-31", 4.1, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 0, NULL },
	{ "D-3", "L2", "2026-01-01", "2026-12-31", 4.1, "mg/kg", "conforms",
	  "D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "conforms", 0, NULL },
};

static void comparison(void)
{
	char why[400];
	size_t i;

	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		const struct pair *p = &pairs[i];
		json_t *r = decl(p->rid, p->rlot, p->rfrom, p->runtil, p->rlead, p->runit, p->rconf);
		json_t *d = decl(p->did, p->dlot, p->dfrom, p->duntil, p->dlead, "mg/kg", p->dconf);
		int c = sdx__statement_conflict(why, sizeof(why), r, d, NULL);
		json_decref(r);
		json_decref(d);
		CHECK(c == p->conflict);
		CHECK(!p->why || strstr(why, p->why) != NULL);
	}
}

static void comparison_topics(void)
{
	json_t *r = decl("D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "mg/kg", "conforms");
	json_t *d = decl("D-1", "L1", "2026-01-01", "2026-12-31", 12.4, "mg/kg", "conforms");
	json_t *other = decl("P-1", "L1", "2026-01-01", "2026-12-31", 12.4, "mg/kg", "conforms");
	char why[400];

	/* a topic-specific declaration of the lot (phthalates) is no conflict */
	json_object_set_new(json_array_get(json_object_get(other, "claims"), 0), "topic",
			    json_string("phthalates"));
	json_object_set_new(json_array_get(json_object_get(other, "claims"), 0), "conformance",
			    json_string("does_not_conform"));
	CHECK(sdx__statement_conflict(why, sizeof(why), other, d, NULL) == 0);
	/* under the issuer's document id, a topic the issuer never claimed is */
	json_array_append(json_object_get(r, "claims"),
			  json_array_get(json_object_get(other, "claims"), 0));
	CHECK(sdx__statement_conflict(why, sizeof(why), r, d, NULL) == 1);
	CHECK(strstr(why, "states phthalates, which the issuer's own declaration D-1 does not"));
	/* a non-detect against a value */
	json_object_set_new(json_array_get(json_object_get(json_array_get(json_object_get(d,
			    "claims"), 0), "measurements"), 1), "value", json_real(3));
	json_object_del(json_array_get(json_object_get(json_array_get(json_object_get(d,
			"claims"), 0), "measurements"), 1), "below_detection");
	CHECK(sdx__statement_conflict(why, sizeof(why), other, d, NULL) == 0);
	json_array_remove(json_object_get(r, "claims"), 1);
	CHECK(sdx__statement_conflict(why, sizeof(why), r, d, NULL) == 1);
	CHECK(strstr(why, "cadmium (Cd), CAS 7440-43-9 (lot L1): not detected (< 2 mg/kg) in the "
		     "restatement, "
		     "3 mg/kg") != NULL);
	json_decref(r);
	json_decref(d);
	json_decref(other);
}

/* The outcome of the one record of a ledger graph. */
static const char *outcome_of(sdx_ledger *l, char text[600])
{
	struct sdx__attribution a;
	sdx_graph *g = NULL;
	size_t node;
	const char *name = "error";

	if (sdx_graph_from_ledger(&g, l) == 0 && sdx_graph_resolve(&node, g, "1") == 0 &&
	    sdx__attribution_of(&a, g, node) == 0) {
		name = sdx__attribution_name(a.outcome);
		sdx__attribution_text(text, 600, &a);
	}
	sdx_graph_free(g);
	return name;
}

/* sdx_graph_attribution() of l as verify gets it (the census of the headers,
 * census.c) equals that of the graph read whole, record by record. */
static void census_is_whole(sdx_ledger *l)
{
	sdx_graph *lazy = NULL, *whole = NULL;
	char *a = NULL, *b = NULL;

	CHECK_OK(sdx_graph_from_ledger(&lazy, l));
	CHECK(lazy && lazy->lazy);
	CHECK_OK(sdx_graph_from_ledger(&whole, l));
	if (whole) {
		sdx__graph_clear(whole);
		whole->lazy = 0;
		CHECK_OK(sdx__graph_load_ledger(whole));
	}
	if (lazy && whole) {
		CHECK_OK(sdx_graph_attribution(&a, NULL, lazy));
		CHECK_OK(sdx_graph_attribution(&b, NULL, whole));
		CHECK(a && b && strstr(a, "\"records\":1,") != NULL);
		CHECK_STR(a ? a : "", b ? b : "");
	}
	free(a);
	free(b);
	sdx_graph_free(lazy);
	sdx_graph_free(whole);
}

static void outcomes(void)
{
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_party p;
	char leaf[65], text[600];

	CHECK(test_ledger_declared(&l, &key, "example.com/s", 7,
				   "../../examples/data/pvc-compound-declaration.json",
				   "../../examples/data/reports/cnas-l1234-report-2026-0917.txt",
				   leaf) == 0);
	CHECK_STR(outcome_of(l, text), "unbound");
	CHECK(strstr(text, "the ledger's party is not set") != NULL);
	census_is_whole(l);
	/* the supplier it names, by an identifier in common */
	party_of(&p, "Haixing", "GLN:6901234500011", "supplier");
	CHECK_OK(sdx_ledger_party_set(l, &p));
	CHECK_STR(outcome_of(l, text), "signed");
	CHECK_STR(text, "signed by Haixing, the supplier it names");
	census_is_whole(l);
	/* the same party, not bound to sign as a supplier */
	party_of(&p, "Haixing", "GLN:6901234500011", "manufacturer");
	CHECK_OK(sdx_ledger_party_set(l, &p));
	CHECK_STR(outcome_of(l, text), "role");
	census_is_whole(l);
	CHECK(strstr(text, "bound to sign as manufacturer, not as the supplier") != NULL);
	/* another party: its word */
	party_of(&p, "Little Harbour Toys", "USCI:91330282MA2CX7LH5B", "manufacturer");
	CHECK_OK(sdx_ledger_party_set(l, &p));
	CHECK_STR(outcome_of(l, text), "restated");
	CHECK(strstr(text, "restated by Little Harbour Toys (USCI:91330282MA2CX7LH5B)") != NULL);
	census_is_whole(l);
	sdx_ledger_free(l);
	sdx_signer_free(key);
}

static const struct test_case tests[] = {
	{ "bindings: trusted keys only, replaced, gone with the key; the own party", bindings },
	{ "a party is checked against its schema; SCHEME:ID", party_checked },
	{ "one party: an identifier in common, else the names", same_party },
	{ "a restatement against the issuer's own: values, units, conformance, validity, lots",
	  comparison },
	{ "topics: another topic of the lot is no conflict, one added under the issuer's id is",
	  comparison_topics },
	{ "outcomes of a record: unbound, signed, role, restated; verify's census of the "
	  "headers says the same as the graph read whole", outcomes },
	{ NULL, NULL }
};

TEST_MAIN(tests)
