/*
 * formats/graph/attribution.c - who stands behind each record of a graph
 * (formats/trust.md): the key that signed it (the ledger's own, or the key
 * an imported entry names, checked against its signature when it was
 * imported or verified), the party that key is bound to in the trust view
 * (a ledger's trusted keys, their bindings and its own party), and whether
 * that party is the issuer the record names, in a role it is bound for.
 * Restatements - records naming a party they were not signed by - are
 * compared with the party's own records of the same thing (conflict.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/imported.h"
#include "formats/graph/attribution.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/records/internal.h"
#include "formats/trust/party.h"

#define KEY_MAX (SDX_NAME_MAX + 16) /* "name+keyid" */
#define WHAT_MAX 400

struct bound {
	char key[KEY_MAX];
	int bound;
	sdx_party party;
};

struct found {
	size_t restated, own; /* nodes: the restatement, the issuer's own record */
	char what[WHAT_MAX];
};

struct sdx__attr {
	int loaded;               /* the trust view is read */
	struct bound *keys;       /* the trusted keys */
	size_t nkeys;
	char (*own_keys)[KEY_MAX];/* the ledger's own keys */
	size_t nown;
	int own_bound;
	sdx_party own;
	struct {                  /* what was found, by node number */
		struct found *c;  /* the conflicts */
		size_t nc, capc;
		unsigned char *done;  /* per node: compared already */
		size_t ndone;
		struct keyed *ids;    /* a graph read whole: its statements by id and lot, sorted */
		size_t nids;
		int ids_built;
		/* a graph read whole, surveyed with ids: each node's outcome + 1 (0: not
		 * attributed) and signer, for its g->len nodes then */
		signed char *outcome;
		const sdx_party **signer;
		size_t nsurveyed, idcap;
	} w;
	int surveying;            /* the graph is being read whole: survey each node */
};

/* A statement known by an id ("i" + declaration_id) or a lot ("l" + lot_number). */
struct keyed {
	char key[68];             /* ids and lots are at most 64 characters (the schemas) */
	size_t node;
};

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
	snprintf(b->key, sizeof(b->key), "%s+%08" PRIx32, sdx_verifier_name(v),
		 sdx_verifier_keyid(v));
	if ((err = sdx_ledger_trust_binding(&b->party, ld->l, sdx_verifier_public_key(v))) < 0)
		return err;
	b->bound = err;
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
	snprintf(ld->a->own_keys[ld->a->nown++], KEY_MAX, "%s+%08" PRIx32, sdx_verifier_name(v),
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

static int view(sdx_graph *g)
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
	if ((err = sdx_ledger_foreign_get(g->l, n->origin, n->index, fetched_key, &f)) < 0)
		return err;
	if (f.err < 0)
		return f.err;
	n->key = f.key;
	*out = f.key ? f.key : "";
	return 0;
}

int sdx__attribution_of(struct sdx__attribution *out, const sdx_graph *cg, size_t node)
{
	sdx_graph *g = (sdx_graph *)cg; /* the trust view and keys are read on first use */
	const struct gnode *n = &g->n[node];
	const struct sdx_record_type *t = n->type;
	struct sdx__attr *a;
	size_t i;
	int named, err;

	memset(out, 0, sizeof(*out));
	out->key = "";
	out->role = t->issuer_role ? t->issuer_role : "";
	if (!t->issuer)
		return 0;
	if ((err = view(g)) < 0 || (err = node_key(g, node, &out->key)) < 0)
		return err;
	a = g->attr;
	n = &g->n[node];
	out->own = n->own;
	for (i = 0; !out->own && *out->key && i < a->nown; i++)
		out->own = strcmp(a->own_keys[i], out->key) == 0;
	if (out->own)
		out->signer = a->own_bound ? &a->own : NULL;
	for (i = 0; !out->own && i < a->nkeys; i++)
		if (strcmp(a->keys[i].key, out->key) == 0 && a->keys[i].bound)
			out->signer = &a->keys[i].party;
	named = sdx__party_from_json(&out->named,
				     json_object_get(sdx__graph_body(g, n), t->issuer));
	if (!named)
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
		snprintf(out, cap, "this ledger's key");
	else if (*a->key)
		snprintf(out, cap, "key %s", a->key);
	else
		snprintf(out, cap, "a key not named");
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
		snprintf(out, cap, "signed by %s, the %s it names", a->signer->name, a->role);
		break;
	case SDX__ATTR_RESTATED:
		snprintf(out, cap, "restated by %s, %s: not signed by %s, the %s it names", signer,
			 key, named, a->role);
		break;
	case SDX__ATTR_UNBOUND:
		if (a->own)
			snprintf(out, cap, "signed with this ledger's key, and the ledger's party is "
				 "not set ('sdx party set'): attribution unknown");
		else
			snprintf(out, cap, "signed with %s, which is bound to no party ('sdx trust "
				 "bind'): attribution unknown", key);
		break;
	case SDX__ATTR_ROLE:
		snprintf(out, cap, "signed by %s, which is bound to sign as %s, not as the %s it "
			 "names", a->signer->name, roles, a->role);
		break;
	case SDX__ATTR_NOT_NAMED:
		snprintf(out, cap, "names no %s (a record of version 1): attribution unknown",
			 a->role);
		break;
	default:
		snprintf(out, cap, "names no issuing party");
	}
}

