/*
 * formats/records/key.c - a key rotation: the ledger's next signing key,
 * signed by the one before (formats/ledger.md).  Written by the ledger itself.
 */
#include <stdio.h>
#include <string.h>

#include "formats/records/type.h"

static void summary(char *out, size_t cap, const json_t *body)
{
	const char *a = json_string_value(json_object_get(body, "new_key")), *plus;
	int n = 0;

	/* "origin+keyid+base64": show origin+keyid */
	if (a && (plus = strchr(a, '+')) && (plus = strchr(plus + 1, '+')))
		n = (int)(plus - a);
	snprintf(out, cap, "new key %.*s: %s", n, a ? a : "",
		 json_string_value(json_object_get(body, "reason")));
}

const struct sdx_record_type sdx__type_key = {
	.name = "key",
	.role = SDX_ROLE_LEDGER,
	.summary = summary,
};
