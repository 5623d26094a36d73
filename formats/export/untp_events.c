/*
 * formats/export/untp_events.c - the UNTP credentials about goods
 * (formats/untp.md): a Digital Product Passport per batch, with its
 * materials, their provenance and the conformity claims made about them,
 * and a Digital Traceability Event per batch (MakeEvent) and shipment
 * (MoveEvent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/export/untp.h"
#include "formats/text/text.h"

#define CBV_BIZSTEP "https://ref.gs1.org/cbv/BizStep"
#define DCC_LINK_TYPE "https://test.uncefact.org/vocabulary/linkTypes/dcc"

static json_t *classification(const char *code, const char *name, const char *scheme,
			      const char *scheme_name)
{
	return json_pack("{s:s, s:s, s:s, s:s}", "code", code ? code : "", "name",
			 name ? name : (code ? code : ""), "schemeId", scheme, "schemeName",
			 scheme_name);
}

static json_t *hs(const char *code, const char *name)
{
	return classification(code, name, SDX_XP_HS_SCHEME, "Harmonized System (WCO)");
}

/* A {value, unit} quantity as a UNTP Measure. */
static json_t *measure(const json_t *q)
{
	const char *unit = sdx__xp_unit(sdx__xp_str(q, "unit") ? sdx__xp_str(q, "unit") : "");

	if (!json_is_number(json_object_get(q, "value")))
		return json_pack("{s:i, s:s}", "value", 0, "unit", unit);
	return json_pack("{s:O, s:s}", "value", json_object_get(q, "value"), "unit", unit);
}

static json_t *facility(char *id, const char *name)
{
	json_t *f = id ? json_pack("{s:o, s:s, s:s}", "type", sdx__untp_typed("Facility"), "id", id,
				   "name", name ? name : id) : NULL;

	free(id);
	return f;
}

static json_t *role(const char *r, json_t *party)
{
	return party ? json_pack("{s:s, s:o}", "role", r, "party", party) : NULL;
}

/* The product reports of a batch as Links. */
static json_t *documents(const json_t *b)
{
	json_t *out = json_array(), *e;
	size_t k;

	json_array_foreach(json_object_get(b, "evidence"), k, e)
		if (sdx__xp_str(e, "attachment.sha256"))
			json_array_append_new(out, sdx__untp_link(e));
	return out;
}

/* A product of an event: the batch, or the lot an input names. */
static json_t *event_product(const struct untp *u, size_t to, const char *lot,
			     const json_t *q, const char *disposition)
{
	const json_t *b = sdx__graph_body(u->g, &u->g->n[to]);
	int batch = sdx__xp_is(u->g, to, "batch");
	char *id = sdx__xp_input_uri(u->g, to, lot);
	const char *name = batch ? sdx__xp_str(b, "product.name") : sdx__xp_str(b, "material.name");
	const char *no = batch ? sdx__xp_str(b, "batch_id") : lot;
	json_t *p = id ? json_pack("{s:{s:o, s:s, s:s, s:s, s:s*}, s:o, s:s}", "product", "type",
				   sdx__untp_typed("Product"), "id", id, "name", name ? name : id,
				   "idGranularity", "batch", "batchNumber", no, "quantity",
				   measure(q), "disposition", disposition) : NULL;

	free(id);
	return p;
}

/* ---- the passport of a batch ---- */

/* Kilograms of a mass quantity, or -1 if it is not a mass. */
static double kilograms(const json_t *q)
{
	const char *unit = sdx__xp_str(q, "unit");
	double v = json_number_value(json_object_get(q, "value"));

	if (!unit)
		return -1;
	if (strcmp(unit, "KGM") == 0)
		return v;
	if (strcmp(unit, "TNE") == 0)
		return v * 1000;
	if (strcmp(unit, "GRM") == 0)
		return v / 1000;
	if (strcmp(unit, "LBR") == 0)
		return v * 0.45359237;
	return -1;
}

/* Each input as a Material with its share of the inputs' mass - only when
 * every input is given as a mass (NULL otherwise: formats/untp.md). */
