/* cmd/cmd_lab.c - sdx lab: lab accreditation registers kept in the ledger. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

static const struct usage use = {
	"sdx lab import FILE [--name NAME] [--json]\n"
	"   or: sdx lab list [--json]\n"
	"   or: sdx lab show NUMBER [--body BODY] [--json]",
	"Keep the registers of accredited laboratories that 'sdx check' verifies test\n"
	"reports against (a profile rule with \"accreditation\": \"verified\"): is the\n"
	"report's accreditation number listed, active on the report's issue date, and\n"
	"is what the report tested in its scope?  'import' reads a register from CSV or\n"
	"JSON (formats/lab-register.md: body, number, lab_name, country,\n"
	"scope_standards, scope_items, valid_from, valid_until, status, suspended_from,\n"
	"note) and stores it under its name (the file's base name, or --name): a new\n"
	"version when the content differs from the newest one, nothing when it is the\n"
	"same.  A file with an error is refused whole, naming its line and column.\n"
	"'list' prints every register and version; 'show' the entry of an\n"
	"accreditation number and which register holds it.  Registers are local\n"
	"reference data: not signed, never exported.  'sdx check --labs FILE' uses a\n"
	"file instead.  examples/data/labs/example-register.csv is EXAMPLE DATA for\n"
	"the demo and tests, not an official register.  Needs no key.",
	USAGE_ANY
};

struct lab_opts {
	struct where w;
	const char *name, *body;
	int json;
};

static json_t *info_json(const sdx_register_info *info)
{
	char hex[65];

	hex_hash(hex, info->source_sha256);
	return json_pack("{s:s, s:I, s:s, s:s, s:b}", "name", info->name, "version",
			 (json_int_t)info->version, "imported", info->imported, "source_sha256",
			 hex, "latest", info->latest);
}

static int import(const struct lab_opts *o, sdx_ledger *l, const char *file)
{
	sdx_lab_register *r = NULL;
	sdx_register_info info;
	char hex[65];
	size_t n;
	int err;

	if ((err = sdx_lab_register_read(&r, file)) < 0)
		return cmd_fail(err);
	n = sdx_lab_register_count(r);
	err = sdx_lab_register_store(&info, l, r, o->name);
	sdx_lab_register_free(r);
	if (err < 0)
		return cmd_fail(err);
	hex_hash(hex, info.source_sha256);
	if (o->json) {
		json_t *j = info_json(&info);
		json_object_set_new(j, "labs", json_integer((json_int_t)n));
		json_object_set_new(j, "stored", json_boolean(err == 0));
		print_json(j);
	} else if (err == 0) {
		printf("stored lab register '%s' version %" PRIu64 ": %zu lab%s, sha256 %s\n",
		       info.name, info.version, n, n == 1 ? "" : "s", hex);
	} else {
		printf("unchanged: lab register '%s' version %" PRIu64 " holds these %zu lab%s "
		       "already (imported %s, sha256 %s); nothing was written\n", info.name,
		       info.version, n, n == 1 ? "" : "s", info.imported, hex);
	}
	return EXIT_OK;
}

struct listing {
	json_t *list;
	size_t n;
};

static int list_one(void *ctx, const sdx_register_info *info)
{
	struct listing *s = ctx;
	char hex[65];

	s->n++;
	if (s->list)
		return json_array_append_new(s->list, info_json(info)) < 0 ? SDX_ENOMEM : 0;
	hex_hash(hex, info->source_sha256);
	printf("%s version %" PRIu64 "%s\n  imported: %s\n  sha256:   %s\n", info->name,
	       info->version, info->latest ? " (latest)" : "", info->imported, hex);
	return 0;
}

static int list(const struct lab_opts *o, sdx_ledger *l)
{
	struct listing s = { o->json ? json_array() : NULL, 0 };
	int err;

	if ((err = sdx_ledger_register_list(l, SDX_LAB_REGISTER_KIND, list_one, &s)) != 0) {
		json_decref(s.list);
		return cmd_fail(err);
	}
	if (s.list)
		print_json(s.list);
	else if (s.n == 0)
		fprintf(stderr, "sdx: no lab register is held; 'sdx lab import FILE' stores one\n");
	return EXIT_OK;
}

static json_t *strings_json(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *entry_json(const sdx_lab_entry *e)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s}", "body", e->body,
			      "number", e->number, "lab_name", e->lab_name, "country", e->country,
			      "scope_standards", strings_json(e->scope_standards,
							      e->n_scope_standards),
			      "scope_items", strings_json(e->scope_items, e->n_scope_items),
			      "valid_from", e->valid_from, "valid_until", e->valid_until,
			      "status", e->status);

	if (e->suspended_from)
		json_object_set_new(j, "suspended_from", json_string(e->suspended_from));
	if (e->note)
		json_object_set_new(j, "note", json_string(e->note));
	json_object_set_new(j, "register", json_pack("{s:s, s:I, s:s}", "name", e->register_name,
						     "version", (json_int_t)e->register_version,
						     "source_sha256", e->register_sha256));
	return j;
}

static void print_list(const char *label, const char *const *v, size_t n)
{
	printf("  %-15s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "; " : "", v[i]);
	printf("%s\n", n ? "" : "(none)");
}

static void print_entry(const sdx_lab_entry *e)
{
	printf("%s  %s (%s)\n", e->number, e->lab_name, e->country);
	printf("  %-15s%s\n", "body:", e->body);
	printf("  %-15s%s\n", "status:", e->status);
	if (e->suspended_from)
		printf("  %-15s%s\n", "since:", e->suspended_from);
	printf("  %-15s%s to %s\n", "valid:", e->valid_from, e->valid_until);
	print_list("standards:", e->scope_standards, e->n_scope_standards);
	print_list("test items:", e->scope_items, e->n_scope_items);
	if (e->note)
		printf("  %-15s%s\n", "note:", e->note);
	printf("  %-15s'%s' version %" PRIu64 " (sha256 %s)\n", "register:", e->register_name,
	       e->register_version, e->register_sha256);
}

static int show(const struct lab_opts *o, sdx_ledger *l, const char *number)
{
	sdx_lab_register *r = NULL;
	json_t *list = o->json ? json_array() : NULL;
	size_t i, n = 0;
	int err;

	if ((err = sdx_lab_register_from_ledger(&r, l)) < 0) {
		json_decref(list);
		return cmd_fail(err);
	}
	for (i = sdx_lab_register_find(r, 0, o->body, number); i < sdx_lab_register_count(r);
	     i = sdx_lab_register_find(r, i + 1, o->body, number)) {
		if (list)
			json_array_append_new(list, entry_json(sdx_lab_register_entry(r, i)));
		else
			print_entry(sdx_lab_register_entry(r, i));
		n++;
	}
	sdx_lab_register_free(r);
	if (n == 0) {
		json_decref(list);
		return cmd_error(EXIT_USAGE, "'%s'%s%s is in no lab register of '%s'", number,
				 o->body ? " of body " : "", o->body ? o->body : "", o->w.ledger);
	}
	if (list)
		print_json(list);
	return EXIT_OK;
}

int cmd_lab(int argc, char **argv)
{
	struct lab_opts o;
	sdx_ledger *l = NULL;
	const char *verb;
	int first, rc, operands;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING('n', "name", &o.name, "NAME",
			   "import: store under this name (default: the file's base name)"),
		OPT_STRING('b', "body", &o.body, "BODY",
			   "show: only the accreditation of this body, e.g. CNAS"),
		OPT_BOOL(0, "json", &o.json, "print as JSON"),
		WHERE_OPTS(&o.w),
		OPT_END()
	};
	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	verb = first < argc ? argv[first] : "";
	operands = strcmp(verb, "import") == 0 || strcmp(verb, "show") == 0 ? 2
		   : strcmp(verb, "list") == 0 ? 1 : -1;
	if (operands < 0 || argc - first != operands)
		return cmd_error(EXIT_USAGE, "usage: %s", use.synopsis);
	if ((o.name && strcmp(verb, "import") != 0) || (o.body && strcmp(verb, "show") != 0))
		return cmd_error(EXIT_USAGE, "%s applies to 'sdx lab %s' only",
				 o.name ? "--name" : "--body", o.name ? "import" : "show");
	if ((rc = resolve_and_open(&l, &o.w, strcmp(verb, "import") == 0 ? 0
						     : SDX_OPEN_READONLY)) != 0)
		return rc;
	if (strcmp(verb, "import") == 0)
		rc = import(&o, l, argv[first + 1]);
	else if (strcmp(verb, "list") == 0)
		rc = list(&o, l);
	else
		rc = show(&o, l, argv[first + 1]);
	sdx_ledger_free(l);
	return rc;
}
