/* cmd/cmd_clearance.c - sdx clearance: record what customs answered about a shipment. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx clearance SHIPMENT --status STATUS [--declaration NO] [--time T] [--code CODE]\n"
	"              [--office OFFICE] [--reason TEXT] [--declarant NAME --declarant-id\n"
	"              SCHEME:ID... --declarant-country CC]",
	"Record what customs answered about a shipment's export declaration\n"
	"(formats/clearance.md): STATUS is submitted, green_code_issued (give the\n"
	"--code), manual_review, inspection, released or refused (give the --reason).\n"
	"SHIPMENT is its id, leaf hash or index, own or imported (a broker records\n"
	"for its client's shipment).  --declaration defaults to the shipment's\n"
	"customs_declaration, --time to now, the declarant to this ledger's party\n"
	"('sdx party set').  'sdx trace' shows the latest answer under the shipment,\n"
	"'sdx due' lists shipments still waiting for one.\n"
	"Example:\n"
	"  sdx clearance NBX-2611-0087 --status green_code_issued --code GC3104-2611-000871",
	USAGE_ANY
};

enum { DECL, STATUS, TIME, CODE, OFFICE, REASON, NAME, COUNTRY, SHIPMENT, N_FIELDS };
static const struct field_opt fields[N_FIELDS] = {
	{ "customs_declaration", "--declaration" }, { "status", "--status" }, { "time", "--time" },
	{ "green_clearance_code", "--code" }, { "office", "--office" }, { "reason", "--reason" },
	{ "declarant.name", "--declarant" }, { "declarant.country", "--declarant-country" },
	{ "shipment", "SHIPMENT" },
};

struct clearance_opts {
	struct where w;
	const char *f[N_FIELDS];
	const char *ids[PARTY_MAX_IDS];
	size_t nids;
	int dry_run, json;
};

/* What the options leave out, from the ledger: the shipment's leaf hash and
 * declaration number, the ledger's party.  Strings go into `keep`. */
struct defaults {
	char hex[65], declaration[65], now[21], ids[PARTY_MAX_IDS][60];
	sdx_party party;
};

static int fill_defaults(struct clearance_opts *o, struct defaults *d, const char *ref)
{
	sdx_ledger *l = NULL;
	sdx_found *f = NULL;
	json_t *p = NULL;
	const char *no;
	char *text = NULL;
	size_t len = 0;
	int rc, err;

	if ((rc = open_ledger(&l, &o->w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_record_find(&f, l, ref, NULL)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (strcmp(f->entry.type, "shipment") != 0) {
		rc = cmd_error(EXIT_USAGE, "'%s' is a %s, not a shipment", ref, f->entry.type);
		goto done;
	}
	hex_hash(d->hex, f->entry.leaf_hash);
	o->f[SHIPMENT] = d->hex;
	if (!o->f[DECL] && sdx_entry_payload(&text, &len, &f->entry) == 0 &&
	    (p = json_loadb(text, len, 0, NULL)) &&
	    (no = json_string_value(json_object_get(json_object_get(p, "body"),
						    "customs_declaration")))) {
		snprintf(d->declaration, sizeof(d->declaration), "%s", no);
		o->f[DECL] = d->declaration;
	}
	{
		const struct party_fill pf = { &o->f[NAME], &o->f[COUNTRY], o->ids, &o->nids };
		party_defaults(l, &pf, &d->party, d->ids);
	}
	if (!o->f[TIME]) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(d->now, sizeof(d->now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		o->f[TIME] = d->now;
	}
done:
	free(text);
	json_decref(p);
	sdx_found_free(f);
	sdx_ledger_free(l);
	return rc;
}

int cmd_clearance(int argc, char **argv)
{
	struct clearance_opts o;
	struct defaults *d = NULL;
	int first, rc;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "status", &o.f[STATUS], "STATUS", "submitted, green_code_issued, "
			   "manual_review, inspection, released or refused"),
		OPT_STRING(0, "declaration", &o.f[DECL], "NO",
			   "the customs declaration number (default: the shipment's)"),
		OPT_STRING(0, "time", &o.f[TIME], "YYYY-MM-DDTHH:MM:SSZ",
			   "when customs answered (default: now)"),
		OPT_STRING(0, "code", &o.f[CODE], "CODE", "the green clearance code customs issued"),
		OPT_STRING(0, "office", &o.f[OFFICE], "OFFICE",
			   "the customs office or port that answered (customs code or UN/LOCODE)"),
		OPT_STRING(0, "reason", &o.f[REASON], "TEXT",
			   "why customs refused, or what it reviews or inspects"),
		PARTY_OPTS("declarant", &o.f[NAME], o.ids, &o.nids, &o.f[COUNTRY],
			   "who records the answer: the exporter or its broker (default: this "
			   "ledger's party)"),
		OPT_BOOL('n', "dry-run", &o.dry_run, "print the record that would be signed; write nothing"),
		OPT_BOOL(0, "json", &o.json, "print the entry written as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (argc - first != 1)
		return cmd_error(EXIT_USAGE, "name one shipment; see 'sdx clearance --help'");
	where_resolve(&o.w);
	if (!(d = calloc(1, sizeof(*d))))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((rc = fill_defaults(&o, d, argv[first])) == 0) {
		const struct list_opt ids = { "declarant.identifiers", "--declarant-id", o.ids, o.nids };
		const struct built_record r = {
			"clearance", fields, o.f, N_FIELDS, &ids, 1, NULL, 0, NULL,
			"a clearance needs a shipment, --status, a declaration number (--declaration, or "
			"the shipment's) and a declarant (--declarant, --declarant-id, "
			"--declarant-country, or 'sdx party set'); see 'sdx clearance --help'"
		};
		rc = cmd_append_built(&o.w, &r, NULL, 0, o.dry_run, o.json);
	}
	free(d);
	return rc;
}
