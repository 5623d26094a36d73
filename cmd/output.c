/* cmd/output.c - printing helpers: JSON, hashes. */
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
