/*
 * formats/records/clearance.c - the clearance record: what customs answered
 * about a shipment's export declaration (formats/clearance.md).  The latest
 * one a shipment's ledgers hold is its status in trace and due.
 */
#include <stdio.h>
#include <string.h>

#include "formats/records/internal.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

static int clearance_rules(const char *type, const json_t *root)
{
	return sdx__rule_party(type, json_object_get(root, "declarant"), "declarant");
}

static void summary(char *out, size_t cap, const json_t *body)
{
	const char *code = sdx__jstr(body, "green_clearance_code", NULL);

	snprintf(out, cap, "clearance of shipment %.16s, declaration %s: %s%s%s at %s",
		 sdx__jstr(body, "shipment", NULL), sdx__jstr(body, "customs_declaration", NULL),
		 sdx__jstr(body, "status", NULL), code ? " " : "", code ? code : "",
		 sdx__jstr(body, "time", NULL));
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "clearance %s: %s at %s", sdx__jstr(body, "customs_declaration", NULL),
		 sdx__jstr(body, "status", NULL), sdx__jstr(body, "time", NULL));
}

static void trace(json_t *j, const json_t *body)
{
	static const char *const members[] = { "customs_declaration", "status", "time",
					       "green_clearance_code", "office", "reason", NULL };
	size_t i;

	for (i = 0; members[i]; i++)
		if (json_object_get(body, members[i]))
			json_object_set(j, members[i], json_object_get(body, members[i]));
}

static const char *const shipments[] = { "shipment", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	/* an exporter's own shipment, or one a broker imported */
	{ .field = "shipment", .held = 1, .accepts = shipments, .accepts_text = "a shipment" },
};

static const struct sdx_record_field clearance_fields[] = {
	{ "customs_declaration", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED | SDX_FIELD_LABEL, NULL },
	{ "shipment", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "status", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "time", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "green_clearance_code", SDX_FIELD_TEXT, 0, NULL },
	{ "office", SDX_FIELD_TEXT, 0, NULL },
	{ "reason", SDX_FIELD_TEXT, 0, NULL },
	{ "declarant.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "declarant.identifiers", SDX_FIELD_IDS, SDX_FIELD_REQUIRED, NULL },
	{ "declarant.country", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "remarks", SDX_FIELD_TEXT, 0, NULL },
};

static const struct sdx_record_build build = {
	clearance_fields, sizeof(clearance_fields) / sizeof(clearance_fields[0]), NULL
};

static const char *const parties[] = { "declarant", NULL };

const struct sdx_record_type sdx__type_clearance = {
	.name = "clearance",
	.has_schema = 1,
	.role = SDX_ROLE_STATUS,
	.id_field = "customs_declaration",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.issuer = "declarant",
	.issuer_role = "exporter",
	.rules = clearance_rules,
	.summary = summary,
	.label = label,
	.trace = trace,
	.build = &build,
};
