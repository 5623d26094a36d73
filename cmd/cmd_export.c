/* cmd/cmd_export.c - sdx export: a signed bundle for a customer. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "output", 'o', "FILE", "the bundle to write, e.g. acme-2026-11.sdxb (required)" },
	{ "lot", 0, "LOT", "every declaration covering lot number LOT" },
	{ "since", 0, "TIME", "every entry signed at or after TIME (YYYY-MM-DDTHH:MM:SSZ)" },
	{ "all", 0, NULL, "every entry of the ledger" },
	{ "imported", 0, NULL, "also forward every imported entry, with the checkpoint and proof it came with" },
	{ "to", 0, "RECIPIENT", "the intended recipient, recorded in the signed manifest" },
	{ "json", 0, NULL, "print what was written as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx export [REF...] [--lot LOT] [--since TIME] [--all] [--imported] [--to RECIPIENT] -o FILE.sdxb",
	"Write a signed bundle (formats/bundle.md) of the selected entries with\n"
	"everything a recipient needs to check them offline: the ledger's signed\n"
	"checkpoint, an inclusion proof per entry, consistency proofs from earlier\n"
	"checkpoints, the cited evidence files and a manifest signed with your key.\n"
	"With --imported, the suppliers' entries you imported travel on too, each\n"
	"with its own ledger's checkpoint and proof: the recipient checks them against\n"
	"the suppliers' keys, not your word.\n"
	"REF is an entry index or leaf-hash prefix.  The same ledger state and\n"
	"selection give the same bytes, apart from the manifest's creation time.",
	opts
};

struct export_opts {
	struct where w;
	sdx_export_options eo;
	const char *output;
	int json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct export_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "output") == 0)
		o->output = arg;
	else if (strcmp(name, "lot") == 0)
		o->eo.lot = arg;
	else if (strcmp(name, "since") == 0)
		o->eo.since = arg;
	else if (strcmp(name, "all") == 0)
		o->eo.all = 1;
	else if (strcmp(name, "imported") == 0)
		o->eo.imported = 1;
	else if (strcmp(name, "to") == 0)
		o->eo.recipient = arg;
	else if (strcmp(name, "json") == 0)
		o->json = 1;
	return 0;
}

int cmd_export(int argc, char **argv)
{
	struct export_opts o;
	sdx_bundle_stats st;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	uint64_t *idx = NULL;
	int first, rc, err, i;

	memset(&o, 0, sizeof(o));
	o.eo = (sdx_export_options)SDX_EXPORT_OPTIONS_INIT;
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (!o.output)
		return cmd_error(EXIT_USAGE, "-o FILE.sdxb is required");
	if (first == argc && !o.eo.lot && !o.eo.since && !o.eo.all && !o.eo.imported)
		return cmd_error(EXIT_USAGE, "nothing selected: give entries, --lot, --since, --all "
				 "or --imported");
	if (access(o.output, F_OK) == 0)
		return cmd_error(EXIT_USAGE, "'%s' already exists", o.output);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, 0)) != 0)
		return rc;
	if (argc > first && !(idx = calloc((size_t)(argc - first), sizeof(*idx)))) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	for (i = first; i < argc; i++)
		if ((err = sdx_ledger_resolve(l, argv[i], &idx[i - first])) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
	o.eo.indexes = idx;
	o.eo.n_indexes = (size_t)(argc - first);
	if ((rc = load_key(&key, &o.w)) != 0)
		goto done;
	if ((err = sdx_bundle_export(l, key, &o.eo, o.output, &st)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.json)
		print_json(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I}", "bundle", o.output,
				     "entries", (json_int_t)st.entries,
				     "attachments", (json_int_t)st.attachments,
				     "attachment_bytes", (json_int_t)st.attachment_bytes,
				     "tree_size", (json_int_t)st.tree_size,
				     "consistency_proofs", (json_int_t)st.consistency));
	else
		printf("wrote %s: %" PRIu64 " entries, %" PRIu64 " attachments (%" PRIu64 " bytes), "
		       "proofs to tree size %" PRIu64 ", %" PRIu64 " consistency proofs\n", o.output,
		       st.entries, st.attachments, st.attachment_bytes, st.tree_size, st.consistency);
	rc = EXIT_OK;
done:
	free(idx);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}
