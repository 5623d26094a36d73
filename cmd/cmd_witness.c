/* cmd/cmd_witness.c - sdx witness: be a C2SP tlog-witness for other logs. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx witness key | add-log VKEY | list [--json] [-L LEDGER] [-k KEY]",
	"A ledger can witness other logs (C2SP tlog-witness, formats/witness.md): it\n"
	"cosigns a log's checkpoint only when a consistency proof shows it extends the\n"
	"last one it cosigned, so that no log can show two histories to two parties.\n"
	"key prints the witness's cosigner key (signature type 0x04, for the logs' and\n"
	"verifiers' policies: 'witness NAME VKEY URL'); add-log VKEY witnesses the log\n"
	"of that key (its name is the log's origin; a log is never removed); list shows\n"
	"the logs and the latest size cosigned.  'sdx serve --witness' answers\n"
	"POST /add-checkpoint; a log asks its witnesses with 'sdx checkpoint --policy'.",
	USAGE_ANY
};

struct witness_opts {
	struct where w;
	int json;
};

static int print_log(void *ctx, const char *origin, const char *vkey, uint64_t size)
{
	json_t *list = ctx;

	if (list)
		json_array_append_new(list, json_pack("{s:s, s:s, s:I}", "origin", origin, "vkey",
						      vkey, "cosigned_size", (json_int_t)size));
	else
		printf("%s%*s cosigned up to size %" PRIu64 "\n  %s\n", origin,
		       sdx_text_pad(origin, 40), "", size, vkey);
	return 0;
}

int cmd_witness(int argc, char **argv)
{
	struct witness_opts o;
	sdx_ledger *l = NULL;
	sdx_signer *key = NULL;
	sdx_cosigner *c = NULL;
	char *vkey = NULL;
	json_t *list = NULL;
	const char *verb;
	int first, rc, err = 0;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "json", &o.json, "list: print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (first >= argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	verb = argv[first];
	if (strcmp(verb, "add-log") == 0 ? first + 2 != argc :
	    (strcmp(verb, "key") == 0 || strcmp(verb, "list") == 0) ? first + 1 != argc : 1)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if ((rc = resolve_and_open(&l, &o.w, strcmp(verb, "add-log") == 0 ? 0 :
				   SDX_OPEN_READONLY)) != 0)
		return rc;
	if (strcmp(verb, "key") == 0) {
		/* the ledger's own key, under the type and key id of a cosigner */
		sdx_verifier *v = NULL;
		if ((err = sdx_ledger_verifier(&v, l)) >= 0 &&
		    (err = sdx_cosigner_from_verifier(&c, v)) >= 0 &&
		    (err = sdx_cosigner_format(&vkey, c)) >= 0)
			printf("%s\n", vkey);
		sdx_verifier_free(v);
	} else if (strcmp(verb, "add-log") == 0) {
		if ((err = sdx_witness_add_log(l, argv[first + 1])) >= 0)
			printf("witnessing %.*s\n", (int)strcspn(argv[first + 1], "+"),
			       argv[first + 1]);
	} else {
		list = o.json ? json_array() : NULL;
		if ((err = sdx_witness_foreach_log(l, print_log, list)) >= 0 && list) {
			print_json(list);
			list = NULL;
		}
	}
	rc = err < 0 ? cmd_fail(err) : EXIT_OK;
	json_decref(list);
	free(vkey);
	sdx_cosigner_free(c);
	sdx_signer_free(key);
	sdx_ledger_free(l);
	return rc;
}

int load_policy(sdx_policy **out, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc, err;

	*out = NULL;
	if ((rc = cmd_read_record(path, &text, &len)) != 0)
		return rc;
	err = sdx_policy_parse(out, text, len, path);
	free(text);
	return err < 0 ? cmd_fail(err) : 0;
}
