/*
 * formats/trust/party.c - parties: checked by formats/schemas/party.schema.json
 * before a binding is stored, read from records, compared (formats/trust.md).
 */
#include <stdio.h>
#include <string.h>

#include "sdx/error.h"
#include "sdx/trust.h"
#include "formats/records/internal.h"
#include "formats/records/type.h"
#include "formats/schema/schema.h"
#include "formats/trust/introduction.h"
#include "formats/trust/party.h"
#include "ledger/internal.h"
#include "formats/text/text.h"

json_t *sdx__party_json(const sdx_party *p)
{
	json_t *j = json_object(), *ids = json_array(), *roles = json_array();
	size_t i;

	if (!j || !ids || !roles) {
		json_decref(j);
		json_decref(ids);
		json_decref(roles);
		return NULL;
	}
	json_object_set_new(j, "name", json_string(p->name));
	for (i = 0; i < p->nids && i < SDX_PARTY_IDS_MAX; i++)
		json_array_append_new(ids, json_pack("{s:s, s:s}", "scheme", p->ids[i].scheme,
						     "id", p->ids[i].id));
	json_object_set_new(j, "identifiers", ids);
	if (p->country[0])
		json_object_set_new(j, "country", json_string(p->country));
	for (i = 0; i < p->nroles && i < SDX_PARTY_ROLES_MAX; i++)
		json_array_append_new(roles, json_string(p->roles[i]));
	json_object_set_new(j, "roles", roles);
	return j;
}

int sdx_party_check(const sdx_party *p)
{
	const struct sdx_schema *schema;
	json_t *j;
	int err;

	if (p->nids > SDX_PARTY_IDS_MAX || p->nroles > SDX_PARTY_ROLES_MAX)
		return sdx_error_set(SDX_ESCHEMA, "party: more than %d identifiers or %d roles",
				     SDX_PARTY_IDS_MAX, SDX_PARTY_ROLES_MAX);
	if (memchr(p->name, '\0', sizeof(p->name)) == NULL ||
	    !sdx__utf8_valid((const unsigned char *)p->name, strlen(p->name)))
		return sdx_error_set(SDX_ESCHEMA, "party: name: not UTF-8 text");
	if ((err = sdx__schema_named(&schema, "party")) < 0)
		return err;
	if (!(j = sdx__party_json(p)))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	err = sdx__schema_validate(schema, j);
	json_decref(j);
	return err;
}

int sdx_ledger_trust_bind(sdx_ledger *l, const sdx_verifier *v, const sdx_party *p)
{
	int err;

	if (!v)
		return sdx_error_set(SDX_EINVAL, "sdx_ledger_trust_bind: no key");
	return (err = sdx_party_check(p)) < 0 ? err : sdx__binding_put(l, v, p);
}

int sdx_ledger_party_set(sdx_ledger *l, const sdx_party *p)
{
	int err;

	return (err = sdx_party_check(p)) < 0 ? err : sdx__binding_put(l, NULL, p);
}

/* Copy s into out[cap]: 0, or -1 if it does not fit. */
static int copy(char *out, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap)
		return -1;
	memcpy(out, s, n + 1);
	return 0;
}

int sdx__party_from_json(sdx_party *out, const json_t *obj)
{
	const json_t *x;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!json_is_string(json_object_get(obj, "name")) ||
	    copy(out->name, sizeof(out->name), json_string_value(json_object_get(obj, "name"))) < 0)
		goto none;
	/* records are schema-valid: a country is two letters */
	copy(out->country, sizeof(out->country), sdx__jstr(obj, "country", NULL));
	json_array_foreach(json_object_get(obj, "identifiers"), i, x) {
		if (out->nids == SDX_PARTY_IDS_MAX)
			break;
		if (copy(out->ids[out->nids].scheme, sizeof(out->ids[0].scheme),
			 sdx__jstr(x, "scheme", NULL)) == 0 &&
		    copy(out->ids[out->nids].id, sizeof(out->ids[0].id), sdx__jstr(x, "id", NULL)) == 0)
			out->nids++;
	}
	return 1;
none:
	memset(out, 0, sizeof(*out));
	return 0;
}

/* The next byte of a name as compared: ASCII folded, white space runs as one
 * space, none at either end.  *p advances; 0 at the end. */
static int next_folded(const char **p, int *started)
{
	const unsigned char *s = (const unsigned char *)*p;
	int space = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
		space = 1;
		s++;
	}
	if (*s == '\0') {
		*p = (const char *)s;
		return 0;
	}
	if (space && *started) {
		*p = (const char *)s; /* the space, then this byte on the next call */
		return ' ';
	}
	*started = 1;
	*p = (const char *)s + 1;
	return *s >= 'A' && *s <= 'Z' ? *s + 32 : *s;
}

static int same_name(const char *a, const char *b)
{
	int sa = 0, sb = 0, ca, cb;

	do {
		ca = next_folded(&a, &sa);
		cb = next_folded(&b, &sb);
	} while (ca && ca == cb);
	return ca == cb;
}

int sdx__party_same(const sdx_party *a, const sdx_party *b)
{
	size_t i, k;

	for (i = 0; i < a->nids; i++)
		for (k = 0; k < b->nids; k++)
			if (strcmp(a->ids[i].scheme, b->ids[k].scheme) == 0 &&
			    strcmp(a->ids[i].id, b->ids[k].id) == 0)
				return 1;
	if (a->nids && b->nids)
		return 0;
	return a->name[0] && same_name(a->name, b->name);
}

int sdx__party_has_role(const sdx_party *p, const char *role)
{
	for (size_t i = 0; i < p->nroles; i++)
		if (strcmp(p->roles[i], role) == 0)
			return 1;
	return 0;
}

void sdx__party_text(char *out, size_t cap, const sdx_party *p)
{
	size_t i, len;

	len = (size_t)snprintf(out, cap, "%s", p->name);
	for (i = 0; i < p->nids && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%s:%s", i ? ", " : " (",
					p->ids[i].scheme, p->ids[i].id);
	if (p->nids && len < cap)
		sdx__text_put(out + len, cap - len, ")");
}

struct inherit {
	sdx_ledger *l;
	const sdx_verifier *v;
	sdx_party p;
	int found;
};

static int bound_of_name(void *ctx, const sdx_verifier *k, const char *label, const char *added)
{
	struct inherit *in = ctx;
	int rc;

	(void)label;
	(void)added;
	if (in->found || strcmp(sdx_verifier_name(k), sdx_verifier_name(in->v)) != 0 ||
	    memcmp(sdx_verifier_public_key(k), sdx_verifier_public_key(in->v), 32) == 0)
		return 0;
	if ((rc = sdx_ledger_trust_binding(&in->p, in->l, sdx_verifier_public_key(k))) < 0)
		return rc;
	in->found = rc;
	return 0;
}

int sdx__binding_inherit(sdx_ledger *l, const sdx_verifier *v)
{
	struct inherit in;
	int err;

	memset(&in, 0, sizeof(in));
	in.l = l;
	in.v = v;
	/* trusted through an introduction, its rotation is too (formats/trust.md §5) */
	if ((err = sdx__intro_inherit(l, v)) < 0)
		return err;
	if ((err = sdx_ledger_trust_binding(&in.p, l, sdx_verifier_public_key(v))) != 0)
		return err < 0 ? err : 0; /* bound already: left as it is */
	if ((err = sdx_ledger_foreach_trusted(l, bound_of_name, &in)) < 0)
		return err;
	return in.found ? sdx__binding_put(l, v, &in.p) : 0;
}
