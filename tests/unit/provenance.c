/*
 * Unit tests for the provenance graph and compliance profiles: batches and
 * shipments linking to declarations, trace and where-used over shared inputs,
 * sub-assemblies, superseded and withdrawn declarations; every shipped profile
 * at, just under and just over its limits, with missing, expired and
 * unaccredited evidence.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"

/* ---- building ledgers ------------------------------------------------------------- */

struct fx {
	sdx_signer *k;
	sdx_ledger *l;
	char att[65];    /* the stored report's SHA-256 */
};

static int fx_open(struct fx *f)
{
	unsigned char seed[32] = { 7 }, h[32];
	FILE *r;

	memset(f, 0, sizeof(*f));
	remove("t.db");
	remove("t.db-wal");
	remove("t.db-shm");
	if (sdx_signer_from_seed(&f->k, "example.com/works", seed) < 0 ||
	    sdx_ledger_create(&f->l, "t.db", f->k) < 0 || !(r = fopen("report.txt", "w")))
		return -1;
	fputs("test report\n", r);
	fclose(r);
	if (sdx_ledger_begin(f->l) < 0 || sdx_ledger_attach_file(h, NULL, f->l, "report.txt") < 0 ||
	    sdx_ledger_commit(f->l) < 0)
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(f->att + 2 * i, 3, "%02x", h[i]);
	return 0;
}

static void fx_close(struct fx *f)
{
	sdx_ledger_free(f->l);
	sdx_signer_free(f->k);
}

/* Append a record (jansson object, stolen); *hex gets its leaf hash. */
static int put(struct fx *f, const char *type, json_t *rec, char hex[65])
{
	sdx_entry_info info;
	char *text = json_dumps(rec, JSON_COMPACT | JSON_REAL_PRECISION(15));
	int err;

	json_decref(rec);
	if (!text)
		return -1;
	if ((err = sdx_ledger_begin(f->l)) < 0)
		goto done;
	err = sdx_record_append(&info, f->l, f->k, type, text, strlen(text), type);
	if (err < 0) {
		sdx_ledger_rollback(f->l);
		goto done;
	}
	if ((err = sdx_ledger_commit(f->l)) < 0)
		goto done;
	if (hex)
		for (int i = 0; i < 32; i++)
			snprintf(hex + 2 * i, 3, "%02x", info.leaf_hash[i]);
done:
	free(text);
	return err;
}

static json_t *evidence(const struct fx *f, const char *issued, const char *until, int accredited,
			json_t *items)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:{s:s, s:s}}", "id", "E1",
			      "lab_name", "Test Lab", "report_number", "R-1", "issue_date", issued,
			      "valid_until", until, "test_items", items, "attachment", "sha256",
			      f->att, "media_type", "text/plain");

	if (accredited)
		json_object_set_new(e, "accreditation", json_pack("{s:s, s:s}", "body", "CNAS",
								  "number", "CNAS L1234"));
	return e;
}

static json_t *measure(const char *name, const char *cas, double v)
{
	if (v < 0)
		return json_pack("{s:s, s:s, s:b, s:f, s:s}", "substance", name, "cas_number", cas,
				 "below_detection", 1, "detection_limit", 0.5, "unit", "mg/kg");
	return json_pack("{s:s, s:s, s:f, s:f, s:s}", "substance", name, "cas_number", cas,
			 "value", v, "detection_limit", 0.5, "unit", "mg/kg");
}

/*
 * A declaration of lot L1 and L2 with a heavy-metal claim (Pb, Cd measured;
 * Hg, Cr(VI) not detected) and a phthalate claim (DEHP measured, DBP, BBP, DIBP
 * not detected), each against a loose supplier limit so the record is valid
 * whatever the values.  `opts` tweaks: "nia" adds not_intentionally_added,
 * "noacc" an unaccredited report, "formulation" makes the phthalate claim
 * formulation-based.
 */
