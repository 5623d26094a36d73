/*
 * formats/schema/schema.c - sdx__schema_load() and sdx__schema_free(): turns
 * a schema's JSON tree into `struct node`s (node.h).
 *
 * Every keyword is checked and kept in the form validation needs (a type
 * mask, a sorted property table, a compiled regex, a resolved $ref).  A
 * keyword the validator would not enforce is refused here, so a schema can
 * never promise more than is checked.  Validation is validate.c.
 */
#include <locale.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/schema/node.h"
#include "ledger/internal.h"

#define DRAFT_2020_12 "https://json-schema.org/draft/2020-12/schema"
#define SCHEMA_MAX_DEPTH 64   /* nesting of the schema document itself */
#define WHERE_CAP 384

struct loader {
	struct sdx_schema *s;
	char where[WHERE_CAP];    /* JSON Pointer of the location being compiled */
	size_t wlen;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int lerr(struct loader *ld, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sdx_error_set(SDX_EFORMAT, "schema '%s': #%s: %s", ld->s->name, ld->where, msg);
}

static size_t lpush(struct loader *ld, const char *a, const char *b)
{
	size_t old = ld->wlen;
	int n = snprintf(ld->where + old, sizeof(ld->where) - old, "/%s%s%s", a,
			 b ? "/" : "", b ? b : "");

	if (n < 0 || (size_t)n >= sizeof(ld->where) - old)
		ld->wlen = sizeof(ld->where) - 1;
	else
		ld->wlen = old + (size_t)n;
	return old;
}

static void lpop(struct loader *ld, size_t old)
{
	ld->wlen = old;
	ld->where[old] = '\0';
}

static struct node *new_node(struct loader *ld)
{
	struct node *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->next = ld->s->nodes;
	ld->s->nodes = n;
	return n;
}

static const char *const keywords[] = {
	"$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples",
	"type", "enum", "const", "properties", "required", "additionalProperties", "items",
	"minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern",
	"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "format",
	"allOf", "anyOf", "oneOf", "not", "if", "then", "else", NULL
};

static int known_keyword(const char *k)
{
	for (size_t i = 0; keywords[i]; i++)
		if (strcmp(keywords[i], k) == 0)
			return 1;
	return 0;
}

static int compile(struct loader *ld, const json_t *j, struct node *n, int depth);

static int compile_sub(struct loader *ld, const json_t *j, struct node **out,
		       const char *kw, const char *sub, int depth)
{
	size_t old = lpush(ld, kw, sub);
	int err;

	if (!(*out = new_node(ld)))
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
	else
		err = compile(ld, j, *out, depth + 1);
	lpop(ld, old);
	return err;
}

/* A count may be written 2.0: JSON Schema's integers are numbers without fraction. */
static int get_count(struct loader *ld, const json_t *v, const char *kw, size_t *out)
{
	double d = json_is_real(v) ? json_real_value(v) : -1;

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		*out = (size_t)json_integer_value(v);
	else if (d >= 0 && d < 9007199254740992.0 && (double)(long long)d == d)
		*out = (size_t)d;
	else
		return lerr(ld, "'%s' must be a non-negative integer", kw);
	return 0;
}

static int get_number(struct loader *ld, const json_t *v, const char *kw, double *out)
{
	if (!json_is_number(v))
		return lerr(ld, "'%s' must be a number", kw);
	*out = json_number_value(v);
	return 0;
}

static int compile_list(struct loader *ld, const json_t *v, const char *kw,
			struct node ***out, size_t *count, int depth)
{
	char idx[24];
	size_t i, n = json_array_size(v);
	int err;

