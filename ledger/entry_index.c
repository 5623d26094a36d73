/*
 * ledger/entry_index.c - version 3's index member (formats/ledger.md,
 * "Entries"): the record's ids by kind and the entries it cites, read by
 * position where it is laid out exactly as sdx writes it, else as JSON; both
 * give the same keys.  The ledger core reads the keys without knowing any
 * record type: what they mean is formats/index's.
 *
 *   {"edges":[[EDGE,"<64 hex>",LOT],...],"ids":{"KIND":["VALUE",...],...}}
 *
 * EDGE 0..999 without leading zeros, LOT a string or null, KIND
 * [a-z0-9_]{1,32} in ascending order, each with at least one value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger/entry.h"
#include "ledger/internal.h"

#define STRING_MAX 4096 /* longer strings are read as JSON */

/* Bytes of one UTF-8 character at p (as jansson accepts: no overlong forms,
 * no surrogates, at most U+10FFFF), or 0. */
static size_t utf8_char(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned long cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1fu;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0fu;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07u;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A string without escapes or control characters: its bytes between the
 * quotes into *s, *n; the cursor after the closing quote. */
static int str(struct sdx__cur *c, const char **s, size_t *n)
{
	const unsigned char *q, *end = (const unsigned char *)c->end;
	size_t k;

	if (sdx__cur_lit(c, "\"") < 0)
		return -1;
	for (q = (const unsigned char *)c->p; q < end && *q != '"'; q += k)
		if (*q < 0x20 || *q == '\\' || !(k = utf8_char(q, end)))
			return -1;
	if (q >= end || (const char *)q - c->p > STRING_MAX)
		return -1;
	*s = c->p;
	*n = (size_t)((const char *)q - c->p);
	c->p = (const char *)q + 1;
	return 0;
}

/* Where the fast scan puts what it reads (NULL members: only check). */
struct sink {
	struct sdx__entry_keys *k;
	char *w;                         /* next free byte of k->text */
};

static const char *keep(struct sink *o, const char *s, size_t n)
{
	char *at = o->w;

	memcpy(at, s, n);
	at[n] = '\0';
	o->w += n + 1;
	return at;
}

static int edge(struct sdx__cur *c, struct sink *o)
{
	unsigned v = 0;
	unsigned char dst[32];
	const char *lot = NULL, *d = c->p;
	size_t n = 0;

	if (sdx__cur_lit(c, "[") < 0)
		return -1;
	d = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - d < 3)
		v = v * 10 + (unsigned)(*c->p++ - '0');
	if (c->p == d || (c->p - d > 1 && *d == '0') || sdx__cur_lit(c, ",\"") < 0 ||
	    c->end - c->p < 65 ||
	    sdx__hex32_at(dst, c->p) < 0 || c->p[64] != '"')
		return -1;
	c->p += 65;
	if (sdx__cur_lit(c, ",") < 0)
		return -1;
	if (sdx__cur_lit(c, "null") < 0 && str(c, &lot, &n) < 0)
		return -1;
	if (sdx__cur_lit(c, "]") < 0)
		return -1;
	if (o->k) {
		struct sdx__entry_edge *e = &o->k->edges[o->k->nedges++];
		e->edge = v;
		memcpy(e->dst, dst, 32);
		e->lot = lot ? keep(o, lot, n) : NULL;
	}
	return 0;
}

static int kind_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

static int kinds(struct sdx__cur *c, struct sink *o)
{
	const char *kind, *prev = NULL, *value, *kept = NULL;
	size_t klen, plen = 0, vlen, i;

	while (sdx__cur_lit(c, "}") < 0) {
		if ((prev && sdx__cur_lit(c, ",") < 0) || str(c, &kind, &klen) < 0 || klen == 0 ||
		    klen > SDX_TYPE_MAX)
			return -1;
		for (i = 0; i < klen; i++)
			if (!kind_char(kind[i]))
				return -1;
		/* ascending: sorted, each kind once */
		if (prev && (memcmp(prev, kind, klen < plen ? klen : plen) > 0 ||
			     (memcmp(prev, kind, klen < plen ? klen : plen) == 0 && plen >= klen)))
			return -1;
		prev = kind;
		plen = klen;
		if (sdx__cur_lit(c, ":[") < 0)
			return -1;
		if (o->k)
			kept = keep(o, kind, klen);
		for (i = 0; sdx__cur_lit(c, "]") < 0; i++) {
			if ((i && sdx__cur_lit(c, ",") < 0) || str(c, &value, &vlen) < 0)
				return -1;
			if (o->k) {
				o->k->ids[o->k->nids].kind = kept;
				o->k->ids[o->k->nids++].value = keep(o, value, vlen);
			}
		}
		if (i == 0)
			return -1;
	}
	return 0;
}

static int scan(const char *p, const char *end, struct sink *o)
{
	struct sdx__cur c = { p, end };
	size_t i;

	if (sdx__cur_lit(&c, "{\"edges\":[") < 0)
		return -1;
	for (i = 0; sdx__cur_lit(&c, "]") < 0; i++)
		if ((i && sdx__cur_lit(&c, ",") < 0) || edge(&c, o) < 0)
			return -1;
	if (sdx__cur_lit(&c, ",\"ids\":{") < 0 || kinds(&c, o) < 0 || sdx__cur_lit(&c, "}") < 0 ||
	    c.p != c.end)
		return -1;
	return 0;
}

