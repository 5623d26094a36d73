/*
 * tests/unit/csvmap.c - CSV import through a mapping (sdx/csvimport.h,
 * formats/csv-import.md): date formats, numbers and units, grouping rows into
 * one record, merging repeated elements, selectors, sums, the delimiter, and
 * every refusal naming file, line, column and field.  No ledger: records are
 * built and validated, and handed to a callback that keeps them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"
#include "formats/csv/map.h"

/* What a valid declaration needs besides what the columns give. */
#define BASE \
	"\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\"," \
	"\"constants\": {" \
	" \"/format\": \"sdx-declaration/2\"," \
	" \"/supplier\": { \"name\": \"Acme\", \"identifiers\": [ { \"scheme\": \"USCI\", \"id\": \"91330206MA2H7K5Q3E\" } ]," \
	"   \"address\": { \"street_address\": \"1 Road\", \"locality\": \"Ningbo\" }, \"country\": \"CN\" }," \
	" \"/signatory\": { \"name\": \"A\", \"role\": \"QA\" }," \
	" \"/issue_date\": \"2026-10-05\", \"/valid_from\": \"2026-10-05\", \"/valid_until\": \"2027-10-01\"," \
	" \"/material/name\": \"PVC\", \"/material/supplier_part_number\": \"P1\"," \
	" \"/claims/0/id\": \"C1\", \"/claims/0/topic\": \"heavy_metals\"," \
	" \"/claims/0/regulations\": [\"Directive 94/62/EC Art. 11\"], \"/claims/0/conformance\": \"conforms\"," \
	" \"/claims/0/basis\": \"laboratory_test\", \"/claims/0/test_methods\": [\"IEC 62321-5:2013\"]," \
	" \"/claims/0/limit\": { \"value\": 100, \"unit\": \"mg/kg\", \"applies_to\": \"sum\", \"comparison\": \"<=\" }," \
	" \"/claims/0/evidence_ids\": [\"E1\"]," \
	" \"/evidence/0\": { \"id\": \"E1\", \"lab_name\": \"Lab\", \"lab_country\": \"CN\"," \
	"   \"accreditation\": { \"body\": \"CNAS\", \"number\": \"CNAS L1234\" }, \"report_number\": \"R1\"," \
	"   \"issue_date\": \"2026-09-01\", \"valid_until\": \"2027-09-01\", \"test_items\": [\"Pb\"]," \
	"   \"standards\": [\"IEC 62321-5:2013\"], \"attachment\": { \"sha256\": " \
	"   \"0f6acfef83072dea3b5ace2dc79ebcb9adcced9ca515e28440318f96234ee960\", \"media_type\": \"text/plain\" } }" \
	"},"

/* The columns most cases read: a declaration per Doc, a lot and a measurement per row. */
#define COLUMNS \
	"\"columns\": [" \
	" { \"column\": \"Doc\", \"path\": \"/declaration_id\" }," \
	" { \"column\": \"Lot\", \"path\": \"/material/lots/-/lot_number\" }," \
	" { \"column\": \"Made\", \"path\": \"/material/lots/-/production_date\", \"type\": \"date\", \"date_format\": \"DD.MM.YYYY\" }," \
	" { \"column\": \"Qty\", \"path\": \"/material/lots/-/quantity/value\", \"type\": \"number\", \"decimal\": \",\"," \
	"   \"unit_column\": \"Unit\", \"units\": { \"kg\": \"KGM\", \"t\": \"TNE\" } }," \
	" { \"column\": \"Substance\", \"path\": \"/claims/0/measurements/substance={Substance}/cas_number\", \"values\": {" \
	"   \"lead (Pb)\": \"7439-92-1\", \"cadmium (Cd)\": \"7440-43-9\" } }," \
	" { \"column\": \"Result\", \"path\": \"/claims/0/measurements/substance={Substance}/value\", \"type\": \"number\"," \
	"   \"decimal\": \",\", \"unit\": \"mg/kg\", \"not_detected\": [\"n.d.\"] }," \
	" { \"column\": \"LOD\", \"path\": \"/claims/0/measurements/substance={Substance}/detection_limit\", \"type\": \"number\" }" \
	"]," \
	"\"sums\": [ { \"path\": \"/claims/0/declared_sum\", \"of\": \"/claims/0/measurements\" } ]"

