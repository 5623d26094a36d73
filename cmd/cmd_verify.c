/* cmd/cmd_verify.c - sdx verify: audit the whole ledger. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

#define MAX_TRUST 64

static const struct usage use = {
	"sdx verify [--threads N] [--bodies] [--signatures] [--quiet] [--json] [-L LEDGER]\n"
	"   or: sdx verify FILE.sdxb [--trust VKEY|FILE]... [--trust-on-first-use] [--bodies]\n"
	"       [--signatures] [--quiet] [--json]",
	"Without FILE: audit the ledger from scratch: every entry's bytes and payload,\n"
	"the sequence and hash chain, every stored Merkle tree hash, every\n"
	"checkpoint's signature and root, every attachment's content, imported\n"
	"entries against their checkpoints, and the append-only triggers.  Header\n"
	"fields are read from the exact layout sdx writes; --bodies also parses each\n"
	"body (the signature already covers it).\n"
	"With FILE.sdxb: check a bundle offline, needing no ledger: archive safety, the\n"
	"manifest's signature and every member's hash, every entry's inclusion proof,\n"
	"every checkpoint and consistency proof, the cited evidence (from each entry's\n"
	"header; --bodies parses the bodies as well).  An age-encrypted FILE ('sdx\n"
	"export --encrypt-to', 'age -r') is decrypted first with the ledger's age key\n"
	"(KEY.x25519, 'sdx key age'; its passphrase is asked for) into a temporary file\n"
	"in the ledger's directory, removed afterwards (formats/age.md).\n"
	"Hash-bound by default: an entry covered by a signed checkpoint of the key that\n"
	"signed it is authenticated by that checkpoint's root, recomputed from the\n"
	"bytes (a changed byte changes the root), so its own signature is not checked;\n"
	"signatures are checked where they add something: entries signed by another\n"
	"key than the checkpoint's (before a key rotation) and the entries after\n"
	"the last checkpoint.  --signatures checks every entry's signature too\n"
	"(formats/ledger.md and formats/bundle.md, \"What verify proves\").\n"
	"Progress goes to stderr when it is a terminal (--quiet: never).\n"
	"A ledger that verifies is then attributed (formats/trust.md): for each origin,\n"
	"how many records are signed by the party they name, restated by another, or\n"
	"signed with a key bound to no party; each restated record; each conflict.\n"
	"Exit 0 if all holds; 1 if anything is forged or corrupt (the first bad entry,\n"
	"hash or member is named); 3 if valid but signed by a key you do not trust;\n"
	"7 if a record restating a party's document contradicts that party's own;\n"
	"2 if the input cannot be read.  Needs no key and no passphrase.",
	USAGE_ANY
};

struct verify_opts {
	struct where w;
	sdx_bundle_verify_options bo;
	uint64_t threads;
	int json, tofu, bodies, signatures, quiet;
	sdx_verifier *trusted[MAX_TRUST];
	size_t n_trusted;
	sdx_verifier *revoked[MAX_REVOKED];
	size_t n_revoked;
	struct keyring trust, revoke; /* over trusted[] and revoked[] */
};

/* Record the producer's key after a first good bundle (--trust-on-first-use). */
static void remember_producer(sdx_ledger *l, const sdx_bundle_report *rep)
{
	sdx_verifier *v = NULL;
	char label[64], fp[80];

	if (!l || sdx_verifier_parse(&v, sdx_bundle_report_producer_vkey(rep)) < 0)
		return;
	snprintf(label, sizeof(label), "trusted on first use, %.20s", sdx_bundle_report_created(rep));
	if (sdx_ledger_trust_add(l, v, label) == 0) {
		sdx_key_fingerprint(fp, sizeof(fp), sdx_verifier_public_key(v));
		fprintf(stderr, "sdx: now trusting %s (fingerprint %s); check it with them\n",
			sdx_bundle_report_producer_vkey(rep), fp);
	}
	sdx_verifier_free(v);
}

static int verify_plain(struct verify_opts *o, const char *path, const char *file);

static int verify_bundle(struct verify_opts *o, const char *path)
{
	struct age_input in;
	int err;

	/* an age file: its bundle, decrypted with the ledger's age key */
	where_resolve(&o->w);
	if ((err = age_open(&in, &o->w, path)) != 0)
		return err;
	err = verify_plain(o, path, in.path);
	age_close(&in);
	return err;
}

