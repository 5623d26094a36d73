/*
 * formats/graph/load.c - the graph read whole: every record of a ledger
 * without a usable graph index, or of a verified bundle, parsed for what it
 * cites and the lots it covers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/disclosure.h"
#include "sdx/imported.h"
#include "sdx/provenance.h"
#include "formats/bundle/internal.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"
#include "formats/records/internal.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

#define MAX_REFS 600
#define LOTS_ON_STACK 1024 /* a declaration lists at most 1000 */

/* n->refs: the leaf hashes its body cites, with their edges and lots. */
int sdx__graph_index_refs(struct gnode *n)
{
	unsigned char leaf[32];
	size_t i, e, k = 0;
	const char *s;
	json_t *x;
	int err;

	for (e = 0; e < n->type->nedges; e++) {
		const struct sdx_record_edge *edge = &n->type->edges[e];
		if (edge->attachment)
			continue;
		if (!edge->array) {
			if ((s = sdx__edge_hash(edge, n->body)) && k++ < MAX_REFS &&
			    sdx__hex32_parse(leaf, s) == 0 &&
			    (err = sdx__graph_add_ref(n, leaf, (int)e, NULL)) < 0)
				return err;
			continue;
		}
		json_array_foreach(json_object_get(n->body, edge->array), i, x)
			if (k < MAX_REFS && (s = sdx__edge_hash(edge, x)) && ++k &&
			    sdx__hex32_parse(leaf, s) == 0 &&
			    (err = sdx__graph_add_ref(n, leaf, (int)e, json_string_value(
						json_object_get(x, "lot_number")))) < 0)
				return err;
	}
	return 0;
}

/* n->lots: the lots it covers, "lot\nlot\n" (where-used matches whole lines). */
int sdx__graph_index_lots(struct gnode *n)
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

