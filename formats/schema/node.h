/*
 * formats/schema/node.h - the compiled form of a schema, shared by the
 * files of the validator (schema.c loads, validate.c evaluates,
 * value.c and pattern.c serve both).  Private to them: everyone
 * else uses formats/schema/schema.h.
 *
 * A node is one schema object with every keyword already checked and kept in
 * the form validation needs.  Nodes are made only by schema.c and are read-only
 * once sdx__schema_load() returns, which is what makes validation thread-safe.
 */
#ifndef SDX_FORMATS_SCHEMA_NODE_H
#define SDX_FORMATS_SCHEMA_NODE_H

#include <locale.h>
#include <regex.h>
#include <stddef.h>
#include <jansson.h>

#include "formats/schema/schema.h"

/* JSON Schema's types as bits; "integer" is also a number. */
enum {
	T_NULL = 1, T_BOOLEAN = 2, T_OBJECT = 4, T_ARRAY = 8, T_NUMBER = 16,
	T_STRING = 32, T_INTEGER = 64
};
#define SCHEMA_NTYPES 7
/* sdx__schema_type_names[i] names the bit 1 << i. */
extern const char *const sdx__schema_type_names[SCHEMA_NTYPES];

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

/* schema.c: the property `name` of `n`, or NULL (binary search). */
const struct prop *sdx__schema_find_prop(const struct node *n, const char *name);

/* value.c: 1 with *bit the T_* bit of the type `name`, or 0 if there is none. */
int sdx__schema_type_bit(const char *name, unsigned *bit);
/* value.c: the T_* bits `v` has (an integral number is both). */
unsigned sdx__schema_type_of(const json_t *v);
/* value.c: equality as JSON Schema defines it (1 equals 1.0, key order irrelevant). */
int sdx__schema_equal(const json_t *a, const json_t *b);
/*
 * value.c: 1 with *i < *j the first equal pair of `arr`'s items, or 0
 * (then *nomem says whether that is for want of memory).  O(n log n).
 */
int sdx__schema_find_duplicate(const json_t *arr, size_t *i, size_t *j, int *nomem);

/*
 * pattern.c: check `p` against the portable subset and compile it in
 * locale `cloc`.  Returns 0 with *out set; SDX_EFORMAT with the reason in
 * `why` (no error set yet: the caller names the location); or SDX_ENOMEM.
 */
int sdx__schema_pattern_compile(regex_t **out, const char *p, locale_t cloc, char *why,
				size_t cap);
/* pattern.c: 1 if `re` matches the `bytes` bytes at `s` (which may hold NUL). */
int sdx__schema_pattern_matches(const regex_t *re, const char *s, size_t bytes);

#endif
