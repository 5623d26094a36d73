/*
 * formats/records/schema.h - a JSON Schema (draft 2020-12) validator for the subset
 * of the language sdx's record schemas use; internal to libsdx.
 *
 * Order of calls: sdx__schema_load() once per schema text (it refuses any
 * keyword it does not implement, so a schema can never say more than the
 * validator checks), then sdx__schema_validate() any number of times, from
 * any number of threads, then sdx__schema_free().
 *
 * Supported: $schema, $id, $defs, $ref ("#/$defs/NAME" only), $comment,
 * title, description, examples; type (string or array; "integer" is a number
 * with no fractional part), enum, const; properties, required,
 * additionalProperties (boolean or schema); items, minItems, maxItems,
 * uniqueItems; minLength, maxLength (in Unicode code points), pattern (a
 * portable subset of ECMA-262 checked at load, run as POSIX ERE); minimum,
 * maximum, exclusiveMinimum, exclusiveMaximum; format "date" and
 * "date-time"; allOf, anyOf, oneOf, not, if/then/else; boolean schemas.
 */
#ifndef SDX_FORMATS_SCHEMA_H
#define SDX_FORMATS_SCHEMA_H

#include <stddef.h>
#include <jansson.h>

struct sdx_schema;

/*
 * Compile the schema in `text`.  `name` prefixes validation messages
 * ("declaration: claims[2].limit.value: ...").  Returns 0, or SDX_EFORMAT
 * naming the schema location of the problem (not JSON, unsupported keyword,
 * malformed keyword value, unresolvable $ref, pattern outside the subset).
 */
int sdx__schema_load(struct sdx_schema **out, const char *name, const char *text,
		     size_t len);

/*
 * Check `instance` against the schema.  Returns 0, or SDX_ESCHEMA with the
 * first problem found, named by its JSON path.  Thread-safe: the schema is
 * only read.
 */
int sdx__schema_validate(const struct sdx_schema *s, const json_t *instance);

/* Accepts NULL. */
void sdx__schema_free(struct sdx_schema *s);

/* 1 if `s` is a valid date "YYYY-MM-DD" (proleptic Gregorian), else 0. */
int sdx__is_date(const char *s);

/* 1 if `s` is an RFC 3339 date-time (upper-case T and Z), else 0. */
int sdx__is_date_time(const char *s);

#endif
