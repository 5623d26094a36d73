/* cmd/cmd_ship.c - sdx ship: record an export shipment of batches. */
#include <string.h>

#include "cmd/cmd.h"

#define MAX_ITEMS 500

static const struct usage use = {
	"sdx ship FILE.json\n"
	"   or: sdx ship --id ID --date DATE --exporter NAME --exporter-id SCHEME:ID...\n"
	"                --exporter-country CC --to CC --port LOCODE --consignee NAME\n"
	"                --item REF:N:UNIT[:HS]...",
	"Record an export shipment (formats/shipment.md, version 2: it names its\n"
	"exporter): which batches it carries - your own or ones imported from a\n"
	"manufacturer's bundle, named by leaf hash (4+ hex digits) - their HS codes,\n"
	"the destination and the port of loading.  Item values and a correction\n"
	"(supersedes) go in a JSON file; a version 1 file (no \"format\") is read in\n"
	"ledgers but no longer written.  Then 'sdx export --provenance REF' bundles\n"
	"everything upstream of it and 'sdx check --profile P REF' judges it against a\n"
	"market's rules.  A shipment may not ship more of a batch than was made (with\n"
	"every shipment of this ledger), nor before it was made, nor repeat a shipment\n"
	"id unless it supersedes that one; an HS code that differs from the batch's at\n"
	"six digits is noted (formats/plausibility.md).\n"
	"Example:\n"
	"  sdx ship --id NBX-2611-0087 --date 2026-11-20 --exporter 'Ningbo Export Co.' \\\n"
	"      --exporter-id USCI:91330201MA2AH8XK4L --exporter-country CN --to DE \\\n"
	"      --port CNNGB --consignee 'Kinderwelt Handels GmbH' --item 9c41e2:5000:H87",
	USAGE_ANY
};

/* The shipment fields options give, and the options. */
enum { ID, DATE, EXPORTER, EXPORTER_COUNTRY, TO, PORT, DISCHARGE, CONSIGNEE, CONSIGNEE_COUNTRY,
       MODE, CUSTOMS, N_FIELDS };
static const struct field_opt fields[N_FIELDS] = {
	{ "shipment_id", "--id" }, { "ship_date", "--date" },
	{ "exporter.name", "--exporter" }, { "exporter.country", "--exporter-country" },
	{ "destination_country", "--to" },
	{ "port_of_loading", "--port" }, { "port_of_discharge", "--discharge" },
	{ "consignee.name", "--consignee" }, { "consignee.country", "--consignee-country" },
	{ "transport_mode", "--mode" }, { "customs_declaration", "--customs-declaration" }
};

struct ship_opts {
	struct where w;
	const char *f[N_FIELDS];
	const char *ids[PARTY_MAX_IDS];
	size_t nids;
	const char *items[MAX_ITEMS];
	size_t nitems;
	int dry_run, json;
};

static int from_options(struct ship_opts *o)
{
	const struct list_opt ids = { "exporter.identifiers", "--exporter-id", o->ids, o->nids };
	const struct built_record r = {
		"shipment", fields, o->f, N_FIELDS, &ids, 1, o->items, o->nitems, "--item",
		"a shipment needs --id, --date, --exporter, --exporter-id, --exporter-country, "
		"--to, --port, --consignee and at least one --item (or a JSON file); see "
		"'sdx ship --help'"
	};

	return cmd_append_built(&o->w, &r, NULL, 0, o->dry_run, o->json);
}

int cmd_ship(int argc, char **argv)
{
	struct ship_opts o;
	struct record_src src = { NULL, NULL, NULL, NULL, 0, 0 };
	int first, rc;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "id", &o.f[ID], "SHIPMENT", "shipment id (booking or invoice number)"),
		OPT_STRING(0, "date", &o.f[DATE], "YYYY-MM-DD",
			   "ship date (compliance profiles judge evidence age at it)"),
		PARTY_OPTS("exporter", &o.f[EXPORTER], o.ids, &o.nids, &o.f[EXPORTER_COUNTRY],
			   "who exports the goods and signs the record (your company's legal name)"),
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
		OPT_BOOL('n', "dry-run", &o.dry_run, "make every check of the write (options: print the "
			 "record too); write nothing"),
		OPT_BOOL(0, "json", &o.json, "print the entry written as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	if (first == argc)
		return from_options(&o);
	if (o.f[ID] || o.nitems || o.f[EXPORTER] || o.nids)
		return cmd_error(EXIT_USAGE, "give either FILE.json or the shipment options, not "
				 "both");
	if (argc - first > 1)
		return cmd_error(EXIT_USAGE, "one shipment file per call");
	src.file = argv[first];
	if (o.dry_run)
		return cmd_append_check(&o.w, "shipment", &src, 1, NULL, 0);
	return cmd_append(&o.w, "shipment", &src, 1, NULL, 0, o.json);
}
