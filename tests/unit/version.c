/*
 * Unit tests for record versions (formats/records/version.c): which schema
 * judges a body, which versions are written, the rules version 2 adds, and a
 * batch's supersedes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"

#define DECL "../../examples/data/pvc-compound-declaration.json"
#define REPORT "../../examples/data/reports/cnas-l1234-report-2026-0917.txt"
#define LOT "HX2609-0418"
#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* ---- helpers ---------------------------------------------------------------------------- */

static json_t *load(const char *rel)
{
	size_t len = 0;
	char *text = test_read_file(test_data(rel), &len);
	json_t *j = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	free(text);
	return j;
}

/* Every input's or item's `field` set to hex (the example files hold placeholders). */
static void fill(json_t *j, const char *array, const char *field, const char *hex)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(j, array), i, x)
		json_object_set_new(x, field, json_string(hex));
}

static char *text_of(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT);
}

/* sdx_record_validate() of j (not consumed): 0 or the error. */
static int validate(const char *type, const json_t *j)
{
	char *s = text_of(j);
	int rc = s ? sdx_record_validate(type, s, strlen(s)) : SDX_ENOMEM;

	free(s);
	return rc;
}

/* Fail unless validating j (consumed) gives `code` with a message starting `msg`. */
static int refused(const char *type, json_t *j, int code, const char *msg)
{
	int rc = validate(type, j);
	int ok = rc == code && strncmp(sdx_error_last(), msg, strlen(msg)) == 0;

	json_decref(j);
	if (!ok) {
		fprintf(stderr, "# got %d '%s', wanted %d '%s'\n", rc, sdx_error_last(), code, msg);
		return 0;
	}
	return 1;
}

/* A version 2 batch of `lot` of entry hex, as examples/data has it less its report. */
static json_t *batch_v2(const char *hex)
{
	json_t *b = load("../../examples/data/bath-duck-batch.json");

	if (!b)
		return NULL;
	json_object_del(b, "evidence");
	json_array_remove(json_object_get(b, "inputs"), 2);
	json_array_remove(json_object_get(b, "inputs"), 1);
	fill(b, "inputs", "entry", hex);
	json_object_set_new(json_array_get(json_object_get(b, "inputs"), 0), "lot_number",
			    json_string(LOT));
	return b;
}

static json_t *manufacturer(void)
{
	return json_pack("{s:s, s:[{s:s, s:s}], s:s}", "name", "Cixi Toys", "identifiers",
			 "scheme", "USCI", "id", "91330282MA2CX7LH5B", "country", "CN");
}

struct fx {
	sdx_signer *k;
	sdx_ledger *l;
	char decl[65];
};

/* A ledger holding the PVC declaration (version 2) and its report. */
static int fx_open(struct fx *f)
{
	return test_ledger_declared(&f->l, &f->k, "example.com/works", 11, DECL, REPORT, f->decl);
}

static void fx_close(struct fx *f)
{
	sdx_ledger_free(f->l);
	sdx_signer_free(f->k);
}

/* Append j (consumed) as `type`; 0 or the error; the leaf hash in out_hex if given. */
static int append(struct fx *f, const char *type, json_t *j, char out_hex[65])
{
	sdx_entry_info info;
	char *s = j ? text_of(j) : NULL;
	int err;

	json_decref(j);
	if (!s)
		return SDX_ENOMEM;
	if ((err = sdx_ledger_begin(f->l)) == 0) {
		err = sdx_record_append(&info, f->l, f->k, type, s, strlen(s), type);
		if (err == 0)
			err = sdx_ledger_commit(f->l);
		else
			sdx_ledger_rollback(f->l);
	}
	free(s);
	if (err == 0 && out_hex)
		test_hex(out_hex, info.leaf_hash);
	return err;
}

/* ---- which schema ------------------------------------------------------------------------ */

/* The example declarations below `dir` validate, of `version` (1: no format). */
static int declarations_validate(const char *dir, int version)
{
	static const char *const decls[] = { "pvc-compound", "pvc-toy-grade", "pigment",
					     "yellow-pigment", "pp-food-contact" };
	const char *format;
	char rel[200];
	json_t *j;
	int ok = 1;

	for (size_t i = 0; i < sizeof(decls) / sizeof(decls[0]) && ok; i++) {
		snprintf(rel, sizeof(rel), "%s/%s-declaration.json", dir, decls[i]);
		if (!(j = load(rel)))
			return 0;
		format = json_string_value(json_object_get(j, "format"));
		ok = (version == 1 ? !format : format && strcmp(format, "sdx-declaration/2") == 0) &&
		     validate("declaration", j) == 0;
		json_decref(j);
	}
	return ok;
}

