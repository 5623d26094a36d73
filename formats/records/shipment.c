/*
 * formats/records/shipment.c - the shipment: batches sent to a consignee
 * (formats/shipment.md).  A compliance check of a shipment is made at its
 * ship date unless told otherwise.
 */
#include <stdio.h>
#include <string.h>

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
	return sdx__rule_party(type, json_object_get(root, "consignee"), "consignee");
}

static void summary(char *out, size_t cap, const json_t *body)
{
	size_t n = json_array_size(json_object_get(body, "items"));

	snprintf(out, cap, "shipment %s %s to %s from %s, %zu batch%s",
		 json_string_value(json_object_get(body, "shipment_id")),
		 json_string_value(json_object_get(body, "ship_date")),
		 json_string_value(json_object_get(body, "destination_country")),
		 json_string_value(json_object_get(body, "port_of_loading")), n,
		 n == 1 ? "" : "es");
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "shipment %s: %s to %s from %s", sdx__jstr(body, "shipment_id", NULL),
		 sdx__jstr(body, "ship_date", NULL), sdx__jstr(body, "destination_country", NULL),
		 sdx__jstr(body, "port_of_loading", NULL));
}

static void trace(json_t *j, const json_t *body)
{
	json_object_set_new(j, "shipment_id", json_string(sdx__jstr(body, "shipment_id", NULL)));
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

static const struct sdx_record_edge edges[] = {
	/* carried, not made into something: checks keep the batch as "via" */
	{ .array = "items", .field = "batch", .held = 1, .accepts = batches,
	  .accepts_text = "a batch" },
};

static const char *const parties[] = { "consignee", NULL };

const struct sdx_record_type sdx__type_shipment = {
	.name = "shipment",
	.has_schema = 1,
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
};
