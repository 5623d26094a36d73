/*
 * fuzz_csvmap: CSV import through a mapping (sdx/csvimport.h) on any bytes.
 * The input is a mapping, a NUL byte, then the CSV; without a NUL byte it
 * is all CSV, read through a fixed mapping that uses every kind of path and
 * cell (groups, '-', selectors by a column, dates, units, lists, values,
 * sums).  Either every record handed over validates, or the import stops
 * with a clear error; never a crash, a leak or an invalid record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static const char fixed[] =
	"{\"format\": \"sdx-csv-map/1\", \"record\": \"declaration\", \"group_by\": \"Doc\","
	" \"constants\": { \"/format\": \"sdx-declaration/2\", \"/claims/0/id\": \"C1\","
	"   \"/claims/0/limit\": { \"value\": 100, \"unit\": \"mg/kg\", \"applies_to\": \"sum\", \"comparison\": \"<=\" } },"
	" \"columns\": ["
	"  { \"column\": \"Doc\", \"path\": \"/declaration_id\" },"
	"  { \"column\": \"Date\", \"path\": \"/issue_date\", \"type\": \"date\", \"date_format\": \"DD.MM.YYYY\" },"
	"  { \"column\": \"Lot\", \"path\": \"/material/lots/-/lot_number\" },"
	"  { \"column\": \"Qty\", \"path\": \"/material/lots/-/quantity/value\", \"type\": \"number\", \"decimal\": \",\","
	"    \"unit_column\": \"Unit\", \"units\": { \"kg\": \"KGM\" } },"
	"  { \"column\": \"Claim\", \"path\": \"/claims/id={Claim}/topic\", \"values\": { \"HM\": \"heavy_metals\" } },"
	"  { \"column\": \"Value\", \"path\": \"/claims/id={Claim}/measurements/substance={Sub}/value\", \"type\": \"number\","
	"    \"unit\": \"mg/kg\", \"not_detected\": [\"n.d.\"] },"
	"  { \"column\": \"Regs\", \"path\": \"/claims/0/regulations\", \"type\": \"list\", \"split\": \"|\" },"
	"  { \"column\": \"NIA\", \"path\": \"/claims/0/not_intentionally_added\", \"type\": \"boolean\" },"
	"  { \"column\": \"N\", \"path\": \"/claims/0/n/3\", \"type\": \"integer\" },"
	"  { \"column\": \"Ref\", \"path\": \"/supersedes\", \"type\": \"entry\" } ],"
	" \"sums\": [ { \"path\": \"/claims/0/declared_sum\", \"of\": \"/claims/0/measurements\" } ] }";

static const char *type;

static int check(void *ctx, const char *json, size_t len, const char *what, uint64_t first,
		 uint64_t last)
{
	(void)ctx;
	FUZZ_ASSERT(what && *what && first >= 2 && last >= first);
	FUZZ_ASSERT(sdx_record_validate(type, json, len) == 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	sdx_csv_map *m = NULL;
	const uint8_t *csv = data;
	size_t csv_len = size;
	int rc;

	if (nul) {
		rc = sdx_csv_map_parse(&m, "fuzz.json", (const char *)data, (size_t)(nul - data));
		FUZZ_ASSERT(rc == 0 || rc == SDX_EFORMAT || rc == SDX_ESCHEMA || rc == SDX_ELIMIT);
		if (rc < 0)
			return 0;
		csv = nul + 1;
		csv_len = size - (size_t)(nul - data) - 1;
	} else {
		FUZZ_ASSERT(sdx_csv_map_parse(&m, "fixed.json", fixed, strlen(fixed)) == 0);
	}
	type = sdx_csv_map_type(m);
	rc = sdx_csv_import_mem(m, "fuzz.csv", csv, csv_len, NULL, check, NULL, NULL, NULL);
	FUZZ_ASSERT(rc == 0 || rc == SDX_EFORMAT || rc == SDX_ESCHEMA || rc == SDX_ELIMIT);
	sdx_csv_map_free(m);
	return 0;
}
