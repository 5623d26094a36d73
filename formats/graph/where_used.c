/*
 * formats/graph/where_used.c - where-used (recall): every batch and shipment
 * a record or a lot went into, each once, with the path that reaches it
 * (formats/provenance.md).
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/internal.h"

struct reach {
	const sdx_graph *g;
	unsigned char *seen;
	json_t *list;
	int err;
};

/*
 * What u took of the record `below` (hex), as u's body says: the quantity and
 * lot of each input or item naming it ("took": [{ lot, quantity }]), not u's
 * own size.
 */
static void took(json_t *e, const struct gnode *un, const char *below, const sdx_graph *g)
{
	const json_t *body = sdx__graph_body(g, un), *x;
	json_t *list = NULL;
	size_t ed, k;

	if (!below || !body)
		return;
	for (ed = 0; ed < un->type->nedges; ed++) {
		const struct sdx_record_edge *edge = &un->type->edges[ed];
		if (edge->attachment || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), k, x) {
			const char *hex = sdx__edge_hash(edge, x);
			json_t *t;
			if (!hex || strcmp(hex, below) != 0 || !json_object_get(x, "quantity"))
				continue;
			t = json_pack("{s:O}", "quantity", json_object_get(x, "quantity"));
			if (json_is_string(json_object_get(x, "lot_number"))) {
				json_object_set(t, "lot", json_object_get(x, "lot_number"));
			} else {
				size_t b = sdx__graph_find_hex(g, below);
				const struct gnode *bn = b == SIZE_MAX ? NULL : &g->n[b];
				if (bn && bn->type->id_field)
					json_object_set_new(t, "of", json_string(sdx__jstr(
						sdx__graph_body(g, bn), bn->type->id_field, NULL)));
			}
			if (!list)
				list = json_array();
			json_array_append_new(list, t);
		}
	}
	if (list)
		json_object_set_new(e, "took", list);
}

/* The entry of where-used for record u, reached by `path`. */
static json_t *used_entry(const sdx_graph *g, size_t u, json_t *path)
{
	const struct gnode *un = &g->n[u];
	json_t *e = sdx__graph_head(g, u);
	size_t c;

	json_object_set(e, "path", path);
	took(e, un, json_string_value(json_array_get(path, json_array_size(path) - 2)), g);
	if (un->type->used)
		un->type->used(e, sdx__graph_body(g, un));
	/* what customs last answered about it (formats/clearance.md) */
	if ((c = sdx__graph_status(g, u)) != SIZE_MAX) {
		json_t *st = json_object();
		g->n[c].type->trace(st, sdx__graph_body(g, &g->n[c]));
		json_object_set_new(st, "ref", json_string(g->n[c].hex));
		json_object_set_new(e, "clearance", st);
	}
	return e;
}

/* Does `u` carry `n` (an input or item), rather than only name it (supersedes)? */
static int carries(const struct gnode *u, const struct gnode *n)
{
	for (size_t k = 0; k < u->nrefs; k++)
		if (u->type->edges[u->ref_edge[k]].array && memcmp(u->refs[k], n->leaf, 32) == 0)
			return 1;
	return 0;
}

/* Every batch and shipment above `i`, each once, with the path that reaches it. */
static void reach_up(struct reach *r, size_t i, json_t *path, int depth)
{
	const struct gnode *n = &r->g->n[i];
	size_t k;

	if (depth > MAX_WALK_DEPTH) {
		r->err = sdx_error_set(SDX_EVERIFY, "entry %s: inputs nested too deep", n->hex);
		return;
	}
	for (k = 0; k < n->nusers && !r->err; k++) {
		size_t u = n->users[k];
		const struct gnode *un = &r->g->n[u];
		json_t *p;
		if (un->type->role != SDX_ROLE_COMPOSITE || !carries(un, n))
			continue;
		p = json_copy(path);
		json_array_append_new(p, json_string(un->hex));
		if (!r->seen[u]) {
			r->seen[u] = 1;
			json_array_append_new(r->list, used_entry(r->g, u, p));
			reach_up(r, u, p, depth + 1);
		}
		json_decref(p);
	}
}

/* Does `u` take statement `d` in for `lot` (or any lot when lot is NULL)? */
static int uses_lot(const struct gnode *u, const struct gnode *d, const char *lot)
{
	size_t k;

	for (k = 0; k < u->nrefs; k++) {
		const struct sdx_record_edge *edge = &u->type->edges[u->ref_edge[k]];
		if (edge->consumes && edge->array && memcmp(u->refs[k], d->leaf, 32) == 0 &&
		    (!lot || strcmp(u->ref_lots[k] ? u->ref_lots[k] : "", lot) == 0))
			return 1;
	}
	return 0;
}

/* The records where-used starts from: `node`, or those covering `lot`, in order. */
static int targets_of(const sdx_graph *g, size_t node, const char *lot, size_t **out, size_t *n)
{
	int err;

	if (node == SIZE_MAX)
		err = g->lazy ? sdx__graph_lazy_lot((sdx_graph *)g, lot, out, n)
			      : sdx__graph_lot_nodes(g, lot, out, n);
	else if ((err = (*out = malloc(sizeof(**out))) ? 0 : sdx_error_set(SDX_ENOMEM,
									    "out of memory")) == 0)
		(*out)[0] = node, *n = 1;
	if (err >= 0 && g->lazy)
		err = sdx__graph_expand_up((sdx_graph *)g, *out, *n, node == SIZE_MAX ? lot : NULL);
	return err;
}

int sdx_graph_where_used(char **out, const sdx_graph *g, size_t node, const char *lot)
{
	struct reach r;
	json_t *targets, *root, *path;
	size_t *at = NULL, nat = 0, t, k;
	int err = 0;

	*out = NULL;
	if (node == SIZE_MAX && !lot)
		return sdx_error_set(SDX_EINVAL, "name a record or a lot");
	if (node != SIZE_MAX && node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if ((err = targets_of(g, node, lot, &at, &nat)) < 0) {
		free(at);
		return err;
	}
	memset(&r, 0, sizeof(r));
	r.g = g;
	if (!(r.seen = calloc(g->len ? g->len : 1, 1))) {
		free(at);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	r.list = json_array();
	targets = json_array();
	for (t = 0; t < nat && !r.err; t++) {
		size_t i = at[t];
		const struct gnode *n = &g->n[i];
		json_array_append_new(targets, sdx__graph_head(g, i));
		path = json_pack("[s]", n->hex);
		if (lot && n->type->role == SDX_ROLE_STATEMENT) {
			/* only the records that took this lot in, then everything above them */
			for (k = 0; k < n->nusers && !r.err; k++) {
				size_t u = n->users[k];
				json_t *p;
				if (g->n[u].type->role != SDX_ROLE_COMPOSITE ||
				    !uses_lot(&g->n[u], n, lot))
					continue;
				p = json_pack("[s, s]", n->hex, g->n[u].hex);
				if (!r.seen[u]) {
					r.seen[u] = 1;
					json_array_append_new(r.list, used_entry(g, u, p));
					reach_up(&r, u, p, 1);
				}
				json_decref(p);
			}
		} else {
			reach_up(&r, i, path, 0);
		}
		json_decref(path);
	}
	free(r.seen);
	free(at);
	if (r.err) {
		json_decref(r.list);
		json_decref(targets);
		return r.err;
	}
	root = json_pack("{s:o, s:o}", "targets", targets, "used_by", r.list);
	if (lot)
		json_object_set_new(root, "lot", json_string(lot));
	err = sdx__graph_dump(out, root);
	return err;
}
