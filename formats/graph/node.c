/*
 * formats/graph/node.c - what the walks say of one node: its status links
 * (withdrawals, corrections), its label and the head of its JSON.
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/text.h"
#include "formats/graph/internal.h"

/* The records of `role` from the same ledger that cite `decl`. */
static size_t own_users(const sdx_graph *g, size_t decl, int role, size_t *out, size_t cap)
{
	const struct gnode *d = &g->n[decl];
	size_t i, k = 0;

	for (i = 0; i < d->nusers; i++) {
		const struct gnode *u = &g->n[d->users[i]];
		if (u->type->role == role && u->origin == d->origin && k < cap)
			out[k++] = d->users[i];
	}
	return k;
}

size_t sdx__graph_withdrawals(const sdx_graph *g, size_t decl, size_t *out, size_t cap)
{
	return own_users(g, decl, SDX_ROLE_WITHDRAWAL, out, cap);
}

size_t sdx__graph_superseders(const sdx_graph *g, size_t decl, size_t *out, size_t cap)
{
	return own_users(g, decl, SDX_ROLE_STATEMENT, out, cap);
}

size_t sdx__graph_status(const sdx_graph *g, size_t node)
{
	const struct gnode *d = &g->n[node];
	size_t i, best = SIZE_MAX;

	for (i = 0; i < d->nusers; i++) {
		const struct gnode *u = &g->n[d->users[i]];
		const char *t, *bt;
		if (u->type->role != SDX_ROLE_STATUS)
			continue;
		t = sdx__jstr(sdx__graph_body(g, u), "time", NULL);
		bt = best == SIZE_MAX ? NULL : sdx__jstr(sdx__graph_body(g, &g->n[best]), "time", NULL);
		/* the latest answer; of two at one time, the later entry */
		if (!bt || strcmp(t ? t : "", bt) > 0 ||
		    (strcmp(t ? t : "", bt) == 0 && sdx__graph_order(g, best, d->users[i]) < 0))
			best = d->users[i];
	}
	return best;
}

void sdx__graph_label(char *out, size_t cap, const sdx_graph *g, size_t node)
{
	const struct gnode *n = &g->n[node];

	n->type->label(out, cap, sdx__graph_body(g, n));
	/* a label longer than cap ends where a character starts (JSON needs UTF-8) */
	if (cap)
		out[sdx_text_cut(out, strlen(out))] = '\0';
}

json_t *sdx__graph_head(const sdx_graph *g, size_t i)
{
	const struct gnode *n = &g->n[i];
	char label[600];

	sdx__graph_label(label, sizeof(label), g, i);
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s}", "ref", n->hex, "type",
			 n->type->name, "origin", n->origin, "index", (json_int_t)n->index,
			 "time", n->time, "own", n->own, "label", label);
}

int sdx__graph_dump(char **out, json_t *j)
{
	char *s;

	if (!j)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!s)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*out = s;
	return 0;
}
