/*
 * Unit tests for record validation: every keyword of the schema validator
 * (formats/schema.c), every cross-field rule of formats/record.c, the example
 * records, canonical form, attachment and reference extraction, hostile input.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "harness.h"
#include "sdx.h"
#include "sdx/record.h"
#include "formats/schema/schema.h"

#define DRAFT "\"$schema\":\"https://json-schema.org/draft/2020-12/schema\""

/* ---- helpers ---------------------------------------------------------------------------- */

static char *example_text(const char *file, size_t *len)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "../../examples/data/%s", file);
	return test_read_file(test_data(rel), len);
}

static json_t *example(const char *file)
{
	size_t len = 0;
	char *text = example_text(file, &len);
	json_t *j = text ? json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	free(text);
	return j;
}

/*
 * Resolve "a.b[2].c" under root.  With `parent_only`, stop before the last
 * segment and return it through *last / *index (index -1 for a key).
 */
static json_t *walk(json_t *root, const char *path, int parent_only, char *last, long *index)
{
	char seg[128];
	json_t *cur = root;
	const char *p = path;

	while (*p) {
		long idx = -1;
		size_t n = 0;
		if (*p == '.')
			p++;
		if (*p == '[') {
			idx = strtol(p + 1, NULL, 10);
			p = strchr(p, ']') + 1;
		} else {
			while (*p && *p != '.' && *p != '[' && n + 1 < sizeof(seg))
				seg[n++] = *p++;
			seg[n] = '\0';
		}
		if (parent_only && *p == '\0') {
			if (idx < 0)
				snprintf(last, 128, "%s", seg);
			*index = idx;
			return cur;
		}
		cur = idx >= 0 ? json_array_get(cur, (size_t)idx) : json_object_get(cur, seg);
		if (!cur)
			return NULL;
	}
	return cur;
}

/* Set (or, with value NULL, delete) the member at `path`; steals value. */
static int put(json_t *root, const char *path, json_t *value)
{
	char last[128] = "";
	long idx = -1;
	json_t *parent = walk(root, path, 1, last, &idx);
	int rc;

	if (!parent) {
		json_decref(value);
		return -1;
	}
	if (idx >= 0) {
		if (!value)
			return json_array_remove(parent, (size_t)idx);
		if ((size_t)idx == json_array_size(parent))
			return json_array_append_new(parent, value);
		return json_array_set_new(parent, (size_t)idx, value);
	}
	if (!value)
		return json_object_del(parent, last);
	rc = json_object_set_new(parent, last, value);
	return rc;
}

static json_t *jparse(const char *text)
{
	return json_loads(text, JSON_REJECT_DUPLICATES, NULL);
}

static int validate_json(const char *type, const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	int rc = s ? sdx_record_validate(type, s, strlen(s)) : SDX_ENOMEM;

	free(s);
	return rc;
}

/* Fail unless the last error message starts with `want`. */
static int msg_is(const char *want)
{
	return strncmp(sdx_error_last(), want, strlen(want)) == 0;
}

#define EXPECT_RC(rc_expr, code, want) do { \
	int rc_ = (rc_expr); \
	if (rc_ != (code) || !msg_is(want)) { \
		char w_[1100]; \
		snprintf(w_, sizeof(w_), "got %d '%s', wanted %d '%s'", rc_, sdx_error_last(), \
			 (code), (want)); \
		test_fail(__FILE__, __LINE__, w_); \
		return; \
	} \
} while (0)

/* Validate the mutated record j (consumed) and expect an ESCHEMA starting with want. */
#define EXPECT_BAD(j, want) do { \
	json_t *j_ = (j); \
	int r_ = validate_json("declaration", j_); \
	json_decref(j_); \
	EXPECT_RC(r_, SDX_ESCHEMA, want); \
} while (0)

#define EXPECT_GOOD(j) do { \
	json_t *j_ = (j); \
	int r_ = validate_json("declaration", j_); \
	json_decref(j_); \
	if (r_ != 0) { test_fail(__FILE__, __LINE__, sdx_error_last()); return; } \
} while (0)

/* Load `schema` and validate `instance` against it; returns the code. */
static int sv(const char *schema, const char *instance)
{
	struct sdx_schema *s = NULL;
	json_t *j = json_loads(instance, JSON_DECODE_ANY, NULL);
	int rc;

	if (!j)
		return sdx_error_set(SDX_EINVAL, "test: bad instance %s", instance);
	if ((rc = sdx__schema_load(&s, "t", schema, strlen(schema))) == 0)
		rc = sdx__schema_validate(s, j);
	sdx__schema_free(s);
	json_decref(j);
	return rc;
}

static int load_only(const char *schema)
{
	struct sdx_schema *s = NULL;
	int rc = sdx__schema_load(&s, "t", schema, strlen(schema));

	sdx__schema_free(s);
	return rc;
}

#define OK(schema, inst) do { \
	if (sv((schema), (inst)) != 0) { test_fail(__FILE__, __LINE__, sdx_error_last()); return; } \
} while (0)
#define NO(schema, inst, want) EXPECT_RC(sv((schema), (inst)), SDX_ESCHEMA, (want))
#define LOAD_FAILS(schema, want) EXPECT_RC(load_only(schema), SDX_EFORMAT, (want))

/* ---- the validator, keyword by keyword ------------------------------------------------------ */

static void kw_type(void)
{
	const char *num = "{" DRAFT ",\"type\":\"number\"}";
	const char *integer = "{" DRAFT ",\"type\":\"integer\"}";
	const char *multi = "{" DRAFT ",\"type\":[\"string\",\"null\"]}";

	OK(num, "1");
	OK(num, "1.5");
	NO(num, "\"1\"", "t: expected number, got string");
	NO(num, "true", "t: expected number, got boolean");
	OK(integer, "7");
	OK(integer, "7.0"); /* JSON Schema: a number without fractional part */
	NO(integer, "7.5", "t: expected integer, got number");
	OK(multi, "\"x\"");
	OK(multi, "null");
	NO(multi, "[]", "t: expected null or string, got array");
	OK("{" DRAFT ",\"type\":\"object\"}", "{}");
	NO("{" DRAFT ",\"type\":\"object\"}", "[]", "t: expected object, got array");
	OK("{" DRAFT ",\"type\":\"array\"}", "[]");
	OK("{" DRAFT ",\"type\":\"boolean\"}", "false");
	NO("{" DRAFT ",\"type\":\"null\"}", "0", "t: expected null, got number");
	LOAD_FAILS("{" DRAFT ",\"type\":\"float\"}", "schema 't': #: unknown type 'float'");
	LOAD_FAILS("{" DRAFT ",\"type\":[\"string\",\"string\"]}", "schema 't': #: 'type' lists");
}

static void kw_object(void)
{
	const char *s = "{" DRAFT ",\"type\":\"object\",\"required\":[\"a\"],"
			"\"additionalProperties\":false,"
			"\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"object\","
			"\"required\":[\"lots\"],\"properties\":{\"lots\":{}}}}}";
	const char *open = "{" DRAFT ",\"properties\":{\"a\":{\"type\":\"string\"}},"
			   "\"additionalProperties\":{\"type\":\"integer\"}}";

	OK(s, "{\"a\":\"x\"}");
	OK(s, "{\"a\":\"x\",\"b\":{\"lots\":1}}");
	NO(s, "{}", "t: missing required field 'a'");
	NO(s, "{\"a\":\"x\",\"b\":{}}", "t: b: missing required field 'lots'");
	NO(s, "{\"a\":\"x\",\"c\":1}", "t: unexpected field 'c'");
	NO(s, "{\"a\":1}", "t: a: expected string, got number");
	OK(open, "{\"a\":\"x\",\"n\":3}");
	NO(open, "{\"a\":\"x\",\"n\":\"3\"}", "t: n: expected integer, got string");
	NO(open, "{\"a b\":\"x\"}", "t: ['a b']: expected integer, got string");
	/* properties apply only to objects */
	OK(open, "17");
	LOAD_FAILS("{" DRAFT ",\"required\":[\"z\"],\"additionalProperties\":false}",
		   "schema 't': #: 'z' is required but not allowed");
	LOAD_FAILS("{" DRAFT ",\"required\":\"a\"}", "schema 't': #: 'required' must be an array");
}

static void kw_array(void)
{
	const char *s = "{" DRAFT ",\"type\":\"array\",\"minItems\":1,\"maxItems\":3,"
			"\"uniqueItems\":true,\"items\":{\"type\":\"number\"}}";
	const char *objs = "{" DRAFT ",\"uniqueItems\":true}";

	OK(s, "[1,2,3]");
	NO(s, "[]", "t: must not be empty");
	NO(s, "[1,2,3,4]", "t: has 4 items, at most 3 allowed");
	NO(s, "[1,\"2\"]", "t: [1]: expected number, got string");
	NO(s, "[1,2,1]", "t: items [0] and [2] are equal");
	NO(s, "[2,2.0]", "t: items [0] and [1] are equal"); /* 2 equals 2.0 */
	OK(objs, "[{\"a\":1},{\"a\":2}]");
	NO(objs, "[{\"a\":1,\"b\":[1]},{\"b\":[1],\"a\":1}]", "t: items [0] and [1] are equal");
	OK(objs, "[[1,2],[2,1]]");
	OK(objs, "[0,false,null,\"0\",[],{}]");
	NO("{" DRAFT ",\"minItems\":2}", "[1]", "t: has 1 item, at least 2 required");
	LOAD_FAILS("{" DRAFT ",\"items\":[{}]}", "schema 't': #: 'items' must be one schema");
	LOAD_FAILS("{" DRAFT ",\"minItems\":-1}", "schema 't': #: 'minItems' must be a non-negative");
	LOAD_FAILS("{" DRAFT ",\"minItems\":3,\"maxItems\":2}", "schema 't': #: minItems is greater");
}

