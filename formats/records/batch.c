/*
 * formats/records/batch.c - the batch: a manufacturer's production run, the
 * declarations and earlier batches it used, and its product reports
 * (formats/batch.md).  Version 1 is read; versions 2 (its manufacturer, input
 * roles and costs, corrections) and 3 (the product model it is a run of) are
 * written, 3 by the builder.
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/records/build.h"
#include "formats/records/rules.h"
#include "formats/records/type.h"

/*
 * Input costs in the batch value's currency (formats/batch.md, B6): a cost in
 * another currency says its exchange rate, one in the same currency needs
 * none.  Without a batch value there is nothing to convert to.
 */
static int check_costs(const char *type, const json_t *root)
{
	const char *currency = sdx__rule_str(json_object_get(root, "value"), "currency");
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(root, "inputs"), i, x) {
		const json_t *cost = json_object_get(x, "cost");
		const json_t *rate = json_object_get(cost, "exchange_rate");
		const char *own = sdx__rule_str(cost, "currency");
		if (!cost || !currency)
			continue;
		if (strcmp(own, currency) != 0 && !rate)
			return sdx__rule_bad(type, "inputs[%zu].cost.exchange_rate: required: the cost "
					     "is in %s, the batch value in %s", i, own, currency);
		if (strcmp(own, currency) == 0 && rate &&
		    sdx__rule_cmp(json_number_value(rate), 1) != 0)
			return sdx__rule_bad(type, "inputs[%zu].cost.exchange_rate: %.15g would convert "
					     "%s to %s; leave it out", i, json_number_value(rate),
					     own, currency);
	}
	return 0;
}

/* A process step ends on or after the day it starts (B7). */
static int check_steps(const char *type, const json_t *root)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(root, "process_steps"), i, x) {
		const char *start = sdx__rule_str(x, "start"), *end = sdx__rule_str(x, "end");
		if (start && end && strncmp(end, start, 10) < 0)
			return sdx__rule_bad(type, "process_steps[%zu].end: %s is before its start %s",
					     i, end, start);
	}
	return 0;
}

/* A report on a sample of this very batch is not issued before the batch was
 * made (formats/plausibility.md). */
static int sampled_after(const char *type, const json_t *root, const json_t *report,
			 const char *path)
{
	const char *id = sdx__rule_str(root, "batch_id"), *made = sdx__rule_str(root,
										"production_date");
	const char *issued = sdx__rule_str(report, "issue_date");
	const char *sampled = sdx__rule_str(json_object_get(report, "sampled_product"), "batch_id");
	long lot = sdx__rule_find(json_object_get(report, "sampled_lots"), NULL, id ? id : "");

	if (!id || !made || !issued || strcmp(made, issued) <= 0)
		return 0;
	if (sampled && strcmp(sampled, id) == 0)
		return sdx__rule_bad(type, "%s.sampled_product.batch_id: batch '%s' was produced on %s, "
				     "after the report's issue_date %s", path, id, made, issued);
	if (lot >= 0)
		return sdx__rule_bad(type, "%s.sampled_lots[%ld]: batch '%s' was produced on %s, after "
				     "the report's issue_date %s", path, lot, id, made, issued);
	return 0;
}

/* A finished-goods batch: its product reports and inputs (formats/batch.md §3). */
static int batch_rules(const char *type, const json_t *root)
{
	const json_t *inputs = json_object_get(root, "inputs");
	const json_t *evidence = json_object_get(root, "evidence");
	char path[40];
	size_t i, j;
	json_t *x, *y;
	int err;

	if ((err = sdx__rule_party(type, json_object_get(root, "site"), "site")) < 0 ||
	    (err = sdx__rule_party(type, json_object_get(root, "manufacturer"),
				   "manufacturer")) < 0 ||
	    (err = check_costs(type, root)) < 0 || (err = check_steps(type, root)) < 0)
		return err;
	/* one line per (entry, lot): a second line for the same lot is a typing mistake */
	json_array_foreach(inputs, i, x) {
		for (j = 0; j < i; j++) {
			y = json_array_get(inputs, j);
			const char *la = sdx__rule_str(x, "lot_number"), *lb = sdx__rule_str(y, "lot_number");
			if (strcmp(sdx__rule_str(x, "entry"), sdx__rule_str(y, "entry")) == 0 &&
			    ((!la && !lb) || (la && lb && strcmp(la, lb) == 0)))
				return sdx__rule_bad(type, "inputs[%zu]: the same entry and lot as inputs[%zu]; "
					   "add the quantities into one input", i, j);
		}
	}
	if ((err = sdx__rule_unique(type, evidence, "id", "evidence")) < 0)
		return err;
	json_array_foreach(evidence, i, x) {
		const char *from = sdx__rule_str(x, "issue_date"), *until = sdx__rule_str(x, "valid_until");
		if (strcmp(until, from) < 0)
			return sdx__rule_bad(type, "evidence[%zu].valid_until: %s is before its issue_date %s",
				   i, until, from);
		snprintf(path, sizeof(path), "evidence[%zu]", i);
		if ((err = sdx__rule_report(type, x, path)) < 0 ||
		    (err = sampled_after(type, root, x, path)) < 0)
			return err;
	}
	return 0;
}

