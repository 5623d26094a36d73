/*
 * tests/unit/cn_customs.c - the China customs declaration lines
 * (formats/cn-customs.md) and the CSV writer they are written with
 * (formats/csv/csv.h): quoting, CRLF and a round trip through the reader;
 * then a ledger of declarations, batches and shipments whose reports count
 * or do not (a body without a customs code, expired by the ship date,
 * withdrawn, a lab the register does not list, no register at all) and the
 * items left without one named, a sub-assembly's reports, the
 * same report reached through two lots listed once, and a record that is not
 * a shipment refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"
#include "formats/csv/csv.h"

/* ---- the CSV writer ---------------------------------------------------------------- */

/* The table of rows (NULL-ended arrays of fields, NULL-ended), or NULL. */
static char *table(const char *const *const *rows)
{
	struct sdx__csv_out w;

	sdx__csv_out_init(&w, 0);
	for (size_t r = 0; rows[r]; r++) {
		for (size_t f = 0; rows[r][f]; f++)
			if (sdx__csv_put(&w, rows[r][f], (size_t)-1) < 0)
				goto fail;
		if (sdx__csv_end_row(&w) < 0)
			goto fail;
	}
	return sdx__csv_out_take(&w, NULL);
fail:
	sdx__csv_out_free(&w);
	return NULL;
}

static void csv_quotes_what_it_must(void)
{
	static const char *const h[] = { "a", "b", "c", NULL };
	static const char *const r1[] = { "plain", "with, comma", "say \"hi\"", NULL };
	static const char *const r2[] = { "", "two\r\nlines", " padded", NULL };
	static const char *const *const rows[] = { h, r1, r2, NULL };
	char *t = table(rows);

	CHECK(t != NULL);
	CHECK_STR(t, "a,b,c\r\n"
		     "plain,\"with, comma\",\"say \"\"hi\"\"\"\r\n"
		     ",\"two\r\nlines\",\" padded\"\r\n");
	free(t);
}

static void csv_reads_back(void)
{
	static const char *const h[] = { "only", NULL };
	static const char *const r1[] = { "", NULL };
	static const char *const r2[] = { "x\"y", NULL };
	static const char *const *const rows[] = { h, r1, r2, NULL };
	static const char *const h3[] = { "k", "v", NULL };
	static const char *const r3[] = { "CNAS L9012/R,1", "Zhejiang \"Cixi\"\n", NULL };
	static const char *const *const rows3[] = { h3, r3, NULL };
	struct sdx__csv *c = NULL;
	char *t = table(rows);

	/* a row of one empty field is "" - an empty line would be refused by the reader */
	CHECK(t != NULL);
	CHECK_STR(t, "only\r\n\"\"\r\n\"x\"\"y\"\r\n");
	CHECK_OK(sdx__csv_open_mem(&c, "t.csv", t, strlen(t), NULL));
	CHECK(sdx__csv_next(c) == 1);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "");
	CHECK(sdx__csv_next(c) == 1);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "x\"y");
	CHECK(sdx__csv_next(c) == 0);
	sdx__csv_free(c);
	c = NULL;
	free(t);
	CHECK((t = table(rows3)) != NULL);
	CHECK_OK(sdx__csv_open_mem(&c, "t.csv", t, strlen(t), NULL));
	CHECK(sdx__csv_next(c) == 1);
	CHECK_STR(sdx__csv_field(c, 0, NULL), "CNAS L9012/R,1");
	CHECK_STR(sdx__csv_field(c, 1, NULL), "Zhejiang \"Cixi\"\n");
	sdx__csv_free(c);
	free(t);
}

