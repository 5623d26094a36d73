/*
 * formats/records/schema.c - the JSON Schema subset validator described in schema.h.
 *
 * Loading turns the schema's JSON tree into `struct node`s: every keyword is
 * checked and kept in the form validation needs (a type mask, a sorted
 * property table, a compiled regex, a resolved $ref).  A keyword the
 * validator would not enforce is refused at load time, so a schema can never
 * promise more than is checked.  Validation walks instance and nodes
 * together and stops at the first problem, naming it by JSON path.
 */
#include <locale.h>
#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/records/schema.h"
#include "ledger/internal.h"

#define DRAFT_2020_12 "https://json-schema.org/draft/2020-12/schema"
#define SCHEMA_MAX_DEPTH 64   /* nesting of the schema document itself */
#define EVAL_MAX_DEPTH 256    /* nested validate() calls, so $ref cycles end */
#define PATH_CAP 384
#define BODY_CAP 512
#define MSG_CAP (PATH_CAP + BODY_CAP + 4)

enum {
	T_NULL = 1, T_BOOLEAN = 2, T_OBJECT = 4, T_ARRAY = 8, T_NUMBER = 16,
	T_STRING = 32, T_INTEGER = 64
};
static const char *const type_names[] = {
	"null", "boolean", "object", "array", "number", "string", "integer"
};

enum { FMT_NONE, FMT_DATE, FMT_DATE_TIME };

struct prop {
	const char *name;        /* borrowed from the schema tree */
	struct node *schema;
};

struct node {
	struct node *next;       /* all nodes of a schema, for freeing */
	int is_false;            /* the boolean schema `false` */
	unsigned types;          /* T_* mask; 0 = any type */
	struct prop *props;      /* sorted by name */
	size_t nprops;
	const char **required;
	size_t nrequired;
	int closed;              /* additionalProperties: false */
	struct node *additional; /* additionalProperties: {schema} */
	struct node *items;
	const json_t *enum_vals; /* borrowed */
	const json_t *const_val; /* borrowed; NULL = no const */
	regex_t *re;
	const char *pattern;
	int has_min_len, has_max_len;
	size_t min_len, max_len;
	int has_min, has_max, has_xmin, has_xmax;
	double min, max, xmin, xmax;
	int has_min_items, has_max_items;
	size_t min_items, max_items;
	int unique;
	int format;
	struct node *ref;
	struct node **all_of, **any_of, **one_of;
	size_t nall, nany, none;
	struct node *if_, *then_, *else_, *not_;
};

struct def {
	const char *name;
	const json_t *json;
	struct node *node;
};

struct sdx_schema {
	char name[64];
	json_t *root;
	struct node *top;
	struct node *nodes;
	struct def *defs;
	size_t ndefs;
	locale_t cloc;           /* regexes compile and run in the C locale */
};

/* ---- loading --------------------------------------------------------------- */

