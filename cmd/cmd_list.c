/* cmd/cmd_list.c - sdx list: substance lists users keep current (import, show, diff). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx list import NAME FILE.csv [--date YYYY-MM-DD]\n"
	"   or: sdx list [ls] [--json]\n"
	"   or: sdx list show NAME [--version N] [--json]\n"
	"   or: sdx list diff NAME [--from N] [--to N] [--json]",
	"Substance lists as data you keep current (formats/lists.md): the REACH SVHC\n"
	"candidate list as ECHA publishes it (import it as 'reach-svhc' for the\n"
	"profile reach-svhc-article33), or a customer's restricted substance list.\n"
	"import reads a CSV (columns name and cas, or ECHA's 'Substance name' and\n"
	"'CAS No.'; optionally ec, added, reason; every CAS check digit is verified)\n"
	"and stores it as the next version of NAME, with the list's date (--date, or\n"
	"the latest date of inclusion it holds); the same content again stores\n"
	"nothing.  diff shows what a version added (default: the newest against the\n"
	"one before) and which current declarations in the ledger measure an added\n"
	"substance, by lot; and what it removed.  Lists are local reference data,\n"
	"like trusted keys: not signed, never exported.",
	USAGE_ANY
};

struct list_opts {
	struct where w;
	const char *date;
	uint64_t version, from, to;
	int json;
};

static int do_import(const struct list_opts *o, const char *name, const char *path)
{
	sdx_substance_list *s = NULL;
	sdx_register_info info;
	sdx_ledger *l = NULL;
	size_t i, nocas = 0;
	char hex[65];
	int rc, err;

	if ((err = sdx_list_read(&s, path, o->date)) < 0)
		return cmd_fail(err);
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		goto done;
	if ((err = sdx_list_store(&info, l, s, name)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	for (i = 0; i < sdx_list_count(s); i++)
		nocas += sdx_list_entry(s, i)->ncas == 0;
	hex_hash(hex, info.source_sha256);
	printf("%s list '%s' version %" PRIu64 " of %s: %zu substance%s", err == 1 ? "unchanged:" :
	       "stored", name, info.version, sdx_list_date(s), sdx_list_count(s),
	       sdx_list_count(s) == 1 ? "" : "s");
	if (nocas)
		printf(" (%zu without a CAS number: no record can match them)", nocas);
	printf(", sha256 %s\n", hex);
done:
	sdx_list_free(s);
	sdx_ledger_free(l);
	return rc;
}

static int print_version(void *ctx, const sdx_register_info *info)
{
	json_t *all = ctx;
	char hex[65];

	hex_hash(hex, info->source_sha256);
	if (all) {
		json_array_append_new(all, json_pack("{s:s, s:I, s:s, s:s, s:b}", "name", info->name,
						     "version", (json_int_t)info->version, "imported",
						     info->imported, "source_sha256", hex, "latest",
						     info->latest));
		return 0;
	}
	printf("%s%*s version %" PRIu64 "%s, imported %s, sha256 %.16s\n", info->name,
	       sdx_text_pad(info->name, 24), "", info->version, info->latest ? " (newest)" : "", info->imported, hex);
	return 0;
}

static int do_ls(const struct list_opts *o, sdx_ledger *l)
{
	json_t *all = o->json ? json_array() : NULL;
	int err = sdx_ledger_register_list(l, SDX_LIST_REGISTER_KIND, print_version, all);

	if (err < 0) {
		json_decref(all);
		return cmd_fail(err);
	}
	if (all)
		print_json(all);
	return 0;
}

static void print_entry(const sdx_listed_substance *e, const char *indent)
{
	size_t k;

	printf("%s%s", indent, e->name);
	for (k = 0; k < e->ncas; k++)
		printf("%s%s", k ? ", " : " (CAS ", e->cas[k]);
	printf("%s%s%s\n", e->ncas ? ")" : "", e->added ? ", listed " : "", e->added ? e->added : "");
}

static int do_show(const struct list_opts *o, sdx_ledger *l, const char *name)
{
	sdx_substance_list *s = NULL;
	size_t i;
	int err;

	if ((err = sdx_list_from_ledger(&s, l, name, o->version)) < 0)
		return cmd_fail(err);
	if (o->json) {
		char *text = NULL;
		if ((err = sdx_list_json(&text, s)) < 0) {
			sdx_list_free(s);
			return cmd_fail(err);
		}
		print_json(json_loads(text, 0, NULL));
		free(text);
	} else {
		printf("list '%s' version %" PRIu64 " of %s: %zu substances\n", name,
		       sdx_list_version(s), sdx_list_date(s), sdx_list_count(s));
		for (i = 0; i < sdx_list_count(s); i++)
			print_entry(sdx_list_entry(s, i), "  ");
	}
	sdx_list_free(s);
	return 0;
}

static void print_diff(const json_t *d)
{
	const json_t *from = json_object_get(d, "from"), *to = json_object_get(d, "to"), *x, *h;
	size_t i, k;

	printf("list '%s': version %" JSON_INTEGER_FORMAT " of %s", json_str(d, "list"),
	       json_integer_value(json_object_get(to, "version")), json_str(to, "date"));
	if (json_is_object(from))
		printf(" against version %" JSON_INTEGER_FORMAT " of %s",
		       json_integer_value(json_object_get(from, "version")), json_str(from, "date"));
	printf(": %zu added, %zu removed\n", json_array_size(json_object_get(d, "added")),
	       json_array_size(json_object_get(d, "removed")));
	json_array_foreach(json_object_get(d, "added"), i, x) {
		printf("  + %s", json_str(x, "name"));
		json_array_foreach(json_object_get(x, "cas"), k, h)
			printf("%s%s", k ? ", " : " (CAS ", json_string_value(h));
		printf("%s%s%s\n", json_array_size(json_object_get(x, "cas")) ? ")" : "",
		       *json_str(x, "added") ? ", listed " : "", json_str(x, "added"));
		json_array_foreach(json_object_get(x, "hits"), k, h) {
			const json_t *lot;
			size_t q;
			printf("      hits %s: %g mg/kg (%.4g %% w/w)", json_str(h, "label"),
			       json_number_value(json_object_get(h, "mg_per_kg")),
			       json_number_value(json_object_get(h, "percent")));
			json_array_foreach(json_object_get(h, "lots"), q, lot)
				printf("%s%s", q ? ", " : ", lot ", json_string_value(lot));
			printf(", entry %.16s\n", json_str(h, "ref"));
		}
	}
	json_array_foreach(json_object_get(d, "removed"), i, x)
		printf("  - %s\n", json_str(x, "name"));
}

static int do_diff(const struct list_opts *o, sdx_ledger *l, const char *name)
{
	sdx_substance_list *from = NULL, *to = NULL;
	sdx_graph *g = NULL;
	char *text = NULL;
	int err, rc = 0;

	if ((err = sdx_list_from_ledger(&to, l, name, o->to)) < 0)
		return cmd_fail(err);
	if (o->from || sdx_list_version(to) > 1)
		err = sdx_list_from_ledger(&from, l, name, o->from ? o->from :
					   sdx_list_version(to) - 1);
	if (err < 0 || (err = sdx_graph_from_ledger(&g, l)) < 0 ||
	    (err = sdx_list_diff(&text, from, to, g)) < 0) {
		rc = cmd_fail(err);
	} else if (o->json) {
		print_json(json_loads(text, 0, NULL));
	} else {
		json_t *d = json_loads(text, 0, NULL);
		print_diff(d);
		json_decref(d);
	}
	free(text);
	sdx_graph_free(g);
	sdx_list_free(from);
	sdx_list_free(to);
	return rc;
}

int cmd_list(int argc, char **argv)
{
	struct list_opts o;
	sdx_ledger *l = NULL;
	const char *verb;
	int first, rc, nargs;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "date", &o.date, "YYYY-MM-DD",
			   "import: the list's publication date (default: its latest date of inclusion)"),
		OPT_U64(0, "version", &o.version, "N", "show: this version (default: the newest)"),
		OPT_U64(0, "from", &o.from, "N", "diff: the earlier version (default: the one before --to)"),
		OPT_U64(0, "to", &o.to, "N", "diff: the later version (default: the newest)"),
		OPT_BOOL(0, "json", &o.json, "print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	verb = first < argc ? argv[first] : "ls";
	nargs = argc - first - (first < argc);
	where_resolve(&o.w);
	if (strcmp(verb, "import") == 0 && nargs == 2)
		return do_import(&o, argv[first + 1], argv[first + 2]);
	if (!((strcmp(verb, "ls") == 0 && nargs == 0) ||
	      ((strcmp(verb, "show") == 0 || strcmp(verb, "diff") == 0) && nargs == 1)))
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if ((rc = open_ledger(&l, &o.w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if (strcmp(verb, "ls") == 0)
		rc = do_ls(&o, l);
	else if (strcmp(verb, "show") == 0)
		rc = do_show(&o, l, argv[first + 1]);
	else
		rc = do_diff(&o, l, argv[first + 1]);
	sdx_ledger_free(l);
	return rc;
}
