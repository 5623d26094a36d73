/*
 * formats/graph/trace.c - trace: a record and everything it was made from,
 * down to the supplier declarations and their evidence, with the status
 * each passes up (formats/provenance.md).
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"

struct walk {
	const sdx_graph *g;
	unsigned char *state;  /* 0 unseen, 1 on the path, 2 done */
	int err;
};

static json_t *trace_node(struct walk *w, size_t i, int depth);

/* The child of a link: the record it names, or a note that it is not held. */
static json_t *trace_link(struct walk *w, const char *hex, int depth)
{
	size_t to = sdx__graph_find_hex(w->g, hex);

	if (to == SIZE_MAX)
		return json_pack("{s:s, s:s}", "ref", hex ? hex : "", "status", "missing");
	return trace_node(w, to, depth + 1);
}

static const char *worse(const char *a, const char *b)
{
	static const char *const order[] = { "ok", "superseded", "incomplete", "affected",
					     "withdrawn" };
	int ia = 0, ib = 0;

	for (int k = 0; k < 5; k++) {
		if (strcmp(a, order[k]) == 0)
			ia = k;
		if (strcmp(b, order[k]) == 0)
			ib = k;
	}
	return ia >= ib ? a : b;
}

/* A child's status as seen from its parent batch or shipment. */
static const char *inherited(const char *child)
{
	if (strcmp(child, "withdrawn") == 0 || strcmp(child, "affected") == 0)
		return "affected";
	if (strcmp(child, "missing") == 0 || strcmp(child, "incomplete") == 0)
		return "incomplete";
	return "ok";
}

/* A statement's status: withdrawn or corrected by its own ledger. */
static const char *statement_status(struct walk *w, size_t i, json_t *j)
{
	const char *status = "ok";
	json_t *list = json_array();
	size_t k, m, ids[16];

	m = sdx__graph_withdrawals(w->g, i, ids, 16);
	for (k = 0; k < m; k++) {
		const json_t *b = sdx__graph_body(w->g, &w->g->n[ids[k]]);
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "ref",
						      w->g->n[ids[k]].hex, "effective_date",
						      sdx__jstr(b, "effective_date", NULL),
						      "reason_code", sdx__jstr(b, "reason_code", NULL),
						      "reason", sdx__jstr(b, "reason", NULL)));
		status = "withdrawn";
	}
	json_object_set_new(j, "withdrawn", list);
	list = json_array();
	m = sdx__graph_superseders(w->g, i, ids, 16);
	for (k = 0; k < m; k++)
		json_array_append_new(list, json_string(w->g->n[ids[k]].hex));
	if (m && strcmp(status, "ok") == 0)
		status = "superseded";
	json_object_set_new(j, "superseded_by", list);
	return status;
}

/* What customs answered, latest first: "clearance": {...latest, "history": [...]}. */
static void clearance(struct walk *w, size_t i, json_t *j)
{
	const struct gnode *n = &w->g->n[i];
	size_t latest = sdx__graph_status(w->g, i), k;
	json_t *c, *history;

	if (latest == SIZE_MAX)
		return;
	c = sdx__graph_head(w->g, latest);
	w->g->n[latest].type->trace(c, sdx__graph_body(w->g, &w->g->n[latest]));
	history = json_array();
	for (k = 0; k < n->nusers; k++) {
		const struct gnode *u = &w->g->n[n->users[k]];
		json_t *h;
		if (u->type->role != SDX_ROLE_STATUS || !(h = json_object()))
			continue;
		u->type->trace(h, sdx__graph_body(w->g, u));
		json_object_set_new(h, "ref", json_string(u->hex));
		json_array_append_new(history, h);
	}
	json_object_set_new(c, "history", history);
	json_object_set_new(j, "clearance", c);
}

/* A composite's inputs (each edge element, with the record it names) and the
 * status they give it; NULL on error. */
static const char *composite_inputs(struct walk *w, const struct gnode *n, const json_t *body,
				    json_t *j, int depth)
{
	const char *status = "ok";
	json_t *list = json_array(), *x, *child;
	size_t e, k;

	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		if (edge->attachment || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), k, x) {
			json_t *in = json_object();
			if (json_object_get(x, "lot_number"))
				json_object_set(in, "lot_number", json_object_get(x, "lot_number"));
			if (json_object_get(x, "hs_code"))
				json_object_set(in, "hs_code", json_object_get(x, "hs_code"));
			if (json_object_get(x, "role")) /* a batch input's, version 2 */
				json_object_set(in, "role", json_object_get(x, "role"));
			json_object_set(in, "quantity", json_object_get(x, "quantity"));
			if (!(child = trace_link(w, sdx__edge_hash(edge, x), depth))) {
				json_decref(in);
				json_decref(list);
				return NULL;
			}
			status = worse(status, inherited(sdx__jstr(child, "status", NULL)));
			json_object_set_new(in, "record", child);
			json_array_append_new(list, in);
		}
	}
	json_object_set_new(j, "inputs", list);
	/* a version 3 batch's product model, with its reports (formats/product.md) */
	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		const char *hex;
		if (edge->array || edge->attachment || !sdx__edge_accepts(edge, "product") ||
		    !(hex = sdx__edge_hash(edge, body)))
			continue;
		if (!(child = trace_link(w, hex, depth)))
			return NULL;
		status = worse(status, inherited(sdx__jstr(child, "status", NULL)));
		json_object_set_new(j, "model", child);
	}
	return status;
}

static json_t *trace_node(struct walk *w, size_t i, int depth)
{
	const struct gnode *n = &w->g->n[i];
	const json_t *body = sdx__graph_body(w->g, n);
	const char *status = "ok";
	json_t *j, *at;

	if (w->state[i] == 1 || depth > MAX_WALK_DEPTH) {
		w->err = sdx_error_set(SDX_EVERIFY, "entry %s: %s", n->hex, w->state[i] == 1
				       ? "the records refer to each other in a cycle"
				       : "inputs nested too deep");
		return NULL;
	}
	if (!(j = sdx__graph_head(w->g, i)))
		return NULL;
	if (w->state[i] == 2) {
		json_object_set_new(j, "repeat", json_true());
		json_object_set_new(j, "status", json_string("ok"));
		return j;
	}
	w->state[i] = 1;
	if (n->type->trace)
		n->type->trace(j, body);
	if ((at = sdx__attribution_json(w->g, i)))
		json_object_set_new(j, "attribution", at);
	if (n->type->role == SDX_ROLE_STATEMENT) {
		status = statement_status(w, i, j);
	} else if (n->type->role == SDX_ROLE_COMPOSITE &&
		   !(status = composite_inputs(w, n, body, j, depth))) {
		json_decref(j);
		return NULL;
	}
	if (n->type->role == SDX_ROLE_COMPOSITE)
		clearance(w, i, j);
	json_object_set_new(j, "status", json_string(status));
	w->state[i] = 2;
	return j;
}

int sdx_graph_trace(char **out, const sdx_graph *g, size_t node)
{
	struct walk w;
	json_t *j;
	int err;

	*out = NULL;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if ((g->lazy && (err = sdx__graph_expand_down((sdx_graph *)g, node)) < 0) ||
	    (err = sdx__graph_attribute((sdx_graph *)g, node)) < 0)
		return err;
	w.g = g;
	w.err = 0;
	if (!(w.state = calloc(g->len, 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	j = trace_node(&w, node, 0);
	free(w.state);
	if (!j)
		return w.err ? w.err : sdx_error_set(SDX_ENOMEM, "out of memory");
	return sdx__graph_dump(out, j);
}
