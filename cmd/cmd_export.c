/* cmd/cmd_export.c - sdx export: a signed bundle for a customer. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

static const struct usage use = {
	"sdx export [REF...] [--lot LOT] [--since TIME] [--all] [--imported] [--to RECIPIENT]\n"
	"       [--disclose POLICY.json|all|none] [--encrypt-to VKEY|AGE1]... -o FILE.sdxb\n"
	"   or: sdx export --provenance REF [--to RECIPIENT] [--disclose POLICY.json|all|none]\n"
	"       [--encrypt-to VKEY|AGE1]... -o FILE.sdxb\n"
	"   or: sdx export --epcis REF -o FILE.jsonld\n"
	"   or: sdx export --untp dcc|dpp|dte REF -o FILE\n"
	"   or: sdx export --cn-customs SHIPMENT [--format csv|json] [--labs FILE] -o FILE",
	"Write a signed bundle (formats/bundle.md) of the selected entries with\n"
	"everything a recipient needs to check them offline: the ledger's signed\n"
	"checkpoint, an inclusion proof per entry, consistency proofs from earlier\n"
	"checkpoints, the cited evidence files and a manifest signed with your key.\n"
	"With --imported, the suppliers' entries you imported travel on too, each\n"
	"with its own ledger's checkpoint and proof: the recipient checks them against\n"
	"the suppliers' keys, not your word.  With --provenance, exactly what a\n"
	"customs broker or buyer needs for one shipment or batch: it, the batches and\n"
	"declarations upstream (own and imported), the withdrawals and corrections of\n"
	"those declarations, and their evidence.\n"
	"With --epcis, a GS1 EPCIS 2.0 document of REF and everything upstream\n"
	"(formats/epcis.md); with --untp, UNTP 0.7.0 credentials signed with your key,\n"
	"one compact JWS a line (formats/untp.md); their REF may also be a shipment,\n"
	"batch or declaration id or a lot number.\n"
	"With --cn-customs, the document lines a China customs declaration takes for\n"
	"the accredited test reports behind each item of a shipment (its id, index\n"
	"or leaf-hash prefix): licence category 630, 'accreditation-body code/report\n"
	"number', cargo attribute 46, each with the report's SHA-256, the batch and\n"
	"lot and the record it was read from (formats/cn-customs.md).  A report\n"
	"counts when the lab register (--labs, else the ledger's) finds its lab\n"
	"accredited for it on its issue date; an item with none is named on stderr,\n"
	"nothing is written and the exit code is 5.\n"
	"Of the fields concealed with 'sdx declare --conceal' (and those forwarded with\n"
	"--imported), every disclosure held travels, unless --disclose says which:\n"
	"a policy file naming the fields by JSON pointer (formats/disclosure.md),\n"
	"or 'none'.  The files a record cites stay behind when any of its held\n"
	"disclosures does, unless the policy sends them; the recipient's verify\n"
	"reports them as withheld.\n"
	"With --encrypt-to, the bundle is written as an age v1 file (C2SP age, X25519)\n"
	"that only those recipients can open: each an age recipient (age1...) or the\n"
	"verifier key of a ledger whose 'age-recipient' entry you imported ('sdx key\n"
	"age'); 'sdx verify' and 'sdx import' open it with their ledger's age key, and\n"
	"so does 'age -d' (formats/age.md).\n"
	"REF is an entry index or leaf-hash prefix.  The same ledger state and\n"
	"selection give the same bytes, apart from the manifest's creation time.",
	USAGE_ANY
};

#define MAX_PROVENANCE 16
#define MAX_ENCRYPT_TO 64

struct export_opts {
	struct where w;
	sdx_export_options eo;
	const char *prov[MAX_PROVENANCE];
	size_t nprov;
	const char *encrypt_to[MAX_ENCRYPT_TO];
	size_t nencrypt;
	const char *output;
	const char *epcis, *untp, *customs, *format, *labs, *disclose;
	int json, quiet;
};

/* Everything upstream of each --provenance REF, once each. */
static int provenance_leaves(struct export_opts *o, sdx_ledger *l, unsigned char (**out)[32])
{
	size_t n = 0;
	int err = provenance_union(out, &n, l, o->prov, o->nprov);

	if (err < 0)
		return cmd_fail(err);
	o->eo.leaves = (const unsigned char (*)[32])*out;
	o->eo.n_leaves = n;
	return 0;
}

