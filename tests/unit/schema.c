/*
 * tests/unit/schema.c - formats/schema/schema.c against the official
 * JSON-Schema-Test-Suite (draft 2020-12), for the keywords it implements.
 *
 * The suite's files are in tests/data/json-schema-test-suite/ (README there
 * names the commit).  Every case prints one line, "ok - schema.c: FILE: GROUP:
 * CASE" or "not ok - ...: why".  A group whose schema schema.c refuses at load
 * must be listed in `skips` below with the reason (a keyword or feature
 * schema.h documents as unsupported); that refusal is itself checked, so a
 * group listed here that starts to load is a failure until the list is
 * updated.  A case listed alone is one where schema.c deliberately differs
 * from the suite.  Skipped cases are counted on the last line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sdx.h"
#include "formats/schema/schema.h"

static const char *const files[] = {
	"additionalProperties.json", "allOf.json", "anyOf.json", "boolean_schema.json",
	"const.json", "enum.json", "exclusiveMaximum.json", "exclusiveMinimum.json",
	"format.json", "if-then-else.json", "infinite-loop-detection.json", "items.json",
	"maxItems.json", "maxLength.json", "maximum.json", "minItems.json", "minLength.json",
	"minimum.json", "not.json", "oneOf.json", "pattern.json", "properties.json", "ref.json",
	"required.json", "type.json", "uniqueItems.json", "optional/ecmascript-regex.json",
	"optional/format/date.json", "optional/format/date-time.json", NULL
};

/*
 * `test_case` NULL: the whole group's schema is refused at load.  Otherwise
 * that one case is not run.
 */
struct skip {
	const char *file, *group, *test_case, *why;
};

#define PATTERN_PROPS "patternProperties is not implemented"
#define PREFIX_ITEMS "prefixItems is not implemented"
#define MULTIPLE_OF "multipleOf is not implemented"
#define UNEVALUATED "unevaluatedProperties is not implemented"
#define OTHER_FORMAT "formats other than date and date-time are refused"
#define FORMAT_ASSERTS "format date and date-time are assertions in schema.c, not annotations"
#define TOP_OBJECT "the top-level schema must be an object with $schema"
#define THEN_NO_IF "then or else without if is refused as a schema bug"
#define REF_FORM "$ref must be \"#/$defs/NAME\" (no JSON Pointer elsewhere, URI or remote ref)"
#define DEF_NAMES "$defs names are letters, digits, '_' and '-' only"
#define NESTED_ID "$id only at the top level (no base-URI changes)"
#define ANCHOR "$anchor is not implemented"
#define NUL_IN_SCHEMA "sdx's JSON parser refuses \\u0000 in schemas (and in records)"
#define NOT_PORTABLE "pattern escape outside the portable ECMA-262/POSIX subset"

