/*
 * tests/unit/statement.c - threshold statements (formats/rules/claims.c,
 * formats/declaration.md §5.4): which rules a statement carries.  A sum
 * bound carries a sum rule over a subset of its substances at an equal or
 * higher limit, after unit conversion, and a limit on each of its
 * substances; an at_most carries its one substance; a stricter rule is told
 * apart (the statement's limit is above it); names match as measurements
 * do, by alias and CAS number.  And the marked reveal (ledger/disclosure.c)
 * that tells a rule which values are withheld.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "formats/graph/internal.h"
#include "formats/rules/internal.h"
#include "ledger/internal.h"
#include "sdx/disclosure.h"

static json_t *load(const char *text)
{
	json_error_t e;

	return json_loads(text, 0, &e);
}

/* the packaging rule's substances, as formats/profiles/eu-packaging-heavy-metals.json names them */
static json_t *metals(void)
{
	return load("[{\"name\": \"lead (Pb)\", \"cas\": \"7439-92-1\", \"aliases\": [\"lead\", \"Pb\"]},"
		    " {\"name\": \"cadmium (Cd)\", \"cas\": \"7440-43-9\", \"aliases\": [\"cadmium\", \"Cd\"]},"
		    " {\"name\": \"mercury (Hg)\", \"cas\": \"7439-97-6\", \"aliases\": [\"mercury\", \"Hg\"]},"
		    " {\"name\": \"hexavalent chromium (Cr(VI))\", \"cas\": \"18540-29-9\","
		    " \"aliases\": [\"hexavalent chromium\", \"Cr(VI)\"]}]");
}

static const size_t all4[] = { 0, 1, 2, 3 };

static void sum_rules(void)
{
	json_t *subs = metals();
	json_t *st = load("{\"statement\": \"sum_at_most\", \"substances\": [\"Pb\", \"Cd\", \"Hg\", \"Cr(VI)\"],"
			  " \"limit\": {\"value\": 100, \"unit\": \"mg/kg\"}, \"measured_by\": \"R1\"}");
	json_t *pct = load("{\"statement\": \"sum_at_most\", \"substances\": [\"lead\", \"7440-43-9\", \"mercury (Hg)\","
			   " \"Cr(VI)\", \"Sb\"], \"limit\": {\"value\": 0.01, \"unit\": \"%\"}, \"measured_by\": \"R1\"}");
	json_t *three = load("{\"statement\": \"sum_at_most\", \"substances\": [\"Pb\", \"Cd\", \"Hg\"],"
			     " \"limit\": {\"value\": 10, \"unit\": \"mg/kg\"}, \"measured_by\": \"R1\"}");
	size_t two[] = { 0, 1 };

	CHECK(subs && st && pct && three);
	CHECK(sdx__statement_limit(st) == 100);
	CHECK(sdx__statement_limit(pct) == 100);  /* 0.01 % is 100 mg/kg */
	/* the same sum, the same limit: carried; a laxer rule too */
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 100, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 1000, "<=") == SDX__STMT_COVERS);
	/* a stricter rule: named, but the limit is above it */
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 50, "<=") == SDX__STMT_ABOVE);
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 99.999, "<=") == SDX__STMT_ABOVE);
	/* "< 100" is not carried by "at most 100" */
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 100, "<") == SDX__STMT_ABOVE);
	CHECK(sdx__statement_covers(st, subs, all4, 4, 1, 100.5, "<") == SDX__STMT_COVERS);
	/* a rule over fewer substances: a bigger sum bounds a smaller one */
	CHECK(sdx__statement_covers(st, subs, two, 2, 1, 100, "<=") == SDX__STMT_COVERS);
	/* names by alias, CAS number and full name; another unit; an extra substance */
	CHECK(sdx__statement_covers(pct, subs, all4, 4, 1, 100, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(pct, subs, all4, 4, 1, 99, "<=") == SDX__STMT_ABOVE);
	/* a statement over three cannot carry the sum of four, at any limit */
	CHECK(sdx__statement_covers(three, subs, all4, 4, 1, 100, "<=") == SDX__STMT_OTHER);
	CHECK(sdx__statement_covers(three, subs, two, 2, 1, 100, "<=") == SDX__STMT_COVERS);
	CHECK(!sdx__statement_names(three, subs, 3));
	CHECK(sdx__statement_names(three, subs, 2));
	json_decref(subs);
	json_decref(st);
	json_decref(pct);
	json_decref(three);
}

