/* cmd/cmd_batch.c - sdx batch: record a finished-goods batch and its inputs. */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"

#define MAX_INPUTS 200

static const struct usage use = {
	"sdx batch FILE.json [--attach FILE]...\n"
	"   or: sdx batch --id BATCH --product NAME --hs CODE --date DATE\n"
	"                 --manufacturer NAME --manufacturer-id SCHEME:ID...\n"
	"                 --manufacturer-country CC --quantity N:UNIT\n"
	"                 --input REF:LOT:N:UNIT[:ROLE]... [--model PRODUCT]\n"
	"   or: sdx batch --csv FILE.csv --map MAP.json [--attach FILE]... [--dry-run]",
	"Record a production batch of finished goods and what went into it\n"
	"(formats/batch.md, version 3: it names its manufacturer).  Each input names a\n"
	"declaration entry - your own or one imported from a supplier's bundle - by\n"
	"leaf hash (a prefix of 4+ hex digits will do; 'sdx log' and 'sdx inbox\n"
	"--entries' list them) and the supplier lot used, which must be one of the lots\n"
	"the declaration covers, and may say what the input is in the product (ROLE:\n"
	"material, additive, component, coating, packaging, food_contact_layer, other).\n"
	"An input may also be an earlier batch (a sub-assembly); leave LOT empty:\n"
	"REF::N:UNIT.  Input costs, the batch value, process steps, a correction\n"
	"(supersedes) and product test reports (\"evidence\", with --attach) go in a\n"
	"JSON file; a version 1 file (no \"format\") is read in ledgers but no longer\n"
	"written.  A batch may not take more of a lot than its declaration says it\n"
	"holds (with every batch of this ledger), nor be made before the lot, nor\n"
	"repeat a batch id unless it supersedes that batch (formats/plausibility.md).\n"
	"--model names the product (model) record the batch is a run of (its product\n"
	"id, leaf hash or index; 'sdx declare --type product MODEL.json' records one,\n"
	"formats/product.md): its type-test reports count for the batch where a rule\n"
	"accepts model-level evidence.\n"
	"Example:\n"
	"  sdx batch --id BY2610-032 --product 'Baby bath thermometer' --hs 9025.19 \\\n"
	"      --date 2026-10-12 --manufacturer 'Cixi Little Harbour Toys Co., Ltd.' \\\n"
	"      --manufacturer-id USCI:91330282MA2CX7LH5B --manufacturer-country CN \\\n"
	"      --site 'Cixi plant 2' --quantity 5000:H87 \\\n"
	"      --input 3f2a9c:HX2609-0418:0.4:TNE:material\n"
	"With --csv the rows of a CSV file exported from an ERP system become batches\n"
	"as the mapping --map says (a batch with several inputs is several rows;\n"
	"formats/csv-import.md); an input may name its declaration by the supplier\n"
	"lot it covers.  All rows are checked before any batch is appended, in one\n"
	"transaction.",
	USAGE_ANY
};

/* The batch fields options give, and the options. */
enum { ID, PRODUCT, HS, SKU, GTIN, CATEGORY, DATE, MAKER, MAKER_COUNTRY, SITE, SITE_COUNTRY,
       QUANTITY, MODEL, MODEL_ID, N_FIELDS };
static const struct field_opt fields[N_FIELDS] = {
	{ "batch_id", "--id" }, { "product.name", "--product" }, { "product.hs_code", "--hs" },
	{ "product.sku", "--sku" }, { "product.gtin", "--gtin" },
	{ "product.category", "--category" }, { "production_date", "--date" },
	{ "manufacturer.name", "--manufacturer" },
	{ "manufacturer.country", "--manufacturer-country" },
	{ "site.name", "--site" }, { "site.country", "--site-country" },
	{ "quantity", "--quantity" }, { "model.entry", "--model" },
	{ "model.product_id", "--model" }
};

struct batch_opts {
	struct where w;
	const char *f[N_FIELDS];
	const char *ids[PARTY_MAX_IDS];
	size_t nids;
	const char *inputs[MAX_INPUTS];
	size_t ninputs;
	const char *attach[MAX_ATTACH];
	size_t nattach;
	char model_hex[65], model_id[80];
	int dry_run, json;
	struct csv_opts csv;
};

