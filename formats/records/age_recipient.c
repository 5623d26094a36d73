/*
 * formats/records/age_recipient.c - the binding of an age X25519 recipient
 * to the ledger's party: files encrypted to it are for this ledger
 * (formats/age.md, "Key binding").  Part of the ledger, not of the
 * provenance graph; written by `sdx key age`.
 */
#include <stdio.h>

#include <sodium.h>

#include "formats/records/rules.h"
#include "formats/records/type.h"
#include "sdx/age.h"
#include "sdx/error.h"

static int rules(const char *type, const json_t *body)
{
	unsigned char pk[32];

	/* the schema's pattern admits a bad checksum or a low-order key */
	if (sdx_age_recipient_parse(pk, sdx__rule_str(body, "recipient")) < 0 ||
	    sodium_is_zero(pk, 32)) {
		sdx_error_clear();
		return sdx__rule_bad(type, "recipient: not an age X25519 recipient (a Bech32 "
				     "checksum or key that does not hold)");
	}
	return 0;
}

static void summary(char *out, size_t cap, const json_t *body)
{
	snprintf(out, cap, "age recipient %s", sdx__jstr(body, "recipient", NULL));
}

const struct sdx_record_type sdx__type_age_recipient = {
	.name = "age-recipient",
	.has_schema = 1,
	.role = SDX_ROLE_LEDGER,
	.rules = rules,
	.summary = summary,
	.label = summary,
};
