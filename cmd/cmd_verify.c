/* cmd/cmd_verify.c - sdx verify: audit the whole ledger. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "threads", 'j', "N", "signature-checking threads (default: every core)" },
	{ "json", 0, NULL, "print the report as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx verify [--threads N] [--json] [-L LEDGER]",
	"Audit the ledger from scratch: every entry's signature and payload, the\n"
	"sequence and hash chain, every stored Merkle tree hash, every checkpoint's\n"
	"signature and root, every attachment's content, and the append-only\n"
	"triggers.  Exit 0 if all holds; exit 1 naming the first bad entry, hash or\n"
	"checkpoint otherwise.  Needs no key and no passphrase.",
	opts
};

struct verify_opts {
	struct where w;
	unsigned long long threads;
	int json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct verify_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "threads") == 0) {
		if (parse_u64(arg, &o->threads, "--threads") != 0 || o->threads > 64)
			return cmd_error(EXIT_USAGE, "--threads must be between 0 and 64");
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	sdx_verify_options vo = SDX_VERIFY_OPTIONS_INIT;
	sdx_verify_report rep;
	struct verify_opts o;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first < argc)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s' (bundle verification is "
				 "not available yet)", argv[first]);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	vo.threads = (unsigned)o.threads;
	err = sdx_ledger_verify(l, &vo, &rep);
	if (o.json) {
		json_t *j = json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:i}",
				      "ledger", o.w.ledger, "origin", sdx_ledger_origin(l),
				      "ok", err == 0, "entries", (json_int_t)rep.entries,
				      "tree_hashes", (json_int_t)rep.nodes,
				      "checkpoints", (json_int_t)rep.checkpoints,
				      "attachments", (json_int_t)rep.attachments,
				      "attachment_bytes", (json_int_t)rep.attachment_bytes,
				      "threads", (int)rep.threads);
		if (err < 0) {
			json_object_set_new(j, "error", json_string(sdx_error_last()));
			if (rep.first_bad >= 0)
				json_object_set_new(j, "first_bad_entry", json_integer(rep.first_bad));
		}
		print_json(j);
	}
	if (err < 0) {
		rc = cmd_fail(err);
	} else {
		if (!o.json)
			printf("ok: %s (%s): %" PRIu64 " entries, %" PRIu64 " tree hashes, %" PRIu64
			       " checkpoints, %" PRIu64 " attachments (%" PRIu64 " bytes) verified "
			       "with %u threads\n", o.w.ledger, sdx_ledger_origin(l), rep.entries,
			       rep.nodes, rep.checkpoints, rep.attachments, rep.attachment_bytes,
			       rep.threads);
		rc = EXIT_OK;
	}
	sdx_ledger_free(l);
	return rc;
}
