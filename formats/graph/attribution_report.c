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
#include "formats/graph/internal.h"
#include "formats/index/index.h"
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
	/* every record is attributed: the index does not help here */
	if ((err = sdx__graph_survey(g)) < 0 || (err = sdx__graph_attribute(g, SIZE_MAX)) < 0 ||
	    (err = attribute_all(g, origins, records)) < 0)
		goto fail;
	for (i = 0; (what = sdx__graph_conflict(g, i, &r, &own, &self)); i++)
		json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s}", "kind",
						      self ? "self" : "restatement", "restatement",
						      record_ref(g, r), "own", record_ref(g, own),
						      "what", what));
	if (conflicts)
		*conflicts = i;
	root = json_pack("{s:o, s:o, s:o}", "origins", origins, "records", records,
			 "conflicts", list);
	return sdx__graph_dump(out, root);
fail:
	json_decref(origins);
	json_decref(records);
	json_decref(list);
	return err;
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

int sdx_graph_conflict_report(char **out, size_t *conflicts, sdx_graph *g,
			      const unsigned char (*leaves)[32], size_t nleaves)
{
	json_t *list = json_array();
	size_t *set = NULL, n = 0, cap = 0, i, r, own, node;
	unsigned char *named = NULL;
	const char *what;
	int err = 0, self;

	*out = NULL;
	if (conflicts)
		*conflicts = 0;
	if (!list)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	/* each record is compared with the records about the same thing, found
	 * through the index when there is one */
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
		json_array_append_new(list, json_pack("{s:s, s:o, s:o, s:s}", "kind",
						      self ? "self" : "restatement", "restatement",
						      record_ref(g, r), "own", record_ref(g, own),
						      "what", what));
	}
	free(set);
	free(named);
	if (err < 0) {
		json_decref(list);
		return err;
	}
	if (conflicts)
		*conflicts = json_array_size(list);
	return sdx__graph_dump(out, list);
}
