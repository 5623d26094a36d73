/*
 * formats/graph/graph.c - the provenance graph as a container: records by
 * leaf hash, each linked to the records that refer to it (their types'
 * edges, formats/records/type.h), in the order the ledger or bundle holds
 * them; finding a record by reference, and reading its body when a walk
 * needs it.  Records come from load.c (a ledger or bundle read whole) or
 * lazy.c (a ledger's graph index, as walks need them); the walks are
 * trace.c, where_used.c, upstream.c and formats/rules/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/disclosure.h"
#include "sdx/imported.h"
#include "sdx/provenance.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/records/internal.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

const struct sdx_record_type *sdx__graph_type(const char *type)
{
	const struct sdx_record_type *t = sdx__record_type(type);

	return t && t->role != SDX_ROLE_LEDGER ? t : NULL;
}

static size_t slot_of(const unsigned char leaf[32], size_t nslots)
{
	size_t h;

	memcpy(&h, leaf, sizeof(h)); /* leaf hashes are uniform already */
	return h & (nslots - 1);
}

size_t sdx__graph_find(const sdx_graph *g, const unsigned char leaf[32])
{
	size_t s;

	if (!g->nslots)
		return SIZE_MAX;
	for (s = slot_of(leaf, g->nslots); g->slots[s]; s = (s + 1) & (g->nslots - 1))
		if (memcmp(g->n[g->slots[s] - 1].leaf, leaf, 32) == 0)
			return g->slots[s] - 1;
	return SIZE_MAX;
}

size_t sdx__graph_find_hex(const sdx_graph *g, const char *hex)
{
	unsigned char leaf[32];

	return sdx__hex32_parse(leaf, hex) == 0 ? sdx__graph_find(g, leaf) : SIZE_MAX;
}

static int rehash(sdx_graph *g)
{
	size_t n = g->nslots ? g->nslots * 2 : 1024, i, s;
	size_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < g->len; i++) {
		for (s = slot_of(g->n[i].leaf, n); slots[s]; s = (s + 1) & (n - 1))
			;
		slots[s] = i + 1;
	}
	free(g->slots);
	g->slots = slots;
	g->nslots = n;
	return 0;
}

const char *sdx__graph_intern(sdx_graph *g, const char *origin)
{
	size_t i;
	char **p;

	for (i = 0; i < g->norigins; i++)
		if (strcmp(g->origins[i], origin) == 0)
			return g->origins[i];
	if (!(p = realloc(g->origins, (g->norigins + 1) * sizeof(*p))))
		return NULL;
	g->origins = p;
	if (!(p[g->norigins] = strdup(origin)))
		return NULL;
	return p[g->norigins++];
}

