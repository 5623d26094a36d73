/* cmd/cmd_check.c - sdx check: judge a shipment, batch or declaration against a profile. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "formats/text/l10n.h"

#define MAX_PROFILES 16
#define MAX_LISTS 16

static const struct usage use = {
	"sdx check REF [--profile P]... [--date D] [--explain] [--json]\n"
	"   or: sdx check --draft FILE.json [--profile P]...\n"
	"   or: sdx check FILE.sdxb [--ref REF] [--trust VKEY]... [--profile P]...\n"
	"   or: sdx check --list",
	"Is this shipment (batch, declaration) eligible, under which rules, and if\n"
	"not, what exactly is missing?  With no --profile, every shipped profile is\n"
	"run and a matrix profile x verdict is printed with the worst reasons: N/A\n"
	"for a profile whose scope (destination, port, HS codes, dates) does not\n"
	"cover the subject; --profile narrows it and prints every verdict.  Each rule says whether it applies -\n"
	"not_applicable, with the reason, when the data puts the record out of its\n"
	"scope - and why it passes or fails: the values against the limit, or what is\n"
	"missing (a claim, a lab test, a report against the right standard version,\n"
	"its clauses, an accredited or recent enough report).  A programme (green\n"
	"clearance, a customs pilot) fails missing evidence: not eligible.\n"
	"A withdrawn declaration fails; a superseded one is judged by its correction.\n"
	"Exit code: 0 all pass (or not applicable); 5 something fails; 6 nothing\n"
	"fails but something cannot be judged (unknown); 1-4 as for every command.",
	USAGE_ANY
};

struct check_opts {
	struct graph_src src;
	const char *profiles[MAX_PROFILES];
	size_t nprofiles;
	const char *date, *labs, *draft, *lang;
	int list, json, quiet, explain;
};

static int list_profiles(void)
{
	const char *name;
	sdx_profile *p;
	size_t i;

	for (i = 0; (name = sdx_profile_builtin(i)); i++) {
		if (sdx_profile_load(&p, name) < 0)
			return cmd_fail(SDX_EFORMAT);
		printf("%s%*s %s\n", name, sdx_text_pad(name, 28), "", sdx_profile_title(p));
		sdx_profile_free(p);
	}
	return 0;
}

static const char *tag(const char *verdict)
{
	return strcmp(verdict, "fail") == 0 ? _("FAIL") : strcmp(verdict, "unknown") == 0
	       ? _("UNKNOWN") : strcmp(verdict, "not_applicable") == 0 ? _("N/A") : _("PASS");
}

/* A verdict word padded to 7 columns (Chinese characters are two wide). */
static void print_tag(const char *verdict)
{
	const char *t = tag(verdict);

	printf("  %s%*s ", t, sdx_text_pad(t, 7), "");
}

/* The verdict as a word, for "verdict: ..." (the JSON value in English). */
static const char *verdict_word(const char *v)
{
	return strcmp(v, "fail") == 0 ? _("fail") : strcmp(v, "unknown") == 0 ? _("unknown")
	       : strcmp(v, "not_applicable") == 0 ? _("not_applicable") : _("pass");
}

