/* cmd/cmd_checkpoint.c - sdx checkpoint: sign (if needed) and print. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx checkpoint [--json] [-L LEDGER] [-k KEY]",
	"If the ledger grew since its last checkpoint, sign a new one (asks for the\n"
	"key's passphrase); then print the latest checkpoint, a C2SP tlog-checkpoint\n"
	"signed as a C2SP signed note (formats/signed-note.md).",
	USAGE_NONE
};

struct cp_opts {
	struct where w;
	int json;
};

int cmd_checkpoint(int argc, char **argv)
{
	struct cp_opts o;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_checkpoint cp;
	char *note = NULL, root[45];
	uint64_t size;
	size_t len;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "json", &o.json, "print origin, size, root and the note as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if ((rc = resolve_and_open(&l, &o.w, 0)) != 0)
		return rc;
	if ((err = sdx_ledger_size(&size, l)) < 0)
		goto fail;
	err = sdx_ledger_get_checkpoint(NULL, NULL, &cp, l, 0);
	if (err < 0 && err != SDX_ENOTFOUND)
		goto fail;
	/* The key (and its passphrase) is only needed when there is something to sign. */
	if (err == SDX_ENOTFOUND || cp.size != size) {
		if ((rc = load_key(&key, &o.w)) != 0)
			goto done;
		if ((err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0)
			goto fail;
	}
	/* a checkpoint printed may be passed on: make sure it outlives a power loss */
	if ((err = sdx_ledger_sync(l)) < 0 ||
	    (err = sdx_ledger_get_checkpoint(&note, &len, &cp, l, 0)) < 0)
		goto fail;
	if (o.json) {
		b64_hash(root, cp.root);
		print_json(json_pack("{s:s, s:I, s:s, s:s}", "origin", cp.origin,
				     "tree_size", (json_int_t)cp.size, "root_hash", root,
				     "checkpoint", note));
	} else {
		fwrite(note, 1, len, stdout);
	}
	rc = EXIT_OK;
	goto done;
fail:
	rc = cmd_fail(err);
done:
	free(note);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}
