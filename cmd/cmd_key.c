/* cmd/cmd_key.c - sdx key show: the ledger's public key. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "vkey", 0, NULL, "print only the verifier key line" },
	{ "json", 0, NULL, "print as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx key show [--vkey] [--json] [-L LEDGER]",
	"Show the ledger's public key: origin, key id, the C2SP verifier key line that\n"
	"others add to their trust list, and a fingerprint to compare over the phone.\n"
	"Needs no passphrase.",
	opts
};

struct key_opts {
	struct where w;
	int vkey_only, json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct key_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "vkey") == 0)
		o->vkey_only = 1;
	else if (strcmp(name, "json") == 0)
		o->json = 1;
	return 0;
}

int cmd_key(int argc, char **argv)
{
	struct key_opts o;
	sdx_ledger *l = NULL;
	sdx_verifier *v = NULL;
	char *vkey = NULL, fp[80], id[16];
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first >= argc || strcmp(argv[first], "show") != 0)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (first + 1 < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first + 1]);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_ledger_verifier(l, &v)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0 ||
	    (err = sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v))) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	snprintf(id, sizeof(id), "%08" PRIx32, sdx_verifier_keyid(v));
	if (o.vkey_only)
		printf("%s\n", vkey);
	else if (o.json)
		print_json(json_pack("{s:s, s:s, s:s, s:s}", "origin", sdx_ledger_origin(l),
				     "key_id", id, "vkey", vkey, "fingerprint", fp));
	else
		printf("origin:       %s\nkey id:       %s\nverifier key: %s\nfingerprint:  %s\n",
		       sdx_ledger_origin(l), id, vkey, fp);
	rc = EXIT_OK;
done:
	free(vkey);
	sdx_verifier_free(v);
	sdx_ledger_free(l);
	return rc;
}