static void csv_refuses(void)
{
	static const char *const h[] = { "a", "b", NULL };
	static const char *const shorter[] = { "1", NULL };
	static const char *const longer[] = { "1", "2", "3", NULL };
	static const char *const bad_utf8[] = { "1", "\xc3(", NULL };
	static const char *const *const t1[] = { h, shorter, NULL };
	static const char *const *const t2[] = { h, longer, NULL };
	static const char *const *const t3[] = { h, bad_utf8, NULL };
	struct sdx__csv_out w;

	CHECK(table(t1) == NULL && strstr(sdx_error_last(), "row 2: 1 fields, the header has 2"));
	CHECK(table(t2) == NULL && strstr(sdx_error_last(), "more than the 2 fields"));
	CHECK(table(t3) == NULL && strstr(sdx_error_last(), "field 2: not UTF-8"));
	sdx__csv_out_init(&w, 0);
	CHECK_ERR(sdx__csv_put(&w, "a\0b", 3), SDX_EINVAL);
	CHECK_ERR(sdx__csv_end_row(&w), SDX_EINVAL); /* the error sticks */
	CHECK(sdx__csv_out_take(&w, NULL) == NULL);
	sdx__csv_out_init(&w, 10);
	CHECK_OK(sdx__csv_put(&w, "123456789", (size_t)-1)); /* 9 bytes, and CRLF makes 11 */
	CHECK_ERR(sdx__csv_end_row(&w), SDX_ELIMIT);
	sdx__csv_out_free(&w);
	sdx__csv_out_init(&w, 0);
	CHECK_OK(sdx__csv_put(&w, "open", (size_t)-1));
	CHECK(sdx__csv_out_take(&w, NULL) == NULL && strstr(sdx_error_last(), "not finished"));
}

/* ---- ledgers ----------------------------------------------------------------------- */

struct fx {
	sdx_signer *k;
	sdx_ledger *l;
	char att[65];
};

static int fx_open(struct fx *f)
{
	unsigned char seed[32] = { 38 }, h[32];

	memset(f, 0, sizeof(*f));
	if (test_write_file("report.txt", "test report\n") < 0 ||
	    sdx_signer_from_seed(&f->k, "customs.example/ledger", seed) < 0 ||
	    sdx_ledger_create(&f->l, "t.db", f->k) < 0 || sdx_ledger_begin(f->l) < 0 ||
	    sdx_ledger_attach_file(h, NULL, f->l, "report.txt") < 0 || sdx_ledger_commit(f->l) < 0)
		return -1;
	test_hex(f->att, h);
	return 0;
}

static void fx_close(struct fx *f)
{
	sdx_ledger_free(f->l);
	sdx_signer_free(f->k);
}

/* Append rec (stolen) as `type`; hex gets its leaf hash. */
static int put(struct fx *f, const char *type, json_t *rec, char hex[65])
{
	sdx_entry_info info;
	char *text = rec ? json_dumps(rec, JSON_COMPACT) : NULL;
	int err = -1;

	json_decref(rec);
	if (text && sdx_ledger_begin(f->l) == 0) {
		if ((err = sdx_record_append(&info, f->l, f->k, type, text, strlen(text), type)) < 0)
			sdx_ledger_rollback(f->l);
		else if ((err = sdx_ledger_commit(f->l)) == 0 && hex)
			test_hex(hex, info.leaf_hash);
	}
	free(text);
	return err;
}

/* A lab report on Pb by the lab of `body` `number` (NULL: none named). */
static json_t *report(const struct fx *f, const char *id, const char *rn, const char *body,
		      const char *number, const char *until)
{
	json_t *e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:{s:s, s:s}}", "id", id,
			      "lab_name", "Test Lab", "report_number", rn, "issue_date",
			      "2026-09-10", "valid_until", until, "test_items", "Pb", "attachment",
			      "sha256", f->att, "media_type", "text/plain");

	if (number)
		json_object_set_new(e, "accreditation", json_pack("{s:s, s:s}", "body", body,
								  "number", number));
	return e;
}

