/* cmd/output.c - printing helpers: JSON, hashes, records and conflicts. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "cmd/cmd.h"

void print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));

	if (s) {
		puts(s);
		free(s);
	}
	json_decref(j);
}

void b64_hash(char out[45], const unsigned char hash[32])
{
	sodium_bin2base64(out, 45, hash, 32, sodium_base64_VARIANT_ORIGINAL);
}

void hex_hash(char out[65], const unsigned char hash[32])
{
	sodium_bin2hex(out, 65, hash, 32);
}

const char *json_str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

void print_record_ref(const json_t *r)
{
	printf("%s (%s #%" JSON_INTEGER_FORMAT ", entry %.16s)", json_str(r, "label"),
	       json_str(r, "origin"), json_integer_value(json_object_get(r, "index")),
	       json_str(r, "ref"));
}

void print_conflicts(const json_t *list)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x) {
		printf("  CONFLICT  ");
		print_record_ref(json_object_get(x, "restatement"));
		printf(" against ");
		print_record_ref(json_object_get(x, "own"));
		printf(": %s\n", json_str(x, "what"));
	}
}
