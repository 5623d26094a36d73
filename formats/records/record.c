/*
 * formats/records/record.c - the record operations: validate, normalise,
 * list what a record cites, summarise it.
 *
 * A record is valid when it parses strictly, fits SDX_RECORD_MAX, matches its
 * embedded JSON Schema, keeps to the text hygiene every record keeps to
 * (text.c) and passes the rules of its type that a schema cannot state
 * (formats/records/<type>.c).  What a record cites comes from its type's
 * edges (type.h).
 */
#include <stdlib.h>
#include <string.h>

#include "sdx/record.h"
#include "sdx/text.h"
#include "formats/records/internal.h"
#include "formats/records/rules.h"
#include "formats/schema/schema.h"
#include "formats/records/type.h"
#include "formats/index/index.h"
#include "ledger/entry.h"
#include "ledger/internal.h"

/*
 * Parse and fully validate, against the schema of the record's version
 * (version.c); `write`: refuse a version no longer written.  On success *out
 * is the parsed record and *type_out its type.
 */
static int load_record(json_t **out, const struct sdx_record_type **type_out, const char *type,
		       const char *json, size_t len, int write)
{
	const struct sdx_record_type *t;
	const struct sdx_schema *schema;
	char name[SDX_TYPE_MAX + 16];
	json_t *j = NULL;
	int err, version;

	*out = NULL;
	if (!type || (!json && len))
		return sdx_error_set(SDX_EINVAL, "record type and text are required");
	if (!(t = sdx__record_type(type)) || !t->has_schema)
		return sdx_error_set(SDX_ENOTFOUND, "unknown record type '%.40s'", type);
	if (len > SDX_RECORD_INPUT_MAX)
		return sdx_error_set(SDX_ELIMIT, "%s: %zu bytes is larger than the input limit of "
				     "%d bytes; put documents into attachments", type, len,
				     SDX_RECORD_INPUT_MAX);
	if ((err = sdx__json_parse(&j, json ? json : "", len, SDX_JSON_MAX_DEPTH, type)) < 0)
		return err;
	if (!json_is_object(j)) {
		err = sdx__rule_bad(type, "a record must be a JSON object");
		goto done;
	}
	if ((err = sdx__record_version(&version, t, j)) < 0 ||
	    (write && (err = sdx__record_writable(t, version)) < 0))
		goto done;
	sdx__record_schema_name(name, sizeof(name), t, version);
	if ((err = sdx__schema_named(&schema, name)) < 0 ||
	    (err = sdx__schema_validate(schema, j)) < 0 ||
	    (err = sdx__rule_text(type, j)) < 0 ||
	    (t->rules && (err = t->rules(type, j)) < 0))
		goto done;
	*out = j;
	*type_out = t;
	j = NULL;
done:
	json_decref(j);
	return err;
}

int sdx_record_validate(const char *type, const char *json, size_t len)
{
	char *canon = NULL;
	size_t n;
	int err;

	/* Valid means normalisable: the canonical form must fit the limit too. */
	err = sdx_record_normalize(&canon, &n, type, json, len);
	free(canon);
	return err;
}

/* Collect distinct hashes in order of first appearance. */
struct hashes {
	unsigned char (*h)[32];
	size_t n, cap;
};

static int hashes_add(struct hashes *hs, const char *hex)
{
	unsigned char h[32];
	size_t i;

	if (!hex)
		return 0;
	if (sdx__hex32_parse(h, hex) < 0) /* the schema's pattern, or checked_hex() */
		return sdx_error_set(SDX_ESCHEMA, "'%.70s' is not a SHA-256 in lowercase hex", hex);
	for (i = 0; i < hs->n; i++)
		if (memcmp(hs->h[i], h, 32) == 0)
			return 0;
	if (hs->n == hs->cap) {
		size_t cap = hs->cap ? hs->cap * 2 : 4;
		void *p = realloc(hs->h, cap * sizeof(*hs->h));
		if (!p)
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		hs->h = p;
		hs->cap = cap;
	}
	memcpy(hs->h[hs->n++], h, 32);
	return 0;
}