/* A declaration of lots L1 and L2: lead measured, resting on the report ev (stolen). */
static json_t *declaration(const char *id, json_t *ev)
{
	return json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:s, s:[{s:s, s:s}], s:{s:s, s:s}, s:s},"
		" s:{s:s, s:s}, s:{s:s, s:s, s:[{s:s, s:s, s:{s:i, s:s}}, {s:s, s:s, s:{s:i, s:s}}]},"
		" s:[{s:s, s:s, s:[s], s:s, s:s, s:[s], s:[{s:s, s:s, s:f, s:f, s:s}],"
		" s:{s:f, s:s, s:s, s:s}, s:[s]}], s:[o]}",
		"declaration_id", id, "issue_date", "2026-09-20", "valid_from", "2026-09-20",
		"valid_until", "2027-09-19",
		"supplier", "name", "Supplier Co.", "identifiers", "scheme", "DUNS", "id", "123456789",
		"address", "street_address", "1 Road", "locality", "Ningbo", "country", "CN",
		"signatory", "name", "A. Person", "role", "QA",
		"material", "name", "PVC compound", "supplier_part_number", "P-1", "lots",
		"lot_number", "L1", "production_date", "2026-09-01", "quantity", "value", 10, "unit",
		"TNE", "lot_number", "L2", "production_date", "2026-09-02", "quantity", "value", 10,
		"unit", "TNE",
		"claims", "id", "HM", "topic", "heavy_metals", "regulations", "supplier specification",
		"conformance", "conforms", "basis", "laboratory_test", "test_methods",
		"IEC 62321-5:2013", "measurements", "substance", "lead (Pb)", "cas_number",
		"7439-92-1", "value", 10.0, "detection_limit", 0.5, "unit", "mg/kg", "limit", "value",
		1.0, "unit", "%", "applies_to", "each", "comparison", "<=", "evidence_ids", "E1",
		"evidence", ev);
}

static json_t *input(const char *hex, const char *lot)
{
	return json_pack("{s:s, s:s, s:{s:f, s:s}}", "entry", hex, "lot_number", lot, "quantity",
			 "value", 0.5, "unit", "TNE");
}

/* A batch of inputs (stolen), with the product report ev (stolen) if not NULL. */
static json_t *batch(const char *id, json_t *inputs, json_t *ev)
{
	json_t *b = json_pack("{s:s, s:{s:s, s:[{s:s, s:s}], s:s}, s:s, s:{s:s, s:s, s:s}, s:s,"
			      " s:{s:s, s:s}, s:{s:i, s:s}, s:o}", "format", "sdx-batch/2",
			      "manufacturer", "name", "Toy Works", "identifiers", "scheme", "DUNS",
			      "id", "123456789", "country", "CN", "batch_id", id, "product", "name",
			      "Bath toy", "hs_code", "9503.00", "category", "infant_product",
			      "production_date", "2026-10-12", "site", "name", "Plant 1", "country",
			      "CN", "quantity", "value", 1000, "unit", "H87", "inputs", inputs);

	if (ev)
		json_object_set_new(b, "evidence", json_pack("[o]", ev));
	return b;
}

static json_t *item(const char *hex)
{
	return json_pack("{s:s, s:s, s:{s:i, s:s}}", "batch", hex, "hs_code", "9503.00",
			 "quantity", "value", 1000, "unit", "H87");
}

static json_t *shipment(const char *id, json_t *items)
{
	return json_pack("{s:s, s:{s:s, s:[{s:s, s:s}], s:s}, s:s, s:s, s:s, s:s, s:{s:s, s:s},"
			 " s:o}", "format", "sdx-shipment/2", "exporter", "name", "Export Co.",
			 "identifiers", "scheme", "DUNS", "id", "987654321", "country", "CN",
			 "shipment_id", id, "ship_date", "2026-11-20", "destination_country", "US",
			 "port_of_loading", "CNNGB", "consignee", "name", "Buyer Inc.", "country",
			 "US", "items", items);
}

/* The lab register the cases judge by: CNAS L1234 and L9012, both for Pb. */
static int example_labs(sdx_lab_register **out)
{
	if (test_write_file("labs.csv",
			    "body,number,lab_name,country,scope_standards,scope_items,valid_from,"
			    "valid_until,status\n"
			    "CNAS,CNAS L1234,Test Lab,CN,,Pb,2024-01-01,2030-12-31,active\n"
			    "CNAS,CNAS L9012,Other Lab,CN,,Pb,2024-01-01,2030-12-31,active\n") < 0)
		return -1;
	return sdx_lab_register_read(out, "labs.csv");
}

