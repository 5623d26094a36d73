/* cmd/cmd_request.c - sdx request: ask a supplier for a declaration against profiles. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"

#define MAX_NAMES 100 /* the schema's maxItems */

static const struct usage use = {
	"sdx request --id REQ-ID --to NAME --to-id SCHEME:ID... --profile P...\n"
	"            [--rule ID]... [--lot LOT]... [--material TEXT]... --due DATE\n"
	"            [--supersedes REF] [--remarks TEXT]",
	"Sign a requirement request to a supplier (formats/request.md): declare\n"
	"against the profiles (or only the --rule ids of them) for the lots or\n"
	"materials named, by the due date.  A --profile is a name 'sdx check --list'\n"
	"shows, or a profile file: the request names it by the profile's name.\n"
	"The requester is this ledger's party ('sdx party set', role manufacturer)\n"
	"unless the --from options say otherwise.  Export the request to the\n"
	"supplier like any record; its declaration answers it by citing it ('sdx\n"
	"declare --answers REQ-ID', or \"answers\" in the file).  'sdx due' lists\n"
	"it on both sides until an answer signed by the supplier is held.\n"
	"Example:\n"
	"  sdx request --id REQ-2612-001 --profile reach-phthalates --due 2026-12-20 \\\n"
	"      --to 'Ningbo Haixing Polymer Materials Co., Ltd.' \\\n"
	"      --to-id USCI:91330206MA2H7K5Q3E --lot HX2610-0102",
	USAGE_ANY
};

enum { ID, FROM, FROM_COUNTRY, TO, TO_COUNTRY, DUE, ISSUED, SUPERSEDES, REMARKS, N_FIELDS };
static const struct field_opt fields[N_FIELDS] = {
	{ "request_id", "--id" }, { "requester.name", "--from" },
	{ "requester.country", "--from-country" }, { "supplier.name", "--to" },
	{ "supplier.country", "--to-country" }, { "due", "--due" }, { "issued", "--issued" },
	{ "supersedes", "--supersedes" }, { "remarks", "--remarks" },
};

enum { FROM_IDS, TO_IDS, PROFILES, RULES, LOTS, MATERIALS, N_LISTS };

struct request_opts {
	struct where w;
	const char *f[N_FIELDS];
	const char *from_ids[PARTY_MAX_IDS], *to_ids[PARTY_MAX_IDS];
	const char *profiles[MAX_NAMES], *rules[MAX_NAMES], *lots[MAX_NAMES],
		*materials[MAX_NAMES];
	size_t nfrom_ids, nto_ids, nprofiles, nrules, nlots, nmaterials;
	int dry_run, json;
};

/* What the options leave out: the requester (this ledger's party), the day
 * it is issued (today), a superseded request's leaf hash. */
struct defaults {
	char today[11], hex[65], ids[PARTY_MAX_IDS][60];
	sdx_party party;
	sdx_profile *profiles[MAX_NAMES]; /* each --profile, loaded: its name is written */
	size_t nprofiles;
};

/* Each --profile is a profile this sdx can load (a shipped name or a file);
 * the record names it by its name.  0 or an exit code. */
static int load_profiles(struct request_opts *o, struct defaults *d)
{
	int err;

	for (size_t i = 0; i < o->nprofiles; i++) {
		if ((err = sdx_profile_load(&d->profiles[i], o->profiles[i])) < 0)
			return cmd_fail(err);
		d->nprofiles++;
		o->profiles[i] = sdx_profile_name(d->profiles[i]);
	}
	return 0;
}