/* A batch is one lot: its batch id. */
static size_t lots(const json_t *body, const char **out, size_t cap)
{
	if (cap)
		out[0] = json_string_value(json_object_get(body, "batch_id"));
	return 1;
}

/* A later batch may name the lot it took: then it is this batch's id. */
static int cited_lot(const json_t *body, const char *lot, const char *what, const char *path,
		     const char *hex)
{
	const char *id = json_string_value(json_object_get(body, "batch_id"));

	if (lot && id && strcmp(lot, id) != 0)
		return sdx_error_set(SDX_ESCHEMA, "%s: %s: '%s' is not the batch id '%s' of entry "
				     "%.16s...", what, path, lot, id, hex);
	return 0;
}

/* Version 2 names its manufacturer: " by NAME", or "" for version 1. */
static void by(char *out, size_t cap, const json_t *body)
{
	const char *name = json_string_value(json_object_get(json_object_get(body, "manufacturer"),
							     "name"));

	snprintf(out, cap, "%s%s", name ? " by " : "", name ? name : "");
}

static void summary(char *out, size_t cap, const json_t *body)
{
	const json_t *pr = json_object_get(body, "product");
	size_t n = json_array_size(json_object_get(body, "inputs"));
	char who[220];

	by(who, sizeof(who), body);
	snprintf(out, cap, "batch %s: %s, HS %s, %zu input%s%s%s",
		 json_string_value(json_object_get(body, "batch_id")),
		 json_string_value(json_object_get(pr, "name")),
		 json_string_value(json_object_get(pr, "hs_code")), n, n == 1 ? "" : "s",
		 *who ? "," : "", who);
}

static void label(char *out, size_t cap, const json_t *body)
{
	char who[220];

	by(who, sizeof(who), body);
	snprintf(out, cap, "batch %s: %s, HS %s, made %s%s", sdx__jstr(body, "batch_id", NULL),
		 sdx__jstr(body, "product", "name"), sdx__jstr(body, "product", "hs_code"),
		 sdx__jstr(body, "production_date", NULL), who);
}

static void trace(json_t *j, const json_t *body)
{
	json_object_set_new(j, "batch_id", json_string(sdx__jstr(body, "batch_id", NULL)));
	/* version 2: who made it, and the batch it corrects */
	if (json_object_get(body, "manufacturer"))
		json_object_set_new(j, "manufacturer",
				    json_string(sdx__jstr(body, "manufacturer", "name")));
	if (json_object_get(body, "supersedes"))
		json_object_set_new(j, "supersedes",
				    json_string(sdx__jstr(body, "supersedes", NULL)));
	/* version 3: the model it is a run of */
	if (json_object_get(body, "model"))
		json_object_set_new(j, "model", json_string(sdx__jstr(body, "model", "product_id")));
	json_object_set_new(j, "product", json_string(sdx__jstr(body, "product", "name")));
	json_object_set_new(j, "hs_code", json_string(sdx__jstr(body, "product", "hs_code")));
	json_object_set_new(j, "production_date",
			    json_string(sdx__jstr(body, "production_date", NULL)));
	json_object_set_new(j, "quantity", json_deep_copy(json_object_get(body, "quantity")));
	json_object_set_new(j, "evidence", sdx__evidence_view(json_object_get(body, "evidence")));
}

static void used(json_t *e, const json_t *body)
{
	json_object_set_new(e, "batch_id", json_string(sdx__jstr(body, "batch_id", NULL)));
	json_object_set_new(e, "quantity", json_deep_copy(json_object_get(body, "quantity")));
}