/* Verify the bundle at `file`, shown as `path`. */
static int verify_plain(struct verify_opts *o, const char *path, const char *file)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	sdx_bundle_report *rep = NULL;
	struct progress prog;
	const sdx_bundle_ledger *bl;
	sdx_ledger *l = NULL;
	size_t i, introduced = 0;
	int err;

	/* a local ledger, if there is one, holds the keys this organisation trusts */
	where_resolve(&o->w);
	if (access(o->w.ledger, F_OK) == 0) {
		if ((err = open_ledger(&l, &o->w, o->tofu ? 0 : SDX_OPEN_READONLY)) != 0)
			return err;
		if ((err = load_ledger_keys(l, &o->trust, &o->revoke, 1)) != 0) {
			sdx_ledger_free(l);
			return err;
		}
	}

	bo.max_member = o->bo.max_member;
	bo.max_total = o->bo.max_total;
	bo.max_entries = o->bo.max_entries;
	bo.trusted = o->trusted;
	bo.n_trusted = o->n_trusted;
	bo.revoked = o->revoked;
	bo.n_revoked = o->n_revoked;
	bo.trust_on_first_use = o->tofu;
	bo.flags = (o->bodies ? SDX_BUNDLE_VERIFY_BODIES : 0) |
		   (o->signatures ? SDX_BUNDLE_VERIFY_SIGNATURES : 0);
	bo.threads = (unsigned)o->threads;
	progress_begin(&prog, "verify", o->quiet);
	err = sdx_bundle_verify_introduced(&rep, &introduced, l, file, &bo);
	age_error_rename(err, file, path);
	progress_end(&prog);
	if (o->json) {
		json_t *led = json_array();
		for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
			json_array_append_new(led, json_pack("{s:s, s:I, s:I, s:I, s:b}",
				"origin", bl->origin,
				"tree_size", (json_int_t)bl->tree_size,
				"entries", (json_int_t)bl->entries,
				"consistency_proofs", (json_int_t)bl->consistency,
				"trusted", bl->trusted));
		json_t *j = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:b, s:o, s:I, s:I}",
				      "bundle", path,
				      "result", err == 0 ? "ok" : err == SDX_EUNTRUSTED ? "untrusted"
					       : err == SDX_EVERIFY ? "forged-or-corrupt" : "unreadable",
				      "ok", err == 0, "producer", sdx_bundle_report_producer(rep),
				      "producer_key", sdx_bundle_report_producer_vkey(rep),
				      "created", sdx_bundle_report_created(rep),
				      "producer_trusted", sdx_bundle_report_producer_trusted(rep),
				      "ledgers", led,
				      "entries", (json_int_t)sdx_bundle_report_entries(rep),
				      "attachments", (json_int_t)sdx_bundle_report_attachments(rep));
		if (err < 0)
			json_object_set_new(j, "error", json_string(sdx_error_last()));
		print_json(j);
	} else if (err == 0 || err == SDX_EUNTRUSTED) {
		printf("bundle %s\n  producer  %s%s\n  created   %s\n", path,
		       sdx_bundle_report_producer(rep),
		       sdx_bundle_report_producer_trusted(rep) ? " (trusted key)" :
		       err ? " (key NOT trusted)" : " (trusted on first use)",
		       sdx_bundle_report_created(rep));
		if (*sdx_bundle_report_recipient(rep))
			printf("  for       %s\n", sdx_bundle_report_recipient(rep));
		for (i = 0; (bl = sdx_bundle_report_ledger(rep, i)); i++)
			printf("  ledger    %s: %" PRIu64 " entries proved against its checkpoint at "
			       "size %" PRIu64 ", %" PRIu64 " consistency proofs, key %s\n",
			       bl->origin, bl->entries, bl->tree_size, bl->consistency,
			       bl->trusted ? "trusted" : "NOT trusted");
		printf("  checked   manifest signature, %" PRIu64 " member hashes, entry signatures, "
		       "inclusion proofs, checkpoints, %" PRIu64 " attachments\n",
		       sdx_bundle_report_members(rep), sdx_bundle_report_attachments(rep));
		if (introduced)
			printf("  trusted   %zu key(s) through introductions your trust policy accepts "
			       "('sdx import' trusts them)\n", introduced);
		if (err == 0)
			printf("ok: %s\n", path);
	}
	if (err == 0 && o->tofu && !sdx_bundle_report_producer_trusted(rep))
		remember_producer(l, rep);
	sdx_bundle_report_free(rep);
	sdx_ledger_free(l);
	return err < 0 ? cmd_fail(err) : EXIT_OK;
}

static void print_counts(const json_t *o)
{
	static const struct { const char *member, *words; } more[] = {
		{ "role", "signed outside the roles of its party's binding" },
		{ "not_named", "naming no issuer" },
	};
	const char *party = json_str(o, "party");
	int own = json_is_true(json_object_get(o, "own"));
	size_t k;

	printf("  %s (%s%s%s%s%s): %" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " records "
	       "signed by the party they name, %" JSON_INTEGER_FORMAT " restated, %"
	       JSON_INTEGER_FORMAT " unbound", json_str(o, "origin"), own ? "this ledger, " : "",
	       *party ? (own ? "party " : "key bound to ") : (own ? "party not set" :
							       "key bound to no party"), party,
	       *json_str(o, "introduced_by") ? ", key introduced by " : "",
	       json_str(o, "introduced_by"),
	       json_integer_value(json_object_get(o, "signed")),
	       json_integer_value(json_object_get(o, "records")),
	       json_integer_value(json_object_get(o, "restated")),
	       json_integer_value(json_object_get(o, "unbound")));
	for (k = 0; k < sizeof(more) / sizeof(more[0]); k++)
		if (json_integer_value(json_object_get(o, more[k].member)))
			printf(", %" JSON_INTEGER_FORMAT " %s",
			       json_integer_value(json_object_get(o, more[k].member)), more[k].words);
	printf("\n");
}