static int fill_defaults(struct request_opts *o, struct defaults *d)
{
	sdx_ledger *l = NULL;
	sdx_found *f = NULL;
	int rc, err;

	if ((rc = open_ledger(&l, &o->w, SDX_OPEN_READONLY)) != 0)
		return rc;
	{
		const struct party_fill pf = { &o->f[FROM], &o->f[FROM_COUNTRY], o->from_ids,
					       &o->nfrom_ids };
		party_defaults(l, &pf, &d->party, d->ids);
	}
	if (o->f[SUPERSEDES]) {
		if ((err = sdx_record_find(&f, l, o->f[SUPERSEDES], NULL)) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
		if (strcmp(f->entry.type, "request") != 0) {
			rc = cmd_error(EXIT_USAGE, "--supersedes: '%s' is a %s, not a request",
				       o->f[SUPERSEDES], f->entry.type);
			goto done;
		}
		hex_hash(d->hex, f->entry.leaf_hash);
		o->f[SUPERSEDES] = d->hex;
	}
	if (!o->f[ISSUED]) {
		time_t t = time(NULL);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(d->today, sizeof(d->today), "%Y-%m-%d", &tm);
		o->f[ISSUED] = d->today;
	}
done:
	sdx_found_free(f);
	sdx_ledger_free(l);
	return rc;
}

int cmd_request(int argc, char **argv)
{
	struct request_opts o;
	struct defaults *d = NULL;
	int first, rc;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "id", &o.f[ID], "REQ-ID", "the request's id, as people quote it"),
		PARTY_OPTS("to", &o.f[TO], o.to_ids, &o.nto_ids, &o.f[TO_COUNTRY],
			   "the supplier asked, as its declarations name it"),
		OPT_STRING_LIST(0, "profile", o.profiles, &o.nprofiles, MAX_NAMES, "P",
				"a profile the answer must meet ('sdx check --list', or a file); repeatable",
				"at most %zu --profile options"),
		OPT_STRING_LIST(0, "rule", o.rules, &o.nrules, MAX_NAMES, "ID",
				"only this rule of the profiles; repeatable",
				"at most %zu --rule options"),
		OPT_STRING_LIST(0, "lot", o.lots, &o.nlots, MAX_NAMES, "LOT",
				"a supplier lot the request is about; repeatable",
				"at most %zu --lot options"),
		OPT_STRING_LIST(0, "material", o.materials, &o.nmaterials, MAX_NAMES, "TEXT",
				"a material (description or class) it is about; repeatable",
				"at most %zu --material options"),
		OPT_STRING(0, "due", &o.f[DUE], "YYYY-MM-DD", "the day the answer is due"),
		OPT_STRING(0, "issued", &o.f[ISSUED], "YYYY-MM-DD", "the day it is made (default: today)"),
		OPT_STRING(0, "supersedes", &o.f[SUPERSEDES], "REF",
			   "an earlier request of this ledger it replaces (request id or REF)"),
		OPT_STRING(0, "remarks", &o.f[REMARKS], "TEXT", "free text for the supplier"),
		PARTY_OPTS("from", &o.f[FROM], o.from_ids, &o.nfrom_ids, &o.f[FROM_COUNTRY],
			   "who asks (default: this ledger's party)"),
		OPT_BOOL('n', "dry-run", &o.dry_run, "print the record that would be signed; write nothing"),
		OPT_BOOL(0, "json", &o.json, "print the entry written as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	if (argc != first)
		return cmd_error(EXIT_USAGE, "unexpected argument '%s'; see 'sdx request --help'",
				 argv[first]);
	where_resolve(&o.w);
	if (!(d = calloc(1, sizeof(*d))))
		return cmd_error(EXIT_ENV, "out of memory");
	if ((rc = load_profiles(&o, d)) == 0 && (rc = fill_defaults(&o, d)) == 0) {
		const struct list_opt lists[N_LISTS] = {
			{ "requester.identifiers", "--from-id", o.from_ids, o.nfrom_ids },
			{ "supplier.identifiers", "--to-id", o.to_ids, o.nto_ids },
			{ "profiles", "--profile", o.profiles, o.nprofiles },
			{ "rules", "--rule", o.rules, o.nrules },
			{ "lots", "--lot", o.lots, o.nlots },
			{ "materials", "--material", o.materials, o.nmaterials },
		};
		const struct built_record r = {
			"request", fields, o.f, N_FIELDS, lists, N_LISTS, NULL, 0, NULL,
			"a request needs --id, --to, --to-id, --profile, --due and a requester "
			"(--from, --from-id, or 'sdx party set'); see 'sdx request --help'"
		};
		rc = cmd_append_built(&o.w, &r, NULL, 0, o.dry_run, o.json);
	}
	for (size_t i = 0; i < d->nprofiles; i++)
		sdx_profile_free(d->profiles[i]);
	free(d);
	return rc;
}
