/*
 * formats/export/epcis.c - sdx_export_epcis: the provenance graph below a
 * record as a GS1 EPCIS 2.0 EPCISDocument (formats/epcis.md): a
 * commissioning ObjectEvent per supplier lot, a TransformationEvent per
 * batch, a shipping ObjectEvent per shipment; sdx's own data in the "sdx:"
 * extension.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/export/export.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

#define EPCIS_CONTEXT "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

/* Set k to v in o (v consumed); o becomes NULL (and is freed) on failure. */
static json_t *set(json_t *o, const char *k, json_t *v)
{
	if (o && v && json_object_set_new(o, k, v) == 0)
		return o;
	json_decref(v);
	json_decref(o);
	return NULL;
}

/* A string member, taken over from a malloc'd s (NULL s: o fails). */
static json_t *set_own(json_t *o, const char *k, char *s)
{
	json_t *v = s ? json_string(s) : NULL;

	free(s);
	return set(o, k, v);
}

/* { epcClass, quantity, uom } of a record's {value, unit}. */
static json_t *quantity(char *cls, const json_t *q)
{
	json_t *e = set_own(json_object(), "epcClass", cls);

	if (json_is_number(json_object_get(q, "value")))
		e = set(e, "quantity", json_deep_copy(json_object_get(q, "value")));
	if (json_is_string(json_object_get(q, "unit")))
		e = set(e, "uom", json_deep_copy(json_object_get(q, "unit")));
	return e;
}

/* The head every event starts with: type, time (a day: midnight UTC), the sdx
 * source.  `extra` names the event among several of one record. */
static json_t *event_head(const sdx_graph *g, size_t i, const char *type, const char *date,
			  const char *extra)
{
	char when[21], kind[100];
	json_t *e;

	sdx__xp_datetime(when, date, 0);
	if (!*when)
		memcpy(when, g->n[i].time, sizeof(when));
	/* ORIGIN/entry/LEAF, and ORIGIN/entry/LEAF/lot/LOT for one lot of a declaration */
	sdx__text_put(kind, sizeof(kind), "entry%s%s%s", extra ? "/" : "", extra ? g->n[i].hex : "",
		 extra ? "/lot" : "");
	e = set(json_object(), "type", json_string(type));
	e = set_own(e, "eventID", sdx__xp_uri(g->n[i].origin, kind, extra ? extra : g->n[i].hex));
	e = set(e, "eventTime", json_string(when));
	e = set(e, "eventTimeZoneOffset", json_string("+00:00"));
	return e;
}

/* Append the ni URI (taken over, NULL: out of memory) to a; a becomes NULL on failure. */
static json_t *append_ni(json_t *a, char *ni)
{
	json_t *v = ni ? json_string(ni) : NULL;

	free(ni);
	if (a && v && json_array_append_new(a, v) == 0)
		return a;
	json_decref(v);
	json_decref(a);
	return NULL;
}

/* certificationInfo: the declaration as signed, then each report file. */
static json_t *certification(const sdx_graph *g, size_t i)
{
	const json_t *d = sdx__graph_body(g, &g->n[i]);
	unsigned char h[32];
	json_t *a = json_array(), *ev;
	size_t k;

	if (sdx__xp_body_hash(h, d) < 0) {
		json_decref(a);
		return NULL;
	}
	a = append_ni(a, sdx__xp_ni(h));
	json_array_foreach(json_object_get(d, "evidence"), k, ev)
		if (sdx__xp_str(ev, "attachment.sha256"))
			a = append_ni(a, sdx__xp_ni_hex(sdx__xp_str(ev, "attachment.sha256")));
	return a;
}

static json_t *party_entry(const char *member, const char *type, char *uri)
{
	json_t *o = uri ? json_pack("{s:s, s:s}", "type", type, member, uri) : NULL;

	free(uri);
	return o;
}

/* The sdx extension of an event: the record's type, the members `map` names
 * ({extension name, path in the record}, those present), where it came from. */
struct ext_member {
	const char *name, *path;
};

static json_t *extension(const sdx_graph *g, size_t i, const char *type,
			 const struct ext_member *map)
{
	const json_t *r = sdx__graph_body(g, &g->n[i]);
	json_t *x = set(json_object(), "sdx:recordType", json_string(type));

	for (; map->name; map++)
		if (sdx__xp_str(r, map->path))
			x = set(x, map->name, json_string(sdx__xp_str(r, map->path)));
	return set(x, "sdx:source", sdx__xp_source(g, i, "sdx:"));
}