static int add_entry(sdx_graph *g, const char *origin, uint64_t index, uint64_t tree_size,
		     int own, const unsigned char leaf[32], const char *type, const char *time,
		     const unsigned char *data, size_t len)
{
	struct gnode *n;
	json_t *payload = NULL;
	char what[SDX_NAME_MAX + 40];
	const struct sdx_record_type *t = sdx__graph_type(type);
	size_t i;
	int err;

	if (!t || sdx__graph_find(g, leaf) != SIZE_MAX)
		return 0;
	sdx__text_put(what, sizeof(what), "%s entry %" PRIu64, origin, index);
	if ((err = sdx__entry_payload_json(&payload, data, len, what)) < 0)
		return err;
	if ((err = sdx__graph_add(g, leaf, origin, index, tree_size, own, t, time, &i)) < 0) {
		json_decref(payload);
		return err;
	}
	n = &g->n[i];
	/* the key an imported entry names was checked against its signature */
	if (!own && json_is_string(json_object_get(payload, "key")) &&
	    !(n->key = sdx__graph_intern(g, json_string_value(json_object_get(payload, "key"))))) {
		json_decref(payload);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	n->body = json_incref(json_object_get(payload, "body"));
	json_decref(payload);
	if ((err = sdx__graph_index_refs(n)) < 0 || (err = sdx__graph_index_lots(n)) < 0 ||
	    (err = sdx__attr_survey_node(g, i)) < 0)
		return err;
	n = &g->n[i];
	/* a ledger's declarations are the bulk: read again only if needed */
	if (g->l && t->role == SDX_ROLE_STATEMENT) {
		json_decref(n->body);
		n->body = NULL;
	}
	return 0;
}

struct ledger_load {
	sdx_graph *g;
	const char *origin;
};

static int load_own(void *ctx, const sdx_entry *e)
{
	struct ledger_load *ll = ctx;

	return add_entry(ll->g, ll->origin, e->index, 0, 1, e->leaf_hash, e->type, e->time,
			 e->data, e->len);
}

static int load_foreign(void *ctx, const sdx_foreign_entry *e)
{
	struct ledger_load *ll = ctx;

	return add_entry(ll->g, e->origin, e->index, e->tree_size, 0, e->leaf_hash, e->type,
			 e->time, e->data, e->len);
}

int sdx__graph_load_ledger(sdx_graph *g)
{
	struct ledger_load ll = { g, sdx_ledger_origin(g->l) };
	int err, snap = sdx_ledger_snapshot_begin(g->l) == 0;

	err = sdx_ledger_foreach(g->l, 0, UINT64_MAX, load_own, &ll);
	if (!err)
		err = sdx_ledger_foreach_foreign_entry(g->l, load_foreign, &ll);
	if (snap)
		sdx_ledger_snapshot_end(g->l);
	return err ? err : sdx__graph_link(g);
}

/* A graph read from a bundle, and the disclosures the bundle carries. */
struct bundle_load {
	sdx_graph *g;
	struct carried {
		size_t node;
		char *text;
	} *d;
	size_t n, cap;
};

static int sink_entry(void *ctx, const sdx_bundle_entry *e)
{
	struct bundle_load *bl = ctx;

	return add_entry(bl->g, e->origin, e->index, e->tree_size, 0, e->leaf, e->type, e->time,
			 e->data, e->len);
}

/* A disclosure, checked by the verification against its entry (just added). */
static int sink_disclosure(void *ctx, const char *origin, uint64_t index, const char *text)
{
	struct bundle_load *bl = ctx;
	size_t i = bl->g->len;

	while (i > 0 && (bl->g->n[i - 1].index != index || strcmp(bl->g->n[i - 1].origin, origin)))
		i--;
	if (i == 0)
		return 0; /* an entry the graph does not keep */
	if (bl->n == bl->cap) {
		size_t cap = bl->cap ? 2 * bl->cap : 64;
		struct carried *p = realloc(bl->d, cap * sizeof(*p));

		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		bl->d = p;
		bl->cap = cap;
	}
	if (!(bl->d[bl->n].text = strdup(text)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	bl->d[bl->n++].node = i - 1;
	return 0;
}

/*
 * Each body with digests as the bundle's reader sees it, as a ledger's graph
 * does (formats/graph/graph.c): the disclosures the bundle carries for it put
 * back, what stays withheld marked so that each rule can tell whether a value
 * it needs is missing.  A body that cannot be revealed stays opaque.
 */
static void reveal_carried(struct bundle_load *bl)
{
	sdx_graph *g = bl->g;
	size_t i, k = 0;

	for (i = 0; i < g->len; i++) {
		const char *texts[SDX_DISCLOSURE_COUNT_MAX];
		size_t nt = 0;

		for (; k < bl->n && bl->d[k].node < i; k++)
			;
		for (; k < bl->n && bl->d[k].node == i; k++)
			if (nt < SDX_DISCLOSURE_COUNT_MAX)
				texts[nt++] = bl->d[k].text;
		sdx__graph_reveal_carried(g, &g->n[i], texts, nt);
	}
}

int sdx_graph_from_bundle(sdx_graph **out, sdx_bundle_report **report, const char *path,
			  const sdx_bundle_verify_options *opts)
{
	sdx_bundle_verify_options o;
	sdx_bundle_sink sink;
	struct bundle_load bl = { NULL, NULL, 0, 0 };
	sdx_graph *g;
	size_t i;
	int err;

	*out = NULL;
	if ((err = sdx__bundle_options_copy(&o, opts, "sdx_graph_from_bundle")) < 0)
		return err;
	if (!(g = calloc(1, sizeof(*g))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	bl.g = g;
	memset(&sink, 0, sizeof(sink));
	sink.ctx = &bl;
	sink.entry = sink_entry;
	sink.disclosure = sink_disclosure;
	o.sink = &sink;
	err = sdx_bundle_verify(report, path, &o);
	if (!err) {
		reveal_carried(&bl);
		err = sdx__graph_link(g);
	}
	for (i = 0; i < bl.n; i++)
		free(bl.d[i].text);
	free(bl.d);
	if (err != 0) {
		sdx_graph_free(g);
		return err;
	}
	*out = g;
	return 0;
}

int sdx__graph_lot_nodes(const sdx_graph *g, const char *lot, size_t **out, size_t *n)
{
	size_t i, ll = strlen(lot);

	*n = 0;
	if (!(*out = malloc((g->len ? g->len : 1) * sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < g->len; i++) {
		/* n->lots: "lot\nlot\n" */
		const char *p = g->n[i].lots;
		int match = 0;
		while (p && (p = strstr(p, lot)) && !match) {
			if ((p == g->n[i].lots || p[-1] == '\n') && p[ll] == '\n')
				match = 1;
			p += ll;
		}
		if (match)
			(*out)[(*n)++] = i;
	}
	return 0;
}
