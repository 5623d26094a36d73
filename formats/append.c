/*
 * formats/append.c - the checks that need both a record and the ledger it
 * goes into: attachments present, references resolvable and of the right kind.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sdx/record.h"
#include "ledger/internal.h"

static int check_reference(sdx_ledger *l, const char *type, const unsigned char hash[32],
			   const char *what)
{
	sdx_entry *e = NULL;
	uint64_t index;
	char hex[65];
	int err;

	sdx__hex(hex, hash, 32);
	if ((err = sdx_ledger_resolve(l, hex, &index)) < 0)
		return sdx_error_set(SDX_ENOTFOUND, "%s: refers to entry %s, which this ledger "
				     "does not hold", what, hex);
	if ((err = sdx_ledger_entry(l, index, &e)) < 0)
		return err;
	/* Supersessions and withdrawals only make sense against declarations. */
	if ((strcmp(type, "declaration") == 0 || strcmp(type, "withdrawal") == 0) &&
	    strcmp(e->type, "declaration") != 0)
		err = sdx_error_set(SDX_ESCHEMA, "%s: refers to entry %" PRIu64 " (%s), which is a "
				    "%s, not a declaration", what, index, hex, e->type);
	sdx_entry_free(e);
	return err;
}

int sdx_record_append(sdx_ledger *l, const sdx_signer *key, const char *type,
		      const char *json, size_t len, const char *what, sdx_entry_info *out)
{
	unsigned char (*hashes)[32] = NULL;
	char *canon = NULL, hex[65];
	size_t clen = 0, n = 0, i;
	int err;

	if ((err = sdx_record_normalize(&canon, &clen, type, json, len)) < 0) {
		err = sdx__error_prefix(err, what);
		goto done;
	}
	if ((err = sdx_record_attachments(&hashes, &n, type, canon, clen)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if ((err = sdx_ledger_has_attachment(l, hashes[i])) < 0)
			goto done;
		if (err == 0) {
			sdx__hex(hex, hashes[i], 32);
			err = sdx_error_set(SDX_ENOTFOUND, "%s: attachment %s is not stored; add the "
					    "file with --attach", what, hex);
			goto done;
		}
	}
	free(hashes);
	hashes = NULL;
	if ((err = sdx_record_references(&hashes, &n, type, canon, clen)) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if ((err = check_reference(l, type, hashes[i], what)) < 0)
			goto done;
	if ((err = sdx__ledger_append_canonical(l, key, type, canon, clen, out)) < 0)
		err = sdx__error_prefix(err, what);
done:
	free(hashes);
	free(canon);
	return err;
}