/* ---- restatements against the issuer's own ------------------------------------------ */

static int found(struct sdx__attr *a, size_t restated, size_t own, const char *what)
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
	snprintf(f->what, sizeof(f->what), "%s", what);
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
 * issuer's own record of the same thing. */
static int compare_one(sdx_graph *g, size_t x, const struct sdx__attribution *ax, size_t y)
{
	struct sdx__attribution ay;
	char what[WHAT_MAX];
	const json_t *rb, *db;
	size_t r, d;
	int err;

	if (y == x || g->n[y].type != g->n[x].type)
		return 0;
	/* surveyed: a pair of two restatements or two own records is not read again */
	if (g->attr->w.ids_built && y < g->attr->w.nsurveyed &&
	    (restatement(ax->outcome) ? g->attr->w.outcome[y] != SDX__ATTR_SIGNED + 1
	     : !restatement(g->attr->w.outcome[y] - 1)))
		return 0;
	if ((err = sdx__attribution_of(&ay, g, y)) < 0)
		return err;
	if (restatement(ax->outcome) && ay.outcome == SDX__ATTR_SIGNED) {
		r = x;
		d = y;
	} else if (ax->outcome == SDX__ATTR_SIGNED && restatement(ay.outcome)) {
		r = y;
		d = x;
	} else {
		return 0;
	}
	if (!sdx__party_same(&ax->named, &ay.named) || supersession(g, r, d))
		return 0;
	rb = sdx__graph_body(g, &g->n[r]);
	db = sdx__graph_body(g, &g->n[d]);
	if (!rb || !db || !sdx__statement_conflict(what, sizeof(what), rb, db))
		return 0;
	return found(g->attr, r, d, what);
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

	if ((err = view(g)) < 0)
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

/* The statements a restatement may be about: those of its id and its lots. */
static int candidates(sdx_graph *g, size_t r, struct cands *c)
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
		json_array_foreach(json_object_get(json_object_get(body, "material"), "lots"), i, x)
			if (err >= 0)
				err = keyed_nodes(g, 'l', sdx__jstr(x, "lot_number", NULL), c);
		return err;
	}
	if (*id)
		err = indexed(g, id_field, id, c);
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
	size_t k;
	int err;

	if ((err = sdx__attribution_of(&ax, g, x)) < 0)
		return err;
	if (!restatement(ax.outcome) && ax.outcome != SDX__ATTR_SIGNED)
		return 0;
	if ((err = candidates(g, x, &c)) >= 0)
		for (k = 0; k < c.n && err >= 0; k++)
			err = compare_one(g, x, &ax, c.at[k]);
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
		for (j = i + 1; j < a->w.nids && strcmp(a->w.ids[j].key, a->w.ids[i].key) == 0; j++)
			;
		for (k = i; k < j && err >= 0; k++) {
			size_t x = a->w.ids[k].node, m;
			if (!restatement(a->w.outcome[x] - 1))
				continue;
			if ((err = sdx__attribution_of(&ax, g, x)) < 0)
				break;
			for (m = i; m < j && err >= 0; m++)
				err = compare_one(g, x, &ax, a->w.ids[m].node);
		}
	}
	return err;
}

int sdx__graph_attribute(sdx_graph *g, size_t node)
{
	size_t *set = NULL, n = 0, k, len0 = g->len;
	int err;

	if ((err = view(g)) < 0)
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

const char *sdx__graph_conflict(const sdx_graph *g, size_t i, size_t *restated, size_t *own)
{
	if (!g->attr || i >= g->attr->w.nc)
		return NULL;
	*restated = g->attr->w.c[i].restated;
	*own = g->attr->w.c[i].own;
	return g->attr->w.c[i].what;
}

size_t sdx__graph_conflicts(const sdx_graph *g, size_t node, size_t *other, const char **what,
			    size_t cap)
{
	size_t i, k = 0;

	for (i = 0; g->attr && i < g->attr->w.nc; i++) {
		const struct found *f = &g->attr->w.c[i];
		if (f->restated != node && f->own != node)
			continue;
		if (k < cap) {
			other[k] = f->restated == node ? f->own : f->restated;
			what[k] = f->what;
		}
		k++;
	}
	return k;
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
	json_t *j, *list;

	if (sdx__attribution_of(&a, g, node) < 0 || a.outcome == SDX__ATTR_NONE) {
		sdx_error_clear();
		return NULL;
	}
	sdx__attribution_text(text, sizeof(text), &a);
	j = json_pack("{s:s, s:s, s:s, s:s}", "outcome", sdx__attribution_name(a.outcome),
		      "text", text, "role", a.role, "key", a.own ? g->n[node].origin : a.key);
	json_object_set_new(j, "by", a.signer ? json_string(a.signer->name) : json_null());
	json_object_set_new(j, "names", a.named.name[0] ? json_string(a.named.name) : json_null());
	list = json_array();
	n = sdx__graph_conflicts(g, node, other, what, 16);
	for (k = 0; k < n && k < 16; k++) {
		json_t *c = node_ref(g, other[k]);
		/* the other record is the issuer's own, or a restatement of this one */
		json_object_set_new(c, "other", json_string(a.outcome == SDX__ATTR_SIGNED
							   ? "restatement" : "own"));
		json_object_set_new(c, "what", json_string(what[k]));
		json_array_append_new(list, c);
	}
	json_object_set_new(j, "conflicts", list);
	return j;
}
