/*
 * formats/graph/provenance.c - the provenance graph: load records from a ledger or
 * a verified bundle, index them by leaf hash, link each to the records that
 * refer to it, and walk it for trace and where-used.
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

#define MAX_WALK_DEPTH 256 /* deeper sub-assembly chains are refused, not recursed */

/* ---- building --------------------------------------------------------------------- */

static int kind_of(const char *type)
{
	if (strcmp(type, "declaration") == 0)
		return NODE_DECLARATION;
	if (strcmp(type, "withdrawal") == 0)
		return NODE_WITHDRAWAL;
	if (strcmp(type, "batch") == 0)
		return NODE_BATCH;
	if (strcmp(type, "shipment") == 0)
		return NODE_SHIPMENT;
	return -1;
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
	size_t k = 0, i;
	json_t *x;

	switch (n->kind) {
	case NODE_DECLARATION:
		if (json_string_value(json_object_get(n->body, "supersedes")) && k < cap)
			out[k++] = json_string_value(json_object_get(n->body, "supersedes"));
		break;
	case NODE_WITHDRAWAL:
		if (json_string_value(json_object_get(n->body, "withdraws")) && k < cap)
			out[k++] = json_string_value(json_object_get(n->body, "withdraws"));
		break;
	case NODE_BATCH:
		json_array_foreach(json_object_get(n->body, "inputs"), i, x)
			if (k < cap && json_string_value(json_object_get(x, "entry")))
				out[k++] = json_string_value(json_object_get(x, "entry"));
		break;
	case NODE_SHIPMENT:
		json_array_foreach(json_object_get(n->body, "items"), i, x)
			if (k < cap && json_string_value(json_object_get(x, "batch")))
				out[k++] = json_string_value(json_object_get(x, "batch"));
		break;
	}
	return k;
}

#define MAX_REFS 600