static void version1_records_still_validate(void)
{
	json_t *j;

	CHECK(declarations_validate("v1-records", 1));
	CHECK((j = load("v1-records/bath-duck-batch.json")) != NULL);
	fill(j, "inputs", "entry", HEX_A);
	CHECK_OK(validate("batch", j));
	json_decref(j);
	CHECK((j = load("v1-records/shipment.json")) != NULL);
	fill(j, "items", "batch", HEX_A);
	CHECK_OK(validate("shipment", j));
	json_decref(j);
}

static void version2_examples_validate(void)
{
	json_t *j;

	CHECK(declarations_validate("../../examples/data", 2));
	CHECK((j = load("../../examples/data/bath-duck-batch.json")) != NULL);
	fill(j, "inputs", "entry", HEX_A);
	CHECK_OK(validate("batch", j));
	json_decref(j);
}

static void format_selects_the_schema(void)
{
	json_t *j;

	/* a version 2 member in a version 1 body is the version 1 schema's to refuse */
	CHECK((j = load("v1-records/bath-duck-batch.json")) != NULL);
	fill(j, "inputs", "entry", HEX_A);
	json_object_set_new(j, "manufacturer", manufacturer());
	CHECK(refused("batch", j, SDX_ESCHEMA, "batch: unexpected field 'manufacturer'"));
	/* version 2 requires what version 1 lacks; messages name the type, not the schema */
	CHECK((j = load("v1-records/bath-duck-batch.json")) != NULL);
	fill(j, "inputs", "entry", HEX_A);
	json_object_set_new(j, "format", json_string("sdx-batch/2"));
	CHECK(refused("batch", j, SDX_ESCHEMA, "batch: missing required field 'manufacturer'"));
	CHECK((j = load("v1-records/shipment.json")) != NULL);
	fill(j, "items", "batch", HEX_A);
	json_object_set_new(j, "format", json_string("sdx-shipment/2"));
	CHECK(refused("shipment", j, SDX_ESCHEMA, "shipment: missing required field 'exporter'"));
	CHECK((j = batch_v2(HEX_A)) != NULL);
	json_object_set_new(json_array_get(json_object_get(j, "inputs"), 0), "role",
			    json_string("paint"));
	CHECK(refused("batch", j, SDX_ESCHEMA, "batch: inputs[0].role: 'paint' is not one of"));
	/* a declaration of either version */
	CHECK((j = load(DECL)) != NULL);
	json_object_del(j, "format");
	json_object_del(json_object_get(j, "material"), "classes");
	json_object_del(json_array_get(json_object_get(j, "evidence"), 0), "standards");
	CHECK_OK(validate("declaration", j));
	json_decref(j);
}

static void formats_not_read(void)
{
	static const struct {
		const char *type, *format; /* format NULL: the number 2 */
		const char *msg;
	} cases[] = {
		{ "batch", "sdx-batch/4",
		  "batch: format: 'sdx-batch/4' is not a version this sdx reads (1, 2, 3)" },
		{ "batch", "sdx-shipment/2",
		  "batch: format: 'sdx-shipment/2' is the format of a shipment, not of a batch" },
		{ "batch", "sdx-batch/1",
		  "batch: format: 'sdx-batch/1': a version 1 record has no format member; leave it "
		  "out" },
		{ "batch", "sdx-batch/02",
		  "batch: format: 'sdx-batch/02' is not a version this sdx reads (1, 2, 3)" },
		{ "batch", "sdx-invoice/2",
		  "batch: format: 'sdx-invoice/2' is not a format of a batch; expected \"sdx-batch/3\"" },
		{ "batch", "batch/2",
		  "batch: format: 'batch/2' is not a record format; expected \"sdx-batch/3\"" },
		{ "batch", NULL, "batch: format: expected a string, e.g. \"sdx-batch/3\"" },
		{ "declaration", "sdx-declaration/5",
		  "declaration: format: 'sdx-declaration/5' is not a version this sdx reads (1, 2, 3, 4)" },
		{ "request", "sdx-request/2",
		  "request: format: 'sdx-request/2' is not a version this sdx reads (1)" },
		{ "withdrawal", "sdx-withdrawal/2",
		  "withdrawal: format: 'sdx-withdrawal/2' is not a version this sdx reads (1)" },
	};
	json_t *j;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		j = strcmp(cases[i].type, "batch") == 0 ? batch_v2(HEX_A)
			: load("../../examples/data/withdrawal.json");
		CHECK(j != NULL);
		json_object_set_new(j, "format", cases[i].format ? json_string(cases[i].format)
								 : json_integer(2));
		CHECK(refused(cases[i].type, j, SDX_ESCHEMA, cases[i].msg));
	}
}