static const struct ext_member declaration_ext[] = {
	{ "sdx:declarationId", "declaration_id" }, { "sdx:material", "material.name" },
	{ "sdx:hsCode", "material.hs_code" },       { "sdx:supplier", "supplier.name" },
	{ "sdx:validFrom", "valid_from" },          { "sdx:validUntil", "valid_until" },
	{ NULL, NULL }
};
static const struct ext_member batch_ext[] = {
	{ "sdx:batchId", "batch_id" },   { "sdx:product", "product.name" },
	{ "sdx:hsCode", "product.hs_code" }, { "sdx:manufacturer", "manufacturer.name" },
	{ NULL, NULL }
};
static const struct ext_member shipment_ext[] = {
	{ "sdx:shipmentId", "shipment_id" },   { "sdx:destinationCountry", "destination_country" },
	{ "sdx:transportMode", "transport_mode" }, { "sdx:customsDeclaration", "customs_declaration" },
	{ NULL, NULL }
};

/* A commissioning ObjectEvent per lot of a declaration. */
static int lot_events(json_t *list, const sdx_graph *g, size_t i)
{
	const json_t *d = sdx__graph_body(g, &g->n[i]);
	const json_t *supplier = json_object_get(d, "supplier");
	json_t *lot;
	size_t k;

	json_array_foreach(json_object_get(json_object_get(d, "material"), "lots"), k, lot) {
		const char *no = sdx__xp_str(lot, "lot_number");
		const char *day = sdx__xp_str(lot, "production_date");
		json_t *e = event_head(g, i, "ObjectEvent", day ? day : sdx__xp_str(d, "issue_date"),
				       no);
		json_t *src, *ilmd;
		e = set(e, "action", json_string("ADD"));
		e = set(e, "bizStep", json_string("commissioning"));
		e = set(e, "disposition", json_string(strcmp(sdx__xp_status(g, i), "withdrawn") == 0
							       ? "non_sellable_other" : "active"));
		e = set(e, "quantityList", json_pack("[o]", quantity(sdx__xp_uri(g->n[i].origin,
								     "lot", no ? no : ""),
							     json_object_get(lot, "quantity"))));
		src = party_entry("source", "owning_party", sdx__xp_party_uri(g->n[i].origin, supplier));
		e = set(e, "sourceList", src ? json_pack("[o]", src) : NULL);
		e = set(e, "certificationInfo", certification(g, i));
		ilmd = set(json_object(), "cbvmda:lotNumber", json_string(no ? no : ""));
		if (day)
			ilmd = set(ilmd, "cbvmda:productionDate", json_string(day));
		e = set(e, "ilmd", ilmd);
		e = set(e, "sdx:declaration", extension(g, i, "declaration", declaration_ext));
		if (!e || json_array_append_new(list, e) < 0)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	return 0;
}

static json_t *batch_event(const sdx_graph *g, size_t i)
{
	const json_t *b = sdx__graph_body(g, &g->n[i]);
	json_t *e = event_head(g, i, "TransformationEvent", sdx__xp_str(b, "production_date"), NULL);
	json_t *in = json_array(), *input, *ev;
	size_t k;
	char *site = sdx__xp_site_uri(g, i, json_object_get(b, "site"));

	json_array_foreach(json_object_get(b, "inputs"), k, input) {
		size_t to = sdx__xp_node(g, sdx__xp_str(input, "entry"));
		if (to == SIZE_MAX)
			continue; /* the walk refused unheld inputs */
		if (json_array_append_new(in, quantity(sdx__xp_input_uri(g, to, sdx__xp_str(input,
								  "lot_number")),
							 json_object_get(input, "quantity"))) < 0) {
			json_decref(in);
			in = NULL;
			break;
		}
	}
	e = set(e, "inputQuantityList", in);
	e = set(e, "outputQuantityList",
		json_pack("[o]", quantity(sdx__xp_batch_uri(g, i), json_object_get(b, "quantity"))));
	e = set(e, "bizStep", json_string("creating_class_instance"));
	e = set(e, "disposition", json_string("active"));
	if (site) {
		e = set(e, "readPoint", json_pack("{s:s}", "id", site));
		e = set(e, "bizLocation", json_pack("{s:s}", "id", site));
	}
	free(site);
	e = set(e, "ilmd", set(json_object(), "cbvmda:lotNumber",
			       json_string(sdx__xp_str(b, "batch_id"))));
	ev = json_array();
	json_array_foreach(json_object_get(b, "evidence"), k, input)
		if (sdx__xp_str(input, "attachment.sha256"))
			ev = append_ni(ev, sdx__xp_ni_hex(sdx__xp_str(input, "attachment.sha256")));
	if (json_array_size(ev))
		e = set(e, "certificationInfo", ev);
	else if (ev)
		json_decref(ev);
	else
		e = set(e, "certificationInfo", NULL);
	return set(e, "sdx:batch", extension(g, i, "batch", batch_ext));
}

/* A port as a location: ORIGIN/location/unlocode/CODE (formats/epcis.md). */
static json_t *port(const sdx_graph *g, size_t i, const char *code)
{
	char *id = sdx__xp_uri(g->n[i].origin, "location/unlocode", code);
	json_t *o = id ? json_pack("{s:s}", "id", id) : NULL;

	free(id);
	return o;
}

/* A shipment's sourceList or destinationList: the party (if any) as
 * owning_party, the port (if any) as location. */
static json_t *ends(const sdx_graph *g, size_t i, const char *member, const json_t *party,
		    const char *code)
{
	json_t *a = json_array();

	if (party && json_array_append_new(a, party_entry(member, "owning_party",
						      sdx__xp_party_uri(g->n[i].origin, party))) < 0)
		return json_decref(a), NULL;
	if (code && json_array_append_new(a, party_entry(member, "location",
						     sdx__xp_uri(g->n[i].origin, "location/unlocode",
								 code))) < 0)
		return json_decref(a), NULL;
	return a;
}

static json_t *shipment_event(const sdx_graph *g, size_t i)
{
	const json_t *s = sdx__graph_body(g, &g->n[i]);
	const char *pol = sdx__xp_str(s, "port_of_loading"), *pod = sdx__xp_str(s, "port_of_discharge");
	json_t *e = event_head(g, i, "ObjectEvent", sdx__xp_str(s, "ship_date"), NULL);
	json_t *q = json_array(), *item;
	size_t k;

	json_array_foreach(json_object_get(s, "items"), k, item) {
		size_t to = sdx__xp_node(g, sdx__xp_str(item, "batch"));
		if (to != SIZE_MAX)
			json_array_append_new(q, quantity(sdx__xp_batch_uri(g, to),
							  json_object_get(item, "quantity")));
	}
	e = set(e, "action", json_string("OBSERVE"));
	e = set(e, "quantityList", q);
	e = set(e, "bizStep", json_string("shipping"));
	e = set(e, "disposition", json_string("in_transit"));
	if (pol) {
		e = set(e, "readPoint", port(g, i, pol));
		e = set(e, "bizLocation", port(g, i, pol));
	}
	e = set(e, "sourceList", ends(g, i, "source", json_object_get(s, "exporter"), pol));
	e = set(e, "destinationList", ends(g, i, "destination", json_object_get(s, "consignee"), pod));
	return set(e, "sdx:shipment", extension(g, i, "shipment", shipment_ext));
}

int sdx_export_epcis(char **out, const sdx_graph *g, size_t node)
{
	struct xp_walk w;
	json_t *doc = NULL, *list = NULL, *ctx;
	char now[21], *id = NULL;
	int err;

	*out = NULL;
	if ((err = sdx__xp_walk(&w, g, node)) < 0)
		return err;
	if (!(list = json_array())) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < w.n && !err; k++) {
		size_t i = w.nodes[k];
		if (!sdx__graph_body(g, &g->n[i])) {
			err = sdx_error_set(SDX_EIO, "entry %s: cannot read its record", g->n[i].hex);
		} else if (sdx__xp_is(g, i, "declaration")) {
			err = lot_events(list, g, i);
		} else {
			json_t *e = sdx__xp_is(g, i, "batch") ? batch_event(g, i)
				  : sdx__xp_is(g, i, "shipment") ? shipment_event(g, i) : NULL;
			if (!e && (sdx__xp_is(g, i, "batch") || sdx__xp_is(g, i, "shipment")))
				err = sdx_error_set(SDX_ENOMEM, "out of memory");
			else if (e && json_array_append_new(list, e) < 0)
				err = sdx_error_set(SDX_ENOMEM, "out of memory");
		}
	}
	if (err)
		goto done;
	sdx__utc_now(now);
	ctx = json_pack("[s, {s:s}]", EPCIS_CONTEXT, "sdx", SDX_XP_NS);
	id = sdx__xp_uri(sdx_ledger_origin(g->l), "epcis", g->n[node].hex);
	doc = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:{s:o}}", "@context", ctx, "type",
			"EPCISDocument", "schemaVersion", "2.0", "creationDate", now, "id",
			id ? id : "", "sdx:exporter", sdx_ledger_origin(g->l), "sdx:subject",
			sdx__xp_source(g, node, "sdx:"), "epcisBody", "eventList", list);
	list = NULL;
	if (!doc || !id)
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
	else
		err = sdx__xp_dump(out, doc, 1), doc = NULL;
done:
	free(id);
	json_decref(doc);
	json_decref(list);
	sdx__xp_walk_free(&w);
	return err;
}
