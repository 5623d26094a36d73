/*
 * formats/graph/find.c - a record by the name people know it by: an own
 * entry index, a leaf hash prefix, or an id - a shipment, batch or
 * declaration id, or a lot number - optionally of one party.
 *
 * A REF is tried as all three.  One match is the answer; none is
 * SDX_ENOTFOUND; more than one (two batches of one id from two parties, a
 * number that is both an entry index and a lot) is SDX_EINVAL listing the
 * candidates, so that nobody acts on the wrong record by accident.  Ids are
 * looked up in the graph index when the graph reads it, else in the records
 * loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sdx/error.h"
#include "sdx/provenance.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/text/text.h"

#define MAX_LISTED 8

struct cands {
	sdx_graph *g;
	size_t *at, n, cap;
	int err;
};

static int push(struct cands *c, size_t node)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->at[i] == node)
			return 0;
	return sdx__graph_push(&c->at, &c->n, &c->cap, node);
}

static int add_leaf(void *ctx, const unsigned char leaf[32])
{
	struct cands *c = ctx;
	size_t node;
	int err;

	if ((err = sdx__graph_lazy_node(c->g, leaf, &node)) < 0)
		return err;
	return node == SIZE_MAX ? 0 : push(c, node);
}

/* Is `line` one of the "\n"-terminated lines of `lots`? */
static int has_line(const char *lots, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = lots; p && *p; p = strchr(p, '\n') + 1) {
		if (strncmp(p, line, n) == 0 && p[n] == '\n')
			return 1;
		if (!strchr(p, '\n'))
			break;
	}
	return 0;
}

static int by_id(struct cands *c, const char *ref)
{
	const struct sdx_record_type *t;
	sdx_graph *g = c->g;
	size_t i;
	int err;

	if (g->lazy) {
		for (i = 0; (t = sdx__record_type_at(i)); i++)
			if (t->id_field && sdx__graph_type(t->name) &&
			    (err = sdx__gindex_ids(g->l, t->id_field, ref, add_leaf, c)) < 0)
				return err;
		return sdx__gindex_ids(g->l, "lot", ref, add_leaf, c);
	}
	for (i = 0; i < g->len; i++) {
		const struct gnode *n = &g->n[i];
		const json_t *body;
		if (!n->type->id_field && !n->lots)
			continue;
		if (has_line(n->lots, ref)) {
			if ((err = push(c, i)) < 0)
				return err;
			continue;
		}
		body = n->type->id_field ? sdx__graph_body(g, n) : NULL;
		if (body && strcmp(sdx__jstr(body, n->type->id_field, NULL), ref) == 0 &&
		    (err = push(c, i)) < 0)
			return err;
	}
	return 0;
}

/* Does the record name `party` (origin, a party's name or SCHEME:ID)? */
static int of_party(const sdx_graph *g, size_t node, const char *party)
{
	const struct gnode *n = &g->n[node];
	const char *const *path;
	const json_t *body, *p, *x;
	char id[300], head[64];
	size_t i;

	if (strcmp(n->origin, party) == 0)
		return 1;
	if (!(body = sdx__graph_body(g, n)))
		return 0;
	for (path = n->type->parties; path && *path; path++) {
		const char *dot = strchr(*path, '.');
		if (dot) {
			sdx__text_put(head, sizeof(head), "%.*s", (int)(dot - *path), *path);
			p = json_object_get(json_object_get(body, head), dot + 1);
		} else {
			p = json_object_get(body, *path);
		}
		if (strcasecmp(sdx__jstr(p, "name", NULL), party) == 0)
			return 1;
		json_array_foreach(json_object_get(p, "identifiers"), i, x) {
			sdx__text_put(id, sizeof(id), "%s:%s", sdx__jstr(x, "scheme", NULL),
				 sdx__jstr(x, "id", NULL));
			if (strcmp(id, party) == 0)
				return 1;
		}
	}
	return 0;
}

static int ambiguous(const sdx_graph *g, const char *ref, const size_t *at, size_t n)
{
	char list[8 * 700], label[600];
	size_t i, len = 0;

	list[0] = '\0';
	for (i = 0; i < n && i < MAX_LISTED; i++) {
		sdx__graph_label(label, sizeof(label), g, at[i]);
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%.16s (%s, %s #%llu)",
					i ? "; " : "", g->n[at[i]].hex, label, g->n[at[i]].origin,
					(unsigned long long)g->n[at[i]].index);
		if (len >= sizeof(list))
			break;
	}
	return sdx_error_set(SDX_EINVAL, "'%s' names %zu records: %s%s; give a leaf hash, or "
			     "--party with the origin or a party's name or SCHEME:ID", ref, n, list,
			     n > MAX_LISTED ? "; ..." : "");
}

