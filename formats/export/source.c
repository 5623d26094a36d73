/*
 * formats/export/source.c - which records an export covers, in the order
 * they happened, and where each came from: its ledger, index, leaf hash and
 * the signed checkpoint that covers it.
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/imported.h"
#include "formats/export/export.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

struct walk_state {
	struct xp_walk *w;
	unsigned char *seen;
	int err;
};

/* Post-order over the inputs and items (not supersedes, nor attachments). */
static void visit(struct walk_state *s, size_t i, int depth)
{
	const sdx_graph *g = s->w->g;
	const struct gnode *n = &g->n[i];
	char hex[65];

	if (s->err || s->seen[i])
		return;
	if (depth > MAX_WALK_DEPTH) {
		s->err = sdx_error_set(SDX_EVERIFY, "entry %s: inputs nested too deep", n->hex);
		return;
	}
	s->seen[i] = 1;
	if (n->type->role == SDX_ROLE_WITHDRAWAL || n->type->role == SDX_ROLE_LEDGER)
		return;
	for (size_t k = 0; k < n->nrefs && !s->err; k++) {
		const struct sdx_record_edge *e = &n->type->edges[n->ref_edge[k]];
		size_t to;
		if (e->attachment || !e->held)
			continue;
		if ((to = sdx__graph_find(g, n->refs[k])) == SIZE_MAX) {
			sdx__hex(hex, n->refs[k], 32);
			s->err = sdx_error_set(SDX_ENOTFOUND, "entry %s refers to %s, which is not "
					       "held: the export would be incomplete", n->hex, hex);
			return;
		}
		visit(s, to, depth + 1);
	}
	s->w->nodes[s->w->n++] = i;
}

/* The checkpoint that covers node n: the ledger's first at or above its
 * index, or the imported one its proof leads to.  0 and *cp, or an error. */
static int covering(sdx_checkpoint *cp, const sdx_graph *g, const struct gnode *n)
{
	char *note = NULL;
	size_t len = 0;
	int err;

	if (n->own)
		return sdx_ledger_get_checkpoint(NULL, NULL, cp, g->l, n->index + 1);
	if ((err = sdx_ledger_foreign_checkpoint_note(&note, &len, g->l, n->origin,
						      n->tree_size)) < 0)
		return err;
	err = sdx_checkpoint_parse(cp, note, len);
	free(note);
	return err;
}

int sdx__xp_walk(struct xp_walk *w, const sdx_graph *g, size_t node)
{
	struct walk_state s;
	int err;

	memset(w, 0, sizeof(*w));
	w->g = g;
	if (!g->l)
		return sdx_error_set(SDX_EINVAL, "exports read a ledger (its checkpoints), not a bundle: "
				     "import the bundle first");
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	if (g->lazy && (err = sdx__graph_expand_down((sdx_graph *)g, node)) < 0)
		return err;
	memset(&s, 0, sizeof(s));
	s.w = w;
	if (!(s.seen = calloc(g->len, 1)) || !(w->nodes = malloc(g->len * sizeof(*w->nodes)))) {
		free(s.seen);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	visit(&s, node, 0);
	free(s.seen);
	/* every record exported names the checkpoint that covers it */
	for (size_t k = 0; k < w->n && !s.err; k++) {
		sdx_checkpoint cp;
		s.err = covering(&cp, g, &g->n[w->nodes[k]]);
	}
	if (s.err)
		sdx__xp_walk_free(w);
	return s.err;
}

void sdx__xp_walk_free(struct xp_walk *w)
{
	free(w->nodes);
	w->nodes = NULL;
	w->n = 0;
}

int sdx__xp_is(const sdx_graph *g, size_t i, const char *type)
{
	return strcmp(g->n[i].type->name, type) == 0;
}

size_t sdx__xp_node(const sdx_graph *g, const char *hex)
{
	return hex ? sdx__graph_find_hex(g, hex) : SIZE_MAX;
}

const char *sdx__xp_status(const sdx_graph *g, size_t i)
{
	size_t one;

	if (g->n[i].type->role != SDX_ROLE_STATEMENT)
		return "ok";
	if (sdx__graph_withdrawals(g, i, &one, 1))
		return "withdrawn";
	if (sdx__graph_superseders(g, i, &one, 1))
		return "superseded";
	return "ok";
}

static json_t *key(json_t *o, const char *prefix, const char *name, json_t *v)
{
	char k[64];

	sdx__text_put(k, sizeof(k), "%s%s", prefix, name);
	if (o && v && json_object_set_new(o, k, v) == 0)
		return o;
	json_decref(v);
	json_decref(o);
	return NULL;
}

json_t *sdx__xp_source(const sdx_graph *g, size_t i, const char *p)
{
	const struct gnode *n = &g->n[i];
	sdx_checkpoint cp;
	char root[65];
	json_t *o = json_object(), *c;

	o = key(o, p, "origin", json_string(n->origin));
	o = key(o, p, "index", json_integer((json_int_t)n->index));
	o = key(o, p, "leafHash", json_string(n->hex));
	o = key(o, p, "entryTime", json_string(n->time));
	o = key(o, p, "status", json_string(sdx__xp_status(g, i)));
	/* sdx__xp_walk made sure that one does */
	if (o && covering(&cp, g, n) == 0) {
		sdx__hex(root, cp.root, 32);
		c = key(json_object(), p, "origin", json_string(cp.origin));
		c = key(c, p, "treeSize", json_integer((json_int_t)cp.size));
		c = key(c, p, "rootHash", json_string(root));
		o = key(o, p, "checkpoint", c);
	}
	return o;
}
