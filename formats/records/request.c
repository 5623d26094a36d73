/*
 * formats/records/request.c - the request record: a manufacturer asks a
 * supplier to declare against profiles (or some of their rules) for lots or
 * materials by a due date (formats/request.md).  The supplier's declaration
 * answers it by citing it (declaration version 3, `answers`); until one is
 * held, sdx due lists it on both sides.
 */
#include <stdio.h>
#include <string.h>

#include "formats/records/internal.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

static int request_rules(const char *type, const json_t *root)
{
	const char *issued = sdx__rule_str(root, "issued"), *due = sdx__rule_str(root, "due");
	int err;

	if ((err = sdx__rule_party(type, json_object_get(root, "requester"), "requester")) < 0 ||
	    (err = sdx__rule_party(type, json_object_get(root, "supplier"), "supplier")) < 0)
		return err;
	if (issued && due && strcmp(due, issued) < 0)
		return sdx__rule_bad(type, "due: %s is before the request's issued %s", due, issued);
	return sdx__rule_text(type, root);
}

/* "a, b, c" of a string array, cut to fit. */
static void joined(char *out, size_t cap, const json_t *a)
{
	const json_t *x;
	size_t i, at = 0;

	out[0] = '\0';
	json_array_foreach(a, i, x) {
		int n = snprintf(out + at, cap - at, "%s%s", i ? ", " : "", json_string_value(x));
		if (n < 0 || (size_t)n >= cap - at)
			break;
		at += (size_t)n;
	}
}

static void summary(char *out, size_t cap, const json_t *body)
{
	char profiles[200];

	joined(profiles, sizeof(profiles), json_object_get(body, "profiles"));
	snprintf(out, cap, "request %s to %s: %s, due %s", sdx__jstr(body, "request_id", NULL),
		 sdx__jstr(body, "supplier", "name"), profiles, sdx__jstr(body, "due", NULL));
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "request %s to %s, due %s", sdx__jstr(body, "request_id", NULL),
		 sdx__jstr(body, "supplier", "name"), sdx__jstr(body, "due", NULL));
}

static void trace(json_t *j, const json_t *body)
{
	static const char *const members[] = { "request_id", "profiles", "rules", "lots",
					       "materials", "due", "issued", NULL };

	json_object_set_new(j, "requester", json_string(sdx__jstr(body, "requester", "name")));
	json_object_set_new(j, "supplier", json_string(sdx__jstr(body, "supplier", "name")));
	for (size_t i = 0; members[i]; i++)
		if (json_object_get(body, members[i]))
			json_object_set(j, members[i], json_object_get(body, members[i]));
}

static const char *const requests[] = { "request", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	/* a changed request names the one it replaces (same ledger) */
	{ .field = "supersedes", .accepts = requests, .accepts_text = "a request" },
};

static const struct sdx_record_field request_fields[] = {
	{ "request_id", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED | SDX_FIELD_LABEL, NULL },
	{ "requester.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "requester.identifiers", SDX_FIELD_IDS, SDX_FIELD_REQUIRED, NULL },
	{ "requester.country", SDX_FIELD_TEXT, 0, NULL },
	{ "supplier.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "supplier.identifiers", SDX_FIELD_IDS, SDX_FIELD_REQUIRED, NULL },
	{ "supplier.country", SDX_FIELD_TEXT, 0, NULL },
	{ "profiles", SDX_FIELD_STRINGS, SDX_FIELD_REQUIRED, NULL },
	{ "rules", SDX_FIELD_STRINGS, 0, NULL },
	{ "lots", SDX_FIELD_STRINGS, 0, NULL },
	{ "materials", SDX_FIELD_STRINGS, 0, NULL },
	{ "due", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "issued", SDX_FIELD_TEXT, 0, NULL },
	{ "supersedes", SDX_FIELD_TEXT, 0, NULL },
	{ "remarks", SDX_FIELD_TEXT, 0, NULL },
};

static const struct sdx_record_build build = {
	request_fields, sizeof(request_fields) / sizeof(request_fields[0]), NULL
};

static const char *const parties[] = { "requester", "supplier", NULL };

const struct sdx_record_type sdx__type_request = {
	.name = "request",
	.has_schema = 1,
	.role = SDX_ROLE_REQUEST,
	.id_field = "request_id",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.issuer = "requester",
	.issuer_role = "manufacturer",
	.rules = request_rules,
	.summary = summary,
	.label = label,
	.trace = trace,
	.build = &build,
};