static json_t *declaration(const struct fx *f, const char *id, double pb, double cd, double dehp,
			   const char *report_until, const char *opts)
{
	int nia = strstr(opts, "nia") != NULL, formulation = strstr(opts, "formulation") != NULL;
	json_t *hm = json_pack("[o, o, o, o]", measure("lead (Pb)", "7439-92-1", pb),
			       measure("cadmium (Cd)", "7440-43-9", cd),
			       measure("mercury (Hg)", "7439-97-6", -1),
			       measure("hexavalent chromium (Cr(VI))", "18540-29-9", -1));
	json_t *ph = json_pack("[o, o, o, o]", measure("bis(2-ethylhexyl) phthalate (DEHP)",
						       "117-81-7", dehp),
			       measure("dibutyl phthalate (DBP)", "84-74-2", -1),
			       measure("benzyl butyl phthalate (BBP)", "85-68-7", -1),
			       measure("diisobutyl phthalate (DIBP)", "84-69-5", -1));
	json_t *claims = json_pack(
		"[{s:s, s:s, s:[s], s:s, s:s, s:[s], s:o, s:{s:f, s:s, s:s, s:s}, s:[s]},"
		" {s:s, s:s, s:[s], s:s, s:s, s:o, s:{s:f, s:s, s:s, s:s}}]",
		"id", "HM", "topic", "heavy_metals", "regulations", "supplier specification",
		"conformance", "conforms", "basis", "laboratory_test", "test_methods",
		"IEC 62321-5:2013", "measurements", hm, "limit", "value", 1.0, "unit", "%",
		"applies_to", "each", "comparison", "<=", "evidence_ids", "E1",
		"id", "PH", "topic", "phthalates", "regulations", "supplier specification",
		"conformance", "conforms", "basis", "laboratory_test", "measurements", ph, "limit",
		"value", 1.0, "unit", "%", "applies_to", "each", "comparison", "<=");
	json_t *pc = json_array_get(claims, 1);

	if (formulation) {
		/* a formulation claim states no test results */
		json_object_set_new(pc, "basis", json_string("formulation"));
		json_object_del(pc, "measurements");
		json_object_del(pc, "limit");
	} else {
		json_object_set_new(pc, "test_methods", json_pack("[s]", "IEC 62321-8:2017"));
		json_object_set_new(pc, "evidence_ids", json_pack("[s]", "E1"));
	}
	if (nia) {
		json_object_set_new(json_array_get(claims, 0), "not_intentionally_added", json_true());
		json_object_set_new(pc, "not_intentionally_added", json_true());
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:[{s:s, s:s}], s:{s:s, s:s}, s:s},"
			 " s:{s:s, s:s}, s:{s:s, s:s, s:[{s:s, s:s, s:{s:i, s:s}},"
			 " {s:s, s:s, s:{s:i, s:s}}]}, s:o, s:[o]}",
			 "declaration_id", id, "issue_date", "2026-09-20", "valid_from",
			 "2026-09-20", "valid_until", "2027-09-19",
			 "supplier", "name", "Supplier Co.", "identifiers", "scheme", "DUNS", "id",
			 "123456789", "address", "street_address", "1 Road", "locality", "Ningbo",
			 "country", "CN",
			 "signatory", "name", "A. Person", "role", "QA",
			 "material", "name", "PVC compound", "supplier_part_number", "P-1", "lots",
			 "lot_number", "L1", "production_date", "2026-09-01", "quantity", "value", 10,
			 "unit", "TNE", "lot_number", "L2", "production_date", "2026-09-02",
			 "quantity", "value", 10, "unit", "TNE",
			 "claims", claims,
			 "evidence", evidence(f, "2026-09-10", report_until, !strstr(opts, "noacc"),
					      json_pack("[s, s, s, s, s, s, s, s]", "Pb", "Cd", "Hg",
							"Cr(VI)", "DEHP", "DBP", "BBP", "DIBP")));
}

static json_t *batch(const char *id, json_t *inputs, json_t *ev)
{
	json_t *b = json_pack("{s:s, s:{s:s, s:[{s:s, s:s}], s:s}, s:s, s:{s:s, s:s, s:s}, s:s,"
			      " s:{s:s, s:s}, s:{s:i, s:s}, s:o}", "format", "sdx-batch/2",
			      "manufacturer", "name", "Toy Works", "identifiers", "scheme", "DUNS",
			      "id", "123456789", "country", "CN",
			      "batch_id", id, "product", "name", "Bath toy", "hs_code", "9503.00",
			      "category", "infant_product", "production_date", "2026-10-12", "site",
			      "name", "Plant 1", "country", "CN", "quantity", "value", 1000, "unit",
			      "H87", "inputs", inputs);

	if (ev)
		json_object_set_new(b, "evidence", json_pack("[o]", ev));
	return b;
}

static json_t *input(const char *hex, const char *lot)
{
	json_t *in = json_pack("{s:s, s:{s:f, s:s}}", "entry", hex, "quantity", "value", 0.5,
			       "unit", "TNE");

	if (lot)
		json_object_set_new(in, "lot_number", json_string(lot));
	return in;
}

static json_t *shipment(const char *date, json_t *items)
{
	return json_pack("{s:s, s:{s:s, s:[{s:s, s:s}], s:s}, s:s, s:s, s:s, s:s, s:{s:s, s:s},"
			 " s:o}", "format", "sdx-shipment/2", "exporter", "name", "Export Co.",
			 "identifiers", "scheme", "DUNS", "id", "987654321", "country", "CN",
			 "shipment_id", "S-1",
			 "ship_date", date, "destination_country", "DE", "port_of_loading",
			 "CNNGB", "consignee", "name", "Buyer GmbH", "country", "DE", "items",
			 items);
}

