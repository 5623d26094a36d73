/* cmd/cmd_show.c - sdx show: one entry. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx show REF [--raw | --json] [-L LEDGER]",
	"Print one entry.  REF is an entry index or at least 4 hex digits of its leaf\n"
	"hash.  --raw writes the signed bytes exactly as stored (what the Merkle leaf\n"
	"hashes), for checking with other tools.",
	USAGE_ONE
};

struct show_opts {
	struct where w;
	const char *party;
	int raw, json;
};

/* A header string of the payload, or what to print when it is not there. */
static const char *or_unreadable(const json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : "(not readable from the payload)";
}

int cmd_show(int argc, char **argv)
{
	struct show_opts o;
	sdx_ledger *l = NULL;
	sdx_entry *e = NULL;
	char *payload = NULL, hex[65];
	json_t *p = NULL, *a;
	size_t i;
	uint64_t index;
	size_t plen;
	int first, rc, err, sig_ok;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_BOOL(0, "raw", &o.raw, "write the exact entry bytes (the DSSE envelope) to stdout"),
		OPT_BOOL(0, "json", &o.json, "print index, hashes and the decoded payload as JSON"),
		OPT_STRING(0, "party", &o.party, "PARTY",
			   "an id names a record of this party: its ledger origin, name or SCHEME:ID"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_record_resolve_own(&index, l, argv[first], o.party)) < 0 ||
	    (err = sdx_ledger_entry(&e, l, index)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.raw) {
		rc = fwrite(e->data, 1, e->len, stdout) == e->len ? EXIT_OK
			: cmd_error(EXIT_ENV, "cannot write to stdout");
		goto done;
	}
	if (o.json) {
		if ((err = show_json(&p, l, e)) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		print_json(p);
		p = NULL;
		rc = EXIT_OK;
		goto done;
	}
	if ((err = sdx_entry_payload(&payload, &plen, e)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	p = json_loadb(payload, plen, 0, NULL);
	hex_hash(hex, e->leaf_hash);
	sig_ok = entry_signature_ok(l, e);
	printf("entry:     %" PRIu64 "\nleaf hash: %s\ntype:      %s\ntime:      %s\n",
	       e->index, hex, e->type, e->time);
	/* a damaged entry may have no readable payload: say so, never "(null)" */
	printf("signed by: %s (%s)\n", or_unreadable(json_object_get(p, "key")),
	       sig_ok ? "signature valid" : "SIGNATURE INVALID: run sdx verify");
	if (json_object_get(p, "prev_payload")) /* version 3 */
		printf("prev:      %s (SHA-256 of the payload before)\n",
		       or_unreadable(json_object_get(p, "prev_payload")));
	else
		printf("prev:      %s\n", or_unreadable(json_object_get(p, "prev")));
	/* version 2: the evidence the entry cites, from its signed header */
	json_array_foreach(json_object_get(p, "attachments"), i, a)
		printf("%s %s\n", i ? "          " : "evidence: ", json_string_value(a));
	/* concealed fields (formats/disclosure.md): the ledger's own decoys not counted */
	{
		sdx_disclosure_view v = { 0, 0 };
		char *revealed = NULL;

		if (p && sdx_ledger_entry_revealed(&revealed, NULL, &v, l, e->index) == 0 &&
		    v.disclosed + v.withheld > 0)
			printf("concealed: %zu field%s as salted digests, %zu disclosed by the "
			       "disclosures held here\n", v.disclosed + v.withheld,
			       v.disclosed + v.withheld == 1 ? "" : "s", v.disclosed);
		sdx_error_clear();
		free(revealed);
	}
	printf("body:%s\n", p ? "" : "      (the payload is not readable JSON)");
	if (p)
		print_json(json_incref(json_object_get(p, "body")));
	rc = EXIT_OK;
done:
	json_decref(p);
	free(payload);
	sdx_entry_free(e);
	sdx_ledger_free(l);
	return rc;
}
