/* cmd/cmd_batch.c - sdx batch: record a finished-goods batch and its inputs. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_INPUTS 200
#define MAX_ATTACH 64

static const struct opt opts[] = {
	{ "id", 0, "BATCH", "batch or lot number of the finished goods" },
	{ "product", 0, "NAME", "product name" },
	{ "hs", 0, "CODE", "HS code of the product, e.g. 6913.90" },
	{ "sku", 0, "SKU", "your article number (optional)" },
	{ "gtin", 0, "GTIN", "GTIN-8/12/13/14 (optional)" },
	{ "category", 0, "KIND", "infant_product, toy, food_contact, packaging, ceramic, ..." },
	{ "date", 0, "YYYY-MM-DD", "production date" },
	{ "site", 0, "NAME", "production site" },
	{ "site-country", 0, "CC", "country of the site (ISO 3166 alpha-2, e.g. CN)" },
	{ "quantity", 0, "N:UNIT", "batch size, e.g. 5000:H87 (pieces) or 1.2:TNE" },
	{ "input", 'i', "REF:LOT:N:UNIT", "an input: declaration (or batch) REF, supplier lot "
	  "used (empty for a batch), quantity consumed; repeatable" },
	{ "attach", 'a', "FILE", "store FILE as evidence (with a JSON file citing it)" },
	{ "dry-run", 'n', NULL, "print the record that would be signed; write nothing" },
	{ "json", 0, NULL, "print the entry written as JSON" },
	WHERE_OPTS,
	{ NULL, 0, NULL, NULL }
};

static const struct usage use = {
	"sdx batch FILE.json [--attach FILE]...\n"
	"   or: sdx batch --id BATCH --product NAME --hs CODE --date DATE --site NAME\n"
	"                 --site-country CC --quantity N:UNIT --input REF:LOT:N:UNIT...",
	"Record a production batch of finished goods and what went into it\n"
	"(formats/batch.md).  Each input names a declaration entry - your own or one\n"
	"imported from a supplier's bundle - by leaf hash (a prefix of 4+ hex digits\n"
	"will do; 'sdx log' and 'sdx inbox --entries' list them) and the supplier lot\n"
	"used, which must be one of the lots the declaration covers.  An input may also\n"
	"be an earlier batch (a sub-assembly); leave LOT empty: REF::N:UNIT.  Product\n"
	"test reports go in a JSON file's \"evidence\" with --attach.\n"
	"Example:\n"
	"  sdx batch --id BY2610-032 --product 'Baby bath thermometer' --hs 9025.19 \\\n"
	"      --date 2026-10-12 --site 'Cixi plant 2' --site-country CN \\\n"
	"      --quantity 5000:H87 --input 3f2a9c:HX2609-0418:0.4:TNE",
	opts
};

struct batch_opts {
	struct where w;
	const char *id, *product, *hs, *sku, *gtin, *category, *date, *site, *site_country;
	char *quantity;
	char *inputs[MAX_INPUTS];
	size_t ninputs;
	const char *attach[MAX_ATTACH];
	size_t nattach;
	int dry_run, json;
};

static int on_opt(void *ctx, const char *name, const char *arg)
{
	struct batch_opts *o = ctx;
	static const struct string_opt strs[] = {
		{ "id", offsetof(struct batch_opts, id) },
		{ "product", offsetof(struct batch_opts, product) },
		{ "hs", offsetof(struct batch_opts, hs) },
		{ "sku", offsetof(struct batch_opts, sku) },
		{ "gtin", offsetof(struct batch_opts, gtin) },
		{ "category", offsetof(struct batch_opts, category) },
		{ "date", offsetof(struct batch_opts, date) },
		{ "site", offsetof(struct batch_opts, site) },
		{ "site-country", offsetof(struct batch_opts, site_country) },
	};

	if (where_option(&o->w, name, arg) ||
	    string_option(o, strs, sizeof(strs) / sizeof(strs[0]), name, arg))
		return 0;
	if (strcmp(name, "quantity") == 0) {
		o->quantity = (char *)arg;
	} else if (strcmp(name, "input") == 0) {
		if (o->ninputs == MAX_INPUTS)
			return cmd_error(EXIT_USAGE, "at most %d --input options", MAX_INPUTS);
		o->inputs[o->ninputs++] = (char *)arg;
	} else if (strcmp(name, "attach") == 0) {
		if (o->nattach == MAX_ATTACH)
			return cmd_error(EXIT_USAGE, "at most %d --attach files", MAX_ATTACH);
		o->attach[o->nattach++] = arg;
	} else if (strcmp(name, "dry-run") == 0) {
		o->dry_run = 1;
	} else if (strcmp(name, "json") == 0) {
		o->json = 1;
	}
	return 0;
}

/* --input REF:LOT:N:UNIT as {"entry", "lot_number", "quantity"}. */
static int add_input(sdx_ledger *l, json_t *inputs, char *spec, size_t n)
{
	char *f[4], hex[65], what[48];
	json_t *in, *q;
	size_t nf;
	int rc;

	snprintf(what, sizeof(what), "--input #%zu", n + 1);
	if (split_fields(spec, f, 4, &nf) != 0 || nf != 4)
		return cmd_error(EXIT_USAGE, "%s: expected REF:LOT:N:UNIT, e.g. 3f2a9c:HX2609-0418:"
				 "0.4:TNE (LOT empty for a batch)", what);
	if ((rc = resolve_leaf(l, f[0], hex, NULL, 0)) != 0)
		return rc;
	if (!(q = quantity_json(f[2], f[3], what)))
		return EXIT_USAGE;
	in = json_pack("{s:s, s:o}", "entry", hex, "quantity", q);
	if (*f[1])
		json_object_set_new(in, "lot_number", json_string(f[1]));
	json_array_append_new(inputs, in);
	return 0;
}

