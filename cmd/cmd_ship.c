/* cmd/cmd_ship.c - sdx ship: record an export shipment of batches. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_ITEMS 500

static const struct usage use = {
	"sdx ship FILE.json\n"
	"   or: sdx ship --id ID --date DATE --to CC --port LOCODE --consignee NAME\n"
	"                --item REF:N:UNIT[:HS]...",
	"Record an export shipment (formats/shipment.md): which batches it carries -\n"
	"your own or ones imported from a manufacturer's bundle, named by leaf hash\n"
	"(4+ hex digits) - their HS codes, the destination and the port of loading.\n"
	"Then 'sdx export --provenance REF' bundles everything upstream of it and\n"
	"'sdx check --profile P REF' judges it against a market's rules.\n"
	"Example:\n"
	"  sdx ship --id NBX-2611-0087 --date 2026-11-20 --to DE --port CNNGB \\\n"
	"      --consignee 'Kinderwelt Handels GmbH' --item 9c41e2:5000:H87"
};

/* The shipment fields given by options, in the order of `fields`. */
enum { ID, DATE, TO, PORT, DISCHARGE, CONSIGNEE, CONSIGNEE_COUNTRY, MODE, CUSTOMS, N_FIELDS };
static const char *const fields[N_FIELDS] = {
	"shipment_id", "ship_date", "destination_country", "port_of_loading", "port_of_discharge",
	"consignee.name", "consignee.country", "transport_mode", "customs_declaration"
};

struct ship_opts {
	struct where w;
	const char *f[N_FIELDS];
	const char *items[MAX_ITEMS];
	size_t nitems;
	int dry_run, json;
};

/* The record from the options: each field, then each item resolved in the ledger. */
static int from_options(struct ship_opts *o)
{
	sdx_record_builder *b = NULL;
	sdx_ledger *l = NULL;
	struct record_src src = { NULL, NULL };
	char what[48], *text = NULL;
	size_t i;
	int rc = 0, err;

	if ((err = sdx_record_builder_new(&b, "shipment")) < 0)
		return cmd_fail(err);
	for (i = 0; i < N_FIELDS && err == 0; i++)
		if (o->f[i])
			err = sdx_record_builder_set(b, fields[i], o->f[i], NULL);
	for (i = 0; i < o->nitems && err == 0; i++) {
		snprintf(what, sizeof(what), "--item #%zu", i + 1);
		err = sdx_record_builder_add(b, o->items[i], what);
	}
	if (err < 0)
		goto fail;
	if (sdx_record_builder_missing(b)) {
		rc = cmd_error(EXIT_USAGE, "a shipment needs --id, --date, --to, --port, "
			       "--consignee and at least one --item (or a JSON file); see "
			       "'sdx ship --help'");
		goto done;
	}
	if ((err = sdx_record_builder_check(b)) < 0)
		goto fail;
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		goto done;
	err = sdx_record_builder_resolve(b, l);
	sdx_ledger_free(l);
	if (err < 0)
		goto fail;
	if (o->dry_run) {
		if ((err = sdx_record_builder_json(&text, NULL, b, SDX_BUILD_PRETTY)) < 0)
			goto fail;
		printf("%s\n", text);
		goto done;
	}
	src.b = b;
	rc = cmd_append(&o->w, "shipment", &src, 1, NULL, 0, o->json);
	goto done;
fail:
	rc = cmd_fail(err);
done:
	free(text);
	sdx_record_builder_free(b);
	return rc;
}

int cmd_ship(int argc, char **argv)
{
	struct ship_opts o;
	struct record_src src = { NULL, NULL };
	int first, rc;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "id", &o.f[ID], "SHIPMENT", "shipment id (booking or invoice number)"),
		OPT_STRING(0, "date", &o.f[DATE], "YYYY-MM-DD",
			   "ship date (compliance profiles judge evidence age at it)"),
		OPT_STRING(0, "to", &o.f[TO], "CC", "destination country (ISO 3166 alpha-2, e.g. DE, US)"),
		OPT_STRING(0, "port", &o.f[PORT], "LOCODE", "port of loading (UN/LOCODE, e.g. CNNGB, CNSHA)"),
		OPT_STRING(0, "discharge", &o.f[DISCHARGE], "LOCODE",
			   "port of discharge (optional, e.g. DEHAM)"),
		OPT_STRING(0, "consignee", &o.f[CONSIGNEE], "NAME",
			   "consignee (buyer or importer of record)"),
		OPT_STRING(0, "consignee-country", &o.f[CONSIGNEE_COUNTRY], "CC",
			   "consignee's country (default: --to)"),
		OPT_STRING(0, "mode", &o.f[MODE], "MODE", "sea, air, rail, road or multimodal (optional)"),
		OPT_STRING(0, "customs-declaration", &o.f[CUSTOMS], "NO",
			   "export customs declaration number (optional)"),
		OPT_STRING_LIST('i', "item", o.items, &o.nitems, MAX_ITEMS, "REF:N:UNIT[:HS]",
				"a batch carried (own or imported) and how much; HS defaults to the "
				"batch's product code; repeatable", "at most %zu --item options"),
		OPT_BOOL('n', "dry-run", &o.dry_run, "print the record that would be signed; write nothing"),
		OPT_BOOL(0, "json", &o.json, "print the entry written as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	if (first == argc)
		return from_options(&o);
	if (o.f[ID] || o.nitems)
		return cmd_error(EXIT_USAGE, "give either FILE.json or the shipment options, not "
				 "both");
	if (argc - first > 1 || o.dry_run)
		return cmd_error(EXIT_USAGE, "one shipment file per call; --dry-run applies to "
				 "options");
	src.file = argv[first];
	return cmd_append(&o.w, "shipment", &src, 1, NULL, 0, o.json);
}
