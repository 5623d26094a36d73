/*
 * formats/index/keys.c - a record's index keys (the ids it is known by and
 * the entries it cites), from its type's descriptor alone
 * (formats/records/type.h), as the index member a version 3 payload carries
 * in its signed header (formats/ledger.md, "Entries"), and as the keys the
 * graph index writes rows from, whatever the entry's version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/index/index.h"
#include "formats/records/type.h"
#include "ledger/entry.h"
#include "ledger/internal.h"

#define LOTS_ON_STACK 1024 /* a declaration lists at most 1000 */
#define MAX_REFS 600        /* as a graph read whole (formats/graph/load.c) */

/* The member at "a" or "a.b" of body. */
static const json_t *member(const json_t *body, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[64];

	if (!dot)
		return json_object_get(body, path);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(body, head), dot + 1);
}

/* Add value to ids[kind] (a kind's list is made when it gets its first). */
static int add_id(json_t *ids, const char *kind, const char *value)
{
	json_t *list = json_object_get(ids, kind);

	if (!value)
		return 0;
	if (!list && (json_object_set_new(ids, kind, list = json_array()) < 0 || !list))
		return -1;
	return json_array_append_new(list, json_string(value)) < 0 ? -1 : 0;
}

static int add_lots(json_t *ids, const struct sdx_record_type *t, const json_t *body)
{
	const char *stack[LOTS_ON_STACK], **lots = stack;
	size_t k, m;
	int err = 0;

	if (!t->lots)
		return 0;
	if ((m = t->lots(body, stack, LOTS_ON_STACK)) > LOTS_ON_STACK) {
		if (!(lots = malloc(m * sizeof(*lots))))
			return -1;
		t->lots(body, lots, m);
	}
	for (k = 0; k < m && err == 0; k++)
		err = add_id(ids, "lot", lots[k] ? lots[k] : "");
	if (lots != stack)
		free(lots);
	return err;
}

/* A party object's name as `name_kind` and its "SCHEME:ID"s as `id_kind`. */
static int add_party(json_t *ids, const json_t *party, const char *name_kind, const char *id_kind)
{
	char id[300];
	size_t i;
	json_t *x;

	if (add_id(ids, name_kind, json_string_value(json_object_get(party, "name"))) < 0)
		return -1;
	json_array_foreach(json_object_get(party, "identifiers"), i, x) {
		const char *scheme = json_string_value(json_object_get(x, "scheme"));
		const char *v = json_string_value(json_object_get(x, "id"));
		if (!scheme || !v)
			continue;
		snprintf(id, sizeof(id), "%s:%s", scheme, v);
		if (add_id(ids, id_kind, id) < 0)
			return -1;
	}
	return 0;
}

/* Every party the type names; from version 4 on, the issuer once more on
 * its own, so that attribution reads it from the header (formats/ledger.md,
 * "The index member"). */
static int add_parties(json_t *ids, const struct sdx_record_type *t, const json_t *body,
		       int version)
{
	const char *const *path;

	for (path = t->parties; path && *path; path++)
		if (add_party(ids, member(body, *path), "party", "party_id") < 0)
			return -1;
	if (version >= 4 && t->issuer && json_is_string(json_object_get(member(body, t->issuer),
									     "name")))
		return add_party(ids, member(body, t->issuer), "issuer", "issuer_id");
	return 0;
}

/* [edge number, cited leaf, lot_number or null] per entry cited, in the
 * order of the type's edges, then of each array. */