static const char grouped[] = "{" BASE "\"group_by\": \"Doc\"," COLUMNS "}";
static const char per_row[] = "{" BASE COLUMNS "}";

struct got {
	json_t *rec[8];
	char what[8][128];
	size_t n;
};

static int keep(void *ctx, const char *json, size_t len, const char *what, uint64_t first,
		uint64_t last)
{
	struct got *g = ctx;

	(void)first;
	(void)last;
	if (g->n == 8)
		return -1;
	g->rec[g->n] = json_loadb(json, len, 0, NULL);
	snprintf(g->what[g->n], sizeof(g->what[0]), "%s", what);
	g->n++;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++)
		json_decref(g->rec[i]);
	memset(g, 0, sizeof(*g));
}

/* Run map (JSON text) over csv; 0 or the error. */
static int import(struct got *g, const char *map, const char *csv)
{
	sdx_csv_map *m = NULL;
	int rc;

	memset(g, 0, sizeof(*g));
	if ((rc = sdx_csv_map_parse(&m, "m.json", map, strlen(map))) < 0)
		return rc;
	rc = sdx_csv_import_mem(m, "t.csv", csv, strlen(csv), NULL, keep, g, NULL, NULL);
	sdx_csv_map_free(m);
	return rc;
}

/* The compact JSON of what path (a jansson path: a.b[0]) holds in record i. */
static char *at(const struct got *g, size_t i, const char *path)
{
	json_t *v = g->rec[i];
	char key[64];

	while (v && *path) {
		size_t n = strcspn(path, ".[");
		if (n) {
			snprintf(key, sizeof(key), "%.*s", (int)n, path);
			v = json_object_get(v, key);
			path += n;
		} else if (*path == '[') {
			v = json_array_get(v, strtoul(path + 1, NULL, 10));
			path = strchr(path, ']') + 1;
		} else {
			path++;
		}
	}
	return v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("(none)");
}

#define CHECK_AT(g, i, path, want) do { \
	char *s_ = at((g), (i), (path)); \
	if (strcmp(s_, (want)) != 0) \
		fprintf(stderr, "# %s: got %s, wanted %s\n", (path), s_, (want)); \
	CHECK(strcmp(s_, (want)) == 0); \
	free(s_); \
} while (0)

/* import() is refused with code, and the message is want. */
#define CHECK_REFUSED(map, csv, code, want) do { \
	struct got g_; \
	int rc_ = import(&g_, (map), (csv)); \
	if (rc_ != (code) || strcmp(sdx_error_last(), (want)) != 0) \
		fprintf(stderr, "# got %d '%s'\n# wanted %d '%s'\n", rc_, sdx_error_last(), (code), (want)); \
	CHECK(rc_ == (code) && strcmp(sdx_error_last(), (want)) == 0); \
	got_free(&g_); \
} while (0)