static void print_report(const struct check_opts *o, const json_t *r)
{
	const json_t *x, *sub, *scope = json_object_get(r, "scope");
	size_t i;

	printf(_("%s%s\n  %s\n  subject: %s\n  judged at %s\n"), json_str(r, "profile"),
	       strcmp(json_str(r, "kind"), "programme") == 0 ? _(" (programme)") : "",
	       json_str(r, "title"), json_str(json_object_get(r, "subject"), "label"),
	       json_str(r, "date"));
	if (strcmp(json_str(scope, "applies"), "in") != 0)
		printf(_("  scope: %s\n"), json_str(scope, "reason"));
	json_array_foreach(json_object_get(r, "results"), i, x) {
		const char *v = json_str(x, "verdict");
		if (o->quiet && (strcmp(v, "pass") == 0 || strcmp(v, "not_applicable") == 0))
			continue;
		sub = json_object_get(x, "subject");
		print_tag(v);
		printf("%s", json_str(x, "title"));
		printf(" - %s", json_str(sub, "label"));
		if (json_object_get(sub, "lot"))
			printf(_(", lot %s"), json_str(sub, "lot"));
		if (json_object_get(sub, "via"))
			printf(_(" (in batch %s)"), json_str(sub, "via"));
		printf("\n          %s\n          [%s; %s #%" JSON_INTEGER_FORMAT "]\n",
		       json_str(x, "reason"), json_str(x, "regulation"), json_str(sub, "origin"),
		       json_integer_value(json_object_get(sub, "index")));
	}
	x = json_object_get(r, "counts");
	if (json_array_size(json_object_get(r, "results")) == 0)
		printf("%s", _("  no rule of this profile applies to these records\n"));
	printf(_("  verdict: %s (%lld pass, %lld fail, %lld unknown"), verdict_word(json_str(r, "verdict")),
	       (long long)json_integer_value(json_object_get(x, "pass")),
	       (long long)json_integer_value(json_object_get(x, "fail")),
	       (long long)json_integer_value(json_object_get(x, "unknown")));
	if (json_integer_value(json_object_get(x, "not_applicable")))
		printf(_(", %lld not applicable"),
		       (long long)json_integer_value(json_object_get(x, "not_applicable")));
	printf(")\n");
}

/* The first result with this verdict, or NULL. */
static const json_t *first_result(const json_t *r, const char *verdict)
{
	const json_t *x;
	size_t i;

	json_array_foreach(json_object_get(r, "results"), i, x)
		if (strcmp(json_str(x, "verdict"), verdict) == 0)
			return x;
	return NULL;
}

