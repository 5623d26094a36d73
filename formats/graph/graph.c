/*
 * formats/graph/graph.c - the provenance graph: load records from a ledger or
 * a verified bundle, index them by leaf hash and link each to the records
 * that refer to it (their types' edges, formats/records/type.h).  The walks
 * over it are trace.c, where_used.c and upstream.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/imported.h"
#include "sdx/provenance.h"
#include "sdx/record.h"
#include "formats/graph/internal.h"
#include "formats/records/internal.h"
#include "ledger/internal.h"

/* ---- building --------------------------------------------------------------------- */

/* The type of a record the graph holds, or NULL (the ledger's housekeeping). */
static const struct sdx_record_type *graph_type(const char *type)
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

static const char *intern(sdx_graph *g, const char *origin)
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

/* The leaf hashes a record refers to, as strings borrowed from its body. */
static size_t refs_of(const struct gnode *n, const char **out, size_t cap)
{
	size_t k = 0, i, e;
	const char *s;
	json_t *x;

	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		if (edge->attachment)
			continue;
		if (!edge->array) {
			if ((s = sdx__edge_hash(edge, n->body)) && k < cap)
				out[k++] = s;
			continue;
		}
		json_array_foreach(json_object_get(n->body, edge->array), i, x)
			if (k < cap && (s = sdx__edge_hash(edge, x)))
				out[k++] = s;
	}
	return k;
}

#define MAX_REFS 600
#define LOTS_ON_STACK 1024 /* a declaration lists at most 1000 */