static json_t *item(const char *hex)
{
	return json_pack("{s:s, s:s, s:{s:i, s:s}}", "batch", hex, "hs_code", "9503.00",
			 "quantity", "value", 1000, "unit", "H87");
}

/* Run a profile over REF; returns the parsed result (caller decrefs). */
static json_t *judge(struct fx *f, const char *profile, const char *ref, const char *date,
		     int *worst)
{
	sdx_graph *g = NULL;
	sdx_profile *p = NULL;
	size_t node;
	char *text = NULL;
	json_t *r = NULL;
	char path[300];

	/* the format 1 profiles these cases were written for (tests/data/profiles-v1) */
	snprintf(path, sizeof(path), "profiles-v1/%s.json", profile);
	if (sdx_profile_load(&p, strncmp(profile, "./", 2) == 0 ? profile : test_data(path)) == 0 && sdx_graph_from_ledger(&g, f->l) == 0 &&
	    sdx_graph_resolve(&node, g, ref) == 0 &&
	    sdx_profile_check(&text, worst, g, node, p, &(struct sdx_check_options){ .date = date }) == 0)
		r = json_loads(text, 0, NULL);
	free(text);
	sdx_graph_free(g);
	sdx_profile_free(p);
	return r;
}

/* The verdict and reason of the result for `rule`, first one found. */
static const char *verdict_of(const json_t *r, const char *rule, const char **reason)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(r, "results"), i, x)
		if (strcmp(json_string_value(json_object_get(x, "rule")), rule) == 0) {
			if (reason)
				*reason = json_string_value(json_object_get(x, "reason"));
			return json_string_value(json_object_get(x, "verdict"));
		}
	return "";
}

/* A ledger with one declaration (Pb, Cd, DEHP as given) in one batch and shipment. */
static int chain(struct fx *f, double pb, double cd, double dehp, const char *until,
		 const char *opts, char ship[65])
{
	char d[65], b[65];

	if (put(f, "declaration", declaration(f, "D-1", pb, cd, dehp, until, opts), d) < 0)
		return -1;
	if (put(f, "batch", batch("B-1", json_pack("[o]", input(d, "L1")), NULL), b) < 0)
		return -1;
	return put(f, "shipment", shipment("2026-11-20", json_pack("[o]", item(b))), ship);
}

/* ---- records and links ---------------------------------------------------------------- */

static void batch_inputs_must_resolve(void)
{
	struct fx f;
	char d[65], missing[65];

	CHECK_OK(fx_open(&f));
	CHECK_OK(put(&f, "declaration", declaration(&f, "D-1", 10, 1, 5, "2027-09-01", ""), d));
	memset(missing, 'a', 64);
	missing[64] = '\0';
	CHECK_ERR(put(&f, "batch", batch("B-1", json_pack("[o]", input(missing, "L1")), NULL), NULL),
		  SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "inputs[0].entry") && strstr(sdx_error_last(), missing));
	CHECK_ERR(put(&f, "batch", batch("B-1", json_pack("[o]", input(d, "L9")), NULL), NULL),
		  SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "lot 'L9' is not one of the lots"));
	CHECK_ERR(put(&f, "batch", batch("B-1", json_pack("[o]", input(d, NULL)), NULL), NULL),
		  SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "inputs[0].lot_number: required"));
	CHECK_ERR(put(&f, "shipment", shipment("2026-11-20", json_pack("[o]", item(d))), NULL),
		  SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "is a declaration, not a batch"));
	CHECK_ERR(put(&f, "batch", batch("B-1", json_pack("[o, o]", input(d, "L1"), input(d, "L1")),
					 NULL), NULL), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "the same entry and lot as inputs[0]"));
	fx_close(&f);
}

/* ---- trace and where-used ------------------------------------------------------------- */

