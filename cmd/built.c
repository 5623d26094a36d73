/*
 * cmd/built.c - a batch or shipment given by options: hand the fields and
 * --input/--item specs to the library's record builder, then print the record
 * (--dry-run) or append it as sdx declare appends a file.
 */
#include <stdlib.h>

#include "cmd/cmd.h"

int cmd_append_built(const struct where *w, const struct built_record *r,
		     const char *const *attach, size_t nattach, int dry_run, int json)
{
	sdx_record_builder *b = NULL;
	sdx_ledger *l = NULL;
	struct record_src src = { NULL, NULL };
	char what[48], *text = NULL;
	size_t i;
	int rc = 0, err;

	if ((err = sdx_record_builder_new(&b, r->type)) < 0)
		return cmd_fail(err);
	for (i = 0; i < r->nfields && err == 0; i++)
		if (r->values[i])
			err = sdx_record_builder_set(b, r->fields[i].field, r->values[i],
						     r->fields[i].option);
	for (i = 0; i < r->nlists && err == 0; i++)
		for (size_t k = 0; k < r->lists[i].n && err == 0; k++)
			err = sdx_record_builder_set(b, r->lists[i].field, r->lists[i].values[k],
						     r->lists[i].option);
	for (i = 0; i < r->nlinks && err == 0; i++) {
		snprintf(what, sizeof(what), "%s #%zu", r->link_option, i + 1);
		err = sdx_record_builder_add(b, r->links[i], what);
	}
	if (err < 0)
		goto fail;
	if (sdx_record_builder_missing(b)) {
		rc = cmd_error(EXIT_USAGE, "%s", r->needs);
		goto done;
	}
	if ((err = sdx_record_builder_check(b)) < 0)
		goto fail;
	if ((rc = open_ledger(&l, w, 0)) != 0)
		goto done;
	err = sdx_record_builder_resolve(b, l);
	sdx_ledger_free(l);
	if (err < 0)
		goto fail;
	if (dry_run) {
		if ((err = sdx_record_builder_json(&text, NULL, b, SDX_BUILD_PRETTY)) < 0)
			goto fail;
		printf("%s\n", text);
		goto done;
	}
	src.b = b;
	rc = cmd_append(w, r->type, &src, 1, attach, nattach, json);
	goto done;
fail:
	rc = cmd_fail(err);
done:
	free(text);
	sdx_record_builder_free(b);
	return rc;
}