struct loader {
	struct sdx_schema *s;
	char where[PATH_CAP];    /* JSON Pointer of the location being compiled */
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

static int type_bit(const char *name, unsigned *bit)
{
	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (strcmp(type_names[i], name) == 0) {
			*bit = 1u << i;
			return 1;
		}
	return 0;
}

static int compile_type(struct loader *ld, const json_t *v, struct node *n)
{
	unsigned bit;
	size_t i;

	if (json_is_string(v)) {
		if (!type_bit(json_string_value(v), &bit))
			return lerr(ld, "unknown type '%s'", json_string_value(v));
		n->types = bit;
		return 0;
	}
	if (!json_is_array(v) || json_array_size(v) == 0)
		return lerr(ld, "'type' must be a string or a non-empty array of strings");
	for (i = 0; i < json_array_size(v); i++) {
		const char *t = json_string_value(json_array_get(v, i));
		if (!t || !type_bit(t, &bit))
			return lerr(ld, "'type' lists an unknown type");
		if (n->types & bit)
			return lerr(ld, "'type' lists '%s' twice", t);
		n->types |= bit;
	}
	return 0;
}

/*
 * Patterns are ECMA-262 in JSON Schema and POSIX ERE here.  Refuse every
 * construct on which the two could disagree, so that a schema read by any
 * other validator accepts exactly the same strings.
 */
static int check_pattern(struct loader *ld, const char *p)
{
	size_t i, open = 0;
	int in_bracket = 0;

	for (i = 0; p[i]; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= 0x80)
			return lerr(ld, "pattern: non-ASCII characters are not portable; "
				    "list them in the schema another way");
		if (in_bracket) {
			if (c == '\\')
				return lerr(ld, "pattern: a backslash inside [...] is literal in "
					    "POSIX but an escape in ECMA-262");
			if (c == '[' && (p[i + 1] == ':' || p[i + 1] == '=' || p[i + 1] == '.'))
				return lerr(ld, "pattern: POSIX classes like [:alpha:] are not "
					    "ECMA-262");
			if (c == ']' && i > open)
				in_bracket = 0;
			continue;
		}
		if (c == '\\') {
			unsigned char e = (unsigned char)p[i + 1];
			if (e == '\0')
				return lerr(ld, "pattern: ends with a backslash");
			if ((e >= '0' && e <= '9') || (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z'))
				return lerr(ld, "pattern: escape '\\%c' is not portable "
					    "(write [0-9] for \\d)", e);
			i++;
			continue;
		}
		if (c == '[') {
			in_bracket = 1;
			open = i + 1;
			if (p[open] == '^')
				open++;
			if (p[open] == ']')
				return lerr(ld, "pattern: ']' first in a bracket is literal in "
					    "POSIX but ends an empty class in ECMA-262");
		} else if (c == '.') {
			return lerr(ld, "pattern: '.' matches a newline in POSIX but not in "
				    "ECMA-262; use a bracket expression");
		} else if (c == '(' && p[i + 1] == '?') {
			return lerr(ld, "pattern: (?...) groups are not POSIX");
		}
	}
	if (in_bracket)
		return lerr(ld, "pattern: unterminated '['");
	return 0;
}

static int compile_pattern(struct loader *ld, const json_t *v, struct node *n)
{
	char why[200];
	locale_t old;
	int err, rc;

	if (!json_is_string(v))
		return lerr(ld, "'pattern' must be a string");
	n->pattern = json_string_value(v);
	if ((err = check_pattern(ld, n->pattern)) < 0)
		return err;
	if (!(n->re = malloc(sizeof(*n->re))))
		return sdx_error_set(SDX_ENOMEM, "out of memory");
	old = uselocale(ld->s->cloc);
	rc = regcomp(n->re, n->pattern, REG_EXTENDED | REG_NOSUB);
	uselocale(old);
	if (rc != 0) {
		regerror(rc, n->re, why, sizeof(why));
		free(n->re);
		n->re = NULL;
		return lerr(ld, "pattern '%s': %s", n->pattern, why);
	}
	return 0;
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

static const struct prop *find_prop(const struct node *n, const char *name)
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
			if (!find_prop(n, n->required[i]))
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

/* ---- dates ------------------------------------------------------------------- */

static int digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int date_prefix(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d, dim;

	if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &m) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return 0;
	if (m < 1 || m > 12 || d < 1)
		return 0;
	dim = mdays[m - 1];
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		dim = 29;
	return d <= dim;
}

int sdx__is_date(const char *s)
{
	return strlen(s) == 10 && date_prefix(s);
}

int sdx__is_date_time(const char *s)
{
	int h, mi, se, oh = 0, om = 0, offset = 0;
	size_t i;

	if (strlen(s) < 20 || !date_prefix(s) || s[10] != 'T' ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &se))
		return 0;
	if (h > 23 || mi > 59 || se > 60)
		return 0;
	i = 19;
	if (s[i] == '.') {
		size_t start = ++i;
		while (s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start)
			return 0;
	}
	if (s[i] == 'Z') {
		if (s[i + 1] != '\0')
			return 0;
	} else if ((s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2, &oh) &&
		   s[i + 3] == ':' && digits(s + i + 4, 2, &om) && s[i + 6] == '\0') {
		if (oh > 23 || om > 59)
			return 0;
		offset = (s[i] == '+' ? 1 : -1) * (oh * 60 + om);
	} else {
		return 0;
	}
	/* A leap second is the last second of a UTC day: 23:59:60Z, whatever the offset. */
	return se != 60 || ((h * 60 + mi - offset) % 1440 + 1440) % 1440 == 23 * 60 + 59;
}

/* ---- validation ------------------------------------------------------------------ */

struct vctx {
	char path[PATH_CAP];
	size_t plen;
	char msg[MSG_CAP];       /* "path: problem" of the last failure */
	size_t err_plen;         /* path length at that failure: deeper = more specific */
	int depth;
};

/*
 * Copy `s` for a message: at most `max` code points, control characters and
 * quotes escaped, never cutting a UTF-8 sequence.
 */
static void show_str(char *out, size_t cap, const char *s, size_t max)
{
	size_t o = 0, cps = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && o + 8 < cap) {
		size_t n = 1;
		if (cps == max) {
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		if (*p < 0x20 || *p == 0x7f || *p == '\'' || *p == '\\') {
			o += (size_t)snprintf(out + o, cap - o, "\\x%02x", *p);
			p++;
			cps++;
			continue;
		}
		if (*p >= 0xf0)
			n = 4;
		else if (*p >= 0xe0)
			n = 3;
		else if (*p >= 0xc0)
			n = 2;
		if (o + n + 4 >= cap)
			break;
		for (size_t i = 0; i < n && p[i]; i++)
			out[o++] = (char)p[i];
		p += n;
		cps++;
	}
	out[o] = '\0';
}

static void show_value(char *out, size_t cap, const json_t *v)
{
	char tmp[150];

	switch (json_typeof(v)) {
	case JSON_STRING:
		show_str(tmp, sizeof(tmp), json_string_value(v), 60);
		snprintf(out, cap, "'%s'", tmp);
		break;
	case JSON_INTEGER:
		snprintf(out, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		snprintf(out, cap, "%.15g", json_real_value(v));
		break;
	case JSON_TRUE:
		snprintf(out, cap, "true");
		break;
	case JSON_FALSE:
		snprintf(out, cap, "false");
		break;
	case JSON_NULL:
		snprintf(out, cap, "null");
		break;
	case JSON_OBJECT:
		snprintf(out, cap, "an object");
		break;
	default:
		snprintf(out, cap, "an array");
		break;
	}
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(struct vctx *c, const char *fmt, ...)
{
	char body[BODY_CAP];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	if (c->plen)
		snprintf(c->msg, sizeof(c->msg), "%s: %s", c->path, body);
	else
		snprintf(c->msg, sizeof(c->msg), "%s", body);
	c->err_plen = c->plen;
	return 1;
}

static int plain_key(const char *k)
{
	if (!*k)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		      (*k >= '0' && *k <= '9') || *k == '_' || *k == '-' || *k == '$'))
			return 0;
	return 1;
}

/* Path building runs for every value validated, so it avoids printf. */
static void append(struct vctx *c, const char *s, size_t n)
{
	size_t room = sizeof(c->path) - 1 - c->plen;

	if (n > room) {
		n = room;
		/* Keep whole UTF-8 sequences only. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(c->path + c->plen, s, n);
	c->plen += n;
	c->path[c->plen] = '\0';
}

static size_t push_key(struct vctx *c, const char *k)
{
	size_t old = c->plen;
	char shown[200];

	if (plain_key(k)) {
		if (old)
			append(c, ".", 1);
		append(c, k, strlen(k));
	} else {
		show_str(shown, sizeof(shown), k, 40);
		append(c, "['", 2);
		append(c, shown, strlen(shown));
		append(c, "']", 2);
	}
	return old;
}

static size_t push_index(struct vctx *c, size_t i)
{
	size_t old = c->plen, n = 0;
	char digits[24], out[26];

	do
		digits[n++] = (char)('0' + i % 10);
	while ((i /= 10) != 0);
	out[0] = '[';
	for (size_t k = 0; k < n; k++)
		out[1 + k] = digits[n - 1 - k];
	out[n + 1] = ']';
	append(c, out, n + 2);
	return old;
}

static void pop(struct vctx *c, size_t old)
{
	c->plen = old;
	c->path[old] = '\0';
}

/* A JSON number has no fractional part (JSON Schema's "integer"). */
static int integral(double d)
{
	if (d >= 9007199254740992.0 || d <= -9007199254740992.0)
		return 1;
	return (double)(long long)d == d;
}

static unsigned type_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: return T_NULL;
	case JSON_TRUE:
	case JSON_FALSE: return T_BOOLEAN;
	case JSON_OBJECT: return T_OBJECT;
	case JSON_ARRAY: return T_ARRAY;
	case JSON_STRING: return T_STRING;
	case JSON_INTEGER: return T_NUMBER | T_INTEGER;
	default: return T_NUMBER | (integral(json_real_value(v)) ? T_INTEGER : 0);
	}
}

static const char *got_name(const json_t *v)
{
	unsigned t = type_of(v);

	for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
		if (t & (1u << i))
			return type_names[i];
	return "?";
}

/* Equality as JSON Schema defines it: 1 equals 1.0, key order is irrelevant. */
static int values_equal(const json_t *a, const json_t *b)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_integer(a) && json_is_integer(b))
		return json_integer_value(a) == json_integer_value(b);
	if (json_is_number(a) && json_is_number(b))
		return json_number_value(a) == json_number_value(b);
	if (json_typeof(a) != json_typeof(b))
		return 0;
	switch (json_typeof(a)) {
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       memcmp(json_string_value(a), json_string_value(b), json_string_length(a)) == 0;
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return 0;
		for (i = 0; i < json_array_size(a); i++)
			if (!values_equal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v) {
			json_t *w = json_object_get(b, k);
			if (!w || !values_equal(v, w))
				return 0;
		}
		return 1;
	default:
		return 1; /* null, true, false */
	}
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* A hash consistent with values_equal(). */
static uint64_t value_hash(const json_t *v)
{
	const char *k;
	json_t *x;
	uint64_t h;
	double d;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return hash_bytes(json_string_value(v), json_string_length(v)) ^ 1;
	case JSON_INTEGER:
	case JSON_REAL:
		d = json_number_value(v);
		if (d == 0)
			d = 0; /* -0 equals 0 */
		memcpy(&h, &d, sizeof(h));
		return mix(h) ^ 2;
	case JSON_ARRAY:
		h = 3;
		json_array_foreach(v, i, x)
			h = mix(h * 31 + value_hash(x));
		return h;
	case JSON_OBJECT:
		h = 4; /* order-independent */
		json_object_foreach((json_t *)v, k, x)
			h += mix(hash_bytes(k, strlen(k)) * 31 + value_hash(x));
		return h;
	default:
		return (uint64_t)json_typeof(v) + 5;
	}
}

