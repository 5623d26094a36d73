/*
 * formats/records/receipt.c - the import receipt (entry type "import"): the
 * ledger notes that it verified and stored a bundle (formats/bundle/import.c).
 */
#include <stdio.h>

#include "formats/records/type.h"

static void summary(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "imported %" JSON_INTEGER_FORMAT " entries from %s",
		 json_integer_value(json_object_get(body, "entries")),
		 json_string_value(json_object_get(body, "producer")));
}

const struct sdx_record_type sdx__type_import = {
	.name = "import",
	.role = SDX_ROLE_LEDGER,
	.summary = summary,
};
