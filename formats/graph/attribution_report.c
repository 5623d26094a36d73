/*
 * formats/graph/attribution_report.c - sdx_graph_attribution(): who stands
 * behind every record of a graph, per origin, with the records not signed
 * by the party they name and the conflicts between restatements and the
 * issuers' own records (what `sdx verify` prints; formats/trust.md); and
 * sdx_graph_conflict_report(), the conflicts that involve given records
 * (what `sdx import` prints of what it brought).
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/attribution.h"
#include "formats/graph/census.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/records/type.h"
#include "ledger/entry.h"

/* {ref, origin, index, label} of a node. */
static json_t *record_ref(const sdx_graph *g, size_t node)
{
	char label[600];

	sdx__graph_label(label, sizeof(label), g, node);
	return json_pack("{s:s, s:s, s:I, s:s}", "ref", g->n[node].hex, "origin",
			 g->n[node].origin, "index", (json_int_t)g->n[node].index, "label", label);
}

/* The per-origin counts of `origin`, made on first use. */
static json_t *origin_entry(json_t *origins, const struct gnode *n)
{
	json_t *o;
	size_t i;

	json_array_foreach(origins, i, o)
		if (strcmp(json_string_value(json_object_get(o, "origin")), n->origin) == 0)
			return o;
	o = json_pack("{s:s, s:b, s:n, s:i, s:i, s:i, s:i, s:i, s:i}", "origin", n->origin,
		      "own", n->own, "party", "records", 0, "signed", 0, "restated", 0, "unbound", 0,
		      "role", 0, "not_named", 0);
	json_array_append_new(origins, o);
	return o;
}

static void count(json_t *o, const char *member)
{
	json_object_set_new(o, member, json_integer(json_integer_value(json_object_get(o, member)) + 1));
}

#define UNBOUND_LISTED 100

static int attribute_all(sdx_graph *g, json_t *origins, json_t *records)
{
	struct sdx__attribution a;
	char text[3 * SDX_PARTY_NAME_MAX];
	size_t i, unbound = 0;
	int err;

	for (i = 0; i < g->len; i++) {
		const sdx_party *signer;
		json_t *o, *r;
		int outcome;
		if (!g->n[i].type->issuer)
			continue;
		if ((outcome = sdx__attribution_outcome(g, i, &signer)) < 0)
			return outcome;
		o = origin_entry(origins, &g->n[i]);
		count(o, "records");
		count(o, sdx__attribution_name(outcome));
		if (signer && json_is_null(json_object_get(o, "party"))) {
			json_object_set_new(o, "party", json_string(signer->name));
			if (sdx__attribution_via(g, signer))
				json_object_set_new(o, "introduced_by",
						    json_string(sdx__attribution_via(g, signer)));
		}
		/* the records not signed by the party they name, in full; of those
		 * merely unbound (a ledger whose party is not set: all of them), the
		 * first UNBOUND_LISTED, the counts above being complete */
		if (outcome == SDX__ATTR_SIGNED)
			continue;
		if (outcome == SDX__ATTR_UNBOUND && ++unbound > UNBOUND_LISTED)
			continue;
		if ((err = sdx__attribution_of(&a, g, i)) < 0)
			return err;
		sdx__attribution_text(text, sizeof(text), &a);
		/* a ledger's statements are read back when needed: memory stays flat */
		if (g->l && g->n[i].type->role == SDX_ROLE_STATEMENT && g->n[i].body) {
			json_decref(g->n[i].body);
			g->n[i].body = NULL;
		}
		r = record_ref(g, i);
		json_object_set_new(r, "outcome", json_string(sdx__attribution_name(a.outcome)));
		json_object_set_new(r, "text", json_string(text));
		json_object_set_new(r, "by", a.signer ? json_string(a.signer->name) : json_null());
		json_array_append_new(records, r);
	}
	return 0;
}

struct sibling {
	const unsigned char *leaf;
	int found;
};

static int other_leaf(void *ctx, const unsigned char leaf[32])
{
	struct sibling *s = ctx;

	if (memcmp(leaf, s->leaf, 32) != 0)
		s->found = 1;
	return s->found; /* one is enough: stop */
}

/*
 * In a ledger's graph index, does another record share an id or a lot with
 * the record of `leaf`?  Its keys come from its entry's signed header (no
 * body is parsed for a version 3 entry); 1 yes, 0 no, or the error.  A record
 * with no such sibling can have no conflict: its body is never read.
 */
