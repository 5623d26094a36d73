/*
 * formats/graph/census.c - sdx_graph_attribution() for a ledger with a
 * current graph index, without reading the graph: each record's outcome
 * (formats/trust.md) from its entry's header alone - the key that signed
 * it and, from version 4 on, the issuer it names, which the signed index
 * member carries (formats/ledger.md, "The index member"); only an older
 * entry's body is parsed.  The records listed (those not signed by the
 * party they name) and the records that share an id or a lot with another
 * of their type are then read into the lazy graph, and judged by the same
 * code as any walk's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/imported.h"
#include "formats/graph/attribution.h"
#include "formats/graph/census.h"
#include "formats/graph/internal.h"
#include "formats/index/index.h"
#include "formats/records/type.h"
#include "formats/trust/party.h"
#include "ledger/entry.h"
#include "ledger/internal.h"

struct census {
	sdx_graph *g;
	const char *own_origin;
	json_t *origins;          /* [{origin, own, party, records, signed, ...}] */
	unsigned char (*listed)[32]; /* the records to list, in ledger order */
	size_t nlisted, caplisted;
	size_t unbound, limit;
	int err;
};

/* The per-origin counts of `origin`, made on first use. */
static json_t *origin_entry(json_t *origins, const char *origin, int own)
{
	json_t *o;
	size_t i;

	json_array_foreach(origins, i, o)
		if (strcmp(json_string_value(json_object_get(o, "origin")), origin) == 0)
			return o;
	o = json_pack("{s:s, s:b, s:n, s:i, s:i, s:i, s:i, s:i, s:i}", "origin", origin,
		      "own", own, "party", "records", 0, "signed", 0, "restated", 0, "unbound", 0,
		      "role", 0, "not_named", 0);
	if (o && json_array_append_new(origins, o) < 0)
		return NULL;
	return o;
}

static int bump(json_t *o, const char *member)
{
	return json_object_set_new(o, member, json_integer(json_integer_value(
					       json_object_get(o, member)) + 1));
}

/* The issuer a version 4 header names: 1 (name "" if it names none), or 0 if
 * the header does not say (an older version), or SDX_ENOMEM. */
static int header_issuer(sdx_party *out, const struct sdx__entry_header *h)
{
	struct sdx__entry_keys k;
	size_t i;
	int err;

	memset(out, 0, sizeof(*out));
	if (h->version < 4 || !h->index)
		return 0;
	if ((err = sdx__entry_keys_read(&k, h->index, h->index_len)) < 0)
		return err == SDX_ENOMEM ? err : 0;
	for (i = 0; i < k.nids; i++) {
		if (strcmp(k.ids[i].kind, "issuer") == 0 && !out->name[0]) {
			snprintf(out->name, sizeof(out->name), "%s", k.ids[i].value);
		} else if (strcmp(k.ids[i].kind, "issuer_id") == 0 && out->nids < SDX_PARTY_IDS_MAX) {
			const char *colon = strchr(k.ids[i].value, ':');
			if (!colon || (size_t)(colon - k.ids[i].value) >= sizeof(out->ids[0].scheme))
				continue;
			snprintf(out->ids[out->nids].scheme, sizeof(out->ids[0].scheme), "%.*s",
				 (int)(colon - k.ids[i].value), k.ids[i].value);
			snprintf(out->ids[out->nids].id, sizeof(out->ids[0].id), "%s", colon + 1);
			out->nids++;
		}
	}
	sdx__entry_keys_free(&k);
	return 1;
}

/* The issuer an older entry's body names: 1, or 0 if it cannot be read. */
static int body_issuer(sdx_party *out, const struct sdx__entry_header *h,
		       const struct sdx_record_type *t)
{
	json_t *body = NULL;

	memset(out, 0, sizeof(*out));
	if (sdx__json_parse(&body, h->body, h->body_len, 64, "entry body") < 0) {
		sdx_error_clear();
		return 0;
	}
	sdx__party_from_json(out, json_object_get(body, t->issuer));
	json_decref(body);
	return 1;
}

static int list(struct census *c, const unsigned char leaf[32])
{
	if (c->nlisted == c->caplisted) {
		size_t cap = c->caplisted ? 2 * c->caplisted : 64;
		unsigned char (*p)[32] = realloc(c->listed, cap * sizeof(*p));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		c->listed = p;
		c->caplisted = cap;
	}
	memcpy(c->listed[c->nlisted++], leaf, 32);
	return 0;
}

static int count(struct census *c, const char *origin, int own, const unsigned char leaf[32],
		 const char *type, const unsigned char *data, size_t len)
{
	const struct sdx_record_type *t = sdx__graph_type(type);
	struct sdx__attribution a;
	struct sdx__entry e;
	sdx_party named;
	json_t *o;
	int err, known;

	if (!t || !t->issuer)
		return 0;
	memset(&e, 0, sizeof(e));
	if ((err = sdx__entry_open(&e, data, len)) < 0 || (err = sdx__entry_read(&e, NULL, 0)) < 0) {
		/* not a record that reads: verify names the entry, the graph skips it */
		sdx__entry_close(&e);
		if (err == SDX_ENOMEM)
			return err;
		sdx_error_clear();
		return 0;
	}
	known = header_issuer(&named, &e.h);
	if (known == 0)
		known = body_issuer(&named, &e.h, t);
	if (known < 0 || (err = sdx__attribution_decide(&a, c->g, t, own, e.h.key, &named)) < 0) {
		sdx__entry_close(&e);
		return known < 0 ? known : err;
	}
	sdx__entry_close(&e);
	if (!known)
		return 0;
	if (!(o = origin_entry(c->origins, origin, own)) || bump(o, "records") < 0 ||
	    bump(o, sdx__attribution_name(a.outcome)) < 0)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (a.signer && json_is_null(json_object_get(o, "party"))) {
		json_object_set_new(o, "party", json_string(a.signer->name));
		if (a.via)
			json_object_set_new(o, "introduced_by", json_string(a.via));
	}
	/* listed: every record not signed by the party it names, but of those
	 * merely unbound only the first c->limit (the counts are complete) */
	if (a.outcome == SDX__ATTR_SIGNED ||
	    (a.outcome == SDX__ATTR_UNBOUND && ++c->unbound > c->limit))
		return 0;
	return list(c, leaf);
}

static int own_entry(void *ctx, const sdx_entry *e)
{
	struct census *c = ctx;

	return count(c, c->own_origin, 1, e->leaf_hash, e->type, e->data, e->len);
}

static int foreign_entry(void *ctx, const sdx_foreign_entry *e)
{
	struct census *c = ctx;

	return count(c, e->origin, 0, e->leaf_hash, e->type, e->data, e->len);
}

int sdx__attribution_census(json_t *origins, unsigned char (**listed)[32], size_t *nlisted,
			    sdx_graph *g, size_t unbound_listed)
{
	struct census c;
	int err, snap;

	memset(&c, 0, sizeof(c));
	*listed = NULL;
	*nlisted = 0;
	c.g = g;
	c.own_origin = sdx_ledger_origin(g->l);
	c.origins = origins;
	c.limit = unbound_listed;
	snap = sdx_ledger_snapshot_begin(g->l) == 0;
	err = sdx__ledger_foreach_stored(g->l, 0, UINT64_MAX, own_entry, &c);
	if (!err)
		err = sdx__ledger_foreach_foreign_stored(g->l, foreign_entry, &c);
	if (snap)
		sdx_ledger_snapshot_end(g->l);
	if (err) {
		free(c.listed);
		return err;
	}
	*listed = c.listed;
	*nlisted = c.nlisted;
	return 0;
}