static void trace_shared_inputs_and_subassemblies(void)
{
	struct fx f;
	char d[65], b1[65], b2[65], b3[65], s[65], *text = NULL;
	sdx_graph *g = NULL;
	size_t node;
	json_t *t, *r;

	CHECK_OK(fx_open(&f));
	CHECK_OK(put(&f, "declaration", declaration(&f, "D-1", 10, 1, 5, "2027-09-01", ""), d));
	/* b1: a sub-assembly; b2 uses b1 and the same declaration lot again; b3 shares lot L2 */
	CHECK_OK(put(&f, "batch", batch("B-1", json_pack("[o]", input(d, "L1")), NULL), b1));
	CHECK_OK(put(&f, "batch", batch("B-2", json_pack("[o, o]", input(b1, NULL), input(d, "L1")),
					NULL), b2));
	CHECK_OK(put(&f, "batch", batch("B-3", json_pack("[o]", input(d, "L2")), NULL), b3));
	CHECK_OK(put(&f, "shipment", shipment("2026-11-20", json_pack("[o, o]", item(b2), item(b3))),
		     s));
	CHECK_OK(sdx_graph_from_ledger(&g, f.l));
	CHECK(sdx_graph_size(g) == 5);
	CHECK_OK(sdx_graph_resolve(&node, g, s));
	CHECK_OK(sdx_graph_trace(&text, g, node));
	CHECK((t = json_loads(text, 0, NULL)) != NULL);
	free(text);
	CHECK_STR(json_string_value(json_object_get(t, "type")), "shipment");
	CHECK_STR(json_string_value(json_object_get(t, "status")), "ok");
	/* shipment -> B-2 -> B-1 -> D-1, and B-2's second input D-1 is shown as a repeat */
	r = json_object_get(json_array_get(json_object_get(t, "inputs"), 0), "record");
	CHECK_STR(json_string_value(json_object_get(r, "batch_id")), "B-2");
	CHECK(json_array_size(json_object_get(r, "inputs")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_object_get(
		json_array_get(json_object_get(r, "inputs"), 0), "record"), "batch_id")), "B-1");
	CHECK(json_is_true(json_object_get(json_object_get(
		json_array_get(json_object_get(r, "inputs"), 1), "record"), "repeat")));
	json_decref(t);
	/* where-used: lot L1 reached B-1, B-2 and the shipment, not B-3 */
	CHECK_OK(sdx_graph_where_used(&text, g, SIZE_MAX, "L1"));
	CHECK((t = json_loads(text, 0, NULL)) != NULL);
	free(text);
	CHECK(json_array_size(json_object_get(t, "used_by")) == 3);
	{
		size_t i;
		json_t *x;
		int saw_b3 = 0, saw_ship = 0;
		json_array_foreach(json_object_get(t, "used_by"), i, x) {
			const char *id = json_string_value(json_object_get(x, "batch_id"));
			if (id && strcmp(id, "B-3") == 0)
				saw_b3 = 1;
			if (json_object_get(x, "shipment_id"))
				saw_ship = 1;
		}
		CHECK(!saw_b3 && saw_ship);
	}
	json_decref(t);
	/* where-used of the declaration itself: all four downstream records */
	CHECK_OK(sdx_graph_resolve(&node, g, d));
	CHECK_OK(sdx_graph_where_used(&text, g, node, NULL));
	CHECK((t = json_loads(text, 0, NULL)) != NULL);
	free(text);
	CHECK(json_array_size(json_object_get(t, "used_by")) == 4);
	json_decref(t);
	sdx_graph_free(g);
	fx_close(&f);
}

