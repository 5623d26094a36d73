/* cmd/cmd_check.c - sdx check: judge a shipment, batch or declaration against a profile. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_PROFILES 16

static const struct opt opts[] = {
	{ "profile", 'p', "NAME|FILE", "a shipped profile (see --list) or a profile file; "
	  "repeatable" },
	{ "date", 0, "YYYY-MM-DD", "judge evidence at this date (default: the ship date of a "
	  "shipment, else today)" },
	{ "list", 0, NULL, "list the profiles shipped with sdx" },
	{ "json", 0, NULL, "print every verdict as JSON" },
	{ "quiet", 'q', NULL, "print only the verdict lines that are not pass" },
	GRAPH_OPTS,
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

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
	opts
};

enum { EXIT_CHECK_FAIL = 5, EXIT_CHECK_UNKNOWN = 6 };

struct check_opts {
	struct graph_src src;
	const char *profiles[MAX_PROFILES];
	size_t nprofiles;
	const char *date;
	int list, json, quiet;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct check_opts *o = ctx;
	int rc = graph_option(&o->src, name, arg);

	if (rc >= 0)
		return rc;
	if (strcmp(name, "profile") == 0) {
		if (o->nprofiles == MAX_PROFILES)
			return cmd_error(EXIT_USAGE, "at most %d profiles", MAX_PROFILES);
		o->profiles[o->nprofiles++] = arg;
	} else if (strcmp(name, "date") == 0) {
		o->date = arg;
	} else if (strcmp(name, "list") == 0) {
		o->list = 1;
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	} else if (strcmp(name, "quiet") == 0) {
		o->quiet = 1;
	}
	return 0;
}

static const char *s_of(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

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

	printf("%s\n  %s\n  subject: %s\n  judged at %s\n", s_of(r, "profile"), s_of(r, "title"),
	       s_of(json_object_get(r, "subject"), "label"), s_of(r, "date"));
	json_array_foreach(json_object_get(r, "results"), i, x) {
		const char *v = s_of(x, "verdict");
		int k = strcmp(v, "fail") == 0 ? 2 : strcmp(v, "unknown") == 0 ? 1 : 0;
		if (o->quiet && k == 0)
			continue;
		sub = json_object_get(x, "subject");
		printf("  %-7s %s", tags[k], s_of(x, "title"));
		printf(" - %s", s_of(sub, "label"));
		if (json_object_get(sub, "lot"))
			printf(", lot %s", s_of(sub, "lot"));
		if (json_object_get(sub, "via"))
			printf(" (in batch %s)", s_of(sub, "via"));
		printf("\n          %s\n          [%s; %s #%" JSON_INTEGER_FORMAT "]\n",
		       s_of(x, "reason"), s_of(x, "regulation"), s_of(sub, "origin"),
		       json_integer_value(json_object_get(sub, "index")));
	}
	x = json_object_get(r, "counts");
	if (json_array_size(json_object_get(r, "results")) == 0)
		printf("  no rule of this profile applies to these records\n");
	printf("  verdict: %s (%" JSON_INTEGER_FORMAT " pass, %" JSON_INTEGER_FORMAT " fail, %"
	       JSON_INTEGER_FORMAT " unknown)\n", s_of(r, "verdict"),
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
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
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