/* The hex hashes a record carries: attachments (refs = 0) or entry references (1). */
static int collect(struct hashes *hs, const struct sdx_record_type *t, const json_t *j, int refs)
{
	size_t i, k;
	json_t *x;
	int err;

	for (k = 0; k < t->nedges; k++) {
		const struct sdx_record_edge *e = &t->edges[k];
		if (e->attachment == refs)
			continue;
		if (!e->array) {
			if ((err = hashes_add(hs, sdx__edge_hash(e, j))) < 0)
				return err;
			continue;
		}
		json_array_foreach(json_object_get(j, e->array), i, x)
			if ((err = hashes_add(hs, sdx__edge_hash(e, x))) < 0)
				return err;
	}
	return 0;
}

/* The same from an already parsed body that was not validated here (a
 * signed record from elsewhere): every hash is checked before it is read. */
static int checked_hex(const json_t *j)
{
	const char *s = json_string_value(j);

	return !s || (strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64);
}

static int checked_add(struct hashes *hs, const char *type, const struct sdx_record_edge *e,
		       const json_t *obj, size_t i)
{
	const json_t *h = json_object_get(obj, e->field);

	if (e->sub)
		h = json_object_get(h, e->sub);
	if (!checked_hex(h))
		return e->array
			? sdx_error_set(SDX_ESCHEMA, "%s: %s[%zu].%s%s%s: not 64 lowercase hex "
					"digits", type, e->array, i, e->field, e->sub ? "." : "",
					e->sub ? e->sub : "")
			: sdx_error_set(SDX_ESCHEMA, "%s: %s%s%s: not 64 lowercase hex digits", type,
					e->field, e->sub ? "." : "", e->sub ? e->sub : "");
	return hashes_add(hs, json_string_value(h));
}

int sdx__record_attachments_json(unsigned char (**out)[32], size_t *count, const char *type,
				 const json_t *body)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	struct hashes hs = { NULL, 0, 0 };
	size_t i, k;
	json_t *x;
	int err = 0;

	*out = NULL;
	*count = 0;
	for (k = 0; t && k < t->nedges && err == 0; k++) {
		const struct sdx_record_edge *e = &t->edges[k];
		if (!e->attachment)
			continue;
		if (!e->array) {
			err = checked_add(&hs, type, e, body, 0);
			continue;
		}
		json_array_foreach(json_object_get(body, e->array), i, x)
			if ((err = checked_add(&hs, type, e, x, i)) < 0)
				break;
	}
	if (err < 0) {
		free(hs.h);
		return err;
	}
	*out = hs.h;
	*count = hs.n;
	return 0;
}

/* The canonical bytes of a validated record, within the record limit. */
static int canonical(char **s, size_t *n, const json_t *j, const char *type)
{
	int err;

	if ((err = sdx__json_dump(s, n, j)) < 0)
		return err;
	/* 1e5 becomes 100000.0: the canonical form can outgrow the input. */
	if (*n > SDX_RECORD_MAX)
		return sdx_error_set(SDX_ELIMIT, "%s: the canonical form has %zu bytes, more than "
				     "the record limit of %d bytes", type, *n, SDX_RECORD_MAX);
	return 0;
}

int sdx_record_normalize(char **out, size_t *out_len, const char *type, const char *json,
			 size_t len)
{
	const struct sdx_record_type *t;
	json_t *j;
	char *s = NULL;
	size_t n = 0;
	int err;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((err = load_record(&j, &t, type, json, len, 0)) < 0)
		return err;
	if ((err = canonical(&s, &n, j, type)) < 0)
		goto done;
	*out = s;
	s = NULL;
	if (out_len)
		*out_len = n;
done:
	free(s);
	json_decref(j);
	return err;
}