static void withdrawn_and_superseded(void)
{
	struct fx f;
	char d1[65], d2[65], d3[65], b[65], b2[65], s[65], *text = NULL;
	sdx_graph *g = NULL;
	size_t node;
	json_t *t, *w, *r;
	int worst;
	const char *why;

	CHECK_OK(fx_open(&f));
	CHECK_OK(put(&f, "declaration", declaration(&f, "D-1", 150, 1, 5, "2027-09-01", ""), d1));
	CHECK_OK(put(&f, "declaration", declaration(&f, "D-3", 10, 1, 5, "2027-09-01", ""), d3));
	CHECK_OK(put(&f, "batch", batch("B-1", json_pack("[o]", input(d1, "L1")), NULL), b));
	CHECK_OK(put(&f, "batch", batch("B-2", json_pack("[o]", input(d3, "L1")), NULL), b2));
	CHECK_OK(put(&f, "shipment", shipment("2026-11-20", json_pack("[o, o]", item(b), item(b2))),
		     s));
	/* D-1 (Pb 150) fails the EU packaging sum ... */
	CHECK((r = judge(&f, "eu-packaging-heavy-metals", s, NULL, &worst)) != NULL);
	CHECK(worst == SDX_VERDICT_FAIL);
	json_decref(r);
	/* ... until a corrected declaration supersedes it: then the correction is judged */
	t = declaration(&f, "D-2", 40, 1, 5, "2027-09-01", "");
	json_object_set_new(t, "supersedes", json_string(d1));
	CHECK_OK(put(&f, "declaration", t, d2));
	CHECK((r = judge(&f, "eu-packaging-heavy-metals", s, NULL, &worst)) != NULL);
	CHECK(worst == SDX_VERDICT_PASS);
	CHECK_STR(verdict_of(r, "heavy-metals-sum", &why), "pass");
	CHECK(strstr(why, "as corrected by declaration D-2"));
	json_decref(r);
	CHECK_OK(sdx_graph_from_ledger(&g, f.l));
	CHECK_OK(sdx_graph_resolve(&node, g, s));
	CHECK_OK(sdx_graph_trace(&text, g, node));
	CHECK(strstr(text, "\"status\":\"superseded\""));
	free(text);
	sdx_graph_free(g);
	/* D-3 withdrawn from 2026-11-01: B-2 and the shipment are affected, the check fails */
	w = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "withdraws", d3, "reason_code",
		      "nonconformity_found", "reason", "Retest found lead over the limit.",
		      "effective_date", "2026-11-01", "signatory", "name", "A. Person", "role", "QA");
	CHECK_OK(put(&f, "withdrawal", w, NULL));
	CHECK_OK(sdx_graph_from_ledger(&g, f.l));
	CHECK_OK(sdx_graph_resolve(&node, g, s));
	CHECK_OK(sdx_graph_trace(&text, g, node));
	CHECK((t = json_loads(text, 0, NULL)) != NULL);
	free(text);
	CHECK_STR(json_string_value(json_object_get(t, "status")), "affected");
	CHECK_STR(json_string_value(json_object_get(json_object_get(
		json_array_get(json_object_get(t, "inputs"), 1), "record"), "status")), "affected");
	json_decref(t);
	sdx_graph_free(g);
	CHECK((r = judge(&f, "eu-packaging-heavy-metals", s, NULL, &worst)) != NULL);
	CHECK(worst == SDX_VERDICT_FAIL);
	{
		char *dumped = json_dumps(r, 0);
		int found = dumped && strstr(dumped, "was withdrawn by its supplier from 2026-11-01");
		free(dumped);
		json_decref(r);
		CHECK(found);
	}
	/* judged before the withdrawal took effect, D-3 still passes */
	CHECK((r = judge(&f, "eu-packaging-heavy-metals", s, "2026-10-31", &worst)) != NULL);
	CHECK(worst == SDX_VERDICT_PASS);
	json_decref(r);
	fx_close(&f);
}

/* ---- profiles at their limits ------------------------------------------------------------- */

static const char *one(double pb, double cd, double dehp, const char *until, const char *opts,
		       const char *profile, const char *rule, const char *date)
{
	static char verdict[16];
	struct fx f;
	char s[65];
	json_t *r;
	int worst;

	verdict[0] = '\0';
	if (fx_open(&f) < 0 || chain(&f, pb, cd, dehp, until, opts, s) < 0) {
		fx_close(&f);
		return "error";
	}
	if ((r = judge(&f, profile, s, date, &worst)) != NULL)
		snprintf(verdict, sizeof(verdict), "%s", verdict_of(r, rule, NULL));
	json_decref(r);
	fx_close(&f);
	return verdict;
}

static void eu_packaging_limits(void)
{
	/* Pb + Cd <= 100 mg/kg; Hg and Cr(VI) not detected count as 0 */
	CHECK_STR(one(90, 9.9, 5, "2027-09-01", "", "eu-packaging-heavy-metals", "heavy-metals-sum", NULL), "pass");
	CHECK_STR(one(90, 10, 5, "2027-09-01", "", "eu-packaging-heavy-metals", "heavy-metals-sum", NULL), "pass");
	CHECK_STR(one(90, 10.1, 5, "2027-09-01", "", "eu-packaging-heavy-metals", "heavy-metals-sum", NULL), "fail");
}

static void us_tpch_limits_and_nia(void)
{
	CHECK_STR(one(99, 1, 5, "2027-09-01", "nia", "us-toxics-in-packaging", "heavy-metals-sum", NULL), "pass");
	CHECK_STR(one(99, 1.5, 5, "2027-09-01", "nia", "us-toxics-in-packaging", "heavy-metals-sum", NULL), "fail");
	CHECK_STR(one(10, 1, 5, "2027-09-01", "nia", "us-toxics-in-packaging", "heavy-metals-nia", NULL), "pass");
	CHECK_STR(one(10, 1, 5, "2027-09-01", "", "us-toxics-in-packaging", "heavy-metals-nia", NULL), "unknown");
	/* no PFAS claim at all */
	CHECK_STR(one(10, 1, 5, "2027-09-01", "nia", "us-toxics-in-packaging", "pfas-nia", NULL), "unknown");
}

