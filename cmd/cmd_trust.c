/* cmd/cmd_trust.c - sdx trust: the keys whose bundles this organisation accepts. */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "name", 'n', "LABEL", "add: a note for people, e.g. 'Haixing PVC, contract 2026-17'" },
	{ "json", 0, NULL, "list: print as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx trust add VKEY|FILE [--name LABEL]\n"
	"   or: sdx trust list [--json]\n"
	"   or: sdx trust remove NAME|KEYID",
	"Keep the list of parties whose bundles you accept.  A supplier gives you its\n"
	"verifier key ('sdx key show --vkey', a line like example.com/acme+1a2b3c4d+AbC...)\n"
	"and you compare its fingerprint with them by phone before adding it.  'sdx verify\n"
	"FILE.sdxb' and 'sdx import' then accept what those keys signed; anything else\n"
	"is reported as untrusted (exit 3).  The list is local policy: it is stored in\n"
	"the ledger file but not signed and never exported.",
	opts
};

struct trust_opts {
	struct where w;
	const char *label;
	int json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct trust_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "name") == 0)
		o->label = arg;
	else if (strcmp(name, "json") == 0)
		o->json = 1;
	return 0;
}

static int print_one(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	json_t *list = ctx;
	char *vkey = NULL, fp[80];

	if (sdx_verifier_format(&vkey, v) < 0 ||
	    sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v)) < 0)
		return -1;
	if (list)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "vkey", vkey,
						      "fingerprint", fp, "label", label,
						      "added", added));
	else
		printf("%s\n  label:       %s\n  fingerprint: %s\n  added:       %s\n", vkey, label,
		       fp, added);
	free(vkey);
	return 0;
}

int cmd_trust(int argc, char **argv)
{
	struct trust_opts o;
	sdx_ledger *l = NULL;
	sdx_verifier *v = NULL;
	json_t *list = NULL;
	const char *verb;
	char fp[80];
	size_t removed = 0;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first >= argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	verb = argv[first];
	if ((strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0) ? first + 2 != argc
	    : strcmp(verb, "list") == 0 ? first + 1 != argc : 1)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, strcmp(verb, "list") == 0 ? SDX_OPEN_READONLY : 0)) != 0)
		return rc;
	if (strcmp(verb, "add") == 0) {
		size_t nk = 0;
		if ((rc = load_vkeys(argv[first + 1], &v, 1, &nk)) != 0)
			goto done;
		if ((err = sdx_ledger_trust_add(l, v, o.label)) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v));
		printf("trusted %s+%08" PRIx32 "\nfingerprint: %s\n", sdx_verifier_name(v),
		       sdx_verifier_keyid(v), fp);
	} else if (strcmp(verb, "remove") == 0) {
		if ((err = sdx_ledger_trust_remove(l, argv[first + 1], &removed)) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		printf("removed %zu key%s\n", removed, removed == 1 ? "" : "s");
	} else {
		list = o.json ? json_array() : NULL;
		if ((err = sdx_ledger_foreach_trusted(l, print_one, list)) != 0) {
			rc = cmd_fail(err);
			goto done;
		}
		if (list) {
			print_json(list);
			list = NULL;
		}
	}
	rc = EXIT_OK;
done:
	json_decref(list);
	sdx_verifier_free(v);
	sdx_ledger_free(l);
	return rc;
}