/* --disclose: a policy file, or the words all and none (formats/disclosure.md). */
static int read_policy(sdx_disclose_policy **out, const char *arg)
{
	static const char all[] = "{\"format\":\"sdx-disclose/1\",\"disclose\":\"all\"}";
	static const char none[] = "{\"format\":\"sdx-disclose/1\",\"disclose\":\"none\"}";
	char *text = NULL;
	size_t len = 0;
	int rc, err;

	if (!strcmp(arg, "all") || !strcmp(arg, "none")) {
		const char *t = !strcmp(arg, "all") ? all : none;

		err = sdx_disclose_policy_parse(out, t, strlen(t), arg);
	} else {
		if ((rc = cmd_read_record(arg, &text, &len)) != 0)
			return rc;
		err = sdx_disclose_policy_parse(out, text, len, arg);
		free(text);
	}
	return err < 0 ? cmd_fail(err) : 0;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	sdx_bundle_stats st;
	struct progress prog;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	uint64_t *idx = NULL;
	unsigned char (*leaves)[32] = NULL, (*pk)[32] = NULL;
	sdx_disclose_policy *policy = NULL;
	int first, rc, err, i;

	memset(&o, 0, sizeof(o));
	o.eo = (sdx_export_options)SDX_EXPORT_OPTIONS_INIT;
	struct opt opts[] = {
		OPT_STRING('o', "output", &o.output, "FILE",
			   "the bundle to write, e.g. acme-2026-11.sdxb (required)"),
		OPT_STRING(0, "lot", &o.eo.lot, "LOT", "every declaration covering lot number LOT"),
		OPT_STRING(0, "since", &o.eo.since, "TIME",
			   "every entry signed at or after TIME (YYYY-MM-DDTHH:MM:SSZ)"),
		OPT_BOOL(0, "all", &o.eo.all, "every entry of the ledger"),
		OPT_BOOL(0, "imported", &o.eo.imported,
			 "also forward every imported entry, with the checkpoint and proof it came with"),
		OPT_STRING_LIST('p', "provenance", o.prov, &o.nprov, MAX_PROVENANCE, "REF",
				"a shipment or batch and everything upstream of it, from every "
				"ledger involved (repeatable)", "at most %zu --provenance"),
		OPT_STRING(0, "to", &o.eo.recipient, "RECIPIENT",
			   "the intended recipient, recorded in the signed manifest"),
		OPT_STRING(0, "disclose", &o.disclose, "POLICY",
			   "which held disclosures of concealed fields travel: a policy file, "
			   "all (the default) or none"),
		OPT_STRING_LIST(0, "encrypt-to", o.encrypt_to, &o.nencrypt, MAX_ENCRYPT_TO,
				"VKEY|AGE1", "write the bundle as an age file to this recipient: "
				"age1... or a verifier key whose age recipient you imported "
				"(repeatable)", "at most %zu --encrypt-to"),
		OPT_STRING(0, "epcis", &o.epcis, "REF",
			   "an EPCIS 2.0 JSON-LD document of REF and everything upstream of it"),
		OPT_STRING(0, "untp", &o.untp, "KIND",
			   "UNTP credentials about REF and upstream: dcc, dpp or dte"),
		OPT_STRING(0, "cn-customs", &o.customs, "SHIPMENT",
			   "China customs document lines for the accredited test reports of SHIPMENT"),
		OPT_STRING(0, "format", &o.format, "csv|json",
			   "with --cn-customs: the form to write (default: json for a FILE "
			   "ending in .json, else csv)"),
		OPT_STRING(0, "labs", &o.labs, "FILE",
			   "with --cn-customs: the lab accreditation register to judge reports by "
			   "(CSV or JSON; default: the registers stored in the ledger)"),
		OPT_BOOL(0, "json", &o.json, "print what was written as JSON"),
		OPT_BOOL('q', "quiet", &o.quiet, "no progress on stderr (shown only on a terminal)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (!o.output && o.customs)
		return cmd_error(EXIT_USAGE, "-o FILE is required: the CSV or JSON file to write");
	if (!o.output)
		return cmd_error(EXIT_USAGE, "-o FILE.sdxb is required");
	if (!!o.epcis + !!o.untp + !!o.customs > 1)
		return cmd_error(EXIT_USAGE, "--epcis, --untp and --cn-customs: give one");
	if ((o.format || o.labs) && !o.customs)
		return cmd_error(EXIT_USAGE, "%s is for --cn-customs", o.format ? "--format" : "--labs");
	if (o.customs && first < argc)
		return cmd_error(EXIT_USAGE, "--cn-customs exports one shipment: '%s' is one too many",
				 argv[first]);
	if (o.customs)
		return cmd_export_cn_customs(&o.w, o.customs, o.format, o.labs, o.output, o.json);
	if ((o.epcis && first < argc) || (o.untp && argc - first > 1))
		return cmd_error(EXIT_USAGE, "%s exports one record: '%s' is one too many",
				 o.epcis ? "--epcis" : "--untp", argv[o.epcis ? first : first + 1]);
	if ((o.epcis || o.untp) && o.disclose)
		return cmd_error(EXIT_USAGE, "--disclose writes bundles, not %s",
				 o.epcis ? "--epcis" : "--untp");
	if ((o.epcis || o.untp) && o.nencrypt)
		return cmd_error(EXIT_USAGE, "--encrypt-to writes bundles, not %s",
				 o.epcis ? "--epcis" : "--untp");
	if (o.epcis || o.untp)
		return cmd_export_interop(&o.w, o.epcis, o.untp, o.epcis ? o.epcis : argv[first],
					  o.output, o.json);
	if (first == argc && !o.eo.lot && !o.eo.since && !o.eo.all && !o.eo.imported && !o.nprov)
		return cmd_error(EXIT_USAGE, "nothing selected: give entries, --lot, --since, --all "
				 "or --imported");
	if (access(o.output, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists", o.output);
	if (o.disclose && (rc = read_policy(&policy, o.disclose)) != 0)
		return rc;
	o.eo.disclose = policy;
	if ((rc = resolve_and_open(&l, &o.w, 0)) != 0)
		goto done;
	if (argc > first && !(idx = calloc((size_t)(argc - first), sizeof(*idx)))) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	for (i = first; i < argc; i++)
		if ((err = sdx_record_resolve_own(&idx[i - first], l, argv[i], NULL)) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
	o.eo.indexes = idx;
	o.eo.n_indexes = (size_t)(argc - first);
	if (o.nprov && (rc = provenance_leaves(&o, l, &leaves)) != 0)
		goto done;
	if (o.nencrypt && !(pk = calloc(o.nencrypt, sizeof(*pk)))) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	for (size_t k = 0; k < o.nencrypt; k++)
		if ((rc = age_recipient_resolve(pk[k], l, o.encrypt_to[k])) != 0)
			goto done;
	if ((rc = load_key(&key, &o.w)) != 0)
		goto done;
	/* encrypted as it is written: the bundle never touches the disk in clear */
	o.eo.encrypt_to = (const unsigned char (*)[32])pk;
	o.eo.n_encrypt_to = o.nencrypt;
	progress_begin(&prog, "export", o.quiet);
	err = sdx_bundle_export(&st, l, key, &o.eo, o.output);
	progress_end(&prog);
	if (err < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.json)
		print_json(export_json(o.output, &st));
	else
		printf("wrote %s: %" PRIu64 " entries, %" PRIu64 " attachments (%" PRIu64 " bytes), "
		       "proofs to tree size %" PRIu64 ", %" PRIu64 " consistency proofs\n", o.output,
		       st.entries, st.attachments, st.attachment_bytes, st.tree_size, st.consistency);
	if (!o.json && (st.disclosures || st.withheld || st.withheld_attachments))
		printf("disclosed %" PRIu64 " concealed field%s, withheld %" PRIu64 " and %" PRIu64
		       " attachment%s\n", st.disclosures, st.disclosures == 1 ? "" : "s", st.withheld,
		       st.withheld_attachments, st.withheld_attachments == 1 ? "" : "s");
	if (o.nencrypt && !o.json)
		printf("encrypted %s to %zu age recipient%s\n", o.output, o.nencrypt,
		       o.nencrypt == 1 ? "" : "s");
	rc = EXIT_OK;
done:
	sdx_disclose_policy_free(policy);
	free(pk);
	free(leaves);
	free(idx);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}
