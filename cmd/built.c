/*
 * cmd/built.c - a batch or shipment given by options: hand the fields and
 * --input/--item specs to the library's record builder, then append it as sdx
 * declare appends a file (--dry-run: print it and make every check of the
 * append, writing nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

/*
 * The spec "REF:REST" with REF as the leaf hash of the record it names (an
 * id such as a batch id or a lot number, or a hash prefix), in out.
 */
static int resolve_ref(char *out, size_t cap, sdx_ledger *l, const char *spec)
{
	const char *colon = strchr(spec, ':');
	char ref[256], hex[65];
	sdx_found *f = NULL;
	int err;

	if (!colon || (size_t)(colon - spec) >= sizeof(ref)) {
		snprintf(out, cap, "%s", spec);
		return 0;
	}
	snprintf(ref, sizeof(ref), "%.*s", (int)(colon - spec), spec);
	if ((err = sdx_record_find(&f, l, ref, NULL)) < 0)
		return err == SDX_ENOTFOUND ? (snprintf(out, cap, "%s", spec), 0) : err;
	for (size_t i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", f->entry.leaf_hash[i]);
	sdx_found_free(f);
	snprintf(out, cap, "%s%s", hex, colon);
	return 0;
}

int cmd_append_built(const struct where *w, const struct built_record *r,
		     const char *const *attach, size_t nattach, int dry_run, int json)
{
	sdx_record_builder *b = NULL;
	sdx_ledger *l = NULL;
	struct record_src src = { NULL, NULL, NULL, NULL, 0, 0 };
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
	if (err < 0)
		goto fail;
	if ((rc = open_ledger(&l, w, 0)) != 0)
		goto done;
	/* a batch id, lot number or declaration id names the record it links to */
	for (i = 0; i < r->nlinks && err == 0; i++) {
		char spec[1024];
		snprintf(what, sizeof(what), "%s #%zu", r->link_option, i + 1);
		if ((err = resolve_ref(spec, sizeof(spec), l, r->links[i])) == 0)
			err = sdx_record_builder_add(b, spec, what);
	}
	if (err < 0)
		goto fail;
	if (sdx_record_builder_missing(b)) {
		rc = cmd_error(EXIT_USAGE, "%s", r->needs);
		goto done;
	}
	if ((err = sdx_record_builder_check(b)) < 0)
		goto fail;
	err = sdx_record_builder_resolve(b, l);
	if (err < 0)
		goto fail;
	if (dry_run) {
		if ((err = sdx_record_builder_json(&text, NULL, b, SDX_BUILD_PRETTY)) < 0)
			goto fail;
		printf("%s\n", text);
	}
	src.b = b;
	sdx_ledger_free(l);
	l = NULL;
	/* a dry run makes every check of the write, and writes nothing */
	rc = dry_run ? cmd_append_check(w, r->type, &src, 1, attach, nattach)
		     : cmd_append(w, r->type, &src, 1, attach, nattach, json);
	goto done;
fail:
	rc = cmd_fail(err);
done:
	sdx_ledger_free(l);
	free(text);
	sdx_record_builder_free(b);
	return rc;
}