static void dates(void)
{
	char d[11];

	CHECK(sdx__csv_date(d, "01.10.2026", "DD.MM.YYYY") == 0);
	CHECK_STR(d, "2026-10-01");
	CHECK(sdx__csv_date(d, "10/31/2026", "MM/DD/YYYY") == 0);
	CHECK_STR(d, "2026-10-31");
	CHECK(sdx__csv_date(d, "2026-02-28", "YYYY-MM-DD") == 0);
	CHECK_STR(d, "2026-02-28");
	CHECK(sdx__csv_date(d, "1.2.2026", "D.M.YYYY") == 0);
	CHECK_STR(d, "2026-02-01");
	CHECK(sdx__csv_date(d, "20261001", "YYYYMMDD") == 0);
	CHECK_STR(d, "2026-10-01");
	CHECK(sdx__csv_date(d, "29.02.2024", "DD.MM.YYYY") == 0);   /* a leap year */
	CHECK(sdx__csv_date(d, "29.02.2000", "DD.MM.YYYY") == 0);   /* 400 */
	CHECK(sdx__csv_date(d, "29.02.2100", "DD.MM.YYYY") < 0);    /* 100 */
	CHECK(sdx__csv_date(d, "29.02.2025", "DD.MM.YYYY") < 0);
	CHECK(sdx__csv_date(d, "31.04.2026", "DD.MM.YYYY") < 0);
	CHECK(sdx__csv_date(d, "01.13.2026", "DD.MM.YYYY") < 0);
	CHECK(sdx__csv_date(d, "00.10.2026", "DD.MM.YYYY") < 0);
	CHECK(sdx__csv_date(d, "1.10.2026", "DD.MM.YYYY") < 0);     /* DD is two digits */
	CHECK(sdx__csv_date(d, "01.10.2026 ", "DD.MM.YYYY") < 0);   /* nothing after */
	CHECK(sdx__csv_date(d, "01-10-2026", "DD.MM.YYYY") < 0);    /* the separator is part of it */
	CHECK(sdx__csv_date(d, "10/01/26", "MM/DD/YYYY") < 0);
}

static void groups_rows(void)
{
	struct got g;

	CHECK_OK(import(&g, grouped,
			"Doc,Lot,Made,Qty,Unit,Substance,Result,LOD\n"
			"D1,L1,01.10.2026,\"1,5\",t,lead (Pb),\"12,4\",0.5\n"
			"D1,L1,01.10.2026,\"1,5\",t,cadmium (Cd),n.d.,0.5\n"
			"D2,L2,02.10.2026,800,kg,lead (Pb),3,0.5\n"));
	CHECK(g.n == 2);
	CHECK_STR(g.what[0], "'t.csv' lines 2-3");
	CHECK_STR(g.what[1], "'t.csv' line 4");
	CHECK_AT(&g, 0, "declaration_id", "\"D1\"");
	/* the lot repeated on both rows is one lot; units translated */
	CHECK_AT(&g, 0, "material.lots", "[{\"lot_number\":\"L1\",\"production_date\":\"2026-10-01\","
		 "\"quantity\":{\"value\":1.5,\"unit\":\"TNE\"}}]");
	CHECK_AT(&g, 1, "material.lots[0].quantity", "{\"value\":800,\"unit\":\"KGM\"}");
	/* a measurement per row, selected by its substance; n.d. with its unit */
	CHECK_AT(&g, 0, "claims[0].measurements",
		 "[{\"substance\":\"lead (Pb)\",\"cas_number\":\"7439-92-1\",\"value\":12.4,\"unit\":\"mg/kg\",\"detection_limit\":0.5},"
		 "{\"substance\":\"cadmium (Cd)\",\"cas_number\":\"7440-43-9\",\"below_detection\":true,"
		 "\"unit\":\"mg/kg\",\"detection_limit\":0.5}]");
	CHECK_AT(&g, 0, "claims[0].declared_sum", "{\"value\":12.4,\"unit\":\"mg/kg\"}");
	CHECK_AT(&g, 1, "claims[0].declared_sum", "{\"value\":3.0,\"unit\":\"mg/kg\"}");
	got_free(&g);

	/* without group_by, a record per row */
	CHECK_OK(import(&g, per_row,
			"Doc,Lot,Made,Qty,Unit,Substance,Result,LOD\n"
			"D1,L1,01.10.2026,1,t,lead (Pb),1,0.5\n"
			"D2,L2,01.10.2026,1,t,lead (Pb),2,0.5\n"));
	CHECK(g.n == 2);
	CHECK_STR(g.what[1], "'t.csv' line 3");
	got_free(&g);

	/* a lot per row, two lots in a record */
	CHECK_OK(import(&g, grouped,
			"Doc,Lot,Made,Qty,Unit,Substance,Result,LOD\n"
			"D1,L1,01.10.2026,1,t,lead (Pb),1,0.5\n"
			"D1,L2,02.10.2026,2,t,cadmium (Cd),2,0.5\n"));
	CHECK(g.n == 1);
	CHECK_AT(&g, 0, "material.lots[1].lot_number", "\"L2\"");
	CHECK_AT(&g, 0, "claims[0].declared_sum.value", "3.0");
	got_free(&g);
}