static int add_edges(json_t *edges, const struct sdx_record_type *t, const json_t *body)
{
	unsigned char dst[32];
	size_t e, i, k = 0, count;

	for (e = 0; e < t->nedges && e <= SDX__INDEX_EDGE_MAX; e++) {
		const struct sdx_record_edge *edge = &t->edges[e];
		const json_t *arr = edge->array ? json_object_get(body, edge->array) : NULL;
		if (edge->attachment)
			continue;
		count = edge->array ? json_array_size(arr) : 1;
		for (i = 0; i < count; i++) {
			const json_t *x = edge->array ? json_array_get(arr, i) : body;
			const char *lot = edge->array ? json_string_value(json_object_get(x,
									"lot_number")) : NULL;
			const char *hex = sdx__edge_hash(edge, x);
			if (!hex || k++ >= MAX_REFS || sdx__hex32_parse(dst, hex) != 0)
				continue;
			if (json_array_append_new(edges, json_pack("[I, s, s?]", (json_int_t)e, hex,
								   lot)) < 0)
				return -1;
		}
	}
	return 0;
}

int sdx__index_member(char **out, size_t *len, const char *type, const json_t *body,
		      int version)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	json_t *ids = json_object(), *edges = json_array(), *m = NULL;
	int err = -1;

	*out = NULL;
	if (!ids || !edges)
		goto done;
	if (t && t->role != SDX_ROLE_LEDGER && json_is_object(body) &&
	    ((t->id_field && add_id(ids, t->id_field, json_string_value(json_object_get(body,
							t->id_field))) < 0) ||
	     add_lots(ids, t, body) < 0 || add_parties(ids, t, body, version) < 0 ||
	     add_edges(edges, t, body) < 0))
		goto done;
	if (!(m = json_pack("{s:O, s:O}", "edges", edges, "ids", ids)))
		goto done;
	err = sdx__json_dump(out, len, m);
done:
	json_decref(ids);
	json_decref(edges);
	json_decref(m);
	return err == 0 ? 0 : sdx_error_set(SDX_ENOMEM, "out of memory");
}

int sdx__index_member_text(char **out, size_t *len, const char *type, const char *body,
			   size_t body_len, int version)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	json_t *j = NULL;
	int err;

	if (!t || t->role == SDX_ROLE_LEDGER)
		return sdx__index_member(out, len, type, NULL, version);
	if ((err = sdx__json_parse(&j, body, body_len, 64, "entry body")) < 0)
		return err;
	err = sdx__index_member(out, len, type, j, version);
	json_decref(j);
	return err;
}

int sdx__gindex_keys(struct sdx__entry_keys *out, const char *type, const unsigned char *data,
		     size_t len, const char *payload, size_t plen)
{
	struct sdx__entry e;
	char *m = NULL;
	size_t mlen = 0;
	json_t *body = NULL;
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!sdx__gindex_needs_body(type))
		return 0;
	/* an own append hands its payload over: no envelope to decode */
	if (payload && sdx__entry_header_fast(&e.h, payload, plen,
					      sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE))) {
		err = sdx__entry_keys_read(out, e.h.index, e.h.index_len);
		sdx__entry_header_clear(&e.h);
		return err == 0 ? 1 : err == SDX_ENOMEM ? err : 0;
	}
	memset(&e, 0, sizeof(e));
	if (sdx__entry_open(&e, data, len) < 0 || sdx__entry_read(&e, NULL, 0) < 0)
		goto done; /* not in the graph: verify names the entry */
	if (e.h.version >= 3) {
		err = sdx__entry_keys_read(out, e.h.index, e.h.index_len);
		err = err == 0 ? 1 : err == SDX_ENOMEM ? err : 0;
		goto done;
	}
	/* versions 1 and 2 carry no keys: the body gives them */
	if (sdx__json_parse(&body, e.h.body, e.h.body_len, 64, "entry") < 0 ||
	    !json_is_object(body))
		goto done;
	if ((err = sdx__index_member(&m, &mlen, type, body, e.h.version)) < 0 ||
	    (err = sdx__entry_keys_read(out, m, mlen)) < 0)
		goto done;
	err = 1;
done:
	json_decref(body);
	free(m);
	sdx__entry_close(&e);
	if (err <= 0 && err != SDX_ENOMEM) {
		sdx_error_clear();
		err = 0;
	}
	return err;
}