int sdx__graph_add(sdx_graph *g, const unsigned char leaf[32], const char *origin,
		   uint64_t index, uint64_t tree_size, int own, const struct sdx_record_type *t,
		   const char *time, size_t *out)
{
	struct gnode *n;
	size_t s;
	int err;

	if (g->len == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		struct gnode *p = realloc(g->n, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		g->n = p;
		g->cap = cap;
	}
	if (2 * (g->len + 1) > g->nslots && (err = rehash(g)) < 0)
		return err;
	n = &g->n[g->len];
	memset(n, 0, sizeof(*n));
	memcpy(n->leaf, leaf, 32);
	sdx__hex(n->hex, leaf, 32);
	if (!(n->origin = sdx__graph_intern(g, origin)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n->index = index;
	n->tree_size = tree_size;
	n->own = own;
	n->type = t;
	sdx__text_put(n->time, sizeof(n->time), "%s", time);
	for (s = slot_of(leaf, g->nslots); g->slots[s]; s = (s + 1) & (g->nslots - 1))
		;
	g->slots[s] = ++g->len;
	*out = g->len - 1;
	return 0;
}

int sdx__graph_add_ref(struct gnode *n, const unsigned char leaf[32], int edge, const char *lot)
{
	if (n->nrefs == n->caprefs) {
		size_t cap = n->caprefs ? 2 * n->caprefs : 4;
		void *r = realloc(n->refs, cap * 32), *e, *l;
		if (r)
			n->refs = r;
		e = r ? realloc(n->ref_edge, cap) : NULL;
		if (e)
			n->ref_edge = e;
		l = e ? realloc(n->ref_lots, cap * sizeof(*n->ref_lots)) : NULL;
		if (!l)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		n->ref_lots = l;
		n->caprefs = cap;
	}
	if (lot && !(n->ref_lots[n->nrefs] = strdup(lot)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (!lot)
		n->ref_lots[n->nrefs] = NULL;
	memcpy(n->refs[n->nrefs], leaf, 32);
	n->ref_edge[n->nrefs++] = (unsigned char)edge;
	return 0;
}

int sdx__graph_push(size_t **at, size_t *n, size_t *cap, size_t v)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 16;
		size_t *p = realloc(*at, c * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		*at = p;
		*cap = c;
	}
	(*at)[(*n)++] = v;
	return 0;
}

/* A lazy graph's nodes are held in the order they were read: compare their places. */
static int ledger_order(const struct gnode *x, const struct gnode *y)
{
	int c;

	if (x->own != y->own)
		return x->own ? -1 : 1;
	if ((c = strcmp(x->origin, y->origin)) != 0)
		return c;
	if (x->tree_size != y->tree_size)
		return x->tree_size < y->tree_size ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

int sdx__graph_order(const sdx_graph *g, size_t a, size_t b)
{
	if (g->lazy)
		return ledger_order(&g->n[a], &g->n[b]);
	return a < b ? -1 : a > b;
}

struct sortable {
	const struct gnode *n;
	size_t i;
};

static int by_ledger_order(const void *a, const void *b)
{
	const struct sortable *x = a, *y = b;

	return ledger_order(x->n, y->n);
}

void sdx__graph_sort(const sdx_graph *g, size_t *nodes, size_t n)
{
	struct sortable stack[64], *s = stack;
	size_t k;

	/* a graph read whole holds its nodes in that order already */
	if (n < 2 || !g->lazy)
		return;
	if (n > 64 && !(s = malloc(n * sizeof(*s))))
		return; /* out of memory: left as read, which only changes the order shown */
	for (k = 0; k < n; k++) {
		s[k].n = &g->n[nodes[k]];
		s[k].i = nodes[k];
	}
	qsort(s, n, sizeof(*s), by_ledger_order);
	for (k = 0; k < n; k++)
		nodes[k] = s[k].i;
	if (s != stack)
		free(s);
}

int sdx__graph_link(sdx_graph *g)
{
	size_t i, k, to;
	int err;

	for (i = 0; i < g->len; i++)
		g->n[i].nusers = 0;
	for (i = 0; i < g->len; i++)
		for (k = 0; k < g->n[i].nrefs; k++)
			if ((to = sdx__graph_find(g, g->n[i].refs[k])) != SIZE_MAX && to != i &&
			    (err = sdx__graph_push(&g->n[to].users, &g->n[to].nusers,
						   &g->n[to].capusers, i)) < 0)
				return err;
	/* a lazy graph holds its nodes as read, not in the ledger's order */
	for (i = 0; g->lazy && i < g->len; i++)
		sdx__graph_sort(g, g->n[i].users, g->n[i].nusers);
	return 0;
}

void sdx__graph_clear(sdx_graph *g)
{
	size_t i, k;

	sdx__attr_forget(g->attr); /* what it found is by node number */
	for (i = 0; i < g->len; i++) {
		json_decref(g->n[i].body);
		free(g->n[i].users);
		for (k = 0; k < g->n[i].nrefs; k++)
			free(g->n[i].ref_lots[k]);
		free(g->n[i].ref_lots);
		free(g->n[i].ref_edge);
		free(g->n[i].refs);
		free(g->n[i].lots);
	}
	free(g->n);
	free(g->slots);
	g->n = NULL;
	g->slots = NULL;
	g->len = g->cap = g->nslots = 0;
}

void sdx_graph_free(sdx_graph *g)
{
	size_t i;

	if (!g)
		return;
	sdx__graph_clear(g);
	sdx__attr_free(g->attr);
	for (i = 0; i < g->norigins; i++)
		free(g->origins[i]);
	free(g->origins);
	free(g);
}

size_t sdx_graph_size(const sdx_graph *g)
{
	uint64_t n = 0;

	if (g && g->lazy && sdx__gindex_count(g->l, &n) == 0)
		return (size_t)n;
	return g ? g->len : 0;
}

int sdx_graph_from_ledger(sdx_graph **out, sdx_ledger *l)
{
	sdx_graph *g;
	int err;

	*out = NULL;
	if (!(g = calloc(1, sizeof(*g))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	g->from_ledger = 1;
	g->l = l;
	/* without a usable index (none yet, or behind the entries), read the whole ledger */
	if ((err = sdx__gindex_ready(l)) == 1)
		g->lazy = 1;
	else if (err == 0)
		err = sdx__graph_load_ledger(g);
	if (err < 0) {
		sdx_graph_free(g);
		return err;
	}
	*out = g;
	return 0;
}

static int newer_first(const void *a, const void *b, void *g)
{
	const struct gnode *x = &((const sdx_graph *)g)->n[*(const size_t *)a];
	const struct gnode *y = &((const sdx_graph *)g)->n[*(const size_t *)b];
	int c = strcmp(y->time, x->time);

	return c ? c : memcmp(x->leaf, y->leaf, 32);
}

int sdx__graph_load_all(sdx_graph *g)
{
	if (!g->lazy)
		return 0;
	sdx__graph_clear(g);
	g->lazy = 0;
	return sdx__graph_load_ledger(g);
}

int sdx_graph_roots(size_t **out, size_t *n, const sdx_graph *g)
{
	size_t i, k = 0, j, t;
	int err;

	*out = NULL;
	*n = 0;
	/* every record is a candidate: the index does not help here */
	if ((err = sdx__graph_load_all((sdx_graph *)g)) < 0)
		return err;
	if (!g->len)
		return 0;
	if (!(*out = malloc(g->len * sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < g->len; i++) {
		int used = 0;
		if (g->n[i].type->role == SDX_ROLE_WITHDRAWAL || g->n[i].type->role == SDX_ROLE_STATUS)
			continue;
		for (j = 0; j < g->n[i].nusers; j++)
			if (g->n[g->n[i].users[j]].type->role == SDX_ROLE_COMPOSITE)
				used = 1;
		if (!used)
			(*out)[k++] = i;
	}
	/* insertion sort, newest first (roots are few) */
	for (i = 1; i < k; i++)
		for (j = i; j > 0 && newer_first(&(*out)[j - 1], &(*out)[j], (void *)g) > 0; j--) {
			t = (*out)[j];
			(*out)[j] = (*out)[j - 1];
			(*out)[j - 1] = t;
		}
	*n = k;
	return 0;
}

struct fetch {
	json_t *payload;
	int err;
};

static int fetched(void *ctx, const sdx_foreign_entry *e)
{
	struct fetch *f = ctx;

	f->err = sdx__entry_payload_json(&f->payload, e->data, e->len, "imported entry");
	return 0;
}

/* Whether a body holds salted digests (formats/disclosure.md). */
static int has_digests(const json_t *j, int depth)
{
	const char *k;
	json_t *v;
	size_t i;

	if (depth > 64)
		return 0;
	if (json_is_object(j)) {
		if (json_object_get(j, "_sd") || (json_object_size(j) == 1 && json_object_get(j, "...")))
			return 1;
		json_object_foreach((json_t *)j, k, v)
			if (has_digests(v, depth + 1))
				return 1;
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			if (has_digests(v, depth + 1))
				return 1;
	}
	return 0;
}

size_t sdx__graph_withheld(const json_t *o)
{
	return json_array_size(json_object_get(o, "_sd"));
}

size_t sdx__graph_withheld_elements(const json_t *o, const char *member)
{
	return (size_t)json_integer_value(json_object_get(json_object_get(o, "_withheld_elements"),
							  member));
}

int sdx__graph_may_withhold(const json_t *o, const char *member)
{
	return !json_object_get(o, member) && sdx__graph_withheld(o) > 0;
}

/*
 * The body as its reader sees it: the disclosures held for the entry (own or
 * imported, or those a bundle carries: texts) put back, an own entry's known
 * decoys dropped; what stays withheld is marked in place ("_sd" keeps the
 * digests without a disclosure, "_withheld_elements" counts an array's), so
 * that each rule can tell whether a value it needs is missing
 * (formats/rules/claims.c).  A body
 * that cannot be revealed stays as signed and opaque: every rule unknown.
 */
static void reveal(const sdx_graph *g, struct gnode *m, const char *const *texts, size_t nt)
{
	sdx_disclosure_view v = { 0, 0 };
	char *out = NULL, *text = NULL;
	size_t len = 0;
	json_t *j;
	int err;

	if (g->l)
		err = sdx__ledger_entry_revealed_marked(&out, &len, &v, g->l,
							m->own ? NULL : m->origin, m->index);
	else
		err = sdx__json_dump(&text, &len, m->body) < 0 ? -1
			: sdx__disclosure_reveal_marked(&out, &len, &v, text, len, texts, nt,
							NULL, 0);
	free(text);
	if (err < 0 || !(j = json_loadb(out, len, 0, NULL))) {
		m->opaque = 1;
		m->withheld = 1;
		free(out);
		return;
	}
	free(out);
	json_decref(m->body);
	m->body = j;
	m->withheld = v.withheld;
}

void sdx__graph_reveal_carried(sdx_graph *g, struct gnode *n, const char *const *texts,
			       size_t nt)
{
	n->withheld = 0;
	n->opaque = 0;
	if (n->body && has_digests(n->body, 0))
		reveal(g, n, texts, nt);
	n->marked = 1;
	sdx_error_clear();
}

json_t *sdx__graph_body(const sdx_graph *g, const struct gnode *n)
{
	struct gnode *m = (struct gnode *)n; /* the cache is not part of the graph's value */
	struct fetch f = { NULL, 0 };
	sdx_entry *e = NULL;

	if (n->marked && n->body)
		return n->body;
	if (n->body || !g->l)
		goto mark;
	if (n->own) {
		if (sdx_ledger_entry(&e, g->l, n->index) == 0)
			f.err = sdx__entry_payload_json(&f.payload, e->data, e->len, "entry");
		sdx_entry_free(e);
	} else if (sdx_ledger_foreign_get(g->l, n->origin, n->index, fetched, &f) < 0) {
		f.err = -1;
	}
	if (f.payload && !f.err && json_is_object(json_object_get(f.payload, "body")))
		m->body = json_incref(json_object_get(f.payload, "body"));
	/* an imported entry's key, read with it: attribution asks for both */
	if (f.payload && !f.err && !n->own && !m->key &&
	    json_is_string(json_object_get(f.payload, "key")))
		m->key = sdx__graph_intern((sdx_graph *)g,
					   json_string_value(json_object_get(f.payload, "key")));
	json_decref(f.payload);
mark:
	m->withheld = 0;
	m->opaque = 0;
	if (m->body && has_digests(m->body, 0))
		reveal(g, m, NULL, 0);
	m->marked = 1;
	sdx_error_clear();
	return m->body;
}
