/*
 * formats/graph/lazy.c - a ledger's graph read from its graph index
 * (formats/index/index.h) as the walks need it: a walk first reads the part
 * of the graph it can reach, so that the walks themselves, the same for a
 * ledger read whole and for a bundle, see exactly the nodes and links they
 * would see in the whole graph.  Bodies are read only for what is printed.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"

struct adding {
	sdx_graph *g;
	size_t node;
};

static int add_ref(void *ctx, int edge, const unsigned char dst[32], const char *lot)
{
	struct adding *a = ctx;

	return sdx__graph_add_ref(&a->g->n[a->node], dst, edge, lot);
}

int sdx__graph_lazy_node(sdx_graph *g, const unsigned char leaf[32], size_t *out)
{
	struct sdx__gi_record r;
	const struct sdx_record_type *t;
	struct adding a = { g, 0 };
	int err;

	if ((*out = sdx__graph_find(g, leaf)) != SIZE_MAX)
		return 0;
	if ((err = sdx__gindex_record(g->l, leaf, &r)) <= 0)
		return err;
	if (!(t = sdx__graph_type(r.type)))
		return 0;
	if ((err = sdx__graph_add(g, r.leaf, r.origin, r.index, r.tree_size, r.own, t, r.time,
				  &a.node)) < 0 ||
	    (err = sdx__gindex_edges(g->l, leaf, add_ref, &a)) < 0)
		return err;
	*out = a.node;
	return 0;
}

int sdx__graph_lazy_own(sdx_graph *g, uint64_t index, size_t *node)
{
	struct sdx__gi_record r;
	int err;

	*node = SIZE_MAX;
	if ((err = sdx__gindex_own(g->l, index, &r)) <= 0)
		return err;
	return sdx__graph_lazy_node(g, r.leaf, node);
}

int sdx__graph_lazy_prefix(sdx_graph *g, const char *ref, size_t *hits, size_t *node)
{
	struct sdx__gi_record r;
	int err;

	*node = SIZE_MAX;
	if ((err = sdx__gindex_prefix(g->l, ref, &r, hits)) < 0 || *hits != 1)
		return err;
	return sdx__graph_lazy_node(g, r.leaf, node);
}

/* Nodes read but not yet followed. */
struct todo {
	sdx_graph *g;
	size_t *at, n, cap;
};

static int push(struct todo *t, size_t node)
{
	return sdx__graph_push(&t->at, &t->n, &t->cap, node);
}

/* Read the node of leaf, to be followed. */
static int reach(void *ctx, const unsigned char leaf[32])
{
	struct todo *t = ctx;
	size_t node;
	int err;

	if ((err = sdx__graph_lazy_node(t->g, leaf, &node)) < 0)
		return err;
	return node != SIZE_MAX ? push(t, node) : 0;
}

/* Read the users of `node` of `role`. */
static int users(struct todo *t, size_t node, int role, const char *lot)
{
	unsigned char leaf[32];

	memcpy(leaf, t->g->n[node].leaf, 32); /* t->g->n moves as nodes are added */
	return sdx__gindex_users(t->g->l, leaf, role, lot, reach, t);
}

/* Follow what each node to do cites, the withdrawals and corrections of each
 * statement and the status records of each composite, down to the end. */
static int down(struct todo *t)
{
	sdx_graph *g = t->g;
	unsigned char leaf[32];
	size_t k;
	int err = 0;

	while (err >= 0 && t->n) {
		size_t i = t->at[--t->n];
		if (g->n[i].expanded & GRAPH_DOWN)
			continue;
		g->n[i].expanded |= GRAPH_DOWN;
		for (k = 0; k < g->n[i].nrefs && err >= 0; k++) {
			memcpy(leaf, g->n[i].refs[k], 32);
			err = reach(t, leaf);
		}
		if (err >= 0 && g->n[i].type->role == SDX_ROLE_STATEMENT &&
		    (err = users(t, i, SDX_ROLE_WITHDRAWAL, NULL)) >= 0)
			err = users(t, i, SDX_ROLE_STATEMENT, NULL);
		/* what became of a batch or shipment: its clearance records */
		if (err >= 0 && g->n[i].type->role == SDX_ROLE_COMPOSITE)
			err = users(t, i, SDX_ROLE_STATUS, NULL);
	}
	return err;
}

/* Follow the batches and shipments above each node to do, up to the end. */
static int up(struct todo *t)
{
	int err = 0;

	while (err >= 0 && t->n) {
		size_t i = t->at[--t->n];
		if (t->g->n[i].expanded & GRAPH_UP)
			continue;
		t->g->n[i].expanded |= GRAPH_UP;
		if ((err = users(t, i, SDX_ROLE_COMPOSITE, NULL)) >= 0 &&
		    t->g->n[i].type->role == SDX_ROLE_COMPOSITE)
			err = users(t, i, SDX_ROLE_STATUS, NULL);
	}
	return err;
}

int sdx__graph_expand_down(sdx_graph *g, size_t node)
{
	struct todo t = { g, NULL, 0, 0 };
	int err = push(&t, node);

	if (err >= 0)
		err = down(&t);
	free(t.at);
	return err < 0 ? err : sdx__graph_link(g);
}

int sdx__graph_expand_up(sdx_graph *g, const size_t *targets, size_t n, const char *lot)
{
	struct todo t = { g, NULL, 0, 0 };
	size_t k;
	int err = 0;

	for (k = 0; k < n && err >= 0; k++) {
		/* above a statement and a lot: only the records that took that lot in */
		if (lot && g->n[targets[k]].type->role == SDX_ROLE_STATEMENT)
			err = users(&t, targets[k], SDX_ROLE_COMPOSITE, lot);
		else
			err = push(&t, targets[k]);
		if (err >= 0)
			err = up(&t);
	}
	free(t.at);
	return err < 0 ? err : sdx__graph_link(g);
}

struct lot_hits {
	sdx_graph *g;
	size_t *at, n, cap;
};

static int lot_hit(void *ctx, const unsigned char leaf[32])
{
	struct lot_hits *h = ctx;
	size_t node;
	int err;

	if ((err = sdx__graph_lazy_node(h->g, leaf, &node)) < 0 || node == SIZE_MAX)
		return err;
	return sdx__graph_push(&h->at, &h->n, &h->cap, node);
}

int sdx__graph_lazy_lot(sdx_graph *g, const char *lot, size_t **out, size_t *n)
{
	return sdx__graph_lazy_ids(g, "lot", lot, out, n);
}

int sdx__graph_lazy_ids(sdx_graph *g, const char *kind, const char *value, size_t **out,
			size_t *n)
{
	struct lot_hits h = { g, NULL, 0, 0 };
	int err = sdx__gindex_ids(g->l, kind, value, lot_hit, &h);

	*out = NULL;
	*n = 0;
	if (err < 0) {
		free(h.at);
		return err;
	}
	sdx__graph_sort(g, h.at, h.n);
	*out = h.at;
	*n = h.n;
	return 0;
}
