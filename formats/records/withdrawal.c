/*
 * formats/records/withdrawal.c - the withdrawal: a supplier takes back one of
 * its own declarations from a date (formats/withdrawal.md).  The schema
 * says all there is to check.
 */
#include <stdio.h>

#include "formats/records/type.h"

static void summary(char *out, size_t cap, const json_t *body)
{
	const char *a = json_string_value(json_object_get(body, "withdraws"));

	snprintf(out, cap, "withdraws %.16s", a ? a : "?");
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "withdrawal of %.16s, effective %s", sdx__jstr(body, "withdraws", NULL),
		 sdx__jstr(body, "effective_date", NULL));
}

static const char *const declarations[] = { "declaration", NULL };

static const struct sdx_record_edge edges[] = {
	{ .field = "withdraws", .accepts = declarations, .accepts_text = "a declaration" },
};

const struct sdx_record_type sdx__type_withdrawal = {
	.name = "withdrawal",
	.has_schema = 1,
	.role = SDX_ROLE_WITHDRAWAL,
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.summary = summary,
	.label = label,
};
