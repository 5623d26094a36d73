/* cmd/cmd_check.c - sdx check: judge a shipment, batch or declaration against a profile. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_PROFILES 16

static const struct usage use = {
	"sdx check --profile P [--profile P]... REF [--date D] [--json]\n"
	"   or: sdx check --profile P FILE.sdxb [--ref REF] [--trust VKEY]...\n"
	"   or: sdx check --list",
	"Evaluate a market's rules (a compliance profile, formats/profiles.md) over\n"
	"everything upstream of a shipment, batch or declaration: every rule against\n"
	"every supplier declaration and lot used (or every batch), each verdict with\n"
	"its reason - the values against the limit and the regulation, or what is\n"
	"missing: a claim, a lab test, an accredited or recent enough report.\n"
	"A withdrawn declaration fails; a superseded one is judged by its correction.\n"
	"Exit code: 0 all pass; 5 something fails; 6 nothing fails but something\n"
	"cannot be judged (unknown); 1-4 as for every command.",
	USAGE_ANY
};

struct check_opts {
	struct graph_src src;
	const char *profiles[MAX_PROFILES];
	size_t nprofiles;
	const char *date;
	int list, json, quiet;
};

static int list_profiles(void)
{
	const char *name;
	sdx_profile *p;
	size_t i;

	for (i = 0; (name = sdx_profile_builtin(i)); i++) {
		if (sdx_profile_load(&p, name) < 0)
			return cmd_fail(SDX_EFORMAT);
		printf("%-28s %s\n", name, sdx_profile_title(p));
		sdx_profile_free(p);
	}
	return 0;
}

static void print_report(const struct check_opts *o, const json_t *r)
{
	static const char *const tags[] = { "PASS", "UNKNOWN", "FAIL" };
	const json_t *x, *sub;
	size_t i;

	printf("%s\n  %s\n  subject: %s\n  judged at %s\n", json_str(r, "profile"), json_str(r, "title"),
	       json_str(json_object_get(r, "subject"), "label"), json_str(r, "date"));
	json_array_foreach(json_object_get(r, "results"), i, x) {
		const char *v = json_str(x, "verdict");
		int k = strcmp(v, "fail") == 0 ? 2 : strcmp(v, "unknown") == 0 ? 1 : 0;
		if (o->quiet && k == 0)
			continue;
		sub = json_object_get(x, "subject");
		printf("  %-7s %s", tags[k], json_str(x, "title"));
		printf(" - %s", json_str(sub, "label"));
		if (json_object_get(sub, "lot"))
			printf(", lot %s", json_str(sub, "lot"));
		if (json_object_get(sub, "via"))
			printf(" (in batch %s)", json_str(sub, "via"));
		printf("\n          %s\n          [%s; %s #%" JSON_INTEGER_FORMAT "]\n",
		       json_str(x, "reason"), json_str(x, "regulation"), json_str(sub, "origin"),
		       json_integer_value(json_object_get(sub, "index")));
	}
	x = json_object_get(r, "counts");
	if (json_array_size(json_object_get(r, "results")) == 0)
		printf("  no rule of this profile applies to these records\n");
	printf("  verdict: %s (%" JSON_INTEGER_FORMAT " pass, %" JSON_INTEGER_FORMAT " fail, %"
	       JSON_INTEGER_FORMAT " unknown)\n", json_str(r, "verdict"),
	       json_integer_value(json_object_get(x, "pass")),
	       json_integer_value(json_object_get(x, "fail")),
	       json_integer_value(json_object_get(x, "unknown")));
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	sdx_profile *profiles[MAX_PROFILES] = { NULL };
	sdx_graph *g = NULL;
	size_t *nodes = NULL, n = 0, i, k;
	json_t *all = NULL;
	int first, rc, err, worst = SDX_VERDICT_PASS, w;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING_LIST('p', "profile", o.profiles, &o.nprofiles, MAX_PROFILES, "NAME|FILE",
				"a shipped profile (see --list) or a profile file; repeatable",
				"at most %zu profiles"),
		OPT_STRING(0, "date", &o.date, "YYYY-MM-DD",
			   "judge evidence at this date (default: the ship date of a shipment, else today)"),
		OPT_BOOL(0, "list", &o.list, "list the profiles shipped with sdx"),
		OPT_BOOL(0, "json", &o.json, "print every verdict as JSON"),
		OPT_BOOL('q', "quiet", &o.quiet, "print only the verdict lines that are not pass"),
		GRAPH_OPTS(&o.src),
		WHERE_OPTS(&o.src.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		goto done;
	if (o.list) {
		rc = list_profiles();
		goto done;
	}
	if (!o.nprofiles || argc - first != 1) {
		rc = cmd_error(EXIT_USAGE, "give --profile P and one REF or FILE.sdxb; 'sdx check "
			       "--list' shows the profiles");
		goto done;
	}
	for (k = 0; k < o.nprofiles; k++)
		if ((err = sdx_profile_load(&profiles[k], o.profiles[k])) < 0) {
			rc = cmd_fail(err);
			goto done;
		}
	if ((rc = graph_open(&o.src, argv[first], &g, &nodes, &n)) != 0)
		goto done;
	all = json_array();
	for (i = 0; i < n; i++) {
		for (k = 0; k < o.nprofiles; k++) {
			char *text = NULL;
			json_t *r;
			if ((err = sdx_profile_check(&text, &w, g, nodes[i], profiles[k], o.date)) < 0) {
				rc = cmd_fail(err);
				goto done;
			}
			if (w > worst)
				worst = w;
			r = json_loads(text, 0, NULL);
			free(text);
			if (o.json) {
				json_array_append_new(all, r);
				continue;
			}
			if (i || k)
				printf("\n");
			print_report(&o, r);
			json_decref(r);
		}
	}
	if (o.json)
		print_json(json_incref(all));
	rc = worst == SDX_VERDICT_FAIL ? EXIT_CHECK_FAIL
	     : worst == SDX_VERDICT_UNKNOWN ? EXIT_CHECK_UNKNOWN : EXIT_OK;
done:
	json_decref(all);
	for (k = 0; k < MAX_PROFILES; k++)
		sdx_profile_free(profiles[k]);
	free(nodes);
	sdx_graph_free(g);
	graph_src_clear(&o.src);
	return rc == CMD_HELP_SHOWN ? 0 : rc;
}
