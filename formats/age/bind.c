/*
 * formats/age/bind.c - which age recipient a ledger's party receives at:
 * the newest entry of type "age-recipient" of that ledger, signed by its key
 * like every entry (formats/age.md, "Key binding"), this ledger's own or
 * imported from another.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "formats/records/internal.h"
#include "ledger/internal.h"
#include "sdx/age.h"
#include "sdx/imported.h"
#include "sdx/ledger.h"
#include "sdx/record.h"

#define TYPE "age-recipient"

int sdx_age_bind(sdx_entry_info *out, sdx_ledger *l, const sdx_signer *key,
		 const unsigned char pk[32])
{
	char r[SDX_AGE_RECIPIENT_MAX], body[128];
	int n, err;

	if ((err = sdx_age_recipient_format(r, pk)) < 0)
		return err;
	n = snprintf(body, sizeof(body), "{\"recipient\":\"%s\"}", r);
	return sdx_record_append(out, l, key, TYPE, body, (size_t)n, "age recipient");
}

struct fetch {
	unsigned char *pk;
	int err;
};

static int from_payload(struct fetch *f, const unsigned char *data, size_t len, const char *what)
{
	json_t *payload = NULL;
	const char *r;

	if ((f->err = sdx__entry_payload_json(&payload, data, len, what)) < 0)
		return f->err;
	r = json_string_value(json_object_get(json_object_get(payload, "body"), "recipient"));
	f->err = r ? sdx_age_recipient_parse(f->pk, r)
		   : sdx_error_set(SDX_EFORMAT, "%s: no 'recipient'", what);
	json_decref(payload);
	return f->err;
}

static int fetched(void *ctx, const sdx_foreign_entry *e)
{
	from_payload(ctx, e->data, e->len, "imported age recipient entry");
	return 0;
}

int sdx_age_bound_recipient(unsigned char pk[32], uint64_t *index, sdx_ledger *l,
			    const char *origin)
{
	struct fetch f = { pk, 0 };
	sdx_entry *e = NULL;
	uint64_t idx = 0;
	int rc, err;

	if ((rc = sdx_ledger_latest_of_type(&idx, l, origin, TYPE)) <= 0)
		return rc;
	if (!origin || strcmp(origin, sdx_ledger_origin(l)) == 0) {
		if ((err = sdx_ledger_entry(&e, l, idx)) < 0)
			return err;
		err = from_payload(&f, e->data, e->len, "age recipient entry");
		sdx_entry_free(e);
	} else if ((err = sdx_ledger_foreign_get(l, origin, idx, fetched, &f)) == 0) {
		err = f.err;
	}
	if (err < 0)
		return err;
	if (index)
		*index = idx;
	return 1;
}
