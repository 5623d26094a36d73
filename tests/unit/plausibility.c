/*
 * tests/unit/plausibility.c - the pure parts of formats/plausibility.md and
 * of a party contradicting itself: units compared by the data table, a
 * party's two records compared (values, renewals, topics), evidence cited by
 * file name filled in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"
#include "formats/graph/attribution.h"
#include "formats/rules/units.h"

static void units(void)
{
	static const struct { const char *from, *to; int ok; double ratio; } cases[] = {
		{ "TNE", "KGM", 1, 1000 }, { "KGM", "TNE", 1, 0.001 }, { "GRM", "KGM", 1, 0.001 },
		{ "LBR", "KGM", 1, 0.45359237 }, { "KMT", "MTR", 1, 1000 }, { "LTR", "MTQ", 1, 0.001 },
		{ "H87", "C62", 1, 1 }, { "KGM", "KGM", 1, 1 },
		/* no mass per piece is known: never compared */
		{ "H87", "KGM", 0, 0 }, { "TNE", "H87", 0, 0 }, { "MTR", "MTK", 0, 0 },
		{ "KGM", "XYZ", 0, 0 }, { "mg/kg", "KGM", 0, 0 },
	};
	double r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int ok = sdx__unit_ratio(&r, cases[i].from, cases[i].to);
		CHECK(ok == cases[i].ok);
		CHECK(!ok || (r > cases[i].ratio * (1 - 1e-12) && r < cases[i].ratio * (1 + 1e-12)));
	}
	CHECK(sdx__unit_ratio(&r, NULL, "KGM") == 0);
}

/* A declaration of lot L1 valid FROM to UNTIL with one lead claim of VALUE
 * mg/kg (topic TOPIC). */
static json_t *decl(const char *id, const char *from, const char *until, const char *topic,
		    double value)
{
	return json_pack("{s:s, s:s, s:s, s:{s:[{s:s}]}, s:[{s:s, s:s, s:s, s:[{s:s, s:s, s:f, s:s}]}]}",
			 "declaration_id", id, "valid_from", from, "valid_until", until,
			 "material", "lots", "lot_number", "L1",
			 "claims", "id", "C1", "topic", topic, "conformance", "conforms",
			 "measurements", "substance", "lead (Pb)", "cas_number", "7439-92-1",
			 "value", value, "unit", "mg/kg");
}

static void self_contradiction(void)
{
	const struct sdx__sides sides = { "D2", "D1", 1 };
	json_t *d1 = decl("D1", "2026-09-20", "2027-09-16", "heavy_metals", 12.4);
	json_t *d2 = decl("D2", "2026-09-25", "2027-09-16", "heavy_metals", 30);
	json_t *renewal = decl("D3", "2027-09-17", "2028-09-16", "heavy_metals", 30);
	json_t *same = decl("D4", "2026-09-25", "2027-09-16", "heavy_metals", 12.4);
	json_t *other = decl("D5", "2026-09-25", "2027-09-16", "phthalates", 30);
	json_t *doc = decl("D1", "2027-09-17", "2028-09-16", "heavy_metals", 30);
	char why[400];

	CHECK(sdx__statement_conflict(why, sizeof(why), d2, d1, &sides) == 1);
	CHECK(strstr(why, "30 mg/kg in D2, 12.4 mg/kg in D1") != NULL);
	/* an annual renewal: validity not overlapping */
	CHECK(sdx__statement_conflict(why, sizeof(why), renewal, d1, &sides) == 0);
	/* the same values, or another topic of the lot */
	CHECK(sdx__statement_conflict(why, sizeof(why), same, d1, &sides) == 0);
	CHECK(sdx__statement_conflict(why, sizeof(why), other, d1, &sides) == 0);
	/* one document id over two years is about the same thing for a restatement,
	 * not for a party's own two records of it */
	CHECK(sdx__statement_conflict(why, sizeof(why), doc, d1, NULL) == 1);
	CHECK(sdx__statement_conflict(why, sizeof(why), doc, d1, &sides) == 0);
	json_decref(d1);
	json_decref(d2);
	json_decref(renewal);
	json_decref(same);
	json_decref(other);
	json_decref(doc);
}

static void fill_by_name(void)
{
	const char *json = "{\"evidence\": [{\"id\": \"E1\", \"attachment\": {\"file_name\": "
			   "\"r.pdf\"}}, {\"id\": \"E2\", \"attachment\": {\"sha256\": \"ab\"}}]}";
	const char *files[] = { "reports/q.pdf", "reports/r.pdf" };
	unsigned char hashes[2][32];
	char *out = NULL, hex[65];
	size_t len = 0;
	json_t *j;

	memset(hashes[0], 0x11, 32);
	memset(hashes[1], 0x22, 32);
	CHECK_OK(sdx_record_fill_attachments(&out, &len, "declaration", json, strlen(json), files,
					     (const unsigned char (*)[32])hashes, 2, "'d.json'"));
	CHECK(out && len == strlen(out));
	j = json_loads(out ? out : "", 0, NULL);
	test_hex(hex, hashes[1]);
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(
		json_object_get(j, "evidence"), 0), "attachment"), "sha256")), hex);
	/* a hash given is left as it is: the append judges it */
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(
		json_object_get(j, "evidence"), 1), "attachment"), "sha256")), "ab");
	json_decref(j);
	free(out);
	/* no file of that name */
	CHECK_ERR(sdx_record_fill_attachments(&out, &len, "declaration", json, strlen(json), files,
					      (const unsigned char (*)[32])hashes, 1, "'d.json'"),
		  SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "'d.json': evidence[0].attachment: cites 'r.pdf'") != NULL);
	CHECK(out == NULL);
	/* nothing to fill, or not JSON: nothing returned, no error */
	CHECK_OK(sdx_record_fill_attachments(&out, &len, "declaration", "{}", 2, files,
					     (const unsigned char (*)[32])hashes, 2, "x"));
	CHECK(out == NULL);
	CHECK_OK(sdx_record_fill_attachments(&out, &len, "declaration", "{", 1, files,
					     (const unsigned char (*)[32])hashes, 2, "x"));
	CHECK(out == NULL);
}

static const struct test_case tests[] = {
	{ "units compare by the data table, pieces never with mass", units },
	{ "a party's two records: values differ over a shared validity; not a renewal, "
	  "another topic or the same values", self_contradiction },
	{ "evidence cited by file name gets the --attach file's SHA-256", fill_by_name },
	{ NULL, NULL }
};

TEST_MAIN(tests)
