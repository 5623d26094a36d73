/* cmd/cmd_init.c - sdx init: a new ledger and its signing key. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx init --origin ORIGIN [--unencrypted] [-L LEDGER] [-k KEY]",
	"Create a new ledger file and an Ed25519 signing key whose name is ORIGIN.\n"
	"The key is encrypted with a passphrase (Argon2id + XChaCha20-Poly1305) taken\n"
	"from $SDX_PASSPHRASE or asked twice on the terminal; keep it, and back up the\n"
	"key file: without it nothing more can be signed.  Neither file may exist yet.",
	USAGE_NONE
};

struct init_opts {
	struct where w;
	const char *origin;
	int unencrypted, json;
};

int cmd_init(int argc, char **argv)
{
	struct init_opts o;
	sdx_signer *key = NULL;
	sdx_verifier *v = NULL;
	sdx_ledger *l = NULL;
	char *pass = NULL, *vkey = NULL, fp[80];
	int first, rc, err, key_written = 0;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING('o', "origin", &o.origin, "ORIGIN",
			   "the ledger's name, e.g. example.com/acme-polymers (required)"),
		OPT_BOOL(0, "unencrypted", &o.unencrypted,
			 "store the secret key without a passphrase (CI, demos)"),
		OPT_BOOL(0, "json", &o.json, "print the result as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (!o.origin)
		return cmd_error(EXIT_USAGE, "--origin is required, e.g. --origin "
				 "example.com/acme-polymers");
	if (!sdx_origin_valid(o.origin))
		return cmd_error(EXIT_USAGE, "invalid origin '%s': use letters, digits and ._-/: "
				 "only, e.g. example.com/acme-polymers", o.origin);
	where_resolve(&o.w);
	if (access(o.w.ledger, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists; sdx init never overwrites a "
				 "ledger", o.w.ledger);
	if (access(o.w.key, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists; sdx init never overwrites a key",
				 o.w.key);
	if (!o.unencrypted && (rc = read_passphrase(&pass, "new passphrase: ", 1)) != 0)
		return rc;
	if ((err = sdx_signer_generate(&key, o.origin)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if ((err = sdx_key_save(key, o.w.key, pass, cmd_kdf_level())) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	key_written = 1;
	if ((err = sdx_ledger_create(&l, o.w.ledger, key)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if ((err = sdx_signer_verifier(&v, key)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0 ||
	    (err = sdx_key_fingerprint(fp, sizeof(fp), sdx_signer_public_key(key))) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.json) {
		print_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "origin", o.origin,
				     "ledger", o.w.ledger, "key_file", o.w.key, "vkey", vkey,
				     "fingerprint", fp, "encrypted", !o.unencrypted));
	} else {
		printf("created ledger '%s' for origin %s\n", o.w.ledger, o.origin);
		printf("secret key:   %s (%s)\n", o.w.key,
		       o.unencrypted ? "NOT encrypted" : "encrypted");
		printf("verifier key: %s\n", vkey);
		printf("fingerprint:  %s\n", fp);
	}
	rc = EXIT_OK;
done:
	if (rc != EXIT_OK && key_written)
		unlink(o.w.key);
	if (pass)
		sodium_free(pass);
	free(vkey);
	sdx_verifier_free(v);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}
