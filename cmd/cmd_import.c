/* cmd/cmd_import.c - sdx import and sdx inbox: what other parties sent. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

static const struct usage use = {
	"sdx import FILE.sdxb [--trust-on-first-use] [--quiet] [--json] [-L LEDGER] [-k KEY]\n"
	"   or: sdx import --from URL [--token TOKEN] [options as above]",
	"Verify a bundle exactly as 'sdx verify FILE.sdxb' does, against the keys in\n"
	"'sdx trust list', and only if it is valid and trusted store its entries,\n"
	"checkpoints and evidence files in the ledger (apart from your own entries),\n"
	"then append a signed import receipt to your own chain.  One transaction:\n"
	"all or nothing.  Importing the same bundle again does nothing.  A checkpoint\n"
	"that contradicts one already held from the same party (a fork or a rolled-back\n"
	"tree) is refused and both checkpoints are printed as evidence.  Records the\n"
	"bundle brings that conflict with records held (formats/trust.md, \"Conflicts\")\n"
	"are printed with both entries named, and the exit code is 7: the bundle is\n"
	"imported all the same, never merged, so that 'sdx verify' keeps reporting them.\n"
	"An age-encrypted bundle (its first line 'age-encryption.org/v1', 'sdx export\n"
	"--encrypt-to') is first decrypted with the ledger's age key (KEY.x25519, 'sdx\n"
	"key age') into a temporary file in the ledger's directory, removed afterwards;\n"
	"a wrong key, a changed byte or a truncated file stops it with nothing stored.\n"
	"--from URL downloads the bundle first (HTTP or HTTPS, e.g. a served ledger's\n"
	"/v1/export?ref=..., with --token or SDX_TOKEN as its bearer token) into a\n"
	"temporary file in the ledger's directory, no larger than --max-total, then\n"
	"imports it as above; 'sdx verify --remote' checks it against the served log.",
	USAGE_ANY
};

struct import_opts {
	struct where w;
	sdx_bundle_verify_options bo;
	int tofu, json, entries, quiet;
	const char *from, *token;
};

#define MAX_TRUST 256

struct ring {
	sdx_verifier *v[MAX_TRUST];
	size_t n;
	sdx_verifier *revoked[MAX_REVOKED];
	size_t n_revoked;
};

int cmd_import(int argc, char **argv)
{
	sdx_bundle_verify_options bo = SDX_BUNDLE_VERIFY_OPTIONS_INIT;
	struct import_opts o;
	struct ring ring;
	struct keyring kr = { ring.v, MAX_TRUST, &ring.n };
	struct keyring rv = { ring.revoked, MAX_REVOKED, &ring.n_revoked };
	sdx_import_result res;
	struct progress prog;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_verifier *pv = NULL;
	struct intro_snapshot *intros;
	struct age_input in = { NULL, "" };
	json_t *conflicts = NULL;
	const char *file = NULL, *shown = "";
	char dl[4200] = "";
	uint64_t mark = 0;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	memset(&ring, 0, sizeof(ring));
	memset(&res, 0, sizeof(res));
	struct opt opts[] = {
		OPT_BOOL(0, "trust-on-first-use", &o.tofu,
			 "accept and remember the producer's key if none is trusted yet"),
		OPT_BOOL(0, "json", &o.json, "print the result as JSON"),
		OPT_BOOL('q', "quiet", &o.quiet, "no progress on stderr (shown only on a terminal)"),
		OPT_STRING(0, "from", &o.from, "URL", "download the bundle from URL first"),
		OPT_STRING(0, "token", &o.token, "TOKEN", "--from: the bearer token to send "
			   "(default: $SDX_TOKEN)"),
		LIMIT_OPTS(&o.bo),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (o.from ? first != argc : first + 1 != argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (o.token && !o.from)
		return cmd_error(EXIT_USAGE, "--token goes with --from URL");
	if ((rc = resolve_and_open(&l, &o.w, 0)) != 0)
		return rc;
	if (o.from) {
		/* the bundle, downloaded beside the ledger; its name in messages is the URL */
		if ((rc = remote_download(dl, sizeof(dl), o.from, o.token ? o.token :
					  getenv("SDX_TOKEN"), o.bo.max_total ? o.bo.max_total :
					  8ULL << 30, o.w.ledger)) != 0)
			goto done;
		shown = o.from;
		file = dl;
	} else {
		file = shown = argv[first];
	}
	if ((rc = load_ledger_keys(l, &kr, &rv, 0)) != 0)
		goto done;
	if ((rc = load_key(&key, &o.w)) != 0)
		goto done;
	/* an age file: its bundle, decrypted with the ledger's age key */
	if ((rc = age_open(&in, &o.w, file)) != 0)
		goto done;
	bo.max_member = o.bo.max_member;
	bo.max_total = o.bo.max_total;
	bo.max_entries = o.bo.max_entries;
	bo.trusted = ring.v;
	bo.n_trusted = ring.n;
	bo.revoked = ring.revoked;
	bo.n_revoked = ring.n_revoked;
	bo.trust_on_first_use = o.tofu;
	if ((err = sdx_ledger_foreign_mark(&mark, l)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	intros = trust_intro_snapshot(l);
	progress_begin(&prog, "import", o.quiet);
	err = sdx_bundle_import(&res, l, key, in.path, &bo);
	age_error_rename(err, in.path, shown);
	progress_end(&prog);
	trust_intro_report(err == 0 ? l : NULL, intros);
	if (err == SDX_ECONFLICT && (res.held_checkpoint || res.new_checkpoint)) {
		rc = cmd_fail(err);
		fprintf(stderr, "evidence of equivocation: the checkpoint already held\n%s"
			"contradicts the bundle's checkpoint\n%s", res.held_checkpoint ?
			res.held_checkpoint : "(not available)\n", res.new_checkpoint ?
			res.new_checkpoint : "(not available)\n");
		goto done;
	}
	if (err < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (!res.already && o.tofu && !sdx_bundle_report_producer_trusted(res.report) &&
	    sdx_verifier_parse(&pv, sdx_bundle_report_producer_vkey(res.report)) == 0 &&
	    sdx_ledger_trust_add(l, pv, "trusted on first use (import)") == 0)
		fprintf(stderr, "sdx: now trusting %s; compare its fingerprint with them\n",
			sdx_bundle_report_producer_vkey(res.report));
	/* what the bundle brought, against what was held: after the import,
	 * which is committed whatever this finds */
	if (!res.already && (err = import_conflicts(&conflicts, l, mark)) < 0) {
		rc = cmd_error(cmd_exit_code(err), "%s was imported, but its records could not be "
			       "compared with those held: %s", shown, sdx_error_last());
		goto done;
	}
	if (o.json) {
		print_json(import_json(shown, &res, conflicts));
	} else if (res.already) {
		printf("%s was imported before (receipt entry %" PRIu64 "); nothing to do\n",
		       shown, res.receipt);
	} else {
		printf("imported %s from %s: %" PRIu64 " entries, %" PRIu64 " attachments; "
		       "receipt entry %" PRIu64 "\n", shown,
		       sdx_bundle_report_producer(res.report), sdx_bundle_report_entries(res.report),
		       sdx_bundle_report_attachments(res.report), res.receipt);
		if (sdx_bundle_report_disclosures(res.report) ||
		    sdx_bundle_report_withheld_count(res.report))
			printf("kept %" PRIu64 " disclosure%s of concealed fields; %zu attachment%s "
			       "withheld by the sender\n", sdx_bundle_report_disclosures(res.report),
			       sdx_bundle_report_disclosures(res.report) == 1 ? "" : "s",
			       sdx_bundle_report_withheld_count(res.report),
			       sdx_bundle_report_withheld_count(res.report) == 1 ? "" : "s");
		print_conflicts(conflicts);
	}
	rc = EXIT_OK;
	if (json_array_size(conflicts))
		rc = cmd_error(EXIT_CONFLICT, "%zu conflict%s: records %s brought state otherwise "
			       "than records held about the same thing (formats/trust.md, "
			       "\"Conflicts\")", json_array_size(conflicts),
			       json_array_size(conflicts) == 1 ? "" : "s", shown);
done:
	age_close(&in);
	if (dl[0])
		unlink(dl);
	json_decref(conflicts);
	sdx_import_result_clear(&res);
	sdx_verifier_free(pv);
	keyring_clear(&kr);
	keyring_clear(&rv);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}

static const struct usage inbox_use = {
	"sdx inbox [--entries [ORIGIN]] [--json] [-L LEDGER]",
	"List what has been imported from other parties, by origin: the largest\n"
	"checkpoint held, the number of entries held and the newest entry's time.\n"
	"With --entries, every imported entry (of ORIGIN, if given): its index in its\n"
	"own ledger, type, leaf hash (what 'sdx batch --input' takes) and summary.",
	USAGE_ANY
};

static int print_origin(void *ctx, const char *origin, uint64_t size, uint64_t entries,
			const char *latest)
{
	json_t *list = ctx;

	if (list)
		json_array_append_new(list, json_pack("{s:s, s:I, s:I, s:s}", "origin", origin,
						      "tree_size", (json_int_t)size,
						      "entries", (json_int_t)entries, "latest", latest));
	else
		printf("%s%*s %8" PRIu64 " entries held, checkpoint at size %" PRIu64 ", newest %s\n",
		       origin, sdx_text_pad(origin, 40), "", entries, size, *latest ? latest : "-");
	return 0;
}

struct entry_list {
	const char *origin;
	json_t *list;
};

static int print_entry(void *ctx, const sdx_foreign_entry *e)
{
	struct entry_list *el = ctx;
	sdx_entry tmp;
	char *payload = NULL, hex[65], summary[300];
	size_t plen;

	if (el->origin && strcmp(el->origin, e->origin) != 0)
		return 0;
	memset(&tmp, 0, sizeof(tmp));
	tmp.data = (unsigned char *)e->data;
	tmp.len = e->len;
	summary[0] = '\0';
	if (sdx_entry_payload(&payload, &plen, &tmp) == 0)
		sdx_record_summary(summary, sizeof(summary), e->type, payload, plen);
	free(payload);
	hex_hash(hex, e->leaf_hash);
	if (el->list)
		json_array_append_new(el->list, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "origin",
							  e->origin, "index", (json_int_t)e->index,
							  "type", e->type, "time", e->time,
							  "leaf_hash", hex, "summary", summary));
	else
		printf("%s%*s %6" PRIu64 "  %-12s %.16s  %s\n", e->origin,
		       sdx_text_pad(e->origin, 32), "", e->index, e->type, hex, summary);
	return 0;
}

int cmd_inbox(int argc, char **argv)
{
	struct import_opts o;
	sdx_ledger *l = NULL;
	json_t *list = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL('e', "entries", &o.entries,
			 "list the imported entries themselves, with their leaf hashes"),
		OPT_BOOL(0, "json", &o.json, "print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &inbox_use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first != argc && !(o.entries && first + 1 == argc))
		return cmd_error(EXIT_USAGE, "usage: %s", inbox_use.synopsis);
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	list = o.json ? json_array() : NULL;
	if (o.entries) {
		struct entry_list el = { first < argc ? argv[first] : NULL, list };
		err = sdx_ledger_foreach_foreign_entry(l, print_entry, &el);
	} else {
		err = sdx_ledger_foreach_origin(l, print_origin, list);
	}
	if (err < 0) {
		rc = cmd_fail(err);
	} else {
		if (list) {
			print_json(list);
			list = NULL;
		}
		rc = EXIT_OK;
	}
	json_decref(list);
	sdx_ledger_free(l);
	return rc;
}
