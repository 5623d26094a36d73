/* cmd/cmd_trust.c - sdx trust: the keys whose bundles this organisation accepts. */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx trust add VKEY|FILE [--name LABEL]\n"
	"   or: sdx trust list [--json]\n"
	"   or: sdx trust remove NAME|KEYID\n"
	"   or: sdx trust revoke VKEY|FILE|NAME|KEYID [--reason TEXT]",
	"Keep the list of parties whose bundles you accept.  A supplier gives you its\n"
	"verifier key ('sdx key show --vkey', a line like example.com/acme+1a2b3c4d+AbC...)\n"
	"and you compare its fingerprint with them by phone before adding it.  'sdx verify\n"
	"FILE.sdxb' and 'sdx import' then accept what those keys signed; anything else\n"
	"is reported as untrusted (exit 3).  The list is local policy: it is stored in\n"
	"the ledger file but not signed and never exported.\n"
	"'remove' stops trusting a key; 'revoke' says the key must never be relied on\n"
	"again (it was lost or stolen): a bundle it signed is refused (exit 3) even when\n"
	"someone passes it with --trust, and it cannot be added back.  What was imported\n"
	"before stays, as verified then.",
	USAGE_ANY
};

struct trust_opts {
	struct where w;
	const char *label, *reason;
	int json;
};

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

static int print_revoked(void *ctx, const sdx_verifier *v, const char *revoked,
			 const char *reason)
{
	json_t *list = ctx;
	char *vkey = NULL, fp[80];

	if (sdx_verifier_format(&vkey, v) < 0 ||
	    sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v)) < 0)
		return -1;
	if (list)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s}", "vkey", vkey,
						      "fingerprint", fp, "revoked", revoked,
						      "reason", reason));
	else
		printf("%s\n  REVOKED      %s%s%s\n  fingerprint: %s\n", vkey, revoked,
		       *reason ? ": " : "", reason, fp);
	free(vkey);
	return 0;
}

/* The trusted key(s) a NAME, label or key id names, for revoke. */
struct pick {
	const char *ref;
	sdx_verifier *v;
	size_t n;
};

static int pick_one(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct pick *p = ctx;
	char id[16], full[SDX_NAME_MAX + 16];

	(void)added;
	snprintf(id, sizeof(id), "%08" PRIx32, sdx_verifier_keyid(v));
	snprintf(full, sizeof(full), "%s+%s", sdx_verifier_name(v), id);
	if (strcmp(p->ref, sdx_verifier_name(v)) != 0 && strcmp(p->ref, label) != 0 &&
	    strcmp(p->ref, id) != 0 && strcmp(p->ref, full) != 0)
		return 0;
	if (p->n++ == 0)
		return sdx_verifier_new(&p->v, sdx_verifier_name(v), sdx_verifier_public_key(v));
	return 0;
}

static int revoke(struct trust_opts *o, sdx_ledger *l, const char *ref)
{
	struct pick p = { ref, NULL, 0 };
	char fp[80];
	size_t nk = 0;
	int err, rc;

	if (strchr(ref, '+') && strlen(ref) > 40) {
		if ((rc = load_vkeys(ref, &p.v, 1, &nk)) != 0)
			return rc;
	} else if (access(ref, R_OK) == 0) {
		if ((rc = load_vkeys(ref, &p.v, 1, &nk)) != 0)
			return rc;
	} else {
		if ((err = sdx_ledger_foreach_trusted(l, pick_one, &p)) < 0) {
			sdx_verifier_free(p.v);
			return cmd_fail(err);
		}
		if (p.n != 1) {
			sdx_verifier_free(p.v);
			return cmd_error(EXIT_USAGE, p.n ? "'%s' names %zu trusted keys; give the key "
					 "id or the verifier key" : "no trusted key matches '%s'; give "
					 "the verifier key to revoke a key you never trusted", ref, p.n);
		}
	}
	err = sdx_ledger_trust_revoke(l, p.v, o->reason);
	if (err == 0) {
		sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(p.v));
		printf("revoked %s+%08" PRIx32 "\nfingerprint: %s\n", sdx_verifier_name(p.v),
		       sdx_verifier_keyid(p.v), fp);
	}
	sdx_verifier_free(p.v);
	return err < 0 ? cmd_fail(err) : 0;
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
	struct opt opts[] = {
		OPT_STRING('n', "name", &o.label, "LABEL",
			   "add: a note for people, e.g. 'Haixing PVC, contract 2026-17'"),
		OPT_STRING('r', "reason", &o.reason, "TEXT",
			   "revoke: why, e.g. 'key leaked with a stolen laptop'"),
		OPT_BOOL(0, "json", &o.json, "list: print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first >= argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	verb = argv[first];
	if ((strcmp(verb, "add") == 0 || strcmp(verb, "remove") == 0 ||
	     strcmp(verb, "revoke") == 0) ? first + 2 != argc
	    : strcmp(verb, "list") == 0 ? first + 1 != argc : 1)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if ((rc = resolve_and_open(&l, &o.w, strcmp(verb, "list") == 0 ? SDX_OPEN_READONLY : 0)) != 0)
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
	} else if (strcmp(verb, "revoke") == 0) {
		if ((rc = revoke(&o, l, argv[first + 1])) != 0)
			goto done;
	} else if (strcmp(verb, "remove") == 0) {
		if ((err = sdx_ledger_trust_remove(&removed, l, argv[first + 1])) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		printf("removed %zu key%s\n", removed, removed == 1 ? "" : "s");
	} else {
		list = o.json ? json_array() : NULL;
		if ((err = sdx_ledger_foreach_trusted(l, print_one, list)) != 0 ||
		    (err = sdx_ledger_foreach_revoked(l, print_revoked, list)) != 0) {
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