int sdx__record_prepare(const char *type, const char *json, size_t len, char **canon,
			size_t *clen, unsigned char (**atts)[32], size_t *natts,
			unsigned char (**refs)[32], size_t *nrefs, char **index,
			size_t *index_len)
{
	struct hashes hs[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	const struct sdx_record_type *t;
	json_t *j;
	char *s = NULL;
	size_t n = 0;
	int k, err;

	*canon = NULL;
	*atts = *refs = NULL;
	*clen = *natts = *nrefs = 0;
	if ((err = load_record(&j, &t, type, json, len, 1)) < 0)
		return err;
	if ((err = canonical(&s, &n, j, type)) < 0)
		goto done;
	for (k = 0; k < 2; k++)
		if ((err = collect(&hs[k], t, j, k)) < 0)
			goto done;
	if (index && (err = sdx__index_member(index, index_len, type, j,
					      sdx__payload_version(SDX_ENTRY_PAYLOAD_TYPE))) < 0)
		goto done;
	*canon = s;
	*clen = n;
	*atts = hs[0].h;
	*natts = hs[0].n;
	*refs = hs[1].h;
	*nrefs = hs[1].n;
	s = NULL;
	hs[0].h = hs[1].h = NULL;
done:
	free(s);
	free(hs[0].h);
	free(hs[1].h);
	json_decref(j);
	return err;
}

static int extract(unsigned char (**out)[32], size_t *count, const char *type, const char *json,
		   size_t len, int refs)
{
	const struct sdx_record_type *t;
	struct hashes hs = { NULL, 0, 0 };
	json_t *j;
	int err;

	*out = NULL;
	*count = 0;
	if ((err = load_record(&j, &t, type, json, len, 0)) < 0)
		return err;
	err = collect(&hs, t, j, refs);
	json_decref(j);
	if (err < 0) {
		free(hs.h);
		return err;
	}
	*out = hs.h;
	*count = hs.n;
	return 0;
}

int sdx_record_attachments(unsigned char (**out)[32], size_t *count, const char *type,
			   const char *json, size_t len)
{
	return extract(out, count, type, json, len, 0);
}

int sdx_record_references(unsigned char (**out)[32], size_t *count, const char *type,
			  const char *json, size_t len)
{
	return extract(out, count, type, json, len, 1);
}

const char *sdx_record_id_field(const char *type)
{
	const struct sdx_record_type *t = sdx__record_type(type);

	return t ? t->id_field : NULL;
}

int sdx_record_summary(char *out, size_t cap, const char *type, const char *payload, size_t len)
{
	const struct sdx_record_type *t = sdx__record_type(type);
	json_t *p = payload ? json_loadb(payload, len, 0, NULL) : NULL;

	if (!cap)
		return sdx_error_set(SDX_EINVAL, "no room for a summary");
	out[0] = '\0';
	/* A type this build does not know (an application's own, appended with
	 * sdx_ledger_append()) reads as a declaration would: its material and
	 * supplier if it names them, else nothing. */
	if (!t)
		t = sdx__record_type("declaration");
	if (!p)
		return sdx_error_set(SDX_EFORMAT, "%s: the payload is not JSON", type ? type : "entry");
	t->summary(out, cap, json_object_get(p, "body"));
	/* a summary longer than cap ends where a character starts */
	out[sdx_text_cut(out, strlen(out))] = '\0';
	json_decref(p);
	return 0;
}

int sdx__entry_payload_json(json_t **out, const unsigned char *data, size_t len,
			    const char *what)
{
	sdx_entry tmp;
	char *payload = NULL;
	size_t plen;
	int err;

	*out = NULL;
	memset(&tmp, 0, sizeof(tmp));
	tmp.data = (unsigned char *)data;
	tmp.len = len;
	if ((err = sdx_entry_payload(&payload, &plen, &tmp)) < 0)
		return sdx__error_prefix(err, what);
	err = sdx__json_parse(out, payload, plen, 64, what);
	free(payload);
	if (!err && !json_is_object(json_object_get(*out, "body"))) {
		json_decref(*out);
		*out = NULL;
		err = sdx_error_set(SDX_EFORMAT, "%s: the payload has no record body", what);
	}
	return err;
}