static void kw_unique_many(void)
{
	/* 20000 items: uniqueItems must not be quadratic. */
	const char *s = "{" DRAFT ",\"uniqueItems\":true}";
	struct sdx_schema *sch = NULL;
	json_t *a = json_array();
	int rc;

	for (int i = 0; i < 20000; i++)
		json_array_append_new(a, json_integer(i));
	CHECK_OK(sdx__schema_load(&sch, "t", s, strlen(s)));
	rc = sdx__schema_validate(sch, a);
	json_array_append_new(a, json_real(19999.0));
	if (rc == 0)
		rc = sdx__schema_validate(sch, a) == SDX_ESCHEMA ? 0 : -1;
	sdx__schema_free(sch);
	json_decref(a);
	CHECK(rc == 0);
	CHECK(msg_is("t: items [19999] and [20000] are equal"));
}

static void kw_enum_const(void)
{
	const char *e = "{" DRAFT ",\"enum\":[\"conforms\",\"does_not_conform\",3]}";
	const char *c = "{" DRAFT ",\"const\":\"CEL\"}";

	OK(e, "\"conforms\"");
	OK(e, "3.0");
	NO(e, "\"maybe\"", "t: 'maybe' is not one of: conforms, does_not_conform, 3");
	NO(e, "[]", "t: an array is not one of:");
	OK(c, "\"CEL\"");
	NO(c, "\"FAH\"", "t: must be 'CEL'");
	OK("{" DRAFT ",\"const\":{\"a\":[1,2]}}", "{\"a\":[1.0,2]}");
	NO("{" DRAFT ",\"const\":true}", "1", "t: must be true");
	LOAD_FAILS("{" DRAFT ",\"enum\":[]}", "schema 't': #: 'enum' must be a non-empty array");
}

static void kw_pattern(void)
{
	const char *s = "{" DRAFT ",\"properties\":{\"country\":{\"pattern\":\"^[A-Z]{2}$\"},"
			"\"part\":{\"pattern\":\"b\"}}}";

	OK(s, "{\"country\":\"CN\"}");
	NO(s, "{\"country\":\"XX1\"}", "t: country: 'XX1' does not match ^[A-Z]{2}$");
	NO(s, "{\"country\":\"cn\"}", "t: country: 'cn' does not match");
	/* ECMA-262 patterns are not anchored */
	OK(s, "{\"part\":\"abc\"}");
	NO(s, "{\"part\":\"ac\"}", "t: part: 'ac' does not match b");
	/* a pattern applies only to strings */
	OK(s, "{\"country\":12}");
	/* control characters in a shown value are escaped */
	NO(s, "{\"country\":\"\\u001b[31m\"}", "t: country: '\\x1b[31m' does not match");
	/* constructs ECMA-262 and POSIX read differently are refused at load */
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"^\\\\d+$\"}", "schema 't': #: pattern: escape '\\d'");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"^a.b$\"}", "schema 't': #: pattern: '.' matches");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"[\\\\-a]\"}", "schema 't': #: pattern: a backslash");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"(?:ab)\"}", "schema 't': #: pattern: (?...)");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"[[:alpha:]]\"}", "schema 't': #: pattern: POSIX");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"[]a]\"}", "schema 't': #: pattern: ']' first");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"\\u00e9\"}", "schema 't': #: pattern: non-ASCII");
	LOAD_FAILS("{" DRAFT ",\"pattern\":\"a{2\"}", "schema 't': #: pattern 'a{2':");
	/* escaped punctuation is the same in both */
	OK("{" DRAFT ",\"pattern\":\"^a\\\\.b$\"}", "\"a.b\"");
	NO("{" DRAFT ",\"pattern\":\"^a\\\\.b$\"}", "\"axb\"", "t: 'axb' does not match");
	/* '.' inside brackets is literal in both */
	OK("{" DRAFT ",\"pattern\":\"^[.]$\"}", "\".\"");
	NO("{" DRAFT ",\"pattern\":\"^[.]$\"}", "\"x\"", "t: 'x' does not match");
}

static void kw_length(void)
{
	const char *s = "{" DRAFT ",\"minLength\":2,\"maxLength\":3}";

	OK(s, "\"ab\"");
	OK(s, "\"\xc3\xa9t\xc3\xa9\""); /* "été": 3 code points, 5 bytes */
	OK(s, "\"\xe6\x97\xa5\xe6\x9c\xac\""); /* two CJK characters, 6 bytes */
	OK(s, "\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\""); /* two emoji, 8 bytes */
	NO(s, "\"\xe6\x97\xa5\"", "t: is 1 character long, at least 2 required");
	NO(s, "\"abcd\"", "t: is 4 characters long, at most 3 allowed");
	NO("{" DRAFT ",\"minLength\":1}", "\"\"", "t: must not be empty");
	OK(s, "12345"); /* applies only to strings */
	LOAD_FAILS("{" DRAFT ",\"minLength\":1.5}", "schema 't': #: 'minLength' must be");
	LOAD_FAILS("{" DRAFT ",\"minLength\":4,\"maxLength\":3}", "schema 't': #: minLength is greater");
}

static void kw_numbers(void)
{
	const char *s = "{" DRAFT ",\"minimum\":0,\"maximum\":100}";
	const char *x = "{" DRAFT ",\"exclusiveMinimum\":0,\"exclusiveMaximum\":100}";

	OK(s, "0");
	OK(s, "100");
	OK(s, "55.5");
	NO(s, "-0.5", "t: -0.5 is less than the minimum 0");
	NO(s, "100.001", "t: 100.001 is greater than the maximum 100");
	OK(x, "0.001");
	NO(x, "0", "t: 0 must be greater than 0");
	NO(x, "100", "t: 100 must be less than 100");
	OK(x, "\"1000\""); /* applies only to numbers */
	LOAD_FAILS("{" DRAFT ",\"minimum\":\"0\"}", "schema 't': #: 'minimum' must be a number");
}

static void kw_format(void)
{
	const char *d = "{" DRAFT ",\"format\":\"date\"}";
	const char *dt = "{" DRAFT ",\"format\":\"date-time\"}";

	OK(d, "\"2026-09-17\"");
	OK(d, "\"2024-02-29\"");
	OK(d, "\"2000-02-29\"");
	NO(d, "\"2023-02-29\"", "t: '2023-02-29' is not a calendar date YYYY-MM-DD");
	NO(d, "\"1900-02-29\"", "t: '1900-02-29' is not a calendar date");
	NO(d, "\"2026-04-31\"", "t: '2026-04-31' is not");
	NO(d, "\"2026-13-01\"", "t: '2026-13-01' is not");
	NO(d, "\"2026-00-10\"", "t: '2026-00-10' is not");
	NO(d, "\"2026-9-17\"", "t: '2026-9-17' is not");
	NO(d, "\"2026-09-17T00:00:00Z\"", "t: '2026-09-17T00:00:00Z' is not");
	NO(d, "\"17.09.2026\"", "t: '17.09.2026' is not");
	OK(dt, "\"2026-09-17T08:30:00Z\"");
	OK(dt, "\"2026-09-17T08:30:00.125+08:00\"");
	OK(dt, "\"2026-12-31T23:59:60Z\""); /* leap second */
	OK(dt, "\"2026-09-17T08:30:00-05:30\"");
	NO(dt, "\"2026-09-17 08:30:00Z\"", "t: '2026-09-17 08:30:00Z' is not an RFC 3339");
	NO(dt, "\"2026-09-17T08:30:00\"", "t: '2026-09-17T08:30:00' is not");
	NO(dt, "\"2026-09-17T24:00:00Z\"", "t: '2026-09-17T24:00:00Z' is not");
	NO(dt, "\"2026-09-17T08:30:00+08:60\"", "t: '2026-09-17T08:30:00+08:60' is not");
	NO(dt, "\"2026-09-17T08:30:00.Z\"", "t: '2026-09-17T08:30:00.Z' is not");
	NO(dt, "\"2026-02-30T08:30:00Z\"", "t: '2026-02-30T08:30:00Z' is not");
	OK(d, "20260917"); /* applies only to strings */
	LOAD_FAILS("{" DRAFT ",\"format\":\"email\"}", "schema 't': #: unsupported format 'email'");
}

static void kw_ref(void)
{
	const char *s = "{" DRAFT ",\"$defs\":{\"q\":{\"type\":\"object\",\"required\":[\"value\"],"
			"\"properties\":{\"value\":{\"type\":\"number\"}}},"
			"\"tree\":{\"type\":\"object\",\"properties\":{\"kids\":{\"type\":\"array\","
			"\"items\":{\"$ref\":\"#/$defs/tree\"}},\"q\":{\"$ref\":\"#/$defs/q\"}}}},"
			"\"$ref\":\"#/$defs/tree\"}";

	OK(s, "{\"kids\":[{\"kids\":[{\"q\":{\"value\":1}}]}]}");
	NO(s, "{\"kids\":[{},{\"kids\":[{\"q\":{\"value\":\"x\"}}]}]}",
	   "t: kids[1].kids[0].q.value: expected number, got string");
	LOAD_FAILS("{" DRAFT ",\"$ref\":\"#/$defs/nope\"}", "schema 't': #: '$ref' names");
	LOAD_FAILS("{" DRAFT ",\"$ref\":\"other.json#/x\"}", "schema 't': #: '$ref' must be");
	LOAD_FAILS("{" DRAFT ",\"properties\":{\"a\":{\"$defs\":{}}}}",
		   "schema 't': #/properties/a: '$defs' is supported only at the top level");
	/* a $ref cycle that never descends ends with an error, not a crash */
	NO("{" DRAFT ",\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"$ref\":\"#/$defs/a\"}},"
	   "\"$ref\":\"#/$defs/a\"}", "1", "t: schema recursion too deep");
}

