/*
 * formats/bundle/policy.c - a disclosure policy: which disclosures of
 * concealed fields travel in a bundle, and whether the attachments of a
 * record with a withheld field do (formats/disclosure.md, "Choosing what
 * travels"; formats/schemas/disclose-policy.schema.json).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "formats/bundle/internal.h"
#include "formats/records/internal.h"
#include "formats/schema/schema.h"
#include "ledger/internal.h"
#include "sdx/bundle.h"
#include "sdx/error.h"

enum { MODE_UNSET, MODE_ALL, MODE_NONE, MODE_LIST };

struct rule {
	int mode;
	char **pats;      /* MODE_LIST: the pointers, as written */
	size_t n;
	int attachments;  /* -1 unset, 0 withhold, 1 send */
};

struct typed {
	char *type;
	struct rule r;
};

struct sdx_disclose_policy {
	struct rule all;  /* the top level */
	struct typed *t;
	size_t nt;
};

static void rule_free(struct rule *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->pats[i]);
	free(r->pats);
}

void sdx_disclose_policy_free(sdx_disclose_policy *p)
{
	if (!p)
		return;
	rule_free(&p->all);
	for (size_t i = 0; i < p->nt; i++) {
		free(p->t[i].type);
		rule_free(&p->t[i].r);
	}
	free(p->t);
	free(p);
}

/* A rule from an object the schema accepted. */
static int rule_read(struct rule *r, const json_t *obj)
{
	const json_t *d = json_object_get(obj, "disclose"), *v;
	const char *a = json_string_value(json_object_get(obj, "attachments"));
	size_t i;

	r->attachments = a ? !strcmp(a, "send") : -1;
	if (!d)
		return 0;
	if (json_is_string(d)) {
		r->mode = !strcmp(json_string_value(d), "all") ? MODE_ALL : MODE_NONE;
		return 0;
	}
	r->mode = MODE_LIST;
	if (!(r->pats = calloc(json_array_size(d) + 1, sizeof(*r->pats))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_array_foreach(d, i, v) {
		if (!(r->pats[i] = strdup(json_string_value(v))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		r->n++;
	}
	return 0;
}

int sdx_disclose_policy_parse(sdx_disclose_policy **out, const char *text, size_t len,
			      const char *name)
{
	const struct sdx_schema *schema;
	sdx_disclose_policy *p = NULL;
	json_t *j = NULL, *types, *v;
	const char *k;
	char why[512];
	int err;

	*out = NULL;
	if (!name)
		name = "policy";
	if ((err = sdx__json_parse(&j, text, len, 16, name)) < 0)
		return err;
	if ((err = sdx__schema_named(&schema, "disclose-policy")) < 0)
		goto done;
	if ((err = sdx__schema_validate(schema, j)) < 0) {
		snprintf(why, sizeof(why), "%s", sdx_error_last());
		err = sdx_error_set(err, "'%s': %s", name, why);
		goto done;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = rule_read(&p->all, j)) < 0)
		goto done;
	types = json_object_get(j, "types");
	if (types && !(p->t = calloc(json_object_size(types) + 1, sizeof(*p->t)))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	json_object_foreach(types, k, v) {
		if (!(p->t[p->nt].type = strdup(k))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		p->nt++;
		if ((err = rule_read(&p->t[p->nt - 1].r, v)) < 0)
			goto done;
	}
	*out = p;
	p = NULL;
done:
	sdx_disclose_policy_free(p);
	json_decref(j);
	return err;
}

static const struct rule *rule_of(const sdx_disclose_policy *p, const char *type)
{
	for (size_t i = 0; type && i < p->nt; i++)
		if (!strcmp(p->t[i].type, type))
			return &p->t[i].r;
	return NULL;
}

/*
 * 1 if the pattern covers the pointer: each of its reference tokens equals
 * the pointer's token at that place, or is "*", and the pointer has at least
 * as many (a pattern covers the fields inside the one it names).  Tokens are
 * compared as escaped: ~0 and ~1 are the only escapes, so one name has one
 * form.
 */
int sdx__disclose_pattern_covers(const char *pat, const char *ptr)
{
	if (*pat != '/' || *ptr != '/')
		return 0;
	while (*pat) {
		const char *pe, *qe;
		size_t pl, ql;

		if (*pat != '/' || *ptr != '/')
			return 0;
		pat++;
		ptr++;
		pe = strchr(pat, '/');
		qe = strchr(ptr, '/');
		pl = pe ? (size_t)(pe - pat) : strlen(pat);
		ql = qe ? (size_t)(qe - ptr) : strlen(ptr);
		if (!(pl == 1 && *pat == '*') && (pl != ql || memcmp(pat, ptr, pl) != 0))
			return 0;
		pat += pl;
		ptr += ql;
		if (*pat && !*ptr)
			return 0; /* the pattern names a field inside this one */
	}
	return 1;
}

int sdx_disclose_policy_discloses(const sdx_disclose_policy *p, const char *type,
				  const char *pointer)
{
	const struct rule *t, *r;

	if (!p)
		return 1;
	t = rule_of(p, type);
	r = t && t->mode != MODE_UNSET ? t : &p->all;
	if (r->mode == MODE_ALL)
		return 1;
	if (r->mode != MODE_LIST || !pointer)
		return 0;
	for (size_t i = 0; i < r->n; i++)
		if (sdx__disclose_pattern_covers(r->pats[i], pointer))
			return 1;
	return 0;
}

int sdx_disclose_policy_sends_attachments(const sdx_disclose_policy *p, const char *type)
{
	const struct rule *t;

	if (!p)
		return 1;
	t = rule_of(p, type);
	if (t && t->attachments >= 0)
		return t->attachments;
	return p->all.attachments > 0;
}