static const char *const inputs[] = { "declaration", "batch", NULL };
static const char *const batches[] = { "batch", NULL };
static const char *const products[] = { "product", NULL };

/* The edges' order is the graph index's edge numbering: append, never insert. */
static const struct sdx_record_edge edges[] = {
	/* own or imported; a declaration input names the lot it took */
	{ .array = "inputs", .field = "entry", .held = 1, .consumes = 1, .accepts = inputs,
	  .accepts_text = "a declaration or a batch" },
	{ .array = "evidence", .field = "attachment", .sub = "sha256", .attachment = 1 },
	/* version 2: a correction names the batch it replaces (same ledger) */
	{ .field = "supersedes", .accepts = batches, .accepts_text = "a batch" },
	/* version 3: the product model it is a run of, own or imported */
	{ .field = "model", .sub = "entry", .held = 1, .accepts = products,
	  .accepts_text = "a product" },
};

/* A batch input, REF:LOT:N:UNIT[:ROLE]: {"entry", "quantity", "lot_number", "role"}. */
static int batch_input(json_t **out, sdx_ledger *l, char *spec, const char *what)
{
	char *f[5], hex[65];
	sdx_found *found = NULL;
	json_t *q;
	size_t nf;
	int err;

	*out = NULL;
	if (sdx__build_split(spec, f, 5, &nf) != 0 || nf < 4)
		return sdx_error_set(SDX_EFORMAT, "%s: expected REF:LOT:N:UNIT[:ROLE], e.g. 3f2a9c:"
				     "HX2609-0418:0.4:TNE:material (LOT empty for a batch)", what);
	if ((err = sdx__build_find(&found, hex, l, f[0])) < 0)
		return err;
	sdx_found_free(found);
	if ((err = sdx__build_quantity(&q, f[2], f[3], what)) < 0)
		return err;
	if (!(*out = json_pack("{s:s, s:o}", "entry", hex, "quantity", q)) ||
	    (*f[1] && json_object_set_new(*out, "lot_number", json_string(f[1])) < 0) ||
	    (nf == 5 && *f[4] && json_object_set_new(*out, "role", json_string(f[4])) < 0)) {
		json_decref(*out);
		*out = NULL;
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	return 0;
}

static const struct sdx_record_field batch_fields[] = {
	{ "batch_id", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED | SDX_FIELD_LABEL, NULL },
	{ "product.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "product.hs_code", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "product.sku", SDX_FIELD_TEXT, 0, NULL },
	{ "product.gtin", SDX_FIELD_TEXT, 0, NULL },
	{ "product.category", SDX_FIELD_TEXT, 0, NULL },
	{ "production_date", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "manufacturer.name", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	{ "manufacturer.identifiers", SDX_FIELD_IDS, SDX_FIELD_REQUIRED, NULL },
	{ "manufacturer.country", SDX_FIELD_TEXT, SDX_FIELD_REQUIRED, NULL },
	/* made at the manufacturer's own site unless said otherwise */
	{ "site.name", SDX_FIELD_TEXT, 0, "manufacturer.name" },
	{ "site.country", SDX_FIELD_TEXT, 0, "manufacturer.country" },
	{ "quantity", SDX_FIELD_QUANTITY, SDX_FIELD_REQUIRED, NULL },
	{ "inputs", SDX_FIELD_LINKS, SDX_FIELD_REQUIRED, NULL },
	{ "model.entry", SDX_FIELD_TEXT, 0, NULL },
	{ "model.product_id", SDX_FIELD_TEXT, 0, NULL },
};

static const struct sdx_record_build build = {
	batch_fields, sizeof(batch_fields) / sizeof(batch_fields[0]), batch_input
};

static const char *const parties[] = { "site", "manufacturer", NULL };

const struct sdx_record_type sdx__type_batch = {
	.name = "batch",
	.has_schema = 1,
	.versions = 3,
	.writes = 2,
	.upgrade = "a \"manufacturer\" (the party that made the batch; formats/batch.md, "
		   "\"Versions\")",
	.role = SDX_ROLE_COMPOSITE,
	.id_field = "batch_id",
	.edges = edges,
	.nedges = sizeof(edges) / sizeof(edges[0]),
	.parties = parties,
	.issuer = "manufacturer",
	.issuer_role = "manufacturer",
	.rules = batch_rules,
	.lots = lots,
	.cited_lot = cited_lot,
	.summary = summary,
	.label = label,
	.trace = trace,
	.used = used,
	.build = &build,
};
