/* cmd/cmd_log.c - sdx log: list entries. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx log [--type TYPE] [--from N] [--limit N] [--json] [-L LEDGER]",
	"List the ledger's entries, oldest first: index, time, type, leaf hash and a\n"
	"one-line summary of the record.  Use 'sdx show INDEX' for the full record.",
	USAGE_NONE
};

struct log_opts {
	struct where w;
	const char *type;
	uint64_t from, limit, shown;
	int json;
};

static int show_one(void *ctx, const sdx_entry *e)
{
	struct log_opts *o = ctx;
	char *payload = NULL, hex[65], summary[300];
	json_t *j = NULL;
	size_t plen;
	int err;

	if (o->type && strcmp(o->type, e->type) != 0)
		return 0;
	if (o->limit && o->shown >= o->limit)
		return 1;
	o->shown++;
	if (o->json) {
		char *s;
		if ((err = log_entry_json(&j, e)) < 0)
			return err;
		if ((s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)))
			puts(s);
		free(s);
		json_decref(j);
		return 0;
	}
	if ((err = sdx_entry_payload(&payload, &plen, e)) < 0)
		return err;
	hex_hash(hex, e->leaf_hash);
	sdx_record_summary(summary, sizeof(summary), e->type, payload, plen);
	printf("%6" PRIu64 "  %s  %-12s %.16s  %s\n", e->index, e->time, e->type, hex, summary);
	free(payload);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	struct log_opts o;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING('t', "type", &o.type, "TYPE", "only entries of this record type"),
		OPT_U64(0, "from", &o.from, "N", "start at entry N"),
		OPT_U64('n', "limit", &o.limit, "N", "at most N entries"),
		OPT_BOOL(0, "json", &o.json, "one JSON object per line (JSON Lines)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	err = sdx_ledger_foreach(l, o.from, UINT64_MAX, show_one, &o);
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	sdx_ledger_free(l);
	return rc;
}