/* One line per profile: its verdict and the worst reason (the matrix). */
static void print_matrix(const json_t *reports)
{
	const json_t *r, *x, *sub;
	size_t i;

	json_array_foreach(reports, i, r) {
		const char *v = json_str(r, "verdict"), *name = json_str(r, "profile");
		const json_t *scope = json_object_get(r, "scope");
		if (i == 0)
			printf(_("%s, judged at %s\n"), json_str(json_object_get(r, "subject"), "label"),
			       json_str(r, "date"));
		x = strcmp(v, "pass") == 0 ? NULL : first_result(r, v);
		sub = json_object_get(x, "subject");
		if (strcmp(v, "not_applicable") == 0 && *json_str(scope, "reason"))
			print_tag(v), printf("%s%*s %s\n", name, sdx_text_pad(name, 28), "",
					     json_str(scope, "reason"));
		else if (x)
			print_tag(v), printf("%s%*s %s%s%s%s\n", name, sdx_text_pad(name, 28), "",
			       json_object_get(sub, "lot") ? _("lot ") : "",
			       json_object_get(sub, "lot") ? json_str(sub, "lot") : "",
			       json_object_get(sub, "lot") ? ": " : "", json_str(x, "reason"));
		else
			print_tag(v), printf("%s\n", name);
	}
	printf("%s", _("  (sdx check --profile NAME REF for every verdict; --explain for every rule)\n"));
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	struct sdx_check_options copts;
	sdx_profile *profiles[MAX_PROFILES] = { NULL };
	sdx_graph *g = NULL;
	sdx_lab_register *labs = NULL;
	sdx_substance_list *lists[MAX_LISTS] = { NULL };
	size_t *nodes = NULL, n = 0, np = 0, nlists = 0, i, k;
	json_t *all = NULL, *mine = NULL;
	int first, rc, err, worst = SDX_VERDICT_NOT_APPLICABLE, w;

	memset(&o, 0, sizeof(o));
	memset(&copts, 0, sizeof(copts));
	struct opt opts[] = {
		OPT_STRING_LIST('p', "profile", o.profiles, &o.nprofiles, MAX_PROFILES, "NAME|FILE",
				"a shipped profile (see --list) or a profile file; repeatable "
				"(default: every shipped profile)", "at most %zu profiles"),
		OPT_STRING(0, "date", &o.date, "YYYY-MM-DD",
			   "judge evidence at this date (default: the ship date of a shipment, else today)"),
		OPT_STRING(0, "labs", &o.labs, "FILE",
			   "the lab accreditation register to verify reports by (CSV or JSON; "
			   "default: the registers 'sdx lab import' stored in the ledger)"),
		OPT_STRING(0, "draft", &o.draft, "FILE.json",
			   "judge this unsigned record (a declaration or batch before it is signed) "
			   "with what the ledger holds; nothing is written"),
		OPT_BOOL(0, "explain", &o.explain,
			 "print every rule of every profile: why it applies or not, and its verdict"),
		OPT_STRING(0, "lang", &o.lang, "zh-CN|en",
			   "the language of the verdict words, headings and reasons printed (default: "
			   "LANGUAGE, LC_ALL, LC_MESSAGES, LANG); --json stays English"),
		OPT_BOOL(0, "list", &o.list, "list the profiles shipped with sdx"),
		OPT_BOOL(0, "json", &o.json, "print every verdict as JSON"),
		OPT_BOOL('q', "quiet", &o.quiet,
			 "print only the verdict lines that are not pass or not applicable"),
		GRAPH_OPTS(&o.src),
		WHERE_OPTS(&o.src.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		goto done;
	if ((rc = cmd_lang(o.lang)) != 0 || (o.json && (rc = cmd_lang("en")) != 0))
		goto done;
	if (o.list) {
		rc = list_profiles();
		goto done;
	}
	if (argc - first != (o.draft ? 0 : 1)) {
		rc = cmd_error(EXIT_USAGE, o.draft ? "--draft FILE.json is the subject: give no REF" :
			       "give one REF or FILE.sdxb; 'sdx check --list' shows the profiles");
		goto done;
	}
	if ((rc = cmd_load_profiles(profiles, &np, o.profiles, o.nprofiles, MAX_PROFILES)) != 0)
		goto done;
	if ((rc = o.draft ? graph_open_draft(&o.src, o.draft, &g, &nodes, &n) :
		   graph_open(&o.src, argv[first], &g, &nodes, &n)) != 0)
		goto done;
	if ((rc = cmd_reference_data(&labs, lists, &nlists, MAX_LISTS, o.labs, &o.src)) != 0)
		goto done;
	copts.date = o.date;
	copts.labs = labs;
	copts.lists = (const sdx_substance_list *const *)lists;
	copts.nlists = nlists;
	all = json_array();
	for (i = 0; i < n; i++) {
		mine = json_array();
		for (k = 0; k < np; k++) {
			char *text = NULL;
			if ((err = sdx_profile_check(&text, &w, g, nodes[i], profiles[k], &copts)) < 0) {
				rc = cmd_fail(err);
				goto done;
			}
			worst = sdx_verdict_worse(worst, w);
			json_array_append_new(mine, json_loads(text, 0, NULL));
			free(text);
		}
		if (i && !o.json)
			printf("\n");
		if (o.json) {
			json_array_extend(all, mine);
		} else if (!o.nprofiles && !o.explain) {
			print_matrix(mine);
		} else {
			const json_t *r;
			json_array_foreach(mine, k, r) {
				if (k)
					printf("\n");
				print_report(&o, r);
			}
		}
		json_decref(mine);
		mine = NULL;
	}
	if (o.json)
		print_json(json_incref(all));
	rc = worst == SDX_VERDICT_FAIL ? EXIT_CHECK_FAIL
	     : worst == SDX_VERDICT_UNKNOWN ? EXIT_CHECK_UNKNOWN : EXIT_OK;
done:
	json_decref(mine);
	json_decref(all);
	for (k = 0; k < MAX_PROFILES; k++)
		sdx_profile_free(profiles[k]);
	free(nodes);
	sdx_lab_register_free(labs);
	for (k = 0; k < MAX_LISTS; k++)
		sdx_list_free(lists[k]);
	sdx_graph_free(g);
	graph_src_clear(&o.src);
	return rc == CMD_HELP_SHOWN ? 0 : rc;
}
