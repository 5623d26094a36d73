/*
 * formats/rules/plausible.c - is a batch or shipment plausible against the
 * records held (formats/plausibility.md)?  For each input or item: the
 * source (a declared lot, or a batch) was produced before it is used, and
 * the records held draw no more of it than it holds (an upper bound: a lot
 * is sold to many buyers); the HS code a shipment declares is its batch's at
 * six digits; and no other record of the same party has the record's id
 * unless one supersedes the other.  Everything is read through the graph, so
 * on a ledger with its index a record costs what it cites and what cites
 * that, not the ledger's size.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/rules/plausible.h"
#include "formats/rules/units.h"
#include "formats/records/rules.h"
#include "formats/trust/party.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

#define CHAIN_MAX 64 /* supersessions followed, as sdx__check_current() does */

struct plaus {
	sdx_graph *g;
	const struct sdx_record_type *t;
	const json_t *body;
	size_t self;              /* its node; SIZE_MAX: about to be appended */
	int replaced;             /* a correction supersedes it: its balances are the correction's */
	sdx__plaus_cb cb;
	void *ctx;
};

/* Node numbers being collected. */
struct nodes {
	sdx_graph *g;
	size_t *at, n, cap;
};

static const char *str(const json_t *o, const char *k)
{
	return sdx__jstr(o, k, NULL);
}