/* ---- what is written ----------------------------------------------------------------------- */

static void version1_batches_refused_on_write(void)
{
	struct fx f;
	json_t *j;

	CHECK(fx_open(&f) == 0);
	CHECK((j = load("v1-records/bath-duck-batch.json")) != NULL);
	json_object_del(j, "evidence");
	fill(j, "inputs", "entry", f.decl);
	CHECK_OK(validate("batch", j)); /* read, */
	CHECK_ERR(append(&f, "batch", j, NULL), SDX_ESCHEMA); /* not written */
	CHECK_STR(sdx_error_last(), "batch: batch: version 1 records are read but no longer "
		  "written: add \"format\": \"sdx-batch/2\" and a \"manufacturer\" (the party that "
		  "made the batch; formats/batch.md, \"Versions\")");
	CHECK((j = load("v1-records/shipment.json")) != NULL);
	fill(j, "items", "batch", f.decl);
	CHECK_ERR(append(&f, "shipment", j, NULL), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "add \"format\": \"sdx-shipment/2\" and an \"exporter\"") != NULL);
	/* a version 1 declaration is still written */
	CHECK((j = load("v1-records/pvc-compound-declaration.json")) != NULL);
	CHECK_OK(append(&f, "declaration", j, NULL));
	CHECK_OK(append(&f, "batch", batch_v2(f.decl), NULL));
	fx_close(&f);
}

static void supersedes_an_own_batch(void)
{
	struct fx f;
	unsigned char (*refs)[32] = NULL;
	char first[65], second[65], *s;
	size_t n = 0;
	json_t *j;

	CHECK(fx_open(&f) == 0);
	CHECK_OK(append(&f, "batch", batch_v2(f.decl), first));
	CHECK((j = batch_v2(f.decl)) != NULL);
	json_object_set_new(j, "supersedes", json_string(first));
	CHECK((s = text_of(j)) != NULL);
	CHECK_OK(sdx_record_references(&refs, &n, "batch", s, strlen(s)));
	CHECK(n == 2); /* its input and the batch it corrects */
	free(refs);
	free(s);
	CHECK_OK(append(&f, "batch", j, second));
	/* a batch supersedes a batch, and one this ledger holds */
	CHECK((j = batch_v2(f.decl)) != NULL);
	json_object_set_new(j, "supersedes", json_string(f.decl));
	CHECK_ERR(append(&f, "batch", j, NULL), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "which is a declaration, not a batch") != NULL);
	CHECK((j = batch_v2(f.decl)) != NULL);
	json_object_set_new(j, "supersedes", json_string(HEX_A));
	CHECK_ERR(append(&f, "batch", j, NULL), SDX_ENOTFOUND);
	CHECK(strstr(sdx_error_last(), "which this ledger does not hold") != NULL);
	fx_close(&f);
}

static void builder_writes_version2(void)
{
	struct fx f;
	sdx_record_builder *b = NULL;
	static const char *const fields[][2] = {
		{ "batch_id", "B1" }, { "product.name", "Duck" }, { "product.hs_code", "9503.00" },
		{ "production_date", "2026-10-16" }, { "manufacturer.name", "Cixi Toys" },
		{ "manufacturer.identifiers", "USCI:91330282MA2CX7LH5B" },
		{ "manufacturer.identifiers", "DUNS:123456789" }, { "manufacturer.country", "CN" },
		{ "quantity", "24000:H87" },
	};
	char spec[128], *text = NULL;
	json_t *j = NULL;

	CHECK(fx_open(&f) == 0);
	CHECK_OK(sdx_record_builder_new(&b, "batch"));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		CHECK_OK(sdx_record_builder_set(b, fields[i][0], fields[i][1], NULL));
	snprintf(spec, sizeof(spec), "%.12s:" LOT ":0.5:TNE:material", f.decl);
	CHECK_OK(sdx_record_builder_add(b, spec, "--input #1"));
	CHECK_OK(sdx_record_builder_resolve(b, f.l));
	CHECK_OK(sdx_record_builder_json(&text, NULL, b, 0));
	CHECK((j = json_loads(text, 0, NULL)) != NULL);
	/* the newest version: 3, which may cite a product model */
	CHECK_STR(json_string_value(json_object_get(j, "format")), "sdx-batch/3");
	CHECK(json_array_size(json_object_get(json_object_get(j, "manufacturer"), "identifiers")) == 2);
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(json_object_get(
		j, "manufacturer"), "identifiers"), 1), "scheme")), "DUNS");
	/* the site is the manufacturer's unless said otherwise */
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "site"), "name")), "Cixi Toys");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "site"), "country")), "CN");
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "inputs"), 0),
						    "role")), "material");
	CHECK_OK(sdx_record_builder_set(b, "manufacturer.identifiers", "USCI", "--manufacturer-id"));
	CHECK_ERR(sdx_record_builder_check(b), SDX_EFORMAT);
	CHECK(strncmp(sdx_error_last(), "--manufacturer-id: expected SCHEME:ID", 37) == 0);
	json_decref(j);
	free(text);
	sdx_record_builder_free(b);
	fx_close(&f);
}

