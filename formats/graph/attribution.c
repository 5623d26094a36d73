/*
 * formats/graph/attribution.c - who stands behind each record of a graph
 * (formats/trust.md): the key that signed it (the ledger's own, or the key
 * an imported entry names, checked against its signature when it was
 * imported or verified), the party that key is bound to in the trust view
 * (a ledger's trusted keys, their bindings and its own party), and whether
 * that party is the issuer the record names, in a role it is bound for.
 * Restatements - records naming a party they were not signed by - are
 * compared with the party's own records of the same thing in restated.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/imported.h"
#include "formats/graph/attribution.h"
#include "formats/graph/attribution_state.h"
#include "sdx/introduction.h"
#include "formats/graph/internal.h"
#include "formats/records/internal.h"
#include "formats/trust/party.h"
#include "formats/text/text.h"

void sdx__attr_forget(struct sdx__attr *a)
{
	if (!a)
		return;
	free(a->w.c);
	free(a->w.done);
	free(a->w.ids);
	free(a->w.outcome);
	free(a->w.signer);
	memset(&a->w, 0, sizeof(a->w));
}

void sdx__attr_free(struct sdx__attr *a)
{
	if (!a)
		return;
	sdx__attr_forget(a);
	free(a->keys);
	free(a->own_keys);
	free(a);
}

/* ---- the trust view ------------------------------------------------------------------ */

struct loading {
	struct sdx__attr *a;
	sdx_ledger *l;
};

static int grow(void **p, size_t n, size_t size)
{
	void *q = realloc(*p, (n + 1) * size);

	if (!q)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*p = q;
	return 0;
}

/* The introducer of a key trusted through an introduction (formats/trust.md). */
static int first_via(void *ctx, const sdx_introduced *i)
{
	sdx__text_put(ctx, SDX_PARTY_NAME_MAX + 1, "%s", i->introducer_party);
	return 1;
}