int sdx__index_fast(const char *p, const char *end)
{
	struct sink o = { NULL, NULL };

	return scan(p, end, &o) == 0;
}

/* ---- as JSON --------------------------------------------------------------------- */

static int bad(struct sdx__entry_fault *f, const char *how)
{
	f->kind = SDX__ENTRY_INDEX;
	snprintf(f->a, sizeof(f->a), "payload: index: %s", how);
	return -1;
}

static int json_edge(const json_t *x)
{
	const json_t *e = json_array_get(x, 0), *lot = json_array_get(x, 2);
	unsigned char h[32];

	return json_is_array(x) && json_array_size(x) == 3 && json_is_integer(e) &&
	       json_integer_value(e) >= 0 && json_integer_value(e) <= SDX__INDEX_EDGE_MAX &&
	       sdx__hex32_parse(h, json_string_value(json_array_get(x, 1))) == 0 &&
	       (json_is_null(lot) || json_is_string(lot));
}

int sdx__index_json(const json_t *index, struct sdx__entry_fault *f)
{
	const json_t *edges = json_object_get(index, "edges"), *ids = json_object_get(index, "ids");
	const json_t *x, *list;
	const char *kind;
	size_t i, k;

	if (!json_is_object(index) || json_object_size(index) != 2 || !json_is_array(edges) ||
	    !json_is_object(ids))
		return bad(f, "not an object with exactly the arrays 'edges' and 'ids'");
	json_array_foreach(edges, i, x)
		if (!json_edge(x))
			return bad(f, "an edge is not [number 0-999, 64 lowercase hex digits, lot "
				   "or null]");
	json_object_foreach((json_t *)ids, kind, list) {
		if (!*kind || strlen(kind) > SDX_TYPE_MAX || strspn(kind, "abcdefghijklmnopqrstuvwxyz"
								  "0123456789_") != strlen(kind))
			return bad(f, "an id kind is not 1-32 of a-z, 0-9 and _");
		if (!json_is_array(list) || json_array_size(list) == 0)
			return bad(f, "ids of a kind are not a list of strings");
		json_array_foreach(list, k, x)
			if (!json_is_string(x))
				return bad(f, "ids of a kind are not a list of strings");
	}
	return 0;
}

/* ---- the keys ---------------------------------------------------------------- */

void sdx__entry_keys_free(struct sdx__entry_keys *k)
{
	free(k->ids);
	free(k->edges);
	free(k->text);
	memset(k, 0, sizeof(*k));
}

/* Room for every key [index, index + len) can hold: each value takes at least
 * 3 bytes ("",), each edge more than 64, and the strings fit in len. */
static int room(struct sdx__entry_keys *k, size_t len)
{
	memset(k, 0, sizeof(*k));
	if (!(k->ids = malloc((len / 3 + 1) * sizeof(*k->ids))) ||
	    !(k->edges = malloc((len / 64 + 1) * sizeof(*k->edges))) ||
	    !(k->text = malloc(len + 1))) {
		sdx__entry_keys_free(k);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	return 0;
}

/* The keys of a parsed index member whose shape sdx__index_json() accepted. */
static void from_json(struct sdx__entry_keys *k, const json_t *index)
{
	struct sink o = { k, k->text };
	const json_t *x, *list;
	const char *kind, *kept;
	size_t i, j;

	json_array_foreach(json_object_get(index, "edges"), i, x) {
		const char *lot = json_string_value(json_array_get(x, 2));
		struct sdx__entry_edge *e = &k->edges[k->nedges++];
		e->edge = (unsigned)json_integer_value(json_array_get(x, 0));
		(void)sdx__hex32_parse(e->dst, json_string_value(json_array_get(x, 1)));
		e->lot = lot ? keep(&o, lot, strlen(lot)) : NULL;
	}
	json_object_foreach((json_t *)json_object_get(index, "ids"), kind, list) {
		kept = keep(&o, kind, strlen(kind));
		json_array_foreach(list, j, x) {
			k->ids[k->nids].kind = kept;
			k->ids[k->nids++].value = keep(&o, json_string_value(x),
						       json_string_length(x));
		}
	}
}

int sdx__entry_keys_read(struct sdx__entry_keys *out, const char *index, size_t len)
{
	struct sdx__entry_fault f;
	struct sink o;
	json_t *j = NULL;
	int err;

	if ((err = room(out, len)) < 0)
		return err;
	o.k = out;
	o.w = out->text;
	if (scan(index, index + len, &o) == 0)
		return 0;
	/* escapes: as JSON (decoded strings are no longer than their escapes) */
	sdx__entry_keys_free(out);
	if ((err = room(out, len)) < 0)
		return err;
	if (sdx__json_parse(&j, index, len, 8, "index") < 0 || sdx__index_json(j, &f) < 0) {
		json_decref(j);
		sdx__entry_keys_free(out);
		return sdx_error_set(SDX_EFORMAT, "payload: index: not an index member");
	}
	from_json(out, j);
	json_decref(j);
	return 0;
}
