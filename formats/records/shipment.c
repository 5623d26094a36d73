/*
 * formats/records/shipment.c - the shipment: batches sent to a consignee
 * (formats/shipment.md).  A compliance check of a shipment is made at its
 * ship date unless told otherwise.  Version 1 is read; version 2 (its
 * exporter, item values, corrections) is written.
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/records/build.h"
#include "formats/records/internal.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

/* A shipment: each batch once (formats/shipment.md §4). */
static int shipment_rules(const char *type, const json_t *root)
{
	const json_t *items = json_object_get(root, "items");
	size_t a = 0, b = 0;
	int r;

	if ((r = sdx__rule_repeat(items, "batch", &a, &b)) < 0)
		return r;
	if (r)
		return sdx__rule_bad(type, "items[%zu].batch: the same batch as items[%zu]; add the "
			   "quantities into one item", b, a);
	if ((r = sdx__rule_party(type, json_object_get(root, "exporter"), "exporter")) < 0)
		return r;
	return sdx__rule_party(type, json_object_get(root, "consignee"), "consignee");
}

/* Version 2 names its exporter: ", by NAME", or "" for version 1. */
static void by(char *out, size_t cap, const json_t *body)
{
	const char *name = json_string_value(json_object_get(json_object_get(body, "exporter"),
							     "name"));

	snprintf(out, cap, "%s%s", name ? ", by " : "", name ? name : "");
}

static void summary(char *out, size_t cap, const json_t *body)
{
	size_t n = json_array_size(json_object_get(body, "items"));
	char who[220];

	by(who, sizeof(who), body);
	snprintf(out, cap, "shipment %s %s to %s from %s, %zu batch%s%s",
		 json_string_value(json_object_get(body, "shipment_id")),
		 json_string_value(json_object_get(body, "ship_date")),
		 json_string_value(json_object_get(body, "destination_country")),
		 json_string_value(json_object_get(body, "port_of_loading")), n,
		 n == 1 ? "" : "es", who);
}

static void label(char *out, size_t cap, const json_t *body)
{
	char who[220];

	by(who, sizeof(who), body);
	snprintf(out, cap, "shipment %s: %s to %s from %s%s", sdx__jstr(body, "shipment_id", NULL),
		 sdx__jstr(body, "ship_date", NULL), sdx__jstr(body, "destination_country", NULL),
		 sdx__jstr(body, "port_of_loading", NULL), who);
}

static void trace(json_t *j, const json_t *body)
{
	json_object_set_new(j, "shipment_id", json_string(sdx__jstr(body, "shipment_id", NULL)));
	/* version 2: who exports it, and the shipment it corrects */
	if (json_object_get(body, "exporter"))
		json_object_set_new(j, "exporter", json_string(sdx__jstr(body, "exporter", "name")));
	if (json_object_get(body, "supersedes"))
		json_object_set_new(j, "supersedes",
				    json_string(sdx__jstr(body, "supersedes", NULL)));
	json_object_set_new(j, "ship_date", json_string(sdx__jstr(body, "ship_date", NULL)));
	json_object_set_new(j, "destination_country",
			    json_string(sdx__jstr(body, "destination_country", NULL)));
	json_object_set_new(j, "port_of_loading",
			    json_string(sdx__jstr(body, "port_of_loading", NULL)));
	json_object_set_new(j, "consignee", json_string(sdx__jstr(body, "consignee", "name")));
}

static void used(json_t *e, const json_t *body)
{
	json_object_set_new(e, "shipment_id", json_string(sdx__jstr(body, "shipment_id", NULL)));
	json_object_set_new(e, "destination_country",
			    json_string(sdx__jstr(body, "destination_country", NULL)));
	json_object_set_new(e, "ship_date", json_string(sdx__jstr(body, "ship_date", NULL)));
}

