/* cmd/cmd_trust.c - sdx trust: the keys whose bundles this organisation accepts. */
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx trust add VKEY|FILE [--label TEXT] [--name NAME --role ROLE... [--id SCHEME:ID]...\n"
	"                        [--country CC]]\n"
	"   or: sdx trust bind VKEY|FILE|NAME|KEYID --name NAME --role ROLE... [--id SCHEME:ID]...\n"
	"   or: sdx trust list [--json]\n"
	"   or: sdx trust remove NAME|KEYID\n"
	"   or: sdx trust revoke VKEY|FILE|NAME|KEYID [--reason TEXT]\n"
	"   or: sdx trust introduce VKEY|FILE|NAME|KEYID --name NAME --role ROLE... [--id SCHEME:ID]...\n"
	"                        [--country CC] --method METHOD [--checked DATE] [--detail TEXT]\n"
	"   or: sdx trust introduce VKEY|FILE|NAME|KEYID --withdraw [--detail TEXT]\n"
	"   or: sdx trust policy [none | accept --from PARTY|any-direct --roles ROLE,... [--depth 1]]\n"
	"                        [--json]",
	"Keep the list of parties whose bundles you accept.  A supplier gives you its\n"
	"verifier key ('sdx key show --vkey', a line like example.com/acme+1a2b3c4d+AbC...)\n"
	"and you compare its fingerprint with them by phone before adding it.  'sdx verify\n"
	"FILE.sdxb' and 'sdx import' then accept what those keys signed; anything else\n"
	"is reported as untrusted (exit 3).  The list is local policy: it is stored in\n"
	"the ledger file but not signed and never exported.\n"
	"--name binds the key to the party it speaks for: its name and identifiers as its\n"
	"records give them, and the roles it signs for.  trace, check and verify then say\n"
	"of each record whether it is signed by the party it names or restated by another\n"
	"(formats/trust.md).  'bind', or 'add' of a key trusted already, replaces the\n"
	"binding.  --label is a note for people.\n"
	"'remove' stops trusting a key; 'revoke' says the key must never be relied on\n"
	"again (it was lost or stolen): a bundle it signed is refused (exit 3) even when\n"
	"someone passes it with --trust, and it cannot be added back.  What was imported\n"
	"before stays, as verified then.\n"
	"'introduce' signs, in your own ledger, that a key you trust and have bound is\n"
	"its party's, how and when you compared its fingerprint; your exports carry it\n"
	"with what they forward of that party.  'policy' says whether a recipient accepts\n"
	"such introductions from parties it trusts directly (depth 1), and for which\n"
	"roles; by default ('none') an import names what an introduction would trust and\n"
	"is refused (exit 3).  A key accepted so is trusted via its introducer; revoking\n"
	"the introducer's key undoes the introductions you held only from the revocation\n"
	"on (formats/trust.md, \"Introductions\").",
	USAGE_ANY
};

struct trust_opts {
	struct where w;
	const char *label, *reason;
	struct binding_opts party;
	struct intro_opts in;     /* introduce, policy */
	int json;
};

struct listing {
	sdx_ledger *l;
	json_t *list; /* NULL: print text */
};

static int print_one(void *ctx, const sdx_verifier *v, const char *label, const char *added)
{
	struct listing *li = ctx;
	char *vkey = NULL, fp[80];
	sdx_party p;
	int bound;

	if (sdx_verifier_format(&vkey, v) < 0 ||
	    sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v)) < 0 ||
	    (bound = sdx_ledger_trust_binding(&p, li->l, sdx_verifier_public_key(v))) < 0) {
		free(vkey);
		return -1;
	}
	if (li->list) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "vkey", vkey, "fingerprint", fp,
				      "label", label, "added", added);
		json_object_set_new(j, "party", bound ? party_to_json(&p) : json_null());
		json_array_append_new(li->list, j);
		if (trust_print_introduced(li->l, sdx_verifier_public_key(v), j) < 0) {
			free(vkey);
			return -1;
		}
	} else {
		printf("%s\n  label:       %s\n  fingerprint: %s\n  added:       %s\n", vkey, label,
		       fp, added);
		if (bound)
			party_print(&p, "  ");
		else
			printf("  party:       none bound (attribution unknown; 'sdx trust bind')\n");
		if (trust_print_introduced(li->l, sdx_verifier_public_key(v), NULL) < 0) {
			free(vkey);
			return -1;
		}
	}
	free(vkey);
	return 0;
}

