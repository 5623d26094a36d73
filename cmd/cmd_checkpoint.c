/* cmd/cmd_checkpoint.c - sdx checkpoint: sign (if needed) and print. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx checkpoint [--policy FILE] [--json] [-L LEDGER] [-k KEY]",
	"If the ledger grew since its last checkpoint, sign a new one (asks for the\n"
	"key's passphrase); then print the latest checkpoint, a C2SP tlog-checkpoint\n"
	"signed as a C2SP signed note (formats/signed-note.md), with the witnesses'\n"
	"cosignatures kept for it.  With --policy, first ask each witness of the policy\n"
	"that has a URL ('witness NAME VKEY URL') to cosign it (C2SP tlog-witness, with\n"
	"a consistency proof from the last size it cosigned), keep what they answer,\n"
	"and exit 3 if the policy's quorum is still not met (formats/witness.md).",
	USAGE_NONE
};

struct cp_opts {
	struct where w;
	const char *policy;
	int json;
};

/* Ask the policy's witnesses; print what each did; 0, or the exit code of a quorum not met. */
static int ask_witnesses(sdx_ledger *l, const sdx_policy *p, uint64_t size)
{
	const sdx_cosigner *c;
	const char *url;
	char why[400], *note = NULL, *names = NULL;
	size_t i, len = 0;
	int err;

	for (i = 0; (c = sdx_policy_witness(p, i, &url)); i++) {
		if (!*url)
			continue;
		if ((err = witness_ask(l, c, url, size, why, sizeof(why))) < 0)
			fprintf(stderr, "sdx: witness %s: %s\n", sdx_cosigner_name(c), sdx_error_last());
		else if (err > 0)
			fprintf(stderr, "sdx: witness %s refused: %s\n", sdx_cosigner_name(c), why);
		else
			fprintf(stderr, "sdx: cosigned by %s\n", sdx_cosigner_name(c));
	}
	if ((err = sdx_ledger_cosigned_checkpoint(&note, &len, NULL, l, size)) < 0)
		return cmd_fail(err);
	err = sdx_policy_check(&names, p, note, len);
	free(note);
	free(names);
	if (err < 0)
		return cmd_fail(err);
	return 0;
}

int cmd_checkpoint(int argc, char **argv)
{
	struct cp_opts o;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_checkpoint cp;
	sdx_policy *policy = NULL;
	char *note = NULL, root[45];
	uint64_t size;
	size_t len;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "policy", &o.policy, "FILE", "ask the witnesses of this trust policy "
			   "to cosign (formats/witness.md)"),
		OPT_BOOL(0, "json", &o.json, "print origin, size, root and the note as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (o.policy && (rc = load_policy(&policy, o.policy)) != 0)
		return rc;
	if ((rc = resolve_and_open(&l, &o.w, 0)) != 0) {
		sdx_policy_free(policy);
		return rc;
	}
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
	    (err = sdx_ledger_get_checkpoint(NULL, NULL, &cp, l, 0)) < 0)
		goto fail;
	rc = policy ? ask_witnesses(l, policy, cp.size) : 0;
	if ((err = sdx_ledger_cosigned_checkpoint(&note, &len, &cp, l, cp.size)) < 0)
		goto fail;
	if (o.json) {
		b64_hash(root, cp.root);
		print_json(json_pack("{s:s, s:I, s:s, s:s}", "origin", cp.origin,
				     "tree_size", (json_int_t)cp.size, "root_hash", root,
				     "checkpoint", note));
	} else {
		fwrite(note, 1, len, stdout);
	}
	rc = rc ? rc : EXIT_OK;
	goto done;
fail:
	rc = cmd_fail(err);
done:
	free(note);
	sdx_policy_free(policy);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}