static void kw_combinators(void)
{
	const char *all = "{" DRAFT ",\"allOf\":[{\"type\":\"number\"},{\"minimum\":5}]}";
	const char *any = "{" DRAFT ",\"type\":\"object\",\"anyOf\":[{\"required\":[\"email\"]},"
			  "{\"required\":[\"phone\"]}]}";
	const char *deep = "{" DRAFT ",\"anyOf\":[{\"type\":\"string\"},{\"type\":\"object\","
			   "\"properties\":{\"a\":{\"properties\":{\"b\":{\"type\":\"integer\"}}}}}]}";
	const char *one = "{" DRAFT ",\"oneOf\":[{\"type\":\"integer\"},{\"minimum\":2}]}";
	const char *not = "{" DRAFT ",\"not\":{\"type\":\"null\"}}";

	OK(all, "7");
	NO(all, "3", "t: 3 is less than the minimum 5");
	NO(all, "\"7\"", "t: expected number, got string");
	OK(any, "{\"email\":\"a@b\"}");
	OK(any, "{\"phone\":\"+86 1\"}");
	NO(any, "{}", "t: missing required field 'email'");
	/* the alternative that got deepest explains the failure */
	NO(deep, "{\"a\":{\"b\":1.5}}", "t: a.b: expected integer, got number");
	OK(one, "1");
	OK(one, "2.5");
	NO(one, "3", "t: matches both alternative 0 and 1 of oneOf");
	NO(one, "0.5", "t: expected integer, got number");
	OK(not, "1");
	NO(not, "null", "t: matches a form that is not allowed here");
	LOAD_FAILS("{" DRAFT ",\"anyOf\":[]}", "schema 't': #: 'anyOf' must be a non-empty");
	LOAD_FAILS("{" DRAFT ",\"allOf\":[{\"bogus\":1}]}",
		   "schema 't': #/allOf/0: unsupported keyword 'bogus'");
}

static void kw_if_then_else(void)
{
	const char *s = "{" DRAFT ",\"type\":\"object\","
			"\"if\":{\"properties\":{\"body\":{\"const\":\"CNAS\"}}},"
			"\"then\":{\"properties\":{\"number\":{\"pattern\":\"^CNAS L[0-9]{4,5}$\"}}},"
			"\"else\":{\"required\":[\"country\"]}}";

	OK(s, "{\"body\":\"CNAS\",\"number\":\"CNAS L1234\"}");
	NO(s, "{\"body\":\"CNAS\",\"number\":\"L1234\"}",
	   "t: number: 'L1234' does not match ^CNAS L[0-9]{4,5}$");
	OK(s, "{\"body\":\"UKAS\",\"number\":\"0001\",\"country\":\"GB\"}");
	NO(s, "{\"body\":\"UKAS\",\"number\":\"0001\"}", "t: missing required field 'country'");
	LOAD_FAILS("{" DRAFT ",\"then\":{}}", "schema 't': #: 'then' or 'else' without 'if'");
}

static void kw_boolean_schemas(void)
{
	const char *s = "{" DRAFT ",\"properties\":{\"yes\":true,\"no\":false}}";

	OK(s, "{\"yes\":[1,{}]}");
	NO(s, "{\"no\":1}", "t: no: no value is allowed here");
}

static void kw_load_refusals(void)
{
	LOAD_FAILS("{\"type\":\"object\"}", "schema 't': #: '$schema' is missing");
	LOAD_FAILS("{\"$schema\":\"http://json-schema.org/draft-07/schema#\"}",
		   "schema 't': #: '$schema' must be");
	LOAD_FAILS("{" DRAFT ",\"multipleOf\":5}", "schema 't': #: unsupported keyword 'multipleOf'");
	LOAD_FAILS("{" DRAFT ",\"properties\":{\"a\":{\"default\":1}}}",
		   "schema 't': #/properties/a: unsupported keyword 'default'");
	LOAD_FAILS("{" DRAFT ",\"$defs\":{\"x\":{\"prefixItems\":[]}}}",
		   "schema 't': #/$defs/x: unsupported keyword 'prefixItems'");
	LOAD_FAILS("{" DRAFT ",\"properties\":{\"a\":3}}",
		   "schema 't': #/properties/a: a schema must be an object or a boolean");
	LOAD_FAILS("[]", "schema 't': #: the schema is not a JSON object");
	EXPECT_RC(load_only("{" DRAFT ","), SDX_EFORMAT, "schema 't': invalid JSON");
	EXPECT_RC(load_only("{" DRAFT ",\"title\":1,\"title\":2}"), SDX_EFORMAT, "schema 't': invalid JSON");
}

static void date_helpers(void)
{
	CHECK(sdx__is_date("2026-09-17"));
	CHECK(!sdx__is_date("2026-09-17 "));
	CHECK(!sdx__is_date(""));
	CHECK(sdx__is_date_time("2026-09-17T08:30:00Z"));
	CHECK(!sdx__is_date_time("2026-09-17t08:30:00z"));
}

static void embedded_schemas_load(void)
{
	const char *text = NULL;
	size_t len = 0;
	struct sdx_schema *s = NULL;

	/* both embedded schemas compile under the validator's rules */
	CHECK_OK(sdx_record_schema(&text, &len, "declaration"));
	CHECK(len > 1000 && text[0] == '{' && strlen(text) == len);
	CHECK_OK(sdx__schema_load(&s, "declaration", text, len));
	sdx__schema_free(s);
	CHECK_OK(sdx_record_schema(&text, &len, "withdrawal"));
	CHECK_OK(sdx__schema_load(&s, "withdrawal", text, len));
	sdx__schema_free(s);
	EXPECT_RC(sdx_record_schema(&text, &len, "genesis"), SDX_ENOTFOUND, "unknown record type");
}

/* ---- record types and examples --------------------------------------------------------------- */

static void type_known(void)
{
	CHECK(sdx_record_type_known("declaration"));
	CHECK(sdx_record_type_known("withdrawal"));
	CHECK(sdx_record_type_known("batch"));
	CHECK(sdx_record_type_known("shipment"));
	CHECK(!sdx_record_type_known("genesis"));
	CHECK(!sdx_record_type_known("Declaration"));
	CHECK(!sdx_record_type_known(""));
	CHECK(!sdx_record_type_known(NULL));
	EXPECT_RC(sdx_record_validate("invoice", "{}", 2), SDX_ENOTFOUND,
		  "unknown record type 'invoice'");
}

/* One line per entry type, the ledger's own too, from the signed payload. */
static void summaries(void)
{
	static const char decl[] = "{\"body\":{\"material\":{\"name\":\"PVC film\",\"lots\":"
				   "[{\"lot_number\":\"L1\"},{\"lot_number\":\"L2\"}]},"
				   "\"supplier\":{\"name\":\"Haixing\"}}}";
	static const char batch[] = "{\"body\":{\"batch_id\":\"B7\",\"product\":{\"name\":"
				    "\"Toy car\",\"hs_code\":\"9503.00\"},\"inputs\":[{}]}}";
	static const char ship[] = "{\"body\":{\"shipment_id\":\"S1\",\"ship_date\":"
				   "\"2026-03-01\",\"destination_country\":\"DE\","
				   "\"port_of_loading\":\"CNNGB\",\"items\":[{},{}]}}";
	static const char wd[] = "{\"body\":{\"withdraws\":\"0123456789abcdef0123\"}}";
	static const char gen[] = "{\"body\":{\"origin\":\"example.com/acme\"}}";
	static const char key[] = "{\"body\":{\"new_key\":\"example.com/acme+1a2b3c4d+AAAA\","
				  "\"reason\":\"rotation\"}}";
	static const char imp[] = "{\"body\":{\"entries\":3,\"producer\":\"example.com/x\"}}";
	char out[300];

	CHECK_OK(sdx_record_summary(out, sizeof(out), "declaration", decl, strlen(decl)));
	CHECK_STR(out, "PVC film — Haixing — lots L1, L2");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "batch", batch, strlen(batch)));
	CHECK_STR(out, "batch B7: Toy car, HS 9503.00, 1 input");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "shipment", ship, strlen(ship)));
	CHECK_STR(out, "shipment S1 2026-03-01 to DE from CNNGB, 2 batches");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "withdrawal", wd, strlen(wd)));
	CHECK_STR(out, "withdraws 0123456789abcdef");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "genesis", gen, strlen(gen)));
	CHECK_STR(out, "ledger example.com/acme");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "key", key, strlen(key)));
	CHECK_STR(out, "new key example.com/acme+1a2b3c4d: rotation");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "import", imp, strlen(imp)));
	CHECK_STR(out, "imported 3 entries from example.com/x");
	/* a type of the application's own reads as a declaration would */
	CHECK_OK(sdx_record_summary(out, sizeof(out), "note", decl, strlen(decl)));
	CHECK_STR(out, "PVC film — Haixing — lots L1, L2");
	CHECK_OK(sdx_record_summary(out, sizeof(out), "note", "{\"body\":{}}", 11));
	CHECK_STR(out, "");
	CHECK_ERR(sdx_record_summary(out, sizeof(out), "batch", "{", 1), SDX_EFORMAT);
	CHECK_STR(out, "");
	CHECK_OK(sdx_record_summary(out, 8, "batch", batch, strlen(batch)));
	CHECK_STR(out, "batch B");
}

