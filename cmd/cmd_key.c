/* cmd/cmd_key.c - sdx key show / rotate: the ledger's public key. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx key show [--vkey] [--json] [-L LEDGER]\n"
	"   or: sdx key rotate [--reason TEXT] [--unencrypted] [-L LEDGER] [-k KEY]",
	"show: the ledger's current public key: origin, key id, the C2SP verifier key\n"
	"line that others add to their trust list, and a fingerprint to compare over\n"
	"the phone; earlier keys too, if it was rotated.  Needs no passphrase.\n"
	"rotate: make a new key and sign it into the ledger with the current one (an\n"
	"entry of type 'key'); from then on the new key signs.  Customers who trust the\n"
	"old key accept the new one when they import a bundle carrying the rotation;\n"
	"everything signed before stays verifiable.  The old secret key file is kept\n"
	"as KEY.retired-<keyid>: delete it once you no longer need it.  If the old key\n"
	"leaked, rotate and ask your customers to 'sdx trust revoke' it.",
	USAGE_ANY
};

struct key_opts {
	struct where w;
	const char *reason;
	int vkey_only, json, unencrypted;
};

static int print_earlier(void *ctx, const sdx_verifier *v, uint64_t since)
{
	json_t *list = ctx;
	char *vkey = NULL;

	if (sdx_verifier_format(&vkey, v) < 0)
		return -1;
	json_array_append_new(list, json_pack("{s:s, s:I}", "vkey", vkey, "since",
					      (json_int_t)since));
	free(vkey);
	return 0;
}

static int rotate(struct key_opts *o)
{
	sdx_ledger *l = NULL;
	sdx_signer *old = NULL, *key = NULL;
	sdx_verifier *v = NULL;
	sdx_entry_info info;
	char newpath[4200], retired[4200], *pass = NULL, *vkey = NULL, fp[80];
	int rc, err, saved = 0;

	where_resolve(&o->w);
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		return rc;
	if ((rc = load_key(&old, &o->w)) != 0)
		goto done;
	snprintf(newpath, sizeof(newpath), "%s.new", o->w.key);
	snprintf(retired, sizeof(retired), "%s.retired-%08" PRIx32, o->w.key, sdx_signer_keyid(old));
	if (access(newpath, F_OK) == 0) {
		rc = cmd_error(EXIT_USAGE, "'%s' exists: an earlier rotation was interrupted; if "
			       "'sdx key show' names it, move it to '%s', else delete it", newpath,
			       o->w.key);
		goto done;
	}
	if (!o->unencrypted && (rc = read_passphrase(&pass, "passphrase for the new key: ", 1)) != 0)
		goto done;
	if ((err = sdx_signer_generate(&key, sdx_ledger_origin(l))) < 0 ||
	    (err = sdx_key_save(key, newpath, pass, cmd_kdf_level())) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	saved = 1;
	/* the ledger switches keys in one transaction: the rotation entry signed by
	 * the old key, a checkpoint by the new */
	if ((err = sdx_ledger_begin(l)) < 0 ||
	    (err = sdx_ledger_rotate_key(&info, l, old, key, o->reason)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		rc = cmd_fail(err);
		goto done;
	}
	saved = 0;
	if (rename(o->w.key, retired) != 0 || rename(newpath, o->w.key) != 0) {
		rc = cmd_error(EXIT_ENV, "the ledger now signs with the key in '%s', but it could not "
			       "be moved to '%s': %s; move it by hand", newpath, o->w.key,
			       strerror(errno));
		goto done;
	}
	if ((err = sdx_signer_verifier(&v, key)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0 ||
	    (err = sdx_key_fingerprint(fp, sizeof(fp), sdx_signer_public_key(key))) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o->json)
		print_json(json_pack("{s:s, s:s, s:I, s:s}", "vkey", vkey, "fingerprint", fp,
				     "entry", (json_int_t)info.index, "retired_key", retired));
	else
		printf("rotated: entry %" PRIu64 " signs the new key in\nverifier key: %s\n"
		       "fingerprint:  %s\nthe old secret key is now '%s'; delete it once you no "
		       "longer need it\n", info.index, vkey, fp, retired);
	rc = EXIT_OK;
done:
	if (saved)
		unlink(newpath);
	if (pass)
		sodium_free(pass);
	free(vkey);
	sdx_verifier_free(v);
	sdx_signer_free(key);
	sdx_signer_free(old);
	sdx_ledger_free(l);
	return rc;
}

int cmd_key(int argc, char **argv)
{
	struct key_opts o;
	sdx_ledger *l = NULL;
	sdx_verifier *v = NULL;
	char *vkey = NULL, fp[80], id[16];
	json_t *keys;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "vkey", &o.vkey_only, "print only the verifier key line"),
		OPT_BOOL(0, "json", &o.json, "print as JSON"),
		OPT_STRING('r', "reason", &o.reason, "TEXT",
			   "rotate: why, recorded in the ledger (e.g. 'yearly rotation')"),
		OPT_BOOL(0, "unencrypted", &o.unencrypted,
			 "rotate: store the new secret key without a passphrase"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 1 == argc && strcmp(argv[first], "rotate") == 0)
		return rotate(&o);
	if (first >= argc || strcmp(argv[first], "show") != 0)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (first + 1 < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first + 1]);
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_ledger_verifier(&v, l)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0 ||
	    (err = sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v))) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	snprintf(id, sizeof(id), "%08" PRIx32, sdx_verifier_keyid(v));
	keys = json_array();
	if ((err = sdx_ledger_foreach_key(l, print_earlier, keys)) < 0) {
		rc = cmd_fail(err);
		json_decref(keys);
		goto done;
	}
	if (o.vkey_only) {
		printf("%s\n", vkey);
		json_decref(keys);
	} else if (o.json) {
		print_json(json_pack("{s:s, s:s, s:s, s:s, s:o}", "origin", sdx_ledger_origin(l),
				     "key_id", id, "vkey", vkey, "fingerprint", fp, "keys", keys));
	} else {
		size_t i, n = json_array_size(keys);
		printf("origin:       %s\nkey id:       %s\nverifier key: %s\nfingerprint:  %s\n",
		       sdx_ledger_origin(l), id, vkey, fp);
		for (i = 0; i + 1 < n; i++)
			printf("earlier key:  %s (signed entries %" JSON_INTEGER_FORMAT "-%"
			       JSON_INTEGER_FORMAT ")\n",
			       json_string_value(json_object_get(json_array_get(keys, i), "vkey")),
			       json_integer_value(json_object_get(json_array_get(keys, i), "since")),
			       json_integer_value(json_object_get(json_array_get(keys, i + 1),
								  "since")) - 1);
		json_decref(keys);
	}
	rc = EXIT_OK;
done:
	free(vkey);
	sdx_verifier_free(v);
	sdx_ledger_free(l);
	return rc;
}