static void delimiters(void)
{
	struct got g;
	char *map = NULL;
	size_t n = strlen(grouped) + 32;

	/* detected from the header line: the decimal commas are not delimiters */
	CHECK_OK(import(&g, grouped,
			"\xef\xbb\xbf" "Doc;Lot;Made;Qty;Unit;Substance;Result;LOD\r\n"
			"D1;L1;01.10.2026;1,5;t;lead (Pb);12,4;0.5\r\n"));
	CHECK(g.n == 1);
	CHECK_AT(&g, 0, "declaration_id", "\"D1\"");
	CHECK_AT(&g, 0, "material.lots[0].quantity.value", "1.5");
	got_free(&g);
	/* given in the mapping: a header of one column per ';' would read as ',' */
	CHECK((map = malloc(n)) != NULL);
	snprintf(map, n, "{\"delimiter\": \",\", %s", grouped + 1);
	CHECK_REFUSED(map, "Doc;Lot;Made;Qty;Unit;Substance;Result;LOD\nD1;L1;01.10.2026;1;t;lead (Pb);1;0.5\n",
		      SDX_ESCHEMA, "'t.csv': line 1: no column 'Doc' (the mapping 'm.json' reads it)");
	free(map);
}

static void refusals(void)
{
	static const char head[] = "Doc,Lot,Made,Qty,Unit,Substance,Result,LOD\n";
	char csv[512];

#define ROWS(rows) (snprintf(csv, sizeof(csv), "%s%s", head, rows), csv)
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,lead (Pb),\"1,2x\",0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Result': '1,2x' is not a number (decimal comma) "
		      "(field /claims/0/measurements/substance={Substance}/value)");
	CHECK_REFUSED(grouped, ROWS("D1,L1,1.10.2026,1,t,lead (Pb),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Made': '1.10.2026' is not a date as DD.MM.YYYY "
		      "(field /material/lots/-/production_date)");
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,,lead (Pb),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Unit': empty; column 'Qty' needs its unit");
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,zinc (Zn),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Substance': 'zinc (Zn)' is not one of 'lead (Pb)', "
		      "'cadmium (Cd)' (field /claims/0/measurements/substance={Substance}/cas_number)");
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,,1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Substance': empty; it selects the element of "
		      "/claims/0/measurements/substance={Substance}/value");
	CHECK_REFUSED(grouped, ROWS(",L1,01.10.2026,1,t,lead (Pb),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Doc': empty; it says which record the row belongs "
		      "to (group_by)");
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,lead (Pb),1,0.5\n"
				    "D2,L2,01.10.2026,1,t,lead (Pb),1,0.5\n"
				    "D1,L1,01.10.2026,1,t,cadmium (Cd),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 4, column 'Doc': belongs to the record of line 2, but other "
		      "rows came between (the rows of one record are consecutive)");
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,lead (Pb),1,0.5\n"
				    "D1,L1,01.10.2026,1,t,lead (Pb),2,0.5\n"), SDX_ESCHEMA,
		      "'t.csv': line 3, column 'Result': field /claims/0/measurements/"
		      "substance={Substance}/value: this row says another value, but a row before "
		      "it (the record from line 2) said 1");
	/* the schema refuses the record: named by its lines and field */
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,-1,t,lead (Pb),1,0.5\n"), SDX_ESCHEMA,
		      "'t.csv' line 2: declaration: material.lots[0].quantity.value: -1 must be "
		      "greater than 0");
	CHECK_REFUSED(grouped, "Doc,Lot\nD1,L1\n", SDX_ESCHEMA,
		      "'t.csv': line 1: no column 'Made' (the mapping 'm.json' reads it)");
	/* the CSV reader's own refusals come through */
	CHECK_REFUSED(grouped, ROWS("D1,L1,01.10.2026,1,t,lead (Pb),1\n"), SDX_EFORMAT,
		      "'t.csv': line 2: 7 fields, but the header names 8 columns");
