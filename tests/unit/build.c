/*
 * Unit tests for the record builder (sdx/build.h): a batch and a shipment
 * made from field values and references, the defaults (an item's HS code,
 * the consignee's country), and each refusal naming what it was given as.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"

#define DECL "../../examples/data/pvc-toy-grade-declaration.json"
#define REPORT "../../examples/data/reports/cnas-l1234-report-2026-1006.txt"

struct fx {
	sdx_signer *k;
	sdx_ledger *l;
	char decl[65]; /* the declaration's leaf hash; it covers lot HX2610-0102 */
};

static int fx_open(struct fx *f)
{
	return test_ledger_declared(&f->l, &f->k, "example.com/works", 9, DECL, REPORT, f->decl);
}

static void fx_close(struct fx *f)
{
	sdx_ledger_free(f->l);
	sdx_signer_free(f->k);
}

/* How much of a leaf hash to give as a REF: at least 8 digits and up to its
 * first letter, since a REF of digits only is an entry index. */
static int ref_len(const char *hex)
{
	size_t n = strspn(hex, "0123456789") + 1;

	return n < 8 ? 8 : n > 64 ? 64 : (int)n;
}

/* A batch B1 using lot HX2610-0102 of the declaration; NULL on failure. */
static sdx_record_builder *batch(const struct fx *f, const char *quantity)
{
	static const char *const fields[][2] = {
		{ "batch_id", "B1" }, { "product.name", "Duck" }, { "product.hs_code", "9503.00" },
		{ "production_date", "2026-10-16" }, { "manufacturer.name", "Cixi Toys" },
		{ "manufacturer.identifiers", "USCI:91330282MA2CX7LH5B" },
		{ "manufacturer.country", "CN" }, { "site.name", "Hall" },
	};
	sdx_record_builder *b = NULL;
	char spec[128];

	if (sdx_record_builder_new(&b, "batch") < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (sdx_record_builder_set(b, fields[i][0], fields[i][1], NULL) < 0)
			goto fail;
	snprintf(spec, sizeof(spec), "%.*s:HX2610-0102:0.5:TNE", ref_len(f->decl), f->decl);
	if (sdx_record_builder_set(b, "quantity", quantity, "--quantity") < 0 ||
	    sdx_record_builder_add(b, spec, "--input #1") < 0)
		goto fail;
	return b;
fail:
	sdx_record_builder_free(b);
	return NULL;
}

/* A shipment S1 to US with every required field but its items; NULL on failure. */
static sdx_record_builder *shipment(void)
{
	static const char *const fields[][2] = {
		{ "shipment_id", "S1" }, { "ship_date", "2026-11-20" },
		{ "exporter.name", "Ningbo Export" },
		{ "exporter.identifiers", "USCI:91330201MA2AH8XK4L" }, { "exporter.country", "CN" },
		{ "destination_country", "US" }, { "port_of_loading", "CNNGB" },
		{ "consignee.name", "Buyer" },
	};
	sdx_record_builder *s = NULL;

	if (sdx_record_builder_new(&s, "shipment") < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (sdx_record_builder_set(s, fields[i][0], fields[i][1], NULL) < 0) {
			sdx_record_builder_free(s);
			return NULL;
		}
	return s;
}

static void test_batch(void)
{
	struct fx f;
	sdx_record_builder *b = NULL;
	sdx_entry_info info;
	json_t *j = NULL;
	char *text = NULL;

	CHECK(fx_open(&f) == 0);
	CHECK((b = batch(&f, "24000:H87")) != NULL);
	CHECK(sdx_record_builder_missing(b) == NULL);
	CHECK_OK(sdx_record_builder_resolve(b, f.l));
	CHECK_STR(sdx_record_builder_label(b), "batch 'B1'");
	CHECK_OK(sdx_record_builder_json(&text, NULL, b, SDX_BUILD_PRETTY));
	CHECK((j = json_loads(text, 0, NULL)) != NULL);
	/* the prefix is resolved to the full leaf hash; an integer stays an integer */
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "inputs"), 0),
						    "entry")), f.decl);
	CHECK(json_is_integer(json_object_get(json_object_get(j, "quantity"), "value")));
	CHECK_OK(sdx_ledger_begin(f.l));
	CHECK_OK(sdx_record_builder_append(&info, f.l, f.k, b));
	CHECK_OK(sdx_ledger_commit(f.l));
	CHECK(info.index == 2);
	json_decref(j);
	free(text);
	sdx_record_builder_free(b);
	fx_close(&f);
}