/* What a node needs without its body: the leaves it refers to, its lots. */
static int index_node(struct gnode *n)
{
	const char *refs[MAX_REFS];
	size_t k, nr = refs_of(n, refs, MAX_REFS), len = 0;
	json_t *x;

	if (nr && !(n->refs = malloc(nr * 32)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (k = 0; k < nr; k++)
		if (sdx__hex32_parse(n->refs[n->nrefs], refs[k]) == 0)
			n->nrefs++;
	if (n->kind != NODE_DECLARATION)
		return 0;
	json_array_foreach(json_object_get(json_object_get(n->body, "material"), "lots"), k, x)
		len += strlen(json_string_value(json_object_get(x, "lot_number")) ?
			      json_string_value(json_object_get(x, "lot_number")) : "") + 1;
	if (!(n->lots = malloc(len + 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	n->lots[0] = '\0';
	json_array_foreach(json_object_get(json_object_get(n->body, "material"), "lots"), k, x) {
		const char *ln = json_string_value(json_object_get(x, "lot_number"));
		strcat(n->lots, ln ? ln : "");
		strcat(n->lots, "\n");
	}
	return 0;
}


static int add_entry(sdx_graph *g, const char *origin, uint64_t index, int own,
		     const unsigned char leaf[32], const char *type, const char *time,
		     const unsigned char *data, size_t len)
{
	struct gnode *n;
	json_t *payload = NULL;
	char what[SDX_NAME_MAX + 40];
	int kind = kind_of(type), err;
	size_t s;

	if (kind < 0 || sdx__graph_find(g, leaf) != SIZE_MAX)
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
	n->kind = kind;
	snprintf(n->time, sizeof(n->time), "%s", time);
	n->body = json_incref(json_object_get(payload, "body"));
	json_decref(payload);
	if ((err = index_node(n)) < 0)
		return err;
	/* a ledger's declarations are the bulk: read again only if needed */
	if (g->l && kind == NODE_DECLARATION) {
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

static int sink_entry(void *ctx, const char *origin, uint64_t index, const unsigned char leaf[32],
		      const char *type, const char *time, const unsigned char *data, size_t len,
		      uint64_t tree_size, const unsigned char (*proof)[32], size_t plen)
{
	(void)tree_size;
	(void)proof;
	(void)plen;
	return add_entry(ctx, origin, index, 0, leaf, type, time, data, len);
}

int sdx_graph_from_bundle(sdx_graph **out, const char *path,
			  const sdx_bundle_verify_options *opts, sdx_bundle_report *report)
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
	err = sdx_bundle_verify(path, &o, report);
	if (!err)
		err = link_users(g);
	if (err != 0) {
		sdx_graph_free(g);
		return err;
	}
	*out = g;
	return 0;
}

int sdx_graph_resolve(const sdx_graph *g, const char *ref, size_t *node)
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

int sdx_graph_roots(const sdx_graph *g, size_t **out, size_t *n)
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
		if (g->n[i].kind == NODE_WITHDRAWAL)
			continue;
		for (j = 0; j < g->n[i].nusers; j++)
			if (g->n[g->n[i].users[j]].kind == NODE_BATCH ||
			    g->n[g->n[i].users[j]].kind == NODE_SHIPMENT)
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
		if (sdx_ledger_entry(g->l, n->index, &e) == 0)
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

/* ---- status --------------------------------------------------------------------------- */

size_t sdx__graph_withdrawals(const sdx_graph *g, size_t decl, size_t *out, size_t cap)
{
	const struct gnode *d = &g->n[decl];
	size_t i, k = 0;

	for (i = 0; i < d->nusers; i++) {
		const struct gnode *u = &g->n[d->users[i]];
		if (u->kind == NODE_WITHDRAWAL && u->origin == d->origin && k < cap)
			out[k++] = d->users[i];
	}
	return k;
}

size_t sdx__graph_superseders(const sdx_graph *g, size_t decl, size_t *out, size_t cap)
{
	const struct gnode *d = &g->n[decl];
	size_t i, k = 0;

	for (i = 0; i < d->nusers; i++) {
		const struct gnode *u = &g->n[d->users[i]];
		if (u->kind == NODE_DECLARATION && u->origin == d->origin && k < cap)
			out[k++] = d->users[i];
	}
	return k;
}

static const char *sget(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return json_string_value(v) ? json_string_value(v) : "";
}

void sdx__graph_label(char *out, size_t cap, const sdx_graph *g, size_t node)
{
	const struct gnode *n = &g->n[node];
	const json_t *body = sdx__graph_body(g, n);

	switch (n->kind) {
	case NODE_DECLARATION:
		snprintf(out, cap, "declaration %s: %s (%s)", sget(body, "declaration_id", NULL),
			 sget(body, "material", "name"), sget(body, "supplier", "name"));
		break;
	case NODE_WITHDRAWAL:
		snprintf(out, cap, "withdrawal of %.16s, effective %s", sget(body, "withdraws", NULL),
			 sget(body, "effective_date", NULL));
		break;
	case NODE_BATCH:
		snprintf(out, cap, "batch %s: %s, HS %s, made %s", sget(body, "batch_id", NULL),
			 sget(body, "product", "name"), sget(body, "product", "hs_code"),
			 sget(body, "production_date", NULL));
		break;
	default:
		snprintf(out, cap, "shipment %s: %s to %s from %s", sget(body, "shipment_id", NULL),
			 sget(body, "ship_date", NULL), sget(body, "destination_country", NULL),
			 sget(body, "port_of_loading", NULL));
	}
}

/* ---- trace ------------------------------------------------------------------------------ */

static const char *const kind_names[] = { "declaration", "withdrawal", "batch", "shipment" };

struct walk {
	const sdx_graph *g;
	unsigned char *state;  /* 0 unseen, 1 on the path, 2 done */
	int err;
};

static json_t *evidence_json(const json_t *evidence)
{
	json_t *out = json_array(), *e;
	size_t i;

	json_array_foreach(evidence, i, e) {
		json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "id", sget(e, "id", NULL),
				      "report_number", sget(e, "report_number", NULL),
				      "lab", sget(e, "lab_name", NULL),
				      "issue_date", sget(e, "issue_date", NULL),
				      "valid_until", sget(e, "valid_until", NULL),
				      "test_items", json_object_get(e, "test_items"));
		if (!x)
			continue;
		if (json_object_get(e, "accreditation")) {
			const char *body = sget(e, "accreditation", "body");
			const char *num = sget(e, "accreditation", "number");
			/* "CNAS L1234" already names its body */
			json_object_set_new(x, "accreditation",
					    strncmp(num, body, strlen(body)) == 0
						    ? json_string(num) : json_sprintf("%s %s", body, num));
		}
		if (json_object_get(e, "attachment"))
			json_object_set_new(x, "sha256",
					    json_string(sget(e, "attachment", "sha256")));
		json_array_append_new(out, x);
	}
	return out;
}

static json_t *node_head(const sdx_graph *g, size_t i)
{
	const struct gnode *n = &g->n[i];
	char label[600];
	json_t *j;

	sdx__graph_label(label, sizeof(label), g, i);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:b, s:s}", "ref", n->hex, "type",
		      kind_names[n->kind], "origin", n->origin, "index", (json_int_t)n->index,
		      "time", n->time, "own", n->own, "label", label);
	return j;
}

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

static json_t *trace_node(struct walk *w, size_t i, int depth)
{
	const struct gnode *n = &w->g->n[i];
	const json_t *body = sdx__graph_body(w->g, n);
	const char *status = "ok";
	json_t *j, *list, *x, *child;
	size_t k, m, ids[16];

	if (w->state[i] == 1 || depth > MAX_WALK_DEPTH) {
		w->err = sdx_error_set(SDX_EVERIFY, "entry %s: %s", n->hex, w->state[i] == 1
				       ? "the records refer to each other in a cycle"
				       : "inputs nested too deep");
		return NULL;
	}
	if (!(j = node_head(w->g, i)))
		return NULL;
	if (w->state[i] == 2) {
		json_object_set_new(j, "repeat", json_true());
		json_object_set_new(j, "status", json_string("ok"));
		return j;
	}
	w->state[i] = 1;
	switch (n->kind) {
	case NODE_DECLARATION:
		json_object_set_new(j, "declaration_id", json_string(sget(body, "declaration_id", NULL)));
		json_object_set_new(j, "supplier", json_string(sget(body, "supplier", "name")));
		json_object_set_new(j, "material", json_string(sget(body, "material", "name")));
		json_object_set_new(j, "valid_until", json_string(sget(body, "valid_until", NULL)));
		json_object_set_new(j, "evidence", evidence_json(json_object_get(body, "evidence")));
		list = json_array();
		m = sdx__graph_withdrawals(w->g, i, ids, 16);
		for (k = 0; k < m; k++) {
			const json_t *b = sdx__graph_body(w->g, &w->g->n[ids[k]]);
			json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "ref",
							      w->g->n[ids[k]].hex, "effective_date",
							      sget(b, "effective_date", NULL),
							      "reason_code", sget(b, "reason_code", NULL),
							      "reason", sget(b, "reason", NULL)));
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
		break;
	case NODE_BATCH:
	case NODE_SHIPMENT:
		if (n->kind == NODE_BATCH) {
			json_object_set_new(j, "batch_id", json_string(sget(body, "batch_id", NULL)));
			json_object_set_new(j, "product", json_string(sget(body, "product", "name")));
			json_object_set_new(j, "hs_code", json_string(sget(body, "product", "hs_code")));
			json_object_set_new(j, "production_date",
					    json_string(sget(body, "production_date", NULL)));
			json_object_set_new(j, "quantity", json_deep_copy(json_object_get(body, "quantity")));
			json_object_set_new(j, "evidence", evidence_json(json_object_get(body, "evidence")));
		} else {
			json_object_set_new(j, "shipment_id", json_string(sget(body, "shipment_id", NULL)));
			json_object_set_new(j, "ship_date", json_string(sget(body, "ship_date", NULL)));
			json_object_set_new(j, "destination_country",
					    json_string(sget(body, "destination_country", NULL)));
			json_object_set_new(j, "port_of_loading",
					    json_string(sget(body, "port_of_loading", NULL)));
			json_object_set_new(j, "consignee", json_string(sget(body, "consignee", "name")));
		}
		list = json_array();
		json_array_foreach(json_object_get(body, n->kind == NODE_BATCH ? "inputs" : "items"),
				   k, x) {
			json_t *in = json_object();
			const char *hex = json_string_value(json_object_get(x, n->kind == NODE_BATCH
									     ? "entry" : "batch"));
			if (json_object_get(x, "lot_number"))
				json_object_set(in, "lot_number", json_object_get(x, "lot_number"));
			if (json_object_get(x, "hs_code"))
				json_object_set(in, "hs_code", json_object_get(x, "hs_code"));
			json_object_set(in, "quantity", json_object_get(x, "quantity"));
			if (!(child = trace_link(w, hex, depth))) {
				json_decref(in);
				json_decref(list);
				json_decref(j);
				return NULL;
			}
			status = worse(status, inherited(sget(child, "status", NULL)));
			json_object_set_new(in, "record", child);
			json_array_append_new(list, in);
		}
		json_object_set_new(j, "inputs", list);
		break;
	}
	json_object_set_new(j, "status", json_string(status));
	w->state[i] = 2;
	return j;
}

static int dump(char **out, json_t *j)
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

int sdx_graph_trace(char **out, const sdx_graph *g, size_t node)
{
	struct walk w;
	json_t *j;

	*out = NULL;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	w.g = g;
	w.err = 0;
	if (!(w.state = calloc(g->len, 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	j = trace_node(&w, node, 0);
	free(w.state);
	if (!j)
		return w.err ? w.err : sdx_error_set(SDX_ENOMEM, "out of memory");
	return dump(out, j);
}

/* ---- where-used -------------------------------------------------------------------------- */

struct reach {
	const sdx_graph *g;
	unsigned char *seen;
	json_t *list;
	int err;
};

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
		json_t *p, *e;
		if (un->kind != NODE_BATCH && un->kind != NODE_SHIPMENT)
			continue;
		p = json_copy(path);
		json_array_append_new(p, json_string(un->hex));
		if (!r->seen[u]) {
			r->seen[u] = 1;
			e = node_head(r->g, u);
			json_object_set(e, "path", p);
			if (un->kind == NODE_BATCH) {
				json_object_set_new(e, "batch_id", json_string(sget(sdx__graph_body(r->g, un), "batch_id", NULL)));
				json_object_set_new(e, "quantity", json_deep_copy(json_object_get(sdx__graph_body(r->g, un), "quantity")));
			} else {
				json_object_set_new(e, "shipment_id", json_string(sget(sdx__graph_body(r->g, un), "shipment_id", NULL)));
				json_object_set_new(e, "destination_country",
						    json_string(sget(sdx__graph_body(r->g, un), "destination_country", NULL)));
				json_object_set_new(e, "ship_date", json_string(sget(sdx__graph_body(r->g, un), "ship_date", NULL)));
			}
			json_array_append_new(r->list, e);
			reach_up(r, u, p, depth + 1);
		}
		json_decref(p);
	}
}

/* Does batch `u` use declaration `d` for `lot` (or any lot when lot is NULL)? */
static int uses_lot(const sdx_graph *g, const struct gnode *u, const char *dhex, const char *lot)
{
	size_t k;
	json_t *x;

	json_array_foreach(json_object_get(sdx__graph_body(g, u), "inputs"), k, x)
		if (strcmp(sget(x, "entry", NULL), dhex) == 0 &&
		    (!lot || strcmp(sget(x, "lot_number", NULL), lot) == 0))
			return 1;
	return 0;
}

int sdx_graph_where_used(char **out, const sdx_graph *g, size_t node, const char *lot)
{
	struct reach r;
	json_t *targets, *root, *path;
	size_t i, k;
	int err = 0;

	*out = NULL;
	if (node == SIZE_MAX && !lot)
		return sdx_error_set(SDX_EINVAL, "name a record or a lot");
	if (node != SIZE_MAX && node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
	memset(&r, 0, sizeof(r));
	r.g = g;
	if (!(r.seen = calloc(g->len ? g->len : 1, 1)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	r.list = json_array();
	targets = json_array();
	for (i = 0; i < g->len && !r.err; i++) {
		const struct gnode *n = &g->n[i];
		int match = 0;
		if (node != SIZE_MAX) {
			match = i == node;
		} else if (n->kind == NODE_DECLARATION) {
			/* n->lots: "lot\nlot\n" */
			const char *p = n->lots;
			size_t ll = strlen(lot);
			while (p && (p = strstr(p, lot)) && !match) {
				if ((p == n->lots || p[-1] == '\n') && p[ll] == '\n')
					match = 1;
				p += ll;
			}
		} else if (n->kind == NODE_BATCH) {
			match = strcmp(sget(sdx__graph_body(g, n), "batch_id", NULL), lot) == 0;
		}
		if (!match)
			continue;
		json_array_append_new(targets, node_head(g, i));
		path = json_pack("[s]", n->hex);
		if (lot && n->kind == NODE_DECLARATION) {
			/* only the batches that took this lot, then everything above them */
			for (k = 0; k < n->nusers && !r.err; k++) {
				size_t u = n->users[k];
				json_t *p, *e;
				if (g->n[u].kind != NODE_BATCH || !uses_lot(g, &g->n[u], n->hex, lot))
					continue;
				p = json_pack("[s, s]", n->hex, g->n[u].hex);
				if (!r.seen[u]) {
					r.seen[u] = 1;
					e = node_head(g, u);
					json_object_set(e, "path", p);
					json_object_set_new(e, "batch_id",
							    json_string(sget(sdx__graph_body(g, &g->n[u]), "batch_id", NULL)));
					json_object_set_new(e, "quantity", json_deep_copy(
								    json_object_get(sdx__graph_body(g, &g->n[u]), "quantity")));
					json_array_append_new(r.list, e);
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
	if (r.err) {
		json_decref(r.list);
		json_decref(targets);
		return r.err;
	}
	root = json_pack("{s:o, s:o}", "targets", targets, "used_by", r.list);
	if (lot)
		json_object_set_new(root, "lot", json_string(lot));
	err = dump(out, root);
	return err;
}

/* ---- upstream closure (for export --provenance) --------------------------------------- */

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
	if (n->kind == NODE_DECLARATION) {
		/* whoever relies on it must also learn of its withdrawals and corrections */
		for (k = 0; k < n->nusers; k++) {
			const struct gnode *u = &c->g->n[n->users[k]];
			if ((u->kind == NODE_WITHDRAWAL || u->kind == NODE_DECLARATION) &&
			    u->origin == n->origin)
				close_over(c, n->users[k], depth + 1);
		}
		return;
	}
	if (n->kind == NODE_WITHDRAWAL)
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

int sdx_graph_upstream(const sdx_graph *g, size_t node, unsigned char (**out)[32], size_t *n)
{
	struct closure c;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (node >= g->len)
		return sdx_error_set(SDX_EINVAL, "no record %zu in the graph", node);
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