static json_t *materials(const struct untp *u, const json_t *b)
{
	const json_t *inputs = json_object_get(b, "inputs");
	json_t *out, *in;
	double total = 0;
	size_t k;

	json_array_foreach(inputs, k, in) {
		double kg = kilograms(json_object_get(in, "quantity"));
		if (kg < 0)
			return NULL;
		total += kg;
	}
	if (total <= 0 || !(out = json_array()))
		return NULL;
	json_array_foreach(inputs, k, in) {
		size_t to = sdx__xp_node(u->g, sdx__xp_str(in, "entry"));
		const json_t *d = to == SIZE_MAX ? NULL : sdx__graph_body(u->g, &u->g->n[to]);
		int batch = to != SIZE_MAX && sdx__xp_is(u->g, to, "batch");
		const char *name = batch ? sdx__xp_str(d, "product.name") : sdx__xp_str(d, "material.name");
		const char *country = batch ? sdx__xp_str(d, "site.country")
				      : sdx__xp_str(d, "origin.country") ? sdx__xp_str(d, "origin.country")
				      : sdx__xp_str(d, "supplier.country");
		const char *code = sdx__xp_str(in, "hs_code") ? sdx__xp_str(in, "hs_code")
				   : sdx__xp_str(d, batch ? "product.hs_code" : "material.hs_code");
		char label[600];
		if (!d)
			continue;
		sdx__text_put(label, sizeof(label), "%s, %s %s", name ? name : "input",
			 batch ? "batch" : "lot", batch ? sdx__xp_str(d, "batch_id")
			 : (sdx__xp_str(in, "lot_number") ? sdx__xp_str(in, "lot_number") : ""));
		json_array_append_new(out, json_pack(
			"{s:s, s:{s:s}, s:o, s:f, s:o, s:o}", "name", label, "originCountry",
			"countryCode", country ? country : "", "materialType",
			code ? hs(code, name) : classification(sdx__xp_str(in, "role") ?
				sdx__xp_str(in, "role") : "other", name, "urn:sdx:input-role",
				"sdx input role (formats/batch.md)"),
			"massFraction", kilograms(json_object_get(in, "quantity")) / total, "mass",
			measure(json_object_get(in, "quantity")), "sdxSource",
			sdx__xp_source(u->g, to, "")));
	}
	return out;
}

/* The claims of the declarations a batch used, each pointing at the
 * declaration's Digital Conformity Credential. */
static json_t *claims(const struct untp *u, const json_t *b)
{
	json_t *out = json_array(), *in, *c;
	size_t k, j;

	json_array_foreach(json_object_get(b, "inputs"), k, in) {
		size_t to = sdx__xp_node(u->g, sdx__xp_str(in, "entry"));
		const json_t *d;
		char *decl, *cred;
		if (to == SIZE_MAX || !sdx__xp_is(u->g, to, "declaration") ||
		    !(d = sdx__graph_body(u->g, &u->g->n[to])))
			continue;
		decl = sdx__xp_uri(u->g->n[to].origin, "declaration",
				   sdx__xp_str(d, "declaration_id") ? sdx__xp_str(d, "declaration_id")
				   : u->g->n[to].hex);
		cred = sdx__xp_uri(u->origin, "credentials/dcc", u->g->n[to].hex);
		json_array_foreach(json_object_get(d, "claims"), j, c) {
			char id[1100], crit[1200], lim[600], topic[200], link[300];
			const char *t = sdx__xp_str(c, "topic") ? sdx__xp_str(c, "topic") : "other";
			if (!decl || !cred)
				break;
			sdx__text_put(id, sizeof(id), "%s#claim-%s", decl, sdx__xp_str(c, "id") ?
				 sdx__xp_str(c, "id") : "claim");
			sdx__text_put(crit, sizeof(crit), "%s-criterion", id);
			sdx__untp_limit_text(lim, sizeof(lim), c);
			sdx__text_put(topic, sizeof(topic), "urn:sdx:topic:%s", t);
			sdx__text_put(link, sizeof(link), "Digital Conformity Credential of declaration %s",
				 sdx__xp_str(d, "declaration_id") ? sdx__xp_str(d, "declaration_id") : "");
			json_array_append_new(out, json_pack(
				"{s:o, s:s, s:s, s:[{s:o, s:s, s:s}], s:s, s:[], s:[{s:o, s:s, s:s}], "
				"s:[{s:s, s:s, s:s}], s:b}",
				"type", sdx__untp_typed("Claim"), "id", id, "name", lim,
				"referenceCriteria", "type", sdx__untp_typed("Criterion"), "id", crit,
				"name", lim, "claimDate", sdx__xp_str(d, "issue_date") ?
				sdx__xp_str(d, "issue_date") : "", "claimedPerformance",
				"conformityTopic", "type", sdx__untp_typed("ConformityTopic"), "id", topic,
				"name", t, "evidence", "linkURL", cred, "linkName", link, "linkType",
				DCC_LINK_TYPE, "conformance",
				strcmp(sdx__xp_str(c, "conformance") ? sdx__xp_str(c, "conformance") : "",
				       "conforms") == 0));
		}
		free(decl);
		free(cred);
	}
	return out;
}