static void reach_phthalate_limits(void)
{
	/* entry 51: DEHP + DBP + BBP + DIBP < 0.1 % = 1000 mg/kg */
	CHECK_STR(one(10, 1, 999, "2027-09-01", "", "reach-phthalates", "entry-51", NULL), "pass");
	CHECK_STR(one(10, 1, 1000, "2027-09-01", "", "reach-phthalates", "entry-51", NULL), "fail");
	CHECK_STR(one(10, 1, 1001, "2027-09-01", "", "reach-phthalates", "entry-51", NULL), "fail");
	/* entry 52 substances are not measured */
	CHECK_STR(one(10, 1, 5, "2027-09-01", "", "reach-phthalates", "entry-52", NULL), "unknown");
	/* values from the recipe, not a lab test, are not enough */
	CHECK_STR(one(10, 1, 5, "2027-09-01", "formulation", "reach-phthalates", "entry-51", NULL), "unknown");
}

static void cpsia_limits_and_evidence(void)
{
	CHECK_STR(one(99.9, 1, 5, "2027-09-01", "", "us-cpsia", "lead-substrate", NULL), "pass");
	CHECK_STR(one(100, 1, 5, "2027-09-01", "", "us-cpsia", "lead-substrate", NULL), "pass");
	CHECK_STR(one(100.1, 1, 5, "2027-09-01", "", "us-cpsia", "lead-substrate", NULL), "fail");
	/* the report expired before the ship date: the value cannot be relied on */
	CHECK_STR(one(50, 1, 5, "2026-11-19", "", "us-cpsia", "lead-substrate", NULL), "unknown");
	CHECK_STR(one(50, 1, 5, "2026-11-20", "", "us-cpsia", "lead-substrate", NULL), "pass");
	/* no accreditation named */
	CHECK_STR(one(50, 1, 5, "2027-09-01", "noacc", "us-cpsia", "lead-substrate", NULL), "unknown");
	/* only four of the eight phthalates measured */
	CHECK_STR(one(50, 1, 5, "2027-09-01", "", "us-cpsia", "phthalates-8", NULL), "unknown");
	/* ... but one measured over the limit fails whatever is missing */
	CHECK_STR(one(50, 1, 1000.5, "2027-09-01", "", "us-cpsia", "phthalates-8", NULL), "fail");
}

/*
 * A profile of two substance_each rules: lead and cadmium each with a limit of
 * its own (as EN 71-3 has one per element), and a rule whose two substances a
 * line can both name ("hexavalent chromium (Cr(VI))" names "chromium" too).
 */
static const char own_limits_profile[] =
	"{\"format\":\"sdx-profile/2\",\"name\":\"own\",\"title\":\"t\",\"sources\":[\"s\"],\"rules\":["
	"{\"id\":\"own\",\"title\":\"t\",\"regulation\":\"g\",\"applies_to\":\"declaration\","
	"\"check\":\"substance_each\",\"substances\":["
	"{\"name\":\"lead (Pb)\",\"cas\":\"7439-92-1\",\"limit\":{\"value\":23,\"unit\":\"mg/kg\",\"comparison\":\"<=\"}},"
	"{\"name\":\"cadmium (Cd)\",\"cas\":\"7440-43-9\",\"limit\":{\"value\":0.0017,\"unit\":\"%\",\"comparison\":\"<\"}}]},"
	"{\"id\":\"closest\",\"title\":\"t\",\"regulation\":\"g\",\"applies_to\":\"declaration\","
	"\"check\":\"substance_each\",\"limit\":{\"value\":1,\"unit\":\"%\",\"comparison\":\"<=\"},\"substances\":["
	"{\"name\":\"chromium\"},{\"name\":\"hexavalent chromium\"}]}]}";

static int write_file(const char *path, const char *text)
{
	FILE *out = fopen(path, "w");

	if (!out)
		return -1;
	fputs(text, out);
	return fclose(out);
}

/* The verdict and reason of `rule` for a chain with lead and cadmium as given. */
static const char *own_one(double pb, double cd, const char *rule, char *reason, size_t cap)
{
	static char verdict[16];
	struct fx f;
	char s[65];
	const char *why = "";
	json_t *r;
	int worst;

	verdict[0] = reason[0] = '\0';
	if (fx_open(&f) < 0 || chain(&f, pb, cd, 5, "2027-09-01", "", s) < 0) {
		fx_close(&f);
		return "error";
	}
	if ((r = judge(&f, "./own-limits.json", s, NULL, &worst)) != NULL) {
		snprintf(verdict, sizeof(verdict), "%s", verdict_of(r, rule, &why));
		snprintf(reason, cap, "%s", why ? why : "");
	}
	json_decref(r);
	fx_close(&f);
	return verdict;
}