static void id_fields(void)
{
	CHECK_STR(sdx_record_id_field("declaration"), "declaration_id");
	CHECK_STR(sdx_record_id_field("batch"), "batch_id");
	CHECK_STR(sdx_record_id_field("shipment"), "shipment_id");
	CHECK(sdx_record_id_field("withdrawal") == NULL);
	CHECK(sdx_record_id_field("genesis") == NULL);
	CHECK(sdx_record_id_field("invoice") == NULL);
}

static void check_example(const char *type, const char *file)
{
	size_t len = 0;
	char *text = example_text(file, &len);
	int rc;

	if (!text) {
		test_fail(__FILE__, __LINE__, file);
		return;
	}
	rc = sdx_record_validate(type, text, len);
	free(text);
	if (rc != 0)
		test_fail(__FILE__, __LINE__, sdx_error_last());
}

static void examples_validate(void)
{
	check_example("declaration", "pvc-compound-declaration.json");
	check_example("declaration", "pigment-declaration.json");
	check_example("declaration", "pp-food-contact-declaration.json");
	check_example("withdrawal", "withdrawal.json");
	CHECK(!test_failed());
	/* and a record of one type is not valid as the other */
	{
		size_t len;
		char *text = example_text("withdrawal.json", &len);
		CHECK(text);
		EXPECT_RC(sdx_record_validate("declaration", text, len), SDX_ESCHEMA,
			  "declaration: unexpected field 'withdraws'");
		free(text);
	}
}

/* The complete examples printed in the specs are valid and equal the example files. */
static void check_spec_example(const char *spec, const char *type, const char *file)
{
	char rel[256], *md, *start, *end, *text = NULL;
	json_t *a = NULL, *b = NULL;
	size_t len = 0;
	int rc;

	snprintf(rel, sizeof(rel), "../../formats/%s", spec);
	if (!(md = test_read_file(test_data(rel), NULL))) {
		test_fail(__FILE__, __LINE__, "cannot read the spec");
		return;
	}
	start = strstr(md, "```json\n");
	end = start ? strstr(start + 8, "```") : NULL;
	if (!start || !end) {
		free(md);
		test_fail(__FILE__, __LINE__, "the spec has no ```json example");
		return;
	}
	rc = sdx_record_validate(type, start + 8, (size_t)(end - start - 8));
	a = json_loadb(start + 8, (size_t)(end - start - 8), 0, NULL);
	text = example_text(file, &len);
	b = text ? json_loadb(text, len, 0, NULL) : NULL;
	if (rc != 0)
		test_fail(__FILE__, __LINE__, sdx_error_last());
	else if (!a || !b || !json_equal(a, b))
		test_fail(__FILE__, __LINE__, "the spec's example differs from the example file");
	json_decref(a);
	json_decref(b);
	free(text);
	free(md);
}

static void spec_examples(void)
{
	check_spec_example("declaration.md", "declaration", "pvc-compound-declaration.json");
	check_spec_example("withdrawal.md", "withdrawal", "withdrawal.json");
}

/* The attachment each example cites is the SHA-256 of the report file next to it. */
static void check_attachment(const char *file, const char *report)
{
	unsigned char (*h)[32] = NULL, want[32];
	char rel[256], *text, *rep;
	size_t len = 0, rlen = 0, n = 0;
	int rc;

	snprintf(rel, sizeof(rel), "../../examples/data/reports/%s", report);
	text = example_text(file, &len);
	rep = test_read_file(test_data(rel), &rlen);
	if (!text || !rep) {
		free(text);
		free(rep);
		test_fail(__FILE__, __LINE__, "cannot read example or report");
		return;
	}
	crypto_hash_sha256(want, (const unsigned char *)rep, rlen);
	rc = sdx_record_attachments(&h, &n, "declaration", text, len);
	if (rc != 0 || n != 1 || memcmp(h[0], want, 32) != 0)
		test_fail(__FILE__, __LINE__, "attachment hash differs from the report file");
	free(h);
	free(text);
	free(rep);
}

static void examples_cite_their_reports(void)
{
	check_attachment("pvc-compound-declaration.json", "cnas-l1234-report-2026-0917.txt");
	check_attachment("pigment-declaration.json", "cnas-l5678-report-2026-0821.txt");
	check_attachment("pp-food-contact-declaration.json", "pp-migration-report-2026-0802.txt");
}

/* ---- canonical form ---------------------------------------------------------------------------- */

static void normalize_idempotent(void)
{
	const char *files[] = { "pvc-compound-declaration.json", "pigment-declaration.json",
				"pp-food-contact-declaration.json", "withdrawal.json" };

	for (size_t i = 0; i < 4; i++) {
		const char *type = i == 3 ? "withdrawal" : "declaration";
		char *text, *a = NULL, *b = NULL;
		size_t len = 0, alen = 0, blen = 0;

		CHECK((text = example_text(files[i], &len)) != NULL);
		CHECK_OK(sdx_record_normalize(&a, &alen, type, text, len));
		free(text);
		CHECK(alen == strlen(a) && alen < len);
		CHECK(!strchr(a, '\n') && !strstr(a, "\": ") && !strstr(a, ", \""));
		if (sdx_record_normalize(&b, &blen, type, a, alen) != 0) {
			free(a);
			CHECK_OK(-1);
		}
		CHECK(alen == blen && memcmp(a, b, alen) == 0);
		free(a);
		free(b);
	}
}

static void normalize_sorts_and_keeps_numbers(void)
{
	json_t *j = example("pvc-compound-declaration.json");
	char *in, *a = NULL, *b = NULL;
	size_t alen, blen;

	CHECK(j);
	/* 0.05 must stay 0.05 (15 significant digits, not 0.050000000000000003) */
	CHECK(put(j, "claims[2].measurements[0].value", json_real(0.05)) == 0);
	CHECK(put(j, "claims[2].measurements[0].detection_limit", NULL) == 0);
	CHECK(put(j, "claims[2].declared_sum.value", json_real(0.05)) == 0);
	in = json_dumps(j, JSON_INDENT(3) | JSON_PRESERVE_ORDER);
	json_decref(j);
	CHECK(in);
	if (sdx_record_normalize(&a, &alen, "declaration", in, strlen(in)) != 0) {
		free(in);
		CHECK_OK(-1);
	}
	free(in);
	CHECK(strstr(a, "\"unit\":\"mg/kg\",\"value\":0.05}") != NULL);
	/* keys in byte order, no insignificant whitespace */
	{
		static const char head[] = "{\"claims\":[{\"basis\":\"laboratory_test\",\"conformance\":";
		CHECK(strncmp(a, head, sizeof(head) - 1) == 0);
	}
	CHECK(strstr(a, "\"valid_from\":\"2026-09-20\",\"valid_until\":\"2027-09-16\"}") != NULL);
	/* the same record written with other key order and spacing normalises equally */
	j = jparse(a);
	CHECK(j);
	in = json_dumps(j, JSON_INDENT(1));
	json_decref(j);
	CHECK_OK(sdx_record_normalize(&b, &blen, "declaration", in, strlen(in)));
	free(in);
	CHECK(alen == blen && memcmp(a, b, alen) == 0);
	free(a);
	free(b);
}

static void normalize_escapes(void)
{
	json_t *j = example("withdrawal.json");
	char *in, *a = NULL;
	size_t alen;

	CHECK(j);
	/* \u escapes become UTF-8, "\/" becomes "/" */
	in = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	CHECK(in);
	{
		char buf[4096];
		const char *p = strstr(in, "\"reason\":\"");
		CHECK(p);
		snprintf(buf, sizeof(buf), "%.*s\"reason\":\"Caf\\u00e9 \\/ lab\\n",
			 (int)(p - in), in);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s", p + 10);
		free(in);
		CHECK_OK(sdx_record_normalize(&a, &alen, "withdrawal", buf, strlen(buf)));
	}
	CHECK(strstr(a, "\"reason\":\"Caf\xc3\xa9 / lab\\n") != NULL);
	free(a);
}

/* ---- attachments and references -------------------------------------------------------------------- */

static void attachments_deduplicated(void)
{
	json_t *j = example("pvc-compound-declaration.json"), *e2;
	unsigned char (*h)[32] = NULL;
	char *s;
	size_t n = 0;

	CHECK(j);
	/* a second report that is the same file, and a third, different one */
	e2 = json_deep_copy(json_array_get(json_object_get(j, "evidence"), 0));
	json_object_set_new(e2, "id", json_string("E2"));
	json_array_append_new(json_object_get(j, "evidence"), e2);
	e2 = json_deep_copy(e2);
	json_object_set_new(e2, "id", json_string("E3"));
	json_object_set_new(json_object_get(e2, "attachment"), "sha256",
			    json_string("00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff00ff"));
	json_array_append_new(json_object_get(j, "evidence"), e2);
	put(j, "claims[0].evidence_ids[1]", json_string("E2"));
	put(j, "claims[1].evidence_ids[1]", json_string("E3"));
	s = json_dumps(j, 0);
	json_decref(j);
	CHECK(s);
	if (sdx_record_attachments(&h, &n, "declaration", s, strlen(s)) != 0) {
		free(s);
		CHECK_OK(-1);
	}
	free(s);
	CHECK(n == 2);
	CHECK(h[0][0] == 0x0f && h[0][31] == 0x60);
	CHECK(h[1][0] == 0x00 && h[1][1] == 0xff && h[1][31] == 0xff);
	free(h);
}

