/* cmd/cmd_prove.c - sdx prove: inclusion and consistency proofs. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx prove REF [--json | --tlog-proof] [-L LEDGER]\n"
	"   or: sdx prove --from M [--to N] [--json] [-L LEDGER]",
	"Print an RFC 6962 inclusion proof of entry REF (an index or leaf-hash prefix)\n"
	"against the latest signed checkpoint, or a consistency proof between two tree\n"
	"sizes, with the checkpoint it leads to.  Anyone holding the checkpoint can check\n"
	"the proof offline.  --tlog-proof prints it as a C2SP tlog-proof@v1 (the index,\n"
	"the hashes, the checkpoint with its witnesses' cosignatures), which any C2SP\n"
	"verifier checks against the entry's bytes ('sdx show REF --raw') and a policy:\n"
	"'sdx verify FILE.tlog-proof --entry FILE --policy FILE' (formats/witness.md).",
	USAGE_ANY
};

/* A number option, and whether it was given. */
struct given_u64 {
	uint64_t n;
	int given;
};

struct prove_opts {
	struct where w;
	struct given_u64 from, to;
	int json, tlog_proof;
};

static int given_option(const struct opt *opt, const char *arg)
{
	struct given_u64 *v = opt->value;
	char what[32];

	snprintf(what, sizeof(what), "--%s", opt->long_name);
	v->given = 1;
	return parse_u64(arg, &v->n, what);
}

static void print_text(json_t *j)
{
	const char *k;
	json_t *v;

	json_object_foreach(j, k, v) {
		if (json_is_array(v)) {
			size_t i;
			json_t *h;
			printf("%s:\n", k);
			json_array_foreach(v, i, h)
				printf("  %s\n", json_string_value(h));
		} else if (json_is_integer(v)) {
			printf("%s: %" JSON_INTEGER_FORMAT "\n", k, json_integer_value(v));
		} else if (strcmp(k, "checkpoint") == 0) {
			printf("checkpoint:\n%s", json_string_value(v));
		} else {
			printf("%s: %s\n", k, json_string_value(v));
		}
	}
}

int cmd_prove(int argc, char **argv)
{
	struct prove_opts o;
	sdx_ledger *l = NULL;
	json_t *j = NULL;
	int first, rc, err;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_CALLBACK(0, "from", &o.from, "M", "consistency proof from tree size M", given_option),
		OPT_CALLBACK(0, "to", &o.to, "N", "... to tree size N (default: the latest checkpoint)",
			     given_option),
		OPT_BOOL(0, "json", &o.json, "print the proof as JSON (hashes in standard base64)"),
		OPT_BOOL(0, "tlog-proof", &o.tlog_proof, "print the inclusion proof as a C2SP "
			 "tlog-proof@v1 (.tlog-proof)"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (o.from.given ? first != argc : first + 1 != argc)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if (o.to.given && !o.from.given)
		return cmd_error(EXIT_USAGE, "--to goes with --from");
	if (o.tlog_proof && (o.json || o.from.given))
		return cmd_error(EXIT_USAGE, "--tlog-proof is an inclusion proof, printed as text: "
				 "not with --json or --from");
	if ((rc = resolve_and_open(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if (o.tlog_proof) {
		uint64_t index;
		char *text = NULL;
		size_t len = 0;
		if ((err = sdx_record_resolve_own(&index, l, argv[first], NULL)) < 0 ||
		    (err = sdx_tlog_proof(&text, &len, l, index)) < 0)
			goto fail;
		fwrite(text, 1, len, stdout);
		free(text);
		rc = EXIT_OK;
		goto done;
	}
	if (o.from.given)
		err = prove_consistency_json(&j, l, o.from.n, o.to.given, o.to.n);
	else
		err = prove_inclusion_json(&j, l, argv[first]);
	if (err < 0)
		goto fail;
	if (!j) {
		rc = cmd_error(EXIT_ENV, "out of memory");
		goto done;
	}
	if (o.json) {
		print_json(j);
		j = NULL;
	} else {
		print_text(j);
	}
	rc = EXIT_OK;
	goto done;
fail:
	rc = cmd_fail(err);
done:
	json_decref(j);
	sdx_ledger_free(l);
	return rc;
}
