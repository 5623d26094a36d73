/*
 * formats/schema/schema.h - a JSON Schema (draft 2020-12) validator for the subset
 * of the language sdx's record schemas use; internal to libsdx, and its one
 * interface (schema.c loads, validate.c validates; node.h, their
 * shared compiled form, is private to them).
 *
 * Order of calls: sdx__schema_load() once per schema text, then
 * sdx__schema_validate() any number of times, from any number of threads,
 * then sdx__schema_free().
 *
 * Unknown and unimplemented keywords are refused at load (SDX_EFORMAT naming
 * the keyword and its location), never ignored: a schema can never say more
 * than the validator checks.  tests/unit/schema.c runs the official
 * JSON-Schema-Test-Suite against this subset and lists each case it skips.
 *
 * Implemented:
 *   $schema (required, top level, exactly the draft 2020-12 URI); $id (top
 *   level only, not used to resolve anything); $defs (top level only; names of
 *   letters, digits, '_' and '-'); $ref ("#/$defs/NAME" only; applies beside
 *   its sibling keywords); $comment, title, description, examples;
 *   type (string or array; "integer" is a number with no fractional part),
 *   enum (non-empty), const; properties, required, additionalProperties
 *   (boolean or schema); items (one schema); minItems, maxItems, uniqueItems;
 *   minLength, maxLength (Unicode code points); pattern (see below); minimum,
 *   maximum, exclusiveMinimum, exclusiveMaximum; format "date" and
 *   "date-time"; allOf, anyOf, oneOf, not, if/then/else; boolean schemas
 *   below the top level.  Counts may be written 2.0.
 *
 * Not implemented (refused at load): prefixItems and the array form of items,
 * contains, minContains, maxContains, unevaluatedItems, unevaluatedProperties,
 * patternProperties, propertyNames, dependentRequired, dependentSchemas,
 * minProperties, maxProperties, multipleOf, $anchor, $dynamicRef,
 * $dynamicAnchor, $vocabulary, default, deprecated, readOnly, writeOnly,
 * contentEncoding, contentMediaType, contentSchema, every other format;
 * $ref to anything but "#/$defs/NAME" (JSON Pointers elsewhere, relative or
 * absolute URIs, remote documents); $id below the top level.
 *
 * Where sdx is stricter than the specification (refused at load, as schema
 * bugs): a schema without $schema, a top-level boolean schema, an empty enum,
 * then/else without if, minLength > maxLength, minItems > maxItems, a required
 * field that additionalProperties: false forbids, a type listed twice.
 *
 * Where sdx differs on purpose: format "date" and "date-time" are assertions,
 * not annotations; date-time takes only upper-case T and Z (RFC 3339 allows
 * t and z); pattern is ECMA-262 limited to a portable ASCII subset checked at
 * load (no \d \w \s \p or other letter or digit escapes, no '.', no (?...), no
 * backslash inside [...]) and run as POSIX ERE in the C locale, so that any
 * other validator accepts exactly the same strings.  Numbers are jansson's:
 * integers beyond 64 bits and strings holding \u0000 are refused by the JSON
 * parser before a schema or record reaches this code.
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