/* ---- the rules version 2 adds ---------------------------------------------------------------- */

static void version2_rules(void)
{
	json_t *j, *ev, *in;

	/* a report's clauses: once per standard, of a standard it lists */
	CHECK((j = load(DECL)) != NULL);
	ev = json_array_get(json_object_get(j, "evidence"), 0);
	json_object_set_new(ev, "clauses", json_pack("[{s:s, s:s}, {s:s, s:s}]", "clause", "4.8",
						     "result", "pass", "clause", "4.8", "result",
						     "fail"));
	CHECK(refused("declaration", j, SDX_ESCHEMA, "declaration: evidence[0].clauses[1].clause: "
		      "'4.8' is already listed as clauses[0]"));
	CHECK((j = load(DECL)) != NULL);
	ev = json_array_get(json_object_get(j, "evidence"), 0);
	json_object_set_new(ev, "clauses", json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "clause",
						     "4.8", "result", "pass", "standard",
						     "IEC 62321-8:2017", "clause", "4.8", "result",
						     "pass", "standard", "IEC 62321-5:2013"));
	CHECK_OK(validate("declaration", j));
	json_object_set_new(json_array_get(json_object_get(ev, "clauses"), 1), "standard",
			    json_string("GB 31701-2026"));
	CHECK(refused("declaration", j, SDX_ESCHEMA, "declaration: evidence[0].clauses[1].standard: "
		      "'GB 31701-2026' is not one of the report's standards"));
	CHECK((j = load(DECL)) != NULL);
	json_array_append_new(json_object_get(json_array_get(json_object_get(j, "evidence"), 0),
					      "standards"), json_string("GB 31701"));
	CHECK(refused("declaration", j, SDX_ESCHEMA, "declaration: evidence[0].standards[4]: "));
	CHECK((j = load(DECL)) != NULL);
	json_object_set_new(j, "origin", json_pack("{s:s, s:[{s:s, s:b}, {s:s, s:b}]}", "country",
						   "CN", "preferential", "agreement", "RCEP",
						   "originating", 1, "agreement", "RCEP",
						   "originating", 0));
	CHECK(refused("declaration", j, SDX_ESCHEMA, "declaration: origin.preferential[1].agreement: "
		      "'RCEP' is already used by origin.preferential[0]"));

	/* costs convert to the batch value's currency */
	CHECK((j = batch_v2(HEX_A)) != NULL);
	in = json_array_get(json_object_get(j, "inputs"), 0);
	json_object_set_new(j, "value", json_pack("{s:i, s:s, s:s}", "amount", 48000, "currency",
						  "USD", "incoterm", "FOB"));
	json_object_set_new(in, "cost", json_pack("{s:i, s:s, s:s}", "amount", 9000, "currency",
						  "CNY", "basis", "CIF"));
	CHECK(refused("batch", json_incref(j), SDX_ESCHEMA, "batch: inputs[0].cost.exchange_rate: "
		      "required: the cost is in CNY, the batch value in USD"));
	json_object_set_new(json_object_get(in, "cost"), "exchange_rate", json_real(0.1389));
	CHECK_OK(validate("batch", j));
	json_object_set_new(json_object_get(in, "cost"), "exchange_rate", json_integer(0));
	CHECK(refused("batch", json_incref(j), SDX_ESCHEMA, "batch: inputs[0].cost.exchange_rate:"));
	json_object_set_new(json_object_get(in, "cost"), "currency", json_string("USD"));
	json_object_set_new(json_object_get(in, "cost"), "exchange_rate", json_real(7.2));
	CHECK(refused("batch", j, SDX_ESCHEMA, "batch: inputs[0].cost.exchange_rate: 7.2 would "
		      "convert USD to USD; leave it out"));

	/* process steps in order; the manufacturer's and exporter's check digits */
	CHECK((j = batch_v2(HEX_A)) != NULL);
	json_object_set_new(j, "process_steps", json_pack("[{s:s, s:s, s:s, s:{s:i, s:s}}]", "step",
							  "injection moulding", "start", "2026-10-14",
							  "end", "2026-10-13T18:00:00Z",
							  "parameters", "temperature_C", 175,
							  "mould", "D-08"));
	CHECK(refused("batch", json_incref(j), SDX_ESCHEMA, "batch: process_steps[0].end: "
		      "2026-10-13T18:00:00Z is before its start 2026-10-14"));
	json_object_set_new(json_array_get(json_object_get(j, "process_steps"), 0), "end",
			    json_string("2026-10-15"));
	CHECK_OK(validate("batch", j));
	json_array_append_new(json_object_get(json_object_get(j, "manufacturer"), "identifiers"),
			      json_pack("{s:s, s:s}", "scheme", "GLN", "id", "6901234500012"));
	CHECK(refused("batch", j, SDX_ESCHEMA, "batch: manufacturer.identifiers[1].id: "
		      "'6901234500012' fails the GLN check digits"));
}