struct hashed {
	uint64_t h;
	size_t i;
};

static int hashed_cmp(const void *a, const void *b)
{
	const struct hashed *x = a, *y = b;

	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* O(n log n) duplicate search; *i < *j are the first equal pair found. */
static int find_duplicate(const json_t *arr, size_t *di, size_t *dj, int *nomem)
{
	size_t n = json_array_size(arr), a, b, e;
	struct hashed *t;
	int found = 0;

	*nomem = 0;
	if (n < 2)
		return 0;
	if (!(t = malloc(n * sizeof(*t)))) {
		*nomem = 1;
		return 0;
	}
	for (a = 0; a < n; a++) {
		t[a].h = value_hash(json_array_get(arr, a));
		t[a].i = a;
	}
	qsort(t, n, sizeof(*t), hashed_cmp);
	for (a = 0; a < n && !found; a = e) {
		for (e = a + 1; e < n && t[e].h == t[a].h; e++)
			;
		for (size_t x = a; x < e && !found; x++)
			for (b = x + 1; b < e; b++)
				if (values_equal(json_array_get(arr, t[x].i),
						 json_array_get(arr, t[b].i))) {
					*di = t[x].i;
					*dj = t[b].i;
					found = 1;
					break;
				}
	}
	free(t);
	return found;
}

static int validate(struct vctx *c, const struct node *n, const json_t *v);

static size_t utf8_length(const char *s, size_t bytes)
{
	size_t n = 0;

	for (size_t i = 0; i < bytes; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/*
 * A string may hold NUL (jansson's json_stringn()), so the whole length is
 * matched, never a C-string prefix; without REG_STARTEND such a string fails.
 */
static int pattern_matches(const regex_t *re, const char *s, size_t bytes)
{
#ifdef REG_STARTEND
	regmatch_t m[1];

	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)bytes;
	return regexec(re, s, 1, m, REG_STARTEND) == 0;
#else
	return strlen(s) == bytes && regexec(re, s, 0, NULL, 0) == 0;
#endif
}

static int check_string(struct vctx *c, const struct node *n, const json_t *v)
{
	const char *s = json_string_value(v);
	size_t bytes = json_string_length(v);
	int whole = strlen(s) == bytes; /* no NUL inside */
	char shown[340];

	if (n->has_min_len || n->has_max_len) {
		size_t len = utf8_length(s, bytes);
		if (n->has_min_len && len < n->min_len) {
			if (len == 0)
				return fail(c, "must not be empty");
			return fail(c, "is %zu character%s long, at least %zu required", len,
				    len == 1 ? "" : "s", n->min_len);
		}
		if (n->has_max_len && len > n->max_len)
			return fail(c, "is %zu characters long, at most %zu allowed", len, n->max_len);
	}
	if (n->re && !pattern_matches(n->re, s, bytes)) {
		show_str(shown, sizeof(shown), s, 80);
		return fail(c, "'%s' does not match %s", shown, n->pattern);
	}
	if (n->format != FMT_NONE && !whole)
		return fail(c, "holds a NUL character, so is no %s",
			    n->format == FMT_DATE ? "date" : "date-time");
	if (n->format == FMT_DATE && !sdx__is_date(s)) {
		show_str(shown, sizeof(shown), s, 60);
		return fail(c, "'%s' is not a calendar date YYYY-MM-DD", shown);
	}
	if (n->format == FMT_DATE_TIME && !sdx__is_date_time(s)) {
		show_str(shown, sizeof(shown), s, 60);
		return fail(c, "'%s' is not an RFC 3339 date-time (e.g. 2026-09-17T08:30:00Z)",
			    shown);
	}
	return 0;
}

static int check_number(struct vctx *c, const struct node *n, const json_t *v)
{
	double d = json_number_value(v);

	if (n->has_min && d < n->min)
		return fail(c, "%.15g is less than the minimum %.15g", d, n->min);
	if (n->has_xmin && d <= n->xmin)
		return fail(c, "%.15g must be greater than %.15g", d, n->xmin);
	if (n->has_max && d > n->max)
		return fail(c, "%.15g is greater than the maximum %.15g", d, n->max);
	if (n->has_xmax && d >= n->xmax)
		return fail(c, "%.15g must be less than %.15g", d, n->xmax);
	return 0;
}

static int check_object(struct vctx *c, const struct node *n, const json_t *v)
{
	const struct prop *p;
	const char *k;
	char shown[200];
	json_t *x;
	size_t i, old;

	/* Unknown fields first: a misspelt name explains the "missing" one. */
	if (n->closed)
		json_object_foreach((json_t *)v, k, x)
			if (!find_prop(n, k)) {
				show_str(shown, sizeof(shown), k, 60);
				return fail(c, "unexpected field '%s'", shown);
			}
	for (i = 0; i < n->nrequired; i++)
		if (!json_object_get(v, n->required[i]))
			return fail(c, "missing required field '%s'", n->required[i]);
	if (!n->nprops && !n->additional)
		return 0;
	json_object_foreach((json_t *)v, k, x) {
		const struct node *sub = (p = find_prop(n, k)) ? p->schema : n->additional;
		if (!sub)
			continue;
		old = push_key(c, k);
		if (validate(c, sub, x)) {
			pop(c, old);
			return 1;
		}
		pop(c, old);
	}
	return 0;
}

static int check_array(struct vctx *c, const struct node *n, const json_t *v)
{
	size_t len = json_array_size(v), i, j, old;
	int nomem;

	if (n->has_min_items && len < n->min_items) {
		if (len == 0)
			return fail(c, "must not be empty");
		return fail(c, "has %zu item%s, at least %zu required", len, len == 1 ? "" : "s",
			    n->min_items);
	}
	if (n->has_max_items && len > n->max_items)
		return fail(c, "has %zu items, at most %zu allowed", len, n->max_items);
	if (n->unique) {
		if (find_duplicate(v, &i, &j, &nomem))
			return fail(c, "items [%zu] and [%zu] are equal; each must appear once", i, j);
		if (nomem)
			return fail(c, "out of memory");
	}
	if (n->items)
		for (i = 0; i < len; i++) {
			old = push_index(c, i);
			if (validate(c, n->items, json_array_get(v, i))) {
				pop(c, old);
				return 1;
			}
			pop(c, old);
		}
	return 0;
}

static int check_enum(struct vctx *c, const struct node *n, const json_t *v)
{
	char list[400], one[120], shown[200];
	size_t i, o = 0;

	for (i = 0; i < json_array_size(n->enum_vals); i++)
		if (values_equal(v, json_array_get(n->enum_vals, i)))
			return 0;
	list[0] = '\0';
	for (i = 0; i < json_array_size(n->enum_vals); i++) {
		const json_t *e = json_array_get(n->enum_vals, i);
		if (json_is_string(e))
			show_str(one, sizeof(one), json_string_value(e), 40);
		else
			show_value(one, sizeof(one), e);
		if (o + strlen(one) + 8 >= sizeof(list)) {
			snprintf(list + o, sizeof(list) - o, ", ...");
			break;
		}
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", one);
	}
	show_value(shown, sizeof(shown), v);
	return fail(c, "%s is not one of: %s", shown, list);
}

/*
 * anyOf/oneOf.  When nothing matches, report the failing alternative that got
 * deepest into the value: that is usually the one the author meant.
 */
static int check_alternatives(struct vctx *c, struct node *const *alts, size_t count,
			      const json_t *v, int exactly_one)
{
	char best[MSG_CAP];
	size_t i, best_depth = 0, matched = 0, first = 0;
	int have = 0;

	best[0] = '\0';
	for (i = 0; i < count; i++) {
		if (!validate(c, alts[i], v)) {
			if (!exactly_one)
				return 0;
			if (matched++ == 0)
				first = i;
			else
				return fail(c, "matches both alternative %zu and %zu of oneOf; "
					    "it must match exactly one", first, i);
			continue;
		}
		if (!have || c->err_plen > best_depth) {
			memcpy(best, c->msg, sizeof(best));
			best_depth = c->err_plen;
			have = 1;
		}
	}
	if (matched)
		return 0;
	memcpy(c->msg, best, sizeof(c->msg));
	c->err_plen = best_depth;
	return 1;
}

static int check_node(struct vctx *c, const struct node *n, const json_t *v)
{
	char a[200];
	size_t i;

	if (n->is_false)
		return fail(c, "no value is allowed here");
	if (n->types && !(type_of(v) & n->types)) {
		char want[120];
		size_t o = 0;
		for (i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
			if (n->types & (1u << i))
				o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%s",
						      o ? " or " : "", type_names[i]);
		return fail(c, "expected %s, got %s", want, got_name(v));
	}
	if (n->const_val && !values_equal(v, n->const_val)) {
		show_value(a, sizeof(a), n->const_val);
		return fail(c, "must be %s", a);
	}
	if (n->enum_vals && check_enum(c, n, v))
		return 1;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (check_string(c, n, v))
			return 1;
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		if (check_number(c, n, v))
			return 1;
		break;
	case JSON_OBJECT:
		if (check_object(c, n, v))
			return 1;
		break;
	case JSON_ARRAY:
		if (check_array(c, n, v))
			return 1;
		break;
	default:
		break;
	}
	if (n->ref && validate(c, n->ref, v))
		return 1;
	for (i = 0; i < n->nall; i++)
		if (validate(c, n->all_of[i], v))
			return 1;
	if (n->nany && check_alternatives(c, n->any_of, n->nany, v, 0))
		return 1;
	if (n->none && check_alternatives(c, n->one_of, n->none, v, 1))
		return 1;
	if (n->not_ && !validate(c, n->not_, v))
		return fail(c, "matches a form that is not allowed here");
	if (n->if_) {
		/* The condition's own failure is no error: it only picks a branch. */
		const struct node *branch = validate(c, n->if_, v) ? n->else_ : n->then_;
		if (branch && validate(c, branch, v))
			return 1;
	}
	return 0;
}

static int validate(struct vctx *c, const struct node *n, const json_t *v)
{
	int r;

	if (c->depth >= EVAL_MAX_DEPTH)
		return fail(c, "schema recursion too deep (a $ref cycle?)");
	c->depth++;
	r = check_node(c, n, v);
	c->depth--;
	return r;
}

int sdx__schema_validate(const struct sdx_schema *s, const json_t *instance)
{
	struct vctx c;
	locale_t old;
	int r;

	c.path[0] = '\0';
	c.plen = 0;
	c.msg[0] = '\0';
	c.err_plen = 0;
	c.depth = 0;
	old = uselocale(s->cloc);
	r = validate(&c, s->top, instance);
	uselocale(old);
	if (r)
		return sdx_error_set(SDX_ESCHEMA, "%s: %s", s->name, c.msg);
	return 0;
}