json_t *sdx__untp_dpp(struct untp *u, size_t i)
{
	const sdx_graph *g = u->g;
	const json_t *b = sdx__graph_body(g, &g->n[i]);
	const char *bid = sdx__xp_str(b, "batch_id"), *pname = sdx__xp_str(b, "product.name");
	char *id = sdx__xp_batch_uri(g, i), *scheme;
	int gs1 = id && strncmp(id, "https://id.gs1.org/", 19) == 0;
	char name[600], from[21], cat[200];
	json_t *subject, *mats = materials(u, b), *parties = json_array();

	if (!id)
		return NULL;
	scheme = gs1 ? NULL : sdx__xp_uri(g->n[i].origin, "batch", "");
	if (json_object_get(b, "manufacturer"))
		json_array_append_new(parties, role("manufacturer", sdx__untp_party(g->n[i].origin,
								json_object_get(b, "manufacturer"))));
	sdx__text_put(cat, sizeof(cat), "HS %s%s%s", sdx__xp_str(b, "product.hs_code") ?
		 sdx__xp_str(b, "product.hs_code") : "", sdx__xp_str(b, "product.category") ? ", " : "",
		 sdx__xp_str(b, "product.category") ? sdx__xp_str(b, "product.category") : "");
	subject = json_pack(
		"{s:o, s:s, s:s, s:s*, s:{s:o, s:s, s:s}, s:s*, s:s, s:s, s:[o], s:o, s:o, s:o, s:s*,"
		" s:{s:s*}, s:o*, s:o}",
		"type", sdx__untp_typed("Product"), "id", id, "name", pname ? pname : bid,
		"description", sdx__xp_str(b, "product.description"), "idScheme", "type",
		sdx__untp_typed("IdentifierScheme"), "id", gs1 ? "https://id.gs1.org/01" :
		(scheme ? scheme : id), "name", gs1 ? "GS1 GTIN" : "batch numbers of the manufacturer",
		"modelNumber", sdx__xp_str(b, "product.sku"), "batchNumber", bid ? bid : "",
		"idGranularity", "batch", "productCategory", hs(sdx__xp_str(b, "product.hs_code"), cat),
		"relatedDocument", documents(b), "relatedParty", parties, "producedAtFacility",
		facility(sdx__xp_site_uri(g, i, json_object_get(b, "site")), sdx__xp_str(b, "site.name")),
		"productionDate", sdx__xp_str(b, "production_date"), "countryOfProduction",
		"countryCode", sdx__xp_str(b, "site.country"), "materialProvenance", mats,
		"performanceClaim", claims(u, b));
	free(id);
	free(scheme);
	sdx__text_put(name, sizeof(name), "Product passport: %s, batch %s", pname ? pname : "",
		 bid ? bid : "");
	sdx__xp_datetime(from, sdx__xp_str(b, "production_date"), 0);
	return sdx__untp_credential(u, "DigitalProductPassport", "dpp", i, name, from, NULL, subject);
}

/* ---- traceability events ---- */

static json_t *make_event(struct untp *u, size_t i, const json_t *b, char *when)
{
	const sdx_graph *g = u->g;
	json_t *in = json_array(), *input, *parties = json_array();
	char *id = sdx__xp_uri(g->n[i].origin, "entry", g->n[i].hex), name[600];
	size_t k;

	json_array_foreach(json_object_get(b, "inputs"), k, input) {
		size_t to = sdx__xp_node(g, sdx__xp_str(input, "entry"));
		if (to != SIZE_MAX)
			json_array_append_new(in, event_product(u, to, sdx__xp_str(input, "lot_number"),
								json_object_get(input, "quantity"),
								"consumed"));
	}
	if (json_object_get(b, "manufacturer"))
		json_array_append_new(parties, role("manufacturer", sdx__untp_party(g->n[i].origin,
								json_object_get(b, "manufacturer"))));
	sdx__text_put(name, sizeof(name), "production of batch %s", sdx__xp_str(b, "batch_id") ?
		 sdx__xp_str(b, "batch_id") : "");
	json_t *e = id ? json_pack("{s:[s, s], s:s, s:s, s:s, s:o, s:o, s:o, s:[o], s:o, s:o}", "type",
				   "MakeEvent", "LifecycleEvent", "id", id, "name", name, "eventDate", when,
				   "activityType", classification("creating_class_instance",
								  "creating class instance", CBV_BIZSTEP,
								  "GS1 CBV business step"),
				   "relatedParty", parties, "inputProduct", in, "outputProduct",
				   event_product(u, i, NULL, json_object_get(b, "quantity"), "new"),
				   "madeAtFacility", facility(sdx__xp_site_uri(g, i, json_object_get(b,
								  "site")), sdx__xp_str(b, "site.name")),
				   "relatedDocument", documents(b))
		       : NULL;
	free(id);
	return e;
}