static int print_revoked(void *ctx, const sdx_verifier *v, const char *revoked,
			 const char *reason)
{
	json_t *list = ((struct listing *)ctx)->list;
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

int trust_key_named(sdx_verifier **out, sdx_ledger *l, const char *ref, const char *none)
{
	struct pick p = { ref, NULL, 0 };
	size_t nk = 0;
	int err;

	*out = NULL;
	if ((strchr(ref, '+') && strlen(ref) > 40) || access(ref, R_OK) == 0)
		return load_vkeys(ref, out, 1, &nk);
	if ((err = sdx_ledger_foreach_trusted(l, pick_one, &p)) < 0) {
		sdx_verifier_free(p.v);
		return cmd_fail(err);
	}
	if (p.n != 1) {
		sdx_verifier_free(p.v);
		if (p.n)
			return cmd_error(EXIT_USAGE, "'%s' names %zu trusted keys; give the key id "
					 "or the verifier key", ref, p.n);
		return cmd_error(EXIT_USAGE, "no trusted key matches '%s'; %s", ref, none);
	}
	*out = p.v;
	return 0;
}

static int revoke(struct trust_opts *o, sdx_ledger *l, const char *ref)
{
	sdx_verifier *v = NULL;
	int rc;

	if ((rc = trust_key_named(&v, l, ref, "give the verifier key to revoke a key you "
				  "never trusted")) != 0)
		return rc;
	rc = trust_revoke_introduced(l, v, o->reason);
	sdx_verifier_free(v);
	return rc;
}

/* "bound KEY to NAME (SCHEME:ID, ...) for ROLE, ROLE" */
static void print_bound(const sdx_verifier *v, const sdx_party *p)
{
	size_t i;

	printf("bound %s+%08" PRIx32 " to %s", sdx_verifier_name(v), sdx_verifier_keyid(v), p->name);
	for (i = 0; i < p->nids; i++)
		printf("%s%s:%s", i ? ", " : " (", p->ids[i].scheme, p->ids[i].id);
	printf("%s, signing for", p->nids ? ")" : "");
	for (i = 0; i < p->nroles; i++)
		printf("%s %s", i ? "," : "", p->roles[i]);
	printf("\n");
}

/* trust add: the key, and its binding when --name is given, in one transaction. */
static int add(struct trust_opts *o, sdx_ledger *l, const char *arg)
{
	sdx_verifier *v = NULL;
	sdx_party p;
	char fp[80];
	size_t nk = 0;
	int bind = binding_opts_given(&o->party), rc, err, had = 0;

	o->party.label_hint = 1;
	if ((bind && (rc = binding_from_opts(&p, &o->party, "trust add")) != 0) ||
	    (rc = load_vkeys(arg, &v, 1, &nk)) != 0)
		return rc;
	if ((err = sdx_ledger_begin(l)) < 0)
		goto fail;
	if ((err = sdx_ledger_trust_add(l, v, o->label)) == SDX_EEXISTS && bind)
		had = 1;
	else if (err < 0)
		goto rollback;
	if ((bind && (err = sdx_ledger_trust_bind(l, v, &p)) < 0) ||
	    (err = sdx_ledger_commit(l)) < 0)
		goto rollback;
	sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v));
	printf("%s %s+%08" PRIx32 "\nfingerprint: %s\n", had ? "already trusted" : "trusted",
	       sdx_verifier_name(v), sdx_verifier_keyid(v), fp);
	if (bind)
		print_bound(v, &p);
	sdx_verifier_free(v);
	return EXIT_OK;
rollback:
	rc = cmd_fail(err);
	sdx_ledger_rollback(l);
	sdx_verifier_free(v);
	return rc;
fail:
	sdx_verifier_free(v);
	return cmd_fail(err);
}

static int bind(struct trust_opts *o, sdx_ledger *l, const char *ref)
{
	sdx_verifier *v = NULL;
	sdx_party p;
	int rc, err;

	if ((rc = binding_from_opts(&p, &o->party, "trust bind")) != 0 ||
	    (rc = trust_key_named(&v, l, ref, "'sdx trust add' it first")) != 0)
		return rc;
	if ((err = sdx_ledger_trust_bind(l, v, &p)) < 0)
		rc = cmd_fail(err);
	else
		print_bound(v, &p);
	sdx_verifier_free(v);
	return rc;
}

