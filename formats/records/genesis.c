/*
 * formats/records/genesis.c - entry 0 of every ledger: its origin and first
 * key (formats/ledger.md).  Written by the ledger itself, never declared.
 */
#include <stdio.h>

#include "formats/records/type.h"

static void summary(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "ledger %s", json_string_value(json_object_get(body, "origin")));
}

const struct sdx_record_type sdx__type_genesis = {
	.name = "genesis",
	.role = SDX_ROLE_LEDGER,
	.summary = summary,
};