static const char *const batches[] = { "batch", NULL };
static const char *const shipments[] = { "shipment", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	/* carried, not made into something: checks keep the batch as "via" */
	{ .array = "items", .field = "batch", .held = 1, .accepts = batches,
	  .accepts_text = "a batch" },
	/* version 2: a correction names the shipment it replaces (same ledger) */
	{ .field = "supersedes", .accepts = shipments, .accepts_text = "a shipment" },
};

/* The product HS code a batch entry declares (a new reference), or NULL. */
static json_t *batch_hs(const sdx_found *f)
{
	json_t *p = NULL, *hs;

	if (sdx__entry_payload_json(&p, f->entry.data, f->entry.len, "batch") < 0)
		return NULL;
	hs = json_object_get(json_object_get(json_object_get(p, "body"), "product"), "hs_code");
	hs = json_is_string(hs) ? json_incref(hs) : NULL;
	json_decref(p);
	return hs;
}

/* A shipment item, REF:N:UNIT[:HS]: {"batch", "hs_code", "quantity"}. */
static int shipment_item(json_t **out, sdx_ledger *l, char *spec, const char *what)
{
	char *f[4], hex[65];
	sdx_found *found = NULL;
	json_t *q = NULL, *hs = NULL;
	size_t nf;
	int err;

	*out = NULL;
	if (sdx__build_split(spec, f, 4, &nf) != 0 || nf < 3)
		return sdx_error_set(SDX_EFORMAT, "%s: expected REF:N:UNIT[:HS], e.g. 9c41e2:5000:H87",
				     what);
	if ((err = sdx__build_find(&found, hex, l, f[0])) < 0)
		return err;
	if (!sdx__edge_accepts(&edges[0], found->entry.type))
		err = sdx_error_set(SDX_ESCHEMA, "%s: entry %.16s... is a %s, not %s", what, hex,
				    found->entry.type, edges[0].accepts_text);
	else if (!(hs = nf == 4 ? json_string(f[3]) : batch_hs(found)))
		err = sdx_error_set(SDX_ESCHEMA, "%s: the batch names no HS code; add it as "
				    "REF:N:UNIT:HS", what);
	else if ((err = sdx__build_quantity(&q, f[1], f[2], what)) == 0) {
		/* json_pack takes hs and q, on failure too */
		if (!(*out = json_pack("{s:s, s:o, s:o}", "batch", hex, "hs_code", hs, "quantity", q)))
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
		hs = NULL;
	}
	json_decref(hs);
	sdx_found_free(found);
	return err;
}

static const struct sdx_record_field shipment_fields[] = {
	{ "shipment_id", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED | SDX_FIELD_LABEL, NULL },
	{ "ship_date", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "exporter.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "exporter.identifiers", SDX_FIELD_IDS, SDX_FIELD_REQUIRED, NULL },
	{ "exporter.country", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "destination_country", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "port_of_loading", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "consignee.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	/* the buyer is in the destination country unless said otherwise */
	{ "consignee.country", SDX_FIELD_TEXT, 0, "destination_country" },
	{ "items", SDX_FIELD_LINKS, SDX_FIELD_REQUIRED, NULL },
	{ "port_of_discharge", SDX_FIELD_TEXT, 0, NULL },
	{ "transport_mode", SDX_FIELD_TEXT, 0, NULL },
	{ "customs_declaration", SDX_FIELD_TEXT, 0, NULL },
};

static const struct sdx_record_build build = {
	shipment_fields, sizeof(shipment_fields) / sizeof(shipment_fields[0]), shipment_item
};

static const char *const parties[] = { "consignee", "exporter", NULL };

const struct sdx_record_type sdx__type_shipment = {
	.name = "shipment",
	.has_schema = 1,
	.versions = 2,
	.writes = 2,
	.upgrade = "an \"exporter\" (the party that ships the goods; formats/shipment.md, "
		   "\"Versions\")",
	.role = SDX_ROLE_COMPOSITE,
	.id_field = "shipment_id",
	.date_field = "ship_date",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.rules = shipment_rules,
	.summary = summary,
	.label = label,
	.trace = trace,
	.used = used,
	.build = &build,
};
