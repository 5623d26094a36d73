/*
 * formats/records/product.c - the product (model) record: a manufacturer's
 * model, its bill of materials by role and the reports made on the model
 * (type tests, first production), which batches of the model cite
 * (formats/product.md).  Where a rule accepts model-level evidence
 * (report.evidence_level), a batch's model's reports count for it.
 */
#include <stdio.h>
#include <string.h>

#include "formats/records/rules.h"
#include "formats/records/type.h"

static int product_rules(const char *type, const json_t *root)
{
	const json_t *evidence = json_object_get(root, "evidence");
	char path[40];
	size_t i;
	json_t *x;
	int err;

	if ((err = sdx__rule_party(type, json_object_get(root, "manufacturer"),
				   "manufacturer")) < 0 ||
	    (err = sdx__rule_unique(type, evidence, "id", "evidence")) < 0)
		return err;
	json_array_foreach(evidence, i, x) {
		const char *from = sdx__rule_str(x, "issue_date"), *until = sdx__rule_str(x, "valid_until");
		if (strcmp(until, from) < 0)
			return sdx__rule_bad(type, "evidence[%zu].valid_until: %s is before its issue_date %s",
					     i, until, from);
		snprintf(path, sizeof(path), "evidence[%zu]", i);
		if ((err = sdx__rule_report(type, x, path)) < 0)
			return err;
	}
	return 0;
}

static void summary(char *out, size_t cap, const json_t *body)
{
	size_t n = json_array_size(json_object_get(body, "evidence"));

	snprintf(out, cap, "product %s: %s, HS %s, %zu report%s, by %s",
		 sdx__jstr(body, "product_id", NULL), sdx__jstr(body, "name", NULL),
		 sdx__jstr(body, "hs_code", NULL), n, n == 1 ? "" : "s",
		 sdx__jstr(body, "manufacturer", "name"));
}

static void label(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "product %s: %s, HS %s", sdx__jstr(body, "product_id", NULL),
		 sdx__jstr(body, "name", NULL), sdx__jstr(body, "hs_code", NULL));
}

static void trace(json_t *j, const json_t *body)
{
	json_object_set_new(j, "product_id", json_string(sdx__jstr(body, "product_id", NULL)));
	json_object_set_new(j, "name", json_string(sdx__jstr(body, "name", NULL)));
	json_object_set_new(j, "hs_code", json_string(sdx__jstr(body, "hs_code", NULL)));
	json_object_set_new(j, "manufacturer", json_string(sdx__jstr(body, "manufacturer", "name")));
	if (json_object_get(body, "supersedes"))
		json_object_set_new(j, "supersedes",
				    json_string(sdx__jstr(body, "supersedes", NULL)));
	json_object_set_new(j, "evidence", sdx__evidence_view(json_object_get(body, "evidence")));
}

static void used(json_t *e, const json_t *body)
{
	json_object_set_new(e, "product_id", json_string(sdx__jstr(body, "product_id", NULL)));
}

static const char *const products[] = { "product", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	{ .array = "evidence", .field = "attachment", .sub = "sha256", .attachment = 1 },
	/* a correction names the product record it replaces (same ledger) */
	{ .field = "supersedes", .accepts = products, .accepts_text = "a product" },
};

static const char *const parties[] = { "manufacturer", NULL };

const struct sdx_record_type sdx__type_product = {
	.name = "product",
	.has_schema = 1,
	.role = SDX_ROLE_COMPOSITE,
	.id_field = "product_id",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.issuer = "manufacturer",
	.issuer_role = "manufacturer",
	.rules = product_rules,
	.summary = summary,
	.label = label,
	.trace = trace,
	.used = used,
};
