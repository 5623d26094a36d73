/* cmd/cmd_publish.c - sdx publish: a static C2SP tlog-tiles directory. */
#include <inttypes.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/progress.h"

static const struct usage use = {
	"sdx publish DIR [--quiet] [--json] [-L LEDGER]",
	"Write the ledger, at its latest checkpoint, to DIR as a C2SP tlog-tiles log:\n"
	"DIR/checkpoint, DIR/tile/<L>/<N>[.p/<W>] hash tiles and DIR/tile/entries/<N>\n"
	"entry bundles.  Any static web server or object store can serve DIR; tlog\n"
	"clients and witnesses read it as they read any tiled log.  Re-running only\n"
	"writes what is new; the checkpoint file is replaced last.",
	USAGE_ONE
};

struct publish_opts {
	struct where w;
	int json, quiet;
};

int cmd_publish(int argc, char **argv)
{
	struct publish_opts o;
	sdx_publish_stats st;
	struct progress prog;
	sdx_ledger *l = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "json", &o.json, "print what was written as JSON"),
		OPT_BOOL('q', "quiet", &o.quiet, "no progress on stderr (shown only on a terminal)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	/* not read-only: the published checkpoint is synced to disk first */
	if ((rc = open_ledger(&l, &o.w, 0)) != 0)
		return rc;
	progress_begin(&prog, "publish", o.quiet);
	if ((err = sdx_ledger_sync(l)) >= 0)
		err = sdx_ledger_publish(&st, l, argv[first]);
	progress_end(&prog);
	if (err < 0) {
		rc = cmd_fail(err);
	} else {
		if (o.json)
			print_json(json_pack("{s:s, s:I, s:I, s:I}", "dir", argv[first],
					     "tree_size", (json_int_t)st.size,
					     "files_written", (json_int_t)st.tiles_written,
					     "tiles_kept", (json_int_t)st.tiles_kept));
		else
			printf("published %s at tree size %" PRIu64 ": %" PRIu64 " tiles written, %"
			       PRIu64 " already there\n", argv[first], st.size, st.tiles_written,
			       st.tiles_kept);
		rc = EXIT_OK;
	}
	sdx_ledger_free(l);
	return rc;
}
