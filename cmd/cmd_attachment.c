/* cmd/cmd_attachment.c - sdx attachment: store evidence, or get it back out. */
#include <inttypes.h>
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx attachment add FILE... [-L LEDGER]\n"
	"   or: sdx attachment get SHA256 -o FILE [-L LEDGER]",
	"add: store evidence files (lab reports, certificates; any size, streamed in\n"
	"1 MiB chunks) and print the SHA-256 a declaration cites them by, in its\n"
	"evidence[].attachment.sha256.  Storing the same content again does nothing.\n"
	"get: write a stored file, named by that SHA-256, to FILE.  Its content is\n"
	"what the hash says it is: sdx verify checks every attachment.",
	USAGE_ANY
};

struct att_opts {
	struct where w;
	const char *output;
};

/* All files in one transaction: all are stored, or none. */
static int add(struct att_opts *o, int n, char **files)
{
	unsigned char hash[32];
	char hex[65];
	sdx_ledger *l = NULL;
	uint64_t size;
	int i, rc, err;

	where_resolve(&o->w);
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		return rc;
	if ((err = sdx_ledger_begin(l)) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((err = sdx_ledger_attach_file(hash, &size, l, files[i])) < 0)
			goto fail;
		hex_hash(hex, hash);
		printf("%s  %s (%" PRIu64 " bytes)\n", hex, files[i], size);
	}
	if ((err = sdx_ledger_commit(l)) < 0)
		goto fail;
	sdx_ledger_free(l);
	return EXIT_OK;
fail:
	sdx_ledger_rollback(l);
	rc = cmd_fail(err);
	sdx_ledger_free(l);
	return rc;
}

int cmd_attachment(int argc, char **argv)
{
	struct att_opts o;
	unsigned char hash[32];
	sdx_ledger *l = NULL;
	size_t n;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING('o', "output", &o.output, "FILE", "where to write the attachment (must not exist)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 2 <= argc && strcmp(argv[first], "add") == 0)
		return add(&o, argc - first - 1, argv + first + 1);
	if (first + 2 != argc || strcmp(argv[first], "get") != 0 || !o.output)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (strlen(argv[first + 1]) != 64 ||
	    sodium_hex2bin(hash, 32, argv[first + 1], 64, NULL, &n, NULL) != 0 || n != 32)
		return cmd_error(EXIT_USAGE, "'%s' is not a SHA-256 (64 hex digits)", argv[first + 1]);
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	err = sdx_ledger_export_attachment(l, hash, o.output);
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	sdx_ledger_free(l);
	return rc;
}
