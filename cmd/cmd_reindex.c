/* cmd/cmd_reindex.c - sdx reindex: build the ledger's graph index again from its entries. */
#include <inttypes.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx reindex [--json] [-L LEDGER]",
	"Drop the graph index (the records, ids and links trace, where-used, check and\n"
	"export --provenance read; formats/ledger.md, \"Indexes\") and build it again\n"
	"from the entries, in one transaction.  It is derived data, kept with every\n"
	"append and import: rebuild it when 'sdx verify' finds it damaged, or after an\n"
	"older sdx wrote to the ledger.  Needs no key.",
	USAGE_NONE
};

struct reindex_opts {
	struct where w;
	int json;
};

int cmd_reindex(int argc, char **argv)
{
	struct reindex_opts o;
	sdx_reindex_stats st;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "json", &o.json, "print what was indexed as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if ((rc = resolve_and_open(&l, &o.w, 0)) != 0)
		return rc;
	if ((err = sdx_ledger_reindex(&st, l)) < 0) {
		rc = cmd_fail(err);
	} else if (o.json) {
		print_json(json_pack("{s:s, s:I, s:I, s:I}", "ledger", o.w.ledger, "records",
				     (json_int_t)st.records, "ids", (json_int_t)st.ids, "edges",
				     (json_int_t)st.edges));
	} else {
		printf("reindexed %s: %" PRIu64 " records, %" PRIu64 " ids, %" PRIu64 " links\n",
		       o.w.ledger, st.records, st.ids, st.edges);
	}
	sdx_ledger_free(l);
	return rc;
}
