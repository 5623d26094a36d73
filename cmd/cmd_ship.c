/* cmd/cmd_ship.c - sdx ship: record an export shipment of batches. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_ITEMS 500

static const struct opt opts[] = {
	{ "id", 0, "SHIPMENT", "shipment id (booking or invoice number)" },
	{ "date", 0, "YYYY-MM-DD", "ship date (compliance profiles judge evidence age at it)" },
	{ "to", 0, "CC", "destination country (ISO 3166 alpha-2, e.g. DE, US)" },
	{ "port", 0, "LOCODE", "port of loading (UN/LOCODE, e.g. CNNGB, CNSHA)" },
	{ "discharge", 0, "LOCODE", "port of discharge (optional, e.g. DEHAM)" },
	{ "consignee", 0, "NAME", "consignee (buyer or importer of record)" },
	{ "consignee-country", 0, "CC", "consignee's country (default: --to)" },
	{ "mode", 0, "MODE", "sea, air, rail, road or multimodal (optional)" },
	{ "customs-declaration", 0, "NO", "export customs declaration number (optional)" },
	{ "item", 'i', "REF:N:UNIT[:HS]", "a batch carried (own or imported) and how much; HS "
	  "defaults to the batch's product code; repeatable" },
	{ "dry-run", 'n', NULL, "print the record that would be signed; write nothing" },
	{ "json", 0, NULL, "print the entry written as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

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
	"      --consignee 'Kinderwelt Handels GmbH' --item 9c41e2:5000:H87",
	opts
};

struct ship_opts {
	struct where w;
	const char *id, *date, *to, *port, *discharge, *consignee, *consignee_country, *mode,
		*customs;
	char *items[MAX_ITEMS];
	size_t nitems;
	int dry_run, json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct ship_opts *o = ctx;
	static const struct string_opt strs[] = {
		{ "id", offsetof(struct ship_opts, id) },
		{ "date", offsetof(struct ship_opts, date) },
		{ "to", offsetof(struct ship_opts, to) },
		{ "port", offsetof(struct ship_opts, port) },
		{ "discharge", offsetof(struct ship_opts, discharge) },
		{ "consignee", offsetof(struct ship_opts, consignee) },
		{ "consignee-country", offsetof(struct ship_opts, consignee_country) },
		{ "mode", offsetof(struct ship_opts, mode) },
		{ "customs-declaration", offsetof(struct ship_opts, customs) },
	};

	if (where_option(&o->w, name, arg) ||
	    string_option(o, strs, sizeof(strs) / sizeof(strs[0]), name, arg))
		return 0;
	if (strcmp(name, "item") == 0) {
		if (o->nitems == MAX_ITEMS)
			return cmd_error(EXIT_USAGE, "at most %d --item options", MAX_ITEMS);
		o->items[o->nitems++] = (char *)arg;
	} else if (strcmp(name, "dry-run") == 0) {
		o->dry_run = 1;
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	}
	return 0;
}

/* The product HS code a batch entry declares. */
static char *batch_hs(sdx_ledger *l, const char *hex)
{
	sdx_found *f = NULL;
	sdx_entry tmp;
	char *payload = NULL, *hs = NULL;
	size_t plen;
	json_t *p = NULL;
	const char *v;

	if (sdx_ledger_find(l, hex, &f) < 0)
		return NULL;
	tmp = f->entry;
	if (sdx_entry_payload(&tmp, &payload, &plen) == 0 &&
	    (p = json_loadb(payload, plen, 0, NULL)) &&
	    (v = json_string_value(json_object_get(json_object_get(json_object_get(p, "body"),
								  "product"), "hs_code"))))
		hs = strdup(v);
	json_decref(p);
	free(payload);
	sdx_found_free(f);
	return hs;
}

/* --item REF:N:UNIT[:HS] as {"batch", "quantity", "hs_code"}. */
static int add_item(sdx_ledger *l, json_t *items, char *spec, size_t n)
{
	char *f[4], hex[65], type[SDX_TYPE_MAX + 1], what[48], *hs = NULL;
	json_t *q;
	size_t nf;
	int rc;

	snprintf(what, sizeof(what), "--item #%zu", n + 1);
	if (split_fields(spec, f, 4, &nf) != 0 || nf < 3)
		return cmd_error(EXIT_USAGE, "%s: expected REF:N:UNIT[:HS], e.g. 9c41e2:5000:H87",
				 what);
	if ((rc = resolve_leaf(l, f[0], hex, type, sizeof(type))) != 0)
		return rc;
	if (strcmp(type, "batch") != 0)
		return cmd_error(EXIT_USAGE, "%s: entry %.16s... is a %s, not a batch", what, hex,
				 type);
	if (nf == 4)
		hs = strdup(f[3]);
	else if (!(hs = batch_hs(l, hex)))
		return cmd_error(EXIT_USAGE, "%s: the batch names no HS code; add it as "
				 "REF:N:UNIT:HS", what);
	if (!(q = quantity_json(f[1], f[2], what))) {
		free(hs);
		return EXIT_USAGE;
	}
	json_array_append_new(items, json_pack("{s:s, s:s, s:o}", "batch", hex, "hs_code", hs,
					       "quantity", q));
	free(hs);
	return 0;
}

static int from_options(struct ship_opts *o)
{
	sdx_ledger *l = NULL;
	json_t *rec, *items, *consignee;
	size_t i;
	int rc;

	if (!o->id || !o->date || !o->to || !o->port || !o->consignee || !o->nitems)
		return cmd_error(EXIT_USAGE, "a shipment needs --id, --date, --to, --port, "
				 "--consignee and at least one --item (or a JSON file); see "
				 "'sdx ship --help'");
	consignee = json_pack("{s:s, s:s}", "name", o->consignee, "country",
			      o->consignee_country ? o->consignee_country : o->to);
	items = json_array();
	rec = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o}", "shipment_id", o->id, "ship_date",
			o->date, "destination_country", o->to, "port_of_loading", o->port,
			"consignee", consignee, "items", items);
	if (!rec)
		return cmd_error(EXIT_ENV, "out of memory");
	if (o->discharge)
		json_object_set_new(rec, "port_of_discharge", json_string(o->discharge));
	if (o->mode)
		json_object_set_new(rec, "transport_mode", json_string(o->mode));
	if (o->customs)
		json_object_set_new(rec, "customs_declaration", json_string(o->customs));
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		goto done;
	for (i = 0; i < o->nitems && rc == 0; i++)
		rc = add_item(l, items, o->items[i], i);
	sdx_ledger_free(l);
	if (rc == 0)
		rc = record_from_options(&o->w, "shipment", rec, NULL, 0, o->dry_run, o->json);
done:
	json_decref(rec);
	return rc;
}

int cmd_ship(int argc, char **argv)
{
	struct ship_opts o;
	int first, rc;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	if (first == argc)
		return from_options(&o);
	if (o.id || o.nitems)
		return cmd_error(EXIT_USAGE, "give either FILE.json or the shipment options, not "
				 "both");
	if (argc - first > 1 || o.dry_run)
		return cmd_error(EXIT_USAGE, "one shipment file per call; --dry-run applies to "
				 "options");
	return cmd_declare_file(&o.w, "shipment", argv[first], NULL, 0, o.json);
}
