/*
 * formats/schema/value.c - JSON values as JSON Schema sees them: their
 * types ("integer" is a number without fraction), equality (1 equals 1.0, key
 * order is irrelevant) and the duplicate search of uniqueItems.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/schema/node.h"

const char *const sdx__schema_type_names[SCHEMA_NTYPES] = {
	"null", "boolean", "object", "array", "number", "string", "integer"
};

int sdx__schema_type_bit(const char *name, unsigned *bit)
{
	for (size_t i = 0; i < SCHEMA_NTYPES; i++)
		if (strcmp(sdx__schema_type_names[i], name) == 0) {
			*bit = 1u << i;
			return 1;
		}
	return 0;
}

/* A JSON number has no fractional part (JSON Schema's "integer"). */
static int integral(double d)
{
	if (d >= 9007199254740992.0 || d <= -9007199254740992.0)
		return 1;
	return (double)(long long)d == d;
}

unsigned sdx__schema_type_of(const json_t *v)
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

int sdx__schema_equal(const json_t *a, const json_t *b)
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
			if (!sdx__schema_equal(json_array_get(a, i), json_array_get(b, i)))
				return 0;
		return 1;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return 0;
		json_object_foreach((json_t *)a, k, v) {
			json_t *w = json_object_get(b, k);
			if (!w || !sdx__schema_equal(v, w))
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

/* A hash consistent with sdx__schema_equal(). */
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

int sdx__schema_find_duplicate(const json_t *arr, size_t *di, size_t *dj, int *nomem)
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
				if (sdx__schema_equal(json_array_get(arr, t[x].i),
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
