/* cmd/cmd_party.c - sdx party: the party this ledger's records are signed for. */
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx party set --name NAME --role ROLE... [--id SCHEME:ID]... [--country CC]\n"
	"   or: sdx party show [--json]",
	"Say who this ledger speaks for: the party its own records name (a declaration's\n"
	"supplier, a batch's manufacturer, a shipment's exporter), with the identifiers\n"
	"its records carry and the roles it signs for.  trace, check and verify compare\n"
	"it with each own record, as they compare a trusted key's binding ('sdx trust\n"
	"add --name') with what that key signed, and show each record as signed by the\n"
	"party it names or restated (formats/trust.md).  Set it once after 'sdx init';\n"
	"'set' again replaces it.  Local policy: stored in the ledger file, not signed.",
	USAGE_ANY
};

struct party_cmd_opts {
	struct where w;
	struct binding_opts party;
	int json;
};

static int show(sdx_ledger *l, int json)
{
	sdx_party p;
	int rc;

	if ((rc = sdx_ledger_party(&p, l)) < 0)
		return cmd_fail(rc);
	if (json) {
		if (rc)
			print_json(party_to_json(&p));
		else
			printf("null\n"); /* no party: JSON null, as trust list --json says it */
		return EXIT_OK;
	}
	if (rc)
		party_print(&p, "");
	else
		printf("party:       not set (own records are unbound: 'sdx party set')\n");
	return EXIT_OK;
}

int cmd_party(int argc, char **argv)
{
	struct party_cmd_opts o;
	sdx_ledger *l = NULL;
	sdx_party p;
	int first, rc, err, set;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		BINDING_OPTS(&o.party, "set: this ledger's party:"),
		OPT_BOOL(0, "json", &o.json, "show: print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first + 1 != argc || (strcmp(argv[first], "set") != 0 && strcmp(argv[first], "show") != 0))
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	set = strcmp(argv[first], "set") == 0;
	if (!set && binding_opts_given(&o.party))
		return cmd_error(EXIT_USAGE, "--name, --id, --country and --role are for party set");
	if (set && (rc = binding_from_opts(&p, &o.party, "party set")) != 0)
		return rc;
	if ((rc = resolve_and_open(&l, &o.w, set ? 0 : SDX_OPEN_READONLY)) != 0)
		return rc;
	if (!set) {
		rc = show(l, o.json);
	} else if ((err = sdx_ledger_party_set(l, &p)) < 0) {
		rc = cmd_fail(err);
	} else {
		printf("%s speaks for %s\n", sdx_ledger_origin(l), p.name);
		party_print(&p, "");
		rc = EXIT_OK;
	}
	sdx_ledger_free(l);
	return rc;
}