/* The lines of shipment `ref` in `format`, with the result. */
static int lines(char **out, sdx_cn_customs_result *res, struct fx *f, const char *ref,
		 const sdx_lab_register *r, sdx_cn_customs_format format)
{
	sdx_graph *g = NULL;
	size_t node;
	int err;

	/* every line names a record a signed checkpoint covers */
	if ((err = sdx_ledger_checkpoint(NULL, NULL, f->l, f->k)) == 0 &&
	    (err = sdx_graph_from_ledger(&g, f->l)) == 0 &&
	    (err = sdx_graph_resolve(&node, g, ref)) == 0)
		err = sdx_export_cn_customs(out, res, g, node, r, format);
	sdx_graph_free(g);
	return err;
}

static void declares_accredited_reports(void)
{
	struct fx f;
	sdx_lab_register *r = NULL;
	sdx_cn_customs_result res;
	char d[65], b[65], s[65], want[600], *csv = NULL, *js = NULL;
	const char *head = "item,hs_code,batch_id,lot,subject,licence_category,document_number,"
			   "cargo_attribute,report_number,lab_name,accreditation_body,"
			   "accreditation_number,issue_date,valid_until,evidence_sha256,record_type,"
			   "origin,index,leaf_hash\r\n";
	json_t *doc = NULL, *line;

	CHECK_OK(fx_open(&f));
	CHECK_OK(example_labs(&r));
	CHECK_OK(put(&f, "declaration", declaration("D-1", report(&f, "E1", "R-1", "CNAS",
								  "CNAS L1234", "2027-09-01")), d));
	/* both lots of D-1 in one batch: its report is listed once; the product report first */
	CHECK_OK(put(&f, "batch", batch("B-1", json_pack("[o, o]", input(d, "L1"), input(d, "L2")),
					report(&f, "P1", "P-7", "CNAS", "CNAS L9012", "2027-10-01")),
		     b));
	CHECK_OK(put(&f, "shipment", shipment("S-1", json_pack("[o]", item(b))), s));
	CHECK_OK(lines(&csv, &res, &f, "S-1", r, SDX_CN_CUSTOMS_CSV));
	CHECK(res.items == 1 && res.lines == 2 && res.missing == 0 && res.reports == 3 &&
	      res.skipped == 0 && !res.problems && !res.notes);
	/* the number as the register lists it, less the body's prefix, after the body's code */
	snprintf(want, sizeof(want),
		 "\r\n1,9503.00,B-1,B-1,product,630,CNAS L9012/P-7,46,P-7,Test Lab,CNAS,"
		 "CNAS L9012,2026-09-10,2027-10-01,%s,batch,customs.example/ledger,2,%s\r\n"
		 "1,9503.00,B-1,L1,material,630,CNAS L1234/R-1,46,R-1,Test Lab,CNAS,CNAS L1234,"
		 "2026-09-10,2027-09-01,%s,declaration,customs.example/ledger,1,%s\r\n", f.att, b,
		 f.att, d);
	CHECK(strncmp(csv, head, strlen(head)) == 0);
	CHECK(strstr(csv, want) != NULL && strlen(strstr(csv, want)) == strlen(want));
	CHECK_OK(lines(&js, &res, &f, s, r, SDX_CN_CUSTOMS_JSON));
	CHECK((doc = json_loads(js, 0, NULL)) != NULL);
	CHECK_STR(json_string_value(json_object_get(doc, "format")), "sdx-cn-customs/1");
	CHECK(json_array_size(json_object_get(doc, "lines")) == 2);
	line = json_array_get(json_object_get(doc, "lines"), 1);
	CHECK_STR(json_string_value(json_object_get(line, "document_number")), "CNAS L1234/R-1");
	CHECK_STR(json_string_value(json_object_get(line, "leaf_hash")), d);
	CHECK(json_integer_value(json_object_get(line, "index")) == 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(doc, "shipment"), "leaf_hash")), s);
	json_decref(doc);
	free(js);
	free(csv);
	sdx_lab_register_free(r);
	fx_close(&f);
}