static void each_rules(void)
{
	json_t *subs = metals();
	json_t *sum = load("{\"statement\": \"sum_at_most\", \"substances\": [\"Pb\", \"Cd\"],"
			   " \"limit\": {\"value\": 90, \"unit\": \"mg/kg\"}, \"measured_by\": \"R1\"}");
	json_t *pb = load("{\"statement\": \"at_most\", \"substances\": [\"lead (Pb)\"],"
			  " \"limit\": {\"value\": 90000, \"unit\": \"ug/kg\"}, \"measured_by\": \"R1\"}");
	json_t *odd = load("{\"statement\": \"at_most\", \"substances\": [\"Pb\", \"Cd\"],"
			   " \"limit\": {\"value\": 1, \"unit\": \"mg/kg\"}, \"measured_by\": \"R1\"}");
	json_t *unit = load("{\"statement\": \"at_most\", \"substances\": [\"Pb\"],"
			    " \"limit\": {\"value\": 1, \"unit\": \"mg/dm2\"}, \"measured_by\": \"R1\"}");
	size_t lead = 0, cd = 1, hg = 2;

	CHECK(subs && sum && pb && odd && unit);
	/* a sum bounds each of its substances (concentrations are not negative) */
	CHECK(sdx__statement_covers(sum, subs, &lead, 1, 0, 100, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(sum, subs, &cd, 1, 0, 90, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(sum, subs, &cd, 1, 0, 80, "<=") == SDX__STMT_ABOVE);
	CHECK(sdx__statement_covers(sum, subs, &hg, 1, 0, 1000, "<=") == SDX__STMT_OTHER);
	/* but a per-substance bound says nothing of a sum of several */
	CHECK(sdx__statement_covers(pb, subs, &lead, 1, 0, 90, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(pb, subs, &lead, 1, 1, 90, "<=") == SDX__STMT_COVERS);
	CHECK(sdx__statement_covers(pb, subs, all4, 2, 1, 1000, "<=") == SDX__STMT_OTHER);
	CHECK(sdx__statement_covers(pb, subs, &cd, 1, 0, 1000, "<=") == SDX__STMT_OTHER);
	/* an at_most of two (refused when declared) carries nothing; nor a limit not a mass fraction */
	CHECK(sdx__statement_covers(odd, subs, &lead, 1, 0, 100, "<=") == SDX__STMT_OTHER);
	CHECK(sdx__statement_limit(unit) < 0);
	CHECK(sdx__statement_covers(unit, subs, &lead, 1, 0, 100, "<=") == SDX__STMT_OTHER);
	json_decref(subs);
	json_decref(sum);
	json_decref(pb);
	json_decref(odd);
	json_decref(unit);
}

/* the marked reveal keeps what is withheld in place, and drops the decoys it is told of */
static void marked(void)
{
	const char *ptrs[] = { "/claims/0/measurements/0/value", "/claims/0/measurements/1",
			       "/claims/1" };
	const char *body = "{\"claims\":[{\"id\":\"C1\",\"measurements\":[{\"substance\":\"lead (Pb)\","
			   "\"unit\":\"mg/kg\",\"value\":41.6173},{\"substance\":\"cadmium (Cd)\","
			   "\"unit\":\"mg/kg\",\"value\":3.1}]},{\"id\":\"C2\"}],\"x\":1}";
	sdx_disclosure_list list = { 0 };
	sdx_disclosure_view v;
	char *sealed = NULL, *out = NULL;
	const char *decoys[64];
	size_t slen, olen, i;
	json_t *j = NULL, *c0, *m0;

	CHECK_OK(sdx_disclosure_conceal(&sealed, &slen, &list, body, strlen(body), ptrs, 3, 2));
	CHECK(list.n == 3 && list.ndecoys >= 2);
	for (i = 0; i < list.ndecoys && i < 64; i++)
		decoys[i] = list.decoys[i];
	/* nothing held, decoys unknown: everything withheld stays marked */
	CHECK_OK(sdx__disclosure_reveal_marked(&out, &olen, &v, sealed, slen, NULL, 0, NULL, 0));
	CHECK(v.withheld == 3 + list.ndecoys && v.disclosed == 0);
	CHECK(strstr(out, "41.6173") == NULL);
	CHECK((j = json_loads(out, 0, NULL)) != NULL);
	CHECK(sdx__graph_withheld_elements(j, "claims") == 1);
	c0 = json_array_get(json_object_get(j, "claims"), 0);
	CHECK(json_array_size(json_object_get(j, "claims")) == 1);
	CHECK(sdx__graph_withheld_elements(c0, "measurements") == 1);
	m0 = json_array_get(json_object_get(c0, "measurements"), 0);
	CHECK(sdx__graph_withheld(m0) >= 1);
	CHECK(sdx__graph_may_withhold(m0, "value"));
	CHECK(!sdx__graph_may_withhold(m0, "unit"));
	CHECK(!sdx__graph_withheld(j));
	json_decref(j);
	j = NULL;
	free(out);
	out = NULL;
	/* the value held, the decoys known: only the two elements stay withheld */
	CHECK_OK(sdx__disclosure_reveal_marked(&out, &olen, &v, sealed, slen,
					       (const char *const *)list.text, 1, decoys,
					       list.ndecoys));
	CHECK(v.withheld == 2 && v.disclosed == 1);
	CHECK(strstr(out, "41.6173") != NULL);
	CHECK(strstr(out, "\"_sd\"") == NULL);
	CHECK((j = json_loads(out, 0, NULL)) != NULL);
	m0 = json_array_get(json_object_get(json_array_get(json_object_get(j, "claims"), 0),
					    "measurements"), 0);
	CHECK(!sdx__graph_withheld(m0));
	CHECK(sdx__graph_withheld_elements(j, "claims") == 1);
	/* the public reveal leaves no mark */
	free(out);
	out = NULL;
	CHECK_OK(sdx_disclosure_reveal(&out, &olen, &v, sealed, slen, NULL, 0));
	CHECK(strstr(out, "_withheld_elements") == NULL && strstr(out, "\"_sd\"") == NULL);
	json_decref(j);
	free(out);
	free(sealed);
	sdx_disclosure_list_free(&list);
}

static const struct test_case tests[] = {
	{ "a sum bound carries sum rules it names, at its limit or laxer", sum_rules },
	{ "sum and single bounds carry limits on each substance", each_rules },
	{ "the marked reveal keeps withheld places and drops known decoys", marked },
	{ NULL, NULL }
};

TEST_MAIN(tests)