static void references(void)
{
	json_t *j = example("pvc-compound-declaration.json");
	unsigned char (*h)[32] = (void *)1;
	char *s, *w;
	size_t n = 7, len;

	CHECK(j);
	s = json_dumps(j, 0);
	CHECK(s);
	CHECK_OK(sdx_record_references(&h, &n, "declaration", s, strlen(s)));
	CHECK(n == 0 && h == NULL);
	free(s);
	put(j, "supersedes", json_string("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee01"));
	s = json_dumps(j, 0);
	json_decref(j);
	CHECK(s);
	CHECK_OK(sdx_record_references(&h, &n, "declaration", s, strlen(s)));
	free(s);
	CHECK(n == 1 && h[0][0] == 0xc0 && h[0][1] == 0xff && h[0][31] == 0x01);
	free(h);
	CHECK((w = example_text("withdrawal.json", &len)) != NULL);
	CHECK_OK(sdx_record_references(&h, &n, "withdrawal", w, len));
	CHECK(n == 1 && h[0][0] == 0x7a && h[0][31] == 0x7f);
	free(h);
	CHECK_OK(sdx_record_attachments(&h, &n, "withdrawal", w, len));
	CHECK(n == 0 && h == NULL);
	/* an invalid record yields nothing */
	h = (void *)1;
	EXPECT_RC(sdx_record_references(&h, &n, "withdrawal", w, len - 3), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	free(w);
	CHECK(h == NULL && n == 0);
	/* a malformed reference is a schema error naming the field */
	j = example("withdrawal.json");
	put(j, "withdraws", json_string("7A6242D25BBAD1CE01E4305EC70EDAF5826BE64104D3BD00FC1E9BB3A803447F"));
	s = json_dumps(j, 0);
	json_decref(j);
	EXPECT_RC(sdx_record_references(&h, &n, "withdrawal", s, strlen(s)), SDX_ESCHEMA,
		  "withdrawal: withdraws: '7A6242D25BBAD1CE01E4305EC70EDAF5826BE64104D3BD00FC1E9BB3A803447F'"
		  " does not match ^[0-9a-f]{64}$");
	free(s);
}

/* After normalize, attachments and references on the canonical bytes come from the memo. */
static void memo_after_normalize(void)
{
	unsigned char (*h)[32] = NULL;
	char *text, *canon = NULL, *wcanon = NULL;
	size_t len, clen, wlen, n = 0;

	CHECK((text = example_text("pvc-compound-declaration.json", &len)) != NULL);
	CHECK_OK(sdx_record_normalize(&canon, &clen, "declaration", text, len));
	free(text);
	CHECK_OK(sdx_record_attachments(&h, &n, "declaration", canon, clen));
	CHECK(n == 1 && h[0][0] == 0x0f);
	free(h);
	CHECK_OK(sdx_record_references(&h, &n, "declaration", canon, clen));
	CHECK(n == 0 && h == NULL);
	/* the same bytes under another type are not the remembered record */
	EXPECT_RC(sdx_record_attachments(&h, &n, "withdrawal", canon, clen), SDX_ESCHEMA,
		  "withdrawal: format: 'sdx-declaration/2' is the format of a declaration, not of "
		  "a withdrawal");
	/* one changed byte misses the memo and is validated in full */
	canon[clen - 3] = 'X'; /* inside valid_until's date */
	EXPECT_RC(sdx_record_attachments(&h, &n, "declaration", canon, clen), SDX_ESCHEMA,
		  "declaration: valid_until: '2027-09-1X' is not a calendar date");
	/* a newer normalize replaces the memo */
	CHECK((text = example_text("withdrawal.json", &len)) != NULL);
	CHECK_OK(sdx_record_normalize(&wcanon, &wlen, "withdrawal", text, len));
	free(text);
	CHECK_OK(sdx_record_references(&h, &n, "withdrawal", wcanon, wlen));
	CHECK(n == 1 && h[0][0] == 0x7a);
	free(h);
	canon[clen - 3] = '6';
	CHECK_OK(sdx_record_attachments(&h, &n, "declaration", canon, clen));
	CHECK(n == 1 && h[0][31] == 0x60);
	free(h);
	free(canon);
	free(wcanon);
}

/* ---- hostile and malformed input -------------------------------------------------------------------- */

static void malformed_json(void)
{
	static const char dup[] = "{\"withdraws\":\"a\",\"withdraws\":\"b\"}";
	static const char badutf8[] = "{\"reason\":\"\xff\xfe\"}";
	static const char overlong[] = "{\"reason\":\"\xc0\xaf\"}";
	static const char nul[] = "{\"reason\":\"a\0b\"}";
	static const char trailing[] = "{} {}";

	EXPECT_RC(sdx_record_validate("withdrawal", dup, strlen(dup)), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", badutf8, strlen(badutf8)), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", overlong, strlen(overlong)), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", nul, sizeof(nul) - 1), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", trailing, strlen(trailing)), SDX_EFORMAT,
		  "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", "", 0), SDX_EFORMAT, "withdrawal: invalid JSON");
	EXPECT_RC(sdx_record_validate("withdrawal", "[]", 2), SDX_ESCHEMA,
		  "withdrawal: a record must be a JSON object");
	EXPECT_RC(sdx_record_validate("withdrawal", "\"x\"", 3), SDX_EFORMAT,
		  "withdrawal: invalid JSON at line 1 column 3: '[' or '{' expected");
	EXPECT_RC(sdx_record_validate(NULL, "{}", 2), SDX_EINVAL, "");
}

static void huge_numbers(void)
{
	json_t *j = example("pvc-compound-declaration.json");
	char *s, *p, buf[16384];

	CHECK(j);
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	CHECK(s && (p = strstr(s, "\"value\":20")) != NULL);
	snprintf(buf, sizeof(buf), "%.*s\"value\":1e400%s", (int)(p - s), s, p + 10);
	EXPECT_RC(sdx_record_validate("declaration", buf, strlen(buf)), SDX_EFORMAT,
		  "declaration: invalid JSON");
	snprintf(buf, sizeof(buf), "%.*s\"value\":99999999999999999999999%s", (int)(p - s), s, p + 10);
	EXPECT_RC(sdx_record_validate("declaration", buf, strlen(buf)), SDX_EFORMAT,
		  "declaration: invalid JSON");
	/* large but representable: accepted, and canonical form stays stable */
	snprintf(buf, sizeof(buf), "%.*s\"value\":1e300%s", (int)(p - s), s, p + 10);
	free(s);
	{
		char *a = NULL, *b = NULL;
		size_t alen, blen;
		CHECK_OK(sdx_record_normalize(&a, &alen, "declaration", buf, strlen(buf)));
		CHECK(strstr(a, "\"value\":1e300") != NULL);
		CHECK_OK(sdx_record_normalize(&b, &blen, "declaration", a, alen));
		CHECK(alen == blen && memcmp(a, b, alen) == 0);
		free(a);
		free(b);
	}
}

static void deep_nesting(void)
{
	char buf[512];
	size_t i, o = 0;

	/* 33 levels: refused by the parser's depth limit */
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"remarks\":");
	for (i = 0; i < 32; i++)
		buf[o++] = '[';
	for (i = 0; i < 32; i++)
		buf[o++] = ']';
	buf[o++] = '}';
	buf[o] = '\0';
	EXPECT_RC(sdx_record_validate("declaration", buf, o), SDX_EFORMAT,
		  "declaration: JSON nested deeper than 32 levels");
	/* 32 levels parse, and the schema refuses it naming the field */
	o = 0;
	o += (size_t)snprintf(buf + o, sizeof(buf) - o, "{\"remarks\":");
	for (i = 0; i < 31; i++)
		buf[o++] = '[';
	for (i = 0; i < 31; i++)
		buf[o++] = ']';
	buf[o++] = '}';
	buf[o] = '\0';
	EXPECT_RC(sdx_record_validate("declaration", buf, o), SDX_ESCHEMA,
		  "declaration: missing required field 'declaration_id'");
	/* 100000 levels: no stack overflow anywhere */
	{
		size_t n = 100000;
		char *deep = malloc(2 * n + 1);
		CHECK(deep);
		memset(deep, '[', n);
		memset(deep + n, ']', n);
		EXPECT_RC(sdx_record_validate("declaration", deep, 2 * n), SDX_ELIMIT, "declaration: ");
		EXPECT_RC(sdx_record_validate("declaration", deep, 50000), SDX_EFORMAT,
			  "declaration: invalid JSON");
		free(deep);
	}
}