static int has_sibling(sdx_graph *g, const unsigned char leaf[32])
{
	struct sdx__entry_keys keys;
	struct sibling s = { leaf, 0 };
	const struct sdx_record_type *t;
	const char *id_field;
	sdx_found *f = NULL;
	char hex[65];
	size_t i;
	int err;

	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", leaf[i]);
	if ((err = sdx_ledger_find(&f, g->l, hex)) < 0)
		return err == SDX_ENOTFOUND ? (sdx_error_clear(), 0) : err;
	t = sdx__graph_type(f->entry.type);
	id_field = t ? t->id_field : NULL;
	err = t && t->role == SDX_ROLE_STATEMENT ?
	      sdx__gindex_keys(&keys, f->entry.type, f->entry.data, f->entry.len, NULL, 0) : 2;
	sdx_found_free(f);
	if (err == 2)
		return 0; /* only statements are compared */
	if (err <= 0)
		return err < 0 ? err : 1; /* keys unknown: compare to be sure */
	/* what candidates are found by (restated.c): the record's id and its lots,
	 * not the parties it names (every record of a supplier shares those) */
	for (i = 0; i < keys.nids && !s.found && err >= 0; i++)
		if (strcmp(keys.ids[i].kind, "lot") == 0 ||
		    (id_field && strcmp(keys.ids[i].kind, id_field) == 0))
			err = sdx__gindex_ids(g->l, keys.ids[i].kind, keys.ids[i].value, other_leaf,
					      &s);
	sdx__entry_keys_free(&keys);
	return err < 0 ? err : s.found;
}

/* Append to `list` the conflicts that involve the records of leaves[0..n):
 * each compared with the records about the same thing, found through the
 * index when there is one. */
static int conflicts_of(json_t *list, sdx_graph *g, const unsigned char (*leaves)[32],
			size_t nleaves)
{
	size_t *set = NULL, n = 0, cap = 0, i, r, own, node;
	unsigned char *named = NULL;
	const char *what;
	int err = 0, self;

	for (i = 0; i < nleaves && err >= 0; i++) {
		int sib;
		node = sdx__graph_find(g, leaves[i]);
		if (node == SIZE_MAX && g->lazy) {
			if ((sib = has_sibling(g, leaves[i])) <= 0) {
				err = sib;
				continue; /* nothing about the same thing: no conflict */
			}
			if ((err = sdx__graph_lazy_node(g, leaves[i], &node)) < 0)
				break;
		}
		if (node == SIZE_MAX || !g->n[node].type->issuer)
			continue; /* not a record that names its issuer */
		if ((err = sdx__graph_push(&set, &n, &cap, node)) < 0)
			break;
	}
	if (err >= 0)
		err = sdx__graph_compare_nodes(g, set, n);
	if (err >= 0 && !(named = calloc(g->len ? g->len : 1, 1)))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; err >= 0 && i < n; i++)
		named[set[i]] = 1;
	for (i = 0; err >= 0 && (what = sdx__graph_conflict(g, i, &r, &own, &self)); i++) {
		if (!named[r] && !named[own])
			continue;
		if (json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s}", "kind",
							  self ? "self" : "restatement",
							  "restatement", record_ref(g, r), "own",
							  record_ref(g, own), "what", what)) < 0)
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	free(set);
	free(named);
	return err < 0 ? err : 0;
}

int sdx_graph_conflict_report(char **out, size_t *conflicts, sdx_graph *g,
			      const unsigned char (*leaves)[32], size_t nleaves)
{
	json_t *list = json_array();
	int err;

	*out = NULL;
	if (conflicts)
		*conflicts = 0;
	if (!list)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if ((err = conflicts_of(list, g, leaves, nleaves)) < 0) {
		json_decref(list);
		return err;
	}
	if (conflicts)
		*conflicts = json_array_size(list);
	return sdx__graph_dump(out, list);
}