static void reports_that_do_not_count(void)
{
	struct fx f;
	sdx_lab_register *r = NULL, *none = NULL;
	sdx_cn_customs_result res;
	char d1[65], d1_uk[65], d2[65], d3[65], b1[65], b2[65], b3[65], *text = NULL;
	json_t *w, *doc, *nc;

	CHECK_OK(fx_open(&f));
	CHECK_OK(example_labs(&r));
	/* a UKAS lab (no customs code), one expired by the ship date, one CNAS lab not listed */
	CHECK_OK(put(&f, "declaration", declaration("D-1", report(&f, "E1", "R-UK", "UKAS", "0613",
								  "2027-09-01")), d1));
	CHECK_OK(put(&f, "declaration", declaration("D-2", report(&f, "E1", "R-OLD", "CNAS",
								  "CNAS L1234", "2026-11-01")), d2));
	CHECK_OK(put(&f, "batch", batch("B-1", json_pack("[o, o]", input(d1, "L1"), input(d2, "L1")),
					report(&f, "P1", "P-9", "CNAS", "CNAS L4321", "2027-10-01")),
		     b1));
	/* a good report, but its declaration is withdrawn */
	CHECK_OK(put(&f, "declaration", declaration("D-3", report(&f, "E1", "R-3", "CNAS",
								  "CNAS L1234", "2027-09-01")), d3));
	CHECK_OK(put(&f, "batch", batch("B-2", json_pack("[o]", input(d3, "L2")), NULL), b2));
	w = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}}", "withdraws", d3, "reason_code",
		      "nonconformity_found", "reason", "Retest found lead over the limit.",
		      "effective_date", "2026-11-01", "signatory", "name", "A. Person", "role", "QA");
	CHECK_OK(put(&f, "withdrawal", w, NULL));
	CHECK_OK(put(&f, "shipment", shipment("S-2", json_pack("[o, o]", item(b1), item(b2))),
		     NULL));
	CHECK_OK(lines(&text, &res, &f, "S-2", r, SDX_CN_CUSTOMS_CSV));
	CHECK(res.items == 2 && res.lines == 0 && res.missing == 2 && res.reports == 4 &&
	      res.skipped == 4 && res.problems && !res.notes);
	CHECK(strstr(res.problems, "shipment 'S-2': item 1 (batch B-1, HS 9503.00): no accredited "
		     "test report to declare under licence category 630: report P-9 (batch B-1): "
		     "accreditation CNAS L4321 is not in lab register 'labs' (file, sha256 ") ==
	      res.problems);
	CHECK(strstr(res.problems, "; report R-UK (lot L1): accreditation body 'UKAS' has no code "
		     "for licence category 630 (formats/export/cn-customs.json); report R-OLD (lot "
		     "L1): valid until 2026-11-01, before the ship date 2026-11-20\n"));
	CHECK(strstr(res.problems, "\nshipment 'S-2': item 2 (batch B-2, HS 9503.00): no accredited "
		     "test report to declare under licence category 630: report R-3 (lot L2): "
		     "declaration D-3 is withdrawn\n"));
	/* the header alone: nothing to declare */
	CHECK(text && strchr(text, '\n') == text + strlen(text) - 1);
	free(text);
	text = NULL;
	free(res.problems);
	/* one item with a line, one without: the first's lines are there, the second is named */
	CHECK_OK(put(&f, "batch", batch("B-4", json_pack("[o]", input(d1, "L2")), NULL), b3));
	memcpy(d1_uk, d1, sizeof(d1_uk));
	CHECK_OK(put(&f, "declaration", declaration("D-5", report(&f, "E1", "R-5", "CNAS",
								  "CNAS L1234", "2027-09-01")), d1));
	CHECK_OK(put(&f, "batch", batch("B-5", json_pack("[o]", input(d1, "L1")), NULL), b2));
	CHECK_OK(put(&f, "shipment", shipment("S-3", json_pack("[o, o]", item(b2), item(b3))),
		     NULL));
	CHECK_OK(lines(&text, &res, &f, "S-3", r, SDX_CN_CUSTOMS_JSON));
	CHECK(res.items == 2 && res.lines == 1 && res.missing == 1);
	CHECK(res.problems && strstr(res.problems, "item 2 (batch B-4, HS 9503.00)") &&
	      strstr(res.problems, "report R-UK (lot L2): accreditation body 'UKAS'"));
	/* the JSON form lists the report left out, with its record */
	CHECK((doc = json_loads(text, 0, NULL)) != NULL);
	nc = json_array_get(json_object_get(doc, "not_counted"), 0);
	CHECK(json_array_size(json_object_get(doc, "not_counted")) == 1 &&
	      json_integer_value(json_object_get(nc, "item")) == 2);
	CHECK_STR(json_string_value(json_object_get(nc, "lot")), "L2");
	CHECK_STR(json_string_value(json_object_get(nc, "leaf_hash")), d1_uk);
	CHECK(strncmp(json_string_value(json_object_get(nc, "reason")),
		      "accreditation body 'UKAS'", 25) == 0);
	json_decref(doc);
	free(text);
	text = NULL;
	free(res.problems);
	free(res.notes);
	/* an empty register (none held): nothing can be checked */
	CHECK_OK(sdx_lab_register_from_ledger(&none, f.l));
	CHECK_OK(lines(&text, &res, &f, "S-3", none, SDX_CN_CUSTOMS_CSV));
	CHECK(res.missing == 2 && strstr(res.problems, "report R-5 (lot L1): accreditation CNAS "
					 "L1234 cannot be checked: no lab register is held"));
	free(text);
	free(res.problems);
	free(res.notes);
	/* a batch is not a shipment */
	text = NULL;
	CHECK_ERR(lines(&text, &res, &f, "B-5", r, SDX_CN_CUSTOMS_CSV), SDX_EINVAL);
	CHECK(text == NULL && strstr(sdx_error_last(), "written for a shipment"));
	sdx_lab_register_free(none);
	sdx_lab_register_free(r);
	fx_close(&f);
}