static void too_large(void)
{
	size_t n = 250 * 1000;
	char *big = malloc(n + 64);
	char *out = (char *)1;
	size_t olen = 5;

	CHECK(big);
	/* a syntactically fine 250 KB record: refused before parsing */
	memcpy(big, "{\"remarks\":\"", 12);
	memset(big + 12, 'x', n - 14);
	memcpy(big + n - 2, "\"}", 2);
	EXPECT_RC(sdx_record_validate("declaration", big, n), SDX_ELIMIT,
		  "declaration: 250000 bytes is larger than the input limit of 192000 bytes");
	EXPECT_RC(sdx_record_normalize(&out, &olen, "declaration", big, n), SDX_ELIMIT,
		  "declaration: 250000 bytes");
	CHECK(out == NULL && olen == 0);
	free(big);
}

static void grows_past_limit(void)
{
	/*
	 * Exponent notation expands in canonical form (1e5 -> 100000.0): a body
	 * that fits the limit can have a canonical form that does not.
	 */
	json_t *j = example("pvc-compound-declaration.json"), *claims, *last = NULL;
	char *s = NULL, *p, *out = NULL, pad[4096];
	size_t len, olen = 0;
	long delta;
	int k;

	CHECK(j);
	put(j, "material.lots[0].quantity.value", json_integer(777777));
	put(j, "material.lots[1].quantity.value", json_integer(777777));
	claims = json_object_get(j, "claims");
	memset(pad, 'r', sizeof(pad));
	for (k = 0; ; k++) {
		char id[16];
		s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
		CHECK(s);
		len = strlen(s) - 6; /* after 777777 -> 1e5 twice */
		free(s);
		/* short of the limit by more than one claim (about 2,000 bytes) */
		if (len >= 58000)
			break;
		last = json_deep_copy(json_array_get(claims, 2));
		snprintf(id, sizeof(id), "X%d", k);
		json_object_set_new(last, "id", json_string(id));
		json_object_set_new(last, "remarks", json_stringn(pad, 1000));
		json_array_append_new(claims, last);
	}
	delta = 59998 - (long)len;
	CHECK(last && 1000 + delta > 0 && 1000 + delta < 4000);
	json_object_set_new(last, "remarks", json_stringn(pad, (size_t)(1000 + delta)));
	s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(j);
	CHECK(s);
	while ((p = strstr(s, "777777")) != NULL) {
		memcpy(p, "1e5", 3);
		memmove(p + 3, p + 6, strlen(p + 6) + 1);
	}
	len = strlen(s);
	CHECK(len == 59998);
	EXPECT_RC(sdx_record_normalize(&out, &olen, "declaration", s, len), SDX_ELIMIT,
		  "declaration: the canonical form has 60008 bytes, more than the record limit");
	EXPECT_RC(sdx_record_validate("declaration", s, len), SDX_ELIMIT,
		  "declaration: the canonical form has 60008 bytes");
	free(s);
	CHECK(out == NULL);
}

/* ---- text hygiene ------------------------------------------------------------------------------- */

static void control_characters(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "supplier.name", json_string("ACME\x1b[2J Polymers"));
	EXPECT_BAD(j, "declaration: supplier.name: contains control character U+001B");
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.name", json_string("ACME\nPolymers"));
	EXPECT_BAD(j, "declaration: supplier.name: contains control character U+000A (only remarks");
	j = example("pvc-compound-declaration.json");
	put(j, "material.name", json_string("PVC \xc2\x9b compound"));
	EXPECT_BAD(j, "declaration: material.name: contains control character U+009B");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].regulations[0]", json_string("REACH \xe2\x80\xae" "15 yrtne"));
	EXPECT_BAD(j, "declaration: claims[0].regulations[0]: contains bidirectional control U+202E");
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.name", json_string("ACME \xe2\x81\xa6x\xe2\x81\xa9"));
	EXPECT_BAD(j, "declaration: supplier.name: contains bidirectional control U+2066");
	/* newlines are fine in free text, and so is ordinary non-ASCII */
	j = example("pvc-compound-declaration.json");
	put(j, "remarks", json_string("Line one.\nLine two: 70 \xc2\xb0" "C, \xe5\xae\x81\xe6\xb3\xa2."));
	put(j, "material.description", json_string("a\nb"));
	put(j, "supplier.name", json_string("\xe5\xae\x81\xe6\xb3\xa2\xe6\xb5\xb7\xe5\x85\xb4"));
	EXPECT_GOOD(j);
}

/* ---- the declaration's schema and cross-field rules ------------------------------------------------------- */

static void schema_paths(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "claims[2].limit.value", json_string("100"));
	EXPECT_BAD(j, "declaration: claims[2].limit.value: expected number, got string");
	j = example("pvc-compound-declaration.json");
	put(j, "material.lots", NULL);
	EXPECT_BAD(j, "declaration: material: missing required field 'lots'");
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.country", json_string("XX1"));
	EXPECT_BAD(j, "declaration: supplier.country: 'XX1' does not match ^[A-Z]{2}$");
	j = example("pvc-compound-declaration.json");
	put(j, "material.lots[1].quantity.unit", json_string("kg"));
	EXPECT_BAD(j, "declaration: material.lots[1].quantity.unit: 'kg' is not one of: GRM, KGM, TNE");
	j = example("pvc-compound-declaration.json");
	put(j, "material.lots[1].quantity.value", json_integer(0));
	EXPECT_BAD(j, "declaration: material.lots[1].quantity.value: 0 must be greater than 0");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].topic", json_string("lead"));
	EXPECT_BAD(j, "declaration: claims[0].topic: 'lead' is not one of: phthalates, heavy_metals");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements[0].cas_number", json_string("117817"));
	EXPECT_BAD(j, "declaration: claims[0].measurements[0].cas_number: '117817' does not match");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].attachment.sha256", json_string("0F6ACFEF"));
	EXPECT_BAD(j, "declaration: evidence[0].attachment.sha256: '0F6ACFEF' does not match");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].issue_date", json_string("2026-02-30"));
	EXPECT_BAD(j, "declaration: evidence[0].issue_date: '2026-02-30' is not a calendar date");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].accreditation.number", json_string("L1234"));
	EXPECT_BAD(j, "declaration: evidence[0].accreditation.number: 'L1234' does not match ^CNAS L");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].accreditation.body", json_string("UKAS"));
	put(j, "evidence[0].accreditation.number", json_string("0001"));
	EXPECT_GOOD(j);
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.identifiers[0].id", json_string("91330206MA2H7K5QIE"));
	EXPECT_BAD(j, "declaration: supplier.identifiers[0].id: '91330206MA2H7K5QIE' does not match");
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.contact.email", NULL);
	put(j, "supplier.contact.phone", NULL);
	EXPECT_BAD(j, "declaration: supplier.contact: missing required field 'email'");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].evidence_ids", NULL);
	EXPECT_BAD(j, "declaration: claims[0]: missing required field 'evidence_ids'");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact", NULL);
	EXPECT_BAD(j, "declaration: claims[0]: missing required field 'food_contact'");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[3].substance", NULL);
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[3]: missing required field 'substance'");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[1].food_contact.fda.conditions_of_use[0]", json_string("K"));
	EXPECT_BAD(j, "declaration: claims[1].food_contact.fda.conditions_of_use[0]: 'K' is not one of");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].regulations[1]", json_string("Regulation (EC) No 1907/2006 (REACH) Annex XVII entry 51"));
	EXPECT_BAD(j, "declaration: claims[0].regulations: items [0] and [1] are equal");
}

static void dates_in_order(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "valid_until", json_string("2026-09-19"));
	EXPECT_BAD(j, "declaration: valid_until: 2026-09-19 is before valid_from 2026-09-20");
	j = example("pvc-compound-declaration.json");
	put(j, "valid_until", json_string("2026-09-20")); /* one day is fine */
	EXPECT_GOOD(j);
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].valid_until", json_string("2026-09-16"));
	EXPECT_BAD(j, "declaration: evidence[0].valid_until: 2026-09-16 is before its issue_date 2026-09-17");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].issue_date", json_string("2026-09-21"));
	EXPECT_BAD(j, "declaration: evidence[0].issue_date: 2026-09-21 is after the declaration's issue_date 2026-09-20");
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].issue_date", json_string("2025-01-10"));
	put(j, "evidence[0].valid_until", json_string("2026-01-09"));
	EXPECT_BAD(j, "declaration: evidence[0].valid_until: the report expired on 2026-01-09");
	j = example("pvc-compound-declaration.json");
	put(j, "material.lots[1].production_date", json_string("2026-09-21"));
	EXPECT_BAD(j, "declaration: material.lots[1].production_date: 2026-09-21 is after the declaration's issue_date");
}

