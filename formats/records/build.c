/*
 * formats/records/build.c - records made from field values and references
 * (sdx/build.h): the machinery; which fields a type has, in which order,
 * which are required, their defaults and how an input or item names the
 * entry it uses are in its descriptor (type.h, e.g. batch.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sdx/build.h"
#include "sdx/error.h"
#include "sdx/record.h"
#include "formats/records/build.h"
#include "formats/records/internal.h"
#include "formats/records/type.h"
#include "ledger/internal.h"

#define MAX_FIELDS 16

struct slot {
	char *value;
	char *what;
};

/* The values of a repeated field, in the order given. */
struct slots {
	struct slot *v;
	size_t n, cap;
};

struct sdx_record_builder {
	const struct sdx_record_type *type;
	const struct sdx_record_build *t;
	struct slot fields[MAX_FIELDS];
	struct slots lists[MAX_FIELDS]; /* SDX_FIELD_IDS, _STRINGS: each element */
	json_t *quantity[MAX_FIELDS];   /* parsed by check */
	struct slots links;
	json_t *rec;                    /* made by resolve */
	char label[SDX_TYPE_MAX + 80];
};

/* Split "a:b:c" in place at ':' into at most max fields; -1 if there are more. */
int sdx__build_split(char *s, char **fields, size_t max, size_t *n)
{
	char *p = s;

	*n = 0;
	for (;;) {
		char *c = strchr(p, ':');
		if (*n == max)
			return -1;
		fields[(*n)++] = p;
		if (!c)
			return 0;
		*c = '\0';
		p = c + 1;
	}
}

/* {"value": V, "unit": U}: an integer when V is written as one. */
int sdx__build_quantity(json_t **out, const char *value, const char *unit, const char *what)
{
	char *end;
	double v;

	*out = NULL;
	errno = 0;
	v = strtod(value, &end);
	if (!*value || *end || errno || !(v > 0))
		return sdx_error_set(SDX_EFORMAT, "%s: '%s' is not a positive number", what, value);
	if (!*unit)
		return sdx_error_set(SDX_EFORMAT, "%s: a unit is needed (UN/ECE Rec 20: KGM, TNE, "
				     "H87...)", what);
	if (strspn(value, "0123456789") == strlen(value) && strlen(value) < 16)
		*out = json_pack("{s:I, s:s}", "value", (json_int_t)v, "unit", unit);
	else
		*out = json_pack("{s:f, s:s}", "value", v, "unit", unit);
	return *out ? 0 : sdx_error_set(SDX_ENOMEM, "out of memory");
}

/* REF -> the entry it names, own or imported. */
int sdx__build_find(sdx_found **f, char hex[65], sdx_ledger *l, const char *ref)
{
	int err;

	if ((err = sdx_ledger_find(f, l, ref)) < 0)
		return err;
	sdx__hex(hex, (*f)->entry.leaf_hash, 32);
	return 0;
}