static int add_trusted(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct loading *ld = ctx;
	struct bound *b;
	int err;

	(void)label;
	(void)added;
	if ((err = grow((void **)&ld->a->keys, ld->a->nkeys, sizeof(*b))) < 0)
		return err;
	b = &ld->a->keys[ld->a->nkeys];
	sdx__text_put(b->key, sizeof(b->key), "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
	if ((err = sdx_ledger_trust_binding(&b->party, ld->l, sdx_verifier_public_key(v))) < 0)
		return err;
	b->bound = err;
	b->via[0] = '\0';
	if ((err = sdx_ledger_foreach_introduced(ld->l, sdx_verifier_public_key(v), first_via,
						 b->via)) < 0)
		return err;
	ld->a->nkeys++;
	return 0;
}

static int add_own(void *ctx, const sdx_verifier *v, uint64_t since)
{
	struct loading *ld = ctx;
	int err;

	(void)since;
	if ((err = grow((void **)&ld->a->own_keys, ld->a->nown, sizeof(*ld->a->own_keys))) < 0)
		return err;
	sdx__text_put(ld->a->own_keys[ld->a->nown++], KEY_MAX, "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
	return 0;
}

static int state(sdx_graph *g)
{
	if (!g->attr && !(g->attr = calloc(1, sizeof(*g->attr))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	return 0;
}

static int load_view(struct sdx__attr *a, sdx_ledger *l)
{
	struct loading ld = { a, l };
	int err;

	a->nkeys = a->nown = 0;
	a->loaded = 1;
	/* a ledger older than the keyring has no trusted keys: nothing is bound */
	if ((err = sdx_ledger_foreach_trusted(l, add_trusted, &ld)) == SDX_EIO)
		sdx_error_clear();
	else if (err < 0)
		return err;
	if ((err = sdx_ledger_foreach_key(l, add_own, &ld)) < 0 ||
	    (err = sdx_ledger_party(&a->own, l)) < 0)
		return err;
	a->own_bound = err;
	return 0;
}

int sdx_graph_use_trust(sdx_graph *g, sdx_ledger *l)
{
	int err;

	if ((err = state(g)) < 0)
		return err;
	return load_view(g->attr, l);
}

int sdx__attr_view(sdx_graph *g)
{
	int err;

	if ((err = state(g)) < 0)
		return err;
	if (!g->attr->loaded && g->l)
		return load_view(g->attr, g->l);
	g->attr->loaded = 1; /* a bundle read without a ledger: nothing is bound */
	return 0;
}

/* ---- one record -------------------------------------------------------------------- */

struct key_fetch {
	sdx_graph *g;
	const char *key;
	int err;
};

static int fetched_key(void *ctx, const sdx_foreign_entry *e)
{
	struct key_fetch *f = ctx;
	json_t *payload = NULL;
	const char *k;

	if ((f->err = sdx__entry_payload_json(&payload, e->data, e->len, "imported entry")) < 0)
		return 0;
	if ((k = json_string_value(json_object_get(payload, "key"))) &&
	    !(f->key = sdx__graph_intern(f->g, k)))
		f->err = sdx_error_set(SDX_ENOMEM, "out of memory");
	json_decref(payload);
	return 0;
}

/* The key an imported node names, read from the ledger if the graph does not hold it. */
static int node_key(sdx_graph *g, size_t node, const char **out)
{
	struct gnode *n = &g->n[node];
	struct key_fetch f = { g, NULL, 0 };
	int err;

	*out = n->key ? n->key : "";
	if (n->own || n->key || !g->l)
		return 0;
	/* reading the body reads the key too (graph.c): one parse of the payload */
	if (!n->body && sdx__graph_body(g, n) && n->key) {
		*out = n->key;
		return 0;
	}
	if ((err = sdx_ledger_foreign_get(g->l, n->origin, n->index, fetched_key, &f)) < 0)
		return err;
	if (f.err < 0)
		return f.err;
	n->key = f.key;
	*out = f.key ? f.key : "";
	return 0;
}

const char *sdx__attribution_via(const sdx_graph *g, const sdx_party *signer)
{
	size_t i;

	for (i = 0; g->attr && signer && i < g->attr->nkeys; i++)
		if (&g->attr->keys[i].party == signer)
			return g->attr->keys[i].via[0] ? g->attr->keys[i].via : NULL;
	return NULL;
}

int sdx__attribution_of(struct sdx__attribution *out, const sdx_graph *cg, size_t node)
{
	sdx_graph *g = (sdx_graph *)cg; /* the trust view and keys are read on first use */
	const struct sdx_record_type *t = g->n[node].type;
	sdx_party named;
	const char *key = "";
	int err;

	if (!t->issuer) {
		memset(out, 0, sizeof(*out));
		out->key = "";
		out->role = t->issuer_role ? t->issuer_role : "";
		return 0;
	}
	if ((err = node_key(g, node, &key)) < 0)
		return err;
	if (!sdx__party_from_json(&named, json_object_get(sdx__graph_body(g, &g->n[node]),
							  t->issuer)))
		named.name[0] = '\0';
	return sdx__attribution_decide(out, g, t, g->n[node].own, key, &named);
}

int sdx__attribution_decide(struct sdx__attribution *out, sdx_graph *g,
			    const struct sdx_record_type *t, int own, const char *key,
			    const sdx_party *named)
{
	struct sdx__attr *a;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	out->key = key ? key : "";
	out->role = t->issuer_role ? t->issuer_role : "";
	if (!t->issuer)
		return 0;
	if ((err = sdx__attr_view(g)) < 0)
		return err;
	a = g->attr;
	out->own = own;
	for (i = 0; !out->own && *out->key && i < a->nown; i++)
		out->own = strcmp(a->own_keys[i], out->key) == 0;
	if (out->own)
		out->signer = a->own_bound ? &a->own : NULL;
	for (i = 0; !out->own && i < a->nkeys; i++)
		if (strcmp(a->keys[i].key, out->key) == 0 && a->keys[i].bound) {
			out->signer = &a->keys[i].party;
			out->via = a->keys[i].via[0] ? a->keys[i].via : NULL;
		}
	out->named = *named;
	if (!named->name[0])
		out->outcome = SDX__ATTR_NOT_NAMED;
	else if (!out->signer)
		out->outcome = SDX__ATTR_UNBOUND;
	else if (!sdx__party_same(&out->named, out->signer))
		out->outcome = SDX__ATTR_RESTATED;
	else if (!sdx__party_has_role(out->signer, out->role))
		out->outcome = SDX__ATTR_ROLE;
	else
		out->outcome = SDX__ATTR_SIGNED;
	return 0;
}

const sdx_party *sdx__attribution_own(const sdx_graph *cg)
{
	sdx_graph *g = (sdx_graph *)cg; /* the trust view is read on first use */

	if (sdx__attr_view(g) < 0 || !g->attr || !g->attr->own_bound)
		return NULL;
	return &g->attr->own;
}

const char *sdx__attribution_name(int outcome)
{
	static const char *const names[] = { "", "signed", "restated", "unbound", "role",
					     "not_named" };

	return outcome >= 0 && outcome <= SDX__ATTR_NOT_NAMED ? names[outcome] : "";
}

/* "the key example.com/m+1a2b3c4d" or "this ledger's key" */
static void key_text(char *out, size_t cap, const struct sdx__attribution *a)
{
	if (a->own)
		sdx__text_put(out, cap, "this ledger's key");
	else if (*a->key)
		sdx__text_put(out, cap, "key %s", a->key);
	else
		sdx__text_put(out, cap, "a key not named");
}

void sdx__attribution_text(char *out, size_t cap, const struct sdx__attribution *a)
{
	char signer[SDX_PARTY_NAME_MAX + 400], named[SDX_PARTY_NAME_MAX + 400], key[KEY_MAX + 16];
	char roles[SDX_PARTY_ROLES_MAX * 34];
	size_t i, len = 0;

	key_text(key, sizeof(key), a);
	if (a->signer)
		sdx__party_text(signer, sizeof(signer), a->signer);
	sdx__party_text(named, sizeof(named), &a->named);
	roles[0] = '\0';
	for (i = 0; a->signer && i < a->signer->nroles; i++)
		len += (size_t)snprintf(roles + len, sizeof(roles) - len, "%s%s", i ? ", " : "",
					a->signer->roles[i]);
	switch (a->outcome) {
	case SDX__ATTR_SIGNED:
		sdx__text_put(out, cap, "signed by %s, the %s it names", a->signer->name, a->role);
		break;
	case SDX__ATTR_RESTATED:
		sdx__text_put(out, cap, "restated by %s, %s: not signed by %s, the %s it names", signer,
			 key, named, a->role);
		break;
	case SDX__ATTR_UNBOUND:
		if (a->own)
			sdx__text_put(out, cap, "signed with this ledger's key, and the ledger's party is "
				 "not set ('sdx party set'): attribution unknown");
		else
			sdx__text_put(out, cap, "signed with %s, which is bound to no party ('sdx trust "
				 "bind'): attribution unknown", key);
		break;
	case SDX__ATTR_ROLE:
		sdx__text_put(out, cap, "signed by %s, which is bound to sign as %s, not as the %s it "
			 "names", a->signer->name, roles, a->role);
		break;
	case SDX__ATTR_NOT_NAMED:
		sdx__text_put(out, cap, "names no %s (a record of version 1): attribution unknown",
			 a->role);
		break;
	default:
		sdx__text_put(out, cap, "names no issuing party");
	}
	len = strlen(out);
	if (a->via && a->signer && len < cap)
		sdx__text_put(out + len, cap - len, " (key introduced by %s)", a->via);
}

/* {ref, origin, index, label} of a node, for what names another. */
static json_t *node_ref(const sdx_graph *g, size_t node)
{
	char label[600];

	sdx__graph_label(label, sizeof(label), g, node);
	return json_pack("{s:s, s:s, s:I, s:s}", "ref", g->n[node].hex, "origin", g->n[node].origin,
			 "index", (json_int_t)g->n[node].index, "label", label);
}

json_t *sdx__attribution_json(const sdx_graph *g, size_t node)
{
	struct sdx__attribution a;
	char text[3 * SDX_PARTY_NAME_MAX];
	const char *what[16];
	size_t other[16], n, k;
	int self[16];
	json_t *j, *list;

	if (sdx__attribution_of(&a, g, node) < 0 || a.outcome == SDX__ATTR_NONE) {
		sdx_error_clear();
		return NULL;
	}
	sdx__attribution_text(text, sizeof(text), &a);
	j = json_pack("{s:s, s:s, s:s, s:s}", "outcome", sdx__attribution_name(a.outcome),
		      "text", text, "role", a.role, "key", a.own ? g->n[node].origin : a.key);
	json_object_set_new(j, "by", a.signer ? json_string(a.signer->name) : json_null());
	if (a.via)
		json_object_set_new(j, "introduced_by", json_string(a.via));
	json_object_set_new(j, "names", a.named.name[0] ? json_string(a.named.name) : json_null());
	list = json_array();
	n = sdx__graph_conflicts(g, node, other, what, self, 16);
	for (k = 0; k < n && k < 16; k++) {
		json_t *c = node_ref(g, other[k]);
		/* the other record is the issuer's own, a restatement of this one, or
		 * another own record of the same issuer (self) */
		json_object_set_new(c, "other", json_string(self[k] ? "self"
							   : a.outcome == SDX__ATTR_SIGNED
							   ? "restatement" : "own"));
		json_object_set_new(c, "what", json_string(what[k]));
		json_array_append_new(list, c);
	}
	json_object_set_new(j, "conflicts", list);
	return j;
}