static int from_options(struct batch_opts *o)
{
	sdx_ledger *l = NULL;
	json_t *rec = NULL, *product, *site, *inputs, *q;
	char *qf[2];
	size_t i, nq;
	int rc = 0;

	if (!o->id || !o->product || !o->hs || !o->date || !o->site || !o->site_country ||
	    !o->quantity || !o->ninputs)
		return cmd_error(EXIT_USAGE, "a batch needs --id, --product, --hs, --date, --site, "
				 "--site-country, --quantity and at least one --input (or a JSON "
				 "file); see 'sdx batch --help'");
	if (split_fields(o->quantity, qf, 2, &nq) != 0 || nq != 2)
		return cmd_error(EXIT_USAGE, "--quantity: expected N:UNIT, e.g. 5000:H87");
	if (!(q = quantity_json(qf[0], qf[1], "--quantity")))
		return EXIT_USAGE;
	product = json_pack("{s:s, s:s}", "name", o->product, "hs_code", o->hs);
	if (o->sku)
		json_object_set_new(product, "sku", json_string(o->sku));
	if (o->gtin)
		json_object_set_new(product, "gtin", json_string(o->gtin));
	if (o->category)
		json_object_set_new(product, "category", json_string(o->category));
	site = json_pack("{s:s, s:s}", "name", o->site, "country", o->site_country);
	inputs = json_array();
	rec = json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}", "batch_id", o->id, "product", product,
			"production_date", o->date, "site", site, "quantity", q, "inputs", inputs);
	if (!rec || !product || !site || !inputs) {
		json_decref(rec);
		return cmd_error(EXIT_ENV, "out of memory");
	}
	if ((rc = open_ledger(&l, &o->w, 0)) != 0)
		goto done;
	for (i = 0; i < o->ninputs && rc == 0; i++)
		rc = add_input(l, inputs, o->inputs[i], i);
	sdx_ledger_free(l);
	if (rc == 0)
		rc = record_from_options(&o->w, "batch", rec, o->attach, o->nattach, o->dry_run,
					 o->json);
done:
	json_decref(rec);
	return rc;
}

int cmd_batch(int argc, char **argv)
{
	struct batch_opts o;
	int first, rc;

	memset(&o, 0, sizeof(o));
	if ((rc = cmd_parse(argc, argv, &use, on_opt, &o, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	if (first == argc)
		return from_options(&o);
	if (o.id || o.ninputs || o.product)
		return cmd_error(EXIT_USAGE, "give either FILE.json or the batch options, not both");
	if (argc - first > 1)
		return cmd_error(EXIT_USAGE, "one batch file per call");
	if (o.dry_run) {
		/* validate only: sdx declare has no dry run, so do it here */
		return cmd_error(EXIT_USAGE, "--dry-run applies to batches given by options");
	}
	/* a batch file is a record like a declaration: the same path through sdx declare */
	return cmd_declare_file(&o.w, "batch", argv[first], o.attach, o.nattach, o.json);
}
