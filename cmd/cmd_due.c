/* cmd/cmd_due.c - sdx due: what expires soon, or has expired, and what leans on it. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"

#define MAX_PROFILES 16

static const struct usage use = {
	"sdx due [--within DAYS] [--date YYYY-MM-DD] [--profile P]... [--labs FILE] [--json]",
	"What falls due within the window (default 30 days from today): supplier\n"
	"declarations by their valid_until, test reports by theirs and by each\n"
	"profile's evidence-age rule (a report at most 90 days old at the ship date\n"
	"ages out at issue date + 90 days), and the lab accreditations reports name\n"
	"(by the lab register: 'sdx lab import', or --labs).  Grouped by the party\n"
	"that issued each record, each with the batches and shipments that depend\n"
	"on it (open: not shipped yet).  Withdrawn and superseded declarations are\n"
	"no one's evidence and are left out.  Shipments whose latest clearance\n"
	"record ('sdx clearance') is not released or refused are listed as waiting.\n"
	"Exit code: 0 nothing due; 6 something falls due within the window; 5\n"
	"something has expired already (overdue), so a cron job can alert.",
	USAGE_ANY
};

struct due_opts {
	struct where w;
	const char *within, *date, *labs;
	const char *profiles[MAX_PROFILES];
	size_t nprofiles;
	int json;
};

/* "30", "30d", "6w": days; 0 and an error message if not. */
static int parse_within(unsigned *out, const char *s)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (end == s || n > 3660)
		return -1;
	if (*end == 'w' && !end[1])
		n *= 7;
	else if (*end && !(*end == 'd' && !end[1]))
		return -1;
	*out = (unsigned)n;
	return 0;
}

static void print_dependents(const json_t *deps)
{
	const json_t *x;
	size_t i, shipped = 0;

	json_array_foreach(deps, i, x) {
		const json_t *open = json_object_get(x, "open");
		if (open && !json_is_true(open)) {
			shipped++;
			continue;
		}
		printf("       %s %s%s%s\n", i ? "   " : "<-", json_str(x, "label"),
		       open ? ", ships " : "", open ? json_str(x, "ship_date") : "");
	}
	if (shipped)
		printf("       (and %zu shipment%s already shipped)\n", shipped,
		       shipped == 1 ? "" : "s");
}

static void print_items(const json_t *r)
{
	const json_t *items = json_object_get(r, "items"), *x;
	const char *party = NULL;
	size_t i, expired = 0;

	json_array_foreach(items, i, x)
		expired += strcmp(json_str(x, "status"), "expired") == 0 ||
			   strcmp(json_str(x, "status"), "overdue") == 0;
	/* shipments waiting for customs count as falling due */
	json_int_t within = json_integer_value(json_object_get(r, "within_days"));

	printf("due by %s (%" JSON_INTEGER_FORMAT " day%s from %s): %zu expired, %zu falling due\n",
	       json_str(r, "until"), within, within == 1 ? "" : "s", json_str(r, "date"), expired,
	       json_array_size(items) - expired);
	json_array_foreach(items, i, x) {
		json_int_t days = json_integer_value(json_object_get(x, "days"));
		const json_t *rec = json_object_get(x, "record");
		if (!party || strcmp(party, json_str(x, "party")) != 0) {
			party = json_str(x, "party");
			printf("\n%s\n", party);
		}
		if (strcmp(json_str(x, "status"), "waiting") == 0)
			printf("  %-7s %s  %s\n", "WAITING", json_str(x, "date"), json_str(x, "text"));
		else
			printf("  %-7s %s (%s%" JSON_INTEGER_FORMAT " day%s%s)  %s\n",
			       days >= 0 ? "DUE" : strcmp(json_str(x, "status"), "overdue") == 0
			       ? "OVERDUE" : "EXPIRED", json_str(x, "date"), days < 0 ? "" : "in ",
			       days < 0 ? -days : days, (days == 1 || days == -1) ? "" : "s",
			       days < 0 ? " ago" : "", json_str(x, "text"));
		printf("       %s, entry %.16s (%s #%" JSON_INTEGER_FORMAT ")\n", json_str(rec, "label"),
		       json_str(rec, "ref"), json_str(rec, "origin"),
		       json_integer_value(json_object_get(rec, "index")));
		print_dependents(json_object_get(x, "dependents"));
	}
}

/* The lab registers: --labs, else those the ledger holds. */
static int read_labs(sdx_lab_register **out, const struct due_opts *o, sdx_ledger *l)
{
	return o->labs ? sdx_lab_register_read(out, o->labs) : sdx_lab_register_from_ledger(out, l);
}

int cmd_due(int argc, char **argv)
{
	struct due_opts o;
	struct sdx_due_options d;
	sdx_profile *profiles[MAX_PROFILES] = { NULL };
	sdx_lab_register *labs = NULL;
	sdx_ledger *l = NULL;
	sdx_graph *g = NULL;
	char *text = NULL;
	size_t np = 0, i;
	int first, rc, err, worst = 0;

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	struct opt opts[] = {
		OPT_STRING(0, "within", &o.within, "DAYS",
			   "the window: N days (30, 30d) or weeks (6w) from the date (default 30)"),
		OPT_STRING(0, "date", &o.date, "YYYY-MM-DD", "count from this day (default: today, UTC)"),
		OPT_STRING_LIST('p', "profile", o.profiles, &o.nprofiles, MAX_PROFILES, "NAME|FILE",
				"whose evidence-age rules to apply; repeatable (default: every "
				"shipped profile)", "at most %zu profiles"),
		OPT_STRING(0, "labs", &o.labs, "FILE",
			   "the lab accreditation register (default: the ledger's registers)"),
		OPT_BOOL(0, "json", &o.json, "print the items as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		goto done;
	if (first != argc) {
		rc = cmd_error(EXIT_USAGE, "sdx due takes no arguments; see 'sdx due --help'");
		goto done;
	}
	d.within_days = 30;
	if (o.within && parse_within(&d.within_days, o.within) < 0) {
		rc = cmd_error(EXIT_USAGE, "--within '%s': expected a number of days (30, 30d) or "
			       "weeks (6w), at most 3660 days", o.within);
		goto done;
	}
	if ((rc = cmd_load_profiles(profiles, &np, o.profiles, o.nprofiles, MAX_PROFILES)) != 0)
		goto done;
	where_resolve(&o.w);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		goto done;
	if ((err = read_labs(&labs, &o, l)) < 0 || (err = sdx_graph_from_ledger(&g, l)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	d.date = o.date;
	d.profiles = (const sdx_profile *const *)profiles;
	d.nprofiles = np;
	d.labs = labs;
	if ((err = sdx_graph_due(&text, &worst, g, &d)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (o.json) {
		print_json(json_loads(text, 0, NULL));
	} else {
		json_t *r = json_loads(text, 0, NULL);
		print_items(r);
		json_decref(r);
	}
	rc = worst == 2 ? EXIT_CHECK_FAIL : worst == 1 ? EXIT_CHECK_UNKNOWN : 0;
done:
	free(text);
	sdx_graph_free(g);
	sdx_lab_register_free(labs);
	for (i = 0; i < np; i++)
		sdx_profile_free(profiles[i]);
	sdx_ledger_free(l);
	return rc == CMD_HELP_SHOWN ? 0 : rc;
}