int cmd_trust(int argc, char **argv)
{
	struct trust_opts o;
	struct listing li = { NULL, NULL };
	sdx_ledger *l = NULL;
	const char *verb;
	size_t removed = 0;
	int first, rc, err, arg1;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "label", &o.label, "TEXT",
			   "add: a note for people, e.g. 'Haixing PVC, contract 2026-17'"),
		BINDING_OPTS(&o.party, "add, bind: the party the key speaks for: its"),
		OPT_STRING('r', "reason", &o.reason, "TEXT",
			   "revoke: why, e.g. 'key leaked with a stolen laptop'"),
		OPT_STRING(0, "method", &o.in.method, "METHOD", "introduce: how you compared the "
			   "fingerprint: " SDX_INTRO_METHODS),
		OPT_STRING(0, "checked", &o.in.checked, "DATE",
			   "introduce: the day you compared it (YYYY-MM-DD; default today)"),
		OPT_STRING(0, "detail", &o.in.detail, "TEXT",
			   "introduce: a note, e.g. 'at their plant, with their QA manager'"),
		OPT_BOOL(0, "withdraw", &o.in.withdraw,
			 "introduce: take back your latest introduction of the key"),
		OPT_STRING(0, "from", &o.in.from, "PARTY",
			   "policy accept: whose introductions: a trusted key's party name, "
			   "SCHEME:ID, key name or label, or " SDX_INTRO_ANY_DIRECT),
		OPT_STRING(0, "roles", &o.in.roles, "ROLE,...",
			   "policy accept: for which roles, e.g. supplier,lab"),
		OPT_U64_RANGE(0, "depth", &o.in.depth, "N", "policy accept: 1, the only depth",
			      1, 1),
		OPT_BOOL(0, "json", &o.json, "list, policy: print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first >= argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	verb = argv[first];
	arg1 = strcmp(verb, "add") == 0 || strcmp(verb, "bind") == 0 ||
	       strcmp(verb, "remove") == 0 || strcmp(verb, "revoke") == 0 ||
	       strcmp(verb, "introduce") == 0;
	if (arg1 ? first + 2 != argc : strcmp(verb, "list") == 0 ? first + 1 != argc :
	    strcmp(verb, "policy") == 0 ? first + 2 < argc : 1)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (binding_opts_given(&o.party) && strcmp(verb, "add") != 0 && strcmp(verb, "bind") != 0 &&
	    strcmp(verb, "introduce") != 0)
		return cmd_error(EXIT_USAGE, "--name, --id, --country and --role are for trust add, "
				 "trust bind and trust introduce");
	o.in.w = &o.w;
	o.in.party = &o.party;
	o.in.json = o.json;
	if (strcmp(verb, "introduce") == 0) {
		o.in.ref = argv[first + 1];
		where_resolve(&o.w);
		return trust_introduce(&o.in);
	}
	if ((rc = resolve_and_open(&l, &o.w, strcmp(verb, "list") == 0 ||
				   (strcmp(verb, "policy") == 0 && first + 1 == argc) ?
				   SDX_OPEN_READONLY : 0)) != 0)
		return rc;
	if (strcmp(verb, "policy") == 0) {
		rc = trust_policy(&o.in, l, first + 1 < argc ? argv[first + 1] : NULL);
	} else if (strcmp(verb, "add") == 0) {
		rc = add(&o, l, argv[first + 1]);
	} else if (strcmp(verb, "bind") == 0) {
		rc = bind(&o, l, argv[first + 1]);
	} else if (strcmp(verb, "revoke") == 0) {
		rc = revoke(&o, l, argv[first + 1]);
	} else if (strcmp(verb, "remove") == 0) {
		if ((err = sdx_ledger_trust_remove(&removed, l, argv[first + 1])) < 0) {
			rc = cmd_fail(err);
		} else {
			printf("removed %zu key%s\n", removed, removed == 1 ? "" : "s");
			rc = EXIT_OK;
		}
	} else {
		li.l = l;
		li.list = o.json ? json_array() : NULL;
		if ((err = sdx_ledger_foreach_trusted(l, print_one, &li)) != 0 ||
		    (err = sdx_ledger_foreach_revoked(l, print_revoked, &li)) != 0) {
			rc = cmd_fail(err);
		} else {
			if (li.list)
				print_json(json_incref(li.list));
			rc = EXIT_OK;
		}
	}
	json_decref(li.list);
	sdx_ledger_free(l);
	return rc;
}