/* A line per origin, each record restated or signed outside its roles, each conflict. */
static void print_attribution(const json_t *a)
{
	const json_t *x;
	size_t i;

	if (json_array_size(json_object_get(a, "origins")))
		printf("attribution (formats/trust.md):\n");
	json_array_foreach(json_object_get(a, "origins"), i, x)
		print_counts(x);
	json_array_foreach(json_object_get(a, "records"), i, x) {
		if (strcmp(json_str(x, "outcome"), "restated") != 0 &&
		    strcmp(json_str(x, "outcome"), "role") != 0)
			continue;
		printf("  %-9s ", json_str(x, "outcome"));
		print_record_ref(x);
		printf(": %s\n", json_str(x, "text"));
	}
	print_conflicts(json_object_get(a, "conflicts"));
}

int cmd_verify(int argc, char **argv)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	struct progress prog;
	struct verify_opts o;
	sdx_ledger *l = NULL;
	json_t *attr = NULL;
	size_t conflicts = 0;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	o.trust = (struct keyring){ o.trusted, MAX_TRUST, &o.n_trusted };
	o.revoke = (struct keyring){ o.revoked, MAX_REVOKED, &o.n_revoked };
	struct opt opts[] = {
		OPT_U64_RANGE('j', "threads", &o.threads, "N",
			      "signature-checking threads (default: every core)", 0, 64),
		OPT_CALLBACK(0, "trust", &o.trust, "VKEY|FILE", "bundles: trust this verifier key (or "
			     "the keys in FILE, one per line); repeatable", keyring_option),
		OPT_BOOL(0, "trust-on-first-use", &o.tofu, "bundles: accept the producer's own key"),
		OPT_BOOL(0, "bodies", &o.bodies, "also parse every record body as strict JSON (slower); "
			 "bundles: and check each header lists exactly the attachments its body cites"),
		OPT_BOOL(0, "signatures", &o.signatures, "check every entry's signature, also where "
			 "a signed checkpoint of the same key already authenticates its bytes"),
		OPT_BOOL('q', "quiet", &o.quiet, "no progress on stderr"),
		OPT_BOOL(0, "json", &o.json, "print the report as JSON"),
		LIMIT_OPTS(&o.bo),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 1 < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'", argv[first + 1]);
	if (first < argc) {
		rc = verify_bundle(&o, argv[first]);
		keyring_clear(&o.trust);
		keyring_clear(&o.revoke);
		return rc;
	}
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	vo.threads = (unsigned)o.threads;
	vo.flags = (o.bodies ? SDX_VERIFY_BODIES : 0) | (o.signatures ? SDX_VERIFY_SIGNATURES : 0);
	progress_begin(&prog, "verify", o.quiet);
	err = sdx_ledger_verify(&rep, l, &vo);
	progress_end(&prog);
	/* who stands behind the records, once they verify */
	if (err == 0 && (rc = ledger_attribution(&attr, &conflicts, l)) < 0) {
		rc = cmd_fail(rc);
		sdx_ledger_free(l);
		return rc;
	}
	if (o.json)
		print_json(verify_json(o.w.ledger, l, err, &rep, attr));
	if (err < 0) {
		rc = cmd_fail(err);
	} else {
		if (!o.json)
			printf("ok: %s (%s): %" PRIu64 " entries, %" PRIu64 " tree hashes, %" PRIu64
			       " checkpoints, %" PRIu64 " attachments (%" PRIu64 " bytes) verified "
			       "with %u threads\n", o.w.ledger, sdx_ledger_origin(l), rep.entries,
			       rep.nodes, rep.checkpoints, rep.attachments, rep.attachment_bytes,
			       rep.threads);
		if (!o.json && rep.imported_entries)
			printf("    and %" PRIu64 " imported entries and %" PRIu64 " imported checkpoints "
			       "(hashes, proofs%s)\n", rep.imported_entries, rep.imported_checkpoints,
			       rep.imported_unsigned ? "; signatures of those imported before ledger "
			       "format 5 cannot be checked again" : ", signatures");
		if (!o.json)
			print_attribution(attr);
		rc = EXIT_OK;
		if (conflicts)
			rc = cmd_error(EXIT_CONFLICT, "%zu conflict%s: records about the same thing "
				       "that state otherwise (formats/trust.md, \"Conflicts\")",
				       conflicts, conflicts == 1 ? "" : "s");
	}
	json_decref(attr);
	sdx_ledger_free(l);
	return rc;
}
