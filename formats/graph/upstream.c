/*
 * formats/graph/upstream.c - the upstream closure of a record, for export
 * --provenance: everything it was made from, and of each statement its
 * withdrawals and corrections and the request it answers, so a recipient can
 * judge it on its own.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/internal.h"
#include "ledger/internal.h"

struct closure {
	const sdx_graph *g;
	unsigned char *in;
	size_t n;
	int err;
};

static void close_over(struct closure *c, size_t i, int depth)
{
	const struct gnode *n = &c->g->n[i];
	char hex[65];
	size_t k, to;

	if (c->in[i] || c->err)
		return;
	if (depth > MAX_WALK_DEPTH) {
		c->err = sdx_error_set(SDX_EVERIFY, "entry %s: inputs nested too deep", n->hex);
		return;
	}
	c->in[i] = 1;
	c->n++;
	if (n->type->role == SDX_ROLE_STATEMENT) {
		/* whoever relies on it must also learn of its withdrawals and corrections */
		for (k = 0; k < n->nusers; k++) {
			const struct gnode *u = &c->g->n[n->users[k]];
			if ((u->type->role == SDX_ROLE_WITHDRAWAL ||
			     u->type->role == SDX_ROLE_STATEMENT) &&
			    u->origin == n->origin)
				close_over(c, n->users[k], depth + 1);
		}
		/* and the request it answers (declaration version 3), which it must be read with */
		for (k = 0; k < n->nrefs; k++)
			if ((to = sdx__graph_find(c->g, n->refs[k])) != SIZE_MAX &&
			    c->g->n[to].type->role == SDX_ROLE_REQUEST)
				close_over(c, to, depth + 1);
		return;
	}
	if (n->type->role == SDX_ROLE_WITHDRAWAL)
		return;
	for (k = 0; k < n->nrefs; k++) {
		if ((to = sdx__graph_find(c->g, n->refs[k])) == SIZE_MAX) {
			sdx__hex(hex, n->refs[k], 32);
			c->err = sdx_error_set(SDX_ENOTFOUND, "entry %s refers to %s, which is not "
					       "held: the provenance would be incomplete", n->hex,
					       hex);
			return;
		}
		close_over(c, to, depth + 1);
	}
}

int sdx_graph_upstream(unsigned char (**out)[32], size_t *n, const sdx_graph *g, size_t node)
{
	struct closure c;
	size_t i, k = 0;
	int err;

	*out = NULL;
	*n = 0;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if (g->lazy && (err = sdx__graph_expand_down((sdx_graph *)g, node)) < 0)
		return err;
	memset(&c, 0, sizeof(c));
	c.g = g;
	if (!(c.in = calloc(g->len, 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	close_over(&c, node, 0);
	if (!c.err && !(*out = malloc(c.n * 32)))
		c.err = sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; !c.err && i < g->len; i++)
		if (c.in[i])
			memcpy((*out)[k++], g->n[i].leaf, 32);
	free(c.in);
	if (c.err) {
		free(*out);
		*out = NULL;
		return c.err;
	}
	*n = k;
	return 0;
}