static const struct skip skips[] = {
	{ "additionalProperties.json", "additionalProperties being false does not allow other properties", NULL, PATTERN_PROPS },
	{ "additionalProperties.json", "non-ASCII pattern with additionalProperties", NULL, PATTERN_PROPS },
	{ "additionalProperties.json", "additionalProperties with propertyNames", NULL, "propertyNames is not implemented" },
	{ "additionalProperties.json", "dependentSchemas with additionalProperties", NULL, "dependentSchemas is not implemented" },
	{ "allOf.json", "allOf combined with anyOf, oneOf", NULL, MULTIPLE_OF },
	{ "boolean_schema.json", "boolean schema 'true'", NULL, TOP_OBJECT },
	{ "boolean_schema.json", "boolean schema 'false'", NULL, TOP_OBJECT },
	{ "const.json", "nul characters in strings", NULL, NUL_IN_SCHEMA },
	{ "enum.json", "nul characters in strings", NULL, NUL_IN_SCHEMA },
	{ "enum.json", "empty enum", NULL, "an empty enum is refused as a schema bug" },
	{ "format.json", "email format", NULL, OTHER_FORMAT },
	{ "format.json", "idn-email format", NULL, OTHER_FORMAT },
	{ "format.json", "regex format", NULL, OTHER_FORMAT },
	{ "format.json", "ipv4 format", NULL, OTHER_FORMAT },
	{ "format.json", "ipv6 format", NULL, OTHER_FORMAT },
	{ "format.json", "idn-hostname format", NULL, OTHER_FORMAT },
	{ "format.json", "hostname format", NULL, OTHER_FORMAT },
	{ "format.json", "date format", "invalid date string is only an annotation by default", FORMAT_ASSERTS },
	{ "format.json", "date-time format", "invalid date-time string is only an annotation by default", FORMAT_ASSERTS },
	{ "format.json", "time format", NULL, OTHER_FORMAT },
	{ "format.json", "json-pointer format", NULL, OTHER_FORMAT },
	{ "format.json", "relative-json-pointer format", NULL, OTHER_FORMAT },
	{ "format.json", "iri format", NULL, OTHER_FORMAT },
	{ "format.json", "iri-reference format", NULL, OTHER_FORMAT },
	{ "format.json", "uri format", NULL, OTHER_FORMAT },
	{ "format.json", "uri-reference format", NULL, OTHER_FORMAT },
	{ "format.json", "uri-template format", NULL, OTHER_FORMAT },
	{ "format.json", "uuid format", NULL, OTHER_FORMAT },
	{ "format.json", "duration format", NULL, OTHER_FORMAT },
	{ "if-then-else.json", "ignore then without if", NULL, THEN_NO_IF },
	{ "if-then-else.json", "ignore else without if", NULL, THEN_NO_IF },
	{ "if-then-else.json", "if and else without then", NULL, MULTIPLE_OF },
	{ "if-then-else.json", "validate against correct branch, then vs else", NULL, MULTIPLE_OF },
	{ "if-then-else.json", "non-interference across combined schemas", NULL, THEN_NO_IF },
	{ "if-then-else.json", "then: false fails when condition matches", NULL, TOP_OBJECT },
	{ "if-then-else.json", "else: false fails when condition does not match", NULL, TOP_OBJECT },
	{ "items.json", "items and subitems", NULL, PREFIX_ITEMS },
	{ "items.json", "prefixItems with no additional items allowed", NULL, PREFIX_ITEMS },
	{ "items.json", "items does not look in applicators, valid case", NULL, PREFIX_ITEMS },
	{ "items.json", "prefixItems validation adjusts the starting index for items", NULL, PREFIX_ITEMS },
	{ "items.json", "items with heterogeneous array", NULL, PREFIX_ITEMS },
	{ "not.json", "collect annotations inside a 'not', even if collection is disabled", NULL, UNEVALUATED },
	{ "pattern.json", "pattern with Unicode property escape requires unicode mode", NULL, NOT_PORTABLE },
	{ "properties.json", "properties, patternProperties, additionalProperties interaction", NULL, PATTERN_PROPS },
	{ "ref.json", "root pointer ref", NULL, REF_FORM },
	{ "ref.json", "relative pointer ref to object", NULL, REF_FORM },
	{ "ref.json", "relative pointer ref to array", NULL, PREFIX_ITEMS },
	{ "ref.json", "escaped pointer ref", NULL, DEF_NAMES },
	{ "ref.json", "remote ref, containing refs itself", NULL, REF_FORM },
	{ "ref.json", "Recursive references between schemas", NULL, NESTED_ID },
	{ "ref.json", "refs with quote", NULL, DEF_NAMES },
	{ "ref.json", "ref creates new scope when adjacent to keywords", NULL, UNEVALUATED },
	{ "ref.json", "refs with relative uris and defs", NULL, NESTED_ID },
	{ "ref.json", "relative refs with absolute uris and defs", NULL, NESTED_ID },
	{ "ref.json", "$id must be resolved against nearest parent, not just immediate parent", NULL, NESTED_ID },
	{ "ref.json", "order of evaluation: $id and $ref", NULL, NESTED_ID },
	{ "ref.json", "order of evaluation: $id and $anchor and $ref", NULL, ANCHOR },
	{ "ref.json", "order of evaluation: $id and $ref on nested schema", NULL, NESTED_ID },
	{ "ref.json", "simple URN base URI with $ref via the URN", NULL, REF_FORM },
	{ "ref.json", "URN base URI with URN and JSON pointer ref", NULL, REF_FORM },
	{ "ref.json", "URN base URI with URN and anchor ref", NULL, ANCHOR },
	{ "ref.json", "URN ref with nested pointer ref", NULL, NESTED_ID },
	{ "ref.json", "ref to if", NULL, REF_FORM },
	{ "ref.json", "ref to then", NULL, REF_FORM },
	{ "ref.json", "ref to else", NULL, REF_FORM },
	{ "ref.json", "ref with absolute-path-reference", NULL, NESTED_ID },
	{ "ref.json", "empty tokens in $ref json-pointer", NULL, DEF_NAMES },
	{ "uniqueItems.json", "uniqueItems with an array of items", NULL, PREFIX_ITEMS },
	{ "uniqueItems.json", "uniqueItems with an array of items and additionalItems=false", NULL, PREFIX_ITEMS },
	{ "uniqueItems.json", "uniqueItems=false with an array of items", NULL, PREFIX_ITEMS },
	{ "uniqueItems.json", "uniqueItems=false with an array of items and additionalItems=false", NULL, PREFIX_ITEMS },
	{ "optional/ecmascript-regex.json", "ECMA 262 regex converts \\t to horizontal tab", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 regex escapes control codes with \\c and upper letter", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 regex escapes control codes with \\c and lower letter", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\d matches ascii digits only", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\D matches everything but ascii digits", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\w matches ascii letters only", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\W matches everything but ascii letters", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\s matches whitespace", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "ECMA 262 \\S matches everything but whitespace", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "patterns always use unicode semantics with pattern", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "\\w in patterns matches [A-Za-z0-9_], not unicode letters", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "\\d in pattern matches [0-9], not unicode digits", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "pattern with non-ASCII digits", NULL, NOT_PORTABLE },
	{ "optional/ecmascript-regex.json", "patterns always use unicode semantics with patternProperties", NULL, PATTERN_PROPS },
	{ "optional/ecmascript-regex.json", "\\w in patternProperties matches [A-Za-z0-9_], not unicode letters", NULL, PATTERN_PROPS },
	{ "optional/ecmascript-regex.json", "patternProperties with ASCII ranges", NULL, PATTERN_PROPS },
	{ "optional/ecmascript-regex.json", "\\d in patternProperties matches [0-9], not unicode digits", NULL, PATTERN_PROPS },
	{ "optional/ecmascript-regex.json", "patternProperties with non-ASCII digits", NULL, PATTERN_PROPS },
	{ "optional/format/date-time.json", "validation of date-time strings", "case-insensitive T and Z", "schema.c requires upper-case T and Z, a stricter profile of RFC 3339 (schema.h)" },
	{ NULL, NULL, NULL, NULL }
};

static int npass, nfail, nskip, nrefused;
static unsigned char *skip_used;

static const struct skip *find_skip(const char *file, const char *group, const char *tcase,
				    size_t *index)
{
	for (size_t i = 0; skips[i].file; i++) {
		const struct skip *s = &skips[i];
		if (strcmp(s->file, file) == 0 && strcmp(s->group, group) == 0 &&
		    ((!s->test_case && !tcase) ||
		     (s->test_case && tcase && strcmp(s->test_case, tcase) == 0))) {
			*index = i;
			return s;
		}
	}
	return NULL;
}

static void result(int ok, const char *file, const char *group, const char *tcase,
		   const char *why)
{
	printf("%sok - schema.c: %s: %s%s%s%s%s\n", ok ? "" : "not ", file, group,
	       tcase ? ": " : "", tcase ? tcase : "", ok ? "" : ": ", ok ? "" : why);
	if (ok)
		npass++;
	else
		nfail++;
}

static void run_group(const char *file, const json_t *g)
{
	const char *group = json_string_value(json_object_get(g, "description"));
	const json_t *tests = json_object_get(g, "tests"), *t;
	const struct skip *sk;
	struct sdx_schema *s = NULL;
	char *text;
	size_t i, si;
	int rc;

	if (!group || !json_is_array(tests)) {
		result(0, file, "?", NULL, "group without description or tests");
		return;
	}
	text = json_dumps(json_object_get(g, "schema"), JSON_ENCODE_ANY | JSON_COMPACT);
	rc = text ? sdx__schema_load(&s, "suite", text, strlen(text)) : SDX_ENOMEM;
	free(text);
	sk = find_skip(file, group, NULL, &si);
	if (sk) {
		char why[300];
		skip_used[si] = 1;
		snprintf(why, sizeof(why), "listed as refused (%s) but it loads", sk->why);
		if (rc == 0) {
			result(0, file, group, NULL, why);
		} else {
			printf("ok - schema.c: %s: %s: refused at load, %zu case%s skipped: %s\n",
			       file, group, json_array_size(tests),
			       json_array_size(tests) == 1 ? "" : "s", sk->why);
			npass++;
			nrefused++;
			nskip += (int)json_array_size(tests);
		}
		sdx__schema_free(s);
		return;
	}
	if (rc != 0) {
		result(0, file, group, NULL, sdx_error_last());
		return;
	}
	json_array_foreach(tests, i, t) {
		const char *tcase = json_string_value(json_object_get(t, "description"));
		int want = json_is_true(json_object_get(t, "valid")), got;
		if (!tcase)
			tcase = "?";
		if ((sk = find_skip(file, group, tcase, &si))) {
			skip_used[si] = 1;
			printf("# skip - schema.c: %s: %s: %s: %s\n", file, group, tcase, sk->why);
			nskip++;
			continue;
		}
		sdx_error_clear();
		got = sdx__schema_validate(s, json_object_get(t, "data")) == 0;
		if (got == want)
			result(1, file, group, tcase, NULL);
		else
			result(0, file, group, tcase, want ? sdx_error_last() :
			       "accepted, the suite says invalid");
	}
	sdx__schema_free(s);
}

static void run_file(const char *file)
{
	char rel[256];
	json_error_t e;
	json_t *root, *g;
	size_t i;

	snprintf(rel, sizeof(rel), "json-schema-test-suite/%s", file);
	if (!(root = json_load_file(test_data(rel), JSON_ALLOW_NUL, &e)) || !json_is_array(root)) {
		result(0, file, "(file)", NULL, e.text);
		json_decref(root);
		return;
	}
	json_array_foreach(root, i, g)
		run_group(file, g);
	json_decref(root);
}

/*
 * Not in the suite: a pattern sees the whole of a string that holds NUL (a
 * json_t built with json_stringn(); sdx's parser never makes one).
 */
static void pattern_with_nul(void)
{
	static const char schema[] = "{\"$schema\":\"https://json-schema.org/draft/2020-12/"
				     "schema\",\"pattern\":\"^[a-z]*$\"}";
	struct sdx_schema *s = NULL;
	json_t *nul = json_stringn("ab\0cd", 5), *plain = json_string("abcd");
	const char *why = NULL;

	if (sdx__schema_load(&s, "t", schema, strlen(schema)) != 0)
		why = sdx_error_last();
	else if (sdx__schema_validate(s, plain) != 0)
		why = "'abcd' does not match ^[a-z]*$";
	else if (sdx__schema_validate(s, nul) != SDX_ESCHEMA)
		why = "'ab\\0cd' matches ^[a-z]*$ (read up to the NUL)";
	result(!why, "(not in the suite)", "pattern", "a NUL inside the string is matched too",
	       why);
	json_decref(nul);
	json_decref(plain);
	sdx__schema_free(s);
}

int main(void)
{
	size_t n = 0;

	if (!getenv("SDX_TEST_DATA"))
		setenv("SDX_TEST_DATA", "tests/data", 1);
	while (skips[n].file)
		n++;
	if (!(skip_used = calloc(n + 1, 1)))
		return 2;
	for (size_t i = 0; files[i]; i++)
		run_file(files[i]);
	pattern_with_nul();
	for (size_t i = 0; i < n; i++)
		if (!skip_used[i])
			result(0, skips[i].file, skips[i].group, skips[i].test_case,
			       "listed as skipped, but no such group or case in the suite");
	printf("# schema.c against the JSON-Schema-Test-Suite: %d ok, %d not ok, "
	       "%d cases skipped (%d groups refused at load)\n", npass, nfail, nskip, nrefused);
	free(skip_used);
	return nfail ? 1 : 0;
}