static void sub_assemblies(void)
{
	struct fx f;
	sdx_lab_register *r = NULL;
	sdx_cn_customs_result res;
	char d[65], sub[65], top[65], *text = NULL;
	json_t *in;

	CHECK_OK(fx_open(&f));
	CHECK_OK(example_labs(&r));
	CHECK_OK(put(&f, "declaration", declaration("D-1", report(&f, "E1", "R-1", "CNAS",
								  "CNAS L1234", "2027-09-01")), d));
	CHECK_OK(put(&f, "batch", batch("SUB-1", json_pack("[o]", input(d, "L2")),
					report(&f, "P1", "P-S", "CNAS", "CNAS L9012", "2027-10-01")),
		     sub));
	/* the top batch takes the sub-assembly, and the same lot of D-1 once more */
	in = json_pack("{s:s, s:{s:i, s:s}, s:s}", "entry", sub, "quantity", "value", 1000, "unit",
		       "H87", "role", "component");
	CHECK_OK(put(&f, "batch", batch("TOP-1", json_pack("[o, o]", in, input(d, "L1")), NULL),
		     top));
	CHECK_OK(put(&f, "shipment", shipment("S-4", json_pack("[o]", item(top))), NULL));
	CHECK_OK(lines(&text, &res, &f, "S-4", r, SDX_CN_CUSTOMS_CSV));
	CHECK(res.lines == 2 && res.missing == 0 && res.reports == 3);
	/* depth first: the sub-assembly's product report and its lot, then TOP-1's lot gives
	 * the same document number again, listed once */
	CHECK(strstr(text, "\r\n1,9503.00,SUB-1,SUB-1,product,630,CNAS L9012/P-S,46,") != NULL);
	CHECK(strstr(text, "\r\n1,9503.00,SUB-1,L2,material,630,CNAS L1234/R-1,46,") != NULL);
	CHECK(strstr(text, ",TOP-1,") == NULL);
	free(text);
	sdx_lab_register_free(r);
	fx_close(&f);
}

static const struct test_case tests[] = {
	{ "CSV: fields quoted when they must be, CRLF", csv_quotes_what_it_must },
	{ "CSV: what is written reads back, an empty one-field row too", csv_reads_back },
	{ "CSV: rows of the wrong length, NUL, bad UTF-8, limits, unfinished rows", csv_refuses },
	{ "customs lines: product and material reports, 630 and 46, one line per document",
	  declares_accredited_reports },
	{ "customs lines: reports that do not count, and the items named for it",
	  reports_that_do_not_count },
	{ "customs lines: a sub-assembly's reports, depth first, each document once",
	  sub_assemblies },
	{ NULL, NULL }
};

TEST_MAIN(tests)