/* n->lots: the lots it covers, "lot\nlot\n" (where-used matches whole lines). */
static int index_lots(struct gnode *n)
{
	const char *stack[LOTS_ON_STACK], **lots = stack;
	size_t k, m, len = 0, o = 0;
	int err = 0;

	if (!n->type->lots)
		return 0;
	m = n->type->lots(n->body, stack, LOTS_ON_STACK);
	if (m > LOTS_ON_STACK) {
		if (!(lots = malloc(m * sizeof(*lots))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		n->type->lots(n->body, lots, m);
	}
	for (k = 0; k < m; k++)
		len += strlen(lots[k] ? lots[k] : "") + 1;
	if (!(n->lots = malloc(len + 1))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	for (k = 0; k < m; k++) {
		size_t l = strlen(lots[k] ? lots[k] : "");
		memcpy(n->lots + o, lots[k] ? lots[k] : "", l);
		o += l;
		n->lots[o++] = '\n';
	}
	n->lots[o] = '\0';
done:
	if (lots != stack)
		free(lots);
	return err;
}

/* What a node needs without its body: the leaves it refers to, its lots. */
static int index_node(struct gnode *n)
{
	const char *refs[MAX_REFS];
	size_t k, nr = refs_of(n, refs, MAX_REFS);

	if (nr && !(n->refs = malloc(nr * 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (k = 0; k < nr; k++)
		if (sdx__hex32_parse(n->refs[n->nrefs], refs[k]) == 0)
			n->nrefs++;
	return index_lots(n);
}

static int add_entry(sdx_graph *g, const char *origin, uint64_t index, int own,
		     const unsigned char leaf[32], const char *type, const char *time,
		     const unsigned char *data, size_t len)
{
	struct gnode *n;
	json_t *payload = NULL;
	char what[SDX_NAME_MAX + 40];
	const struct sdx_record_type *t = graph_type(type);
	size_t s;
	int err;

	if (!t || sdx__graph_find(g, leaf) != SIZE_MAX)
		return 0;
	snprintf(what, sizeof(what), "%s entry %" PRIu64, origin, index);
	if ((err = sdx__entry_payload_json(&payload, data, len, what)) < 0)
		return err;
	if (g->len == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 256;
		struct gnode *p = realloc(g->n, cap * sizeof(*p));
		if (!p) {
			json_decref(payload);
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
		g->n = p;
		g->cap = cap;
	}
	if (2 * (g->len + 1) > g->nslots && (err = rehash(g)) < 0) {
		json_decref(payload);
		return err;
	}
	n = &g->n[g->len];
	memset(n, 0, sizeof(*n));
	memcpy(n->leaf, leaf, 32);
	sdx__hex(n->hex, leaf, 32);
	if (!(n->origin = intern(g, origin))) {
		json_decref(payload);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	n->index = index;
	n->own = own;
	n->type = t;
	snprintf(n->time, sizeof(n->time), "%s", time);
	n->body = json_incref(json_object_get(payload, "body"));
	json_decref(payload);
	if ((err = index_node(n)) < 0)
		return err;
	/* a ledger's declarations are the bulk: read again only if needed */
	if (g->l && t->role == SDX_ROLE_STATEMENT) {
		json_decref(n->body);
		n->body = NULL;
	}
	for (s = slot_of(leaf, g->nslots); g->slots[s]; s = (s + 1) & (g->nslots - 1))
		;
	g->slots[s] = ++g->len;
	return 0;
}

static int add_user(struct gnode *to, size_t from)
{
	if (to->nusers == to->capusers) {
		size_t cap = to->capusers ? 2 * to->capusers : 4;
		size_t *p = realloc(to->users, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		to->users = p;
		to->capusers = cap;
	}
	to->users[to->nusers++] = from;
	return 0;
}

static int link_users(sdx_graph *g)
{
	size_t i, k, to;
	int err;

	for (i = 0; i < g->len; i++)
		for (k = 0; k < g->n[i].nrefs; k++)
			if ((to = sdx__graph_find(g, g->n[i].refs[k])) != SIZE_MAX && to != i &&
			    (err = add_user(&g->n[to], i)) < 0)
				return err;
	return 0;
}

static int new_graph(sdx_graph **out)
{
	if (!(*out = calloc(1, sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

void sdx_graph_free(sdx_graph *g)
{
	size_t i;

	if (!g)
		return;
	for (i = 0; i < g->len; i++) {
		json_decref(g->n[i].body);
		free(g->n[i].users);
		free(g->n[i].refs);
		free(g->n[i].lots);
	}
	for (i = 0; i < g->norigins; i++)
		free(g->origins[i]);
	free(g->origins);
	free(g->n);
	free(g->slots);
	free(g);
}

size_t sdx_graph_size(const sdx_graph *g)
{
	return g ? g->len : 0;
}

struct ledger_load {
	sdx_graph *g;
	const char *origin;
};

static int load_own(void *ctx, const sdx_entry *e)
{
	struct ledger_load *ll = ctx;

	return add_entry(ll->g, ll->origin, e->index, 1, e->leaf_hash, e->type, e->time, e->data,
			 e->len);
}

static int load_foreign(void *ctx, const sdx_foreign_entry *e)
{
	struct ledger_load *ll = ctx;

	return add_entry(ll->g, e->origin, e->index, 0, e->leaf_hash, e->type, e->time, e->data,
			 e->len);
}

int sdx_graph_from_ledger(sdx_graph **out, sdx_ledger *l)
{
	struct ledger_load ll;
	sdx_graph *g;
	int err, snap;

	*out = NULL;
	if ((err = new_graph(&g)) < 0)
		return err;
	g->from_ledger = 1;
	g->l = l;
	ll.g = g;
	ll.origin = sdx_ledger_origin(l);
	snap = sdx_ledger_snapshot_begin(l) == 0;
	err = sdx_ledger_foreach(l, 0, UINT64_MAX, load_own, &ll);
	if (!err)
		err = sdx_ledger_foreach_foreign_entry(l, load_foreign, &ll);
	if (snap)
		sdx_ledger_snapshot_end(l);
	if (!err)
		err = link_users(g);
	if (err < 0) {
		sdx_graph_free(g);
		return err;
	}
	*out = g;
	return 0;
}

static int sink_entry(void *ctx, const sdx_bundle_entry *e)
{
	return add_entry(ctx, e->origin, e->index, 0, e->leaf, e->type, e->time, e->data, e->len);
}

int sdx_graph_from_bundle(sdx_graph **out, sdx_bundle_report **report, const char *path,
			  const sdx_bundle_verify_options *opts)
{
	sdx_bundle_verify_options o = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_bundle_sink sink;
	sdx_graph *g;
	int err;

	*out = NULL;
	if (opts)
		o = *opts;
	if ((err = new_graph(&g)) < 0)
		return err;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = g;
	sink.entry = sink_entry;
	o.sink = &sink;
	err = sdx_bundle_verify(report, path, &o);
	if (!err)
		err = link_users(g);
	if (err != 0) {
		sdx_graph_free(g);
		return err;
	}
	*out = g;
	return 0;
}

int sdx_graph_resolve(size_t *node, const sdx_graph *g, const char *ref)
{
	size_t n = strlen(ref), i, found = SIZE_MAX, hits = 0;
	char lower[65];

	if (g->from_ledger && n > 0 && n < 64 && strspn(ref, "0123456789") == n) {
		uint64_t idx = strtoull(ref, NULL, 10);
		for (i = 0; i < g->len; i++)
			if (g->n[i].own && g->n[i].index == idx) {
				*node = i;
				return 0;
			}
		return sdx_error_set(SDX_ENOTFOUND, "own entry %s is not a declaration, withdrawal, "
				     "batch or shipment", ref);
	}
	if (n < 4 || n > 64 || strspn(ref, "0123456789abcdefABCDEF") != n)
		return sdx_error_set(SDX_EINVAL, "'%s': give 4 to 64 hex digits of a leaf hash%s",
				     ref, g->from_ledger ? " or an own entry index" : "");
	for (i = 0; i < n; i++)
		lower[i] = (char)(ref[i] | (ref[i] >= 'A' && ref[i] <= 'F' ? 0x20 : 0));
	lower[n] = '\0';
	for (i = 0; i < g->len; i++)
		if (strncmp(g->n[i].hex, lower, n) == 0) {
			found = i;
			hits++;
		}
	if (hits == 0)
		return sdx_error_set(SDX_ENOTFOUND, "no declaration, batch or shipment matches '%s'",
				     ref);
	if (hits > 1)
		return sdx_error_set(SDX_EINVAL, "'%s' matches %zu records; give more digits", ref,
				     hits);
	*node = found;
	return 0;
}

static int newer_first(const void *a, const void *b, void *g)
{
	const struct gnode *x = &((const sdx_graph *)g)->n[*(const size_t *)a];
	const struct gnode *y = &((const sdx_graph *)g)->n[*(const size_t *)b];
	int c = strcmp(y->time, x->time);

	return c ? c : memcmp(x->leaf, y->leaf, 32);
}

int sdx_graph_roots(size_t **out, size_t *n, const sdx_graph *g)
{
	size_t i, k = 0, j, t;

	*out = NULL;
	*n = 0;
	if (!g->len)
		return 0;
	if (!(*out = malloc(g->len * sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < g->len; i++) {
		int used = 0;
		if (g->n[i].type->role == SDX_ROLE_WITHDRAWAL)
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

json_t *sdx__graph_body(const sdx_graph *g, const struct gnode *n)
{
	struct gnode *m = (struct gnode *)n; /* the cache is not part of the graph's value */
	struct fetch f = { NULL, 0 };
	sdx_entry *e = NULL;

	if (n->body || !g->l)
		return n->body;
	if (n->own) {
		if (sdx_ledger_entry(&e, g->l, n->index) == 0)
			f.err = sdx__entry_payload_json(&f.payload, e->data, e->len, "entry");
		sdx_entry_free(e);
	} else if (sdx_ledger_foreign_get(g->l, n->origin, n->index, fetched, &f) < 0) {
		f.err = -1;
	}
	if (f.payload && !f.err && json_is_object(json_object_get(f.payload, "body")))
		m->body = json_incref(json_object_get(f.payload, "body"));
	json_decref(f.payload);
	sdx_error_clear();
	return m->body;
}