static const json_t *body_of(const struct plaus *p, size_t node)
{
	return node == p->self ? p->body : sdx__graph_body(p->g, &p->g->n[node]);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int fact(struct plaus *p, int kind, const char *field, size_t other, const char *fmt, ...)
{
	char text[1200];
	struct sdx__plaus_fact f = { kind, field, other, text };
	va_list ap;
	int k = snprintf(text, sizeof(text), "%s: ", field);

	va_start(ap, fmt);
	vsnprintf(text + k, sizeof(text) - (size_t)k, fmt, ap);
	va_end(ap);
	return p->cb(p->ctx, &f);
}

/* "batch LH-1, entry 3f2a9c0d1e2f3a4b" */
static const char *named(char *out, size_t cap, const struct plaus *p, size_t node)
{
	const struct gnode *n = &p->g->n[node];
	const char *id = n->type->id_field ? str(body_of(p, node), n->type->id_field) : "";

	sdx__text_put(out, cap, "%s %s, entry %.16s", n->type->name, id, n->hex);
	return out;
}

/* The node of leaf hash `hex`, read from the index when the graph is lazy. */
static int node_of(sdx_graph *g, const char *hex, size_t *out)
{
	unsigned char leaf[32];

	*out = SIZE_MAX;
	if (!hex || sdx__hex32_parse(leaf, hex) < 0)
		return 0;
	if (g->lazy)
		return sdx__graph_lazy_node(g, leaf, out);
	*out = sdx__graph_find(g, leaf);
	return 0;
}

static int push_leaf(void *ctx, const unsigned char leaf[32])
{
	struct nodes *s = ctx;
	size_t node;
	int err;

	if ((err = sdx__graph_lazy_node(s->g, leaf, &node)) < 0 || node == SIZE_MAX)
		return err;
	return sdx__graph_push(&s->at, &s->n, &s->cap, node);
}

/* Does node u cite leaf with `lot` beside it? */
static int cites(const struct gnode *u, const unsigned char leaf[32], const char *lot)
{
	for (size_t k = 0; k < u->nrefs; k++)
		if (memcmp(u->refs[k], leaf, 32) == 0 &&
		    (!lot || (u->ref_lots[k] && strcmp(u->ref_lots[k], lot) == 0)))
			return 1;
	return 0;
}

/* The batches and shipments citing node src (with `lot` beside it, if not NULL). */
static int users_of(struct nodes *s, size_t src, const char *lot)
{
	sdx_graph *g = s->g;
	unsigned char leaf[32];
	int err = 0;

	memcpy(leaf, g->n[src].leaf, 32); /* g->n moves as nodes are read */
	if (g->lazy)
		return sdx__gindex_users(g->l, leaf, SDX_ROLE_COMPOSITE, lot, push_leaf, s);
	for (size_t i = 0; i < g->n[src].nusers && err >= 0; i++) {
		size_t u = g->n[src].users[i];
		if (g->n[u].type->role == SDX_ROLE_COMPOSITE && cites(&g->n[u], leaf, lot))
			err = sdx__graph_push(&s->at, &s->n, &s->cap, u);
	}
	return err;
}

static int by_number(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

static void unique(struct nodes *s)
{
	size_t i, k = 0;

	if (s->n)
		qsort(s->at, s->n, sizeof(*s->at), by_number);
	for (i = 0; i < s->n; i++)
		if (k == 0 || s->at[k - 1] != s->at[i])
			s->at[k++] = s->at[i];
	s->n = k;
}

/* The records a lot is drawn through: every declaration of that lot by the
 * ledger that declared it (renewals, corrections, topic-specific ones); a
 * batch is drawn through itself. */
static int sources(struct nodes *out, sdx_graph *g, size_t src, const char *lot)
{
	size_t *at = NULL, n = 0, k;
	int err;

	if (g->n[src].type->role != SDX_ROLE_STATEMENT || !lot)
		return sdx__graph_push(&out->at, &out->n, &out->cap, src);
	if ((err = g->lazy ? sdx__graph_lazy_ids(g, "lot", lot, &at, &n)
			   : sdx__graph_lot_nodes(g, lot, &at, &n)) < 0)
		return err;
	for (k = 0; k < n && err >= 0; k++)
		if (g->n[at[k]].type->role == SDX_ROLE_STATEMENT &&
		    strcmp(g->n[at[k]].origin, g->n[src].origin) == 0)
			err = sdx__graph_push(&out->at, &out->n, &out->cap, at[k]);
	free(at);
	if (err >= 0)
		err = sdx__graph_push(&out->at, &out->n, &out->cap, src);
	if (err >= 0)
		unique(out);
	return err;
}

static int in_sources(const struct nodes *src, const char *hex)
{
	for (size_t k = 0; hex && k < src->n; k++)
		if (strcmp(src->g->n[src->at[k]].hex, hex) == 0)
			return 1;
	return 0;
}

/* Is node u replaced by a record of its type that supersedes it? */
static int superseded(struct plaus *p, size_t u, int *out)
{
	struct nodes s = { p->g, NULL, 0, 0 };
	int err;

	*out = 0;
	if ((err = users_of(&s, u, NULL)) >= 0)
		for (size_t k = 0; k < s.n && !*out; k++)
			*out = s.at[k] != p->self && p->g->n[s.at[k]].type == p->g->n[u].type &&
			       strcmp(str(body_of(p, s.at[k]), "supersedes"), p->g->n[u].hex) == 0;
	free(s.at);
	return err;
}

/* Does the supersedes chain from record `from` (a body) reach node `to`? */
static int chain_reaches(struct plaus *p, const json_t *from, size_t to, int *out)
{
	const char *hex = str(from, "supersedes");
	size_t at;
	int err;

	*out = 0;
	for (int depth = 0; *hex && depth < CHAIN_MAX; depth++) {
		if (strcmp(hex, p->g->n[to].hex) == 0) {
			*out = 1;
			return 0;
		}
		if ((err = node_of(p->g, hex, &at)) < 0)
			return err;
		if (at == SIZE_MAX)
			return 0;
		hex = str(body_of(p, at), "supersedes");
	}
	return 0;
}

/* What the records held draw from one source. */
struct draw {
	double total;             /* in the source's unit */
	size_t others, last;      /* records other than the one judged; the last of them */
	int unchecked;            /* a quantity in a unit that does not compare */
	char bad[200];            /* the first such: "500 H87 by batch ..." */
};

/* Add to d what `body` (node u) draws from the sources, in `unit`; 1 if anything. */
static int add_draw(const struct plaus *p, const json_t *body, size_t u, const struct nodes *src,
		    const char *lot, const char *unit, struct draw *d, double *mine, int *mine_bad)
{
	const struct sdx_record_type *t = u == SIZE_MAX ? p->t : p->g->n[u].type;
	int counted = 0;
	char who[160];
	double r;
	json_t *x;
	size_t k;

	for (size_t e = 0; e < t->nedges; e++) {
		const struct sdx_record_edge *edge = &t->edges[e];
		if (!edge->held || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), k, x) {
			const json_t *q = json_object_get(x, "quantity");
			if (!in_sources(src, sdx__edge_hash(edge, x)) ||
			    (lot && strcmp(str(x, "lot_number"), lot) != 0))
				continue;
			counted = 1;
			if (!sdx__unit_ratio(&r, str(q, "unit"), unit)) {
				if (mine)
					*mine_bad = 1;
				else if (!d->unchecked++)
					sdx__text_put(d->bad, sizeof(d->bad), "%g %s by %s",
						 json_number_value(json_object_get(q, "value")),
						 str(q, "unit"), named(who, sizeof(who), p, u));
				continue;
			}
			if (mine)
				*mine += json_number_value(json_object_get(q, "value")) * r;
			else
				d->total += json_number_value(json_object_get(q, "value")) * r;
		}
	}
	return counted;
}

/* The description of a source: "lot L" or "batch B", and what it holds. */
static void source_text(const struct plaus *p, size_t src, const char *lot, const json_t *have,
			char *what, size_t wcap, char *holds, size_t hcap)
{
	char who[160];

	named(who, sizeof(who), p, src);
	if (p->g->n[src].type->role == SDX_ROLE_STATEMENT) {
		sdx__text_put(what, wcap, "lot %s", lot);
		sdx__text_put(holds, hcap, "the %g %s that %s, says the lot holds",
			 json_number_value(json_object_get(have, "value")), str(have, "unit"), who);
	} else {
		sdx__text_put(what, wcap, "batch %s", str(body_of(p, src), "batch_id"));
		sdx__text_put(holds, hcap, "the %g %s that %s, made",
			 json_number_value(json_object_get(have, "value")), str(have, "unit"), who);
	}
}

/*
 * The mass balance of one source: what every record held draws from it
 * (through any of its sources), this one included, against what it holds.
 */
static int balance(struct plaus *p, const char *field, size_t src, const char *lot,
		   const json_t *have, const json_t *q)
{
	struct nodes s = { p->g, NULL, 0, 0 }, us = { p->g, NULL, 0, 0 };
	struct draw d = { 0, 0, SIZE_MAX, 0, "" };
	const char *unit = str(have, "unit");
	char what[120], holds[300], last[160];
	double mine = 0, cap = json_number_value(json_object_get(have, "value"));
	int mine_bad = 0, gone, err;
	size_t k;

	/* a quantity concealed and not disclosed (formats/disclosure.md) is not 0 */
	if (!json_object_get(have, "value")) {
		err = fact(p, SDX__PLAUS_UNCHECKED, field, src, "the quantity of lot %s is concealed "
			   "and not disclosed: mass balance unchecked", lot ? lot : "?");
		goto done;
	}
	if ((err = sources(&s, p->g, src, lot)) < 0)
		goto done;
	for (k = 0; k < s.n && err >= 0; k++)
		err = users_of(&us, s.at[k], p->g->n[s.at[k]].type->role == SDX_ROLE_STATEMENT
					    ? lot : NULL);
	if (err < 0)
		goto done;
	unique(&us);
	add_draw(p, p->body, p->self, &s, lot, unit, &d, &mine, &mine_bad);
	for (k = 0; k < us.n && err >= 0; k++) {
		size_t u = us.at[k];
		if (u == p->self ||
		    strcmp(str(p->body, "supersedes"), p->g->n[u].hex) == 0)
			continue; /* a correction replaces what it supersedes */
		if ((err = superseded(p, u, &gone)) < 0 || gone)
			continue;
		if (add_draw(p, sdx__graph_body(p->g, &p->g->n[u]), u, &s, lot, unit, &d, NULL, NULL)) {
			d.others++;
			if (d.last == SIZE_MAX || sdx__graph_order(p->g, u, d.last) > 0)
				d.last = u;
		}
	}
	if (err < 0)
		goto done;
	source_text(p, src, lot, have, what, sizeof(what), holds, sizeof(holds));
	if (mine_bad) {
		err = fact(p, SDX__PLAUS_UNCHECKED, field, src, "%g %s of %s cannot be compared with "
			   "%s: mass balance unchecked", json_number_value(json_object_get(q, "value")),
			   str(q, "unit"), what, holds);
	} else if (sdx__rule_cmp(mine + d.total, cap) > 0) {
		if (d.others)
			err = fact(p, SDX__PLAUS_REFUSED, field, d.last, "%g %s of %s here and %g %s "
				   "that %zu other record%s took (the last: %s) make %g %s, more than "
				   "%s", mine, unit, what, d.total, unit, d.others,
				   d.others == 1 ? "" : "s", named(last, sizeof(last), p, d.last),
				   mine + d.total, unit, holds);
		else
			err = fact(p, SDX__PLAUS_REFUSED, field, src, "%g %s of %s is more than %s",
				   mine, unit, what, holds);
	} else if (d.unchecked) {
		err = fact(p, SDX__PLAUS_UNCHECKED, field, src, "%s is also taken as %s, which "
			   "cannot be compared with %s: mass balance unchecked", what, d.bad, holds);
	}
done:
	free(s.at);
	free(us.at);
	return err;
}

/* The first six digits of an HS code, dots left out. */
static void hs6(char out[7], const char *code)
{
	size_t k = 0;

	for (; code && *code && k < 6; code++)
		if (*code >= '0' && *code <= '9')
			out[k++] = *code;
	out[k] = '\0';
}

/* Has an earlier element (before i) of the record drawn from the same
 * source: the same lot through another declaration of its ledger?  Its
 * balance counted all the record takes. */
static int drawn_before(struct plaus *p, const struct sdx_record_edge *e, size_t i,
			const json_t *x, int *out)
{
	const char *lot = str(x, "lot_number");
	size_t a, b, k;
	int err;

	*out = 0;
	if (!*lot || (err = node_of(p->g, sdx__edge_hash(e, x), &a)) < 0 || a == SIZE_MAX)
		return *lot ? err : 0;
	for (k = 0; k < i && !*out; k++) {
		const json_t *y = json_array_get(json_object_get(p->body, e->array), k);
		if (strcmp(str(y, "lot_number"), lot) != 0)
			continue;
		if ((err = node_of(p->g, sdx__edge_hash(e, y), &b)) < 0)
			return err;
		*out = b != SIZE_MAX && p->g->n[a].type->role == SDX_ROLE_STATEMENT &&
		       p->g->n[b].type->role == SDX_ROLE_STATEMENT &&
		       strcmp(p->g->n[a].origin, p->g->n[b].origin) == 0;
	}
	return 0;
}

/* Is element i of edge e (at x) plausible against the record it cites? */
static int judge_link(struct plaus *p, const struct sdx_record_edge *e, size_t i, const json_t *x,
		      const char *date_field)
{
	const char *lot = json_string_value(json_object_get(x, "lot_number"));
	const char *when = str(p->body, date_field), *made;
	const json_t *src_body, *have, *l;
	char field[80], who[160], a[7], b[7];
	size_t src, k;
	int err, before;

	if ((err = node_of(p->g, sdx__edge_hash(e, x), &src)) < 0 || src == SIZE_MAX)
		return err; /* not held: the write refuses it, a check reports it missing */
	src_body = body_of(p, src);
	if (p->g->n[src].type->role == SDX_ROLE_STATEMENT) {
		have = NULL;
		made = "";
		json_array_foreach(json_object_get(json_object_get(src_body, "material"), "lots"),
				   k, l)
			if (lot && strcmp(str(l, "lot_number"), lot) == 0) {
				have = json_object_get(l, "quantity");
				made = str(l, "production_date");
			}
		if (!have)
			return 0; /* a lot it does not cover: B2 */
	} else {
		have = json_object_get(src_body, "quantity");
		made = str(src_body, "production_date");
	}
	named(who, sizeof(who), p, src);
	if (*made && *when && strcmp(when, made) < 0 &&
	    (err = fact(p, SDX__PLAUS_REFUSED, date_field, src, "%s is before %s (%s[%zu]) was "
			"produced, on %s: %s", when, lot ? lot : str(src_body, "batch_id"),
			e->array, i, made, who)) < 0)
		return err;
	/* the code a shipment declares for goods, against the goods' own */
	hs6(a, str(x, "hs_code"));
	hs6(b, str(json_object_get(src_body, "product"), "hs_code"));
	sdx__text_put(field, sizeof(field), "%s[%zu].hs_code", e->array, i);
	if (!e->consumes && *a && *b && strcmp(a, b) != 0 &&
	    (err = fact(p, SDX__PLAUS_SHOWN, field, src, "%s is not the HS code of the product of "
			"%s, %s, at six digits", str(x, "hs_code"), who,
			str(json_object_get(src_body, "product"), "hs_code"))) < 0)
		return err;
	if (!json_is_object(have) || p->replaced ||
	    (err = drawn_before(p, e, i, x, &before)) < 0 || before)
		return err;
	sdx__text_put(field, sizeof(field), "%s[%zu].quantity", e->array, i);
	return balance(p, field, src, lot, have, json_object_get(x, "quantity"));
}

/* Do records a and b name one issuing party (without names: are they of one ledger)? */
static int same_issuer(const struct plaus *p, size_t o)
{
	const char *issuer = p->t->issuer;
	sdx_party a, b;
	int na, nb;

	na = issuer && sdx__party_from_json(&a, json_object_get(p->body, issuer));
	nb = issuer && sdx__party_from_json(&b, json_object_get(body_of(p, o), issuer));
	if (na && nb)
		return sdx__party_same(&a, &b);
	if (p->self == SIZE_MAX)
		return p->g->n[o].own;
	return strcmp(p->g->n[o].origin, p->g->n[p->self].origin) == 0;
}

/* The records of the record's type that carry its id. */
static int same_id(struct nodes *out, struct plaus *p, const char *id)
{
	size_t *at = NULL, n = 0, k;
	int err = 0;

	if (p->g->lazy) {
		if ((err = sdx__graph_lazy_ids(p->g, p->t->id_field, id, &at, &n)) < 0)
			return err;
		for (k = 0; k < n && err >= 0; k++)
			err = sdx__graph_push(&out->at, &out->n, &out->cap, at[k]);
		free(at);
		return err;
	}
	for (k = 0; k < p->g->len && err >= 0; k++)
		if (p->g->n[k].type == p->t &&
		    strcmp(str(body_of(p, k), p->t->id_field), id) == 0)
			err = sdx__graph_push(&out->at, &out->n, &out->cap, k);
	return err;
}

/* One record per id and party, unless one supersedes the other. */
static int judge_id(struct plaus *p)
{
	const char *id = p->t->id_field ? str(p->body, p->t->id_field) : "";
	struct nodes s = { p->g, NULL, 0, 0 };
	char who[160];
	int err = 0, chain;
	size_t k;

	if (!*id)
		return 0;
	if ((err = same_id(&s, p, id)) < 0) {
		free(s.at);
		return err;
	}
	for (k = 0; k < s.n && err >= 0; k++) {
		size_t o = s.at[k];
		if (o == p->self || p->g->n[o].type != p->t || !same_issuer(p, o))
			continue;
		if ((err = chain_reaches(p, p->body, o, &chain)) < 0 || chain)
			continue;
		if (p->self != SIZE_MAX &&
		    ((err = chain_reaches(p, body_of(p, o), p->self, &chain)) < 0 || chain))
			continue;
		sdx__text_put(who, sizeof(who), "%s entry %.16s (%s #%llu)", p->t->name, p->g->n[o].hex,
			 p->g->n[o].origin, (unsigned long long)p->g->n[o].index);
		err = p->self == SIZE_MAX
			? fact(p, SDX__PLAUS_REFUSED, p->t->id_field, o, "'%s' is already the id of %s "
			       "of the same %s; a record that repeats it must supersede that one", id,
			       who, p->t->issuer_role ? p->t->issuer_role : "party")
			: fact(p, SDX__PLAUS_REFUSED, p->t->id_field, o, "'%s' is also the id of %s of "
			       "the same %s, and neither supersedes the other", id, who,
			       p->t->issuer_role ? p->t->issuer_role : "party");
	}
	free(s.at);
	return err;
}

int sdx__plausible(sdx_graph *g, const struct sdx_record_type *t, const json_t *body,
		   size_t self, sdx__plaus_cb cb, void *ctx)
{
	struct plaus p = { g, t, body, self, 0, cb, ctx };
	/* a record takes its inputs when it is made, its items when they leave */
	const char *date_field = t->date_field ? t->date_field : "production_date";
	const json_t *x;
	size_t i;
	int err = 0;

	/* a request's id, like a batch's, is its issuer's once (formats/request.md) */
	if (t->role != SDX_ROLE_COMPOSITE && t->role != SDX_ROLE_REQUEST)
		return 0;
	if ((self != SIZE_MAX && (err = superseded(&p, self, &p.replaced)) < 0) ||
	    (err = judge_id(&p)) < 0)
		return err;
	for (size_t e = 0; e < t->nedges && err >= 0; e++) {
		const struct sdx_record_edge *edge = &t->edges[e];
		if (!edge->held || !edge->array)
			continue;
		json_array_foreach(json_object_get(body, edge->array), i, x)
			if ((err = judge_link(&p, edge, i, x, date_field)) < 0)
				break;
	}
	return err;
}
