/* cmd/cmd_attachment.c - sdx attachment: get stored evidence back out. */
#include <string.h>

#include <sodium.h>

#include "cmd/cmd.h"

static const struct opt opts[] = {
	{ "output", 'o', "FILE", "where to write the attachment (must not exist)" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx attachment get SHA256 -o FILE [-L LEDGER]",
	"Write a stored evidence file (lab report, certificate), named by the SHA-256\n"
	"a declaration cites, to FILE.  Its content is what the hash says it is: sdx\n"
	"verify checks every attachment.",
	opts
};

struct att_opts {
	struct where w;
	const char *output;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct att_opts *o = ctx;

	if (where_option(&o->w, name, arg))
		return 0;
	if (strcmp(name, "output") == 0)
		o->output = arg;
	return 0;
}

int cmd_attachment(int argc, char **argv)
{
	struct att_opts o;
	unsigned char hash[32];
	sdx_ledger *l = NULL;
	size_t n;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 2 != argc || strcmp(argv[first], "get") != 0 || !o.output)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (strlen(argv[first + 1]) != 64 ||
	    sodium_hex2bin(hash, 32, argv[first + 1], 64, NULL, &n, NULL) != 0 || n != 32)
		return cmd_error(EXIT_USAGE, "'%s' is not a SHA-256 (64 hex digits)", argv[first + 1]);
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	err = sdx_ledger_export_attachment(l, hash, o.output);
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	sdx_ledger_free(l);
	return rc;
}