int sdx_record_builder_new(sdx_record_builder **out, const char *type)
{
	const struct sdx_record_type *t;

	*out = NULL;
	if (!(t = sdx__record_type(type)) || !t->build)
		return sdx_error_set(SDX_ENOTFOUND, "no record builder for type '%s'", type);
	if (!(*out = calloc(1, sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	(*out)->type = t;
	(*out)->t = t->build;
	return 0;
}

static void slot_clear(struct slot *s)
{
	free(s->value);
	free(s->what);
	s->value = s->what = NULL;
}

static void slots_clear(struct slots *s)
{
	for (size_t i = 0; i < s->n; i++)
		slot_clear(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void sdx_record_builder_free(sdx_record_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < MAX_FIELDS; i++) {
		slot_clear(&b->fields[i]);
		slots_clear(&b->lists[i]);
		json_decref(b->quantity[i]);
	}
	slots_clear(&b->links);
	json_decref(b->rec);
	free(b);
}

static int slot_set(struct slot *s, const char *value, const char *what)
{
	slot_clear(s);
	if (!(s->value = strdup(value)) || !(s->what = strdup(what))) {
		slot_clear(s);
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	}
	return 0;
}

/* One more value of a repeated field, at most SDX_BUILD_MAX_LINKS: "NAME: more
 * than N WHAT" names them in the message. */
static int slots_add(struct slots *s, const char *value, const char *what, const char *name,
		     const char *kind)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 4;
		void *p;
		if (s->n == SDX_BUILD_MAX_LINKS)
			return sdx_error_set(SDX_ELIMIT, "%s: more than %d %s", name,
					     SDX_BUILD_MAX_LINKS, kind);
		if (!(p = realloc(s->v, cap * sizeof(*s->v))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		s->v = p;
		s->cap = cap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	if (slot_set(&s->v[s->n], value, what) < 0)
		return SDX_ENOMEM;
	s->n++;
	return 0;
}

static size_t field_index(const struct sdx_record_build *t, const char *path)
{
	size_t i;

	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].path, path) == 0)
			return i;
	return SIZE_MAX;
}

int sdx_record_builder_set(sdx_record_builder *b, const char *field, const char *value,
			   const char *what)
{
	size_t i = field_index(b->t, field);

	if (i == SIZE_MAX || b->t->fields[i].kind == SDX_FIELD_LINKS)
		return sdx_error_set(SDX_EINVAL, "%s: no field '%s'", b->type->name, field);
	if (b->t->fields[i].kind == SDX_FIELD_IDS || b->t->fields[i].kind == SDX_FIELD_STRINGS)
		return slots_add(&b->lists[i], value, what ? what : field, field, "values");
	return slot_set(&b->fields[i], value, what ? what : field);
}

int sdx_record_builder_add(sdx_record_builder *b, const char *spec, const char *what)
{
	return slots_add(&b->links, spec, what ? what : spec, b->type->name, "inputs or items");
}

const char *sdx_record_builder_missing(const sdx_record_builder *b)
{
	size_t i;

	for (i = 0; i < b->t->nfields; i++) {
		const struct sdx_record_field *f = &b->t->fields[i];
		size_t given = f->kind == SDX_FIELD_LINKS ? b->links.n
			       : f->kind == SDX_FIELD_IDS || f->kind == SDX_FIELD_STRINGS ? b->lists[i].n
			       : b->fields[i].value != NULL;
		if (f->flags & SDX_FIELD_REQUIRED && !given)
			return f->path;
	}
	return NULL;
}

/* {"scheme", "id"} from "SCHEME:ID" (the schema judges the scheme and the id). */
static int make_id(json_t **out, const struct slot *s)
{
	const char *colon = strchr(s->value, ':');

	*out = NULL;
	if (!colon || colon == s->value || !colon[1])
		return sdx_error_set(SDX_EFORMAT, "%s: expected SCHEME:ID, e.g. USCI:"
				     "91330282MA2CX7LH5B (USCI, LEI, GLN, DUNS, EORI or VAT)",
				     s->what);
	*out = json_pack("{s:s%, s:s}", "scheme", s->value, (size_t)(colon - s->value), "id",
			 colon + 1);
	return *out ? 0 : sdx_error_set(SDX_ENOMEM, "out of memory");
}

static int make_ids(json_t **out, const struct slots *s)
{
	json_t *one;
	int err = 0;

	if (!(*out = json_array()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n && err == 0; i++)
		if ((err = make_id(&one, &s->v[i])) == 0 && json_array_append_new(*out, one) < 0)
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
	if (err < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

int sdx_record_builder_check(sdx_record_builder *b)
{
	const char *missing = sdx_record_builder_missing(b);
	json_t *ids = NULL;
	char *q[2];
	size_t i, n;
	int err;

	if (missing)
		return sdx_error_set(SDX_EINVAL, "%s: %s is required", b->type->name, missing);
	for (i = 0; i < b->t->nfields; i++) {
		if (b->t->fields[i].kind == SDX_FIELD_IDS) {
			err = make_ids(&ids, &b->lists[i]);
			json_decref(ids);
			if (err < 0)
				return err;
		}
	}
	for (i = 0; i < b->t->nfields; i++) {
		struct slot *s = &b->fields[i];
		char *copy;
		if (b->t->fields[i].kind != SDX_FIELD_QUANTITY || !s->value)
			continue;
		if (!(copy = strdup(s->value)))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		json_decref(b->quantity[i]);
		b->quantity[i] = NULL;
		if (sdx__build_split(copy, q, 2, &n) != 0 || n != 2)
			err = sdx_error_set(SDX_EFORMAT, "%s: expected N:UNIT, e.g. 5000:H87", s->what);
		else
			err = sdx__build_quantity(&b->quantity[i], q[0], q[1], s->what);
		free(copy);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Set rec.path ("a" or "a.b") to v (reference taken). */
static int set_path(json_t *rec, const char *path, json_t *v)
{
	const char *dot = strchr(path, '.');
	char parent[64];
	json_t *o;

	if (!v)
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (!dot)
		return json_object_set_new(rec, path, v) == 0 ? 0
			: sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(parent, sizeof(parent), "%.*s", (int)(dot - path), path);
	if (!(o = json_object_get(rec, parent))) {
		if (json_object_set_new(rec, parent, o = json_object()) < 0 || !o) {
			json_decref(v);
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		}
	}
	return json_object_set_new(o, dot + 1, v) == 0 ? 0
		: sdx_error_set(SDX_ENOMEM, "out of memory");
}

static json_t *make_strings(const struct slots *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n; i++)
		if (json_array_append_new(a, json_string(s->v[i].value)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static int make_links(json_t **out, sdx_record_builder *b, sdx_ledger *l)
{
	json_t *one;
	size_t i;
	int err = 0;

	if (!(*out = json_array()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < b->links.n && err == 0; i++) {
		char *spec = strdup(b->links.v[i].value);
		if (!spec)
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
		else if ((err = b->t->link(&one, l, spec, b->links.v[i].what)) == 0 &&
			 json_array_append_new(*out, one) < 0)
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
		free(spec);
	}
	if (err < 0) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

int sdx_record_builder_resolve(sdx_record_builder *b, sdx_ledger *l)
{
	json_t *rec = NULL, *v;
	size_t i;
	int err;

	if ((err = sdx_record_builder_check(b)) < 0)
		return err;
	if (!(rec = json_object()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	/* the version written: sdx-NAME/N */
	if (sdx__record_newest(b->type) > 1)
		err = set_path(rec, "format", json_sprintf("sdx-%s/%d", b->type->name,
							    sdx__record_newest(b->type)));
	for (i = 0; i < b->t->nfields && err == 0; i++) {
		const struct sdx_record_field *f = &b->t->fields[i];
		const char *text = b->fields[i].value;
		if (f->kind == SDX_FIELD_LINKS) {
			if ((err = make_links(&v, b, l)) == 0)
				err = set_path(rec, f->path, v);
		} else if (f->kind == SDX_FIELD_IDS) {
			if (b->lists[i].n && (err = make_ids(&v, &b->lists[i])) == 0)
				err = set_path(rec, f->path, v);
		} else if (f->kind == SDX_FIELD_STRINGS) {
			if (b->lists[i].n)
				err = set_path(rec, f->path, make_strings(&b->lists[i]));
		} else if (f->kind == SDX_FIELD_QUANTITY) {
			if (b->quantity[i])
				err = set_path(rec, f->path, json_incref(b->quantity[i]));
		} else {
			if (!text && f->fallback)
				text = b->fields[field_index(b->t, f->fallback)].value;
			if (text)
				err = set_path(rec, f->path, json_string(text));
			if (text && f->flags & SDX_FIELD_LABEL)
				snprintf(b->label, sizeof(b->label), "%s '%s'", b->type->name, text);
		}
	}
	if (err < 0) {
		json_decref(rec);
		return err;
	}
	json_decref(b->rec);
	b->rec = rec;
	return 0;
}

/* The record's text: what is signed is its canonical form, whatever the layout. */
static int dump(char **out, size_t *out_len, const sdx_record_builder *b, unsigned flags)
{
	*out = NULL;
	if (!b->rec)
		return sdx_error_set(SDX_EINVAL, "%s: the record is not resolved yet", b->type->name);
	if (!(*out = json_dumps(b->rec, JSON_REAL_PRECISION(15) |
				(flags & SDX_BUILD_PRETTY ? JSON_INDENT(2) | JSON_SORT_KEYS
				 : JSON_COMPACT))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	if (out_len)
		*out_len = strlen(*out);
	return 0;
}

int sdx_record_builder_json(char **out, size_t *out_len, const sdx_record_builder *b,
			    unsigned flags)
{
	size_t len = 0;
	int err;

	if ((err = dump(out, &len, b, flags)) < 0)
		return err;
	if ((err = sdx_record_validate(b->type->name, *out, len)) < 0) {
		free(*out);
		*out = NULL;
		return err;
	}
	if (out_len)
		*out_len = len;
	return 0;
}

const char *sdx_record_builder_label(const sdx_record_builder *b)
{
	return b->label;
}

int sdx_record_builder_append(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
			      const sdx_record_builder *b)
{
	char *text;
	size_t len = 0;
	int err;

	if ((err = dump(&text, &len, b, 0)) < 0)
		return err;
	err = sdx_record_append(out, l, key, b->type->name, text, len, b->label);
	free(text);
	return err;
}