#undef ROWS
}

static void entries(void)
{
	static const char map[] = "{" BASE "\"columns\": [ { \"column\": \"Doc\", \"path\": "
		"\"/declaration_id\" }, { \"column\": \"Ref\", \"path\": \"/supersedes\", \"type\": "
		"\"entry\" } ] }";

	/* without a ledger, an entry is a full leaf hash */
	CHECK_REFUSED(map, "Doc,Ref\nD1,3f2a9c\n", SDX_ESCHEMA,
		      "'t.csv': line 2, column 'Ref': '3f2a9c' is not a leaf hash (64 lower-case "
		      "hex digits)");
}

static void mapping_refusals(void)
{
	sdx_csv_map *m = NULL;
	struct {
		const char *map, *want;
	} bad[] = {
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"declaration_id\" } ] }",
		  "'m.json': csv-map: columns[0].path: 'declaration_id' does not match ^/" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"/claims/id=C1\" } ] }",
		  "'m.json': columns[0].path: '/claims/id=C1' ends in a selector; it selects an "
		  "element, then names the member to set" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"/a\", \"date_format\": \"DD.MM.YYYY\" } ] }",
		  "'m.json': columns[0].date_format: only a column of type \"date\" has one" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"/a\", \"type\": \"date\", \"date_format\": "
		  "\"DD.MM.YY\" } ] }",
		  "'m.json': columns[0].date_format: 'DD.MM.YY' is not a date format (YYYY, MM or "
		  "M, DD or D once each, e.g. DD.MM.YYYY)" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"/a\", \"unit\": \"KGM\" } ] }",
		  "'m.json': columns[0]: a unit goes with a column of type \"number\" or \"integer\"" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"constants\": "
		  "{ \"/claims/id={X}/a\": 1 }, \"columns\": [ { \"column\": \"A\", \"path\": \"/a\" } ] }",
		  "'m.json': constants['/claims/id={X}/a']: a constant cannot select by a column "
		  "('{X}')" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"shipment\", \"columns\": "
		  "[ { \"column\": \"A\", \"path\": \"/a\" } ] }",
		  "'m.json': csv-map: record: 'shipment' is not one of: declaration, batch" },
		{ "{\"format\": \"sdx-csv-map/1\", \"record\": \"batch\", \"colums\": [] }",
		  "'m.json': csv-map: unexpected field 'colums'" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = sdx_csv_map_parse(&m, "m.json", bad[i].map, strlen(bad[i].map));
		if (rc != SDX_ESCHEMA || strcmp(sdx_error_last(), bad[i].want) != 0)
			fprintf(stderr, "# %zu: got %d '%s'\n# wanted '%s'\n", i, rc,
				sdx_error_last(), bad[i].want);
		CHECK(rc == SDX_ESCHEMA && strcmp(sdx_error_last(), bad[i].want) == 0);
		CHECK(m == NULL);
	}
	CHECK_ERR(sdx_csv_map_parse(&m, "m.json", "{", 1), SDX_EFORMAT);
	CHECK_ERR(sdx_csv_map_read(&m, "none.json"), SDX_ENOTFOUND);
}

static const struct test_case tests[] = {
	{ "date formats read as YYYY-MM-DD, and impossible dates refused", dates },
	{ "rows grouped into records, repeated elements merged, units, sums", groups_rows },
	{ "';' detected (a BOM, quotes), or given by the mapping", delimiters },
	{ "bad cells and rows named by file, line, column and field", refusals },
	{ "an entry cell without a ledger", entries },
	{ "mappings refused, naming the member", mapping_refusals },
	{ NULL, NULL }
};

TEST_MAIN(tests)
