/*
 * cmd/ipc1752a.c - sdx declare --ipc1752a: an IPC-1752A file made into a
 * declaration by libsdx (sdx/ipc1752a.h), then signed and appended in one
 * transaction with a new checkpoint, the XML file stored beside it as the
 * attachment its Class D claims cite.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

struct ipc_append {
	const struct ipc_opts *p;
	const char *text;
	size_t len;
	const char *const *attach;
	size_t nattach;
	int json;
};

static int append_one(void *ctx, sdx_ledger *l, sdx_signer *key, json_t *list)
{
	const struct ipc_append *a = ctx;
	struct attached att[MAX_ATTACH];
	sdx_entry_info info;
	char what[4200], hex[65];
	int err;

	snprintf(what, sizeof(what), "'%s'", a->p->file);
	if ((err = sdx_ledger_begin(l)) < 0)
		return cmd_fail(err);
	if ((err = cmd_attach_all(l, a->attach, a->nattach, att)) < 0 ||
	    (err = sdx_record_append(&info, l, key, "declaration", a->text, a->len, what)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 || (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		err = cmd_attach_fail(err, a->attach, a->nattach, att);
		fprintf(stderr, "sdx: nothing was written\n");
		return err;
	}
	cmd_attached_print(a->attach, a->nattach, att, a->json);
	hex_hash(hex, info.leaf_hash);
	if (a->json)
		json_array_append_new(list, json_pack("{s:s, s:I, s:s, s:s}", "input", a->p->file,
						      "index", (json_int_t)info.index,
						      "leaf_hash", hex, "time", info.time));
	else
		printf("entry %" PRIu64 " %s %s\n", info.index, hex, a->p->file);
	return 0;
}

int cmd_declare_ipc(const struct where *w, const struct ipc_opts *p, const char *const *attach,
		    size_t nattach, int json)
{
	sdx_ipc1752a_options o = SDX_IPC1752A_OPTIONS_INIT;
	const char *files[MAX_ATTACH + 1];
	struct ipc_append a = { p, NULL, 0, files, nattach + 1, json };
	char *text = NULL;
	int rc;

	if (!p->supplier || !p->valid_until)
		return cmd_error(EXIT_USAGE, "--ipc1752a needs --supplier FILE.json (IPC-1752A names "
				 "no address or country) and --valid-until DATE (it states no end "
				 "of validity)");
	if (nattach >= MAX_ATTACH)
		return cmd_error(EXIT_USAGE, "at most %d --attach files with --ipc1752a",
				 MAX_ATTACH - 1);
	o.lots = p->lots;
	o.nlots = p->nlots;
	o.valid_until = p->valid_until;
	o.supplier_file = p->supplier;
	if ((rc = sdx_ipc1752a_read(&text, &a.len, p->file, &o)) < 0) {
		rc = cmd_fail(rc);
		fprintf(stderr, "sdx: nothing was written\n");
		return rc;
	}
	a.text = text;
	memcpy(files, attach, nattach * sizeof(*files));
	files[nattach] = p->file; /* the evidence of Class D claims, cited by SHA-256 */
	rc = cmd_with_key(w, json, append_one, &a);
	free(text);
	return rc;
}