static void own_limits_and_closest_name(void)
{
	char why[600];
	sdx_profile *p = NULL;

	CHECK(write_file("own-limits.json", own_limits_profile) == 0);
	/* lead <= 23 mg/kg, cadmium < 0.0017 % (17 mg/kg): each its own limit and unit */
	CHECK_STR(own_one(23, 16.9, "own", why, sizeof(why)), "pass");
	CHECK(strstr(why, "lead (Pb) 23 mg/kg, cadmium (Cd) 0.00169 %") != NULL);
	CHECK_STR(own_one(23.5, 16.9, "own", why, sizeof(why)), "fail");
	CHECK(strstr(why, "lead (Pb) 23.5 mg/kg over its limit (<= 23 mg/kg)") != NULL);
	CHECK(strstr(why, "cadmium") == NULL);
	CHECK_STR(own_one(23, 17, "own", why, sizeof(why)), "fail");
	CHECK(strstr(why, "cadmium (Cd) 0.0017 % over its limit (< 0.0017 %)") != NULL);
	/* "hexavalent chromium (Cr(VI))" is a value for hexavalent chromium, not for chromium */
	CHECK_STR(own_one(1, 1, "closest", why, sizeof(why)), "unknown");
	CHECK(strstr(why, "no reliable value for chromium") != NULL);
	CHECK(strstr(why, "hexavalent") == NULL);
	/* a limit per substance is for substance_each only; without any limit a rule is refused */
	CHECK(write_file("sum-own.json", "{\"format\":\"sdx-profile/2\",\"name\":\"x\",\"title\":\"x\","
			 "\"sources\":[\"s\"],\"rules\":[{\"id\":\"r\",\"title\":\"t\",\"regulation\":\"g\","
			 "\"applies_to\":\"declaration\",\"check\":\"substance_sum\",\"limit\":{\"value\":1,"
			 "\"unit\":\"%\",\"comparison\":\"<\"},\"substances\":[{\"name\":\"a\",\"limit\":"
			 "{\"value\":1,\"unit\":\"%\",\"comparison\":\"<\"}}]}]}") == 0);
	CHECK_ERR(sdx_profile_load(&p, "./sum-own.json"), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "rules[0]") != NULL);
	CHECK(write_file("each-none.json", "{\"format\":\"sdx-profile/2\",\"name\":\"x\",\"title\":\"x\","
			 "\"sources\":[\"s\"],\"rules\":[{\"id\":\"r\",\"title\":\"t\",\"regulation\":\"g\","
			 "\"applies_to\":\"declaration\",\"check\":\"substance_each\",\"substances\":["
			 "{\"name\":\"a\",\"limit\":{\"value\":1,\"unit\":\"%\",\"comparison\":\"<\"}},"
			 "{\"name\":\"b\"}]}]}") == 0);
	CHECK_ERR(sdx_profile_load(&p, "./each-none.json"), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "rules[0]") != NULL);
}

static void food_contact_doc(void)
{
	struct fx f;
	sdx_ledger *l;
	char *pp;
	size_t len;
	char hex[65];
	sdx_entry_info info;
	json_t *r, *j;
	const char *why;
	int worst;

	CHECK_OK(fx_open(&f));
	l = f.l;
	CHECK((pp = test_read_file(test_data("../../examples/data/pp-food-contact-declaration.json"),
				   &len)) != NULL);
	CHECK_OK(sdx_ledger_begin(l));
	CHECK_OK(sdx_ledger_attach_file(NULL, NULL, l,
					test_data("../../examples/data/reports/" "pp-migration-report-2026-0802.txt")));
	CHECK_OK(sdx_record_append(&info, l, f.k, "declaration", pp, len, "pp"));
	CHECK_OK(sdx_ledger_commit(l));
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", info.leaf_hash[i]);
	CHECK((r = judge(&f, "eu-food-contact-plastics", hex, "2026-11-20", &worst)) != NULL);
	CHECK_STR(verdict_of(r, "doc-10-2011", NULL), "pass");
	json_decref(r);
	/* the same declaration without its dual-use additives list */
	CHECK((j = json_loadb(pp, len, 0, NULL)) != NULL);
	json_object_del(json_object_get(json_array_get(json_object_get(j, "claims"), 0),
					"food_contact"), "dual_use_additives");
	json_object_set_new(j, "declaration_id", json_string("CW-DoC-2"));
	CHECK_OK(put(&f, "declaration", j, hex));
	CHECK((r = judge(&f, "eu-food-contact-plastics", hex, "2026-11-20", &worst)) != NULL);
	CHECK_STR(verdict_of(r, "doc-10-2011", &why), "unknown");
	CHECK(strstr(why, "claim FC-EU lacks dual_use_additives") != NULL);
	json_decref(r);
	free(pp);
	fx_close(&f);
}