static void lots_and_ids(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "material.lots[0].lot_number", json_string("HX2609-0418"));
	EXPECT_BAD(j, "declaration: material.lots[1].lot_number: 'HX2609-0418' is already used by material.lots[0]");
	/* several repeats: the earliest second occurrence is reported */
	j = example("pvc-compound-declaration.json");
	{
		json_t *lots = json_object_get(json_object_get(j, "material"), "lots");
		const char *names[] = { "A-1", "B-2", "C-3", "B-2", "A-1" };
		json_t *proto = json_deep_copy(json_array_get(lots, 0));
		json_array_clear(lots);
		for (int k = 0; k < 5; k++) {
			json_t *lot = json_deep_copy(proto);
			json_object_set_new(lot, "lot_number", json_string(names[k]));
			json_array_append_new(lots, lot);
		}
		json_decref(proto);
	}
	put(j, "evidence[0].sampled_lots", NULL);
	EXPECT_BAD(j, "declaration: material.lots[3].lot_number: 'B-2' is already used by material.lots[1]");
	j = example("pvc-compound-declaration.json");
	put(j, "material.lots[0].lot_number", json_string(" HX1"));
	EXPECT_BAD(j, "declaration: material.lots[0].lot_number: ' HX1' does not match");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].id", json_string("C1"));
	EXPECT_BAD(j, "declaration: claims[2].id: 'C1' is already used by claims[0]");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[1].evidence_ids[0]", json_string("E9"));
	EXPECT_BAD(j, "declaration: claims[1].evidence_ids[0]: no evidence has id 'E9'");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[1].applies_to_lots", json_pack("[s,s]", "HX2609-0418", "HX2609-9999"));
	EXPECT_BAD(j, "declaration: claims[1].applies_to_lots[1]: lot 'HX2609-9999' is not in material.lots");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[1].applies_to_lots", json_pack("[s]", "HX2609-0418"));
	EXPECT_GOOD(j);
	j = example("pvc-compound-declaration.json");
	put(j, "evidence[0].sampled_lots[0]", json_string("HX2609-0419"));
	EXPECT_BAD(j, "declaration: evidence[0].sampled_lots[0]: lot 'HX2609-0419' is not in material.lots");
	j = example("pvc-compound-declaration.json");
	{
		json_t *e2 = json_deep_copy(json_array_get(json_object_get(j, "evidence"), 0));
		json_object_set_new(e2, "id", json_string("E2"));
		json_array_append_new(json_object_get(j, "evidence"), e2);
	}
	EXPECT_BAD(j, "declaration: evidence[1]: 'E2' is not cited by any claim's evidence_ids");
	j = example("pvc-compound-declaration.json");
	{
		json_t *e2 = json_deep_copy(json_array_get(json_object_get(j, "evidence"), 0));
		json_array_append_new(json_object_get(j, "evidence"), e2);
	}
	EXPECT_BAD(j, "declaration: evidence[1].id: 'E1' is already used by evidence[0]");
}

static void check_digits(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "material.cas_numbers[1]", json_string("6422-86-3"));
	EXPECT_BAD(j, "declaration: material.cas_numbers[1]: '6422-86-3' is not a CAS number (the check digit would be 2)");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[3].cas_number", json_string("18540-29-8"));
	EXPECT_BAD(j, "declaration: claims[2].measurements[3].cas_number: '18540-29-8' is not a CAS number");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.dual_use_additives[0].cas_number", json_string("1592-23-1"));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.dual_use_additives[0].cas_number: '1592-23-1'");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[3].cas_number", json_string("7429-90-6"));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[3].cas_number: '7429-90-6'");
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.identifiers[1].id", json_string("6901234500012"));
	EXPECT_BAD(j, "declaration: supplier.identifiers[1].id: '6901234500012' fails the GLN check digits");
	j = example("pp-food-contact-declaration.json");
	put(j, "supplier.identifiers[1].id", json_string("3003009W7BQ4HKRJ2F17"));
	EXPECT_BAD(j, "declaration: supplier.identifiers[1].id: '3003009W7BQ4HKRJ2F17' fails the LEI check digits");
	/* real identifiers pass: Apple Inc.'s LEI, a GS1 example GTIN-13 */
	j = example("pp-food-contact-declaration.json");
	put(j, "supplier.identifiers[1].id", json_string("HWUPKR0MPOU8FGXBT394"));
	put(j, "supplier.identifiers[2]", json_pack("{s:s,s:s}", "scheme", "GLN", "id", "4006381333931"));
	EXPECT_GOOD(j);
	/* a manufacturer other than the supplier (EU 10/2011 Annex IV point 2) */
	j = example("pp-food-contact-declaration.json");
	put(j, "material.manufacturer", json_deep_copy(json_object_get(j, "supplier")));
	put(j, "material.manufacturer.name", json_string("Clearwater Polymers Europe B.V."));
	put(j, "material.manufacturer.country", json_string("NL"));
	put(j, "material.manufacturer.identifiers", json_pack("[{s:s,s:s}]", "scheme", "GLN", "id", "8712345678904"));
	EXPECT_BAD(j, "declaration: material.manufacturer.identifiers[0].id: '8712345678904' fails the GLN check digits");
	j = example("pp-food-contact-declaration.json");
	put(j, "material.manufacturer", json_deep_copy(json_object_get(j, "supplier")));
	put(j, "material.manufacturer.identifiers", json_pack("[{s:s,s:s}]", "scheme", "GLN", "id", "8712345678906"));
	EXPECT_GOOD(j);
	j = example("pvc-compound-declaration.json");
	put(j, "supplier.identifiers[1].id", json_string("690123450001"));
	EXPECT_BAD(j, "declaration: supplier.identifiers[1].id: '690123450001' does not match ^[0-9]{13}$");
}

static void measurement_results(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "claims[0].measurements[1].value", json_real(3));
	EXPECT_BAD(j, "declaration: claims[0].measurements[1]: has both a value and below_detection: true");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements[1].below_detection", NULL);
	EXPECT_BAD(j, "declaration: claims[0].measurements[1]: needs a value, or below_detection: true");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements[1].below_detection", json_false());
	EXPECT_BAD(j, "declaration: claims[0].measurements[1]: needs a value");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements[1].detection_limit", NULL);
	EXPECT_BAD(j, "declaration: claims[0].measurements[1]: below_detection needs the detection_limit");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements[0].value", json_real(25));
	put(j, "claims[0].declared_sum.value", json_real(25));
	EXPECT_BAD(j, "declaration: claims[0].measurements[0].value: 25 is below the detection_limit 30");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[2].substance", json_string("lead (Pb)"));
	EXPECT_BAD(j, "declaration: claims[2].measurements[2]: 'lead (Pb)' is already listed as measurements[0]");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[2].cas_number", json_string("7439-92-1"));
	EXPECT_BAD(j, "declaration: claims[2].measurements[2]: 'mercury (Hg)' is already listed as measurements[0]");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[0].not_intentionally_added", json_false());
	EXPECT_BAD(j, "declaration: claims[2].measurements[0].not_intentionally_added: false contradicts");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[0].not_intentionally_added", json_true());
	EXPECT_GOOD(j);
}

static void sums(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "claims[2].declared_sum.value", json_real(12.5));
	EXPECT_BAD(j, "declaration: claims[2].declared_sum.value: 12.5 mg/kg is not the sum of the measured values, 12.4 mg/kg");
	/* within 0.001 of the sum's unit is rounding, not an error */
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].declared_sum.value", json_real(12.4009));
	EXPECT_GOOD(j);
	j = example("pigment-declaration.json");
	put(j, "claims[0].declared_sum.value", json_real(68.0));
	EXPECT_BAD(j, "declaration: claims[0].declared_sum.value: 68 mg/kg is not the sum of the measured values, 71.1 mg/kg");
	/* sums convert units: 68 mg/kg + 3.1 mg/kg = 0.00711 % */
	j = example("pigment-declaration.json");
	put(j, "claims[0].declared_sum", json_pack("{s:f,s:s}", "value", 0.00711, "unit", "%"));
	put(j, "claims[0].limit", json_pack("{s:f,s:s,s:s,s:s}", "value", 0.01, "unit", "%",
					     "applies_to", "sum", "comparison", "<="));
	EXPECT_GOOD(j);
	j = example("pigment-declaration.json");
	put(j, "claims[0].measurements[1]", json_pack("{s:s,s:s,s:f,s:s}", "substance", "cadmium (Cd)",
						   "cas_number", "7440-43-9", "value", 3100.0, "unit", "ug/kg"));
	EXPECT_GOOD(j);
	/* ppm is mg/kg: 68 mg/kg + 3.1 ppm = 71.1 mg/kg */
	j = example("pigment-declaration.json");
	put(j, "claims[0].measurements[1].unit", json_string("ppm"));
	EXPECT_GOOD(j);
	j = example("pigment-declaration.json");
	put(j, "claims[0].measurements[1].unit", json_string("ppm"));
	put(j, "claims[0].declared_sum.value", json_real(68.0));
	EXPECT_BAD(j, "declaration: claims[0].declared_sum.value: 68 mg/kg is not the sum of the measured values, 71.1 mg/kg");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].declared_sum", NULL);
	EXPECT_BAD(j, "declaration: claims[2]: the limit applies to the sum, so declared_sum is required");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[3].declared_sum", json_pack("{s:i,s:s}", "value", 0, "unit", "mg/kg"));
	EXPECT_BAD(j, "declaration: claims[3].declared_sum: there are no measurements to add up");
}