/* --model REF: the product record's leaf hash and product_id. */
static int resolve_model(struct batch_opts *o)
{
	sdx_ledger *l = NULL;
	sdx_found *f = NULL;
	json_t *p = NULL;
	char *text = NULL;
	const char *id;
	size_t len = 0;
	int rc, err;

	if ((rc = open_ledger(&l, &o->w, SDX_OPEN_READONLY)) != 0)
		return rc;
	if ((err = sdx_record_find(&f, l, o->f[MODEL], NULL)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	if (strcmp(f->entry.type, "product") != 0) {
		rc = cmd_error(EXIT_USAGE, "--model '%s' is a %s, not a product record", o->f[MODEL],
			       f->entry.type);
		goto done;
	}
	hex_hash(o->model_hex, f->entry.leaf_hash);
	if ((err = sdx_entry_payload(&text, &len, &f->entry)) < 0) {
		rc = cmd_fail(err);
		goto done;
	}
	p = json_loadb(text, len, 0, NULL);
	id = json_string_value(json_object_get(json_object_get(p, "body"), "product_id"));
	snprintf(o->model_id, sizeof(o->model_id), "%s", id ? id : "");
	o->f[MODEL] = o->model_hex;
	o->f[MODEL_ID] = o->model_id;
done:
	free(text);
	json_decref(p);
	sdx_found_free(f);
	sdx_ledger_free(l);
	return rc;
}

static int from_options(struct batch_opts *o)
{
	int rc;
	const struct list_opt ids = { "manufacturer.identifiers", "--manufacturer-id", o->ids,
				      o->nids };
	const struct built_record r = {
		"batch", fields, o->f, N_FIELDS, &ids, 1, o->inputs, o->ninputs, "--input",
		"a batch needs --id, --product, --hs, --date, --manufacturer, --manufacturer-id, "
		"--manufacturer-country, --quantity and at least one --input (or a JSON file); "
		"see 'sdx batch --help'"
	};

	if (o->f[MODEL] && (rc = resolve_model(o)) != 0)
		return rc;
	return cmd_append_built(&o->w, &r, o->attach, o->nattach, o->dry_run, o->json);
}

int cmd_batch(int argc, char **argv)
{
	struct batch_opts o;
	struct record_src src = { NULL, NULL, NULL, NULL, 0, 0 };
	int first, rc;

	memset(&o, 0, sizeof(o));
	struct opt opts[] = {
		OPT_STRING(0, "id", &o.f[ID], "BATCH", "batch or lot number of the finished goods"),
		OPT_STRING(0, "product", &o.f[PRODUCT], "NAME", "product name"),
		OPT_STRING(0, "hs", &o.f[HS], "CODE", "HS code of the product, e.g. 6913.90"),
		OPT_STRING(0, "sku", &o.f[SKU], "SKU", "your article number (optional)"),
		OPT_STRING(0, "gtin", &o.f[GTIN], "GTIN", "GTIN-8/12/13/14 (optional)"),
		OPT_STRING(0, "category", &o.f[CATEGORY], "KIND",
			   "infant_product, toy, food_contact, packaging, ceramic, ..."),
		OPT_STRING(0, "date", &o.f[DATE], "YYYY-MM-DD", "production date"),
		PARTY_OPTS("manufacturer", &o.f[MAKER], o.ids, &o.nids, &o.f[MAKER_COUNTRY],
			   "who made the batch and signs it (your company's legal name)"),
		OPT_STRING(0, "site", &o.f[SITE], "NAME",
			   "production site (default: the manufacturer's name)"),
		OPT_STRING(0, "site-country", &o.f[SITE_COUNTRY], "CC",
			   "country of the site (default: --manufacturer-country)"),
		OPT_STRING(0, "quantity", &o.f[QUANTITY], "N:UNIT",
			   "batch size, e.g. 5000:H87 (pieces) or 1.2:TNE"),
		OPT_STRING_LIST('i', "input", o.inputs, &o.ninputs, MAX_INPUTS, "REF:LOT:N:UNIT[:ROLE]",
				"an input: declaration (or batch) REF, supplier lot used (empty for "
				"a batch), quantity consumed, optional ROLE (above); repeatable",
				"at most %zu --input options"),
		OPT_STRING(0, "model", &o.f[MODEL], "PRODUCT",
			   "the product (model) record the batch is a run of: product id or REF"),
		OPT_STRING_LIST('a', "attach", o.attach, &o.nattach, MAX_ATTACH, "FILE",
				"store FILE as evidence (with a JSON file citing it)",
				"at most %zu --attach files"),
		OPT_BOOL('n', "dry-run", &o.dry_run, "make every check of the write (options: print the "
			 "record too); write nothing"),
		OPT_BOOL(0, "json", &o.json, "print the entry written as JSON"),
		CSV_OPTS(&o.csv),
		WHERE_OPTS(&o.w),
		OPT_END()
	};

	if ((rc = cmd_parse(argc, argv, &use, opts, &first)) != 0)
		return rc == CMD_HELP_SHOWN ? 0 : rc;
	where_resolve(&o.w);
	if (o.csv.map_path && !o.csv.csv)
		return cmd_error(EXIT_USAGE, "--map goes with --csv FILE");
	if (o.csv.csv) {
		if (first < argc || o.f[ID] || o.ninputs || o.f[PRODUCT] || o.f[MAKER] || o.nids ||
		    o.f[MODEL])
			return cmd_error(EXIT_USAGE, "--csv FILE goes alone (no FILE.json or batch "
					 "options)");
		o.csv.w = &o.w;
		o.csv.type = "batch";
		o.csv.attach = o.attach;
		o.csv.nattach = o.nattach;
		o.csv.dry_run = o.dry_run;
		o.csv.json = o.json;
		return cmd_csv_import(&o.csv);
	}
	if (first == argc)
		return from_options(&o);
	if (o.f[ID] || o.ninputs || o.f[PRODUCT] || o.f[MAKER] || o.nids || o.f[MODEL])
		return cmd_error(EXIT_USAGE, "give either FILE.json or the batch options, not both");
	if (argc - first > 1)
		return cmd_error(EXIT_USAGE, "one batch file per call");
	/* a batch file is a record like a declaration: the same path as sdx declare */
	src.file = argv[first];
	if (o.dry_run)
		return cmd_append_check(&o.w, "batch", &src, 1, o.attach, o.nattach);
	return cmd_append(&o.w, "batch", &src, 1, o.attach, o.nattach, o.json);
}