static void green_clearance_report_age(void)
{
	struct fx f;
	char d[65], b[65], s[65];
	json_t *r, *items = json_pack("[s, s, s, s, s, s, s, s, s, s, s]", "Pb", "Cd", "Hg", "Cr(VI)",
				      "DEHP", "DBP", "BBP", "DIBP", "DINP", "DIDP", "DNOP");
	const char *why;
	int worst;

	CHECK_OK(fx_open(&f));
	CHECK_OK(put(&f, "declaration", declaration(&f, "D-1", 10, 1, 5, "2027-09-01", ""), d));
	/* issued 2026-08-22: 90 days before 2026-11-20 */
	CHECK_OK(put(&f, "batch", batch("B-1", json_pack("[o]", input(d, "L1")),
					evidence(&f, "2026-08-22", "2027-08-21", 1, json_deep_copy(items))),
		     b));
	CHECK_OK(put(&f, "shipment", shipment("2026-11-20", json_pack("[o]", item(b))), s));
	CHECK((r = judge(&f, "cn-green-clearance-infant", s, NULL, &worst)) != NULL);
	CHECK_STR(verdict_of(r, "full-test-report", &why), "pass");
	CHECK(strstr(why, "90 days before 2026-11-20"));
	json_decref(r);
	/* one day later the report is 91 days old */
	CHECK((r = judge(&f, "cn-green-clearance-infant", s, "2026-11-21", &worst)) != NULL);
	CHECK_STR(verdict_of(r, "full-test-report", &why), "unknown");
	CHECK(strstr(why, "91 days before"));
	CHECK(worst == SDX_VERDICT_UNKNOWN);
	json_decref(r);
	/* a report missing a test item */
	json_array_remove(items, 10);
	CHECK_OK(put(&f, "batch", batch("B-2", json_pack("[o]", input(d, "L2")),
					evidence(&f, "2026-11-01", "2027-08-21", 1, json_deep_copy(items))),
		     b));
	CHECK((r = judge(&f, "cn-green-clearance-infant", b, "2026-11-20", &worst)) != NULL);
	CHECK_STR(verdict_of(r, "full-test-report", &why), "unknown");
	CHECK(strstr(why, "does not cover DNOP"));
	json_decref(r);
	/* unaccredited */
	json_array_append_new(items, json_string("DNOP"));
	CHECK_OK(put(&f, "batch", batch("B-3", json_pack("[o]", input(d, "L2")),
					evidence(&f, "2026-11-01", "2027-08-21", 0, json_deep_copy(items))),
		     b));
	CHECK((r = judge(&f, "cn-green-clearance-infant", b, "2026-11-20", &worst)) != NULL);
	CHECK_STR(verdict_of(r, "full-test-report", &why), "unknown");
	CHECK(strstr(why, "names no accreditation"));
	json_decref(r);
	json_decref(items);
	fx_close(&f);
}

static void profiles_load_and_refuse(void)
{
	sdx_profile *p = NULL;
	const char *name;
	size_t i;
	FILE *out;

	for (i = 0; (name = sdx_profile_builtin(i)); i++) {
		CHECK_OK(sdx_profile_load(&p, name));
		CHECK_STR(sdx_profile_name(p), name);
		sdx_profile_free(p);
	}
	CHECK(i >= 6);
	CHECK_ERR(sdx_profile_load(&p, "no-such-profile"), SDX_ENOTFOUND);
	out = fopen("bad.json", "w");
	CHECK(out != NULL);
	fputs("{\"format\":\"sdx-profile/1\",\"name\":\"x\",\"title\":\"x\",\"sources\":[\"s\"],"
	      "\"rules\":[{\"id\":\"r\",\"title\":\"t\",\"regulation\":\"g\",\"applies_to\":"
	      "\"declaration\",\"check\":\"substance_sum\"}]}", out);
	fclose(out);
	CHECK_ERR(sdx_profile_load(&p, "./bad.json"), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "'./bad.json'") && strstr(sdx_error_last(), "rules[0]"));
}

static const struct test_case tests[] = {
	{ "batch inputs must resolve", batch_inputs_must_resolve },
	{ "trace: shared inputs and sub-assemblies; where-used", trace_shared_inputs_and_subassemblies },
	{ "withdrawn and superseded declarations", withdrawn_and_superseded },
	{ "EU packaging: at, under, over 100 mg/kg", eu_packaging_limits },
	{ "US TPCH: sum and not intentionally added", us_tpch_limits_and_nia },
	{ "REACH 51/52: at, under, over 0.1 %", reach_phthalate_limits },
	{ "CPSIA: limits, expired and unaccredited evidence", cpsia_limits_and_evidence },
	{ "substance_each: a limit per substance; a line counts for the closest name", own_limits_and_closest_name },
	{ "EU 10/2011: declaration of compliance contents", food_contact_doc },
	{ "green clearance: report age, items, accreditation", green_clearance_report_age },
	{ "profiles load, bad ones are refused", profiles_load_and_refuse },
	{ NULL, NULL }
};

TEST_MAIN(tests)