/* One listed record, as attribute_all() lists it. */
static int list_record(json_t *records, sdx_graph *g, size_t node)
{
	struct sdx__attribution a;
	char text[3 * SDX_PARTY_NAME_MAX];
	json_t *r;
	int err;

	if ((err = sdx__attribution_of(&a, g, node)) < 0)
		return err;
	sdx__attribution_text(text, sizeof(text), &a);
	if (!(r = record_ref(g, node)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_object_set_new(r, "outcome", json_string(sdx__attribution_name(a.outcome)));
	json_object_set_new(r, "text", json_string(text));
	json_object_set_new(r, "by", a.signer ? json_string(a.signer->name) : json_null());
	return json_array_append_new(records, r) < 0 ? sdx_error_set(SDX_ENOMEM, "out of memory")
						     : 0;
}

struct leaves {
	unsigned char (*v)[32];
	size_t n, cap;
};

static int push_leaf(void *ctx, const unsigned char leaf[32])
{
	struct leaves *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		unsigned char (*p)[32] = realloc(s->v, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		s->v = p;
		s->cap = cap;
	}
	memcpy(s->v[s->n++], leaf, 32);
	return 0;
}

static int leaf_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/*
 * The records that may conflict with another: those sharing a lot, or the
 * id of a type that states things (what candidates are found by: restated.c),
 * with some other record; sorted, each once.
 */
static int shared_leaves(struct leaves *s, sdx_graph *g)
{
	const struct sdx_record_type *t;
	size_t i, k, kept;
	int err;

	if ((err = sdx__gindex_shared(g->l, "lot", push_leaf, s)) < 0)
		return err;
	for (i = 0; (t = sdx__record_type_at(i)); i++) {
		int seen = 0;
		if (t->role != SDX_ROLE_STATEMENT || !t->id_field)
			continue;
		for (k = 0; k < i && !seen; k++) {
			const struct sdx_record_type *u = sdx__record_type_at(k);
			seen = u->role == SDX_ROLE_STATEMENT && u->id_field &&
			       strcmp(u->id_field, t->id_field) == 0;
		}
		if (!seen && (err = sdx__gindex_shared(g->l, t->id_field, push_leaf, s)) < 0)
			return err;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), leaf_cmp);
	for (i = 0, kept = 0; i < s->n; i++)
		if (kept == 0 || memcmp(s->v[kept - 1], s->v[i], 32) != 0)
			memmove(s->v[kept++], s->v[i], 32);
	s->n = kept;
	return 0;
}

/*
 * A ledger with a current index: the counts from the entry headers
 * (census.c), then only the records listed and those about the same thing
 * as another are read.  The same result as attribute_all() and
 * sdx__graph_attribute() on the graph read whole, at the cost of one pass
 * over the headers.
 */
static int attribute_census(sdx_graph *g, json_t *origins, json_t *records, json_t *list)
{
	unsigned char (*listed)[32] = NULL;
	struct leaves shared = { NULL, 0, 0 };
	size_t nlisted = 0, i, node;
	int err;

	if ((err = sdx__attribution_census(origins, &listed, &nlisted, g, UNBOUND_LISTED)) < 0)
		return err;
	for (i = 0; i < nlisted && err >= 0; i++) {
		if ((err = sdx__graph_lazy_node(g, listed[i], &node)) < 0)
			break;
		if (node != SIZE_MAX)
			err = list_record(records, g, node);
	}
	free(listed);
	if (err >= 0 && (err = shared_leaves(&shared, g)) >= 0)
		err = conflicts_of(list, g, shared.v, shared.n);
	free(shared.v);
	return err < 0 ? err : 0;
}

int sdx_graph_attribution(char **out, size_t *conflicts, sdx_graph *g)
{
	json_t *origins = json_array(), *records = json_array(), *list = json_array(), *root;
	const char *what;
	size_t i, r, own;
	int err, self;

	*out = NULL;
	if (conflicts)
		*conflicts = 0;
	if (!origins || !records || !list) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto fail;
	}
	if (g->lazy && g->l) {
		if ((err = attribute_census(g, origins, records, list)) < 0)
			goto fail;
		goto done;
	}
	/* a graph read whole: every record is attributed as it stands */
	if ((err = sdx__graph_survey(g)) < 0 || (err = sdx__graph_attribute(g, SIZE_MAX)) < 0 ||
	    (err = attribute_all(g, origins, records)) < 0)
		goto fail;
	for (i = 0; (what = sdx__graph_conflict(g, i, &r, &own, &self)); i++)
		json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s}", "kind",
						      self ? "self" : "restatement", "restatement",
						      record_ref(g, r), "own", record_ref(g, own),
						      "what", what));
done:
	if (conflicts)
		*conflicts = json_array_size(list);
	root = json_pack("{s:o, s:o, s:o}", "origins", origins, "records", records,
			 "conflicts", list);
	return sdx__graph_dump(out, root);
fail:
	json_decref(origins);
	json_decref(records);
	json_decref(list);
	return err;
}