static void test_refusals(void)
{
	struct fx f;
	sdx_record_builder *b = NULL;

	CHECK(fx_open(&f) == 0);
	CHECK_ERR(sdx_record_builder_new(&b, "declaration"), SDX_ENOTFOUND);
	CHECK_OK(sdx_record_builder_new(&b, "batch"));
	CHECK_ERR(sdx_record_builder_set(b, "colour", "red", NULL), SDX_EINVAL);
	CHECK_OK(sdx_record_builder_set(b, "batch_id", "B1", NULL));
	CHECK_STR(sdx_record_builder_missing(b), "product.name");
	CHECK_ERR(sdx_record_builder_check(b), SDX_EINVAL);
	CHECK_STR(sdx_error_last(), "batch: product.name is required");
	sdx_record_builder_free(b);

	CHECK((b = batch(&f, "24000")) != NULL);
	CHECK_ERR(sdx_record_builder_check(b), SDX_EFORMAT);
	CHECK_STR(sdx_error_last(), "--quantity: expected N:UNIT, e.g. 5000:H87");
	CHECK_OK(sdx_record_builder_set(b, "quantity", "0:H87", "--quantity"));
	CHECK_ERR(sdx_record_builder_check(b), SDX_EFORMAT);
	CHECK_STR(sdx_error_last(), "--quantity: '0' is not a positive number");
	CHECK_OK(sdx_record_builder_set(b, "quantity", "5:H87", "--quantity"));
	CHECK_OK(sdx_record_builder_add(b, "1:2:3", "--input #2"));
	CHECK_ERR(sdx_record_builder_resolve(b, f.l), SDX_EFORMAT);
	CHECK(strncmp(sdx_error_last(), "--input #2: expected REF:LOT:N:UNIT", 35) == 0);
	/* nothing resolved: nothing to print */
	sdx_record_builder_free(b);
	fx_close(&f);
}

static void test_shipment(void)
{
	struct fx f;
	sdx_record_builder *b = NULL, *s = NULL;
	sdx_entry_info info;
	json_t *j = NULL;
	char *text = NULL, spec[128], batch_hex[65];

	CHECK(fx_open(&f) == 0);
	CHECK((b = batch(&f, "1.5:TNE")) != NULL);
	CHECK_OK(sdx_record_builder_resolve(b, f.l));
	CHECK_OK(sdx_ledger_begin(f.l));
	CHECK_OK(sdx_record_builder_append(&info, f.l, f.k, b));
	CHECK_OK(sdx_ledger_commit(f.l));
	test_hex(batch_hex, info.leaf_hash);

	CHECK((s = shipment()) != NULL);
	CHECK_STR(sdx_record_builder_missing(s), "items");
	snprintf(spec, sizeof(spec), "%s:1:TNE", f.decl);
	CHECK_OK(sdx_record_builder_add(s, spec, "items[0]"));
	CHECK_ERR(sdx_record_builder_resolve(s, f.l), SDX_ESCHEMA);
	CHECK(strstr(sdx_error_last(), "items[0]: entry ") == sdx_error_last());
	CHECK(strstr(sdx_error_last(), "is a declaration, not a batch") != NULL);
	sdx_record_builder_free(s);

	CHECK((s = shipment()) != NULL);
	snprintf(spec, sizeof(spec), "%.*s:1.5:TNE", ref_len(batch_hex) > 10 ? ref_len(batch_hex) : 10,
		 batch_hex);
	CHECK_OK(sdx_record_builder_add(s, spec, "items[0]"));
	CHECK_OK(sdx_record_builder_resolve(s, f.l));
	CHECK_OK(sdx_record_builder_json(&text, NULL, s, 0));
	CHECK((j = json_loads(text, 0, NULL)) != NULL);
	/* the HS code comes from the batch, the consignee's country from the destination */
	CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(j, "items"), 0),
						    "hs_code")), "9503.00");
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "consignee"), "country")),
		  "US");
	json_decref(j);
	free(text);
	sdx_record_builder_free(s);
	sdx_record_builder_free(b);
	fx_close(&f);
}

static const struct test_case tests[] = {
	{ "a batch from fields and a referenced lot", test_batch },
	{ "refusals name the field or option", test_refusals },
	{ "a shipment item defaults to its batch's HS code", test_shipment },
	{ NULL, NULL }
};
TEST_MAIN(tests)