static void limits(void)
{
	json_t *j = example("pigment-declaration.json");

	CHECK(j);
	/* the sum breaks the claimed limit while the claim says "conforms" */
	put(j, "claims[0].measurements[0].value", json_real(98.0));
	put(j, "claims[0].declared_sum.value", json_real(101.1));
	EXPECT_BAD(j, "declaration: claims[0].declared_sum.value: 101.1 mg/kg is not <= the limit 100 mg/kg, yet the claim says it conforms");
	/* the same numbers declared honestly as not conforming are a valid record */
	j = example("pigment-declaration.json");
	put(j, "claims[0].measurements[0].value", json_real(98.0));
	put(j, "claims[0].declared_sum.value", json_real(101.1));
	put(j, "claims[0].conformance", json_string("does_not_conform"));
	EXPECT_GOOD(j);
	/* "<" excludes the limit itself, "<=" includes it */
	j = example("pigment-declaration.json");
	put(j, "claims[2].measurements[0].value", json_real(100.0));
	EXPECT_GOOD(j);
	j = example("pigment-declaration.json");
	put(j, "claims[2].measurements[0].value", json_real(100.0));
	put(j, "claims[2].limit.comparison", json_string("<"));
	EXPECT_BAD(j, "declaration: claims[2].measurements[0].value: 100 mg/kg is not < the limit 100 mg/kg");
	/* units convert: 0.1 % is 1000 mg/kg */
	j = example("pigment-declaration.json");
	put(j, "claims[1].measurements[0].value", json_real(1000.0));
	EXPECT_GOOD(j);
	j = example("pigment-declaration.json");
	put(j, "claims[1].measurements[0].value", json_real(1000.5));
	EXPECT_BAD(j, "declaration: claims[1].measurements[0].value: 1000.5 mg/kg is not <= the limit 0.1 %");
	/* a substance's own limit (RoHS cadmium, 0.01 %) */
	j = example("pigment-declaration.json");
	put(j, "claims[1].measurements[1].value", json_real(120.0));
	EXPECT_BAD(j, "declaration: claims[1].measurements[1].value: 120 mg/kg is not <= the limit 0.01 %");
	/* a non-detect whose detection limit is above the limit shows nothing */
	j = example("pvc-compound-declaration.json");
	put(j, "claims[2].measurements[3].detection_limit", json_real(150));
	EXPECT_BAD(j, "declaration: claims[2].measurements[3].detection_limit: 150 mg/kg is above the limit 100 mg/kg");
	j = example("pigment-declaration.json");
	put(j, "claims[1].measurements[2].detection_limit", json_real(1000));
	EXPECT_GOOD(j); /* equal to the limit: "not detected" means below it */
}

static void claim_structure(void)
{
	json_t *j = example("pvc-compound-declaration.json");

	CHECK(j);
	put(j, "claims[0].food_contact", json_pack("{s:[s],s:{s:[{s:{s:i,s:s},s:{s:i,s:s}}],s:s},s:b}",
		"food_types", "dry", "conditions_of_use", "contact", "duration", "value", 1, "unit", "DAY",
		"temperature", "value", 20, "unit", "CEL", "description", "dry food", "functional_barrier", 0));
	EXPECT_BAD(j, "declaration: claims[0].food_contact: allowed only when topic is food_contact");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].measurements", NULL);
	put(j, "claims[0].declared_sum", NULL);
	EXPECT_BAD(j, "declaration: claims[0]: a laboratory_test claim needs its results: measurements");
	j = example("pvc-compound-declaration.json");
	put(j, "claims[0].basis", json_string("formulation"));
	EXPECT_BAD(j, "declaration: claims[0].measurements: test results need basis laboratory_test");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[2].basis", json_string("formulation"));
	EXPECT_BAD(j, "declaration: claims[2].food_contact.migration: test results need basis laboratory_test");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[2].food_contact.migration", NULL);
	EXPECT_BAD(j, "declaration: claims[2]: a laboratory_test claim needs its results: measurements or food_contact.migration");
	/* formulation claims need no evidence */
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[3].evidence_ids", NULL);
	EXPECT_GOOD(j);
}

static void migration(void)
{
	json_t *j = example("pp-food-contact-declaration.json");

	CHECK(j);
	put(j, "claims[0].food_contact.migration[0].substance", json_string("total"));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[0].substance: overall migration is the total");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[2].value", json_real(10.4));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[2].value: 10.4 mg/dm2 is not <= the limit 10 mg/dm2");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[2].limit.unit", json_string("mg/kg"));
	put(j, "claims[0].food_contact.migration[2].limit.value", json_integer(60));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[2].limit.unit: mg/kg cannot be compared with the result in mg/dm2");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[3].detection_limit", json_real(1.5));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.migration[3].detection_limit: 1.5 mg/kg is above the limit 1 mg/kg");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.migration[3].unit", json_string("ug/kg"));
	put(j, "claims[0].food_contact.migration[3].detection_limit", json_integer(100));
	EXPECT_GOOD(j); /* 100 ug/kg against 1 mg/kg */
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[2].food_contact.migration[1].simulant", json_string("oil"));
	EXPECT_BAD(j, "declaration: claims[2].food_contact.migration[1].simulant: 'oil' is not one of");
	j = example("pp-food-contact-declaration.json");
	put(j, "claims[0].food_contact.conditions_of_use.contact[0].temperature.unit", json_string("FAH"));
	EXPECT_BAD(j, "declaration: claims[0].food_contact.conditions_of_use.contact[0].temperature.unit: must be 'CEL'");
}

/* ---- threads ------------------------------------------------------------------------------------------------ */

struct job {
	const char *type;
	char *text;
	size_t len;
	int want;
	char expect[200];
	int failures;
};

static void *run_job(void *arg)
{
	struct job *jb = arg;

	for (int i = 0; i < 200; i++) {
		char *out = NULL;
		size_t n;
		int rc = sdx_record_normalize(&out, &n, jb->type, jb->text, jb->len);
		free(out);
		if (rc != jb->want || (rc && strncmp(sdx_error_last(), jb->expect, strlen(jb->expect)) != 0))
			jb->failures++;
	}
	return NULL;
}

static void threads(void)
{
	static const char *files[] = { "pvc-compound-declaration.json", "pigment-declaration.json",
				       "pp-food-contact-declaration.json", "withdrawal.json" };
	struct job jobs[6];
	pthread_t t[6];
	int i, fails = 0;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 4; i++) {
		jobs[i].type = i == 3 ? "withdrawal" : "declaration";
		jobs[i].text = example_text(files[i], &jobs[i].len);
	}
	/* two threads whose records fail, each must see its own message */
	jobs[4].type = "declaration";
	jobs[4].want = SDX_ESCHEMA;
	snprintf(jobs[4].expect, sizeof(jobs[4].expect), "declaration: supplier.country: 'XX1'");
	{
		json_t *j = example(files[0]);
		if (j) {
			put(j, "supplier.country", json_string("XX1"));
			jobs[4].text = json_dumps(j, 0);
			jobs[4].len = jobs[4].text ? strlen(jobs[4].text) : 0;
			json_decref(j);
		}
	}
	jobs[5].type = "withdrawal";
	jobs[5].text = strdup("{\"withdraws\":1}");
	jobs[5].len = jobs[5].text ? strlen(jobs[5].text) : 0;
	jobs[5].want = SDX_ESCHEMA;
	snprintf(jobs[5].expect, sizeof(jobs[5].expect), "withdrawal: missing required field 'reason_code'");
	for (i = 0; i < 6; i++)
		CHECK(jobs[i].text != NULL);
	for (i = 0; i < 6; i++)
		CHECK(pthread_create(&t[i], NULL, run_job, &jobs[i]) == 0);
	for (i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		fails += jobs[i].failures;
		free(jobs[i].text);
	}
	CHECK(fails == 0);
}

static const struct test_case tests[] = {
	/* first, so that the schemas are compiled while several threads race */
	{ "first use from several threads at once", threads },
	{ "keyword type", kw_type },
	{ "keywords properties, required, additionalProperties", kw_object },
	{ "keywords items, minItems, maxItems, uniqueItems", kw_array },
	{ "uniqueItems on a long array", kw_unique_many },
	{ "keywords enum and const", kw_enum_const },
	{ "keyword pattern and its portable subset", kw_pattern },
	{ "keywords minLength and maxLength count code points", kw_length },
	{ "keywords minimum, maximum, exclusive bounds", kw_numbers },
	{ "keyword format: date and date-time", kw_format },
	{ "keyword $ref and $defs", kw_ref },
	{ "keywords allOf, anyOf, oneOf, not", kw_combinators },
	{ "keywords if, then, else", kw_if_then_else },
	{ "boolean schemas", kw_boolean_schemas },
	{ "unsupported keywords are refused at load", kw_load_refusals },
	{ "date helpers", date_helpers },
	{ "embedded schemas load", embedded_schemas_load },
	{ "record types", type_known },
	{ "every entry type has a summary line", summaries },
	{ "record types name their id field", id_fields },
	{ "examples validate", examples_validate },
	{ "examples cite the hashes of their reports", examples_cite_their_reports },
	{ "the specs' examples are valid and current", spec_examples },
	{ "normalize is idempotent", normalize_idempotent },
	{ "normalize sorts keys and keeps 0.05", normalize_sorts_and_keeps_numbers },
	{ "normalize resolves escapes", normalize_escapes },
	{ "attachments are listed once, in order", attachments_deduplicated },
	{ "references", references },
	{ "attachments and references after normalize", memo_after_normalize },
	{ "malformed JSON, duplicate keys, bad UTF-8", malformed_json },
	{ "huge numbers", huge_numbers },
	{ "deep nesting", deep_nesting },
	{ "a 250 KB body is refused", too_large },
	{ "canonical form growing past the limit", grows_past_limit },
	{ "control characters and bidi overrides", control_characters },
	{ "schema errors name the JSON path", schema_paths },
	{ "rule: dates in order", dates_in_order },
	{ "rule: lots, ids and citations", lots_and_ids },
	{ "rule: CAS, GLN and LEI check digits", check_digits },
	{ "rule: measurement results", measurement_results },
	{ "rule: declared sums add up", sums },
	{ "rule: conforming claims keep their limits", limits },
	{ "rule: claim basis and food-contact placement", claim_structure },
	{ "rule: migration results", migration },
	{ NULL, NULL }
};

TEST_MAIN(tests)