static json_t *port(const struct untp *u, size_t i, const char *code, const char *what)
{
	char name[120];

	sdx__text_put(name, sizeof(name), "%s %s (UN/LOCODE)", what, code);
	return facility(sdx__xp_uri(u->g->n[i].origin, "location/unlocode", code), name);
}

static json_t *move_event(struct untp *u, size_t i, const json_t *s, char *when)
{
	const sdx_graph *g = u->g;
	const char *pol = sdx__xp_str(s, "port_of_loading"), *pod = sdx__xp_str(s, "port_of_discharge");
	const char *cc = sdx__xp_str(s, "destination_country");
	json_t *moved = json_array(), *item, *parties = json_array(), *to;
	char *id = sdx__xp_uri(g->n[i].origin, "entry", g->n[i].hex), name[600];
	char *consignment = sdx__xp_uri(g->n[i].origin, "shipment", sdx__xp_str(s, "shipment_id") ?
					sdx__xp_str(s, "shipment_id") : g->n[i].hex);
	size_t k;

	json_array_foreach(json_object_get(s, "items"), k, item) {
		size_t b = sdx__xp_node(g, sdx__xp_str(item, "batch"));
		if (b != SIZE_MAX)
			json_array_append_new(moved, event_product(u, b, NULL,
								   json_object_get(item, "quantity"),
								   "inTransit"));
	}
	if (json_object_get(s, "exporter"))
		json_array_append_new(parties, role("exporter", sdx__untp_party(g->n[i].origin,
								json_object_get(s, "exporter"))));
	json_array_append_new(parties, role("consignee", sdx__untp_party(g->n[i].origin,
							json_object_get(s, "consignee"))));
	to = pod ? port(u, i, pod, "port of discharge")
		 : facility(sdx__xp_uri(g->n[i].origin, "location/country", cc ? cc : ""), cc);
	sdx__text_put(name, sizeof(name), "shipment %s to %s", sdx__xp_str(s, "shipment_id") ?
		 sdx__xp_str(s, "shipment_id") : "", cc ? cc : "");
	json_t *e = id && consignment ? json_pack(
		"{s:[s, s], s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "type", "MoveEvent",
		"LifecycleEvent", "id", id, "name", name, "eventDate", when, "activityType",
		classification("shipping", "shipping", CBV_BIZSTEP, "GS1 CBV business step"),
		"relatedParty", parties, "movedProduct", moved, "fromFacility",
		port(u, i, pol ? pol : "", "port of loading"), "toFacility", to, "consignmentId",
		consignment) : NULL;
	free(id);
	free(consignment);
	return e;
}

json_t *sdx__untp_dte(struct untp *u, size_t i)
{
	const json_t *r = sdx__graph_body(u->g, &u->g->n[i]);
	int batch = sdx__xp_is(u->g, i, "batch");
	const char *day = sdx__xp_str(r, batch ? "production_date" : "ship_date");
	char when[21], name[600];
	json_t *e;

	sdx__xp_datetime(when, day, 0);
	if (!*when)
		memcpy(when, u->g->n[i].time, sizeof(when));
	e = batch ? make_event(u, i, r, when) : move_event(u, i, r, when);
	sdx__text_put(name, sizeof(name), "Traceability event: %s %s", batch ? "batch" : "shipment",
		 sdx__xp_str(r, batch ? "batch_id" : "shipment_id") ?
		 sdx__xp_str(r, batch ? "batch_id" : "shipment_id") : "");
	return sdx__untp_credential(u, "DigitalTraceabilityEvent", "dte", i, name, when, NULL,
				    e ? json_pack("[o]", e) : NULL);
}