/* A request built from field values (repeated profiles in order), and a
 * version 3 declaration answering it: the entry must be a request, and
 * request_id its id. */
static void requests_and_answers(void)
{
	struct fx f;
	sdx_record_builder *b = NULL;
	static const char *const fields[][2] = {
		{ "request_id", "REQ-1" }, { "requester.name", "Cixi Toys" },
		{ "requester.identifiers", "USCI:91330282MA2CX7LH5B" },
		{ "supplier.name", "Ningbo Haixing Polymer Materials Co., Ltd." },
		{ "supplier.identifiers", "USCI:91330206MA2H7K5Q3E" },
		{ "profiles", "reach-phthalates" }, { "profiles", "eu-rohs" },
		{ "lots", LOT }, { "due", "2026-12-20" }, { "issued", "2026-12-01" },
	};
	char *text = NULL, req[65];
	json_t *j = NULL, *d;

	CHECK(fx_open(&f) == 0);
	CHECK_OK(sdx_record_builder_new(&b, "request"));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		CHECK_OK(sdx_record_builder_set(b, fields[i][0], fields[i][1], NULL));
	CHECK_OK(sdx_record_builder_resolve(b, f.l));
	CHECK_OK(sdx_record_builder_json(&text, NULL, b, 0));
	CHECK((j = json_loads(text, 0, NULL)) != NULL);
	CHECK(json_object_get(j, "format") == NULL); /* version 1 */
	CHECK(json_array_size(json_object_get(j, "profiles")) == 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "profiles"), 1)), "eu-rohs");
	CHECK(json_object_get(j, "rules") == NULL);
	CHECK_OK(append(&f, "request", json_deep_copy(j), req));
	/* due before issued */
	json_object_set_new(j, "due", json_string("2026-11-30"));
	CHECK(refused("request", json_deep_copy(j), SDX_ESCHEMA,
		      "request: due: 2026-11-30 is before the request's issued 2026-12-01"));

	CHECK((d = load(DECL)) != NULL);
	json_object_set_new(d, "format", json_string("sdx-declaration/2"));
	json_object_set_new(d, "answers", json_pack("{s:s, s:s}", "entry", req, "request_id", "REQ-1"));
	CHECK(refused("declaration", json_deep_copy(d), SDX_ESCHEMA, "declaration: "));
	json_object_set_new(d, "format", json_string("sdx-declaration/3"));
	CHECK_OK(validate("declaration", d));
	json_object_set_new(json_object_get(d, "answers"), "request_id", json_string("REQ-2"));
	CHECK_ERR(append(&f, "declaration", json_deep_copy(d), NULL), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "answers.request_id: 'REQ-2' is not the id of entry") != NULL);
	json_object_set_new(json_object_get(d, "answers"), "entry", json_string(f.decl));
	CHECK_ERR(append(&f, "declaration", json_deep_copy(d), NULL), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "is a declaration, not a request") != NULL);
	json_decref(d);
	json_decref(j);
	free(text);
	sdx_record_builder_free(b);
	fx_close(&f);
}

static const struct test_case tests[] = {
	{ "version 1 records still validate", version1_records_still_validate },
	{ "version 2 examples validate", version2_examples_validate },
	{ "format selects the schema", format_selects_the_schema },
	{ "formats this sdx does not read, named", formats_not_read },
	{ "version 1 batches and shipments are read, not written", version1_batches_refused_on_write },
	{ "supersedes names an earlier batch of this ledger", supersedes_an_own_batch },
	{ "the builder writes the newest version, 3", builder_writes_version2 },
	{ "rules of version 2", version2_rules },
	{ "a request, and a version 3 declaration answering it", requests_and_answers },
	{ NULL, NULL }
};

TEST_MAIN(tests)
