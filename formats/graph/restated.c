/*
 * formats/graph/restated.c - restatements against the issuers' own records,
 * and an issuer's own records against each other (formats/trust.md,
 * "Conflicts"): the statements a record may be about (of its id or its lots:
 * from the graph index, or from a survey of a graph read whole), each pair of
 * a restatement and an issuer's own record, or of two own records of one
 * party, compared (conflict.c), what was found kept by node number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/attribution.h"
#include "formats/graph/attribution_state.h"
#include "formats/graph/internal.h"
#include "formats/records/type.h"
#include "formats/trust/party.h"
#include "formats/text/text.h"

/* ---- restatements against the issuer's own ------------------------------------------ */

static int found(struct sdx__attr *a, size_t restated, size_t own, int self, const char *what)
{
	struct found *f;

	for (size_t i = 0; i < a->w.nc; i++)
		if (a->w.c[i].restated == restated && a->w.c[i].own == own)
			return 0;
	if (a->w.nc == a->w.capc) {
		size_t cap = a->w.capc ? 2 * a->w.capc : 8;
		if (!(f = realloc(a->w.c, cap * sizeof(*f))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		a->w.c = f;
		a->w.capc = cap;
	}
	f = &a->w.c[a->w.nc++];
	f->restated = restated;
	f->own = own;
	f->self = self;
	sdx__text_put(f->what, sizeof(f->what), "%s", what);
	return 0;
}

/* Does one of the two supersede the other (its supersedes names the other)? */
static int supersession(const sdx_graph *g, size_t x, size_t y)
{
	const json_t *bx = sdx__graph_body(g, &g->n[x]), *by = sdx__graph_body(g, &g->n[y]);

	return strcmp(sdx__jstr(bx, "supersedes", NULL), g->n[y].hex) == 0 ||
	       strcmp(sdx__jstr(by, "supersedes", NULL), g->n[x].hex) == 0;
}

/* A record that names its issuer without being its signature. */
static int restatement(int outcome)
{
	return outcome == SDX__ATTR_RESTATED || outcome == SDX__ATTR_UNBOUND;
}

/* Compare x with candidate y when one is a restatement and the other the
 * issuer's own record of the same thing, or (lot: y shares a lot with x) both
 * are the issuer's own. */
static int compare_one(sdx_graph *g, size_t x, const struct sdx__attribution *ax, size_t y,
		       int lot)
{
	struct sdx__attribution ay;
	char what[WHAT_MAX], rs[140], ds[140];
	struct sdx__sides sides = { rs, ds, 1 };
	const json_t *rb, *db;
	size_t r, d;
	int err, self = 0;

	if (y == x || g->n[y].type != g->n[x].type)
		return 0;
	/* surveyed: a pair of two restatements, or of a record and one not
	 * signed by the party it names, is not read again */
	if (g->attr->w.ids_built && y < g->attr->w.nsurveyed &&
	    (restatement(ax->outcome) ? g->attr->w.outcome[y] != SDX__ATTR_SIGNED + 1
	     : !restatement(g->attr->w.outcome[y] - 1) &&
	       (!lot || g->attr->w.outcome[y] != SDX__ATTR_SIGNED + 1)))
		return 0;
	if ((err = sdx__attribution_of(&ay, g, y)) < 0)
		return err;
	if (restatement(ax->outcome) && ay.outcome == SDX__ATTR_SIGNED) {
		r = x;
		d = y;
	} else if (ax->outcome == SDX__ATTR_SIGNED && restatement(ay.outcome)) {
		r = y;
		d = x;
	} else if (lot && ax->outcome == SDX__ATTR_SIGNED && ay.outcome == SDX__ATTR_SIGNED) {
		/* a party contradicting itself: its later record against its earlier */
		r = sdx__graph_order(g, x, y) > 0 ? x : y;
		d = r == x ? y : x;
		self = 1;
	} else {
		return 0;
	}
	if (!sdx__party_same(&ax->named, &ay.named) || supersession(g, r, d))
		return 0;
	rb = sdx__graph_body(g, &g->n[r]);
	db = sdx__graph_body(g, &g->n[d]);
	if (self) {
		sdx__text_put(rs, sizeof(rs), "%s %s (entry %.16s)", g->n[r].type->name,
			 sdx__jstr(rb, g->n[r].type->id_field, NULL), g->n[r].hex);
		sdx__text_put(ds, sizeof(ds), "%s %s (entry %.16s)", g->n[d].type->name,
			 sdx__jstr(db, g->n[d].type->id_field, NULL), g->n[d].hex);
	}
	if (!rb || !db || !sdx__statement_conflict(what, sizeof(what), rb, db,
						   self ? &sides : NULL))
		return 0;
	if (self) {
		/* "... in D2 (entry ..), ... in D1 (entry ..), both signed by P" */
		size_t k = strlen(what);
		sdx__text_put(what + k, sizeof(what) - k, ", both signed by %s", ax->named.name);
	}
	return found(g->attr, r, d, self, what);
}

struct cands {
	sdx_graph *g;
	size_t *at, n, cap;
};

/* Push the nodes a lazy graph's index knows by value as kind. */
static int indexed(sdx_graph *g, const char *kind, const char *value, struct cands *c)
{
	size_t *at = NULL, n = 0, k;
	int err;

	if ((err = sdx__graph_lazy_ids(g, kind, value, &at, &n)) >= 0)
		for (k = 0; k < n && err >= 0; k++)
			err = sdx__graph_push(&c->at, &c->n, &c->cap, at[k]);
	free(at);
	return err;
}

static int add_keyed(struct sdx__attr *a, size_t *cap, char kind, const char *s, size_t len,
		     size_t node)
{
	struct keyed *k;

	if (len == 0 || len + 2 > sizeof(k->key))
		return 0;
	if (a->w.nids == *cap) {
		size_t c = *cap ? 2 * *cap : 256;
		if (!(k = realloc(a->w.ids, c * sizeof(*k))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		a->w.ids = k;
		*cap = c;
	}
	k = &a->w.ids[a->w.nids++];
	k->key[0] = kind;
	memcpy(k->key + 1, s, len);
	k->key[len + 1] = '\0';
	k->node = node;
	return 0;
}

static int by_key(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int c = strcmp(a->key, b->key);

	return c ? c : a->node < b->node ? -1 : a->node > b->node;
}

/* Survey node i of a graph read whole (its body at hand): its outcome and
 * signer, and a statement by its id and lots. */
static int survey_node(sdx_graph *g, size_t i)
{
	struct sdx__attr *a = g->attr;
	struct sdx__attribution at;
	const struct gnode *n;
	const char *p, *e, *id;
	int err = 0;

	if (i >= a->w.nsurveyed) {
		size_t cap = a->w.nsurveyed ? 2 * a->w.nsurveyed : 256;
		signed char *o;
		const sdx_party **sg;
		while (cap <= i)
			cap *= 2;
		if (!(o = realloc(a->w.outcome, cap)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		a->w.outcome = o;
		if (!(sg = realloc(a->w.signer, cap * sizeof(*sg))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		a->w.signer = sg;
		memset(o + a->w.nsurveyed, 0, cap - a->w.nsurveyed);
		memset(sg + a->w.nsurveyed, 0, (cap - a->w.nsurveyed) * sizeof(*sg));
		a->w.nsurveyed = cap;
	}
	if (!g->n[i].type->issuer)
		return 0;
	if ((err = sdx__attribution_of(&at, g, i)) < 0)
		return err;
	n = &g->n[i];
	a->w.outcome[i] = (signed char)(at.outcome + 1);
	a->w.signer[i] = at.signer;
	if (n->type->role != SDX_ROLE_STATEMENT)
		return 0;
	for (p = n->lots; err >= 0 && p && *p && (e = strchr(p, '\n')); p = e + 1)
		err = add_keyed(a, &a->w.idcap, 'l', p, (size_t)(e - p), i);
	id = n->type->id_field ? sdx__jstr(n->body, n->type->id_field, NULL) : "";
	return err < 0 ? err : add_keyed(a, &a->w.idcap, 'i', id, strlen(id), i);
}

int sdx__attr_survey_node(sdx_graph *g, size_t i)
{
	return g->attr && g->attr->surveying ? survey_node(g, i) : 0;
}

static void survey_done(struct sdx__attr *a)
{
	a->surveying = 0;
	a->w.ids_built = 1;
	if (a->w.nids)
		qsort(a->w.ids, a->w.nids, sizeof(*a->w.ids), by_key);
}

/* A graph read whole, surveyed once (each body read once, and let go again
 * when the graph reads bodies from its ledger). */
static int build_ids(sdx_graph *g)
{
	size_t i;
	int err = 0;

	for (i = 0; i < g->len && err >= 0; i++) {
		struct gnode *n = &g->n[i];
		int had = n->body != NULL;
		err = survey_node(g, i);
		n = &g->n[i];
		if (!had && g->l) {
			json_decref(n->body);
			n->body = NULL;
		}
	}
	survey_done(g->attr);
	return err;
}

int sdx__graph_survey(sdx_graph *g)
{
	int err;

	if ((err = sdx__attr_view(g)) < 0)
		return err;
	if (!g->lazy)
		return g->attr->w.ids_built ? 0 : build_ids(g);
	/* every record: read the ledger whole, each record surveyed as it is read */
	sdx__graph_clear(g);
	g->lazy = 0;
	g->attr->surveying = 1;
	err = sdx__graph_load_ledger(g);
	survey_done(g->attr);
	return err;
}

int sdx__attribution_outcome(const sdx_graph *g, size_t node, const sdx_party **signer)
{
	struct sdx__attribution a;
	int err;

	if (g->attr && g->attr->w.ids_built && node < g->attr->w.nsurveyed &&
	    g->attr->w.outcome[node]) {
		*signer = g->attr->w.signer[node];
		return g->attr->w.outcome[node] - 1;
	}
	if ((err = sdx__attribution_of(&a, g, node)) < 0)
		return err;
	*signer = a.signer;
	return a.outcome;
}

/* Push every statement known by kind+value. */
static int keyed_nodes(sdx_graph *g, char kind, const char *value, struct cands *c)
{
	struct sdx__attr *a = g->attr;
	struct keyed want;
	size_t lo = 0, hi = a->w.nids, mid;
	int err = 0;

	if (strlen(value) + 2 > sizeof(want.key))
		return 0;
	want.key[0] = kind;
	memcpy(want.key + 1, value, strlen(value) + 1);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(a->w.ids[mid].key, want.key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < a->w.nids && strcmp(a->w.ids[lo].key, want.key) == 0 && err >= 0; lo++)
		err = sdx__graph_push(&c->at, &c->n, &c->cap, a->w.ids[lo].node);
	return err;
}

/* The statements a restatement may be about: those of its id (the first
 * *nid of c), then those of its lots. */
static int candidates(sdx_graph *g, size_t r, struct cands *c, size_t *nid)
{
	const json_t *body = sdx__graph_body(g, &g->n[r]), *x;
	const char *id_field = g->n[r].type->id_field;
	const char *id = id_field ? sdx__jstr(body, id_field, NULL) : "";
	size_t i;
	int err = 0;

	if (!g->lazy) {
		if (!g->attr->w.ids_built && (err = build_ids(g)) < 0)
			return err;
		body = sdx__graph_body(g, &g->n[r]);
		if (*id)
			err = keyed_nodes(g, 'i', id, c);
		*nid = c->n;
		json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"), i, x)
			if (err >= 0)
				err = keyed_nodes(g, 'l', sdx__jstr(x, "lot_number", NULL), c);
		return err;
	}
	if (*id)
		err = indexed(g, id_field, id, c);
	*nid = c->n;
	json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"), i, x)
		if (err >= 0)
			err = indexed(g, "lot", sdx__jstr(x, "lot_number", NULL), c);
	return err;
}

/* Compare statement x with the records about the same thing: a restatement
 * with its issuer's own, an issuer's own with its restatements. */
static int compare(sdx_graph *g, size_t x)
{
	struct sdx__attribution ax;
	struct cands c = { g, NULL, 0, 0 };
	size_t k, nid = 0;
	int err;

	if ((err = sdx__attribution_of(&ax, g, x)) < 0)
		return err;
	if (!restatement(ax.outcome) && ax.outcome != SDX__ATTR_SIGNED)
		return 0;
	/* a party's own two records are compared only when they share a lot */
	if ((err = candidates(g, x, &c, &nid)) >= 0)
		for (k = 0; k < c.n && err >= 0; k++)
			err = compare_one(g, x, &ax, c.at[k], k >= nid);
	free(c.at);
	return err;
}

/* What a walk from node reaches: what it cites, and each statement's corrections. */
static int reachable(const sdx_graph *g, size_t node, size_t **out, size_t *n)
{
	unsigned char *seen = calloc(g->len ? g->len : 1, 1);
	size_t cap = 0, k = 0, i, to;
	int err = 0;

	*out = NULL;
	*n = 0;
	if (!seen)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	seen[node] = 1;
	err = sdx__graph_push(out, n, &cap, node);
	while (err >= 0 && k < *n) {
		const struct gnode *x = &g->n[(*out)[k++]];
		for (i = 0; i < x->nrefs && err >= 0; i++)
			if ((to = sdx__graph_find(g, x->refs[i])) != SIZE_MAX && !seen[to]) {
				seen[to] = 1;
				err = sdx__graph_push(out, n, &cap, to);
			}
		for (i = 0; x->type->role == SDX_ROLE_STATEMENT && i < x->nusers && err >= 0; i++) {
			to = x->users[i];
			if (!seen[to] && g->n[to].type->role == SDX_ROLE_STATEMENT &&
			    g->n[to].origin == x->origin) {
				seen[to] = 1;
				err = sdx__graph_push(out, n, &cap, to);
			}
		}
	}
	free(seen);
	return err < 0 ? err : 0;
}

/* Every record of a graph read whole: surveyed, then each restatement and
 * issuer's own record that share an id or a lot are compared. */
static int attribute_all(sdx_graph *g)
{
	struct sdx__attr *a = g->attr;
	struct sdx__attribution ax;
	size_t i, j, k;
	int err = 0;

	if (!a->w.ids_built && (err = build_ids(g)) < 0)
		return err;
	for (i = 0; i < a->w.nids && err >= 0; i = j) {
		size_t own_n = 0, other_n = 0;
		for (j = i + 1; j < a->w.nids && strcmp(a->w.ids[j].key, a->w.ids[i].key) == 0; j++)
			;
		/* a group without an issuer's own record to compare with (or, for a
		 * party's own records, without two) reads no body at all */
		for (k = i; k < j; k++) {
			if (a->w.outcome[a->w.ids[k].node] == SDX__ATTR_SIGNED + 1)
				own_n++;
			else if (restatement(a->w.outcome[a->w.ids[k].node] - 1))
				other_n++;
		}
		if (own_n == 0 || (other_n == 0 && (own_n < 2 || a->w.ids[i].key[0] != 'l')))
			continue;
		for (k = i; k < j && err >= 0; k++) {
			size_t x = a->w.ids[k].node, m;
			int lot = a->w.ids[i].key[0] == 'l';
			/* an own record meets the restatements from their side, and
			 * each later own record of a lot of its from here */
			int own = lot && a->w.outcome[x] == SDX__ATTR_SIGNED + 1;
			if ((!restatement(a->w.outcome[x] - 1) && !own) || (own && k + 1 == j))
				continue; /* nothing to compare it with: its body is not read */
			if ((err = sdx__attribution_of(&ax, g, x)) < 0)
				break;
			for (m = own ? k + 1 : i; m < j && err >= 0; m++)
				if (!own || a->w.outcome[a->w.ids[m].node] == SDX__ATTR_SIGNED + 1)
					err = compare_one(g, x, &ax, a->w.ids[m].node, lot);
		}
		/* the bodies read for the group go again: a graph of a ledger reads
		 * a body back when it needs it, so memory stays that of one group */
		for (k = i; g->l && k < j; k++) {
			struct gnode *n = &g->n[a->w.ids[k].node];
			if (n->type->role == SDX_ROLE_STATEMENT && n->body) {
				json_decref(n->body);
				n->body = NULL;
			}
		}
	}
	return err;
}

int sdx__graph_attribute(sdx_graph *g, size_t node)
{
	size_t *set = NULL, n = 0, k, len0 = g->len;
	int err;

	if ((err = sdx__attr_view(g)) < 0)
		return err;
	if (node == SIZE_MAX && !g->lazy)
		return attribute_all(g);
	if (node == SIZE_MAX) {
		if (!(set = malloc((g->len ? g->len : 1) * sizeof(*set))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		for (n = 0; n < g->len; n++)
			set[n] = n;
	} else if ((err = reachable(g, node, &set, &n)) < 0) {
		return err;
	}
	for (k = 0; k < n && err >= 0; k++) {
		struct sdx__attr *a = g->attr;
		if (set[k] >= a->w.ndone) {
			unsigned char *d = realloc(a->w.done, g->len + 64);
			if (!d) {
				err = sdx_error_set(SDX_ENOMEM, "out of memory");
				break;
			}
			memset(d + a->w.ndone, 0, g->len + 64 - a->w.ndone);
			a->w.done = d;
			a->w.ndone = g->len + 64;
		}
		if (a->w.done[set[k]] || g->n[set[k]].type->role != SDX_ROLE_STATEMENT)
			continue;
		a->w.done[set[k]] = 1;
		err = compare(g, set[k]);
	}
	free(set);
	/* candidates read into a lazy graph are linked like every node */
	if (err >= 0 && g->len != len0)
		err = sdx__graph_link(g);
	return err < 0 ? err : 0;
}

int sdx__graph_compare_nodes(sdx_graph *g, const size_t *nodes, size_t n)
{
	size_t k, len0 = g->len;
	int err;

	if ((err = sdx__attr_view(g)) < 0)
		return err;
	for (k = 0; k < n && err >= 0; k++) {
		struct sdx__attr *a = g->attr;
		if (g->n[nodes[k]].type->role != SDX_ROLE_STATEMENT)
			continue;
		if (nodes[k] >= a->w.ndone) {
			size_t cap = g->len + 1024;
			unsigned char *d = realloc(a->w.done, cap);
			if (!d)
				return sdx_error_set(SDX_ENOMEM, "out of memory");
			memset(d + a->w.ndone, 0, cap - a->w.ndone);
			a->w.done = d;
			a->w.ndone = cap;
		}
		if (a->w.done[nodes[k]])
			continue;
		a->w.done[nodes[k]] = 1;
		err = compare(g, nodes[k]);
	}
	/* candidates read into a lazy graph are linked like every node, once */
	if (err >= 0 && g->len != len0)
		err = sdx__graph_link(g);
	return err < 0 ? err : 0;
}

const char *sdx__graph_conflict(const sdx_graph *g, size_t i, size_t *restated, size_t *own,
				int *self)
{
	if (!g->attr || i >= g->attr->w.nc)
		return NULL;
	*restated = g->attr->w.c[i].restated;
	*own = g->attr->w.c[i].own;
	*self = g->attr->w.c[i].self;
	return g->attr->w.c[i].what;
}

size_t sdx__graph_conflicts(const sdx_graph *g, size_t node, size_t *other, const char **what,
			    int *self, size_t cap)
{
	size_t i, k = 0;

	for (i = 0; g->attr && i < g->attr->w.nc; i++) {
		const struct found *f = &g->attr->w.c[i];
		if (f->restated != node && f->own != node)
			continue;
		if (k < cap) {
			other[k] = f->restated == node ? f->own : f->restated;
			what[k] = f->what;
			if (self)
				self[k] = f->self;
		}
		k++;
	}
	return k;
}

