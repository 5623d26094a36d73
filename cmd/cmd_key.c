/* cmd/cmd_key.c - sdx key show / rotate / age: the ledger's public keys. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx key show [--vkey | --age-recipient] [--json] [-L LEDGER]\n"
	"   or: sdx key rotate [--reason TEXT] [--unencrypted] [-L LEDGER] [-k KEY]\n"
	"   or: sdx key age [--unencrypted] [--identity FILE] [-L LEDGER] [-k KEY]",
	"show: the ledger's current public key: origin, key id, the C2SP verifier key\n"
	"line that others add to their trust list, and a fingerprint to compare over\n"
	"the phone; earlier keys too, if it was rotated.  Needs no passphrase.\n"
	"rotate: make a new key and sign it into the ledger with the current one (an\n"
	"entry of type 'key'); from then on the new key signs.  Customers who trust the\n"
	"old key accept the new one when they import a bundle carrying the rotation;\n"
	"everything signed before stays verifiable.  The old secret key file is kept\n"
	"as KEY.retired-<keyid>: delete it once you no longer need it.  If the old key\n"
	"leaked, rotate and ask your customers to 'sdx trust revoke' it.\n"
	"age: make the ledger's encryption key, an X25519 key pair apart from the\n"
	"signing key, kept in KEY.x25519 (mode 0600, sealed with a passphrase as the\n"
	"key file is), and bind its age recipient (age1...) to the ledger's party in a\n"
	"signed entry of type 'age-recipient'; bundles exported with --all carry it, and\n"
	"whoever imports one can 'sdx export --encrypt-to' your verifier key.  'sdx\n"
	"key show --age-recipient' prints the recipient for 'age -r'.  With --identity\n"
	"FILE, write the existing key as an age identity (AGE-SECRET-KEY-1..., mode\n"
	"0600) for 'age -d -i FILE' instead (formats/age.md).",
	USAGE_ANY
};

struct key_opts {
	struct where w;
	const char *reason;
	int vkey_only, age_only, json, unencrypted;
	const char *identity;
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

/* KEY.x25519 as an age identity file, as age-keygen writes one. */
static int write_identity(struct key_opts *o, sdx_ledger *l)
{
	unsigned char *sk = sodium_malloc(32), pk[32];
	char id[SDX_AGE_IDENTITY_MAX], r[SDX_AGE_RECIPIENT_MAX];
	FILE *f = NULL;
	int rc, fd = -1;

	if (!sk)
		return cmd_error(EXIT_ENV, "out of memory");
	if ((rc = load_age_key(sk, &o->w)) != 0)
		goto done;
	if (sdx_age_public_key(pk, sk) < 0 || sdx_age_identity_format(id, sk) < 0 ||
	    sdx_age_recipient_format(r, pk) < 0) {
		rc = cmd_fail(SDX_EINVAL);
		goto done;
	}
	if ((fd = open(o->identity, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    !(f = fdopen(fd, "w"))) {
		rc = cmd_error(errno == EEXIST ? EXIT_USAGE : EXIT_ENV, "cannot create '%s': %s",
			       o->identity, strerror(errno));
		goto done;
	}
	fd = -1;
	fprintf(f, "# age identity of %s, from sdx (its age key file)\n# public key: %s\n%s\n",
		sdx_ledger_origin(l), r, id);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		rc = cmd_error(EXIT_ENV, "cannot write '%s': %s", o->identity, strerror(errno));
		unlink(o->identity);
		goto done;
	}
	printf("wrote the age identity of %s to '%s' (recipient %s); it is a secret key: "
	       "delete it when done\n", sdx_ledger_origin(l), o->identity, r);
	rc = EXIT_OK;
done:
	sodium_memzero(id, sizeof(id));
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	sodium_free(sk);
	return rc;
}

static int age_key(struct key_opts *o)
{
	unsigned char *sk = NULL, pk[32], bound[32];
	char path[4200], r[SDX_AGE_RECIPIENT_MAX], *pass = NULL;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_entry_info info;
	int rc, err, saved = 0;

	where_resolve(&o->w);
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		return rc;
	age_key_path(path, sizeof(path), &o->w);
	if (o->identity) {
		rc = write_identity(o, l);
		goto done;
	}
	if (access(path, F_OK) == 0) {
		if ((err = sdx_age_bound_recipient(bound, NULL, l, NULL)) < 0)
			rc = cmd_fail(err);
		else if (err == 0)
			rc = cmd_error(EXIT_USAGE, "'%s' exists but no entry binds it (an interrupted "
				       "'sdx key age'?): move it away and run 'sdx key age' again", path);
		else
			rc = cmd_error(EXIT_USAGE, "'%s' exists: this ledger has its age key ('sdx key "
				       "show --age-recipient'); to replace it, move it away first", path);
		goto done;
	}
	if ((rc = load_key(&key, &o->w)) != 0)
		goto done;
	if (!o->unencrypted &&
	    (rc = read_passphrase(&pass, "passphrase for the age key: ", 1)) != 0)
		goto done;
	if (!(sk = sodium_malloc(32))) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	sdx_age_keygen(sk, pk);
	if ((err = sdx_age_key_save(sk, sdx_ledger_origin(l), path, pass, cmd_kdf_level())) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	saved = 1;
	if ((err = sdx_ledger_begin(l)) < 0 || (err = sdx_age_bind(&info, l, key, pk)) < 0 ||
	    (err = sdx_ledger_checkpoint(NULL, NULL, l, key)) < 0 ||
	    (err = sdx_ledger_commit(l)) < 0) {
		sdx_ledger_rollback(l);
		rc = cmd_fail(err);
		goto done;
	}
	saved = 0;
	if ((err = sdx_age_bound_recipient(bound, NULL, l, NULL)) < 0 ||
	    (err = sdx_age_recipient_format(r, bound)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o->json)
		print_json(json_pack("{s:s, s:I, s:s}", "age_recipient", r, "entry",
				     (json_int_t)info.index, "age_key", path));
	else
		printf("age key:       %s\nage recipient: %s (bound by entry %" PRIu64 ")\n",
		       path, r, info.index);
	rc = EXIT_OK;
done:
	if (saved)
		unlink(path);
	if (pass)
		sodium_free(pass);
	if (sk)
		sodium_free(sk);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}

int cmd_key(int argc, char **argv)
{
	struct key_opts o;
	sdx_ledger *l = NULL;
	sdx_verifier *v = NULL;
	char *vkey = NULL, fp[80], id[16], age[SDX_AGE_RECIPIENT_MAX] = "";
	unsigned char apk[32];
	json_t *keys, *j;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "vkey", &o.vkey_only, "print only the verifier key line"),
		OPT_BOOL(0, "age-recipient", &o.age_only,
			 "print only the age recipient (age1...) the ledger bound, for 'age -r'"),
		OPT_BOOL(0, "json", &o.json, "print as JSON"),
		OPT_STRING('r', "reason", &o.reason, "TEXT",
			   "rotate: why, recorded in the ledger (e.g. 'yearly rotation')"),
		OPT_BOOL(0, "unencrypted", &o.unencrypted,
			 "rotate, age: store the new secret key without a passphrase"),
		OPT_STRING(0, "identity", &o.identity, "FILE",
			   "age: write the age key as an age identity file (AGE-SECRET-KEY-1...)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 1 == argc && strcmp(argv[first], "rotate") == 0)
		return rotate(&o);
	if (first + 1 == argc && strcmp(argv[first], "age") == 0)
		return age_key(&o);
	if (first >= argc || strcmp(argv[first], "show") != 0)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (first + 1 < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first + 1]);
	if (o.vkey_only && o.age_only)
		return cmd_error(EXIT_USAGE, "--vkey and --age-recipient: give one");
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_ledger_verifier(&v, l)) < 0 || (err = sdx_verifier_format(&vkey, v)) < 0 ||
	    (err = sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v))) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if ((err = sdx_age_bound_recipient(apk, NULL, l, NULL)) < 0 ||
	    (err > 0 && (err = sdx_age_recipient_format(age, apk)) < 0)) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.age_only) {
		if (!age[0]) {
			rc = cmd_error(EXIT_USAGE, "%s bound no age recipient: 'sdx key age' makes "
				       "one", sdx_ledger_origin(l));
			goto done;
		}
		printf("%s\n", age);
		rc = EXIT_OK;
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
		j = json_pack("{s:s, s:s, s:s, s:s, s:o}", "origin", sdx_ledger_origin(l),
			      "key_id", id, "vkey", vkey, "fingerprint", fp, "keys", keys);
		if (age[0])
			json_object_set_new(j, "age_recipient", json_string(age));
		print_json(j);
	} else {
		size_t i, n = json_array_size(keys);
		printf("origin:       %s\nkey id:       %s\nverifier key: %s\nfingerprint:  %s\n",
		       sdx_ledger_origin(l), id, vkey, fp);
		if (age[0])
			printf("age recipient: %s\n", age);
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