	if (!json_is_array(v) || n == 0)
		return lerr(ld, "'%s' must be a non-empty array of schemas", kw);
	if (!(*out = calloc(n, sizeof(**out))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	*count = n;
	for (i = 0; i < n; i++) {
		snprintf(idx, sizeof(idx), "%zu", i);
		if ((err = compile_sub(ld, json_array_get(v, i), &(*out)[i], kw, idx, depth)) < 0)
			return err;
	}
	return 0;
}

static int compile_type(struct loader *ld, const json_t *v, struct node *n)
{
	unsigned bit;
	size_t i;

	if (json_is_string(v)) {
		if (!sdx__schema_type_bit(json_string_value(v), &bit))
			return lerr(ld, "unknown type '%s'", json_string_value(v));
		n->types = bit;
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return lerr(ld, "'type' must be a string or a non-empty array of strings");
	for (i = 0; i < json_array_size(v); i++) {
		const char *t = json_string_value(json_array_get(v, i));
		if (!t || !sdx__schema_type_bit(t, &bit))
			return lerr(ld, "'type' lists an unknown type");
		if (n->types & bit)
			return lerr(ld, "'type' lists '%s' twice", t);
		n->types |= bit;
	}
	return 0;
}

static int compile_pattern(struct loader *ld, const json_t *v, struct node *n)
{
	char why[512];
	int err;

	if (!json_is_string(v))
		return lerr(ld, "'pattern' must be a string");
	n->pattern = json_string_value(v);
	err = sdx__schema_pattern_compile(&n->re, n->pattern, ld->s->cloc, why, sizeof(why));
	if (err == SDX_EFORMAT)
		return lerr(ld, "%s", why);
	return err;
}

static int find_def(struct sdx_schema *s, const char *name, struct node **out)
{
	for (size_t i = 0; i < s->ndefs; i++)
		if (strcmp(s->defs[i].name, name) == 0) {
			*out = s->defs[i].node;
			return 1;
		}
	return 0;
}

static int prop_cmp(const void *a, const void *b)
{
	return strcmp(((const struct prop *)a)->name, ((const struct prop *)b)->name);
}

static int compile_properties(struct loader *ld, const json_t *v, struct node *n, int depth)
{
	const char *k;
	json_t *sub;
	size_t i = 0;
	int err;

	if (!json_is_object(v))
		return lerr(ld, "'properties' must be an object");
	n->nprops = json_object_size(v);
	if (n->nprops && !(n->props = calloc(n->nprops, sizeof(*n->props))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	json_object_foreach((json_t *)v, k, sub) {
		n->props[i].name = k;
		if ((err = compile_sub(ld, sub, &n->props[i].schema, "properties", k, depth)) < 0)
			return err;
		i++;
	}
	qsort(n->props, n->nprops, sizeof(*n->props), prop_cmp);
	return 0;
}

const struct prop *sdx__schema_find_prop(const struct node *n, const char *name)
{
	struct prop key;

	if (!n->nprops)
		return NULL;
	key.name = name;
	return bsearch(&key, n->props, n->nprops, sizeof(*n->props), prop_cmp);
}

static int compile_required(struct loader *ld, const json_t *v, struct node *n)
{
	size_t i, k;

	if (!json_is_array(v))
		return lerr(ld, "'required' must be an array of strings");
	n->nrequired = json_array_size(v);
	if (n->nrequired && !(n->required = calloc(n->nrequired, sizeof(*n->required))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	for (i = 0; i < n->nrequired; i++) {
		if (!(n->required[i] = json_string_value(json_array_get(v, i))))
			return lerr(ld, "'required' must be an array of strings");
		for (k = 0; k < i; k++)
			if (strcmp(n->required[k], n->required[i]) == 0)
				return lerr(ld, "'required' lists '%s' twice", n->required[i]);
	}
	return 0;
}

static int compile_keyword(struct loader *ld, const char *kw, const json_t *v,
			   struct node *n, int depth)
{
	if (strcmp(kw, "$schema") == 0) {
		if (depth != 0 || !json_is_string(v) || strcmp(json_string_value(v), DRAFT_2020_12) != 0)
			return lerr(ld, "'$schema' must be \"%s\", at the top level", DRAFT_2020_12);
	} else if (strcmp(kw, "$id") == 0) {
		if (depth != 0 || !json_is_string(v))
			return lerr(ld, "'$id' must be a string, at the top level");
	} else if (strcmp(kw, "$defs") == 0) {
		if (depth != 0)
			return lerr(ld, "'$defs' is supported only at the top level");
		/* compiled before the rest, in sdx__schema_load() */
	} else if (strcmp(kw, "$comment") == 0 || strcmp(kw, "title") == 0 ||
		   strcmp(kw, "description") == 0) {
		if (!json_is_string(v))
			return lerr(ld, "'%s' must be a string", kw);
	} else if (strcmp(kw, "examples") == 0) {
		if (!json_is_array(v))
			return lerr(ld, "'examples' must be an array");
	} else if (strcmp(kw, "$ref") == 0) {
		const char *r = json_string_value(v);
		if (!r || strncmp(r, "#/$defs/", 8) != 0)
			return lerr(ld, "'$ref' must be \"#/$defs/NAME\"");
		if (!find_def(ld->s, r + 8, &n->ref))
			return lerr(ld, "'$ref' names '%s', which is not in $defs", r);
	} else if (strcmp(kw, "type") == 0) {
		return compile_type(ld, v, n);
	} else if (strcmp(kw, "enum") == 0) {
		if (!json_is_array(v) || json_array_size(v) == 0)
			return lerr(ld, "'enum' must be a non-empty array");
		n->enum_vals = v;
	} else if (strcmp(kw, "const") == 0) {
		n->const_val = v;
	} else if (strcmp(kw, "properties") == 0) {
		return compile_properties(ld, v, n, depth);
	} else if (strcmp(kw, "required") == 0) {
		return compile_required(ld, v, n);
	} else if (strcmp(kw, "additionalProperties") == 0) {
		if (json_is_false(v))
			n->closed = 1;
		else if (!json_is_true(v))
			return compile_sub(ld, v, &n->additional, kw, NULL, depth);
	} else if (strcmp(kw, "items") == 0) {
		if (json_is_array(v))
			return lerr(ld, "'items' must be one schema (draft 2020-12; the array "
				    "form is prefixItems, which is not supported)");
		return compile_sub(ld, v, &n->items, kw, NULL, depth);
	} else if (strcmp(kw, "minItems") == 0) {
		n->has_min_items = 1;
		return get_count(ld, v, kw, &n->min_items);
	} else if (strcmp(kw, "maxItems") == 0) {
		n->has_max_items = 1;
		return get_count(ld, v, kw, &n->max_items);
	} else if (strcmp(kw, "uniqueItems") == 0) {
		if (!json_is_boolean(v))
			return lerr(ld, "'uniqueItems' must be a boolean");
		n->unique = json_is_true(v);
	} else if (strcmp(kw, "minLength") == 0) {
		n->has_min_len = 1;
		return get_count(ld, v, kw, &n->min_len);
	} else if (strcmp(kw, "maxLength") == 0) {
		n->has_max_len = 1;
		return get_count(ld, v, kw, &n->max_len);
	} else if (strcmp(kw, "pattern") == 0) {
		return compile_pattern(ld, v, n);
	} else if (strcmp(kw, "minimum") == 0) {
		n->has_min = 1;
		return get_number(ld, v, kw, &n->min);
	} else if (strcmp(kw, "maximum") == 0) {
		n->has_max = 1;
		return get_number(ld, v, kw, &n->max);
	} else if (strcmp(kw, "exclusiveMinimum") == 0) {
		n->has_xmin = 1;
		return get_number(ld, v, kw, &n->xmin);
	} else if (strcmp(kw, "exclusiveMaximum") == 0) {
		n->has_xmax = 1;
		return get_number(ld, v, kw, &n->xmax);
	} else if (strcmp(kw, "format") == 0) {
		const char *f = json_string_value(v);
		if (f && strcmp(f, "date") == 0)
			n->format = FMT_DATE;
		else if (f && strcmp(f, "date-time") == 0)
			n->format = FMT_DATE_TIME;
		else
			return lerr(ld, "unsupported format '%s' (only date and date-time are "
				    "checked)", f ? f : "?");
	} else if (strcmp(kw, "allOf") == 0) {
		return compile_list(ld, v, kw, &n->all_of, &n->nall, depth);
	} else if (strcmp(kw, "anyOf") == 0) {
		return compile_list(ld, v, kw, &n->any_of, &n->nany, depth);
	} else if (strcmp(kw, "oneOf") == 0) {
		return compile_list(ld, v, kw, &n->one_of, &n->none, depth);
	} else if (strcmp(kw, "not") == 0) {
		return compile_sub(ld, v, &n->not_, kw, NULL, depth);
	} else if (strcmp(kw, "if") == 0) {
		return compile_sub(ld, v, &n->if_, kw, NULL, depth);
	} else if (strcmp(kw, "then") == 0) {
		return compile_sub(ld, v, &n->then_, kw, NULL, depth);
	} else if (strcmp(kw, "else") == 0) {
		return compile_sub(ld, v, &n->else_, kw, NULL, depth);
	}
	return 0;
}

static int compile(struct loader *ld, const json_t *j, struct node *n, int depth)
{
	const char *k;
	json_t *v;
	size_t i;
	int err;

	if (json_is_boolean(j)) {
		n->is_false = json_is_false(j);
		return 0;
	}
	if (!json_is_object(j))
		return lerr(ld, "a schema must be an object or a boolean");
	if (depth > SCHEMA_MAX_DEPTH)
		return lerr(ld, "schema nested too deeply");
	json_object_foreach((json_t *)j, k, v)
		if (!known_keyword(k))
			return lerr(ld, "unsupported keyword '%s'", k);
	json_object_foreach((json_t *)j, k, v)
		if ((err = compile_keyword(ld, k, v, n, depth)) < 0)
			return err;
	if ((n->then_ || n->else_) && !n->if_)
		return lerr(ld, "'then' or 'else' without 'if'");
	if (n->has_min_len && n->has_max_len && n->min_len > n->max_len)
		return lerr(ld, "minLength is greater than maxLength");
	if (n->has_min_items && n->has_max_items && n->min_items > n->max_items)
		return lerr(ld, "minItems is greater than maxItems");
	/* A required field that a closed object forbids is a schema bug. */
	if (n->closed)
		for (i = 0; i < n->nrequired; i++)
			if (!sdx__schema_find_prop(n, n->required[i]))
				return lerr(ld, "'%s' is required but not allowed by "
					    "additionalProperties: false", n->required[i]);
	return 0;
}

static int valid_def_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

int sdx__schema_load(struct sdx_schema **out, const char *name, const char *text, size_t len)
{
	struct sdx_schema *s = NULL;
	struct loader ld;
	const json_t *defs;
	char what[96];
	const char *k;
	json_t *v;
	size_t i;
	int err;

	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	snprintf(s->name, sizeof(s->name), "%s", name);
	memset(&ld, 0, sizeof(ld));
	ld.s = s;
	if (!(s->cloc = newlocale(LC_ALL_MASK, "C", (locale_t)0))) {
		err = sdx_error_set(SDX_ENOMEM, "cannot create the C locale");
		goto done;
	}
	snprintf(what, sizeof(what), "schema '%s'", name);
	if ((err = sdx__json_parse(&s->root, text, len, SCHEMA_MAX_DEPTH, what)) < 0)
		goto done;
	if (!json_is_object(s->root)) {
		err = lerr(&ld, "the schema is not a JSON object");
		goto done;
	}
	if (!json_object_get(s->root, "$schema")) {
		err = lerr(&ld, "'$schema' is missing; sdx schemas are draft 2020-12");
		goto done;
	}
	/* Every $defs entry gets its node first, so $ref can point anywhere. */
	defs = json_object_get(s->root, "$defs");
	if (defs) {
		if (!json_is_object(defs)) {
			err = lerr(&ld, "'$defs' must be an object");
			goto done;
		}
		s->ndefs = json_object_size(defs);
		if (s->ndefs && !(s->defs = calloc(s->ndefs, sizeof(*s->defs)))) {
			err = sdx_error_set(SDX_ENOMEM, "out of memory");
			goto done;
		}
		i = 0;
		json_object_foreach((json_t *)defs, k, v) {
			if (!valid_def_name(k)) {
				err = lerr(&ld, "$defs name '%s' must be letters, digits, '_' or '-'", k);
				goto done;
			}
			s->defs[i].name = k;
			s->defs[i].json = v;
			if (!(s->defs[i].node = new_node(&ld))) {
				err = sdx_error_set(SDX_ENOMEM, "out of memory");
				goto done;
			}
			i++;
		}
		for (i = 0; i < s->ndefs; i++) {
			size_t old = lpush(&ld, "$defs", s->defs[i].name);
			err = compile(&ld, s->defs[i].json, s->defs[i].node, 1);
			lpop(&ld, old);
			if (err < 0)
				goto done;
		}
	}
	if (!(s->top = new_node(&ld))) {
		err = sdx_error_set(SDX_ENOMEM, "out of memory");
		goto done;
	}
	if ((err = compile(&ld, s->root, s->top, 0)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	sdx__schema_free(s);
	return err;
}

void sdx__schema_free(struct sdx_schema *s)
{
	struct node *n, *next;

	if (!s)
		return;
	for (n = s->nodes; n; n = next) {
		next = n->next;
		if (n->re) {
			regfree(n->re);
			free(n->re);
		}
		free(n->props);
		free(n->required);
		free(n->all_of);
		free(n->any_of);
		free(n->one_of);
		free(n);
	}
	free(s->defs);
	json_decref(s->root);
	if (s->cloc)
		freelocale(s->cloc);
	free(s);
}
