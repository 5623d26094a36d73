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

struct sdx_record_builder {
	const struct sdx_record_type *type;
	const struct sdx_record_build *t;
	struct slot fields[MAX_FIELDS];
	json_t *quantity[MAX_FIELDS]; /* parsed by check */
	struct slot *links;
	size_t nlinks, cap;
	json_t *rec;                  /* made by resolve */
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

void sdx_record_builder_free(sdx_record_builder *b)
{
	size_t i;

	if (!b)
		return;
	for (i = 0; i < MAX_FIELDS; i++) {
		slot_clear(&b->fields[i]);
		json_decref(b->quantity[i]);
	}
	for (i = 0; i < b->nlinks; i++)
		slot_clear(&b->links[i]);
	free(b->links);
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
	return slot_set(&b->fields[i], value, what ? what : field);
}

int sdx_record_builder_add(sdx_record_builder *b, const char *spec, const char *what)
{
	if (b->nlinks == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 16;
		void *p;
		if (b->nlinks == SDX_BUILD_MAX_LINKS)
			return sdx_error_set(SDX_ELIMIT, "%s: more than %d inputs or items", b->type->name,
					     SDX_BUILD_MAX_LINKS);
		if (!(p = realloc(b->links, cap * sizeof(*b->links))))
			return sdx_error_set(SDX_ENOMEM, "out of memory");
		b->links = p;
		b->cap = cap;
	}
	memset(&b->links[b->nlinks], 0, sizeof(b->links[0]));
	if (slot_set(&b->links[b->nlinks], spec, what ? what : spec) < 0)
		return SDX_ENOMEM;
	b->nlinks++;
	return 0;
}

const char *sdx_record_builder_missing(const sdx_record_builder *b)
{
	size_t i;

	for (i = 0; i < b->t->nfields; i++) {
		const struct sdx_record_field *f = &b->t->fields[i];
		if (f->flags & SDX_FIELD_REQUIRED && (f->kind == SDX_FIELD_LINKS ? !b->nlinks : !b->fields[i].value))
			return f->path;
	}
	return NULL;
}

int sdx_record_builder_check(sdx_record_builder *b)
{
	const char *missing = sdx_record_builder_missing(b);
	char *q[2];
	size_t i, n;
	int err;

	if (missing)
		return sdx_error_set(SDX_EINVAL, "%s: %s is required", b->type->name, missing);
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

static int make_links(json_t **out, sdx_record_builder *b, sdx_ledger *l)
{
	json_t *one;
	size_t i;
	int err = 0;

	if (!(*out = json_array()))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < b->nlinks && err == 0; i++) {
		char *spec = strdup(b->links[i].value);
		if (!spec)
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
		else if ((err = b->t->link(&one, l, spec, b->links[i].what)) == 0 &&
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
	for (i = 0; i < b->t->nfields && err == 0; i++) {
		const struct sdx_record_field *f = &b->t->fields[i];
		const char *text = b->fields[i].value;
		if (f->kind == SDX_FIELD_LINKS) {
			if ((err = make_links(&v, b, l)) == 0)
				err = set_path(rec, f->path, v);
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