int sdx_graph_find(size_t *out, const sdx_graph *cg, const char *ref, const char *party)
{
	sdx_graph *g = (sdx_graph *)cg; /* lazy graphs read what they find */
	struct cands c = { g, NULL, 0, 0, 0 };
	size_t n = strlen(ref), i, k, node = SIZE_MAX, hits = 0;
	char lower[65];
	int err = 0;

	*out = SIZE_MAX;
	if (n == 0 || n > 200)
		return sdx_error_set(SDX_EINVAL, "'%.40s': give an entry index, 4 to 64 hex digits of "
				     "a leaf hash, or an id", ref);
	if (g->from_ledger && n < 20 && strspn(ref, "0123456789") == n) {
		uint64_t idx = strtoull(ref, NULL, 10);
		if (g->lazy && (err = sdx__graph_lazy_own(g, idx, &node)) < 0)
			goto done;
		for (i = 0; !g->lazy && i < g->len && node == SIZE_MAX; i++)
			if (g->n[i].own && g->n[i].index == idx)
				node = i;
		if (node != SIZE_MAX && (err = push(&c, node)) < 0)
			goto done;
	}
	if (n >= 4 && n <= 64 && strspn(ref, "0123456789abcdefABCDEF") == n) {
		for (i = 0; i < n; i++)
			lower[i] = (char)(ref[i] | (ref[i] >= 'A' && ref[i] <= 'F' ? 0x20 : 0));
		lower[n] = '\0';
		if (g->lazy && (err = sdx__graph_lazy_prefix(g, lower, &hits, &node)) < 0)
			goto done;
		if (g->lazy && hits > 1) {
			err = sdx_error_set(SDX_EINVAL, "'%s' matches %zu records; give more digits",
					    ref, hits);
			goto done;
		}
		if (g->lazy && node != SIZE_MAX && (err = push(&c, node)) < 0)
			goto done;
		for (i = 0; !g->lazy && i < g->len; i++)
			if (strncmp(g->n[i].hex, lower, n) == 0 && (err = push(&c, i)) < 0)
				goto done;
	}
	if ((err = by_id(&c, ref)) < 0)
		goto done;
	if (party) {
		for (i = k = 0; i < c.n; i++)
			if (of_party(g, c.at[i], party))
				c.at[k++] = c.at[i];
		c.n = k;
	}
	if (c.n == 0 && g->from_ledger && n < 20 && strspn(ref, "0123456789") == n)
		err = sdx_error_set(SDX_ENOTFOUND, "own entry %s is not a declaration, withdrawal, "
				    "batch, shipment or product%s%s", ref, party ? " of " : "", party ? party : "");
	else if (c.n == 0)
		err = sdx_error_set(SDX_ENOTFOUND, "no declaration, batch, shipment or product is known as "
				    "'%s'%s%s", ref, party ? " of " : "", party ? party : "");
	else if (c.n > 1)
		err = ambiguous(g, ref, c.at, c.n);
	else
		*out = c.at[0];
done:
	free(c.at);
	return err;
}

int sdx_graph_resolve(size_t *out, const sdx_graph *g, const char *ref)
{
	return sdx_graph_find(out, g, ref, NULL);
}

/* Could `ref` be an own entry index or a leaf hash prefix? */
static int entry_like(const char *ref)
{
	size_t n = strlen(ref);

	return (n > 0 && n < 20 && strspn(ref, "0123456789") == n) ||
	       (n >= 4 && n <= 64 && strspn(ref, "0123456789abcdefABCDEF") == n);
}

int sdx_record_find(sdx_found **out, sdx_ledger *l, const char *ref, const char *party)
{
	sdx_graph *g = NULL;
	size_t node;
	char hex[65];
	int err, ready;

	*out = NULL;
	if ((ready = sdx__gindex_ready(l)) < 0)
		return ready;
	/* without an index, an entry-like REF is looked up directly, not by reading everything */
	if (!ready && !party && entry_like(ref))
		return sdx_ledger_find(out, l, ref);

	if ((err = sdx_graph_from_ledger(&g, l)) < 0)
		return err;
	err = sdx_graph_find(&node, g, ref, party);
	if (err == 0)
		memcpy(hex, g->n[node].hex, sizeof(hex));
	sdx_graph_free(g);
	if (err == 0)
		return sdx_ledger_find(out, l, hex);
	/* the ledger's own entries that are no records (genesis, keys, imports) */
	if (err == SDX_ENOTFOUND && !party && entry_like(ref))
		return sdx_ledger_find(out, l, ref);
	return err;
}

int sdx_record_resolve_own(uint64_t *out, sdx_ledger *l, const char *ref, const char *party)
{
	sdx_found *f = NULL;
	int err;

	if (!party && entry_like(ref) && (err = sdx__gindex_ready(l)) <= 0)
		return err < 0 ? err : sdx_ledger_resolve(out, l, ref);
	if ((err = sdx_record_find(&f, l, ref, party)) < 0)
		return err == SDX_ENOTFOUND && !party && entry_like(ref)
			       ? sdx_ledger_resolve(out, l, ref) : err;
	if (!f->own)
		err = sdx_error_set(SDX_EINVAL, "'%s' is entry %llu of %s, imported: this command "
				    "takes the ledger's own entries (see it with 'sdx trace %s')", ref,
				    (unsigned long long)f->entry.index, f->origin, ref);
	else
		*out = f->entry.index;
	sdx_found_free(f);
	return err;
}
